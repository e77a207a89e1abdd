/*
 * The open-file layer: port <-> description table, io.defs for every
 * service's files, calls that wait and their interruption, select
 * registrations, no-senders, and the demux.  See unixio.h and docs/unix.md
 * ("The file interfaces") for the contract.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <mach.h>
#include <mach/notify.h>
#include <servers/io_server.h>
#include <servers/io_reply.h>
#include <servers/io_notify.h>

#include "unixio.h"

#define IO_HASH_SIZE 256
#define IO_STATFS_BSIZE 4096
/* Select registrations one object keeps before it prunes dead ones. */
#define IO_SELECT_MAX 64
/* Inline room MIG gives io_read's reply (array[] of char). */
#define IO_INLINE_MAX 2048
#define IO_MAX_DEMUX 4

/* What a waiting call is. */
enum io_wait_kind { IO_WAIT_READ, IO_WAIT_WRITE, IO_WAIT_OPEN, IO_WAIT_FLOCK, IO_WAIT_LOCK };

/* A call that waits: an io_read, io_write, io_open_wait, io_flock or io_lock answered later. */
struct io_wait {
	struct io_wait *next;
	struct io_open *o;
	mach_port_t reply;
	mach_msg_type_name_t reply_poly;
	int tag;
	enum io_wait_kind kind;
	int64_t offset;
	size_t amount; /* read: bytes wanted; write: bytes in data; flock, lock: exclusive */
	size_t done;   /* write: bytes already in */
	char *data;    /* write: a copy of what to write */
	/* lock: who wants which bytes, and the request to answer with */
	mach_port_t owner;
	int32_t pid;
	int64_t start, end;
	struct io_lock lock;
};

/* A select registration: send io_select_wakeup(notify, tag) when due. */
struct io_selreg {
	struct io_selreg *next;
	struct io_open *o;
	mach_port_t notify; /* a send right (one user reference) */
	int events;
	int tag;
};

/*
 * flock(2)'s locks: one per description that holds one, on its object
 * (o->obj: the vnode, the pipe...), so every description of the same
 * file meets it.  Waiting flocks of every object are in io_flock_q,
 * tried again whenever a lock goes or becomes shared.
 */
struct io_flock {
	struct io_flock *next;
	void *obj;
	struct io_open *owner;
	int exclusive;
};

static struct io_flock *io_flocks;
static struct io_waitq io_flock_q;

/*
 * fcntl's record locks: bytes start..end (end IO_RANGE_EOF: up to the
 * end of any file) an owner (a process: a port only it holds the
 * receive right to) holds on an object, one list for all objects.  An
 * owner's ranges on an object never overlap, and those of one kind
 * next to each other are merged.  Waiting F_SETLKW calls are in
 * io_flock_q with the flocks.  We hold a send right to each owner,
 * watched by a dead-name notification to io_owner_notify: an owner's
 * death (its task's) lets its locks go.
 */
#define IO_RANGE_EOF INT64_MAX
/* How far EDEADLK detection follows owners waiting for owners. */
#define IO_DEADLOCK_DEPTH 16

struct io_range {
	struct io_range *next;
	void *obj;
	mach_port_t owner;
	int32_t pid;
	int exclusive;
	int64_t start, end;
};

struct io_owner {
	struct io_owner *next;
	mach_port_t port;
};

static struct io_range *io_ranges;
static struct io_owner *io_owners;
static mach_port_t io_owner_notify = MACH_PORT_NULL;

cthread_mutex_t unixio_lock = CTHREAD_MUTEX_INITIALIZER;
const struct io_cred unixio_root_cred = { .uid = 0 };

static mach_port_t io_port_set = MACH_PORT_NULL;
static mach_port_t io_host = MACH_PORT_NULL; /* for host_get_time */
static struct io_open *io_hash[IO_HASH_SIZE];
static boolean_t (*io_demuxes[IO_MAX_DEMUX])(mach_msg_header_t *, mach_msg_header_t *);
static int io_ndemux;

kern_return_t unixio_init(mach_port_t port_set)
{
	if (port_set == MACH_PORT_NULL)
		return KERN_INVALID_ARGUMENT;
	io_port_set = port_set;
	if (io_host == MACH_PORT_NULL)
		io_host = mach_host_self();
	return KERN_SUCCESS;
}

kern_return_t unixio_join(mach_port_t port)
{
	if (io_port_set == MACH_PORT_NULL)
		return KERN_SUCCESS;
	return mach_port_move_member(mach_task_self(), port, io_port_set);
}

void unixio_now(uint32_t *sec, uint32_t *nsec)
{
	time_value_t now = { 0, 0 };

	host_get_time(io_host, &now);
	*sec = (uint32_t) now.seconds;
	if (nsec != NULL)
		*nsec = (uint32_t) now.microseconds * 1000;
}

void unixio_add_demux(boolean_t (*demux)(mach_msg_header_t *, mach_msg_header_t *))
{
	int i;

	for (i = 0; i < io_ndemux; i++)
		if (io_demuxes[i] == demux)
			return;
	assert(io_ndemux < IO_MAX_DEMUX);
	io_demuxes[io_ndemux++] = demux;
}

static unsigned io_hash_of(mach_port_t name)
{
	return (name ^ (name >> 8)) % IO_HASH_SIZE;
}

struct io_open *unixio_lookup(mach_port_t name)
{
	struct io_open *o;

	if (!MACH_PORT_VALID(name))
		return NULL;
	for (o = io_hash[io_hash_of(name)]; o != NULL; o = o->hash_next)
		if (o->port == name)
			return o;
	return NULL;
}

struct io_open *unixio_open_new(const struct io_ops *ops, void *obj, int flags, const struct io_cred *cred)
{
	struct io_open *o;
	mach_port_t previous, once;
	mach_msg_type_name_t once_type;
	kern_return_t kr;
	unsigned h;

	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return NULL;
	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &o->port);
	if (kr != KERN_SUCCESS)
		goto fail_free;
	mach_port_t set = ops->port_set != NULL && *ops->port_set != MACH_PORT_NULL ? *ops->port_set : io_port_set;
	if (set != MACH_PORT_NULL) {
		kr = mach_port_move_member(mach_task_self(), o->port, set);
		if (kr != KERN_SUCCESS)
			goto fail_port;
	}
	/*
	 * Sync 1: the notification comes once the send right handed out with
	 * the port (make-send count 1) and every copy of it are gone.  It is
	 * sent to the port itself, so it arrives through the same demux.
	 */
	kr = mach_port_extract_right(mach_task_self(), o->port, MACH_MSG_TYPE_MAKE_SEND_ONCE, &once, &once_type);
	if (kr != KERN_SUCCESS)
		goto fail_port;
	kr = mach_port_request_notification(mach_task_self(), o->port, MACH_NOTIFY_NO_SENDERS, 1, once, &previous);
	if (kr != KERN_SUCCESS) {
		mach_port_deallocate(mach_task_self(), once);
		goto fail_port;
	}
	o->ops = ops;
	o->obj = obj;
	o->flags = flags;
	o->cred = *cred;
	h = io_hash_of(o->port);
	o->hash_next = io_hash[h];
	io_hash[h] = o;
	return o;

fail_port:
	mach_port_mod_refs(mach_task_self(), o->port, MACH_PORT_RIGHT_RECEIVE, -1);
fail_free:
	free(o);
	return NULL;
}

static void io_unhash(struct io_open *o)
{
	struct io_open **p;

	for (p = &io_hash[io_hash_of(o->port)]; *p != NULL; p = &(*p)->hash_next) {
		if (*p == o) {
			*p = o->hash_next;
			return;
		}
	}
}

void unixio_open_discard(struct io_open *o)
{
	io_unhash(o);
	mach_port_mod_refs(mach_task_self(), o->port, MACH_PORT_RIGHT_RECEIVE, -1);
	free(o);
}

int unixio_readable(const struct io_open *o)
{
	int mode = o->flags & IO_O_ACCMODE;

	return !(o->flags & (IO_O_PATH | IO_O_EXEC_ONLY)) && (mode == IO_O_RDONLY || mode == IO_O_RDWR);
}

int unixio_writable(const struct io_open *o)
{
	return IO_O_WRITABLE(o->flags);
}

static struct io_waitq *io_waitq_of(struct io_open *o)
{
	return o->ops->waitq != NULL ? o->ops->waitq(o) : NULL;
}

/* Whether a right we keep for later (a reply or notify port) still leads anywhere. */
static int io_right_dead(mach_port_t name)
{
	mach_port_type_t type;

	if (mach_port_type(mach_task_self(), name, &type) != KERN_SUCCESS)
		return 1;
	return (type & MACH_PORT_TYPE_DEAD_NAME) != 0;
}

/*
 * A read buffer of size bytes from vm_allocate that goes out of line
 * with got bytes: the pages past got are freed here, since moving the
 * data frees only the pages that hold it.
 */
static void io_trim(vm_address_t buf, size_t size, size_t got)
{
	vm_size_t page = vm_page_size;
	vm_address_t keep = (buf + got + page - 1) & ~(page - 1);
	vm_address_t end = (buf + size + page - 1) & ~(page - 1);

	if (end > keep)
		vm_deallocate(mach_task_self(), keep, end - keep);
}

static void io_wait_free(struct io_wait *w)
{
	free(w->data);
	free(w);
}

/* Answer a waiting call now with rc (and, for a write, what went in). */
static void io_wait_answer(struct io_wait *w, int rc)
{
	switch (w->kind) {
	case IO_WAIT_WRITE:
		if (w->done > 0)
			io_write_reply(w->reply, w->reply_poly, 0, (int) w->done);
		else
			io_write_reply(w->reply, w->reply_poly, rc, 0);
		break;
	case IO_WAIT_READ:
		io_read_reply(w->reply, w->reply_poly, rc, NULL, 0);
		break;
	case IO_WAIT_OPEN:
		io_open_wait_reply(w->reply, w->reply_poly, rc);
		break;
	case IO_WAIT_FLOCK:
		io_flock_reply(w->reply, w->reply_poly, rc);
		break;
	case IO_WAIT_LOCK:
		io_lock_reply(w->reply, w->reply_poly, rc, w->lock);
		break;
	}
}

/*
 * Try to complete a waiting read: 1 if it is answered (or dropped: its
 * client is gone), 0 if it must keep waiting.  The data is taken from
 * the object (read_done) only once the reply carrying it was sent.
 */
static int io_wait_try_read(struct io_wait *w)
{
	struct io_open *o = w->o;
	char inline_buf[IO_INLINE_MAX];
	vm_address_t big = 0;
	char *buf = inline_buf;
	size_t got = 0;
	mach_msg_return_t mr;
	int rc;

	if (io_right_dead(w->reply))
		goto drop;
	if (w->amount > IO_INLINE_MAX) {
		if (vm_allocate(mach_task_self(), &big, w->amount, TRUE) != KERN_SUCCESS)
			return 0; /* try again at the next wake-up */
		buf = (char *) big;
	}
	rc = o->ops->read(o, w->offset, buf, w->amount, &got);
	if (rc == IO_WOULDBLOCK) {
		if (big != 0)
			vm_deallocate(mach_task_self(), big, w->amount);
		return 0;
	}
	if (rc != 0)
		got = 0;
	if (rc == 0 && big != 0 && got > IO_INLINE_MAX)
		io_trim(big, w->amount, got);
	mr = io_read_reply(w->reply, w->reply_poly, rc, buf, got);
	/* Out of line (over IO_INLINE_MAX) and sent: the pages moved with it. */
	if (big != 0 && got > IO_INLINE_MAX && mr != MACH_MSG_SUCCESS)
		vm_deallocate(mach_task_self(), big, got);
	else if (big != 0 && got <= IO_INLINE_MAX)
		vm_deallocate(mach_task_self(), big, w->amount);
	if (mr == MACH_MSG_SUCCESS && rc == 0 && o->ops->read_done != NULL)
		o->ops->read_done(o, got);
	return 1;

drop:
	mach_port_deallocate(mach_task_self(), w->reply);
	return 1;
}

static int io_wait_try_write(struct io_wait *w)
{
	struct io_open *o = w->o;
	size_t n = 0;
	int rc;

	if (io_right_dead(w->reply)) {
		mach_port_deallocate(mach_task_self(), w->reply);
		return 1;
	}
	rc = o->ops->write(o, w->offset, w->data + w->done, w->amount - w->done, &n);
	if (rc == IO_WOULDBLOCK)
		return 0;
	if (rc != 0) {
		io_wait_answer(w, rc);
		return 1;
	}
	w->done += n;
	if (w->offset != IO_OFFSET_CURRENT)
		w->offset += n;
	if (w->done < w->amount)
		return 0;
	io_write_reply(w->reply, w->reply_poly, 0, (int) w->done);
	return 1;
}

/* An open waiting for its object (a FIFO's other side). */
static int io_wait_try_open(struct io_wait *w)
{
	if (io_right_dead(w->reply)) {
		mach_port_deallocate(mach_task_self(), w->reply);
		return 1;
	}
	if (w->o->ops->open_wait(w->o) == IO_WOULDBLOCK)
		return 0;
	io_open_wait_reply(w->reply, w->reply_poly, 0);
	return 1;
}

/* The lock o's description holds, or NULL. */
static struct io_flock *io_flock_held(struct io_open *o)
{
	struct io_flock *l;

	for (l = io_flocks; l != NULL; l = l->next)
		if (l->owner == o)
			return l;
	return NULL;
}

/* Whether no other description's lock on o's object is in the way. */
static int io_flock_free(struct io_open *o, int exclusive)
{
	struct io_flock *l;

	for (l = io_flocks; l != NULL; l = l->next)
		if (l->obj == o->obj && l->owner != o && (exclusive || l->exclusive))
			return 0;
	return 1;
}

static struct io_flock *io_flock_new(struct io_open *o, int exclusive)
{
	struct io_flock *l = malloc(sizeof(*l));

	if (l == NULL)
		return NULL;
	l->obj = o->obj;
	l->owner = o;
	l->exclusive = exclusive;
	return l;
}

/*
 * o's description holds a lock of that kind now: at most one a
 * description (as Linux's flock_lock_inode), so the one it holds (a
 * waiting flock of another holder of the description may have taken
 * one meanwhile) changes kind, or l (made beforehand) is taken.  l is
 * freed when not needed; it may be NULL when o holds one.
 */
static void io_flock_take(struct io_open *o, int exclusive, struct io_flock *l)
{
	struct io_flock *held = io_flock_held(o);
	int shared_now;

	if (held == NULL) {
		l->exclusive = exclusive;
		l->next = io_flocks;
		io_flocks = l;
		return;
	}
	free(l);
	shared_now = held->exclusive && !exclusive;
	held->exclusive = exclusive;
	/* Exclusive to shared: shared flocks waiting for it may go. */
	if (shared_now)
		unixio_wake(&io_flock_q);
}

/* o's description lets its lock go (if any); waiting flocks try again. */
static void io_flock_drop(struct io_open *o)
{
	struct io_flock **pl, *l;
	int dropped = 0;

	pl = &io_flocks;
	while ((l = *pl) != NULL) {
		if (l->owner == o) {
			*pl = l->next;
			free(l);
			dropped = 1;
		} else {
			pl = &l->next;
		}
	}
	if (dropped)
		unixio_wake(&io_flock_q);
}

/* A waiting flock: the lock is taken only once the answer saying so went. */
static int io_wait_try_flock(struct io_wait *w)
{
	struct io_flock *l = NULL;
	int exclusive = (int) w->amount;

	if (io_right_dead(w->reply)) {
		mach_port_deallocate(mach_task_self(), w->reply);
		return 1;
	}
	if (!io_flock_free(w->o, exclusive))
		return 0;
	if (io_flock_held(w->o) == NULL && (l = io_flock_new(w->o, exclusive)) == NULL) {
		io_flock_reply(w->reply, w->reply_poly, LINUX_ENOLCK);
		return 1;
	}
	if (io_flock_reply(w->reply, w->reply_poly, 0) == MACH_MSG_SUCCESS)
		io_flock_take(w->o, exclusive, l);
	else
		free(l);
	return 1;
}

/* The first lock of another owner in the way of owner's on obj's bytes start..end. */
static struct io_range *io_range_conflict(void *obj, mach_port_t owner, int exclusive, int64_t start, int64_t end)
{
	struct io_range *r;

	for (r = io_ranges; r != NULL; r = r->next)
		if (r->obj == obj && r->owner != owner && (exclusive || r->exclusive) && r->start <= end &&
		    start <= r->end)
			return r;
	return NULL;
}

/*
 * owner's locks on obj's bytes start..end become type's (IO_F_UNLCK:
 * none): cut out of the old ones, merged with their neighbours of the
 * same kind.  0, or ENOLCK with nothing changed.
 */
static int io_range_set(void *obj, mach_port_t owner, int32_t pid, int type, int64_t start, int64_t end)
{
	struct io_range *spare = malloc(sizeof(*spare)), *n = NULL, **pr, *r;
	int exclusive = type == IO_F_WRLCK;

	if (spare == NULL)
		return LINUX_ENOLCK;
	if (type != IO_F_UNLCK && (n = malloc(sizeof(*n))) == NULL) {
		free(spare);
		return LINUX_ENOLCK;
	}
	for (pr = &io_ranges; (r = *pr) != NULL;) {
		if (r->obj != obj || r->owner != owner || r->start > end || start > r->end) {
			pr = &r->next;
		} else if (r->start < start && r->end > end) {
			/* The one range around it: split in two (no other overlaps). */
			*spare = *r;
			spare->start = end + 1;
			r->end = start - 1;
			r->next = spare;
			spare = NULL;
			break;
		} else if (r->start < start) {
			r->end = start - 1;
			pr = &r->next;
		} else if (r->end > end) {
			r->start = end + 1;
			pr = &r->next;
		} else {
			*pr = r->next;
			free(r);
		}
	}
	free(spare);
	if (n == NULL)
		return 0;
	for (pr = &io_ranges; (r = *pr) != NULL;) {
		if (r->obj == obj && r->owner == owner && r->exclusive == exclusive &&
		    ((r->end != IO_RANGE_EOF && r->end + 1 == start) || (end != IO_RANGE_EOF && end + 1 == r->start))) {
			if (r->start < start)
				start = r->start;
			if (r->end > end)
				end = r->end;
			*pr = r->next;
			free(r);
		} else {
			pr = &r->next;
		}
	}
	n->obj = obj;
	n->owner = owner;
	n->pid = pid;
	n->exclusive = exclusive;
	n->start = start;
	n->end = end;
	n->next = io_ranges;
	io_ranges = n;
	return 0;
}

/* Every lock of owner (on obj, or on any object if obj is NULL) goes; 1 if one did. */
static int io_range_drop(void *obj, mach_port_t owner)
{
	struct io_range **pr, *r;
	int dropped = 0;

	for (pr = &io_ranges; (r = *pr) != NULL;) {
		if (r->owner == owner && (obj == NULL || r->obj == obj)) {
			*pr = r->next;
			free(r);
			dropped = 1;
		} else {
			pr = &r->next;
		}
	}
	return dropped;
}

/* A waiting F_SETLKW: the lock is taken once nothing is in the way. */
static int io_wait_try_lock(struct io_wait *w)
{
	if (io_right_dead(w->reply)) {
		mach_port_deallocate(mach_task_self(), w->reply);
		return 1;
	}
	if (io_range_conflict(w->o->obj, w->owner, (int) w->amount, w->start, w->end) != NULL)
		return 0;
	io_lock_reply(w->reply, w->reply_poly, io_range_set(w->o->obj, w->owner, w->pid, w->lock.l_type, w->start, w->end),
		      w->lock);
	return 1;
}

static int io_wait_try(struct io_wait *w)
{
	switch (w->kind) {
	case IO_WAIT_LOCK:
		return io_wait_try_lock(w);
	case IO_WAIT_WRITE:
		return io_wait_try_write(w);
	case IO_WAIT_OPEN:
		return io_wait_try_open(w);
	case IO_WAIT_FLOCK:
		return io_wait_try_flock(w);
	default:
		return io_wait_try_read(w);
	}
}

static void io_selreg_free(struct io_selreg *r)
{
	mach_port_deallocate(mach_task_self(), r->notify);
	free(r);
}

void unixio_wake(struct io_waitq *q)
{
	struct io_wait **pw, *w;
	struct io_selreg **pr, *r;
	int progress;

	if (q == NULL)
		return;
	/* Called again from inside (an op): the running pass repeats. */
	if (q->waking) {
		q->again = 1;
		return;
	}
	q->waking = 1;
	/*
	 * Retry waiting calls oldest first until a pass answers none: one
	 * call's completion (a read making room) may let another complete.
	 */
	do {
		progress = 0;
		q->again = 0;
		pw = &q->calls;
		while ((w = *pw) != NULL) {
			if (io_wait_try(w)) {
				*pw = w->next;
				io_wait_free(w);
				progress = 1;
			} else {
				pw = &w->next;
			}
		}
	} while ((progress && q->calls != NULL) || q->again);

	pr = &q->sel;
	while ((r = *pr) != NULL) {
		int ready = r->o->ops->poll != NULL ? r->o->ops->poll(r->o) : 0;

		if (ready & (r->events | IO_POLL_ALWAYS)) {
			*pr = r->next;
			io_select_wakeup(r->notify, 0, MACH_SEND_TIMEOUT, r->tag);
			io_selreg_free(r);
		} else {
			pr = &r->next;
		}
	}
	q->waking = 0;
}

/* o's calls waiting in q are answered EBADF (o closes). */
static void io_waitq_cancel(struct io_waitq *q, struct io_open *o)
{
	struct io_wait **pw, *w;

	pw = &q->calls;
	while ((w = *pw) != NULL) {
		if (w->o == o) {
			*pw = w->next;
			io_wait_answer(w, LINUX_EBADF);
			io_wait_free(w);
		} else {
			pw = &w->next;
		}
	}
}

/* The description's last send right is gone. */
static void io_close(struct io_open *o)
{
	struct io_waitq *q = io_waitq_of(o);
	struct io_selreg **pr, *r;

	if (o->pins > 0) {
		o->closing = 1; /* the last unixio_unpin closes it */
		return;
	}
	io_waitq_cancel(&io_flock_q, o);
	io_flock_drop(o);
	if (q != NULL) {
		io_waitq_cancel(q, o);
		pr = &q->sel;
		while ((r = *pr) != NULL) {
			if (r->o == o) {
				*pr = r->next;
				io_selreg_free(r);
			} else {
				pr = &r->next;
			}
		}
	}
	if (o->ops->close != NULL)
		o->ops->close(o);
	unixio_open_discard(o);
}

void unixio_pin(struct io_open *o)
{
	o->pins++;
}

void unixio_unpin(struct io_open *o)
{
	assert(o->pins > 0);
	if (--o->pins == 0 && o->closing)
		io_close(o);
}

void unixio_revoke(const struct io_ops *ops)
{
	for (unsigned h = 0; h < IO_HASH_SIZE; h++) {
		struct io_open *o;
	again:
		/* A close may let go of unixio_lock (ext2's disk): the chain
		 * may have changed meanwhile, so look again from its start. */
		for (o = io_hash[h]; o != NULL; o = o->hash_next) {
			/* A pinned one (closing) is closed when unpinned. */
			if (o->ops == ops && !o->closing) {
				io_close(o);
				goto again;
			}
		}
	}
}

static int io_has_waiting(struct io_waitq *q, enum io_wait_kind kind)
{
	struct io_wait *w;

	if (q == NULL)
		return 0;
	for (w = q->calls; w != NULL; w = w->next)
		if (w->kind == kind)
			return 1;
	return 0;
}

static void io_wait_append(struct io_waitq *q, struct io_wait *w)
{
	struct io_wait **pw;

	for (pw = &q->calls; *pw != NULL; pw = &(*pw)->next)
		;
	w->next = NULL;
	*pw = w;
}

/* A new waiting call of o (its other fields zero), or NULL without memory. */
static struct io_wait *io_wait_new(struct io_open *o, mach_port_t reply, mach_msg_type_name_t reply_poly, int tag,
				   enum io_wait_kind kind)
{
	struct io_wait *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->o = o;
	w->reply = reply;
	w->reply_poly = reply_poly;
	w->tag = tag;
	w->kind = kind;
	return w;
}

static int io_offset_ok(struct io_open *o, int64_t offset)
{
	if (offset == IO_OFFSET_CURRENT)
		return 0;
	if (!o->ops->seekable)
		return LINUX_ESPIPE;
	return offset < 0 ? LINUX_EINVAL : 0;
}

kern_return_t S_io_read(io_t io, mach_port_t reply, mach_msg_type_name_t reply_poly, int tag, int64_t offset,
			int amount, char **data, mach_msg_type_number_t *data_count)
{
	struct io_open *o = unixio_lookup(io);
	struct io_waitq *q;
	struct io_wait *w;
	vm_address_t big = 0;
	char *buf = *data;
	size_t got = 0;
	int rc;

	if (o == NULL)
		return LINUX_EBADF;
	if (o->flags & IO_O_EXEC_ONLY)
		return LINUX_EACCES; /* to be executed, not read, by its holder */
	if (!unixio_readable(o))
		return LINUX_EBADF;
	if (o->ops->read == NULL)
		return LINUX_EINVAL;
	if (amount < 0 || amount > IO_READ_MAX)
		return LINUX_EINVAL;
	rc = io_offset_ok(o, offset);
	if (rc != 0)
		return rc;
	*data_count = 0;
	if (amount == 0)
		return 0;
	q = io_waitq_of(o);
	/* Earlier readers still waiting go first. */
	if (io_has_waiting(q, IO_WAIT_READ)) {
		rc = IO_WOULDBLOCK;
		goto wait;
	}
	if (amount > IO_INLINE_MAX) {
		if (vm_allocate(mach_task_self(), &big, amount, TRUE) != KERN_SUCCESS)
			return LINUX_ENOMEM;
		buf = (char *) big;
	}
	rc = o->ops->read(o, offset, buf, amount, &got);
	/* MIG's dealloc frees got bytes' pages: give back the rest now. */
	if (rc == 0 && big != 0 && got > IO_INLINE_MAX)
		io_trim(big, amount, got);
	if (rc == 0) {
		if (o->ops->read_done != NULL)
			o->ops->read_done(o, got);
		if (big != 0 && got <= IO_INLINE_MAX) {
			memcpy(*data, buf, got);
			vm_deallocate(mach_task_self(), big, amount);
		} else if (big != 0) {
			*data = buf; /* out of line; MIG's dealloc moves it */
		}
		*data_count = got;
		unixio_wake(q); /* room for writers */
		return 0;
	}
	if (big != 0)
		vm_deallocate(mach_task_self(), big, amount);
	if (rc != IO_WOULDBLOCK)
		return rc;
wait:
	if ((o->flags & IO_O_NONBLOCK) || q == NULL)
		return LINUX_EAGAIN;
	if (tag & IO_TAG_NOWAIT)
		return LINUX_EINTR;
	w = io_wait_new(o, reply, reply_poly, tag, IO_WAIT_READ);
	if (w == NULL)
		return LINUX_ENOMEM;
	w->offset = offset;
	w->amount = amount;
	io_wait_append(q, w);
	return MIG_NO_REPLY;
}

kern_return_t S_io_write(io_t io, mach_port_t reply, mach_msg_type_name_t reply_poly, int tag, int64_t offset,
			 const char *data, mach_msg_type_number_t data_count, int *amount)
{
	struct io_open *o = unixio_lookup(io);
	struct io_waitq *q;
	struct io_wait *w;
	size_t done = 0;
	int rc;

	if (o == NULL)
		return LINUX_EBADF;
	if (!unixio_writable(o))
		return LINUX_EBADF;
	if (o->ops->write == NULL)
		return LINUX_EINVAL;
	if (data_count > IO_READ_MAX)
		return LINUX_EINVAL;
	rc = io_offset_ok(o, offset);
	if (rc != 0)
		return rc;
	*amount = 0;
	q = io_waitq_of(o);
	if (io_has_waiting(q, IO_WAIT_WRITE)) {
		rc = IO_WOULDBLOCK;
	} else {
		rc = o->ops->write(o, offset, data, data_count, &done);
		if (rc != 0 && rc != IO_WOULDBLOCK)
			return rc;
		if (rc == 0 && (done == data_count || (o->flags & IO_O_NONBLOCK))) {
			*amount = (int) done;
			unixio_wake(q); /* data for readers */
			return 0;
		}
	}
	if ((o->flags & IO_O_NONBLOCK) || q == NULL || (tag & IO_TAG_NOWAIT)) {
		if (done > 0) {
			*amount = (int) done;
			unixio_wake(q);
			return 0;
		}
		return (o->flags & IO_O_NONBLOCK) || q == NULL ? LINUX_EAGAIN : LINUX_EINTR;
	}
	w = io_wait_new(o, reply, reply_poly, tag, IO_WAIT_WRITE);
	if (w == NULL)
		goto nomem;
	w->data = malloc(data_count);
	if (w->data == NULL)
		goto nomem;
	/* What went in already counts: an interruption answers with it. */
	memcpy(w->data, data, data_count);
	w->offset = offset == IO_OFFSET_CURRENT ? offset : offset + (int64_t) done;
	w->amount = data_count;
	w->done = done;
	io_wait_append(q, w);
	if (done > 0)
		unixio_wake(q); /* readers may be waiting for what went in */
	return MIG_NO_REPLY;

nomem:
	free(w);
	if (done > 0) {
		*amount = (int) done;
		unixio_wake(q);
		return 0;
	}
	return LINUX_ENOMEM;
}

kern_return_t S_io_open_wait(io_t io, mach_port_t reply, mach_msg_type_name_t reply_poly, int tag)
{
	struct io_open *o = unixio_lookup(io);
	struct io_waitq *q;
	struct io_wait *w;

	if (o == NULL)
		return LINUX_EBADF;
	if (o->ops->open_wait == NULL || o->ops->open_wait(o) != IO_WOULDBLOCK)
		return 0;
	q = io_waitq_of(o);
	if (q == NULL)
		return 0;
	if (tag & IO_TAG_NOWAIT)
		return LINUX_EINTR;
	w = io_wait_new(o, reply, reply_poly, tag, IO_WAIT_OPEN);
	if (w == NULL)
		return LINUX_ENOMEM;
	io_wait_append(q, w);
	return MIG_NO_REPLY;
}

kern_return_t S_io_seek(io_t io, int64_t offset, int whence, int64_t *newoffset)
{
	struct io_open *o = unixio_lookup(io);
	struct io_stat st;
	int64_t base;
	int rc;

	if (o == NULL)
		return LINUX_EBADF;
	if (!o->ops->seekable)
		return LINUX_ESPIPE;
	switch (whence) {
	case IO_SEEK_SET:
		base = 0;
		break;
	case IO_SEEK_CUR:
		base = o->offset;
		break;
	case IO_SEEK_END:
		rc = o->ops->stat(o, &st);
		if (rc != 0)
			return rc;
		base = st.st_size;
		break;
	default:
		return LINUX_EINVAL;
	}
	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
		return LINUX_EINVAL;
	o->offset = base + offset;
	*newoffset = o->offset;
	return 0;
}

kern_return_t S_io_stat(io_t io, io_stat_t *st)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	memset(st, 0, sizeof(*st));
	return o->ops->stat(o, st);
}

kern_return_t S_io_get_openmodes(io_t io, int *flags)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	*flags = o->flags & ~IO_O_EXEC_ONLY;
	return 0;
}

kern_return_t S_io_set_openmodes(io_t io, int flags)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	o->flags = (o->flags & ~IO_O_SETTABLE) | (flags & IO_O_SETTABLE);
	/* A waiting call of a now nonblocking description stays waiting, as Linux. */
	return 0;
}

kern_return_t S_io_ioctl(io_t io, int request, const io_ioctl_data_t in_data, mach_msg_type_number_t in_count,
			 io_ioctl_data_t out_data, mach_msg_type_number_t *out_count)
{
	return S_io_tty_ioctl(io, MACH_PORT_NULL, request, 0, in_data, in_count, out_data, out_count);
}

kern_return_t S_io_tty_ioctl(io_t io, mach_port_t proc, int request, int flags, const io_ioctl_data_t in_data,
			     mach_msg_type_number_t in_count, io_ioctl_data_t out_data,
			     mach_msg_type_number_t *out_count)
{
	struct io_open *o = unixio_lookup(io);
	size_t outlen = 0;
	int rc;

	if (o == NULL)
		return LINUX_EBADF;
	if (o->flags & IO_O_PATH)
		return LINUX_EBADF;
	if (o->ops->tty_ioctl != NULL)
		rc = o->ops->tty_ioctl(o, proc, request, flags, in_data, in_count, out_data, &outlen);
	else if (o->ops->ioctl != NULL)
		rc = o->ops->ioctl(o, request, in_data, in_count, out_data, &outlen);
	else
		rc = LINUX_ENOTTY;
	*out_count = rc == 0 ? outlen : 0;
	if (rc == 0 && MACH_PORT_VALID(proc))
		mach_port_deallocate(mach_task_self(), proc);
	return rc;
}

kern_return_t S_io_select(io_t io, int events, mach_port_t notify, int tag, int *ready)
{
	struct io_open *o = unixio_lookup(io);
	struct io_waitq *q;
	struct io_selreg *r, **pr;
	int n = 0;

	if (o == NULL)
		return LINUX_EBADF;
	*ready = (o->ops->poll != NULL ? o->ops->poll(o) : IO_POLLIN | IO_POLLOUT) & (events | IO_POLL_ALWAYS);
	q = io_waitq_of(o);
	if (*ready != 0 || notify == MACH_PORT_NULL || q == NULL) {
		if (MACH_PORT_VALID(notify))
			mach_port_deallocate(mach_task_self(), notify);
		return 0;
	}
	/* A thread's notify port has one registration per open file: replace it. */
	for (r = q->sel; r != NULL; r = r->next) {
		if (r->o == o && r->notify == notify) {
			r->events = events;
			r->tag = tag;
			mach_port_deallocate(mach_task_self(), notify); /* r keeps one reference */
			return 0;
		}
		n++;
	}
	if (n >= IO_SELECT_MAX) {
		/* Registrations of callers that went away: forget them. */
		pr = &q->sel;
		while ((r = *pr) != NULL) {
			if (io_right_dead(r->notify)) {
				*pr = r->next;
				io_selreg_free(r);
				n--;
			} else {
				pr = &r->next;
			}
		}
		if (n >= IO_SELECT_MAX)
			return LINUX_ENOMEM;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return LINUX_ENOMEM;
	r->o = o;
	r->notify = notify;
	r->events = events;
	r->tag = tag;
	r->next = q->sel;
	q->sel = r;
	return 0;
}

/* Answer o's call with tag waiting in q (if there is one) EINTR. */
static void io_waitq_interrupt(struct io_waitq *q, struct io_open *o, int tag)
{
	struct io_wait **pw, *w;

	for (pw = &q->calls; (w = *pw) != NULL; pw = &w->next) {
		if (w->o == o && w->tag == tag) {
			*pw = w->next;
			io_wait_answer(w, LINUX_EINTR);
			io_wait_free(w);
			/* A write that leaves may let the ones behind it in. */
			unixio_wake(q);
			return;
		}
	}
}

kern_return_t S_io_interrupt(io_t io, int tag)
{
	struct io_open *o = unixio_lookup(io);
	struct io_waitq *q;

	if (o == NULL)
		return LINUX_EBADF;
	q = io_waitq_of(o);
	if (q != NULL)
		io_waitq_interrupt(q, o, tag);
	io_waitq_interrupt(&io_flock_q, o, tag);
	return 0;
}

/*
 * Keep a send right to owner, watched for its death (the first time we
 * meet it): 0, or EBADF (not a live port), ENOLCK.
 */
static int io_owner_watch(mach_port_t owner)
{
	struct io_owner *w;
	mach_port_t so = MACH_PORT_NULL, prev;
	mach_msg_type_name_t so_type;

	for (w = io_owners; w != NULL; w = w->next)
		if (w->port == owner)
			return 0;
	if (!MACH_PORT_VALID(io_owner_notify)) {
		if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &io_owner_notify) != KERN_SUCCESS)
			return LINUX_ENOLCK;
		unixio_join(io_owner_notify);
	}
	w = malloc(sizeof(*w));
	if (w == NULL)
		return LINUX_ENOLCK;
	if (mach_port_mod_refs(mach_task_self(), owner, MACH_PORT_RIGHT_SEND, 1) != KERN_SUCCESS) {
		free(w);
		return LINUX_EBADF;
	}
	if (mach_port_extract_right(mach_task_self(), io_owner_notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &so_type) !=
		    KERN_SUCCESS ||
	    mach_port_request_notification(mach_task_self(), owner, MACH_NOTIFY_DEAD_NAME, 0, so, &prev) !=
		    KERN_SUCCESS) {
		if (MACH_PORT_VALID(so))
			mach_port_deallocate(mach_task_self(), so);
		mach_port_deallocate(mach_task_self(), owner);
		free(w);
		return LINUX_EBADF;
	}
	if (MACH_PORT_VALID(prev))
		mach_port_deallocate(mach_task_self(), prev);
	w->port = owner;
	w->next = io_owners;
	io_owners = w;
	return 0;
}

/* The bytes lk names in o's file (Linux's flock64_to_posix_lock). */
static int io_lock_range(struct io_open *o, const struct io_lock *lk, int64_t *start, int64_t *end)
{
	struct io_stat st;
	int64_t base;

	switch (lk->l_whence) {
	case IO_SEEK_SET:
		base = 0;
		break;
	case IO_SEEK_CUR:
		base = o->ops->seekable ? o->offset : 0;
		break;
	case IO_SEEK_END:
		memset(&st, 0, sizeof(st));
		if (o->ops->stat != NULL && o->ops->stat(o, &st) != 0)
			return LINUX_EINVAL;
		base = st.st_size;
		break;
	default:
		return LINUX_EINVAL;
	}
	if (lk->l_start > IO_RANGE_EOF - base)
		return LINUX_EOVERFLOW;
	*start = base + lk->l_start;
	if (*start < 0)
		return LINUX_EINVAL;
	if (lk->l_len > 0) {
		if (lk->l_len - 1 > IO_RANGE_EOF - *start)
			return LINUX_EOVERFLOW;
		*end = *start + (lk->l_len - 1);
	} else if (lk->l_len < 0) {
		if (*start + lk->l_len < 0)
			return LINUX_EINVAL;
		*end = *start - 1;
		*start += lk->l_len;
	} else {
		*end = IO_RANGE_EOF;
	}
	return 0;
}

/*
 * Whether owner waiting for blocker's lock would close a circle: the
 * blocker's owner waits for a lock of an owner who waits ... for
 * owner's (Linux's posix_locks_deadlock).
 */
static int io_lock_deadlock(mach_port_t owner, const struct io_range *blocker)
{
	mach_port_t next = blocker->owner;
	struct io_wait *w;

	for (int i = 0; i < IO_DEADLOCK_DEPTH; i++) {
		for (w = io_flock_q.calls; w != NULL; w = w->next)
			if (w->kind == IO_WAIT_LOCK && w->owner == next)
				break;
		if (w == NULL)
			return 0;
		blocker = io_range_conflict(w->o->obj, w->owner, (int) w->amount, w->start, w->end);
		if (blocker == NULL)
			return 0;
		if (blocker->owner == owner)
			return 1;
		next = blocker->owner;
	}
	return 0;
}

kern_return_t S_io_lock(io_t io, mach_port_t reply, mach_msg_type_name_t reply_poly, int tag, mach_port_t owner,
			int pid, int cmd, io_lock_t *lock)
{
	struct io_open *o = unixio_lookup(io);
	struct io_range *r;
	struct io_wait *w;
	int64_t start, end;
	int type, rc;

	if (o == NULL || (o->flags & IO_O_PATH))
		return LINUX_EBADF;
	if (cmd != IO_LOCK_GET && cmd != IO_LOCK_SET && cmd != IO_LOCK_WAIT)
		return LINUX_EINVAL;
	if (!MACH_PORT_VALID(owner))
		return LINUX_EINVAL;
	type = lock->l_type;
	if (type != IO_F_RDLCK && type != IO_F_WRLCK && (type != IO_F_UNLCK || cmd == IO_LOCK_GET))
		return LINUX_EINVAL;
	rc = io_lock_range(o, lock, &start, &end);
	if (rc != 0)
		return rc;
	if (cmd == IO_LOCK_GET) {
		r = io_range_conflict(o->obj, owner, type == IO_F_WRLCK, start, end);
		if (r == NULL) {
			lock->l_type = IO_F_UNLCK;
		} else {
			lock->l_type = r->exclusive ? IO_F_WRLCK : IO_F_RDLCK;
			lock->l_whence = IO_SEEK_SET;
			lock->l_start = r->start;
			lock->l_len = r->end == IO_RANGE_EOF ? 0 : r->end - r->start + 1;
			lock->l_pid = r->pid;
		}
		mach_port_deallocate(mach_task_self(), owner);
		return 0;
	}
	if ((type == IO_F_RDLCK && !unixio_readable(o)) || (type == IO_F_WRLCK && !unixio_writable(o)))
		return LINUX_EBADF;
	if (type != IO_F_UNLCK && (rc = io_owner_watch(owner)) != 0)
		return rc;
	r = type == IO_F_UNLCK ? NULL : io_range_conflict(o->obj, owner, type == IO_F_WRLCK, start, end);
	if (r != NULL) {
		if (cmd == IO_LOCK_SET)
			return LINUX_EAGAIN;
		if (io_lock_deadlock(owner, r))
			return LINUX_EDEADLK;
		if (tag & IO_TAG_NOWAIT)
			return LINUX_EINTR;
		w = io_wait_new(o, reply, reply_poly, tag, IO_WAIT_LOCK);
		if (w == NULL)
			return LINUX_ENOLCK;
		w->amount = (size_t) (type == IO_F_WRLCK);
		w->owner = owner; /* the request's right goes: io_owner_watch keeps one */
		w->pid = pid;
		w->start = start;
		w->end = end;
		w->lock = *lock;
		io_wait_append(&io_flock_q, w);
		return MIG_NO_REPLY;
	}
	rc = io_range_set(o->obj, owner, pid, type, start, end);
	if (rc != 0)
		return rc;
	mach_port_deallocate(mach_task_self(), owner);
	/* Bytes let go (an unlock, a change of kind) may be waited for. */
	unixio_wake(&io_flock_q);
	return 0;
}

kern_return_t S_io_lock_release(io_t io, mach_port_t owner)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	if (io_range_drop(o->obj, owner))
		unixio_wake(&io_flock_q);
	if (MACH_PORT_VALID(owner))
		mach_port_deallocate(mach_task_self(), owner);
	return 0;
}

kern_return_t S_io_flock(io_t io, mach_port_t reply, mach_msg_type_name_t reply_poly, int tag, int op)
{
	struct io_open *o = unixio_lookup(io);
	struct io_flock *held, *l;
	struct io_wait *w = NULL;
	int cmd = op & ~IO_LOCK_NB, exclusive = cmd == IO_LOCK_EX;

	if (o == NULL)
		return LINUX_EBADF;
	if (cmd != IO_LOCK_SH && cmd != IO_LOCK_EX && cmd != IO_LOCK_UN)
		return LINUX_EINVAL;
	if (o->flags & IO_O_PATH)
		return LINUX_EBADF;
	held = io_flock_held(o);
	if (held != NULL && cmd != IO_LOCK_UN && held->exclusive == exclusive)
		return 0;
	if (cmd == IO_LOCK_UN) {
		io_flock_drop(o);
		return 0;
	}
	/* What the lock or the wait needs is made first: a conversion that
	 * fails for want of memory keeps the old lock. */
	l = io_flock_new(o, exclusive);
	if (l == NULL)
		return LINUX_ENOLCK;
	if (!(op & IO_LOCK_NB) && !(tag & IO_TAG_NOWAIT)) {
		w = io_wait_new(o, reply, reply_poly, tag, IO_WAIT_FLOCK);
		if (w == NULL) {
			free(l);
			return LINUX_ENOLCK;
		}
	}
	/* Changing the kind: the old lock goes first, and a flock waiting
	 * for it may take the file meanwhile (Linux's too). */
	io_flock_drop(o);
	if (io_flock_free(o, exclusive)) {
		io_flock_take(o, exclusive, l);
		free(w); /* fresh: it holds no data */
		return 0;
	}
	free(l);
	if (op & IO_LOCK_NB)
		return LINUX_EAGAIN;
	if (tag & IO_TAG_NOWAIT)
		return LINUX_EINTR;
	w->amount = (size_t) exclusive;
	io_wait_append(&io_flock_q, w);
	return MIG_NO_REPLY;
}

kern_return_t S_io_truncate(io_t io, int64_t length)
{
	struct io_open *o = unixio_lookup(io);

	/* Linux's do_sys_ftruncate: no descriptor for O_PATH (EBADF), then
	 * EINVAL for one not open for writing. */
	if (o == NULL || (o->flags & IO_O_PATH))
		return LINUX_EBADF;
	if (!unixio_writable(o) || o->ops->truncate == NULL || length < 0)
		return LINUX_EINVAL;
	return o->ops->truncate(o, length);
}

kern_return_t S_io_set_times(io_t io, io_times_t times)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	if ((times.atime_nsec >= 1000000000 && times.atime_nsec != IO_UTIME_NOW && times.atime_nsec != IO_UTIME_OMIT) ||
	    (times.mtime_nsec >= 1000000000 && times.mtime_nsec != IO_UTIME_NOW && times.mtime_nsec != IO_UTIME_OMIT))
		return LINUX_EINVAL;
	if (o->ops->set_times == NULL)
		return LINUX_EPERM;
	return o->ops->set_times(o, &times);
}

kern_return_t S_io_chmod(io_t io, int mode)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	if (o->ops->chmod == NULL)
		return LINUX_EPERM;
	return o->ops->chmod(o, (uint32_t) mode & IO_S_PERM);
}

kern_return_t S_io_chown(io_t io, int uid, int gid)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	if (uid < -1 || gid < -1)
		return LINUX_EINVAL;
	if (o->ops->chown == NULL)
		return LINUX_EPERM;
	return o->ops->chown(o, (uint32_t) uid, (uint32_t) gid);
}

/* Whether id is one of cred's uids (real, effective, saved, file-system). */
static int io_cred_has_uid(const struct io_cred *cred, uint32_t id)
{
	return cred->uid == id || cred->euid == id || cred->ruid == id || cred->suid == id;
}

/* Whether id is one of cred's gids (real, effective, saved, supplementary). */
static int io_cred_has_gid(const struct io_cred *cred, uint32_t id, int supplementary)
{
	uint32_t i;

	if (cred->gid == id || cred->egid == id || cred->rgid == id || cred->sgid == id)
		return 1;
	for (i = 0; supplementary && i < cred->ngroups; i++)
		if (cred->groups[i] == id)
			return 1;
	return 0;
}

/* A new description of o with identity cred and o's flags but clear,
 * into *newio. */
static int io_open_as(struct io_open *o, const struct io_cred *cred, int clear, mach_port_t *newio,
		      mach_msg_type_name_t *newio_poly)
{
	struct io_open *n;

	if (o->ops->dup == NULL)
		return LINUX_EINVAL;
	n = unixio_open_new(o->ops, o->obj, o->flags & ~clear, cred);
	if (n == NULL)
		return LINUX_ENOMEM;
	n->root = o->root;
	n->offset = o->offset;
	o->ops->dup(n);
	*newio = n->port;
	*newio_poly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

/* The supplementary groups of a request into cred; EINVAL if one is negative. */
static int io_set_groups(struct io_cred *cred, const int *groups, mach_msg_type_number_t ngroups)
{
	uint32_t i;

	if (ngroups > IO_NGROUPS_MAX)
		return LINUX_EINVAL;
	cred->ngroups = ngroups;
	for (i = 0; i < ngroups; i++) {
		if (groups[i] < 0)
			return LINUX_EINVAL;
		cred->groups[i] = groups[i];
	}
	return 0;
}

kern_return_t S_io_restrict_auth(io_t io, int uid, int gid, const io_groups_t groups, mach_msg_type_number_t ngroups,
				 mach_port_t *newio, mach_msg_type_name_t *newio_poly)
{
	struct io_open *o = unixio_lookup(io);
	struct io_cred cred;
	uint32_t i;
	int rc;

	if (o == NULL)
		return LINUX_EBADF;
	if (uid < 0 || gid < 0)
		return LINUX_EINVAL;
	rc = io_set_groups(&cred, groups, ngroups);
	if (rc != 0)
		return rc;
	cred.uid = cred.euid = cred.ruid = cred.suid = uid;
	cred.gid = cred.egid = cred.rgid = cred.sgid = gid;
	if (o->cred.euid != 0) {
		if (!io_cred_has_uid(&o->cred, cred.uid) || !io_cred_has_gid(&o->cred, cred.gid, 1))
			return LINUX_EPERM;
		for (i = 0; i < ngroups; i++)
			if (!io_cred_has_gid(&o->cred, cred.groups[i], 1))
				return LINUX_EPERM;
	}
	return io_open_as(o, &cred, 0, newio, newio_poly);
}

/* Whether every supplementary group of a is one of b's. */
static int io_groups_within(const struct io_cred *a, const struct io_cred *b)
{
	uint32_t i, j;

	for (i = 0; i < a->ngroups; i++) {
		for (j = 0; j < b->ngroups && b->groups[j] != a->groups[i]; j++)
			;
		if (j == b->ngroups)
			return 0;
	}
	return 1;
}

kern_return_t S_io_reauth(io_t io, mach_port_t target, io_ids_t ids, const io_groups_t groups,
			  mach_msg_type_number_t ngroups, mach_port_t *newio, mach_msg_type_name_t *newio_poly)
{
	struct io_open *o = unixio_lookup(io), *t = unixio_lookup(target);
	struct io_cred cred;
	int rc;

	if (o == NULL || t == NULL)
		return LINUX_EBADF;
	rc = io_set_groups(&cred, groups, ngroups);
	if (rc != 0)
		return rc;
	cred.ruid = ids.ruid, cred.euid = ids.euid, cred.suid = ids.suid, cred.uid = ids.fsuid;
	cred.rgid = ids.rgid, cred.egid = ids.egid, cred.sgid = ids.sgid, cred.gid = ids.fsgid;
	if (o->cred.euid != 0 &&
	    (!io_cred_has_uid(&o->cred, cred.ruid) || !io_cred_has_uid(&o->cred, cred.euid) ||
	     !io_cred_has_uid(&o->cred, cred.suid) || !io_cred_has_uid(&o->cred, cred.uid) ||
	     !io_cred_has_gid(&o->cred, cred.rgid, 0) || !io_cred_has_gid(&o->cred, cred.egid, 0) ||
	     !io_cred_has_gid(&o->cred, cred.sgid, 0) || !io_cred_has_gid(&o->cred, cred.gid, 0) ||
	     !io_groups_within(&o->cred, &cred) || !io_groups_within(&cred, &o->cred)))
		return LINUX_EPERM;
	/* Effective uid 0 could read the file anyway: an execute-only
	 * port it passes on reads (what a set-user-ID or execute-only
	 * exec's new task gets through its authority). */
	rc = io_open_as(t, &cred, o->cred.euid == 0 ? IO_O_EXEC_ONLY : 0, newio, newio_poly);
	if (rc == 0)
		mach_port_deallocate(mach_task_self(), target);
	return rc;
}

kern_return_t S_io_map(io_t io, mach_port_t *rdobj, mach_port_t *wrobj)
{
	struct io_open *o = unixio_lookup(io);

	*rdobj = MACH_PORT_NULL;
	*wrobj = MACH_PORT_NULL;
	if (o == NULL)
		return LINUX_EBADF;
	if (o->flags & IO_O_PATH)
		return LINUX_EBADF;
	/* Pipes and terminals: Linux's answer for what cannot be mapped. */
	if (o->ops->map == NULL)
		return LINUX_ENODEV;
	return o->ops->map(o, rdobj, wrobj);
}

kern_return_t S_io_sync(io_t io, int datasync)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	if (o->ops->sync == NULL)
		return LINUX_EINVAL;
	return o->ops->sync(o, datasync);
}

kern_return_t S_io_statfs(io_t io, io_statfs_t *st)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = IO_STATFS_BSIZE;
	st->f_namelen = IO_NAME_MAX;
	return o->ops->statfs != NULL ? o->ops->statfs(o, st) : 0;
}

kern_return_t S_io_syncfs(io_t io)
{
	struct io_open *o = unixio_lookup(io);

	if (o == NULL)
		return LINUX_EBADF;
	return o->ops->syncfs != NULL ? o->ops->syncfs(o) : 0;
}

/*
 * A record lock owner died (its receive right with its task): its
 * locks go, and its waiting calls (whose replies nobody waits for).
 */
static void io_owner_dead(mach_port_t name)
{
	struct io_owner **pw, *w;
	struct io_wait **pc, *c;

	for (pw = &io_owners; (w = *pw) != NULL && w->port != name; pw = &w->next)
		;
	if (w == NULL) {
		mach_port_deallocate(mach_task_self(), name); /* the notification's reference */
		return;
	}
	*pw = w->next;
	free(w);
	for (pc = &io_flock_q.calls; (c = *pc) != NULL;) {
		if (c->kind == IO_WAIT_LOCK && c->owner == name) {
			*pc = c->next;
			io_wait_answer(c, LINUX_EINTR);
			io_wait_free(c);
		} else {
			pc = &c->next;
		}
	}
	io_range_drop(NULL, name);
	/* Ours and the notification's references to the dead name. */
	mach_port_deallocate(mach_task_self(), name);
	mach_port_deallocate(mach_task_self(), name);
	unixio_wake(&io_flock_q);
}

/* A no-senders notification for one of our ports: the description
 * closes; a dead name on io_owner_notify: a lock owner is gone. */
static boolean_t io_notify_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	mach_port_status_t status;
	struct io_open *o;

	if (in->msgh_id == MACH_NOTIFY_DEAD_NAME && MACH_PORT_VALID(io_owner_notify) &&
	    in->msgh_local_port == io_owner_notify) {
		/* Only the kernel has a send-once right to io_owner_notify. */
		if (in->msgh_size >= sizeof(mach_dead_name_notification_t) && !(in->msgh_bits & MACH_MSGH_BITS_COMPLEX))
			io_owner_dead(((mach_dead_name_notification_t *) in)->not_port);
		((mig_reply_header_t *) out)->RetCode = MIG_NO_REPLY;
		out->msgh_remote_port = MACH_PORT_NULL;
		return TRUE;
	}
	if (in->msgh_id != MACH_NOTIFY_NO_SENDERS)
		return FALSE;
	if (in->msgh_size < sizeof(mach_no_senders_notification_t) || (in->msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return FALSE;
	o = unixio_lookup(in->msgh_local_port);
	if (o == NULL)
		return FALSE;
	/*
	 * The notification comes to the port itself, where anyone holding
	 * the port can send too: believe only the kernel's own count.  A
	 * forged one leaves the description (and its real request) alone.
	 */
	if (mach_port_get_receive_status(mach_task_self(), o->port, &status) != KERN_SUCCESS || status.mps_srights)
		goto done;
	io_close(o);
done:
	/* A notification has no reply. */
	((mig_reply_header_t *) out)->RetCode = MIG_NO_REPLY;
	out->msgh_remote_port = MACH_PORT_NULL;
	return TRUE;
}

/*
 * unixio_lock, and first the lock of the service the port is of, if it
 * has one: waited for without unixio_lock held (the service may hold it
 * while its device works).  The service's lock, or NULL.
 */
static cthread_mutex_t *io_lock_for(mach_port_t port)
{
	struct io_open *o;
	cthread_mutex_t *outer;

	cthread_mutex_lock(&unixio_lock);
	o = unixio_lookup(port);
	outer = o != NULL ? o->ops->lock : NULL;
	if (outer != NULL && !cthread_mutex_trylock(outer)) {
		cthread_mutex_unlock(&unixio_lock);
		cthread_mutex_lock(outer);
		cthread_mutex_lock(&unixio_lock);
	}
	return outer;
}

boolean_t unixio_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	mig_reply_header_t *reply = (mig_reply_header_t *) out;
	cthread_mutex_t *outer;
	boolean_t handled;
	int i;

	outer = io_lock_for(in->msgh_local_port);
	handled = io_notify_demux(in, out);
	if (!handled)
		handled = io_server(in, out);
	for (i = 0; !handled && i < io_ndemux; i++)
		handled = io_demuxes[i](in, out);
	/*
	 * A call that waits (MIG_NO_REPLY) keeps only the reply right; the
	 * rest of the request (out-of-line data, copied if needed) is ours to
	 * release, since the server loop releases nothing for it.
	 */
	if (handled && reply->RetCode == MIG_NO_REPLY && (in->msgh_bits & MACH_MSGH_BITS_COMPLEX) &&
	    in->msgh_id != MACH_NOTIFY_NO_SENDERS) {
		in->msgh_remote_port = MACH_PORT_NULL;
		mach_msg_destroy(in);
	}
	cthread_mutex_unlock(&unixio_lock);
	if (outer != NULL)
		cthread_mutex_unlock(outer);
	return handled;
}
