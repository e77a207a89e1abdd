/*
 * The file services of a UNIX server set up in one call: the open-file
 * layer, the VFS with ext2 at / from a disk partition (or, without one, a
 * RAM file system filled from the boot archive), RAM file systems on
 * /tmp and /dev (with its nodes), /proc, pipes, and the terminal on the console
 * (when a device master port is given).  The single server calls it; the multiserver set will start
 * the same libraries one per task instead.
 */
#ifndef _UNIX_SERVER_UNIXFILES_H_
#define _UNIX_SERVER_UNIXFILES_H_

#include <stddef.h>
#include "../io/unixio.h"
#include "../tty/unixtty.h"

struct unixfiles_config {
	mach_port_t port_set;	   /* where every file port goes */
	const void *archive;	   /* newc cpio for / without a disk, or NULL */
	size_t archive_size;
	mach_port_t device_master; /* the console and the disk; NULL: no terminal */
	const struct tty_procs *tty_procs; /* what the terminal asks the proc service */
	mach_port_t proc_info;	   /* the proc service's info port (a send right
				    * /proc keeps), or MACH_PORT_NULL: no /proc */
	const char *root_device;   /* ext2 partition for / ("hd0s1"), or NULL */
};

struct unixfiles_ports {
	mach_port_t root;	 /* "/" as root (uid 0), O_PATH|O_DIRECTORY */
	mach_port_t pipes;	 /* pipe.defs service */
	unsigned archive_entries; /* what the archive held */
	int root_on_disk;	  /* / is ext2 on root_device */
	int root_error;		  /* why root_device could not be mounted (errno) */
};

/*
 * Set it all up (takes unixio_lock itself).  The ports are receive
 * rights of ours: make send rights to hand out.  0, or a Linux errno
 * (ENOMEM, EINVAL for a malformed archive: what it held before the
 * damage is there, the rest of the set-up done).
 */
int unixfiles_init(const struct unixfiles_config *config, struct unixfiles_ports *ports);

/* sync(2) from inside the server: every file system written back. */
int unixfiles_sync(void);
/* A thread that syncs every few seconds (write-back of the disk's cache). */
void unixfiles_start_flusher(void);
/*
 * The end: every open file closed, every file system unmounted (ext2
 * written back and marked clean).  The file services answer nothing
 * after it (it keeps their locks): the server's last act before it ends.
 */
int unixfiles_shutdown(void);

/* Device numbers of the terminal's nodes. */
#define UNIXFILES_TTY_RDEV UNIXTTY_DEVTTY_RDEV /* VFS_MKDEV(5, 0) */
#define UNIXFILES_CONSOLE_RDEV UNIXTTY_CONSOLE_RDEV /* VFS_MKDEV(5, 1) */

#endif /* _UNIX_SERVER_UNIXFILES_H_ */
