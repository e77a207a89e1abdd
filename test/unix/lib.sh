# Running a static Linux program on Ernst (sourced by test/unix/*.sh):
# bootstrap -x, the single server with -x (it ends when its pid 1 does)
# and PROGRAM as pid 1, the emulation library and the program as data
# modules.  unix_run LOG PROGRAM [ARGS]: boots, leaves the serial log in
# LOG, prints the QEMU status; unix_output LOG: what the program wrote to
# its files 1 and 2 (the console pipe), without the boot log or the
# emulation library's own messages.
. "$srcdir/test/harness/lib.sh"
unix_run() {
	local log=$1 prog=$2
	shift 2
	local name
	name=$(basename "$prog")
	boot "$log" --append console=serial \
		--initrd "bootstrap/bootstrap -x,unix_server/single/single -x $name $*,unix_server/emul/emul.bin \$(data),$prog \$(data)" \
		mach/ernst
}
# unix_run_fs LOG PATH: the same, PATH (/bin/...) from the boot archive.
unix_run_fs() {
	local log=$1 path=$2
	boot "$log" --append console=serial \
		--initrd "bootstrap/bootstrap -x,unix_server/single/single -x -r rootfs.cpio $path,unix_server/emul/emul.bin \$(data),unix_server/rootfs.cpio \$(data)" \
		mach/ernst
}
# unix_run_swap LOG MEM SWAP MODULES: QEMU -m MEM with the default pager
# on the disk image SWAP (hd1s1, scripts/mkdisk swap:SIZE), then MODULES
# (the single server's line and its data modules); prints the status.
# Paging polls the disk, which a loaded host slows most: 300 s.
unix_run_swap() {
	boot "$1" --timeout 300 --mem "$2" --append console=serial \
		--initrd "bootstrap/bootstrap -x,default_pager/default_pager \${host-port} \${device-port} hd1s1,$4" \
		--qemu-opt -drive --qemu-opt "file=$3,format=raw,if=ide,index=1,cache=unsafe" \
		mach/ernst
}
# unix_run_disk LOG IMAGE 'COMMAND': the booted system on the disk image
# (root=hd0s1, the default pager on hd0s2), init running sh -c COMMAND;
# prints the QEMU status.
unix_run_disk() {
	printf -- '-c\0%s\0' "$3" > "$1.args"
	boot "$1" --timeout 300 --append console=serial \
		--initrd "bootstrap/bootstrap -x,default_pager/default_pager \${host-port} \${device-port} hd0s2,unix_server/single/single -x -D \${device-port} root=hd0s1 -a $(basename "$1").args /bin/init,unix_server/emul/emul.bin \$(data),$1.args \$(data)" \
		--qemu-opt -drive --qemu-opt "file=$2,format=raw,if=ide,index=0,cache=unsafe" mach/ernst
}
unix_output() {
	tr -d '\r' < "$1" | sed -n '/^unix: started /,/^unix: init exited/p' | sed '1d;$d' | grep -v '^emul\[[0-9]*\]: '
}
# same_as EXPECTED OUT WHAT: OUT is EXPECTED (one TAP point saying WHAT;
# the difference shown otherwise).
same_as() {
	local r
	diff -u "$1" "$2" > "$2.diff"
	r=$?
	[ $r = 0 ] || sed 's/^/# /' "$2.diff" | head -60
	ok $r "$3"
}
# unix_expect LOG STATUS EXPECTED NAME: the boot (QEMU status STATUS)
# ended cleanly, pid 1 with status 0, and what was printed (unix_output)
# is EXPECTED, Linux's; the difference shown otherwise.
unix_expect() {
	local log=$1 st=$2 expected=$3 name=$4
	ok "$st" "$name: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
	[ "$(unix_status "$log")" = 0 ]
	ok $? "$name: pid 1 exited with status 0"
	unix_output "$log" > "$log.out"
	same_as "$expected" "$log.out" "$name: the output on Ernst is Linux's ($(wc -l < "$expected") lines)"
}
# The wait status pid 1 ended with, as the single server printed it.
unix_status() {
	tr -d '\r' < "$1" | sed -n 's/^unix: init exited with status //p'
}
# host_run OUT PROGRAM [ARGS]: PROGRAM on the host, its files 1 and 2 in
# OUT; returns its status.  It starts as Ernst starts pid 1, whatever
# the harness left it (test/unix/fresh): every signal's action the
# default and none blocked, umask 022, no file above 2; file 0 is the
# caller's (unix_run's pid 1 has none: `host_run ... <&-`).  Where the
# host kernel cannot run i386 programs, scripts/setup has QEMU's
# user-mode emulator run them (binfmt_misc); then OUT loses the
# emulator's own messages and gets Linux's answer back where the
# emulator is known to give another (test/unix/qemu-user.sed says which
# and why).
host_run() {
	local out=$1 st
	shift
	test/unix/fresh "$@" > "$out.raw" 2>&1
	st=$?
	if grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-i386 2> /dev/null; then
		sed -f "$srcdir/test/unix/qemu-user.sed" "$out.raw"
	else
		cat "$out.raw"
	fi | sed -e "$(host_lacks)" > "$out"
	rm -f "$out.raw"
	return $st
}
# host_lacks: a sed script for the privileges this host's root lacks.
# A test marks each answer that needs one with Linux's answer for a
# root that has it, "what: ANSWER [TAG: LINUX'S]" (rlimits.c's
# privileged()); for each TAG lacked the script puts that answer in
# place of the host's, so that Ernst's (root with every privilege) is
# checked against it.  The TAGs, and how a lack is seen:
#   root lowers nice: CAP_SYS_NICE (Docker's default root lacks it;
#     a rootless container's, whatever CapEff says, for it counts in
#     the first user namespace only): nice -n -1 leaves our nice as it
#     is (then at -20 already, only a privileged root gets there);
#   root forks past RLIMIT_NPROC: the real uid must be uid 0 of the
#     first user namespace (or have CAP_SYS_RESOURCE there, which a
#     namespace's root never has, as this machine's root lacks it and
#     forks all the same): a rootless container's root is refused,
#     EAGAIN; seen by a uid map other than the whole identity.
host_tags='root lowers nice\|root forks past RLIMIT_NPROC'
host_lacks() {
	local now
	now=$(nice)
	if [ "$now" -gt -20 ] && [ "$(nice -n -1 nice 2> /dev/null)" -ge "$now" ]; then
		host_marked "root lowers nice"
	fi
	if ! grep -qE '^ +0 +0 +4294967295$' /proc/self/uid_map; then
		host_marked "root forks past RLIMIT_NPROC"
	fi
}
host_marked() {
	echo "s/^\(.*\): [^[]* \[\($1\): \(.*\)\]\$/\1: \3 [\2: \3]/"
}
# marks_hold FILE: ok when every marked answer in FILE (see host_lacks)
# is the mark's, the host's own where it has the privilege: the marks
# stay Linux's answers.  Nothing when FILE has none.
marks_hold() {
	local n bad
	n=$(grep -c " \[\($host_tags\): [^][]*\]\$" "$1")
	[ "$n" -gt 0 ] || return 0
	bad=$(sed -n "s/^.*: \([^[]*\) \[\($host_tags\): \(.*\)\]\$/\1|\3/p" "$1" | awk -F'|' '$1 != $2' | wc -l)
	[ "$bad" = 0 ]
	ok $? "$2: the host's marked answers are the marks' ($n marked, $bad not)"
}
# unix_tap LOG PROGRAM NAME: PROGRAM as pid 1; its own TAP (and its exit
# status) reported as ours, each point prefixed with NAME.
unix_tap() {
	local log=$1 prog=$2 name=$3 st verdict what
	st=$(unix_run "$log" "$prog")
	ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
	while read -r verdict what; do
		[ "$verdict" = PASS ]
		ok $? "$name: $what"
	done < <(tap_summarize <(unix_output "$log") "$(unix_status "$log")")
}
# unix_tap_clean LOG PROGRAM NAME: unix_tap, then LOG must show no panic
# and no fault in the emulation library.
unix_tap_clean() {
	unix_tap "$@"
	! has "$1" "panic\|fault in the library"
	ok $? "$3: no panic, no fault in the emulation library"
}
# unix_run_sh LOG SCRIPT [PID1]: the booted system (boot archive,
# terminal) runs sh -c "$(cat SCRIPT)" as init's child (as pid 1 itself
# with PID1 /bin/sh); prints the QEMU status.
unix_run_sh() {
	local log=$1 args
	args=$(dirname "$1")/args # the module name single's -a gives
	printf -- '-c\0%s\0' "$(cat "$2")" > "$args"
	boot "$log" --append console=serial \
		--initrd "bootstrap/bootstrap -x,unix_server/single/single -x -D \${device-port} -r rootfs.cpio -a args ${3:-/bin/init},unix_server/emul/emul.bin \$(data),unix_server/rootfs.cpio \$(data),$args \$(data)" \
		mach/ernst
}
# The serial console, typed at: console_start LOG COMMAND... runs COMMAND
# (a QEMU run whose serial console is its standard input and output) as
# a coprocess, everything it prints going to LOG; expect PATTERN SECONDS
# waits (at most SECONDS) until PATTERN (grep) appears in what came since
# the last match, a prompt included (it has no newline), and fails if it
# does not; type_line LINE types LINE and a newline (fd 4 is the typing
# end, for control characters); console_wait waits for COMMAND to end
# and returns its status.  One console at a time.
console_start() {
	console_log=$1 console_mark=0
	shift
	: > "$console_log"
	coproc CONSOLE { "$@" 2>&1; }
	# bash unsets CONSOLE_PID once the coprocess has ended: keep it.
	console_pid=$CONSOLE_PID
	exec 3<&"${CONSOLE[0]}" 4>&"${CONSOLE[1]}"
}
expect() {
	local end=$((SECONDS + $2)) chunk
	while [ $SECONDS -lt $end ]; do
		if IFS= read -r -t 1 -u 3 chunk; then
			printf '%s\n' "$chunk" >> "$console_log"
		elif [ -n "$chunk" ]; then
			printf '%s' "$chunk" >> "$console_log"
		fi
		if tail -c +$((console_mark + 1)) "$console_log" | tr -d '\r' | grep -q -- "$1"; then
			console_mark=$(wc -c < "$console_log")
			return 0
		fi
	done
	return 1
}
type_line() { printf '%s\n' "$1" >&4; }
console_wait() {
	local st chunk
	exec 4>&-
	# What is left to read, then the status.
	while IFS= read -r -t 5 -u 3 chunk; do printf '%s\n' "$chunk" >> "$console_log"; done
	wait "$console_pid"
	st=$?
	exec 3<&-
	return $st
}
