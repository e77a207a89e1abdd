#!/usr/bin/env bash
# Devices from a user task (test/device/devtest.c): the console written
# and read (this script types once the guest asks), the time device, an
# ATA disk with MBR partitions read and written, bad requests refused.
# The disk image is made here (sector s starts with the 32-bit word s;
# hd0s1 = sectors 2048..4095, hd0s2 = 4096..8191) and checked afterwards.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
qpid=
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$tmp"' EXIT

img=$tmp/disk.img
perl -e '
	binmode STDOUT;
	for my $s (0 .. 8191) {
		my $sec = pack("V", $s) . ("\xa5" x 508);
		if ($s == 0) {
			$sec = "\0" x 446;
			$sec .= pack("CCCCCCCCVV", 0, 0, 0, 0, 0x83, 0, 0, 0, 2048, 2048);
			$sec .= pack("CCCCCCCCVV", 0, 0, 0, 0, 0x83, 0, 0, 0, 4096, 4096);
			$sec .= "\0" x 32 . "\x55\xaa";
		}
		print $sec;
	}' > "$img"

# The guest's input comes from a FIFO this script writes into when the
# guest says it is reading.
mkfifo "$tmp/in"
exec 3<> "$tmp/in"
log=$tmp/devtest.log
"$srcdir/test/qemu-run" --timeout 120 --append console=serial \
	--initrd "test/device/devtest \${device-port}" \
	--qemu-opt -drive --qemu-opt "file=$img,format=raw,if=ide,index=0" mach/ernst < "$tmp/in" > "$log" 2>&1 &
qpid=$!
for _ in $(seq 1200); do
	grep -q "^# type now" "$log" && break
	kill -0 "$qpid" 2>/dev/null || break
	sleep 0.1
done
printf 'ernst typed this\n' >&3
wait "$qpid"
st=$?
qpid=
exec 3>&-
cp "$log" "${top_builddir:-.}/test-logs/devices-guest.log" 2>/dev/null

# The guest's own checks, one by one.
guest_tap "$log" guest
has "$log" "^1\.\."; ok $? "the guest test ran to its end (qemu status $st: $(qemu_status_text $st))"
! has "$log" "panic"; ok $? "no panic"
has "$log" "hd0: ATA disk, 8192 sectors"; ok $? "the kernel found the disk"
has "$log" "hd0s2: type 0x83, sectors 4096..8191"; ok $? "and its partitions"
has "$log" "console: device_write_inband reaches the console"; ok $? "inband console output arrived"
has "$log" "console: device_write (out of line) ====="; ok $? "out-of-line console output arrived"
grep -aq $'^console: device_write_inband reaches the console\r$' "$log"; ok $? "with TF_CRMOD a newline goes out as \\r\\n"
grep -aq '^console: no carriage return$' "$log"; ok $? "without it, as a bare \\n"

# What the guest wrote, seen in the image.
check_sector() { # SECTOR TEXT
	[ "$(dd if="$img" bs=512 skip="$1" count=1 2>/dev/null | tr -d '\0')" = "$2" ]
}
check_sector 2051 "ERNST hd0s1 record 3"; ok $? "hd0s1 record 3 is disk sector 2051 on the host"
good=0
for i in $(seq 0 23); do
	check_sector $((4096 + 10 + i)) "ERNST hd0s2 record $((10 + i))" || good=1
done
ok $good "the 24 sectors written to hd0s2 record 10 are on the disk"
w=$(dd if="$img" bs=512 skip=2052 count=1 2>/dev/null | od -An -tu4 -N4 | tr -d ' ')
[ "$w" = 2052 ]; ok $? "the sector after them is untouched"
tap_end
