/*
 * The file-descriptor table: each fd is a send right to an open file
 * (io.defs), shared with dup and fork, plus FD_CLOEXEC.  The calls that
 * only move data go straight to the file's service.
 */
#include <string.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <servers/io.h>
#include <servers/fs.h>
#include <servers/pipe.h>
#include <servers/io_types.h>
#include <servers/proc.h>
#include <servers/tty_types.h>
#include "emul.h"

#define IO_CHUNK 8192 /* bytes per io_read/io_write round */
#define IOV_MAX 1024
#define O_NONBLOCK_ 04000

/*
 * Linux ioctl numbers and the sizes they read (in) and write (out);
 * IOCTL_BY_VALUE: the argument is the int itself, not a pointer.
 */
#define IOCTL_BY_VALUE 0xffffffffu
static const struct {
	uint32_t req, in, out;
} ioctls[] = {
    {TTY_TCGETS, 0, 36},
    {TTY_TCSETS, 36, 0},
    {TTY_TCSETSW, 36, 0},
    {TTY_TCSETSF, 36, 0},
    {TTY_TCXONC, IOCTL_BY_VALUE, 0},
    {TTY_TCFLSH, IOCTL_BY_VALUE, 0},
    {TTY_TIOCSCTTY, IOCTL_BY_VALUE, 0},
    {TTY_TIOCGPGRP, 0, 4},
    {TTY_TIOCSPGRP, 4, 0},
    {TTY_TIOCGWINSZ, 0, 8},
    {TTY_TIOCSWINSZ, 8, 0},
    {TTY_FIONREAD, 0, 4},
    {TTY_TIOCNOTTY, 0, 0},
    {TTY_TIOCGSID, 0, 4},
    {TTY_TIOCGPTN, 0, 4},
    {TTY_TIOCSPTLCK, 4, 0},
    {TTY_TIOCGPTLCK, 0, 4},
};

static int fd_ok(int fd)
{
	return fd >= 0 && fd < EMUL_FD_MAX && emul.fd[fd].port != MACH_PORT_NULL;
}

/* RLIMIT_NOFILE: fds at or above it cannot be made (EMFILE), nor named
 * by dup2 (EBADF) or F_DUPFD (EINVAL); those open stay. */
static int fd_limit(void)
{
	uint64_t n = emul_rlimit(PROC_RLIMIT_NOFILE);
	return n < EMUL_FD_MAX ? (int)n : EMUL_FD_MAX;
}

/* The lowest free fd from min below limit gets port. */
static int fd_alloc_below(mach_port_t port, int flags, int min, int limit)
{
	if (!MACH_PORT_VALID(port))
		return -LINUX_EBADF;
	for (int fd = min < 0 ? 0 : min; fd < limit; fd++) {
		if (emul.fd[fd].port == MACH_PORT_NULL) {
			emul.fd[fd].port = port;
			emul.fd[fd].flags = flags;
			emul.fd[fd].not_tty = 0;
			emul.fd[fd].ids = emul.ids;
			return fd;
		}
	}
	return -LINUX_EMFILE;
}

int emul_fd_alloc(mach_port_t port, int flags, int min)
{
	return fd_alloc_below(port, flags, min, fd_limit());
}

int emul_fd_free(void)
{
	for (int fd = 0, limit = fd_limit(); fd < limit; fd++)
		if (emul.fd[fd].port == MACH_PORT_NULL)
			return 0;
	return -LINUX_EMFILE;
}

int emul_fd_place(mach_port_t port, int fd)
{
	return fd_alloc_below(port, 0, fd, EMUL_FD_MAX);
}

void emul_fd_inherited(int fd)
{
	if (fd >= 0 && fd < EMUL_FD_MAX)
		emul.fd[fd].ids = EMUL_IDS_UNKNOWN;
}

int emul_fd_current(int fd)
{
	return emul.fd[fd].ids == emul.ids;
}

/*
 * A terminal request on our behalf (io_tty_ioctl: our proc port says
 * who asks; the flags what only we know: a TIOCNOTTY of ours, SIGTTOU
 * blocked or ignored).  *outlen: the room at out, then what came.
 */
int emul_tty_caller(void)
{
	return (emul.tty_detached ? TTY_CALLER_DETACHED : 0) |
	       (emul_signal_blocked_or_ignored(SIGTTOU) ? TTY_CALLER_TTOU_OK : 0);
}

static int tty_port_request(mach_port_t port, int req, const void *in, size_t inlen, void *out,
			    mach_msg_type_number_t *outlen)
{
	mach_msg_type_number_t none = 0;

	return emul_errno(io_tty_ioctl(port, emul.proc, req, emul_tty_caller(), (char *)in, inlen, out,
				       outlen != NULL ? outlen : &none));
}

static int tty_request(int fd, int req, const void *in, size_t inlen, void *out, mach_msg_type_number_t *outlen)
{
	return tty_port_request(emul.fd[fd].port, req, in, inlen, out, outlen);
}

/*
 * vhangup(2): root's only (EPERM otherwise, as without
 * CAP_SYS_TTY_CONFIG); the controlling terminal, reached as /dev/tty,
 * is hung up; without one there is nothing to do.
 */
int sys_vhangup(void)
{
	mach_msg_type_name_t type;
	mach_port_t tty;
	int r, is_tty;

	if (sys_cred(NR_geteuid32, 0, 0, 0) != 0)
		return -LINUX_EPERM;
	if (emul_errno(fs_open(emul.root, "/dev/tty", IO_O_RDWR | IO_O_NOCTTY, 0, emul.proc, emul_tty_caller(), &tty,
			       &type, &is_tty)) < 0)
		return 0;
	r = tty_port_request(tty, TTY_VHANGUP, NULL, 0, NULL, NULL);
	mach_port_deallocate(mach_task_self(), tty);
	return r;
}

/*
 * The terminal answered TTY_EBACKGROUND: we are in a background group of
 * the session it controls, and job control's sig (SIGTTIN to read,
 * SIGTTOU to write with TOSTOP or change it) is due, by Linux's rules.
 * sig blocked or ignored: a read answers EIO (a change went ahead
 * already: the terminal knew).  An orphaned group answers EIO (the proc
 * service knows).  Otherwise sig goes to the group, and the call is run
 * again once it has been acted on (a stop and SIGCONT, or a handler
 * with SA_RESTART), as Linux's -ERESTARTSYS.
 */
static int tty_background(int sig)
{
	int r;

	if (emul_signal_blocked_or_ignored(sig))
		return sig == SIGTTIN ? -LINUX_EIO : -LINUX_ERESTART;
	if ((r = emul_errno(proc_tty_background(emul.proc, sig))) < 0)
		return r;
	emul_post_self(sig);
	return emul.act[sig].handler == SIG_DFL ? -LINUX_ERESTART : emul_interrupted();
}

/*
 * Job control before reading fd (sig SIGTTIN) or writing it (SIGTTOU): 0
 * to go ahead, or the call's answer.  A file that is no terminal
 * answers ENOTTY once and is not asked again (callers test not_tty
 * first).
 */
static int tty_job_control(int fd, int sig)
{
	int r = tty_request(fd, sig == SIGTTIN ? TTY_JC_READ : TTY_JC_WRITE, NULL, 0, NULL, NULL);

	if (r == -LINUX_ENOTTY)
		emul.fd[fd].not_tty = 1;
	return r == -TTY_EBACKGROUND ? tty_background(sig) : 0;
}

/* A tag for the waiting calls (docs/unix.md): pid << 12 | thread. */
int io_tag(void)
{
	return emul.pid << 12;
}

/*
 * The wait of an io_read or io_write on fd begins (emul_wait_begin): its
 * tag.  A signal that came before the signal thread could know where we
 * wait makes it IO_TAG_NOWAIT: the call does what it can without
 * waiting (Linux's do, with a signal pending) and answers EINTR where
 * it would have waited.  It answered EINTR at once before, so that a
 * SIGCHLD arriving just then lost a write that had room (busybox sh's
 * printf after a child's end).
 */
static int io_wait_tag(int fd)
{
	return io_tag() | (emul_wait_begin(EMUL_WAIT_IO, emul.fd[fd].port) < 0 ? IO_TAG_NOWAIT : 0);
}

/*
 * One io_read of at most count bytes (at most IO_CHUNK) from fd into
 * *data (our chunk, or memory the server sent out of line, which the
 * caller deallocates): how many came, or -errno.  What read and readv
 * share.
 */
static inline __attribute__((always_inline)) int read_once(int fd, uint32_t count, char **data, char *chunk)
{
	int r;

	*data = chunk;
	mach_msg_type_number_t n = IO_CHUNK;
	r = emul_errno(io_read(emul.fd[fd].port, io_wait_tag(fd), IO_OFFSET_CURRENT, (int)count, data, &n));
	emul_wait_end();
	if (r == -LINUX_EINTR)
		return emul_interrupted();
	if (r < 0)
		return r;
	return n > count ? (int)count : (int)n;
}

/* The buffer of read's and readv's io_read (the library serves one
 * Linux thread). */
static char read_chunk[IO_CHUNK];

int sys_read(int fd, uint32_t buf, uint32_t count)
{
	char *data;
	int r, n;

	if (!fd_ok(fd))
		return -LINUX_EBADF;
	if ((int32_t)count < 0)
		return -LINUX_EINVAL;
	/* As Linux's access_ok: a buffer beyond the program's part of the
	 * address space is EFAULT before anything is read. */
	if (count > EMUL_BASE || buf > EMUL_BASE - count)
		return -LINUX_EFAULT;
	if (!emul.fd[fd].not_tty && (r = tty_job_control(fd, SIGTTIN)) != 0)
		return r;
	if (count > IO_CHUNK)
		count = IO_CHUNK;
	/* What is read is gone from a pipe or terminal: a buffer that would
	 * fault is EFAULT before, as Linux's (which leaves the data). */
	if ((r = emul_writable(buf, count)) < 0)
		return r;
	if ((n = read_once(fd, count, &data, read_chunk)) < 0)
		return n;
	r = n > 0 ? emul_copyout(buf, data, n) : 0;
	if (data != read_chunk)
		vm_deallocate(mach_task_self(), (vm_offset_t)data, n);
	return r < 0 ? r : n;
}

/*
 * readv: one read (as read's: at most IO_CHUNK, what is there) spread
 * over the buffers in order, so that it never waits once something came.
 * The vector is checked whole first, as Linux's: EINVAL for a bad count
 * or a length that is negative as a ssize_t, EFAULT for a buffer past
 * the program's part of the address space (and, as read's, for one of
 * the bytes to be read that would fault); a total past 2^31 - 4096 is
 * cut there (MAX_RW_COUNT).
 */
#define MAX_RW_COUNT (0x7fffffffu & ~(uint32_t)(PAGE - 1))
int sys_readv(int fd, uint32_t uiov, int iovcnt)
{
	static uint32_t iov[IOV_MAX][2];
	uint32_t total = 0, want;
	char *data;
	int r, n;

	if (!fd_ok(fd))
		return -LINUX_EBADF;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -LINUX_EINVAL;
	if ((r = emul_copyin(iov, uiov, (size_t)iovcnt * sizeof(iov[0]))) < 0)
		return r;
	for (int i = 0; i < iovcnt; i++) {
		if ((int32_t)iov[i][1] < 0)
			return -LINUX_EINVAL;
		if (iov[i][1] > EMUL_BASE || iov[i][0] > EMUL_BASE - iov[i][1])
			return -LINUX_EFAULT;
		if (iov[i][1] > MAX_RW_COUNT - total)
			iov[i][1] = MAX_RW_COUNT - total;
		total += iov[i][1];
	}
	want = total > IO_CHUNK ? IO_CHUNK : total;
	for (uint32_t i = 0, left = want; left > 0; i++) {
		uint32_t part = iov[i][1] < left ? iov[i][1] : left;
		if (part > 0 && (r = emul_writable(iov[i][0], part)) < 0)
			return r;
		left -= part;
	}
	if (!emul.fd[fd].not_tty && (r = tty_job_control(fd, SIGTTIN)) != 0)
		return r;
	if ((n = read_once(fd, want, &data, read_chunk)) < 0)
		return n;
	r = 0;
	for (uint32_t i = 0, done = 0; done < (uint32_t)n && r == 0; i++) {
		uint32_t part = iov[i][1] < n - done ? iov[i][1] : n - done;
		if (part > 0)
			r = emul_copyout(iov[i][0], data + done, part);
		done += part;
	}
	if (data != read_chunk)
		vm_deallocate(mach_task_self(), (vm_offset_t)data, n);
	return r < 0 ? r : n;
}

/*
 * Write count bytes from the program's buf to fd at off (IO_OFFSET_CURRENT:
 * at the file's offset), IO_CHUNK at a time; what write, writev and
 * pwrite64 share.  The wait is interruptible; EPIPE raises SIGPIPE.
 * Returns what went in, or the error if nothing did.
 */
int emul_write_chunks(int fd, uint32_t buf, uint32_t count, int64_t off)
{
	static char chunk[IO_CHUNK];
	uint32_t done = 0;
	int r0 = emul_fsize_check(emul.fd[fd].port, off, &count, 0);

	if (r0 < 0)
		return r0;

	while (done < count) {
		uint32_t n = count - done > IO_CHUNK ? IO_CHUNK : count - done;
		int amount = 0, r;
		if ((r = emul_copyin(chunk, buf + done, n)) < 0)
			return done > 0 ? (int)done : r;
		r = emul_errno(io_write(emul.fd[fd].port, io_wait_tag(fd), off == IO_OFFSET_CURRENT ? off : off + done,
					chunk, n, &amount));
		emul_wait_end();
		if (r == -LINUX_EPIPE) {
			emul_post_self(SIGPIPE);
			return done > 0 ? (int)done : r;
		}
		if (r == -LINUX_EINTR)
			return done > 0 ? (int)done : emul_interrupted();
		if (r < 0)
			return done > 0 ? (int)done : r;
		done += amount;
		if ((uint32_t)amount < n)
			break;
	}
	return (int)done;
}

int sys_write(int fd, uint32_t buf, uint32_t count)
{
	if (!fd_ok(fd))
		return -LINUX_EBADF;
	if ((int32_t)count < 0)
		return -LINUX_EINVAL;
	int jc = emul.fd[fd].not_tty ? 0 : tty_job_control(fd, SIGTTOU);
	if (jc != 0)
		return jc;
	return emul_write_chunks(fd, buf, count, IO_OFFSET_CURRENT);
}

int sys_writev(int fd, uint32_t iov, int iovcnt)
{
	int total = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -LINUX_EINVAL;
	for (int i = 0; i < iovcnt; i++) {
		uint32_t v[2];
		int r = emul_copyin(v, iov + i * sizeof(v), sizeof(v));
		if (r == 0 && v[1] > 0)
			r = sys_write(fd, v[0], v[1]);
		if (r < 0)
			return total > 0 ? total : r;
		total += r;
		if ((uint32_t)r < v[1])
			break;
	}
	return total;
}

int sys_close(int fd)
{
	if (!fd_ok(fd))
		return -LINUX_EBADF;
	/* Any close of a file lets our record locks on it go (POSIX). */
	if (emul.lock_owner != MACH_PORT_NULL)
		io_lock_release(emul.fd[fd].port, emul.lock_owner);
	mach_port_deallocate(mach_task_self(), emul.fd[fd].port);
	emul.fd[fd].port = MACH_PORT_NULL;
	emul.fd[fd].flags = 0;
	return 0;
}

static int fd_dup(int fd, int min, int flags)
{
	if (!fd_ok(fd))
		return -LINUX_EBADF;
	if (min < 0 || min >= fd_limit())
		return -LINUX_EINVAL;
	mach_port_t port = emul.fd[fd].port;
	if (mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_SEND, 1) != KERN_SUCCESS)
		return -LINUX_EBADF;
	int r = emul_fd_alloc(port, flags, min);
	if (r < 0) {
		mach_port_deallocate(mach_task_self(), port);
	} else {
		emul.fd[r].ids = emul.fd[fd].ids;
		emul.fd[r].not_tty = emul.fd[fd].not_tty; /* the same file */
	}
	return r;
}

int sys_dup(int fd)
{
	return fd_dup(fd, 0, 0);
}

int sys_dup2(int fd, int fd2)
{
	if (!fd_ok(fd))
		return -LINUX_EBADF;
	if (fd2 < 0 || fd2 >= fd_limit())
		return -LINUX_EBADF;
	if (fd == fd2)
		return fd2;
	if (fd_ok(fd2))
		sys_close(fd2);
	return fd_dup(fd, fd2, 0);
}

/* struct flock and struct flock64 as i386 programs give them. */
struct linux_flock {
	int16_t l_type, l_whence;
	int32_t l_start, l_len, l_pid;
};
struct linux_flock64 {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
} __attribute__((packed));

/* The port whose receive right says it is us who hold a record lock. */
static int lock_owner(mach_port_t *owner)
{
	if (emul.lock_owner == MACH_PORT_NULL) {
		mach_port_t p;
		if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p) != KERN_SUCCESS)
			return -LINUX_ENOLCK;
		if (mach_port_insert_right(mach_task_self(), p, p, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS) {
			mach_port_mod_refs(mach_task_self(), p, MACH_PORT_RIGHT_RECEIVE, -1);
			return -LINUX_ENOLCK;
		}
		emul.lock_owner = p;
	}
	*owner = emul.lock_owner;
	return 0;
}

/*
 * F_GETLK, F_SETLK, F_SETLKW (and their 64-bit forms): POSIX record
 * locks, the file service's (io_lock), owned by this task's lock_owner
 * port: its death lets them go, and sys_close lets those of the file
 * go.  A signal ends F_SETLKW's wait (EINTR, or again with SA_RESTART).
 */
static int record_lock(int fd, int op, uint32_t arg, int is64)
{
	struct io_lock lk;
	mach_port_t owner;
	int r;

	if (is64) {
		struct linux_flock64 f;
		if ((r = emul_copyin(&f, arg, sizeof(f))) < 0)
			return r;
		lk = (struct io_lock){f.l_type, f.l_whence, f.l_start, f.l_len, f.l_pid};
	} else {
		struct linux_flock f;
		if ((r = emul_copyin(&f, arg, sizeof(f))) < 0)
			return r;
		lk = (struct io_lock){f.l_type, f.l_whence, f.l_start, f.l_len, f.l_pid};
	}
	if ((r = lock_owner(&owner)) < 0)
		return r;
	int tag = op == IO_LOCK_WAIT ? io_wait_tag(fd) : io_tag();
	r = emul_errno(io_lock(emul.fd[fd].port, tag, owner, emul.pid, op, &lk));
	if (op == IO_LOCK_WAIT)
		emul_wait_end();
	if (r == -LINUX_EINTR)
		return emul_interrupted();
	if (r < 0 || op != IO_LOCK_GET)
		return r;
	if (is64) {
		struct linux_flock64 f = {(int16_t)lk.l_type, (int16_t)lk.l_whence, lk.l_start, lk.l_len, lk.l_pid};
		return emul_copyout(arg, &f, sizeof(f));
	}
	if (lk.l_start > INT32_MAX || lk.l_len > INT32_MAX || lk.l_start < INT32_MIN || lk.l_len < INT32_MIN)
		return -LINUX_EOVERFLOW;
	struct linux_flock f = {(int16_t)lk.l_type, (int16_t)lk.l_whence, (int32_t)lk.l_start, (int32_t)lk.l_len,
				lk.l_pid};
	return emul_copyout(arg, &f, sizeof(f));
}

int sys_fcntl64(int fd, int cmd, uint32_t arg)
{
	int flags;

	if (!fd_ok(fd))
		return -LINUX_EBADF;
	switch (cmd) {
	case F_DUPFD:
		return fd_dup(fd, (int)arg, 0);
	case F_DUPFD_CLOEXEC:
		return fd_dup(fd, (int)arg, FD_CLOEXEC);
	case F_GETFD:
		return emul.fd[fd].flags;
	case F_SETFD:
		emul.fd[fd].flags = arg & FD_CLOEXEC;
		return 0;
	case F_GETFL: {
		int r = emul_errno(io_get_openmodes(emul.fd[fd].port, &flags));
		return r < 0 ? r : flags;
	}
	case F_SETFL:
		return emul_errno(io_set_openmodes(emul.fd[fd].port, (int)arg));
	case F_GETLK:
	case F_GETLK64:
		return record_lock(fd, IO_LOCK_GET, arg, cmd == F_GETLK64);
	case F_SETLK:
	case F_SETLK64:
		return record_lock(fd, IO_LOCK_SET, arg, cmd == F_SETLK64);
	case F_SETLKW:
	case F_SETLKW64:
		return record_lock(fd, IO_LOCK_WAIT, arg, cmd == F_SETLKW64);
	default:
		return -LINUX_EINVAL;
	}
}

/*
 * The lock is the service's, held by the description (io_flock): dup
 * and fork share it, the last close lets it go.  A signal ends a wait
 * with EINTR, or SA_RESTART asks again.  The op first, as Linux.
 */
int sys_flock(int fd, int op)
{
	int cmd = op & ~IO_LOCK_NB, r;

	if (cmd != IO_LOCK_SH && cmd != IO_LOCK_EX && cmd != IO_LOCK_UN)
		return -LINUX_EINVAL;
	if (!fd_ok(fd))
		return -LINUX_EBADF;
	r = emul_errno(io_flock(emul.fd[fd].port, io_wait_tag(fd), op));
	emul_wait_end();
	return r == -LINUX_EINTR ? emul_interrupted() : r;
}

int sys_ioctl(int fd, uint32_t req, uint32_t arg)
{
	char in[IO_IOCTL_MAX], outbuf[IO_IOCTL_MAX];
	size_t inlen;
	unsigned i;
	int r;

	if (!fd_ok(fd))
		return -LINUX_EBADF;
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]) && ioctls[i].req != req; i++)
		;
	if (i == sizeof(ioctls) / sizeof(ioctls[0]))
		return -LINUX_ENOTTY;
	inlen = ioctls[i].in;
	if (inlen == IOCTL_BY_VALUE) {
		int32_t v = (int32_t)arg;
		memcpy(in, &v, sizeof(v));
		inlen = sizeof(v);
	} else if (inlen > 0 && (r = emul_copyin(in, arg, inlen)) < 0) {
		return r;
	}
	mach_msg_type_number_t n = sizeof(outbuf);
	r = tty_request(fd, (int)req, in, inlen, outbuf, &n);
	if (r == -TTY_EBACKGROUND) {
		r = tty_background(SIGTTOU);
		/* Linux: TIOCSPGRP from an orphaned background group is ENOTTY. */
		return r == -LINUX_EIO && req == TTY_TIOCSPGRP ? -LINUX_ENOTTY : r;
	}
	if (r < 0)
		return r;
	if (req == TTY_TIOCSCTTY) {
		emul.tty_detached = 0;
	} else if (req == TTY_TIOCNOTTY) {
		/* Given up by a process that does not lead its session: by it alone. */
		int pid, ppid, pgrp, sid;
		if (emul_errno(proc_getids(emul.proc, &pid, &ppid, &pgrp, &sid)) == 0 && pid != sid)
			emul.tty_detached = 1;
	}
	if (ioctls[i].out)
		return emul_copyout(arg, outbuf, n < ioctls[i].out ? n : ioctls[i].out);
	return 0;
}

int sys_pipe2(uint32_t ufds, int flags)
{
	mach_port_t rd, wr;
	mach_msg_type_name_t type;
	int fds[2], r;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK_))
		return -LINUX_EINVAL;
	if (!MACH_PORT_VALID(emul.pipes))
		return -LINUX_ENFILE;
	if ((r = emul_errno(pipe_create(emul.pipes, flags & O_NONBLOCK_, &rd, &type, &wr, &type))) < 0)
		return r;
	int fdflags = (flags & O_CLOEXEC) ? FD_CLOEXEC : 0;
	fds[0] = emul_fd_alloc(rd, fdflags, 0);
	fds[1] = fds[0] < 0 ? fds[0] : emul_fd_alloc(wr, fdflags, 0);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			sys_close(fds[0]);
		else
			mach_port_deallocate(mach_task_self(), rd);
		mach_port_deallocate(mach_task_self(), wr);
		return fds[1];
	}
	if ((r = emul_copyout(ufds, fds, sizeof(fds))) < 0) {
		sys_close(fds[0]);
		sys_close(fds[1]);
		return r;
	}
	return 0;
}

/* execve: descriptors marked FD_CLOEXEC close. */
void emul_fd_exec(void)
{
	for (int fd = 0; fd < EMUL_FD_MAX; fd++)
		if (emul.fd[fd].port != MACH_PORT_NULL && (emul.fd[fd].flags & FD_CLOEXEC))
			sys_close(fd);
}
