# What test/unix/procfs.sh runs on Ernst with busybox sh -c: the /proc
# applets (ps, top, free, uptime, mount) around a sleeping child; the
# host checks what they print against the pids echoed here.
sleep 600 &
s=$!
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
