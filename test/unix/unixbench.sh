#!/usr/bin/env bash
# A smoke run of bench/unix_bench (unix_bench -q: one chunk of each
# benchmark, no -icount, no figure checked) as pid 1 from the boot
# archive, as bench/unix.list boots it: every benchmark reports, and
# every operation's result was as expected (unix_bench prints
# "unix_bench: FAIL" and exits 1 otherwise: a failed execve in
# fork_exec_wait, a short pipe write, sh's loop not ending at 1000).
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
log=$tmp/boot.log
st=$(unix_run_fs "$log" "/bin/unix_bench -q")
ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
unix_output "$log" > "$tmp/out"
grep '^unix_bench:' "$tmp/out" | sed 's/^/# /'
! grep -q '^unix_bench:' "$tmp/out"
ok $? "unix_bench: every operation succeeded ($(grep -c '^unix_bench: FAIL' "$tmp/out") failures)"
[ "$(unix_status "$log")" = 0 ]
ok $? "unix_bench exits with status 0"
for name in unix.getpid unix.umask unix.read_devnull_1 unix.pipe_64k unix.fork_exit_wait unix.fork_exec_wait \
	unix.sh_loop_1000 fs.mmap_pagein; do
	[ "$(grep -Ec "^BENCH $name [0-9]+$" "$tmp/out")" = 1 ]
	ok $? "unix_bench reports $name once"
done
tap_end
