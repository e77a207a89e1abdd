#!/usr/bin/env bash
# Named pipes and device nodes through busybox and on the disk:
# - busybox sh runs fifo-script.sh (mkfifo with a background writer and
#   a reader, then the other way round; mknod of FIFOs and device nodes,
#   opening them, who may make what) in /tmp's RAM file system; its
#   output must be fifo-script.expected (Linux's busybox, with the same
#   /etc files);
# - the booted system on a copy of the root disk runs test/unix/fifos
#   in /root/fifos, test/unix/flocks in /root/flocks and test/unix/locks
#   in /root/locks (their outputs must be the host's) and fifo-script.sh in /fifo on ext2; after it ends the host's e2fsck -fn finds the file
#   system clean and debugfs finds the FIFO and device inodes as Linux
#   writes them.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
if [ ! -x busybox/bin/busybox ]; then
	ok 1 "busybox is there (the set-up step fetches it: scripts/setup)"
	tap_end
	exit 1
fi
expected=$srcdir/test/unix/fifo-script.expected
st=$(unix_run_sh "$tmp/ram.log" "$srcdir/test/unix/fifo-script.sh")
unix_output "$tmp/ram.log" > "$tmp/ram.out"
ok "$st" "tmpfs: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
same_as "$expected" "$tmp/ram.out" "tmpfs: busybox mkfifo, mknod: the output on Ernst is Linux's"

for t in fifos flocks locks; do
	host_run "$tmp/$t.host" test/unix/$t
	ok $? "$t runs on the host"
done
img=$tmp/disk.img
cp --sparse=always unix_server/rootdisk.img "$img"
st=$(unix_run_disk "$tmp/disk.log" "$img" "fifos /root/fifos; echo fifos status \$?; flocks /root/flocks; echo flocks status \$?; locks /root/locks; echo locks status \$?; D=/fifo; $(cat "$srcdir/test/unix/fifo-script.sh")")
ok "$st" "ext2: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
unix_output "$tmp/disk.log" > "$tmp/disk.out"
cp "$tmp/disk.out" "$tmp/rest"
for t in fifos flocks locks; do
	sed -n "1,/^$t status /p" "$tmp/rest" > "$tmp/$t.ernst"
	sed -i "1,/^$t status /d" "$tmp/rest"
	grep -qx "$t status 0" "$tmp/$t.ernst"
	ok $? "ext2: $t exits with status 0"
	sed -i '$d' "$tmp/$t.ernst"
	same_as "$tmp/$t.host" "$tmp/$t.ernst" "ext2: $t's output on Ernst is the host's"
done
mv "$tmp/rest" "$tmp/script.ernst"
same_as "$expected" "$tmp/script.ernst" "ext2: busybox mkfifo, mknod: the output on Ernst is Linux's"
dd if="$img" of="$tmp/part" bs=512 skip=2048 count=$((64 * 2048)) status=none
e2fsck -fn "$tmp/part" > "$tmp/fsck" 2>&1
r=$?
[ $r = 0 ] || sed 's/^/# /' "$tmp/fsck"
ok $r "e2fsck -fn finds the file system clean"
inode() { debugfs -R "stat $1" "$tmp/part" 2> /dev/null | tr -s ' \t' ' '; }
inode /fifo/f > "$tmp/f.stat"
grep -q 'Type: FIFO Mode: 0644 Flags: 0x0$' "$tmp/f.stat" && grep -q 'Group: 0 Size: 0$' "$tmp/f.stat" &&
	grep -q 'Links: 1 Blockcount: 0$' "$tmp/f.stat"
ok $? "debugfs: /fifo/f is a FIFO inode of no size, no blocks and no flags, as mke2fs writes one"
debugfs -R "ls -l /fifo" "$tmp/part" 2> /dev/null | awk '$NF == "f" || $NF == "p" { print $2 }' > "$tmp/modes"
[ "$(tr '\n' ' ' < "$tmp/modes")" = "10644 10600 " ]
ok $? "debugfs: the FIFOs' modes are 10644 and 10600 ($(tr '\n' ' ' < "$tmp/modes"))"
inode /fifo/c | grep -q 'Type: character special' && inode /fifo/c | grep -qi 'Device major/minor number: 01:03'
ok $? "debugfs: /fifo/c is character device 1,3"
inode /fifo/b | grep -q 'Type: block special' && inode /fifo/b | grep -qi 'Device major/minor number: 08:01'
ok $? "debugfs: /fifo/b is block device 8,1"
! has "$tmp/ram.log" "panic\|fault in the library" && ! has "$tmp/disk.log" "panic\|fault in the library"
ok $? "no panic, no fault in the emulation library"
tap_end
