/*
 * The terminal through io.defs, with input typed on the serial console
 * by test/unixfs/tty.sh: each "# type N" line asks for the Nth input.
 * Canonical lines, erase, kill, word erase, ^D (a partial line, then end
 * of file), ^C and ^Z signalling the foreground process group, raw mode
 * without echo, select woken by typing, io_interrupt, the ioctls and
 * their bad sizes, the controlling terminal and its foreground group
 * (io_tty_ioctl with made-up processes), ONLCR on output.  The script checks what only the
 * serial log shows (echo, \r\n, no echo in raw mode).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include <servers/io.h>
#include <servers/fs.h>

#include "../../unix_server/io/unixio.h"
#include "../../unix_server/fs/vfs.h"
#include "../../unix_server/ramfs/ramfs.h"
#include "../../unix_server/tty/unixtty.h"
#include "../user/tap.h"
#include "../user/util.h"
#include "server.h"

#define CUR IO_OFFSET_CURRENT
#define WAIT_ROUNDS 6000 /* x 10 ms: how long typed input may take to come */

static mach_msg_type_name_t poly;
static volatile int signals[8][2];
static volatile int nsignals;

static void record_signal(int pgrp, int sig)
{
	if (nsignals < 8) {
		signals[nsignals][0] = pgrp;
		signals[nsignals][1] = sig;
		nsignals++;
	}
}

static void ask(int n)
{
	printf("# type %d\n", n);
	fflush(stdout);
}

static int rd(mach_port_t p, char *buf, size_t n, int tag)
{
	char inl[2048], *data = inl;
	mach_msg_type_number_t cnt = sizeof(inl);
	int rc = io_read(p, tag, CUR, n, &data, &cnt);

	if (rc != 0)
		return -rc;
	memcpy(buf, data, cnt);
	buf[cnt] = '\0';
	return cnt;
}

static int ioctl_out(mach_port_t p, int req, void *out, size_t size)
{
	char buf[128], *o = buf;
	mach_msg_type_number_t cnt = sizeof(buf);
	int rc = io_ioctl(p, req, NULL, 0, o, &cnt);

	if (rc == 0 && cnt != size)
		return -1;
	if (rc == 0)
		memcpy(out, buf, size);
	return rc;
}

static int ioctl_in(mach_port_t p, int req, const void *in, size_t size)
{
	char buf[128], *o = buf;
	mach_msg_type_number_t cnt = sizeof(buf);

	return io_ioctl(p, req, (char *) in, size, o, &cnt);
}

/*
 * Made-up processes (struct tty_procs): leader, pid 42 leading session 42;
 * member, pid 50 in group 50 of that session; group 77 is another
 * session's.  Their "proc ports" are ports of ours.
 */
static mach_port_t leader, member;

static int who(mach_port_t proc, struct tty_caller *c)
{
	if (proc != leader && proc != member)
		return LINUX_ESRCH;
	c->pid = c->pgrp = proc == leader ? 42 : 50;
	c->sid = 42;
	c->euid = 1000;
	return 0;
}

static int pgrp_session(int pgrp)
{
	return pgrp == 42 || pgrp == 50 ? 42 : pgrp == 77 ? 77 : 0;
}

/* Who gave the terminal up for itself (TIOCNOTTY, not leading). */
static int detached;

static void detach(int pid)
{
	detached = pid;
}

static const struct tty_procs procs = { record_signal, who, pgrp_session, detach };

/* io_tty_ioctl from proc: the answer; out (size bytes) when it is 0. */
static int tty_req(mach_port_t p, mach_port_t proc, int req, int flags, const void *in, size_t inlen, void *out,
		   size_t size)
{
	char buf[128];
	mach_msg_type_number_t cnt = sizeof(buf);
	int rc = io_tty_ioctl(p, proc, req, flags, (char *) in, inlen, buf, &cnt);

	if (rc == 0 && size != 0) {
		if (cnt != size)
			return -1;
		memcpy(out, buf, size);
	}
	return rc;
}

/*
 * /dev/console opened by proc (fs_open) with open flags fl: the answer;
 * the file is closed again, and *tty says whether it is a terminal.
 */
static int open_as(mach_port_t root, mach_port_t proc, int fl, int *tty)
{
	mach_msg_type_name_t poly;
	mach_port_t p;
	int rc;

	rc = fs_open(root, "/dev/console", IO_O_RDWR | fl, 0, proc, 0, &p, &poly, tty);
	if (rc == 0)
		mach_port_deallocate(mach_task_self(), p);
	return rc;
}

static mach_port_t made_up_process(void)
{
	mach_port_t p = test_port();

	mach_port_insert_right(mach_task_self(), p, p, MACH_MSG_TYPE_MAKE_SEND);
	return p;
}

static void test_ctty(mach_port_t con)
{
	struct tty_termios t;
	int32_t v = 0, pg = 0;

	leader = made_up_process();
	member = made_up_process();
	is(ioctl_out(con, TTY_TIOCGPGRP, &pg, sizeof(pg)), LINUX_ENOTTY,
	   "TIOCGPGRP through io_ioctl (nobody's controlling terminal): ENOTTY");
	is(tty_req(con, member, TTY_TIOCSCTTY, 0, &v, sizeof(v), NULL, 0), LINUX_EPERM,
	   "TIOCSCTTY by a process that leads no session: EPERM");
	is(tty_req(con, made_up_process(), TTY_TIOCGPGRP, 0, NULL, 0, &pg, sizeof(pg)), LINUX_ESRCH,
	   "a port that is no process's: ESRCH");
	is(tty_req(con, leader, TTY_TIOCSCTTY, 0, &v, sizeof(v), NULL, 0), 0,
	   "TIOCSCTTY by a session leader: its controlling terminal");
	is(tty_req(con, leader, TTY_TIOCGPGRP, 0, NULL, 0, &pg, sizeof(pg)), 0, "TIOCGPGRP");
	is(pg, 42, "the leader's group is in the foreground");
	is(tty_req(con, member, TTY_TIOCGSID, 0, NULL, 0, &v, sizeof(v)), 0, "TIOCGSID from the session");
	is(v, 42, "session 42");
	ioctl_out(con, TTY_TCGETS, &t, sizeof(t));
	is(tty_req(con, member, TTY_TCSETS, 0, &t, sizeof(t), NULL, 0), TTY_EBACKGROUND,
	   "TCSETS from a background group: TTY_EBACKGROUND");
	is(tty_req(con, member, TTY_TCSETS, TTY_CALLER_TTOU_OK, &t, sizeof(t), NULL, 0), 0,
	   "with SIGTTOU blocked or ignored it goes ahead");
	v = 0;
	is(tty_req(con, member, TTY_TCFLSH, 0, &v, sizeof(v), NULL, 0), TTY_EBACKGROUND,
	   "TCFLSH from the background too");
	is(tty_req(con, member, TTY_JC_READ, 0, NULL, 0, NULL, 0), TTY_EBACKGROUND, "reading from the background");
	is(tty_req(con, member, TTY_JC_WRITE, 0, NULL, 0, NULL, 0), 0, "writing, without TOSTOP, goes ahead");
	is(tty_req(con, member, TTY_TCGETS, 0, NULL, 0, &t, sizeof(t)), 0, "TCGETS from the background goes ahead");
	is(tty_req(con, member, TTY_TIOCNOTTY, 0, NULL, 0, NULL, 0), 0, "TIOCNOTTY by a member");
	is(detached, 50, "the proc service hears the member gave the terminal up (for /proc)");
	is(tty_req(con, member, TTY_TIOCNOTTY, TTY_CALLER_DETACHED, NULL, 0, NULL, 0), LINUX_ENOTTY,
	   "once given up, it is no controlling terminal of the process's");
	v = 77;
	is(tty_req(con, leader, TTY_TIOCSPGRP, 0, &v, sizeof(v), NULL, 0), LINUX_EPERM,
	   "TIOCSPGRP to another session's group: EPERM");
	v = 99;
	is(tty_req(con, leader, TTY_TIOCSPGRP, 0, &v, sizeof(v), NULL, 0), LINUX_ESRCH, "to no group: ESRCH");
	v = -1;
	is(tty_req(con, leader, TTY_TIOCSPGRP, 0, &v, sizeof(v), NULL, 0), LINUX_EINVAL, "to -1: EINVAL");
	is(tty_req(con, leader, TTY_TIOCSPGRP, 0, &v, 2, NULL, 0), LINUX_EINVAL, "with 2 bytes: EINVAL");
	v = 50;
	is(tty_req(con, leader, TTY_TIOCSPGRP, 0, &v, sizeof(v), NULL, 0), 0, "TIOCSPGRP to group 50");
	is(tty_req(con, member, TTY_JC_READ, 0, NULL, 0, NULL, 0), 0, "which may read now");
	v = 42;
	is(tty_req(con, leader, TTY_TIOCSPGRP, 0, &v, sizeof(v), NULL, 0), TTY_EBACKGROUND,
	   "the leader, now in the background, cannot take it back...");
	is(tty_req(con, leader, TTY_TIOCSPGRP, TTY_CALLER_TTOU_OK, &v, sizeof(v), NULL, 0), 0,
	   "...unless it blocks SIGTTOU, as shells do");
}

struct reader_arg {
	mach_port_t p;
	int tag;
	int rc;
};

static void *reader(void *arg)
{
	struct reader_arg *a = arg;
	char buf[64];

	a->rc = rd(a->p, buf, sizeof(buf) - 1, a->tag);
	return NULL;
}

static void test_ioctls(mach_port_t con)
{
	struct tty_termios t;
	struct tty_winsize ws = { 0, 0, 0, 0 }, big = { 50, 132, 0, 0 };
	int32_t v;
	char junk[64] = { 0 };

	is(ioctl_out(con, TTY_TCGETS, &t, sizeof(t)), 0, "TCGETS (36 bytes)");
	ok((t.c_lflag & (TTY_ICANON | TTY_ECHO | TTY_ISIG)) == (TTY_ICANON | TTY_ECHO | TTY_ISIG),
	   "canonical, echo and signals on by default");
	ok(t.c_cc[TTY_VINTR] == 3 && t.c_cc[TTY_VERASE] == 0177 && t.c_cc[TTY_VEOF] == 4 && t.c_cc[TTY_VSUSP] == 26,
	   "Linux's default control characters");
	ok(t.c_oflag == (TTY_OPOST | TTY_ONLCR) && t.c_iflag == (TTY_ICRNL | TTY_IXON), "and modes");
	is(ioctl_out(con, TTY_TIOCGWINSZ, &ws, sizeof(ws)), 0, "TIOCGWINSZ");
	ok(ws.ws_row == 24 && ws.ws_col == 80, "24 x 80");
	is(ioctl_in(con, TTY_TIOCSWINSZ, &big, sizeof(big)), 0, "TIOCSWINSZ 50 x 132");
	ioctl_out(con, TTY_TIOCGWINSZ, &ws, sizeof(ws));
	ok(ws.ws_row == 50 && ws.ws_col == 132, "read back");
	v = 42;
	is(ioctl_in(con, TTY_TIOCSPGRP, &v, sizeof(v)), LINUX_ENOTTY, "TIOCSPGRP from nobody: ENOTTY");
	is(ioctl_in(con, TTY_TCSETS, junk, 10), LINUX_EINVAL, "TCSETS with 10 bytes: EINVAL");
	is(ioctl_in(con, TTY_TCGETS, junk, 4), LINUX_EINVAL, "TCGETS with an argument: EINVAL");
	is(ioctl_in(con, 0x1234, junk, 0), LINUX_ENOTTY, "an unknown ioctl: ENOTTY");
	is(ioctl_out(con, TTY_FIONREAD, &v, sizeof(v)), 0, "FIONREAD");
	is(v, 0, "nothing typed yet");
	ioctl_out(con, TTY_TCGETS, &t, sizeof(t));
	is(ioctl_in(con, TTY_TCSETS, &t, sizeof(t)), 0, "TCSETS of what TCGETS gave");
}

static int wait_signals(int n)
{
	int i;

	for (i = 0; i < WAIT_ROUNDS && nsignals < n; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	return nsignals;
}

int main(void)
{
	const char *devport = getenv("BOOT_DEVICE_PORT");
	struct vfs_mount *fs;
	mach_port_t root, con, tty2, notify;
	struct tty_termios t, saved;
	char buf[256], got[64];
	int rc, amount, tag = -1, ready = -1;
	size_t have;

	if (devport == NULL)
		tap_bail("no BOOT_DEVICE_PORT");
	test_server_start();
	cthread_mutex_lock(&unixio_lock);
	vfs_init();
	fs = ramfs_create(1);
	vfs_populate_dev(fs->root);
	vfs_register_device(VFS_MKDEV(5, 1), unixtty_open, (void *) (uintptr_t) VFS_MKDEV(5, 1));
	vfs_register_device(VFS_MKDEV(5, 0), unixtty_open, (void *) (uintptr_t) VFS_MKDEV(5, 0));
	root = vfs_root_port(fs->root, &unixio_root_cred);
	cthread_mutex_unlock(&unixio_lock);
	mach_port_insert_right(mach_task_self(), root, root, MACH_MSG_TYPE_MAKE_SEND);
	is_kr(unixtty_init(strtoul(devport, NULL, 0), &procs), KERN_SUCCESS, "the terminal opens the console");

	is(fs_lookup(root, "/dev/console", IO_O_RDWR, 0, &con, &poly), 0, "open /dev/console");
	test_ioctls(con);
	test_ctty(con);
	{
		struct io_stat st;

		is(io_stat(con, &st), 0, "fstat");
		ok(st.st_mode == (IO_S_IFCHR | 0620) && st.st_rdev == 0x501, "a character device 5,1");
	}
	is(io_write(con, 0, CUR, "tty-output-line\n", 16, &amount), 0, "write a line to the terminal");
	is(amount, 16, "all of it");
	is(fs_lookup(root, "/dev/tty", IO_O_RDONLY | IO_O_NONBLOCK, 0, &tty2, &poly), 0, "open /dev/tty O_NONBLOCK");
	is(rd(tty2, buf, 10, 0), -LINUX_EAGAIN, "nothing typed: EAGAIN");
	{
		int64_t off;

		is(io_seek(con, 0, 0, &off), LINUX_ESPIPE, "lseek: ESPIPE");
	}

	notify = test_port();
	is(io_select(con, IO_POLLIN, notify, 1, &ready), 0, "select for input");
	is(ready, 0, "none yet");
	/*
	 * Typed input is echoed on the serial line as it arrives, so a step's
	 * checks are printed only once its last line has been read (and so
	 * echoed): a TAP line printed earlier could be cut by the echo.
	 */
	ask(1); /* hello\n */
	{
		int woke = test_wait_message(notify, WAIT_ROUNDS * 10, &tag), n;

		io_select(con, IO_POLLIN | IO_POLLOUT, MACH_PORT_NULL, 0, &ready);
		n = rd(con, buf, sizeof(buf) - 1, 0);
		is(woke, 31600, "typing wakes the select");
		is(tag, 1, "with its tag");
		is(ready, IO_POLLIN | IO_POLLOUT, "now readable");
		is(n, 6, "a canonical read returns the line");
		is(strcmp(buf, "hello\n"), 0, "\"hello\\n\"");
	}

	ask(2); /* abx DEL c \n, junk ^U ok \n, two words ^W ^W w \n */
	{
		char line[3][64];

		for (int i = 0; i < 3; i++)
			rd(con, line[i], sizeof(line[i]) - 1, 0);
		is(strcmp(line[0], "abc\n"), 0, "erase (DEL) removes the last character");
		is(strcmp(line[1], "ok\n"), 0, "kill (^U) removes the line");
		is(strcmp(line[2], "w\n"), 0, "word erase (^W) removes words");
	}

	ask(3); /* partial ^D ^D then "tail\n" */
	{
		char partial[64];
		int n[4];

		n[0] = rd(con, partial, sizeof(partial) - 1, 0);
		n[1] = rd(con, buf, sizeof(buf) - 1, 0);
		n[2] = rd(con, buf, 2, 0);
		n[3] = rd(con, buf, sizeof(buf) - 1, 0);
		is(n[0], 7, "^D ends a partial line without a newline");
		is(strcmp(partial, "partial"), 0, "\"partial\"");
		is(n[1], 0, "^D on an empty line: end of file (0 bytes)");
		is(n[2], 2, "a short read of a line...");
		is(n[3], 3, "...leaves the rest of it for the next");
		is(strcmp(buf, "il\n"), 0, "\"il\\n\"");
	}

	ask(4); /* ^C then ^Z */
	rc = wait_signals(2);
	printf("\n"); /* ends the line of their echo, "^C^Z" */
	is(rc, 2, "^C and ^Z signal");
	ok(signals[0][0] == 42 && signals[0][1] == TTY_SIGINT, "^C: SIGINT to the foreground group 42");
	ok(signals[1][0] == 42 && signals[1][1] == TTY_SIGTSTP, "^Z: SIGTSTP to it");
	unixtty_hangup(7);
	unixtty_hangup(42);
	is(nsignals, 3, "session 42's leader ends: one signal (another session's ending changes nothing)");
	ok(signals[2][0] == 42 && signals[2][1] == TTY_SIGHUP, "SIGHUP to the foreground group");
	{
		int32_t pg;
		int is_tty = -1;

		is(tty_req(con, leader, TTY_TIOCGPGRP, 0, NULL, 0, &pg, sizeof(pg)), LINUX_ENOTTY,
		   "and the terminal is nobody's controlling terminal");
		is(open_as(root, leader, TTY_O_NOCTTY, &is_tty), 0, "fs_open by a session leader, O_NOCTTY");
		is(is_tty, 1, "says it is a terminal");
		is(tty_req(con, leader, TTY_TIOCGSID, 0, NULL, 0, &pg, sizeof(pg)), LINUX_ENOTTY,
		   "opened with O_NOCTTY by a session leader: still nobody's");
		is(open_as(root, made_up_process(), 0, &is_tty), LINUX_ESRCH, "fs_open by no process: ESRCH");
		is(open_as(root, leader, 0, &is_tty), 0, "opened without O_NOCTTY...");
		is(tty_req(con, leader, TTY_TIOCGSID, 0, NULL, 0, &pg, sizeof(pg)), 0, "...it is the leader's again");
		is(tty_req(con, leader, TTY_TIOCNOTTY, 0, NULL, 0, NULL, 0), 0, "TIOCNOTTY by the leader");
		is(nsignals, 5, "gives its foreground group SIGHUP and SIGCONT");
		ok(signals[3][1] == TTY_SIGHUP && signals[4][1] == TTY_SIGCONT && signals[4][0] == 42, "in that order");
		is(open_as(root, leader, 0, &is_tty), 0, "the leader opens it again");
	}

	ioctl_out(con, TTY_TCGETS, &saved, sizeof(saved));
	t = saved;
	t.c_lflag &= ~(TTY_ICANON | TTY_ECHO);
	t.c_cc[TTY_VMIN] = 1;
	t.c_cc[TTY_VTIME] = 0;
	is(ioctl_in(con, TTY_TCSETS, &t, sizeof(t)), 0, "raw mode without echo");
	ask(5); /* RAWSECRET, no newline */
	have = 0;
	while (have < 9) {
		rc = rd(con, got + have, sizeof(got) - 1 - have, 0);
		if (rc <= 0)
			break;
		have += rc;
	}
	got[have] = '\0';
	is(strcmp(got, "RAWSECRET"), 0, "raw reads return bytes without a newline");
	{
		unsigned i;

		printf("# raw got");
		for (i = 0; i < have; i++)
			printf(" %02x", (unsigned char) got[i]);
		printf("\n");
	}
	t.c_cc[TTY_VMIN] = 0;
	ioctl_in(con, TTY_TCSETS, &t, sizeof(t));
	is(rd(con, buf, 10, 0), 0, "VMIN 0 with nothing typed: 0 bytes at once");
	is(ioctl_in(con, TTY_TCSETSF, &saved, sizeof(saved)), 0, "back to canonical (TCSETSF)");
	t.c_cc[TTY_VMIN] = 0;

	{
		struct reader_arg a = { con, 9, -1 };
		cthread_t th;
		int i;

		cthread_create(&th, reader, &a);
		for (i = 0; i < 200; i++)
			thread_switch(MACH_PORT_NULL, SWITCH_OPTION_DEPRESS, 1);
		is(io_interrupt(con, 9), 0, "io_interrupt of a read waiting for a line");
		cthread_join(th);
		is(a.rc, -LINUX_EINTR, "it answers EINTR");
	}
	/* Typed ahead in raw mode, read in canonical mode: edited into lines. */
	ioctl_in(con, TTY_TCSETS, &t, sizeof(t)); /* raw, no echo, VMIN 0 */
	ask(6); /* ahead\nnext ^D */
	{
		int32_t have = 0;
		int i;

		for (i = 0; i < WAIT_ROUNDS && have < 11; i++) {
			thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
			ioctl_out(con, TTY_FIONREAD, &have, sizeof(have));
		}
		is(have, 11, "11 bytes typed ahead in raw mode");
	}
	is(ioctl_in(con, TTY_TCSETS, &saved, sizeof(saved)), 0, "back to canonical without flushing");
	is(rd(con, buf, sizeof(buf) - 1, 0), 6, "the newline typed ahead ends a line");
	is(strcmp(buf, "ahead\n"), 0, "\"ahead\\n\"");
	is(rd(con, buf, sizeof(buf) - 1, 0), 4, "and ^D typed ahead ends the next");
	is(strcmp(buf, "next"), 0, "\"next\"");
	ask(7); /* echo-me \n */
	is(rd(con, buf, sizeof(buf) - 1, 0), 8, "the next line comes whole");
	is(strcmp(buf, "echo-me\n"), 0, "\"echo-me\\n\" (echoed: tty.sh checks)");
	mach_port_deallocate(mach_task_self(), tty2);
	mach_port_deallocate(mach_task_self(), con);
	mach_port_mod_refs(mach_task_self(), notify, MACH_PORT_RIGHT_RECEIVE, -1);
	return tap_done();
}
