#!/usr/bin/env bash
# Make the UNIX personality's boot archive (a newc cpio, the RAM file
# system's contents at boot) from a staging directory:
#   mkimage.sh OUT SRCDIR BUSYBOX [FILE...]
# SRCDIR/unix_server/rootfs/etc/* go to /etc; BUSYBOX (an i386 static
# busybox, or "" / a missing file for none) to /bin/busybox with a
# symlink per applet where `busybox --list-full` puts it; each FILE to
# /bin.  /dev (the server adds its nodes), /tmp (1777), /root,
# /home/user and /proc are there; /etc/mtab links to /proc/mounts.
# Everything is owned by root in the archive, whoever builds it, but
# /home/user, which is user's (1000:1000, as in etc/passwd); etc/shadow
# is root's alone (0600).
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
fi
for f in "$@"; do
	cp "$f" "$stage/bin/$(basename "$f")"
	chmod 0755 "$stage/bin/$(basename "$f")"
done
# Two owners: root's part, then user's home appended to the same archive.
(cd "$stage" && find . ! -path './home/user*' | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) > "$out.tmp"
tmp=$(cd "$(dirname "$out")" && pwd)/$(basename "$out").tmp
(cd "$stage" && find ./home/user | LC_ALL=C sort | cpio -o -A -H newc --quiet --owner=1000:1000 -O "$tmp")
mv "$out.tmp" "$out"
rm -rf "$stage"
