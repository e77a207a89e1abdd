/*
 * The scheduler.  One CPU; every piece of state here is touched only
 * with interrupts off.  A thread is runnable when it is neither waiting
 * nor terminated; runnable threads other than the running one sit on the
 * run queue of their priority.  The idle thread runs when nothing else
 * can and is never queued.
 */
#include <i386/cpu.h>
#include <mach/host_info.h>
#include <kern/clock.h>
#include <kern/debug.h>
#include <kern/sched.h>
#include <kern/sched_ipc.h>
#include <kern/thread.h>


struct thread *active_thread;
volatile int sched_need_resched;
static queue_head_t run_queues[NRQS];
static uint32_t runq_bitmap; /* bit p: run_queues[p] is not empty */
queue_head_t sched_wait_queues[SCHED_WAIT_BUCKETS];
static queue_head_t timer_queue;
static struct thread *idle_thread_ptr;
/* A thread that exited on the way out of the last switch, to be reaped
 * by whoever runs next (it cannot free the stack it is standing on). */
struct thread *sched_dead_thread;

void thread_reap(struct thread *th); /* thread.c */


static int thread_runnable(const struct thread *th)
{
	return (th->state & (TH_WAIT | TH_TERMINATED)) == 0;
}

static void runq_insert(struct thread *th)
{
	assert(!queue_linked(&th->runq_link));
	assert(!(th->state & TH_IDLE));
	queue_enter_tail(&run_queues[th->priority], &th->runq_link);
	runq_bitmap |= 1u << th->priority;
	if (th->priority < active_thread->priority || (active_thread->state & TH_IDLE))
		sched_need_resched = 1;
}

static void runq_remove(struct thread *th)
{
	queue_remove_entry(&th->runq_link);
	if (queue_empty(&run_queues[th->priority]))
		runq_bitmap &= ~(1u << th->priority);
}

/* The best runnable thread, taken off its queue; the idle thread if none. */
static struct thread *runq_choose(void)
{
	if (runq_bitmap == 0)
		return idle_thread_ptr;
	int pri = __builtin_ctz(runq_bitmap);
	struct thread *th = queue_first_entry(&run_queues[pri], struct thread, runq_link);
	runq_remove(th);
	return th;
}

/* Called in the new thread right after every switch. */
void sched_after_switch(void)
{
	if (sched_dead_thread != NULL) {
		struct thread *th = sched_dead_thread;
		sched_dead_thread = NULL;
		thread_reap(th);
	}
}

/* Interrupts off.  Runs `to` and returns when `from` is switched back to.
 * A handoff passes on the rest of from's time slice and a pending
 * reschedule: else threads that hand the processor to each other on
 * every message would keep it from every other thread forever. */
static inline __attribute__((always_inline)) void switch_to(struct thread *from, struct thread *to,
							    int handoff)
{
	if (!handoff)
		sched_need_resched = 0;
	if (from == to)
		return;
	to->quantum = handoff ? from->quantum : SCHED_QUANTUM_TICKS;
	if (from->state & TH_TERMINATED)
		sched_dead_thread = from;
	/* Fault recovery belongs to the thread: one may block in copyin. */
	extern uintptr_t cpu_recover;
	from->recover = cpu_recover;
	cpu_recover = to->recover;
	active_thread = to;
	pcb_load(to);
	cpu_switch_context(from, to);
	sched_after_switch();
}

void sched_init(void)
{
	for (int i = 0; i < NRQS; i++)
		queue_init(&run_queues[i]);
	for (int i = 0; i < SCHED_WAIT_BUCKETS; i++)
		queue_init(&sched_wait_queues[i]);
	queue_init(&timer_queue);
}

void sched_set_idle_thread(struct thread *th)
{
	idle_thread_ptr = th;
}

void assert_wait(event_t event, int interruptible)
{
	int s = cpu_intr_save();

	assert_wait_intr_off(event, interruptible);
	cpu_intr_restore(s);
}

/* Interrupts off.  End th's wait (it is waiting), leaving it off the run queue. */
static void wait_end(struct thread *th, int result)
{
	if (queue_linked(&th->wait_link))
		queue_remove_entry(&th->wait_link);
	if (queue_linked(&th->wait_timer.link)) /* interrupts are off already */
		queue_remove_entry(&th->wait_timer.link);
	th->state &= ~(TH_WAIT | TH_INTERRUPTIBLE);
	th->wait_result = result;
	th->wait_event = NULL;
}

/* Interrupts off.  End th's wait; queue it unless it is the running one. */
static void thread_unwait(struct thread *th, int result)
{
	if (!(th->state & TH_WAIT))
		return;
	wait_end(th, result);
	if (th != active_thread && !(th->state & TH_TERMINATED))
		runq_insert(th);
}

/* Interrupts off: wake the threads waiting on event (one: the first
 * only); returns the first.  keep: that one, if it can run, stays off
 * the run queue, for the caller to switch to at once (block_off: a
 * runnable thread on no queue is such a one). */
static inline __attribute__((always_inline)) struct thread *wakeup_off(event_t event, int one, int keep)
{
	queue_head_t *q = sched_wait_bucket(event);
	queue_chain_t *e = q->next;
	struct thread *first = NULL;

	while (e != q) {
		struct thread *th = queue_container(e, struct thread, wait_link);
		e = e->next;
		if (th->wait_event != event)
			continue;
		if (keep && first == NULL)
			wait_end(th, THREAD_AWAKENED);
		else
			thread_unwait(th, THREAD_AWAKENED);
		if (first == NULL)
			first = th;
		if (one)
			break;
	}
	return first;
}

static inline __attribute__((always_inline)) struct thread *thread_wakeup_prim(event_t event, int one)
{
	int s = cpu_intr_save();
	struct thread *first = wakeup_off(event, one, 0);

	cpu_intr_restore(s);
	return first;
}

struct thread *thread_wakeup(event_t event)
{
	return thread_wakeup_prim(event, 0);
}

void thread_wakeup_one(event_t event)
{
	thread_wakeup_prim(event, 1);
}

int clear_wait(struct thread *th, int result)
{
	int s = cpu_intr_save();
	int ended = (th->state & TH_WAIT) && (result != THREAD_INTERRUPTED || (th->state & TH_INTERRUPTIBLE));

	if (ended)
		thread_unwait(th, result);
	cpu_intr_restore(s);
	return ended;
}

void clear_wait_event(struct thread *th, event_t event, int result)
{
	int s = cpu_intr_save();

	if (th->wait_event == event)
		clear_wait(th, result);
	cpu_intr_restore(s);
}

void thread_setrun(struct thread *th)
{
	int s = cpu_intr_save();

	if (th->state & TH_WAIT)
		thread_unwait(th, THREAD_AWAKENED);
	else if (th != active_thread && !queue_linked(&th->runq_link) && thread_runnable(th))
		runq_insert(th);
	cpu_intr_restore(s);
}

/* Interrupts off: thread_block's work. */
static inline __attribute__((always_inline)) int block_off(struct thread *th)
{
	struct thread *next = th->handoff;
	th->handoff = NULL;
	/* Handoff: run the receiver just given a message (or the fault
	 * a pager's page woke), without a queue pass: taken off the run
	 * queue, or never put there (thread_sleep_receive's wake-up; the
	 * only runnable thread on no queue but the running one). */
	int handoff = next != NULL && thread_runnable(next);
	int queued = handoff && queue_linked(&next->runq_link);
	if (thread_runnable(th)) { /* woken before it slept */
		if (handoff && !queued && next != th) /* (never queue the running thread) */
			runq_insert(next);
		return th->wait_result;
	}
	if (queued)
		runq_remove(next);
	else if (!handoff)
		next = runq_choose();
	switch_to(th, next, handoff);
	return th->wait_result;
}

int thread_block(void)
{
	int s = cpu_intr_save();
	int r = block_off(active_thread);

	cpu_intr_restore(s);
	return r;
}

static void sleep_timeout(void *arg)
{
	struct thread *th = arg;
	thread_unwait(th, THREAD_TIMED_OUT);
}

int thread_sleep(event_t event, int interruptible, uint64_t timeout_ticks)
{
	assert_wait(event, interruptible);
	if (timeout_ticks != 0) {
		int s = cpu_intr_save();
		if (active_thread->state & TH_WAIT)
			timer_set(&active_thread->wait_timer, timeout_ticks, sleep_timeout, active_thread);
		cpu_intr_restore(s);
	}
	return thread_block();
}

int thread_sleep_receive(uint64_t timeout_ticks, event_t wake)
{
	int s = cpu_intr_save();
	struct thread *th = active_thread;

	/* On no event, as the IPC fast path expects of a receiver (its wait
	 * ends without a look). */
	assert_wait_intr_off(NULL, 1);
	if (timeout_ticks != 0)
		timer_set(&th->wait_timer, timeout_ticks, sleep_timeout, th);
	if (wake != NULL)
		th->handoff = wakeup_off(wake, 0, 1);
	int r = block_off(th);
	cpu_intr_restore(s);
	return r;
}

void thread_yield(void)
{
	int s = cpu_intr_save();
	struct thread *th = active_thread;

	if (runq_bitmap != 0 && (th->state & TH_IDLE ? 1 : __builtin_ctz(runq_bitmap) <= th->priority)) {
		if (!(th->state & TH_IDLE))
			runq_insert(th);
		switch_to(th, runq_choose(), 0);
	} else {
		sched_need_resched = 0;
	}
	cpu_intr_restore(s);
}

void thread_wait_timeout(uint64_t ticks)
{
	timer_set(&active_thread->wait_timer, ticks, sleep_timeout, active_thread);
}

void thread_handoff(struct thread *to)
{
	int s = cpu_intr_save();
	struct thread *from = active_thread;

	assert(thread_runnable(to));
	if (queue_linked(&to->runq_link))
		runq_remove(to);
	if (thread_runnable(from) && !(from->state & TH_IDLE))
		runq_insert(from);
	switch_to(from, to, 1);
	cpu_intr_restore(s);
}

uint64_t sched_idle_tsc;

/* The idle thread: sleep the CPU until an interrupt makes work; the
 * time it sleeps adds up in sched_idle_tsc (HOST_IDLE_INFO). */
void idle_thread_loop(void *arg)
{
	(void)arg;
	for (;;) {
		cpu_intr_disable();
		if (runq_bitmap != 0)
			switch_to(active_thread, runq_choose(), 0);
		else {
			uint64_t t0 = rdtsc();
			cpu_idle(); /* sti; hlt: no wake-up is missed */
			sched_idle_tsc += rdtsc() - t0;
		}
	}
}

void timer_set(struct timer *t, uint64_t ticks, void (*fn)(void *), void *arg)
{
	int s = cpu_intr_save();
	struct timer *pos;

	if (queue_linked(&t->link))
		queue_remove_entry(&t->link);
	t->deadline = clock_ticks + (ticks ? ticks : 1);
	t->fn = fn;
	t->arg = arg;
	/* Insert before the first later deadline; when there is none, the
	 * loop ends with &pos->link == &timer_queue, i.e. at the tail. */
	queue_iterate(&timer_queue, pos, struct timer, link)
	{
		if (pos->deadline > t->deadline)
			break;
	}
	queue_enter_tail(&pos->link, &t->link);
	cpu_intr_restore(s);
}

int timer_cancel(struct timer *t)
{
	int s = cpu_intr_save();
	int was = queue_linked(&t->link);

	if (was)
		queue_remove_entry(&t->link);
	cpu_intr_restore(s);
	return was;
}

int32_t sched_avenrun[3];
int32_t sched_mach_factor[3] = {LOAD_SCALE, LOAD_SCALE, LOAD_SCALE};

/* Decay per 5 s sample, scaled by LOAD_SCALE: exp(-5/60), exp(-5/300)
 * and exp(-5/900), so avenrun is the 1, 5 and 15 minute average that
 * /proc/loadavg promises. */
static const int32_t load_decay[3] = {920, 983, 994};

/* Every LOAD_SAMPLE_TICKS: fold the number of runnable threads (the one
 * running plus the queued ones, never the idle thread) into the decaying
 * averages, and the Mach factor (the share of a CPU a new thread would
 * get on the one CPU: 1 with nothing to run, else 1 / (nrun + 1)). */
void sched_sample_load(void)
{
	int32_t nrun = active_thread != NULL && !(active_thread->state & TH_IDLE);
	for (uint32_t bits = runq_bitmap; bits != 0; bits &= bits - 1) {
		struct thread *th;
		queue_iterate(&run_queues[__builtin_ctz(bits)], th, struct thread, runq_link)
			nrun++;
	}
	int32_t factor = LOAD_SCALE / (nrun + 1);
	for (int i = 0; i < 3; i++) {
		sched_avenrun[i] = (sched_avenrun[i] * load_decay[i] +
				    nrun * LOAD_SCALE * (LOAD_SCALE - load_decay[i]) + LOAD_SCALE / 2) /
				   LOAD_SCALE;
		sched_mach_factor[i] = (sched_mach_factor[i] * load_decay[i] +
					factor * (LOAD_SCALE - load_decay[i]) + LOAD_SCALE / 2) /
				       LOAD_SCALE;
	}
}

void sched_clock_tick(void)
{
	static unsigned load_countdown = LOAD_SAMPLE_TICKS;

	if (--load_countdown == 0) {
		load_countdown = LOAD_SAMPLE_TICKS;
		sched_sample_load();
	}
	while (!queue_empty(&timer_queue)) {
		struct timer *t = queue_first_entry(&timer_queue, struct timer, link);
		if (t->deadline > clock_ticks)
			break;
		queue_remove_entry(&t->link);
		t->fn(t->arg);
	}
	if (active_thread != NULL) {
		/* The tick is charged to whoever it interrupted. */
		if (irq_from_user)
			active_thread->user_ticks++;
		else
			active_thread->system_ticks++;
	}
	if (active_thread != NULL && --active_thread->quantum <= 0)
		sched_need_resched = 1;
}
