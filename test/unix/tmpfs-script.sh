# Run by busybox sh on Ernst (test/unix/tmpfs.sh): /tmp holds files of
# megabytes (the single server's heap grows past its old 8 MiB), and
# filling it answers ENOSPC and loses nothing.
seq 1 300000 > /tmp/a
echo "size $(wc -c < /tmp/a)"
cp /tmp/a /tmp/b && cmp /tmp/a /tmp/b && echo "a copy of 2 MiB: equal"
cp /bin/busybox /tmp/busybox && cmp /bin/busybox /tmp/busybox && /tmp/busybox echo "busybox copied to /tmp runs"
df -k /tmp | awk 'NR == 2 { print "limit", $2 }'
cat /dev/zero > /tmp/fill
echo "cat status $?"
ls -l /tmp/fill | awk '{ print "filled", ($5 > 16000000) }'
df -k /tmp | awk 'NR == 2 { print "full:", ($2 - $3 < 64) }'
cmp /tmp/a /tmp/b && echo "the other files are intact"
rm /tmp/fill
cp /tmp/a /tmp/c && cmp /tmp/a /tmp/c && echo "after ENOSPC and rm: a copy is equal again"
rm /tmp/a /tmp/b /tmp/c /tmp/busybox
df -k /tmp | awk 'NR == 2 { print "used", $3 }'
