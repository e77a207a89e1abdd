/*
 * Pipes as programs see them: data of many sizes between processes
 * (checksummed), EOF when the writers are gone, EPIPE and SIGPIPE when
 * the readers are, O_NONBLOCK (EAGAIN, the 64 KiB capacity, PIPE_BUF
 * atomicity), writes of PIPE_BUF from several writers never interleaved,
 * poll and select over a pipe and a file, timeouts in a fork child (the
 * clock they are measured on is per process), signals during the wait.
 * Prints what it sees; test/unix compares the output on Ernst with the
 * host's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

/* The bound on a wait for what must come (a child's write or signal):
 * only a hang reaches it, however loaded the machine. */
#define MUST_COME_MS 60000

static void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
}

/* poll fds[0] (a pipe's read end) while a child writes to w a little later. */
static void poll_until_written(struct pollfd *fds, int w, const char *what)
{
	pid_t writer;
	int st;

	fflush(stdout);
	writer = fork();
	if (writer == 0) {
		usleep(50000);
		write(w, "!", 1);
		_exit(0);
	}
	result(what, poll(fds, 1, MUST_COME_MS));
	printf("revents %#x\n", fds[0].revents);
	waitpid(writer, &st, 0);
}

static void on_signal(int sig)
{
	(void) sig;
}

static volatile sig_atomic_t signals_seen, alarmed;
static void count_signal(int sig)
{
	if (sig == SIGALRM)
		alarmed = 1;
	else
		signals_seen++;
}

/* Whether SIGUSR1 is blocked now. */
static int usr1_blocked(void)
{
	sigset_t now;

	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigismember(&now, SIGUSR1);
}

/*
 * A child that sends sig to us a little later, and again every 50 ms
 * until end_signals stops it: on a loaded machine the first one can come
 * before we are in the call that it should interrupt.  With sig 0 the
 * child only exits after 50 ms.
 */
static pid_t signal_later(int sig)
{
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		do {
			usleep(50000);
			if (sig != 0)
				kill(getppid(), sig);
		} while (sig != 0);
		_exit(0);
	}
	return child;
}

static void end_signals(pid_t child)
{
	int st;

	kill(child, SIGKILL);
	waitpid(child, &st, 0);
}

static unsigned char pattern(size_t i, unsigned seed)
{
	return (unsigned char) (seed + i * 7 + (i >> 9));
}

/* A child writes n bytes in writes of chunk; the parent reads them all. */
static void transfer(size_t n, size_t chunk)
{
	int p[2], st;
	static unsigned char buf[1 << 17];
	size_t got = 0, bad = 0;
	pid_t child;

	pipe(p);
	child = fork();
	if (child == 0) {
		size_t done = 0;

		close(p[0]);
		while (done < n) {
			size_t k = n - done < chunk ? n - done : chunk, i;
			ssize_t w;

			for (i = 0; i < k; i++)
				buf[i] = pattern(done + i, (unsigned) n);
			w = write(p[1], buf, k);
			if (w <= 0)
				_exit(1);
			done += w;
		}
		_exit(0);
	}
	close(p[1]);
	for (;;) {
		ssize_t r = read(p[0], buf, sizeof(buf)), i;

		if (r <= 0)
			break;
		for (i = 0; i < r; i++)
			bad += buf[i] != pattern(got + i, (unsigned) n);
		got += r;
	}
	close(p[0]);
	waitpid(child, &st, 0);
	printf("%zu bytes in writes of %zu: got %zu, %zu wrong, ", n, chunk, got, bad);
	show_status("writer", st);
}

int main(void)
{
	static const size_t sizes[] = { 1, 100, 4095, 4096, 4097, 65535, 65536, 65537, 300000 };
	int p[2], st, i, flags;
	static char big[70000];
	pid_t child;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < (int) (sizeof(sizes) / sizeof(sizes[0])); i++)
		transfer(sizes[i], sizes[i] > 65536 ? 65536 : sizes[i]);
	transfer(300000, 1000);
	transfer(300000, 100000);

	/* EOF and EPIPE */
	pipe(p);
	close(p[1]);
	result("read with no writer", read(p[0], big, 10));
	close(p[0]);
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	result("write with no reader (SIGPIPE ignored)", write(p[1], "x", 1));
	signal(SIGPIPE, SIG_DFL);
	child = fork();
	if (child == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	waitpid(child, &st, 0);
	show_status("a writer with no reader", st);
	close(p[1]);

	/* A reader waiting for data gets EOF when the writer goes. */
	pipe(p);
	child = fork();
	if (child == 0) {
		close(p[0]);
		usleep(100000);
		_exit(0);
	}
	close(p[1]);
	result("a waiting read when the writer exits", read(p[0], big, 10));
	waitpid(child, &st, 0);
	close(p[0]);

	/* Nonblocking */
	pipe2(p, O_NONBLOCK);
	flags = fcntl(p[0], F_GETFL);
	printf("O_NONBLOCK set: %d\n", (flags & O_NONBLOCK) != 0);
	result("read an empty pipe", read(p[0], big, 10));
	result("write more than fits", write(p[1], big, sizeof(big)));
	result("write into a full pipe", write(p[1], "x", 1));
	result("read 4096", read(p[0], big, 4096));
	result("write 200", write(p[1], big, 200));
	result("write 4000 (<= PIPE_BUF) with room for 3896", write(p[1], big, 4000));
	result("write 3896", write(p[1], big, 3896));
	result("write 1 into the full pipe", write(p[1], big, 1));
	fcntl(p[0], F_SETFL, 0);
	printf("O_NONBLOCK cleared: %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
	close(p[0]);
	close(p[1]);

	/* PIPE_BUF writes from several writers stay whole. */
	pipe(p);
	for (i = 0; i < 4; i++) {
		if (fork() == 0) {
			char block[PIPE_BUF];
			int k;

			memset(block, 'A' + i, sizeof(block));
			close(p[0]);
			for (k = 0; k < 32; k++)
				write(p[1], block, sizeof(block));
			_exit(0);
		}
	}
	close(p[1]);
	{
		static char all[4 * 32 * PIPE_BUF];
		size_t got = 0, mixed = 0, b;
		ssize_t r;

		while ((r = read(p[0], all + got, sizeof(all) - got)) > 0)
			got += r;
		for (b = 0; b + PIPE_BUF <= got; b += PIPE_BUF) {
			size_t j;

			for (j = 1; j < PIPE_BUF; j++)
				if (all[b + j] != all[b]) {
					mixed++;
					break;
				}
		}
		printf("4 writers x 32 blocks of PIPE_BUF: %zu bytes, %zu blocks mixed\n", got, mixed);
	}
	while (wait(&st) > 0)
		;
	close(p[0]);

	/* poll and select over a pipe and a file */
	{
		struct pollfd fds[2];
		int f = open("/dev/null", O_RDONLY);
		fd_set rd;
		struct timeval tv = { 0, 0 };

		pipe(p);
		fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
		fds[1] = (struct pollfd){ f, POLLIN, 0 };
		result("poll pipe and /dev/null", poll(fds, 2, 1000));
		printf("revents %#x %#x\n", fds[0].revents, fds[1].revents);
		result("poll the empty pipe, timeout 0", poll(fds, 1, 0));
		poll_until_written(fds, p[1], "poll until the child writes");
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		result("select: readable", select(p[0] + 1, &rd, NULL, NULL, &tv));
		read(p[0], big, 1);
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		result("select: empty, timeout 0", select(p[0] + 1, &rd, NULL, NULL, &tv));
		close(p[1]);
		fds[0].revents = 0;
		result("poll after the writer closed", poll(fds, 1, 1000));
		printf("revents %#x\n", fds[0].revents);
		close(p[0]);
		close(f);
	}

	/* Timeouts measured in a fork child, after the parent measured some. */
	{
		struct pollfd fds[1];
		fd_set rd;
		struct timeval tv = { 0, 20000 };
		struct timespec ts = { 0, 20000000 };

		pipe(p);
		fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
		result("parent: poll the empty pipe, 20 ms", poll(fds, 1, 20));
		fflush(stdout);
		child = fork();
		if (child == 0) {
			result("child: poll the empty pipe, 20 ms", poll(fds, 1, 20));
			result("child: ppoll the empty pipe, 20 ms", ppoll(fds, 1, &ts, NULL));
			FD_ZERO(&rd);
			FD_SET(p[0], &rd);
			result("child: select on the empty pipe, 20 ms", select(p[0] + 1, &rd, NULL, NULL, &tv));
			FD_ZERO(&rd);
			FD_SET(p[0], &rd);
			result("child: pselect on the empty pipe, 20 ms", pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL));
			poll_until_written(fds, p[1], "child: poll until its child writes");
			fflush(stdout);
			_exit(0);
		}
		waitpid(child, &st, 0);
		show_status("the child that polled", st);
		close(p[0]);
		close(p[1]);
	}

	/* Signals during the wait: a handler's ends it, an ignored one does not. */
	{
		struct pollfd fds[1];
		fd_set rd;
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGUSR1, &sa, NULL);
		pipe(p);
		fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
		child = signal_later(SIGUSR1);
		result("poll, a handled signal comes", poll(fds, 1, MUST_COME_MS));
		end_signals(child);
		child = signal_later(SIGUSR1);
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		result("select, a handled signal comes", select(p[0] + 1, &rd, NULL, NULL, NULL));
		end_signals(child);
		/* Its exit sends SIGCHLD, ignored by default. */
		child = signal_later(0);
		result("poll, 200 ms, a child exits meanwhile", poll(fds, 1, 200));
		waitpid(child, &st, 0);
		signal(SIGUSR1, SIG_DFL);
		close(p[0]);
		close(p[1]);
	}

	/* ppoll's and pselect's signal mask holds for the wait, and only
	 * for it; their timeouts are checked as Linux does. */
	{
		struct pollfd fds[1];
		fd_set rd;
		struct timespec ts = { 0, 20000000 }, bad = { 0, 1000000000 };
		struct sigaction sa;
		sigset_t usr1, none;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = count_signal;
		sigaction(SIGUSR1, &sa, NULL);
		sigemptyset(&none);
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		pipe(p);
		fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
		result("ppoll, tv_nsec 1000000000", ppoll(fds, 1, &bad, NULL));
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		result("pselect, tv_nsec 1000000000", pselect(p[0] + 1, &rd, NULL, NULL, &bad, NULL));
		bad.tv_nsec = -1;
		result("ppoll, tv_nsec -1", ppoll(fds, 1, &bad, NULL));
		bad = (struct timespec){ -1, 0 };
		result("ppoll, tv_sec -1", ppoll(fds, 1, &bad, NULL));

		sigprocmask(SIG_BLOCK, &usr1, NULL);
		kill(getpid(), SIGUSR1);
		result("ppoll, SIGUSR1 pending and blocked by its mask too", ppoll(fds, 1, &ts, &usr1));
		printf("handler ran: %d\n", (int) signals_seen);
		result("ppoll, its mask lets the pending SIGUSR1 in", ppoll(fds, 1, &ts, &none));
		printf("handler ran: %d, SIGUSR1 blocked again: %d\n", (int) signals_seen, usr1_blocked());
		kill(getpid(), SIGUSR1);
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		result("pselect, SIGUSR1 pending and blocked by its mask too",
		       pselect(p[0] + 1, &rd, NULL, NULL, &ts, &usr1));
		printf("handler ran: %d\n", (int) signals_seen);
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		result("pselect, its mask lets the pending SIGUSR1 in", pselect(p[0] + 1, &rd, NULL, NULL, &ts, &none));
		printf("handler ran: %d, SIGUSR1 blocked again: %d\n", (int) signals_seen, usr1_blocked());

		/* Unblocked outside, blocked by the mask: a SIGUSR1 sent during
		 * the wait does not end it (the data does), and is handled once
		 * the call has put the old mask back. */
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
		fflush(stdout);
		child = fork();
		if (child == 0) {
			kill(getppid(), SIGUSR1);
			write(p[1], "x", 1);
			_exit(0);
		}
		result("ppoll with SIGUSR1 in its mask, a SIGUSR1 and then data come", ppoll(fds, 1, NULL, &usr1));
		/* Its delivery may take a moment (the sender is another
		 * process); a bound, should it never come. */
		sigaction(SIGALRM, &sa, NULL);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		alarm(MUST_COME_MS / 1000);
		while (signals_seen < 3 && !alarmed)
			sigsuspend(&none);
		alarm(0);
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
		signal(SIGALRM, SIG_DFL);
		printf("handler ran: %d\n", (int) signals_seen);
		waitpid(child, &st, 0);
		signal(SIGUSR1, SIG_DFL);
		close(p[0]);
		close(p[1]);
	}
	return 0;
}
