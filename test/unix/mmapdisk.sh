#!/usr/bin/env bash
# MAP_SHARED writes persist on the disk: boot 1 (root=hd0s1, a copy of
# the build's root disk) runs mmapdisk write, which stores into two files
# through their mappings (one msync'd, one only unmapped), and reads them
# back; the system ends (init exits, the disk is unmounted); the host's
# e2fsck finds it clean and debugfs finds the bytes; boot 2 reads them.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
img=$tmp/disk.img
cp --sparse=always unix_server/rootdisk.img "$img"
test/unix/mmapdisk write "$tmp" > /dev/null && test/unix/mmapdisk check "$tmp" > "$tmp/host"
ok $? "mmapdisk runs on the host"
for b in 1 2; do
	if [ $b = 1 ]; then cmd='mmapdisk write /root && mmapdisk check /root'; else cmd='mmapdisk check /root'; fi
	st=$(unix_run_disk "$tmp/boot$b.log" "$img" "$cmd")
	ok "$st" "boot $b: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
	unix_output "$tmp/boot$b.log" | grep 'wrong\|: -1' > "$tmp/out$b"
	cmp -s "$tmp/host" "$tmp/out$b"
	ok $? "boot $b: what was stored through the mappings reads back ($(tr '\n' ' ' < "$tmp/out$b"))"
	! has "$tmp/boot$b.log" "panic\|fault in the library"
	ok $? "boot $b: no panic"
done
dd if="$img" of="$tmp/part" bs=512 skip=2048 count=$((64 * 2048)) status=none
e2fsck -fn "$tmp/part" > "$tmp/fsck" 2>&1
ok $? "e2fsck -fn finds the file system clean"
for f in synced unmapped; do
	debugfs -R "dump /root/$f $tmp/disk.$f" "$tmp/part" > /dev/null 2>&1
	cmp -s "$tmp/disk.$f" "$tmp/$f"
	ok $? "debugfs finds /root/$f as the host's mmapdisk wrote it"
done
tap_end
