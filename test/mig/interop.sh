#!/bin/bash
# Interoperability with GNU MIG (Debian's mig-x86-64-gnu) as the oracle:
# stubs for corpus/interop.defs from both generators, x86_64 layout,
# Ernst's user stubs against GNU's server stubs and the other way round,
# in one program (see interop_main.c).  A second set of stubs from both
# generators is built with TypeCheck 0 (interop_nocheck.c), its user
# stubs one file per routine (-i).  Prints TAP.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
top_srcdir=$(cd "$top_srcdir" && pwd)
src=$top_srcdir/test/mig
MIG=${MIG:-$top_builddir/mig/mig}
CC=${CC:-gcc}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

fail() {
	echo "1..1"
	echo "not ok 1 - $1"
	[ -s "$t/log" ] && sed 's/^/# /' "$t/log"
	exit 1
}

GNUMIG=$(command -v x86_64-gnu-mig) || fail "GNU MIG (x86_64-gnu-mig, package mig-x86-64-gnu) is not installed"
[ -x "$MIG" ] || fail "no mig at $MIG"

defs=$src/corpus/interop.defs
inc="-I$top_srcdir/include -I$src/corpus -I$src -I$t"
{
	"$MIG" -target x86_64 -prefix eu_ -n -user "$t/eu.c" -header "$t/ernst_interop.h" $inc "$defs" &&
	"$MIG" -target x86_64 -prefix es_ -DSERVERDEMUX=interop_server -n \
		-server "$t/es.c" -sheader "$t/ernst_interop_server.h" $inc "$defs" &&
	"$GNUMIG" -prefix gu_ -user "$t/gu.c" -header "$t/gnu_interop.h" -server /dev/null $inc "$defs" &&
	(cd "$t" && "$GNUMIG" -prefix gs_ -DSERVERDEMUX=interop_server -user /dev/null -header /dev/null \
		-server "$t/gs.c" -sheader "$t/gnu_interop_server.h" $inc "$defs")
	mkdir "$t/eu0" "$t/gu0" &&
	"$MIG" -target x86_64 -prefix eu0_ -n -i "$t/eu0/" -header "$t/ernst_interop0.h" $inc "$defs" &&
	"$MIG" -target x86_64 -prefix es0_ -DSERVERDEMUX=interop_server -n \
		-server "$t/es0.c" -sheader "$t/ernst_interop0_server.h" $inc "$defs" &&
	"$GNUMIG" -prefix gu0_ -i "$t/gu0/" -header "$t/gnu_interop0.h" -server /dev/null $inc "$defs" &&
	(cd "$t" && "$GNUMIG" -prefix gs0_ -DSERVERDEMUX=interop_server -user /dev/null -header /dev/null \
		-server "$t/gs0.c" -sheader "$t/gnu_interop0_server.h" $inc "$defs") &&
	[ "$(ls "$t/eu0")" = "$(ls "$t/gu0")" ] ||
		{ echo "-i wrote other files than GNU MIG's -i:"; ls "$t/eu0" "$t/gu0"; false; }
} > "$t/log" 2>&1 || fail "generate stubs"

flags="-std=gnu11 -Wall -Wextra -Werror -g $inc"
# GNU MIG's output is the oracle, not ours to hold to our warnings.
gflags="-std=gnu11 -g -w -include string.h $inc"
{
	$CC $flags -c "$t/eu.c" -o "$t/eu.o" &&
	$CC $flags -c "$t/es.c" -o "$t/es.o" &&
	$CC $gflags -c "$t/gu.c" -o "$t/gu.o" &&
	$CC $gflags -c "$t/gs.c" -o "$t/gs.o" &&
	$CC $flags -DUP=eu_ -DCLIENT=run_eu '-DUHEADER="ernst_interop.h"' \
		-c "$src/interop_client.c" -o "$t/client_eu.o" &&
	$CC $flags -DUP=gu_ -DCLIENT=run_gu '-DUHEADER="gnu_interop.h"' \
		-c "$src/interop_client.c" -o "$t/client_gu.o" &&
	$CC $flags -Wno-array-parameter -DSP=es_ '-DSHEADER="ernst_interop_server.h"' \
		-c "$src/interop_server.c" -o "$t/server_es.o" &&
	$CC $flags -Wno-array-parameter -DSP=gs_ '-DSHEADER="gnu_interop_server.h"' \
		-c "$src/interop_server.c" -o "$t/server_gs.o" &&
	for u in "$t"/eu0/*.c; do
		$CC $flags -DTypeCheck=0 -c "$u" -o "${u%.c}.o" || exit 1
	done &&
	for u in "$t"/gu0/*.c; do
		$CC $gflags -DTypeCheck=0 -c "$u" -o "${u%.c}.o" || exit 1
	done &&
	$CC $flags -DTypeCheck=0 -c "$t/es0.c" -o "$t/es0.o" &&
	$CC $gflags -DTypeCheck=0 -c "$t/gs0.c" -o "$t/gs0.o" &&
	$CC $flags -DUP=eu0_ -DCLIENT=run_eu0 '-DUHEADER="ernst_interop0.h"' \
		-c "$src/interop_nocheck.c" -o "$t/nocheck_eu0.o" &&
	$CC $flags -DUP=gu0_ -DCLIENT=run_gu0 '-DUHEADER="gnu_interop0.h"' \
		-c "$src/interop_nocheck.c" -o "$t/nocheck_gu0.o" &&
	$CC $flags -Wno-array-parameter -DSP=es0_ '-DSHEADER="ernst_interop0_server.h"' \
		-c "$src/interop_server.c" -o "$t/server_es0.o" &&
	$CC $flags -Wno-array-parameter -DSP=gs0_ '-DSHEADER="gnu_interop0_server.h"' \
		-c "$src/interop_server.c" -o "$t/server_gs0.o" &&
	$CC $flags -c "$src/interop_shim.c" -o "$t/shim.o" &&
	$CC $flags -c "$src/interop_main.c" -o "$t/main.o" &&
	$CC -o "$t/interop" "$t"/*.o "$t"/eu0/*.o "$t"/gu0/*.o
} >> "$t/log" 2>&1 || fail "compile and link the interop program"

[ -n "${INTEROP_KEEP:-}" ] && cp -r "$t" "$INTEROP_KEEP"
"$t/interop"
