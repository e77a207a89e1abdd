/*
 * C types and constants of the UNIX I/O interfaces (io.defs, fs.defs,
 * pipe.defs, io_notify.defs).  Numbers and layouts are Linux i386's, so
 * the emulation library passes them through unchanged: the services
 * speak Linux to the library, the library speaks Linux to programs.
 * See docs/unix.md, "The file interfaces".
 */
#ifndef _SERVERS_IO_TYPES_H_
#define _SERVERS_IO_TYPES_H_

#include <stdint.h>
#include <mach/port.h>

/*
 * struct stat64 of Linux i386, byte for byte (96 bytes, 4-byte aligned
 * 64-bit fields): io_stat and fs_stat fill it, the library copies it to
 * the program.  __st_ino carries the low 32 bits of st_ino, as Linux.
 */
struct io_stat {
	uint64_t st_dev;
	uint32_t __pad0;
	uint32_t __st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint32_t __pad3;
	int64_t st_size;
	uint32_t st_blksize;
	uint64_t st_blocks; /* 512-byte units */
	uint32_t st_atime_sec;
	uint32_t st_atime_nsec;
	uint32_t st_mtime_sec;
	uint32_t st_mtime_nsec;
	uint32_t st_ctime_sec;
	uint32_t st_ctime_nsec;
	uint64_t st_ino;
} __attribute__((packed, aligned(4)));
typedef struct io_stat io_stat_t;
_Static_assert(sizeof(struct io_stat) == 96, "io_stat is Linux i386's struct stat64");

/* io_statfs: Linux i386's struct statfs64 (sizes in f_bsize units). */
struct io_statfs {
	uint32_t f_type; /* IO_*_MAGIC */
	uint32_t f_bsize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	uint32_t f_fsid[2];
	uint32_t f_namelen;
	uint32_t f_frsize;
	uint32_t f_flags;
	uint32_t f_spare[4];
} __attribute__((packed, aligned(4)));
typedef struct io_statfs io_statfs_t;
_Static_assert(sizeof(struct io_statfs) == 84, "io_statfs is Linux i386's struct statfs64");
#define IO_EXT2_SUPER_MAGIC 0xef53
#define IO_RAMFS_MAGIC 0x858458f6

/* io_set_times: atime then mtime, {seconds, nanoseconds} each. */
struct io_times {
	uint32_t atime_sec;
	uint32_t atime_nsec;
	uint32_t mtime_sec;
	uint32_t mtime_nsec;
};
typedef struct io_times io_times_t;
/* In a nanoseconds field: take the current time / leave it as it is. */
#define IO_UTIME_NOW ((1u << 30) - 1)
#define IO_UTIME_OMIT ((1u << 30) - 2)

/* io_reauth: a full identity, as the proc service keeps it (fsuid and
 * fsgid: Linux's file-system ids, the effective ones but after
 * setfsuid/setfsgid). */
struct io_ids {
	uint32_t ruid, euid, suid;
	uint32_t rgid, egid, sgid;
	uint32_t fsuid, fsgid;
};
typedef struct io_ids io_ids_t;

typedef char *io_data_t;
typedef int *io_groups_t;
typedef char *io_ioctl_data_t;
typedef char *fs_path_t;
typedef mach_port_t io_t;

/* Limits (Linux's). */
#define IO_PATH_MAX 4096 /* with the NUL: a path of 4096 characters is too long */
#define IO_NAME_MAX 255  /* one path component */
#define IO_PIPE_BUF 4096 /* pipe writes up to this size are atomic */
#define IO_IOCTL_MAX 128 /* bytes of ioctl argument either way */
#define IO_SYMLOOP_MAX 40 /* symlinks followed in one lookup before ELOOP */
/* Position argument of io_read/io_write: use (and advance) the file offset. */
#define IO_OFFSET_CURRENT ((int64_t) -1)
/* In io_read's and io_write's tag: do what can be done now, but answer
 * EINTR (or, for a write, what went in) instead of waiting.  A client
 * with a signal to take before it could ask for an interruption sends
 * it, so that a call that need not wait still completes, as Linux's do
 * with a signal pending. */
#define IO_TAG_NOWAIT 1
/* io_read: at most this many bytes per call (EINVAL above). */
#define IO_READ_MAX (1024 * 1024)

/* Open flags (Linux i386 O_*): fs_lookup's flags, io_get/set_openmodes. */
#define IO_O_ACCMODE 00000003
#define IO_O_RDONLY 00000000
#define IO_O_WRONLY 00000001
#define IO_O_RDWR 00000002
#define IO_O_CREAT 00000100
#define IO_O_EXCL 00000200
#define IO_O_NOCTTY 00000400
#define IO_O_TRUNC 00001000
#define IO_O_APPEND 00002000
#define IO_O_NONBLOCK 00004000
#define IO_O_DIRECTORY 00200000
#define IO_O_NOFOLLOW 00400000
#define IO_O_CLOEXEC 02000000 /* the library's business; services ignore it */
#define IO_O_PATH 010000000
/* Whether open modes let a description be written (not O_PATH). */
#define IO_O_WRITABLE(flags) \
	(!((flags) & IO_O_PATH) && \
	 (((flags) & IO_O_ACCMODE) == IO_O_WRONLY || ((flags) & IO_O_ACCMODE) == IO_O_RDWR))
/* Opened to be executed (Linux's internal __FMODE_EXEC, no user flag):
 * a regular file, read-only, judged by execute permission instead of
 * read permission, so that a program of mode 0711 runs.  The emulation
 * library sets it only for execve and takes it out of open's flags. */
#define IO_O_EXEC 00000040
/* The service's own mark (never in a request: EINVAL) on an IO_O_EXEC
 * open by an identity that may not read the file: such a port reads
 * and maps nothing (EACCES), whoever holds it; only io_reauth through a
 * port of effective uid 0 (the authority of proc_exec_setid's new task)
 * gives a port of it that can.  Answers of io_get_openmodes leave it
 * out. */
#define IO_O_EXEC_ONLY 010000000000
/* What io_set_openmodes may change. */
#define IO_O_SETTABLE (IO_O_APPEND | IO_O_NONBLOCK)

/* io_flock's op (Linux's LOCK_*). */
#define IO_LOCK_SH 1
#define IO_LOCK_EX 2
#define IO_LOCK_NB 4
#define IO_LOCK_UN 8

/*
 * io_lock: fcntl's POSIX record locks, as Linux's struct flock64 with
 * ints for its shorts: l_type F_RDLCK 0, F_WRLCK 1, F_UNLCK 2; l_whence
 * SEEK_SET, SEEK_CUR (the description's offset), SEEK_END (the file's
 * size); l_len 0: to the end of any file, negative: the bytes before
 * l_start.  F_GETLK answers the first lock in the way (l_whence
 * SEEK_SET, l_pid its owner's) or only l_type F_UNLCK.
 */
struct io_lock {
	int32_t l_type;
	int32_t l_whence;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
} __attribute__((packed));
typedef struct io_lock io_lock_t;
/* io_seek's and io_lock's whence (Linux's SEEK_*). */
#define IO_SEEK_SET 0
#define IO_SEEK_CUR 1
#define IO_SEEK_END 2
#define IO_F_RDLCK 0
#define IO_F_WRLCK 1
#define IO_F_UNLCK 2
/* io_lock's cmd: F_GETLK, F_SETLK, F_SETLKW. */
#define IO_LOCK_GET 0
#define IO_LOCK_SET 1
#define IO_LOCK_WAIT 2

/* fs_open's answer besides the file (bits of its out `tty`). */
#define FS_OPEN_TTY 1  /* a terminal: job control applies to its reads and writes */
#define FS_OPEN_WAIT 2 /* a FIFO end whose other side is not open yet: io_open_wait before use */

/* fs_stat / fs_link / fs_access flags (Linux AT_*). */
#define IO_AT_SYMLINK_NOFOLLOW 0x100
#define IO_AT_EACCESS 0x200
#define IO_AT_SYMLINK_FOLLOW 0x400
#define IO_AT_EMPTY_PATH 0x1000

/* io_select events (Linux poll bits). */
#define IO_POLLIN 0x0001
#define IO_POLLPRI 0x0002
#define IO_POLLOUT 0x0004
#define IO_POLLERR 0x0008
#define IO_POLLHUP 0x0010
#define IO_POLLNVAL 0x0020
/* Reported whether asked for or not. */
#define IO_POLL_ALWAYS (IO_POLLERR | IO_POLLHUP | IO_POLLNVAL)

/* File types and mode bits (Linux S_*). */
#define IO_S_IFMT 0170000
#define IO_S_IFSOCK 0140000
#define IO_S_IFLNK 0120000
#define IO_S_IFREG 0100000
#define IO_S_IFBLK 0060000
#define IO_S_IFDIR 0040000
#define IO_S_IFCHR 0020000
#define IO_S_IFIFO 0010000
#define IO_S_PERM 07777
#define IO_S_ISUID 04000
#define IO_S_ISGID 02000
#define IO_S_ISVTX 01000

/* getdents64 d_type values (Linux DT_*). */
#define IO_DT_UNKNOWN 0
#define IO_DT_FIFO 1
#define IO_DT_CHR 2
#define IO_DT_DIR 4
#define IO_DT_REG 8
#define IO_DT_LNK 10

/*
 * fs_getdents64 returns Linux's struct linux_dirent64 records back to
 * back: d_ino (8), d_off (8: the cookie to seek to for the next record),
 * d_reclen (2), d_type (1), the name with its NUL, padded to 8 bytes.
 */
#define IO_DIRENT64_HEADER 19

#endif /* _SERVERS_IO_TYPES_H_ */
