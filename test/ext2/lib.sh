# Helpers of the ext2 host tests (sourced after test/harness/lib.sh).
ext2test="${top_builddir:-.}/test/ext2/ext2test"
# On some hosts LeakSanitizer's check at exit spins in the kernel for
# minutes (an i386 process stopping its threads under a 64-bit kernel),
# and the 256 MiB quarantine of freed memory leaves a 32-bit process too
# little address space for the torture run (ASan then fails a CHECK):
# leaks are not checked and the quarantine is 16 MiB; every other
# AddressSanitizer and UBSan check is made.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:quarantine_size_mb=16

# relay PREFIX FILE STATUS: a program's TAP points from FILE as ours,
# then one point for its exit status (a crash or sanitizer report).
relay() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok 0 "$1: ${line#ok * - }" ;;
		"not ok "*) ok 1 "$1: ${line#not ok * - }" ;;
		"1.."*) ;;
		*) echo "$line" ;;
		esac
	done < "$2"
	[ "$3" = 0 ] || { [ -f "$2.err" ] && tail -30 "$2.err" | sed 's/^/# /'; }
	ok "$3" "$1: ran to its end (exit status $3)"
}

# run_ext2test PREFIX ARGS...: runs ext2test and relays its TAP.
run_ext2test() {
	local prefix=$1 out
	shift
	out=$(mktemp)
	"$ext2test" "$@" > "$out" 2> "$out.err"
	relay "$prefix" "$out" $?
	rm -f "$out" "$out.err"
}
