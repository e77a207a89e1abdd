/*
 * Pipes: a 64 KiB ring per pipe, two kinds of open description (the
 * read end, opened O_RDONLY, and the write end, O_WRONLY) counted
 * separately, so that EOF comes when the last writer is gone and EPIPE
 * when the last reader is.  Waiting is the open-file layer's: read and
 * write answer IO_WOULDBLOCK and the layer queues the call and retries
 * it at each wake-up, so no wake-up can be lost (everything runs under
 * unixio_lock).
 *
 * Named pipes (FIFOs) are the same pipes, found by their file's (st_dev,
 * inode) in a list while any end is open: every open of the file joins
 * the one pipe.  The file service (the VFS) asks for an end with
 * unixpipe_fifo_open; an end opened for reading while no writer has the
 * FIFO open (or for writing with no reader) waits in io_open_wait until
 * the other side opens, as on Linux.  A FIFO end may also be opened
 * O_RDWR: it is a reader and a writer at once.
 */
#include <stdlib.h>
#include <string.h>
#include <servers/pipe_server.h>

#include "../io/unixio.h"
#include "unixpipe.h"

/* FIONREAD: bytes ready to read. */
#define PIPE_FIONREAD 0x541B
/* st_dev of pipes (Linux's pipefs is an anonymous device too). */
#define PIPE_DEV 0x0c
#define PIPE_MODE (IO_S_IFIFO | 0600)
#define PIPE_BLKSIZE 4096

struct pipe {
	char *buf;
	size_t head;  /* index of the oldest byte */
	size_t count; /* bytes in the ring */
	int readers;  /* open descriptions that read (read ends, O_RDWR FIFO ends) */
	int writers;
	uint64_t ino;
	uint32_t ctime_sec;
	struct io_waitq q;
	/* A FIFO's: its file, and how often each side was ever opened. */
	int named;     /* 1 while in pipe_fifos (its file may be opened again) */
	int fifo;      /* a FIFO's pipe: its stat is the file's */
	uint64_t dev, fino;
	uint64_t reader_opens, writer_opens;
	struct io_stat st; /* the file's, as the VFS last said it */
	struct pipe *fifo_next;
};

static mach_port_t pipe_service = MACH_PORT_NULL;
static uint64_t pipe_next_ino = 1;
/* The FIFOs with an open end, whose files may be opened again. */
static struct pipe *pipe_fifos;

static struct pipe *pipe_of(struct io_open *o)
{
	return o->obj;
}

/* Whether o counts as a reader (a read end, an O_RDWR FIFO end), a writer. */
static int pipe_reads(struct io_open *o)
{
	return (o->flags & IO_O_ACCMODE) != IO_O_WRONLY;
}

static int pipe_writes(struct io_open *o)
{
	return (o->flags & IO_O_ACCMODE) != IO_O_RDONLY;
}

static int pipe_read(struct io_open *o, int64_t off, char *buf, size_t amount, size_t *got)
{
	struct pipe *p = pipe_of(o);
	size_t n, first;

	(void) off;
	if (p->count == 0) {
		*got = 0;
		return p->writers == 0 ? 0 : IO_WOULDBLOCK;
	}
	n = amount < p->count ? amount : p->count;
	first = IO_PIPE_SIZE - p->head;
	if (first > n)
		first = n;
	memcpy(buf, p->buf + p->head, first);
	memcpy(buf + first, p->buf, n - first);
	*got = n;
	return 0;
}

/* The reader has the bytes: take them out of the ring. */
static void pipe_read_done(struct io_open *o, size_t got)
{
	struct pipe *p = pipe_of(o);

	p->head = (p->head + got) % IO_PIPE_SIZE;
	p->count -= got;
	if (p->count == 0)
		p->head = 0;
}

static int pipe_write(struct io_open *o, int64_t off, const char *buf, size_t len, size_t *done)
{
	struct pipe *p = pipe_of(o);
	size_t room = IO_PIPE_SIZE - p->count;
	size_t n, tail, first;

	(void) off;
	*done = 0;
	if (p->readers == 0)
		return LINUX_EPIPE;
	/* Up to IO_PIPE_BUF bytes go in at once or not at all. */
	if (room == 0 || (len <= IO_PIPE_BUF && room < len))
		return IO_WOULDBLOCK;
	n = len < room ? len : room;
	tail = (p->head + p->count) % IO_PIPE_SIZE;
	first = IO_PIPE_SIZE - tail;
	if (first > n)
		first = n;
	memcpy(p->buf + tail, buf, first);
	memcpy(p->buf, buf + first, n - first);
	p->count += n;
	*done = n;
	return 0;
}

static int pipe_poll(struct io_open *o)
{
	struct pipe *p = pipe_of(o);
	int ready = 0;

	if (pipe_reads(o)) {
		if (p->count > 0)
			ready |= IO_POLLIN;
		/* A FIFO's reader hangs up only once it has had a writer:
		 * one opened since it did (o->offset: see pipe_open_wait). */
		if (p->writers == 0 && (!p->fifo || p->writer_opens != (uint64_t) o->offset))
			ready |= IO_POLLHUP;
	}
	if (pipe_writes(o)) {
		if (IO_PIPE_SIZE - p->count >= IO_PIPE_BUF)
			ready |= IO_POLLOUT;
		if (p->readers == 0)
			ready |= IO_POLLERR;
	}
	return ready;
}

static struct io_waitq *pipe_waitq(struct io_open *o)
{
	return &pipe_of(o)->q;
}

static int pipe_stat(struct io_open *o, struct io_stat *st)
{
	struct pipe *p = pipe_of(o);

	if (p->fifo) {
		*st = p->st;
		return 0;
	}
	st->st_dev = PIPE_DEV;
	st->st_ino = p->ino;
	st->__st_ino = (uint32_t) p->ino;
	st->st_mode = PIPE_MODE;
	st->st_nlink = 1;
	st->st_uid = o->cred.uid;
	st->st_gid = o->cred.gid;
	st->st_blksize = PIPE_BLKSIZE;
	st->st_atime_sec = st->st_mtime_sec = st->st_ctime_sec = p->ctime_sec;
	return 0;
}

static int pipe_ioctl(struct io_open *o, int request, const char *in, size_t inlen, char *out, size_t *outlen)
{
	uint32_t n = pipe_of(o)->count;

	(void) in;
	if (request != PIPE_FIONREAD)
		return LINUX_ENOTTY;
	if (inlen != 0)
		return LINUX_EINVAL;
	memcpy(out, &n, sizeof(n));
	*outlen = sizeof(n);
	return 0;
}

static void pipe_dup(struct io_open *o)
{
	if (pipe_reads(o))
		pipe_of(o)->readers++;
	if (pipe_writes(o))
		pipe_of(o)->writers++;
}

static void pipe_fifo_unlist(struct pipe *p)
{
	struct pipe **pp;

	for (pp = &pipe_fifos; *pp != NULL; pp = &(*pp)->fifo_next) {
		if (*pp == p) {
			*pp = p->fifo_next;
			break;
		}
	}
	p->named = 0;
}

static void pipe_close(struct io_open *o)
{
	struct pipe *p = pipe_of(o);

	if (pipe_reads(o))
		p->readers--;
	if (pipe_writes(o))
		p->writers--;
	if (p->readers == 0 && p->writers == 0) {
		/* The layer answered this open's calls; no other open is left
		 * (a FIFO's data goes with its last end, as on Linux). */
		if (p->named)
			pipe_fifo_unlist(p);
		free(p->buf);
		free(p);
		return;
	}
	/* Readers now see EOF, writers EPIPE. */
	unixio_wake(&p->q);
}

/*
 * A FIFO end opened to read waits until a writer has opened since (or
 * is there), one opened to write until a reader has: o->offset (a pipe
 * has no offset) keeps the other side's open count the end saw when it
 * was opened, so that a writer that came and went already counts.  A
 * read end that found a writer there keeps one less: it has had that
 * writer, so it hangs up (POLLHUP) when the writers are gone, where one
 * that had none does not until a writer opens (Linux's w_counter).
 */
static int pipe_open_wait(struct io_open *o)
{
	struct pipe *p = pipe_of(o);

	if (pipe_reads(o) && pipe_writes(o))
		return 0;
	if (pipe_reads(o))
		return p->writers > 0 || p->writer_opens != (uint64_t) o->offset ? 0 : IO_WOULDBLOCK;
	return p->readers > 0 || p->reader_opens != (uint64_t) o->offset ? 0 : IO_WOULDBLOCK;
}

static const struct io_ops pipe_ops = {
	.read = pipe_read,
	.read_done = pipe_read_done,
	.write = pipe_write,
	.stat = pipe_stat,
	.poll = pipe_poll,
	.waitq = pipe_waitq,
	.ioctl = pipe_ioctl,
	.dup = pipe_dup,
	.close = pipe_close,
	.open_wait = pipe_open_wait,
	.seekable = 0,
};

/* A new pipe with its ring; NULL when out of memory. */
static struct pipe *pipe_new(void)
{
	struct pipe *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->buf = malloc(IO_PIPE_SIZE);
	if (p->buf == NULL) {
		free(p);
		return NULL;
	}
	p->ino = pipe_next_ino++;
	unixio_now(&p->ctime_sec, NULL);
	return p;
}

/* The listed FIFO of file (dev, ino), or NULL. */
static struct pipe *pipe_fifo_find(uint64_t dev, uint64_t ino)
{
	struct pipe *p;

	for (p = pipe_fifos; p != NULL; p = p->fifo_next)
		if (p->dev == dev && p->fino == ino)
			return p;
	return NULL;
}

/* The file's stat, which its ends' fstat answers (the pipe's size is no file's). */
static void pipe_fifo_stat(struct pipe *p, const struct io_stat *st)
{
	p->st = *st;
	p->st.st_size = 0;
	p->st.st_blocks = 0;
}

int unixpipe_fifo_open(uint64_t dev, uint64_t ino, int flags, const struct io_cred *cred, const struct io_stat *st,
		       mach_port_t *port, mach_msg_type_name_t *poly, int *wait)
{
	int acc = flags & IO_O_ACCMODE, nonblock = flags & IO_O_NONBLOCK;
	struct io_open *o;
	struct pipe *p;

	if (acc == IO_O_ACCMODE)
		return LINUX_EINVAL;
	p = pipe_fifo_find(dev, ino);
	/* Nobody to read what a writer that may not wait would write. */
	if (acc == IO_O_WRONLY && nonblock && (p == NULL || p->readers == 0))
		return LINUX_ENXIO;
	if (p == NULL) {
		p = pipe_new();
		if (p == NULL)
			return LINUX_ENFILE;
		p->named = p->fifo = 1;
		p->dev = dev;
		p->fino = ino;
		p->fifo_next = pipe_fifos;
		pipe_fifos = p;
	}
	o = unixio_open_new(&pipe_ops, p, acc | nonblock, cred);
	if (o == NULL) {
		if (p->readers == 0 && p->writers == 0) {
			pipe_fifo_unlist(p);
			free(p->buf);
			free(p);
		}
		return LINUX_ENFILE;
	}
	pipe_fifo_stat(p, st);
	if (pipe_reads(o)) {
		p->readers++;
		p->reader_opens++;
	}
	if (pipe_writes(o)) {
		p->writers++;
		p->writer_opens++;
	}
	if (acc == IO_O_RDONLY)
		o->offset = (int64_t) (p->writers > 0 ? p->writer_opens - 1 : p->writer_opens);
	else
		o->offset = (int64_t) p->reader_opens;
	/* A nonblocking reader goes ahead alone (it reads end of file). */
	*wait = !nonblock && pipe_open_wait(o) == IO_WOULDBLOCK;
	/* The other side's opens waiting for us go ahead. */
	unixio_wake(&p->q);
	*port = o->port;
	*poly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

void unixpipe_fifo_changed(uint64_t dev, uint64_t ino, const struct io_stat *st)
{
	struct pipe *p = pipe_fifo_find(dev, ino);

	if (p != NULL)
		pipe_fifo_stat(p, st);
}

void unixpipe_fifo_forget(uint64_t dev, uint64_t ino)
{
	struct pipe *p = pipe_fifo_find(dev, ino);

	if (p != NULL)
		pipe_fifo_unlist(p);
}

kern_return_t S_pipe_create(mach_port_t server, int flags, mach_port_t *readend, mach_msg_type_name_t *readend_poly,
			    mach_port_t *writeend, mach_msg_type_name_t *writeend_poly)
{
	struct pipe *p;
	struct io_open *r, *w;
	int mode = flags & IO_O_NONBLOCK;

	if (server != pipe_service)
		return LINUX_EBADF;
	if (flags & ~(IO_O_NONBLOCK | IO_O_CLOEXEC))
		return LINUX_EINVAL;
	p = pipe_new();
	if (p == NULL)
		return LINUX_ENFILE;
	r = unixio_open_new(&pipe_ops, p, IO_O_RDONLY | mode, &unixio_root_cred);
	if (r == NULL)
		goto fail_buf;
	w = unixio_open_new(&pipe_ops, p, IO_O_WRONLY | mode, &unixio_root_cred);
	if (w == NULL)
		goto fail_read;
	p->readers = 1;
	p->writers = 1;
	*readend = r->port;
	*readend_poly = MACH_MSG_TYPE_MAKE_SEND;
	*writeend = w->port;
	*writeend_poly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;

fail_read:
	unixio_open_discard(r);
fail_buf:
	free(p->buf);
	free(p);
	return LINUX_ENFILE;
}

kern_return_t unixpipe_init(mach_port_t *service)
{
	kern_return_t kr;

	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &pipe_service);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = unixio_join(pipe_service);
	if (kr != KERN_SUCCESS)
		return kr;
	unixio_add_demux(pipe_server);
	*service = pipe_service;
	return KERN_SUCCESS;
}
