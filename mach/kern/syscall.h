#ifndef KERN_SYSCALL_H
#define KERN_SYSCALL_H
#include <i386/trap.h>

/* Mach traps are numbered as in GNU Mach i386 (the caller puts -N in %eax);
 * numbers below this are in the table, unused ones answer
 * KERN_INVALID_ARGUMENT, larger ones are an illegal instruction. */
#define MACH_TRAP_COUNT 80

void mach_trap_dispatch(struct i386_saved_state *ss);
#endif
