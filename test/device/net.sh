#!/usr/bin/env bash
# The network between two machines: two QEMUs, each with an e1000 on one
# QEMU socket network over 127.0.0.1 (a listens, b connects), each
# booting test/device/nettest, which opens eth0, sets filters, and
# exchanges frames with the other (see nettest.c).  Both guests' TAP is
# read here, and the kernel's own messages checked.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
pa= pb=
trap '[ -n "$pa" ] && kill "$pa" 2>/dev/null; [ -n "$pb" ] && kill "$pb" 2>/dev/null; rm -rf "$tmp"' EXIT

# A free TCP port on 127.0.0.1 for the socket network.
port=
for _ in $(seq 50); do
	p=$((20000 + RANDOM % 40000))
	if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
		port=$p
		break
	fi
done
[ -n "$port" ] || port=$((20000 + RANDOM % 40000))

boot_one() { # boot_one ROLE NETDEV-OPTION LOG
	"$srcdir/test/qemu-run" --timeout 60 --append console=serial \
		--initrd "test/device/nettest \${device-port} $1" \
		--qemu-opt -netdev --qemu-opt "socket,id=n0,$2" \
		--qemu-opt -device --qemu-opt "e1000,netdev=n0,mac=52:54:00:12:34:0$1" \
		mach/ernst > "$3" 2>&1
}

boot_one a "listen=127.0.0.1:$port" "$tmp/a.log" &
pa=$!
# b connects once a's QEMU is up (its socket listens before the guest
# prints anything).
for _ in $(seq 300); do
	[ -s "$tmp/a.log" ] && break
	kill -0 "$pa" 2>/dev/null || break
	sleep 0.1
done
boot_one b "connect=127.0.0.1:$port" "$tmp/b.log" &
pb=$!
wait "$pa"
sa=$?
pa=
wait "$pb"
sb=$?
pb=
cp "$tmp/a.log" "${top_builddir:-.}/test-logs/net-a-guest.log" 2>/dev/null
cp "$tmp/b.log" "${top_builddir:-.}/test-logs/net-b-guest.log" 2>/dev/null

for m in a b; do
	log=$tmp/$m.log
	guest_tap "$log" $m
	st=$sa
	[ $m = b ] && st=$sb
	[ "$st" = 0 ]; ok $? "$m: the guest passed (qemu status $st: $(qemu_status_text $st))"
	has "$log" "^1\.\."; ok $? "$m: the guest test ran to its end"
	! has "$log" "panic"; ok $? "$m: no panic"
	has "$log" "eth0: e1000 at pci .*, mac 52:54:00:12:34:0$m"; ok $? "$m: the kernel found the e1000 by PCI and read its MAC"
done
tap_end
