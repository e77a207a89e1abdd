/*
 * The RAM file system (ramfs.h).  A directory is a list of entries in
 * creation order, each with a cookie that never changes (telldir/seekdir
 * and getdents offsets stay valid while entries come and go: "rm -r"
 * removing what it reads skips nothing).  A node lives while it has a
 * name (nlink) or a reference (an open file, a walk in progress).
 */
#include <stdlib.h>
#include <string.h>

#include "ramfs.h"

/* statfs's block size, where a limit gives the counts. */
#define RAMFS_BLOCK 4096u
/* A regular file's data is in chunks of this many bytes (a page). */
#define RAMFS_CHUNK 4096u
#define RAMFS_CHUNKS_MAX (RAMFS_FILE_MAX / RAMFS_CHUNK)

/* Cookies 0 and 1 are "." and ".."; entries start here. */
#define RAMFS_FIRST_COOKIE 2

struct ramfs_node;

struct ramfs_dirent {
	struct ramfs_dirent *next;
	uint64_t cookie;
	struct ramfs_node *node;
	size_t len;
	char name[];
};

struct ramfs_node {
	struct vnode vn; /* first: a vnode is a ramfs_node */
	struct ramfs_node *parent; /* directories */
	struct ramfs_dirent *first, *last;
	uint64_t next_cookie;
	char *target; /* a symlink's */
	/*
	 * A regular file's data: chunk i holds bytes [i, i + 1) *
	 * RAMFS_CHUNK; a null one (a hole, or past what was ever written)
	 * reads as zeros and holds no room.  Growing adds chunks and never
	 * copies data (only the table of pointers, doubling).  Bytes of a
	 * chunk past the file's size are zeros (truncate clears them).
	 */
	char **chunks;
	size_t nchunks; /* the table's length */
};

struct ramfs {
	struct vfs_mount m; /* first */
	uint64_t next_ino;
	uint64_t bytes, limit; /* file data held (chunks), and the most allowed (0: no limit) */
};

static const struct vnode_ops ramfs_ops;

static struct ramfs_node *ramfs_node(struct vnode *vn)
{
	return (struct ramfs_node *) vn;
}

static unsigned ramfs_dtype(uint32_t mode)
{
	switch (mode & IO_S_IFMT) {
	case IO_S_IFDIR:
		return IO_DT_DIR;
	case IO_S_IFREG:
		return IO_DT_REG;
	case IO_S_IFLNK:
		return IO_DT_LNK;
	case IO_S_IFCHR:
		return IO_DT_CHR;
	case IO_S_IFIFO:
		return IO_DT_FIFO;
	default:
		return IO_DT_UNKNOWN;
	}
}

static struct ramfs_dirent *ramfs_find(struct ramfs_node *dir, const char *name, size_t len)
{
	struct ramfs_dirent *e;

	for (e = dir->first; e != NULL; e = e->next)
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	return NULL;
}

static int ramfs_add(struct ramfs_node *dir, const char *name, size_t len, struct ramfs_node *node)
{
	struct ramfs_dirent *e = malloc(sizeof(*e) + len);

	if (e == NULL)
		return LINUX_ENOSPC;
	e->next = NULL;
	e->cookie = dir->next_cookie++;
	e->node = node;
	e->len = len;
	memcpy(e->name, name, len);
	if (dir->last != NULL)
		dir->last->next = e;
	else
		dir->first = e;
	dir->last = e;
	dir->vn.size += 1;
	return 0;
}

/* Take the entry for node named name out of dir. */
static void ramfs_remove(struct ramfs_node *dir, const char *name, size_t len)
{
	struct ramfs_dirent **pe, *e, *prev = NULL;

	for (pe = &dir->first; (e = *pe) != NULL; pe = &e->next) {
		if (e->len == len && memcmp(e->name, name, len) == 0) {
			*pe = e->next;
			if (dir->last == e)
				dir->last = prev;
			dir->vn.size -= 1;
			free(e);
			return;
		}
		prev = e;
	}
}

static struct ramfs *ramfs_of(struct ramfs_node *n)
{
	return (struct ramfs *)n->vn.mount;
}

/* A file's chunks from first on go: their room is free again. */
static void ramfs_free_chunks(struct ramfs_node *n, size_t first)
{
	for (size_t i = first; i < n->nchunks; i++) {
		if (n->chunks[i] != NULL) {
			free(n->chunks[i]);
			n->chunks[i] = NULL;
			ramfs_of(n)->bytes -= RAMFS_CHUNK;
		}
	}
	if (first == 0) {
		free(n->chunks);
		n->chunks = NULL;
		n->nchunks = 0;
	}
}

static void ramfs_free(struct ramfs_node *n)
{
	ramfs_free_chunks(n, 0);
	free(n->target);
	free(n);
}

/* A name of n is gone: one link less (a directory's own "." goes too). */
static void ramfs_drop_link(struct ramfs_node *n)
{
	if (VFS_ISDIR(&n->vn)) {
		n->vn.nlink = 0;
		if (n->parent != NULL && n->parent != n)
			n->parent->vn.nlink--;
	} else {
		n->vn.nlink--;
	}
	if (n->vn.nlink == 0 && n->vn.refs == 0)
		ramfs_free(n);
}

static int ramfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct ramfs_node *d = ramfs_node(dir);
	struct ramfs_dirent *e;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = &d->parent->vn;
		vfs_ref(*out);
		return 0;
	}
	e = ramfs_find(d, name, len);
	if (e == NULL)
		return LINUX_ENOENT;
	*out = &e->node->vn;
	vfs_ref(*out);
	return 0;
}

static struct ramfs_node *ramfs_new_node(struct ramfs *fs, uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct ramfs_node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->vn.ops = &ramfs_ops;
	n->vn.mount = &fs->m;
	n->vn.mode = mode;
	n->vn.uid = uid;
	n->vn.gid = gid;
	n->vn.ino = fs->next_ino++;
	n->vn.nlink = VFS_ISDIR(&n->vn) ? 2 : 1;
	n->next_cookie = RAMFS_FIRST_COOKIE;
	unixio_now(&n->vn.mtime.sec, &n->vn.mtime.nsec);
	n->vn.atime = n->vn.ctime = n->vn.mtime;
	return n;
}

static int ramfs_create_node(struct vnode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
			     const char *target, uint32_t uid, uint32_t gid, struct vnode **out)
{
	struct ramfs_node *d = ramfs_node(dir), *n;
	int rc;

	n = ramfs_new_node((struct ramfs *) dir->mount, mode, uid, gid);
	if (n == NULL)
		return LINUX_ENOSPC;
	if (VFS_ISLNK(&n->vn)) {
		n->target = strdup(target != NULL ? target : "");
		if (n->target == NULL) {
			ramfs_free(n);
			return LINUX_ENOSPC;
		}
		n->vn.size = strlen(n->target);
	}
	if (VFS_ISCHR(&n->vn) || (mode & IO_S_IFMT) == IO_S_IFBLK)
		n->vn.rdev = rdev;
	rc = ramfs_add(d, name, len, n);
	if (rc != 0) {
		ramfs_free(n);
		return rc;
	}
	if (VFS_ISDIR(&n->vn)) {
		n->parent = d;
		d->vn.nlink++;
	}
	n->vn.refs = 1;
	*out = &n->vn;
	return 0;
}

static int ramfs_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
	int rc = ramfs_add(ramfs_node(dir), name, len, ramfs_node(vn));

	if (rc == 0)
		vn->nlink++;
	return rc;
}

static int ramfs_unlink(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
	ramfs_remove(ramfs_node(dir), name, len);
	ramfs_drop_link(ramfs_node(vn));
	return 0;
}

static int ramfs_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *vn, struct vnode *ndir,
			const char *nname, size_t nlen, struct vnode *target)
{
	struct ramfs_node *od = ramfs_node(odir), *nd = ramfs_node(ndir), *n = ramfs_node(vn);
	struct ramfs_dirent *e;

	if (target != NULL) {
		/* Point the existing entry at vn: the name never disappears. */
		e = ramfs_find(nd, nname, nlen);
		e->node = n;
		ramfs_drop_link(ramfs_node(target));
	} else {
		int rc = ramfs_add(nd, nname, nlen, n);

		if (rc != 0)
			return rc;
	}
	ramfs_remove(od, oname, olen);
	if (VFS_ISDIR(vn) && od != nd) {
		od->vn.nlink--;
		nd->vn.nlink++;
		n->parent = nd;
	}
	return 0;
}

/* Copy len bytes at off between the file and buf (to the file: write),
 * a chunk at a time; holes read as zeros (a write finds its chunks
 * there: ramfs_room). */
static void ramfs_copy(struct ramfs_node *n, uint64_t off, char *buf, size_t len, int write)
{
	while (len > 0) {
		size_t i = (size_t) (off / RAMFS_CHUNK), in = (size_t) (off % RAMFS_CHUNK);
		size_t k = RAMFS_CHUNK - in < len ? RAMFS_CHUNK - in : len;
		char *c = i < n->nchunks ? n->chunks[i] : NULL;

		if (write)
			memcpy(c + in, buf, k);
		else if (c != NULL)
			memcpy(buf, c + in, k);
		else
			memset(buf, 0, k);
		off += k, buf += k, len -= k;
	}
}

static int ramfs_read(struct vnode *vn, uint64_t off, char *buf, size_t len, size_t *got)
{
	ramfs_copy(ramfs_node(vn), off, buf, len, 0);
	*got = len;
	return 0;
}

/*
 * Every chunk of [off, off + len) there (len > 0), or nothing changed
 * but the table's length: EFBIG past RAMFS_FILE_MAX, ENOSPC past the
 * limit (counted before anything is taken) or the heap.
 */
static int ramfs_room(struct ramfs_node *n, uint64_t off, size_t len)
{
	struct ramfs *fs = ramfs_of(n);
	uint64_t end = off + len;
	size_t first, last, missing = 0;

	if (off > RAMFS_FILE_MAX || end > RAMFS_FILE_MAX)
		return LINUX_EFBIG;
	first = (size_t) (off / RAMFS_CHUNK);
	last = (size_t) ((end - 1) / RAMFS_CHUNK);
	if (last >= n->nchunks) {
		size_t want = n->nchunks < 16 ? 16 : n->nchunks;
		char **table;

		while (want <= last)
			want = want > RAMFS_CHUNKS_MAX / 2 ? RAMFS_CHUNKS_MAX : want * 2;
		table = realloc(n->chunks, want * sizeof(*table));
		if (table == NULL)
			return LINUX_ENOSPC;
		memset(table + n->nchunks, 0, (want - n->nchunks) * sizeof(*table));
		n->chunks = table;
		n->nchunks = want;
	}
	for (size_t i = first; i <= last; i++)
		missing += n->chunks[i] == NULL;
	if (fs->limit != 0 && (uint64_t) missing * RAMFS_CHUNK > fs->limit - fs->bytes)
		return LINUX_ENOSPC;
	for (size_t i = first; i <= last; i++) {
		if (n->chunks[i] != NULL)
			continue;
		/* Zeros, as the hole it fills read (a failure keeps those
		 * taken: zeros, counted, freed with the file). */
		n->chunks[i] = calloc(1, RAMFS_CHUNK);
		if (n->chunks[i] == NULL)
			return LINUX_ENOSPC;
		fs->bytes += RAMFS_CHUNK;
	}
	return 0;
}

static int ramfs_write(struct vnode *vn, uint64_t off, const char *buf, size_t len, size_t *done)
{
	struct ramfs_node *n = ramfs_node(vn);
	int rc;

	*done = 0;
	if (len == 0)
		return off > RAMFS_FILE_MAX ? LINUX_EFBIG : 0;
	rc = ramfs_room(n, off, len);
	if (rc != 0)
		return rc;
	ramfs_copy(n, off, (char *) buf, len, 1);
	if (off + len > vn->size)
		vn->size = off + len;
	*done = len;
	return 0;
}

/* Growing makes a hole (no room taken); shrinking frees the chunks past
 * the end and clears the rest of the last one, which a later growth
 * shows as zeros. */
static int ramfs_truncate(struct vnode *vn, uint64_t size)
{
	struct ramfs_node *n = ramfs_node(vn);

	if (size > RAMFS_FILE_MAX)
		return LINUX_EFBIG;
	if (size < vn->size) {
		size_t keep = (size_t) ((size + RAMFS_CHUNK - 1) / RAMFS_CHUNK), in = (size_t) (size % RAMFS_CHUNK);

		ramfs_free_chunks(n, keep);
		if (in != 0 && keep - 1 < n->nchunks && n->chunks[keep - 1] != NULL)
			memset(n->chunks[keep - 1] + in, 0, RAMFS_CHUNK - in);
	}
	vn->size = size;
	return 0;
}

static int ramfs_readdir(struct vnode *dir, uint64_t *cookie, vfs_filldir_t fill, void *arg)
{
	struct ramfs_node *d = ramfs_node(dir);
	struct ramfs_dirent *e;

	if (*cookie == 0) {
		if (fill(arg, ".", 1, dir->ino, IO_DT_DIR, 1))
			return 0;
		*cookie = 1;
	}
	if (*cookie == 1) {
		if (fill(arg, "..", 2, d->parent->vn.ino, IO_DT_DIR, RAMFS_FIRST_COOKIE))
			return 0;
		*cookie = RAMFS_FIRST_COOKIE;
	}
	for (e = d->first; e != NULL; e = e->next) {
		if (e->cookie < *cookie)
			continue;
		if (fill(arg, e->name, e->len, e->node->vn.ino, ramfs_dtype(e->node->vn.mode), e->cookie + 1))
			return 0;
		*cookie = e->cookie + 1;
	}
	/* At the end: past every cookie given, so new entries come later. */
	if (*cookie < d->next_cookie)
		*cookie = d->next_cookie;
	return 0;
}

static int ramfs_readlink(struct vnode *vn, char *buf, size_t size)
{
	struct ramfs_node *n = ramfs_node(vn);

	if (vn->size + 1 > size)
		return LINUX_ENAMETOOLONG;
	memcpy(buf, n->target, vn->size + 1);
	return 0;
}

static int ramfs_isempty(struct vnode *dir)
{
	return ramfs_node(dir)->first == NULL ? 0 : LINUX_ENOTEMPTY;
}

static void ramfs_inactive(struct vnode *vn)
{
	if (vn->nlink == 0)
		ramfs_free(ramfs_node(vn));
}

static const struct vnode_ops ramfs_ops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create_node,
	.link = ramfs_link,
	.unlink = ramfs_unlink,
	.rename = ramfs_rename,
	.read = ramfs_read,
	.write = ramfs_write,
	.truncate = ramfs_truncate,
	.readdir = ramfs_readdir,
	.readlink = ramfs_readlink,
	.isempty = ramfs_isempty,
	.inactive = ramfs_inactive,
};

/* With a limit, df shows it: tmpfs's answer, in 4 KiB blocks. */
static void ramfs_statfs(struct vfs_mount *m, struct io_statfs *st)
{
	struct ramfs *fs = (struct ramfs *)m;

	st->f_type = IO_RAMFS_MAGIC;
	if (fs->limit == 0)
		return;
	st->f_blocks = fs->limit / RAMFS_BLOCK;
	st->f_bfree = st->f_bavail = (fs->limit - fs->bytes) / RAMFS_BLOCK;
}

static const struct vfs_fs_ops ramfs_fs_ops = {
	.statfs = ramfs_statfs,
};

void ramfs_set_limit(struct vfs_mount *m, uint64_t bytes)
{
	((struct ramfs *)m)->limit = bytes;
}

struct vfs_mount *ramfs_create(uint64_t dev)
{
	struct ramfs *fs = calloc(1, sizeof(*fs));
	struct ramfs_node *root;

	if (fs == NULL)
		return NULL;
	fs->m.dev = dev;
	fs->m.type = "ramfs";
	fs->m.ops = &ramfs_fs_ops;
	fs->next_ino = 1;
	root = ramfs_new_node(fs, IO_S_IFDIR | 0755, 0, 0);
	if (root == NULL) {
		free(fs);
		return NULL;
	}
	root->parent = root;
	root->vn.refs = 1; /* the mount's */
	fs->m.root = &root->vn;
	return &fs->m;
}
