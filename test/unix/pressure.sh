#!/usr/bin/env bash
# busybox under memory pressure: QEMU -m 24, the default pager on a swap
# disk, a pipeline whose sort needs more memory than is free.  Pipe
# writes travel out of line; a receive that found no free page for them
# used to drop the data (MACH_MSG_VM_SPACE: the pipeline printed wrong
# numbers, or the writer hung).  Now the receive waits for the pageout
# daemon, as a fault does, and the output is the host's.
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
tap_end
