#!/usr/bin/env bash
# The interactive shell over the serial console: init starts one login
# shell (init -1) on the terminal; we type commands and read the prompt
# and the answers back, ^C included (it must stop `sleep 10` and leave
# status 130), ^Z and fg, ^D, then `exit 7`, which init passes on as
# its status.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
log=$tmp/console.log
console_start "$log" "$srcdir/test/qemu-run" --timeout 300 --append console=serial \
	--initrd "bootstrap/bootstrap -x,unix_server/single/single -x -D \${device-port} -r rootfs.cpio /bin/init -1,unix_server/emul/emul.bin \$(data),unix_server/rootfs.cpio \$(data)" \
	mach/ernst
trap 'rm -rf "$tmp"' EXIT

PROMPT='ernst:.*# '
expect "$PROMPT" 120
ok $? "a shell prompt on the console"
type_line 'echo $((6 * 7))'
expect '^42' 30
ok $? "a command typed in runs: echo \$((6 * 7)) says 42"
type_line 'seq 1 1000 | sort -rn | head -3 | tr "\n" " "; echo'
expect '1000 999 998' 60
ok $? "a pipeline typed in"
expect "$PROMPT" 30
ok $? "the prompt comes back"
type_line 'sleep 10'
# Correct whenever ^C comes: in the line editor's raw mode it is a byte
# that ash, reading it after the sleep, takes as ^C (status 130 too).
sleep 1
printf '\003' >&4
expect "$PROMPT" 30
ok $? "^C interrupts sleep 10 and the prompt comes back"
type_line 'echo status=$?'
expect 'status=130' 30
ok $? "the interrupted command's status is 130 (SIGINT)"
# busybox runs sleep inside the shell (a NOFORK applet), which does not
# stop on ^Z, on Linux either: a child shell is a process that does.
# Its "go" says it has the terminal (the shell's child takes it before it
# runs the command): a ^Z before that would go to the shell, which
# ignores it.
type_line 'sh -c "echo go; sleep 10"'
expect '^go' 30
printf '\032' >&4
expect 'Stopped' 30
ok $? "^Z stops sh -c \"echo go; sleep 10\": the shell reports it stopped"
expect "$PROMPT" 30
ok $? "and gives the prompt back"
# fg names the job once the shell has read the line (the terminal back
# in canonical mode, ^C a signal) and inside the builtin, which holds a
# SIGINT of its own back until the job it continues has ended: the ^C
# ends the job, or the shell after it, with status 130 either way.
type_line 'fg'
expect '^sh -c .*sleep 10' 30
printf '\003' >&4
expect "$PROMPT" 30
ok $? "fg continues it, and ^C ends it"
type_line 'echo fgstatus=$?'
expect 'fgstatus=130' 30
ok $? "the continued command's status is 130"
type_line 'echo ready-for-cat; cat > /tmp/typed; tr a-z A-Z < /tmp/typed'
# The shell prints this with the terminal back in canonical mode, just
# before cat reads: what we type now is cat's.
expect '^ready-for-cat' 30
type_line 'typed into cat'
printf '\004' >&4
expect 'TYPED INTO CAT' 30
ok $? "a line typed into cat, then ^D (end of file)"
# Output processing is the line discipline's: ONLCR off sends a bare \n.
type_line "stty -onlcr; printf 'rawnl1\\nrawnl2\\n'; stty onlcr; printf 'crnl1\\n'"
expect '^crnl1' 30
grep -aq '^rawnl1$' "$log" && grep -aq '^rawnl2$' "$log"
ok $? "stty -onlcr: newlines go out without a carriage return"
grep -aq $'^crnl1\r$' "$log"
ok $? "stty onlcr: they go out as \\r\\n again"
expect "$PROMPT" 30
# The time of day comes from the real-time clock, not from 1970.
type_line 'date +year=%Y'
expect 'year=20[2-9][0-9]' 30
ok $? "date shows this century's year"
expect "$PROMPT" 30
# Job control: a background job that reads the terminal stops (SIGTTIN)
# until fg gives it the terminal; with tostop, one that writes stops too
# (SIGTTOU); without, its output goes out.
# jobs_when_stopped: jobs, once the background job has stopped (it may
# not have reached its read or write yet; the shell waits, not a time).
jobs_when_stopped() {
	type_line 'until jobs > /tmp/jobs; grep -q Stopped /tmp/jobs; do sleep 0.1; done; cat /tmp/jobs'
}
type_line 'tr a-z A-Z &'
jobs_when_stopped
expect 'Stopped (tty input)' 30
ok $? "a background job reading the terminal is stopped by SIGTTIN"
expect "$PROMPT" 30
# What is typed once fg has named the job is read in canonical mode
# (before, the line editor's raw mode would keep ^D a plain byte).
type_line 'fg'
expect '^tr a-z A-Z' 30
type_line 'job in front'
printf '\004' >&4
expect '^JOB IN FRONT' 30
ok $? "fg continues it and its read gets the line typed"
expect "$PROMPT" 30
type_line 'stty tostop; (echo bg-output) &'
jobs_when_stopped
expect 'Stopped (tty output)' 30
ok $? "with tostop a background job writing to the terminal is stopped by SIGTTOU"
expect "$PROMPT" 30
type_line 'fg'
expect '^bg-output' 30
ok $? "fg continues it and its output goes out"
expect "$PROMPT" 30
type_line 'stty -tostop; (echo bg-free) & wait'
expect '^bg-free' 30
ok $? "without tostop a background job's output goes out"
expect "$PROMPT" 30
# A background job under the shell's job control: jobs, fg, ^Z, bg.
type_line 'sleep 100 &'
expect "$PROMPT" 30
type_line 'jobs'
expect '^\[1\]+ *Running *sleep 100' 30
ok $? "sleep 100 & is job 1, and jobs lists it running"
expect "$PROMPT" 30
# fg names the job before it gives it the terminal: a ^Z in between goes
# to the shell, which ignores it, so ^Z again until the job stops (5 s
# apart: a second one comes only when the first was lost).
type_line 'fg'
expect '^sleep 100' 30
for try in 1 2 3 4 5 6; do
	printf '\032' >&4
	expect '\[1\]+ *Stopped *sleep 100' 5 && break
done
ok $? "fg brings it to the foreground, and ^Z stops it"
expect "$PROMPT" 30
type_line 'bg'
expect '^\[1\] sleep 100' 30
expect "$PROMPT" 30
type_line 'jobs'
expect '^\[1\]+ *Running *sleep 100' 30
ok $? "bg continues it in the background"
expect "$PROMPT" 30
type_line 'kill %1; wait %1; echo killed-status=$?'
expect 'killed-status=143' 30
ok $? "kill %1 ends it (SIGTERM: status 143)"
expect "$PROMPT" 30
type_line "(trap '' TTIN; cat; echo cat-status=\$?) & wait"
expect 'cat-status=1' 30
ok $? "a background read with SIGTTIN ignored fails (EIO) instead of stopping"
expect "$PROMPT" 30
# The subshell ends at once: its child (whose stdin an &-list makes
# /dev/null, so it opens /dev/tty) is left in a background group
# whose only member's parent is init, an orphaned group.  The child
# reads once its parent is init (/proc/self/stat's fourth field).
type_line "(sh -c 'until read -r _ _ _ pp _ < /proc/self/stat; [ \$pp = 1 ]; do sleep 0.1; done; cat </dev/tty; echo orphan-status=\$?' &)"
expect 'orphan-status=1' 30
ok $? "a read from an orphaned background group fails (EIO)"
type_line ''
expect "$PROMPT" 30
type_line 'exit 7'
expect 'unix: init exited with status 0x700' 60
ok $? "exit 7 ends the shell, and init passes the status on"
console_wait
ok $? "the boot ends cleanly"
! grep -q "panic\|fault in the library" "$log"
ok $? "no panic, no fault in the emulation library"
tap_end
