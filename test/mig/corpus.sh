#!/bin/bash
# Every .defs of the corpus through Ernst's mig, and all four outputs
# compiled with -Wall -Wextra -Werror for i386 (-m32, Ernst's target)
# and for the host (x86_64 layout), with the type checks and without
# (TypeCheck 0).  Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
defs=("$src"/corpus/*.defs)
echo "1..$((${#defs[@]} * 2 + 2))"
for d in "${defs[@]}"; do
	b=$(basename "$d" .defs)
	for target in i386 x86_64; do
		o=$t/$b-$target
		mkdir -p "$o"
		m32=; [ $target = i386 ] && m32=-m32
		inc="-I$top_srcdir/include -I$src/corpus -I$o"
		(cd "$o" && "$MIG" -target $target $inc -user u.c -server s.c \
			-header "$b.h" -sheader "${b}_server.h" -list ids "$d" &&
		 $CC $m32 -std=gnu11 -Wall -Wextra -Werror $inc -c u.c -o u.o &&
		 $CC $m32 -std=gnu11 -Wall -Wextra -Werror $inc -c s.c -o s.o &&
		 $CC $m32 -std=gnu11 -Wall -Wextra -Werror -DTypeCheck=0 $inc -c u.c -o u0.o &&
		 $CC $m32 -std=gnu11 -Wall -Wextra -Werror -DTypeCheck=0 $inc -c s.c -o s0.o) \
			> "$o.log" 2>&1
		ok $? "corpus $b.defs: stubs compile warning-free for $target, also with TypeCheck 0" "$o.log"
	done
done
# -i: one file per routine, together the same functions as -user's.
o=$t/split
mkdir -p "$o/i"
inc="-I$top_srcdir/include -I$src/corpus -I$o"
(cd "$o" && "$MIG" -MD $inc -n -user u.c -header full.h "$src/corpus/full.defs" &&
 "$MIG" $inc -n -i i/ "$src/corpus/full.defs" &&
 for f in u.c i/*.c; do $CC -m32 -std=gnu11 -Wall -Wextra -Werror $inc -c "$f" -o "${f%.c}.o" || exit 1; done &&
 nm u.o | awk '$2 == "T" && $3 !~ /^__x86/ { print $3 }' | sort > whole &&
 nm i/*.o | awk '$2 == "T" && $3 !~ /^__x86/ { print $3 }' | sort > split &&
 diff -u whole split && [ "$(ls i/*.c | wc -l)" = "$(wc -l < whole)" ]) > "$o.log" 2>&1
ok $? "-i: one user stub file per routine, the same stubs as -user" "$o.log"
# -MD: the dependencies are those of the files written, as GNU's wrapper has them.
(cd "$o" && head -1 full-mig.d | grep -q '^u\.c full\.h: .*full\.defs') > "$o.log" 2>&1
ok $? "-MD: full-mig.d makes the outputs depend on the .defs" "$o.log"
done_testing
