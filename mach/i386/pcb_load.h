/*
 * Loading what the CPU needs to run a thread: its kernel stack for traps,
 * its address space, its TLS descriptors, the FPU trap.  Inline, for the
 * scheduler's switch (kern/sched.c: switch_to) and the IPC fast path's switch
 * straight to a receiver's user mode (kern/sched.c: thread_block_ipc),
 * two of which make an RPC's round trip.
 */
#ifndef I386_PCB_LOAD_H
#define I386_PCB_LOAD_H
#include <i386/cpu.h>
#include <i386/pmap.h>
#include <i386/seg.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>

#define CR0_MP 0x02
#define CR0_EM 0x04
#define CR0_TS 0x08
#define CR0_NE 0x20

extern struct thread *pcb_fpu_owner; /* the thread whose state the FPU holds */
/* The GDT's TLS slots hold some thread's present descriptors (else they
 * are all empty and a thread without TLS need not copy anything). */
extern int pcb_gdt_tls_loaded;

/* th's TLS descriptors into the GDT's slots.  Word by word, unrolled:
 * memcpy's call and rep movs cost twice as much, on every switch between
 * a UNIX process and its server (two words a descriptor, word aligned).
 * i386/ipc_fast.S makes the same copy inline. */
static inline __attribute__((always_inline)) void pcb_tls_copy(struct thread *th)
{
	volatile uint32_t *dst = (volatile uint32_t *)&gdt[GDT_TLS_MIN];
	const uint32_t *src = (const uint32_t *)th->pcb.tls;
#pragma GCC unroll 6
	for (unsigned i = 0; i < GDT_TLS_COUNT * 2; i++)
		dst[i] = src[i];
	pcb_gdt_tls_loaded = th->pcb.tls_used;
}

/* What th needs besides its kernel stack for traps. */
static inline __attribute__((always_inline)) void pcb_load_context(struct thread *th)
{
	pmap_activate(th->task->pmap);
	if (th->pcb.tls_used | pcb_gdt_tls_loaded)
		pcb_tls_copy(th);
	uint32_t cr0 = get_cr0();
	if (th == pcb_fpu_owner)
		cr0 &= ~CR0_TS;
	else
		cr0 |= CR0_TS;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

/* A thread with a kernel stack of its own (a user thread: all but the
 * thread that booted the kernel). */
static inline __attribute__((always_inline)) void pcb_load_stacked(struct thread *th)
{
	ktss.esp0 = (uint32_t)th->kernel_stack + KERNEL_STACK_SIZE;
	pcb_load_context(th);
}

static inline __attribute__((always_inline)) void pcb_load(struct thread *th)
{
	if (th->kernel_stack != NULL)
		pcb_load_stacked(th);
	else
		pcb_load_context(th);
}
#endif
