/* Tasks: an address space, a port name space and a set of threads. */
#ifndef KERN_TASK_H
#define KERN_TASK_H
#include <mach/kern_return.h>
#include <stdint.h>
#include <kern/queue.h>
#include <kern/thread.h>

/* mach_ports_register keeps this many ports per task (GNU Mach's). */
#define TASK_PORT_REGISTER_MAX 4

struct pmap;
struct ipc_space;
struct ipc_port;
struct vm_map;
struct task_emulation;
struct processor_set;

struct task {
	queue_head_t threads;
	unsigned thread_count;
	int suspend_count;
	int active;
	int ref_count;
	struct pmap *pmap;
	struct vm_map *map;		 /* user address space; NULL for kernel-only tasks */
	struct ipc_space *itk_space;	 /* port names */
	struct ipc_port *itk_self;	 /* the task's kernel port */
	struct ipc_port *itk_bootstrap;	 /* send right, or NULL */
	struct ipc_port *itk_exception;	 /* send right, or NULL */
	/* TASK_KERNEL_PORT as set by task_set_special_port (a send right);
	 * NULL: the task's own port. */
	struct ipc_port *itk_sself;
	struct ipc_port *itk_registered[TASK_PORT_REGISTER_MAX]; /* mach_ports_register: send rights */
	struct task_emulation *eml;	 /* system call redirections, or NULL */
	int priority;			 /* new threads start at it (task_priority) */
	int self_ref;			 /* holds a reference on itself until terminated */
	uint64_t creation_time_us;	 /* time of day when made */
	uint64_t dead_user_ticks;	 /* CPU time of its threads that ended */
	uint64_t dead_system_ticks;
	struct processor_set *processor_set;
	queue_chain_t pset_link;	 /* the set's tasks */
	unsigned id;
	char name[32];
};

extern struct task *kernel_task;

void task_bootstrap(void);
/* A task with a port name space and no user memory, for kernel threads. */
struct task *task_create_kernel(const char *name);
/* A user task: a fresh address space, or a copy of parent's by its
 * inheritance attributes; a name space; a kernel port. */
kern_return_t task_create_user(struct task *parent, int inherit_memory, const char *name, struct task **out);
/* End the task: every thread, every right; memory goes with the last
 * reference.  When the caller is one of its threads it never returns. */
kern_return_t task_terminate(struct task *t);
/* The same, except that a calling thread of the task is only marked to
 * end at its next return to user mode (a kernel call must finish its
 * reply first). */
kern_return_t task_terminate_deferred(struct task *t);
/* suspend_count: the task's threads stop at their next return to user mode. */
kern_return_t task_suspend(struct task *t);
/* KERN_FAILURE if the task is not suspended. */
kern_return_t task_resume(struct task *t);
void task_reference(struct task *t);
void task_deallocate(struct task *t);
/* Whether th will stop (suspended, or asked to end) on its way back to
 * user mode: a receive must not take a message it could not hand on.
 * Inline: the IPC fast path asks it of every receiver it delivers to. */
static inline int thread_must_stop(const struct thread *th)
{
	return th->terminating | th->suspend_count | th->task->suspend_count;
}
#endif
