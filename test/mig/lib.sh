# Shared by the MIG host tests: paths, a scratch directory, TAP helpers.
top_srcdir=$(cd "${top_srcdir:-.}" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
src=$top_srcdir/test/mig
MIG=${MIG:-$top_builddir/mig/mig}
CC=${CC:-gcc}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
tap_n=0 tap_failed=0
ok() { # ok STATUS DESCRIPTION [LOGFILE]
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
		[ -n "${3:-}" ] && [ -s "$3" ] && head -20 "$3" | sed 's/^/# /'
	fi
	return 0
}
done_testing() { exit $((tap_failed != 0)); }
