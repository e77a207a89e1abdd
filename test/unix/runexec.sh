#!/usr/bin/env bash
# scripts/run --exec 'COMMAND' as its usage says: COMMAND's output on
# standard output (without the boot log) and its exit status as
# scripts/run's; a command killed by signal N gives 128+N.  Each boot is
# a scratch copy of the build's root disk.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export RUN_TIMEOUT=300 RUN_SETUP=no

"$srcdir/scripts/run" --exec 'echo out; echo err >&2; echo "$0 $#"; exit 3' > "$tmp/out1" 2> "$tmp/err1"
st=$?
[ $st = 3 ] || sed 's/^/# stderr: /' "$tmp/err1" | tail -5
[ $st = 3 ]
ok $? "exit 3 gives status 3 (got $st)"
printf 'out\nerr\nsh 0\n' > "$tmp/want1"
same_as "$tmp/want1" "$tmp/out1" "the command's output, nothing else"

"$srcdir/scripts/run" --exec 'echo before; kill -USR1 $$; echo after' > "$tmp/out2" 2> "$tmp/err2"
st=$?
[ $st = $((128 + 10)) ] || sed 's/^/# stderr: /' "$tmp/err2" | tail -5
[ $st = $((128 + 10)) ]
ok $? "killed by SIGUSR1 gives 128+10 (got $st)"
printf 'before\n' > "$tmp/want2"
same_as "$tmp/want2" "$tmp/out2" "the killed command's output"
tap_end
