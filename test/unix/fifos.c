/*
 * Named pipes as programs see them: mknod and mkfifo (S_IFIFO, a
 * regular file, a socket node, bad types and paths), opening a FIFO
 * (a reader waits for a writer and a writer for a reader, O_NONBLOCK
 * readers go ahead, O_NONBLOCK writers with no reader get ENXIO, O_RDWR
 * never waits), POLLHUP on a read end only once it had a writer, one
 * pipe shared by every opener, EOF, EPIPE and SIGPIPE, fstat (the
 * file's stat as it is now: after chmod, utimensat, unlink), unlink
 * while open, and a waiting open ended by a
 * signal (EINTR) or restarted (SA_RESTART).  Waits are for events,
 * never for time.  Prints what it sees; test/unix/compare.sh compares
 * the output on Ernst with the host's.  The directory: argv[1], or a
 * new one under /tmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "waits.h"

static char dir[256];

static const char *at(const char *name)
{
	static char paths[4][512];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

static const char *type_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFIFO:
		return "fifo";
	case S_IFREG:
		return "regular";
	case S_IFSOCK:
		return "socket";
	case S_IFCHR:
		return "chr";
	case S_IFBLK:
		return "blk";
	case S_IFDIR:
		return "dir";
	}
	return "other";
}

static void show_stat(const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		result(what, -1);
		return;
	}
	printf("%s: %s %04o size %lld nlink %d\n", what, type_of(st.st_mode), (unsigned) (st.st_mode & 07777),
	       (long long) st.st_size, (int) st.st_nlink);
}

/*
 * A close reaches the service after it returns (the port's no-senders
 * notification): what depends on an end being gone waits for it.
 * A blocking read of the end of file; POLLERR on a write end.
 */
static void read_eof(const char *what, int fd)
{
	char buf[16];

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	result(what, read(fd, buf, sizeof(buf)));
}

static void wait_no_reader(int fd)
{
	struct pollfd p = { fd, POLLOUT, 0 };

	while (poll(&p, 1, MUST_COME_MS) == 1 && !(p.revents & POLLERR))
		sched_yield();
}

static void making(void)
{
	int fd;

	printf("-- making\n");
	result("mkfifo", mkfifo(at("f"), 0666));
	show_stat("stat f", at("f"));
	result("mknod(14) S_IFIFO", syscall(SYS_mknod, at("g"), S_IFIFO | 0600, 0));
	show_stat("stat g", at("g"));
	result("mknodat S_IFIFO", mknodat(AT_FDCWD, at("h"), S_IFIFO | 0640, 0));
	show_stat("stat h", at("h"));
	result("mknod S_IFREG", mknod(at("reg"), S_IFREG | 0600, 0));
	show_stat("stat reg", at("reg"));
	result("mknod type 0", mknod(at("zero"), 0644, 0));
	show_stat("stat zero", at("zero"));
	result("mknod S_IFSOCK", mknod(at("sock"), S_IFSOCK | 0644, 0));
	show_stat("stat sock", at("sock"));
	result("open a socket node", open(at("sock"), O_RDONLY));
	printf("-- bad input\n");
	result("mkfifo again", mkfifo(at("f"), 0644));
	result("mknod over a regular file", mknod(at("reg"), S_IFIFO | 0644, 0));
	result("mkfifo in a missing directory", mkfifo(at("none/f"), 0644));
	result("mkfifo under a regular file", mkfifo(at("reg/f"), 0644));
	result("mkfifo from a bad pointer", syscall(SYS_mknod, (char *) 1, S_IFIFO | 0644, 0));
	result("mknod S_IFDIR", mknod(at("d"), S_IFDIR | 0755, 0));
	result("mknod S_IFMT", mknod(at("bad"), S_IFMT | 0644, 0));
	result("mknod type 0150000", mknod(at("bad"), 0150000 | 0644, 0));
	result("mknodat bad dirfd", mknodat(1000, "x", S_IFIFO | 0644, 0));
	fd = open(at("reg"), O_RDONLY);
	result("mknodat on a file's fd", mknodat(fd, "x", S_IFIFO | 0644, 0));
	close(fd);
	result("mknod of an empty path", mknod("", S_IFIFO | 0644, 0));
}

static void nonblocking(void)
{
	char buf[16];
	int r, w, w2, rw;

	printf("-- O_NONBLOCK and O_RDWR\n");
	result("write-only, no reader", open(at("f"), O_WRONLY | O_NONBLOCK));
	r = open(at("f"), O_RDONLY | O_NONBLOCK);
	printf("read-only opens at once: %d\n", r >= 0);
	result("read, no writer yet", read(r, buf, sizeof(buf)));
	w = open(at("f"), O_WRONLY | O_NONBLOCK);
	printf("write-only with a reader: %d\n", w >= 0);
	result("read, empty", read(r, buf, sizeof(buf)));
	result("write abc", write(w, "abc", 3));
	memset(buf, 0, sizeof(buf));
	result("read", read(r, buf, sizeof(buf)));
	printf("got %s\n", buf);
	/* A second writer joins the same pipe. */
	w2 = open(at("f"), O_WRONLY);
	printf("a blocking writer with a reader opens: %d\n", w2 >= 0);
	result("write de", write(w2, "de", 2));
	close(w);
	result("read, one writer left", read(r, buf, sizeof(buf)));
	close(w2);
	read_eof("read, no writer left", r);
	close(r);
	rw = open(at("f"), O_RDWR);
	printf("O_RDWR opens alone: %d\n", rw >= 0);
	result("write to itself", write(rw, "xyz", 3));
	memset(buf, 0, sizeof(buf));
	result("read from itself", read(rw, buf, sizeof(buf)));
	printf("got %s\n", buf);
	w = open(at("f"), O_WRONLY | O_NONBLOCK);
	printf("write-only with an O_RDWR reader: %d\n", w >= 0);
	close(w);
	close(rw);
}

static void show_revents(const char *what, int n, short revents)
{
	printf("%s: %d%s%s%s%s\n", what, n, revents & POLLIN ? " POLLIN" : "", revents & POLLOUT ? " POLLOUT" : "",
	       revents & POLLHUP ? " POLLHUP" : "", revents & POLLERR ? " POLLERR" : "");
}

/*
 * POLLHUP on a read end once no writer is left, but only if a writer
 * opened since the end did (Linux's w_counter): a nonblocking reader
 * that never had a writer sees none, one that found a writer there
 * has had one.
 */
static void hangup(void)
{
	struct pollfd p = { -1, POLLIN, 0 };
	int r, r2, r3, w, n;

	printf("-- POLLHUP on a read end\n");
	r = open(at("f"), O_RDONLY | O_NONBLOCK);
	p.fd = r;
	n = poll(&p, 1, 0);
	show_revents("poll, no writer yet", n, p.revents);
	w = open(at("f"), O_WRONLY | O_NONBLOCK);
	n = poll(&p, 1, 0);
	show_revents("poll with a writer", n, p.revents);
	r2 = open(at("f"), O_RDONLY);
	printf("a blocking reader with a writer there opens: %d\n", r2 >= 0);
	close(w);
	/* The close reaches the pipe after it returns: wait for it. */
	n = poll(&p, 1, MUST_COME_MS);
	show_revents("poll once the writer went", n, p.revents);
	p.fd = r2;
	n = poll(&p, 1, 0);
	show_revents("poll, the reader that found it", n, p.revents);
	r3 = open(at("f"), O_RDONLY | O_NONBLOCK);
	p.fd = r3;
	n = poll(&p, 1, 0);
	show_revents("poll, a reader opened after it went", n, p.revents);
	close(r);
	close(r2);
	close(r3);
}

static void shared(void)
{
	struct stat a, b, c;
	char x, y;
	int r1, r2, w;

	printf("-- one pipe for every opener\n");
	r1 = open(at("g"), O_RDONLY | O_NONBLOCK);
	r2 = open(at("g"), O_RDONLY | O_NONBLOCK);
	w = open(at("g"), O_WRONLY);
	result("write xy", write(w, "xy", 2));
	result("read from the first reader", read(r1, &x, 1));
	result("read from the second reader", read(r2, &y, 1));
	printf("got %c %c\n", x, y);
	fstat(r1, &a);
	fstat(w, &b);
	stat(at("g"), &c);
	printf("fstat: %s, same inode as the file %d %d\n", type_of(a.st_mode), a.st_ino == c.st_ino,
	       b.st_ino == c.st_ino);
	result("lseek", lseek(r1, 0, SEEK_SET));
	/* fstat says what the file is now, not what it was at the open. */
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 1000000000, 0 } };
	result("chmod g 0604", chmod(at("g"), 0604));
	result("utimensat g", utimensat(AT_FDCWD, at("g"), times, 0));
	fstat(w, &b);
	printf("fstat: mode %04o mtime %lld\n", (unsigned) (b.st_mode & 07777), (long long) b.st_mtime);
	close(r1);
	close(r2);
	wait_no_reader(w);
	signal(SIGPIPE, SIG_IGN);
	result("write, no reader left (SIGPIPE ignored)", write(w, "z", 1));
	signal(SIGPIPE, SIG_DFL);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		write(w, "z", 1);
		_exit(0);
	}
	int st;
	waitpid(child, &st, 0);
	show_status("a writer with no reader", st);
	close(w);
}

/*
 * Blocking opens: the child opens with flags (it waits), the parent
 * makes a marker file and then opens the other side; the child, once
 * its open returns, says whether the marker is there (it must be: its
 * open waited for the parent's).
 */
static void rendezvous(int child_flags, int parent_flags, const char *what)
{
	int s[2], st, fd;
	char buf[32];

	printf("-- %s\n", what);
	unlink(at("marker"));
	pipe(s);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		close(s[0]);
		write(s[1], "b", 1);
		int f = open(at("h"), child_flags);
		char c = access(at("marker"), F_OK) == 0 ? 'y' : 'n';
		write(s[1], &c, 1);
		if (f < 0)
			_exit(1);
		if (child_flags == O_RDONLY) {
			ssize_t n = read(f, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			write(s[1], buf, strlen(buf));
			n = read(f, buf, sizeof(buf));
			_exit(n == 0 ? 0 : 2);
		}
		write(f, "from the child", 14);
		_exit(0);
	}
	close(s[1]);
	printf("child about to open: %c\n", status_byte(s[0]));
	close(open(at("marker"), O_CREAT | O_WRONLY, 0644));
	fd = open(at("h"), parent_flags);
	printf("parent opened: %d\n", fd >= 0);
	printf("child's open returned after the parent's: %c\n", status_byte(s[0]));
	if (parent_flags == O_WRONLY) {
		write(fd, "from the parent", 15);
		close(fd);
		ssize_t n = read(s[0], buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		printf("child read: %s\n", buf);
	} else {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		printf("parent read: %s\n", buf);
		close(fd);
	}
	waitpid(child, &st, 0);
	show_status("child", st);
	close(s[0]);
}

/*
 * A reader waiting in open is one: a nonblocking writer then opens, and
 * its open (even closed at once) lets the reader's open return.
 */
static void waiting_reader_counts(void)
{
	int s[2], st, w;

	printf("-- a reader waiting in open\n");
	pipe(s);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		close(s[0]);
		int f = open(at("h"), O_RDONLY);
		char buf[4];
		ssize_t n = read(f, buf, sizeof(buf));
		char c = n == 0 ? 'e' : 'x';
		write(s[1], &c, 1);
		_exit(0);
	}
	close(s[1]);
	/* ENXIO until the child is in its open. */
	while ((w = open(at("h"), O_WRONLY | O_NONBLOCK)) < 0 && errno == ENXIO)
		sched_yield();
	printf("a nonblocking writer found the waiting reader: %d\n", w >= 0);
	close(w);
	printf("the reader's open returned and read end of file: %c\n", status_byte(s[0]));
	waitpid(child, &st, 0);
	show_status("child", st);
	close(s[0]);
}

static int restart_writer = -1;

/* The restarted open waits for a writer: be it. */
static void open_writer(void)
{
	restart_writer = open(at("h"), O_WRONLY);
}

static int child_open(void)
{
	return open(at("h"), O_RDONLY);
}

/*
 * A signal ends a waiting open: EINTR without SA_RESTART; with it the
 * open is made again and goes on waiting (a writer then completes it).
 */
static void interrupted(int restart)
{
	printf("-- a waiting open and a signal%s\n", restart ? " with SA_RESTART" : "");
	waits_interrupted(restart, child_open, open_writer, "open");
	if (restart_writer >= 0)
		close(restart_writer);
	restart_writer = -1;
}

static void unlinked(void)
{
	char buf[8] = { 0 };
	int r, w;

	printf("-- unlink while open\n");
	result("mkfifo u", mkfifo(at("u"), 0600));
	r = open(at("u"), O_RDONLY | O_NONBLOCK);
	w = open(at("u"), O_WRONLY);
	result("unlink u", unlink(at("u")));
	show_stat("stat u", at("u"));
	result("write", write(w, "kept", 4));
	result("read", read(r, buf, sizeof(buf)));
	printf("got %s\n", buf);
	struct stat st;
	fstat(w, &st);
	printf("fstat after unlink: %s nlink %d\n", type_of(st.st_mode), (int) st.st_nlink);
	/* A new FIFO of that name is another pipe: nobody reads it. */
	result("mkfifo u again", mkfifo(at("u"), 0600));
	result("write-only, nonblocking, on the new one", open(at("u"), O_WRONLY | O_NONBLOCK));
	close(w);
	read_eof("read after the writer closed", r);
	close(r);
	/* rename over a FIFO that is open: the same. */
	mkfifo(at("v"), 0600);
	r = open(at("v"), O_RDONLY | O_NONBLOCK);
	result("rename over an open FIFO", rename(at("u"), at("v")));
	result("the renamed one has no reader", open(at("v"), O_WRONLY | O_NONBLOCK));
	close(r);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	if (work_dir(dir, sizeof(dir), argc > 1 ? argv[1] : NULL, "fifos") < 0)
		return 1;
	making();
	nonblocking();
	hangup();
	shared();
	rendezvous(O_RDONLY, O_WRONLY, "a reader waits for a writer");
	rendezvous(O_WRONLY, O_RDONLY, "a writer waits for a reader");
	waiting_reader_counts();
	interrupted(0);
	interrupted(1);
	unlinked();
	const char *names[] = { "f", "g", "h", "reg", "zero", "sock", "marker", "v" };
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(at(names[i]));
	result("rmdir", rmdir(dir));
	return 0;
}
