/* Kernel threads and the scheduler: creation, blocking and wake-up,
 * time-outs, priorities, exit and reaping, and FPU state across switches. */
#include <i386/cpu.h>
#include <kern/clock.h>
#include <kern/ktest.h>
#include <kern/sched.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <vm/vm_page.h>

#define PINGPONG_ROUNDS 1000
#define MANY_THREADS 50

/* Wait until th has exited (thread_exit wakes the thread pointer). */
static void join(struct thread *th)
{
	while (!(th->state & TH_TERMINATED))
		thread_sleep(th, 0, 0);
	thread_deallocate(th);
}

static struct thread *spawn(const char *name, void (*fn)(void *), void *arg, int pri)
{
	struct thread *th = kernel_thread(kernel_task, name, fn, arg, pri);
	if (th)
		thread_reference(th); /* for join */
	return th;
}

static volatile int ping_turn, ping_count;

static void ping_pong(void *arg)
{
	int me = (int)(uintptr_t)arg;

	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		while (ping_turn != me)
			thread_sleep((const void *)&ping_turn, 0, 0);
		ping_count++;
		ping_turn = !me;
		thread_wakeup((const void *)&ping_turn);
	}
}

KTEST(sched_block_wakeup)
{
	unsigned long pages = vm_page_free_count;

	ping_turn = 0;
	ping_count = 0;
	struct thread *a = spawn("ping", ping_pong, (void *)0, BASEPRI_KERNEL);
	struct thread *b = spawn("pong", ping_pong, (void *)1, BASEPRI_KERNEL);
	if (!ktest_ok(a && b, "two kernel threads created"))
		return;
	join(a);
	join(b);
	ktest_ok(ping_count == 2 * PINGPONG_ROUNDS, "they alternated %d times through sleep/wakeup", ping_count);
	thread_yield(); /* let the last exit be reaped */
	ktest_ok(vm_page_free_count == pages, "their kernel stacks were freed after they exited");
}

static volatile int many_done;

static void many_body(void *arg)
{
	(void)arg;
	thread_yield();
	many_done++;
}

KTEST(sched_many_threads)
{
	struct thread *ths[MANY_THREADS];
	int created = 0;

	many_done = 0;
	for (int i = 0; i < MANY_THREADS; i++)
		if ((ths[i] = spawn("many", many_body, NULL, BASEPRI_KERNEL + 1)) != NULL)
			created++;
	ktest_ok(created == MANY_THREADS, "%d threads created", created);
	for (int i = 0; i < MANY_THREADS; i++)
		if (ths[i])
			join(ths[i]);
	ktest_ok(many_done == MANY_THREADS, "every thread ran to the end (%d)", many_done);
}

KTEST(sched_timeout)
{
	static int never;
	uint64_t t0 = clock_ticks;
	int r = thread_sleep(&never, 0, 5);

	ktest_ok(r == THREAD_TIMED_OUT, "a sleep with a time-out and no wake-up times out (%d)", r);
	ktest_ok(clock_ticks >= t0 + 5, "after at least the time-out (%llu ticks)", clock_ticks - t0);
	/* With interrupts off no tick can come in between (a starved QEMU
	 * could make one come, or two, after any time): a tick counted means
	 * that thread_block blocked.  The wait has a time-out of its own, so
	 * that a lost wake-up fails here (THREAD_TIMED_OUT) instead of
	 * hanging the test. */
	int s = cpu_intr_save();
	t0 = clock_ticks;
	assert_wait(&never, 0);
	thread_wait_timeout(5);
	clear_wait(current_thread(), THREAD_AWAKENED);
	r = thread_block();
	uint64_t ticks = clock_ticks - t0;
	cpu_intr_restore(s);
	ktest_ok(r == THREAD_AWAKENED && ticks == 0, "a wake-up before thread_block is not lost");
}

static int order[4], order_n;

static void record(void *arg)
{
	order[order_n++] = (int)(uintptr_t)arg;
}

KTEST(sched_priorities)
{
	order_n = 0;
	/* Lower numbers are higher priorities; all are below us (8), so none
	 * runs until we block. */
	struct thread *t3 = spawn("p20", record, (void *)20, 20);
	struct thread *t1 = spawn("p10", record, (void *)10, 10);
	struct thread *t2 = spawn("p15", record, (void *)15, 15);
	ktest_ok(order_n == 0, "lower-priority threads wait while a higher one runs");
	join(t1);
	join(t2);
	join(t3);
	ktest_ok(order_n == 3 && order[0] == 10 && order[1] == 15 && order[2] == 20,
		 "they ran in priority order (%d %d %d)", order[0], order[1], order[2]);
}

/* Each thread keeps a value in the x87 stack across many switches. */
static volatile int fpu_ok[2];

static void fpu_body(void *arg)
{
	int me = (int)(uintptr_t)arg;
	uint64_t in = 0x1234567800000000ull + me * 77, out = 0;

	__asm__ volatile("fildll %0" : : "m"(in));
	for (int i = 0; i < 20; i++)
		thread_sleep(NULL, 0, 1);
	__asm__ volatile("fistpll %0" : "=m"(out));
	fpu_ok[me] = out == in;
}

KTEST(sched_fpu_state)
{
	fpu_ok[0] = fpu_ok[1] = 0;
	struct thread *a = spawn("fpu0", fpu_body, (void *)0, BASEPRI_KERNEL);
	struct thread *b = spawn("fpu1", fpu_body, (void *)1, BASEPRI_KERNEL);
	join(a);
	join(b);
	ktest_ok(fpu_ok[0] && fpu_ok[1], "each thread's FPU registers survived the other's use");
}
