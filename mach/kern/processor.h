/*
 * Processors and processor sets.  Ernst runs on one processor, in one
 * set: the default set, which every task and thread belongs to.  Both are
 * real kernel objects with ports, so the mach_host calls about them work
 * as on GNU Mach (built without MACH_HOST: sets cannot be created and
 * nothing can be reassigned).
 */
#ifndef KERN_PROCESSOR_H
#define KERN_PROCESSOR_H
#include <mach/kern_return.h>
#include <kern/queue.h>

/* Scheduling policies (GNU Mach's mach/policy.h). */
#define POLICY_TIMESHARE 1
#define POLICY_FIXEDPRI 2
#define POLICY_LAST 2
#define invalid_policy(p) ((p) <= 0 || (p) > POLICY_LAST)

struct task;

struct processor_set {
	struct ipc_port *pset_self;	 /* IKOT_PSET: control (host_priv holders) */
	struct ipc_port *pset_name_self; /* IKOT_PSET_NAME: anyone may ask about it */
	queue_head_t tasks;		 /* every task, by task->pset_link */
	unsigned task_count;
	int active;
	int max_priority; /* no thread of the set may be given a better one */
	int policies;	  /* POLICY_* bits enabled */
};

struct processor {
	struct ipc_port *processor_self; /* IKOT_PROCESSOR */
	struct processor_set *processor_set;
	int slot_num;
};

extern struct processor_set default_pset;
extern struct processor master_processor;

/* Make the default set and the processor, with their ports. */
void processor_bootstrap(void);
/* Tasks join the default set when made and leave it when they end. */
void pset_add_task(struct processor_set *pset, struct task *task);
void pset_remove_task(struct processor_set *pset, struct task *task);
/* Threads with a port in the set (what processor_set_threads lists). */
unsigned pset_thread_count(struct processor_set *pset);
#endif
