/*
 * The buffer cache: one buffer per file-system block, found by a hash on
 * the block number, evicted least recently used first.  Write-back:
 * changes stay in memory until ext2_sync/ext2_fsync/unmount, or until a
 * dirty buffer reaches the head of the LRU list; then all dirty buffers
 * go out at once, sorted, neighbours merged into one transfer (fewer,
 * larger device requests; the device is an RPC away in the guest).
 * Every transfer goes through ext2_dev_io, which refuses a block outside
 * the file system before touching the device.
 */
#include <stdlib.h>
#include <string.h>

#include "ext2_impl.h"

int ext2_dev_io(struct ext2_fs *fs, uint32_t blk, uint32_t count, void *buf, bool write)
{
	uint64_t end = (uint64_t)blk + count;

	if (count == 0 || end > fs->sb.s_blocks_count || (end << fs->block_log) > fs->dev->size)
		return ext2_corrupt(fs, "block transfer outside the file system", blk);
	if (write && (fs->flags & EXT2_MOUNT_RDONLY))
		return LINUX_EROFS;
	uint64_t off = (uint64_t)blk << fs->block_log;
	size_t len = (size_t)count << fs->block_log;
	int err = write ? fs->dev->write(fs->dev, off, buf, len) : fs->dev->read(fs->dev, off, buf, len);
	return err ? LINUX_EIO : 0;
}

static uint32_t cache_hash(const struct ext2_cache *c, uint32_t blk)
{
	return blk % c->hash_size;
}

static struct ext2_buf *cache_find(struct ext2_cache *c, uint32_t blk)
{
	for (struct ext2_buf *b = c->hash[cache_hash(c, blk)]; b != NULL; b = b->hash_next)
		if (b->blk == blk)
			return b;
	return NULL;
}

static void lru_unlink(struct ext2_buf *b)
{
	b->lru_prev->lru_next = b->lru_next;
	b->lru_next->lru_prev = b->lru_prev;
}

static void lru_append(struct ext2_cache *c, struct ext2_buf *b)
{
	b->lru_prev = c->lru.lru_prev;
	b->lru_next = &c->lru;
	c->lru.lru_prev->lru_next = b;
	c->lru.lru_prev = b;
}

static void cache_remove(struct ext2_cache *c, struct ext2_buf *b)
{
	struct ext2_buf **pp = &c->hash[cache_hash(c, b->blk)];
	while (*pp != b)
		pp = &(*pp)->hash_next;
	*pp = b->hash_next;
	lru_unlink(b);
	if (b->dirty)
		c->dirty--;
	c->count--;
	free(b->data);
	free(b);
}

int ext2_cache_init(struct ext2_fs *fs, size_t bytes)
{
	struct ext2_cache *c = &fs->cache;

	c->max = bytes >> fs->block_log;
	if (c->max < 2 * EXT2_CLUSTER_BYTES / fs->block_size)
		c->max = 2 * EXT2_CLUSTER_BYTES / fs->block_size;
	c->hash_size = (uint32_t)c->max | 1;
	c->hash = calloc(c->hash_size, sizeof(*c->hash));
	c->cluster = malloc(EXT2_CLUSTER_BYTES);
	c->wcluster = malloc(EXT2_CLUSTER_BYTES);
	c->lru.lru_next = c->lru.lru_prev = &c->lru;
	c->count = c->dirty = 0;
	if (c->hash == NULL || c->cluster == NULL || c->wcluster == NULL) {
		free(c->hash);
		free(c->cluster);
		free(c->wcluster);
		c->hash = NULL;
		c->cluster = c->wcluster = NULL;
		return LINUX_ENOMEM;
	}
	return 0;
}

/* Drops every buffer, written or not (unmount syncs first). */
void ext2_cache_destroy(struct ext2_fs *fs)
{
	struct ext2_cache *c = &fs->cache;

	if (c->hash == NULL)
		return;
	while (c->lru.lru_next != &c->lru)
		cache_remove(c, c->lru.lru_next);
	free(c->hash);
	free(c->cluster);
	free(c->wcluster);
	c->hash = NULL;
	c->cluster = c->wcluster = NULL;
}

static int buf_cmp(const void *a, const void *b)
{
	uint32_t x = (*(struct ext2_buf *const *)a)->blk, y = (*(struct ext2_buf *const *)b)->blk;
	return x < y ? -1 : x > y;
}

int ext2_cache_sync(struct ext2_fs *fs, uint32_t owner)
{
	struct ext2_cache *c = &fs->cache;
	size_t n = 0;
	int err = 0;

	if (c->dirty == 0)
		goto flush;
	struct ext2_buf **v = malloc(c->dirty * sizeof(*v));
	if (v == NULL)
		return LINUX_ENOMEM;
	for (struct ext2_buf *b = c->lru.lru_next; b != &c->lru; b = b->lru_next)
		if (b->dirty && (owner == EXT2_SYNC_ALL || b->owner == owner || b->owner == 0))
			v[n++] = b;
	qsort(v, n, sizeof(*v), buf_cmp);
	uint32_t per_cluster = EXT2_CLUSTER_BYTES >> fs->block_log;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && j - i < per_cluster && v[j]->blk == v[j - 1]->blk + 1)
			j++;
		for (size_t k = i; k < j; k++)
			memcpy(c->wcluster + ((k - i) << fs->block_log), v[k]->data, fs->block_size);
		int e = ext2_dev_io(fs, v[i]->blk, (uint32_t)(j - i), c->wcluster, true);
		if (e != 0) {
			err = e;
		} else {
			for (size_t k = i; k < j; k++) {
				v[k]->dirty = false;
				c->dirty--;
			}
		}
		i = j;
	}
	free(v);
flush:
	if (err == 0 && fs->dev->flush != NULL && fs->dev->flush(fs->dev) != 0)
		err = LINUX_EIO;
	return err;
}

/* A free slot: a new buffer while under the limit, else the least
 * recently used one nobody holds (after writing back if it is dirty). */
static int cache_slot(struct ext2_fs *fs, struct ext2_buf **bp)
{
	struct ext2_cache *c = &fs->cache;
	struct ext2_buf *b;

	if (c->count >= c->max) {
		for (b = c->lru.lru_next; b != &c->lru && b->refs > 0; b = b->lru_next)
			;
		if (b != &c->lru) {
			if (b->dirty) {
				int err = ext2_cache_sync(fs, EXT2_SYNC_ALL);
				if (err != 0)
					return err;
			}
			cache_remove(c, b);
		}
		/* All held: grow past the limit rather than fail. */
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return LINUX_ENOMEM;
	b->data = malloc(fs->block_size);
	if (b->data == NULL) {
		free(b);
		return LINUX_ENOMEM;
	}
	*bp = b;
	return 0;
}

static void cache_insert(struct ext2_cache *c, struct ext2_buf *b, uint32_t blk)
{
	uint32_t h = cache_hash(c, blk);
	b->blk = blk;
	b->hash_next = c->hash[h];
	c->hash[h] = b;
	lru_append(c, b);
	c->count++;
}

int ext2_bget(struct ext2_fs *fs, uint32_t blk, unsigned flags, struct ext2_buf **bp)
{
	struct ext2_cache *c = &fs->cache;
	struct ext2_buf *b = cache_find(c, blk);

	if (b != NULL) {
		lru_unlink(b);
		lru_append(c, b);
		b->refs++;
		*bp = b;
		return 0;
	}
	if (blk >= fs->sb.s_blocks_count)
		return ext2_corrupt(fs, "block number beyond the file system", blk);
	int err = cache_slot(fs, &b);
	if (err != 0)
		return err;
	if (!(flags & EXT2_GET_NOREAD)) {
		err = ext2_dev_io(fs, blk, 1, b->data, false);
		if (err != 0) {
			free(b->data);
			free(b);
			return err;
		}
	}
	cache_insert(c, b, blk);
	b->refs = 1;
	*bp = b;
	return 0;
}

void ext2_bput(struct ext2_fs *fs, struct ext2_buf *b)
{
	(void)fs;
	if (b != NULL && b->refs > 0)
		b->refs--;
}

void ext2_bdirty(struct ext2_fs *fs, struct ext2_buf *b, uint32_t owner)
{
	if (!b->dirty) {
		b->dirty = true;
		fs->cache.dirty++;
	}
	b->owner = owner;
}

void ext2_bforget(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b = cache_find(&fs->cache, blk);
	if (b != NULL && b->refs == 0)
		cache_remove(&fs->cache, b);
}

void ext2_breadahead(struct ext2_fs *fs, uint32_t blk, uint32_t count)
{
	struct ext2_cache *c = &fs->cache;
	uint32_t per_cluster = EXT2_CLUSTER_BYTES >> fs->block_log;

	if (count > per_cluster)
		count = per_cluster;
	if ((uint64_t)blk + count > fs->sb.s_blocks_count || count > c->max / 2)
		return;
	/* The uncached run from blk; stop at the first cached block. */
	uint32_t n = 0;
	while (n < count && cache_find(c, blk + n) == NULL)
		n++;
	if (n < 2 || ext2_dev_io(fs, blk, n, c->cluster, false) != 0)
		return;
	for (uint32_t i = 0; i < n; i++) {
		struct ext2_buf *b;
		if (cache_slot(fs, &b) != 0)
			return;
		memcpy(b->data, c->cluster + ((size_t)i << fs->block_log), fs->block_size);
		cache_insert(c, b, blk + i);
	}
}
