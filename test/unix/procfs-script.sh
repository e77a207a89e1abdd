# What test/unix/procfs.sh runs on Ernst with busybox sh -c: the /proc
# applets (ps, top, free, uptime, mount) around a sleeping child; the
# host checks what they print against the pids echoed here.
sleep 600 &
s=$!
# ps and top show it running sleep 600, asleep: wait for that (it may
# not have run its exec yet, or be starting), not for a time.
until read -r _ _ st _ < /proc/$s/stat && [ "$st" = S ] &&
	[ "$(tr '\0' ' ' < /proc/$s/cmdline)" = "sleep 600 " ]; do
	sleep 0.1
done
echo "sleeper $s"
echo "shell $$ $PPID"
echo "--- ps"
ps
echo "--- top"
top -b -n 1
echo "top status $?"
echo "--- free"
free
echo "free status $?"
echo "--- uptime"
uptime
echo "uptime status $?"
echo "--- mount"
mount
echo "--- mounts"
cat /proc/mounts
echo "--- mtab"
cat /etc/mtab
echo "--- self"
read -r pid comm state ppid pgrp sid tty_nr tpgid rest < /proc/self/stat
echo "self $pid $ppid $pgrp $tty_nr $tpgid"
read -r pid comm state ppid pgrp sid tty_nr tpgid rest < /proc/$s/stat
echo "sleeper-tty $tty_nr $tpgid"
echo "--- ps-tty"
ps -o pid,tty,comm
kill $s
wait $s
echo "--- after"
ps
echo "--- end"
