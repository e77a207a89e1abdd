#!/usr/bin/env bash
# Identity and permissions on Ernst:
# - test/unix/perms (as pid 1, root, dropping to uid 1000 in children)
#   prints what the set*id calls, mode bits, sticky /tmp, chmod, chown,
#   utimes and kill let it do; the output must be Linux's: perms.expected,
#   which the host's run must also give when the host can run it as root;
# - busybox sh runs perms-script.sh as root (id, su to user, chmod, what
#   user may read, write, remove and kill); its output must be
#   perms-script.expected (written from Linux's busybox with the same
#   /etc files);
# - perms setuid: uid 1000 runs a set-user-ID root copy of perms and
#   root a set-user-ID copy of uid 1000's, then uid 1000 a root copy of
#   mode 0711 (execute-only: it runs, it cannot be read):
#   perms-setuid.expected.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expected=$srcdir/test/unix/perms.expected
# As root the host's run must work: a failure is a failure, not a
# comparison left out.
if [ "$(id -u)" = 0 ]; then
	host_run "$tmp/host" test/unix/perms <&-
	ok $? "perms runs on the host (root)"
	same_as "$expected" "$tmp/host" "perms on the host (root) prints perms.expected"
else
	echo "# not root: the host cannot run test/unix/perms; perms.expected alone"
fi
st=$(unix_run "$tmp/perms.log" test/unix/perms)
unix_expect "$tmp/perms.log" "$st" "$expected" perms

# Set-user-ID programs: perms setuid copies itself from the boot
# archive's /bin; the host cannot stand in (its i386 programs may run
# under an emulator that does not honour set-user-ID).
st=$(unix_run_fs "$tmp/setuid.log" "/bin/perms setuid")
unix_expect "$tmp/setuid.log" "$st" "$srcdir/test/unix/perms-setuid.expected" setuid

if [ ! -x busybox/bin/busybox ]; then
	ok 1 "busybox is there (the set-up step fetches it: scripts/setup)"
	tap_end
	exit 1
fi
printf -- '-c\0%s\0' "$(cat "$srcdir/test/unix/perms-script.sh")" > "$tmp/args"
st=$(boot "$tmp/bb.log" --append console=serial \
	--initrd "bootstrap/bootstrap -x,unix_server/single/single -x -D \${device-port} -r rootfs.cpio -a args /bin/init,unix_server/emul/emul.bin \$(data),unix_server/rootfs.cpio \$(data),$tmp/args \$(data)" \
	mach/ernst)
ok "$st" "busybox: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
unix_output "$tmp/bb.log" > "$tmp/bb.ernst"
diff -u "$srcdir/test/unix/perms-script.expected" "$tmp/bb.ernst" > "$tmp/bb.diff"
r=$?
[ $r = 0 ] || sed 's/^/# /' "$tmp/bb.diff" | head -60
ok $r "busybox su, id, chmod: the output on Ernst is Linux's"
! has "$tmp/perms.log" "panic\|fault in the library" && ! has "$tmp/bb.log" "panic\|fault in the library" &&
	! has "$tmp/setuid.log" "panic\|fault in the library"
ok $? "no panic, no fault in the emulation library"
tap_end
