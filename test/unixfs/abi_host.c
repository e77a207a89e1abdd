/*
 * Host test (built with gcc -m32 against glibc): the constants and
 * layouts of <servers/io_types.h> and <servers/linux_errno.h> are Linux
 * i386's, since the emulation library passes them to programs unchanged.
 * glibc's i386 headers are the reference.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <dirent.h>
#include <asm/termbits.h>
#include <asm/ioctls.h>
#include <sys/ioctl.h>
#include <signal.h>

#include <servers/io_types.h>
#include <servers/linux_errno.h>
#include <servers/tty_types.h>

static int test_count;
static int test_failed;

static void check(long long got, long long want, const char *what)
{
	test_count++;
	if (got == want) {
		printf("ok %d - %s\n", test_count, what);
	} else {
		test_failed++;
		printf("not ok %d - %s (got %lld, want %lld)\n", test_count, what, got, want);
	}
}

#define SAME(ours, theirs) check((long long) (ours), (long long) (theirs), #ours " == " #theirs)
#define FIELD(f) \
	check((long long) offsetof(struct io_stat, f), (long long) offsetof(struct stat64, f), \
	      "struct io_stat: " #f " at the offset of struct stat64's")

/* The kernel's record, as getdents64(2) documents it. */
struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

int main(void)
{
	SAME(sizeof(struct io_stat), sizeof(struct stat64));
	FIELD(st_dev);
	FIELD(__st_ino);
	FIELD(st_mode);
	FIELD(st_nlink);
	FIELD(st_uid);
	FIELD(st_gid);
	FIELD(st_rdev);
	FIELD(st_size);
	FIELD(st_blksize);
	FIELD(st_blocks);
	FIELD(st_ino);
	check(offsetof(struct io_stat, st_atime_sec), offsetof(struct stat64, st_atim),
	      "struct io_stat: atime at st_atim");
	check(offsetof(struct io_stat, st_mtime_sec), offsetof(struct stat64, st_mtim),
	      "struct io_stat: mtime at st_mtim");
	check(offsetof(struct io_stat, st_ctime_sec), offsetof(struct stat64, st_ctim),
	      "struct io_stat: ctime at st_ctim");
	SAME(IO_DIRENT64_HEADER, offsetof(struct linux_dirent64, d_name));

	SAME(IO_O_ACCMODE, O_ACCMODE);
	SAME(IO_O_WRONLY, O_WRONLY);
	SAME(IO_O_RDWR, O_RDWR);
	SAME(IO_O_CREAT, O_CREAT);
	SAME(IO_O_EXCL, O_EXCL);
	SAME(IO_O_NOCTTY, O_NOCTTY);
	SAME(IO_O_TRUNC, O_TRUNC);
	SAME(IO_O_APPEND, O_APPEND);
	SAME(IO_O_NONBLOCK, O_NONBLOCK);
	SAME(IO_O_DIRECTORY, O_DIRECTORY);
	SAME(IO_O_NOFOLLOW, O_NOFOLLOW);
	SAME(IO_O_CLOEXEC, O_CLOEXEC);
	SAME(IO_O_PATH, O_PATH);
	SAME(IO_AT_SYMLINK_NOFOLLOW, AT_SYMLINK_NOFOLLOW);
	SAME(IO_AT_EACCESS, AT_EACCESS);
	SAME(IO_AT_SYMLINK_FOLLOW, AT_SYMLINK_FOLLOW);
	SAME(IO_AT_EMPTY_PATH, AT_EMPTY_PATH);
	SAME(IO_UTIME_NOW, UTIME_NOW);
	SAME(IO_UTIME_OMIT, UTIME_OMIT);
	SAME(IO_POLLIN, POLLIN);
	SAME(IO_POLLPRI, POLLPRI);
	SAME(IO_POLLOUT, POLLOUT);
	SAME(IO_POLLERR, POLLERR);
	SAME(IO_POLLHUP, POLLHUP);
	SAME(IO_POLLNVAL, POLLNVAL);
	SAME(IO_S_IFMT, S_IFMT);
	SAME(IO_S_IFLNK, S_IFLNK);
	SAME(IO_S_IFREG, S_IFREG);
	SAME(IO_S_IFDIR, S_IFDIR);
	SAME(IO_S_IFCHR, S_IFCHR);
	SAME(IO_S_IFIFO, S_IFIFO);
	SAME(IO_DT_FIFO, DT_FIFO);
	SAME(IO_DT_CHR, DT_CHR);
	SAME(IO_DT_DIR, DT_DIR);
	SAME(IO_DT_REG, DT_REG);
	SAME(IO_DT_LNK, DT_LNK);
	SAME(IO_PATH_MAX, PATH_MAX);
	SAME(IO_NAME_MAX, NAME_MAX);
	SAME(IO_PIPE_BUF, PIPE_BUF);

	SAME(LINUX_EPERM, EPERM);
	SAME(LINUX_ENOENT, ENOENT);
	SAME(LINUX_EINTR, EINTR);
	SAME(LINUX_EIO, EIO);
	SAME(LINUX_EBADF, EBADF);
	SAME(LINUX_EAGAIN, EAGAIN);
	SAME(LINUX_ENOMEM, ENOMEM);
	SAME(LINUX_EACCES, EACCES);
	SAME(LINUX_EFAULT, EFAULT);
	SAME(LINUX_EBUSY, EBUSY);
	SAME(LINUX_EEXIST, EEXIST);
	SAME(LINUX_EXDEV, EXDEV);
	SAME(LINUX_ENODEV, ENODEV);
	SAME(LINUX_ENOTDIR, ENOTDIR);
	SAME(LINUX_EISDIR, EISDIR);
	SAME(LINUX_EINVAL, EINVAL);
	SAME(LINUX_EMFILE, EMFILE);
	SAME(LINUX_ENOTTY, ENOTTY);
	SAME(LINUX_EFBIG, EFBIG);
	SAME(LINUX_ENOSPC, ENOSPC);
	SAME(LINUX_ESPIPE, ESPIPE);
	SAME(LINUX_EROFS, EROFS);
	SAME(LINUX_EMLINK, EMLINK);
	SAME(LINUX_EPIPE, EPIPE);
	SAME(LINUX_ERANGE, ERANGE);
	SAME(LINUX_ENAMETOOLONG, ENAMETOOLONG);
	SAME(LINUX_ENOSYS, ENOSYS);
	SAME(LINUX_ENOTEMPTY, ENOTEMPTY);
	SAME(LINUX_ELOOP, ELOOP);
	SAME(LINUX_EOVERFLOW, EOVERFLOW);
	SAME(LINUX_EOPNOTSUPP, EOPNOTSUPP);
	SAME(LINUX_EUCLEAN, EUCLEAN);

	/* The terminal's termios (the kernel's struct, not glibc's) and ioctls. */
	SAME(sizeof(struct tty_termios), sizeof(struct termios));
	SAME(offsetof(struct tty_termios, c_lflag), offsetof(struct termios, c_lflag));
	SAME(offsetof(struct tty_termios, c_cc), offsetof(struct termios, c_cc));
	SAME(TTY_NCCS, NCCS);
	SAME(sizeof(struct tty_winsize), sizeof(struct winsize));
	SAME(TTY_TCGETS, TCGETS);
	SAME(TTY_TCSETS, TCSETS);
	SAME(TTY_TCSETSW, TCSETSW);
	SAME(TTY_TCSETSF, TCSETSF);
	SAME(TTY_TCXONC, TCXONC);
	SAME(TTY_TCFLSH, TCFLSH);
	SAME(TTY_TIOCSCTTY, TIOCSCTTY);
	SAME(TTY_TIOCGPGRP, TIOCGPGRP);
	SAME(TTY_TIOCSPGRP, TIOCSPGRP);
	SAME(TTY_TIOCGWINSZ, TIOCGWINSZ);
	SAME(TTY_TIOCSWINSZ, TIOCSWINSZ);
	SAME(TTY_FIONREAD, FIONREAD);
	SAME(TTY_TIOCNOTTY, TIOCNOTTY);
	SAME(TTY_ISTRIP, ISTRIP);
	SAME(TTY_INLCR, INLCR);
	SAME(TTY_IGNCR, IGNCR);
	SAME(TTY_ICRNL, ICRNL);
	SAME(TTY_IXON, IXON);
	SAME(TTY_OPOST, OPOST);
	SAME(TTY_ONLCR, ONLCR);
	SAME(TTY_ISIG, ISIG);
	SAME(TTY_ICANON, ICANON);
	SAME(TTY_ECHO, ECHO);
	SAME(TTY_ECHOE, ECHOE);
	SAME(TTY_ECHOK, ECHOK);
	SAME(TTY_ECHONL, ECHONL);
	SAME(TTY_NOFLSH, NOFLSH);
	SAME(TTY_ECHOCTL, ECHOCTL);
	SAME(TTY_ECHOKE, ECHOKE);
	SAME(TTY_IEXTEN, IEXTEN);
	SAME(TTY_VINTR, VINTR);
	SAME(TTY_VQUIT, VQUIT);
	SAME(TTY_VERASE, VERASE);
	SAME(TTY_VKILL, VKILL);
	SAME(TTY_VEOF, VEOF);
	SAME(TTY_VTIME, VTIME);
	SAME(TTY_VMIN, VMIN);
	SAME(TTY_VSUSP, VSUSP);
	SAME(TTY_VEOL, VEOL);
	SAME(TTY_VWERASE, VWERASE);
	SAME(TTY_SIGINT, SIGINT);
	SAME(TTY_SIGQUIT, SIGQUIT);
	SAME(TTY_SIGTSTP, SIGTSTP);

	printf("1..%d\n", test_count);
	return test_failed != 0;
}
