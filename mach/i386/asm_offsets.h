/*
 * Structure offsets the assembly entry code uses.  C checks each one
 * (_Static_assert in kern/thread.c), so a layout change fails the build
 * instead of the trap path.
 */
#ifndef I386_ASM_OFFSETS_H
#define I386_ASM_OFFSETS_H

/* struct i386_saved_state */
#define SS_EAX 44
#define SS_UESP 68

/* struct thread (its first fields) */
#define TH_KERNEL_ESP 0
#define TH_TASK 4
#define TH_TERMINATING 8
#define TH_SUSPEND_COUNT 12

/* struct task */
#define TASK_SUSPEND_COUNT 12
#define TASK_EML 68

/* struct task_emulation (kern/emulation.h) */
#define EML_DISP_MIN 0
#define EML_DISP_COUNT 4
#define EML_DISP_VECTOR 8

/* syscall_entry's fast path: eip and uesp of the hardware frame above the
 * three registers it pushes. */
#define SYSCALL_FAST_EIP 12
#define SYSCALL_FAST_UESP 24

/* struct mach_trap (kern/syscall.c): argument words, then the function. */
#define MACH_TRAP_ENTRY_SIZE 8
#define MACH_TRAP_NARGS 0
#define MACH_TRAP_FN 4
#endif
