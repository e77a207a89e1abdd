/*
 * Waiting for events, never for time, in the Linux test programs that
 * make a child wait in a call (fifos.c's open, flocks.c's flock): a
 * child's status bytes on a pipe, its wait status, and signals sent
 * until the child's call answers.
 */
#ifndef _TEST_UNIX_WAITS_H_
#define _TEST_UNIX_WAITS_H_

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
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

#endif /* _TEST_UNIX_WAITS_H_ */
