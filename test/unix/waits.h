/*
 * Waiting for events, never for time, in the Linux test programs that
 * make a child wait in a call (fifos.c's open, flocks.c's flock): a
 * child's status bytes on a pipe, its wait status, signals sent until
 * the child's call answers, and another process seen blocked in a call.
 */
#ifndef _TEST_UNIX_WAITS_H_
#define _TEST_UNIX_WAITS_H_

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The bound on a wait for what must come: only a hang reaches it. */
#define MUST_COME_MS 60000

static inline void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
}

/* One byte from a status pipe, waited for (at most MUST_COME_MS). */
static inline int status_byte(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;

	if (poll(&p, 1, MUST_COME_MS) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return c;
}

/* The handler's pipe: each SIGUSR1 the child handles writes a byte. */
static int waits_handled[2];

static inline void waits_on_usr1(int sig)
{
	(void) sig;
	write(waits_handled[1], "h", 1);
}

/* In the child (after waits_signals_begin): handle SIGUSR1, with SA_RESTART or not. */
static inline void waits_child_handler(int restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = waits_on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
}

/* Before the fork. */
static inline void waits_signals_begin(void)
{
	pipe(waits_handled);
	fflush(stdout);
}

/*
 * The parent: the child waits in a call and writes to answer_fd once it
 * returns.  SIGUSR1 until its handler ran; a signal that came before
 * the call began does not end it, so without restart more are sent
 * until the call answers.  With restart, once the handler ran, then()
 * makes the restarted call complete, and we wait for its answer.
 * Whether a handler ran.
 */
static inline int waits_signal_until(pid_t child, int answer_fd, int restart, void (*then)(void))
{
	struct pollfd p[2] = { { answer_fd, POLLIN, 0 }, { waits_handled[0], POLLIN, 0 } };
	int handled = 0;

	close(waits_handled[1]);
	for (;;) {
		if (!restart || !handled)
			kill(child, SIGUSR1);
		if (poll(p, 2, restart && handled ? MUST_COME_MS : 100) < 0)
			continue;
		if (p[1].revents & POLLIN) {
			char c;
			read(waits_handled[0], &c, 1);
			if (restart && !handled)
				then();
			handled = 1;
		}
		if (p[0].revents & POLLIN)
			break;
	}
	close(waits_handled[0]);
	return handled;
}

/*
 * Flags that processes share across fork (MAP_SHARED), set with no
 * system call: a process sets its flag right before the call it is to
 * be seen blocked in.  NULL on failure.
 */
static inline volatile int *waits_flags(void)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return m == MAP_FAILED ? NULL : m;
}

/* pid's state letter in /proc/PID/stat, or 0. */
static inline char waits_state(pid_t pid)
{
	char name[32], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "/proc/%d/stat", (int) pid);
	fd = open(name, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	paren = strrchr(buf, ')'); /* the command's name may hold one */
	return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

/*
 * Whether pid is blocked in the call it makes right after setting *flag:
 * once the flag is set, pid makes no other system call before that
 * one, so sleeping ('S' in /proc/PID/stat, on Linux and on Ernst) means
 * waiting in it.  Waits for both (at most MUST_COME_MS).
 */
static inline int waits_blocked(pid_t pid, volatile int *flag)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (*flag && waits_state(pid) == 'S')
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 > MUST_COME_MS)
			return 0;
		sched_yield();
	}
}

/*
 * A child waits in call (0: done, or -1 with errno) and is signalled
 * (waits_signal_until, then() making a restarted call complete); we
 * say how its call ended and whether a handler ran, and reap it.
 */
static inline void waits_interrupted(int restart, int (*call)(void), void (*then)(void), const char *what)
{
	int s[2], st;

	pipe(s);
	waits_signals_begin();
	pid_t child = fork();
	if (child == 0) {
		waits_child_handler(restart);
		close(s[0]);
		write(s[1], "b", 1);
		int r = call();
		char c = r >= 0 ? 'd' : errno == EINTR ? 'i' : 'x';
		write(s[1], &c, 1);
		_exit(0);
	}
	close(s[1]);
	status_byte(s[0]);
	int handled = waits_signal_until(child, s[0], restart, then);
	int c = status_byte(s[0]);
	printf("the child's %s: %s\n", what, c == 'd' ? "done" : c == 'i' ? "EINTR" : "other");
	printf("a handler ran: %d\n", handled);
	waitpid(child, &st, 0);
	show_status("child", st);
	close(s[0]);
}

#endif /* _TEST_UNIX_WAITS_H_ */
