/*
 * Interval timers and CPU times: setitimer, getitimer, alarm, times,
 * getrusage.
 *
 * The three timers are Linux's: ITIMER_REAL counts the clock and raises
 * SIGALRM, ITIMER_VIRTUAL counts the process's user time (SIGVTALRM),
 * ITIMER_PROF its user and system time (SIGPROF); each, when it runs
 * out, raises its signal and starts again with its interval (none: it
 * stops).  A timer thread of the library's, made at the first arming,
 * sleeps on a port of its own until the nearest expiry (while a CPU
 * timer is armed, a tick at most: it looks at the task's times); an
 * arming wakes it with an empty message.  It raises a signal as kill(2)
 * of our own pid does from another process, through the proc service
 * (proc_kill): the signal thread takes it as any post (only that thread
 * rewrites the Linux thread's state), and a proc_wait it comes during
 * ends with EINTR.  A call that changes a timer first takes what the
 * timer thread raised before (under the lock, then emul_signal_sync), so
 * that, as on Linux, the signal of a timer that ran out before the
 * change is handled when the call returns.  Timers survive execve (the
 * library and its threads stay) and a fork child starts with none
 * (emul_itimer_fork_child).
 *
 * RLIMIT_CPU is watched by the same thread, as Linux's
 * check_process_timers does it: while the soft limit is set, the thread
 * looks at the process's CPU time (user and system) each tick; at the
 * soft limit it raises SIGXCPU and, below the hard limit, makes the soft
 * limit a second more (the proc service's, as Linux changes it); at
 * the hard limit, SIGKILL.  The CPU time is the task's, which execve
 * keeps and a fork child starts again from 0.
 *
 * CPU times are the kernel's per-thread tick counts (task_info), for the
 * process's threads, ours (the signal and timer threads) included; the
 * children's come from the proc service, which adds a child's to its
 * parent's when the parent waits for it (proc_child_times).
 */
#include <string.h>
#include <cthreads.h>
#include <mach.h>
#include <mach/mach_interface.h>
#include <servers/proc.h>
#include "emul.h"

#define USEC_PER_MSEC 1000
#define CPU_TICK_MS 10 /* how often an armed CPU timer looks at the times */

static const int timer_signal[LINUX_ITIMERS] = {SIGALRM, SIGVTALRM, SIGPROF};

/* value: when it runs out, in microseconds of its clock (REAL: the
 * clock's time; the others: CPU time); 0, disarmed.  interval: 0, once. */
static struct {
	int64_t value, interval;
} timers[LINUX_ITIMERS];
/* Held while a timer changes, and while the timer thread raises signals. */
static cthread_mutex_t timers_lock;
static mach_port_t timer_port; /* the timer thread's; null until made */
/* proc's count of posts to our message port after the timer thread's
 * last signal (proc_kill's posted). */
static unsigned raised_posted;
/* RLIMIT_CPU in seconds (PROC_RLIM_INFINITY: not watched), under timers_lock. */
static uint64_t cpu_soft = PROC_RLIM_INFINITY, cpu_hard = PROC_RLIM_INFINITY;
/* Held while the timer thread is made (the Linux and signal threads may). */
static cthread_mutex_t make_lock;

/* The task's CPU times so far, in microseconds. */
int emul_task_times(int64_t *user, int64_t *sys)
{
	return mach_task_times(mach_task_self(), user, sys) == KERN_SUCCESS ? 0 : -LINUX_EINVAL;
}

/* Each timer's clock now (the CPU clocks are read only if cpu). */
static void clocks_now(int64_t now[LINUX_ITIMERS], int cpu)
{
	int64_t user = 0, sys = 0;

	now[LINUX_ITIMER_REAL] = emul_now_us();
	if (cpu)
		emul_task_times(&user, &sys);
	now[LINUX_ITIMER_VIRTUAL] = user;
	now[LINUX_ITIMER_PROF] = user + sys;
}

static int cpu_timer_armed(void)
{
	return timers[LINUX_ITIMER_VIRTUAL].value != 0 || timers[LINUX_ITIMER_PROF].value != 0;
}

/* The timer thread raises sig in this process, as another's kill would. */
static void raise_signal(int sig)
{
	unsigned posted;

	if (proc_kill(emul.proc, emul.pid, sig, &posted) == 0)
		raised_posted = posted;
}

/* RLIMIT_CPU with cpu microseconds used (under timers_lock). */
static void rlimit_cpu_run(int64_t cpu)
{
	uint64_t secs = (uint64_t)cpu / USEC_PER_SEC, cur, max;

	if (cpu_hard != PROC_RLIM_INFINITY && secs >= cpu_hard) {
		raise_signal(SIGKILL);
		return;
	}
	if (secs < cpu_soft)
		return;
	if (cpu_soft < cpu_hard) {
		/* Linux's next SIGXCPU a second later: the soft limit goes up,
		 * before the signal, so that its handler sees it.  Our copy of
		 * the limits is the Linux thread's: it asks again. */
		cpu_soft++;
		proc_prlimit(emul.proc, 0, PROC_RLIMIT_CPU, 1, cpu_soft, cpu_hard, &cur, &max);
		emul.rlim_stale = 1;
	}
	raise_signal(SIGXCPU);
}

/*
 * The timer thread's look: the timers that ran out raise their signals
 * and start again (the periods missed meanwhile are skipped, as Linux's
 * hrtimer_forward does); the milliseconds until the next look, or -1 for
 * none.
 */
static int64_t timers_run(void)
{
	int64_t now[LINUX_ITIMERS], wait = -1;

	cthread_mutex_lock(&timers_lock);
	clocks_now(now, cpu_timer_armed() || cpu_soft != PROC_RLIM_INFINITY);
	if (cpu_soft != PROC_RLIM_INFINITY) {
		rlimit_cpu_run(now[LINUX_ITIMER_PROF]);
		wait = CPU_TICK_MS;
	}
	for (int i = 0; i < LINUX_ITIMERS; i++) {
		if (timers[i].value == 0)
			continue;
		if (now[i] >= timers[i].value) {
			raise_signal(timer_signal[i]);
			if (timers[i].interval == 0)
				timers[i].value = 0;
			else
				timers[i].value +=
				    ((now[i] - timers[i].value) / timers[i].interval + 1) * timers[i].interval;
		}
		if (timers[i].value == 0)
			continue;
		int64_t ms = i == LINUX_ITIMER_REAL ? (timers[i].value - now[i] + USEC_PER_MSEC - 1) / USEC_PER_MSEC
						    : CPU_TICK_MS;
		if (wait < 0 || ms < wait)
			wait = ms;
	}
	cthread_mutex_unlock(&timers_lock);
	return wait;
}

static void *timer_thread(void *arg)
{
	mach_port_t port = (mach_port_t)(uintptr_t)arg;
	struct {
		mach_msg_header_t h;
		char body[32];
	} m;

	for (;;) {
		int64_t wait = timers_run();
		mach_msg_option_t opt = MACH_RCV_MSG | (wait >= 0 ? MACH_RCV_TIMEOUT : 0);
		if (wait > 0x7fffffff)
			wait = 0x7fffffff;
		/* Only our own empty wake-ups come here (the port's one send
		 * right is ours); anything else is too large and dropped. */
		mach_msg(&m.h, opt, 0, sizeof(m), port, wait >= 0 ? (mach_msg_timeout_t)wait : 0, MACH_PORT_NULL);
	}
	return NULL;
}

/* The timer thread, made if need be: 0, or -EAGAIN with nothing made. */
static int timer_thread_make(void)
{
	mach_port_t self = mach_task_self(), port;
	cthread_t t;

	int r = 0;

	cthread_mutex_lock(&make_lock);
	if (timer_port != MACH_PORT_NULL)
		goto out;
	r = -LINUX_EAGAIN;
	if (mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS)
		goto out;
	if (mach_port_insert_right(self, port, port, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS ||
	    cthread_create(&t, timer_thread, (void *)(uintptr_t)port) != KERN_SUCCESS) {
		mach_port_destroy(self, port);
		goto out;
	}
	cthread_detach(t);
	timer_port = port;
	r = 0;
out:
	cthread_mutex_unlock(&make_lock);
	return r;
}

/* Wake the timer thread to look again (a full queue holds wake-ups
 * enough). */
static void timer_thread_wake(void)
{
	mach_msg_header_t m = {.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
			       .msgh_size = sizeof(m),
			       .msgh_remote_port = timer_port};

	mach_msg(&m, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
}

void emul_itimer_fork_child(void)
{
	memset(timers, 0, sizeof(timers));
	cthread_mutex_init(&timers_lock);
	cthread_mutex_init(&make_lock);
	timer_port = MACH_PORT_NULL; /* the parent's name, not ours */
	raised_posted = 0;
	cpu_soft = cpu_hard = PROC_RLIM_INFINITY; /* emul_itimer_rlimit_cpu, once we are a task */
}

void emul_itimer_rlimit_cpu(uint64_t soft, uint64_t hard)
{
	/* Nothing to watch, or a thread to watch it (else it goes unwatched). */
	if (soft != PROC_RLIM_INFINITY && timer_thread_make() < 0)
		return;
	cthread_mutex_lock(&timers_lock);
	cpu_soft = soft;
	cpu_hard = hard;
	cthread_mutex_unlock(&timers_lock);
	if (timer_port != MACH_PORT_NULL)
		timer_thread_wake();
}

static void us_to_timeval(int64_t us, struct linux_timeval *tv)
{
	tv->sec = (int32_t)(us / USEC_PER_SEC);
	tv->usec = (int32_t)(us % USEC_PER_SEC);
}

/* Timer which as getitimer shows it: the time left (an overdue timer
 * not yet seen shows a microsecond, as Linux's) and its interval. */
static void timer_get(int which, const int64_t now[LINUX_ITIMERS], struct linux_itimerval *out)
{
	int64_t left = timers[which].value == 0 ? 0 : timers[which].value - now[which];

	if (timers[which].value != 0 && left <= 0)
		left = 1;
	us_to_timeval(left, &out->value);
	us_to_timeval(timers[which].interval, &out->interval);
}

static int timeval_ok(const struct linux_timeval *tv)
{
	return tv->sec >= 0 && tv->usec >= 0 && tv->usec < USEC_PER_SEC;
}

/* Set timer which to *new (NULL: disarm it, as Linux takes a null
 * pointer); its previous setting in *old.  The timer thread is made
 * first (an error changes nothing), and what it raised before the change
 * is taken before the call returns. */
static int timer_set(int which, const struct linux_itimerval *new, struct linux_itimerval *old)
{
	int64_t now[LINUX_ITIMERS];
	int64_t value = new == NULL ? 0 : (int64_t)new->value.sec * USEC_PER_SEC + new->value.usec;
	int r;

	if (value != 0 && (r = timer_thread_make()) < 0)
		return r;
	cthread_mutex_lock(&timers_lock);
	clocks_now(now, which != LINUX_ITIMER_REAL);
	timer_get(which, now, old);
	timers[which].value = value == 0 ? 0 : now[which] + value;
	timers[which].interval = value == 0 ? 0 : (int64_t)new->interval.sec * USEC_PER_SEC + new->interval.usec;
	unsigned posted = raised_posted;
	cthread_mutex_unlock(&timers_lock);
	if (timer_port != MACH_PORT_NULL)
		timer_thread_wake();
	emul_signal_sync(posted);
	return 0;
}

int sys_setitimer(int which, uint32_t unew, uint32_t uold)
{
	struct linux_itimerval new, old;
	int r;

	/* Linux's order: the value is read before the timer is looked at. */
	if (unew != 0 && (r = emul_copyin(&new, unew, sizeof(new))) < 0)
		return r;
	if (which < 0 || which >= LINUX_ITIMERS)
		return -LINUX_EINVAL;
	if (unew != 0 && (!timeval_ok(&new.value) || !timeval_ok(&new.interval)))
		return -LINUX_EINVAL;
	if ((r = timer_set(which, unew != 0 ? &new : NULL, &old)) < 0)
		return r;
	return uold != 0 ? emul_copyout(uold, &old, sizeof(old)) : 0;
}

int sys_getitimer(int which, uint32_t ucur)
{
	struct linux_itimerval cur;
	int64_t now[LINUX_ITIMERS];

	if (which < 0 || which >= LINUX_ITIMERS)
		return -LINUX_EINVAL;
	cthread_mutex_lock(&timers_lock);
	clocks_now(now, which != LINUX_ITIMER_REAL);
	timer_get(which, now, &cur);
	cthread_mutex_unlock(&timers_lock);
	return emul_copyout(ucur, &cur, sizeof(cur));
}

/* alarm: ITIMER_REAL once, in whole seconds; the seconds that were left,
 * rounded to the nearest, and at least 1 if any time was. */
int sys_alarm(uint32_t seconds)
{
	struct linux_itimerval new = {{0, 0}, {0, 0}}, old;
	int r;

	new.value.sec = seconds > 0x7fffffff ? 0x7fffffff : (int32_t)seconds;
	if ((r = timer_set(LINUX_ITIMER_REAL, &new, &old)) < 0)
		return r;
	int32_t left = old.value.sec;
	if ((left == 0 && old.value.usec != 0) || old.value.usec >= USEC_PER_SEC / 2)
		left++;
	return left;
}

static int32_t us_to_clock_t(int64_t us)
{
	return (int32_t)(us / (USEC_PER_SEC / LINUX_USER_HZ));
}

/* The children's times (waited for, and theirs): from the proc service. */
int emul_children_times(int64_t *user, int64_t *sys)
{
	int us, uu, ss, su;
	int r = emul_errno(proc_child_times(emul.proc, &us, &uu, &ss, &su));

	*user = r < 0 ? 0 : (int64_t)us * USEC_PER_SEC + uu;
	*sys = r < 0 ? 0 : (int64_t)ss * USEC_PER_SEC + su;
	return r;
}

/* times: CPU times in clock ticks; the answer is the clock in ticks from
 * an arbitrary point, kept below 2^31 so that it never reads as -errno. */
int sys_times(uint32_t ubuf)
{
	int64_t user, sys, cuser, csys;
	int r;

	if (ubuf != 0) {
		if ((r = emul_task_times(&user, &sys)) < 0 || (r = emul_children_times(&cuser, &csys)) < 0)
			return r;
		struct linux_tms t = {us_to_clock_t(user), us_to_clock_t(sys), us_to_clock_t(cuser),
				      us_to_clock_t(csys)};
		if ((r = emul_copyout(ubuf, &t, sizeof(t))) < 0)
			return r;
	}
	return (int32_t)((emul_now_us() / (USEC_PER_SEC / LINUX_USER_HZ)) & 0x7fffffff);
}

/* struct rusage with these times (and the resident size, in KiB, as
 * the peak: the kernel keeps no peak) copied out to uru. */
int emul_rusage_out(uint32_t uru, int64_t user, int64_t sys, uint32_t maxrss_kb)
{
	struct linux_rusage ru;

	memset(&ru, 0, sizeof(ru));
	us_to_timeval(user, &ru.utime);
	us_to_timeval(sys, &ru.stime);
	ru.maxrss = (int32_t)maxrss_kb;
	return emul_copyout(uru, &ru, sizeof(ru));
}

int sys_getrusage(int who, uint32_t uru)
{
	int64_t user, sys;
	uint32_t rss = 0;
	int r;

	if (who == LINUX_RUSAGE_CHILDREN) {
		r = emul_children_times(&user, &sys);
	} else if (who == LINUX_RUSAGE_SELF || who == LINUX_RUSAGE_THREAD) {
		struct task_basic_info basic;
		mach_msg_type_number_t n = TASK_BASIC_INFO_COUNT;
		/* (RUSAGE_THREAD: the process is the one Linux thread.) */
		r = emul_task_times(&user, &sys);
		if (r == 0 && task_info(mach_task_self(), TASK_BASIC_INFO, (task_info_t)&basic, &n) == KERN_SUCCESS)
			rss = basic.resident_size / 1024;
	} else {
		return -LINUX_EINVAL;
	}
	if (r < 0)
		return r;
	return emul_rusage_out(uru, user, sys, rss);
}
