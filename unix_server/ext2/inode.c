/*
 * Inodes: nodes in memory, the block map (direct, single, double and
 * triple indirect pointers), file data, truncate and the release of an
 * inode whose last name and last reference are gone.  A node's changes
 * are copied into its inode-table block at once (ext2_node_write), so
 * write-back of inodes is the buffer cache's like everything else.
 * Every block pointer is checked with ext2_block_is_data before it is
 * followed: damage answers EUCLEAN, it is never read or written through.
 */
#include <stdlib.h>
#include <string.h>

#include "ext2_impl.h"

/* relatime: atime moves when older than mtime/ctime or than a day. */
#define EXT2_ATIME_INTERVAL (24 * 60 * 60)
#define EXT2_SECTORS_PER(fs) ((fs)->block_size / EXT2_DEV_SECTOR)

static struct ext2_node **node_bucket(struct ext2_fs *fs, uint32_t ino)
{
	return &fs->nodes[ino % EXT2_NODE_HASH];
}

static int inode_block(struct ext2_fs *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
	uint32_t idx = (ino - 1) % fs->sb.s_inodes_per_group;
	*blk = fs->gd[(ino - 1) / fs->sb.s_inodes_per_group].bg_inode_table + idx / fs->inodes_per_block;
	*off = (idx % fs->inodes_per_block) * fs->inode_size;
	return 0;
}

int ext2_node_write(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;
	struct ext2_buf *b;
	uint32_t blk, off;

	inode_block(fs, n->ino, &blk, &off);
	int err = ext2_bget(fs, blk, 0, &b);
	if (err != 0)
		return err;
	memcpy(b->data + off, &n->di, sizeof(n->di));
	ext2_bdirty(fs, b, 0);
	ext2_bput(fs, b);
	return 0;
}

uint64_t ext2_node_size(const struct ext2_node *n)
{
	uint64_t size = n->di.i_size;
	if (EXT2_ISREG(n->di.i_mode))
		size |= (uint64_t)n->di.i_size_high << 32;
	return size;
}

void ext2_node_set_size(struct ext2_node *n, uint64_t size)
{
	n->di.i_size = (uint32_t)size;
	if (EXT2_ISREG(n->di.i_mode))
		n->di.i_size_high = (uint32_t)(size >> 32);
}

void ext2_node_add_blocks(struct ext2_node *n, int count)
{
	n->di.i_blocks += (uint32_t)(count * (int)EXT2_SECTORS_PER(n->fs));
}

/* Logical blocks a file can address, and so its largest size. */
static uint64_t max_blocks(struct ext2_fs *fs)
{
	uint64_t p = fs->ptrs_per_block;
	return EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
}

static uint64_t max_size(struct ext2_fs *fs)
{
	uint64_t by_map = max_blocks(fs) << fs->block_log;
	/* i_blocks counts 512-byte sectors in 32 bits, indirect blocks too:
	 * leave room for them (one in ptrs_per_block + 1 blocks). */
	uint64_t by_count = ((uint64_t)UINT32_MAX * EXT2_DEV_SECTOR) / (fs->ptrs_per_block + 1) * fs->ptrs_per_block;
	by_count &= ~(uint64_t)(fs->block_size - 1);
	return by_map < by_count ? by_map : by_count;
}

/* The inode's own checks, when it is read: the fields the library
 * relies on must make sense before any of them is used. */
static int inode_check(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *di)
{
	uint32_t type = di->i_mode & EXT2_S_IFMT;
	switch (type) {
	case EXT2_S_IFREG:
	case EXT2_S_IFDIR:
	case EXT2_S_IFLNK:
	case EXT2_S_IFCHR:
	case EXT2_S_IFBLK:
	case EXT2_S_IFIFO:
	case EXT2_S_IFSOCK:
		break;
	default:
		return ext2_corrupt(fs, "inode of no known type", ino);
	}
	if (di->i_links_count == 0)
		return ext2_corrupt(fs, "name of a deleted inode", ino);
	if (type == EXT2_S_IFDIR && (di->i_size % fs->block_size != 0 || di->i_size == 0))
		return ext2_corrupt(fs, "directory size not whole blocks", ino);
	/* A directory has no holes: its size cannot pass its blocks (which
	 * also bounds every scan of it by what the disk holds). */
	if (type == EXT2_S_IFDIR && di->i_size / EXT2_DEV_SECTOR > di->i_blocks)
		return ext2_corrupt(fs, "directory larger than its blocks", ino);
	if (type == EXT2_S_IFREG) {
		uint64_t size = di->i_size | (uint64_t)di->i_size_high << 32;
		if (size > max_size(fs))
			return ext2_corrupt(fs, "file size beyond what its block map holds", ino);
	}
	if (type == EXT2_S_IFLNK && di->i_size >= fs->block_size)
		return ext2_corrupt(fs, "symbolic link too long", ino);
	if (di->i_file_acl != 0 && !ext2_block_is_data(fs, di->i_file_acl))
		return ext2_corrupt(fs, "attribute block outside the data blocks", ino);
	return 0;
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_node **np)
{
	struct ext2_node *n;
	struct ext2_buf *b;
	uint32_t blk, off;
	bool used;
	int err;

	*np = NULL;
	for (n = *node_bucket(fs, ino); n != NULL; n = n->next)
		if (n->ino == ino) {
			n->refs++;
			*np = n;
			return 0;
		}
	if (ino != EXT2_ROOT_INO && (ino < fs->first_ino || ino > fs->sb.s_inodes_count))
		return ext2_corrupt(fs, "name of a reserved or impossible inode", ino);
	err = ext2_inode_in_use(fs, ino, &used);
	if (err != 0)
		return err;
	if (!used)
		return ext2_corrupt(fs, "name of an inode the bitmap says is free", ino);
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return LINUX_ENOMEM;
	inode_block(fs, ino, &blk, &off);
	err = ext2_bget(fs, blk, 0, &b);
	if (err != 0)
		goto fail;
	memcpy(&n->di, b->data + off, sizeof(n->di));
	ext2_bput(fs, b);
	err = inode_check(fs, ino, &n->di);
	if (err != 0)
		goto fail;
	n->fs = fs;
	n->ino = ino;
	n->refs = 1;
	n->next = *node_bucket(fs, ino);
	*node_bucket(fs, ino) = n;
	fs->node_count++;
	*np = n;
	return 0;
fail:
	free(n);
	return err;
}

int ext2_root(struct ext2_fs *fs, struct ext2_node **np)
{
	int err = ext2_iget(fs, EXT2_ROOT_INO, np);
	if (err == 0 && !EXT2_ISDIR((*np)->di.i_mode)) {
		ext2_iput(*np);
		*np = NULL;
		err = ext2_corrupt(fs, "root is not a directory", EXT2_ROOT_INO);
	}
	return err;
}

void ext2_iref(struct ext2_node *n)
{
	n->refs++;
}

void *ext2_node_private(struct ext2_node *n)
{
	return n->priv;
}

void ext2_node_set_private(struct ext2_node *n, void *p)
{
	n->priv = p;
}

/* Does this inode's i_block hold block pointers (not a fast symlink's
 * target or a device number)? */
static bool has_block_map(const struct ext2_node *n)
{
	uint32_t type = n->di.i_mode & EXT2_S_IFMT;
	if (type == EXT2_S_IFLNK) {
		uint32_t ea = n->di.i_file_acl != 0 ? EXT2_SECTORS_PER(n->fs) : 0;
		return n->di.i_blocks > ea;
	}
	return type == EXT2_S_IFREG || type == EXT2_S_IFDIR;
}

/*
 * The path to logical block lblk: the slot in i_block and an index per
 * indirect level.  Returns the number of levels (0 for a direct block),
 * or -1 beyond the triple indirect block.
 */
static int block_path(struct ext2_fs *fs, uint64_t lblk, unsigned *slot, uint32_t idx[EXT2_INDIRECT_LEVELS])
{
	uint64_t p = fs->ptrs_per_block;

	if (lblk < EXT2_NDIR_BLOCKS) {
		*slot = (unsigned)lblk;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < p) {
		*slot = EXT2_IND_BLOCK;
		idx[0] = (uint32_t)lblk;
		return 1;
	}
	lblk -= p;
	if (lblk < p * p) {
		*slot = EXT2_DIND_BLOCK;
		idx[0] = (uint32_t)(lblk / p);
		idx[1] = (uint32_t)(lblk % p);
		return 2;
	}
	lblk -= p * p;
	if (lblk < p * p * p) {
		*slot = EXT2_TIND_BLOCK;
		idx[0] = (uint32_t)(lblk / (p * p));
		idx[1] = (uint32_t)(lblk / p % p);
		idx[2] = (uint32_t)(lblk % p);
		return 3;
	}
	return -1;
}

static uint32_t alloc_goal(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;
	if (n->goal != 0)
		return n->goal;
	uint32_t g = (n->ino - 1) / fs->sb.s_inodes_per_group;
	return fs->sb.s_first_data_block + g * fs->sb.s_blocks_per_group;
}

/* A new block for n, zeroed in the cache when it is an indirect block. */
static int alloc_for(struct ext2_node *n, bool zero, uint32_t *blkp)
{
	struct ext2_fs *fs = n->fs;
	int err = ext2_block_alloc(fs, alloc_goal(n), blkp);
	if (err != 0)
		return err;
	n->goal = *blkp + 1;
	ext2_node_add_blocks(n, 1);
	if (zero) {
		struct ext2_buf *b;
		err = ext2_bget(fs, *blkp, EXT2_GET_NOREAD, &b);
		if (err != 0) {
			ext2_block_free(fs, *blkp);
			ext2_node_add_blocks(n, -1);
			return err;
		}
		memset(b->data, 0, fs->block_size);
		ext2_bdirty(fs, b, n->ino);
		ext2_bput(fs, b);
	}
	return 0;
}

int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool alloc, uint32_t *pblk, bool *fresh)
{
	struct ext2_fs *fs = n->fs;
	uint32_t idx[EXT2_INDIRECT_LEVELS];
	unsigned slot;
	int levels = block_path(fs, lblk, &slot, idx);
	bool inode_changed = false;
	int err = 0;

	*pblk = 0;
	if (fresh != NULL)
		*fresh = false;
	if (levels < 0)
		return LINUX_EFBIG;
	uint32_t ptr = n->di.i_block[slot];
	if (ptr == 0) {
		if (!alloc)
			return 0;
		err = alloc_for(n, levels > 0, &ptr);
		if (err != 0)
			return err;
		n->di.i_block[slot] = ptr;
		inode_changed = true;
		if (levels == 0 && fresh != NULL)
			*fresh = true;
	} else if (!ext2_block_is_data(fs, ptr)) {
		return ext2_corrupt(fs, "block pointer outside the data blocks", n->ino);
	}
	for (int l = 0; l < levels; l++) {
		struct ext2_buf *b;
		err = ext2_bget(fs, ptr, 0, &b);
		if (err != 0)
			goto out;
		uint32_t *slotp = (uint32_t *)b->data + idx[l];
		ptr = *slotp;
		if (ptr == 0) {
			if (!alloc) {
				ext2_bput(fs, b);
				goto out;
			}
			bool last = l == levels - 1;
			err = alloc_for(n, !last, &ptr);
			if (err != 0) {
				ext2_bput(fs, b);
				goto out;
			}
			*slotp = ptr;
			ext2_bdirty(fs, b, n->ino);
			inode_changed = true; /* i_blocks */
			if (last && fresh != NULL)
				*fresh = true;
		} else if (!ext2_block_is_data(fs, ptr)) {
			ext2_bput(fs, b);
			err = ext2_corrupt(fs, "indirect block pointer outside the data blocks", n->ino);
			goto out;
		}
		ext2_bput(fs, b);
	}
	*pblk = ptr;
out:
	if (inode_changed) {
		int e = ext2_node_write(n);
		if (err == 0)
			err = e;
	}
	return err;
}

/*
 * Frees what lies at logical blocks >= first under *ptr, a block at
 * indirection level (0: data) covering logical blocks from base; clears
 * *ptr if the whole block goes.  Damaged pointers are dropped (nothing
 * is freed through them) and reported.
 */
static int trunc_branch(struct ext2_node *n, uint32_t *ptr, unsigned level, uint64_t base, uint64_t first,
			bool *changed)
{
	struct ext2_fs *fs = n->fs;
	uint64_t span = 1;
	int err = 0;

	for (unsigned i = 0; i < level; i++)
		span *= fs->ptrs_per_block;
	if (*ptr == 0 || base + span <= first)
		return 0;
	bool used = false;
	if (!ext2_block_is_data(fs, *ptr) || (err = ext2_block_in_use(fs, *ptr, &used)) != 0 || !used) {
		/* Outside the data blocks, or free already (a block two files
		 * share, one of them gone): not followed, not freed.  Never
		 * descending twice also bounds the walk of cross-linked
		 * indirect blocks. */
		*ptr = 0;
		*changed = true;
		return err != 0 ? err : ext2_corrupt(fs, "block pointer to a non-data or free block (dropped)", n->ino);
	}
	if (level > 0) {
		struct ext2_buf *b;
		err = ext2_bget(fs, *ptr, 0, &b);
		if (err != 0)
			return err;
		uint64_t child = span / fs->ptrs_per_block;
		bool dirty = false;
		for (uint32_t i = 0; i < fs->ptrs_per_block; i++) {
			int e = trunc_branch(n, (uint32_t *)b->data + i, level - 1, base + i * child, first, &dirty);
			if (err == 0)
				err = e;
		}
		if (dirty && base < first)
			ext2_bdirty(fs, b, n->ino);
		ext2_bput(fs, b);
	}
	if (base >= first) {
		int e = ext2_block_free(fs, *ptr);
		if (err == 0)
			err = e;
		if (e == 0)
			ext2_node_add_blocks(n, -1);
		*ptr = 0;
		*changed = true;
	}
	return err;
}

/* Frees all blocks of n from logical block first on. */
static int free_blocks_from(struct ext2_node *n, uint64_t first)
{
	struct ext2_fs *fs = n->fs;
	uint64_t p = fs->ptrs_per_block;
	uint64_t base[EXT2_N_BLOCKS];
	unsigned level[EXT2_N_BLOCKS];
	bool changed = false;
	int err = 0;

	if (!has_block_map(n))
		return 0;
	for (unsigned i = 0; i < EXT2_NDIR_BLOCKS; i++) {
		base[i] = i;
		level[i] = 0;
	}
	base[EXT2_IND_BLOCK] = EXT2_NDIR_BLOCKS;
	level[EXT2_IND_BLOCK] = 1;
	base[EXT2_DIND_BLOCK] = EXT2_NDIR_BLOCKS + p;
	level[EXT2_DIND_BLOCK] = 2;
	base[EXT2_TIND_BLOCK] = EXT2_NDIR_BLOCKS + p + p * p;
	level[EXT2_TIND_BLOCK] = 3;
	for (unsigned i = 0; i < EXT2_N_BLOCKS; i++) {
		int e = trunc_branch(n, &n->di.i_block[i], level[i], base[i], first, &changed);
		if (err == 0)
			err = e;
	}
	if (changed) {
		int e = ext2_node_write(n);
		if (err == 0)
			err = e;
	}
	return err;
}

/* Zeroes the part of the block holding offset size that lies past it,
 * so that a later extension reads zeros there. */
static int zero_tail(struct ext2_node *n, uint64_t size)
{
	struct ext2_fs *fs = n->fs;
	uint32_t off = (uint32_t)(size & (fs->block_size - 1));
	uint32_t pblk;
	struct ext2_buf *b;

	if (off == 0)
		return 0;
	int err = ext2_bmap(n, size >> fs->block_log, false, &pblk, NULL);
	if (err != 0 || pblk == 0)
		return err;
	err = ext2_bget(fs, pblk, 0, &b);
	if (err != 0)
		return err;
	memset(b->data + off, 0, fs->block_size - off);
	ext2_bdirty(fs, b, n->ino);
	ext2_bput(fs, b);
	return 0;
}

/* May n's data change?  Regular files on a writable mount only. */
static int check_data_writable(struct ext2_node *n)
{
	if (EXT2_ISDIR(n->di.i_mode))
		return LINUX_EISDIR;
	if (!EXT2_ISREG(n->di.i_mode))
		return LINUX_EINVAL;
	if (n->fs->flags & EXT2_MOUNT_RDONLY)
		return LINUX_EROFS;
	return 0;
}

/*
 * Before a file grows with a gap: what lies past its end must read as
 * zeros, but need not be zeros on disk (a crash, another system, a size
 * cut by hand): the last block's tail is cleared and blocks mapped past
 * the end are freed.
 */
static int clear_past_end(struct ext2_node *n)
{
	uint64_t size = ext2_node_size(n);
	int err = zero_tail(n, size);
	int e = free_blocks_from(n, (size + n->fs->block_size - 1) >> n->fs->block_log);
	return err != 0 ? err : e;
}

int ext2_truncate(struct ext2_node *n, uint64_t size)
{
	struct ext2_fs *fs = n->fs;
	int err = check_data_writable(n);

	if (err != 0)
		return err;
	if (size > max_size(fs))
		return LINUX_EFBIG;
	/* Shrinking: the new end first, then what lies past it goes;
	 * growing: what lies past the old end goes, then the new end. */
	uint64_t old = ext2_node_size(n);
	if (size < old)
		ext2_node_set_size(n, size);
	if (size != old)
		err = clear_past_end(n);
	if (size > old)
		ext2_node_set_size(n, size);
	n->di.i_mtime = n->di.i_ctime = ext2_now(fs);
	int e = ext2_node_write(n);
	return err != 0 ? err : e;
}

/* Files over 2 GiB need the large_file feature: set it the first time. */
static void note_large_file(struct ext2_fs *fs, uint64_t size)
{
	if (size > INT32_MAX && !(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
		fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
		if (fs->sb.s_rev_level == EXT2_GOOD_OLD_REV) {
			/* The feature fields are revision 1's: upgrade, with the
			 * values revision 0 implied (as Linux does). */
			fs->sb.s_rev_level = EXT2_DYNAMIC_REV;
			fs->sb.s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
			fs->sb.s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		}
		fs->sb_dirty = true;
	}
}

int ext2_write(struct ext2_node *n, uint64_t offset, const void *buf, size_t len, size_t *done)
{
	struct ext2_fs *fs = n->fs;
	const uint8_t *src = buf;
	size_t did = 0;
	int err = 0;

	*done = 0;
	err = check_data_writable(n);
	if (err != 0)
		return err;
	if (offset > max_size(fs) || len > max_size(fs) - offset)
		return LINUX_EFBIG;
	/* A write past the end leaves a gap: the old last block's bytes
	 * after the old end must read as zeros (they need not be on disk). */
	if (len > 0 && offset > ext2_node_size(n)) {
		err = clear_past_end(n);
		if (err != 0)
			return err;
	}
	while (did < len) {
		uint64_t pos = offset + did;
		uint32_t boff = (uint32_t)(pos & (fs->block_size - 1));
		size_t chunk = fs->block_size - boff;
		if (chunk > len - did)
			chunk = len - did;
		uint32_t pblk;
		bool fresh;
		struct ext2_buf *b;
		err = ext2_bmap(n, pos >> fs->block_log, true, &pblk, &fresh);
		if (err != 0)
			break;
		bool whole = chunk == fs->block_size;
		err = ext2_bget(fs, pblk, fresh || whole ? EXT2_GET_NOREAD : 0, &b);
		if (err != 0)
			break;
		if (fresh && !whole)
			memset(b->data, 0, fs->block_size);
		memcpy(b->data + boff, src + did, chunk);
		ext2_bdirty(fs, b, n->ino);
		ext2_bput(fs, b);
		did += chunk;
	}
	if (did > 0) {
		if (offset + did > ext2_node_size(n)) {
			note_large_file(fs, offset + did);
			ext2_node_set_size(n, offset + did);
		}
		n->di.i_mtime = n->di.i_ctime = ext2_now(fs);
		int e = ext2_node_write(n);
		if (e != 0)
			return e;
		err = 0; /* a short write reports what it wrote */
	}
	*done = did;
	return err;
}

/* Reads ahead the blocks of n after lblk that lie one after the other
 * on disk, up to the end of the request: one transfer instead of many. */
static void read_run(struct ext2_node *n, uint64_t lblk, uint32_t pblk, uint64_t last)
{
	struct ext2_fs *fs = n->fs;
	uint32_t max = EXT2_CLUSTER_BYTES >> fs->block_log, count = 1;

	while (count < max && lblk + count <= last) {
		uint32_t next;
		if (ext2_bmap(n, lblk + count, false, &next, NULL) != 0 || next != pblk + count)
			break;
		count++;
	}
	if (count > 1)
		ext2_breadahead(fs, pblk, count);
}

int ext2_read(struct ext2_node *n, uint64_t offset, void *buf, size_t len, size_t *done)
{
	struct ext2_fs *fs = n->fs;
	uint8_t *dst = buf;
	uint64_t size = ext2_node_size(n);
	size_t did = 0;
	int err = 0;

	*done = 0;
	if (!has_block_map(n))
		return LINUX_EINVAL;
	if (offset >= size)
		return 0;
	if (len > size - offset)
		len = (size_t)(size - offset);
	uint64_t last = (offset + len - 1) >> fs->block_log;
	while (did < len) {
		uint64_t pos = offset + did;
		uint64_t lblk = pos >> fs->block_log;
		uint32_t boff = (uint32_t)(pos & (fs->block_size - 1));
		size_t chunk = fs->block_size - boff;
		if (chunk > len - did)
			chunk = len - did;
		uint32_t pblk;
		err = ext2_bmap(n, lblk, false, &pblk, NULL);
		if (err != 0)
			break;
		if (pblk == 0) {
			memset(dst + did, 0, chunk);
		} else {
			struct ext2_buf *b;
			if (lblk < last)
				read_run(n, lblk, pblk, last);
			err = ext2_bget(fs, pblk, 0, &b);
			if (err != 0)
				break;
			memcpy(dst + did, b->data + boff, chunk);
			ext2_bput(fs, b);
		}
		did += chunk;
	}
	*done = did;
	if (did == 0)
		return err;
	uint32_t now = ext2_now(fs);
	if (!(fs->flags & (EXT2_MOUNT_RDONLY | EXT2_MOUNT_NOATIME)) && (n->di.i_atime <= n->di.i_mtime || n->di.i_atime <= n->di.i_ctime ||
						  now - n->di.i_atime >= EXT2_ATIME_INTERVAL)) {
		n->di.i_atime = now;
		ext2_node_write(n);
	}
	return 0; /* a short read reports what it read */
}

void ext2_getattr(struct ext2_node *n, struct ext2_attr *a)
{
	const struct ext2_inode *di = &n->di;
	uint32_t type = di->i_mode & EXT2_S_IFMT;

	memset(a, 0, sizeof(*a));
	a->ino = n->ino;
	a->mode = di->i_mode;
	a->nlink = di->i_links_count;
	a->uid = di->i_uid | (uint32_t)di->i_uid_high << 16;
	a->gid = di->i_gid | (uint32_t)di->i_gid_high << 16;
	a->size = ext2_node_size(n);
	a->blocks = di->i_blocks;
	if (type == EXT2_S_IFCHR || type == EXT2_S_IFBLK)
		a->rdev = di->i_block[0] != 0 ? di->i_block[0] : di->i_block[1];
	a->atime = di->i_atime;
	a->mtime = di->i_mtime;
	a->ctime = di->i_ctime;
	a->blksize = n->fs->block_size;
}

int ext2_setattr(struct ext2_node *n, const struct ext2_attr *a, unsigned mask)
{
	struct ext2_fs *fs = n->fs;

	if (fs->flags & EXT2_MOUNT_RDONLY)
		return LINUX_EROFS;
	if (mask & EXT2_SET_SIZE) {
		int err = ext2_truncate(n, a->size);
		if (err != 0)
			return err;
	}
	if (mask & EXT2_SET_MODE)
		n->di.i_mode = (uint16_t)((n->di.i_mode & EXT2_S_IFMT) | (a->mode & EXT2_S_PERM));
	if (mask & EXT2_SET_UID) {
		n->di.i_uid = (uint16_t)a->uid;
		n->di.i_uid_high = (uint16_t)(a->uid >> 16);
	}
	if (mask & EXT2_SET_GID) {
		n->di.i_gid = (uint16_t)a->gid;
		n->di.i_gid_high = (uint16_t)(a->gid >> 16);
	}
	if (mask & EXT2_SET_ATIME)
		n->di.i_atime = a->atime;
	if (mask & EXT2_SET_MTIME)
		n->di.i_mtime = a->mtime;
	n->di.i_ctime = (mask & EXT2_SET_CTIME) ? a->ctime : ext2_now(fs);
	return ext2_node_write(n);
}

int ext2_fsync(struct ext2_node *n)
{
	return ext2_flush(n->fs, n->ino);
}

int ext2_node_new(struct ext2_fs *fs, struct ext2_node *dir, uint32_t mode, uint32_t uid, uint32_t gid,
		  struct ext2_node **np)
{
	static uint32_t generation;
	struct ext2_node *n;
	struct ext2_buf *b;
	uint32_t ino, blk, off;

	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return LINUX_ENOMEM;
	int err = ext2_inode_alloc(fs, dir->ino, EXT2_ISDIR(mode), &ino);
	if (err != 0) {
		free(n);
		return err;
	}
	inode_block(fs, ino, &blk, &off);
	err = ext2_bget(fs, blk, 0, &b);
	if (err != 0) {
		ext2_inode_free(fs, ino, EXT2_ISDIR(mode));
		free(n);
		return err;
	}
	/* The whole slot: a large inode's extra space starts empty too. */
	memset(b->data + off, 0, fs->inode_size);
	ext2_bdirty(fs, b, 0);
	ext2_bput(fs, b);
	uint32_t now = ext2_now(fs);
	n->fs = fs;
	n->ino = ino;
	n->refs = 1;
	n->di.i_mode = (uint16_t)mode;
	n->di.i_uid = (uint16_t)uid;
	n->di.i_uid_high = (uint16_t)(uid >> 16);
	n->di.i_gid = (uint16_t)gid;
	n->di.i_gid_high = (uint16_t)(gid >> 16);
	n->di.i_atime = n->di.i_ctime = n->di.i_mtime = now;
	n->di.i_generation = ++generation;
	n->next = *node_bucket(fs, ino);
	*node_bucket(fs, ino) = n;
	fs->node_count++;
	*np = n;
	return 0;
}

/* Drops n's extended-attribute block reference (freeing the block with
 * its last one). */
static int release_xattr(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;
	struct ext2_buf *b;
	uint32_t blk = n->di.i_file_acl;

	if (blk == 0)
		return 0;
	n->di.i_file_acl = 0;
	if (!ext2_block_is_data(fs, blk))
		return ext2_corrupt(fs, "attribute block outside the data blocks", n->ino);
	int err = ext2_bget(fs, blk, 0, &b);
	if (err != 0)
		return err;
	struct ext2_xattr_header *h = (struct ext2_xattr_header *)b->data;
	if (h->h_magic != EXT2_XATTR_MAGIC || h->h_refcount == 0) {
		ext2_bput(fs, b);
		return ext2_corrupt(fs, "attribute block header", blk);
	}
	if (--h->h_refcount > 0) {
		ext2_bdirty(fs, b, 0);
		ext2_bput(fs, b);
		return 0;
	}
	ext2_bput(fs, b);
	err = ext2_block_free(fs, blk);
	if (err == 0)
		ext2_node_add_blocks(n, -1);
	return err;
}

/* The last reference to an inode without names: its blocks and itself
 * go back to the free maps.  Damage found on the way is reported (the
 * inode is released all the same: nothing names it any more). */
static int node_release(struct ext2_node *n)
{
	struct ext2_fs *fs = n->fs;

	if (fs->flags & EXT2_MOUNT_RDONLY)
		return 0;
	int err = free_blocks_from(n, 0);
	int e = release_xattr(n);
	if (err == 0)
		err = e;
	memset(n->di.i_block, 0, sizeof(n->di.i_block)); /* a fast link's target, a device number */
	ext2_node_set_size(n, 0);
	/* e2fsck reads a zero dtime as "not deleted" and one below the inode
	 * count as a link of ext3's orphan list: a clock still near the epoch
	 * (no wall time set yet) must say neither. */
	uint32_t now = ext2_now(fs);
	n->di.i_dtime = now > fs->sb.s_inodes_count ? now : fs->sb.s_inodes_count;
	e = ext2_node_write(n);
	if (err == 0)
		err = e;
	e = ext2_inode_free(fs, n->ino, EXT2_ISDIR(n->di.i_mode));
	return err != 0 ? err : e;
}

int ext2_iput_release(struct ext2_node *n)
{
	int err = 0;

	if (n == NULL || --n->refs > 0)
		return 0;
	struct ext2_fs *fs = n->fs;
	if (n->di.i_links_count == 0)
		err = node_release(n);
	struct ext2_node **pp = node_bucket(fs, n->ino);
	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	fs->node_count--;
	free(n);
	return err;
}

void ext2_iput(struct ext2_node *n)
{
	ext2_iput_release(n);
}
