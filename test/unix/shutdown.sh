#!/usr/bin/env bash
# Shutdown with a process left behind: pid 1 (busybox sh itself, not
# init) ends while a child it started in the background still runs,
# mapping busybox's text and holding the console.  The single server
# ends it, as Linux's shutdown kills what is left, and then unmounts
# every file system: nothing maps a file any more, so nothing is busy.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo 'sleep 1000 & echo "left: $!"' > "$tmp/script"
st=$(unix_run_sh "$tmp/log" "$tmp/script" /bin/sh)
ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
[ "$(unix_status "$tmp/log")" = 0 ]
ok $? "pid 1 (sh) exited with status 0"
unix_output "$tmp/log" | grep -q '^left: [0-9]'
ok $? "it left sleep running"
has "$tmp/log" "unix: ended the 1 processes init left behind"
ok $? "the server ended it"
! has "$tmp/log" "still live\|could not all be unmounted"
ok $? "then every file system unmounted: nothing mapped a file"
! has "$tmp/log" "panic\|fault in the library"
ok $? "no panic, no fault in the emulation library"
tap_end
