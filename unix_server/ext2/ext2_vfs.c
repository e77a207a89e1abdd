/*
 * ext2 behind the VFS's vnode_ops: each referenced inode has one vnode
 * (kept in the library node's private word, so a second lookup finds
 * it), the vnode's attributes mirror the inode and are refreshed after
 * every operation that changes them, and setattr writes the VFS's
 * changes (mode, owner, times) back into the inode.
 *
 * Locking (vfs.h): every call comes with vfs_lock and unixio_lock held.
 * The library's disk transfers go through a device that lets go of
 * unixio_lock while the disk works, so pipes and the terminal are served
 * meanwhile; vfs_lock keeps the file system (and the VFS) to us.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ext2_vfs.h"

struct ext2_vnode {
	struct vnode vn;
	struct ext2_node *node;
};

struct ext2_vmount {
	struct vfs_mount m;
	struct ext2_fs *fs;
	struct ext2_dev unlocked; /* what the library uses: dev, unixio_lock let go */
	struct ext2_dev *dev;	  /* the disk */
	int close_dev;		  /* ours to close (ext2_vfs_open) */
};

static const struct vnode_ops ext2_vnode_ops;

static struct ext2_node *node_of(struct vnode *vn)
{
	return ((struct ext2_vnode *)vn)->node;
}

/* The vnode's attributes from the inode. */
static void refresh(struct vnode *vn)
{
	struct ext2_attr a;

	ext2_getattr(node_of(vn), &a);
	vn->mode = a.mode;
	vn->nlink = a.nlink;
	vn->uid = a.uid;
	vn->gid = a.gid;
	vn->size = a.size;
	vn->rdev = a.rdev;
	vn->atime = (struct vfs_time){a.atime, 0};
	vn->mtime = (struct vfs_time){a.mtime, 0};
	vn->ctime = (struct vfs_time){a.ctime, 0};
}

/* The vnode of node (which brings one reference, given to the vnode or
 * dropped if the vnode exists already). */
static int vnode_of(struct vfs_mount *m, struct ext2_node *node, struct vnode **out)
{
	struct ext2_vnode *v = ext2_node_private(node);
	struct ext2_attr a;

	if (v != NULL) {
		ext2_iput(node);
		vfs_ref(&v->vn);
		*out = &v->vn;
		return 0;
	}
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		ext2_iput(node);
		return LINUX_ENOMEM;
	}
	v->node = node;
	v->vn.ops = &ext2_vnode_ops;
	v->vn.mount = m;
	v->vn.refs = 1;
	ext2_getattr(node, &a);
	v->vn.ino = a.ino;
	refresh(&v->vn);
	ext2_node_set_private(node, v);
	*out = &v->vn;
	return 0;
}

static int ext2v_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct ext2_node *n;
	int err = ext2_lookup(node_of(dir), name, len, &n);
	return err != 0 ? err : vnode_of(dir->mount, n, out);
}

static int ext2v_create(struct vnode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
			const char *target, uint32_t uid, uint32_t gid, struct vnode **out)
{
	struct ext2_node *d = node_of(dir), *n;
	int err;

	switch (mode & IO_S_IFMT) {
	case IO_S_IFDIR:
		err = ext2_mkdir(d, name, len, mode, uid, gid, &n);
		break;
	case IO_S_IFLNK:
		err = ext2_symlink(d, name, len, target, strlen(target), uid, gid, &n);
		break;
	default:
		err = rdev > UINT32_MAX ? LINUX_EINVAL : ext2_create(d, name, len, mode, uid, gid, (uint32_t)rdev, &n);
		break;
	}
	refresh(dir);
	return err != 0 ? err : vnode_of(dir->mount, n, out);
}

static int ext2v_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
	int err = ext2_link(node_of(dir), name, len, node_of(vn));
	refresh(dir);
	refresh(vn);
	return err;
}

static int ext2v_unlink(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
	int err = VFS_ISDIR(vn) ? ext2_rmdir(node_of(dir), name, len) : ext2_unlink(node_of(dir), name, len);
	refresh(dir);
	refresh(vn);
	return err;
}

static int ext2v_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *vn, struct vnode *ndir,
			const char *nname, size_t nlen, struct vnode *target)
{
	int err = ext2_rename(node_of(odir), oname, olen, node_of(ndir), nname, nlen, 0);
	refresh(odir);
	refresh(ndir);
	refresh(vn);
	if (target != NULL)
		refresh(target);
	return err;
}

static int ext2v_read(struct vnode *vn, uint64_t off, char *buf, size_t len, size_t *got)
{
	return ext2_read(node_of(vn), off, buf, len, got);
}

static int ext2v_write(struct vnode *vn, uint64_t off, const char *buf, size_t len, size_t *done)
{
	int err = ext2_write(node_of(vn), off, buf, len, done);
	refresh(vn);
	return err == 0 && *done < len ? LINUX_ENOSPC : err;
}

static int ext2v_truncate(struct vnode *vn, uint64_t size)
{
	int err = ext2_truncate(node_of(vn), size);
	refresh(vn);
	return err;
}

struct filldir_arg {
	vfs_filldir_t fill;
	void *arg;
};

static int ext2v_fill(void *arg, const char *name, size_t len, uint32_t ino, unsigned dtype, uint64_t next)
{
	struct filldir_arg *f = arg;
	return f->fill(f->arg, name, len, ino, dtype, next);
}

static int ext2v_readdir(struct vnode *dir, uint64_t *cookie, vfs_filldir_t fill, void *arg)
{
	struct filldir_arg f = {fill, arg};
	return ext2_readdir(node_of(dir), cookie, ext2v_fill, &f);
}

static int ext2v_readlink(struct vnode *vn, char *buf, size_t size)
{
	size_t len;
	int err = ext2_readlink(node_of(vn), buf, size, &len);
	if (err != 0)
		return err;
	if (len + 1 > size)
		return LINUX_ENAMETOOLONG;
	buf[len] = '\0';
	return 0;
}

static int ext2v_isempty(struct vnode *dir)
{
	int empty = 0;
	int err = ext2_isempty(node_of(dir), &empty);
	return err != 0 ? err : empty ? 0 : LINUX_ENOTEMPTY;
}

static int ext2v_setattr(struct vnode *vn)
{
	struct ext2_attr a = {
		.mode = vn->mode,
		.uid = vn->uid,
		.gid = vn->gid,
		.atime = vn->atime.sec,
		.mtime = vn->mtime.sec,
		.ctime = vn->ctime.sec,
	};
	return ext2_setattr(node_of(vn), &a,
			    EXT2_SET_MODE | EXT2_SET_UID | EXT2_SET_GID | EXT2_SET_ATIME | EXT2_SET_MTIME |
				    EXT2_SET_CTIME);
}

static void ext2v_inactive(struct vnode *vn)
{
	struct ext2_vnode *v = (struct ext2_vnode *)vn;
	ext2_node_set_private(v->node, NULL);
	ext2_iput(v->node);
	free(v);
}

static int ext2v_fsync(struct vnode *vn, int datasync)
{
	(void)datasync; /* the inode goes with the data either way */
	return ext2_fsync(node_of(vn));
}

static uint64_t ext2v_blocks(struct vnode *vn)
{
	struct ext2_attr a;

	ext2_getattr(node_of(vn), &a);
	return a.blocks;
}

static const struct vnode_ops ext2_vnode_ops = {
	.lookup = ext2v_lookup,
	.create = ext2v_create,
	.link = ext2v_link,
	.unlink = ext2v_unlink,
	.rename = ext2v_rename,
	.read = ext2v_read,
	.write = ext2v_write,
	.truncate = ext2v_truncate,
	.readdir = ext2v_readdir,
	.readlink = ext2v_readlink,
	.isempty = ext2v_isempty,
	.setattr = ext2v_setattr,
	.inactive = ext2v_inactive,
	.fsync = ext2v_fsync,
	.blocks = ext2v_blocks,
};

static struct ext2_vmount *ext2v_mount_of(struct ext2_dev *unlocked)
{
	return (struct ext2_vmount *)((char *)unlocked - offsetof(struct ext2_vmount, unlocked));
}

/* The disk, without unixio_lock while it works (vfs_lock stays held). */
static int ext2v_dev_read(struct ext2_dev *dev, uint64_t offset, void *buf, size_t len)
{
	struct ext2_dev *disk = ext2v_mount_of(dev)->dev;
	cthread_mutex_unlock(&unixio_lock);
	int rc = disk->read(disk, offset, buf, len);
	cthread_mutex_lock(&unixio_lock);
	return rc;
}

static int ext2v_dev_write(struct ext2_dev *dev, uint64_t offset, const void *buf, size_t len)
{
	struct ext2_dev *disk = ext2v_mount_of(dev)->dev;
	cthread_mutex_unlock(&unixio_lock);
	int rc = disk->write(disk, offset, buf, len);
	cthread_mutex_lock(&unixio_lock);
	return rc;
}

static int ext2v_dev_flush(struct ext2_dev *dev)
{
	struct ext2_dev *disk = ext2v_mount_of(dev)->dev;
	cthread_mutex_unlock(&unixio_lock);
	int rc = disk->flush(disk);
	cthread_mutex_lock(&unixio_lock);
	return rc;
}

static void ext2v_statfs(struct vfs_mount *m, struct io_statfs *st)
{
	struct ext2_statfs e;

	ext2_statfs(((struct ext2_vmount *)m)->fs, &e);
	st->f_type = IO_EXT2_SUPER_MAGIC;
	st->f_bsize = st->f_frsize = e.block_size;
	st->f_blocks = e.blocks;
	st->f_bfree = e.blocks_free;
	st->f_bavail = e.blocks_avail;
	st->f_files = e.inodes;
	st->f_ffree = e.inodes_free;
	st->f_namelen = e.name_max;
}

static const struct vfs_fs_ops ext2_fs_ops = {
	.sync = ext2_vfs_sync,
	.statfs = ext2v_statfs,
	.unmount = ext2_vfs_unmount,
};

static uint32_t ext2v_now(void)
{
	uint32_t sec, nsec;
	unixio_now(&sec, &nsec);
	return sec;
}

struct vfs_mount *ext2_vfs_mount(struct ext2_dev *dev, uint64_t dev_id, unsigned flags, int *err)
{
	/* The VFS keeps no atime on reads (noatime): neither do we, or the
	 * vnode's copy would go stale. */
	struct ext2_mount_opts opts = {.flags = flags | EXT2_MOUNT_NOATIME, .now = ext2v_now};
	struct ext2_vmount *em = calloc(1, sizeof(*em));
	struct ext2_node *root;

	if (em == NULL) {
		*err = LINUX_ENOMEM;
		return NULL;
	}
	em->dev = dev;
	em->unlocked = (struct ext2_dev){dev->size, ext2v_dev_read, ext2v_dev_write,
					 dev->flush != NULL ? ext2v_dev_flush : NULL};
	*err = ext2_mount(&em->unlocked, &opts, &em->fs);
	if (*err != 0) {
		free(em);
		return NULL;
	}
	*err = ext2_root(em->fs, &root);
	if (*err == 0)
		*err = vnode_of(&em->m, root, &em->m.root);
	if (*err != 0) {
		ext2_unmount(em->fs);
		free(em);
		return NULL;
	}
	em->m.dev = dev_id;
	em->m.ops = &ext2_fs_ops;
	em->m.type = "ext2";
	return &em->m;
}

struct vfs_mount *ext2_vfs_open(mach_port_t device_master, const char *name, uint64_t dev_id, unsigned flags,
				int *err)
{
	struct ext2_dev *dev;

	*err = ext2_dev_mach_open(device_master, name, flags & EXT2_MOUNT_RDONLY, &dev);
	if (*err != 0)
		return NULL;
	struct vfs_mount *m = ext2_vfs_mount(dev, dev_id, flags, err);
	if (m == NULL) {
		ext2_dev_mach_close(dev);
		return NULL;
	}
	((struct ext2_vmount *)m)->close_dev = 1;
	return m;
}

int ext2_vfs_sync(struct vfs_mount *m)
{
	return ext2_sync(((struct ext2_vmount *)m)->fs);
}

int ext2_vfs_fsync(struct vnode *vn)
{
	return ext2_fsync(node_of(vn));
}

int ext2_vfs_unmount(struct vfs_mount *m)
{
	struct ext2_vmount *em = (struct ext2_vmount *)m;

	if (m->root->refs > 1)
		return LINUX_EBUSY;
	vfs_rele(m->root);
	m->root = NULL;
	int err = ext2_unmount(em->fs);
	if (err == LINUX_EBUSY)
		return err; /* other vnodes: the root is gone, the mount stays */
	if (em->close_dev)
		ext2_dev_mach_close(em->dev);
	free(em);
	return err;
}
