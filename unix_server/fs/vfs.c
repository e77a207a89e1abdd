/*
 * The VFS: path resolution, fs.defs, and the open files of vnodes.
 * See vfs.h and docs/unix.md ("The file interfaces").
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <servers/fs_server.h>

#include "vfs.h"

#define VFS_MAX_DEVICES 16
/* Largest getdents64 answer (more is clamped, as Linux clamps to INT_MAX). */
#define VFS_GETDENTS_MAX 65536
#define VFS_INLINE_MAX 2048
#define VFS_BLKSIZE 4096
#define VFS_R_OK 4
#define VFS_W_OK 2
#define VFS_X_OK 1
/* Cleanings of a mapped file before a write gives up waiting for its
 * mappers to stop writing (each may let unixio_lock go). */
#define VFS_CLEAN_TRIES 8

/* A resolved path: the node (or, for the parent form, its directory and last name). */
struct vfs_walk {
	struct vnode *dir;  /* parent form: the directory the last name is in */
	const char *name;   /* parent form: the last component (points into buf) */
	size_t len;
	int trailing_slash; /* the path ended in '/' */
	int no_last;	    /* parent form of "/" (or "a/.."): no last name at all */
	struct vnode *vn;   /* the node (NULL when the parent form's name does not exist) */
	char buf[2 * IO_PATH_MAX + 2];
};

struct vfs_device {
	uint64_t rdev; /* or, with any_minor, its major's devices: the rdev is the arg */
	vfs_devopen_t open;
	void *arg;
	int any_minor;
};

static struct vfs_device vfs_devices[VFS_MAX_DEVICES];
static int vfs_ndevices;
/* Who gives FIFOs their pipes (vfs_register_fifo), or NULL: ENXIO. */
static const struct vfs_fifo_ops *vfs_fifo;
static void vfs_fifo_changed(struct vnode *vn);
static const struct io_ops vfs_file_ops;
cthread_mutex_t vfs_lock = CTHREAD_MUTEX_INITIALIZER;
mach_port_t vfs_port_set = MACH_PORT_NULL;

void vfs_ref(struct vnode *vn)
{
	vn->refs++;
}

void vfs_rele(struct vnode *vn)
{
	assert(vn->refs > 0);
	if (--vn->refs == 0 && vn->ops->inactive != NULL)
		vn->ops->inactive(vn);
}

/* vn's attributes changed: its file system keeps them, a FIFO's ends see them. */
static int vfs_changed(struct vnode *vn)
{
	int rc = vn->ops->setattr != NULL ? vn->ops->setattr(vn) : 0;

	vfs_fifo_changed(vn);
	return rc;
}

void vfs_touch(struct vnode *vn, int which)
{
	struct vfs_time now;

	unixio_now(&now.sec, &now.nsec);
	if (which & VFS_ATIME)
		vn->atime = now;
	if (which & VFS_MTIME)
		vn->mtime = now;
	if (which & VFS_CTIME)
		vn->ctime = now;
	vfs_changed(vn);
}

static int vfs_is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static int vfs_is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* The top of the file system stack mounted on vn (vn itself if none), referenced. */
static struct vnode *vfs_cross_down(struct vnode *vn)
{
	while (vn->mounted != NULL) {
		struct vnode *top = vn->mounted->root;

		vfs_ref(top);
		vfs_rele(vn);
		vn = top;
	}
	return vn;
}

/* The parent of directory dir, never above root; referenced. */
static int vfs_parent(struct vnode *root, struct vnode *dir, struct vnode **out)
{
	struct vnode *cur = dir, *up;
	int rc;

	vfs_ref(cur);
	/* At the root of a mounted file system, ".." is the covered directory's. */
	while (cur != root && cur == cur->mount->root && cur->mount->covered != NULL) {
		up = cur->mount->covered;
		vfs_ref(up);
		vfs_rele(cur);
		cur = up;
	}
	if (cur == root || cur == cur->mount->root) {
		*out = cur;
		return 0;
	}
	rc = cur->ops->lookup(cur, "..", 2, &up);
	vfs_rele(cur);
	if (rc != 0)
		return rc;
	*out = vfs_cross_down(up);
	return 0;
}

static int vfs_permit(const struct io_cred *cred, const struct vnode *vn, int mode);

/*
 * Resolve path from start (or root if absolute) as cred (NULL: the
 * server itself, which may search anything; others need search
 * permission on every directory they pass).  parent: stop before
 * the last component and give its directory and name (w->vn is then the
 * node it names, or NULL).  follow: follow a symlink as last component.
 * On success the caller drops w->dir and w->vn (vfs_walk_done).
 */
static int vfs_resolve(const struct io_cred *cred, struct vnode *root, struct vnode *start, const char *path,
		       int parent, int follow, struct vfs_walk *w)
{
	struct vnode *cur, *next;
	char *rem;
	size_t pathlen = strlen(path), remlen;
	int links = 0, rc;

	memset(w, 0, offsetof(struct vfs_walk, buf));
	if (pathlen >= IO_PATH_MAX)
		return LINUX_ENAMETOOLONG;
	if (pathlen == 0)
		return LINUX_ENOENT;
	/* The rest of the path sits at the end of buf, so a symlink's target
	 * can be put in front of it. */
	rem = w->buf + sizeof(w->buf) - pathlen - 1;
	memcpy(rem, path, pathlen + 1);
	cur = path[0] == '/' ? root : start;
	vfs_ref(cur);
	for (;;) {
		const char *comp;
		size_t len;
		int last, slash;

		while (*rem == '/')
			rem++;
		if (*rem == '\0') {
			/* The path was "/" or ended with slashes after a directory. */
			if (parent) {
				/* No last name to act on ("/", "a/.."): the directory itself. */
				w->dir = cur;
				w->name = ".";
				w->len = 1;
				w->no_last = 1;
				vfs_ref(cur);
				w->vn = cur;
				return 0;
			}
			w->vn = cur;
			return 0;
		}
		comp = rem;
		while (*rem != '/' && *rem != '\0')
			rem++;
		len = rem - comp;
		slash = *rem == '/';
		{
			const char *p = rem;

			while (*p == '/')
				p++;
			last = *p == '\0';
		}
		if (len > IO_NAME_MAX) {
			rc = LINUX_ENAMETOOLONG;
			goto fail;
		}
		if (!VFS_ISDIR(cur)) {
			rc = LINUX_ENOTDIR;
			goto fail;
		}
		if (cred != NULL && (rc = vfs_permit(cred, cur, VFS_X_OK)) != 0)
			goto fail;
		if (vfs_is_dot(comp, len)) {
			next = cur;
			vfs_ref(next);
		} else if (vfs_is_dotdot(comp, len)) {
			rc = vfs_parent(root, cur, &next);
			if (rc != 0)
				goto fail;
		} else {
			rc = cur->ops->lookup(cur, comp, len, &next);
			if (rc == LINUX_ENOENT && parent && last) {
				next = NULL;
			} else if (rc != 0) {
				goto fail;
			} else {
				next = vfs_cross_down(next);
			}
		}
		if (next != NULL && VFS_ISLNK(next) && (!last || follow || slash)) {
			char target[IO_PATH_MAX];
			size_t tlen;

			if (++links > IO_SYMLOOP_MAX) {
				vfs_rele(next);
				rc = LINUX_ELOOP;
				goto fail;
			}
			rc = next->ops->readlink(next, target, sizeof(target));
			vfs_rele(next);
			if (rc != 0)
				goto fail;
			tlen = strlen(target);
			if (tlen == 0) {
				rc = LINUX_ENOENT;
				goto fail;
			}
			remlen = strlen(rem);
			if (tlen + 1 + remlen + 1 > sizeof(w->buf) || tlen + remlen >= IO_PATH_MAX) {
				rc = LINUX_ENAMETOOLONG;
				goto fail;
			}
			/* rem becomes target + rest (rest starts with its '/'). */
			rem -= tlen;
			memcpy(rem, target, tlen);
			if (target[0] == '/') {
				vfs_rele(cur);
				cur = root;
				vfs_ref(cur);
			}
			continue;
		}
		if (parent && last) {
			w->dir = cur;
			w->name = comp;
			w->len = len;
			w->trailing_slash = slash;
			w->vn = next;
			return 0;
		}
		vfs_rele(cur);
		cur = next;
		if (last) {
			if (slash && !VFS_ISDIR(cur)) {
				rc = LINUX_ENOTDIR;
				goto fail;
			}
			w->vn = cur;
			w->trailing_slash = slash;
			return 0;
		}
	}
fail:
	vfs_rele(cur);
	return rc;
}

static void vfs_walk_done(struct vfs_walk *w)
{
	if (w->dir != NULL)
		vfs_rele(w->dir);
	if (w->vn != NULL)
		vfs_rele(w->vn);
	w->dir = w->vn = NULL;
}

/* The open description behind a directory port of ours, or an errno. */
static int vfs_dir_of(io_t port, struct io_open **out)
{
	struct io_open *o = unixio_lookup(port);

	if (o == NULL)
		return LINUX_EBADF;
	if (o->ops != &vfs_file_ops)
		return LINUX_ENOTDIR;
	if (!VFS_ISDIR((struct vnode *) o->obj))
		return LINUX_ENOTDIR;
	*out = o;
	return 0;
}

static int vfs_path_ok(const char *path)
{
	return strlen(path) < IO_PATH_MAX ? 0 : LINUX_ENAMETOOLONG;
}

/* Creating in a directory that was removed (a cwd, say) finds nothing. */
static int vfs_dir_alive(struct vnode *dir)
{
	return dir->nlink > 0 ? 0 : LINUX_ENOENT;
}

/* May cred do mode (VFS_R_OK...) to vn?  Root may do all but execute
 * what nobody may execute. */
static int vfs_permit(const struct io_cred *cred, const struct vnode *vn, int mode)
{
	uint32_t bits, i;
	int in_group = cred->gid == vn->gid;

	if (cred->uid == 0) {
		if ((mode & VFS_X_OK) && !VFS_ISDIR(vn) && !(vn->mode & 0111))
			return LINUX_EACCES;
		return 0;
	}
	for (i = 0; i < cred->ngroups && !in_group; i++)
		in_group = cred->groups[i] == vn->gid;
	if (cred->uid == vn->uid)
		bits = (vn->mode >> 6) & 7;
	else if (in_group)
		bits = (vn->mode >> 3) & 7;
	else
		bits = vn->mode & 7;
	return ((uint32_t) mode & ~bits) ? LINUX_EACCES : 0;
}

/* May cred add or remove names in dir (alive, writable and searchable)? */
static int vfs_may_change(const struct io_cred *cred, struct vnode *dir)
{
	int rc = vfs_dir_alive(dir);

	return rc != 0 ? rc : vfs_permit(cred, dir, VFS_W_OK | VFS_X_OK);
}

/* May cred remove or replace vn's name in dir?  In a sticky directory
 * (/tmp) only vn's owner, dir's owner and root may. */
static int vfs_may_delete(const struct io_cred *cred, struct vnode *dir, struct vnode *vn)
{
	int rc = vfs_may_change(cred, dir);

	if (rc == 0 && (dir->mode & IO_S_ISVTX) && cred->uid != 0 && cred->uid != vn->uid && cred->uid != dir->uid)
		rc = LINUX_EPERM;
	return rc;
}

/* Whether gid is cred's effective or a supplementary group. */
static int vfs_in_group(const struct io_cred *cred, uint32_t gid)
{
	for (uint32_t i = 0; i < cred->ngroups; i++)
		if (cred->groups[i] == gid)
			return 1;
	return cred->gid == gid;
}

/* The group of a node cred makes in dir: dir's own when dir is
 * set-group-ID (and a directory made there is too), else cred's. */
static uint32_t vfs_new_gid(const struct io_cred *cred, const struct vnode *dir, uint32_t *mode)
{
	if (!(dir->mode & IO_S_ISGID))
		return cred->gid;
	if ((*mode & IO_S_IFMT) == IO_S_IFDIR)
		*mode |= IO_S_ISGID;
	return dir->gid;
}

/* A write, truncate or chown takes set-user-ID away, and set-group-ID
 * from a group-executable file (Linux: always for chown, unless root
 * for the others). */
static void vfs_kill_setid(struct vnode *vn)
{
	if (VFS_ISDIR(vn))
		return;
	vn->mode &= ~IO_S_ISUID;
	if (vn->mode & 0010)
		vn->mode &= ~IO_S_ISGID;
}

/* --- open files of vnodes (io.defs) --- */

static struct vnode *vfs_vnode(struct io_open *o)
{
	return o->obj;
}

static int vfs_file_read(struct io_open *o, int64_t off, char *buf, size_t amount, size_t *got)
{
	struct vnode *vn = vfs_vnode(o);
	uint64_t at = off == IO_OFFSET_CURRENT ? (uint64_t) o->offset : (uint64_t) off;
	int rc;

	if (VFS_ISDIR(vn))
		return LINUX_EISDIR;
	if (!VFS_ISREG(vn))
		return LINUX_EINVAL;
	*got = 0;
	vfs_pager_clean(o, vn, 1);
	if (at >= vn->size && !vn->ops->unsized)
		return 0;
	if (amount > vn->size - at && !vn->ops->unsized)
		amount = vn->size - at;
	rc = vn->ops->read(vn, at, buf, amount, got);
	if (rc != 0)
		return rc;
	/* No atime update per read (as with Linux's noatime): no clock call. */
	if (off == IO_OFFSET_CURRENT)
		o->offset += *got;
	return 0;
}

static int vfs_file_write(struct io_open *o, int64_t off, const char *buf, size_t len, size_t *done)
{
	struct vnode *vn = vfs_vnode(o);
	uint64_t at;
	int rc;

	if (!VFS_ISREG(vn))
		return LINUX_EINVAL;
	if (off != IO_OFFSET_CURRENT)
		at = off;
	else if (o->flags & IO_O_APPEND)
		at = vn->size;
	else
		at = o->offset;
	if (len == 0) {
		*done = 0;
		return 0;
	}
	if (o->cred.uid != 0)
		vfs_kill_setid(vn);
	/* Mapped pages the write does not cover stay as programs wrote them. */
	vfs_pager_clean(o, vn, VFS_CLEAN_TRIES);
	if (off == IO_OFFSET_CURRENT && (o->flags & IO_O_APPEND))
		at = vn->size; /* it may have moved while the lock was let go */
	rc = vn->ops->write(vn, at, buf, len, done);
	/* What went in counts (a disk that filled mid-way): a short write. */
	if (*done == 0)
		return rc != 0 ? rc : LINUX_EIO;
	vfs_pager_flush(vn, at, *done);
	if (off == IO_OFFSET_CURRENT)
		o->offset = at + *done;
	vfs_touch(vn, VFS_MTIME | VFS_CTIME);
	return 0;
}

static void vfs_fill_stat(struct vnode *vn, struct io_stat *st)
{
	st->st_dev = vn->mount->dev;
	st->st_ino = vn->ino;
	st->__st_ino = (uint32_t) vn->ino;
	st->st_mode = vn->mode;
	st->st_nlink = vn->nlink;
	st->st_uid = vn->uid;
	st->st_gid = vn->gid;
	st->st_rdev = vn->rdev;
	st->st_size = vn->size;
	st->st_blksize = VFS_BLKSIZE;
	st->st_blocks = vn->ops->blocks != NULL ? vn->ops->blocks(vn) : (vn->size + 511) / 512;
	st->st_atime_sec = vn->atime.sec;
	st->st_atime_nsec = vn->atime.nsec;
	st->st_mtime_sec = vn->mtime.sec;
	st->st_mtime_nsec = vn->mtime.nsec;
	st->st_ctime_sec = vn->ctime.sec;
	st->st_ctime_nsec = vn->ctime.nsec;
}

static int vfs_file_stat(struct io_open *o, struct io_stat *st)
{
	vfs_fill_stat(vfs_vnode(o), st);
	return 0;
}

static int vfs_file_poll(struct io_open *o)
{
	(void) o;
	return IO_POLLIN | IO_POLLOUT;
}

static int vfs_file_truncate(struct io_open *o, int64_t length)
{
	struct vnode *vn = vfs_vnode(o);
	int rc;

	if (!VFS_ISREG(vn))
		return LINUX_EINVAL;
	if (o->cred.uid != 0)
		vfs_kill_setid(vn);
	vfs_pager_clean(o, vn, VFS_CLEAN_TRIES);
	uint64_t old = vn->size;
	rc = vn->ops->truncate(vn, length);
	if (rc == 0) {
		/* Pages past the new end go (a later touch is SIGBUS), and the
		 * last one is read again with zeros after the end. */
		vfs_pager_flush(vn, (uint64_t) length < old ? (uint64_t) length : old, 0);
		vfs_touch(vn, VFS_MTIME | VFS_CTIME);
	}
	return rc;
}

static void vfs_set_time(struct vfs_time *t, uint32_t sec, uint32_t nsec, const struct vfs_time *now)
{
	if (nsec == IO_UTIME_OMIT)
		return;
	if (nsec == IO_UTIME_NOW) {
		*t = *now;
		return;
	}
	t->sec = sec;
	t->nsec = nsec;
}

static int vfs_file_set_times(struct io_open *o, const struct io_times *times)
{
	struct vnode *vn = vfs_vnode(o);
	struct vfs_time now;
	int omit = times->atime_nsec == IO_UTIME_OMIT && times->mtime_nsec == IO_UTIME_OMIT;
	int now_only = (times->atime_nsec == IO_UTIME_NOW || times->atime_nsec == IO_UTIME_OMIT) &&
		       (times->mtime_nsec == IO_UTIME_NOW || times->mtime_nsec == IO_UTIME_OMIT);

	if (omit)
		return 0;
	/* Owner or root; "now" also for whoever may write the file. */
	if (o->cred.uid != 0 && o->cred.uid != vn->uid) {
		if (!now_only)
			return LINUX_EPERM;
		if (vfs_permit(&o->cred, vn, VFS_W_OK) != 0)
			return LINUX_EACCES;
	}
	unixio_now(&now.sec, &now.nsec);
	vfs_set_time(&vn->atime, times->atime_sec, times->atime_nsec, &now);
	vfs_set_time(&vn->mtime, times->mtime_sec, times->mtime_nsec, &now);
	vn->ctime = now;
	return vfs_changed(vn);
}

static int vfs_file_chmod(struct io_open *o, uint32_t mode)
{
	struct vnode *vn = vfs_vnode(o);

	if (o->cred.uid != 0 && o->cred.uid != vn->uid)
		return LINUX_EPERM;
	/* Set-group-ID only on a file of one's own groups, unless root. */
	if (o->cred.uid != 0 && !vfs_in_group(&o->cred, vn->gid))
		mode &= ~IO_S_ISGID;
	vn->mode = (vn->mode & IO_S_IFMT) | (mode & IO_S_PERM);
	vfs_touch(vn, VFS_CTIME);
	return 0;
}

static int vfs_file_chown(struct io_open *o, uint32_t uid, uint32_t gid)
{
	struct vnode *vn = vfs_vnode(o);

	/* Only root gives files away; an owner may change the group to one
	 * of its own (_POSIX_CHOWN_RESTRICTED). */
	if (o->cred.uid != 0 &&
	    ((uid != (uint32_t) -1 && uid != vn->uid) ||
	     (gid != (uint32_t) -1 && gid != vn->gid && (o->cred.uid != vn->uid || !vfs_in_group(&o->cred, gid)))))
		return LINUX_EPERM;
	if (uid != (uint32_t) -1)
		vn->uid = uid;
	if (gid != (uint32_t) -1)
		vn->gid = gid;
	vfs_kill_setid(vn);
	vfs_touch(vn, VFS_CTIME);
	return 0;
}

static int vfs_file_sync(struct io_open *o, int datasync)
{
	struct vnode *vn = vfs_vnode(o);

	/* What mapped programs wrote reaches the file first (msync too). */
	vfs_pager_clean(o, vn, VFS_CLEAN_TRIES);
	return vn->ops->fsync != NULL ? vn->ops->fsync(vn, datasync) : 0;
}

static int vfs_file_syncfs(struct io_open *o)
{
	(void) o;
	return vfs_sync_all();
}

static int vfs_file_statfs(struct io_open *o, struct io_statfs *st)
{
	struct vfs_mount *m = vfs_vnode(o)->mount;

	st->f_fsid[0] = (uint32_t) m->dev;
	if (m->ops != NULL && m->ops->statfs != NULL)
		m->ops->statfs(m, st);
	else
		st->f_type = IO_RAMFS_MAGIC;
	return 0;
}

static void vfs_file_dup(struct io_open *o)
{
	vfs_ref(vfs_vnode(o));
	if (o->root != NULL)
		vfs_ref(o->root); /* vfs_file_close drops both */
}

static void vfs_file_close(struct io_open *o)
{
	vfs_rele(vfs_vnode(o));
	if (o->root != NULL)
		vfs_rele(o->root);
}

static const struct io_ops vfs_file_ops = {
	.read = vfs_file_read,
	.write = vfs_file_write,
	.stat = vfs_file_stat,
	.poll = vfs_file_poll,
	.truncate = vfs_file_truncate,
	.set_times = vfs_file_set_times,
	.chmod = vfs_file_chmod,
	.chown = vfs_file_chown,
	.sync = vfs_file_sync,
	.map = vfs_pager_map,
	.statfs = vfs_file_statfs,
	.syncfs = vfs_file_syncfs,
	.dup = vfs_file_dup,
	.close = vfs_file_close,
	.seekable = 1,
	.lock = &vfs_lock,
	.port_set = &vfs_port_set,
};

/* A new open description of vn (referenced by the caller, reference taken over). */
static int vfs_open_vnode(struct vnode *vn, struct vnode *root, int flags, const struct io_cred *cred,
			  mach_port_t *port, mach_msg_type_name_t *poly)
{
	struct io_open *o;
	int keep = IO_O_ACCMODE | IO_O_APPEND | IO_O_NONBLOCK | IO_O_PATH | IO_O_DIRECTORY | IO_O_EXEC_ONLY;

	o = unixio_open_new(&vfs_file_ops, vn, flags & keep, cred);
	if (o == NULL)
		return LINUX_ENFILE;
	o->root = root;
	vfs_ref(root);
	*port = o->port;
	*poly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

mach_port_t vfs_root_port(struct vnode *root, const struct io_cred *cred)
{
	mach_port_t port;
	mach_msg_type_name_t poly;

	vfs_ref(root);
	if (vfs_open_vnode(root, root, IO_O_PATH | IO_O_DIRECTORY, cred, &port, &poly) != 0) {
		vfs_rele(root);
		return MACH_PORT_NULL;
	}
	return port;
}

/* --- devices --- */

static int vfs_add_device(uint64_t rdev, vfs_devopen_t open, void *arg, int any_minor)
{
	int i;

	for (i = 0; i < vfs_ndevices; i++) {
		if (vfs_devices[i].rdev == rdev && vfs_devices[i].any_minor == any_minor) {
			vfs_devices[i].open = open;
			vfs_devices[i].arg = arg;
			return 0;
		}
	}
	if (vfs_ndevices == VFS_MAX_DEVICES)
		return LINUX_ENOMEM;
	vfs_devices[vfs_ndevices++] = (struct vfs_device){ rdev, open, arg, any_minor };
	return 0;
}

int vfs_register_device(uint64_t rdev, vfs_devopen_t open, void *arg)
{
	return vfs_add_device(rdev, open, arg, 0);
}

int vfs_register_major(uint32_t major, vfs_devopen_t open)
{
	return vfs_add_device(VFS_MKDEV(major, 0), open, NULL, 1);
}

/* The opener of the fs_open being served (vfs_lock held), or NULL. */
static struct vfs_opener *vfs_opener;

static int vfs_open_device(struct vnode *vn, int flags, const struct io_cred *cred, mach_port_t *port,
			   mach_msg_type_name_t *poly)
{
	int i;

	for (i = 0; i < vfs_ndevices; i++)
		if (!vfs_devices[i].any_minor && vfs_devices[i].rdev == vn->rdev)
			return vfs_devices[i].open(vfs_devices[i].arg, flags, cred, vfs_opener, port, poly);
	for (i = 0; i < vfs_ndevices; i++)
		if (vfs_devices[i].any_minor && vfs_devices[i].rdev >> 8 == vn->rdev >> 8)
			return vfs_devices[i].open((void *) (uintptr_t) vn->rdev, flags, cred, vfs_opener, port,
						   poly);
	return LINUX_ENXIO;
}

void vfs_register_fifo(const struct vfs_fifo_ops *ops)
{
	vfs_fifo = ops;
}

/*
 * An end of the pipe of FIFO vn, from the pipe service; an open for a
 * process (fs_open) learns whether it must wait for the other side.
 */
static int vfs_open_fifo(struct vnode *vn, int flags, const struct io_cred *cred, mach_port_t *port,
			 mach_msg_type_name_t *poly)
{
	struct io_stat st;
	int wait = 0, rc;

	if (vfs_fifo == NULL)
		return LINUX_ENXIO;
	memset(&st, 0, sizeof(st));
	vfs_fill_stat(vn, &st);
	rc = vfs_fifo->open(vn->mount->dev, vn->ino, flags & (IO_O_ACCMODE | IO_O_NONBLOCK), cred, &st, port, poly,
			    &wait);
	if (rc == 0 && wait && vfs_opener != NULL)
		vfs_opener->wait = 1;
	return rc;
}

/* FIFO vn's stat changed: its pipe's ends answer fstat with the new one. */
static void vfs_fifo_changed(struct vnode *vn)
{
	struct io_stat st;

	if (!VFS_ISFIFO(vn) || vfs_fifo == NULL)
		return;
	memset(&st, 0, sizeof(st));
	vfs_fill_stat(vn, &st);
	vfs_fifo->changed(vn->mount->dev, vn->ino, &st);
}

/* vn may have lost its last name: a FIFO's pipe is no longer its file's
 * (its ends' fstat says nlink 0 first). */
static void vfs_fifo_unlinked(struct vnode *vn)
{
	if (vn != NULL && VFS_ISFIFO(vn) && vn->nlink == 0 && vfs_fifo != NULL) {
		vfs_fifo_changed(vn);
		vfs_fifo->forget(vn->mount->dev, vn->ino);
	}
}

/* /dev/null and /dev/zero: the memory devices (obj: the rdev). */
#define VFS_DEV_NULL VFS_MKDEV(1, 3)
#define VFS_DEV_ZERO VFS_MKDEV(1, 5)

static int vfs_mem_read(struct io_open *o, int64_t off, char *buf, size_t amount, size_t *got)
{
	(void) off;
	if ((uintptr_t) o->obj == VFS_DEV_NULL) {
		*got = 0;
		return 0;
	}
	memset(buf, 0, amount);
	*got = amount;
	return 0;
}

static int vfs_mem_write(struct io_open *o, int64_t off, const char *buf, size_t len, size_t *done)
{
	(void) o;
	(void) off;
	(void) buf;
	*done = len;
	return 0;
}

static int vfs_mem_stat(struct io_open *o, struct io_stat *st)
{
	st->st_mode = IO_S_IFCHR | 0666;
	st->st_rdev = (uintptr_t) o->obj;
	st->st_nlink = 1;
	st->st_blksize = VFS_BLKSIZE;
	return 0;
}

static void vfs_mem_dup(struct io_open *o)
{
	(void) o;
}

static const struct io_ops vfs_mem_ops = {
	.read = vfs_mem_read,
	.write = vfs_mem_write,
	.stat = vfs_mem_stat,
	.poll = vfs_file_poll,
	.dup = vfs_mem_dup,
	.seekable = 1, /* lseek on /dev/null succeeds, as in Linux */
};

static int vfs_mem_open(void *arg, int flags, const struct io_cred *cred, struct vfs_opener *who, mach_port_t *port,
			mach_msg_type_name_t *poly)
{
	(void) who;
	struct io_open *o = unixio_open_new(&vfs_mem_ops, arg, flags & (IO_O_ACCMODE | IO_O_NONBLOCK | IO_O_APPEND),
					    cred);

	if (o == NULL)
		return LINUX_ENFILE;
	*port = o->port;
	*poly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

/* --- fs.defs --- */

/* The part of openat after the node is found (vn referenced, taken over). */
static int vfs_open_found(struct io_open *d, struct vnode *vn, int flags, mach_port_t *file,
			  mach_msg_type_name_t *poly)
{
	int acc = flags & IO_O_ACCMODE, rc;

	if ((flags & IO_O_DIRECTORY) && !VFS_ISDIR(vn)) {
		rc = LINUX_ENOTDIR;
		goto fail;
	}
	if (!(flags & IO_O_PATH)) {
		if (acc == IO_O_ACCMODE) {
			rc = LINUX_EINVAL;
			goto fail;
		}
		if (VFS_ISDIR(vn) && acc != IO_O_RDONLY) {
			rc = LINUX_EISDIR;
			goto fail;
		}
		if ((flags & IO_O_EXEC) && (acc != IO_O_RDONLY || !VFS_ISREG(vn))) {
			rc = LINUX_EACCES;
			goto fail;
		}
		int want = (flags & IO_O_EXEC)
			       ? VFS_X_OK
			       : (acc != IO_O_WRONLY ? VFS_R_OK : 0) | (acc != IO_O_RDONLY ? VFS_W_OK : 0);
		rc = vfs_permit(&d->cred, vn, want);
		if (rc != 0)
			goto fail;
		/* Executing what one may not read: the port gives nothing to
		 * read (IO_O_EXEC_ONLY), execve runs it in a new task. */
		if ((flags & IO_O_EXEC) && vfs_permit(&d->cred, vn, VFS_R_OK) != 0)
			flags |= IO_O_EXEC_ONLY;
		if (VFS_ISCHR(vn) || VFS_ISFIFO(vn)) {
			rc = VFS_ISCHR(vn) ? vfs_open_device(vn, flags, &d->cred, file, poly)
					   : vfs_open_fifo(vn, flags, &d->cred, file, poly);
			vfs_rele(vn);
			return rc;
		}
		/* Block devices and sockets: nothing in Ernst opens them. */
		if (!VFS_ISREG(vn) && !VFS_ISDIR(vn)) {
			rc = LINUX_ENXIO;
			goto fail;
		}
		if ((flags & IO_O_TRUNC) && VFS_ISREG(vn) && acc != IO_O_RDONLY && vn->size != 0) {
			rc = vn->ops->truncate(vn, 0);
			if (rc != 0)
				goto fail;
			vfs_touch(vn, VFS_MTIME | VFS_CTIME);
		}
	}
	rc = vfs_open_vnode(vn, d->root, flags, &d->cred, file, poly);
	if (rc != 0)
		goto fail;
	return 0;
fail:
	vfs_rele(vn);
	return rc;
}

kern_return_t S_fs_open(io_t dir, const char *path, int flags, int mode, mach_port_t proc, int caller,
			mach_port_t *file, mach_msg_type_name_t *poly, int *tty)
{
	struct vfs_opener who = { proc, caller, 0, 0 };
	kern_return_t rc;

	/* A device reached by this lookup opens for who (vfs_open_device). */
	vfs_opener = &who;
	rc = S_fs_lookup(dir, path, flags, mode, file, poly);
	vfs_opener = NULL;
	*tty = (who.tty ? FS_OPEN_TTY : 0) | (who.wait ? FS_OPEN_WAIT : 0);
	if (rc == 0 && MACH_PORT_VALID(proc))
		mach_port_deallocate(mach_task_self(), proc);
	return rc;
}

kern_return_t S_fs_lookup(io_t dir, const char *path, int flags, int mode, mach_port_t *file,
			  mach_msg_type_name_t *poly)
{
	struct io_open *d;
	struct vfs_walk *w;
	struct vnode *vn;
	int rc, excl = (flags & (IO_O_CREAT | IO_O_EXCL)) == (IO_O_CREAT | IO_O_EXCL);
	int follow = !(flags & IO_O_NOFOLLOW) && !excl;

	if (flags & IO_O_EXEC_ONLY)
		return LINUX_EINVAL; /* the service's to set */
	rc = vfs_dir_of(dir, &d);
	if (rc != 0)
		return rc;
	rc = vfs_path_ok(path);
	if (rc != 0)
		return rc;
	if (path[0] == '\0') {
		vn = d->obj;
		vfs_ref(vn);
		return vfs_open_found(d, vn, flags, file, poly);
	}
	w = malloc(sizeof(*w));
	if (w == NULL)
		return LINUX_ENOMEM;
	if (!(flags & IO_O_CREAT)) {
		rc = vfs_resolve(&d->cred, d->root, d->obj, path, 0, follow, w);
		if (rc != 0)
			goto out;
		vn = w->vn;
		w->vn = NULL;
		if (VFS_ISLNK(vn) && !(flags & IO_O_PATH)) {
			/* O_NOFOLLOW met a symlink. */
			vfs_rele(vn);
			rc = LINUX_ELOOP;
			goto out;
		}
		rc = vfs_open_found(d, vn, flags, file, poly);
		goto out;
	}
	/* O_CREAT: find the parent, then the name in it. */
	rc = vfs_resolve(&d->cred, d->root, d->obj, path, 1, follow, w);
	if (rc != 0)
		goto out;
	if (w->vn != NULL && (vfs_is_dot(w->name, w->len) || vfs_is_dotdot(w->name, w->len) || w->vn == w->dir)) {
		rc = LINUX_EISDIR;
		goto done;
	}
	if (w->vn != NULL) {
		if (excl) {
			rc = LINUX_EEXIST;
			goto done;
		}
		vn = vfs_cross_down(w->vn);
		w->vn = NULL;
		if (VFS_ISLNK(vn)) {
			/* Not followed (O_NOFOLLOW), or dangling: follow it by a full walk. */
			vfs_rele(vn);
			if (!follow) {
				rc = LINUX_ELOOP;
				goto done;
			}
			vfs_walk_done(w);
			rc = vfs_resolve(&d->cred, d->root, d->obj, path, 0, 1, w);
			if (rc != 0)
				goto out;
			vn = w->vn;
			w->vn = NULL;
		}
		rc = vfs_open_found(d, vn, flags & ~IO_O_CREAT, file, poly);
		goto done;
	}
	if (w->trailing_slash) {
		rc = LINUX_EISDIR;
		goto done;
	}
	rc = vfs_may_change(&d->cred, w->dir);
	if (rc != 0)
		goto done;
	uint32_t fmode = IO_S_IFREG | (mode & IO_S_PERM);
	uint32_t gid = vfs_new_gid(&d->cred, w->dir, &fmode);
	rc = w->dir->ops->create(w->dir, w->name, w->len, fmode, 0, NULL, d->cred.uid, gid, &vn);
	if (rc != 0)
		goto done;
	vfs_touch(w->dir, VFS_MTIME | VFS_CTIME);
	/* A new file: no truncation to do, no permission to check again. */
	rc = vfs_open_vnode(vn, d->root, flags, &d->cred, file, poly);
	if (rc != 0)
		vfs_rele(vn);
done:
	vfs_walk_done(w);
out:
	free(w);
	return rc;
}

/*
 * Resolve path's parent for a name operation: the last name must be a
 * plain one (not "." or ".."; dotname_err otherwise).
 */
static int vfs_resolve_name(struct io_open *d, const char *path, struct vfs_walk *w, int dotname_err)
{
	int rc = vfs_path_ok(path);

	if (rc != 0)
		return rc;
	rc = vfs_resolve(&d->cred, d->root, d->obj, path, 1, 0, w);
	if (rc != 0)
		return rc;
	if (vfs_is_dot(w->name, w->len) || vfs_is_dotdot(w->name, w->len)) {
		vfs_walk_done(w);
		return dotname_err;
	}
	return 0;
}

static int vfs_make(io_t dir, const char *path, uint32_t mode, uint64_t rdev, const char *target)
{
	struct io_open *d;
	struct vfs_walk *w;
	struct vnode *vn;
	int rc = vfs_dir_of(dir, &d);

	if (rc != 0)
		return rc;
	w = malloc(sizeof(*w));
	if (w == NULL)
		return LINUX_ENOMEM;
	rc = vfs_resolve_name(d, path, w, LINUX_EEXIST);
	if (rc != 0)
		goto out;
	if (w->vn != NULL) {
		rc = LINUX_EEXIST;
		goto done;
	}
	if (w->trailing_slash && (mode & IO_S_IFMT) != IO_S_IFDIR) {
		rc = LINUX_ENOENT;
		goto done;
	}
	rc = vfs_may_change(&d->cred, w->dir);
	if (rc != 0)
		goto done;
	/* Device nodes are root's to make (Linux's CAP_MKNOD, a file-system capability). */
	if (((mode & IO_S_IFMT) == IO_S_IFCHR || (mode & IO_S_IFMT) == IO_S_IFBLK) && d->cred.uid != 0) {
		rc = LINUX_EPERM;
		goto done;
	}
	uint32_t gid = vfs_new_gid(&d->cred, w->dir, &mode);
	rc = w->dir->ops->create(w->dir, w->name, w->len, mode, rdev, target, d->cred.uid, gid, &vn);
	if (rc != 0)
		goto done;
	vfs_rele(vn);
	vfs_touch(w->dir, VFS_MTIME | VFS_CTIME);
done:
	vfs_walk_done(w);
out:
	free(w);
	return rc;
}

kern_return_t S_fs_mkdir(io_t dir, const char *path, int mode)
{
	return vfs_make(dir, path, IO_S_IFDIR | (mode & IO_S_PERM), 0, NULL);
}

kern_return_t S_fs_symlink(io_t dir, const char *path, const char *target)
{
	size_t tlen = strlen(target);

	if (tlen == 0)
		return LINUX_ENOENT;
	if (tlen >= IO_PATH_MAX)
		return LINUX_ENAMETOOLONG;
	return vfs_make(dir, path, IO_S_IFLNK | 0777, 0, target);
}

kern_return_t S_fs_mknod(io_t dir, const char *path, int mode, int dev)
{
	uint32_t type = (uint32_t) mode & IO_S_IFMT;

	/* The type first, before the path (Linux's may_mknod). */
	switch (type) {
	case 0:
		type = IO_S_IFREG;
		break;
	case IO_S_IFREG:
	case IO_S_IFCHR:
	case IO_S_IFBLK:
	case IO_S_IFIFO:
	case IO_S_IFSOCK:
		break;
	case IO_S_IFDIR:
		return LINUX_EPERM;
	default:
		return LINUX_EINVAL;
	}
	if (type != IO_S_IFCHR && type != IO_S_IFBLK)
		dev = 0;
	return vfs_make(dir, path, type | ((uint32_t) mode & IO_S_PERM), (uint32_t) dev, NULL);
}

/* Whether vn is the root of a file system or has one mounted on it. */
static int vfs_busy(struct vnode *vn, struct vnode *root)
{
	return vn == root || vn->mounted != NULL || vn == vn->mount->root;
}

static int vfs_remove(io_t dir, const char *path, int want_dir)
{
	struct io_open *d;
	struct vfs_walk *w;
	struct vnode *vn;
	int rc = vfs_dir_of(dir, &d);

	if (rc != 0)
		return rc;
	w = malloc(sizeof(*w));
	if (w == NULL)
		return LINUX_ENOMEM;
	rc = vfs_path_ok(path);
	if (rc != 0)
		goto out;
	rc = vfs_resolve(&d->cred, d->root, d->obj, path, 1, 0, w);
	if (rc != 0)
		goto out;
	if (w->no_last) {
		rc = want_dir ? LINUX_EBUSY : LINUX_EISDIR;
		goto done;
	}
	if (vfs_is_dot(w->name, w->len)) {
		rc = want_dir ? LINUX_EINVAL : LINUX_EISDIR;
		goto done;
	}
	if (vfs_is_dotdot(w->name, w->len)) {
		rc = want_dir ? LINUX_ENOTEMPTY : LINUX_EISDIR;
		goto done;
	}
	vn = w->vn;
	if (vn == NULL) {
		rc = LINUX_ENOENT;
		goto done;
	}
	if (!want_dir && w->trailing_slash) {
		rc = VFS_ISDIR(vn) ? LINUX_EISDIR : LINUX_ENOTDIR;
		goto done;
	}
	/* Permission first, then what the entry is (Linux's order: a
	 * directory one may not write in answers EACCES, full or not). */
	rc = vfs_may_delete(&d->cred, w->dir, vn);
	if (rc != 0)
		goto done;
	if (want_dir && !VFS_ISDIR(vn)) {
		rc = LINUX_ENOTDIR;
		goto done;
	}
	if (!want_dir && VFS_ISDIR(vn)) {
		rc = LINUX_EISDIR;
		goto done;
	}
	if (want_dir && vfs_busy(vn, d->root)) {
		rc = LINUX_EBUSY;
		goto done;
	}
	if (want_dir && (rc = vn->ops->isempty(vn)) != 0)
		goto done;
	rc = w->dir->ops->unlink(w->dir, w->name, w->len, vn);
	if (rc != 0)
		goto done;
	vfs_touch(w->dir, VFS_MTIME | VFS_CTIME);
	if (vn->nlink > 0)
		vfs_touch(vn, VFS_CTIME);
	vfs_fifo_unlinked(vn);
done:
	vfs_walk_done(w);
out:
	free(w);
	return rc;
}

kern_return_t S_fs_rmdir(io_t dir, const char *path)
{
	return vfs_remove(dir, path, 1);
}

kern_return_t S_fs_unlink(io_t dir, const char *path)
{
	return vfs_remove(dir, path, 0);
}

/* Whether dir is ancestor (or the same) of vn, within vn's file system. */
static int vfs_is_ancestor(struct vnode *dir, struct vnode *vn)
{
	struct vnode *cur = vn, *up;
	int found = 0;

	vfs_ref(cur);
	while (!found) {
		if (cur == dir) {
			found = 1;
			break;
		}
		if (cur == cur->mount->root)
			break;
		if (cur->ops->lookup(cur, "..", 2, &up) != 0)
			break;
		vfs_rele(cur);
		cur = up;
	}
	vfs_rele(cur);
	return found;
}

/* The second directory port of rename/link: one of ours, or EXDEV. */
static int vfs_second_dir(mach_port_t port, struct io_open **out)
{
	struct io_open *o = unixio_lookup(port);

	if (o == NULL)
		return LINUX_EXDEV;
	if (o->ops != &vfs_file_ops || !VFS_ISDIR((struct vnode *) o->obj))
		return LINUX_ENOTDIR;
	*out = o;
	return 0;
}

/*
 * rename and link: both directory ports checked, two walks allocated
 * (zeroed, so vfs_two_done may run whatever happens next).
 */
static int vfs_two_start(io_t olddir, mach_port_t newdir, struct io_open **od, struct io_open **nd,
			 struct vfs_walk **ow, struct vfs_walk **nw)
{
	int rc = vfs_dir_of(olddir, od);

	*ow = *nw = NULL;
	if (rc == 0)
		rc = vfs_second_dir(newdir, nd);
	if (rc != 0)
		return rc;
	*ow = calloc(1, sizeof(**ow));
	*nw = calloc(1, sizeof(**nw));
	return *ow != NULL && *nw != NULL ? 0 : LINUX_ENOMEM;
}

/* The end of rename/link: on success the newdir right the request brought is ours to drop. */
static int vfs_two_done(struct vfs_walk *ow, struct vfs_walk *nw, mach_port_t newdir, int rc)
{
	if (ow != NULL)
		vfs_walk_done(ow);
	if (nw != NULL)
		vfs_walk_done(nw);
	free(ow);
	free(nw);
	if (rc == 0)
		mach_port_deallocate(mach_task_self(), newdir);
	return rc;
}

#define VFS_RENAME_NOREPLACE 1

kern_return_t S_fs_rename(io_t olddir, const char *oldpath, mach_port_t newdir, const char *newpath, int flags)
{
	struct io_open *od, *nd;
	struct vfs_walk *ow, *nw;
	struct vnode *vn, *target;
	int rc;

	rc = vfs_two_start(olddir, newdir, &od, &nd, &ow, &nw);
	if (rc == 0 && (flags & ~VFS_RENAME_NOREPLACE))
		rc = LINUX_EINVAL;
	if (rc != 0)
		goto out;
	rc = vfs_resolve_name(od, oldpath, ow, LINUX_EBUSY);
	if (rc != 0)
		goto out;
	rc = vfs_resolve_name(nd, newpath, nw, LINUX_EBUSY);
	if (rc != 0)
		goto out;
	vn = ow->vn;
	target = nw->vn;
	if (vn == NULL) {
		rc = LINUX_ENOENT;
		goto out;
	}
	if (ow->dir->mount != nw->dir->mount) {
		rc = LINUX_EXDEV;
		goto out;
	}
	if (vn == target) {
		rc = 0; /* two names of one file: nothing to do, as POSIX says */
		goto out;
	}
	if ((ow->trailing_slash || nw->trailing_slash) && !VFS_ISDIR(vn)) {
		rc = LINUX_ENOTDIR;
		goto out;
	}
	if (target != NULL && (flags & VFS_RENAME_NOREPLACE)) {
		rc = LINUX_EEXIST;
		goto out;
	}
	if (vfs_busy(vn, od->root) || (target != NULL && vfs_busy(target, nd->root))) {
		rc = LINUX_EBUSY;
		goto out;
	}
	if (VFS_ISDIR(vn)) {
		if (target != NULL && !VFS_ISDIR(target)) {
			rc = LINUX_ENOTDIR;
			goto out;
		}
		if (target != NULL && (rc = target->ops->isempty(target)) != 0)
			goto out;
		if (vfs_is_ancestor(vn, nw->dir)) {
			rc = LINUX_EINVAL;
			goto out;
		}
	} else if (target != NULL && VFS_ISDIR(target)) {
		rc = LINUX_EISDIR;
		goto out;
	}
	rc = vfs_may_delete(&od->cred, ow->dir, vn);
	if (rc == 0)
		rc = target != NULL ? vfs_may_delete(&nd->cred, nw->dir, target) : vfs_may_change(&nd->cred, nw->dir);
	/* A directory moving elsewhere has its ".." rewritten. */
	if (rc == 0 && VFS_ISDIR(vn) && ow->dir != nw->dir)
		rc = vfs_permit(&od->cred, vn, VFS_W_OK);
	if (rc != 0)
		goto out;
	rc = vn->ops->rename(ow->dir, ow->name, ow->len, vn, nw->dir, nw->name, nw->len, target);
	if (rc != 0)
		goto out;
	vfs_touch(ow->dir, VFS_MTIME | VFS_CTIME);
	vfs_touch(nw->dir, VFS_MTIME | VFS_CTIME);
	vfs_touch(vn, VFS_CTIME);
	vfs_fifo_unlinked(target);
out:
	return vfs_two_done(ow, nw, newdir, rc);
}

kern_return_t S_fs_link(io_t olddir, const char *oldpath, mach_port_t newdir, const char *newpath, int flags)
{
	struct io_open *od, *nd;
	struct vfs_walk *ow, *nw;
	struct vnode *vn;
	int rc;

	rc = vfs_two_start(olddir, newdir, &od, &nd, &ow, &nw);
	if (rc == 0 && (flags & ~IO_AT_SYMLINK_FOLLOW))
		rc = LINUX_EINVAL;
	if (rc == 0)
		rc = vfs_path_ok(oldpath);
	if (rc != 0)
		goto out;
	rc = vfs_resolve(&od->cred, od->root, od->obj, oldpath, 0, (flags & IO_AT_SYMLINK_FOLLOW) != 0, ow);
	if (rc != 0)
		goto out;
	rc = vfs_resolve_name(nd, newpath, nw, LINUX_EEXIST);
	if (rc != 0)
		goto out;
	vn = ow->vn;
	if (VFS_ISDIR(vn)) {
		rc = LINUX_EPERM;
		goto out;
	}
	if (nw->vn != NULL) {
		rc = LINUX_EEXIST;
		goto out;
	}
	if (vn->mount != nw->dir->mount) {
		rc = LINUX_EXDEV;
		goto out;
	}
	if (nw->trailing_slash) {
		rc = LINUX_ENOENT;
		goto out;
	}
	rc = vfs_may_change(&nd->cred, nw->dir);
	if (rc != 0)
		goto out;
	rc = nw->dir->ops->link(nw->dir, nw->name, nw->len, vn);
	if (rc != 0)
		goto out;
	vfs_touch(nw->dir, VFS_MTIME | VFS_CTIME);
	vfs_touch(vn, VFS_CTIME);
out:
	return vfs_two_done(ow, nw, newdir, rc);
}

/* Resolve path from a directory port for the calls that only look, as
 * cred (NULL: the port's identity). */
static int vfs_find(io_t dir, const char *path, int follow, int empty_ok, const struct io_cred *cred,
		    struct io_open **d, struct vnode **out)
{
	struct vfs_walk *w;
	int rc = vfs_dir_of(dir, d);

	if (rc == LINUX_ENOTDIR && empty_ok && path[0] == '\0') {
		/* fstatat(fd, "", AT_EMPTY_PATH) on any file of ours. */
		struct io_open *o = unixio_lookup(dir);

		if (o != NULL && o->ops == &vfs_file_ops) {
			*d = o;
			*out = o->obj;
			vfs_ref(*out);
			return 0;
		}
	}
	if (rc != 0)
		return rc;
	if (path[0] == '\0') {
		if (!empty_ok)
			return LINUX_ENOENT;
		*out = (*d)->obj;
		vfs_ref(*out);
		return 0;
	}
	w = malloc(sizeof(*w));
	if (w == NULL)
		return LINUX_ENOMEM;
	rc = vfs_resolve(cred != NULL ? cred : &(*d)->cred, (*d)->root, (*d)->obj, path, 0, follow, w);
	if (rc == 0) {
		*out = w->vn;
		w->vn = NULL;
	}
	free(w);
	return rc;
}

kern_return_t S_fs_readlink(io_t dir, const char *path, char *target)
{
	struct io_open *d;
	struct vnode *vn;
	int rc = vfs_path_ok(path);

	if (rc != 0)
		return rc;
	rc = vfs_find(dir, path, 0, 0, NULL, &d, &vn);
	if (rc != 0)
		return rc;
	if (VFS_ISLNK(vn))
		rc = vn->ops->readlink(vn, target, IO_PATH_MAX);
	else
		rc = LINUX_EINVAL;
	vfs_rele(vn);
	return rc;
}

kern_return_t S_fs_stat(io_t dir, const char *path, int flags, io_stat_t *st)
{
	struct io_open *d;
	struct vnode *vn;
	int rc = vfs_path_ok(path);

	if (rc != 0)
		return rc;
	if (flags & ~(IO_AT_SYMLINK_NOFOLLOW | IO_AT_EMPTY_PATH))
		return LINUX_EINVAL;
	rc = vfs_find(dir, path, !(flags & IO_AT_SYMLINK_NOFOLLOW), (flags & IO_AT_EMPTY_PATH) != 0, NULL, &d, &vn);
	if (rc != 0)
		return rc;
	memset(st, 0, sizeof(*st));
	vfs_fill_stat(vn, st);
	vfs_rele(vn);
	return 0;
}

kern_return_t S_fs_access(io_t dir, const char *path, int mode, int flags)
{
	struct io_open *d;
	struct vnode *vn;
	int rc = vfs_path_ok(path);

	if (rc != 0)
		return rc;
	if ((mode & ~(VFS_R_OK | VFS_W_OK | VFS_X_OK)) || (flags & ~(IO_AT_EACCESS | IO_AT_SYMLINK_NOFOLLOW)))
		return LINUX_EINVAL;
	/* Asked with the real ids unless AT_EACCESS. */
	struct io_open *o = unixio_lookup(dir);
	struct io_cred real;

	if (o == NULL)
		return LINUX_EBADF;
	real = o->cred;
	if (!(flags & IO_AT_EACCESS))
		real.uid = real.ruid, real.gid = real.rgid;
	rc = vfs_find(dir, path, !(flags & IO_AT_SYMLINK_NOFOLLOW), 0, &real, &d, &vn);
	if (rc != 0)
		return rc;
	rc = vfs_permit(&real, vn, mode);
	vfs_rele(vn);
	return rc;
}

struct vfs_dents {
	char *buf;
	size_t size;
	size_t used;
	uint64_t cookie; /* of the entry after the last one given */
	int any;
	int full; /* an entry did not fit */
};

static int vfs_fill_dent(void *arg, const char *name, size_t len, uint64_t ino, unsigned type, uint64_t next_cookie)
{
	struct vfs_dents *d = arg;
	size_t reclen = (IO_DIRENT64_HEADER + len + 1 + 7) & ~(size_t) 7;
	char *rec = d->buf + d->used;
	int64_t off = (int64_t) next_cookie;
	uint16_t rl = (uint16_t) reclen;
	uint8_t t = (uint8_t) type;

	if (d->used + reclen > d->size) {
		d->full = 1;
		return 1;
	}
	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &off, 8);
	memcpy(rec + 16, &rl, 2);
	memcpy(rec + 18, &t, 1);
	memcpy(rec + IO_DIRENT64_HEADER, name, len);
	d->used += reclen;
	d->cookie = next_cookie;
	d->any = 1;
	return 0;
}

kern_return_t S_fs_getdents64(io_t dir, int maxbytes, char **data, mach_msg_type_number_t *count)
{
	struct io_open *o = unixio_lookup(dir);
	struct vnode *vn;
	struct vfs_dents d;
	vm_address_t big = 0;
	uint64_t cookie;
	int rc;

	*count = 0;
	if (o == NULL)
		return LINUX_EBADF;
	if (o->ops != &vfs_file_ops || !VFS_ISDIR((struct vnode *) o->obj))
		return LINUX_ENOTDIR;
	if (o->flags & IO_O_PATH)
		return LINUX_EBADF;
	if (maxbytes < 0)
		return LINUX_EINVAL;
	vn = o->obj;
	d.size = maxbytes > VFS_GETDENTS_MAX ? VFS_GETDENTS_MAX : maxbytes;
	d.buf = *data;
	if (d.size > VFS_INLINE_MAX) {
		if (vm_allocate(mach_task_self(), &big, d.size, TRUE) != KERN_SUCCESS)
			return LINUX_ENOMEM;
		d.buf = (char *) big;
	}
	d.used = 0;
	d.any = 0;
	d.full = 0;
	cookie = o->offset;
	d.cookie = cookie;
	rc = vn->ops->readdir(vn, &cookie, vfs_fill_dent, &d);
	if (rc == 0 && !d.any && d.full)
		rc = LINUX_EINVAL; /* an entry is there but does not fit */
	if (rc != 0) {
		if (big != 0)
			vm_deallocate(mach_task_self(), big, d.size);
		return rc;
	}
	o->offset = d.cookie;
	if (big != 0 && d.used <= VFS_INLINE_MAX) {
		memcpy(*data, d.buf, d.used);
		vm_deallocate(mach_task_self(), big, d.size);
	} else if (big != 0) {
		*data = d.buf;
	}
	*count = d.used;
	return 0;
}

/* The name of directory vn in its parent (found by inode number). */
struct vfs_name_search {
	uint64_t ino;
	char *name;
	size_t len;
};

static int vfs_match_ino(void *arg, const char *name, size_t len, uint64_t ino, unsigned type, uint64_t next)
{
	struct vfs_name_search *s = arg;

	(void) type;
	(void) next;
	if (ino != s->ino || vfs_is_dot(name, len) || vfs_is_dotdot(name, len))
		return 0;
	memcpy(s->name, name, len);
	s->len = len;
	return 1;
}

/* The path of directory dir from root (IO_PATH_MAX bytes into path). */
static int vfs_dir_path(struct vnode *root, struct vnode *dir, char *path)
{
	struct vnode *cur = dir, *up;
	char name[IO_NAME_MAX + 1];
	size_t at = IO_PATH_MAX - 1; /* the path is built backwards from the end */
	int rc;

	if (cur->nlink == 0)
		return LINUX_ENOENT; /* removed */
	vfs_ref(cur);
	path[at] = '\0';
	for (;;) {
		struct vfs_name_search s = { 0, name, 0 };
		uint64_t cookie = 0;

		/* A mounted root is named by the directory it covers. */
		while (cur != root && cur == cur->mount->root && cur->mount->covered != NULL) {
			up = cur->mount->covered;
			vfs_ref(up);
			vfs_rele(cur);
			cur = up;
		}
		if (cur == root || cur == cur->mount->root)
			break;
		s.ino = cur->ino;
		rc = cur->ops->lookup(cur, "..", 2, &up);
		if (rc != 0)
			goto fail;
		vfs_rele(cur);
		cur = up;
		rc = cur->ops->readdir(cur, &cookie, vfs_match_ino, &s);
		if (rc == 0 && s.len == 0)
			rc = LINUX_ENOENT;
		if (rc != 0)
			goto fail;
		if (s.len + 1 > at) {
			rc = LINUX_ENAMETOOLONG;
			goto fail;
		}
		at -= s.len;
		memcpy(path + at, name, s.len);
		path[--at] = '/';
	}
	vfs_rele(cur);
	if (path[at] == '\0')
		path[--at] = '/';
	memmove(path, path + at, IO_PATH_MAX - at);
	return 0;
fail:
	vfs_rele(cur);
	return rc;
}

kern_return_t S_fs_dir_path(io_t dir, char *path)
{
	struct io_open *d;
	int rc = vfs_dir_of(dir, &d);

	return rc != 0 ? rc : vfs_dir_path(d->root, d->obj, path);
}

/* --- set-up --- */

static struct vfs_mount *vfs_mounts; /* the mount table, in mount order */

static void vfs_mount_add(struct vfs_mount *m)
{
	struct vfs_mount **at = &vfs_mounts;

	while (*at != NULL)
		at = &(*at)->next;
	m->next = NULL;
	*at = m;
}

int vfs_mount(struct vnode *dir, struct vfs_mount *m)
{
	if ((dir != NULL && !VFS_ISDIR(dir)) || !VFS_ISDIR(m->root))
		return LINUX_ENOTDIR;
	if (dir != NULL && dir->mounted != NULL)
		return LINUX_EBUSY;
	if (dir != NULL) {
		vfs_ref(dir);
		dir->mounted = m;
	}
	m->covered = dir;
	vfs_mount_add(m);
	return 0;
}

struct vfs_mount *vfs_mount_next(struct vfs_mount *m)
{
	return m == NULL ? vfs_mounts : m->next;
}

int vfs_mount_path(struct vfs_mount *m, char *path)
{
	struct vfs_mount *top = vfs_mounts;

	/* The root file system is the table's first mount that covers nothing. */
	while (top != NULL && top->covered != NULL)
		top = top->next;
	if (top == NULL)
		return LINUX_ENOENT;
	return vfs_dir_path(top->root, m->root, path);
}

int vfs_sync_all(void)
{
	int rc = 0;

	vfs_pager_clean_all(); /* what mapped programs wrote goes first */
	for (struct vfs_mount *m = vfs_mounts; m != NULL; m = m->next) {
		int err = m->ops != NULL && m->ops->sync != NULL ? m->ops->sync(m) : 0;
		if (rc == 0)
			rc = err;
	}
	return rc;
}

int vfs_unmount_all(void)
{
	int rc = 0;

	/* Open files hold vnodes (and roots): they go first. */
	unixio_revoke(&vfs_file_ops);
	/* The last mounted first: what is mounted on a file system goes before it. */
	while (vfs_mounts != NULL) {
		struct vfs_mount **at = &vfs_mounts, *m;
		int err = 0;

		while ((*at)->next != NULL)
			at = &(*at)->next;
		m = *at;
		*at = NULL;
		if (m->covered != NULL) {
			m->covered->mounted = NULL;
			vfs_rele(m->covered);
			m->covered = NULL;
		}
		if (m->ops != NULL && m->ops->unmount != NULL)
			err = m->ops->unmount(m);
		if (rc == 0)
			rc = err;
	}
	return rc;
}

int vfs_create_path(struct vnode *root, const char *path, uint32_t mode, uint64_t rdev, const char *target,
		    uint32_t uid, uint32_t gid, struct vnode **out)
{
	struct vfs_walk *w = malloc(sizeof(*w));
	struct vnode *vn = NULL;
	int rc;

	if (w == NULL)
		return LINUX_ENOMEM;
	rc = vfs_resolve(NULL, root, root, path, 1, 0, w);
	if (rc != 0)
		goto out;
	if (w->vn != NULL) {
		rc = LINUX_EEXIST;
		goto done;
	}
	rc = w->dir->ops->create(w->dir, w->name, w->len, mode, rdev, target, uid, gid, &vn);
	if (rc == 0 && out != NULL)
		*out = vn;
	else if (rc == 0)
		vfs_rele(vn);
done:
	vfs_walk_done(w);
out:
	free(w);
	return rc;
}

int vfs_lookup_path(struct vnode *root, const char *path, struct vnode **out)
{
	struct vfs_walk *w = malloc(sizeof(*w));
	int rc;

	if (w == NULL)
		return LINUX_ENOMEM;
	rc = vfs_resolve(NULL, root, root, path, 0, 1, w);
	if (rc == 0)
		*out = w->vn;
	free(w);
	return rc;
}

int vfs_mkdir_path(struct vnode *root, const char *path, uint32_t mode, uint32_t uid, uint32_t gid)
{
	return vfs_create_path(root, path, IO_S_IFDIR | (mode & IO_S_PERM), 0, NULL, uid, gid, NULL);
}

int vfs_link_vnode(struct vnode *root, struct vnode *vn, const char *newpath)
{
	struct vfs_walk *w = malloc(sizeof(*w));
	int rc;

	if (w == NULL)
		return LINUX_ENOMEM;
	rc = vfs_resolve(NULL, root, root, newpath, 1, 0, w);
	if (rc == 0) {
		if (w->vn != NULL)
			rc = LINUX_EEXIST;
		else if (VFS_ISDIR(vn) || vn->mount != w->dir->mount)
			rc = LINUX_EPERM;
		else
			rc = w->dir->ops->link(w->dir, w->name, w->len, vn);
		vfs_walk_done(w);
	}
	free(w);
	return rc;
}

int vfs_populate_dev(struct vnode *root)
{
	static const struct {
		const char *path;
		uint64_t rdev;
		uint32_t mode;
	} nodes[] = {
		{ "/dev/null", VFS_MKDEV(1, 3), 0666 },
		{ "/dev/zero", VFS_MKDEV(1, 5), 0666 },
		{ "/dev/tty", VFS_MKDEV(5, 0), 0666 },
		{ "/dev/console", VFS_MKDEV(5, 1), 0620 },
		{ "/dev/ptmx", VFS_MKDEV(5, 2), 0666 },
	};
	unsigned i;
	int rc;

	rc = vfs_mkdir_path(root, "/dev", 0755, 0, 0);
	if (rc != 0 && rc != LINUX_EEXIST)
		return rc;
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		rc = vfs_create_path(root, nodes[i].path, IO_S_IFCHR | nodes[i].mode, nodes[i].rdev, NULL, 0, 0, NULL);
		if (rc != 0 && rc != LINUX_EEXIST)
			return rc;
	}
	return 0;
}

kern_return_t vfs_init(void)
{
	unixio_add_demux(fs_server);
	if (vfs_pager_init() != KERN_SUCCESS)
		return KERN_RESOURCE_SHORTAGE;
	vfs_register_device(VFS_DEV_NULL, vfs_mem_open, (void *) (uintptr_t) VFS_DEV_NULL);
	vfs_register_device(VFS_DEV_ZERO, vfs_mem_open, (void *) (uintptr_t) VFS_DEV_ZERO);
	return KERN_SUCCESS;
}
