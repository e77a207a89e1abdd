/*
 * Terminals: one line discipline serving the console device and the
 * slaves of pseudo-terminals.
 *
 * The console: a reader thread waits in device_read_inband and feeds
 * every byte through tty_input under unixio_lock; output goes to the
 * device.  A pty: what its master writes is the slave's input, through
 * the same tty_input, and what the slave outputs (echo included) waits
 * in a buffer for the master to read.  The discipline: input
 * translation (ICRNL...), signals (ISIG: ^C, ^\, ^Z to the foreground
 * process group, input flushed), canonical editing (ICANON: erase,
 * kill, word erase, ^D, lines) and echo.  What a read may take sits in
 * `ready`: in canonical mode as whole lines (a ^D line may have no
 * newline, or be empty: end of file), in raw mode as bytes.  Reads and
 * writes wait in the open-file layer's queues and are retried whenever
 * the other side moves (unixio_wake), so nothing here blocks.  Output
 * processing (OPOST/ONLCR) is done here; the console driver's own
 * newline mapping is off.
 *
 * Job control is Linux's: each terminal is one session's controlling
 * terminal (or none's), with a foreground group in it; a session has at
 * most one.  Requests that depend on who asks come with the caller's
 * proc port (io_tty_ioctl), which the proc service identifies (struct
 * tty_procs); an open through fs_open comes with the opener's (the
 * controlling terminal; /dev/tty is the caller's), the library asks
 * TTY_JC_READ/TTY_JC_WRITE before a read or write and acts on
 * TTY_EBACKGROUND (docs/unix.md).  A
 * hang-up (vhangup, a pty master's last close) leaves the files open
 * on the terminal hung up: reads see end of file, writes EIO.
 */
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include <device/device.h>
#include <device/tty_status.h>

#include "unixtty.h"

#define TTY_CANON_MAX 4095 /* a line holds this much; more is dropped (Linux: 4095) */
#define TTY_READY_MAX 8192
#define TTY_LINES_MAX 256
#define TTY_OUT_CHUNK IO_INBAND_MAX
#define TTY_DEFAULT_ROWS 24
#define TTY_DEFAULT_COLS 80
#define TTY_CTRL(c) ((c) & 0x1f)
#define TTY_DEL 0177
#define TTY_MODE (IO_S_IFCHR | 0620)
#define PTY_MASTER_MODE (IO_S_IFCHR | 0666)
#define PTY_OUT_MAX 4096 /* what the slave wrote and the master has not read */
/* st_dev for the terminal's files (Linux's devpts/devtmpfs are devices too). */
#define TTY_DEV 0x06

struct pty;

/* A terminal: the line discipline's state, the console's or a pty slave's. */
struct tty {
	struct pty *pty; /* the pty whose slave this is, or NULL: the console */
	uint32_t rdev;	 /* its device number (st_rdev) */
	struct tty_termios t;
	struct tty_winsize ws;
	int session; /* the session whose controlling terminal this is, or 0 */
	int fg_pgrp; /* its foreground process group, or 0 */
	/* Bumped by a hang-up: files opened before it are hung up. */
	uint32_t hangups;
	/* The line being edited (canonical mode). */
	char canon[TTY_CANON_MAX];
	size_t canon_len;
	/* What reads take: bytes, and in canonical mode the lengths of the lines in them. */
	char ready[TTY_READY_MAX];
	size_t ready_head, ready_count;
	uint16_t lines[TTY_LINES_MAX];
	size_t lines_head, lines_count;
	/*
	 * Set while bytes typed in raw mode are read again as canonical input
	 * (the program went back to canonical mode before reading them): they
	 * were echoed and signalled already, so only the line editing applies.
	 */
	int replaying;
	struct io_waitq q;
	uint32_t atime_sec;
};

/*
 * A pseudo-terminal: the slave is a terminal like the console, whose
 * output goes to a buffer the master reads and whose input is what the
 * master writes.
 */
struct pty {
	struct tty slave;
	int index;		/* /dev/pts/index */
	int locked;		/* TIOCSPTLCK: the slave cannot be opened */
	int masters;		/* open files of the master */
	int slaves;		/* open files of the slave (/dev/tty's too) */
	int slave_closed;	/* the slave's last file closed: the master reads EIO */
	uint32_t uid, gid;	/* the slave's owner: the master's opener */
	uint32_t ctime;
	char out[PTY_OUT_MAX];
	size_t out_head, out_count;
	struct io_waitq mq; /* the master's waiting calls */
};

/*
 * An open file of a terminal (/dev/tty's: of the opener's controlling
 * terminal, or the console for nobody's open), shared by the
 * descriptions io_restrict_auth makes of it.
 */
struct tty_file {
	struct tty *tp;
	struct pty *master; /* a pty's master, or NULL */
	uint32_t rdev;	    /* what was opened (5,0 for /dev/tty) */
	uint32_t hangups;   /* tp->hangups when opened: another means hung up */
	int refs;
};

static struct tty console;
static mach_port_t console_port;
static const struct tty_procs *tty_procs;
static struct pty *ptys[UNIXTTY_PTY_MAX];

static const struct tty_termios tty_default = {
	.c_iflag = TTY_ICRNL | TTY_IXON,
	.c_oflag = TTY_OPOST | TTY_ONLCR,
	.c_cflag = 0000277, /* B38400 | CS8 | CREAD | HUPCL, as Linux's default */
	.c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK | TTY_ECHOCTL | TTY_ECHOKE | TTY_IEXTEN,
	.c_line = 0,
	.c_cc = { TTY_CTRL('C'), TTY_CTRL('\\'), TTY_DEL, TTY_CTRL('U'), TTY_CTRL('D'), 0, 1, 0, TTY_CTRL('Q'),
		  TTY_CTRL('S'), TTY_CTRL('Z'), 0, TTY_CTRL('R'), TTY_CTRL('O'), TTY_CTRL('W'), TTY_CTRL('V'), 0 },
};

static void tty_setup(struct tty *tp, struct pty *pty, uint32_t rdev)
{
	memset(tp, 0, sizeof(*tp));
	tp->pty = pty;
	tp->rdev = rdev;
	tp->t = tty_default;
	tp->ws.ws_row = TTY_DEFAULT_ROWS;
	tp->ws.ws_col = TTY_DEFAULT_COLS;
	unixio_now(&tp->atime_sec, NULL);
}

static int tty_canonical(const struct tty *tp)
{
	return (tp->t.c_lflag & TTY_ICANON) != 0;
}

/* How many bytes the terminal's output can take now. */
static size_t tty_room(const struct tty *tp)
{
	return tp->pty != NULL ? PTY_OUT_MAX - tp->pty->out_count : SIZE_MAX;
}

/*
 * Output as it is (no processing), all of it (tty_room said it fits):
 * to the console device, or to what a pty's master reads.
 */
static void tty_put_raw(struct tty *tp, const char *buf, size_t len)
{
	struct pty *pty = tp->pty;

	if (pty != NULL) {
		for (size_t i = 0; i < len && pty->out_count < PTY_OUT_MAX; i++)
			pty->out[(pty->out_head + pty->out_count++) % PTY_OUT_MAX] = buf[i];
		unixio_wake(&pty->mq);
		return;
	}
	while (len > 0) {
		size_t n = len < TTY_OUT_CHUNK ? len : TTY_OUT_CHUNK;
		int written = 0;

		if (device_write_inband(console_port, 0, 0, buf, n, &written) != D_SUCCESS || written <= 0)
			return;
		buf += written;
		len -= written;
	}
}

/*
 * Write with output processing: with OPOST and ONLCR, \n goes out as
 * \r\n.  The console driver's own mapping is off (TF_CRMOD cleared at
 * start-up); should the driver refuse, it does the mapping (driver_crmod)
 * and ONLCR off cannot be had.  Returns how many of the bytes went out
 * (fewer when a pty's master has not read enough).
 */
static int tty_driver_crmod;

static size_t tty_output(struct tty *tp, const char *buf, size_t len)
{
	char out[TTY_OUT_CHUNK];
	int crmod = (tp->t.c_oflag & (TTY_OPOST | TTY_ONLCR)) == (TTY_OPOST | TTY_ONLCR) &&
		    !(tp->pty == NULL && tty_driver_crmod);
	size_t i = 0;

	while (i < len) {
		size_t room = tty_room(tp), n = 0;

		if (room > sizeof(out))
			room = sizeof(out);
		while (i < len && n + (crmod && buf[i] == '\n' ? 2 : 1) <= room) {
			if (crmod && buf[i] == '\n')
				out[n++] = '\r';
			out[n++] = buf[i++];
		}
		if (n == 0)
			break;
		tty_put_raw(tp, out, n);
	}
	return i;
}

/* Output that may be lost when there is no room (echo: Linux drops it too). */
static void tty_echo_raw(struct tty *tp, const char *buf, size_t len)
{
	if (len <= tty_room(tp))
		tty_put_raw(tp, buf, len);
}

/* Echo one input byte (ECHOCTL shows control characters as ^X). */
static void tty_echo(struct tty *tp, unsigned char c)
{
	char two[2];

	if (tp->replaying)
		return;
	if (!(tp->t.c_lflag & TTY_ECHO)) {
		if (c == '\n' && (tp->t.c_lflag & TTY_ECHONL) && tty_canonical(tp))
			tty_output(tp, "\n", 1);
		return;
	}
	if ((tp->t.c_lflag & TTY_ECHOCTL) && (c < ' ' || c == TTY_DEL) && c != '\n' && c != '\t') {
		two[0] = '^';
		two[1] = c == TTY_DEL ? '?' : c + '@';
		tty_echo_raw(tp, two, 2);
		return;
	}
	two[0] = c;
	tty_output(tp, two, 1);
}

static void tty_flush_input(struct tty *tp)
{
	tp->canon_len = 0;
	tp->ready_head = tp->ready_count = 0;
	tp->lines_head = tp->lines_count = 0;
}

/* Append bytes to what reads take; in canonical mode, as one line. */
static void tty_push(struct tty *tp, const char *buf, size_t len, int line)
{
	size_t i;

	if (len > TTY_READY_MAX - tp->ready_count || (line && tp->lines_count == TTY_LINES_MAX))
		return; /* reader far behind: drop, as a full tty buffer does */
	for (i = 0; i < len; i++)
		tp->ready[(tp->ready_head + tp->ready_count + i) % TTY_READY_MAX] = buf[i];
	tp->ready_count += len;
	if (line)
		tp->lines[(tp->lines_head + tp->lines_count++) % TTY_LINES_MAX] = (uint16_t) len;
}

/* Erase the last character of the line being edited, on screen too. */
static int tty_erase_one(struct tty *tp)
{
	if (tp->canon_len == 0)
		return 0;
	tp->canon_len--;
	if ((tp->t.c_lflag & TTY_ECHO) && (tp->t.c_lflag & TTY_ECHOE) && !tp->replaying) {
		unsigned char c = tp->canon[tp->canon_len];

		/* A control character was echoed as two cells. */
		if ((tp->t.c_lflag & TTY_ECHOCTL) && (c < ' ' || c == TTY_DEL) && c != '\t')
			tty_echo_raw(tp, "\b \b", 3);
		tty_echo_raw(tp, "\b \b", 3);
	}
	return 1;
}

static void tty_signal(struct tty *tp, int sig)
{
	if (!(tp->t.c_lflag & TTY_NOFLSH))
		tty_flush_input(tp);
	if (tty_procs != NULL && tp->fg_pgrp > 0)
		tty_procs->signal(tp->fg_pgrp, sig);
}

/* One byte typed (or written to a pty's master). */
static void tty_input(struct tty *tp, unsigned char c)
{
	const uint8_t *cc = tp->t.c_cc;

	if (tp->replaying)
		goto edit;
	if (tp->t.c_iflag & TTY_ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (tp->t.c_iflag & TTY_IGNCR)
			return;
		if (tp->t.c_iflag & TTY_ICRNL)
			c = '\n';
	} else if (c == '\n' && (tp->t.c_iflag & TTY_INLCR)) {
		c = '\r';
	}
	if (tp->t.c_lflag & TTY_ISIG) {
		int sig = c == cc[TTY_VINTR] ? TTY_SIGINT
			  : c == cc[TTY_VQUIT] ? TTY_SIGQUIT
			  : c == cc[TTY_VSUSP] ? TTY_SIGTSTP
					       : 0;

		if (sig != 0 && c != 0) {
			tty_echo(tp, c);
			tty_signal(tp, sig);
			return;
		}
	}
	if (!tty_canonical(tp)) {
		tty_echo(tp, c);
		tty_push(tp, (char *) &c, 1, 0);
		return;
	}
edit:
	if (c == cc[TTY_VERASE] || c == '\b') {
		tty_erase_one(tp);
		return;
	}
	if (c == cc[TTY_VKILL]) {
		if ((tp->t.c_lflag & TTY_ECHOKE) && (tp->t.c_lflag & TTY_ECHOE)) {
			while (tty_erase_one(tp))
				;
		} else {
			tp->canon_len = 0;
			if (tp->t.c_lflag & TTY_ECHOK)
				tty_output(tp, "\n", 1);
		}
		tp->canon_len = 0;
		return;
	}
	if (c == cc[TTY_VWERASE] && (tp->t.c_lflag & TTY_IEXTEN)) {
		while (tp->canon_len > 0 && tp->canon[tp->canon_len - 1] == ' ')
			tty_erase_one(tp);
		while (tp->canon_len > 0 && tp->canon[tp->canon_len - 1] != ' ')
			tty_erase_one(tp);
		return;
	}
	if (c == cc[TTY_VEOF]) {
		/* The line so far, without a newline; an empty one is end of file. */
		tty_push(tp, tp->canon, tp->canon_len, 1);
		tp->canon_len = 0;
		return;
	}
	if (c == '\n' || (c == cc[TTY_VEOL] && c != 0)) {
		tty_echo(tp, c);
		if (tp->canon_len < TTY_CANON_MAX)
			tp->canon[tp->canon_len++] = c;
		else
			tp->canon[TTY_CANON_MAX - 1] = c; /* a full line still ends */
		tty_push(tp, tp->canon, tp->canon_len, 1);
		tp->canon_len = 0;
		return;
	}
	if (tp->canon_len < TTY_CANON_MAX - 1) {
		tp->canon[tp->canon_len++] = c;
		tty_echo(tp, c);
	}
}

/* The console reader: typed bytes into the discipline. */
static void *tty_reader(void *arg)
{
	(void) arg;
	for (;;) {
		char buf[IO_INBAND_MAX];
		mach_msg_type_number_t n = sizeof(buf);
		size_t i;

		if (device_read_inband(console_port, 0, 0, sizeof(buf), buf, &n) != D_SUCCESS) {
			/* The console went away: nothing more will be typed. */
			return NULL;
		}
		cthread_mutex_lock(&unixio_lock);
		for (i = 0; i < n; i++)
			tty_input(&console, (unsigned char) buf[i]);
		unixio_now(&console.atime_sec, NULL);
		unixio_wake(&console.q);
		cthread_mutex_unlock(&unixio_lock);
	}
}

/* --- open files of a terminal --- */

static struct tty_file *tty_file(struct io_open *o)
{
	return o->obj;
}

/* The file's terminal, or NULL if the file is hung up. */
static struct tty *tty_of(struct io_open *o)
{
	struct tty_file *f = tty_file(o);

	return f->hangups == f->tp->hangups ? f->tp : NULL;
}

/* How many bytes a read may take now (0: it waits, unless VMIN is 0). */
static size_t tty_available(const struct tty *tp)
{
	if (tty_canonical(tp))
		return tp->lines_count > 0 ? tp->lines[tp->lines_head] : 0;
	return tp->ready_count;
}

static int tty_read(struct io_open *o, int64_t off, char *buf, size_t amount, size_t *got)
{
	struct tty *tp = tty_of(o);
	size_t n, i;

	(void) off;
	*got = 0;
	if (tp == NULL)
		return 0; /* hung up: end of file */
	if (tty_canonical(tp)) {
		if (tp->lines_count == 0)
			return IO_WOULDBLOCK;
		n = tp->lines[tp->lines_head];
	} else {
		size_t vmin = tp->t.c_cc[TTY_VMIN];

		n = tp->ready_count;
		if (vmin > amount)
			vmin = amount;
		if (n < vmin || (vmin == 0 && n == 0 && tp->t.c_cc[TTY_VTIME] != 0))
			return IO_WOULDBLOCK;
	}
	if (n > amount)
		n = amount;
	for (i = 0; i < n; i++)
		buf[i] = tp->ready[(tp->ready_head + i) % TTY_READY_MAX];
	*got = n;
	return 0;
}

static void tty_read_done(struct io_open *o, size_t got)
{
	struct tty *tp = tty_of(o);

	if (tp == NULL)
		return;
	tp->ready_head = (tp->ready_head + got) % TTY_READY_MAX;
	tp->ready_count -= got;
	if (tty_canonical(tp) && tp->lines_count > 0) {
		/* A line read in part stays, shorter; an end-of-file line goes. */
		if (got < tp->lines[tp->lines_head]) {
			tp->lines[tp->lines_head] -= got;
		} else {
			tp->lines_head = (tp->lines_head + 1) % TTY_LINES_MAX;
			tp->lines_count--;
		}
	}
	if (tp->pty != NULL)
		unixio_wake(&tp->pty->mq); /* room for what the master writes */
}

static int tty_write(struct io_open *o, int64_t off, const char *buf, size_t len, size_t *done)
{
	struct tty *tp = tty_of(o);

	(void) off;
	*done = 0;
	if (tp == NULL)
		return LINUX_EIO; /* hung up */
	*done = tty_output(tp, buf, len);
	return *done == 0 && len > 0 ? IO_WOULDBLOCK : 0;
}

static int tty_stat(struct io_open *o, struct io_stat *st)
{
	struct tty_file *f = tty_file(o);
	struct pty *pty = f->tp->pty; /* a master's tp is its slave */

	st->st_dev = TTY_DEV;
	st->st_ino = f->rdev;
	st->__st_ino = f->rdev;
	st->st_mode = f->master != NULL ? PTY_MASTER_MODE : pty != NULL ? UNIXTTY_PTS_MODE : TTY_MODE;
	if (pty != NULL && f->master == NULL) {
		st->st_uid = pty->uid;
		st->st_gid = pty->gid;
	}
	st->st_nlink = 1;
	st->st_rdev = f->rdev;
	st->st_blksize = 1024;
	st->st_atime_sec = st->st_mtime_sec = st->st_ctime_sec = f->tp->atime_sec;
	return 0;
}

static int tty_poll(struct io_open *o)
{
	struct tty *tp = tty_of(o);
	int ready = IO_POLLOUT;

	if (tp == NULL)
		return IO_POLLIN | IO_POLLOUT | IO_POLLERR | IO_POLLHUP;
	if (tp->pty != NULL && tp->pty->out_count == PTY_OUT_MAX)
		ready = 0;
	if (tty_available(tp) > 0 || (!tty_canonical(tp) && tp->t.c_cc[TTY_VMIN] == 0))
		ready |= IO_POLLIN;
	return ready;
}

static struct io_waitq *tty_waitq(struct io_open *o)
{
	return &tty_file(o)->tp->q;
}

/* The argument an ioctl reads must be exactly size bytes. */
static int tty_arg(size_t inlen, size_t size)
{
	return inlen == size ? 0 : LINUX_EINVAL;
}

/* The caller of an ioctl, and what the terminal is to it. */
struct tty_who {
	struct tty_caller c;
	int leader; /* it leads its session */
	int ctty;   /* the terminal is its controlling terminal */
};

/* The terminal session sid has as its controlling one, or NULL. */
static struct tty *tty_of_session(int sid)
{
	if (sid == 0)
		return NULL;
	if (console.session == sid)
		return &console;
	for (int i = 0; i < UNIXTTY_PTY_MAX; i++)
		if (ptys[i] != NULL && ptys[i]->slave.session == sid)
			return &ptys[i]->slave;
	return NULL;
}

/*
 * Who sent an ioctl (proc: its proc port; null for io_ioctl, which
 * speaks for nobody: no controlling terminal), and whether tp (may be
 * NULL) is its controlling terminal.  ESRCH for a port that is no
 * process's.
 */
static int tty_who(const struct tty *tp, mach_port_t proc, int flags, struct tty_who *w)
{
	memset(w, 0, sizeof(*w));
	w->c.euid = -1;
	if (!MACH_PORT_VALID(proc))
		return 0;
	if (tty_procs == NULL || tty_procs->who(proc, &w->c) != 0)
		return LINUX_ESRCH;
	w->leader = w->c.pid == w->c.sid;
	w->ctty = tp != NULL && tp->session != 0 && w->c.sid == tp->session && !(flags & TTY_CALLER_DETACHED);
	return 0;
}

/*
 * Linux's tty_check_change: changing the terminal (or writing it with
 * TOSTOP) from a background group of the session it controls is
 * TTY_EBACKGROUND, unless the caller has SIGTTOU blocked or ignored.
 */
static int tty_check_change(const struct tty *tp, const struct tty_who *w, int flags)
{
	if (!w->ctty || tp->fg_pgrp == 0 || w->c.pgrp == tp->fg_pgrp || (flags & TTY_CALLER_TTOU_OK))
		return 0;
	return TTY_EBACKGROUND;
}

/* The caller's session takes the terminal, its group in the foreground. */
static void tty_acquire(struct tty *tp, const struct tty_who *w)
{
	tp->session = w->c.sid;
	tp->fg_pgrp = w->c.pgrp;
}

/*
 * No session has the terminal any more; its foreground group gets
 * SIGHUP, and SIGCONT too unless its session leader has ended (Linux's
 * disassociate_ctty).
 */
static void tty_disassociate(struct tty *tp, int leader_ended)
{
	int pgrp = tp->fg_pgrp;

	tp->session = 0;
	tp->fg_pgrp = 0;
	if (pgrp > 0 && tty_procs != NULL) {
		tty_procs->signal(pgrp, TTY_SIGHUP);
		if (!leader_ended)
			tty_procs->signal(pgrp, TTY_SIGCONT);
	}
}

/*
 * Hang the terminal up (vhangup, a pty master's last close): every file
 * open on it now is hung up, its session leader gets SIGHUP and SIGCONT
 * (Linux's tty_signal_session_leader: the leader's group here, the
 * group whose id is the session's), and the session loses it.
 */
static void tty_hangup(struct tty *tp)
{
	int sid = tp->session;

	tp->hangups++;
	if (tp->pty != NULL) {
		/* Its files are as good as closed: the master reads EIO. */
		tp->pty->slave_closed = 1;
		unixio_wake(&tp->pty->mq);
	}
	tp->session = 0;
	tp->fg_pgrp = 0;
	tty_flush_input(tp);
	if (sid > 0 && tty_procs != NULL) {
		tty_procs->signal(sid, TTY_SIGHUP);
		tty_procs->signal(sid, TTY_SIGCONT);
	}
	unixio_wake(&tp->q);
}

void unixtty_hangup(int sid)
{
	struct tty *tp;

	cthread_mutex_lock(&unixio_lock);
	if ((tp = tty_of_session(sid)) != NULL)
		tty_disassociate(tp, 1);
	cthread_mutex_unlock(&unixio_lock);
}

int unixtty_owner(int *fg_pgrp, uint32_t *rdev)
{
	*fg_pgrp = console.fg_pgrp;
	*rdev = UNIXTTY_CONSOLE_RDEV;
	return console.session;
}

/* A new termios: the line being edited follows the change of mode. */
static void tty_set_termios(struct tty *tp, const struct tty_termios *t)
{
	int was_canonical = tty_canonical(tp);

	tp->t = *t;
	/* Leaving canonical mode: the line being edited becomes readable. */
	if (was_canonical && !tty_canonical(tp)) {
		tty_push(tp, tp->canon, tp->canon_len, 0);
		tp->canon_len = 0;
		tp->lines_head = tp->lines_count = 0;
	} else if (!was_canonical && tty_canonical(tp) && tp->ready_count > 0) {
		/*
		 * What was typed ahead in raw mode is edited into lines now
		 * (newlines end lines, ^D ends input), so typing ahead of a
		 * shell that is between its raw line editor and a command
		 * reading lines behaves as a user expects.  (Linux would make
		 * it all one line with the control characters in it.)
		 */
		char typed[TTY_READY_MAX];
		size_t n = tp->ready_count, i;

		for (i = 0; i < n; i++)
			typed[i] = tp->ready[(tp->ready_head + i) % TTY_READY_MAX];
		tty_flush_input(tp);
		tp->replaying = 1;
		for (i = 0; i < n; i++)
			tty_input(tp, (unsigned char) typed[i]);
		tp->replaying = 0;
	}
	unixio_wake(&tp->q);
}

static int tty_out_int(int32_t v, char *out, size_t *outlen)
{
	memcpy(out, &v, sizeof(v));
	*outlen = sizeof(v);
	return 0;
}

/*
 * The requests both ends of a pty (and the console) answer alike: the
 * termios, the window size, flushing, and FIONREAD (readable: what a
 * read of this end may take).  ENOTTY for others.
 */
static int tty_ioctl_common(struct tty *tp, const struct tty_who *w, int request, int flags, const char *in,
			    size_t inlen, char *out, size_t *outlen, size_t readable)
{
	struct tty_winsize ws;
	int32_t v;
	int rc;

	switch (request) {
	case TTY_TCGETS:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		memcpy(out, &tp->t, sizeof(tp->t));
		*outlen = sizeof(tp->t);
		return 0;
	case TTY_TCSETSF:
	case TTY_TCSETSW:
	case TTY_TCSETS: {
		struct tty_termios t;

		if ((rc = tty_arg(inlen, sizeof(t))) != 0 || (rc = tty_check_change(tp, w, flags)) != 0)
			return rc;
		if (request == TTY_TCSETSF)
			tty_flush_input(tp);
		memcpy(&t, in, sizeof(t));
		tty_set_termios(tp, &t);
		return 0;
	}
	case TTY_TIOCGWINSZ:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		memcpy(out, &tp->ws, sizeof(tp->ws));
		*outlen = sizeof(tp->ws);
		return 0;
	case TTY_TIOCSWINSZ:
		if ((rc = tty_arg(inlen, sizeof(ws))) != 0)
			return rc;
		memcpy(&ws, in, sizeof(ws));
		/* A new size: the foreground group learns it (Linux's tty_do_resize). */
		if (memcmp(&ws, &tp->ws, sizeof(ws)) != 0 && tp->fg_pgrp > 0 && tty_procs != NULL)
			tty_procs->signal(tp->fg_pgrp, TTY_SIGWINCH);
		tp->ws = ws;
		return 0;
	case TTY_FIONREAD:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		return tty_out_int((int32_t) readable, out, outlen);
	case TTY_TCFLSH:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0 || (rc = tty_check_change(tp, w, flags)) != 0)
			return rc;
		memcpy(&v, in, sizeof(v));
		if (v < 0 || v > 2)
			return LINUX_EINVAL;
		if (v != 1)
			tty_flush_input(tp); /* output is never queued: nothing to drop */
		return 0;
	case TTY_TCXONC:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0 || (rc = tty_check_change(tp, w, flags)) != 0)
			return rc;
		memcpy(&v, in, sizeof(v));
		/* TCOOFF, TCOON, TCIOFF, TCION: output is never held here. */
		return v >= 0 && v <= 3 ? 0 : LINUX_EINVAL;
	default:
		return LINUX_ENOTTY;
	}
}

static int tty_ioctl(struct io_open *o, mach_port_t proc, int request, int flags, const char *in, size_t inlen,
		     char *out, size_t *outlen)
{
	struct tty *tp = tty_of(o);
	struct tty_who w;
	int32_t v;
	int rc;

	if ((rc = tty_who(tp, proc, flags, &w)) != 0)
		return rc;
	if (tp == NULL) {
		/* Hung up: job control has nothing to say; everything else is EIO (Linux's hung_up_tty_ioctl). */
		if (request == TTY_JC_READ || request == TTY_JC_WRITE)
			return 0;
		return request == TTY_TIOCSPGRP ? LINUX_ENOTTY : LINUX_EIO;
	}
	switch (request) {
	case TTY_JC_READ:
		return w.ctty && tp->fg_pgrp != 0 && w.c.pgrp != tp->fg_pgrp ? TTY_EBACKGROUND : 0;
	case TTY_JC_WRITE:
		return (tp->t.c_lflag & TTY_TOSTOP) ? tty_check_change(tp, &w, flags) : 0;
	case TTY_VHANGUP:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		if (w.c.euid != 0)
			return LINUX_EPERM;
		if (w.ctty)
			tty_hangup(tp);
		return 0;
	case TTY_TIOCGPGRP:
	case TTY_TIOCGSID:
		/* Only about the caller's own controlling terminal. */
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		if (!w.ctty)
			return LINUX_ENOTTY;
		return tty_out_int(request == TTY_TIOCGPGRP ? tp->fg_pgrp : tp->session, out, outlen);
	case TTY_TIOCSPGRP:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0 || (rc = tty_check_change(tp, &w, flags)) != 0)
			return rc;
		if (!w.ctty)
			return LINUX_ENOTTY;
		memcpy(&v, in, sizeof(v));
		if (v < 0)
			return LINUX_EINVAL;
		rc = v != 0 ? tty_procs->pgrp_session(v) : 0;
		if (rc == 0)
			return LINUX_ESRCH;
		if (rc != w.c.sid)
			return LINUX_EPERM;
		tp->fg_pgrp = v;
		return 0;
	case TTY_TIOCSCTTY:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0)
			return rc;
		memcpy(&v, in, sizeof(v));
		if (w.leader && w.c.sid == tp->session)
			return 0; /* it is already */
		/* Only a session leader without a controlling terminal. */
		if (!w.leader || tty_of_session(w.c.sid) != NULL)
			return LINUX_EPERM;
		/* Another session's: only root may take it, and only when asked (arg 1). */
		if (tp->session != 0 && !(v == 1 && w.c.euid == 0))
			return LINUX_EPERM;
		if ((o->flags & IO_O_ACCMODE) == IO_O_WRONLY && w.c.euid != 0)
			return LINUX_EPERM;
		tty_acquire(tp, &w);
		return 0;
	case TTY_TIOCNOTTY:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		if (!w.ctty)
			return LINUX_ENOTTY;
		/* The leader gives it up for the whole session; another
		 * process for itself alone (its library keeps that for the
		 * terminal's checks, the proc service for /proc). */
		if (w.leader)
			tty_disassociate(tp, 0);
		else if (tty_procs != NULL && tty_procs->detach != NULL)
			tty_procs->detach(w.c.pid);
		return 0;
	default:
		return tty_ioctl_common(tp, &w, request, flags, in, inlen, out, outlen, tp->ready_count);
	}
}

/* A description more of f (io_restrict_auth). */
static void tty_dup(struct io_open *o)
{
	tty_file(o)->refs++;
}

static void pty_release(struct pty *pty);

/* A description of f gone: the last one closes the file. */
static void tty_close(struct io_open *o)
{
	struct tty_file *f = tty_file(o);
	struct pty *pty;

	if (--f->refs > 0)
		return;
	pty = f->tp->pty; /* a master's tp is its slave */
	if (f->master != NULL) {
		/* The master's last close hangs the slave up. */
		if (--pty->masters == 0)
			tty_hangup(&pty->slave);
	} else if (pty != NULL && --pty->slaves == 0) {
		pty->slave_closed = 1;
		unixio_wake(&pty->mq);
	}
	free(f);
	if (pty != NULL)
		pty_release(pty);
}

static const struct io_ops tty_ops = {
	.read = tty_read,
	.read_done = tty_read_done,
	.write = tty_write,
	.stat = tty_stat,
	.poll = tty_poll,
	.waitq = tty_waitq,
	.tty_ioctl = tty_ioctl,
	.dup = tty_dup,
	.close = tty_close,
	.seekable = 0,
};

/* A new file of tp, or of pty's master. */
static int tty_file_open(const struct io_ops *ops, struct tty *tp, struct pty *master, uint32_t rdev, int flags,
			 const struct io_cred *cred, mach_port_t *port, mach_msg_type_name_t *poly)
{
	struct tty_file *f = calloc(1, sizeof(*f));
	struct io_open *o;

	if (f == NULL)
		return LINUX_ENOMEM;
	f->tp = tp;
	f->master = master;
	f->rdev = rdev;
	f->hangups = tp->hangups;
	f->refs = 1;
	o = unixio_open_new(ops, f, flags & (IO_O_ACCMODE | IO_O_NONBLOCK | IO_O_APPEND), cred);
	if (o == NULL) {
		free(f);
		return LINUX_ENFILE;
	}
	*port = o->port;
	*poly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

/*
 * A new file of terminal tp (rdev: what was opened) for who (fs_open's
 * opener, whom w says; NULL: nobody's open): a session leader without a
 * controlling terminal that opens one without O_NOCTTY while no session
 * has it acquires it (not through /dev/tty, which is its own already).
 */
static int tty_open_for(struct tty *tp, uint32_t rdev, int flags, const struct io_cred *cred,
			struct vfs_opener *who, const struct tty_who *w, mach_port_t *port,
			mach_msg_type_name_t *poly)
{
	int rc = tty_file_open(&tty_ops, tp, NULL, rdev, flags, cred, port, poly);

	if (rc != 0)
		return rc;
	if (tp->pty != NULL) {
		tp->pty->slaves++;
		tp->pty->slave_closed = 0;
	}
	if (who == NULL)
		return 0;
	who->tty = 1;
	if (!(flags & TTY_O_NOCTTY) && rdev != UNIXTTY_DEVTTY_RDEV && w->leader && tp->session == 0 &&
	    tty_of_session(w->c.sid) == NULL)
		tty_acquire(tp, w);
	return 0;
}

/* Who opens (ESRCH for a proc port that is no process's). */
static int tty_opener(struct vfs_opener *who, struct tty_who *w)
{
	return tty_who(NULL, who != NULL ? who->proc : MACH_PORT_NULL, 0, w);
}

int unixtty_open(void *arg, int flags, const struct io_cred *cred, struct vfs_opener *who, mach_port_t *port,
		 mach_msg_type_name_t *poly)
{
	uint32_t rdev = (uint32_t) (uintptr_t) arg;
	struct tty *tp = console_port != MACH_PORT_NULL ? &console : NULL;
	struct tty_who w;
	int rc;

	if ((rc = tty_opener(who, &w)) != 0)
		return rc;
	/* /dev/tty: the opener's controlling terminal (nobody's open: the console). */
	if (rdev == UNIXTTY_DEVTTY_RDEV && who != NULL)
		tp = !(who->caller & TTY_CALLER_DETACHED) ? tty_of_session(w.c.sid) : NULL;
	if (tp == NULL)
		return LINUX_ENXIO;
	return tty_open_for(tp, rdev, flags, cred, who, &w, port, poly);
}

/* --- pseudo-terminals --- */

/* Freed once neither end has a file open. */
static void pty_release(struct pty *pty)
{
	if (pty->masters > 0 || pty->slaves > 0 || ptys[pty->index] != pty)
		return;
	ptys[pty->index] = NULL;
	free(pty);
}

static struct pty *pty_of(struct io_open *o)
{
	return tty_file(o)->master;
}

static int pty_read(struct io_open *o, int64_t off, char *buf, size_t amount, size_t *got)
{
	struct pty *pty = pty_of(o);
	size_t n = pty->out_count < amount ? pty->out_count : amount;

	(void) off;
	*got = 0;
	if (n == 0)
		return pty->slave_closed ? LINUX_EIO : IO_WOULDBLOCK;
	for (size_t i = 0; i < n; i++)
		buf[i] = pty->out[(pty->out_head + i) % PTY_OUT_MAX];
	*got = n;
	return 0;
}

static void pty_read_done(struct io_open *o, size_t got)
{
	struct pty *pty = pty_of(o);

	pty->out_head = (pty->out_head + got) % PTY_OUT_MAX;
	pty->out_count -= got;
	unixio_wake(&pty->slave.q); /* room for the slave's writes */
}

/* What the master writes is the slave's input, as if typed. */
static int pty_write(struct io_open *o, int64_t off, const char *buf, size_t len, size_t *done)
{
	struct tty *tp = &pty_of(o)->slave;
	size_t i;

	(void) off;
	for (i = 0; i < len && tp->ready_count + tp->canon_len < TTY_READY_MAX; i++)
		tty_input(tp, (unsigned char) buf[i]);
	*done = i;
	unixio_now(&tp->atime_sec, NULL);
	unixio_wake(&tp->q);
	return i == 0 && len > 0 ? IO_WOULDBLOCK : 0;
}

static int pty_poll(struct io_open *o)
{
	struct pty *pty = pty_of(o);
	int ready = 0;

	if (pty->out_count > 0)
		ready |= IO_POLLIN;
	if (pty->slave.ready_count + pty->slave.canon_len < TTY_READY_MAX)
		ready |= IO_POLLOUT;
	if (pty->slave_closed)
		ready |= IO_POLLHUP;
	return ready;
}

static struct io_waitq *pty_waitq(struct io_open *o)
{
	return &pty_of(o)->mq;
}

/*
 * The master's requests: its number and the slave's lock; the termios,
 * window size and flushing as the slave's (with nobody's job control:
 * Linux's master speaks for the slave); FIONREAD of what it may read.
 * Job control's requests are ENOTTY (fs_open says the master is no
 * terminal to them, so the library does not ask).
 */
static int pty_ioctl(struct io_open *o, mach_port_t proc, int request, int flags, const char *in, size_t inlen,
		     char *out, size_t *outlen)
{
	struct pty *pty = pty_of(o);
	struct tty_who nobody;
	int32_t v;
	int rc;

	(void) proc;
	(void) flags;
	tty_who(NULL, MACH_PORT_NULL, 0, &nobody);
	switch (request) {
	case TTY_TIOCGPTN:
	case TTY_TIOCGPTLCK:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		return tty_out_int(request == (int) TTY_TIOCGPTN ? pty->index : pty->locked, out, outlen);
	case TTY_TIOCSPTLCK:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0)
			return rc;
		memcpy(&v, in, sizeof(v));
		pty->locked = v != 0;
		return 0;
	default:
		return tty_ioctl_common(&pty->slave, &nobody, request, 0, in, inlen, out, outlen, pty->out_count);
	}
}

static const struct io_ops pty_master_ops = {
	.read = pty_read,
	.read_done = pty_read_done,
	.write = pty_write,
	.stat = tty_stat,
	.poll = pty_poll,
	.waitq = pty_waitq,
	.tty_ioctl = pty_ioctl,
	.dup = tty_dup,
	.close = tty_close,
	.seekable = 0,
};

int unixtty_ptmx_open(void *arg, int flags, const struct io_cred *cred, struct vfs_opener *who, mach_port_t *port,
		      mach_msg_type_name_t *poly)
{
	struct pty *pty;
	int i, rc;

	(void) arg;
	(void) who; /* never a controlling terminal, nor one to job control */
	for (i = 0; i < UNIXTTY_PTY_MAX && ptys[i] != NULL; i++)
		;
	if (i == UNIXTTY_PTY_MAX)
		return LINUX_ENOSPC; /* Linux: past the devpts instance's max */
	if ((pty = calloc(1, sizeof(*pty))) == NULL)
		return LINUX_ENOMEM;
	tty_setup(&pty->slave, pty, UNIXTTY_PTS_RDEV(i));
	pty->index = i;
	pty->locked = 1; /* until unlockpt, as Linux's */
	pty->masters = 1;
	pty->uid = cred->uid;
	pty->gid = cred->gid;
	pty->ctime = pty->slave.atime_sec;
	rc = tty_file_open(&pty_master_ops, &pty->slave, pty, UNIXTTY_PTMX_RDEV, flags, cred, port, poly);
	if (rc != 0) {
		free(pty);
		return rc;
	}
	ptys[i] = pty;
	return 0;
}

/* An existing pty's slave whose master is open: i's pty, or NULL. */
static struct pty *pty_live(int i)
{
	return i >= 0 && i < UNIXTTY_PTY_MAX && ptys[i] != NULL && ptys[i]->masters > 0 ? ptys[i] : NULL;
}

int unixtty_pts_open(void *arg, int flags, const struct io_cred *cred, struct vfs_opener *who, mach_port_t *port,
		     mach_msg_type_name_t *poly)
{
	uint32_t rdev = (uint32_t) (uintptr_t) arg;
	struct pty *pty = pty_live((int) (rdev & 0xff));
	struct tty_who w;
	int rc;

	if (pty == NULL)
		return LINUX_EIO; /* Linux: a slave whose master is gone */
	if (pty->locked)
		return LINUX_EIO;
	if ((rc = tty_opener(who, &w)) != 0)
		return rc;
	return tty_open_for(&pty->slave, rdev, flags, cred, who, &w, port, poly);
}

int unixtty_pts_info(int i, uint32_t *uid, uint32_t *gid, uint32_t *ctime)
{
	struct pty *pty = pty_live(i);

	if (pty == NULL)
		return LINUX_ENOENT;
	*uid = pty->uid;
	*gid = pty->gid;
	*ctime = pty->ctime;
	return 0;
}

kern_return_t unixtty_init(mach_port_t device_master, const struct tty_procs *procs)
{
	cthread_t reader;
	kern_return_t kr;

	tty_procs = procs;
	if (device_master == MACH_PORT_NULL)
		return KERN_SUCCESS; /* pseudo-terminals only */
	kr = device_open(device_master, D_READ | D_WRITE, "console", &console_port);
	if (kr != D_SUCCESS) {
		console_port = MACH_PORT_NULL;
		return kr;
	}
	tty_setup(&console, NULL, UNIXTTY_CONSOLE_RDEV);
	/* Output processing is ours (ONLCR): the driver sends bytes as they are. */
	struct tty_status st = {0, 0, 0, 0};
	tty_driver_crmod = device_set_status(console_port, TTY_STATUS, (dev_status_t) &st, TTY_STATUS_COUNT) !=
			   D_SUCCESS;
	kr = cthread_create(&reader, tty_reader, NULL);
	if (kr != KERN_SUCCESS)
		return kr;
	cthread_detach(reader);
	return KERN_SUCCESS;
}
