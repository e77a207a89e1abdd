#!/usr/bin/env bash
# busybox under memory pressure: QEMU -m 24, the default pager on a swap
# disk, a pipeline whose sort needs more memory than is free.  Pipe
# writes travel out of line; a receive that found no free page for them
# used to drop the data (MACH_MSG_VM_SPACE: the pipeline printed wrong
# numbers, or the writer hung).  Now the receive waits for the pageout
# daemon, as a fault does, and the output is the host's.
# Then the same with the boot archive grown by 1.6 MiB of random data
# (more pressure while the first process is made): the kernel's
# vm_write into the new task once wrote zeros for pages of the library
# that had gone to swap since they were sent, and pid 1 ran off the
# end of a library of zeros (a fault at the end of the emulation
# region).
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
cmd='seq 1 300000 | sort -rn | head -2'
"$srcdir/scripts/mkdisk" "$tmp/swap.img" swap:64M
printf '%s\0' -c "$cmd" > "$tmp/args" # NUL-terminated words (single -a)
st=$(unix_run_swap "$tmp/boot.log" 24 "$tmp/swap.img" "unix_server/single/single -x -D \${device-port} -r rootfs.cpio -a args /bin/init,unix_server/emul/emul.bin \$(data),unix_server/rootfs.cpio \$(data),$tmp/args \$(data)")
ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
has "$tmp/boot.log" "default pager is ready"
ok $? "the default pager runs on the swap disk"
unix_output "$tmp/boot.log" > "$tmp/out"
printf '300000\n299999\n' | cmp -s - "$tmp/out"
ok $? "'$cmd' at -m 24 prints what the host prints ($(tr '\n' ' ' < "$tmp/out"))"
! has "$tmp/boot.log" "panic"
ok $? "no panic"

cp unix_server/rootfs.cpio "$tmp/rootfs.cpio"
mkdir "$tmp/fill"
head -c $((1600 * 1024)) /dev/urandom > "$tmp/fill/filler"
(cd "$tmp/fill" && echo filler | cpio -o -A -H newc --quiet -O "$tmp/rootfs.cpio")
st=$(unix_run_swap "$tmp/big.log" 24 "$tmp/swap.img" "unix_server/single/single -x -D \${device-port} -r rootfs.cpio -a args /bin/init,unix_server/emul/emul.bin \$(data),$tmp/rootfs.cpio \$(data),$tmp/args \$(data)")
ok "$st" "a larger archive: the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
unix_output "$tmp/big.log" > "$tmp/out"
printf '300000\n299999\n' | cmp -s - "$tmp/out"
ok $? "a larger archive: '$cmd' prints what the host prints ($(tr '\n' ' ' < "$tmp/out"))"
! has "$tmp/big.log" "panic\|exception\|fault in the library"
ok $? "a larger archive: no panic, no process killed by a fault"
tap_end
