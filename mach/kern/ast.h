#ifndef KERN_AST_H
#define KERN_AST_H
#include <kern/sched.h>
#include <kern/task.h>
#include <kern/thread.h>

/* Whether thread_ast has anything to do: checked on every return to user
 * mode, so it is a few loads rather than a call. */
static inline int thread_ast_pending(const struct thread *th)
{
	return th->terminating | th->suspend_count | th->task->suspend_count | sched_need_resched;
}
#endif
