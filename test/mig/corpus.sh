#!/bin/bash
# Every .defs of the corpus through Ernst's mig, and all four outputs
# compiled with -Wall -Wextra -Werror for i386 (-m32, Ernst's target)
# and for the host (x86_64 layout).  Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
defs=("$src"/corpus/*.defs)
echo "1..$((${#defs[@]} * 2))"
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
		 $CC $m32 -std=gnu11 -Wall -Wextra -Werror $inc -c s.c -o s.o) \
			> "$o.log" 2>&1
		ok $? "corpus $b.defs: stubs compile warning-free for $target" "$o.log"
	done
done
done_testing
