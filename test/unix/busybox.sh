#!/usr/bin/env bash
# busybox sh on Ernst (as a child of init, through scripts/run --exec's
# modules) runs test/unix/busybox-script.sh: loops, arithmetic,
# pipelines, subshells, background jobs and wait, redirections,
# here-documents and the applets the issue lists; its output must equal
# the same busybox's on the host.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bb=busybox/bin/busybox
script=$srcdir/test/unix/busybox-script.sh
if [ ! -x "$bb" ]; then
	ok 1 "busybox is there (the set-up step fetches it: scripts/setup)"
	tap_end
	exit 1
fi
host_run "$tmp/host" "$bb" sh "$script"
ok $? "the script runs on the host's busybox"
marks_hold "$tmp/host" busybox
st=$(unix_run_sh "$tmp/log" "$script")
ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
[ "$(unix_status "$tmp/log")" = 0 ]
ok $? "sh -c exited with status 0 (init passed it on)"
unix_output "$tmp/log" > "$tmp/ernst"
diff -u "$tmp/host" "$tmp/ernst" > "$tmp/diff"
r=$?
[ $r = 0 ] || sed 's/^/# /' "$tmp/diff" | head -60
ok $r "the output on Ernst is the host's ($(wc -l < "$tmp/host") lines)"
! has "$tmp/log" "panic\|fault in the library"
ok $? "no panic, no fault in the emulation library"
tap_end
