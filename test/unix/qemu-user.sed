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
