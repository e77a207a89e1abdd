#ifndef KERN_MACHINE_H
#define KERN_MACHINE_H

/* Exit statuses through QEMU's isa-debug-exit device (port 0xf4): QEMU
 * exits with (value << 1) | 1, so these come out as 33, 35 and 37. */
#define MACHINE_EXIT_SUCCESS 0x10
#define MACHINE_EXIT_FAILURE 0x11
#define MACHINE_EXIT_PANIC 0x12

/* Power off (under QEMU: exit with the status above); never returns. */
void machine_halt(unsigned status) __attribute__((noreturn));
#endif
