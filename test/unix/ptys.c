/*
 * Pseudo-terminals as programs see them: /dev/ptmx and /dev/pts/N
 * (posix_openpt, grantpt, unlockpt, ptsname; TIOCGPTN, TIOCSPTLCK),
 * the slave's line discipline seen from the master (canonical lines,
 * echo, erase, raw mode, ONLCR), ^C to the slave's foreground group, the
 * slave as a new session's controlling terminal (by open and by
 * TIOCSCTTY), TIOCSWINSZ on the master (SIGWINCH), the master's close
 * (the slave's session leader gets SIGHUP, reads end), poll and select
 * on both ends, vhangup, and bad requests.  Prints what it sees; the output on
 * Ernst must be the host's (test/unix/compare.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "report.h"

/* Bytes as C escapes, so that \r and control characters show. */
static void show(const char *what, const char *buf, long n)
{
	printf("%s: %ld \"", what, n);
	for (long i = 0; i < n; i++) {
		unsigned char c = buf[i];
		if (c == '\n')
			printf("\\n");
		else if (c == '\r')
			printf("\\r");
		else if (c < ' ' || c >= 0x7f)
			printf("\\%03o", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

/* The mode Linux gives a new slave: the mode= option of the devpts
 * mounted on /dev/pts (600 without one; systemd and container runtimes
 * say 620), as /proc/mounts shows it; -1 if there is none. */
static long devpts_mode(void)
{
	FILE *f = setmntent("/proc/mounts", "r");
	struct mntent *e;
	long mode = -1;

	if (f == NULL)
		return -1;
	while ((e = getmntent(f)) != NULL) {
		if (strcmp(e->mnt_type, "devpts") != 0 || strcmp(e->mnt_dir, "/dev/pts") != 0)
			continue;
		const char *o = hasmntopt(e, "mode");
		mode = o != NULL && o[4] == '=' ? strtol(o + 5, NULL, 8) : 0600;
	}
	endmntent(f);
	return mode;
}

static int pollin(int fd)
{
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	int r = poll(&p, 1, 0);
	return r < 0 ? -1 : p.revents;
}

/* Wait for fd to be readable or hung up: the events then. */
static int pollwait(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	int r = poll(&p, 1, -1);
	return r < 0 ? -1 : p.revents;
}

/*
 * Read from fd until want bytes came (want 0: until a newline), waiting
 * in poll, and show them.  A pty's two ends pass data on Linux a moment
 * after the write: only waiting for what must come makes the output the
 * same every time.
 */
static void expect(const char *what, int fd, long want)
{
	char buf[256];
	long n = 0, r;

	while (n < (long)sizeof(buf) && (want == 0 ? n == 0 || buf[n - 1] != '\n' : n < want)) {
		struct pollfd p = {fd, POLLIN, 0};
		poll(&p, 1, -1);
		r = read(fd, buf + n, want == 0 ? 1 : want - n);
		if (r <= 0) {
			result(what, r);
			return;
		}
		n += r;
	}
	show(what, buf, n);
}

static int open_pair(int *m, char *name, size_t size)
{
	*m = posix_openpt(O_RDWR | O_NOCTTY);
	if (*m < 0)
		return -1;
	if (grantpt(*m) < 0 || unlockpt(*m) < 0 || ptsname_r(*m, name, size) != 0)
		return -1;
	return 0;
}

static volatile sig_atomic_t got_int, got_winch, got_hup, got_cont;
static void on_sig(int sig)
{
	if (sig == SIGINT)
		got_int++;
	else if (sig == SIGWINCH)
		got_winch++;
	else if (sig == SIGHUP)
		got_hup++;
	else if (sig == SIGCONT)
		got_cont++;
}

/* The child's report line through the slave (its stdout is not ours to share). */
static void say(int fd, const char *fmt, long a, long b)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), fmt, a, b);
	if (write(fd, buf, n) < 0)
		_exit(3);
}

/*
 * A new session whose controlling terminal is the slave (by open, or
 * by TIOCSCTTY when sctty): reports ^C, SIGWINCH, then waits for the
 * master's close and reports what reading and writing the slave do.
 */
static void session_child(const char *name, int how)
{
	struct sigaction sa = {.sa_handler = on_sig};
	sigset_t held, none;
	char line[64];
	long n;
	int s, t;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCONT, &sa, NULL);
	sigemptyset(&none);
	sigemptyset(&held);
	sigaddset(&held, SIGHUP);
	/* SIGWINCH too, until it is waited for: one that came between a
	 * look at got_winch and pause() would leave pause() waiting for good. */
	sigaddset(&held, SIGWINCH);
	sigprocmask(SIG_BLOCK, &held, NULL);
	setsid();
	s = open(name, O_RDWR | (how == 1 ? O_NOCTTY : 0));
	if (s < 0)
		_exit(2);
	if (how == 1) {
		t = open("/dev/tty", O_RDWR);
		n = t >= 0 ? 0 : errno == ENXIO;
		say(s, "before TIOCSCTTY: /dev/tty ENXIO %ld, tcgetpgrp ENOTTY %ld\n", n,
		    tcgetpgrp(s) < 0 && errno == ENOTTY);
		if (ioctl(s, TIOCSCTTY, 0) < 0)
			_exit(4);
	}
	say(s, "child: sid is me %ld, fg group is me %ld\n", tcgetsid(s) == getpid(), tcgetpgrp(s) == getpid());
	t = open("/dev/tty", O_RDWR);
	say(s, "child: /dev/tty opens %ld, a terminal %ld\n", t >= 0, isatty(t));
	/* ^C drops the line so far and interrupts the read. */
	do
		n = read(t, line, sizeof(line));
	while (n < 0 && errno == EINTR);
	say(s, "child: read %ld, SIGINT %ld\n", n, got_int);
	while (!got_winch)
		sigsuspend(&none);
	struct winsize ws;
	ioctl(s, TIOCGWINSZ, &ws);
	say(s, "child: SIGWINCH %ld rows %ld\n", got_winch, ws.ws_row);
	/* Now the parent closes the master, or (how 2) it hangs the slave up itself. */
	if (how == 2) {
		/* After the parent's word: what was written before is read by then. */
		n = read(t, line, sizeof(line));
		int r = vhangup();
		printf("child: read %ld, vhangup: %d\n", n, r);
		if (r < 0) /* no SIGHUP to wait for (Linux: EPERM for a user) */
			_exit(5);
	}
	while (!got_hup)
		sigsuspend(&none);
	n = read(s, line, sizeof(line));
	int e = errno;
	long w = write(t, "x", 1);
	int we = errno;
	printf("child: after the %s: SIGHUP %d SIGCONT %d, read %ld %s, write %ld %s\n",
	       how == 2 ? "vhangup" : "master's close", got_hup, got_cont, n, n < 0 ? strerrorname_np(e) : "", w,
	       w < 0 ? strerrorname_np(we) : "");
	t = open("/dev/tty", O_RDWR);
	printf("child: /dev/tty then: %s\n", t >= 0 ? "opens" : strerrorname_np(errno));
	_exit(0);
}

static void session_case(int how)
{
	char name[64];
	int m, st;

	printf("-- a session on the slave (%s)\n", how == 1 ? "TIOCSCTTY" : how == 2 ? "open, vhangup" : "open");
	if (open_pair(&m, name, sizeof(name)) < 0) {
		printf("no pty: %s\n", strerrorname_np(errno));
		return;
	}
	pid_t p = fork();
	if (p == 0) {
		close(m);
		session_child(name, how);
	}
	if (how == 1)
		expect("master", m, 0);
	expect("master", m, 0);
	expect("master", m, 0);
	write(m, "ab", 2);
	expect("master reads the echo", m, 2);
	write(m, "\003", 1);
	expect("master reads the echo", m, 2);
	write(m, "cd\n", 3);
	expect("master reads the echo", m, 4);
	expect("master", m, 0);
	struct winsize ws = {40, 100, 0, 0};
	result("TIOCSWINSZ on the master", ioctl(m, TIOCSWINSZ, &ws));
	expect("master", m, 0);
	if (how == 2) {
		/* (Its echo may be lost to the hang-up on Linux: not read.) */
		write(m, "go\n", 3);
		waitpid(p, &st, 0);
	}
	close(m);
	if (how != 2)
		waitpid(p, &st, 0);
	printf("child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
}

static int ptys(void)
{
	char name[64], buf[256];
	int m, s, v;
	struct stat sb;
	long n;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	result("posix_openpt", m >= 0 ? 0 : -1);
	result("ioctl TIOCGPTN", ioctl(m, TIOCGPTN, &v));
	result("ptsname_r", ptsname_r(m, name, sizeof(name)));
	unsigned k;
	printf("name is /dev/pts/TIOCGPTN: %d\n", sscanf(name, "/dev/pts/%u", &k) == 1 && k == (unsigned)v);
	result("TIOCGPTLCK", ioctl(m, TIOCGPTLCK, &v));
	printf("locked: %d\n", v);
	result("open the locked slave", open(name, O_RDWR | O_NOCTTY));
	result("grantpt", grantpt(m));
	result("unlockpt", unlockpt(m));
	result("TIOCGPTLCK", ioctl(m, TIOCGPTLCK, &v));
	printf("locked: %d\n", v);
	result("stat the slave", stat(name, &sb));
	/* The mode and the owner as the mount and the caller make them: a
	 * host's devpts may say mode=620, and its tests may run as a user. */
	printf("slave: chr %d major %u minor is the number %d, mode the mount's %d, uid ours %d\n",
	       S_ISCHR(sb.st_mode), major(sb.st_rdev), minor(sb.st_rdev) == k,
	       (long)(sb.st_mode & 07777) == devpts_mode(), sb.st_uid == getuid());
	s = open(name, O_RDWR | O_NOCTTY);
	result("open the slave", s >= 0 ? 0 : -1);
	result("isatty(slave)", isatty(s));
	result("isatty(master)", isatty(m));

	printf("-- canonical input, echo\n");
	result("poll master (nothing)", pollin(m));
	result("poll slave (nothing)", pollin(s));
	write(m, "hello\n", 6);
	expect("master reads the echo", m, 7);
	result("poll slave (a line)", pollin(s));
	n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);
	write(m, "abc", 3);
	expect("master reads the echo", m, 3);
	result("poll slave (half a line)", pollin(s));
	write(m, "\177d\n", 3);
	expect("master reads the echo", m, 6);
	n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);
	write(s, "out\n", 4);
	expect("master reads", m, 5);
	write(m, "two\nlines\n", 10);
	expect("master reads the echo", m, 12);
	result("FIONREAD slave", ioctl(s, FIONREAD, &v));
	printf("FIONREAD: %d\n", v);
	n = read(s, buf, 2);
	show("slave reads 2", buf, n);
	n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);
	n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);
	write(m, "end\004", 4);
	expect("master reads the echo", m, 3);
	n = read(s, buf, sizeof(buf));
	show("slave reads (^D)", buf, n);
	write(m, "\004", 1);
	n = read(s, buf, sizeof(buf));
	show("slave reads (^D alone)", buf, n);
	result("poll master (nothing)", pollin(m));

	printf("-- termios from either end\n");
	struct termios t;
	result("tcgetattr master", tcgetattr(m, &t));
	printf("lflag ICANON %d ECHO %d\n", !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO));
	cfmakeraw(&t);
	result("tcsetattr slave raw", tcsetattr(s, TCSANOW, &t));
	result("tcgetattr master", tcgetattr(m, &t));
	printf("lflag ICANON %d ECHO %d\n", !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO));
	write(m, "xyz\r", 4);
	n = read(s, buf, sizeof(buf));
	show("slave reads raw", buf, n);
	result("poll master (no echo)", pollin(m));
	write(s, "raw\n", 4);
	expect("master reads (no ONLCR)", m, 4);
	t.c_lflag |= ICANON | ECHO | ISIG | ECHOE | ECHOCTL;
	t.c_oflag |= OPOST | ONLCR;
	t.c_iflag |= ICRNL;
	result("tcsetattr master canonical", tcsetattr(m, TCSANOW, &t));

	printf("-- window size\n");
	struct winsize ws = {30, 90, 0, 0};
	result("TIOCSWINSZ on the slave", ioctl(s, TIOCSWINSZ, &ws));
	memset(&ws, 0, sizeof(ws));
	result("TIOCGWINSZ on the master", ioctl(m, TIOCGWINSZ, &ws));
	printf("rows %d cols %d\n", ws.ws_row, ws.ws_col);

	printf("-- select\n");
	fd_set r, w;
	struct timeval tv = {0, 0};
	write(m, "q\n", 2);
	expect("master reads the echo", m, 3);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(m, &r);
	FD_SET(s, &r);
	FD_SET(m, &w);
	n = select((m > s ? m : s) + 1, &r, &w, NULL, &tv);
	printf("select: %ld, master readable %d, slave readable %d, master writable %d\n", n, FD_ISSET(m, &r),
	       FD_ISSET(s, &r), FD_ISSET(m, &w));
	n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);

	printf("-- bad requests\n");
	result("TIOCGPTN on the slave", ioctl(s, TIOCGPTN, &v));
	v = 1;
	result("TIOCSPTLCK on the slave", ioctl(s, TIOCSPTLCK, &v));
	result("TIOCGPTN to a bad address", ioctl(m, TIOCGPTN, (void *)16));
	result("TIOCSWINSZ from a bad address", ioctl(m, TIOCSWINSZ, (void *)16));
	result("open /dev/pts/77", open("/dev/pts/77", O_RDWR | O_NOCTTY));
	result("open /dev/pts/x", open("/dev/pts/x", O_RDWR | O_NOCTTY));
	result("TIOCSCTTY on the slave (no session leader)", ioctl(s, TIOCSCTTY, 0));
	result("tcgetpgrp of a terminal not ours", tcgetpgrp(s));
	result("unlockpt on the slave", unlockpt(s));
	result("mkdir in /dev/pts", mkdir("/dev/pts/d", 0700));
	result("unlink the slave", unlink(name));
	result("rename the slave", rename(name, "/dev/pts/d"));

	printf("-- the slave's last close\n");
	write(s, "bye\n", 4);
	expect("master reads", m, 5);
	close(s);
	result("poll master (waiting)", pollwait(m));
	n = read(m, buf, sizeof(buf));
	result("read master", n);
	v = 1;
	result("lock again", ioctl(m, TIOCSPTLCK, &v));
	result("open the locked slave", open(name, O_RDWR | O_NOCTTY));
	v = 0;
	result("unlock", ioctl(m, TIOCSPTLCK, &v));
	s = open(name, O_RDWR | O_NOCTTY);
	result("open the slave again", s >= 0 ? 0 : -1);
	result("poll master", pollin(m));
	close(s);
	close(m);

	printf("-- the master's close with the slave open\n");
	open_pair(&m, name, sizeof(name));
	s = open(name, O_RDWR | O_NOCTTY);
	close(m);
	result("poll slave (waiting)", pollwait(s));
	result("stat the slave after the master's close", stat(name, &sb));
	result("open it", open(name, O_RDWR | O_NOCTTY));
	n = read(s, buf, sizeof(buf));
	result("read slave", n);
	n = write(s, "z", 1);
	result("write slave", n);
	result("tcgetattr slave", tcgetattr(s, &t));
	close(s);

	session_case(0);
	session_case(1);
	session_case(2);
	result("vhangup without a controlling terminal", vhangup());
	return 0;
}

/* In a child: never a session leader (pid 1 on Ernst is one), on either system. */
int main(void)
{
	int st;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("ptys: start\n");
	pid_t p = fork();
	if (p == 0)
		_exit(ptys());
	waitpid(p, &st, 0);
	printf("ptys: done, status %d\n", st);
	return 0;
}
