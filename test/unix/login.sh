#!/usr/bin/env bash
# scripts/run itself, typed at over the serial console, on a disk image
# of its own (RUN_DISK, made from the build's root disk), twice:
#   boot 1  a root shell on / (ext2 on hd0s1); /bin/busybox is
#           set-user-ID root; busybox login as user (password typed,
#           not echoed), id; su to root with root's password, id, a file
#           written as root; su with a wrong password refused; back out,
#           poweroff.
#   boot 2  the same disk: the file is there; poweroff.  The image is
#           then clean for e2fsck.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
[ -z "${KEEP:-}" ] || echo "# logs in $tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT # KEEP=1: keep the logs
disk=$tmp/disk.img
export RUN_DISK=$disk RUN_TIMEOUT=300 RUN_SETUP=no
ROOT_PROMPT='ernst:.*# '
USER_PROMPT='ernst:.*\$ '

# no_echo LOG WORD: the password typed after the last "Password: " did
# not come back on the console.
no_echo() {
	! tr -d '\r' < "$1" | grep -aq "Password: *$2"
}

console_start "$tmp/boot1.log" "$srcdir/scripts/run"
expect "$ROOT_PROMPT" 240
ok $? "boot 1: scripts/run boots to a root shell"
grep -aq 'unix: / is ext2 on hd0s1' "$tmp/boot1.log"
ok $? "boot 1: / is the disk (ext2 on hd0s1)"
type_line 'ls -l /bin/busybox | cut -c1-10; id'
expect '^-rwsr-xr-x' 30
ok $? "boot 1: /bin/busybox is set-user-ID root on the disk"
expect '^uid=0(root) gid=0(root)' 30
ok $? "boot 1: the console's shell is root's"
expect "$ROOT_PROMPT" 30
type_line 'login'
expect 'login: ' 30
ok $? "login asks for a name"
type_line 'user'
expect 'Password: ' 30
ok $? "login asks user's password"
type_line 'user'
expect "$USER_PROMPT" 60
ok $? "login with user's password gives user's shell"
no_echo "$tmp/boot1.log" user
ok $? "login: the password is not echoed"
type_line 'id; echo home=$HOME; touch /root/x'
expect '^uid=1000(user) gid=1000(user) groups=1000(user)' 30
ok $? "user's id after login"
expect '^home=/home/user' 30
ok $? "login sets HOME from /etc/passwd"
expect 'Permission denied' 30
ok $? "user may not write in /root"
expect "$USER_PROMPT" 30
type_line 'su'
expect 'Password: ' 30
ok $? "su from user asks root's password"
type_line 'root'
# Not a login shell: no /etc/profile, ash's own prompt for root.
expect '^/home/user # ' 60
ok $? "su with root's password gives a root shell"
no_echo "$tmp/boot1.log" root
ok $? "su: the password is not echoed"
type_line 'id; echo persisted > /root/mark; exit'
expect '^uid=0(root) gid=0(root) groups=0(root)' 30
ok $? "root's id after su"
expect "$USER_PROMPT" 30
ok $? "exit from su's shell comes back to user's"
type_line 'su -c id'
expect 'Password: ' 30
type_line 'wrong'
expect '^su: incorrect password' 60
ok $? "su with a wrong password is refused"
expect "$USER_PROMPT" 30
type_line 'id -u; exit'
expect '^1000' 30
ok $? "still user after the refused su"
expect "$ROOT_PROMPT" 30
ok $? "logging out of user's shell comes back to root's"
type_line 'poweroff'
console_wait
ok $? "boot 1: poweroff ends scripts/run with status 0"

console_start "$tmp/boot2.log" "$srcdir/scripts/run"
expect "$ROOT_PROMPT" 240
ok $? "boot 2: scripts/run boots the same disk to a root shell"
type_line 'cat /root/mark'
expect '^persisted' 30
ok $? "boot 2: the file root wrote in boot 1 is there"
expect "$ROOT_PROMPT" 30
type_line 'poweroff'
console_wait
ok $? "boot 2: poweroff ends scripts/run with status 0"

dd if="$disk" of="$tmp/part" bs=512 skip=2048 count=$((64 * 2048)) status=none
e2fsck -fn "$tmp/part" > "$tmp/fsck.log" 2>&1
st=$?
[ $st = 0 ] || sed 's/^/# /' "$tmp/fsck.log" | head -20
ok $st "the disk is clean for e2fsck -fn after the two boots"
! grep -aq "panic\|fault in the library\|could not all be unmounted" "$tmp/boot1.log" "$tmp/boot2.log"
ok $? "no panic, no fault in the emulation library, every file system unmounted"
tap_end
