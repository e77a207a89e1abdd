/*
 * Operations on names: lookup, create, mkdir, symlink, link, unlink,
 * rmdir, rename.  Each checks everything it can before it changes
 * anything (types, emptiness, link limits, a directory moved under
 * itself), then changes the directory entries and link counts in an
 * order that leaves a name for the file at every step.
 */
#include <string.h>

#include "ext2_impl.h"

/* Deepest directory tree walked when checking a rename (a longer chain
 * of ".." can only be a loop: damage). */
#define EXT2_MAX_DEPTH 65536

static int check_name(const char *name, size_t len)
{
	if (len == 0)
		return LINUX_ENOENT;
	if (len > EXT2_NAME_LEN)
		return LINUX_ENAMETOOLONG;
	if (memchr(name, '/', len) != NULL || memchr(name, '\0', len) != NULL)
		return LINUX_EINVAL;
	return 0;
}

static bool is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* dir can take a new name: a directory still linked, writable. */
static int check_dir_for_change(struct ext2_node *dir, const char *name, size_t len)
{
	if (dir->fs->flags & EXT2_MOUNT_RDONLY)
		return LINUX_EROFS;
	if (!EXT2_ISDIR(dir->di.i_mode))
		return LINUX_ENOTDIR;
	if (dir->di.i_links_count == 0)
		return LINUX_ENOENT; /* removed while in use */
	return check_name(name, len);
}

int ext2_lookup(struct ext2_node *dir, const char *name, size_t len, struct ext2_node **np)
{
	uint32_t ino;

	*np = NULL;
	if (!EXT2_ISDIR(dir->di.i_mode))
		return LINUX_ENOTDIR;
	int err = check_name(name, len);
	if (err == 0)
		err = ext2_dir_find(dir, name, len, &ino);
	if (err == 0)
		err = ext2_iget(dir->fs, ino, np);
	return err;
}

static int name_free(struct ext2_node *dir, const char *name, size_t len)
{
	uint32_t ino;
	int err = ext2_dir_find(dir, name, len, &ino);
	if (err == 0)
		return LINUX_EEXIST;
	return err == LINUX_ENOENT ? 0 : err;
}

/* A new inode with one name in dir; on failure nothing is left. */
static int make_node(struct ext2_node *dir, const char *name, size_t len, uint32_t mode, uint32_t uid,
		     uint32_t gid, struct ext2_node **np)
{
	int err = check_dir_for_change(dir, name, len);
	if (err == 0)
		err = name_free(dir, name, len);
	if (err == 0)
		err = ext2_node_new(dir->fs, dir, mode, uid, gid, np);
	return err;
}

/* Undoes make_node for a node whose name could not be added. */
static void unmake_node(struct ext2_node *n)
{
	n->di.i_links_count = 0;
	ext2_iput(n);
}

int ext2_create(struct ext2_node *dir, const char *name, size_t len, uint32_t mode, uint32_t uid, uint32_t gid,
		uint32_t rdev, struct ext2_node **np)
{
	struct ext2_node *n;

	*np = NULL;
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
	case EXT2_S_IFIFO:
	case EXT2_S_IFSOCK:
	case EXT2_S_IFCHR:
	case EXT2_S_IFBLK:
		break;
	default:
		return LINUX_EINVAL;
	}
	int err = make_node(dir, name, len, mode, uid, gid, &n);
	if (err != 0)
		return err;
	uint32_t type = mode & EXT2_S_IFMT;
	if (type == EXT2_S_IFCHR || type == EXT2_S_IFBLK) {
		/* Linux's places: the old 16-bit number in i_block[0], a larger one in i_block[1]. */
		if (rdev <= UINT16_MAX)
			n->di.i_block[0] = rdev;
		else
			n->di.i_block[1] = rdev;
	}
	n->di.i_links_count = 1;
	err = ext2_node_write(n);
	if (err == 0)
		err = ext2_dir_add(dir, name, len, n->ino, mode);
	if (err != 0) {
		unmake_node(n);
		return err;
	}
	*np = n;
	return 0;
}

int ext2_mkdir(struct ext2_node *dir, const char *name, size_t len, uint32_t mode, uint32_t uid, uint32_t gid,
	       struct ext2_node **np)
{
	struct ext2_node *n;

	*np = NULL;
	if (EXT2_ISDIR(dir->di.i_mode) && dir->di.i_links_count >= EXT2_LINK_MAX)
		return LINUX_EMLINK;
	int err = make_node(dir, name, len, EXT2_S_IFDIR | (mode & EXT2_S_PERM), uid, gid, &n);
	if (err != 0)
		return err;
	n->di.i_links_count = 2; /* its name and its "." */
	err = ext2_dir_init(n, dir->ino);
	if (err == 0)
		err = ext2_dir_add(dir, name, len, n->ino, n->di.i_mode);
	if (err != 0) {
		unmake_node(n);
		return err;
	}
	dir->di.i_links_count++; /* the new ".." */
	err = ext2_node_write(dir);
	if (err != 0) {
		ext2_iput(n);
		return err;
	}
	*np = n;
	return 0;
}

int ext2_symlink(struct ext2_node *dir, const char *name, size_t len, const char *target, size_t tlen,
		 uint32_t uid, uint32_t gid, struct ext2_node **np)
{
	struct ext2_fs *fs = dir->fs;
	struct ext2_node *n;

	*np = NULL;
	if (tlen == 0)
		return LINUX_ENOENT;
	if (tlen >= fs->block_size)
		return LINUX_ENAMETOOLONG;
	int err = make_node(dir, name, len, EXT2_S_IFLNK | 0777, uid, gid, &n);
	if (err != 0)
		return err;
	if (tlen < EXT2_FAST_SYMLINK_MAX) {
		memcpy(n->di.i_block, target, tlen);
	} else {
		uint32_t pblk;
		bool fresh;
		struct ext2_buf *b;
		err = ext2_bmap(n, 0, true, &pblk, &fresh);
		if (err == 0)
			err = ext2_bget(fs, pblk, EXT2_GET_NOREAD, &b);
		if (err != 0) {
			unmake_node(n);
			return err;
		}
		memset(b->data, 0, fs->block_size);
		memcpy(b->data, target, tlen);
		ext2_bdirty(fs, b, n->ino);
		ext2_bput(fs, b);
	}
	n->di.i_size = (uint32_t)tlen;
	n->di.i_links_count = 1;
	err = ext2_node_write(n);
	if (err == 0)
		err = ext2_dir_add(dir, name, len, n->ino, n->di.i_mode);
	if (err != 0) {
		unmake_node(n);
		return err;
	}
	*np = n;
	return 0;
}

int ext2_readlink(struct ext2_node *n, char *buf, size_t bufsize, size_t *len)
{
	struct ext2_fs *fs = n->fs;
	uint32_t size = n->di.i_size;
	uint32_t ea = n->di.i_file_acl != 0 ? fs->block_size / EXT2_DEV_SECTOR : 0;

	*len = 0;
	if (!EXT2_ISLNK(n->di.i_mode))
		return LINUX_EINVAL;
	size_t copy = size < bufsize ? size : bufsize;
	if (n->di.i_blocks <= ea) {
		if (size >= EXT2_FAST_SYMLINK_MAX)
			return ext2_corrupt(fs, "fast symbolic link too long", n->ino);
		memcpy(buf, n->di.i_block, copy);
	} else {
		size_t done;
		int err = ext2_read(n, 0, buf, copy, &done);
		if (err != 0)
			return err;
		if (done != copy)
			return ext2_corrupt(fs, "symbolic link shorter than its size", n->ino);
	}
	*len = size;
	return 0;
}

int ext2_link(struct ext2_node *dir, const char *name, size_t len, struct ext2_node *n)
{
	if (dir->fs != n->fs)
		return LINUX_EXDEV;
	if (EXT2_ISDIR(n->di.i_mode))
		return LINUX_EPERM;
	if (n->di.i_links_count == 0)
		return LINUX_ENOENT;
	if (n->di.i_links_count >= EXT2_LINK_MAX)
		return LINUX_EMLINK;
	int err = check_dir_for_change(dir, name, len);
	if (err == 0)
		err = name_free(dir, name, len);
	if (err == 0)
		err = ext2_dir_add(dir, name, len, n->ino, n->di.i_mode);
	if (err != 0)
		return err;
	n->di.i_links_count++;
	n->di.i_ctime = ext2_now(n->fs);
	return ext2_node_write(n);
}

/* One name of n gone (a directory's two: its name and its "."). */
static int drop_link(struct ext2_node *n)
{
	if (EXT2_ISDIR(n->di.i_mode))
		n->di.i_links_count = 0;
	else if (n->di.i_links_count > 0)
		n->di.i_links_count--;
	n->di.i_ctime = ext2_now(n->fs);
	return ext2_node_write(n);
}

int ext2_unlink(struct ext2_node *dir, const char *name, size_t len)
{
	struct ext2_node *n;

	int err = check_dir_for_change(dir, name, len);
	if (err == 0)
		err = ext2_lookup(dir, name, len, &n);
	if (err != 0)
		return err;
	if (EXT2_ISDIR(n->di.i_mode))
		err = LINUX_EISDIR;
	if (err == 0)
		err = ext2_dir_remove(dir, name, len);
	if (err == 0)
		err = drop_link(n);
	int e = ext2_iput_release(n);
	return err != 0 ? err : e;
}

int ext2_rmdir(struct ext2_node *dir, const char *name, size_t len)
{
	struct ext2_node *n;
	bool empty;

	int err = check_dir_for_change(dir, name, len);
	if (err != 0)
		return err;
	if (is_dot(name, len))
		return len == 1 ? LINUX_EINVAL : LINUX_ENOTEMPTY;
	err = ext2_lookup(dir, name, len, &n);
	if (err != 0)
		return err;
	if (!EXT2_ISDIR(n->di.i_mode))
		err = LINUX_ENOTDIR;
	if (err == 0)
		err = ext2_dir_empty(n, &empty);
	if (err == 0 && !empty)
		err = LINUX_ENOTEMPTY;
	if (err == 0)
		err = ext2_dir_remove(dir, name, len);
	if (err == 0) {
		drop_link(n);
		if (dir->di.i_links_count > 1)
			dir->di.i_links_count--; /* n's ".." */
		err = ext2_node_write(dir);
	}
	int e = ext2_iput_release(n);
	return err != 0 ? err : e;
}

/* Is directory ino dir itself or below it?  Walks ".." from dir up. */
static int dir_is_below(struct ext2_node *dir, uint32_t ino, bool *below)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t cur = dir->ino;

	*below = false;
	for (unsigned depth = 0; depth < EXT2_MAX_DEPTH; depth++) {
		struct ext2_node *n = NULL;
		if (cur == ino) {
			*below = true;
			return 0;
		}
		if (cur == EXT2_ROOT_INO)
			return 0;
		int err = ext2_iget(fs, cur, &n);
		if (err == 0 && !EXT2_ISDIR(n->di.i_mode))
			err = ext2_corrupt(fs, "\"..\" names a non-directory", cur);
		if (err == 0)
			err = ext2_dir_find(n, "..", 2, &cur);
		if (n != NULL)
			ext2_iput(n);
		if (err != 0)
			return err == LINUX_ENOENT ? ext2_corrupt(fs, "directory without \"..\"", cur) : err;
	}
	return ext2_corrupt(fs, "directory tree has a loop", dir->ino);
}

int ext2_rename(struct ext2_node *olddir, const char *oldname, size_t oldlen, struct ext2_node *newdir,
		const char *newname, size_t newlen, unsigned flags)
{
	struct ext2_fs *fs = olddir->fs;
	struct ext2_node *src = NULL, *dst = NULL;
	bool below, empty;

	if (fs != newdir->fs)
		return LINUX_EXDEV;
	if (flags & ~EXT2_RENAME_NOREPLACE)
		return LINUX_EINVAL;
	int err = check_dir_for_change(olddir, oldname, oldlen);
	if (err == 0)
		err = check_dir_for_change(newdir, newname, newlen);
	if (err != 0)
		return err;
	if (is_dot(oldname, oldlen) || is_dot(newname, newlen))
		return LINUX_EBUSY;
	err = ext2_lookup(olddir, oldname, oldlen, &src);
	if (err != 0)
		return err;
	bool src_dir = EXT2_ISDIR(src->di.i_mode);
	err = ext2_lookup(newdir, newname, newlen, &dst);
	if (err == LINUX_ENOENT)
		err = 0;
	if (err != 0)
		goto out;
	if (dst == src) {
		err = flags & EXT2_RENAME_NOREPLACE ? LINUX_EEXIST : 0; /* two names of one file */
		goto out;
	}
	if (dst != NULL) {
		if (flags & EXT2_RENAME_NOREPLACE)
			err = LINUX_EEXIST;
		else if (src_dir && !EXT2_ISDIR(dst->di.i_mode))
			err = LINUX_ENOTDIR;
		else if (!src_dir && EXT2_ISDIR(dst->di.i_mode))
			err = LINUX_EISDIR;
		else if (src_dir && (err = ext2_dir_empty(dst, &empty)) == 0 && !empty)
			err = LINUX_ENOTEMPTY;
		if (err != 0)
			goto out;
	}
	if (src_dir && olddir != newdir) {
		err = dir_is_below(newdir, src->ino, &below);
		if (err == 0 && below)
			err = LINUX_EINVAL;
		if (err == 0 && dst == NULL && newdir->di.i_links_count >= EXT2_LINK_MAX)
			err = LINUX_EMLINK;
		if (err != 0)
			goto out;
	}
	/* Act: the new name first (replacing in place keeps a name for the
	 * target's slot at every step), then the old name goes. */
	if (dst != NULL)
		err = ext2_dir_set(newdir, newname, newlen, src->ino, src->di.i_mode);
	else
		err = ext2_dir_add(newdir, newname, newlen, src->ino, src->di.i_mode);
	if (err != 0)
		goto out;
	err = ext2_dir_remove(olddir, oldname, oldlen);
	if (err != 0)
		goto out;
	if (dst != NULL) {
		drop_link(dst);
		if (EXT2_ISDIR(dst->di.i_mode) && newdir->di.i_links_count > 1)
			newdir->di.i_links_count--; /* dst's ".." */
	}
	if (src_dir && olddir != newdir) {
		err = ext2_dir_set(src, "..", 2, newdir->ino, EXT2_S_IFDIR);
		if (olddir->di.i_links_count > 1)
			olddir->di.i_links_count--;
		newdir->di.i_links_count++;
		ext2_node_write(olddir);
	}
	src->di.i_ctime = ext2_now(fs);
	ext2_node_write(src);
	ext2_node_write(newdir);
out:
	if (dst != NULL) {
		int e = ext2_iput_release(dst);
		if (err == 0)
			err = e;
	}
	ext2_iput(src);
	return err;
}
