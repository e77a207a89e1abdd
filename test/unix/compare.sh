#!/usr/bin/env bash
# Each test program's output on Ernst equals its output on the host
# (exectest runs from the boot archive's /bin, the others as data modules).
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# pid 1 on Ernst is root: a user's run on the host gets other answers
# where Linux asks for privilege (ptys: vhangup, /dev/pts's EPERM;
# rlimits: raising a hard limit, setuid to its user).
[ "$(id -u)" = 0 ] || echo "# the host runs these as uid $(id -u), not root as Ernst's pid 1: ptys and rlimits differ"
for t in ${COMPARE_ONLY:-procs signals memory exectest files pipes mmapfile grow ptys abi timers fifos flocks rlimits locks}; do
	prog=test/unix/$t
	host_run "$tmp/$t.host" "$prog" <&- # no file 0, as unix_run gives
	ok $? "$t runs on the host"
	marks_hold "$tmp/$t.host" "$t"
	if [ $t = exectest ]; then
		st=$(unix_run_fs "$tmp/$t.log" "/bin/$t")
	else
		st=$(unix_run "$tmp/$t.log" "$prog")
	fi
	ok "$st" "$t: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
	[ "$(unix_status "$tmp/$t.log")" = 0 ]
	ok $? "$t: pid 1 exited with status 0"
	unix_output "$tmp/$t.log" > "$tmp/$t.ernst"
	diff -u "$tmp/$t.host" "$tmp/$t.ernst" > "$tmp/$t.diff"
	r=$?
	[ $r = 0 ] || sed 's/^/# /' "$tmp/$t.diff" | head -40
	ok $r "$t: the output on Ernst is the host's ($(wc -l < "$tmp/$t.host") lines)"
	! has "$tmp/$t.log" "panic\|fault in the library"
	ok $? "$t: no panic, no fault in the emulation library"
done
# memory makes the unknown call 500 twice: one message in the boot log
# (raw: unix_output leaves the library's messages out).
if [ -f "$tmp/memory.log" ]; then # COMPARE_ONLY may leave memory out
n=$(grep -o 'emul\[[0-9]*\]: system call 500 not implemented: ENOSYS' "$tmp/memory.log" | wc -l)
[ "$n" = 1 ]
ok $? "an unknown system call made twice is logged once ($n lines)"
n=$(grep -o 'emul\[[0-9]*\]: system call 100000 not implemented: ENOSYS' "$tmp/memory.log" | wc -l)
[ "$n" = 1 ]
ok $? "one far past the table, made twice, is logged once too ($n lines)"
fi

tap_end
