/*
 * Calls on names and directories: open, stat, getdents, links, cwd, and
 * the rest of fs.defs; absolute paths go to the root port, relative ones
 * to the cwd's or the dirfd's (docs/unix.md).  Identity and permissions
 * are the ports' business; the library only picks the port.
 */
#include <stdio.h>
#include <string.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <servers/fs.h>
#include <servers/io.h>
#include <servers/io_types.h>
#include "emul.h"

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000
#define O_ACCMODE_ 3
#define O_WRONLY_ 1
#define O_CREAT_ 0100
#define O_TRUNC_ 01000
#define O_DIRECTORY_ 0200000
#define O_NOCTTY_ 0400
#define O_NONBLOCK_ 04000
#define O_PATH_ 010000000
#define UMASK_BITS 0777
#define X_OK_ 1
#define SEEK_END_ 2
#define PROC_SELF "/proc/self"

static char path_buf[IO_PATH_MAX + 1], path_buf2[IO_PATH_MAX + 1];
static int path_was_self; /* resolve found "/proc/self" itself (made /proc/PID), or "self" in /proc */

/* The program's path into buf: its length, or -EFAULT / -ENAMETOOLONG. */
static int get_path(char *buf, uint32_t upath)
{
	int n = emul_copyin_str(buf, upath, IO_PATH_MAX + 1);
	if (n == -LINUX_ENAMETOOLONG)
		return -LINUX_ENAMETOOLONG;
	return n;
}

/* The directory port a path is looked up from. */
static int dir_port(int dirfd, const char *path, mach_port_t *dir)
{
	if (path[0] == '/')
		*dir = emul.root;
	else if (dirfd == AT_FDCWD)
		*dir = emul.cwd;
	else if (dirfd >= 0 && dirfd < EMUL_FD_MAX && emul.fd[dirfd].port != MACH_PORT_NULL)
		*dir = emul.fd[dirfd].port;
	else
		return -LINUX_EBADF;
	return MACH_PORT_VALID(*dir) ? 0 : -LINUX_ENOENT;
}

/* Whether path begins with self, up to a slash or its end. */
static int begins_with(const char *path, const char *self)
{
	size_t n = strlen(self);

	return strncmp(path, self, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* path begins with self: that part becomes dir and our pid.  0: it does
 * not; 2: it was all of path. */
static int self_to_pid(char *path, size_t size, const char *self, const char *dir)
{
	static char rest[IO_PATH_MAX + 1];
	size_t n = strlen(self);

	if (!begins_with(path, self))
		return 0;
	int whole = path[n] == '\0';
	snprintf(rest, sizeof(rest), "%s", path + n);
	if ((size_t)snprintf(path, size, "%s%d%s", dir, emul.pid, rest) >= size)
		return -LINUX_ENAMETOOLONG;
	return whole ? 2 : 1;
}

int emul_proc_self(char *path, size_t size)
{
	return self_to_pid(path, size, PROC_SELF, "/proc/");
}

/* "self" relative to /proc itself (cd /proc; cat self/stat) names us
 * too: when the directory is what the root says /proc is, it becomes our
 * pid (two questions to the file service, only for such paths). */
static int proc_self_relative(int dirfd, char *path, size_t size)
{
	mach_port_t dir;
	io_stat_t d, p;

	if (!begins_with(path, "self") || dir_port(dirfd, path, &dir) < 0 || io_stat(dir, &d) != 0 ||
	    fs_stat(emul.root, "/proc", 0, &p) != 0 || d.st_dev != p.st_dev || d.st_ino != p.st_ino)
		return 0;
	return self_to_pid(path, size, "self", "");
}

/* Both steps above; *path in path_buf (/proc/self made /proc/PID). */
static int resolve(int dirfd, uint32_t upath, mach_port_t *dir, int empty_ok)
{
	int n = get_path(path_buf, upath);
	if (n < 0)
		return n;
	int self = emul_proc_self(path_buf, sizeof(path_buf));
	if (self == 0)
		self = proc_self_relative(dirfd, path_buf, sizeof(path_buf));
	if (self < 0)
		return self;
	path_was_self = self == 2;
	if (n == 0 && !empty_ok)
		return -LINUX_ENOENT;
	if (n == 0)
		return dirfd == AT_FDCWD ? (*dir = emul.cwd, 0) : dir_port(dirfd, "x", dir);
	return dir_port(dirfd, path_buf, dir);
}

/*
 * fd's port acting as who we are now.  A port carries the ids it was
 * made with: one made before a change of ours (or before this image) is
 * re-authenticated with the process's ids (emul_port_as_caller) into
 * *owned, a new right to release after the call; otherwise *owned is
 * MACH_PORT_NULL and *port fd's own, and nothing was asked.
 */
static int fd_port_now(int fd, mach_port_t *port, mach_port_t *owned)
{
	*owned = MACH_PORT_NULL;
	*port = emul.fd[fd].port;
	if (emul_fd_current(fd))
		return 0;
	int r = emul_port_as_caller(*port, owned);
	if (r < 0)
		return r;
	if (*owned == *port) /* not the root's service's file: as it is */
		*owned = MACH_PORT_NULL;
	else
		*port = *owned;
	return 0;
}

/*
 * resolve for every call on names: Linux judges a lookup from a
 * directory descriptor by who calls now, not by who opened it, so the
 * descriptor's port acts as us (fd_port_now; the root and cwd ports
 * follow every change of ids already).  *owned: a right to release
 * after the call, or MACH_PORT_NULL.
 */
static int resolve_as_caller(int dirfd, uint32_t upath, mach_port_t *dir, int empty_ok, mach_port_t *owned)
{
	int r = resolve(dirfd, upath, dir, empty_ok);

	*owned = MACH_PORT_NULL;
	if (r < 0 || dirfd == AT_FDCWD || path_buf[0] == '/')
		return r;
	return fd_port_now(dirfd, dir, owned);
}

static void release(mach_port_t owned)
{
	if (owned != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), owned);
}

static uint32_t umask_bits = 022;

int sys_umask(uint32_t mask)
{
	int old = (int)umask_bits;
	umask_bits = mask & UMASK_BITS;
	return old;
}

int sys_openat(int dirfd, uint32_t upath, int flags, int mode)
{
	mach_port_t dir, owned, file;
	mach_msg_type_name_t type;
	int tty;
	int r = resolve_as_caller(dirfd, upath, &dir, 0, &owned);

	if (r < 0)
		return r;
	/* No fd to give: EMFILE before the file is opened (or made), as Linux. */
	if ((r = emul_fd_free()) < 0) {
		release(owned);
		return r;
	}
	/* One RPC: a terminal learns who opens it (its controlling terminal) from the open itself. */
	r = emul_errno(fs_open(dir, path_buf, flags & ~(O_CLOEXEC | IO_O_EXEC), (int)((uint32_t)mode & ~umask_bits),
			       emul.proc, emul_tty_caller(), &file, &type, &tty));
	release(owned);
	if (r < 0)
		return r;
	/* A FIFO end waits for its other side; a signal gives up the open
	 * (our end closes) or, with SA_RESTART, makes it again. */
	if (tty & FS_OPEN_WAIT) {
		int nowait = emul_wait_begin(EMUL_WAIT_IO, file) < 0 ? IO_TAG_NOWAIT : 0;
		r = emul_errno(io_open_wait(file, io_tag() | nowait));
		emul_wait_end();
		if (r < 0) {
			mach_port_deallocate(mach_task_self(), file);
			return r == -LINUX_EINTR ? emul_interrupted() : r;
		}
	}
	r = emul_fd_alloc(file, (flags & O_CLOEXEC) ? FD_CLOEXEC : 0, 0);
	if (r < 0) {
		mach_port_deallocate(mach_task_self(), file);
		return r;
	}
	emul.fd[r].not_tty = !(tty & FS_OPEN_TTY);
	return r;
}

/* fstatat64 and statx: what path names (flags: AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH) as struct stat64. */
static int stat_at(int dirfd, uint32_t upath, int flags, io_stat_t *st)
{
	mach_port_t dir, owned;
	int r;

	if ((r = resolve_as_caller(dirfd, upath, &dir, (flags & AT_EMPTY_PATH) != 0, &owned)) < 0)
		return r;
	if (path_was_self && (flags & AT_SYMLINK_NOFOLLOW))
		strcpy(path_buf, PROC_SELF); /* lstat: the link itself */
	if (path_buf[0] == '\0') /* AT_EMPTY_PATH: dirfd's own file, of any type (glibc's fstat) */
		r = emul_errno(io_stat(dir, st));
	else
		r = emul_errno(fs_stat(dir, path_buf, flags, st));
	release(owned);
	return r;
}

int sys_fstatat64(int dirfd, uint32_t upath, uint32_t ust, int flags)
{
	io_stat_t st;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -LINUX_EINVAL;
	if ((r = stat_at(dirfd, upath, flags, &st)) < 0)
		return r;
	return emul_copyout(ust, &st, sizeof(st));
}

/* A device number as stat64 encodes it: its major and minor. */
static void dev_split(uint64_t dev, uint32_t *major, uint32_t *minor)
{
	*major = (uint32_t)(dev >> 8) & 0xfff;
	*minor = ((uint32_t)dev & 0xff) | ((uint32_t)(dev >> 12) & 0xfff00);
}

/*
 * statx(2), which glibc tries before fstatat64 for every stat: the
 * basic statistics (no birth time, no attributes).  Answering ENOSYS
 * would cost each stat a second call and leave errno ENOSYS behind a
 * stat that worked (busybox printf took that for an error).
 */
int sys_statx(int dirfd, uint32_t upath, int flags, uint32_t mask, uint32_t ubuf)
{
	io_stat_t st;
	struct linux_statx x;
	int r;

	if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) ||
	    (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX_RESERVED))
		return -LINUX_EINVAL;
	if ((r = stat_at(dirfd, upath, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &st)) < 0)
		return r;
	memset(&x, 0, sizeof(x));
	x.mask = STATX_BASIC_STATS;
	x.blksize = st.st_blksize;
	x.nlink = st.st_nlink;
	x.uid = st.st_uid;
	x.gid = st.st_gid;
	x.mode = (uint16_t)st.st_mode;
	x.ino = st.st_ino;
	x.size = (uint64_t)st.st_size;
	x.blocks = st.st_blocks;
	x.atime.tv_sec = st.st_atime_sec, x.atime.tv_nsec = st.st_atime_nsec;
	x.mtime.tv_sec = st.st_mtime_sec, x.mtime.tv_nsec = st.st_mtime_nsec;
	x.ctime.tv_sec = st.st_ctime_sec, x.ctime.tv_nsec = st.st_ctime_nsec;
	dev_split(st.st_rdev, &x.rdev_major, &x.rdev_minor);
	dev_split(st.st_dev, &x.dev_major, &x.dev_minor);
	return emul_copyout(ubuf, &x, sizeof(x));
}

int sys_fstat64(int fd, uint32_t ust)
{
	io_stat_t st;
	int r;

	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	if ((r = emul_errno(io_stat(emul.fd[fd].port, &st))) < 0)
		return r;
	return emul_copyout(ust, &st, sizeof(st));
}

int sys_getdents64(int fd, uint32_t ubuf, uint32_t count)
{
	char *data = NULL;
	mach_msg_type_number_t n = 0;
	int r;

	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	if ((int32_t)count < 0)
		return -LINUX_EINVAL;
	if ((r = emul_errno(fs_getdents64(emul.fd[fd].port, (int)count, &data, &n))) < 0)
		return r;
	if (n > count)
		n = count;
	r = emul_copyout(ubuf, data, n);
	if (data != NULL && n > 0)
		vm_deallocate(mach_task_self(), (vm_offset_t)data, n);
	return r < 0 ? r : (int)n;
}

int sys_llseek(int fd, uint32_t hi, uint32_t lo, uint32_t uresult, int whence)
{
	int64_t off = (int64_t)((uint64_t)hi << 32 | lo), result;
	int r;

	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	if (whence < 0 || whence > SEEK_END_)
		return -LINUX_EINVAL;
	if ((r = emul_errno(io_seek(emul.fd[fd].port, off, whence, &result))) < 0)
		return r;
	return emul_copyout(uresult, &result, sizeof(result));
}

int sys_lseek(int fd, int32_t off, int whence)
{
	int64_t result;
	int r;

	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	if (whence < 0 || whence > SEEK_END_)
		return -LINUX_EINVAL;
	if ((r = emul_errno(io_seek(emul.fd[fd].port, off, whence, &result))) < 0)
		return r;
	return result > INT32_MAX ? -LINUX_EOVERFLOW : (int)result;
}

/* pread64/pwrite64: at an offset, the file's own offset untouched. */
int sys_pread64(int fd, uint32_t ubuf, uint32_t count, uint32_t lo, uint32_t hi)
{
	int64_t off = (int64_t)((uint64_t)hi << 32 | lo);
	char inl[2048], *data = inl;
	mach_msg_type_number_t n = sizeof(inl);
	int r;

	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	if ((int32_t)count < 0 || off < 0)
		return -LINUX_EINVAL;
	if (count > IO_READ_MAX)
		count = IO_READ_MAX;
	r = emul_errno(io_read(emul.fd[fd].port, 0, off, (int)count, &data, &n));
	if (r == 0)
		r = emul_copyout(ubuf, data, n);
	if (data != inl)
		vm_deallocate(mach_task_self(), (vm_offset_t)data, n);
	return r < 0 ? r : (int)n;
}

int sys_pwrite64(int fd, uint32_t ubuf, uint32_t count, uint32_t lo, uint32_t hi)
{
	int64_t off = (int64_t)((uint64_t)hi << 32 | lo);

	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	if ((int32_t)count < 0 || off < 0)
		return -LINUX_EINVAL;
	return emul_write_chunks(fd, ubuf, count, off);
}

int sys_faccessat(int dirfd, uint32_t upath, int mode, int flags)
{
	mach_port_t dir, owned;
	int r = resolve_as_caller(dirfd, upath, &dir, 0, &owned);
	if (r < 0)
		return r;
	r = emul_errno(fs_access(dir, path_buf, mode, flags));
	release(owned);
	return r;
}

int sys_readlinkat(int dirfd, uint32_t upath, uint32_t ubuf, int bufsiz)
{
	static char target[IO_PATH_MAX + 1];
	mach_port_t dir, owned;
	int r;

	if (bufsiz <= 0)
		return -LINUX_EINVAL;
	/* /proc/self itself: only we know whom it names. */
	if ((r = resolve_as_caller(dirfd, upath, &dir, 0, &owned)) < 0)
		return r;
	if (path_was_self)
		snprintf(target, sizeof(target), "%d", emul.pid);
	else
		r = emul_errno(fs_readlink(dir, path_buf, target));
	release(owned);
	if (r < 0)
		return r;
	size_t n = strlen(target);
	if (n > (size_t)bufsiz)
		n = (size_t)bufsiz;
	r = emul_copyout(ubuf, target, n);
	return r < 0 ? r : (int)n;
}

int sys_mkdirat(int dirfd, uint32_t upath, int mode)
{
	mach_port_t dir, owned;
	int r = resolve_as_caller(dirfd, upath, &dir, 0, &owned);
	if (r < 0)
		return r;
	r = emul_errno(fs_mkdir(dir, path_buf, (int)((uint32_t)mode & ~umask_bits)));
	release(owned);
	return r;
}

int sys_mknodat(int dirfd, uint32_t upath, uint32_t mode, uint32_t dev)
{
	mach_port_t dir, owned;
	int r = resolve_as_caller(dirfd, upath, &dir, 0, &owned);
	if (r < 0)
		return r;
	r = emul_errno(fs_mknod(dir, path_buf, (int)(mode & ~umask_bits), (int)dev));
	release(owned);
	return r;
}

int sys_unlinkat(int dirfd, uint32_t upath, int flags)
{
	mach_port_t dir, owned;
	int r;

	if (flags & ~AT_REMOVEDIR)
		return -LINUX_EINVAL;
	if ((r = resolve_as_caller(dirfd, upath, &dir, 0, &owned)) < 0)
		return r;
	r = emul_errno((flags & AT_REMOVEDIR) ? fs_rmdir(dir, path_buf) : fs_unlink(dir, path_buf));
	release(owned);
	return r;
}

/* Two paths: the first in path_buf, the second in path_buf2; both
 * directories' ports act as us (owned[2]: rights to release). */
static int resolve2(int olddirfd, uint32_t oldpath, int newdirfd, uint32_t newpath, mach_port_t *olddir,
		    mach_port_t *newdir, mach_port_t owned[2])
{
	int r = get_path(path_buf2, newpath);

	owned[0] = owned[1] = MACH_PORT_NULL;
	if (r < 0)
		return r;
	if (r == 0)
		return -LINUX_ENOENT;
	if ((r = dir_port(newdirfd, path_buf2, newdir)) < 0)
		return r;
	if (newdirfd != AT_FDCWD && path_buf2[0] != '/' && (r = fd_port_now(newdirfd, newdir, &owned[1])) < 0)
		return r;
	if ((r = resolve_as_caller(olddirfd, oldpath, olddir, 0, &owned[0])) < 0)
		release(owned[1]);
	return r;
}

/* renameat2 and linkat: call (fs_rename or fs_link) on two paths. */
static int two_paths(kern_return_t (*call)(io_t, const char *, mach_port_t, const char *, int), int olddirfd,
		     uint32_t oldpath, int newdirfd, uint32_t newpath, int flags)
{
	mach_port_t a, b, owned[2];
	int r = resolve2(olddirfd, oldpath, newdirfd, newpath, &a, &b, owned);
	if (r < 0)
		return r;
	r = emul_errno(call(a, path_buf, b, path_buf2, flags));
	release(owned[0]);
	release(owned[1]);
	return r;
}

int sys_renameat2(int olddirfd, uint32_t oldpath, int newdirfd, uint32_t newpath, int flags)
{
	return two_paths(fs_rename, olddirfd, oldpath, newdirfd, newpath, flags);
}

int sys_linkat(int olddirfd, uint32_t oldpath, int newdirfd, uint32_t newpath, int flags)
{
	return two_paths(fs_link, olddirfd, oldpath, newdirfd, newpath, flags);
}

int sys_symlinkat(uint32_t utarget, int newdirfd, uint32_t newpath)
{
	mach_port_t dir, owned;
	int r = get_path(path_buf2, utarget);
	if (r < 0)
		return r;
	if ((r = resolve_as_caller(newdirfd, newpath, &dir, 0, &owned)) < 0)
		return r;
	r = emul_errno(fs_symlink(dir, path_buf, path_buf2));
	release(owned);
	return r;
}

/* The new cwd, if we may search it (Linux checks that; the service
 * checks it again on every lookup from there). */
static int set_cwd(mach_port_t dir)
{
	int r = emul_errno(fs_access(dir, ".", X_OK_, IO_AT_EACCESS));

	if (r < 0) {
		mach_port_deallocate(mach_task_self(), dir);
		return r;
	}
	if (MACH_PORT_VALID(emul.cwd))
		mach_port_deallocate(mach_task_self(), emul.cwd);
	emul.cwd = dir;
	return 0;
}

int sys_chdir(uint32_t upath)
{
	mach_port_t dir, file;
	mach_msg_type_name_t type;
	int r = resolve(AT_FDCWD, upath, &dir, 0);

	if (r < 0)
		return r;
	if ((r = emul_errno(fs_lookup(dir, path_buf, O_DIRECTORY_ | O_PATH_, 0, &file, &type))) < 0)
		return r;
	return set_cwd(file);
}

int sys_fchdir(int fd)
{
	mach_port_t dir, owned, file;
	mach_msg_type_name_t type;
	int r;

	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	/* The cwd acts as us, whoever opened fd. */
	if ((r = fd_port_now(fd, &dir, &owned)) < 0)
		return r;
	r = emul_errno(fs_lookup(dir, "", O_DIRECTORY_ | O_PATH_, 0, &file, &type));
	release(owned);
	return r < 0 ? r : set_cwd(file);
}

int sys_getcwd(uint32_t ubuf, uint32_t size)
{
	static char path[IO_PATH_MAX + 1];
	int r;

	if (!MACH_PORT_VALID(emul.cwd))
		return -LINUX_ENOENT;
	if ((r = emul_errno(fs_dir_path(emul.cwd, path))) < 0)
		return r;
	size_t n = strlen(path) + 1;
	if (n > size)
		return -LINUX_ERANGE;
	r = emul_copyout(ubuf, path, n);
	return r < 0 ? r : (int)n;
}

/* A file by name, O_PATH (no access needed), for the calls that change
 * its attributes through io.defs. */
static int open_path(int dirfd, uint32_t upath, int flags, mach_port_t *file)
{
	mach_port_t dir, owned;
	mach_msg_type_name_t type;
	int r = resolve_as_caller(dirfd, upath, &dir, (flags & AT_EMPTY_PATH) != 0, &owned);
	if (r < 0)
		return r;
	int lflags = O_PATH_ | ((flags & AT_SYMLINK_NOFOLLOW) ? 0400000 /* O_NOFOLLOW */ : 0);
	r = emul_errno(fs_lookup(dir, path_buf, lflags, 0, file, &type));
	release(owned);
	return r;
}

/* A port of fd's file judged by who we are now (fd_port_now), always
 * one to deallocate. */
static int fd_as_caller(int fd, mach_port_t *file)
{
	mach_port_t owned;

	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	int r = fd_port_now(fd, file, &owned);
	if (r == 0 && owned == MACH_PORT_NULL)
		mach_port_mod_refs(mach_task_self(), *file, MACH_PORT_RIGHT_SEND, 1);
	return r;
}

/* utimensat's work: t (IO_UTIME_NOW for "now") on the file named, or
 * on dirfd itself when there is no path (futimens). */
static int set_times(int dirfd, uint32_t upath, const io_times_t *t, int flags)
{
	mach_port_t file;
	int r;

	if (upath == 0) /* futimens */
		r = fd_as_caller(dirfd, &file);
	else
		r = open_path(dirfd, upath, flags, &file);
	if (r < 0)
		return r;
	r = emul_errno(io_set_times(file, *t));
	mach_port_deallocate(mach_task_self(), file);
	return r;
}

static const io_times_t times_now = {0, IO_UTIME_NOW, 0, IO_UTIME_NOW};

int sys_utimensat(int dirfd, uint32_t upath, uint32_t utimes, int flags)
{
	io_times_t t = times_now;
	int r;

	if (utimes != 0) {
		uint32_t ts[4];
		if ((r = emul_copyin(ts, utimes, sizeof(ts))) < 0)
			return r;
		t.atime_sec = ts[0], t.atime_nsec = ts[1], t.mtime_sec = ts[2], t.mtime_nsec = ts[3];
	}
	return set_times(dirfd, upath, &t, flags);
}

int sys_fchmodat(int dirfd, uint32_t upath, int mode)
{
	mach_port_t file;
	int r = open_path(dirfd, upath, 0, &file);
	if (r < 0)
		return r;
	r = emul_errno(io_chmod(file, mode));
	mach_port_deallocate(mach_task_self(), file);
	return r;
}

int sys_fchmod(int fd, int mode)
{
	mach_port_t file;
	int r = fd_as_caller(fd, &file);
	if (r < 0)
		return r;
	r = emul_errno(io_chmod(file, mode));
	mach_port_deallocate(mach_task_self(), file);
	return r;
}

/* The 16-bit calls' "keep" is 0xffff. */
static int owner_id(int id, int bits16)
{
	return bits16 ? ((id & 0xffff) == 0xffff ? -1 : id & 0xffff) : id;
}

int sys_fchownat(int dirfd, uint32_t upath, int uid, int gid, int flags, int bits16)
{
	mach_port_t file;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -LINUX_EINVAL;
	if ((r = open_path(dirfd, upath, flags, &file)) < 0)
		return r;
	r = emul_errno(io_chown(file, owner_id(uid, bits16), owner_id(gid, bits16)));
	mach_port_deallocate(mach_task_self(), file);
	return r;
}

int sys_fchown(int fd, int uid, int gid, int bits16)
{
	mach_port_t file;
	int r = fd_as_caller(fd, &file);
	if (r < 0)
		return r;
	r = emul_errno(io_chown(file, owner_id(uid, bits16), owner_id(gid, bits16)));
	mach_port_deallocate(mach_task_self(), file);
	return r;
}

/* utime (struct utimbuf: seconds) and utimes/futimesat (struct timeval[2]):
 * utimensat's times in other units; NULL is "now". */
int sys_utimes(int dirfd, uint32_t upath, uint32_t utimes, int timeval)
{
	io_times_t t = times_now;
	uint32_t v[4] = {0, 0, 0, 0};
	int r;

	if (upath == 0)
		return -LINUX_EFAULT;
	if (utimes != 0) {
		if ((r = emul_copyin(v, utimes, timeval ? sizeof(v) : 2 * sizeof(v[0]))) < 0)
			return r;
		if (!timeval)
			v[2] = v[1], v[1] = 0;
		if (v[1] >= 1000000 || v[3] >= 1000000)
			return -LINUX_EINVAL;
		t.atime_sec = v[0], t.atime_nsec = v[1] * 1000, t.mtime_sec = v[2], t.mtime_nsec = v[3] * 1000;
	}
	return set_times(dirfd, upath, &t, 0);
}

/* truncate: the file path names (symbolic links followed), a regular
 * file only (EISDIR, EINVAL: looked at before it is opened, as Linux's
 * do_sys_truncate does, so that no device's open runs), opened for
 * writing as the caller (EACCES, EROFS as that open answers). */
int sys_truncate64(uint32_t upath, uint32_t lo, uint32_t hi)
{
	int64_t length = (int64_t)((uint64_t)hi << 32 | lo);
	mach_port_t dir, owned, file;
	mach_msg_type_name_t type;
	io_stat_t st;
	int tty, r;

	if (length < 0)
		return -LINUX_EINVAL;
	if ((r = stat_at(AT_FDCWD, upath, 0, &st)) < 0)
		return r;
	if ((st.st_mode & IO_S_IFMT) == IO_S_IFDIR)
		return -LINUX_EISDIR;
	if ((st.st_mode & IO_S_IFMT) != IO_S_IFREG)
		return -LINUX_EINVAL;
	if ((r = resolve_as_caller(AT_FDCWD, upath, &dir, 0, &owned)) < 0)
		return r;
	r = emul_errno(fs_open(dir, path_buf, O_WRONLY_ | O_NOCTTY_ | O_NONBLOCK_, 0, emul.proc, emul_tty_caller(), &file,
			       &type, &tty));
	release(owned);
	if (r < 0)
		return r;
	r = emul_errno(io_stat(file, &st));
	if (r == 0 && (st.st_mode & IO_S_IFMT) != IO_S_IFREG)
		r = -LINUX_EINVAL;
	if (r == 0)
		r = emul_fsize_check(file, length, NULL, 1);
	if (r == 0)
		r = emul_errno(io_truncate(file, length));
	mach_port_deallocate(mach_task_self(), file);
	return r;
}

int sys_ftruncate64(int fd, uint32_t lo, uint32_t hi)
{
	int64_t length = (int64_t)((uint64_t)hi << 32 | lo);

	if (length < 0) /* before the fd, as Linux's do_sys_ftruncate */
		return -LINUX_EINVAL;
	if (fd < 0 || fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
		return -LINUX_EBADF;
	int r = emul_fsize_check(emul.fd[fd].port, length, NULL, 1);
	return r < 0 ? r : emul_errno(io_truncate(emul.fd[fd].port, length));
}

void emul_abs_path(const char *path, char *out, size_t size)
{
	static char cwd[IO_PATH_MAX + 1];

	if (path[0] == '/' || !MACH_PORT_VALID(emul.cwd) || fs_dir_path(emul.cwd, cwd) != 0) {
		snprintf(out, size, "%s", path);
		return;
	}
	snprintf(out, size, "%s%s%s", cwd, strcmp(cwd, "/") == 0 ? "" : "/", path);
}

static int fd_ok(int fd)
{
	return fd >= 0 && fd < EMUL_FD_MAX && emul.fd[fd].port != MACH_PORT_NULL;
}

int sys_fsync(int fd, int datasync)
{
	return fd_ok(fd) ? emul_errno(io_sync(emul.fd[fd].port, datasync)) : -LINUX_EBADF;
}

int sys_syncfs(int fd)
{
	if (fd == AT_FDCWD)
		return emul_errno(io_syncfs(emul.root));
	return fd_ok(fd) ? emul_errno(io_syncfs(emul.fd[fd].port)) : -LINUX_EBADF;
}

/* Linux i386's struct statfs, what statfs(2) and fstatfs(2) fill. */
struct linux_statfs32 {
	uint32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	uint32_t f_fsid[2];
	uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};

static int statfs_copyout(const io_statfs_t *st, uint32_t size, uint32_t ubuf)
{
	struct linux_statfs32 s;

	if (size != 0)
		return size == sizeof(*st) ? emul_copyout(ubuf, st, sizeof(*st)) : -LINUX_EINVAL;
	if ((st->f_blocks | st->f_bfree | st->f_bavail | st->f_files | st->f_ffree) >> 32)
		return -LINUX_EOVERFLOW;
	memset(&s, 0, sizeof(s));
	s.f_type = st->f_type;
	s.f_bsize = st->f_bsize;
	s.f_blocks = (uint32_t)st->f_blocks;
	s.f_bfree = (uint32_t)st->f_bfree;
	s.f_bavail = (uint32_t)st->f_bavail;
	s.f_files = (uint32_t)st->f_files;
	s.f_ffree = (uint32_t)st->f_ffree;
	s.f_fsid[0] = st->f_fsid[0];
	s.f_fsid[1] = st->f_fsid[1];
	s.f_namelen = st->f_namelen;
	s.f_frsize = st->f_frsize;
	s.f_flags = st->f_flags;
	return emul_copyout(ubuf, &s, sizeof(s));
}

int sys_fstatfs(int fd, uint32_t size, uint32_t ubuf)
{
	io_statfs_t st;
	int r;

	if (!fd_ok(fd))
		return -LINUX_EBADF;
	if ((r = emul_errno(io_statfs(emul.fd[fd].port, &st))) < 0)
		return r;
	return statfs_copyout(&st, size, ubuf);
}

int sys_statfs(uint32_t upath, uint32_t size, uint32_t ubuf)
{
	io_statfs_t st;
	mach_port_t file;
	int r = open_path(AT_FDCWD, upath, 0, &file);

	if (r < 0)
		return r;
	r = emul_errno(io_statfs(file, &st));
	mach_port_deallocate(mach_task_self(), file);
	return r < 0 ? r : statfs_copyout(&st, size, ubuf);
}
