/*
 * ext2 as a file-system type of the VFS (unix_server/fs/vfs.h): vnodes
 * over the library's nodes.  The file service mounts it at / from the
 * disk partition named on its command line (root=hd0s1).
 */
#ifndef _UNIX_SERVER_EXT2_VFS_H_
#define _UNIX_SERVER_EXT2_VFS_H_

#include "../fs/vfs.h"
#include "ext2.h"

/*
 * Mounts the ext2 file system on dev (flags: EXT2_MOUNT_*); its files
 * get st_dev dev_id.  NULL with *err set (EINVAL: not ext2, EUCLEAN:
 * damaged, EIO...).  The VFS's vfs_mount (or the root set-up) then
 * places it.
 */
struct vfs_mount *ext2_vfs_mount(struct ext2_dev *dev, uint64_t dev_id, unsigned flags, int *err);
/*
 * The same from a disk partition by name ("hd0s1", through device.defs):
 * what the file service does for root=hd0s1.  The device is closed at
 * unmount.
 */
struct vfs_mount *ext2_vfs_open(mach_port_t device_master, const char *name, uint64_t dev_id, unsigned flags,
				int *err);
/* sync(2) of this file system. */
int ext2_vfs_sync(struct vfs_mount *m);
/* Writes everything back and marks the file system clean; EBUSY while
 * vnodes other than the root are referenced. */
int ext2_vfs_unmount(struct vfs_mount *m);
/* fsync/fdatasync of one file. */
int ext2_vfs_fsync(struct vnode *vn);

#endif /* _UNIX_SERVER_EXT2_VFS_H_ */
