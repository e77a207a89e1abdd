/*
 * init: pid 1 of the UNIX personality, an ordinary static Linux program.
 *   init             a login shell (/bin/sh -l) on the console, started
 *                    again whenever it ends
 *   init -c COMMAND  /bin/sh -c COMMAND, once; init then exits with its
 *                    status (what scripts/run --exec reports)
 *   init -1          one login shell; init exits with its status (the
 *                    interactive test)
 * Either way init waits for every process that ends, its own children
 * and the orphans the system gives it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHELL "/bin/sh"
#define STATUS_SIGNALED_BASE 128

static char *const shell_env[] = {"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/root", "TERM=vt100", "USER=root",
				  "SHELL=/bin/sh", NULL};

static pid_t start(char *const argv[])
{
	pid_t p = fork();
	if (p == 0) {
		chdir("/root");
		execve(SHELL, argv, shell_env);
		fprintf(stderr, "init: cannot run %s: %s\n", SHELL, strerror(errno));
		_exit(127);
	}
	if (p < 0)
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
	return p;
}

/* Wait until child ends (reaping everything else meanwhile). */
static int wait_for(pid_t child)
{
	int st;
	for (;;) {
		pid_t w = wait(&st);
		if (w == child)
			return st;
		if (w < 0 && errno == ECHILD)
			return 0;
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		char *const args[] = {"sh", "-c", argv[2], NULL};
		pid_t p = start(args);
		if (p < 0)
			return 1;
		int st = wait_for(p);
		return WIFEXITED(st) ? WEXITSTATUS(st) : STATUS_SIGNALED_BASE + WTERMSIG(st);
	}
	char *const login[] = {"-sh", NULL};
	if (argc == 2 && strcmp(argv[1], "-1") == 0) {
		pid_t p = start(login);
		if (p < 0)
			return 1;
		int st = wait_for(p);
		return WIFEXITED(st) ? WEXITSTATUS(st) : STATUS_SIGNALED_BASE + WTERMSIG(st);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: init [-c COMMAND | -1]\n");
		return 2;
	}
	for (;;) {
		pid_t p = start(login);
		if (p < 0)
			sleep(1);
		else
			wait_for(p);
	}
}
