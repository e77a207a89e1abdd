#!/usr/bin/env bash
# The first boot module runs as a user task: loaded from its ELF image,
# given argc/argv, talking to the kernel through the Mach trap call gate
# (mach_print, mach_task_self, task_terminate), with newlib's printf and
# malloc working over libmach.  A malformed module is refused cleanly.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

st=$(boot "$tmp/hello" --initrd "libmach/tests/hello alpha beta" mach/ernst)
ok $((st != 0)) "a system whose first task ends halts cleanly (status $st: $(qemu_status_text $st))"
has "$tmp/hello" "starting the first task: libmach/tests/hello alpha beta"; ok $? "the kernel starts module 0"
has "$tmp/hello" "hello from an Ernst task (argc 3, argv\[0\] libmach/tests/hello)"; ok $? "printf and malloc work in user mode, argc/argv arrive"
has "$tmp/hello" "task exited with status 0"; ok $? "exit runs through libmach"
has "$tmp/hello" "the first task (hello) has ended"; ok $? "task_terminate through the trap ends the task"

printf 'this is not an ELF file\n' > "$tmp/junk"
st=$(boot "$tmp/junk.log" --initrd "$tmp/junk" mach/ernst)
ok $((st != 1)) "a malformed first module fails the boot without a panic (status $st)"
has "$tmp/junk.log" "bootstrap: module 0 (.*junk): not an ELF file"; ok $? "with a clear message"
! has "$tmp/junk.log" "panic"; ok $? "and no panic"

# A 64-bit ELF is not an i386 program.
head -c 64 /bin/true > "$tmp/elf64"
st=$(boot "$tmp/elf64.log" --initrd "$tmp/elf64" mach/ernst)
has "$tmp/elf64.log" "not an i386 (32-bit little-endian) ELF file"; ok $? "a 64-bit ELF is refused as not i386"
tap_end
