#!/usr/bin/env bash
# The default pager (default_pager/) booted by bootstrap with swap on a
# disk partition, QEMU -m 24, and test/default_pager/dptest checking it:
#   pattern: 3x the memory written and read back, two tasks and a
#            copy-on-write child at once, a killed hog's swap freed,
#            vm_write of 1.5x the memory to another task read back
#   full:    4 MiB of swap: the hog gets KERN_MEMORY_ERROR and the
#            console a warning, another task is unharmed; swap areas
#            added and removed at run time; bad requests refused
# usage: dp.sh pattern|full   (make check runs both)
. "$srcdir/test/harness/lib.sh"
mode=${1:-pattern}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Each boot writes its own copy (QEMU locks the image it uses).
img=$tmp/disk.img
cp --sparse=always "${top_builddir:-.}/test/default_pager/disk.img" "$img"
case $mode in
pattern) swap=hd0s2 ;;
full) swap=hd0s3 ;;
esac
log=$tmp/dp.log
# 36 s alone; the ATA driver polls the disk while QEMU's I/O thread works,
# so on a loaded host it runs much longer (186 s seen): a generous
# time-out, within the runner's (TEST_TIMEOUT, 600 s) so that this
# script still reports what the log shows.
st=$(boot "$log" --timeout 540 --mem 24 --append console=serial \
	--initrd "bootstrap/bootstrap -x,default_pager/default_pager \${host-port} \${device-port} $swap,test/default_pager/dptest $mode \${host-port} \${device-port}" \
	--qemu-opt -drive --qemu-opt "file=$img,format=raw,if=ide,index=0,cache=unsafe" mach/ernst)
cp "$log" "${top_builddir:-.}/test-logs/dp-$mode-guest.log" 2>/dev/null
ok "$st" "the boot ends cleanly (status $st: $(qemu_status_text "$st"))"
has "$log" "bootstrap: started module 1: default_pager/default_pager"; ok $? "bootstrap starts the default pager"
has "$log" "bootstrap: the default pager is ready"; ok $? "and waits for it to register before the others"
has "$log" "default_pager: .* KiB wired; serving"; ok $? "it wired itself"
guest_tap "$log" guest
has "$log" "^1\.\."; ok $? "the guest test ran to its end"
if [ "$mode" = full ]; then
	has "$log" "default_pager: swap space is full: page dropped"; ok $? "the console says swap is full"
fi
! has "$log" "panic"; ok $? "no panic"
tap_end
