#!/usr/bin/env bash
# /proc on Ernst: test/unix/procfs (its own TAP: a process's files
# against its system calls, children and zombies in the listing), then
# busybox ps, top -n 1, free, uptime and mount on the booted system
# (test/unix/procfs-script.sh), checked against the pids the script
# echoes, the memory the kernel reported at boot and /proc/mounts.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unix_tap "$tmp/boot.log" test/unix/procfs procfs
st=$(unix_run_sh "$tmp/log" "$srcdir/test/unix/procfs-script.sh")
ok "$st" "busybox: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
[ "$(unix_status "$tmp/log")" = 0 ]
ok $? "busybox: the script exited with status 0"
unix_output "$tmp/log" > "$tmp/bb"
section() { sed -n "/^--- $1\$/,/^--- /p" "$tmp/bb" | sed '1d;$d'; }
read -r _ s < <(grep '^sleeper ' "$tmp/bb")
read -r _ sh shppid < <(grep '^shell ' "$tmp/bb")
echo "# sleeper $s, shell $sh (parent $shppid)"

# ps: PID USER COMMAND; busybox shows {comm} before the arguments when
# they differ (its applets run through /proc/self/exe: comm "exe", as on Linux).
section ps > "$tmp/ps"
sed 's/^/# /' "$tmp/ps"
head -1 "$tmp/ps" | grep -q '^ *PID *USER *COMMAND$'
ok $? "ps: the header"
grep -Eq "^ *$s root +(\{exe\} )?sleep 600\$" "$tmp/ps"
ok $? "ps: the sleeping child, its pid and command"
grep -Eq "^ *1 root +/bin/init -c " "$tmp/ps"
ok $? "ps: init as pid 1 with its arguments"
grep -Eq "^ *$sh root +sh -c " "$tmp/ps"
ok $? "ps: the shell with its pid"
[ "$(awk 'NR > 1' "$tmp/ps" | wc -l)" -ge 4 ] && [ "$(awk 'NR > 1 { print $1 }' "$tmp/ps" | sort -n | uniq -d)" = "" ]
ok $? "ps: one line per process, no pid twice"

section top > "$tmp/top"
grep -q '^top status 0$' "$tmp/top"
ok $? "top -b -n 1 exits with 0"
grep -Eq '^Mem: [0-9]+K used, [0-9]+K free' "$tmp/top" && grep -Eq '^Load average: [0-9]+\.[0-9]{2} ' "$tmp/top"
ok $? "top: the memory and load lines"
grep -Eq "^ *$s +$sh +root +S .*sleep 600\$" "$tmp/top"
ok $? "top: the sleeping child, its parent, state and command"

section free > "$tmp/free"
sed 's/^/# /' "$tmp/free"
pages=$(tr -d '\r' < "$tmp/log" | sed -n 's/^ *[0-9]* pages free of \([0-9]*\), HZ.*/\1/p' | head -1)
total=$(awk '$1 == "Mem:" { print $2 }' "$tmp/free")
grep -q '^free status 0$' "$tmp/free" && [ -n "$pages" ] && [ "$total" = $((pages * 4)) ]
ok $? "free: total $total KiB is the kernel's $pages pages at boot"

section uptime > "$tmp/uptime"
sed 's/^/# /' "$tmp/uptime"
grep -q '^uptime status 0$' "$tmp/uptime" &&
	grep -Eq '^ *[0-9]{2}:[0-9]{2}:[0-9]{2} up .* load average: [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}$' "$tmp/uptime"
ok $? "uptime: the time, up, load averages"

section mounts > "$tmp/mounts"
section mount > "$tmp/mount"
sed 's/^/# /' "$tmp/mount"
grep -qx 'proc /proc proc rw 0 0' "$tmp/mounts" && grep -Eq '^[^ ]+ / [^ ]+ rw 0 0$' "$tmp/mounts" &&
	grep -Eq '^[^ ]+ /tmp [^ ]+ rw 0 0$' "$tmp/mounts"
ok $? "/proc/mounts: /, /tmp and /proc"
awk '{ printf "%s on %s type %s (%s)\n", $1, $2, $3, $4 }' "$tmp/mounts" | diff - "$tmp/mount" > /dev/null
ok $? "mount shows the mount table"
section mtab | diff - "$tmp/mounts" > /dev/null
ok $? "/etc/mtab is /proc/mounts"

read -r _ pid ppid pgrp tty_nr tpgid < <(grep '^self ' "$tmp/bb")
[ "$pid" = "$sh" ] && [ "$ppid" = "$shppid" ]
ok $? "/proc/self/stat read by the shell: its pid $pid and parent $ppid"
# init gives the shell a session with the console (5:1) as controlling
# terminal; sh -c has no job control, so its group is the foreground one.
[ "$tty_nr" = $((5 << 8 | 1)) ] && [ "$tpgid" = "$pgrp" ] && [ "$pgrp" -gt 0 ]
ok $? "the shell's stat: tty_nr $tty_nr is the console, tpgid $tpgid its group $pgrp"
read -r _ stty_nr stpgid < <(grep '^sleeper-tty ' "$tmp/bb")
[ "$stty_nr" = "$tty_nr" ] && [ "$stpgid" = "$tpgid" ]
ok $? "the background child's stat: the same terminal and foreground group ($stty_nr $stpgid)"
section ps-tty > "$tmp/pstty"
sed 's/^/# /' "$tmp/pstty"
# busybox prints the terminal as major,minor; init has none.
grep -Eq "^ *$sh +5,1 +sh\$" "$tmp/pstty" && grep -Eq "^ *$s +5,1 +(exe|sleep)\$" "$tmp/pstty" &&
	grep -Eq "^ *1 +\? +init\$" "$tmp/pstty"
ok $? "ps -o pid,tty,comm: the shell and its child on the console (5,1), init on none"
section after > "$tmp/after"
! grep -Eq "^ *$s " "$tmp/after" && grep -Eq "^ *$sh " "$tmp/after"
ok $? "ps after the child was killed and waited for: gone"
! has "$tmp/log" "panic\|fault in the library" && ! has "$tmp/boot.log" "panic\|fault in the library"
ok $? "no panic, no fault in the emulation library"
tap_end
