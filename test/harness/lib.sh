# Helpers for the harness's own TAP tests (sourced).
srcdir=$(cd "$srcdir" && pwd)
. "$srcdir/test/tap.sh"
tap_n=0 tap_failed=0
ok() { # ok COND-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=1
	fi
}
has() { grep -q -- "$2" "$1"; } # has FILE PATTERN
tap_end() { echo "1..$tap_n"; }
boot() { # boot LOG [qemu-run args...]: prints status
	local log=$1
	shift
	"$srcdir/test/qemu-run" --timeout 120 "$@" > "$log" 2>&1
	echo $?
}
# guest_tap LOG PREFIX: the guest's own TAP lines as ours, read the way
# the runner reads a guest's log (tap_summarize): the guest's numbering
# must run 1, 2, ... and end in its plan "1..N", so a line lost or
# garbled on the serial line (typed echo or a kernel message written
# into it) is a failure here, never a check that silently vanished.
guest_tap() {
	local kind what
	while read -r kind what; do
		case $kind in
		PASS) ok 0 "$2: $what" ;;
		SKIP) ok 0 "$2: $what # SKIP" ;;
		*) ok 1 "$2: $what" ;;
		esac
	done < <(tap_summarize "$1" 0)
}
