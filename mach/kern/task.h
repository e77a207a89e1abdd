/* Tasks: an address space, a port name space and a set of threads. */
#ifndef KERN_TASK_H
#define KERN_TASK_H
#include <mach/kern_return.h>
#include <kern/queue.h>

struct pmap;

struct task {
	queue_head_t threads;
	unsigned thread_count;
	int suspend_count;
	int active;
	int ref_count;
	struct pmap *pmap;
	unsigned id;
	char name[32];
};

extern struct task *kernel_task;

void task_bootstrap(void);
void task_reference(struct task *t);
void task_deallocate(struct task *t);
#endif
