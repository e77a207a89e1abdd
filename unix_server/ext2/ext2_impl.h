/*
 * Inside the ext2 library: the file system, buffer cache and node
 * structures the files share.  Not for users of the library (ext2.h).
 */
#ifndef _EXT2_IMPL_H_
#define _EXT2_IMPL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ext2.h"
#include "ext2_disk.h"

/*
 * A cached block.  refs counts users holding it (a held buffer is never
 * evicted); owner is the inode whose data or indirect block it is (0:
 * file-system metadata), so fsync writes what belongs to one file.
 */
struct ext2_buf {
	uint32_t blk;
	uint32_t owner;
	unsigned refs;
	bool dirty;
	uint8_t *data;
	struct ext2_buf *hash_next;
	struct ext2_buf *lru_prev, *lru_next; /* least recently used first */
};

struct ext2_cache {
	struct ext2_buf **hash;
	uint32_t hash_size;
	struct ext2_buf lru; /* list head */
	size_t count, max;
	size_t dirty;
	uint8_t *cluster;  /* staging for multi-block reads */
	uint8_t *wcluster; /* and writes (a read may evict, so write back) */
};
/* Largest transfer the cache makes at once (devices take 64 KiB). */
#define EXT2_CLUSTER_BYTES (64u * 1024)

/* A node: an in-memory inode, its on-disk image in di. */
struct ext2_node {
	struct ext2_fs *fs;
	uint32_t ino;
	unsigned refs;
	struct ext2_inode di;
	uint32_t goal; /* where the next block allocation for it looks first */
	void *priv;    /* the caller's (ext2_node_private) */
	struct ext2_node *next; /* in fs->nodes */
};

#define EXT2_NODE_HASH 64

struct ext2_fs {
	struct ext2_dev *dev;
	unsigned flags;
	uint32_t (*now)(void);
	struct ext2_super sb; /* in memory; written at sync and unmount */
	uint32_t block_size, block_log;
	uint32_t ptrs_per_block;     /* block pointers in an indirect block */
	uint32_t groups;
	uint32_t inode_size, inodes_per_block;
	uint32_t first_ino;
	uint32_t gdt_blocks; /* blocks of group descriptors */
	uint32_t reserved_gdt; /* blocks reserved after them for resizing */
	struct ext2_group_desc *gd;
	bool sb_dirty;
	bool damaged;
	uint16_t mount_state; /* s_state found at mount */
	struct ext2_cache cache;
	struct ext2_node *nodes[EXT2_NODE_HASH]; /* referenced nodes by number */
	unsigned node_count;
};

#define EXT2_ISDIR(mode) (((mode)&EXT2_S_IFMT) == EXT2_S_IFDIR)
#define EXT2_ISREG(mode) (((mode)&EXT2_S_IFMT) == EXT2_S_IFREG)
#define EXT2_ISLNK(mode) (((mode)&EXT2_S_IFMT) == EXT2_S_IFLNK)

/* Damage seen: marks the file system and returns EUCLEAN to pass on. */
int ext2_corrupt(struct ext2_fs *fs, const char *what, uint32_t where);
uint32_t ext2_now(struct ext2_fs *fs);

/* cache.c.  get reads the block unless EXT2_GET_NOREAD (the caller
 * fills all of it); put gives it back.  Every transfer checks the block
 * against the file system's size first. */
#define EXT2_GET_NOREAD 0x1
int ext2_cache_init(struct ext2_fs *fs, size_t bytes);
void ext2_cache_destroy(struct ext2_fs *fs);
int ext2_bget(struct ext2_fs *fs, uint32_t blk, unsigned flags, struct ext2_buf **bp);
void ext2_bput(struct ext2_fs *fs, struct ext2_buf *b);
void ext2_bdirty(struct ext2_fs *fs, struct ext2_buf *b, uint32_t owner);
void ext2_bforget(struct ext2_fs *fs, uint32_t blk);
/* Reads blocks blk..blk+count-1 that are not cached, in few transfers. */
void ext2_breadahead(struct ext2_fs *fs, uint32_t blk, uint32_t count);
/* Writes dirty buffers: all (owner ~0u) or those of owner and metadata. */
#define EXT2_SYNC_ALL 0xffffffffu
int ext2_cache_sync(struct ext2_fs *fs, uint32_t owner);
/* Transfers whole blocks with the bounds check (mount's superblock read
 * uses it before the cache exists). */
int ext2_dev_io(struct ext2_fs *fs, uint32_t blk, uint32_t count, void *buf, bool write);

/* super.c */
bool ext2_block_is_data(struct ext2_fs *fs, uint32_t blk);
int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *blkp);
int ext2_block_free(struct ext2_fs *fs, uint32_t blk);
int ext2_inode_alloc(struct ext2_fs *fs, uint32_t dir_ino, bool is_dir, uint32_t *inop);
int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool is_dir);
int ext2_inode_in_use(struct ext2_fs *fs, uint32_t ino, bool *used);
int ext2_block_in_use(struct ext2_fs *fs, uint32_t blk, bool *used);
void ext2_gd_dirty(struct ext2_fs *fs, uint32_t group);
int ext2_write_super(struct ext2_fs *fs);
/* The superblock if changed, then the dirty buffers of owner (and all
 * metadata), or all with EXT2_SYNC_ALL. */
int ext2_flush(struct ext2_fs *fs, uint32_t owner);

/* inode.c */
int ext2_node_write(struct ext2_node *n);
uint64_t ext2_node_size(const struct ext2_node *n);
void ext2_node_set_size(struct ext2_node *n, uint64_t size);
/* The physical block of logical block lblk (0 for a hole); with alloc,
 * allocates it (and indirect blocks) and says *fresh if it is new. */
int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool alloc, uint32_t *pblk, bool *fresh);
int ext2_node_new(struct ext2_fs *fs, struct ext2_node *dir, uint32_t mode, uint32_t uid, uint32_t gid,
		  struct ext2_node **np);
void ext2_node_add_blocks(struct ext2_node *n, int count);
/* ext2_iput that says what releasing the inode found (damage). */
int ext2_iput_release(struct ext2_node *n);

/* dir.c */
int ext2_dir_find(struct ext2_node *dir, const char *name, size_t len, uint32_t *inop);
int ext2_dir_add(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
int ext2_dir_remove(struct ext2_node *dir, const char *name, size_t len);
int ext2_dir_set(struct ext2_node *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
int ext2_dir_empty(struct ext2_node *dir, bool *empty);
int ext2_dir_init(struct ext2_node *dir, uint32_t parent_ino);
unsigned ext2_mode_to_ft(uint32_t mode);

#endif /* _EXT2_IMPL_H_ */
