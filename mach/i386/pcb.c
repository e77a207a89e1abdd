/* Thread machine state: kernel stack layout, user registers, the FPU. */
#include <i386/cpu.h>
#include <i386/pcb.h>
#include <i386/pmap.h>
#include <i386/seg.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>

#define CR0_MP 0x02
#define CR0_EM 0x04
#define CR0_TS 0x08
#define CR0_NE 0x20
#define CR4_OSFXSR 0x200
#define CR4_OSXMMEXCPT 0x400
#define MXCSR_DEFAULT 0x1f80
#define EFLAGS_RESERVED 0x2

extern void thread_start_trampoline(void);
static struct thread *fpu_owner;

struct switch_frame {
	uint32_t edi, esi, ebx, ebp, eip;
};

void pcb_init(struct thread *th)
{
	char *top = (char *)th->kernel_stack + KERNEL_STACK_SIZE;
	struct i386_saved_state *us = (struct i386_saved_state *)top - 1;
	struct switch_frame *sf = (struct switch_frame *)us - 1;

	memset(us, 0, sizeof(*us));
	us->cs = USER_CS;
	us->ss = us->ds = us->es = USER_DS;
	us->fs = us->gs = USER_DS;
	us->efl = EFLAGS_IF | EFLAGS_RESERVED;
	th->pcb.user_state = us;
	th->pcb.fpu_valid = 0;
	memset(sf, 0, sizeof(*sf));
	sf->eip = (uint32_t)thread_start_trampoline;
	th->kernel_esp = (uintptr_t)sf;
}

void pcb_activate(struct thread *th)
{
	if (th->kernel_stack != NULL)
		ktss.esp0 = (uint32_t)th->kernel_stack + KERNEL_STACK_SIZE;
	pmap_activate(th->task->pmap);
	uint32_t cr0 = get_cr0();
	if (th == fpu_owner)
		cr0 &= ~CR0_TS;
	else
		cr0 |= CR0_TS;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

void fpu_init(void)
{
	uint32_t cr0 = (get_cr0() | CR0_MP | CR0_NE | CR0_TS) & ~CR0_EM;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	set_cr4(get_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

/* Device-not-available: give the FPU to the current thread. */
void fpu_trap(void)
{
	struct thread *th = current_thread();

	__asm__ volatile("clts");
	if (fpu_owner == th)
		return;
	if (fpu_owner != NULL) {
		__asm__ volatile("fxsave %0" : "=m"(fpu_owner->pcb.fpu_save));
		fpu_owner->pcb.fpu_valid = 1;
	}
	if (th->pcb.fpu_valid) {
		__asm__ volatile("fxrstor %0" : : "m"(th->pcb.fpu_save));
	} else {
		uint32_t mxcsr = MXCSR_DEFAULT;
		__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	}
	fpu_owner = th;
}

void fpu_thread_gone(struct thread *th)
{
	if (fpu_owner == th)
		fpu_owner = NULL;
}
