/*
 * flock(2) as programs see it: shared and exclusive locks between open
 * file descriptions, LOCK_NB (EWOULDBLOCK), LOCK_UN, locks shared by
 * dup and fork (they belong to the description), released at the last
 * close and at exit, a blocked flock granted when the holder lets go
 * (also to two processes waiting on one description, which then holds
 * one lock), ended by a signal (EINTR) or restarted (SA_RESTART), converting
 * between shared and exclusive (not atomic, as Linux's), directories
 * and pipes, bad requests.  Waits are for events, never for time.
 * Prints what it sees; test/unix/compare.sh compares the output on
 * Ernst with the host's.  The directory: argv[1], or a new one under
 * /tmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "waits.h"

static char dir[256];
static char path[300];

static int fresh(void)
{
	return open(path, O_RDWR);
}

static void basics(void)
{
	int a = fresh(), b = fresh(), c = fresh();

	printf("-- shared and exclusive\n");
	result("a LOCK_SH", flock(a, LOCK_SH));
	result("b LOCK_SH", flock(b, LOCK_SH));
	result("c LOCK_EX|LOCK_NB", flock(c, LOCK_EX | LOCK_NB));
	result("a LOCK_SH again", flock(a, LOCK_SH));
	result("a LOCK_UN", flock(a, LOCK_UN));
	result("c LOCK_EX|LOCK_NB, b still shares", flock(c, LOCK_EX | LOCK_NB));
	result("b LOCK_UN", flock(b, LOCK_UN));
	result("c LOCK_EX|LOCK_NB", flock(c, LOCK_EX | LOCK_NB));
	result("a LOCK_SH|LOCK_NB", flock(a, LOCK_SH | LOCK_NB));
	result("c LOCK_EX again", flock(c, LOCK_EX));
	result("c LOCK_UN", flock(c, LOCK_UN));
	result("c LOCK_UN without a lock", flock(c, LOCK_UN));
	result("a LOCK_EX (blocking, free)", flock(a, LOCK_EX));

	printf("-- converting\n");
	result("a to LOCK_SH", flock(a, LOCK_SH));
	result("b LOCK_SH|LOCK_NB", flock(b, LOCK_SH | LOCK_NB));
	result("a to LOCK_EX|LOCK_NB while b shares", flock(a, LOCK_EX | LOCK_NB));
	/* Not atomic: a's shared lock went before the refusal. */
	result("b to LOCK_EX|LOCK_NB, a let go", flock(b, LOCK_EX | LOCK_NB));
	result("a LOCK_SH|LOCK_NB", flock(a, LOCK_SH | LOCK_NB));
	result("b to LOCK_SH", flock(b, LOCK_SH));
	result("a LOCK_SH|LOCK_NB now", flock(a, LOCK_SH | LOCK_NB));
	result("b LOCK_UN", flock(b, LOCK_UN));
	result("a to LOCK_EX alone", flock(a, LOCK_EX));
	result("c LOCK_SH|LOCK_NB", flock(c, LOCK_SH | LOCK_NB));
	close(a);
	close(b);
	close(c);
}

static void shared_by_dup_and_fork(void)
{
	int a = fresh(), b = fresh(), d, st;

	printf("-- dup and fork share the description's lock\n");
	result("a LOCK_EX", flock(a, LOCK_EX));
	d = dup(a);
	result("dup of a LOCK_EX|LOCK_NB", flock(d, LOCK_EX | LOCK_NB));
	result("b LOCK_SH|LOCK_NB", flock(b, LOCK_SH | LOCK_NB));
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		int mine = fresh();
		int r1 = flock(a, LOCK_EX | LOCK_NB);
		int r2 = flock(mine, LOCK_EX | LOCK_NB);
		int e2 = errno;
		printf("child: inherited a LOCK_EX|LOCK_NB %d; its own open %d %s\n", r1, r2,
		       r2 < 0 ? strerrorname_np(e2) : "");
		/* Closing the child's copies leaves the description's lock. */
		close(a);
		close(d);
		_exit(0);
	}
	waitpid(child, &st, 0);
	show_status("child", st);
	result("b LOCK_SH|LOCK_NB after the child closed its copies", flock(b, LOCK_SH | LOCK_NB));
	result("LOCK_UN through the dup", flock(d, LOCK_UN));
	result("b LOCK_EX|LOCK_NB", flock(b, LOCK_EX | LOCK_NB));
	flock(b, LOCK_UN);
	result("a LOCK_EX", flock(a, LOCK_EX));
	close(d);
	result("b LOCK_EX|LOCK_NB, a's dup closed", flock(b, LOCK_EX | LOCK_NB));
	/* The last close lets go: b's blocking request is granted then. */
	close(a);
	result("b LOCK_EX after a's last close", flock(b, LOCK_EX));
	close(b);
}

/* Flags set right before a flock that another process sees blocked (waits_blocked). */
static volatile int *flags;

/*
 * A child takes a lock on its own description; the parent's blocking
 * flock is granted once the child lets go, when it has seen the parent
 * wait: by LOCK_UN ('u'), or by exiting ('x').
 */
static void released(char how)
{
	int s[2], st, a, r;

	printf("-- a blocked flock granted by %s\n", how == 'u' ? "LOCK_UN" : "the holder's exit");
	pipe(s);
	flags[0] = 0;
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		int mine = fresh();
		close(s[0]);
		flock(mine, LOCK_EX);
		write(s[1], "l", 1);
		int waited = waits_blocked(getppid(), &flags[0]);
		if (how == 'u')
			flock(mine, LOCK_UN);
		_exit(waited ? 0 : 1);
	}
	close(s[1]);
	printf("child holds it: %c\n", status_byte(s[0]));
	a = fresh();
	result("LOCK_EX|LOCK_NB", flock(a, LOCK_EX | LOCK_NB));
	flags[0] = 1;
	r = flock(a, LOCK_EX);
	result("LOCK_EX", r);
	waitpid(child, &st, 0);
	show_status("child (0: it saw the parent wait)", st);
	close(a);
	close(s[0]);
}

/*
 * Two processes wait in flock(LOCK_EX) on one description (shared by
 * fork) behind another description's shared lock; both are granted
 * when it goes, and the description holds one lock (as Linux's): its
 * LOCK_UN lets the file go.
 */
static void waiters_sharing(void)
{
	int d = fresh(), e = fresh(), f = fresh(), s[2], st, r;
	pid_t waiter, unlocker;

	printf("-- two processes wait on one description\n");
	result("e LOCK_SH", flock(e, LOCK_SH));
	pipe(s);
	flags[0] = flags[1] = 0;
	fflush(stdout);
	waiter = fork();
	if (waiter == 0) {
		close(s[0]);
		flags[0] = 1;
		char c = flock(d, LOCK_EX) == 0 ? 'l' : 'x';
		write(s[1], &c, 1);
		_exit(0);
	}
	unlocker = fork();
	if (unlocker == 0) {
		int both = waits_blocked(waiter, &flags[0]) && waits_blocked(getppid(), &flags[1]);
		/* e's description is the parent's too. */
		flock(e, LOCK_UN);
		_exit(both ? 0 : 1);
	}
	close(s[1]);
	flags[1] = 1;
	r = flock(d, LOCK_EX);
	result("d LOCK_EX", r);
	printf("the child's flock on d: %c\n", status_byte(s[0]));
	waitpid(waiter, &st, 0);
	show_status("waiter", st);
	waitpid(unlocker, &st, 0);
	show_status("unlocker (0: it saw both wait)", st);
	result("f LOCK_EX|LOCK_NB", flock(f, LOCK_EX | LOCK_NB));
	result("d LOCK_UN", flock(d, LOCK_UN));
	result("f LOCK_EX|LOCK_NB after d's LOCK_UN", flock(f, LOCK_EX | LOCK_NB));
	result("d LOCK_SH|LOCK_NB", flock(d, LOCK_SH | LOCK_NB));
	close(d);
	close(e);
	close(f);
	close(s[0]);
}

static int held_fd;

/* The restarted flock is granted. */
static void let_go(void)
{
	flock(held_fd, LOCK_UN);
}

static int child_flock(void)
{
	return flock(fresh(), LOCK_EX);
}

/*
 * A child blocks in flock behind the parent's lock; signals until its
 * handler ran: without SA_RESTART the flock answers EINTR, with it the
 * flock goes on and is granted when the parent lets go.
 */
static void interrupted(int restart)
{
	int a = fresh();

	printf("-- a blocked flock and a signal%s\n", restart ? " with SA_RESTART" : "");
	flock(a, LOCK_EX);
	held_fd = a;
	waits_interrupted(restart, child_flock, let_go, "flock");
	result("LOCK_EX after the child", flock(a, LOCK_EX));
	close(a);
}

static void other_files(void)
{
	int p[2], d1, d2;

	printf("-- directories, pipes, bad requests\n");
	d1 = open(dir, O_RDONLY | O_DIRECTORY);
	d2 = open(dir, O_RDONLY | O_DIRECTORY);
	result("directory LOCK_EX", flock(d1, LOCK_EX));
	result("directory again LOCK_SH|LOCK_NB", flock(d2, LOCK_SH | LOCK_NB));
	close(d1);
	close(d2);
	pipe(p);
	result("pipe's read end LOCK_EX", flock(p[0], LOCK_EX));
	result("its write end LOCK_EX|LOCK_NB", flock(p[1], LOCK_EX | LOCK_NB));
	close(p[0]);
	close(p[1]);
	int a = fresh();
	int o = open(path, O_PATH);
	result("O_PATH LOCK_SH", flock(o, LOCK_SH));
	result("O_PATH LOCK_UN", flock(o, LOCK_UN));
	close(o);
	result("bad fd", flock(1000, LOCK_SH));
	result("closed fd", flock(o, LOCK_SH));
	result("op 0", flock(a, 0));
	result("LOCK_NB alone", flock(a, LOCK_NB));
	result("LOCK_SH|LOCK_EX", flock(a, LOCK_SH | LOCK_EX));
	result("op 16", flock(a, 16));
	result("LOCK_UN|LOCK_NB", flock(a, LOCK_UN | LOCK_NB));
	int r = open(path, O_RDONLY);
	result("read-only open LOCK_EX", flock(r, LOCK_EX));
	close(r);
	close(a);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (work_dir(dir, sizeof(dir), argc > 1 ? argv[1] : NULL, "flocks") < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/file", dir);
	close(open(path, O_CREAT | O_RDWR, 0644));
	basics();
	shared_by_dup_and_fork();
	flags = waits_flags();
	if (flags == NULL)
		return 1;
	released('u');
	released('x');
	waiters_sharing();
	interrupted(0);
	interrupted(1);
	other_files();
	unlink(path);
	result("rmdir", rmdir(dir));
	return 0;
}
