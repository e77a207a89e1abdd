#!/usr/bin/env bash
# The terminal with typed input (test/unixfs/tty.c): the guest prints
# "# type N" when it waits for the Nth input, and this script types it
# on the serial console.  Then the serial log is checked for what only
# it shows: echo, \r\n after output lines, ^C echoed, no echo in raw mode.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
qpid=
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$tmp"' EXIT

mkfifo "$tmp/in"
exec 3<> "$tmp/in"
log=$tmp/tty.log
"$srcdir/test/qemu-run" --timeout 120 --append console=serial \
	--initrd "test/unixfs/tty" mach/ernst < "$tmp/in" > "$log" 2>&1 &
qpid=$!

# Input N, as printf formats.
input() {
	case $1 in
	1) printf 'hello\n' ;;
	2) printf 'abx\177c\njunk\025ok\ntwo words\027\027w\n' ;;
	3) printf 'partial\004\004tail\n' ;;
	4) printf '\003\032' ;;
	5) printf 'RAWSECRET' ;;
	6) printf 'ahead\nnext\004' ;;
	7) printf 'echo-me\n' ;;
	esac
}
n=1
for _ in $(seq 1200); do
	if grep -q "^# type $n" "$log"; then
		input $n >&3
		n=$((n + 1))
		[ $n -gt 7 ] && break
		continue
	fi
	kill -0 "$qpid" 2>/dev/null || break
	sleep 0.1
done
wait "$qpid"
st=$?
qpid=
exec 3>&-
cp "$log" "${top_builddir:-.}/test-logs/unixfs-tty-guest.log" 2>/dev/null

guest_tap "$log" guest
has "$log" "^1\.\."; ok $? "the guest test ran to its end (qemu status $st: $(qemu_status_text $st))"
[ $n -gt 7 ]; ok $? "the guest asked for all 7 inputs"
! has "$log" "panic"; ok $? "no panic"
grep -q $'^tty-output-line\r$' "$log"; ok $? "output: \\n became \\r\\n (ONLCR)"
grep -q 'hello' "$log"; ok $? "canonical input is echoed"
grep -q 'echo-me' "$log"; ok $? "echo again after raw mode"
grep -q '\^C' "$log"; ok $? "^C is echoed as ^C (ECHOCTL)"
! grep -q 'RAWSECRET' "$log"; ok $? "no echo in raw mode with ECHO off"
grep -q '# raw got 52 41 57 53 45 43 52 45 54' "$log"; ok $? "the raw bytes arrived (the guest's own account)"
tap_end
