#!/usr/bin/env bash
# The ext2 library on images made by mke2fs (1 KiB and 4 KiB blocks):
# its own semantic checks (ext2test unit), then a torture run against a
# model; after each, e2fsck -fn must find the image clean, the
# superblock must say clean with the right mount count, and debugfs's
# dump of the torture image must equal the model's files.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/test/ext2/lib.sh"

fsck_clean() { # IMAGE WHAT
	e2fsck -fn "$1" > "$tmp/fsck.log" 2>&1
	local st=$?
	[ $st = 0 ] || sed 's/^/# /' "$tmp/fsck.log" | head -30
	ok $st "$2: e2fsck -fn finds it clean"
}

super_field() { # IMAGE FIELD
	dumpe2fs -h "$1" 2>/dev/null | sed -n "s/^$2:[[:space:]]*//p"
}

# Revision 0 (no features, 128-byte inodes, no file types in entries):
# the unit test too, including a file past 2 GiB, which makes it rev 1.
img=$tmp/rev0.img
truncate -s 64M "$img"
mke2fs -q -r 0 -b 1024 -F "$img"
run_ext2test "unit rev0" unit "$img"
fsck_clean "$img" "unit rev0"
[ "$(super_field "$img" 'Filesystem revision #')" = "1 (dynamic)" ] && super_field "$img" 'Filesystem features' | grep -q large_file
ok $? "unit rev0: now revision 1 with large_file"
[ "$(super_field "$img" 'Inode size')" = 128 ]; ok $? "unit rev0: inode size 128 as revision 0 implied"

for bs in 1024 4096; do
	img=$tmp/unit$bs.img
	truncate -s 64M "$img"
	mke2fs -q -t ext2 -b $bs -F "$img"
	run_ext2test "unit $bs" unit "$img"
	fsck_clean "$img" "unit $bs"
	[ "$(super_field "$img" 'Filesystem state')" = clean ]; ok $? "unit $bs: the superblock says clean"
	[ "$(super_field "$img" 'Mount count')" = 5 ]; ok $? "unit $bs: mount count 5 (the read-only mount does not count)"

	img=$tmp/torture$bs.img
	truncate -s 128M "$img"
	mke2fs -q -t ext2 -b $bs -F "$img"
	mkdir "$tmp/model$bs" "$tmp/dump$bs"
	run_ext2test "torture $bs" torture "$img" $bs "$tmp/model$bs"
	fsck_clean "$img" "torture $bs"
	debugfs -R "rdump / $tmp/dump$bs" "$img" > /dev/null 2>&1
	rm -rf "$tmp/dump$bs/lost+found"
	diff -r --no-dereference "$tmp/model$bs" "$tmp/dump$bs" > "$tmp/diff" 2>&1
	st=$?
	[ $st = 0 ] || head -20 "$tmp/diff" | sed 's/^/# /'
	ok $st "torture $bs: debugfs's dump equals the model (files, symlinks, directories)"
	n=$(find "$tmp/dump$bs" | wc -l)
	[ "$n" -gt 2000 ]; ok $? "torture $bs: $n names in the dump"
	# The deep chain and a sparse file as debugfs sees them.
	deep=/deep$(printf '/d%.0s' $(seq 99))/bottom
	[ "$(debugfs -R "cat $deep" "$img" 2>/dev/null)" = "at the bottom" ]; ok $? "torture $bs: a file 100 directories deep"
	rm -rf "$tmp/model$bs" "$tmp/dump$bs" "$img"
done
tap_end
