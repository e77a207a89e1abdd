/* Trap frame and trap numbers.  The frame's layout from gs to ss is the
 * i386 thread state of GNU Mach (flavor i386_THREAD_STATE), with the trap
 * number and error code in the middle, as GNU Mach's saved state has. */
#ifndef I386_TRAP_H
#define I386_TRAP_H

#define T_DIVIDE_ERROR 0
#define T_DEBUG 1
#define T_NMI 2
#define T_INT3 3
#define T_OVERFLOW 4
#define T_BOUNDS 5
#define T_INVALID_OPCODE 6
#define T_NO_FPU 7
#define T_DOUBLE_FAULT 8
#define T_FPU_OVERRUN 9
#define T_INVALID_TSS 10
#define T_SEGMENT_NOT_PRESENT 11
#define T_STACK_FAULT 12
#define T_GENERAL_PROTECTION 13
#define T_PAGE_FAULT 14
#define T_FLOATING_POINT_ERROR 16
#define T_ALIGNMENT_CHECK 17
#define T_MACHINE_CHECK 18
#define T_SSE_ERROR 19
#define T_MACH_TRAP 0x7f /* a Mach trap through the call gate (not a vector) */
#define T_SYSCALL 0x80	 /* int $0x80: redirected to the task's emulation vector */
#define T_IRQ_BASE 32
#define T_IRQ_COUNT 16

/* Page-fault error code bits. */
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4

#ifndef __ASSEMBLER__
#include <stdint.h>

struct i386_saved_state {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_at_trap, ebx, edx, ecx, eax;
	uint32_t trapno, err;
	uint32_t eip, cs, efl;
	uint32_t uesp, ss; /* only when the trap came from user mode */
};

void trap(struct i386_saved_state *ss);
/* int $0x80 (locore.S): to the task's emulation library, or an exception. */
void trap_syscall(struct i386_saved_state *ss);
void trap_dump_state(const struct i386_saved_state *ss);
const char *trap_name(unsigned trapno);

/* An interrupt handler for IRQ line irq (0..15). */
typedef void (*irq_handler_t)(unsigned irq);
/* While a handler runs: whether the interrupt came from user mode. */
extern int irq_from_user;
void irq_register(unsigned irq, irq_handler_t handler);
#endif

#endif
