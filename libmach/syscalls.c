/*
 * The system layer under newlib.  This newlib (i686-elf) calls these
 * under their POSIX names (write, sbrk, ...); the libgloss names (_write,
 * ...) are aliases for code that expects those.  A task has no files
 * yet: descriptors 0, 1 and 2 are the console (reads see end of file),
 * everything else fails with the errno POSIX gives for it.  When a UNIX
 * personality or a console device exists, these grow real bodies.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libmach_private.h"

#define LIBGLOSS_ALIAS(name) extern __typeof__(name) _##name __attribute__((alias(#name), copy(name)))

/* The task's one process id, until a UNIX personality hands out real ones. */
#define LIBMACH_PID 1

static int is_console(int fd)
{
	return fd >= 0 && fd <= 2;
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	if (fd != STDOUT_FILENO && fd != STDERR_FILENO) {
		errno = EBADF;
		return -1;
	}
	libmach_console_write(buf, len);
	return len;
}
LIBGLOSS_ALIAS(write);

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	(void)buf;
	(void)len;
	if (fd != STDIN_FILENO) {
		errno = EBADF;
		return -1;
	}
	return 0; /* no console input yet */
}
LIBGLOSS_ALIAS(read);

int open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}
LIBGLOSS_ALIAS(open);

int close(int fd)
{
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	return 0;
}
LIBGLOSS_ALIAS(close);

off_t lseek(int fd, off_t offset, int whence)
{
	(void)offset;
	(void)whence;
	errno = is_console(fd) ? ESPIPE : EBADF;
	return -1;
}
LIBGLOSS_ALIAS(lseek);

int fstat(int fd, struct stat *st)
{
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	*st = (struct stat){ .st_mode = S_IFCHR | 0620, .st_blksize = 0 };
	return 0;
}
LIBGLOSS_ALIAS(fstat);

int stat(const char *path, struct stat *st)
{
	(void)path;
	(void)st;
	errno = ENOENT;
	return -1;
}
LIBGLOSS_ALIAS(stat);

/* The console is a terminal: newlib then line-buffers stdout. */
int isatty(int fd)
{
	if (is_console(fd))
		return 1;
	errno = EBADF;
	return 0;
}
LIBGLOSS_ALIAS(isatty);

int fcntl(int fd, int cmd, ...)
{
	(void)cmd;
	errno = is_console(fd) ? ENOSYS : EBADF;
	return -1;
}
LIBGLOSS_ALIAS(fcntl);

int link(const char *old, const char *new)
{
	(void)old;
	(void)new;
	errno = EMLINK;
	return -1;
}
LIBGLOSS_ALIAS(link);

int unlink(const char *path)
{
	(void)path;
	errno = ENOENT;
	return -1;
}
LIBGLOSS_ALIAS(unlink);

int mkdir(const char *path, mode_t mode)
{
	(void)path;
	(void)mode;
	errno = ENOSYS;
	return -1;
}
LIBGLOSS_ALIAS(mkdir);

pid_t getpid(void)
{
	return LIBMACH_PID;
}
LIBGLOSS_ALIAS(getpid);

/* Signals to ourselves end the task, as their default action would. */
int kill(pid_t pid, int sig)
{
	if (pid != LIBMACH_PID) {
		errno = ESRCH;
		return -1;
	}
	if (sig == 0)
		return 0;
	libmach_console_puts("task killed by a signal\n");
	_exit(128 + sig);
}
LIBGLOSS_ALIAS(kill);

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	(void)how;
	(void)set;
	if (old != NULL)
		*old = 0;
	return 0;
}

pid_t fork(void)
{
	errno = ENOSYS;
	return -1;
}
LIBGLOSS_ALIAS(fork);

int execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	errno = ENOSYS;
	return -1;
}
LIBGLOSS_ALIAS(execve);

pid_t wait(int *status)
{
	(void)status;
	errno = ECHILD;
	return -1;
}
LIBGLOSS_ALIAS(wait);

/* No clock yet: times() counts nothing, the time of day is unknown. */
clock_t times(struct tms *buf)
{
	*buf = (struct tms){ 0 };
	return 0;
}
LIBGLOSS_ALIAS(times);

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	(void)tv;
	(void)tz;
	errno = ENOSYS;
	return -1;
}
LIBGLOSS_ALIAS(gettimeofday);

int getentropy(void *buf, size_t len)
{
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}
