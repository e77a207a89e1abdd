/*
 * Interval timers and CPU times: alarm, setitimer/getitimer (ITIMER_REAL,
 * ITIMER_VIRTUAL, ITIMER_PROF), times, getrusage, wait4's rusage; their
 * errors.  Prints what it sees, in terms that do not depend on how fast
 * the machine is; test/unix/compare.sh compares the output on Ernst with
 * the same binary's on the host.  (That an alarm survives execve is
 * exectest's: it needs a program file to run again.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BAD ((void *)16)

static volatile sig_atomic_t alarms, vtalarms, profs;

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		alarms++;
	else if (sig == SIGVTALRM)
		vtalarms++;
	else
		profs++;
}

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static void result(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static double seconds(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static double cpu_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return seconds(ru.ru_utime) + seconds(ru.ru_stime);
}

/* Use CPU until getrusage says s seconds are used, or flag is set (if
 * not NULL); 20 s of the clock at most. */
static void spin(double s, volatile sig_atomic_t *flag)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	double start = cpu_self();
	do {
		for (volatile int i = 0; i < 100000; i++)
			;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((flag != NULL ? *flag == 0 : cpu_self() - start < s) && t.tv_sec - t0.tv_sec < 20);
}

int main(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct itimerval it, old;
	sigset_t none;

	setvbuf(stdout, NULL, _IONBF, 0);
	sigemptyset(&none);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);

	/* alarm: the seconds left, rounded. */
	printf("alarm(100) with none set: %u\n", alarm(100));
	unsigned left = alarm(0);
	printf("alarm(0) then: 99 or 100: %s\n", yes(left == 99 || left == 100));
	printf("alarm(0) again: %u\n", alarm(0));

	/* An alarm ends sigsuspend with EINTR after its handler (SIGALRM
	 * blocked until then: a slow machine cannot let it come first). */
	sigset_t alrm, old_mask;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old_mask);
	alarm(1);
	int r = sigsuspend(&none);
	printf("sigsuspend after alarm(1): %d %s, handler ran %d time(s)\n", r, strerrorname_np(errno), (int)alarms);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);

	/* An alarm interrupts a wait for a child (the handler has no
	 * SA_RESTART): the child waits for our byte, 60 s at most. */
	int go[2];
	char c;
	pipe(go);
	pid_t waiter = fork();
	if (waiter == 0) {
		struct pollfd pf = {go[0], POLLIN, 0};
		poll(&pf, 1, 60000);
		_exit(0);
	}
	alarms = 0;
	alarm(2);
	r = waitpid(waiter, NULL, 0);
	printf("waitpid during alarm(2): %d %s, handler ran %d time(s)\n", r, r < 0 ? strerrorname_np(errno) : "",
	       (int)alarms);
	c = 'x';
	write(go[1], &c, 1);
	printf("then the child: %s\n", yes(waitpid(waiter, NULL, 0) == waiter));
	close(go[0]);
	close(go[1]);

	/* getitimer shows what is left and the interval as set. */
	it = (struct itimerval){{1, 500000}, {10, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &old);
	printf("getitimer: interval %ld.%06ld, value at most 10 s and more than 9: %s\n", (long)old.it_interval.tv_sec,
	       (long)old.it_interval.tv_usec,
	       yes(seconds(old.it_value) <= 10 && seconds(old.it_value) > 9));
	/* setitimer's old value is the timer as it was. */
	it = (struct itimerval){{0, 0}, {20, 0}};
	setitimer(ITIMER_REAL, &it, &old);
	printf("setitimer's old: interval %ld.%06ld, value at most 10 s: %s\n", (long)old.it_interval.tv_sec,
	       (long)old.it_interval.tv_usec, yes(seconds(old.it_value) <= 10 && old.it_value.tv_sec >= 9));
	/* A fork child starts with no timer; the parent keeps its own. */
	pid_t p = fork();
	if (p == 0) {
		getitimer(ITIMER_REAL, &old);
		_exit(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0 ? 0 : 1);
	}
	int st;
	waitpid(p, &st, 0);
	printf("a fork child starts with none: %s\n", yes(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	getitimer(ITIMER_REAL, &old);
	printf("the parent's is still there: %s\n", yes(old.it_value.tv_sec >= 10));
	it = (struct itimerval){{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &old);
	printf("disarmed: %ld.%06ld\n", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec);

	/* A periodic timer: three signals, then disarmed. */
	alarms = 0;
	it = (struct itimerval){{0, 20000}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	while (alarms < 3)
		sigsuspend(&none);
	it = (struct itimerval){{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	printf("periodic, 20 ms: at least 3 signals: %s\n", yes(alarms >= 3));

	/* The CPU timers: a signal once this much CPU time is used. */
	it = (struct itimerval){{0, 0}, {0, 50000}};
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	spin(0, &vtalarms);
	printf("ITIMER_VIRTUAL, 50 ms of user time: SIGVTALRM came: %s\n", yes(vtalarms == 1));
	setitimer(ITIMER_PROF, &it, NULL);
	getitimer(ITIMER_PROF, &old);
	/* (Linux adds a tick to a CPU timer's value: not exactly 50 ms.) */
	printf("ITIMER_PROF armed, time left: %s\n", yes(old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0));
	spin(0, &profs);
	printf("ITIMER_PROF: SIGPROF came: %s\n", yes(profs == 1));

	/* Errors. */
	it = (struct itimerval){{0, 0}, {0, 1000000}};
	result("setitimer with 10^6 microseconds", setitimer(ITIMER_REAL, &it, NULL));
	it = (struct itimerval){{0, -1}, {1, 0}};
	result("setitimer with a negative interval", setitimer(ITIMER_REAL, &it, NULL));
	it = (struct itimerval){{0, 0}, {-1, 0}};
	result("setitimer with a negative value", setitimer(ITIMER_REAL, &it, NULL));
	result("setitimer of timer 3", syscall(SYS_setitimer, 3, &it, NULL));
	result("setitimer of timer 3 from a bad pointer (read first)", syscall(SYS_setitimer, 3, BAD, NULL));
	result("getitimer of timer -1", syscall(SYS_getitimer, -1, &old));
	result("getitimer to a bad pointer", syscall(SYS_getitimer, ITIMER_REAL, BAD));
	result("setitimer from a bad pointer", syscall(SYS_setitimer, ITIMER_REAL, BAD, NULL));
	it = (struct itimerval){{0, 0}, {30, 0}};
	result("setitimer, the old value to a bad pointer", syscall(SYS_setitimer, ITIMER_REAL, &it, BAD));
	getitimer(ITIMER_REAL, &old);
	printf("the timer was set all the same: %s\n", yes(old.it_value.tv_sec >= 29));
	alarm(0);
	result("getrusage(5)", syscall(SYS_getrusage, 5, BAD));
	result("getrusage to a bad pointer", syscall(SYS_getrusage, RUSAGE_SELF, BAD));
	result("times to a bad pointer", syscall(SYS_times, BAD));

	/* CPU times: ours, and a child's once waited for. */
	double before = cpu_self();
	spin(0.2, NULL);
	printf("getrusage(RUSAGE_SELF) counts our CPU time: %s\n", yes(cpu_self() - before >= 0.2));
	struct tms t0, t1;
	clock_t c0 = times(&t0);
	p = fork();
	if (p == 0) {
		spin(0.3, NULL);
		_exit(0);
	}
	struct rusage ru, rc;
	pid_t w = wait4(p, &st, 0, &ru);
	clock_t c1 = times(&t1);
	printf("wait4: the child's user and system time, at least 0.3 s: %s\n",
	       yes(w == p && seconds(ru.ru_utime) + seconds(ru.ru_stime) >= 0.3));
	/* (Each of times' fields and its return are rounded down to a tick,
	 * and CPU time is charged a tick at a time, so 0.3 s may show as 28
	 * ticks: a difference of two readings loses up to one, a charge may
	 * run up to one ahead of the clock.) */
	printf("times: the children's grew by about as much: %s\n",
	       yes((t1.tms_cutime + t1.tms_cstime) - (t0.tms_cutime + t0.tms_cstime) >= 28 * sysconf(_SC_CLK_TCK) / 100));
	printf("times: the clock went forward: %s\n", yes(c1 - c0 >= 28 * sysconf(_SC_CLK_TCK) / 100));
	getrusage(RUSAGE_CHILDREN, &rc);
	printf("getrusage(RUSAGE_CHILDREN) includes it: %s\n",
	       yes(seconds(rc.ru_utime) + seconds(rc.ru_stime) >= seconds(ru.ru_utime) + seconds(ru.ru_stime)));
	printf("timers: done\n");
	return 0;
}
