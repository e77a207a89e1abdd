/*
 * Processes: fork trees and wait, exit status encodings, process groups,
 * a child killed by a signal, orphaned groups (SIGHUP and SIGCONT when
 * a member is stopped).  Prints what it sees; test/unix/run.sh
 * compares the output on Ernst with the same binary's on the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <stdint.h>
#include <unistd.h>
#include "report.h"

#define CHILDREN 3
#define GRANDCHILDREN 2

static void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

/* A child that forks its own children and exits with the sum of theirs. */
static int subtree(int base)
{
	int sum = 0;
	for (int g = 0; g < GRANDCHILDREN; g++) {
		pid_t p = fork();
		if (p == 0)
			_exit(base + g);
		if (p < 0)
			return 100;
	}
	for (int g = 0; g < GRANDCHILDREN; g++) {
		int st;
		if (wait(&st) < 0 || !WIFEXITED(st))
			return 101;
		sum += WEXITSTATUS(st);
	}
	return sum;
}

/*
 * Orphaned groups.  What the signals a group's member gets, in order,
 * written to a pipe: "H" for SIGHUP, "C" for SIGCONT, "U" for SIGUSR1.
 */
static char got[8];
static volatile sig_atomic_t ngot;

static void note(int sig)
{
	if (ngot < (int)sizeof(got) - 1)
		got[ngot++] = sig == SIGHUP ? 'H' : sig == SIGCONT ? 'C' : 'U';
}

/*
 * The member: with SIGHUP, SIGCONT and SIGUSR1 noted (each blocking the
 * later ones while it runs, so they come in that order) and blocked
 * until it waits for them; it writes its pid to fd, stops itself if
 * stop and then waits for SIGCONT, else for SIGUSR1 (the word that the
 * group is orphaned now).  It reports to fd and ends.
 */
static void orphan_member(int fd, int stop)
{
	struct sigaction sa = {.sa_handler = note};
	sigset_t block, none;

	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCONT);
	sigaddset(&block, SIGUSR1);
	sa.sa_mask = block;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCONT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&none);
	dprintf(fd, "%d\n", getpid());
	if (stop)
		raise(SIGSTOP);
	while (ngot == 0 || got[ngot - 1] != (stop ? 'C' : 'U'))
		sigsuspend(&none);
	got[ngot] = 0;
	dprintf(fd, "%s member: got %s\n", stop ? "stopped" : "running", got);
	_exit(0);
}

/*
 * A middle process that ends, orphaning a group with a member that is
 * stopped (or not): the member in a group of its own (own_group), or in
 * the middle's new group.  The member's report is printed.
 */
static void orphan_case(const char *what, int own_group, int stop)
{
	int fds[2], st;
	char buf[128];
	ssize_t n;

	if (pipe(fds) < 0)
		return;
	pid_t mid = fork();
	if (mid == 0) {
		if (!own_group)
			setpgid(0, 0);
		pid_t m = fork();
		if (m == 0) {
			close(fds[0]);
			if (own_group)
				setpgid(0, 0);
			orphan_member(fds[1], stop);
		}
		/* The member is stopped (or its group made) before the middle ends. */
		if (stop)
			waitpid(m, &st, WUNTRACED);
		else if (own_group)
			setpgid(m, m);
		_exit(0);
	}
	close(fds[1]);
	waitpid(mid, &st, 0);
	pid_t member = 0;
	for (int i = 0; i < (int)sizeof(buf) - 1 && read(fds[0], buf + i, 1) == 1; i++)
		if (buf[i] == '\n') {
			member = atoi(buf);
			break;
		}
	if (!stop)
		kill(member, SIGUSR1);
	printf("%s: ", what);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fds[0]);
}

/*
 * vfork suspends the parent until the child execs or exits: the child
 * sleeps, then writes to a pipe before it goes; the parent's first look
 * at the pipe after vfork returns (without waiting) finds the byte.  A
 * failed execve does not end the suspension (the child writes after it).
 */
static void vfork_case(const char *what, int try_exec)
{
	int fds[2], st;
	char c = 0;

	if (pipe2(fds, O_NONBLOCK) < 0) {
		printf("%s: pipe2 failed\n", what);
		return;
	}
	pid_t p = vfork();
	if (p == 0) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (try_exec) {
			char *const argv[] = {"/no/such/program", NULL};
			execve(argv[0], argv, argv + 1);
		}
		write(fds[1], "v", 1);
		_exit(try_exec ? 127 : 4);
	}
	ssize_t n = read(fds[0], &c, 1);
	printf("%s: the parent resumes after the child: %s\n", what, n == 1 && c == 'v' ? "yes" : "no");
	waitpid(p, &st, 0);
	show_status(what, st);
	close(fds[0]);
	close(fds[1]);
}

static void vfork_cases(void)
{
	vfork_case("vfork, _exit", 0);
	vfork_case("vfork, failed execve, _exit", 1);
}

static volatile sig_atomic_t child_ended;

static void on_child(int sig)
{
	(void)sig;
	child_ended = 1;
}

/* Whether /proc/p/stat says process p is a zombie. */
static int is_zombie(pid_t p)
{
	char path[32], buf[256], *rp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)p);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	rp = strrchr(buf, ')');
	return rp != NULL && rp[1] == ' ' && rp[2] == 'Z';
}

/* getsid: the caller's (0 or its pid), a child's (the same session, and
 * its own after setsid), a zombie's, nobody's. */

static void getsid_cases(void)
{
	int fds[2], st;
	char c;
	pid_t self = getsid(0);

	printf("getsid(0) > 0: %s\n", self > 0 ? "yes" : "no");
	printf("getsid(getpid()) is getsid(0): %s\n", getsid(getpid()) == self ? "yes" : "no");
	pipe(fds);
	pid_t p = fork();
	if (p == 0) {
		read(fds[0], &c, 1); /* the parent has looked */
		pid_t s = setsid();
		printf("child: setsid is its pid: %s\n", s == getpid() ? "yes" : "no");
		_exit(0);
	}
	printf("getsid(child) is the parent's: %s\n", getsid(p) == self ? "yes" : "no");
	write(fds[1], "x", 1);
	waitpid(p, &st, 0);
	result("getsid(reaped child)", getsid(p));
	close(fds[0]);
	close(fds[1]);

	/* A zombie keeps its session until reaped.  /proc shows it a zombie
	 * once its SIGCHLD has come (sent when it became one): that signal is
	 * waited for, not a time. */
	struct sigaction sa = {.sa_handler = on_child}, old_sa;
	sigset_t chld, old_mask, wait_mask;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old_mask);
	sigaction(SIGCHLD, &sa, &old_sa);
	child_ended = 0;
	p = fork();
	if (p == 0)
		_exit(setsid() == getpid() ? 0 : 1);
	wait_mask = old_mask;
	sigdelset(&wait_mask, SIGCHLD);
	while (!child_ended)
		sigsuspend(&wait_mask);
	sigaction(SIGCHLD, &old_sa, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	printf("the child is a zombie: %s\n", is_zombie(p) ? "yes" : "no");
	printf("getsid(zombie) is its pid: %s\n", getsid(p) == p ? "yes" : "no");
	printf("getpgid(zombie) is its pid: %s\n", getpgid(p) == p ? "yes" : "no");
	waitpid(p, &st, 0);
	show_status("the zombie", st);
	result("getsid(-1)", getsid(-1));
}

static int checks(void)
{
	printf("procs: start\n");

	/* A tree: 3 children with 2 children each. */
	pid_t kids[CHILDREN];
	for (int c = 0; c < CHILDREN; c++) {
		kids[c] = fork();
		if (kids[c] == 0)
			_exit(subtree(10 * (c + 1)));
	}
	for (int c = CHILDREN - 1; c >= 0; c--) {
		int st;
		pid_t w = waitpid(kids[c], &st, 0);
		printf("tree child %d: waited the right pid %s; ", c, w == kids[c] ? "yes" : "no");
		show_status("subtree", st);
	}
	printf("no children left: %s\n", wait(NULL) < 0 && errno == ECHILD ? "ECHILD" : "wrong");

	/* Exit codes and a signal death. */
	pid_t p = fork();
	if (p == 0)
		exit(42);
	int st;
	waitpid(p, &st, 0);
	show_status("exit(42)", st);
	p = fork();
	if (p == 0) {
		for (;;)
			pause();
	}
	kill(p, SIGTERM);
	waitpid(p, &st, 0);
	show_status("SIGTERM", st);
	p = fork();
	if (p == 0) {
		volatile uintptr_t addr = 16;
		*(volatile int *)addr = 1;
		_exit(0);
	}
	waitpid(p, &st, 0);
	printf("null write: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
	       WIFSIGNALED(st) ? WTERMSIG(st) : 0);

	/* WNOHANG on a running child (it waits for our word: no sleep that a
	 * loaded machine could outlast), then the real wait. */
	int go[2];
	char c;
	pipe(go);
	p = fork();
	if (p == 0) {
		read(go[0], &c, 1);
		_exit(7);
	}
	printf("WNOHANG while running: %d\n", (int)waitpid(p, &st, WNOHANG));
	write(go[1], "x", 1);
	close(go[0]);
	close(go[1]);
	printf("then: %s\n", waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 7 ? "exit 7" : "wrong");

	/* Process groups. */
	p = fork();
	if (p == 0) {
		printf("child: own group before setpgid: %s\n", getpgrp() == getpid() ? "yes" : "no");
		setpgid(0, 0);
		printf("child: own group after setpgid: %s\n", getpgrp() == getpid() ? "yes" : "no");
		_exit(0);
	}
	waitpid(p, &st, 0);
	/* p is gone now: nobody has its pid. */
	printf("setpgid of a stranger: %s\n", setpgid(p, 0) < 0 ? strerror(errno) : "allowed");
	printf("kill of nobody: %s\n", kill(p, 0) < 0 ? strerror(errno) : "allowed");
	printf("kill with a bad signal: %s\n", kill(getpid(), 1000) < 0 ? strerror(errno) : "allowed");
	printf("waitpid of a non-child: %s\n", waitpid(p, &st, 0) < 0 ? strerror(errno) : "allowed");

	/* vfork + _exit. */
	p = vfork();
	if (p == 0)
		_exit(3);
	waitpid(p, &st, 0);
	show_status("vfork child", st);
	vfork_cases();
	getsid_cases();

	/* Last: the members end as the children of a process outside our
	 * session (on Ernst pid 1, on the host init or a subreaper). */
	orphan_case("own group, stopped", 1, 1);
	orphan_case("parent's group, stopped", 0, 1);
	orphan_case("own group, running", 1, 0);
	orphan_case("parent's group, running", 0, 0);
	printf("procs: done\n");
	return 0;
}

/*
 * The checks run in a session of their own, the same on Ernst and on
 * the host: what the host's session is (its leader may be outside our
 * pid namespace, where getsid says 0: CI's is) and which process takes
 * orphans (a subreaper in our session would keep a group from being
 * orphaned) then make no difference to what is printed.
 */
int main(void)
{
	int st;

	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t p = fork();
	if (p < 0)
		return 1;
	if (p > 0)
		return waitpid(p, &st, 0) == p && WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	if (setsid() < 0) {
		printf("procs: setsid: %s\n", strerror(errno));
		return 1;
	}
	return checks();
}
