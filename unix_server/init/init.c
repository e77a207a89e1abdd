/*
 * init: pid 1 of the UNIX personality, an ordinary static Linux program.
 *   init             a login shell (/bin/sh -l) on the console, started
 *                    again whenever it ends
 *   init -c COMMAND  /bin/sh -c COMMAND, once; init then exits with its
 *                    status (what scripts/run --exec reports)
 *   init -1          one login shell; init exits with its status (the
 *                    interactive test)
 * Either way init waits for every process that ends, its own children
 * and the orphans the system gives it.  The shell leads a session of
 * its own whose controlling terminal is the console (TIOCSCTTY).
 *
 * Shutdown: SIGTERM (reboot), SIGUSR1 (halt) and SIGUSR2 (poweroff), as
 * busybox's reboot, halt and poweroff send them (and the emulation
 * library's reboot(2)): init asks every other process to end (SIGTERM,
 * then SIGKILL), syncs and exits 0; the single server then unmounts the
 * file systems and the system stops.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHELL "/bin/sh"
#define STATUS_SIGNALED_BASE 128
#define SHUTDOWN_GRACE_SECONDS 1

static volatile sig_atomic_t shutting_down;

static char *const shell_env[] = {"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/root", "TERM=vt100", "USER=root",
				  "SHELL=/bin/sh", NULL};

static pid_t start(char *const argv[])
{
	pid_t p = fork();
	if (p == 0) {
		/* A session of its own with the console as its controlling
		 * terminal, as Linux's inits give a shell: job control works.
		 * (Without a terminal, fd 0 is none: ENOTTY, and no matter.) */
		setsid();
		ioctl(0, TIOCSCTTY, 0);
		chdir("/root");
		execve(SHELL, argv, shell_env);
		fprintf(stderr, "init: cannot run %s: %s\n", SHELL, strerror(errno));
		_exit(127);
	}
	if (p < 0)
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
	return p;
}

static void on_shutdown(int sig)
{
	(void)sig;
	shutting_down = 1;
}

/* The end: every other process asked to go, then made to; the files synced. */
static int shutdown_system(void)
{
	kill(-1, SIGTERM);
	sleep(SHUTDOWN_GRACE_SECONDS);
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	sync();
	return 0;
}

/* Wait until child ends (reaping everything else meanwhile); -1 if a
 * shutdown signal came first. */
static int wait_for(pid_t child)
{
	int st;
	for (;;) {
		if (shutting_down)
			return -1;
		pid_t w = wait(&st);
		if (w == child)
			return st;
		if (w < 0 && errno == ECHILD)
			return 0;
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_shutdown; /* no SA_RESTART: wait ends with EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		char *const args[] = {"sh", "-c", argv[2], NULL};
		pid_t p = start(args);
		if (p < 0)
			return 1;
		int st = wait_for(p);
		if (st < 0)
			return shutdown_system();
		return WIFEXITED(st) ? WEXITSTATUS(st) : STATUS_SIGNALED_BASE + WTERMSIG(st);
	}
	char *const login[] = {"-sh", NULL};
	if (argc == 2 && strcmp(argv[1], "-1") == 0) {
		pid_t p = start(login);
		if (p < 0)
			return 1;
		int st = wait_for(p);
		if (st < 0)
			return shutdown_system();
		return WIFEXITED(st) ? WEXITSTATUS(st) : STATUS_SIGNALED_BASE + WTERMSIG(st);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: init [-c COMMAND | -1]\n");
		return 2;
	}
	while (!shutting_down) {
		pid_t p = start(login);
		if (p < 0)
			sleep(1);
		else
			wait_for(p);
	}
	return shutdown_system();
}
