/*
 * /proc: a file system behind the VFS's vnode_ops whose files are made
 * when they are read, in Linux's formats (what busybox ps, top, free,
 * uptime and mount parse).  Processes come from the proc service through
 * proc.defs (proc_pids, proc_info on its info port), never from its
 * structures, so /proc and proc may be different tasks; memory and time
 * come from the kernel (host_info, vm_statistics, the "time" device);
 * the mount table from the VFS.
 *
 * Runs under unixio_lock like every VFS file system.  Its calls to the
 * proc service wait for the answer with that lock held: the proc
 * service must never wait for the file services (in the single server
 * it answers on a thread of its own).
 */
#ifndef _UNIX_SERVER_PROCFS_H_
#define _UNIX_SERVER_PROCFS_H_

#include "../fs/vfs.h"

/*
 * Who has a terminal (unixio_lock held): the session whose controlling
 * terminal it is (0: none), its foreground group (0: none) and its device
 * number (Linux's encoding) into *fg_pgrp and *rdev.
 */
typedef int (*procfs_tty_t)(int *fg_pgrp, uint32_t *rdev);
/*
 * A new /proc whose files have st_dev dev.  proc: a send right to the
 * proc service's info port (ours to keep).  device_master: for the
 * kernel's "time" device (the uptime), or MACH_PORT_NULL (the uptime is
 * then counted from this task's creation).  tty: the terminal, for
 * /proc/PID/stat's tty_nr and tpgid, or NULL if there is none.  NULL if
 * out of memory.
 */
struct vfs_mount *procfs_create(uint64_t dev, mach_port_t proc, mach_port_t device_master, procfs_tty_t tty);

#endif /* _UNIX_SERVER_PROCFS_H_ */
