/*
 * /dev/pts (devpts.h): the root directory and one vnode per slave looked
 * up, made from what the terminal says of the pty then (so a slave whose
 * master has closed is ENOENT to lookups, as on Linux).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devpts.h"
#include "unixtty.h"

#define DEVPTS_ROOT_INO 1
#define DEVPTS_INO(n) ((uint64_t) (n) + 2)
#define DEVPTS_FIRST_COOKIE 2

static const struct vnode_ops devpts_ops;

/* A pty's number from its decimal name, or -1. */
static int devpts_number(const char *name, size_t len)
{
	int n = 0;

	if (len == 0 || len > 3 || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		n = n * 10 + (name[i] - '0');
	}
	return n < UNIXTTY_PTY_MAX ? n : -1;
}

static int devpts_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	int n = devpts_number(name, len);
	struct vnode *vn;
	uint32_t ctime;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = dir->mount->root;
		vfs_ref(*out);
		return 0;
	}
	if (n < 0)
		return LINUX_ENOENT;
	vn = calloc(1, sizeof(*vn));
	if (vn == NULL)
		return LINUX_ENOMEM;
	if (unixtty_pts_info(n, &vn->uid, &vn->gid, &ctime) != 0) {
		free(vn);
		return LINUX_ENOENT;
	}
	vn->ops = &devpts_ops;
	vn->mount = dir->mount;
	vn->refs = 1;
	vn->mode = UNIXTTY_PTS_MODE;
	vn->nlink = 1;
	vn->ino = DEVPTS_INO(n);
	vn->rdev = UNIXTTY_PTS_RDEV(n);
	vn->atime.sec = vn->mtime.sec = vn->ctime.sec = ctime;
	*out = vn;
	return 0;
}

static int devpts_readdir(struct vnode *dir, uint64_t *cookie, vfs_filldir_t fill, void *arg)
{
	uint32_t uid, gid, ctime;
	char name[8];

	if (*cookie == 0) {
		if (fill(arg, ".", 1, dir->ino, IO_DT_DIR, 1))
			return 0;
		*cookie = 1;
	}
	if (*cookie == 1) {
		/* The VFS answers .. across the mount point itself. */
		if (fill(arg, "..", 2, DEVPTS_ROOT_INO, IO_DT_DIR, DEVPTS_FIRST_COOKIE))
			return 0;
		*cookie = DEVPTS_FIRST_COOKIE;
	}
	for (int n = (int) (*cookie - DEVPTS_FIRST_COOKIE); n < UNIXTTY_PTY_MAX; n++) {
		*cookie = DEVPTS_FIRST_COOKIE + n;
		if (unixtty_pts_info(n, &uid, &gid, &ctime) != 0)
			continue;
		int len = snprintf(name, sizeof(name), "%d", n);
		if (fill(arg, name, (size_t) len, DEVPTS_INO(n), IO_DT_CHR, *cookie + 1))
			return 0;
	}
	*cookie = DEVPTS_FIRST_COOKIE + UNIXTTY_PTY_MAX;
	return 0;
}

/* Nothing in /dev/pts is made, named or removed by programs: Linux's EPERM. */
static int devpts_create_node(struct vnode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
			      const char *target, uint32_t uid, uint32_t gid, struct vnode **out)
{
	(void) dir, (void) name, (void) len, (void) mode, (void) rdev, (void) target, (void) uid, (void) gid;
	(void) out;
	return LINUX_EPERM;
}

static int devpts_name_op(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
	(void) dir, (void) name, (void) len, (void) vn;
	return LINUX_EPERM;
}

static int devpts_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *vn, struct vnode *ndir,
			 const char *nname, size_t nlen, struct vnode *target)
{
	(void) odir, (void) oname, (void) olen, (void) vn, (void) ndir, (void) nname, (void) nlen, (void) target;
	return LINUX_EPERM;
}

/* Never called for the devices (the VFS opens them through the terminal). */
static int devpts_data(struct vnode *vn, uint64_t off, char *buf, size_t len, size_t *done)
{
	(void) vn, (void) off, (void) buf, (void) len;
	*done = 0;
	return LINUX_EISDIR;
}

static int devpts_write(struct vnode *vn, uint64_t off, const char *buf, size_t len, size_t *done)
{
	return devpts_data(vn, off, (char *) buf, len, done);
}

static int devpts_truncate(struct vnode *vn, uint64_t size)
{
	(void) vn, (void) size;
	return LINUX_EISDIR;
}

static int devpts_readlink(struct vnode *vn, char *buf, size_t size)
{
	(void) vn, (void) buf, (void) size;
	return LINUX_EINVAL;
}

/* The root holds the slaves that exist: never empty to rmdir's eyes. */
static int devpts_isempty(struct vnode *dir)
{
	(void) dir;
	return LINUX_ENOTEMPTY;
}

static void devpts_inactive(struct vnode *vn)
{
	if (vn != vn->mount->root)
		free(vn);
}

static const struct vnode_ops devpts_ops = {
	.lookup = devpts_lookup,
	.create = devpts_create_node,
	.link = devpts_name_op,
	.unlink = devpts_name_op,
	.rename = devpts_rename,
	.read = devpts_data,
	.write = devpts_write,
	.truncate = devpts_truncate,
	.readdir = devpts_readdir,
	.readlink = devpts_readlink,
	.isempty = devpts_isempty,
	.inactive = devpts_inactive,
};

struct vfs_mount *devpts_create(uint64_t dev)
{
	struct vfs_mount *m = calloc(1, sizeof(*m));
	struct vnode *root = calloc(1, sizeof(*root));

	if (m == NULL || root == NULL) {
		free(m);
		free(root);
		return NULL;
	}
	m->dev = dev;
	m->type = "devpts";
	root->ops = &devpts_ops;
	root->mount = m;
	root->refs = 1; /* the mount's */
	root->mode = IO_S_IFDIR | 0755;
	root->nlink = 2;
	root->ino = DEVPTS_ROOT_INO;
	unixio_now(&root->mtime.sec, &root->mtime.nsec);
	root->atime = root->ctime = root->mtime;
	m->root = root;
	return m;
}
