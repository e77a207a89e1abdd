#!/usr/bin/env bash
# A kernel fault outside test mode's recovery panics with the registers
# and a symbolic backtrace, and QEMU leaves with the panic status instead
# of hanging; the runner reads that as a failure.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

st=$(boot "$tmp/fault" --append "ktest=panic_fault" mach/ernst)
ok $((st != 2)) "an unrecovered kernel page fault ends in a panic (status $st: $(qemu_status_text $st))"
has "$tmp/fault" "panic: unexpected page fault in kernel mode"; ok $? "the panic names the fault"
has "$tmp/fault" "fault address 0xf8001234 (read, not mapped)"; ok $? "the fault address and kind are shown"
has "$tmp/fault" "eax [0-9a-f]\{8\} ebx"; ok $? "general registers are dumped"
has "$tmp/fault" "eip [0-9a-f]\{8\} cs 0008"; ok $? "eip and cs are dumped"
has "$tmp/fault" "cr2 f8001234"; ok $? "control registers are dumped"
has "$tmp/fault" "backtrace:"; ok $? "a backtrace follows"
has "$tmp/fault" "\[0\] 0x[0-9a-f]*  fault_deref+0x"; ok $? "the faulting function is named"
has "$tmp/fault" "ktest_panic_fault+0x"; ok $? "its caller is named"
has "$tmp/fault" "ktest_run+0x"; ok $? "the backtrace reaches the test driver"
tap_summarize "$tmp/fault" "$st" | grep -q '^FAIL'; ok $? "the runner counts the panicked boot as failed"

st=$(boot "$tmp/assert" --append "ktest=panic_assert" mach/ernst)
ok $((st != 2)) "a failed assertion panics (status $st)"
has "$tmp/assert" 'panic: assertion "one == 2" failed at .*ktest_fault.c:[0-9]*'; ok $? "the assertion, file and line are printed"
has "$tmp/assert" "ktest_panic_assert+0x"; ok $? "the backtrace names the asserting function"

st=$(boot "$tmp/unknown" --append "ktest=no_such_test" mach/ernst)
ok $((st != 1)) "naming a test that does not exist fails the boot (status $st)"
has "$tmp/unknown" "not ok 1 - ktest: no test named 'no_such_test'"; ok $? "and says which name was wrong"
tap_end
