#!/usr/bin/env bash
# Make the UNIX personality's boot archive (a newc cpio, the RAM file
# system's contents at boot), or its root disk, from a staging directory:
#   mkimage.sh OUT SRCDIR BUSYBOX [FILE...]
# OUT ending in .img: a disk (scripts/mkdisk) whose partition 1 is ext2
# made from the staging directory (mke2fs -d, 4 KiB blocks, everything
# root's) and partition 2 swap for the default pager; sizes in MiB from
# ROOT_MB and SWAP_MB (64 and 32).
# SRCDIR/unix_server/rootfs/etc/* go to /etc; BUSYBOX (an i386 static
# busybox, or "" / a missing file for none) to /bin/busybox with a
# symlink per applet where `busybox --list-full` puts it; each FILE to
# /bin.  /dev (the server adds its nodes), /tmp (1777), /root,
# /home/user and /proc are there; /etc/mtab links to /proc/mounts.
# Everything is owned by root in the archive, whoever builds it, but
# /home/user, which is user's (1000:1000, as in etc/passwd); etc/shadow
# is root's alone (0600).  /bin/busybox is set-user-ID root.
set -euo pipefail
out=$1 srcdir=$2 busybox=$3
shift 3
stage=$out.stage
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,dev,tmp,root,home/user,proc}
chmod 1777 "$stage/tmp"
chmod 0700 "$stage/root"
cp "$srcdir"/unix_server/rootfs/etc/* "$stage/etc/"
chmod 0644 "$stage"/etc/*
ln -s /proc/mounts "$stage/etc/mtab" # the mount table, as /proc tells it
chmod 0600 "$stage/etc/shadow"
if [ -n "$busybox" ] && [ -f "$busybox" ]; then
	cp "$busybox" "$stage/bin/busybox"
	chmod 0755 "$stage/bin/busybox"
	# The host runs i386 binaries: ask busybox where its applets live.
	"$stage/bin/busybox" --list-full | while read -r applet; do
		[ "$applet" = bin/busybox ] && continue
		mkdir -p "$stage/$(dirname "$applet")"
		ln -sf /bin/busybox "$stage/$applet"
	done
	# Set-user-ID root, as su, login and passwd need: busybox drops the
	# privilege at once for every other applet (FEATURE_SUID).
	chmod 4755 "$stage/bin/busybox"
fi
for f in "$@"; do
	cp "$f" "$stage/bin/$(basename "$f")"
	chmod 0755 "$stage/bin/$(basename "$f")"
done
case $out in
*.img)
	root_mb=${ROOT_MB:-64}
	"$srcdir/scripts/mkdisk" "$out.tmp" ext2:"${root_mb}M":"$stage":4096 swap:"${SWAP_MB:-32}M"
	# mke2fs -d copies the builder's owners: everything root's (when made
	# as another user), user's home user's, as in the archive.
	part=$(mktemp)
	dd if="$out.tmp" of="$part" bs=512 skip=2048 count=$((root_mb * 2048)) status=none
	{
		[ "$(id -u)" = 0 ] || (cd "$stage" && find . -mindepth 1 ! -path './home/user*' |
			sed 's|^\.||; s|.*|sif "&" uid 0\nsif "&" gid 0|')
		(cd "$stage" && find ./home/user | sed 's|^\.||; s|.*|sif "&" uid 1000\nsif "&" gid 1000|')
	} | debugfs -w -f - "$part" > /dev/null 2>&1
	dd if="$part" of="$out.tmp" bs=512 seek=2048 conv=notrunc,sparse status=none
	rm -f "$part"
	;;
*)
	# Two owners: root's part, then user's home appended to the same archive.
	(cd "$stage" && find . ! -path './home/user*' | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) > "$out.tmp"
	tmp=$(cd "$(dirname "$out")" && pwd)/$(basename "$out").tmp
	(cd "$stage" && find ./home/user | LC_ALL=C sort | cpio -o -A -H newc --quiet --owner=1000:1000 -O "$tmp")
	;;
esac
mv "$out.tmp" "$out"
rm -rf "$stage"
