/*
 * The scheduler: priority run queues, blocking on events, wake-ups,
 * time-outs and time slices.
 *
 * To sleep: assert_wait(event, interruptible), drop whatever locks the
 * waker needs, then thread_block().  A wake-up that comes in between is
 * not lost: it just makes thread_block return at once.  All scheduler
 * state is protected by disabling interrupts (one CPU).
 */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H
#include <stdint.h>
#include <kern/queue.h>

struct thread;
typedef const void *event_t;

/* Priorities: 0 is the highest, NRQS - 1 the lowest (Mach's convention). */
#define NRQS 32
#define BASEPRI_KERNEL 8
#define BASEPRI_USER 16
#define IDLEPRI (NRQS - 1)
#define SCHED_QUANTUM_TICKS 5

/* Load averages (Mach's avenrun and mach_factor, for host_info's
 * HOST_LOAD_INFO), scaled by LOAD_SCALE, sampled every LOAD_SAMPLE_TICKS
 * from the clock interrupt: 1, 5 and 15 minute decaying averages. */
#define LOAD_SAMPLE_TICKS (5 * HZ)
extern int32_t sched_avenrun[3];
extern int32_t sched_mach_factor[3];
/* Take one sample now (the clock does it; interrupts off). */
void sched_sample_load(void);

/* Why a wait ended (thread->wait_result). */
#define THREAD_AWAKENED 0
#define THREAD_TIMED_OUT 1
#define THREAD_INTERRUPTED 2
#define THREAD_RESTART 3

/* A one-shot timer, run from the clock interrupt. */
struct timer {
	queue_chain_t link;
	uint64_t deadline; /* clock_ticks value */
	void (*fn)(void *);
	void *arg;
};

void sched_init(void);
void assert_wait(event_t event, int interruptible);
/* (With interrupts off: assert_wait_intr_off, kern/sched_ipc.h.) */

/* The wait queues, hashed by event. */
#define SCHED_WAIT_BUCKETS 64
extern queue_head_t sched_wait_queues[SCHED_WAIT_BUCKETS];
static inline queue_head_t *sched_wait_bucket(event_t event)
{
	return &sched_wait_queues[((uintptr_t)event >> 4) % SCHED_WAIT_BUCKETS];
}
int thread_block(void);
/* assert_wait + thread_block with a time-out in ticks (0: none). */
int thread_sleep(event_t event, int interruptible, uint64_t timeout_ticks);
/* The same on no event, interruptibly (a thread on an IPC receivers
 * queue), with interrupts off throughout: the receive's sleep.  wake:
 * unless NULL, an event whose threads the caller leaves to wake here
 * (as thread_wakeup would), the first of them run at once, taken off
 * no run queue (thread_block's handoff without the queue pass). */
int thread_sleep_receive(uint64_t timeout_ticks, event_t wake);
/* Wake the threads waiting on event; returns the first one woken (NULL
 * if none), for a caller about to block to hand the processor to
 * (thread->handoff, which thread_block takes only if it is queued). */
struct thread *thread_wakeup(event_t event);
void thread_wakeup_one(event_t event);
/* End a thread's wait with the given result, if it is waiting and the
 * result is allowed (interrupts end only interruptible waits); whether
 * it did. */
int clear_wait(struct thread *th, int result);
/* The same, only if th sleeps on event (not on another of its waits). */
void clear_wait_event(struct thread *th, event_t event, int result);
/* Make a thread runnable (not waiting, not stopped). */
void thread_setrun(struct thread *th);
/* Give the CPU to another runnable thread of higher or equal priority. */
void thread_yield(void);
/* Switch straight to th, which must be runnable, leaving the current
 * thread runnable or blocked as its state says (the IPC fast path). */
void thread_handoff(struct thread *th);
/* Called in the new thread right after every switch (reaps a thread
 * that exited on the way out of it). */
void sched_after_switch(void);
/* rdtsc cycles the idle thread has spent halted (HOST_IDLE_INFO). */
extern uint64_t sched_idle_tsc;
/* The thread sched_after_switch will reap (NULL between switches). */
extern struct thread *sched_dead_thread;
/* Interrupts off, the current thread about to block: its wait ends
 * with THREAD_TIMED_OUT after `ticks` clock ticks (kern/sched_ipc.h). */
void thread_wait_timeout(uint64_t ticks);

void timer_set(struct timer *t, uint64_t ticks, void (*fn)(void *), void *arg);
int timer_cancel(struct timer *t);

/* From the clock interrupt. */
void sched_clock_tick(void);
/* Whether the current thread should give up the CPU at the next chance. */
extern volatile int sched_need_resched;
#endif
