/*
 * The VFS: file systems as vnodes behind vnode_ops, a mount table, path
 * resolution (.., symlinks, ELOOP, mount points), fs.defs, and io.defs
 * for open files and directories through the open-file layer
 * (unix_server/io/unixio.h).  A file system (ramfs now, ext2 in part 2)
 * implements vnode_ops; the VFS does every check Linux does before it
 * calls one, so an op only does what it says.
 *
 * Everything runs under vfs_lock and unixio_lock (the open-file
 * layer's demux takes both for a message to a VFS port: io_ops.lock).
 * A file system that waits for its disk (ext2) lets go of unixio_lock
 * meanwhile, never of vfs_lock: pipes and the terminal go on, the VFS's
 * state stays as it was.
 */
#ifndef _UNIX_SERVER_VFS_H_
#define _UNIX_SERVER_VFS_H_

#include <stddef.h>
#include <stdint.h>
#include "../io/unixio.h"

struct vnode;
struct vfs_mount;
struct vfs_pager;

/* Held around every VFS request, before unixio_lock (see above). */
extern cthread_mutex_t vfs_lock;
/*
 * The port set VFS ports go in, if a server sets it (before vfs_init)
 * and serves it with threads of its own (unixio_demux): then the
 * server's other threads never wait for vfs_lock while the disk works.
 * Null: the open-file layer's common set.
 */
extern mach_port_t vfs_port_set;

/* readdir's callback: one entry; non-zero stops (no room). */
typedef int (*vfs_filldir_t)(void *arg, const char *name, size_t len, uint64_t ino, unsigned type,
			     uint64_t next_cookie);

/*
 * What a file system does.  Names are not NUL-terminated (name, len);
 * they are never "", "." or "..", except lookup's "..".  Answers are 0
 * or a Linux errno.
 */
struct vnode_ops {
	/* The vnode named name in dir, with a reference; ENOENT. */
	int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
	/*
	 * A new node named name in dir (which has no such name): mode has the
	 * type bits (S_IFREG, S_IFDIR, S_IFLNK with target, S_IFCHR with rdev),
	 * owned by uid/gid.  *out gets it with a reference.
	 */
	int (*create)(struct vnode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
		      const char *target, uint32_t uid, uint32_t gid, struct vnode **out);
	/* Another name for vn (not a directory) in dir. */
	int (*link)(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
	/* Remove the name of vn (a directory only when empty). */
	int (*unlink)(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
	/*
	 * Move odir/oname (vn) to ndir/nname, replacing what is there (target,
	 * or NULL): the VFS checked the types and emptiness.
	 */
	int (*rename)(struct vnode *odir, const char *oname, size_t olen, struct vnode *vn, struct vnode *ndir,
		      const char *nname, size_t nlen, struct vnode *target);
	int (*read)(struct vnode *vn, uint64_t off, char *buf, size_t len, size_t *got);
	/* *done bytes went in: all, or fewer with the error that stopped the
	 * rest (ENOSPC), which the VFS reports only if *done is 0. */
	int (*write)(struct vnode *vn, uint64_t off, const char *buf, size_t len, size_t *done);
	int (*truncate)(struct vnode *vn, uint64_t size);
	/* Entries from *cookie on ("." and ".." included); *cookie moves past
	 * those given to fill. */
	int (*readdir)(struct vnode *dir, uint64_t *cookie, vfs_filldir_t fill, void *arg);
	/* The whole target of a symlink, NUL-terminated, into buf (size). */
	int (*readlink)(struct vnode *vn, char *buf, size_t size);
	/* 0 if a directory has no entries but . and .., else ENOTEMPTY (or
	 * the error that kept it from knowing: EUCLEAN, EIO). */
	int (*isempty)(struct vnode *dir);
	/* Attributes in struct vnode changed (ext2 writes its inode). */
	int (*setattr)(struct vnode *vn);
	/* The last reference went: free the vnode if it has no name left. */
	void (*inactive)(struct vnode *vn);
	/* Reads are not bounded by size: read says where the end is (files
	 * made when read, such as /proc's, whose size is 0 as on Linux). */
	int unsized;
	/* fsync/fdatasync; NULL: nothing to write back. */
	int (*fsync)(struct vnode *vn, int datasync);
	/* st_blocks (512-byte units); NULL: the size rounded up. */
	uint64_t (*blocks)(struct vnode *vn);
};

/* What a file system does as a whole; any may be NULL (RAM: nothing to do). */
struct vfs_fs_ops {
	int (*sync)(struct vfs_mount *m);
	/* statfs: st comes zeroed with a block size and name length. */
	void (*statfs)(struct vfs_mount *m, struct io_statfs *st);
	/* Everything written back, the file system left clean and freed;
	 * called once no vnode of it but the root is referenced. */
	int (*unmount)(struct vfs_mount *m);
};

struct vfs_time {
	uint32_t sec;
	uint32_t nsec;
};

struct vnode {
	const struct vnode_ops *ops;
	struct vfs_mount *mount;   /* the file system it is in */
	struct vfs_mount *mounted; /* a file system mounted on it */
	uint32_t refs;
	uint32_t mode; /* type and permission bits (IO_S_*) */
	uint32_t nlink;
	uint32_t uid;
	uint32_t gid;
	uint64_t ino;
	uint64_t size;
	uint64_t rdev; /* devices: Linux's encoding (major << 8 | minor, small numbers) */
	struct vfs_time atime, mtime, ctime;
	struct vfs_pager *pager; /* its memory object while mapped (vfs_pager.c), or NULL */
};

struct vfs_mount {
	struct vnode *root;
	struct vnode *covered; /* the directory it is mounted on; NULL for / */
	uint64_t dev;	       /* st_dev of its files */
	const char *type;      /* the file system's (/proc/mounts): "ramfs"... */
	const char *source;    /* what is mounted (/proc/mounts' first field); NULL: type */
	const struct vfs_fs_ops *ops;
	struct vfs_mount *next; /* the mount table, in mount order */
};

#define VFS_ISDIR(vn) (((vn)->mode & IO_S_IFMT) == IO_S_IFDIR)
#define VFS_ISREG(vn) (((vn)->mode & IO_S_IFMT) == IO_S_IFREG)
#define VFS_ISLNK(vn) (((vn)->mode & IO_S_IFMT) == IO_S_IFLNK)
#define VFS_ISCHR(vn) (((vn)->mode & IO_S_IFMT) == IO_S_IFCHR)
#define VFS_ISFIFO(vn) (((vn)->mode & IO_S_IFMT) == IO_S_IFIFO)

/* Linux's device numbers (new_encode_dev for major, minor < 256). */
#define VFS_MKDEV(major, minor) (((uint64_t) (major) << 8) | (minor))

void vfs_ref(struct vnode *vn);
void vfs_rele(struct vnode *vn);
/* Stamp times (IO_UTIME-like: which of a/m/c) with now. */
#define VFS_ATIME 1
#define VFS_MTIME 2
#define VFS_CTIME 4
void vfs_touch(struct vnode *vn, int which);

/* Register fs.defs with the open-file layer (after unixio_init). */
kern_return_t vfs_init(void);
/* Mount m on directory dir (EBUSY if something is mounted there); dir
 * NULL: m is the root file system.  Either way m joins the mount table. */
int vfs_mount(struct vnode *dir, struct vfs_mount *m);
/* The mount table: the first mount (NULL if none), and the one after m. */
struct vfs_mount *vfs_mount_next(struct vfs_mount *m);
/* Where m is mounted, from the root file system's root, into path
 * (IO_PATH_MAX bytes): 0 or a Linux errno. */
int vfs_mount_path(struct vfs_mount *m, char *path);
/* sync(2): every mounted file system's; the first error. */
int vfs_sync_all(void);
/*
 * Shutdown: every open file of the VFS closed (their ports die), then
 * every file system unmounted, the last mounted first, each left clean;
 * the first error.  The VFS is empty after it.
 */
int vfs_unmount_all(void);
/*
 * A port for directory root opened O_PATH|O_DIRECTORY, resolving from
 * root itself, with identity cred: what a server hands a process as its
 * root and cwd.  MACH_PORT_NULL if out of memory.
 */
mach_port_t vfs_root_port(struct vnode *root, const struct io_cred *cred);

/*
 * Who opens a device through fs_open: the caller's proc port and
 * io_tty_ioctl's caller flags, for a terminal to act on (its controlling
 * terminal); the device sets tty when it is one (fs_open's answer).
 */
struct vfs_opener {
	mach_port_t proc;
	int caller;
	int tty;
	int wait; /* a FIFO end that must wait for its other side (FS_OPEN_WAIT) */
};

/*
 * Character devices: open(flags, cred, who) makes an open file of the
 * device and returns its port to hand out with *poly; who is NULL for an
 * fs_lookup (nobody's open).  Registered by the device's service (the
 * terminal for 5,0, 5,1, 5,2 and 136); /dev/null (1,3) and /dev/zero
 * (1,5) are the VFS's own.
 */
typedef int (*vfs_devopen_t)(void *arg, int flags, const struct io_cred *cred, struct vfs_opener *who,
			     mach_port_t *port, mach_msg_type_name_t *poly);
int vfs_register_device(uint64_t rdev, vfs_devopen_t open, void *arg);
/* Every device of a major number not registered alone: open gets the rdev as arg. */
int vfs_register_major(uint32_t major, vfs_devopen_t open);

/*
 * Named pipes (FIFOs): the pipe service gives their ends, registered by
 * the server that composes the services (unixpipe_fifo_open and
 * unixpipe_fifo_forget in the single server).  A FIFO is known by its
 * file's (st_dev, inode); open: flags O_ACCMODE | O_NONBLOCK, st the
 * file's stat, *wait whether the end must wait for its other side;
 * changed: the file's stat is st now (chmod, chown, times, links), what
 * fstat of its open ends says; forget: the file lost its last name.
 * Without them FIFOs open ENXIO.
 */
struct vfs_fifo_ops {
	int (*open)(uint64_t dev, uint64_t ino, int flags, const struct io_cred *cred, const struct io_stat *st,
		    mach_port_t *port, mach_msg_type_name_t *poly, int *wait);
	void (*changed)(uint64_t dev, uint64_t ino, const struct io_stat *st);
	void (*forget)(uint64_t dev, uint64_t ino);
};
void vfs_register_fifo(const struct vfs_fifo_ops *ops);

/*
 * In-server helpers (the cpio loader, the single server's set-up): path
 * resolved from root; create what is missing.  0 or a Linux errno.
 */
/* The node path names (symlinks followed), referenced. */
int vfs_lookup_path(struct vnode *root, const char *path, struct vnode **out);
int vfs_mkdir_path(struct vnode *root, const char *path, uint32_t mode, uint32_t uid, uint32_t gid);
int vfs_create_path(struct vnode *root, const char *path, uint32_t mode, uint64_t rdev, const char *target,
		    uint32_t uid, uint32_t gid, struct vnode **out);
int vfs_link_vnode(struct vnode *root, struct vnode *vn, const char *newpath);
/* Make /dev and its nodes null, zero, tty, console, ptmx where missing. */
int vfs_populate_dev(struct vnode *root);

/*
 * The VFS as the pager of its files' memory objects (vfs_pager.c,
 * docs/unix.md "The file service as pager").  One memory object per
 * mapped regular file, served by threads of its own (never the request
 * threads); pages are read and written back through vnode_ops.
 */
/* Start the pager threads (vfs_init calls it). */
kern_return_t vfs_pager_init(void);
/* io_map of a regular file. */
int vfs_pager_map(struct io_open *o, mach_port_t *rdobj, mach_port_t *wrobj);
/*
 * Before the VFS reads or changes vn's data: the pages mapped programs
 * wrote come back into the file.  Lets go of unixio_lock while the
 * kernel returns them (o, vn's open file or NULL, is pinned meanwhile);
 * tries: how often to clean again if a page is written meanwhile.
 */
void vfs_pager_clean(struct io_open *o, struct vnode *vn, int tries);
/* sync: the same for every mapped file, before the file systems write. */
void vfs_pager_clean_all(void);
/* After the VFS changed vn's data from off on (len bytes; 0: to the
 * end): the kernel's copies of those pages go. */
void vfs_pager_flush(struct vnode *vn, uint64_t off, uint64_t len);
/* How many file objects live (each holds its vnode); takes the locks. */
unsigned vfs_pager_live(void);
/* Each live one on the console: what keeps it (a shutdown that waited
 * for them in vain says so). */
void vfs_pager_report(void);

#endif /* _UNIX_SERVER_VFS_H_ */
