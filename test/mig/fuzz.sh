#!/bin/bash
# Fuzz the .defs parser and generators with libFuzzer (clang), starting
# from the corpus and the malformed examples.  A bounded run in make
# check; FUZZ_RUNS=N (executions) or FUZZ_SECONDS=N for a longer one.
# Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
runs=${FUZZ_RUNS:-20000}
seconds=${FUZZ_SECONDS:-0}
echo "1..2"
CLANG=${CLANG:-clang}
m=$top_srcdir/mig
{
	bison -y -d -Wno-yacc -o "$t/parser.c" "$m/parser.y" &&
	flex -o "$t/lexer.c" "$m/lexer.l" &&
	$CLANG -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-DMIG_NO_MAIN -I"$t" -I"$m" -o "$t/fuzz" "$src/fuzz_parse.c" \
		"$t/parser.c" "$t/lexer.c" "$m"/type.c "$m"/routine.c "$m"/message.c \
		"$m"/emit.c "$m"/user.c "$m"/server.c "$m"/header.c "$m"/main.c
} > "$t/build.log" 2>&1
ok $? "build the libFuzzer target (clang, libclang-rt)" "$t/build.log"

mkdir -p "$t/seeds" "$t/found"
for d in "$src"/corpus/*.defs "$src"/errors/*.defs; do
	gcc -E -x c -undef -ansi -I"$top_srcdir/include" -I"$src/corpus" "$d" \
		> "$t/seeds/$(basename "$d")" 2> /dev/null
done
limit=-runs=$runs
[ "$seconds" -gt 0 ] && limit=-max_total_time=$seconds
(cd "$t/found" && ASAN_OPTIONS=detect_leaks=0 "$t/fuzz" $limit -max_len=8192 \
	-timeout=10 -close_fd_mask=2 -seed=1 "$t/found" "$t/seeds") > "$t/fuzz.log" 2>&1
status=$?
tail -5 "$t/fuzz.log" > "$t/tail.log"
[ $status != 0 ] && grep -A30 'ERROR\|SUMMARY\|deadly' "$t/fuzz.log" | head -40 > "$t/tail.log"
ok $status "fuzz the parser: $limit, no crash" "$t/tail.log"
done_testing
