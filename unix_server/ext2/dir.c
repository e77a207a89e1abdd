/*
 * Directories: blocks of variable-length entries chained by rec_len
 * (ext2_disk.h), searched linearly.  A block is checked whole each time
 * it is taken (dir_block): every entry's rec_len and name_len in range,
 * the chain ending exactly at the block's end, inode numbers possible;
 * a bad block answers EUCLEAN to whoever needed it and is never changed.
 * Adding splits an entry's slack (or reuses an empty one, or appends a
 * block); removing merges the entry into the one before it.  A hashed
 * (dir_index) directory is read as the linear one it also is, and loses
 * its index flag when changed, as Linux's ext2 does.
 */
#include <string.h>

#include "ext2_impl.h"

#define EXT2_DIRENT_MIN EXT2_DIRENT_LEN(1)
#define DIR_NONE UINT32_MAX

/* Linux DT_* for each EXT2_FT_*. */
static const unsigned char ft_to_dt[EXT2_FT_MAX] = {0, 8, 4, 2, 6, 1, 12, 10};

unsigned ext2_mode_to_ft(uint32_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
		return EXT2_FT_REG_FILE;
	case EXT2_S_IFDIR:
		return EXT2_FT_DIR;
	case EXT2_S_IFCHR:
		return EXT2_FT_CHRDEV;
	case EXT2_S_IFBLK:
		return EXT2_FT_BLKDEV;
	case EXT2_S_IFIFO:
		return EXT2_FT_FIFO;
	case EXT2_S_IFSOCK:
		return EXT2_FT_SOCK;
	case EXT2_S_IFLNK:
		return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

static bool has_filetype(struct ext2_fs *fs)
{
	return fs->sb.s_rev_level == EXT2_DYNAMIC_REV && (fs->sb.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
}

static struct ext2_dirent *dirent_at(struct ext2_buf *b, uint32_t off)
{
	return (struct ext2_dirent *)(b->data + off);
}

static uint32_t dir_blocks(struct ext2_node *dir)
{
	return dir->di.i_size >> dir->fs->block_log;
}

/* Block lblk of dir, read and checked whole. */
static int dir_block(struct ext2_node *dir, uint32_t lblk, struct ext2_buf **bp)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t pblk;

	int err = ext2_bmap(dir, lblk, false, &pblk, NULL);
	if (err != 0)
		return err;
	if (pblk == 0)
		return ext2_corrupt(fs, "hole in a directory", dir->ino);
	err = ext2_bget(fs, pblk, 0, bp);
	if (err != 0)
		return err;
	for (uint32_t off = 0; off < fs->block_size;) {
		const struct ext2_dirent *de = dirent_at(*bp, off);
		uint32_t left = fs->block_size - off;
		if (left < EXT2_DIRENT_MIN || de->rec_len < EXT2_DIRENT_MIN || de->rec_len % EXT2_DIRENT_ALIGN != 0 ||
		    de->rec_len > left || de->rec_len < EXT2_DIRENT_LEN(de->name_len) ||
		    de->inode > fs->sb.s_inodes_count || (de->inode != 0 && de->name_len == 0)) {
			ext2_bput(fs, *bp);
			*bp = NULL;
			return ext2_corrupt(fs, "directory entry out of range", dir->ino);
		}
		off += de->rec_len;
	}
	return 0;
}

static bool name_is(const struct ext2_dirent *de, const char *name, size_t len)
{
	return de->inode != 0 && de->name_len == len && memcmp(de + 1, name, len) == 0;
}

/* Where name is: block, offset, the entry before it in that block. */
struct dir_slot {
	uint32_t lblk, off, prev, ino;
};

static int dir_locate(struct ext2_node *dir, const char *name, size_t len, struct dir_slot *s)
{
	struct ext2_fs *fs = dir->fs;

	if (!EXT2_ISDIR(dir->di.i_mode))
		return LINUX_ENOTDIR;
	for (uint32_t lblk = 0; lblk < dir_blocks(dir); lblk++) {
		struct ext2_buf *b;
		int err = dir_block(dir, lblk, &b);
		if (err != 0)
			return err;
		uint32_t prev = DIR_NONE;
		for (uint32_t off = 0; off < fs->block_size; off += dirent_at(b, off)->rec_len) {
			const struct ext2_dirent *de = dirent_at(b, off);
			if (name_is(de, name, len)) {
				s->lblk = lblk;
				s->off = off;
				s->prev = prev;
				s->ino = de->inode;
				ext2_bput(fs, b);
				return 0;
			}
			prev = off;
		}
		ext2_bput(fs, b);
	}
	return LINUX_ENOENT;
}

int ext2_dir_find(struct ext2_node *dir, const char *name, size_t len, uint32_t *inop)
{
	struct dir_slot s;
	int err = dir_locate(dir, name, len, &s);
	*inop = err == 0 ? s.ino : 0;
	return err;
}

/* dir changed: times, and no index any more (we do not keep it). */
static int dir_touch(struct ext2_node *dir)
{
	dir->di.i_mtime = dir->di.i_ctime = ext2_now(dir->fs);
	dir->di.i_flags &= ~EXT2_INDEX_FL;
	return ext2_node_write(dir);
}

static void dirent_fill(struct ext2_fs *fs, struct ext2_dirent *de, const char *name, size_t len, uint32_t ino,
			uint32_t mode)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	de->file_type = has_filetype(fs) ? (uint8_t)ext2_mode_to_ft(mode) : 0;
	memcpy(de + 1, name, len);
}

int ext2_dir_add(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	struct ext2_fs *fs = dir->fs;
	uint32_t need = EXT2_DIRENT_LEN(len);
	struct ext2_buf *b;
	int err;

	for (uint32_t lblk = 0; lblk < dir_blocks(dir); lblk++) {
		err = dir_block(dir, lblk, &b);
		if (err != 0)
			return err;
		for (uint32_t off = 0; off < fs->block_size; off += dirent_at(b, off)->rec_len) {
			struct ext2_dirent *de = dirent_at(b, off);
			uint32_t used = de->inode != 0 ? EXT2_DIRENT_LEN(de->name_len) : 0;
			if (de->rec_len - used < need)
				continue;
			if (used != 0) {
				/* Split: the new entry takes the slack after this one. */
				struct ext2_dirent *ne = dirent_at(b, off + used);
				ne->rec_len = (uint16_t)(de->rec_len - used);
				de->rec_len = (uint16_t)used;
				de = ne;
			}
			dirent_fill(fs, de, name, len, ino, mode);
			ext2_bdirty(fs, b, dir->ino);
			ext2_bput(fs, b);
			return dir_touch(dir);
		}
		ext2_bput(fs, b);
	}
	/* No room: a new block holding one entry that spans it. */
	uint32_t pblk;
	bool fresh;
	err = ext2_bmap(dir, dir_blocks(dir), true, &pblk, &fresh);
	if (err != 0)
		return err;
	if (!fresh)
		return ext2_corrupt(fs, "directory block past the directory's size", dir->ino);
	err = ext2_bget(fs, pblk, EXT2_GET_NOREAD, &b);
	if (err != 0)
		return err;
	memset(b->data, 0, fs->block_size);
	struct ext2_dirent *de = dirent_at(b, 0);
	de->rec_len = (uint16_t)fs->block_size;
	dirent_fill(fs, de, name, len, ino, mode);
	ext2_bdirty(fs, b, dir->ino);
	ext2_bput(fs, b);
	dir->di.i_size += fs->block_size;
	return dir_touch(dir);
}

/* Changes name's entry: removes it (merged into the entry before it in
 * its block, or emptied if first), or points it at ino. */
static int dir_change(struct ext2_node *dir, const char *name, size_t len, bool remove, uint32_t ino, uint32_t mode)
{
	struct ext2_fs *fs = dir->fs;
	struct dir_slot s;
	struct ext2_buf *b;

	int err = dir_locate(dir, name, len, &s);
	if (err == 0)
		err = dir_block(dir, s.lblk, &b);
	if (err != 0)
		return err;
	struct ext2_dirent *de = dirent_at(b, s.off);
	if (remove && s.prev != DIR_NONE) {
		dirent_at(b, s.prev)->rec_len += de->rec_len;
	} else if (remove) {
		de->inode = 0;
	} else {
		de->inode = ino;
		if (has_filetype(fs))
			de->file_type = (uint8_t)ext2_mode_to_ft(mode);
	}
	ext2_bdirty(fs, b, dir->ino);
	ext2_bput(fs, b);
	return dir_touch(dir);
}

int ext2_dir_remove(struct ext2_node *dir, const char *name, size_t len)
{
	return dir_change(dir, name, len, true, 0, 0);
}

int ext2_dir_set(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	return dir_change(dir, name, len, false, ino, mode);
}

static bool is_dot_or_dotdot(const struct ext2_dirent *de)
{
	const char *nm = (const char *)(de + 1);
	return (de->name_len == 1 && nm[0] == '.') || (de->name_len == 2 && nm[0] == '.' && nm[1] == '.');
}

int ext2_dir_empty(struct ext2_node *dir, bool *empty)
{
	struct ext2_fs *fs = dir->fs;

	*empty = true;
	for (uint32_t lblk = 0; lblk < dir_blocks(dir) && *empty; lblk++) {
		struct ext2_buf *b;
		int err = dir_block(dir, lblk, &b);
		if (err != 0)
			return err;
		for (uint32_t off = 0; off < fs->block_size; off += dirent_at(b, off)->rec_len) {
			const struct ext2_dirent *de = dirent_at(b, off);
			if (de->inode != 0 && !is_dot_or_dotdot(de)) {
				*empty = false;
				break;
			}
		}
		ext2_bput(fs, b);
	}
	return 0;
}

int ext2_isempty(struct ext2_node *dir, int *empty)
{
	bool e = false;
	if (!EXT2_ISDIR(dir->di.i_mode))
		return LINUX_ENOTDIR;
	int err = ext2_dir_empty(dir, &e);
	*empty = e;
	return err;
}

int ext2_dir_init(struct ext2_node *dir, uint32_t parent_ino)
{
	struct ext2_fs *fs = dir->fs;
	struct ext2_buf *b;
	uint32_t pblk;
	bool fresh;

	int err = ext2_bmap(dir, 0, true, &pblk, &fresh);
	if (err != 0)
		return err;
	err = ext2_bget(fs, pblk, EXT2_GET_NOREAD, &b);
	if (err != 0)
		return err;
	memset(b->data, 0, fs->block_size);
	struct ext2_dirent *dot = dirent_at(b, 0);
	dot->rec_len = EXT2_DIRENT_LEN(1);
	dirent_fill(fs, dot, ".", 1, dir->ino, EXT2_S_IFDIR);
	struct ext2_dirent *dotdot = dirent_at(b, dot->rec_len);
	dotdot->rec_len = (uint16_t)(fs->block_size - dot->rec_len);
	dirent_fill(fs, dotdot, "..", 2, parent_ino, EXT2_S_IFDIR);
	ext2_bdirty(fs, b, dir->ino);
	ext2_bput(fs, b);
	dir->di.i_size = fs->block_size;
	return ext2_node_write(dir);
}

int ext2_readdir(struct ext2_node *dir, uint64_t *cookie, ext2_filldir_t fn, void *arg)
{
	struct ext2_fs *fs = dir->fs;
	uint64_t pos = *cookie;

	if (!EXT2_ISDIR(dir->di.i_mode))
		return LINUX_ENOTDIR;
	while ((pos >> fs->block_log) < dir_blocks(dir)) {
		struct ext2_buf *b;
		uint32_t lblk = (uint32_t)(pos >> fs->block_log);
		int err = dir_block(dir, lblk, &b);
		if (err != 0)
			return err;
		uint64_t base = (uint64_t)lblk << fs->block_log;
		/* A cookie inside an entry (the directory changed since):
		 * go on from the next entry boundary. */
		uint32_t off = 0;
		while (base + off < pos)
			off += dirent_at(b, off)->rec_len;
		for (; off < fs->block_size; off += dirent_at(b, off)->rec_len) {
			const struct ext2_dirent *de = dirent_at(b, off);
			uint64_t next = base + off + de->rec_len;
			if (de->inode == 0) {
				pos = next;
				continue;
			}
			unsigned dt = has_filetype(fs) && de->file_type < EXT2_FT_MAX ? ft_to_dt[de->file_type] : 0;
			if (fn(arg, (const char *)(de + 1), de->name_len, de->inode, dt, next) != 0) {
				ext2_bput(fs, b);
				*cookie = base + off;
				return 0;
			}
			pos = next;
		}
		ext2_bput(fs, b);
		pos = base + fs->block_size;
	}
	*cookie = pos;
	return 0;
}
