/*
 * The IPC fast path's switch (ipc/msg.c), inline there: it is half of
 * every direct delivery.
 */
#ifndef KERN_SCHED_IPC_H
#define KERN_SCHED_IPC_H
#include <i386/pcb_load.h>
#include <kern/debug.h>
#include <kern/sched.h>
#include <kern/thread.h>

/*
 * Interrupts off: the current thread blocks (interruptibly, on no event:
 * it sits on an IPC receivers queue; with a time-out in ticks unless 0),
 * the wait of `to` ends (blocked on no event, its Mach trap completed for
 * it), and `to` returns to user mode at once from its user frame
 * (cpu_switch_to_user): no run-queue pass, its kernel stack not unwound.
 * This is switch_to's handoff written out for the case: the current
 * thread runs a trap (so it is not terminated, and cpu_recover is 0: no
 * copy in progress), and `to` takes the rest of its time slice.
 * Returns the current thread's wait result once it runs again the
 * ordinary way (someone else's switch_to), with interrupts off; a direct
 * reply instead returns it to user mode the same way.
 */
/* What that switch assumes did not hold (a panic): from and to are the
 * threads it was switching between.  i386/ipc_fast.S calls it too. */
void __attribute__((noreturn)) ipc_fast_assumption_failed(struct thread *from, struct thread *to);

/* assert_wait with interrupts off (as they stay until the thread blocks). */
static inline __attribute__((always_inline)) void assert_wait_intr_off(event_t event, int interruptible)
{
	struct thread *th = active_thread;

	assert(!(th->state & TH_WAIT));
	/* The IPC fast path ends a receiver's wait without looking for an
	 * event (thread_block_ipc). */
	assert(event == NULL || th->ipc_rcv_msg == NULL);
	th->state |= TH_WAIT | (interruptible ? TH_INTERRUPTIBLE : 0);
	th->wait_event = event;
	th->wait_result = THREAD_AWAKENED;
	if (event != NULL)
		queue_enter_tail(sched_wait_bucket(event), &th->wait_link);
}

static inline __attribute__((always_inline)) int thread_block_ipc(struct thread *to, uint64_t timeout_ticks)
{
	struct thread *th = active_thread;
	extern uintptr_t cpu_recover;

	/* No copy in progress, no thread left to reap (sched_after_switch
	 * never runs on this way out), the receiver waiting on no event (its
	 * wait ends here without looking), ourselves a user thread. */
	if ((cpu_recover | (uintptr_t)sched_dead_thread | (uintptr_t)to->wait_event | (uintptr_t)th->kernel_only) != 0)
		ipc_fast_assumption_failed(th, to);

	/* to's wait ends as wait_end would end it: it waited on no event,
	 * so only its time-out may be linked; no one reads its wait result
	 * (its trap is complete).  Ours is set by whoever ends our wait. */
	if (queue_linked(&to->wait_timer.link))
		queue_remove_entry(&to->wait_timer.link);
	to->state &= ~(TH_WAIT | TH_INTERRUPTIBLE);
	th->state |= TH_WAIT | TH_INTERRUPTIBLE;
	if (timeout_ticks != 0)
		thread_wait_timeout(timeout_ticks);
	to->quantum = th->quantum;
	th->recover = 0;
	active_thread = to;
	pcb_load_stacked(to);
	cpu_switch_to_user(th, to->pcb.user_state);
	sched_after_switch();
	return th->wait_result;
}
#endif
