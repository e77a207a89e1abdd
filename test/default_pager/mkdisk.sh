#!/bin/sh
# The disk the default pager tests boot with (built by make, sparse):
# an MBR with hd0s1 = sectors 2048..4095 (not swap), hd0s2 = 96 MiB of
# swap from sector 4096, hd0s3 = 4 MiB of swap after it (the swap-full
# test).  usage: mkdisk.sh OUT
set -e
out=$1
rm -f "$out.tmp"
truncate -s 104M "$out.tmp"
perl -e '
	binmode STDOUT;
	my $mbr = "\0" x 446;
	$mbr .= pack("CCCCCCCCVV", 0, 0, 0, 0, 0x83, 0, 0, 0, 2048, 2048);
	$mbr .= pack("CCCCCCCCVV", 0, 0, 0, 0, 0x82, 0, 0, 0, 4096, 196608);
	$mbr .= pack("CCCCCCCCVV", 0, 0, 0, 0, 0x82, 0, 0, 0, 200704, 8192);
	$mbr .= "\0" x 16 . "\x55\xaa";
	print $mbr;' | dd of="$out.tmp" conv=notrunc status=none
mv "$out.tmp" "$out"
