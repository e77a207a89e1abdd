/*
 * The file system as a whole: mount (every superblock and group
 * descriptor field the library relies on is checked here, once),
 * unmount, sync, and the block and inode allocators over the bitmaps.
 * The superblock and the descriptors live in memory (fs->sb, fs->gd);
 * a descriptor change is copied into its cached block at once, the
 * superblock at sync, with its free counts summed from the descriptors
 * so the two never disagree on disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext2_impl.h"

/* Damage reports printed (per library instance; the rest only counted). */
#define EXT2_DAMAGE_REPORTS 8

int ext2_corrupt(struct ext2_fs *fs, const char *what, uint32_t where)
{
	static unsigned reported;

	if (reported < EXT2_DAMAGE_REPORTS) {
		reported++;
		fprintf(stderr, "ext2: damaged file system: %s (%lu)\n", what, (unsigned long)where);
	}
	fs->damaged = true;
	fs->sb_dirty = true;
	return LINUX_EUCLEAN;
}

uint32_t ext2_now(struct ext2_fs *fs)
{
	return fs->now != NULL ? fs->now() : 0;
}

int ext2_damaged(struct ext2_fs *fs)
{
	return fs->damaged;
}

/* Does group g keep a copy of the superblock and descriptors? */
static bool group_has_super(struct ext2_fs *fs, uint32_t g)
{
	if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER) || g <= 1)
		return true;
	for (uint32_t base = 3; base <= 7; base += 2) {
		uint32_t p = base;
		while (p < g)
			p *= base;
		if (p == g)
			return true;
	}
	return false;
}

static uint32_t group_first(struct ext2_fs *fs, uint32_t g)
{
	return fs->sb.s_first_data_block + g * fs->sb.s_blocks_per_group;
}

static uint32_t group_blocks(struct ext2_fs *fs, uint32_t g)
{
	uint32_t left = fs->sb.s_blocks_count - group_first(fs, g);
	return left < fs->sb.s_blocks_per_group ? left : fs->sb.s_blocks_per_group;
}

static uint32_t itable_blocks(struct ext2_fs *fs)
{
	return fs->sb.s_inodes_per_group / fs->inodes_per_block;
}

/* Blocks at the start of group g taken by the superblock, descriptors
 * and descriptors reserved for resizing. */
static uint32_t group_super_blocks(struct ext2_fs *fs, uint32_t g)
{
	if (!group_has_super(fs, g))
		return 0;
	return 1 + fs->gdt_blocks + fs->reserved_gdt;
}

/* May blk be a file's data or indirect block?  Not if it lies outside
 * the file system or in any group's metadata: a pointer there is damage,
 * and following it for a write would destroy the file system. */
bool ext2_block_is_data(struct ext2_fs *fs, uint32_t blk)
{
	if (blk < fs->sb.s_first_data_block || blk >= fs->sb.s_blocks_count)
		return false;
	uint32_t g = (blk - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
	const struct ext2_group_desc *d = &fs->gd[g];
	if (blk - group_first(fs, g) < group_super_blocks(fs, g))
		return false;
	if (blk == d->bg_block_bitmap || blk == d->bg_inode_bitmap)
		return false;
	return blk < d->bg_inode_table || blk >= d->bg_inode_table + itable_blocks(fs);
}

void ext2_gd_dirty(struct ext2_fs *fs, uint32_t g)
{
	uint32_t per_block = fs->block_size / sizeof(struct ext2_group_desc);
	struct ext2_buf *b;

	if (ext2_bget(fs, fs->sb.s_first_data_block + 1 + g / per_block, 0, &b) != 0)
		return; /* the descriptor block was read at mount: only memory can fail */
	memcpy(b->data + (g % per_block) * sizeof(struct ext2_group_desc), &fs->gd[g],
	       sizeof(struct ext2_group_desc));
	ext2_bdirty(fs, b, 0);
	ext2_bput(fs, b);
	fs->sb_dirty = true;
}

int ext2_write_super(struct ext2_fs *fs)
{
	struct ext2_buf *b;
	uint32_t blk = EXT2_SUPER_OFFSET >> fs->block_log;
	uint64_t fb = 0, fi = 0;

	for (uint32_t g = 0; g < fs->groups; g++) {
		fb += fs->gd[g].bg_free_blocks_count;
		fi += fs->gd[g].bg_free_inodes_count;
	}
	fs->sb.s_free_blocks_count = (uint32_t)fb;
	fs->sb.s_free_inodes_count = (uint32_t)fi;
	if (fs->damaged)
		fs->sb.s_state |= EXT2_ERROR_FS;
	fs->sb.s_wtime = ext2_now(fs);
	int err = ext2_bget(fs, blk, 0, &b);
	if (err != 0)
		return err;
	memcpy(b->data + EXT2_SUPER_OFFSET % fs->block_size, &fs->sb, sizeof(fs->sb));
	ext2_bdirty(fs, b, 0);
	ext2_bput(fs, b);
	fs->sb_dirty = false;
	return 0;
}

int ext2_flush(struct ext2_fs *fs, uint32_t owner)
{
	if (fs->flags & EXT2_MOUNT_RDONLY)
		return 0;
	if (fs->sb_dirty) {
		int err = ext2_write_super(fs);
		if (err != 0)
			return err;
	}
	return ext2_cache_sync(fs, owner);
}

int ext2_sync(struct ext2_fs *fs)
{
	return ext2_flush(fs, EXT2_SYNC_ALL);
}

/* The superblock's geometry, checked before anything is read through it. */
static int check_super(struct ext2_fs *fs, bool rdonly)
{
	struct ext2_super *s = &fs->sb;

	if (s->s_magic != EXT2_SUPER_MAGIC)
		return LINUX_EINVAL;
	if (s->s_rev_level > EXT2_DYNAMIC_REV)
		return LINUX_EINVAL;
	if (s->s_rev_level == EXT2_DYNAMIC_REV) {
		if (s->s_feature_incompat & ~EXT2_FEATURE_INCOMPAT_SUPP)
			return LINUX_EINVAL;
		if (!rdonly && (s->s_feature_ro_compat & ~EXT2_FEATURE_RO_COMPAT_SUPP))
			return LINUX_EROFS;
	}
	if (s->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		return ext2_corrupt(fs, "block size", s->s_log_block_size);
	fs->block_log = EXT2_MIN_BLOCK_LOG + s->s_log_block_size;
	fs->block_size = 1u << fs->block_log;
	fs->ptrs_per_block = fs->block_size / sizeof(uint32_t);
	if (s->s_first_data_block != (fs->block_size == 1024 ? 1u : 0u))
		return ext2_corrupt(fs, "first data block", s->s_first_data_block);
	if (s->s_blocks_count <= s->s_first_data_block + 1 ||
	    ((uint64_t)s->s_blocks_count << fs->block_log) > fs->dev->size)
		return ext2_corrupt(fs, "block count against the partition size", s->s_blocks_count);
	if (s->s_blocks_per_group == 0 || s->s_blocks_per_group > 8 * fs->block_size ||
	    s->s_blocks_per_group % 8 != 0)
		return ext2_corrupt(fs, "blocks per group", s->s_blocks_per_group);
	if (s->s_rev_level == EXT2_GOOD_OLD_REV) {
		fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		fs->inode_size = s->s_inode_size;
		fs->first_ino = s->s_first_ino;
	}
	if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->block_size ||
	    (fs->inode_size & (fs->inode_size - 1)) != 0)
		return ext2_corrupt(fs, "inode size", fs->inode_size);
	fs->inodes_per_block = fs->block_size / fs->inode_size;
	if (s->s_inodes_per_group == 0 || s->s_inodes_per_group > 8 * fs->block_size ||
	    s->s_inodes_per_group % fs->inodes_per_block != 0)
		return ext2_corrupt(fs, "inodes per group", s->s_inodes_per_group);
	fs->groups = (s->s_blocks_count - s->s_first_data_block + s->s_blocks_per_group - 1) / s->s_blocks_per_group;
	if ((uint64_t)fs->groups * s->s_inodes_per_group != s->s_inodes_count)
		return ext2_corrupt(fs, "inode count", s->s_inodes_count);
	if (fs->first_ino <= EXT2_ROOT_INO || fs->first_ino >= s->s_inodes_count)
		return ext2_corrupt(fs, "first inode", fs->first_ino);
	fs->gdt_blocks = (uint32_t)(((uint64_t)fs->groups * sizeof(struct ext2_group_desc) + fs->block_size - 1) >>
				    fs->block_log);
	fs->reserved_gdt = (s->s_rev_level == EXT2_DYNAMIC_REV && (s->s_feature_compat & EXT2_FEATURE_COMPAT_RESIZE_INODE))
				   ? s->s_reserved_gdt_blocks
				   : 0;
	if ((uint64_t)1 + fs->gdt_blocks + fs->reserved_gdt >= s->s_blocks_per_group)
		return ext2_corrupt(fs, "group descriptor blocks", fs->gdt_blocks);
	return 0;
}

/* Every descriptor: its bitmaps and inode table inside its own group,
 * clear of the superblock copy and of each other; counts in range. */
static int check_groups(struct ext2_fs *fs)
{
	uint32_t itb = itable_blocks(fs);

	for (uint32_t g = 0; g < fs->groups; g++) {
		const struct ext2_group_desc *d = &fs->gd[g];
		uint32_t lo = group_first(fs, g) + group_super_blocks(fs, g);
		uint32_t hi = group_first(fs, g) + group_blocks(fs, g);
		bool ok = hi - lo >= itb && d->bg_block_bitmap >= lo && d->bg_block_bitmap < hi &&
			  d->bg_inode_bitmap >= lo && d->bg_inode_bitmap < hi && d->bg_inode_table >= lo &&
			  d->bg_inode_table <= hi - itb && d->bg_block_bitmap != d->bg_inode_bitmap &&
			  (d->bg_block_bitmap < d->bg_inode_table || d->bg_block_bitmap >= d->bg_inode_table + itb) &&
			  (d->bg_inode_bitmap < d->bg_inode_table || d->bg_inode_bitmap >= d->bg_inode_table + itb);
		if (!ok)
			return ext2_corrupt(fs, "group descriptor places its maps outside the group", g);
		if (d->bg_free_blocks_count > group_blocks(fs, g) ||
		    d->bg_free_inodes_count > fs->sb.s_inodes_per_group ||
		    d->bg_used_dirs_count > fs->sb.s_inodes_per_group)
			return ext2_corrupt(fs, "group descriptor counts", g);
	}
	return 0;
}

static void fs_free(struct ext2_fs *fs)
{
	ext2_cache_destroy(fs);
	free(fs->gd);
	free(fs);
}

int ext2_mount(struct ext2_dev *dev, const struct ext2_mount_opts *opts, struct ext2_fs **fsp)
{
	struct ext2_fs *fs;
	int err;

	*fsp = NULL;
	if (dev->size < EXT2_SUPER_OFFSET + EXT2_SUPER_SIZE)
		return LINUX_EINVAL;
	fs = calloc(1, sizeof(*fs));
	if (fs == NULL)
		return LINUX_ENOMEM;
	fs->dev = dev;
	fs->flags = opts != NULL ? opts->flags : 0;
	fs->now = opts != NULL ? opts->now : NULL;
	if (dev->read(dev, EXT2_SUPER_OFFSET, &fs->sb, sizeof(fs->sb)) != 0) {
		err = LINUX_EIO;
		goto fail;
	}
	err = check_super(fs, fs->flags & EXT2_MOUNT_RDONLY);
	if (err != 0)
		goto fail;
	size_t cache = opts != NULL && opts->cache_bytes != 0 ? opts->cache_bytes : EXT2_CACHE_DEFAULT;
	err = ext2_cache_init(fs, cache);
	if (err != 0)
		goto fail;
	size_t gd_bytes = (size_t)fs->gdt_blocks << fs->block_log;
	fs->gd = malloc(gd_bytes);
	if (fs->gd == NULL) {
		err = LINUX_ENOMEM;
		goto fail;
	}
	err = ext2_dev_io(fs, fs->sb.s_first_data_block + 1, fs->gdt_blocks, fs->gd, false);
	if (err != 0)
		goto fail;
	err = check_groups(fs);
	if (err != 0)
		goto fail;
	fs->damaged = false;
	fs->mount_state = fs->sb.s_state;
	if (!(fs->flags & EXT2_MOUNT_RDONLY)) {
		/* On disk at once: a crash from now on leaves "not clean". */
		fs->sb.s_state &= ~EXT2_VALID_FS;
		fs->sb.s_mnt_count++;
		fs->sb.s_mtime = ext2_now(fs);
		err = ext2_write_super(fs);
		if (err == 0)
			err = ext2_cache_sync(fs, EXT2_SYNC_ALL);
		if (err != 0)
			goto fail;
	}
	*fsp = fs;
	return 0;
fail:
	fs_free(fs);
	return err;
}

int ext2_unmount(struct ext2_fs *fs)
{
	int err = 0;

	if (fs->node_count != 0)
		return LINUX_EBUSY;
	if (!(fs->flags & EXT2_MOUNT_RDONLY)) {
		/* Clean again if it was clean when mounted; damage seen since
		 * is recorded as ERROR_FS by ext2_write_super. */
		fs->sb.s_state = fs->mount_state;
		err = ext2_write_super(fs);
		if (err == 0)
			err = ext2_cache_sync(fs, EXT2_SYNC_ALL);
	}
	fs_free(fs);
	return err;
}

void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *st)
{
	uint64_t fb = 0, fi = 0;

	for (uint32_t g = 0; g < fs->groups; g++) {
		fb += fs->gd[g].bg_free_blocks_count;
		fi += fs->gd[g].bg_free_inodes_count;
	}
	st->block_size = fs->block_size;
	st->blocks = fs->sb.s_blocks_count;
	st->blocks_free = fb;
	st->blocks_avail = fb > fs->sb.s_r_blocks_count ? fb - fs->sb.s_r_blocks_count : 0;
	st->inodes = fs->sb.s_inodes_count;
	st->inodes_free = fi;
	st->name_max = EXT2_NAME_LEN;
}

static bool bit_test(const uint8_t *map, uint32_t bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1;
}

static void bit_flip(uint8_t *map, uint32_t bit)
{
	map[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* The first clear bit in [from, limit) of map, or limit. */
static uint32_t bit_find_clear(const uint8_t *map, uint32_t from, uint32_t limit)
{
	for (uint32_t i = from; i < limit; i++) {
		if (i % 8 == 0 && map[i / 8] == 0xff && i + 8 <= limit) {
			i += 7;
			continue;
		}
		if (!bit_test(map, i))
			return i;
	}
	return limit;
}

int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *blkp)
{
	uint32_t g0 = 0, off0 = 0;

	if (goal >= fs->sb.s_first_data_block && goal < fs->sb.s_blocks_count) {
		g0 = (goal - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
		off0 = goal - group_first(fs, g0);
	}
	for (uint32_t i = 0; i <= fs->groups; i++) {
		uint32_t g = (g0 + i) % fs->groups;
		struct ext2_group_desc *d = &fs->gd[g];
		struct ext2_buf *b;
		if (d->bg_free_blocks_count == 0)
			continue;
		int err = ext2_bget(fs, d->bg_block_bitmap, 0, &b);
		if (err != 0)
			return err;
		uint32_t n = group_blocks(fs, g);
		uint32_t from = i == 0 ? off0 : 0;
		uint32_t bit = bit_find_clear(b->data, from, n);
		if (bit == n && from != 0)
			bit = bit_find_clear(b->data, 0, from);
		if (bit >= n) {
			ext2_bput(fs, b);
			return ext2_corrupt(fs, "group's free block count against its bitmap", g);
		}
		uint32_t blk = group_first(fs, g) + bit;
		if (!ext2_block_is_data(fs, blk)) {
			ext2_bput(fs, b);
			return ext2_corrupt(fs, "block bitmap frees a metadata block", blk);
		}
		bit_flip(b->data, bit);
		ext2_bdirty(fs, b, 0);
		ext2_bput(fs, b);
		d->bg_free_blocks_count--;
		ext2_gd_dirty(fs, g);
		*blkp = blk;
		return 0;
	}
	return LINUX_ENOSPC;
}

int ext2_block_free(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b;

	if (!ext2_block_is_data(fs, blk))
		return ext2_corrupt(fs, "freeing a block that is not a data block", blk);
	uint32_t g = (blk - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
	struct ext2_group_desc *d = &fs->gd[g];
	int err = ext2_bget(fs, d->bg_block_bitmap, 0, &b);
	if (err != 0)
		return err;
	uint32_t bit = blk - group_first(fs, g);
	if (!bit_test(b->data, bit) || d->bg_free_blocks_count >= group_blocks(fs, g)) {
		ext2_bput(fs, b);
		return ext2_corrupt(fs, "freeing a block already free", blk);
	}
	bit_flip(b->data, bit);
	ext2_bdirty(fs, b, 0);
	ext2_bput(fs, b);
	ext2_bforget(fs, blk);
	d->bg_free_blocks_count++;
	ext2_gd_dirty(fs, g);
	return 0;
}

/* A group for a new inode: a file near its directory; a directory in
 * the group with the fewest directories among those with at least the
 * average of free inodes and blocks (spreading trees, as Linux does). */
static uint32_t inode_group(struct ext2_fs *fs, uint32_t dir_ino, bool is_dir)
{
	uint32_t parent = dir_ino >= 1 && dir_ino <= fs->sb.s_inodes_count
				  ? (dir_ino - 1) / fs->sb.s_inodes_per_group
				  : 0;
	if (!is_dir)
		return parent;
	uint64_t fi = 0, fb = 0;
	for (uint32_t g = 0; g < fs->groups; g++) {
		fi += fs->gd[g].bg_free_inodes_count;
		fb += fs->gd[g].bg_free_blocks_count;
	}
	uint32_t best = parent, best_dirs = UINT32_MAX;
	for (uint32_t i = 0; i < fs->groups; i++) {
		uint32_t g = (parent + i) % fs->groups;
		const struct ext2_group_desc *d = &fs->gd[g];
		if ((uint64_t)d->bg_free_inodes_count * fs->groups < fi ||
		    (uint64_t)d->bg_free_blocks_count * fs->groups < fb)
			continue;
		if (d->bg_used_dirs_count < best_dirs) {
			best = g;
			best_dirs = d->bg_used_dirs_count;
		}
	}
	return best;
}

int ext2_inode_alloc(struct ext2_fs *fs, uint32_t dir_ino, bool is_dir, uint32_t *inop)
{
	uint32_t g0 = inode_group(fs, dir_ino, is_dir);
	uint32_t ipg = fs->sb.s_inodes_per_group;

	for (uint32_t i = 0; i < fs->groups; i++) {
		uint32_t g = (g0 + i) % fs->groups;
		struct ext2_group_desc *d = &fs->gd[g];
		struct ext2_buf *b;
		if (d->bg_free_inodes_count == 0)
			continue;
		int err = ext2_bget(fs, d->bg_inode_bitmap, 0, &b);
		if (err != 0)
			return err;
		uint32_t from = g == 0 ? fs->first_ino - 1 : 0;
		uint32_t bit = bit_find_clear(b->data, from, ipg);
		if (bit >= ipg) {
			ext2_bput(fs, b);
			return ext2_corrupt(fs, "group's free inode count against its bitmap", g);
		}
		bit_flip(b->data, bit);
		ext2_bdirty(fs, b, 0);
		ext2_bput(fs, b);
		d->bg_free_inodes_count--;
		if (is_dir)
			d->bg_used_dirs_count++;
		ext2_gd_dirty(fs, g);
		*inop = g * ipg + bit + 1;
		return 0;
	}
	return LINUX_ENOSPC;
}

int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
	struct ext2_buf *b;

	if (ino < fs->first_ino || ino > fs->sb.s_inodes_count)
		return ext2_corrupt(fs, "freeing a reserved or impossible inode", ino);
	uint32_t g = (ino - 1) / fs->sb.s_inodes_per_group, bit = (ino - 1) % fs->sb.s_inodes_per_group;
	struct ext2_group_desc *d = &fs->gd[g];
	int err = ext2_bget(fs, d->bg_inode_bitmap, 0, &b);
	if (err != 0)
		return err;
	if (!bit_test(b->data, bit) || d->bg_free_inodes_count >= fs->sb.s_inodes_per_group) {
		ext2_bput(fs, b);
		return ext2_corrupt(fs, "freeing an inode already free", ino);
	}
	bit_flip(b->data, bit);
	ext2_bdirty(fs, b, 0);
	ext2_bput(fs, b);
	d->bg_free_inodes_count++;
	if (is_dir && d->bg_used_dirs_count > 0)
		d->bg_used_dirs_count--;
	ext2_gd_dirty(fs, g);
	return 0;
}

/* Bit bit of the bitmap in block map_blk. */
static int map_test(struct ext2_fs *fs, uint32_t map_blk, uint32_t bit, bool *set)
{
	struct ext2_buf *b;
	int err = ext2_bget(fs, map_blk, 0, &b);
	if (err != 0)
		return err;
	*set = bit_test(b->data, bit);
	ext2_bput(fs, b);
	return 0;
}

/* Is inode ino marked in use?  (A name pointing at a free inode is damage.) */
int ext2_inode_in_use(struct ext2_fs *fs, uint32_t ino, bool *used)
{
	uint32_t g = (ino - 1) / fs->sb.s_inodes_per_group;
	return map_test(fs, fs->gd[g].bg_inode_bitmap, (ino - 1) % fs->sb.s_inodes_per_group, used);
}

/* Is data block blk (ext2_block_is_data) marked in use? */
int ext2_block_in_use(struct ext2_fs *fs, uint32_t blk, bool *used)
{
	uint32_t g = (blk - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
	return map_test(fs, fs->gd[g].bg_block_bitmap, blk - group_first(fs, g), used);
}
