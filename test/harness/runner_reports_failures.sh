#!/usr/bin/env bash
# The runner itself: failures, crashes, time-outs, plan mismatches and
# skips are never counted as passes.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mk() { printf '#!/bin/sh\n%s\n' "$2" > "$tmp/$1"; chmod +x "$tmp/$1"; }
mk good.sh 'echo "1..2"; echo "ok 1 - a"; echo "ok 2 - b"'
mk bad.sh 'echo "1..2"; echo "ok 1 - a"; echo "# why b failed"; echo "not ok 2 - b"; echo "# after"'
mk crash.sh 'echo "1..1"; echo "ok 1 - a"; exit 3'
mk short.sh 'echo "1..3"; echo "ok 1 - a"'
mk late_plan.sh 'echo "ok 1 - a"; echo "1..1"'
mk skip.sh 'echo "ok 1 - a # SKIP not here"; echo "1..1"'
mk long.sh 'echo "# why a failed"; echo "not ok 1 - a"; i=2; while [ $i -le 80 ]; do echo "ok $i - more"; i=$((i + 1)); done; echo "1..80"'
mk hang.sh 'sleep 30'
mk silent.sh 'true'

# run [--timeout SEC] TEST...: the runner over TESTs (60 s each: only
# hang.sh is meant to reach its time-out, 3 s).
run() {
	local timeout=60
	[ "$1" = --timeout ] && timeout=$2 && shift 2
	(cd "$tmp" && srcdir=$srcdir "$srcdir/test/runner" --timeout "$timeout" "$@" > out 2>&1; echo $? > rc)
}
run ./good.sh ./late_plan.sh
ok $(($(cat "$tmp/rc") != 0)) "passing tests exit 0"
has "$tmp/out" "^3 passed, 0 failed$"; ok $? "passing tests are counted, a trailing plan is accepted"

run ./bad.sh
[ "$(cat "$tmp/rc")" != 0 ]; ok $? "a failing point makes the runner fail"
has "$tmp/out" "^1 passed, 1 failed$"; ok $? "a not ok is counted as failed"
has "$tmp/out" "^FAIL: ./bad b$"; ok $? "and named"
# Its diagnostics come after every result line, just before the count
# (where the end of a long output, all a CI report may show, has them).
tail -n 12 "$tmp/out" | grep -q "^  | # why b failed$" && tail -n 12 "$tmp/out" | grep -q "^  | not ok 2 - b$"
ok $? "the failing point is shown with the comment before it, at the end"
[ "$(grep -n "why b failed" "$tmp/out" | head -n 1 | cut -d: -f1)" -gt "$(grep -n "^FAIL: ./bad b$" "$tmp/out" | cut -d: -f1)" ]
ok $? "after the result lines"
# A failure early in a long log: its comment still comes last, not
# pushed out of the output's end by the log's tail.
run ./long.sh
tail -n 6 "$tmp/out" | grep -q "^  | # why a failed$"
ok $? "a long log's tail comes before the failing points, not after"

for t in crash short hang silent; do
	if [ $t = hang ]; then run --timeout 3 ./$t.sh; else run ./$t.sh; fi
	[ "$(cat "$tmp/rc")" != 0 ] && grep -q "[1-9][0-9]* failed" "$tmp/out"; ok $? "$t: reported as failed"
done
has "$tmp/out" "no test results"; ok $? "a test with no output says so"

run ./skip.sh
[ "$(cat "$tmp/rc")" != 0 ]; ok $? "a skipped point does not count as a pass"
has "$tmp/out" "0 passed, 0 failed, 1 skipped"; ok $? "skips are counted separately"

# guest_tap: a guest's TAP read from a serial log, as the runner reads it.
gt() { # gt LOG-TEXT: guest_tap's verdicts, one word each (0 pass, 1 fail)
	printf '%b' "$1" > "$tmp/guest.log"
	(tap_n=0; ok() { echo "$1"; }; guest_tap "$tmp/guest.log" g) | tr '\n' ' '
}
[ "$(gt 'boot\r\nok 1 - a\r\nok 2 - b\r\n1..2\r\n')" = "0 0 " ]; ok $? "guest_tap: a whole guest log passes"
[[ "$(gt 'ok 1 - a\nok 3 - c\n1..3\n')" == *1* ]]; ok $? "guest_tap: a lost line fails"
[[ "$(gt 'ok 1 - a\njunkok 2 - b\n1..2\n')" == *1* ]]; ok $? "guest_tap: a line garbled by echo fails"
[[ "$(gt 'ok 1 - a\n')" == *1* ]]; ok $? "guest_tap: no plan (the guest did not finish) fails"
[[ "$(gt 'boot\n')" == *1* ]]; ok $? "guest_tap: no checks at all fails"
[[ "$(gt 'ok 1 - a\nBail out! x\n1..1\n')" == *1* ]]; ok $? "guest_tap: a bail-out fails"
tap_end
