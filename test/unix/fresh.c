/*
 * fresh PROGRAM [ARGS]: runs PROGRAM as Ernst starts its pid 1, whatever
 * the process that started us left behind: every signal's action the
 * default and none blocked, umask 022, no open file past 2.  A harness
 * may differ in each (a service manager ignores SIGPIPE, nohup SIGHUP, a
 * shell's background job SIGINT; a lock or a pipe left open takes a
 * number the program opens or calls bad), and a program inherits them
 * all across execve: test/unix/lib.sh's host_run runs the host's side
 * of every comparison with Ernst through this.  Exit status 127 if
 * PROGRAM cannot be run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;

	if (argc < 2) {
		fprintf(stderr, "usage: fresh PROGRAM [ARGS]\n");
		return 127;
	}
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* EINVAL for SIGKILL, SIGSTOP, unused numbers */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	umask(022);
	if (close_range(3, ~0U, 0) < 0) {
		fprintf(stderr, "fresh: close_range: %s\n", strerror(errno));
		return 127;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "fresh: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
