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
guest_tap() { # guest_tap LOG PREFIX: the guest's own TAP lines as ours
	local line
	while read -r line; do
		case $line in
		"ok "*) ok 0 "$2: ${line#ok * - }" ;;
		"not ok "*) ok 1 "$2: ${line#not ok * - }" ;;
		esac
	done < <(tr -d '\r' < "$1")
}
