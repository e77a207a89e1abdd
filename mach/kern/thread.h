/* Threads: the unit of execution; each belongs to a task. */
#ifndef KERN_THREAD_H
#define KERN_THREAD_H
#include <stdint.h>
#include <mach/kern_return.h>
#include <i386/pcb.h>
#include <kern/queue.h>
#include <kern/sched.h>

#define KERNEL_STACK_ORDER 1 /* 8 KiB */
#define KERNEL_STACK_SIZE (PAGE_SIZE << KERNEL_STACK_ORDER)

/* thread->state bits */
#define TH_WAIT 0x1	  /* waiting for an event */
#define TH_INTERRUPTIBLE 0x2 /* ... and the wait may be interrupted */
#define TH_TERMINATED 0x4 /* gone: never runs again */
#define TH_IDLE 0x8	  /* the idle thread */

struct task;

struct thread {
	/* These four first, in this order: i386 assembly uses them
	 * (i386/asm_offsets.h, checked in kern/thread.c).  switch.S saves
	 * the stack pointer in kernel_esp; the Mach trap return checks the
	 * others for pending work. */
	uintptr_t kernel_esp;
	struct task *task;
	int terminating;	 /* asked to end: it does so at its next safe point */
	int suspend_count;
	struct pcb pcb; /* machine state: user registers, FPU */

	int state;
	int priority;
	int quantum;	 /* ticks left in the time slice */
	int wait_result;
	event_t wait_event;
	queue_chain_t wait_link; /* on an event's wait queue */
	queue_chain_t runq_link; /* on a run queue */
	struct timer wait_timer;

	uintptr_t recover; /* saved cpu_recover while switched out */
	int kernel_only;   /* a kernel thread: "user" buffers are kernel memory */
	void *kernel_stack;
	void (*start_fn)(void *);
	void *start_arg;

	/* IPC: a thread blocked in mach_msg waits on a port's or set's
	 * receivers queue (receive) or on &port->msgcount (send). */
	queue_chain_t ipc_wait_link;
	struct ipc_port *ith_reply; /* cached reply port for kernel RPCs */
	struct ipc_port *ith_self;  /* the thread's kernel port */
	struct ipc_port *ith_sself; /* THREAD_KERNEL_PORT as set (send right); NULL: ith_self */

	/* Scheduling as thread_priority and friends set it.  priority above
	 * is what the scheduler uses; it follows base_priority at once
	 * unless the thread sits on a run queue, then at its next return to
	 * user mode. */
	int base_priority;
	int max_priority; /* base_priority may not be set better than this */
	int policy;	  /* POLICY_TIMESHARE or POLICY_FIXEDPRI */
	int sched_data;	  /* POLICY_FIXEDPRI: quantum in ticks */
	int vm_privilege; /* thread_wire: may take reserved pages */
	uint64_t creation_time_us;
	/* CPU time: the clock ticks that found it running, in user mode or
	 * in the kernel. */
	uint64_t user_ticks, system_ticks;
	struct ipc_port *ith_exception; /* send right to its exception port, or NULL */
	/* A receiver this thread's send just woke: if it blocks next, in the
	 * same mach_msg, it switches straight there (IPC handoff). */
	struct thread *handoff;
	/* While blocked receiving from user space on a port or a set: the
	 * user buffer and its size, where a sender may put a message
	 * directly (ipc/msg.c, the fast path).  NULL otherwise. */
	void *ipc_rcv_msg;
	uint32_t ipc_rcv_size;
	int *ipc_wait_ref; /* the reference count of the port or set waited on */
	int ipc_wait_set;  /* whether that is a set's (else a port's) */

	queue_chain_t task_link; /* the task's threads */
	int ref_count;
	unsigned id;
	char name[16];
};

extern struct thread *active_thread;
static inline struct thread *current_thread(void) { return active_thread; }

void thread_bootstrap(void);
/* A kernel thread running fn(arg) at priority pri; made runnable at once. */
struct thread *kernel_thread(struct task *task, const char *name, void (*fn)(void *), void *arg, int pri);
/* A thread in task, not yet runnable (suspended once). */
kern_return_t thread_create(struct task *task, struct thread **out);
void thread_reference(struct thread *th);
void thread_deallocate(struct thread *th);
/* The current thread ends; never returns. */
void thread_exit(void) __attribute__((noreturn));
/* End another thread (or the current one). */
kern_return_t thread_terminate(struct thread *th);
kern_return_t thread_suspend(struct thread *th);
kern_return_t thread_resume(struct thread *th);
/* Called on the way back to user mode: stop while suspended, end if terminated. */
void thread_ast(void);
/* Abort an interruptible wait: a blocked mach_msg returns *_INTERRUPTED. */
kern_return_t thread_abort(struct thread *th);
/* Scheduling priority (0 best); see base_priority. */
void thread_set_priority(struct thread *th, int pri);
void thread_set_max_priority(struct thread *th, int max);
#endif
