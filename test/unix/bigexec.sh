#!/usr/bin/env bash
# A program larger than the free memory runs: bigexec writes a 3 MiB
# program under /tmp (the RAM file system, half the machine's memory)
# and runs it, and the program writes every page of it, at QEMU -m 12
# with the default pager on a swap disk.  Its pages come from the file
# service (the program is mapped from its file, not read into memory)
# and, once written, from the default pager.  The output must be the
# host's.  (The same boot without the default pager runs out of memory
# and hangs: the program and its copy do not fit.)
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
prog=test/unix/bigexec
host_run "$tmp/host" "$prog" <&- # no file 0, as unix_run_swap gives
ok $? "bigexec runs on the host"
"$srcdir/scripts/mkdisk" "$tmp/swap.img" swap:128M
st=$(unix_run_swap "$tmp/boot.log" 12 "$tmp/swap.img" "unix_server/single/single -x bigexec,unix_server/emul/emul.bin \$(data),$prog \$(data)")
ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
has "$tmp/boot.log" "default pager is ready"
ok $? "the default pager runs on the swap disk"
unix_output "$tmp/boot.log" > "$tmp/out"
diff -u "$tmp/host" "$tmp/out" | sed 's/^/# /'
cmp -s "$tmp/host" "$tmp/out"
ok $? "a 3 MiB program written all over at -m 12 runs as on the host ($(tr '\n' ' ' < "$tmp/out"))"
! has "$tmp/boot.log" "panic\|fault in the library"
ok $? "no panic, no fault in the emulation library"
tap_end
