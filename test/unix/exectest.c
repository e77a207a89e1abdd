/*
 * execve with arguments and environment (the program runs itself again
 * through /proc/self/exe), a #! script, execve's errors, fds across exec
 * (FD_CLOEXEC), pipes with poll and select, EOF and EPIPE/SIGPIPE.
 * Run from the booted system's /bin on Ernst, and on the host; the
 * outputs must be equal (test/unix/compare.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "report.h"

#define SCRIPT "./exectest-script" /* in a scratch directory */
/* The bound on a wait for what must come (the other process's byte):
 * only a hang reaches it, however loaded the machine. */
#define MUST_COME_MS 60000

static void child_mode(int argc, char **argv)
{
	printf("child: argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("child: argv[%d] = \"%s\"\n", i, argv[i]);
	printf("child: GREETING=%s\n", getenv("GREETING") ? getenv("GREETING") : "(none)");
	printf("child: EMPTY=[%s]\n", getenv("EMPTY") ? getenv("EMPTY") : "(none)");
	printf("child: fd 5 %s\n", fcntl(5, F_GETFD) < 0 ? "closed" : "open");
	printf("child: fd 6 %s\n", fcntl(6, F_GETFD) < 0 ? "closed" : "open");
	exit(argc);
}

/* vfork's child after execve: waits (MUST_COME_MS at most) for the parent's byte
 * on fd argv[2], which the parent can only send once the execve has
 * released it, then answers on fd argv[3]. */
static void vforked_mode(char **argv)
{
	int in = atoi(argv[2]), out = atoi(argv[3]);
	struct pollfd pf = {in, POLLIN, 0};
	char c;

	if (poll(&pf, 1, MUST_COME_MS) != 1 || read(in, &c, 1) != 1)
		_exit(6);
	write(out, "b", 1);
	_exit(5);
}

/* vfork then execve: the parent stays suspended until the execve (the
 * child's byte written before it is there at once) and no longer. */
static void vfork_exec(void)
{
	int a[2], b[2], st;
	char in[12], out[12], c = 0;

	pipe2(a, O_NONBLOCK);
	pipe(b);
	snprintf(in, sizeof(in), "%d", b[0]);
	snprintf(out, sizeof(out), "%d", a[1]);
	char *const argv[] = {"/proc/self/exe", "--vforked", in, out, NULL};
	pid_t p = vfork();
	if (p == 0) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		write(a[1], "a", 1);
		execve(argv[0], argv, argv + 4);
		_exit(99);
	}
	ssize_t n = read(a[0], &c, 1);
	printf("vfork, execve: the parent resumes after the child's write: %s\n", n == 1 && c == 'a' ? "yes" : "no");
	write(b[1], "x", 1);
	waitpid(p, &st, 0);
	printf("vfork, execve: the new program ran while the parent did: exit %d\n",
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	n = read(a[0], &c, 1);
	printf("vfork, execve: its answer: %c\n", n == 1 ? c : '-');
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

static int run(char *const argv[], char *const envp[])
{
	pid_t p = fork();
	if (p == 0) {
		execve(argv[0], argv, envp);
		printf("execve %s: %s\n", argv[0], strerror(errno));
		_exit(99);
	}
	int st;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		child_mode(argc, argv);
	if (argc == 4 && strcmp(argv[1], "--vforked") == 0)
		vforked_mode(argv);
	if (argc == 2 && strcmp(argv[1], "--alarm") == 0) {
		unsigned left = alarm(0);
		printf("after execve the alarm is still set: %s\n", left > 0 && left <= 100 ? "yes" : "no");
		exit(0);
	}
	if (argc == 2 && strcmp(argv[1], "--limits") == 0) {
		struct rlimit nofile, fsize;
		getrlimit(RLIMIT_NOFILE, &nofile);
		getrlimit(RLIMIT_FSIZE, &fsize);
		errno = 0;
		int nice_now = getpriority(PRIO_PROCESS, 0);
		printf("after execve: RLIMIT_NOFILE %lu %lu, RLIMIT_FSIZE %lu %s, nice %d\n", (unsigned long)nofile.rlim_cur,
		       (unsigned long)nofile.rlim_max, (unsigned long)fsize.rlim_cur,
		       fsize.rlim_max == RLIM_INFINITY ? "unlimited" : "limited", errno ? -100 : nice_now);
		exit(0);
	}
	printf("exec: start\n");
	if (scratch_enter("exectest") < 0)
		return 1;

	/* Resource limits and the nice value survive execve (the process's). */
	pid_t lp = fork();
	if (lp == 0) {
		char *const largv[] = {"/proc/self/exe", "--limits", NULL};
		struct rlimit nofile = {33, 44}, fsize = {12345, RLIM_INFINITY};
		setrlimit(RLIMIT_NOFILE, &nofile);
		setrlimit(RLIMIT_FSIZE, &fsize);
		setpriority(PRIO_PROCESS, 0, 4);
		execve(largv[0], largv, largv + 2);
		_exit(99);
	}
	int lst;
	waitpid(lp, &lst, 0);
	printf("the limits' program: exit %d\n", WIFEXITED(lst) ? WEXITSTATUS(lst) : -1);

	/* An alarm survives execve (the timer is the process's). */
	pid_t ap = fork();
	if (ap == 0) {
		char *const aargv[] = {"/proc/self/exe", "--alarm", NULL};
		alarm(100);
		execve(aargv[0], aargv, aargv + 2);
		_exit(99);
	}
	int ast;
	waitpid(ap, &ast, 0);
	printf("the alarm's program: exit %d\n", WIFEXITED(ast) ? WEXITSTATUS(ast) : -1);

	/* Arguments and environment, fds with and without FD_CLOEXEC. */
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY | O_CLOEXEC);
	dup2(a, 5);
	dup2(b, 6);
	fcntl(6, F_SETFD, FD_CLOEXEC);
	char *const cargv[] = {"/proc/self/exe", "--child", "two words", "", "last", NULL};
	char *const cenv[] = {"GREETING=hello there", "EMPTY=", NULL};
	printf("exit status from the child: %d\n", run(cargv, cenv));

	/* A #! script. */
	FILE *f = fopen(SCRIPT, "w");
	fprintf(f, "#!/bin/sh -e\necho script ran with \"$1\" \"$2\"\nexit 4\n");
	fclose(f);
	chmod(SCRIPT, 0755);
	char *const sargv[] = {SCRIPT, "alpha", "beta", NULL};
	char *const senv[] = {"PATH=/bin", NULL};
	printf("script status: %d\n", run(sargv, senv));
	unlink(SCRIPT);

	/* Errors: nothing there, not executable, not a program. */
	char *const nargv[] = {"/no/such/program", NULL};
	printf("execve missing: %d\n", run(nargv, senv));

	/* Bad pointers: EFAULT, and the caller goes on. */
	char *const bargv[] = {"/proc/self/exe", (char *)16, NULL};
	char *const gargv[] = {"/proc/self/exe", "--child", NULL};
	printf("execve with argv a bad pointer: %s\n",
	       syscall(SYS_execve, gargv[0], (char **)16, senv) < 0 ? strerrorname_np(errno) : "ran");
	printf("execve with a bad argv[1]: %s\n", syscall(SYS_execve, gargv[0], bargv, senv) < 0 ? strerrorname_np(errno) : "ran");
	printf("execve with envp a bad pointer: %s\n",
	       syscall(SYS_execve, gargv[0], gargv, (char **)16) < 0 ? strerrorname_np(errno) : "ran");
	printf("execve with a bad path: %s\n", syscall(SYS_execve, (char *)16, gargv, senv) < 0 ? strerrorname_np(errno) : "ran");
	f = fopen(SCRIPT, "w");
	fprintf(f, "just text\n");
	fclose(f);
	char *const xargv[] = {SCRIPT, NULL};
	printf("execve not executable: %d\n", run(xargv, senv));
	chmod(SCRIPT, 0755);
	printf("execve not a program: %d\n", run(xargv, senv));
	unlink(SCRIPT);

	/* Pipes: poll and select, EOF, EPIPE and SIGPIPE. */
	int p[2];
	pipe(p);
	struct pollfd pf = {p[0], POLLIN, 0};
	printf("poll on an empty pipe: %d\n", poll(&pf, 1, 0));
	write(p[1], "abc", 3);
	int n = poll(&pf, 1, 1000);
	printf("poll after a write: %d revents POLLIN %d\n", n, (pf.revents & POLLIN) != 0);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timeval tv = {1, 0};
	n = select(p[0] + 1, &rs, NULL, NULL, &tv);
	printf("select: %d readable %d\n", n, FD_ISSET(p[0], &rs) != 0);
	char buf[8];
	printf("read: %d\n", (int)read(p[0], buf, sizeof(buf)));
	pid_t c = fork();
	if (c == 0) {
		struct timespec ts = {0, 100000000};
		nanosleep(&ts, NULL);
		write(p[1], "late", 4);
		_exit(0);
	}
	pf.revents = 0;
	n = poll(&pf, 1, MUST_COME_MS);
	printf("poll waits for a writer: %d revents POLLIN %d\n", n, (pf.revents & POLLIN) != 0);
	waitpid(c, NULL, 0);
	printf("read: %d\n", (int)read(p[0], buf, sizeof(buf)));
	close(p[1]);
	printf("read at EOF: %d\n", (int)read(p[0], buf, sizeof(buf)));
	close(p[0]);
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	n = (int)write(p[1], "x", 1);
	printf("write without a reader: %d %s\n", n, strerror(errno));
	signal(SIGPIPE, SIG_DFL);
	c = fork();
	if (c == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("the same with SIGPIPE's default: killed by %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	vfork_exec();
	printf("exec: done\n");
	return scratch_leave() < 0;
}
