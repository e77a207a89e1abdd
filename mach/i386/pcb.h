/* Per-thread machine state. */
#ifndef I386_PCB_H
#define I386_PCB_H
#include <stdint.h>
#include <i386/seg.h>
#include <i386/trap.h>
#include <mach/kern_return.h>
#include <mach/machine/vm_types.h>

#define FPU_SAVE_SIZE 512 /* fxsave area */

struct pcb {
	struct i386_saved_state *user_state; /* at the top of the kernel stack */
	int fpu_valid;			     /* fpu_save holds this thread's FPU state */
	uint8_t fpu_save[FPU_SAVE_SIZE] __attribute__((aligned(16)));
	/* The thread's own GDT slots GDT_TLS_MIN..MAX (i386_set_gdt), copied
	 * into the GDT when it runs; tls_used: some slot is present. */
	struct seg_desc tls[GDT_TLS_COUNT];
	int tls_used;
};

struct thread;
/* Lay out a new thread's kernel stack so the first switch to it enters
 * thread_start(), and give it a user register frame. */
void pcb_init(struct thread *th);
void cpu_switch_context(struct thread *old, struct thread *new);
/* Save `old` as cpu_switch_context does (a later switch back returns
 * from this call), then return to user mode from frame, the user frame
 * of a thread blocked in a Mach trap whose result is already in it (the
 * IPC fast path completed its receive), dropping what that thread's
 * kernel stack held (nothing that needs undoing: see ipc/msg.c).  The
 * caller loaded what the CPU needs to run it (i386/pcb_load.h). */
void cpu_switch_to_user(struct thread *old, struct i386_saved_state *frame);
/* Lazy FPU: switching marks the FPU unusable; the first use traps here. */
void fpu_init(void);
void fpu_trap(void);
/* The thread is gone: forget its FPU state if the CPU still holds it. */
void fpu_thread_gone(struct thread *th);
/* Zero a page, or copy one (page-aligned kernel addresses), through the
 * SSE registers, which whoever owns the FPU finds as it left them. */
void fpu_page_zero(void *page);
void fpu_page_copy(void *dst, const void *src);

/* i386_set_gdt / i386_get_gdt (GNU Mach's mach_i386.defs) on th's TLS
 * slots.  *selector is -1 (take a free slot) or a slot's user selector;
 * desc is the raw descriptor (two words).  A present descriptor must be a
 * user (DPL 3) data segment or readable code segment, so that loading it
 * can never fault on the way out of the kernel; a not-present one frees
 * the slot, and the thread's saved segment registers that named it are
 * cleared. */
kern_return_t pcb_set_tls(struct thread *th, int *selector, const uint32_t desc[2]);
kern_return_t pcb_get_tls(struct thread *th, int selector, uint32_t desc[2]);

/* thread_get_state / thread_set_state of a thread that is not running:
 * flavors and layouts of GNU Mach i386 (mach/thread_status.h).  *count
 * is in words: capacity in, words written out. */
kern_return_t thread_getstatus(struct thread *th, int flavor, natural_t *state, unsigned *count);
/* Checks the whole state first; a selector or flag that would let the
 * thread leave user mode is refused (KERN_INVALID_ARGUMENT). */
kern_return_t thread_setstatus(struct thread *th, int flavor, const natural_t *state, unsigned count);
#endif
