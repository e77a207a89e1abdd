#!/usr/bin/env bash
# Terminal job control (test/unix/ttyjobs.c): a session leader whose
# controlling terminal is the console on Ernst (init -c gives its shell
# one; the shell execs ttyjobs, from the disk root) prints what background groups, new
# sessions, TIOCNOTTY and a leader's exit do.  The output must be
# Linux's: ttyjobs.expected, which the host's run gives too when the
# host can make it a pseudo-terminal's session leader (script(1)).
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expected=$srcdir/test/unix/ttyjobs.expected
# script(1) runs the command with $SHELL: a service account's may be
# nologin, which would leave the host's run out.
# script(1) is Debian's bsdutils (essential): the host's run must work.
SHELL=/bin/sh host_run "$tmp/host.raw" script -qec 'exec test/unix/ttyjobs "$(tty)"' /dev/null < /dev/null
ok $? "ttyjobs runs on the host under script(1)"
tr -d '\r' < "$tmp/host.raw" > "$tmp/host"
same_as "$expected" "$tmp/host" "ttyjobs on the host (under script) prints ttyjobs.expected"
cp --sparse=always unix_server/rootdisk.img "$tmp/disk.img"
st=$(unix_run_disk "$tmp/ttyjobs.log" "$tmp/disk.img" 'exec ttyjobs /dev/console')
unix_expect "$tmp/ttyjobs.log" "$st" "$expected" ttyjobs
! has "$tmp/ttyjobs.log" "panic\|fault in the library"
ok $? "no panic, no fault in the emulation library"
tap_end
