#!/usr/bin/env bash
# ext2 in the guest: scripts/mkdisk makes the disk the UNIX server will
# boot from (partition 1 ext2 from a staging directory, partition 2
# swap); test/ext2/ext2guest mounts hd0s1 through device.defs, checks the
# host's files, writes its own and unmounts (see guest.c).  Then the host:
# e2fsck -fn finds the partition clean, the superblock says clean, and
# debugfs reads what the guest wrote.  A second boot, test/ext2/ext2vfs,
# mounts the same partition as the VFS's root and works on it through
# fs.defs and io.defs (vfs.c); the host checks again.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

stage=$tmp/stage
mkdir -p "$stage/data"
printf 'hello from the host\n' > "$stage/hello.txt"
perl -e 'binmode STDOUT; print chr(($_ * 7 + int($_ / 251)) & 255) for 0 .. 299999' > "$stage/data/big"
ln -s data/big "$stage/link"
img=$tmp/disk.img
"$srcdir/scripts/mkdisk" "$img" ext2:96M:"$stage":1024 swap:4M
fs=$tmp/part.img

# run_guest NAME PROGRAM: boots PROGRAM with the disk, relays its TAP;
# then the partition as the host sees it: e2fsck -fn clean, state clean.
run_guest() {
	local log=$tmp/$1.log st
	st=$(boot "$log" --append console=serial --initrd "$2 \${device-port}" \
		--qemu-opt -drive --qemu-opt "file=$img,format=raw,if=ide,index=0,cache=unsafe" mach/ernst)
	cp "$log" "${top_builddir:-.}/test-logs/ext2-$1.log" 2>/dev/null
	ok "$st" "$1: the guest test passes (qemu status $st: $(qemu_status_text "$st"))"
	guest_tap "$log" "$1"
	has "$log" "^1\.\." && ! has "$log" "panic"; ok $? "$1: it ran to its end without a panic"
	dd if="$img" of="$fs" bs=512 skip=2048 count=$((96 * 2048)) status=none
	e2fsck -fn "$fs" > "$tmp/fsck.log" 2>&1
	st=$?
	[ $st = 0 ] || sed 's/^/# /' "$tmp/fsck.log" | head -20
	ok $st "$1: e2fsck -fn finds the partition clean"
	dumpe2fs -h "$fs" 2>/dev/null | grep -q '^Filesystem state: *clean$'; ok $? "$1: the superblock says clean"
}

run_guest guest test/ext2/ext2guest
[ "$(dumpe2fs -h "$fs" 2>/dev/null | sed -n 's/^Mount count: *//p')" = 1 ]; ok $? "mount count 1 (the read-only mount does not count)"
seq -f 'line %05g of file1' 0 9999 > "$tmp/file1"
debugfs -R "dump /guest/file1 $tmp/got1" "$fs" > /dev/null 2>&1
cmp -s "$tmp/file1" "$tmp/got1"; ok $? "/guest/file1 as the guest wrote it"
debugfs -R "stat /guest/hl" "$fs" 2>/dev/null | grep -q 'Links: 2'; ok $? "/guest/hl: 2 links"
[ "$(debugfs -R "cat /guest/renamed" "$fs" 2>/dev/null)" = "file 000" ]; ok $? "/guest/renamed holds f000's contents"
n=$(debugfs -R "ls -p /guest/many" "$fs" 2>/dev/null | grep -c '^/')
[ "$n" = 300 ]; ok $? "/guest/many: 298 files and . and .. (got $n)"
debugfs -R "stat /guest/sl" "$fs" 2>/dev/null | grep -q 'Fast link dest: "../hello.txt"'; ok $? "/guest/sl: a fast symlink to ../hello.txt"
debugfs -R "dump /guest/sparse $tmp/sparse" "$fs" > /dev/null 2>&1
[ "$(stat -c %s "$tmp/sparse")" = $((70 * 1048576 + 11)) ] && [ "$(tail -c 11 "$tmp/sparse")" = "sparse end" ] &&
	[ "$(head -c $((70 * 1048576)) "$tmp/sparse" | tr -d '\0' | wc -c)" = 0 ]
ok $? "/guest/sparse: zeros for 70 MiB, then the guest's bytes"
blocks=$(debugfs -R "stat /guest/sparse" "$fs" 2>/dev/null | sed -n 's/.*Blockcount: \([0-9]*\).*/\1/p')
[ "$blocks" = 8 ]; ok $? "and 4 blocks: data, triple, double and single indirect (Blockcount $blocks)"
debugfs -R "dump /data/big $tmp/big" "$fs" > /dev/null 2>&1
head -c 100000 "$stage/data/big" | cmp -s - "$tmp/big"; ok $? "/data/big cut to 100000 bytes"

# Through the VFS.
run_guest vfs test/ext2/ext2vfs
[ "$(debugfs -R "cat /vfs/b.txt" "$fs" 2>/dev/null)" = "hello through the VFS" ]; ok $? "vfs: /vfs/b.txt as written"
debugfs -R "dump /vfs/big $tmp/vbig" "$fs" > /dev/null 2>&1
perl -e 'binmode STDOUT; print chr(97 + ($_ * 13 + int($_ / 4093)) % 26) for 0 .. 524287' | cmp -s - "$tmp/vbig"
ok $? "vfs: /vfs/big, 512 KiB after the truncate, as written"
n=$(debugfs -R "ls -p /moved" "$fs" 2>/dev/null | grep -c '^/')
[ "$n" = 202 ]; ok $? "vfs: /moved holds the 200 files (got $((n - 2)))"
[ "$(debugfs -R "cat /moved/n123" "$fs" 2>/dev/null)" = "/vfs/many/n123" ]; ok $? "vfs: /moved/n123's contents"
debugfs -R "stat /vfs/l" "$fs" 2>&1 | grep -q "File not found"; ok $? "vfs: the unlinked symlink is gone"
debugfs -R "dump /vfs/mapped $tmp/mapped" "$fs" > /dev/null 2>&1
head -c $((3 * 4096 + 10)) /dev/zero | tr '\0' x > "$tmp/mexp"
printf MAPPED | dd of="$tmp/mexp" bs=1 seek=5000 conv=notrunc status=none
printf WRITE | dd of="$tmp/mexp" bs=1 seek=9000 conv=notrunc status=none
printf LAST | dd of="$tmp/mexp" bs=1 seek=12000 conv=notrunc status=none
cmp -s "$tmp/mexp" "$tmp/mapped"; ok $? "vfs: /vfs/mapped has what was stored through its mapping"
tap_end
