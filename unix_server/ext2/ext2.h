/*
 * ext2: a library that serves an ext2 file system (revision 1, 1 to 4 KiB
 * blocks) on a block device.  The file service's VFS mounts it as one
 * file-system type; host tests link it with the file backend.  See README.
 *
 * - Every call returns 0 or a positive Linux errno (LINUX_E* of
 *   <servers/linux_errno.h>; newlib's differ): EUCLEAN when the file system's
 *   structures are damaged where the call looked, EIO when the device
 *   fails, ENOSPC, ENOENT... as Linux.  Damage never crashes the library
 *   and never makes it touch a block outside the file system.
 * - Objects are nodes (in-memory inodes), counted: ext2_iget, ext2_lookup
 *   and the calls that create a file hand out a reference the caller
 *   gives back with ext2_iput.  An unlinked file lives on, data and all,
 *   until its last reference goes (an open file of UNIX).
 * - One thread at a time per file system: the caller (the VFS) holds
 *   its mount's lock around every call.  Different file systems are
 *   independent.
 * - Permissions are the caller's business: the library checks only what
 *   the file system itself requires (types, emptiness, link limits).
 */
#ifndef _EXT2_H_
#define _EXT2_H_

#include <stddef.h>
#include <stdint.h>

#include <servers/linux_errno.h>

/*
 * The block device under a file system: byte offsets from the start of
 * the partition, lengths in whole 512-byte sectors.  size is the
 * partition's size in bytes; the library never asks beyond it (nor
 * beyond the file system's own size).  ext2_dev_file.c and
 * ext2_dev_mach.c are the two backends.
 */
struct ext2_dev {
	uint64_t size;
	int (*read)(struct ext2_dev *dev, uint64_t offset, void *buf, size_t len);
	int (*write)(struct ext2_dev *dev, uint64_t offset, const void *buf, size_t len);
	int (*flush)(struct ext2_dev *dev); /* may be NULL: writes are durable */
};
#define EXT2_DEV_SECTOR 512

/* Host backend: a file, a partition of it from offset for size bytes
 * (size 0: to the end of the file).  ext2_dev_file_close frees it. */
int ext2_dev_file_open(const char *path, uint64_t offset, uint64_t size, struct ext2_dev **devp);
void ext2_dev_file_close(struct ext2_dev *dev);

/* Guest backend: a Mach device (an opened port from device_open, such
 * as "hd0s1"), through device.defs. */
#ifdef EXT2_DEV_MACH
#include <mach/port.h>
int ext2_dev_mach_open(mach_port_t device_master, const char *name, int readonly, struct ext2_dev **devp);
void ext2_dev_mach_close(struct ext2_dev *dev);
#endif

struct ext2_fs;
struct ext2_node;

/* ext2_mount flags */
#define EXT2_MOUNT_RDONLY 0x1
#define EXT2_MOUNT_NOATIME 0x2 /* reads leave atime alone (else relatime) */

struct ext2_mount_opts {
	unsigned flags;
	size_t cache_bytes;	    /* buffer cache size; 0: EXT2_CACHE_DEFAULT */
	uint32_t (*now)(void);	    /* seconds since 1970, for timestamps */
};
#define EXT2_CACHE_DEFAULT (4u << 20)

/*
 * Mount: checks the superblock and group descriptors (EUCLEAN if they do
 * not describe a sane file system inside the device, EINVAL if it is not
 * ext2 or uses a feature this library cannot write), marks the file
 * system in use on disk (s_state not clean, mount count and time).
 * Unmount writes everything back and marks it clean (unless damage was
 * seen); EBUSY while nodes are referenced.  On an error the file system
 * is still unmounted and freed.
 */
int ext2_mount(struct ext2_dev *dev, const struct ext2_mount_opts *opts, struct ext2_fs **fsp);
int ext2_unmount(struct ext2_fs *fs);
/* Writes every dirty buffer (sync(2)). */
int ext2_sync(struct ext2_fs *fs);

struct ext2_statfs {
	uint32_t block_size;
	uint64_t blocks, blocks_free, blocks_avail; /* avail: free less root's reserve */
	uint64_t inodes, inodes_free;
	uint32_t name_max;
};
void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *st);
/* 1 once damage was seen (the file system will be marked so on disk). */
int ext2_damaged(struct ext2_fs *fs);

/* Nodes */
int ext2_root(struct ext2_fs *fs, struct ext2_node **np);
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_node **np);
void ext2_iref(struct ext2_node *n);
void ext2_iput(struct ext2_node *n);

/*
 * One word of the caller's per node (the VFS keeps its vnode there):
 * lookups of a referenced inode give the same node, so the caller finds
 * its own object again.  NULL on a node just read.
 */
void *ext2_node_private(struct ext2_node *n);
void ext2_node_set_private(struct ext2_node *n, void *p);

struct ext2_attr {
	uint32_t ino;
	uint32_t mode; /* type and permission bits (Linux S_IF*) */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	uint32_t rdev;	 /* device nodes: Linux's old encoding (major << 8 | minor) */
	uint32_t atime, mtime, ctime;
	uint32_t blksize;
};
void ext2_getattr(struct ext2_node *n, struct ext2_attr *a);

/* ext2_setattr: which fields of *a to set (ctime becomes now unless set). */
#define EXT2_SET_MODE 0x01 /* permission bits only */
#define EXT2_SET_UID 0x02
#define EXT2_SET_GID 0x04
#define EXT2_SET_SIZE 0x08 /* regular files: truncate or extend */
#define EXT2_SET_ATIME 0x10
#define EXT2_SET_MTIME 0x20
#define EXT2_SET_CTIME 0x40 /* a->ctime instead of now */
int ext2_setattr(struct ext2_node *n, const struct ext2_attr *a, unsigned mask);

/* Data of regular files (and of directories and symlinks for reads). */
int ext2_read(struct ext2_node *n, uint64_t offset, void *buf, size_t len, size_t *done);
/* A write that runs out of space stops with *done short and ENOSPC only
 * if nothing at all was written. */
int ext2_write(struct ext2_node *n, uint64_t offset, const void *buf, size_t len, size_t *done);
int ext2_truncate(struct ext2_node *n, uint64_t size);
/* Writes n's data and inode and the allocation maps (fsync; fdatasync
 * too: the inode is one block). */
int ext2_fsync(struct ext2_node *n);

/* Names: one component (no '/', not empty, at most 255 bytes). */
int ext2_lookup(struct ext2_node *dir, const char *name, size_t len, struct ext2_node **np);
/* A regular file, FIFO, socket or device node (mode gives the type;
 * rdev for device nodes).  EEXIST if the name is taken. */
int ext2_create(struct ext2_node *dir, const char *name, size_t len, uint32_t mode, uint32_t uid, uint32_t gid,
		uint32_t rdev, struct ext2_node **np);
int ext2_mkdir(struct ext2_node *dir, const char *name, size_t len, uint32_t mode, uint32_t uid, uint32_t gid,
	       struct ext2_node **np);
int ext2_symlink(struct ext2_node *dir, const char *name, size_t len, const char *target, size_t tlen,
		 uint32_t uid, uint32_t gid, struct ext2_node **np);
/* The target into buf (at most bufsize bytes, not NUL-terminated);
 * *len its whole length.  EINVAL if n is not a symlink. */
int ext2_readlink(struct ext2_node *n, char *buf, size_t bufsize, size_t *len);
/* A new name for n (not a directory: EPERM). */
int ext2_link(struct ext2_node *dir, const char *name, size_t len, struct ext2_node *n);
/* Removes a name of a non-directory (EISDIR for a directory). */
int ext2_unlink(struct ext2_node *dir, const char *name, size_t len);
/* Removes an empty directory (ENOTEMPTY, ENOTDIR; EINVAL for "." and
 * EBUSY for ".." are the caller's to catch before). */
int ext2_rmdir(struct ext2_node *dir, const char *name, size_t len);
#define EXT2_RENAME_NOREPLACE 0x1
/* rename(2): replaces an existing target of a compatible type (a
 * directory only by an empty directory); EINVAL when moving a directory
 * under itself; renaming a name onto another name of the same file does
 * nothing.  "." and ".." are the caller's to refuse. */
int ext2_rename(struct ext2_node *olddir, const char *oldname, size_t oldlen, struct ext2_node *newdir,
		const char *newname, size_t newlen, unsigned flags);

/*
 * Directory listing from *cookie (0: the start; the entries' positions
 * in the directory, stable while the directory is not compacted): fn is
 * called for each entry ("." and ".." included) with the cookie of the
 * entry after it; a non-zero return from fn stops the listing before
 * that entry (it is given again next time).  *cookie moves past the
 * entries taken.
 */
typedef int (*ext2_filldir_t)(void *arg, const char *name, size_t len, uint32_t ino, unsigned dtype,
			      uint64_t next_cookie);
int ext2_readdir(struct ext2_node *dir, uint64_t *cookie, ext2_filldir_t fn, void *arg);
/* Whether directory dir holds nothing but "." and ".." (ENOTDIR). */
int ext2_isempty(struct ext2_node *dir, int *empty);

#endif /* _EXT2_H_ */
