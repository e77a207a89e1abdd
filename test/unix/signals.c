/*
 * Signals: handlers with and without SA_SIGINFO (sigreturn and
 * rt_sigreturn), the mask (blocked signals stay pending, then arrive),
 * sigsuspend, SIGCHLD, a handler interrupting a blocking wait (EINTR)
 * and SA_RESTART, SA_RESETHAND, ignored signals, a fault caught by a
 * handler that jumps out.  Compared with the host's output.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got[65], info_ok, order[8], norder;
static sigjmp_buf jump;

static void plain(int sig)
{
	got[sig]++;
	if (norder < 8)
		order[norder++] = sig;
}

static void with_info(int sig, siginfo_t *si, void *uc)
{
	got[sig]++;
	info_ok = si != NULL && si->si_signo == sig && uc != NULL;
}

static void to_jump(int sig)
{
	got[sig]++;
	siglongjmp(jump, 1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int main(void)
{
	struct sigaction sa;
	sigset_t set, old;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("signals: start\n");

	/* A plain handler (sigreturn) and an SA_SIGINFO one (rt_sigreturn). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = plain;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	printf("SIGUSR1 to self: handled %d time(s)\n", got[SIGUSR1]);
	sa.sa_sigaction = with_info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("SIGUSR2 with SA_SIGINFO: handled %d, siginfo right: %s\n", got[SIGUSR2],
	       info_ok ? "yes" : "no");

	/* Registers survive a handler: a computation around it. */
	volatile long a = 12345, b = 678;
	kill(getpid(), SIGUSR1);
	printf("values after a handler: %ld %ld\n", a * 2, b + 1);

	/* Blocked: pending until unblocked, then delivered in number order. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	norder = 0;
	sa.sa_handler = plain;
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR1);
	sigset_t pend;
	sigpending(&pend);
	printf("while blocked: USR1 pending %d, USR2 pending %d, handled %d\n", sigismember(&pend, SIGUSR1),
	       sigismember(&pend, SIGUSR2), (int)norder);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("after unblocking: handled %d, first %d, second %d\n", (int)norder, order[0], order[1]);

	/* sigsuspend: wait with the signal unblocked, mask restored after. */
	sigprocmask(SIG_BLOCK, &set, &old);
	pid_t p = fork();
	if (p == 0) {
		sleep_ms(50);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	int before = got[SIGUSR1];
	sigset_t wait_set = old;
	sigdelset(&wait_set, SIGUSR1);
	int r = sigsuspend(&wait_set);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("sigsuspend: returned %d (%s), handled %d, USR1 blocked again: %d\n", r, strerror(errno),
	       got[SIGUSR1] - before, sigismember(&now, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	waitpid(p, NULL, 0);

	/* SIGCHLD when a child ends. */
	sa.sa_handler = plain;
	sigaction(SIGCHLD, &sa, NULL);
	got[SIGCHLD] = 0;
	p = fork();
	if (p == 0)
		_exit(1);
	while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
		;
	printf("SIGCHLD after a child's end: %s\n", got[SIGCHLD] > 0 ? "yes" : "no");
	/* A child already a zombie when the wait begins: its SIGCHLD was
	 * handled while we slept, and the wait answers at once. */
	got[SIGCHLD] = 0;
	p = fork();
	if (p == 0)
		_exit(2);
	sleep_ms(100);
	int zst = 0;
	while ((r = waitpid(p, &zst, 0)) < 0 && errno == EINTR)
		;
	printf("a zombie waited for: %s, status %d, SIGCHLD handled %d\n", r == p ? "yes" : "no",
	       WEXITSTATUS(zst), got[SIGCHLD]);
	signal(SIGCHLD, SIG_DFL);

	/* A signal to our own process group is handled before kill returns
	 * (in a child leading a group of its own: on the host, the test's
	 * group holds the harness too). */
	p = fork();
	if (p == 0) {
		setpgid(0, 0);
		sa.sa_handler = plain;
		sa.sa_flags = 0;
		sigaction(SIGUSR2, &sa, NULL);
		got[SIGUSR2] = 0;
		r = kill(0, SIGUSR2);
		printf("kill(0, SIGUSR2): %d, handled before it returned: %d\n", r, got[SIGUSR2]);
		got[SIGUSR2] = 0;
		r = kill(-getpgrp(), SIGUSR2);
		printf("kill(-pgrp, SIGUSR2): %d, handled before it returned: %d\n", r, got[SIGUSR2]);
		_exit(0);
	}
	waitpid(p, NULL, 0);

	/* A blocking wait interrupted: EINTR without SA_RESTART. */
	sa.sa_handler = plain;
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	p = fork();
	if (p == 0) {
		sleep_ms(100);
		kill(getppid(), SIGUSR1);
		sleep_ms(200);
		_exit(9);
	}
	int st;
	r = waitpid(p, &st, 0);
	printf("waitpid interrupted: %d %s\n", r, r < 0 ? strerror(errno) : "");
	r = waitpid(p, &st, 0);
	printf("then waitpid: %s, exit %d\n", r == p ? "the child" : "wrong", WEXITSTATUS(st));

	/* ... and restarted with SA_RESTART. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	p = fork();
	if (p == 0) {
		sleep_ms(100);
		kill(getppid(), SIGUSR1);
		sleep_ms(200);
		_exit(8);
	}
	before = got[SIGUSR1];
	r = waitpid(p, &st, 0);
	printf("waitpid with SA_RESTART: %s, exit %d, handled %d\n", r == p ? "the child" : "wrong",
	       WEXITSTATUS(st), got[SIGUSR1] - before);

	/* SA_RESETHAND: once, then the default (which would end us: ignore). */
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGURG, &sa, NULL);
	got[SIGURG] = 0;
	raise(SIGURG);
	raise(SIGURG);
	struct sigaction cur;
	sigaction(SIGURG, NULL, &cur);
	printf("SA_RESETHAND: handled %d, now default: %s\n", got[SIGURG],
	       cur.sa_handler == SIG_DFL ? "yes" : "no");

	/* Ignored: nothing happens. */
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	printf("ignored SIGUSR2: still here\n");

	/* A fault caught by a handler that jumps out. */
	sa.sa_handler = to_jump;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < 2; i++) {
		if (sigsetjmp(jump, 1) == 0) {
			volatile uintptr_t addr = 8;
			*(volatile int *)addr = 1;
			printf("no fault?\n");
		} else {
			printf("SIGSEGV caught by the handler, round %d\n", i + 1);
		}
	}

	/* A child killed by the default action of a signal it did not catch. */
	p = fork();
	if (p == 0) {
		signal(SIGUSR1, SIG_DFL);
		for (;;)
			pause();
	}
	sleep_ms(20);
	kill(p, SIGUSR1);
	waitpid(p, &st, 0);
	printf("default action of SIGUSR1: killed by %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	/* Stops: a child stopping itself (SIGTSTP's default), one stopped
	 * by SIGSTOP; the parent sees both with WUNTRACED; SIGCONT goes on. */
	p = fork();
	if (p == 0) {
		signal(SIGTSTP, SIG_DFL);
		raise(SIGTSTP);
		_exit(21);
	}
	waitpid(p, &st, WUNTRACED);
	printf("SIGTSTP: stopped %d by %d\n", WIFSTOPPED(st), WIFSTOPPED(st) ? WSTOPSIG(st) : 0);
	kill(p, SIGCONT);
	waitpid(p, &st, 0);
	printf("after SIGCONT: exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	p = fork();
	if (p == 0) {
		for (int i = 0; i < 20; i++)
			sleep_ms(10);
		_exit(22);
	}
	kill(p, SIGSTOP);
	waitpid(p, &st, WUNTRACED);
	printf("SIGSTOP: stopped %d by %d\n", WIFSTOPPED(st), WIFSTOPPED(st) ? WSTOPSIG(st) : 0);
	kill(p, SIGCONT);
	waitpid(p, &st, 0);
	printf("after SIGCONT: exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("signals: done\n");
	return 0;
}
