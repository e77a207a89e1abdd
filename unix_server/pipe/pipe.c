/*
 * Pipes: a 64 KiB ring per pipe, two kinds of open description (the
 * read end, opened O_RDONLY, and the write end, O_WRONLY) counted
 * separately, so that EOF comes when the last writer is gone and EPIPE
 * when the last reader is.  Waiting is the open-file layer's: read and
 * write answer IO_WOULDBLOCK and the layer queues the call and retries
 * it at each wake-up, so no wake-up can be lost (everything runs under
 * unixio_lock).
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
	int readers;  /* open read-end descriptions */
	int writers;
	uint64_t ino;
	uint32_t ctime_sec;
	struct io_waitq q;
};

static mach_port_t pipe_service = MACH_PORT_NULL;
static uint64_t pipe_next_ino = 1;

static struct pipe *pipe_of(struct io_open *o)
{
	return o->obj;
}

static int pipe_is_reader(struct io_open *o)
{
	return (o->flags & IO_O_ACCMODE) == IO_O_RDONLY;
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

	if (pipe_is_reader(o)) {
		if (p->count > 0)
			ready |= IO_POLLIN;
		if (p->writers == 0)
			ready |= IO_POLLHUP;
	} else {
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
	if (pipe_is_reader(o))
		pipe_of(o)->readers++;
	else
		pipe_of(o)->writers++;
}

static void pipe_close(struct io_open *o)
{
	struct pipe *p = pipe_of(o);

	if (pipe_is_reader(o))
		p->readers--;
	else
		p->writers--;
	if (p->readers == 0 && p->writers == 0) {
		/* The layer answered this open's calls; no other open is left. */
		free(p->buf);
		free(p);
		return;
	}
	/* Readers now see EOF, writers EPIPE. */
	unixio_wake(&p->q);
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
	.seekable = 0,
};

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
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return LINUX_ENFILE;
	p->buf = malloc(IO_PIPE_SIZE);
	if (p->buf == NULL)
		goto fail_pipe;
	r = unixio_open_new(&pipe_ops, p, IO_O_RDONLY | mode, &unixio_root_cred);
	if (r == NULL)
		goto fail_buf;
	w = unixio_open_new(&pipe_ops, p, IO_O_WRONLY | mode, &unixio_root_cred);
	if (w == NULL)
		goto fail_read;
	p->readers = 1;
	p->writers = 1;
	p->ino = pipe_next_ino++;
	unixio_now(&p->ctime_sec, NULL);
	*readend = r->port;
	*readend_poly = MACH_MSG_TYPE_MAKE_SEND;
	*writeend = w->port;
	*writeend_poly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;

fail_read:
	unixio_open_discard(r);
fail_buf:
	free(p->buf);
fail_pipe:
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
