#!/usr/bin/env bash
# A plain boot prints the banner and boot log, lists the modules with
# their command lines, and halts cleanly with a success status.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "first module" > "$tmp/mod1"
echo "second module" > "$tmp/mod2"

st=$(boot "$tmp/plain" mach/ernst)
ok $((st != 0)) "a boot with no modules halts with success (status $st: $(qemu_status_text $st))"
has "$tmp/plain" "no boot modules: nothing to run, halting"; ok $? "and says why it halts"
st=$(boot "$tmp/log" --initrd "$tmp/mod1 alpha beta,$tmp/mod2 gamma" mach/ernst)
ok $((st != 1)) "modules that are not programs fail the boot (status $st: $(qemu_status_text $st))"
grep -q '^Ernst [0-9][0-9.]* (build [^ ]* [0-9-]*) i386' <(tr -d '\r' < "$tmp/log"); ok $? "the banner line starts with Ernst, version and build"
has "$tmp/log" "MiB usable"; ok $? "the memory map is shown"
has "$tmp/log" "2 boot modules"; ok $? "both modules are counted"
has "$tmp/log" "module 0: .*mod1 alpha beta"; ok $? "module 0 is listed with its arguments"
has "$tmp/log" "module 1: .*mod2 gamma"; ok $? "module 1 is listed with its arguments"
has "$tmp/log" "kernel initialised"; ok $? "initialisation completes"
has "$tmp/log" "bootstrap: module 0 .*not an ELF file"; ok $? "the kernel says why it stops"

st=$(boot "$tmp/log2" --append "console=vga" mach/ernst)
ok $((st != 0)) "console=vga boots (status $st)"
lines=$(tr -d '\r' < "$tmp/log2" | grep -c . || true)
[ "$lines" -le 1 ]; ok $? "console=vga keeps the serial line quiet after the banner's command line is read ($lines lines)"
[ "$(wc -c < "$tmp/log")" -gt 0 ] && cat "$tmp/log" | sed 's/^/# /' | tr -d '\r' | head -20
tap_end
