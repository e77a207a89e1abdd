#!/usr/bin/env bash
# Damaged images: each case breaks one structure of a populated ext2
# image on the host (debugfs, or bytes written in place), puts the file
# system in partition 2048..10239 of a disk image whose other sectors hold
# a pattern, and runs single operations of the library (ext2test op)
# through the partition.  The operation touching the damage must get
# EUCLEAN (117) or the mount EINVAL/EUCLEAN, the others still work, the
# library never crashes, and the sectors outside the partition are never
# written.
. "$srcdir/test/harness/lib.sh"
. "$srcdir/test/ext2/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

EUCLEAN=117 EINVAL=22
PART_START=2048 PART_SECTORS=8192
export EXT2TEST_PART=$((PART_START * 512)):$((PART_SECTORS * 512))

mkdir -p "$tmp/root/dir" "$tmp/root/dir2/sub"
for i in 1 2 3 4 5; do seq $((i * 100)) > "$tmp/root/dir/f$i"; done
seq 30000 > "$tmp/root/big" # past the direct blocks, within the indirect block
ln -s dir/f1 "$tmp/root/link"

disk=$tmp/disk.img
pattern=$tmp/pattern.img
perl -e 'binmode STDOUT; print pack("V", $_) . ("\x5a" x 508) for 0 .. 12287' > "$pattern"
outside_sum() { # the disk outside the partition
	{ head -c $((PART_START * 512)) "$disk"; tail -c +$(((PART_START + PART_SECTORS) * 512 + 1)) "$disk"; } | md5sum
}
want_outside=$( { head -c $((PART_START * 512)) "$pattern"; tail -c +$(((PART_START + PART_SECTORS) * 512 + 1)) "$pattern"; } | md5sum)

fs=$tmp/fs.img
new_case() { # BLOCKSIZE: a fresh file system in $fs
	rm -f "$fs"
	truncate -s $((PART_SECTORS * 512)) "$fs"
	mke2fs -q -t ext2 -b "$1" -d "$tmp/root" -F "$fs"
}
dbg() { debugfs -w -R "$1" "$fs" > /dev/null 2>&1; }
field() { debugfs -R "$1" "$fs" 2>/dev/null; } # read-only question
bs_of() { dumpe2fs -h "$fs" 2>/dev/null | sed -n 's/^Block size: *//p'; }
poke() { # BYTE-OFFSET HEX-BYTES: write bytes into $fs
	printf "$(sed 's/\(..\)/\\x\1/g' <<< "$2")" | dd of="$fs" bs=1 seek="$1" conv=notrunc status=none
}
to_disk() {
	cp "$pattern" "$disk"
	dd if="$fs" of="$disk" bs=512 seek=$PART_START conv=notrunc status=none
}
from_disk() { dd if="$disk" of="$fs" bs=512 skip=$PART_START count=$PART_SECTORS status=none; }

# expect WHAT ERRNO OP ARGS...: one operation on the disk.
expect() {
	local what=$1 want=$2 out st got
	shift 2
	to_disk
	out=$(timeout 60 "$ext2test" op "$disk" "$@" 2> "$tmp/op.err")
	st=$?
	got=$(sed -n 's/^errno //p' <<< "$out")
	[ $st = 0 ] || tail -20 "$tmp/op.err" | sed 's/^/# /'
	[ $st = 0 ] && [ "$got" = "$want" ]
	ok $? "$what: $* gives $want (got ${got:-nothing}, exit $st)"
	[ "$(outside_sum)" = "$want_outside" ]
	ok $? "$what: nothing outside the partition was written"
	from_disk
}

# no_fill BLOCK COUNT: false if those blocks of $fs hold ext2test op's
# write pattern (64 KiB of 'w'): data went where it must not.
no_fill() { ! dd if="$fs" bs="$(bs_of)" skip="$1" count="$2" status=none | grep -q wwwwwwwwwwwwwwww; }
# fill_ptrs BLOCK VALUE: every 32-bit word of BLOCK in $fs is VALUE.
fill_ptrs() {
	perl -e 'binmode STDOUT; print pack("V", $ARGV[0]) x ($ARGV[1] / 4)' "$2" "$(bs_of)" |
		dd of="$fs" bs="$(bs_of)" seek="$1" conv=notrunc status=none
}
# stale OP ARGS...: /dir/f5 cut to 10 bytes by hand, then OP; bytes 10
# to 3000 must read as zeros.
stale() {
	new_case $bs
	dbg "sif /dir/f5 size 10"
	expect "stale bytes past the end $bs" 0 "$@"
	[ "$(field "cat /dir/f5" | head -c 3000 | tail -c +11 | tr -d '\0' | wc -c)" = 0 ]
	ok $? "stale bytes past the end $bs: after $1 the old end is followed by zeros"
}
state_has_errors() { dumpe2fs -h "$fs" 2>/dev/null | grep -q '^Filesystem state:.*with errors'; }

for bs in 1024 4096; do
	# A sound image first: everything works through the partition.
	new_case $bs
	expect "sound $bs" 0 cat /big
	expect "sound $bs" 0 write /dir/f1
	e2fsck -fn "$fs" > /dev/null 2>&1; ok $? "sound $bs: clean after a write through the partition"

	# Bytes past the end in the last block (a size cut without clearing,
	# as a crash or another system may leave): extending the file, by
	# truncate or by a write past the end, must show zeros there.
	stale truncate /dir/f5 3000
	stale writeat /dir/f5 5000

	# Inodes
	new_case $bs
	dbg "sif /dir/f2 mode 0170644"
	expect "inode type $bs" $EUCLEAN stat /dir/f2
	expect "inode type $bs" 0 cat /dir/f3
	state_has_errors; ok $? "inode type $bs: the superblock records errors"
	new_case $bs
	dbg "sif /dir/f2 links_count 0"
	expect "deleted inode named $bs" $EUCLEAN cat /dir/f2
	new_case $bs
	dbg "sif /dir2 size 1000"
	expect "directory size $bs" $EUCLEAN ls /dir2
	new_case $bs
	dbg "sif /dir2 size $((bs * 4000))"
	expect "directory larger than its blocks $bs" $EUCLEAN ls /dir2
	new_case $bs
	dbg "sif /big size_hi 0x7fffffff"
	expect "huge size $bs" $EUCLEAN cat /big

	# Block pointers: beyond the file system, into the inode table
	new_case $bs
	dbg "sif /dir/f1 block[0] 4000000"
	expect "pointer beyond the end $bs" $EUCLEAN cat /dir/f1
	expect "pointer beyond the end $bs" $EUCLEAN write /dir/f1
	expect "pointer beyond the end $bs" $EUCLEAN truncate /dir/f1 0
	new_case $bs
	itable=$(dumpe2fs "$fs" 2>/dev/null | sed -n 's/^ *Inode table at \([0-9]*\)-.*/\1/p' | head -1)
	dbg "sif /big block[IND] $itable"
	expect "indirect pointer into the inode table $bs" $EUCLEAN cat /big
	expect "indirect pointer into the inode table $bs" $EUCLEAN write /big
	expect "indirect pointer into the inode table $bs" $EUCLEAN truncate /big 5000
	expect "indirect pointer into the inode table $bs" 0 cat /dir/f4
	no_fill "$itable" 1; ok $? "indirect pointer $bs: the inode table block holds none of the written bytes"

	# Cross-linked indirect blocks: a triple indirect block whose every
	# pointer names one double indirect block, whose every pointer names
	# one indirect block, whose every pointer names another file's data
	# block.  Freeing it must take a bounded walk (not ptrs^3 steps) and
	# free that data block once.
	new_case $bs
	set -- $(field "ffb 3" | sed 's/.*: //')
	data=$(field "bmap /dir/f1 0")
	fill_ptrs "$1" "$2"
	fill_ptrs "$2" "$3"
	fill_ptrs "$3" "$data"
	dbg "setb $1 3"
	dbg "sif /dir/f2 block[TIND] $1"
	expect "cross-linked indirect blocks $bs" $EUCLEAN truncate /dir/f2 0

	# Directory entries
	new_case $bs
	dirblk=$(field "bmap /dir 0")
	poke $((dirblk * bs + 4)) 0500 # "."'s rec_len 5
	expect "rec_len too small $bs" $EUCLEAN ls /dir
	expect "rec_len too small $bs" $EUCLEAN stat /dir/f1
	expect "rec_len too small $bs" $EUCLEAN create /dir/new
	expect "rec_len too small $bs" 0 cat /dir2/sub/../../big
	new_case $bs
	dirblk=$(field "bmap /dir 0")
	poke $((dirblk * bs + 12 + 4)) $(printf '%02x%02x' $(((bs + 8) % 256)) $(((bs + 8) / 256))) # ".." past the block
	expect "rec_len past the block $bs" $EUCLEAN ls /dir
	new_case $bs
	dirblk=$(field "bmap /dir 0")
	poke $((dirblk * bs + 6)) c8 # "."'s name_len 200 in a 12-byte entry
	expect "name_len past rec_len $bs" $EUCLEAN ls /dir
	expect "name_len past rec_len $bs" $EUCLEAN rename /dir/f1 /dir2/f1
	new_case $bs
	dirblk=$(field "bmap /dir 0")
	poke $((dirblk * bs + 24)) ffffff0f # the third entry names inode 0x0fffffff
	expect "inode number out of range $bs" $EUCLEAN ls /dir
	new_case $bs
	dbg "freei /dir/f3"
	expect "entry names a free inode $bs" $EUCLEAN stat /dir/f3
	expect "entry names a free inode $bs" $EUCLEAN unlink /dir/f3
	expect "entry names a free inode $bs" 0 stat /dir/f4

	# Bitmaps against the structures
	new_case $bs
	blk=$(field "bmap /big 0")
	dbg "freeb $blk"
	expect "freeing a block the bitmap says is free $bs" $EUCLEAN unlink /big
	state_has_errors; ok $? "bitmap $bs: the superblock records errors"
	new_case $bs
	itable=$(dumpe2fs "$fs" 2>/dev/null | sed -n 's/^ *Inode table at \([0-9]*\)-.*/\1/p' | head -1)
	dbg "freeb $itable 4"
	expect "bitmap frees the inode table $bs" $EUCLEAN create /dir/new
	no_fill "$itable" 4; ok $? "bitmap frees the inode table $bs: the table holds none of the written bytes"

	# Superblock and descriptors: the mount refuses
	new_case $bs
	poke $((1024 + 56)) 3412
	expect "bad magic $bs" $EINVAL mount
	new_case $bs
	dbg "ssv log_block_size 9"
	expect "block size $bs" $EUCLEAN mount
	new_case $bs
	dbg "ssv blocks_count 9999999"
	expect "file system larger than its partition $bs" $EUCLEAN mount
	new_case $bs
	dbg "ssv inodes_per_group 0"
	expect "no inodes per group $bs" $EUCLEAN mount
	new_case $bs
	dbg "set_bg 0 inode_table 5000000"
	expect "inode table outside the group $bs" $EUCLEAN mount
	new_case $bs
	dbg "set_bg 0 block_bitmap 1"
	expect "block bitmap on the superblock $bs" $EUCLEAN mount
	new_case $bs
	dbg "feature ^filetype" # unknown incompatible feature stands in: set a bit we do not know
	dbg "ssv feature_incompat 0x10000"
	expect "unknown incompatible feature $bs" $EINVAL mount
done
tap_end
