#ifndef KERN_SYSCALL_H
#define KERN_SYSCALL_H
#include <i386/trap.h>

/* Mach traps are numbered as in GNU Mach i386 (the caller puts -N in %eax);
 * numbers below this are in the table, unused ones answer
 * KERN_INVALID_ARGUMENT, larger ones are an illegal instruction. */
#define MACH_TRAP_COUNT 80

#define MACH_TRAP_MAX_ARGS 11

#ifndef __ASSEMBLER__
/* The trap table: argument words (copied from the user stack) and the
 * function, called with them as its parameters.  Layout known to
 * i386/locore.S (i386/asm_offsets.h). */
struct mach_trap {
	unsigned nargs;
	void (*fn)(void);
};
extern const struct mach_trap mach_trap_table[MACH_TRAP_COUNT];

/* The call gate's bad cases: a number past the table (illegal
 * instruction), arguments not readable (bad access).  Both become
 * exception messages. */
void mach_trap_bad_number(void);
void mach_trap_bad_args(struct i386_saved_state *ss);
#endif
#endif
