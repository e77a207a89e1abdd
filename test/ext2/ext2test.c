/*
 * Host driver of the ext2 library's tests (test/ext2/README): the library
 * built for the host, on image files made by mke2fs, checked afterwards
 * with e2fsck and debugfs by the scripts beside this file.
 *
 *   ext2test unit IMG                 semantics, TAP
 *   ext2test torture IMG SEED OUTDIR  thousands of operations against a
 *                                     model; the model's files into OUTDIR
 *   ext2test op IMG CMD ARGS...       one operation; prints "errno N"
 *   ext2test fuzz IMG ITERATIONS SEED mounts randomly damaged copies, TAP
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unix_server/ext2/ext2.h"
#include "unix_server/ext2/ext2_disk.h"
#include "walk.h"

/* ---- TAP ---- */
static int tap_n, tap_failed;

static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed = 1;
	return cond;
}

static bool is(long long got, long long want, const char *fmt, ...)
{
	char what[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	bool r = ok(got == want, "%s", what);
	if (!r)
		printf("#   got %lld, want %lld\n", got, want);
	return r;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ext2test: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

/* ---- deterministic random numbers (xorshift64*) ---- */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_below(uint32_t n)
{
	return n == 0 ? 0 : (uint32_t)(rnd() % n);
}

static void fill_pattern(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
	for (size_t i = 0; i < len; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		buf[i] = (uint8_t)s;
	}
}

static uint32_t fixed_now(void)
{
	return (uint32_t)time(NULL);
}

/* A clock never set (the guest before it knows the date). */
static uint32_t epoch_now(void)
{
	return 0;
}

static uint32_t (*test_now)(void) = fixed_now;

/* ---- the library on an image ---- */
static struct ext2_dev *dev;
static struct ext2_fs *fs;
static struct ext2_node *root;

static int mount_image(const char *img, unsigned flags)
{
	struct ext2_mount_opts o = {.flags = flags, .cache_bytes = 1u << 20, .now = test_now};
	/* A partition inside the image: EXT2TEST_PART=offset:size (bytes). */
	const char *part = getenv("EXT2TEST_PART");
	uint64_t poff = 0, psize = 0;
	if (part != NULL) {
		char *colon;
		poff = strtoull(part, &colon, 0);
		psize = *colon == ':' ? strtoull(colon + 1, NULL, 0) : 0;
	}
	int err = ext2_dev_file_open(img, poff, psize, &dev);
	if (err != 0)
		die("cannot open %s", img);
	err = ext2_mount(dev, &o, &fs);
	if (err == 0) {
		err = ext2_root(fs, &root);
		if (err != 0) {
			ext2_unmount(fs);
			fs = NULL;
		}
	}
	if (err != 0) {
		ext2_dev_file_close(dev);
		dev = NULL;
	}
	return err;
}

static int unmount_image(void)
{
	ext2_iput(root);
	root = NULL;
	int err = ext2_unmount(fs);
	fs = NULL;
	ext2_dev_file_close(dev);
	dev = NULL;
	return err;
}

/* Resolves an absolute path (no symlinks followed). */
static int walk(const char *path, struct ext2_node **np)
{
	return ext2test_walk(root, path, np);
}

/* The parent directory of path and its last component. */
static int walk_parent(const char *path, struct ext2_node **dirp, const char **name, size_t *len)
{
	char buf[4096];
	const char *slash = strrchr(path, '/');
	if (slash == NULL || (size_t)(slash - path) >= sizeof(buf))
		return LINUX_EINVAL;
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
	*name = slash + 1;
	*len = strlen(slash + 1);
	return walk(buf, dirp);
}

static int do_create(const char *path, uint32_t mode, struct ext2_node **np)
{
	struct ext2_node *d;
	const char *name;
	size_t len;
	int err = walk_parent(path, &d, &name, &len);
	if (err != 0)
		return err;
	err = ext2_create(d, name, len, EXT2_S_IFREG | mode, 0, 0, 0, np);
	ext2_iput(d);
	return err;
}

static int do_mkdir(const char *path, struct ext2_node **np)
{
	struct ext2_node *d;
	const char *name;
	size_t len;
	int err = walk_parent(path, &d, &name, &len);
	if (err != 0)
		return err;
	err = ext2_mkdir(d, name, len, 0755, 0, 0, np);
	ext2_iput(d);
	return err;
}

static int do_simple(const char *what, const char *path)
{
	struct ext2_node *d;
	const char *name;
	size_t len;
	int err = walk_parent(path, &d, &name, &len);
	if (err != 0)
		return err;
	err = strcmp(what, "unlink") == 0 ? ext2_unlink(d, name, len) : ext2_rmdir(d, name, len);
	ext2_iput(d);
	return err;
}

static int do_rename(const char *from, const char *to, unsigned flags)
{
	struct ext2_node *d1, *d2;
	const char *n1, *n2;
	size_t l1, l2;
	int err = walk_parent(from, &d1, &n1, &l1);
	if (err != 0)
		return err;
	err = walk_parent(to, &d2, &n2, &l2);
	if (err == 0) {
		err = ext2_rename(d1, n1, l1, d2, n2, l2, flags);
		ext2_iput(d2);
	}
	ext2_iput(d1);
	return err;
}

static int do_link(const char *target, const char *path)
{
	struct ext2_node *n, *d;
	const char *name;
	size_t len;
	int err = walk(target, &n);
	if (err != 0)
		return err;
	err = walk_parent(path, &d, &name, &len);
	if (err == 0) {
		err = ext2_link(d, name, len, n);
		ext2_iput(d);
	}
	ext2_iput(n);
	return err;
}

static int do_symlink(const char *path, const char *target)
{
	struct ext2_node *d, *n;
	const char *name;
	size_t len;
	int err = walk_parent(path, &d, &name, &len);
	if (err != 0)
		return err;
	err = ext2_symlink(d, name, len, target, strlen(target), 0, 0, &n);
	if (err == 0)
		ext2_iput(n);
	ext2_iput(d);
	return err;
}

static int stat_path(const char *path, struct ext2_attr *a)
{
	struct ext2_node *n;
	int err = walk(path, &n);
	if (err == 0) {
		ext2_getattr(n, a);
		ext2_iput(n);
	}
	return err;
}

static int write_at(struct ext2_node *n, uint64_t off, const void *buf, size_t len)
{
	size_t done;
	int err = ext2_write(n, off, buf, len, &done);
	if (err == 0 && done != len)
		err = LINUX_ENOSPC;
	return err;
}

/* Reads all of [off, off+len) into buf. */
static int read_at(struct ext2_node *n, uint64_t off, void *buf, size_t len, size_t *done)
{
	return ext2_read(n, off, buf, len, done);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != 0)
			return false;
	return true;
}

struct count_arg {
	int count;
	bool has_dot, has_dotdot;
	uint32_t dotdot_ino;
};

static int count_fn(void *arg, const char *name, size_t len, uint32_t ino, unsigned dtype, uint64_t next)
{
	struct count_arg *c = arg;
	(void)dtype;
	(void)next;
	c->count++;
	if (len == 1 && name[0] == '.')
		c->has_dot = true;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		c->has_dotdot = true;
		c->dotdot_ino = ino;
	}
	return 0;
}

static int count_entries(const char *path, struct count_arg *c)
{
	struct ext2_node *d;
	uint64_t cookie = 0;
	memset(c, 0, sizeof(*c));
	int err = walk(path, &d);
	if (err != 0)
		return err;
	err = ext2_readdir(d, &cookie, count_fn, c);
	ext2_iput(d);
	return err;
}

/* Blocks of map a file with one block at logical block lblk needs. */
static unsigned map_blocks_for(uint64_t lblk, uint32_t bs)
{
	uint64_t p = bs / 4;
	if (lblk < 12)
		return 1;
	if (lblk < 12 + p)
		return 2;
	if (lblk < 12 + p + p * p)
		return 3;
	return 4;
}

static void unit(const char *img)
{
	struct ext2_statfs s0, s1;
	struct ext2_attr a, b;
	struct ext2_node *n;
	uint8_t buf[8192];
	size_t done;

	if (!is(mount_image(img, 0), 0, "mount a fresh image"))
		return;
	ext2_statfs(fs, &s0);
	uint32_t bs = s0.block_size;
	ext2_getattr(root, &a);
	ok((a.mode & EXT2_S_IFMT) == EXT2_S_IFDIR && a.ino == 2, "root is inode 2, a directory");
	uint32_t root_links = a.nlink;

	/* Files */
	is(do_create("/a.txt", 0644, &n), 0, "create /a.txt");
	is(write_at(n, 0, "hello, ext2", 11), 0, "write 11 bytes");
	ext2_iput(n);
	is(do_create("/a.txt", 0644, &n), LINUX_EEXIST, "create of an existing name: EEXIST");
	is(walk("/a.txt", &n), 0, "lookup /a.txt");
	memset(buf, 0, sizeof(buf));
	is(read_at(n, 0, buf, sizeof(buf), &done), 0, "read it");
	ok(done == 11 && memcmp(buf, "hello, ext2", 11) == 0, "reads what was written, up to the size");
	is(read_at(n, 11, buf, 10, &done) == 0 && done == 0, 1, "a read at the end reads nothing");
	ext2_getattr(n, &a);
	is((long long)a.size, 11, "size 11");
	is((long long)a.blocks, bs / 512, "one block used");
	ext2_iput(n);

	/* Sparse files and each level of the block map */
	uint64_t p = bs / 4;
	uint64_t marks[] = {11, 12, 12 + p - 1, 12 + p, 12 + p + p * p - 1, 12 + p + p * p, 12 + p + p * p + 5 * p + 3};
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "/sparse%zu", i);
		uint64_t off = marks[i] * bs + 100;
		ext2_statfs(fs, &s1);
		if (!is(do_create(name, 0600, &n), 0, "create a sparse file"))
			continue;
		fill_pattern(buf, 200, i);
		is(write_at(n, off, buf, 200), 0, "write 200 bytes at logical block %llu", (unsigned long long)marks[i]);
		ext2_getattr(n, &a);
		is((long long)a.size, (long long)(off + 200), "size is the end of the write");
		is((long long)a.blocks, (long long)map_blocks_for(marks[i], bs) * (bs / 512),
		   "data block and only the indirect blocks its path needs");
		uint8_t got[400];
		ok(read_at(n, off - 100, got, 400, &done) == 0 && done == 300 && all_zero(got, 100) &&
			   memcmp(got + 100, buf, 200) == 0,
		   "hole before the data reads as zeros, then the data");
		ok(read_at(n, 0, got, 400, &done) == 0 && done == 400 && all_zero(got, 400),
		   "the start of the file is a hole of zeros");
		is(ext2_truncate(n, 0), 0, "truncate to 0");
		ext2_getattr(n, &a);
		is((long long)a.blocks, 0, "no block left");
		ext2_statfs(fs, &s0);
		is((long long)s0.blocks_free, (long long)s1.blocks_free, "every block, indirect ones too, is free again");
		ext2_iput(n);
		is(do_simple("unlink", name), 0, "unlink it");
	}

	/* Past 2 GiB: large_file (a revision 0 file system becomes revision 1). */
	is(do_create("/over2g", 0600, &n), 0, "create /over2g");
	is(write_at(n, (3ull << 30) + 5, "far", 3), 0, "write 3 bytes at 3 GiB");
	ext2_getattr(n, &a);
	is((long long)a.size, (3ll << 30) + 8, "size past 2^31");
	ok(read_at(n, (3ull << 30) + 5, buf, 10, &done) == 0 && done == 3 && memcmp(buf, "far", 3) == 0, "reads back");
	ext2_iput(n);

	/* Truncate */
	is(do_create("/trunc", 0644, &n), 0, "create /trunc");
	uint8_t *big = malloc(4 * bs);
	fill_pattern(big, 3 * bs, 99);
	is(write_at(n, 0, big, 3 * bs), 0, "write 3 blocks");
	is(ext2_truncate(n, bs + bs / 2), 0, "shrink to 1.5 blocks");
	ext2_getattr(n, &a);
	is((long long)a.blocks, 2 * (bs / 512), "two blocks left");
	is(ext2_truncate(n, 4 * bs), 0, "grow to 4 blocks");
	ext2_getattr(n, &a);
	ok(a.size == 4 * bs && a.blocks == 2 * (bs / 512), "growing allocates nothing");
	uint8_t *rb = malloc(4 * bs);
	ok(read_at(n, 0, rb, 4 * bs, &done) == 0 && done == 4 * bs && memcmp(rb, big, bs + bs / 2) == 0 &&
		   all_zero(rb + bs + bs / 2, 4 * bs - bs - bs / 2),
	   "the old data up to 1.5 blocks, zeros after (the cut block's tail was cleared)");
	ext2_iput(n);

	/* A dense file through direct, indirect and double indirect blocks, odd write sizes */
	size_t dense = (12 + p + 300) * bs;
	uint8_t *dd = malloc(dense), *dr = malloc(dense);
	fill_pattern(dd, dense, 7);
	is(do_create("/dense", 0644, &n), 0, "create /dense");
	int werr = 0;
	for (size_t off = 0; off < dense && werr == 0; off += 7777)
		werr = write_at(n, off, dd + off, off + 7777 > dense ? dense - off : 7777);
	is(werr, 0, "write %zu bytes in 7777-byte pieces", dense);
	ok(read_at(n, 0, dr, dense, &done) == 0 && done == dense && memcmp(dd, dr, dense) == 0, "read back equal");
	ext2_getattr(n, &a);
	is((long long)a.blocks, (long long)((12 + p + 300) + 1 + 1 + (300 + p - 1) / p) * (bs / 512),
	   "blocks: data, the indirect, the double indirect and the indirect blocks under it");
	ext2_iput(n);
	free(dd);
	free(dr);

	/* Directories */
	is(do_mkdir("/d1", &n), 0, "mkdir /d1");
	ext2_getattr(n, &a);
	ok(a.nlink == 2 && a.size == bs, "a new directory: 2 links, one block");
	ext2_iput(n);
	is(do_mkdir("/d1", &n), LINUX_EEXIST, "mkdir of an existing name: EEXIST");
	is(do_mkdir("/d2", &n), 0, "mkdir /d2");
	ext2_iput(n);
	ext2_getattr(root, &a);
	is(a.nlink, root_links + 2, "root gains a link per subdirectory");
	is(do_mkdir("/d1/sub", &n), 0, "mkdir /d1/sub");
	ext2_iput(n);
	is(do_simple("rmdir", "/d1"), LINUX_ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
	is(do_simple("unlink", "/d1"), LINUX_EISDIR, "unlink of a directory: EISDIR");
	is(do_simple("rmdir", "/a.txt"), LINUX_ENOTDIR, "rmdir of a file: ENOTDIR");
	is(do_simple("rmdir", "/d1/sub"), 0, "rmdir /d1/sub");
	stat_path("/d1", &a);
	is(a.nlink, 2, "/d1 is back to 2 links");
	is(do_simple("rmdir", "/nope"), LINUX_ENOENT, "rmdir of nothing: ENOENT");
	int empty = -1;
	ok(walk("/d1", &n) == 0 && ext2_isempty(n, &empty) == 0 && empty == 1, "isempty: /d1 is empty");
	ext2_iput(n);
	ok(ext2_isempty(root, &empty) == 0 && empty == 0, "isempty: root is not");
	is(walk("/a.txt", &n), 0, "lookup /a.txt");
	is(ext2_isempty(n, &empty), LINUX_ENOTDIR, "isempty of a file: ENOTDIR");
	int cookie_obj;
	ext2_node_set_private(n, &cookie_obj);
	struct ext2_node *again;
	ok(walk("/a.txt", &again) == 0 && again == n && ext2_node_private(again) == &cookie_obj,
	   "a second lookup of a referenced inode gives the same node, private word and all");
	ext2_iput(again);
	ext2_iput(n);

	/* Many entries: split, merge, reuse */
	char name[300];
	int made = 0;
	for (int i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "/d2/%0*d", 1 + i % 40, i);
		if (do_create(name, 0644, &n) == 0) {
			made++;
			ext2_iput(n);
		}
	}
	is(made, 600, "600 files in /d2");
	struct count_arg c;
	is(count_entries("/d2", &c), 0, "readdir /d2");
	ok(c.count == 602 && c.has_dot && c.has_dotdot, "lists the 600 names and . and ..");
	int gone = 0;
	for (int i = 0; i < 600; i += 2) {
		snprintf(name, sizeof(name), "/d2/%0*d", 1 + i % 40, i);
		gone += do_simple("unlink", name) == 0;
	}
	is(gone, 300, "remove every other one");
	count_entries("/d2", &c);
	is(c.count, 302, "readdir lists the 300 left");
	stat_path("/d2", &a);
	uint64_t dsize = a.size;
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/d2/n%0*d", 1 + i % 30, i);
		if (do_create(name, 0644, &n) == 0)
			ext2_iput(n);
	}
	stat_path("/d2", &a);
	is((long long)a.size, (long long)dsize, "300 new names fit in the space freed: the directory did not grow");
	snprintf(name, sizeof(name), "/d2/%0*d", 1 + 1 % 40, 1);
	is(stat_path(name, &a), 0, "an old name is still found after the merges");

	/* Names */
	memset(name, 'x', sizeof(name));
	memcpy(name, "/d1/", 4);
	name[4 + 255] = '\0';
	is(do_create(name, 0644, &n), 0, "a 255-byte name");
	ext2_iput(n);
	name[4 + 255] = 'x';
	name[4 + 256] = '\0';
	is(do_create(name, 0644, &n), LINUX_ENAMETOOLONG, "a 256-byte name: ENAMETOOLONG");
	name[4 + 255] = '\0';
	is(do_simple("unlink", name), 0, "unlink the long name");

	/* Rename */
	stat_path("/a.txt", &a);
	is(do_rename("/a.txt", "/d1/b.txt", 0), 0, "rename a file across directories");
	is(stat_path("/a.txt", &b), LINUX_ENOENT, "the old name is gone");
	ok(stat_path("/d1/b.txt", &b) == 0 && b.ino == a.ino, "the new name is the same inode");
	is(do_create("/d1/c.txt", 0644, &n), 0, "create /d1/c.txt");
	ext2_iput(n);
	ext2_statfs(fs, &s0);
	is(do_rename("/d1/b.txt", "/d1/c.txt", EXT2_RENAME_NOREPLACE), LINUX_EEXIST, "RENAME_NOREPLACE over a file: EEXIST");
	is(do_rename("/d1/b.txt", "/d1/c.txt", 0), 0, "rename over an existing file");
	ok(stat_path("/d1/c.txt", &b) == 0 && b.ino == a.ino && stat_path("/d1/b.txt", &b) == LINUX_ENOENT,
	   "the target name now names the moved file");
	ext2_statfs(fs, &s1);
	is((long long)s1.inodes_free, (long long)s0.inodes_free + 1, "the replaced file's inode is freed");
	is(do_rename("/d1/c.txt", "/d2", 0), LINUX_EISDIR, "a file over a directory: EISDIR");
	is(do_rename("/d2", "/d1/c.txt", 0), LINUX_ENOTDIR, "a directory over a file: ENOTDIR");
	uint32_t d1_ino = (stat_path("/d1", &a), a.ino);
	is(do_rename("/d2", "/d1/d2m", 0), 0, "rename a directory into another");
	stat_path("/d1", &a);
	is(a.nlink, 3, "the new parent gains a link");
	ext2_getattr(root, &a);
	is(a.nlink, root_links + 1, "the old parent loses one");
	count_entries("/d1/d2m", &c);
	is(c.dotdot_ino, d1_ino, "the moved directory's .. names its new parent");
	is(do_rename("/d1", "/d1/d2m/under", 0), LINUX_EINVAL, "moving a directory under itself: EINVAL");
	is(do_mkdir("/e1", &n), 0, "mkdir /e1");
	ext2_iput(n);
	is(do_rename("/e1", "/d1", 0), LINUX_ENOTEMPTY, "a directory over a non-empty one: ENOTEMPTY");
	is(do_mkdir("/e2", &n), 0, "mkdir /e2");
	ext2_iput(n);
	stat_path("/e1", &a);
	ext2_statfs(fs, &s0);
	is(do_rename("/e1", "/e2", 0), 0, "a directory over an empty one");
	ok(stat_path("/e2", &b) == 0 && b.ino == a.ino && b.nlink == 2, "the target is the moved directory");
	ext2_getattr(root, &a);
	is(a.nlink, root_links + 2, "root's links: /d1 and /e2");
	ext2_statfs(fs, &s1);
	ok(s1.inodes_free == s0.inodes_free + 1 && s1.blocks_free == s0.blocks_free + 1,
	   "the replaced directory's inode and block are freed");

	/* Hard links */
	is(do_link("/d1/c.txt", "/hl"), 0, "link /d1/c.txt as /hl");
	stat_path("/hl", &a);
	is(a.nlink, 2, "2 links");
	is(do_rename("/hl", "/d1/c.txt", 0), 0, "rename onto another name of the same file");
	ok(stat_path("/hl", &a) == 0 && stat_path("/d1/c.txt", &b) == 0 && a.nlink == 2,
	   "does nothing: both names stay");
	is(do_simple("unlink", "/d1/c.txt"), 0, "unlink one name");
	ok(walk("/hl", &n) == 0 && read_at(n, 0, buf, 100, &done) == 0 && done == 11 && memcmp(buf, "hello, ext2", 11) == 0,
	   "the other reads the data");
	ext2_getattr(n, &a);
	is(a.nlink, 1, "1 link left");
	ext2_iput(n);
	is(do_link("/d1", "/dl"), LINUX_EPERM, "link to a directory: EPERM");

	/* Symlinks */
	const char *slow = "/a/rather/long/target/that/does/not/fit/in/the/inode/itself/so/it/takes/a/block/of/its/own";
	is(do_symlink("/fast", "d1/c.txt"), 0, "fast symlink");
	is(do_symlink("/slow", slow), 0, "slow symlink");
	char tgt[256];
	size_t tl;
	ok(walk("/fast", &n) == 0 && ext2_readlink(n, tgt, sizeof(tgt), &tl) == 0 && tl == 8 && memcmp(tgt, "d1/c.txt", 8) == 0,
	   "readlink of the fast one");
	ext2_getattr(n, &a);
	ok((a.mode & EXT2_S_IFMT) == EXT2_S_IFLNK && a.blocks == 0 && a.size == 8, "a link, no block, size 8");
	ext2_iput(n);
	ok(walk("/slow", &n) == 0 && ext2_readlink(n, tgt, sizeof(tgt), &tl) == 0 && tl == strlen(slow) &&
		   memcmp(tgt, slow, tl) == 0,
	   "readlink of the slow one");
	ext2_getattr(n, &a);
	is((long long)a.blocks, bs / 512, "one block");
	is(ext2_readlink(root, tgt, sizeof(tgt), &tl), LINUX_EINVAL, "readlink of a directory: EINVAL");
	ext2_iput(n);

	/* Unlinked while referenced */
	ext2_statfs(fs, &s0);
	is(do_create("/open", 0644, &n), 0, "create /open");
	write_at(n, 0, big, 3 * bs);
	is(do_simple("unlink", "/open"), 0, "unlink it while referenced");
	ok(read_at(n, 0, rb, 3 * bs, &done) == 0 && done == 3 * bs && memcmp(rb, big, 3 * bs) == 0,
	   "still readable through the reference");
	ext2_iput(n);
	ext2_statfs(fs, &s1);
	ok(s1.inodes_free == s0.inodes_free && s1.blocks_free == s0.blocks_free, "freed at the last reference");

	/* Attributes */
	is(do_create("/attr", 0600, &n), 0, "create /attr");
	struct ext2_attr set = {.mode = 04751, .uid = 100000, .gid = 70000, .atime = 1000000, .mtime = 2000000};
	is(ext2_setattr(n, &set, EXT2_SET_MODE | EXT2_SET_UID | EXT2_SET_GID | EXT2_SET_ATIME | EXT2_SET_MTIME), 0,
	   "setattr");
	ext2_getattr(n, &a);
	ok((a.mode & 07777) == 04751 && (a.mode & EXT2_S_IFMT) == EXT2_S_IFREG && a.uid == 100000 && a.gid == 70000 &&
		   a.atime == 1000000 && a.mtime == 2000000 && a.ctime > 2000000,
	   "mode, 32-bit uid and gid, times as set, ctime now");
	set.ctime = 3000000;
	is(ext2_setattr(n, &set, EXT2_SET_CTIME), 0, "setattr ctime");
	ext2_getattr(n, &a);
	is(a.ctime, 3000000, "ctime as set");
	write_at(n, 0, "x", 1);
	ext2_getattr(n, &a);
	ok(a.mtime > 2000000 && a.ctime >= a.mtime, "a write moves mtime and ctime to now");
	set.size = 5000;
	is(ext2_setattr(n, &set, EXT2_SET_SIZE), 0, "setattr size");
	ext2_getattr(n, &a);
	is((long long)a.size, 5000, "size 5000");
	ext2_iput(n);
	struct ext2_node *dir;
	walk("/", &dir);
	is(ext2_create(dir, "tty0", 4, EXT2_S_IFCHR | 0600, 0, 0, (4 << 8) | 1, &n), 0, "a character device node");
	ext2_getattr(n, &a);
	is(a.rdev, (4 << 8) | 1, "its device number");
	ext2_iput(n);
	is(ext2_create(dir, "fifo", 4, EXT2_S_IFIFO | 0600, 0, 0, 0, &n), 0, "a FIFO");
	ext2_iput(n);
	is(ext2_create(dir, "bad", 3, EXT2_S_IFDIR | 0600, 0, 0, 0, &n), LINUX_EINVAL, "create of a directory: EINVAL");
	ext2_iput(dir);

	/* Out of space */
	ext2_statfs(fs, &s0);
	is(do_create("/fill", 0644, &n), 0, "create /fill");
	uint8_t *chunk = calloc(1, 1 << 20);
	uint64_t filled = 0;
	int ferr = 0;
	while (ferr == 0) {
		ferr = ext2_write(n, filled, chunk, 1 << 20, &done);
		filled += done;
		if (ferr == 0 && done < (1u << 20)) {
			ferr = ext2_write(n, filled, chunk, 1 << 20, &done);
			filled += done;
		}
	}
	is(ferr, LINUX_ENOSPC, "writing until the disk is full ends in ENOSPC");
	ext2_statfs(fs, &s1);
	is((long long)s1.blocks_free, 0, "no free block left");
	ext2_iput(n);
	is(do_simple("unlink", "/fill"), 0, "unlink /fill");
	ext2_statfs(fs, &s1);
	is((long long)s1.blocks_free, (long long)s0.blocks_free, "all its blocks are free again");
	free(chunk);

	is(ext2_sync(fs), 0, "sync");
	is(unmount_image(), 0, "unmount");

	/* Again: it all persisted. */
	if (!is(mount_image(img, 0), 0, "mount again"))
		return;
	ok(stat_path("/hl", &a) == 0 && a.size == 11, "/hl is there");
	ok(walk("/trunc", &n) == 0 && read_at(n, 0, rb, 4 * bs, &done) == 0 && done == 4 * bs &&
		   memcmp(rb, big, bs + bs / 2) == 0 && all_zero(rb + bs + bs / 2, 4 * bs - bs - bs / 2),
	   "/trunc reads the same");
	ext2_iput(n);
	count_entries("/d1/d2m", &c);
	is(c.count, 602, "/d1/d2m lists 600 names");
	is(unmount_image(), 0, "unmount");

	/* A clock at the epoch: a deleted inode still gets a dtime e2fsck
	 * reads as deleted (host.sh's e2fsck run checks). */
	test_now = epoch_now;
	if (is(mount_image(img, 0), 0, "mount with a clock at 0")) {
		is(do_create("/epoch", 0644, &n), 0, "create /epoch");
		ext2_iput(n);
		is(do_simple("unlink", "/epoch"), 0, "unlink it");
		is(unmount_image(), 0, "unmount");
	}
	test_now = fixed_now;

	/* atime: relatime by default, untouched with NOATIME. */
	if (is(mount_image(img, 0), 0, "mount")) {
		struct ext2_attr set = {.atime = 1000, .mtime = 2000};
		is(walk("/hl", &n), 0, "lookup /hl");
		ext2_setattr(n, &set, EXT2_SET_ATIME | EXT2_SET_MTIME);
		read_at(n, 0, buf, 4, &done);
		ext2_getattr(n, &a);
		ok(a.atime > 2000, "a read moves an atime older than mtime (relatime)");
		ext2_setattr(n, &set, EXT2_SET_ATIME | EXT2_SET_MTIME);
		ext2_iput(n);
		is(unmount_image(), 0, "unmount");
	}
	if (is(mount_image(img, EXT2_MOUNT_NOATIME), 0, "mount noatime")) {
		is(walk("/hl", &n), 0, "lookup /hl");
		read_at(n, 0, buf, 4, &done);
		ext2_getattr(n, &a);
		is(a.atime, 1000, "a read leaves atime alone");
		ext2_iput(n);
		is(unmount_image(), 0, "unmount");
	}

	if (!is(mount_image(img, EXT2_MOUNT_RDONLY), 0, "mount read-only")) {
		free(big);
		free(rb);
		return;
	}
	is(do_create("/ro", 0644, &n), LINUX_EROFS, "create on a read-only mount: EROFS");
	walk("/hl", &n);
	is(write_at(n, 0, "y", 1), LINUX_EROFS, "write: EROFS");
	ext2_iput(n);
	is(walk("/d1/d2m", &n), 0, "lookup works");
	ext2_iput(n);
	is(unmount_image(), 0, "unmount");
	free(big);
	free(rb);
}

/* ---- torture: random operations against a model ---- */
enum { M_FILE, M_DIR, M_LINK };

struct minode {
	int type;
	uint8_t *data; /* files: contents; links: the target */
	size_t size;
	int nlink;
};

struct mname {
	char *path;
	int ino; /* index into inodes; -1: a free slot */
};

static struct minode *minodes;
static int n_minodes;
static struct mname *mnames;
static int n_mnames;

static int model_inode(int type)
{
	minodes = realloc(minodes, (size_t)(n_minodes + 1) * sizeof(*minodes));
	minodes[n_minodes] = (struct minode){.type = type};
	return n_minodes++;
}

static void model_name(const char *path, int ino)
{
	mnames = realloc(mnames, (size_t)(n_mnames + 1) * sizeof(*mnames));
	mnames[n_mnames].path = strdup(path);
	mnames[n_mnames].ino = ino;
	n_mnames++;
	minodes[ino].nlink++;
}

static void model_drop(int i)
{
	minodes[mnames[i].ino].nlink--;
	free(mnames[i].path);
	mnames[i].path = NULL;
	mnames[i].ino = -1;
}

/* A random live name of the given type (-1: any), or -1. */
static int model_pick(int type)
{
	for (int tries = 0; tries < 200; tries++) {
		int i = (int)rnd_below((uint32_t)n_mnames);
		if (mnames[i].ino >= 0 && (type < 0 || minodes[mnames[i].ino].type == type))
			return i;
	}
	return -1;
}

static bool is_under(const char *path, const char *dir)
{
	size_t l = strlen(dir);
	return strncmp(path, dir, l) == 0 && path[l] == '/';
}

static bool dir_has_children(const char *dir)
{
	for (int i = 0; i < n_mnames; i++)
		if (mnames[i].ino >= 0 && is_under(mnames[i].path, dir))
			return true;
	return false;
}

static int depth_of(const char *path)
{
	int d = 0;
	for (; *path; path++)
		d += *path == '/';
	return d;
}

static int torture_fail;

static void expect(int got, const char *what, const char *path)
{
	if (got != 0 && torture_fail < 20) {
		printf("# %s %s: error %d\n", what, path, got);
		torture_fail++;
	}
	if (got != 0)
		tap_failed = 1;
}

static void model_write(int ino, uint64_t off, const uint8_t *src, size_t len)
{
	struct minode *m = &minodes[ino];
	if (len == 0)
		return;
	if (off + len > m->size) {
		m->data = realloc(m->data, off + len);
		memset(m->data + m->size, 0, off + len - m->size);
		m->size = off + len;
	}
	memcpy(m->data + off, src, len);
}

static void model_truncate(int ino, size_t size)
{
	struct minode *m = &minodes[ino];
	if (size > m->size) {
		m->data = realloc(m->data, size);
		memset(m->data + m->size, 0, size - m->size);
	}
	m->size = size;
}

static int lib_write(const char *path, uint64_t off, const uint8_t *src, size_t len)
{
	struct ext2_node *n;
	int err = walk(path, &n);
	if (err == 0) {
		err = write_at(n, off, src, len);
		ext2_iput(n);
	}
	return err;
}

static int lib_truncate(const char *path, uint64_t size)
{
	struct ext2_node *n;
	int err = walk(path, &n);
	if (err == 0) {
		err = ext2_truncate(n, size);
		ext2_iput(n);
	}
	return err;
}

static void torture_op(int *serial)
{
	static uint8_t buf[64 * 1024];
	char path[4096];
	uint32_t r = rnd_below(100);
	int d = model_pick(M_DIR), f, i;
	const char *dir = d >= 0 ? mnames[d].path : "";

	if (r < 30) { /* create a file with data */
		snprintf(path, sizeof(path), "%s/f%d", dir, (*serial)++);
		struct ext2_node *n;
		int err = do_create(path, 0644, &n);
		expect(err, "create", path);
		if (err != 0)
			return;
		ext2_iput(n);
		int ino = model_inode(M_FILE);
		model_name(path, ino);
		size_t len = rnd_below(4) == 0 ? rnd_below(sizeof(buf)) : rnd_below(3000);
		fill_pattern(buf, len, rnd());
		expect(lib_write(path, 0, buf, len), "write", path);
		model_write(ino, 0, buf, len);
	} else if (r < 45 && (f = model_pick(M_FILE)) >= 0) { /* write somewhere, maybe past the end */
		struct minode *m = &minodes[mnames[f].ino];
		uint64_t off = rnd_below((uint32_t)m->size + 20000);
		size_t len = rnd_below(9000);
		fill_pattern(buf, len, rnd());
		expect(lib_write(mnames[f].path, off, buf, len), "write", mnames[f].path);
		model_write(mnames[f].ino, off, buf, len);
	} else if (r < 52 && (f = model_pick(M_FILE)) >= 0) { /* truncate */
		size_t size = rnd_below((uint32_t)minodes[mnames[f].ino].size * 2 + 100);
		expect(lib_truncate(mnames[f].path, size), "truncate", mnames[f].path);
		model_truncate(mnames[f].ino, size);
	} else if (r < 62 && (f = model_pick(M_FILE)) >= 0) { /* rename, maybe over another file */
		int over = rnd_below(3) == 0 ? model_pick(M_FILE) : -1;
		if (over >= 0 && mnames[over].ino == mnames[f].ino)
			return; /* two names of one file: rename does nothing */
		if (over >= 0)
			snprintf(path, sizeof(path), "%s", mnames[over].path);
		else
			snprintf(path, sizeof(path), "%s/r%d", dir, (*serial)++);
		expect(do_rename(mnames[f].path, path, 0), "rename", mnames[f].path);
		if (over >= 0)
			model_drop(over);
		free(mnames[f].path);
		mnames[f].path = strdup(path);
	} else if (r < 72 && (f = model_pick(-1)) >= 0 && minodes[mnames[f].ino].type != M_DIR) { /* unlink */
		expect(do_simple("unlink", mnames[f].path), "unlink", mnames[f].path);
		model_drop(f);
	} else if (r < 77 && (f = model_pick(M_FILE)) >= 0) { /* hard link */
		snprintf(path, sizeof(path), "%s/h%d", dir, (*serial)++);
		expect(do_link(mnames[f].path, path), "link", path);
		model_name(path, mnames[f].ino);
	} else if (r < 82) { /* symlink, fast or slow */
		size_t len = 1 + rnd_below(rnd_below(2) ? 59 : 300);
		char target[400];
		for (i = 0; i < (int)len; i++)
			target[i] = (char)('a' + rnd_below(26));
		target[len] = '\0';
		snprintf(path, sizeof(path), "%s/l%d", dir, (*serial)++);
		expect(do_symlink(path, target), "symlink", path);
		int ino = model_inode(M_LINK);
		model_write(ino, 0, (uint8_t *)target, len);
		model_name(path, ino);
	} else if (r < 90 && depth_of(dir) < 12) { /* mkdir */
		snprintf(path, sizeof(path), "%s/d%d", dir, (*serial)++);
		struct ext2_node *n;
		int err = do_mkdir(path, &n);
		expect(err, "mkdir", path);
		if (err == 0)
			ext2_iput(n);
		model_name(path, model_inode(M_DIR));
	} else if (r < 94 && d >= 0 && !dir_has_children(dir)) { /* rmdir */
		expect(do_simple("rmdir", dir), "rmdir", dir);
		model_drop(d);
	} else if (d >= 0) { /* move a directory (and its tree) elsewhere */
		int to = model_pick(M_DIR);
		const char *top = to >= 0 ? mnames[to].path : "";
		if ((to >= 0 && (to == d || is_under(top, dir))) || depth_of(top) > 10)
			return;
		snprintf(path, sizeof(path), "%s/m%d", top, (*serial)++);
		expect(do_rename(dir, path, 0), "rename directory", dir);
		char *old = strdup(dir);
		size_t ol = strlen(old);
		for (i = 0; i < n_mnames; i++) {
			if (mnames[i].ino < 0)
				continue;
			if (strcmp(mnames[i].path, old) == 0 || is_under(mnames[i].path, old)) {
				char np[4096];
				snprintf(np, sizeof(np), "%s%s", path, mnames[i].path + ol);
				free(mnames[i].path);
				mnames[i].path = strdup(np);
			}
		}
		free(old);
	}
}

/* Every name: the library agrees with the model. */
static bool torture_verify(void)
{
	int bad = 0;
	for (int i = 0; i < n_mnames; i++) {
		if (mnames[i].ino < 0)
			continue;
		struct minode *m = &minodes[mnames[i].ino];
		struct ext2_node *n;
		if (walk(mnames[i].path, &n) != 0) {
			if (bad++ < 10)
				printf("# %s: not found\n", mnames[i].path);
			continue;
		}
		struct ext2_attr a;
		ext2_getattr(n, &a);
		bool good;
		if (m->type == M_FILE) {
			uint8_t *got = malloc(m->size + 1);
			size_t done;
			good = (a.mode & EXT2_S_IFMT) == EXT2_S_IFREG && a.size == m->size && (int)a.nlink == m->nlink &&
			       read_at(n, 0, got, m->size, &done) == 0 && done == m->size &&
			       (m->size == 0 || memcmp(got, m->data, m->size) == 0);
			free(got);
		} else if (m->type == M_LINK) {
			char t[400];
			size_t tl;
			good = ext2_readlink(n, t, sizeof(t), &tl) == 0 && tl == m->size && memcmp(t, m->data, tl) == 0;
		} else {
			struct count_arg c;
			int kids = 0, subdirs = 0;
			size_t l = strlen(mnames[i].path);
			for (int j = 0; j < n_mnames; j++) {
				const char *q = mnames[j].path;
				if (mnames[j].ino >= 0 && is_under(q, mnames[i].path) && strchr(q + l + 1, '/') == NULL) {
					kids++;
					subdirs += minodes[mnames[j].ino].type == M_DIR;
				}
			}
			good = count_entries(mnames[i].path, &c) == 0 && c.count == kids + 2 &&
			       (int)a.nlink == 2 + subdirs;
		}
		ext2_iput(n);
		if (!good && bad++ < 10)
			printf("# %s: differs from the model (mode %o size %llu/%zu links %u/%d)\n", mnames[i].path,
			       a.mode, (unsigned long long)a.size, m->size, a.nlink, m->nlink);
	}
	return bad == 0;
}

static void mkdirs_for(char *path)
{
	for (char *s = strchr(path + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
}

/* The model's tree as host files, for diff against debugfs's rdump. */
static void torture_export(const char *outdir)
{
	char p[8192];
	for (int i = 0; i < n_mnames; i++) {
		if (mnames[i].ino < 0)
			continue;
		struct minode *m = &minodes[mnames[i].ino];
		snprintf(p, sizeof(p), "%s%s", outdir, mnames[i].path);
		mkdirs_for(p);
		if (m->type == M_DIR) {
			mkdir(p, 0755);
		} else if (m->type == M_LINK) {
			char t[400];
			memcpy(t, m->data, m->size);
			t[m->size] = '\0';
			if (symlink(t, p) != 0)
				die("symlink %s", p);
		} else {
			int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, m->data, m->size) != (ssize_t)m->size)
				die("write %s", p);
			close(fd);
		}
	}
}

static void torture(const char *img, uint64_t seed, const char *outdir)
{
	int serial = 0;
	rng_state = seed | 1;
	if (!is(mount_image(img, 0), 0, "mount"))
		return;
	struct ext2_statfs st;
	ext2_statfs(fs, &st);
	uint32_t bs = st.block_size;
	struct ext2_node *n;
	int ino;

	/* Large files: dense past the double-indirect threshold; sparse
	 * ones with pieces at each threshold (triple indirect on 1 KiB
	 * blocks: on 4 KiB ones it lies at 4 GiB, which the unit test
	 * reaches without a host copy). */
	uint64_t p = bs / 4;
	size_t dense = (size_t)(12 + p + 2 * p) * bs + 1234;
	uint8_t *dd = malloc(dense);
	fill_pattern(dd, dense, seed);
	expect(do_create("/large", 0644, &n), "create", "/large");
	ext2_iput(n);
	ino = model_inode(M_FILE);
	model_name("/large", ino);
	for (size_t off = 0; off < dense; off += 65536) {
		size_t len = dense - off < 65536 ? dense - off : 65536;
		expect(lib_write("/large", off, dd + off, len), "write", "/large");
	}
	model_write(ino, 0, dd, dense);
	free(dd);
	expect(do_create("/sparse", 0644, &n), "create", "/sparse");
	ext2_iput(n);
	ino = model_inode(M_FILE);
	model_name("/sparse", ino);
	uint64_t marks[] = {0, 12, 12 + p, 12 + p + p * p};
	for (size_t i = 0; i < 4; i++) {
		uint64_t off = marks[i] * bs - (i ? 77 : 0);
		if (off > (96u << 20))
			break;
		uint8_t piece[300];
		fill_pattern(piece, sizeof(piece), seed + i);
		expect(lib_write("/sparse", off, piece, sizeof(piece)), "write", "/sparse");
		model_write(ino, off, piece, sizeof(piece));
	}

	for (int i = 0; i < 2500; i++) /* mostly creates at first: a populated tree */
		torture_op(&serial);
	ok(torture_fail == 0, "2500 random operations succeed");
	ok(torture_verify(), "the library agrees with the model");
	is(unmount_image(), 0, "unmount");
	is(mount_image(img, 0), 0, "mount again");
	ok(torture_verify(), "after a remount too");
	for (int i = 0; i < 4000; i++) {
		torture_op(&serial);
		if (i % 1000 == 999)
			expect(ext2_sync(fs), "sync", "");
	}
	/* Deep directories: a chain of 100, a file at the bottom (last, so
	 * that no random move breaks the chain). */
	char deep[4096] = "";
	for (int i = 0; i < 100; i++) {
		struct ext2_node *n;
		strcat(deep, i == 0 ? "/deep" : "/d");
		expect(do_mkdir(deep, &n), "mkdir", deep);
		ext2_iput(n);
		model_name(deep, model_inode(M_DIR));
	}
	char bottom[4200];
	snprintf(bottom, sizeof(bottom), "%s/bottom", deep);
	expect(do_create(bottom, 0644, &n), "create", bottom);
	ext2_iput(n);
	ino = model_inode(M_FILE);
	model_name(bottom, ino);
	expect(lib_write(bottom, 0, (const uint8_t *)"at the bottom\n", 14), "write", bottom);
	model_write(ino, 0, (const uint8_t *)"at the bottom\n", 14);

	ok(torture_fail == 0, "4000 more random operations succeed");
	ok(torture_verify(), "the library agrees with the model");
	int live = 0;
	for (int i = 0; i < n_mnames; i++)
		live += mnames[i].ino >= 0;
	printf("# %d names, %d operations\n", live, serial);
	is(unmount_image(), 0, "unmount");
	torture_export(outdir);
}

/* ---- one operation (the damage tests) ---- */
static int op(int argc, char **argv)
{
	struct ext2_node *n;
	int err;
	const char *cmd = argv[0], *path = argc > 1 ? argv[1] : "/";
	static uint8_t buf[1 << 16];

	if (strcmp(cmd, "mount") == 0) {
		err = 0;
	} else if (strcmp(cmd, "cat") == 0 || strcmp(cmd, "stat") == 0) {
		err = walk(path, &n);
		if (err == 0) {
			size_t done;
			uint64_t off = 0;
			while (strcmp(cmd, "cat") == 0 && err == 0) {
				err = ext2_read(n, off, buf, sizeof(buf), &done);
				off += done;
				if (done == 0)
					break;
			}
			ext2_iput(n);
		}
	} else if (strcmp(cmd, "ls") == 0) {
		struct count_arg c;
		err = count_entries(path, &c);
	} else if (strcmp(cmd, "write") == 0 || strcmp(cmd, "writeat") == 0 || strcmp(cmd, "truncate") == 0) {
		/* write: 64 KiB of 'w' at the end; writeat PATH OFFSET: there. */
		err = walk(path, &n);
		if (err == 0) {
			struct ext2_attr a;
			uint64_t arg = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
			ext2_getattr(n, &a);
			memset(buf, 'w', sizeof(buf));
			if (strcmp(cmd, "truncate") == 0)
				err = ext2_truncate(n, arg);
			else
				err = write_at(n, cmd[5] == 'a' ? arg : a.size, buf, sizeof(buf));
			ext2_iput(n);
		}
	} else if (strcmp(cmd, "create") == 0) {
		err = do_create(path, 0644, &n);
		if (err == 0) {
			err = write_at(n, 0, buf, sizeof(buf));
			ext2_iput(n);
		}
	} else if (strcmp(cmd, "mkdir") == 0) {
		err = do_mkdir(path, &n);
		if (err == 0)
			ext2_iput(n);
	} else if (strcmp(cmd, "unlink") == 0 || strcmp(cmd, "rmdir") == 0) {
		err = do_simple(cmd, path);
	} else if (strcmp(cmd, "rename") == 0 && argc > 2) {
		err = do_rename(argv[1], argv[2], 0);
	} else {
		die("unknown op %s", cmd);
	}
	printf("errno %d\n", err);
	return err;
}

/* ---- fuzz: randomly damaged images ---- */
struct dev_mem {
	struct ext2_dev dev;
	uint8_t *data;
	unsigned outside; /* transfers past the end: must stay 0 */
};

static int mem_read(struct ext2_dev *d, uint64_t off, void *buf, size_t len)
{
	struct dev_mem *m = (struct dev_mem *)d;
	if (off + len > d->size || len % EXT2_DEV_SECTOR != 0) {
		m->outside++;
		return -1;
	}
	memcpy(buf, m->data + off, len);
	return 0;
}

static int mem_write(struct ext2_dev *d, uint64_t off, const void *buf, size_t len)
{
	struct dev_mem *m = (struct dev_mem *)d;
	if (off + len > d->size || len % EXT2_DEV_SECTOR != 0) {
		m->outside++;
		return -1;
	}
	memcpy(m->data + off, buf, len);
	return 0;
}

struct walk_arg {
	char names[64][256];
	int count;
};

static int collect_fn(void *arg, const char *name, size_t len, uint32_t ino, unsigned dtype, uint64_t next)
{
	struct walk_arg *w = arg;
	(void)ino;
	(void)dtype;
	(void)next;
	if (w->count < 64 && !(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.')) {
		memcpy(w->names[w->count], name, len);
		w->names[w->count][len] = '\0';
		w->count++;
	}
	return 0;
}

/* Reads all it can reach (bounded), touching every kind of structure. */
static void fuzz_walk(struct ext2_node *dir, int depth, int *budget)
{
	struct walk_arg *w = calloc(1, sizeof(*w));
	uint64_t cookie = 0;
	static uint8_t buf[16384];

	ext2_readdir(dir, &cookie, collect_fn, w);
	for (int i = 0; i < w->count && *budget > 0; i++) {
		struct ext2_node *n;
		(*budget)--;
		if (ext2_lookup(dir, w->names[i], strlen(w->names[i]), &n) != 0)
			continue;
		struct ext2_attr a;
		ext2_getattr(n, &a);
		size_t done;
		char t[4096];
		if ((a.mode & EXT2_S_IFMT) == EXT2_S_IFDIR && depth < 8)
			fuzz_walk(n, depth + 1, budget);
		else if ((a.mode & EXT2_S_IFMT) == EXT2_S_IFREG)
			ext2_read(n, a.size > sizeof(buf) ? a.size - sizeof(buf) : 0, buf, sizeof(buf), &done);
		else if ((a.mode & EXT2_S_IFMT) == EXT2_S_IFLNK)
			ext2_readlink(n, t, sizeof(t), &done);
		if ((a.mode & EXT2_S_IFMT) == EXT2_S_IFREG && rnd_below(4) == 0) {
			ext2_write(n, rnd_below(100000), buf, 5000, &done);
			ext2_truncate(n, rnd_below(50000));
		}
		ext2_iput(n);
	}
	free(w);
}

struct range {
	size_t start;
	uint32_t len;
};

/* Where the structures are in a pristine image: the superblock, the
 * descriptors, every group's bitmaps, the inodes in use and the blocks
 * their i_block names (data, directory and indirect blocks).  Damage
 * aimed there reaches the library's checks far more often than damage
 * anywhere in a mostly empty image. */
static struct range *hot_ranges(const uint8_t *img, size_t size, size_t *np)
{
	const struct ext2_super *sb = (const struct ext2_super *)(img + EXT2_SUPER_OFFSET);
	size_t n = 0, cap = 4096;
	struct range *v = malloc(cap * sizeof(*v));
	uint32_t bs = 1024u << sb->s_log_block_size;
	uint32_t groups = (sb->s_blocks_count - sb->s_first_data_block + sb->s_blocks_per_group - 1) /
			  sb->s_blocks_per_group;
	const struct ext2_group_desc *gd = (const struct ext2_group_desc *)(img + (size_t)(sb->s_first_data_block + 1) * bs);

#define ADD(s, l)                                                                                                      \
	do {                                                                                                           \
		if (n < cap && (size_t)(s) + (l) <= size)                                                              \
			v[n++] = (struct range){(size_t)(s), (uint32_t)(l)};                                           \
	} while (0)
	ADD(EXT2_SUPER_OFFSET, 128);
	ADD((size_t)(sb->s_first_data_block + 1) * bs, groups * sizeof(*gd));
	for (uint32_t g = 0; g < groups; g++) {
		ADD((size_t)gd[g].bg_block_bitmap * bs, bs);
		ADD((size_t)gd[g].bg_inode_bitmap * bs, sb->s_inodes_per_group / 8);
		const uint8_t *imap = img + (size_t)gd[g].bg_inode_bitmap * bs;
		for (uint32_t i = 0; i < sb->s_inodes_per_group; i++) {
			if (!(imap[i / 8] & (1u << (i % 8))))
				continue;
			size_t at = (size_t)gd[g].bg_inode_table * bs + (size_t)i * sb->s_inode_size;
			ADD(at, 128);
			const struct ext2_inode *di = (const struct ext2_inode *)(img + at);
			uint32_t type = di->i_mode & EXT2_S_IFMT;
			if (type != EXT2_S_IFREG && type != EXT2_S_IFDIR && !(type == EXT2_S_IFLNK && di->i_blocks))
				continue;
			for (int k = 0; k < EXT2_N_BLOCKS; k++)
				if (di->i_block[k] != 0 && di->i_block[k] < sb->s_blocks_count)
					ADD((size_t)di->i_block[k] * bs, bs);
		}
	}
#undef ADD
	*np = n;
	return v;
}

static void fuzz(const char *img, int iterations, uint64_t seed)
{
	int fd = open(img, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0)
		die("cannot read %s", img);
	size_t size = (size_t)st.st_size;
	uint8_t *pristine = malloc(size);
	if (read(fd, pristine, size) != (ssize_t)size)
		die("short read of %s", img);
	close(fd);
	struct dev_mem m = {.dev = {.size = size, .read = mem_read, .write = mem_write}, .data = malloc(size)};
	rng_state = seed | 1;
	int mounted = 0, damaged = 0, outside = 0;
	size_t nhot = 0;
	struct range *hot = hot_ranges(pristine, size, &nhot);
	for (int it = 0; it < iterations; it++) {
		memcpy(m.data, pristine, size);
		int hits = 1 + (int)rnd_below(8);
		for (int h = 0; h < hits; h++) {
			size_t at;
			if (rnd_below(5) == 0 || nhot == 0) {
				at = rnd_below((uint32_t)size);
			} else {
				const struct range *r = &hot[rnd_below((uint32_t)nhot)];
				at = r->start + rnd_below(r->len);
			}
			m.data[at] = rnd_below(2) ? (uint8_t)rnd() : m.data[at] ^ (uint8_t)(1u << rnd_below(8));
		}
		struct ext2_mount_opts o = {.cache_bytes = 256u << 10, .now = fixed_now};
		struct ext2_fs *f;
		struct ext2_node *r;
		if (ext2_mount(&m.dev, &o, &f) != 0)
			continue;
		mounted++;
		if (ext2_root(f, &r) == 0) {
			int budget = 300;
			fuzz_walk(r, 0, &budget);
			struct ext2_node *n;
			static uint8_t buf[20000];
			size_t done;
			if (ext2_create(r, "fuzzfile", 8, EXT2_S_IFREG | 0644, 0, 0, 0, &n) == 0) {
				ext2_write(n, 0, buf, sizeof(buf), &done);
				ext2_iput(n);
			}
			if (ext2_mkdir(r, "fuzzdir", 7, 0755, 0, 0, &n) == 0)
				ext2_iput(n);
			ext2_rename(r, "fuzzfile", 8, r, "fuzzdir", 7, 0);
			ext2_rename(r, "fuzzdir", 7, r, "fuzzmoved", 9, 0);
			ext2_unlink(r, "fuzzfile", 8);
			ext2_rmdir(r, "fuzzmoved", 9);
			ext2_iput(r);
		}
		damaged += ext2_damaged(f);
		ext2_unmount(f);
	}
	outside = (int)m.outside;
	printf("# %d iterations: %d mounted, %d found damage\n", iterations, mounted, damaged);
	ok(true, "%d damaged images mounted and walked without a crash", iterations);
	is(outside, 0, "no transfer outside the device");
	ok(mounted > 0 && damaged > 0, "some mounted, and damage was seen in some");
	free(m.data);
	free(pristine);
	free(hot);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && strcmp(argv[1], "unit") == 0) {
		unit(argv[2]);
	} else if (argc >= 5 && strcmp(argv[1], "torture") == 0) {
		torture(argv[2], strtoull(argv[3], NULL, 0), argv[4]);
	} else if (argc >= 4 && strcmp(argv[1], "op") == 0) {
		int err = mount_image(argv[2], 0);
		if (err != 0) {
			printf("errno %d\n", err);
			return 0;
		}
		op(argc - 3, argv + 3);
		printf("unmount %d\n", unmount_image());
		return 0;
	} else if (argc >= 5 && strcmp(argv[1], "fuzz") == 0) {
		fuzz(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 0));
	} else {
		die("usage: see the top of test/ext2/ext2test.c");
	}
	printf("1..%d\n", tap_n);
	return tap_failed;
}
