/*
 * /dev/pts: a file system behind the VFS's vnode_ops listing the
 * pseudo-terminals there are now (unixtty_pts_info), each a character
 * device 136,N owned by its master's opener, mode 0600 (devpts' default);
 * nothing in it is made, named or removed by programs (EPERM).  Opening
 * a slave goes to the terminal (unixtty_pts_open, registered for major
 * 136).  Runs under unixio_lock like every VFS file system.
 */
#ifndef _UNIX_SERVER_DEVPTS_H_
#define _UNIX_SERVER_DEVPTS_H_

#include "../fs/vfs.h"

/* A new /dev/pts whose files have st_dev dev; NULL if out of memory. */
struct vfs_mount *devpts_create(uint64_t dev);

#endif /* _UNIX_SERVER_DEVPTS_H_ */
