/*
 * The terminal: one line discipline on the console device.
 *
 * A reader thread waits in device_read_inband on the console and feeds
 * every byte through tty_input under unixio_lock: input translation
 * (ICRNL...), signals (ISIG: ^C, ^\, ^Z to the foreground process
 * group, input flushed), canonical editing (ICANON: erase, kill, word
 * erase, ^D, lines) and echo.  What a read may take sits in `ready`: in
 * canonical mode as whole lines (a ^D line may have no newline, or be
 * empty: end of file), in raw mode as bytes.  Reads wait in the open-file
 * layer's queue and are retried whenever input arrives (unixio_wake), so
 * the discipline itself never blocks.  Output goes to the console with
 * the driver's own newline mapping off: OPOST/ONLCR are done here.
 *
 * Job control is Linux's: the terminal is one session's controlling
 * terminal (or none's), with a foreground group in it.  Requests that
 * depend on who asks come with the caller's proc port (io_tty_ioctl),
 * which the proc service identifies (struct tty_procs); the library
 * asks TTY_JC_READ/TTY_JC_WRITE before a read or write and TTY_OPEN
 * after an open, and acts on TTY_EBACKGROUND (docs/unix.md).
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
/* st_dev for the terminal's files (Linux's devpts/devtmpfs are devices too). */
#define TTY_DEV 0x06

struct tty {
	mach_port_t console;
	const struct tty_procs *procs;
	struct tty_termios t;
	struct tty_winsize ws;
	int session; /* the session whose controlling terminal this is, or 0 */
	int fg_pgrp; /* its foreground process group, or 0 */
	/* The line being edited (canonical mode). */
	char canon[TTY_CANON_MAX];
	size_t canon_len;
	/* What reads take: bytes, and in canonical mode the lengths of the lines in them. */
	char ready[TTY_READY_MAX];
	size_t ready_head, ready_count;
	uint16_t lines[TTY_LINES_MAX];
	size_t lines_head, lines_count;
	struct io_waitq q;
	uint32_t atime_sec;
};

static struct tty tty;
/*
 * Set while bytes typed in raw mode are read again as canonical input
 * (the program went back to canonical mode before reading them): they
 * were echoed and signalled already, so only the line editing applies.
 */
static int tty_replaying;

static const struct tty_termios tty_default = {
	.c_iflag = TTY_ICRNL | TTY_IXON,
	.c_oflag = TTY_OPOST | TTY_ONLCR,
	.c_cflag = 0000277, /* B38400 | CS8 | CREAD | HUPCL, as Linux's default */
	.c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK | TTY_ECHOCTL | TTY_ECHOKE | TTY_IEXTEN,
	.c_line = 0,
	.c_cc = { TTY_CTRL('C'), TTY_CTRL('\\'), TTY_DEL, TTY_CTRL('U'), TTY_CTRL('D'), 0, 1, 0, TTY_CTRL('Q'),
		  TTY_CTRL('S'), TTY_CTRL('Z'), 0, TTY_CTRL('R'), TTY_CTRL('O'), TTY_CTRL('W'), TTY_CTRL('V'), 0 },
};

static int tty_canonical(void)
{
	return (tty.t.c_lflag & TTY_ICANON) != 0;
}

/* Write to the console as it is (no output processing). */
static void tty_put_raw(const char *buf, size_t len)
{
	while (len > 0) {
		size_t n = len < TTY_OUT_CHUNK ? len : TTY_OUT_CHUNK;
		int written = 0;

		if (device_write_inband(tty.console, 0, 0, buf, n, &written) != D_SUCCESS || written <= 0)
			return;
		buf += written;
		len -= written;
	}
}

/*
 * Write with output processing: with OPOST and ONLCR, \n goes out as
 * \r\n.  The console driver's own mapping is off (TF_CRMOD cleared at
 * start-up); should the driver refuse, it does the mapping (driver_crmod)
 * and ONLCR off cannot be had.
 */
static int tty_driver_crmod;

static void tty_output(const char *buf, size_t len)
{
	char out[TTY_OUT_CHUNK];
	size_t n = 0;

	if (tty_driver_crmod || (tty.t.c_oflag & (TTY_OPOST | TTY_ONLCR)) != (TTY_OPOST | TTY_ONLCR)) {
		tty_put_raw(buf, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (n + 2 > sizeof(out)) {
			tty_put_raw(out, n);
			n = 0;
		}
		if (buf[i] == '\n')
			out[n++] = '\r';
		out[n++] = buf[i];
	}
	tty_put_raw(out, n);
}

/* Echo one input byte (ECHOCTL shows control characters as ^X). */
static void tty_echo(unsigned char c)
{
	char two[2];

	if (tty_replaying)
		return;
	if (!(tty.t.c_lflag & TTY_ECHO)) {
		if (c == '\n' && (tty.t.c_lflag & TTY_ECHONL) && tty_canonical())
			tty_output("\n", 1);
		return;
	}
	if ((tty.t.c_lflag & TTY_ECHOCTL) && (c < ' ' || c == TTY_DEL) && c != '\n' && c != '\t') {
		two[0] = '^';
		two[1] = c == TTY_DEL ? '?' : c + '@';
		tty_output(two, 2);
		return;
	}
	two[0] = c;
	tty_output(two, 1);
}

static void tty_flush_input(void)
{
	tty.canon_len = 0;
	tty.ready_head = tty.ready_count = 0;
	tty.lines_head = tty.lines_count = 0;
}

/* Append bytes to what reads take; in canonical mode, as one line. */
static void tty_push(const char *buf, size_t len, int line)
{
	size_t i;

	if (len > TTY_READY_MAX - tty.ready_count || (line && tty.lines_count == TTY_LINES_MAX))
		return; /* reader far behind: drop, as a full tty buffer does */
	for (i = 0; i < len; i++)
		tty.ready[(tty.ready_head + tty.ready_count + i) % TTY_READY_MAX] = buf[i];
	tty.ready_count += len;
	if (line)
		tty.lines[(tty.lines_head + tty.lines_count++) % TTY_LINES_MAX] = (uint16_t) len;
}

/* Erase the last character of the line being edited, on screen too. */
static int tty_erase_one(void)
{
	if (tty.canon_len == 0)
		return 0;
	tty.canon_len--;
	if ((tty.t.c_lflag & TTY_ECHO) && (tty.t.c_lflag & TTY_ECHOE) && !tty_replaying) {
		unsigned char c = tty.canon[tty.canon_len];

		/* A control character was echoed as two cells. */
		if ((tty.t.c_lflag & TTY_ECHOCTL) && (c < ' ' || c == TTY_DEL) && c != '\t')
			tty_put_raw("\b \b", 3);
		tty_put_raw("\b \b", 3);
	}
	return 1;
}

static void tty_signal(int sig)
{
	if (!(tty.t.c_lflag & TTY_NOFLSH))
		tty_flush_input();
	if (tty.procs != NULL && tty.fg_pgrp > 0)
		tty.procs->signal(tty.fg_pgrp, sig);
}

/* One byte typed. */
static void tty_input(unsigned char c)
{
	const uint8_t *cc = tty.t.c_cc;

	if (tty_replaying)
		goto edit;
	if (tty.t.c_iflag & TTY_ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (tty.t.c_iflag & TTY_IGNCR)
			return;
		if (tty.t.c_iflag & TTY_ICRNL)
			c = '\n';
	} else if (c == '\n' && (tty.t.c_iflag & TTY_INLCR)) {
		c = '\r';
	}
	if (tty.t.c_lflag & TTY_ISIG) {
		int sig = c == cc[TTY_VINTR] ? TTY_SIGINT
			  : c == cc[TTY_VQUIT] ? TTY_SIGQUIT
			  : c == cc[TTY_VSUSP] ? TTY_SIGTSTP
					       : 0;

		if (sig != 0 && c != 0) {
			tty_echo(c);
			tty_signal(sig);
			return;
		}
	}
	if (!tty_canonical()) {
		tty_echo(c);
		tty_push((char *) &c, 1, 0);
		return;
	}
edit:
	if (c == cc[TTY_VERASE] || c == '\b') {
		tty_erase_one();
		return;
	}
	if (c == cc[TTY_VKILL]) {
		if ((tty.t.c_lflag & TTY_ECHOKE) && (tty.t.c_lflag & TTY_ECHOE)) {
			while (tty_erase_one())
				;
		} else {
			tty.canon_len = 0;
			if (tty.t.c_lflag & TTY_ECHOK)
				tty_output("\n", 1);
		}
		tty.canon_len = 0;
		return;
	}
	if (c == cc[TTY_VWERASE] && (tty.t.c_lflag & TTY_IEXTEN)) {
		while (tty.canon_len > 0 && tty.canon[tty.canon_len - 1] == ' ')
			tty_erase_one();
		while (tty.canon_len > 0 && tty.canon[tty.canon_len - 1] != ' ')
			tty_erase_one();
		return;
	}
	if (c == cc[TTY_VEOF]) {
		/* The line so far, without a newline; an empty one is end of file. */
		tty_push(tty.canon, tty.canon_len, 1);
		tty.canon_len = 0;
		return;
	}
	if (c == '\n' || (c == cc[TTY_VEOL] && c != 0)) {
		tty_echo(c);
		if (tty.canon_len < TTY_CANON_MAX)
			tty.canon[tty.canon_len++] = c;
		else
			tty.canon[TTY_CANON_MAX - 1] = c; /* a full line still ends */
		tty_push(tty.canon, tty.canon_len, 1);
		tty.canon_len = 0;
		return;
	}
	if (tty.canon_len < TTY_CANON_MAX - 1) {
		tty.canon[tty.canon_len++] = c;
		tty_echo(c);
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

		if (device_read_inband(tty.console, 0, 0, sizeof(buf), buf, &n) != D_SUCCESS) {
			/* The console went away: nothing more will be typed. */
			return NULL;
		}
		cthread_mutex_lock(&unixio_lock);
		for (i = 0; i < n; i++)
			tty_input((unsigned char) buf[i]);
		unixio_now(&tty.atime_sec, NULL);
		unixio_wake(&tty.q);
		cthread_mutex_unlock(&unixio_lock);
	}
}

/* --- open files of the terminal --- */

/* How many bytes a read may take now (0: it waits, unless VMIN is 0). */
static size_t tty_available(void)
{
	if (tty_canonical())
		return tty.lines_count > 0 ? tty.lines[tty.lines_head] : 0;
	return tty.ready_count;
}

static int tty_read(struct io_open *o, int64_t off, char *buf, size_t amount, size_t *got)
{
	size_t n, i;

	(void) o;
	(void) off;
	*got = 0;
	if (tty_canonical()) {
		if (tty.lines_count == 0)
			return IO_WOULDBLOCK;
		n = tty.lines[tty.lines_head];
	} else {
		size_t vmin = tty.t.c_cc[TTY_VMIN];

		n = tty.ready_count;
		if (vmin > amount)
			vmin = amount;
		if (n < vmin || (vmin == 0 && n == 0 && tty.t.c_cc[TTY_VTIME] != 0))
			return IO_WOULDBLOCK;
	}
	if (n > amount)
		n = amount;
	for (i = 0; i < n; i++)
		buf[i] = tty.ready[(tty.ready_head + i) % TTY_READY_MAX];
	*got = n;
	return 0;
}

static void tty_read_done(struct io_open *o, size_t got)
{
	(void) o;
	tty.ready_head = (tty.ready_head + got) % TTY_READY_MAX;
	tty.ready_count -= got;
	if (tty_canonical() && tty.lines_count > 0) {
		/* A line read in part stays, shorter; an end-of-file line goes. */
		if (got < tty.lines[tty.lines_head]) {
			tty.lines[tty.lines_head] -= got;
		} else {
			tty.lines_head = (tty.lines_head + 1) % TTY_LINES_MAX;
			tty.lines_count--;
		}
	}
}

static int tty_write(struct io_open *o, int64_t off, const char *buf, size_t len, size_t *done)
{
	(void) o;
	(void) off;
	tty_output(buf, len);
	*done = len;
	return 0;
}

static int tty_stat(struct io_open *o, struct io_stat *st)
{
	st->st_dev = TTY_DEV;
	st->st_ino = (uintptr_t) o->obj;
	st->__st_ino = (uint32_t) (uintptr_t) o->obj;
	st->st_mode = TTY_MODE;
	st->st_nlink = 1;
	st->st_rdev = (uintptr_t) o->obj;
	st->st_blksize = 1024;
	st->st_atime_sec = st->st_mtime_sec = st->st_ctime_sec = tty.atime_sec;
	return 0;
}

static int tty_poll(struct io_open *o)
{
	int vmin = tty.t.c_cc[TTY_VMIN];

	(void) o;
	if (tty_available() > 0 || (!tty_canonical() && vmin == 0))
		return IO_POLLIN | IO_POLLOUT;
	return IO_POLLOUT;
}

static struct io_waitq *tty_waitq(struct io_open *o)
{
	(void) o;
	return &tty.q;
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

/*
 * Who sent an ioctl (proc: its proc port; null for io_ioctl, which
 * speaks for nobody: no controlling terminal).  ESRCH for a port that
 * is no process's.
 */
static int tty_who(mach_port_t proc, int flags, struct tty_who *w)
{
	memset(w, 0, sizeof(*w));
	w->c.euid = -1;
	if (!MACH_PORT_VALID(proc))
		return 0;
	if (tty.procs == NULL || tty.procs->who(proc, &w->c) != 0)
		return LINUX_ESRCH;
	w->leader = w->c.pid == w->c.sid;
	w->ctty = tty.session != 0 && w->c.sid == tty.session && !(flags & TTY_CALLER_DETACHED);
	return 0;
}

/*
 * Linux's tty_check_change: changing the terminal (or writing it with
 * TOSTOP) from a background group of the session it controls is
 * TTY_EBACKGROUND, unless the caller has SIGTTOU blocked or ignored.
 */
static int tty_check_change(const struct tty_who *w, int flags)
{
	if (!w->ctty || tty.fg_pgrp == 0 || w->c.pgrp == tty.fg_pgrp || (flags & TTY_CALLER_TTOU_OK))
		return 0;
	return TTY_EBACKGROUND;
}

/* The caller's session takes the terminal, its group in the foreground. */
static void tty_acquire(const struct tty_who *w)
{
	tty.session = w->c.sid;
	tty.fg_pgrp = w->c.pgrp;
}

/*
 * No session has the terminal any more; its foreground group gets
 * SIGHUP, and SIGCONT too unless its session leader has ended (Linux's
 * disassociate_ctty).
 */
static void tty_disassociate(int leader_ended)
{
	int pgrp = tty.fg_pgrp;

	tty.session = 0;
	tty.fg_pgrp = 0;
	if (pgrp > 0 && tty.procs != NULL) {
		tty.procs->signal(pgrp, TTY_SIGHUP);
		if (!leader_ended)
			tty.procs->signal(pgrp, TTY_SIGCONT);
	}
}

void unixtty_hangup(int sid)
{
	cthread_mutex_lock(&unixio_lock);
	if (tty.session != 0 && tty.session == sid)
		tty_disassociate(1);
	cthread_mutex_unlock(&unixio_lock);
}

int unixtty_owner(int *fg_pgrp, uint32_t *rdev)
{
	*fg_pgrp = tty.fg_pgrp;
	*rdev = UNIXTTY_CONSOLE_RDEV;
	return tty.session;
}

static int tty_ioctl(struct io_open *o, mach_port_t proc, int request, int flags, const char *in, size_t inlen,
		     char *out, size_t *outlen)
{
	struct tty_who w;
	int32_t v;
	int rc;

	if ((rc = tty_who(proc, flags, &w)) != 0)
		return rc;
	switch (request) {
	case TTY_JC_READ:
		return w.ctty && tty.fg_pgrp != 0 && w.c.pgrp != tty.fg_pgrp ? TTY_EBACKGROUND : 0;
	case TTY_JC_WRITE:
		return (tty.t.c_lflag & TTY_TOSTOP) ? tty_check_change(&w, flags) : 0;
	case TTY_OPEN:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0)
			return rc;
		memcpy(&v, in, sizeof(v));
		if ((uintptr_t) o->obj == UNIXTTY_DEVTTY_RDEV && !w.ctty)
			return LINUX_ENXIO;
		/* A session leader without a controlling terminal acquires it. */
		if (!(v & TTY_O_NOCTTY) && w.leader && tty.session == 0)
			tty_acquire(&w);
		return 0;
	case TTY_TCGETS:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		memcpy(out, &tty.t, sizeof(tty.t));
		*outlen = sizeof(tty.t);
		return 0;
	case TTY_TCSETSF:
	case TTY_TCSETSW:
	case TTY_TCSETS: {
		int was_canonical = tty_canonical();

		if ((rc = tty_arg(inlen, sizeof(tty.t))) != 0 || (rc = tty_check_change(&w, flags)) != 0)
			return rc;
		if (request == TTY_TCSETSF)
			tty_flush_input();
		memcpy(&tty.t, in, sizeof(tty.t));
		/* Leaving canonical mode: the line being edited becomes readable. */
		if (was_canonical && !tty_canonical()) {
			tty_push(tty.canon, tty.canon_len, 0);
			tty.canon_len = 0;
			tty.lines_head = tty.lines_count = 0;
		} else if (!was_canonical && tty_canonical() && tty.ready_count > 0) {
			/*
			 * What was typed ahead in raw mode is edited into lines now
			 * (newlines end lines, ^D ends input), so typing ahead of a
			 * shell that is between its raw line editor and a command
			 * reading lines behaves as a user expects.  (Linux would make
			 * it all one line with the control characters in it.)
			 */
			char typed[TTY_READY_MAX];
			size_t n = tty.ready_count, i;

			for (i = 0; i < n; i++)
				typed[i] = tty.ready[(tty.ready_head + i) % TTY_READY_MAX];
			tty_flush_input();
			tty_replaying = 1;
			for (i = 0; i < n; i++)
				tty_input((unsigned char) typed[i]);
			tty_replaying = 0;
		}
		unixio_wake(&tty.q);
		return 0;
	}
	case TTY_TIOCGWINSZ:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		memcpy(out, &tty.ws, sizeof(tty.ws));
		*outlen = sizeof(tty.ws);
		return 0;
	case TTY_TIOCSWINSZ:
		if ((rc = tty_arg(inlen, sizeof(tty.ws))) != 0)
			return rc;
		memcpy(&tty.ws, in, sizeof(tty.ws));
		return 0;
	case TTY_TIOCGPGRP:
	case TTY_TIOCGSID:
		/* Only about the caller's own controlling terminal. */
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		if (!w.ctty)
			return LINUX_ENOTTY;
		v = request == TTY_TIOCGPGRP ? tty.fg_pgrp : tty.session;
		memcpy(out, &v, sizeof(v));
		*outlen = sizeof(v);
		return 0;
	case TTY_TIOCSPGRP:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0 || (rc = tty_check_change(&w, flags)) != 0)
			return rc;
		if (!w.ctty)
			return LINUX_ENOTTY;
		memcpy(&v, in, sizeof(v));
		if (v < 0)
			return LINUX_EINVAL;
		rc = v != 0 ? tty.procs->pgrp_session(v) : 0;
		if (rc == 0)
			return LINUX_ESRCH;
		if (rc != w.c.sid)
			return LINUX_EPERM;
		tty.fg_pgrp = v;
		return 0;
	case TTY_TIOCSCTTY:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0)
			return rc;
		memcpy(&v, in, sizeof(v));
		if (w.leader && w.c.sid == tty.session)
			return 0; /* it is already */
		if (!w.leader)
			return LINUX_EPERM;
		/* Another session's: only root may take it, and only when asked (arg 1). */
		if (tty.session != 0 && !(v == 1 && w.c.euid == 0))
			return LINUX_EPERM;
		if ((o->flags & IO_O_ACCMODE) == IO_O_WRONLY && w.c.euid != 0)
			return LINUX_EPERM;
		tty_acquire(&w);
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
			tty_disassociate(0);
		else if (tty.procs != NULL && tty.procs->detach != NULL)
			tty.procs->detach(w.c.pid);
		return 0;
	case TTY_FIONREAD:
		if ((rc = tty_arg(inlen, 0)) != 0)
			return rc;
		v = (int32_t) tty.ready_count;
		memcpy(out, &v, sizeof(v));
		*outlen = sizeof(v);
		return 0;
	case TTY_TCFLSH:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0 || (rc = tty_check_change(&w, flags)) != 0)
			return rc;
		memcpy(&v, in, sizeof(v));
		if (v < 0 || v > 2)
			return LINUX_EINVAL;
		if (v != 1)
			tty_flush_input(); /* output is never queued: nothing to drop */
		return 0;
	case TTY_TCXONC:
		if ((rc = tty_arg(inlen, sizeof(v))) != 0 || (rc = tty_check_change(&w, flags)) != 0)
			return rc;
		memcpy(&v, in, sizeof(v));
		/* TCOOFF, TCOON, TCIOFF, TCION: output is never held here. */
		return v >= 0 && v <= 3 ? 0 : LINUX_EINVAL;
	default:
		return LINUX_ENOTTY;
	}
}

static void tty_dup(struct io_open *o)
{
	(void) o;
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
	.seekable = 0,
};

int unixtty_open(void *arg, int flags, const struct io_cred *cred, mach_port_t *port, mach_msg_type_name_t *poly)
{
	struct io_open *o;

	if (tty.console == MACH_PORT_NULL)
		return LINUX_ENXIO;
	o = unixio_open_new(&tty_ops, arg, flags & (IO_O_ACCMODE | IO_O_NONBLOCK | IO_O_APPEND), cred);
	if (o == NULL)
		return LINUX_ENFILE;
	*port = o->port;
	*poly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t unixtty_init(mach_port_t device_master, const struct tty_procs *procs)
{
	cthread_t reader;
	kern_return_t kr;

	kr = device_open(device_master, D_READ | D_WRITE, "console", &tty.console);
	if (kr != D_SUCCESS)
		return kr;
	tty.procs = procs;
	/* Output processing is ours (ONLCR): the driver sends bytes as they are. */
	struct tty_status st = {0, 0, 0, 0};
	tty_driver_crmod = device_set_status(tty.console, TTY_STATUS, (dev_status_t) &st, TTY_STATUS_COUNT) !=
			   D_SUCCESS;
	tty.t = tty_default;
	tty.ws.ws_row = TTY_DEFAULT_ROWS;
	tty.ws.ws_col = TTY_DEFAULT_COLS;
	tty.session = 0;
	tty.fg_pgrp = 0;
	unixio_now(&tty.atime_sec, NULL);
	kr = cthread_create(&reader, tty_reader, NULL);
	if (kr != KERN_SUCCESS)
		return kr;
	cthread_detach(reader);
	return KERN_SUCCESS;
}
