/*
 * Signals: handlers with and without SA_SIGINFO (sigreturn and
 * rt_sigreturn), the mask (blocked signals stay pending, then arrive),
 * sigsuspend, SIGCHLD, a handler interrupting a blocking wait (EINTR)
 * and SA_RESTART, SA_RESETHAND, ignored signals, a fault caught by a
 * handler that jumps out, signals sent to a stopped child beyond its
 * message queue.  Compared with the host's output.
 */
#include <errno.h>
#include <fcntl.h>
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

/*
 * Signals sent to a stopped child, more than its message port's queue
 * holds on Ernst (the task is suspended: its signal thread cannot take
 * them): every one is delivered after SIGCONT, as on Linux, where a
 * standard signal sent again while pending coalesces but none is lost.
 * The child waits for them, not for a time: SIGALRM only bounds a wait
 * that would otherwise not end (a lost signal).
 */
static void stopped_flooded(void)
{
	static const int sigs[] = {SIGUSR1, SIGUSR2, SIGTERM, SIGALRM};
	int ready[2], word[2], st;
	char c;

	if (pipe(ready) < 0 || pipe(word) < 0)
		return;
	pid_t p = fork();
	if (p == 0) {
		struct sigaction sa;
		sigset_t mask, old;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = plain;
		sigemptyset(&mask);
		for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
			sigaction(sigs[i], &sa, NULL);
			got[sigs[i]] = 0;
			sigaddset(&mask, sigs[i]);
		}
		write(ready[1], "r", 1);
		while (read(word[0], &c, 1) < 0 && errno == EINTR)
			;
		sigprocmask(SIG_BLOCK, &mask, &old);
		alarm(10);
		while (!(got[SIGUSR1] && got[SIGUSR2] && got[SIGTERM]) && !got[SIGALRM])
			sigsuspend(&old);
		printf("stopped child flooded, after SIGCONT: USR1 %s, USR2 %s, TERM %s\n",
		       got[SIGUSR1] ? "got" : "lost", got[SIGUSR2] ? "got" : "lost", got[SIGTERM] ? "got" : "lost");
		_exit(23);
	}
	read(ready[0], &c, 1);
	kill(p, SIGSTOP);
	waitpid(p, &st, WUNTRACED);
	printf("flooded child: stopped %d\n", WIFSTOPPED(st));
	for (int i = 0; i < 10; i++)
		kill(p, SIGUSR1);
	kill(p, SIGUSR2);
	kill(p, SIGTERM);
	kill(p, SIGCONT);
	write(word[1], "w", 1);
	waitpid(p, &st, 0);
	printf("flooded child: exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	close(ready[0]);
	close(ready[1]);
	close(word[0]);
	close(word[1]);
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
	/* A child already a zombie when the wait begins: its SIGCHLD (sent
	 * once it is one) was handled while we waited for that signal, not
	 * for a time, and the wait answers at once. */
	got[SIGCHLD] = 0;
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	p = fork();
	if (p == 0)
		_exit(2);
	wait_set = old;
	sigdelset(&wait_set, SIGCHLD);
	while (got[SIGCHLD] == 0)
		sigsuspend(&wait_set);
	sigprocmask(SIG_SETMASK, &old, NULL);
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

	/* A blocking wait interrupted: EINTR without SA_RESTART.  The child
	 * sends SIGUSR1 every 50 ms until we have its word that the wait
	 * ended (on a loaded machine the first can come before we wait, and
	 * is handled then), and only ends after it: the wait can only end
	 * by a signal.  SIGUSR1 is blocked from then until the child is
	 * reaped, so that its last ones interrupt nothing else. */
	sa.sa_handler = plain;
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	int done[2];
	pipe(done);
	fcntl(done[0], F_SETFL, O_NONBLOCK);
	p = fork();
	if (p == 0) {
		char c;
		do {
			sleep_ms(50);
			kill(getppid(), SIGUSR1);
		} while (read(done[0], &c, 1) != 1);
		_exit(9);
	}
	int st;
	r = waitpid(p, &st, 0);
	int e = errno;
	sigprocmask(SIG_BLOCK, &usr1, &old);
	write(done[1], "x", 1);
	printf("waitpid interrupted: %d %s\n", r, r < 0 ? strerror(e) : "");
	r = waitpid(p, &st, 0);
	printf("then waitpid: %s, exit %d\n", r == p ? "the child" : "wrong", WEXITSTATUS(st));
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(done[0]);
	close(done[1]);

	/* ... and restarted with SA_RESTART (counted from before the fork:
	 * the signal may come before the wait begins). */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	before = got[SIGUSR1];
	p = fork();
	if (p == 0) {
		sleep_ms(100);
		kill(getppid(), SIGUSR1);
		sleep_ms(200);
		_exit(8);
	}
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

	/* A child killed by the default action of a signal it did not catch
	 * (sent once the child says its handler is gone: before that, ours
	 * would run in it). */
	int ready[2];
	char c;
	pipe(ready);
	p = fork();
	if (p == 0) {
		signal(SIGUSR1, SIG_DFL);
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	read(ready[0], &c, 1);
	close(ready[0]);
	close(ready[1]);
	kill(p, SIGUSR1);
	waitpid(p, &st, 0);
	printf("default action of SIGUSR1: killed by %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	/* Stops: a child stopping itself (SIGTSTP's default), one stopped
	 * by SIGSTOP; the parent sees both with WUNTRACED; SIGCONT goes on.
	 * The first leads a group of its own, which its parent (in another
	 * group of the session) keeps from being orphaned: Linux drops
	 * SIGTSTP's stop in an orphaned group, and on the host ours can be
	 * one (a test run in the background of a shell that has gone). */
	p = fork();
	if (p == 0) {
		setpgid(0, 0);
		signal(SIGTSTP, SIG_DFL);
		raise(SIGTSTP);
		_exit(21);
	}
	waitpid(p, &st, WUNTRACED);
	printf("SIGTSTP: stopped %d by %d\n", WIFSTOPPED(st), WIFSTOPPED(st) ? WSTOPSIG(st) : 0);
	kill(p, SIGCONT);
	waitpid(p, &st, 0);
	printf("after SIGCONT: exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	/* The one stopped by SIGSTOP waits for our word after SIGCONT to
	 * end: it cannot have ended before the SIGSTOP comes. */
	int word[2];
	pipe(word);
	p = fork();
	if (p == 0) {
		while (read(word[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(22);
	}
	kill(p, SIGSTOP);
	waitpid(p, &st, WUNTRACED);
	printf("SIGSTOP: stopped %d by %d\n", WIFSTOPPED(st), WIFSTOPPED(st) ? WSTOPSIG(st) : 0);
	kill(p, SIGCONT);
	write(word[1], "x", 1);
	waitpid(p, &st, 0);
	close(word[0]);
	close(word[1]);
	printf("after SIGCONT: exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	stopped_flooded();
	printf("signals: done\n");
	return 0;
}
