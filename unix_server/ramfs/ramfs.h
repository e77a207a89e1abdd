/*
 * The RAM file system: directories, regular files, symlinks and device
 * nodes in server memory, behind the VFS's vnode_ops (unix_server/fs/
 * vfs.h).  Filled at boot from a newc cpio archive (cpio.c).
 */
#ifndef _UNIX_SERVER_RAMFS_H_
#define _UNIX_SERVER_RAMFS_H_

#include <stddef.h>
#include "../fs/vfs.h"

/* Largest RAM file (EFBIG above). */
#define RAMFS_FILE_MAX (256u * 1024 * 1024)

/* A new, empty RAM file system whose files have st_dev dev; NULL if out of memory. */
struct vfs_mount *ramfs_create(uint64_t dev);

/* At most bytes of file data in m (what its files hold room for, in
 * 4 KiB chunks; holes take none): a write beyond answers ENOSPC, and
 * statfs reports the room in 4 KiB blocks.  0 (the default): no limit
 * but the server's heap. */
void ramfs_set_limit(struct vfs_mount *m, uint64_t bytes);

/*
 * Create what a newc ("070701") cpio archive holds under root:
 * directories, regular files (hard links too), symlinks, character
 * devices, with their modes, owners and mtimes; missing parents are made.
 * 0, or a Linux errno at the first malformed header (what came before
 * stays); *count gets the number of entries made.
 */
int ramfs_load_cpio(struct vnode *root, const void *archive, size_t size, unsigned *count);

#endif /* _UNIX_SERVER_RAMFS_H_ */
