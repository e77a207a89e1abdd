# TAP reading, shared by test/runner and the harness's own tests.
# tap_summarize LOG STATUS: reads the TAP in LOG (other lines are ignored,
# so a guest's boot log may surround it) and prints one line per point,
#   PASS|FAIL <description>
# followed by a FAIL line for each way the run as a whole failed: a
# non-zero STATUS, no points at all, a plan that does not match, a point
# out of sequence.  A "# SKIP" directive is reported as SKIP, never PASS.
tap_summarize() {
	local log=$1 status=$2
	tr -d '\r' < "$log" | awk -v status="$status" '
		function point(ok, rest,    num, desc) {
			num = rest; sub(/[^0-9].*/, "", num)
			desc = rest; sub(/^[0-9]+ *-? */, "", desc)
			count++
			if (num != "" && num + 0 != count) {
				print "FAIL point " count " is numbered " num
			}
			if (desc ~ /# *[Ss][Kk][Ii][Pp]/) { print "SKIP " desc; return }
			if (desc ~ /# *[Tt][Oo][Dd][Oo]/) { print "SKIP " desc; return }
			print (ok ? "PASS " : "FAIL ") desc
		}
		/^ok( |$)/ { sub(/^ok */, ""); point(1, $0); next }
		/^not ok( |$)/ { sub(/^not ok */, ""); point(0, $0); next }
		/^1\.\.[0-9]+/ { plan = substr($0, 4) + 0; plans++; next }
		/^Bail out!/ { print "FAIL " $0; next }
		END {
			if (status != 0) print "FAIL exit status " status
			if (count == 0) print "FAIL no test results"
			if (plans == 0 && count > 0) print "FAIL no plan (1..N)"
			if (plans > 1) print "FAIL more than one plan"
			if (plans == 1 && plan != count) print "FAIL planned " plan " results, got " count
		}'
}

# What a qemu-run exit status means.
qemu_status_text() {
	case $1 in
	0) echo "guest reported success" ;;
	1) echo "guest reported failure" ;;
	2) echo "kernel panic" ;;
	3) echo "timeout" ;;
	*) echo "QEMU stopped without a verdict" ;;
	esac
}
