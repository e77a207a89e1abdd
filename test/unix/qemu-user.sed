# Host output of the UNIX test programs when QEMU's user-mode emulator
# runs them (test/unix/lib.sh host_run): what the emulator says or does
# differently from Linux on i386, put back as Linux has it.
#
# Its report of a program killed by a signal (the program's own
# output, and the shell's, say it already).
/^qemu: uncaught target signal /d
# qemu 7.2 checks nanosleep's time before it copies it in, so a bad
# pointer gets EINVAL, or, when the emulator happens to have the low
# page mapped, nothing at all; Linux copies first and answers EFAULT.
s/^\(nanosleep with a bad pointer: \).*$/\1Bad address/

# qemu takes setrlimit's RLIMIT_AS, RLIMIT_DATA and RLIMIT_STACK without
# applying them (they would limit the emulator's own memory too), so in
# rlimits the mappings and breaks past them succeed: Linux's refusals
# put back.
/^-- RLIMIT_DATA and RLIMIT_AS$/,/^-- /{
s/^\(mmap 32 MiB private writable: \).*$/\1-1 ENOMEM/
s/^\(mmap 128 MiB read-only: \).*$/\1-1 ENOMEM/
s/^\(mmap 128 MiB shared: \).*$/\1-1 ENOMEM/
s/^\(mmap 40 MiB more: \).*$/\1-1 ENOMEM/
s/^\(brk up \(32\|128\) MiB: \).*$/\1refused/
}
