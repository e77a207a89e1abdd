#!/usr/bin/env bash
# A smoke run of bench/fs_bench (fs_bench -q: one chunk of each
# benchmark, no -icount, no figure checked) as pid 1 with / on a snapshot
# of the build's root disk, as bench/fs.list boots it: every benchmark
# the issue names reports, and every operation's result was as expected
# (fs_bench prints "fs_bench: FAIL" and exits 1 otherwise).
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
log=$tmp/boot.log
st=$(boot "$log" --timeout 300 --append console=serial \
	--initrd "bootstrap/bootstrap -x,unix_server/single/single -x -D \${device-port} root=hd0s1 /bin/fs_bench -q,unix_server/emul/emul.bin \$(data)" \
	--qemu-opt -drive --qemu-opt "file=unix_server/rootdisk.img,format=raw,if=ide,index=0,snapshot=on" mach/ernst)
ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
unix_output "$log" > "$tmp/out"
! grep '^fs_bench:' "$tmp/out" | sed 's/^/# /' | grep -q .
ok $? "fs_bench: every operation succeeded ($(grep -c '^fs_bench: FAIL' "$tmp/out") failures)"
[ "$(unix_status "$log")" = 0 ]
ok $? "fs_bench exits with status 0"
for name in fs.open_read_close_4k fs.create_write_fsync_unlink_4k fs.stat fs.readdir_1000 fs.cp_1m fs.mmap_pagein_ext2; do
	grep -Eq "^BENCH $name [0-9]+$" "$tmp/out"
	ok $? "fs_bench reports $name"
done
tap_end
