#!/usr/bin/env bash
# Faults in user mode become exception messages; with no handler the task
# is terminated with a clear message (GNU Mach's codes), never a panic.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # what expected-line description
	local st
	st=$(boot "$tmp/$1" --initrd "test/mach/user_fault $1" mach/ernst)
	has "$tmp/$1" "$2"; ok $? "$3"
	! has "$tmp/$1" "still running"; ok $? "$1: the faulting code did not continue"
	! has "$tmp/$1" "panic"; ok $? "$1: no panic (status $st)"
}
check read "exception 1 (code 1, subcode 0x40001234) with no handler: terminating it" \
	"a read of unmapped memory is EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, the address"
check trap "exception 2 (code 1, subcode 0x0) with no handler" \
	"a trap number outside the table is EXC_BAD_INSTRUCTION (code 1, subcode 0)"
check ud2 "exception 2 (code 1, subcode 0x0) with no handler" "an invalid opcode is EXC_BAD_INSTRUCTION, EXC_I386_INVOP"
tap_end
