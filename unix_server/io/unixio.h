/*
 * The open-file layer every UNIX file service goes through (libunixio.a):
 * one port per open file description, io.defs served for all of them,
 * calls that wait, select registrations, and the demux a server calls.
 * A service (the VFS, pipes, the terminal) supplies an io_ops table for
 * its objects and calls unixio_wake when an object's state changes.
 *
 * Locking: one mutex (unixio_lock) guards this layer and every service
 * behind it.  unixio_demux takes it around each message, so the service
 * code it reaches runs with it held and never blocks: a call that must
 * wait is queued (struct io_waitq) and answered later.  A service that
 * must wait for a device (the VFS, for ext2's disk) names a lock of its
 * own in its io_ops: unixio_demux takes that one first (without holding
 * unixio_lock while it waits for it), so the service may let go of
 * unixio_lock while its device works and take it back after; pipes and
 * the terminal go on meanwhile.  Order: the service's lock, then
 * unixio_lock.
 */
#ifndef _UNIX_SERVER_UNIXIO_H_
#define _UNIX_SERVER_UNIXIO_H_

#include <stddef.h>
#include <stdint.h>
#include <mach.h>
#include <cthreads.h>
#include <servers/io_types.h>
#include <servers/linux_errno.h>

/* An op's answer: the call cannot complete now (it waits, or EAGAIN). */
#define IO_WOULDBLOCK (-1)

#define IO_NGROUPS_MAX 32

/*
 * Who a port speaks for (io_restrict_auth, io_reauth): uid and gid are
 * the file-system ids (Linux's fsuid and fsgid: the effective ones
 * unless setfsuid/setfsgid moved them) every check on files uses; the
 * real ones answer access(); the effective ones say whether io_reauth
 * may give anything (0), and with the saved ones bound what it may.
 */
struct io_cred {
	uint32_t uid;
	uint32_t gid;
	uint32_t ngroups;
	uint32_t groups[IO_NGROUPS_MAX];
	uint32_t ruid, suid, rgid, sgid;
	uint32_t euid, egid;
};

struct io_wait;
struct io_selreg;

/* Per object: the calls waiting on it and the select registrations. */
struct io_waitq {
	struct io_wait *calls; /* oldest first */
	struct io_selreg *sel;
	int waking, again; /* unixio_wake running; called again meanwhile */
};

struct io_open;

/*
 * What a kind of object does.  Every op is called with unixio_lock held
 * and answers 0, a Linux errno, or IO_WOULDBLOCK where said.  A NULL op
 * gives the answer Linux gives for objects that lack it.
 */
struct io_ops {
	/*
	 * Copy up to amount bytes at off (or at o->offset when off is
	 * IO_OFFSET_CURRENT) into buf; *got is how many.  IO_WOULDBLOCK if
	 * there is nothing yet and there will be.  Objects with read_done
	 * only look here and take the data in read_done(o, got) once the
	 * reader has it; others take it (and move the offset) here.
	 */
	int (*read)(struct io_open *o, int64_t off, char *buf, size_t amount, size_t *got);
	void (*read_done)(struct io_open *o, size_t got);
	/*
	 * Write len bytes at off (IO_OFFSET_CURRENT: the offset, or the end
	 * with O_APPEND); *done is how many went in (all, for a regular
	 * file).  IO_WOULDBLOCK if none could go in now.  Atomic objects
	 * (pipes) take a write of up to IO_PIPE_BUF all at once or not at all.
	 */
	int (*write)(struct io_open *o, int64_t off, const char *buf, size_t len, size_t *done);
	int (*stat)(struct io_open *o, struct io_stat *st);
	/* The IO_POLL* events that hold now. */
	int (*poll)(struct io_open *o);
	/* Where this open's waiting calls and registrations go. */
	struct io_waitq *(*waitq)(struct io_open *o);
	int (*ioctl)(struct io_open *o, int request, const char *in, size_t inlen, char *out, size_t *outlen);
	/*
	 * io_tty_ioctl: an ioctl from the process whose proc port is proc
	 * (flags: TTY_CALLER_*); NULL: answered as io_ioctl (ioctl).  The
	 * layer releases proc's right after an answer of 0.
	 */
	int (*tty_ioctl)(struct io_open *o, mach_port_t proc, int request, int flags, const char *in, size_t inlen,
			 char *out, size_t *outlen);
	int (*truncate)(struct io_open *o, int64_t length);
	int (*set_times)(struct io_open *o, const struct io_times *times);
	int (*chmod)(struct io_open *o, uint32_t mode);
	int (*chown)(struct io_open *o, uint32_t uid, uint32_t gid);
	int (*sync)(struct io_open *o, int datasync);
	/* Memory objects for mmap (io_map): send rights to hand out. */
	int (*map)(struct io_open *o, mach_port_t *rdobj, mach_port_t *wrobj);
	/* fstatfs (st comes zeroed, with a block size and name length). */
	int (*statfs)(struct io_open *o, struct io_statfs *st);
	/* sync/syncfs: every file system of the service. */
	int (*syncfs)(struct io_open *o);
	/*
	 * io_open_wait: 0 if the description may be used, IO_WOULDBLOCK
	 * while its open must wait (a FIFO end whose other side has not
	 * opened); NULL: never waits.
	 */
	int (*open_wait)(struct io_open *o);
	/* A new description shares o->obj (io_restrict_auth); NULL: refused. */
	void (*dup)(struct io_open *o);
	/* The description is gone (no senders left): drop o->obj's use. */
	void (*close)(struct io_open *o);
	/* Whether io_seek moves the offset (files, directories) or is ESPIPE. */
	int seekable;
	/*
	 * The service's own lock (see Locking above), or NULL.  Held with
	 * unixio_lock around every message to a port of these ops, so its
	 * ops may drop unixio_lock while they wait for a device.
	 */
	cthread_mutex_t *lock;
	/*
	 * Where the ports of these ops go: a port set of the service's own,
	 * served by its own threads (so the common ones never wait for its
	 * lock), or NULL or a null port: the common set.
	 */
	mach_port_t *port_set;
};

/* One open file description: one port. */
struct io_open {
	mach_port_t port; /* receive right; send rights have the same name */
	const struct io_ops *ops;
	void *obj;  /* the service's object */
	void *root; /* the VFS: the root this port resolves from */
	int64_t offset;
	int flags; /* open modes: O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH */
	struct io_cred cred;
	struct io_open *hash_next;
	int pins;    /* unixio_pin */
	int closing; /* no senders came while pinned */
};

/* Set up: ports this layer makes join port_set. */
kern_return_t unixio_init(mach_port_t port_set);
extern cthread_mutex_t unixio_lock;

/*
 * A new open file description with its port (in the port set, with a
 * no-senders request); NULL when out of memory or ports.  The caller
 * hands out the port with MACH_MSG_TYPE_MAKE_SEND.
 */
struct io_open *unixio_open_new(const struct io_ops *ops, void *obj, int flags, const struct io_cred *cred);
/* Put a receive right of a service (not a description) in the port set. */
kern_return_t unixio_join(mach_port_t port);
/* The time of day (host_get_time); nsec may be NULL. */
void unixio_now(uint32_t *sec, uint32_t *nsec);
/* The description a port name of ours is, or NULL. */
struct io_open *unixio_lookup(mach_port_t name);
/*
 * Destroy a description whose port was never handed out (a failed
 * open): its close op is not called.
 */
void unixio_open_discard(struct io_open *o);

/*
 * Close every description of ops now, as if its last send right had
 * gone (the port dies; holders get EBADF): the VFS's at shutdown, so
 * that every file system can be unmounted.
 */
void unixio_revoke(const struct io_ops *ops);

/*
 * Something changed on the object of q: retry the waiting calls (in
 * order, answering those that complete) and wake the select
 * registrations whose events now hold.  The layer calls it itself after
 * every read and write that moved data; a service calls it when its
 * object changes otherwise (input arrived, a pipe end closed).  Safe to
 * call from inside an op.
 */
void unixio_wake(struct io_waitq *q);

/*
 * Keep o alive across an op that lets go of unixio_lock for a while (the
 * VFS waiting for the kernel to give back mapped pages): a close that
 * comes meanwhile waits for the last unixio_unpin.
 */
void unixio_pin(struct io_open *o);
void unixio_unpin(struct io_open *o);

/* Whether o may be read / written (access mode, not O_PATH). */
int unixio_readable(const struct io_open *o);
int unixio_writable(const struct io_open *o);

/* The credentials of the first ports a server hands out (uid 0). */
extern const struct io_cred unixio_root_cred;

/*
 * The demux a server's loop calls for every message: io.defs, fs.defs,
 * pipe.defs and the no-senders notifications of the ports made here.
 * Takes unixio_lock.  FALSE (MIG_BAD_ID in out) for anything else.
 */
boolean_t unixio_demux(mach_msg_header_t *in, mach_msg_header_t *out);
/* A request buffer large enough for every message unixio_demux takes. */
#define UNIXIO_MSG_MAX (2 * IO_PATH_MAX + 4096)

/*
 * Extra demux functions (fs.defs, pipe.defs) that services register so
 * that unixio_demux tries them too; called with unixio_lock held.
 */
void unixio_add_demux(boolean_t (*demux)(mach_msg_header_t *, mach_msg_header_t *));

#endif /* _UNIX_SERVER_UNIXIO_H_ */
