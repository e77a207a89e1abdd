#!/bin/bash
# Malformed .defs files (errors/*.defs): each must give its expected
# `file:line: message` error, exit 1 (no crash), and leave no output
# file behind.  The first line of each file says `expect LINE: TEXT`.
# Also: a good file still works after a bad run in the same directory.
set -u
. "$(dirname "$0")/lib.sh"
cases=("$src"/errors/*.defs)
echo "1..$((${#cases[@]} + 2))"
for d in "${cases[@]}"; do
	b=$(basename "$d" .defs)
	o=$t/$b
	mkdir -p "$o"
	expect=$(sed -n '1s/.*expect \([0-9]*\): \(.*\) \*\/.*/\1|\2/p' "$d")
	line=${expect%%|*} text=${expect#*|}
	(cd "$o" && "$MIG" -user u.c -server s.c -header h.h -list l "$d") > "$o/out" 2> "$o/err"
	status=$?
	left=$(ls "$o" | grep -v '^out$\|^err$')
	{
		echo "status $status; stderr:"; cat "$o/err"
		[ -n "$left" ] && echo "left behind: $left"
	} > "$o/log"
	[ $status = 1 ] && [ -z "$left" ] && grep -qF "$d:$line: " "$o/err" &&
		grep -qF "$text" "$o/err"
	ok $? "$b: $d:$line: $text" "$o/log"
done

# An existing output survives a failed run untouched.
o=$t/keep
mkdir -p "$o"
echo original > "$o/u.c"
(cd "$o" && "$MIG" -user u.c "$src/errors/syntax.defs") > /dev/null 2>&1
[ "$(cat "$o/u.c")" = original ] && [ "$(ls "$o")" = u.c ]
ok $? "a failed run leaves an existing output file untouched"

(cd "$o" && "$MIG" -I"$top_srcdir/include" -I"$src/corpus" -user u.c -server s.c \
	-header h.h "$src/corpus/interop.defs") > "$o/log" 2>&1 &&
	grep -q i_simple "$o/u.c" && [ "$(ls "$o" | grep -c mig)" = 0 ]
ok $? "a good run writes its outputs and no temporary files" "$o/log"
done_testing
