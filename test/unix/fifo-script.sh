# Run by busybox sh as root on Ernst (test/unix/fifo.sh), in $D (a new
# directory: on /tmp's RAM file system, or on the ext2 disk): mkfifo
# with a writer and a reader in the background, device nodes, who may
# make what.  The nodes stay (the disk's are checked by e2fsck).
D=${D:-/tmp/fifo}
mkdir -p "$D" && chmod 755 "$D" && cd "$D" || exit 1
mkfifo f
stat -c '%F %a %s' f
# A background writer, the reader in the foreground.
(echo hello through the FIFO > f; echo "writer status $?" > w.status) &
cat f
wait
cat w.status
# A background reader, the writer in the foreground.
cat f > got &
echo second > f
wait
cat got
seq 1 5000 > f &
wc -l < f
wait
mkfifo f
echo "mkfifo again: $?"
mkfifo -m 600 p
stat -c '%F %a' p
mknod p2 p
stat -c '%F' p2
# Device nodes: root's; 1,3 is /dev/null, nothing opens 42,7 or a block device.
mknod c c 1 3
stat -c '%F %t,%T' c
echo discarded > c
echo "write to 1,3: $?"
mknod n c 42 7
stat -c '%F %t,%T' n
cat n
echo "cat 42,7: $?"
mknod b b 8 1
stat -c '%F %t,%T' b
cat b
echo "cat a block device: $?"
mkdir ro
su user -c 'mkfifo ro/x'
echo "user's mkfifo in root's directory: $?"
su user -c 'mknod /tmp/fifo-u c 1 3'
echo "user's mknod of a device: $?"
su user -c "mkfifo /tmp/fifo-u && stat -c '%F %U %a' /tmp/fifo-u"
rm -f /tmp/fifo-u
ls -l | awk 'NR > 1 { print $1, $NF }'
