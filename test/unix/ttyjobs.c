/*
 * Terminal job control as Linux does it, from a session leader whose
 * controlling terminal is TERMINAL (argv[1]; test/unix/ttyjobs.sh runs it
 * under script(1) on the host and from init on Ernst): background groups
 * changing the terminal (SIGTTOU, or going ahead with it blocked or
 * ignored, EINTR with a handler, EIO when orphaned), TOSTOP writes and
 * background reads, a new session (no controlling terminal: ENXIO for
 * /dev/tty, ENOTTY, EPERM), TIOCNOTTY, and a session leader's exit
 * hanging up its foreground group.  Children report through a pipe;
 * only the leader prints, while it is in the foreground.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define GUARD_SECONDS 20 /* a child that waits longer than this reports it and ends */

static const char *terminal;
static int report = -1; /* a child's end of the report pipe */
static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static void on_hangup(int sig)
{
	(void)sig;
	dprintf(report, "the foreground group got SIGHUP\n");
	_exit(0);
}

static void on_guard(int sig)
{
	(void)sig;
	dprintf(report, "nothing came in %d seconds\n", GUARD_SECONDS);
	_exit(1);
}

/* Set sig's action: SIG_DFL, SIG_IGN or on_signal (without SA_RESTART). */
static void act(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(sig, &sa, NULL);
}

static void mask(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

/* A child's line: what a call answered. */
static void said(const char *what, int r)
{
	if (r < 0)
		dprintf(report, "%s: -1 %s\n", what, strerror(errno));
	else
		dprintf(report, "%s: %d\n", what, r);
}

static void said_caught(const char *what, int r)
{
	said(what, r);
	dprintf(report, "  signal caught: %s\n", caught ? strsignal(caught) : "none");
	caught = 0;
}

/* fork with the child reporting into a new pipe; the parent's end in *rd. */
static pid_t child(int *rd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0) {
		perror("pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		close(p[0]);
		report = p[1];
		return 0;
	}
	close(p[1]);
	*rd = p[0];
	return pid;
}

/* Everything a child (and its children) reported, until none is left. */
static void show(int rd)
{
	char buf[512];
	ssize_t n;

	fflush(stdout);
	while ((n = read(rd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(rd);
	fflush(stdout);
}

static void show_status(const char *who, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", who, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", who, strsignal(WTERMSIG(st)));
	else if (WIFSTOPPED(st))
		printf("%s: stopped by %s\n", who, strsignal(WSTOPSIG(st)));
}

/* Ours again: the terminal's foreground group is the leader's. */
static void take_terminal(void)
{
	mask(SIG_BLOCK, SIGTTOU);
	if (tcsetpgrp(0, getpgrp()) < 0)
		printf("tcsetpgrp back: %s\n", strerror(errno));
	mask(SIG_UNBLOCK, SIGTTOU);
}

/* Wait for child pid; if it stops, continue it in the foreground (fg). */
static void foreground_it(pid_t pid, const char *who)
{
	int st;

	waitpid(pid, &st, WUNTRACED);
	show_status(who, st);
	if (WIFSTOPPED(st)) {
		tcsetpgrp(0, pid);
		kill(pid, SIGCONT);
		waitpid(pid, &st, 0);
		take_terminal(); /* before printing: TOSTOP may be set */
		printf("continued in the foreground: ");
		show_status(who, st);
	}
}

static void leader_state(const char *when)
{
	int fd = open("/dev/tty", O_RDWR);

	printf("%s: the leader's terminal: tcgetsid %s, foreground %s, /dev/tty %s\n", when,
	       tcgetsid(0) == getsid(0) ? "is its session" : strerror(errno),
	       tcgetpgrp(0) == getpgrp() ? "is its group" : strerror(errno), fd >= 0 ? "opens" : strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* A background group of the leader's session changes the terminal. */
static void background_changes(void)
{
	struct termios t;
	struct winsize ws;
	int rd;
	pid_t pid = child(&rd);

	if (pid == 0) {
		char c;

		setpgid(0, 0);
		tcgetattr(0, &t);
		act(SIGTTOU, SIG_IGN);
		said("tcsetattr, SIGTTOU ignored", tcsetattr(0, TCSANOW, &t));
		act(SIGTTOU, SIG_DFL);
		mask(SIG_BLOCK, SIGTTOU);
		said("tcsetattr, SIGTTOU blocked", tcsetattr(0, TCSANOW, &t));
		said("tcsetpgrp to no group, SIGTTOU blocked", tcsetpgrp(0, 99999999));
		mask(SIG_UNBLOCK, SIGTTOU);
		act(SIGTTOU, on_signal);
		said_caught("tcsetattr, SIGTTOU handled", tcsetattr(0, TCSANOW, &t));
		said_caught("tcflush, SIGTTOU handled", tcflush(0, TCIFLUSH));
		said_caught("tcflow, SIGTTOU handled", tcflow(0, TCOON));
		said_caught("tcsetpgrp, SIGTTOU handled", tcsetpgrp(0, getpgrp()));
		said("tcgetpgrp is the leader's group", tcgetpgrp(0) == getsid(0));
		said("tcgetattr", tcgetattr(0, &t));
		said("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &ws));
		said("TIOCSWINSZ", ioctl(0, TIOCSWINSZ, &ws));
		act(SIGTTIN, on_signal);
		said_caught("read, SIGTTIN handled", (int)read(0, &c, 1));
		act(SIGTTIN, SIG_IGN);
		said("read, SIGTTIN ignored", (int)read(0, &c, 1));
		act(SIGTTOU, SIG_DFL);
		/* Stops (SIGTTOU) until the leader makes it the foreground. */
		said("tcsetattr once in the foreground", tcsetattr(0, TCSANOW, &t));
		_exit(0);
	}
	foreground_it(pid, "background child");
	show(rd);
}

/* TOSTOP: writes from the background are job control's too. */
static void background_writes(void)
{
	struct termios t, saved;
	int rd;
	pid_t pid;

	tcgetattr(0, &saved);
	t = saved;
	t.c_lflag |= TOSTOP;
	tcsetattr(0, TCSANOW, &t);
	pid = child(&rd);
	if (pid == 0) {
		static const char line[] = "a background write with SIGTTOU ignored goes out\n";
		static const char fg[] = "a write continued in the foreground goes out\n";

		setpgid(0, 0);
		act(SIGTTOU, on_signal);
		said_caught("write with TOSTOP, SIGTTOU handled", (int)write(1, "x", 1));
		act(SIGTTOU, SIG_IGN);
		said("write with TOSTOP, SIGTTOU ignored", (int)write(1, line, sizeof(line) - 1));
		act(SIGTTOU, SIG_DFL);
		said("write with TOSTOP once in the foreground", (int)write(1, fg, sizeof(fg) - 1));
		_exit(0);
	}
	foreground_it(pid, "writing child");
	tcsetattr(0, TCSANOW, &saved);
	show(rd);
}

/* An orphaned background group: EIO where others would stop. */
static void orphaned(void)
{
	int rd, st, gate[2];
	pid_t pid;

	pipe(gate);
	pid = child(&rd);
	if (pid == 0) {
		close(gate[1]);
		if (fork() == 0) {
			struct termios t;
			char c;

			setpgid(0, 0);
			signal(SIGALRM, on_guard);
			alarm(GUARD_SECONDS);
			read(gate[0], &c, 1); /* the leader has waited for our parent */
			alarm(0);
			tcgetattr(0, &t);
			said("orphaned: tcsetattr", tcsetattr(0, TCSANOW, &t));
			said("orphaned: tcsetpgrp", tcsetpgrp(0, getpgrp()));
			said("orphaned: read", (int)read(0, &c, 1));
			_exit(0);
		}
		_exit(0);
	}
	close(gate[0]);
	waitpid(pid, &st, 0);
	write(gate[1], "g", 1);
	close(gate[1]);
	show(rd);
}

/* A new session has no controlling terminal, and cannot take ours. */
static void new_session(void)
{
	int rd, st;
	pid_t pid = child(&rd);

	if (pid == 0) {
		struct termios t;

		said("setsid is its pid", setsid() == getpid());
		said("open /dev/tty", open("/dev/tty", O_RDWR));
		said("tcgetpgrp", tcgetpgrp(0));
		said("tcgetsid", tcgetsid(0));
		tcgetattr(0, &t);
		said("tcsetattr (no job control without a controlling terminal)", tcsetattr(0, TCSANOW, &t));
		said("TIOCSCTTY (another session's)", ioctl(0, TIOCSCTTY, 0));
		said("open the terminal, not O_NOCTTY", open(terminal, O_RDWR) >= 0);
		said("still no controlling terminal: tcgetsid", tcgetsid(0));
		said("TIOCNOTTY", ioctl(0, TIOCNOTTY));
		_exit(0);
	}
	waitpid(pid, &st, 0);
	show_status("new session", st);
	show(rd);
}

/* What /proc/self/stat says of our controlling terminal (tty_nr and
 * tpgid; their values differ between terminals, whether there is one
 * does not). */
static void proc_tty(const char *who)
{
	char buf[1024], *close_paren;
	int fd = open("/proc/self/stat", O_RDONLY), tty_nr, tpgid;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		said("read /proc/self/stat", -1);
		return;
	}
	buf[n] = '\0';
	close_paren = strrchr(buf, ')');
	if (close_paren == NULL || sscanf(close_paren + 1, " %*c %*d %*d %*d %d %d", &tty_nr, &tpgid) != 2) {
		dprintf(report, "%s: /proc/self/stat unreadable\n", who);
		return;
	}
	dprintf(report, "%s: /proc tty_nr %s, tpgid %s\n", who, tty_nr != 0 ? "a terminal" : "0",
		tpgid == -1 ? "-1" : "a group");
}

/* TIOCNOTTY by a process that does not lead the session: it alone (and
 * the children it makes afterwards). */
static void notty_member(void)
{
	int rd, st;
	pid_t pid = child(&rd);

	if (pid == 0) {
		proc_tty("a member");
		said("TIOCNOTTY by a member", ioctl(0, TIOCNOTTY));
		said("then open /dev/tty", open("/dev/tty", O_RDWR));
		said("then tcgetpgrp", tcgetpgrp(0));
		proc_tty("then");
		pid_t grandchild = fork();
		if (grandchild == 0) {
			proc_tty("its child");
			_exit(0);
		}
		waitpid(grandchild, &st, 0);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	show(rd);
	leader_state("after a member's TIOCNOTTY");
}

/*
 * The leader gives the terminal up (TIOCNOTTY: SIGHUP and SIGCONT to its
 * foreground group, its own: ignored); a new session takes it by opening
 * it; that session's leader ends, and its foreground group gets SIGHUP.
 */
static void hangup(void)
{
	int rd, st, ready[2];
	pid_t pid;

	act(SIGHUP, SIG_IGN);
	printf("TIOCNOTTY by the leader: %d\n", ioctl(0, TIOCNOTTY));
	leader_state("after it");
	pipe(ready);
	pid = child(&rd);
	if (pid == 0) {
		pid_t fg;
		int fd;
		char c;

		setsid();
		fd = open(terminal, O_RDWR);
		said("a new session opens the terminal", fd >= 0);
		said("it is the session's controlling terminal", tcgetsid(fd) == getpid());
		fg = fork();
		if (fg == 0) {
			setpgid(0, 0);
			act(SIGHUP, on_hangup);
			signal(SIGALRM, on_guard);
			alarm(GUARD_SECONDS);
			write(ready[1], "r", 1);
			for (;;)
				pause();
		}
		setpgid(fg, fg);
		read(ready[0], &c, 1);
		said("its child's group in the foreground", tcsetpgrp(fd, fg));
		_exit(0); /* the session leader ends */
	}
	close(ready[0]);
	close(ready[1]);
	waitpid(pid, &st, 0);
	show(rd);
	leader_state("after the other session's leader ended");
	printf("TIOCSCTTY by the leader: %d\n", ioctl(0, TIOCSCTTY, 0));
	leader_state("after it");
	act(SIGHUP, SIG_DFL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ttyjobs TERMINAL\n");
		return 2;
	}
	terminal = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("leads its session: %s\n", getsid(0) == getpid() ? "yes" : "no");
	leader_state("at the start");
	background_changes();
	background_writes();
	orphaned();
	new_session();
	notty_member();
	hangup();
	return 0;
}
