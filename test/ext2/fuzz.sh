#!/usr/bin/env bash
# Randomly damaged ext2 images (deterministic seeds, bounded iterations):
# each is mounted, walked, read, written and unmounted by the library
# under AddressSanitizer; no crash, no memory error, no transfer outside
# the device.  A populated image of each block size is the starting point.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/test/ext2/lib.sh"

mkdir -p "$tmp/root/dir/sub"
for i in $(seq 40); do head -c $((i * 700)) /dev/urandom > "$tmp/root/dir/f$i"; done
head -c 300000 /dev/urandom > "$tmp/root/big"
ln -s dir/f1 "$tmp/root/link"
ln -s "$(printf 'x%.0s' $(seq 100))" "$tmp/root/longlink"
for bs in 1024 4096; do
	img=$tmp/fuzz$bs.img
	truncate -s 2M "$img"
	mke2fs -q -t ext2 -b $bs -d "$tmp/root" -F "$img"
	run_ext2test "$bs" fuzz "$img" 400 $bs
done
tap_end
