#!/usr/bin/env bash
# The UNIX boot archive (unix_server/rootfs.cpio) as the RAM file system
# loads it in the guest (test/unixfs/image.c), against what the host's
# cpio says is in it.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img=unix_server/rootfs.cpio
entries=$(cpio -it --quiet < "$img" | wc -l)
bbsize=0
if cpio -it --quiet < "$img" | grep -qx bin/busybox; then
	bbsize=$(cd "$tmp" && cpio -id --quiet bin/busybox < "$OLDPWD/$img" && stat -c %s bin/busybox)
fi
[ "$entries" -gt 10 ]; ok $? "the archive has the staging tree ($entries entries)"
cpio -itv --quiet < "$img" | grep -q '^drwxrwxrwt .* tmp$'; ok $? "/tmp is 1777 in the archive"
! cpio -itv --quiet --numeric-uid-gid < "$img" | awk '$NF != "home/user" {print $3 ":" $4}' | grep -vqx 0:0
ok $? "everything is root's, but user's home"
cpio -itv --quiet --numeric-uid-gid < "$img" | awk '$NF == "home/user" {print $3 ":" $4}' | grep -qx 1000:1000
ok $? "/home/user is user's (1000:1000)"
log=$tmp/image.log
st=$(boot "$log" --append console=serial --initrd "test/unixfs/image $entries $bbsize,$img" mach/ernst)
cp "$log" "${top_builddir:-.}/test-logs/unixfs-image-guest.log" 2>/dev/null
guest_tap "$log" guest
[ "$st" = 0 ]; ok $? "the guest passed (qemu status $st: $(qemu_status_text $st))"
tap_end
