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
 * A new /proc whose files have st_dev dev.  proc: a send right to the
 * proc service's info port (ours to keep).  device_master: for the
 * kernel's "time" device (the uptime), or MACH_PORT_NULL (the uptime is
 * then counted from this task's creation).  NULL if out of memory.
 */
struct vfs_mount *procfs_create(uint64_t dev, mach_port_t proc, mach_port_t device_master);

#endif /* _UNIX_SERVER_PROCFS_H_ */
