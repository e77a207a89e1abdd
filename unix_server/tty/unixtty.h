/*
 * The terminal service: a Linux line discipline on the console device
 * (device.defs "console") and on pseudo-terminals, whose open files go
 * through the open-file layer (unix_server/io/unixio.h).  /dev/console
 * (5,1), /dev/tty (5,0: the caller's controlling terminal), /dev/ptmx
 * (5,2) and /dev/pts/N (136,N) open them; the VFS reaches them through
 * the vfs_devopen_t's below, which the server registers, and lists the
 * ptys in /dev/pts (devpts.h).
 */
#ifndef _UNIX_SERVER_UNIXTTY_H_
#define _UNIX_SERVER_UNIXTTY_H_

#include <stdint.h>
#include "../io/unixio.h"
#include "../fs/vfs.h"

#include <servers/tty_types.h>

/* /dev/tty's rdev (5, 0, as VFS_MKDEV makes it): the caller's controlling terminal. */
#define UNIXTTY_DEVTTY_RDEV 0x500
/* /dev/console's (5, 1): the terminal's own device number, what
 * /proc/PID/stat's tty_nr shows for a process it is the terminal of. */
#define UNIXTTY_CONSOLE_RDEV 0x501

/* /dev/ptmx's (5, 2): each open makes a pseudo-terminal and is its master. */
#define UNIXTTY_PTMX_RDEV 0x502
/* Pseudo-terminal slaves, /dev/pts/N: major 136, minor N, as Linux's. */
#define UNIXTTY_PTS_MAJOR 136
#define UNIXTTY_PTS_RDEV(n) ((UNIXTTY_PTS_MAJOR << 8) | (n))
/* A slave's mode: /dev/pts/N and an open slave's fstat agree. */
#define UNIXTTY_PTS_MODE (IO_S_IFCHR | 0600)
/* Pseudo-terminals at once (ENOSPC beyond). */
#define UNIXTTY_PTY_MAX 16

/* Who asks (io_tty_ioctl's proc port), as the proc service knows it. */
struct tty_caller {
	int pid, pgrp, sid;
	int euid;
};

/*
 * What the terminal needs of the proc service; the server passes these.
 * They are called with unixio_lock held, so they must not wait for the
 * file services.
 */
struct tty_procs {
	/* Send sig to process group pgrp (^C, ^\, ^Z, hang-ups). */
	void (*signal)(int pgrp, int sig);
	/* The process whose proc port proc is (a right the terminal holds
	 * meanwhile): 0, or ESRCH for a port that is no process's. */
	int (*who)(mach_port_t proc, struct tty_caller *caller);
	/* The session of process group pgrp, or 0 if there is no such group. */
	int (*pgrp_session)(int pgrp);
	/* Process pid, not leading its session, gave the terminal up for
	 * itself (TIOCNOTTY): the proc service says so in /proc.  May be
	 * NULL. */
	void (*detach)(int pid);
};

/*
 * Set up pseudo-terminals and, with a device_master, open the console
 * device through it and start the thread that reads it.  No session has
 * a terminal yet (nor a foreground group): a session leader opening one,
 * or TIOCSCTTY, makes it its controlling terminal.
 */
kern_return_t unixtty_init(mach_port_t device_master, const struct tty_procs *procs);
/*
 * vfs_devopen_t's (who: fs_open's opener, acting as Linux's open of a
 * terminal; NULL: nobody's open): a new open file of the console or
 * /dev/tty (arg: the rdev, 5,1 or 5,0; /dev/tty is who's controlling
 * terminal, ENXIO without one; nobody's is the console; ENXIO for the
 * console without a device); a new
 * pseudo-terminal, its master's file (/dev/ptmx: ENOSPC past
 * UNIXTTY_PTY_MAX); a slave (arg: its rdev; EIO while locked or without
 * its master).
 */
int unixtty_open(void *arg, int flags, const struct io_cred *cred, struct vfs_opener *who, mach_port_t *port,
		 mach_msg_type_name_t *poly);
int unixtty_ptmx_open(void *arg, int flags, const struct io_cred *cred, struct vfs_opener *who, mach_port_t *port,
		      mach_msg_type_name_t *poly);
int unixtty_pts_open(void *arg, int flags, const struct io_cred *cred, struct vfs_opener *who, mach_port_t *port,
		     mach_msg_type_name_t *poly);
/*
 * Pseudo-terminal n for /dev/pts (unixio_lock held): 0 and its slave's
 * owner and birth, or ENOENT when there is none (or its master closed).
 */
int unixtty_pts_info(int n, uint32_t *uid, uint32_t *gid, uint32_t *ctime);
/*
 * The leader of session sid has ended (takes unixio_lock): if the
 * terminal is that session's, its foreground group gets SIGHUP and no
 * session has the terminal any more, as Linux does on a leader's exit.
 */
void unixtty_hangup(int sid);
/*
 * A procfs_tty_t (unixio_lock held): the session whose controlling
 * terminal the console is (0: none), its foreground group (0: none) and
 * its device number into *fg_pgrp and *rdev.
 */
int unixtty_owner(int *fg_pgrp, uint32_t *rdev);

#endif /* _UNIX_SERVER_UNIXTTY_H_ */
