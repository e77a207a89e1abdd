/* Tasks: an address space, a port name space and a set of threads. */
#ifndef KERN_TASK_H
#define KERN_TASK_H
#include <mach/kern_return.h>
#include <kern/queue.h>

struct pmap;
struct ipc_space;
struct ipc_port;
struct vm_map;

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
/* End the task: every thread, every right; memory goes with the last reference. */
kern_return_t task_terminate(struct task *t);
void task_reference(struct task *t);
void task_deallocate(struct task *t);
#endif
