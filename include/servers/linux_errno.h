/*
 * Linux i386 errno values.  UNIX services answer RPCs with 0 or one of
 * these (positive, below LINUX_ERRNO_MAX), which the emulation library
 * returns to the program as -errno.  Anything else in a reply (a Mach
 * IPC or MIG code) is the transport failing, not the service.
 * newlib's <errno.h> numbers differ (ELOOP, ENOSYS...): servers use these.
 */
#ifndef _SERVERS_LINUX_ERRNO_H_
#define _SERVERS_LINUX_ERRNO_H_

#define LINUX_EPERM 1
#define LINUX_ENOENT 2
#define LINUX_ESRCH 3
#define LINUX_EINTR 4
#define LINUX_EIO 5
#define LINUX_ENXIO 6
#define LINUX_E2BIG 7
#define LINUX_ENOEXEC 8
#define LINUX_EBADF 9
#define LINUX_ECHILD 10
#define LINUX_EAGAIN 11
#define LINUX_ENOMEM 12
#define LINUX_EACCES 13
#define LINUX_EFAULT 14
#define LINUX_EBUSY 16
#define LINUX_EEXIST 17
#define LINUX_EXDEV 18
#define LINUX_ENODEV 19
#define LINUX_ENOTDIR 20
#define LINUX_EISDIR 21
#define LINUX_EINVAL 22
#define LINUX_ENFILE 23
#define LINUX_EMFILE 24
#define LINUX_ENOTTY 25
#define LINUX_ETXTBSY 26
#define LINUX_EFBIG 27
#define LINUX_ENOSPC 28
#define LINUX_ESPIPE 29
#define LINUX_EROFS 30
#define LINUX_EMLINK 31
#define LINUX_EPIPE 32
#define LINUX_EDOM 33
#define LINUX_ERANGE 34
#define LINUX_EDEADLK 35
#define LINUX_ENAMETOOLONG 36
#define LINUX_ENOLCK 37
#define LINUX_ENOSYS 38
#define LINUX_ENOTEMPTY 39
#define LINUX_ELOOP 40
#define LINUX_EOVERFLOW 75
#define LINUX_EOPNOTSUPP 95
#define LINUX_ETIMEDOUT 110
#define LINUX_EUCLEAN 117

/* Linux's errno values are below 4096 (-4095..-1 in %eax is an error). */
#define LINUX_ERRNO_MAX 4095

#endif /* _SERVERS_LINUX_ERRNO_H_ */
