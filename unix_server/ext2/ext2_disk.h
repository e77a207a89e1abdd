/*
 * The ext2 on-disk format (revision 1, as mke2fs -t ext2 writes it).
 * All fields are little-endian; i386 is too, so the structures are used
 * in place.  Only what the library reads or writes is named; the rest is
 * padding kept as found.
 */
#ifndef _EXT2_DISK_H_
#define _EXT2_DISK_H_

#include <stdint.h>

#define EXT2_SUPER_MAGIC 0xef53
#define EXT2_SUPER_OFFSET 1024 /* bytes from the start of the partition */
#define EXT2_SUPER_SIZE 1024
#define EXT2_MIN_BLOCK_LOG 10 /* 1 KiB */
#define EXT2_MAX_BLOCK_LOG 12 /* 4 KiB: what this library accepts */
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11

/* s_state */
#define EXT2_VALID_FS 0x0001 /* cleanly unmounted */
#define EXT2_ERROR_FS 0x0002 /* errors detected */

/* s_feature_compat: only resize_inode changes what this library does. */
#define EXT2_FEATURE_COMPAT_RESIZE_INODE 0x0010
/* s_feature_incompat */
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_FEATURE_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE
/* s_feature_ro_compat */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_RO_COMPAT_SUPP (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size; /* block size = 1024 << this */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks; /* resize_inode: after the descriptors */
	uint8_t s_rest[EXT2_SUPER_SIZE - 208];
};
_Static_assert(sizeof(struct ext2_super) == EXT2_SUPER_SIZE, "ext2 superblock is 1 KiB");

struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint8_t bg_reserved[12];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor is 32 bytes");

/* i_block: 12 direct pointers, then single, double, triple indirect. */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_INDIRECT_LEVELS 3

/* The first 128 bytes of an inode; larger inodes keep the rest as found. */
struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* 512-byte units, data and indirect blocks */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high; /* regular files (i_dir_acl in old revisions) */
	uint32_t i_faddr;
	uint8_t i_osd2_frag[4];
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint32_t i_osd2_reserved;
};
_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_INODE_SIZE, "ext2 inode is 128 bytes");

/* i_flags */
#define EXT2_INDEX_FL 0x00001000 /* hashed directory: cleared when we change one */

/* Reserved inode numbers. */
#define EXT2_BAD_INO 1
#define EXT2_ROOT_INO 2

#define EXT2_LINK_MAX 32000
#define EXT2_FAST_SYMLINK_MAX (EXT2_N_BLOCKS * 4) /* bytes of target kept in i_block */

/* A directory entry: header then name (not NUL-terminated), 4-byte aligned. */
struct ext2_dirent {
	uint32_t inode; /* 0: unused entry */
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type; /* EXT2_FT_*, with the filetype feature */
};
#define EXT2_DIRENT_HEADER 8
#define EXT2_DIRENT_ALIGN 4
#define EXT2_NAME_LEN 255
#define EXT2_DIRENT_LEN(namelen) (((namelen) + EXT2_DIRENT_HEADER + EXT2_DIRENT_ALIGN - 1) & ~(EXT2_DIRENT_ALIGN - 1))

#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7
#define EXT2_FT_MAX 8

/* An extended-attribute block (i_file_acl): header only, for its refcount. */
#define EXT2_XATTR_MAGIC 0xea020000
struct ext2_xattr_header {
	uint32_t h_magic;
	uint32_t h_refcount;
	uint32_t h_blocks;
};

/* i_mode file types (the same as Linux's S_IF*). */
#define EXT2_S_IFMT 0170000
#define EXT2_S_IFSOCK 0140000
#define EXT2_S_IFLNK 0120000
#define EXT2_S_IFREG 0100000
#define EXT2_S_IFBLK 0060000
#define EXT2_S_IFDIR 0040000
#define EXT2_S_IFCHR 0020000
#define EXT2_S_IFIFO 0010000
#define EXT2_S_PERM 07777

#endif /* _EXT2_DISK_H_ */
