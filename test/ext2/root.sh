#!/usr/bin/env bash
# The booted system on its disk: a copy of the build's root disk
# (unix_server/rootdisk.img: hd0s1 ext2, hd0s2 swap for the default
# pager), the single server with root=hd0s1, commands through init -c.
#   boot 1  test/ext2/torture on / (its output must be the host's on a
#           tmpfs), then busybox builds a tree (cp -a, tar, find, du,
#           stat -f, ln -s, ln, rmdir of a non-empty directory) and
#           prints what it sees (must be the host busybox's on the same
#           script); vfscalls umask and rename on / and /tmp (as on the
#           host); the mount table, st_dev and .. across mounts, cp -a
#           of owners, modes and times, a big program's text mapped,
#           du and df (against debugfs and dumpe2fs); init ends, the
#           server unmounts.  The host: e2fsck
#           -fn clean, the superblock clean, the torture tree as debugfs
#           dumps it equal to the host's.
#   boot 2  the same image again: the tree is as boot 1 left it; a file
#           written until the disk is full (ENOSPC) and removed; then
#           busybox poweroff (init ends the system, the disk is clean).
#   boot 3  a copy with damage made on the host (a block pointer past the
#           end, an inode of a bad type, a directory entry with a broken
#           rec_len): programs touching it get EUCLEAN, the rest works,
#           no panic; reboot -f (the reboot call) ends it; nothing outside
#           the partition changed.
#   boot 4  a crash (QEMU killed) 12 s after a write: the write-back
#           thread has put it on the disk; e2fsck repairs the rest.
#   boot 5  a power cut at once after files were written and fsync'd,
#           fdatasync'd, sync'd (vfscalls durable): their data and sizes
#           are on the disk, and e2fsck -fn finds nothing but the
#           counts and bitmaps an unclean stop leaves.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
hostdir=$(mktemp -d -p /dev/shm 2> /dev/null || mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp" "$hostdir"' EXIT
ROOT_SECTORS=$((64 * 2048)) # mkimage.sh's ROOT_MB, from sector 2048

img=$tmp/disk.img
cp --sparse=always unix_server/rootdisk.img "$img"

# root_boot LOG IMAGE 'COMMAND': prints the QEMU status.
root_boot() {
	unix_run_disk "$@"
}
# check_clean NAME IMAGE: e2fsck -fn and the superblock state.
check_clean() {
	dd if="$2" of="$tmp/part" bs=512 skip=2048 count=$ROOT_SECTORS status=none
	e2fsck -fn "$tmp/part" > "$tmp/fsck.log" 2>&1
	local st=$?
	[ $st = 0 ] || sed 's/^/# /' "$tmp/fsck.log" | head -20
	ok $st "$1: e2fsck -fn finds the file system clean"
	dumpe2fs -h "$tmp/part" 2> /dev/null | grep -q '^Filesystem state: *clean$'
	ok $? "$1: the superblock says clean (unmounted at the end)"
}
booted() { # booted NAME LOG STATUS: the boot ended well, / was the disk
	ok "$3" "$1: the boot ends cleanly (status $3: $(qemu_status_text "$3"))"
	has "$2" "unix: / is ext2 on hd0s1"; ok $? "$1: / is ext2 on hd0s1"
	has "$2" "default pager is ready"; ok $? "$1: the default pager runs on hd0s2"
	! has "$2" "panic\|fault in the library\|could not all be unmounted"
	ok $? "$1: no panic, every file system unmounted"
	cp "$2" "${top_builddir:-.}/test-logs/ext2-root-$1.log" 2> /dev/null
}

# The busybox part: the same script on the host (under a directory) and
# on Ernst (at /); what it prints must be the same.
cat > "$tmp/tree.sh" << 'EOF'
R=${1:-}
cd "$R/" || exit 1
mkdir -p tree/a/b/c tree/empty
echo hello > tree/a/file1
seq 1 5000 > tree/a/b/numbers
ln -s ../file1 tree/a/b/link
ln tree/a/file1 tree/a/hard
i=0
while [ $i -lt 50 ]; do echo "small $i" > tree/a/b/c/s$i; i=$((i + 1)); done
cp -a tree tree2 2>&1
tar -cf tree.tar tree
mkdir untar && tar -xf tree.tar -C untar
diff -r tree untar/tree && echo "tar: the copy is the same"
diff -r tree tree2 && echo "cp -a: the copy is the same"
find tree | sort
find tree2 -type l | sort
readlink tree2/a/b/link
cat tree2/a/b/link
ls -l tree/a/hard | awk '{print "hard links:", $2}'
[ "$(du -s tree | awk '{print $1}')" -gt 0 ] && echo "du counts blocks"
stat -f -c 'stat -f: block size %S name max %l' tree
rmdir tree/a 2>&1 | sed 's/.*: //'
rmdir tree/empty && echo "rmdir of an empty directory"
md5sum tree/a/b/numbers untar/tree/a/b/c/s49
sync && echo synced
EOF

# VFS calls the same on both (vfscalls.c), on the disk and in the RAM
# file system: umask and its inheritance, rename over a name being read.
cat > "$tmp/vfs.sh" << 'EOF'
R=${1:-} T=${2:-/tmp}
for d in "$R" "$T"; do
	mkdir -p "$d/rename"
	vfscalls umask "$d/umask"
	vfscalls rename "$d/rename" 300
	echo "rename: exit $?"
done
EOF
# Ernst alone (root.sh checks what it prints, section by section): the
# mount table, st_dev and .. across mount points, cp -a of owners, modes
# and times, the memory a big program's text takes, du against
# st_blocks, df last (root.sh compares it with the
# superblock after the unmount).
cat > "$tmp/ernst.sh" << 'EOF'
echo "--- mounts"
cat /proc/mounts
echo "--- devs"
stat -c '%d' / /tmp /dev /proc
echo "--- dotdot"
stat -c '%d:%i' / /tmp/.. /dev/.. /proc/..
echo "--- cp-a"
mkdir -p /own/src/sub
echo suid > /own/src/suid
echo secret > /own/src/sub/secret
echo root > /own/src/rootfile
chown -R 1000:1000 /own/src
chown 0:1000 /own/src/rootfile
chmod 4755 /own/src/suid
chmod 0600 /own/src/sub/secret
chmod 0640 /own/src/rootfile
chmod 0750 /own/src/sub
touch -d '2001-02-03 04:05:06' /own/src/suid /own/src/sub/secret /own/src/rootfile /own/src/sub /own/src
cp -a /own/src /own/copy 2>&1
echo "cp -a: $?"
echo "--- cp-src"
cd /own/src && find . | sort | xargs stat -c '%n %a %u %g %Y'
echo "--- cp-copy"
cd /own/copy && find . | sort | xargs stat -c '%n %a %u %g %Y'
echo "--- exectext"
vfscalls exectext /exectext
echo "--- du"
du -sk /tree
echo "--- blocks"
find /tree | xargs stat -c '%i %b' | sort -u
echo "--- df"
sync
df -P -k / | tail -1
EOF
# section FILE NAME: the lines after "--- NAME" up to the next section.
section() {
	awk -v s="--- $2" '$0 == s { on = 1; next } /^--- / { on = 0 } on' "$1"
}

# --- boot 1 ---
test/ext2/torture "$hostdir/torture" > "$tmp/torture.host" 2>&1
ok $? "torture passes on the host ($(tail -1 "$tmp/torture.host"))"
busybox/bin/busybox sh "$tmp/tree.sh" "$hostdir" > "$tmp/tree.host" 2>&1
mkdir "$hostdir/ram"
PATH=$PWD/test/ext2:$PATH busybox/bin/busybox sh "$tmp/vfs.sh" "$hostdir" "$hostdir/ram" > "$tmp/vfs.host" 2>&1
cmd="torture /torture > /torture.log 2>&1; echo torture \$?; $(cat "$tmp/tree.sh"); echo '--- vfs'; $(cat "$tmp/vfs.sh"); $(cat "$tmp/ernst.sh")"
st=$(root_boot "$tmp/boot1.log" "$img" "$cmd")
booted boot1 "$tmp/boot1.log" "$st"
unix_output "$tmp/boot1.log" > "$tmp/boot1.out"
head -1 "$tmp/boot1.out" | grep -qx "torture 0"; ok $? "boot1: torture passes on Ernst"
sed -n '2,/^--- /p' "$tmp/boot1.out" | sed '$d' > "$tmp/tree.ernst"
diff -u "$tmp/tree.host" "$tmp/tree.ernst" > "$tmp/diff"
r=$?
[ $r = 0 ] || sed 's/^/# /' "$tmp/diff" | head -40
ok $r "boot1: busybox cp -a, tar, find, du, stat -f, ln -s print what the host prints ($(wc -l < "$tmp/tree.host") lines)"
check_clean boot1 "$img"
section "$tmp/boot1.out" vfs > "$tmp/vfs.ernst"
! grep -q '^not ok' "$tmp/vfs.host" && [ "$(grep -c '^ok' "$tmp/vfs.host")" = 12 ]
ok $? "boot1: umask and rename checks pass on the host"
same_as "$tmp/vfs.host" "$tmp/vfs.ernst" "boot1: umask (modes, fork, execve) and rename over a name being read (ext2 and /tmp) as on the host"
# The mount table: ext2 /, RAM /tmp and /dev, /proc.
section "$tmp/boot1.out" mounts > "$tmp/mounts"
sed 's/^/# /' "$tmp/mounts"
grep -Eq '^[^ ]+ / ext2 ' "$tmp/mounts" && grep -Eq '^[^ ]+ /tmp [^ ]+ ' "$tmp/mounts" &&
	grep -Eq '^[^ ]+ /dev [^ ]+ ' "$tmp/mounts" && grep -Eq '^[^ ]+ /proc proc ' "$tmp/mounts"
ok $? "boot1: /proc/mounts lists ext2 /, /tmp, /dev and /proc"
[ "$(section "$tmp/boot1.out" devs | sort -u | wc -l)" = 4 ]
ok $? "boot1: st_dev differs across /, /tmp, /dev and /proc ($(section "$tmp/boot1.out" devs | xargs))"
[ "$(section "$tmp/boot1.out" dotdot | sort -u | wc -l)" = 1 ] && [ "$(section "$tmp/boot1.out" dotdot | wc -l)" = 4 ]
ok $? "boot1: .. of /tmp, /dev and /proc is / ($(section "$tmp/boot1.out" dotdot | xargs))"
# cp -a: owners, modes (set-user-ID, 0600) and old times kept, silently.
[ "$(section "$tmp/boot1.out" cp-a)" = "cp -a: 0" ]
ok $? "boot1: cp -a of a tree with other owners succeeds and says nothing ($(section "$tmp/boot1.out" cp-a | xargs))"
old=$(date -u -d '2001-02-03 04:05:06' +%s)
cat > "$tmp/cp.want" << EOF
. 755 1000 1000 $old
./rootfile 640 0 1000 $old
./sub 750 1000 1000 $old
./sub/secret 600 1000 1000 $old
./suid 4755 1000 1000 $old
EOF
section "$tmp/boot1.out" cp-src > "$tmp/cp.src"
same_as "$tmp/cp.want" "$tmp/cp.src" "boot1: chown, chmod and touch -d made the source as asked"
section "$tmp/boot1.out" cp-copy > "$tmp/cp.copy"
same_as "$tmp/cp.src" "$tmp/cp.copy" "boot1: cp -a's copy has the source's modes, owners and mtimes"
# execve maps a program's text from its file: 8 MiB of text run take
# (MemFree) less than 1 MiB.
section "$tmp/boot1.out" exectext > "$tmp/exectext"
grep '^#' "$tmp/exectext"
! grep -q '^not ok' "$tmp/exectext" && [ "$(grep -c '^ok' "$tmp/exectext")" = 3 ]
ok $? "boot1: a program with 8 MiB of text runs in less than 1 MiB (mapped from its ext2 file, not read)"
# du: the blocks stat shows, each inode once, and as debugfs counts them.
section "$tmp/boot1.out" blocks > "$tmp/blocks"
du=$(section "$tmp/boot1.out" du | awk '{ print $1 }')
sum=$(awk '{ s += $2 } END { print s / 2 }' "$tmp/blocks")
[ -n "$du" ] && [ "$du" = "$sum" ]
ok $? "boot1: du -sk /tree ($du) is the sum of st_blocks ($sum KiB, $(wc -l < "$tmp/blocks") inodes)"
awk '{ print "stat <" $1 ">" }' "$tmp/blocks" | debugfs -f - "$tmp/part" 2> /dev/null |
	sed -n 's/.*Blockcount: *\([0-9]*\).*/\1/p' > "$tmp/blocks.disk"
awk '{ print $2 }' "$tmp/blocks" | cmp -s - "$tmp/blocks.disk"
ok $? "boot1: every inode's st_blocks is its i_blocks on the disk (debugfs, $(wc -l < "$tmp/blocks.disk") inodes)"
# df: the superblock after the unmount (Ernst's statfs counts every block
# of the partition, as Linux's ext2 mounted with minixdf).
read -r _ total used avail _ < <(section "$tmp/boot1.out" df)
dumpe2fs -h "$tmp/part" 2> /dev/null > "$tmp/super"
field() { sed -n "s/^$1: *//p" "$tmp/super"; }
kib=$(($(field 'Block size') / 1024))
want="$(($(field 'Block count') * kib)) $((($(field 'Block count') - $(field 'Free blocks')) * kib)) $((($(field 'Free blocks') - $(field 'Reserved block count')) * kib))"
[ "$total $used $avail" = "$want" ]
ok $? "boot1: df / (total used available: $total $used $avail) is what the superblock says ($want)"
debugfs -R "dump /torture.log $tmp/torture.ernst" "$tmp/part" > /dev/null 2>&1
diff -u "$tmp/torture.host" "$tmp/torture.ernst" > "$tmp/diff"
r=$?
[ $r = 0 ] || sed 's/^/# /' "$tmp/diff" | head -40
ok $r "boot1: torture's report on Ernst (read back with debugfs) is the host's ($(wc -l < "$tmp/torture.host") lines)"
mkdir "$tmp/dump"
debugfs -R "rdump /torture $tmp/dump" "$tmp/part" > /dev/null 2>&1
diff -r --no-dereference "$hostdir/torture" "$tmp/dump/torture" > "$tmp/diff" 2>&1
r=$?
[ $r = 0 ] || sed 's/^/# /' "$tmp/diff" | head -20
ok $r "boot1: the torture tree as debugfs dumps it equals the host's"

# --- boot 2: the same image ---
cmd='torture -f /fill > /dev/null; echo "fill $?"; find /tree | sort; md5sum /tree/a/b/numbers /untar/tree/a/b/c/s49; cat /tree2/a/b/link; echo "second boot" > /tree/again; poweroff; sleep 250; echo "poweroff did not stop the system"'
st=$(root_boot "$tmp/boot2.log" "$img" "$cmd")
booted boot2 "$tmp/boot2.log" "$st"
unix_output "$tmp/boot2.log" > "$tmp/boot2.out"
grep -E '^tree(/|$)' "$tmp/tree.host" | grep -v '^tree/empty$' > "$tmp/want"
grep '^/tree' "$tmp/boot2.out" | sed 's|^/||' > "$tmp/got"
cmp -s "$tmp/want" "$tmp/got"; ok $? "boot2: the tree boot 1 made is there ($(wc -l < "$tmp/got") names)"
grep -q "$(grep numbers "$tmp/tree.host" | cut -c1-32)" "$tmp/boot2.out"; ok $? "boot2: its contents too (md5sum)"
[ "$(unix_status "$tmp/boot2.log")" = 0 ]; ok $? "boot2: busybox poweroff ends init with status 0"
! has "$tmp/boot2.log" "poweroff did not stop"; ok $? "boot2: nothing runs after poweroff"
grep -qx "fill 0" "$tmp/boot2.out"; ok $? "boot2: writing until the disk is full ends in ENOSPC; unlink gives the blocks back"
check_clean boot2 "$img"
[ "$(debugfs -R "cat /tree/again" "$tmp/part" 2> /dev/null)" = "second boot" ]; ok $? "boot2: what it wrote is on the disk"

# --- boot 3: damage ---
dmg=$tmp/damaged.img
cp --sparse=always "$img" "$dmg"
dd if="$dmg" of="$tmp/part" bs=512 skip=2048 count=$ROOT_SECTORS status=none
debugfs -w -R "sif /tree/a/b/numbers block[0] 4000000000" "$tmp/part" > /dev/null 2>&1
debugfs -w -R "sif /tree2/a/file1 mode 0170644" "$tmp/part" > /dev/null 2>&1
blk=$(debugfs -R "bmap /tree/a/b/c 0" "$tmp/part" 2> /dev/null)
bs=$(dumpe2fs -h "$tmp/part" 2> /dev/null | sed -n 's/^Block size: *//p')
# The first entry's rec_len ("." at offset 4) made 5: not a multiple of 4.
printf '\005\000' | dd of="$tmp/part" bs=1 seek=$((blk * bs + 4)) conv=notrunc status=none
dd if="$tmp/part" of="$dmg" bs=512 seek=2048 conv=notrunc status=none
head -c $((2048 * 512)) "$dmg" | md5sum > "$tmp/before"
cmd='cat /tree/a/b/numbers > /dev/null; echo "numbers $?"; cat /tree2/a/file1; echo "file1 $?"; cat /tree/a/b/c/s1; echo "c $?"; cat /tree/a/file1; md5sum /untar/tree/a/b/c/s49; echo new > /tree/new && cat /tree/new; reboot -f; sleep 250; echo "reboot did not stop the system"'
st=$(root_boot "$tmp/boot3.log" "$dmg" "$cmd")
ok "$st" "boot3: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
! has "$tmp/boot3.log" "panic\|fault in the library"; ok $? "boot3: no panic"
unix_output "$tmp/boot3.log" > "$tmp/boot3.out"
grep -q "Structure needs cleaning" "$tmp/boot3.out" && grep -qx "numbers 1" "$tmp/boot3.out"
ok $? "boot3: a block pointer past the end: cat fails with EUCLEAN"
grep -qx "file1 1" "$tmp/boot3.out"; ok $? "boot3: an inode of a bad type: cat fails"
grep -qx "c 1" "$tmp/boot3.out"; ok $? "boot3: a directory block with a broken entry: a lookup in it fails"
grep -qx "hello" "$tmp/boot3.out" && grep -qx new "$tmp/boot3.out" &&
	grep -q "$(grep s49 "$tmp/tree.host" | cut -c1-32)" "$tmp/boot3.out"
ok $? "boot3: undamaged files read and new ones are made"
! has "$tmp/boot3.log" "reboot did not stop"; ok $? "boot3: reboot -f ends the system"
head -c $((2048 * 512)) "$dmg" | md5sum | cmp -s - "$tmp/before"; ok $? "boot3: nothing before the partition changed"
dd if="$dmg" of="$tmp/part" bs=512 skip=2048 count=$ROOT_SECTORS status=none
dumpe2fs -h "$tmp/part" 2> /dev/null | grep -q '^Filesystem state: *clean with errors$'
ok $? "boot3: the superblock records the errors"
# power_cut LOG IMAGE COMMAND MARKER: boots IMAGE with init running sh -c
# COMMAND, and stops QEMU without an unmount (qemu-run's timeout process
# killed) as soon as a line MARKER appears in LOG.
power_cut() {
	local log=$1 qemu_run
	printf -- '-c\0%s\0' "$3" > "$tmp/args"
	"$srcdir/test/qemu-run" --timeout 300 --append console=serial \
		--initrd "bootstrap/bootstrap -x,default_pager/default_pager \${host-port} \${device-port} hd0s2,unix_server/single/single -x -D \${device-port} root=hd0s1 -a args /bin/init,unix_server/emul/emul.bin \$(data),$tmp/args \$(data)" \
		--qemu-opt -drive --qemu-opt "file=$2,format=raw,if=ide,index=0,cache=unsafe" mach/ernst > "$log" 2>&1 &
	qemu_run=$!
	for _ in $(seq 1 1200); do
		tr -d '\r' < "$log" | grep -qx "$4" && break
		sleep 0.2
	done
	pkill -TERM -P "$qemu_run" # qemu-run's timeout process, which ends QEMU
	wait "$qemu_run"
	dd if="$2" of="$tmp/part" bs=512 skip=2048 count=$ROOT_SECTORS status=none
}
# --- boot 4: a crash ---
# The machine stops without an unmount (QEMU killed) some seconds after a
# write: the write-back thread (every 5 s) has put it on the disk, which
# e2fsck can repair (not clean: it was mounted).
crash=$tmp/crash.img
cp --sparse=always "$img" "$crash"
power_cut "$tmp/boot4.log" "$crash" 'echo "written before the crash" > /crashed; sleep 12; echo slept; sleep 600' slept
has "$tmp/boot4.log" "^slept"; ok $? "crash: the command wrote and slept"
[ "$(debugfs -R "cat /crashed" "$tmp/part" 2> /dev/null)" = "written before the crash" ]
ok $? "crash: what was written seconds before is on the disk (periodic write-back)"
dumpe2fs -h "$tmp/part" 2> /dev/null | grep -q '^Filesystem state: *not clean$'
ok $? "crash: the superblock says not clean (it was mounted)"
e2fsck -fy "$tmp/part" > "$tmp/fsck.log" 2>&1
[ $? -le 1 ] && e2fsck -fn "$tmp/part" > /dev/null 2>&1
ok $? "crash: e2fsck repairs what the crash left"

# --- boot 5: a power cut after fsync ---
# Files written and made durable (vfscalls durable: fsync, fdatasync,
# sync, and a new file fsync'd with its directory), then the power cut
# at once, before the write-back thread's next round: what the calls
# promised must be on the disk.
cut=$tmp/cut.img
cp --sparse=always "$img" "$cut"
test/ext2/vfscalls durable-prepare "$hostdir/durable" > /dev/null && test/ext2/vfscalls durable "$hostdir/durable" > /dev/null
ok $? "power cut: vfscalls durable runs on the host"
power_cut "$tmp/boot5.log" "$cut" 'vfscalls durable-prepare /durable > /dev/null && vfscalls durable /durable; echo "durable $?"; sleep 600' 'durable [0-9]*'
grep -qx 'durable 0' <(tr -d '\r' < "$tmp/boot5.log"); ok $? "power cut: the files were written and made durable"
for f in fsync fdatasync sync fsync-new; do
	rm -f "$tmp/durable"
	debugfs -R "dump /durable/$f $tmp/durable" "$tmp/part" > /dev/null 2>&1
	cmp -s "$hostdir/durable/$f" "$tmp/durable"
	ok $? "power cut: /durable/$f's data and size are on the disk ($(stat -c %s "$tmp/durable" 2> /dev/null) bytes)"
done
# An unclean stop may leave the summary counts and the bitmaps behind
# (they go out with the superblock at sync or unmount): nothing else.
e2fsck -fn "$tmp/part" > "$tmp/fsck.log" 2>&1
grep -E '^(Pass|Free|Padding|Block bitmap|Inode bitmap|Fix\?|e2fsck|[^ ]+: \*\*\*|[^ ]+: [0-9]+/[0-9]+ files)|^ *[-+]' "$tmp/fsck.log" -v | grep -v '^$' > "$tmp/fsck.rest"
[ ! -s "$tmp/fsck.rest" ] || sed 's/^/# /' "$tmp/fsck.log" | head -30
[ ! -s "$tmp/fsck.rest" ]
ok $? "power cut: e2fsck -fn finds only counts and bitmaps to fix"
tap_end
