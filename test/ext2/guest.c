/*
 * The ext2 library in the guest (test/ext2/guest.sh): mounts hd0s1, an
 * ext2 partition the host made with mke2fs -d, through device.defs;
 * checks the host's files, writes its own (a tree, a large file, a
 * sparse file, renames, links, a symlink, a truncate), unmounts; mounts
 * again read-only to read them back.  The host then runs e2fsck -fn on
 * the partition and compares the files with debugfs.
 * argv[1]: the device master port (from ${device-port}).
 */
#include <mach.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../user/tap.h"
#include "unix_server/ext2/ext2.h"
#include "unix_server/ext2/ext2_disk.h"
#include "walk.h"

#define FILE1_LINES 10000 /* "line %05d of file1\n": 19 bytes each */
#define MANY 300
#define SPARSE_OFFSET (70u << 20) /* past the triple-indirect threshold of 1 KiB blocks */
#define BIG_SIZE 300000		  /* the host's /data/big: byte i is (i * 7 + i / 251) & 255 */
#define BIG_CUT 100000

static mach_port_t master;
static struct ext2_node *root;

static uint32_t guest_now(void)
{
	time_value_t t;
	if (host_get_time(mach_host_self(), &t) != KERN_SUCCESS)
		return 0;
	return (uint32_t)t.seconds;
}

static int walk(const char *path, struct ext2_node **np)
{
	return ext2test_walk(root, path, np);
}

static uint8_t big_byte(uint32_t i)
{
	return (uint8_t)((i * 7 + i / 251) & 255);
}

static int count_fn(void *arg, const char *name, size_t len, uint32_t ino, unsigned dtype, uint64_t next)
{
	(void)name;
	(void)len;
	(void)ino;
	(void)dtype;
	(void)next;
	(*(int *)arg)++;
	return 0;
}

static void check_host_files(void)
{
	struct ext2_node *n;
	char buf[64];
	size_t done;

	if (is(walk("/hello.txt", &n), 0, "lookup /hello.txt (made by the host)")) {
		ok(ext2_read(n, 0, buf, sizeof(buf), &done) == 0 && done == 20 && memcmp(buf, "hello from the host\n", 20) == 0,
		   "its contents");
		ext2_iput(n);
	}
	if (is(walk("/data/big", &n), 0, "lookup /data/big")) {
		uint8_t *b = malloc(BIG_SIZE);
		int good = ext2_read(n, 0, b, BIG_SIZE, &done) == 0 && done == BIG_SIZE;
		for (uint32_t i = 0; good && i < BIG_SIZE; i++)
			good = b[i] == big_byte(i);
		ok(good, "its %d bytes, through indirect blocks", BIG_SIZE);
		free(b);
		ext2_iput(n);
	}
	if (is(walk("/link", &n), 0, "lookup /link")) {
		size_t tl;
		ok(ext2_readlink(n, buf, sizeof(buf), &tl) == 0 && tl == 8 && memcmp(buf, "data/big", 8) == 0,
		   "readlink /link");
		ext2_iput(n);
	}
}

static void write_guest_files(void)
{
	struct ext2_node *g, *n, *many;
	char line[64];
	size_t done;

	if (!is(ext2_mkdir(root, "guest", 5, 0755, 0, 0, &g), 0, "mkdir /guest"))
		return;
	if (is(ext2_create(g, "file1", 5, EXT2_S_IFREG | 0644, 0, 0, 0, &n), 0, "create /guest/file1")) {
		int err = 0;
		for (int i = 0; i < FILE1_LINES && err == 0; i++) {
			int len = snprintf(line, sizeof(line), "line %05d of file1\n", i);
			err = ext2_write(n, (uint64_t)i * len, line, (size_t)len, &done);
		}
		is(err, 0, "write %d lines", FILE1_LINES);
		is(ext2_fsync(n), 0, "fsync it");
		is(ext2_link(g, "hl", 2, n), 0, "hard link /guest/hl");
		ext2_iput(n);
	}
	if (is(ext2_create(g, "sparse", 6, EXT2_S_IFREG | 0644, 0, 0, 0, &n), 0, "create /guest/sparse")) {
		is(ext2_write(n, SPARSE_OFFSET, "sparse end\n", 11, &done), 0, "write 11 bytes at 70 MiB");
		ext2_iput(n);
	}
	if (is(ext2_mkdir(g, "many", 4, 0755, 0, 0, &many), 0, "mkdir /guest/many")) {
		int made = 0;
		for (int i = 0; i < MANY; i++) {
			char name[16];
			int nl = snprintf(name, sizeof(name), "f%03d", i);
			int len = snprintf(line, sizeof(line), "file %03d\n", i);
			if (ext2_create(many, name, (size_t)nl, EXT2_S_IFREG | 0644, 0, 0, 0, &n) != 0)
				continue;
			made += ext2_write(n, 0, line, (size_t)len, &done) == 0;
			ext2_iput(n);
		}
		is(made, MANY, "%d small files in /guest/many", MANY);
		is(ext2_rename(many, "f000", 4, g, "renamed", 7, 0), 0, "rename /guest/many/f000 to /guest/renamed");
		is(ext2_unlink(many, "f001", 4), 0, "unlink /guest/many/f001");
		ext2_iput(many);
	}
	if (is(ext2_symlink(g, "sl", 2, "../hello.txt", 12, 0, 0, &n), 0, "symlink /guest/sl"))
		ext2_iput(n);
	ext2_iput(g);
	if (is(walk("/data/big", &n), 0, "lookup /data/big again")) {
		is(ext2_truncate(n, BIG_CUT), 0, "truncate /data/big to %d bytes", BIG_CUT);
		ext2_iput(n);
	}
}

static void read_back(void)
{
	struct ext2_node *n;
	char line[64];
	size_t done;

	if (is(walk("/guest/hl", &n), 0, "lookup /guest/hl after a remount")) {
		struct ext2_attr a;
		ext2_getattr(n, &a);
		is(a.nlink, 2, "2 links");
		int good = 1;
		for (int i = 0; i < FILE1_LINES && good; i += 997) {
			int len = snprintf(line, sizeof(line), "line %05d of file1\n", i);
			char got[64];
			good = ext2_read(n, (uint64_t)i * len, got, (size_t)len, &done) == 0 && done == (size_t)len &&
			       memcmp(got, line, (size_t)len) == 0;
		}
		ok(good, "file1's lines read back");
		ext2_iput(n);
	}
	if (is(walk("/guest/many", &n), 0, "lookup /guest/many")) {
		int count = 0;
		uint64_t cookie = 0;
		is(ext2_readdir(n, &cookie, count_fn, &count), 0, "readdir");
		is(count, MANY - 2 + 2, "%d names and . and ..", MANY - 2);
		ext2_iput(n);
	}
}

int main(int argc, char **argv)
{
	struct ext2_dev *dev, *swap;
	struct ext2_fs *fs;
	struct ext2_mount_opts opts = {.now = guest_now};

	if (argc < 2 || (master = strtoul(argv[1], NULL, 0)) == MACH_PORT_NULL)
		tap_bail("usage: ext2guest DEVICE-MASTER-PORT");
	is(ext2_dev_mach_open(master, "nosuch", 0, &dev), LINUX_EIO, "a device that does not exist: EIO");
	if (is(ext2_dev_mach_open(master, "hd0s2", 0, &swap), 0, "open hd0s2 (swap)")) {
		is(ext2_mount(swap, &opts, &fs), LINUX_EINVAL, "mounting a partition that is not ext2: EINVAL");
		ext2_dev_mach_close(swap);
	}
	if (!is(ext2_dev_mach_open(master, "hd0s1", 0, &dev), 0, "open hd0s1"))
		return tap_done();
	if (!is(ext2_mount(dev, &opts, &fs), 0, "mount hd0s1") || !is(ext2_root(fs, &root), 0, "its root"))
		return tap_done();
	check_host_files();
	write_guest_files();
	is(ext2_sync(fs), 0, "sync");
	ext2_iput(root);
	is(ext2_unmount(fs), 0, "unmount");

	opts.flags = EXT2_MOUNT_RDONLY;
	if (is(ext2_mount(dev, &opts, &fs), 0, "mount hd0s1 again, read-only") && is(ext2_root(fs, &root), 0, "root")) {
		read_back();
		ext2_iput(root);
		is(ext2_unmount(fs), 0, "unmount");
	}
	ext2_dev_mach_close(dev);
	return tap_done();
}
