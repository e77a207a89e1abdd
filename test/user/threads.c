/*
 * Threads: many cthreads run and are joined with their results; the
 * i386 thread state (flavor 1, 17 words) reads and writes as GNU Mach's,
 * and a thread started from a set state runs there; floating-point state
 * survives switches between threads; thread_abort ends a blocked receive
 * with MACH_RCV_INTERRUPTED.
 */
#include <string.h>
#include <cthreads.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define N_THREADS 32

static cthread_mutex_t lock = CTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *count_fn(void *arg)
{
	cthread_mutex_lock(&lock);
	counter++;
	cthread_mutex_unlock(&lock);
	return (void *)((long)arg * 2);
}

static void test_many(void)
{
	cthread_t t[N_THREADS];
	int created = 0, right = 0;
	for (int i = 0; i < N_THREADS; i++)
		if (cthread_create(&t[i], count_fn, (void *)(long)i) == KERN_SUCCESS)
			created++;
	if (!is(created, N_THREADS, "create %d threads", N_THREADS))
		return;
	for (int i = 0; i < N_THREADS; i++)
		right += cthread_join(t[i]) == (void *)((long)i * 2);
	is(right, N_THREADS, "each joins with its own result");
	is(counter, N_THREADS, "each ran once");
}

static volatile int raw_ran;
static void raw_entry(void)
{
	raw_ran = 1;
	for (;;)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 100);
}

static void test_state(void)
{
	thread_t th;
	if (!is_kr(thread_create(T, &th), KERN_SUCCESS, "thread_create"))
		return;
	struct i386_thread_state st;
	mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;
	is_kr(thread_get_state(th, i386_THREAD_STATE, (thread_state_t)&st, &n), KERN_SUCCESS, "thread_get_state");
	is(n, 17, "i386_THREAD_STATE is 17 words");
	static char stack[8192] __attribute__((aligned(16)));
	st.eip = (unsigned)raw_entry;
	st.uesp = (unsigned)(stack + sizeof stack - 16);
	st.ebx = 0x1234;
	is_kr(thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, 17), KERN_SUCCESS, "thread_set_state");
	struct i386_thread_state back;
	n = 17;
	thread_get_state(th, i386_THREAD_STATE, (thread_state_t)&back, &n);
	ok(back.eip == st.eip && back.uesp == st.uesp && back.ebx == 0x1234, "reads back what was set");
	is_kr(thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, 5), KERN_INVALID_ARGUMENT,
	      "a short state: KERN_INVALID_ARGUMENT");
	is_kr(thread_resume(th), KERN_SUCCESS, "thread_resume");
	for (int i = 0; i < 100 && !raw_ran; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	ok(raw_ran, "the thread runs at the eip it was given");
	is_kr(thread_suspend(th), KERN_SUCCESS, "thread_suspend");
	thread_basic_info_data_t info;
	n = THREAD_BASIC_INFO_COUNT;
	if (is_kr(thread_info(th, THREAD_BASIC_INFO, (thread_info_t)&info, &n), KERN_SUCCESS, "thread_info"))
		is(info.suspend_count, 1, "suspend count 1");
	is_kr(thread_resume(th), KERN_SUCCESS, "resume");
	is_kr(thread_resume(th), KERN_FAILURE, "resume of a thread not suspended: KERN_FAILURE");
	is_kr(thread_terminate(th), KERN_SUCCESS, "thread_terminate");
	mach_port_deallocate(T, th);
}

static void *fp_fn(void *arg)
{
	double x = (long)arg, sum = 0;
	for (int i = 0; i < 20000; i++) {
		sum += x * 0.5;
		if (i % 1000 == 0)
			thread_switch(MACH_PORT_NULL, SWITCH_OPTION_NONE, 0);
	}
	return (void *)(long)(sum == x * 0.5 * 20000);
}

static void test_fp(void)
{
	cthread_t t[4];
	int good = 0;
	for (long i = 0; i < 4; i++)
		if (cthread_create(&t[i], fp_fn, (void *)(i + 3)) != KERN_SUCCESS)
			return (void)ok(0, "create FP threads");
	for (int i = 0; i < 4; i++)
		good += cthread_join(t[i]) != NULL;
	is(good, 4, "FP sums exact in 4 threads switching among themselves");
}

static mach_port_t abort_port;
static volatile mach_msg_return_t abort_result = 1;
static void *blocked_receiver(void *arg)
{
	(void)arg;
	struct rcv_buf buf;
	abort_result = mach_msg_trap(&buf.head, MACH_RCV_MSG, 0, sizeof buf, abort_port, 0, 0);
	return NULL;
}

static void test_abort(void)
{
	cthread_t t;
	abort_port = new_port();
	if (!is_kr(cthread_create(&t, blocked_receiver, NULL), KERN_SUCCESS, "a thread receives"))
		return;
	/* An abort before it blocks would be lost, and the join wait for good. */
	if (!ok(wait_blocked(cthread_kernel_port(t)), "it blocks in the receive"))
		return;
	is_kr(thread_abort(cthread_kernel_port(t)), KERN_SUCCESS, "thread_abort");
	cthread_join(t);
	is_kr(abort_result, MACH_RCV_INTERRUPTED, "the receive returns MACH_RCV_INTERRUPTED");
	mach_port_destroy(T, abort_port);
}

int main(void)
{
	test_many();
	test_state();
	test_fp();
	test_abort();
	return tap_done();
}
