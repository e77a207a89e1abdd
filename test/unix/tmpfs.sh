#!/usr/bin/env bash
# /tmp in the single server's RAM (tmpfs-script.sh under busybox sh, the
# boot archive as /, QEMU's 128 MiB): files of 2 MiB copied and compared
# (the server's heap once held 8 MiB in all: 780 KB gave ENOSPC), a copy
# of busybox run from /tmp, /tmp's limit (half the machine's memory,
# as Linux's tmpfs: df shows it), ENOSPC when it is full, the other files intact,
# room again after rm, nothing left in use at the end.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
st=$(unix_run_sh "$tmp/boot.log" "$srcdir/test/unix/tmpfs-script.sh")
ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
unix_output "$tmp/boot.log" > "$tmp/out"
sed 's/^/# /' "$tmp/out"
line() { grep -qx -- "$1" "$tmp/out"; }
line "size 1988895"; ok $? "seq 1 300000 > /tmp/a writes its 1988895 bytes"
line "a copy of 2 MiB: equal"; ok $? "cp of it in /tmp, and cmp: equal"
line "busybox copied to /tmp runs"; ok $? "a copy of busybox (2 MiB) in /tmp runs"
limit=$(sed -n 's/^limit //p' "$tmp/out")
[ -n "$limit" ] && [ "$limit" -gt 49152 ] && [ "$limit" -le 65536 ]
ok $? "df: /tmp's size is half the machine's 128 MiB ($limit KiB)"
line "cat: write error: No space left on device" && line "cat status 1"
ok $? "cat /dev/zero > /tmp/fill ends with ENOSPC"
line "filled 1"; ok $? "after more than 16 MB"
line "full: 1"; ok $? "one file filled /tmp to its limit (less than 64 KiB left: growing copies nothing)"
line "the other files are intact"; ok $? "the other files are intact"
line "after ENOSPC and rm: a copy is equal again"; ok $? "rm makes room again"
line "used 0"; ok $? "everything removed: df says 0 KiB used"
! has "$tmp/boot.log" "panic\|fault in the library"
ok $? "no panic, no fault in the emulation library"
tap_end
