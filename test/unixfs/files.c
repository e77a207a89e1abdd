/*
 * Files through fs.defs and io.defs, served by the VFS and the RAM file
 * system: the boot archive (a newc cpio made on the host, boot module 1)
 * loaded with its files, links, symlinks and modes; malformed archives
 * refused; files (create, O_EXCL, O_TRUNC, O_APPEND, offsets, sparse and
 * large data), directories, getdents64 (small buffers, removal while
 * reading), rename in all its cases, symlinks (relative, absolute, in
 * the middle, ELOOP, O_NOFOLLOW), "..", getcwd, a second file system
 * mounted on /tmp, /dev/null and /dev/zero, identities, times, select
 * over a pipe and a file (io_select, and the clients' io_poll with its
 * timeouts and interruption), what io_map lends for each open mode (a
 * read object never maps writable), and bad requests answered with
 * errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cthreads.h>
#include <servers/io.h>
#include <servers/fs.h>
#include <servers/pipe.h>
#include <mach/mach4.h>

#include "../../unix_server/io/unixio.h"
#include "../../unix_server/fs/vfs.h"
#include "../../unix_server/ramfs/ramfs.h"
#include "../../unix_server/pipe/unixpipe.h"
#include "../../unix_server/client/io_poll.h"
#include "../user/tap.h"
#include "../user/util.h"
#include "server.h"

#define O_RDONLY IO_O_RDONLY
#define O_WRONLY IO_O_WRONLY
#define O_RDWR IO_O_RDWR
#define O_CREAT IO_O_CREAT
#define O_EXCL IO_O_EXCL
#define O_TRUNC IO_O_TRUNC
#define O_APPEND IO_O_APPEND
#define O_DIRECTORY IO_O_DIRECTORY
#define O_NOFOLLOW IO_O_NOFOLLOW
#define O_PATH IO_O_PATH
#define CUR IO_OFFSET_CURRENT

static mach_port_t root;   /* "/" as uid 0 */
static struct vfs_mount *rootfs;
static mach_msg_type_name_t poly;

/* openat: the port, or 0 with *err set. */
static mach_port_t op(mach_port_t dir, const char *path, int flags, int mode, int *err)
{
	mach_port_t p = MACH_PORT_NULL;
	int rc = fs_lookup(dir, path, flags, mode, &p, &poly);

	if (err != NULL)
		*err = rc;
	return rc == 0 ? p : MACH_PORT_NULL;
}

static int err_of(mach_port_t dir, const char *path, int flags)
{
	int rc;
	mach_port_t p = op(dir, path, flags, 0644, &rc);

	if (p != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), p);
	return rc;
}

static void cl(mach_port_t p)
{
	mach_port_deallocate(mach_task_self(), p);
}

static int wr(mach_port_t p, const void *buf, size_t n, int64_t off)
{
	int amount = -1;
	int rc = io_write(p, 0, off, buf, n, &amount);

	return rc != 0 ? -rc : amount;
}

/* Read up to n bytes into buf (NUL-terminated for convenience). */
static int rd(mach_port_t p, char *buf, size_t n, int64_t off)
{
	char inl[2048], *data = inl;
	mach_msg_type_number_t cnt = sizeof(inl);
	int rc = io_read(p, 0, off, n, &data, &cnt);

	if (rc != 0)
		return -rc;
	memcpy(buf, data, cnt);
	if (data != inl)
		vm_deallocate(mach_task_self(), (vm_address_t) data, cnt);
	buf[cnt < n ? cnt : n] = '\0';
	return cnt;
}

static int st_of(mach_port_t dir, const char *path, int flags, struct io_stat *st)
{
	return fs_stat(dir, path, flags, st);
}

/* The contents of a file by path ("" if it cannot be read). */
static const char *cat(const char *path)
{
	static char buf[4096];
	mach_port_t p = op(root, path, O_RDONLY, 0, NULL);

	buf[0] = '\0';
	if (p == MACH_PORT_NULL)
		return "(no such file)";
	rd(p, buf, sizeof(buf) - 1, CUR);
	cl(p);
	return buf;
}

/* --- boot archive --- */

static void test_archive(void)
{
	struct io_stat st, st2;
	char target[IO_PATH_MAX + 1];

	is(strcmp(cat("/etc/hello.txt"), "hello from cpio\n"), 0, "a file of the archive has its contents");
	is(st_of(root, "/etc/hello.txt", 0, &st), 0, "stat it");
	is(st.st_size, 16, "its size");
	is(st.st_mode, IO_S_IFREG | 0640, "its mode (0640 in the archive)");
	is(st.st_nlink, 2, "two names (a hard link in the archive)");
	is(st_of(root, "/etc/hard", 0, &st2), 0, "stat the other name");
	ok(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev, "the same file");
	is(strcmp(cat("/etc/hard"), "hello from cpio\n"), 0, "with the same contents");
	is(fs_readlink(root, "/bin/link", target), 0, "readlink of the archive's symlink");
	is(strcmp(target, "../etc/hello.txt"), 0, "its target: ../etc/hello.txt");
	is(strcmp(cat("/bin/link"), "hello from cpio\n"), 0, "open follows it (relative, with ..)");
	is(strcmp(cat("/deep/a/b/c/file"), "deep\n"), 0, "a file four directories down");
	is(st_of(root, "/deep/a", 0, &st), 0, "stat a directory of the archive");
	is(st.st_mode & IO_S_IFMT, IO_S_IFDIR, "a directory");
	is(st_of(root, "/empty", 0, &st), 0, "an empty file");
	is(st.st_size, 0, "of size 0");
	is(st.st_mtime_sec, 1000000000, "the archive's mtime kept (touch -d @1000000000)");
}

/* A newc header into buf; returns its length with name and padding. */
static size_t newc(char *buf, const char *name, unsigned mode, unsigned filesize, unsigned namesize)
{
	size_t n = sprintf(buf, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", 1, mode, 0, 0, 1, 0,
			   filesize, 0, 0, 0, 0, namesize, 0);

	strcpy(buf + n, name);
	n += strlen(name) + 1;
	while (n % 4)
		buf[n++] = '\0';
	return n;
}

static void test_bad_archives(void)
{
	static char a[4096];
	size_t n;
	unsigned count;
	struct io_stat st;

	cthread_mutex_lock(&unixio_lock);
	memset(a, 0, sizeof(a));
	n = newc(a, "bad1", IO_S_IFREG | 0644, 3, 5);
	memcpy(a + n, "abc\0", 4);
	n += 4;
	memcpy(a + n, "garbage!", 8);
	is(ramfs_load_cpio(rootfs->root, a, n + 8, &count), LINUX_EINVAL, "bad magic after a good entry: EINVAL");
	is(count, 1, "the good entry before it was made");
	n = newc(a, "bad2", IO_S_IFREG | 0644, 100000, 5);
	is(ramfs_load_cpio(rootfs->root, a, n + 4, &count), LINUX_EINVAL, "file size beyond the archive: EINVAL");
	n = newc(a, "bad3", IO_S_IFREG | 0644, 0, 4000);
	is(ramfs_load_cpio(rootfs->root, a, n, &count), LINUX_EINVAL, "name size beyond the archive: EINVAL");
	n = newc(a, "bad4", IO_S_IFREG | 0644, 0, 3);
	is(ramfs_load_cpio(rootfs->root, a, n, &count), LINUX_EINVAL, "name without its NUL: EINVAL");
	n = newc(a, "bad5", IO_S_IFREG | 0644, 0, 5);
	a[10] = 'z';
	is(ramfs_load_cpio(rootfs->root, a, n, &count), LINUX_EINVAL, "a field that is not hex: EINVAL");
	is(ramfs_load_cpio(rootfs->root, a, 50, &count), LINUX_EINVAL, "a header cut short: EINVAL");
	n = newc(a, "badlink", IO_S_IFLNK | 0777, 0, 8);
	n += newc(a + n, "TRAILER!!!", 0, 0, 11);
	is(ramfs_load_cpio(rootfs->root, a, n, &count), LINUX_EINVAL, "a symlink without a target: EINVAL");
	n = newc(a, "ok-file", IO_S_IFREG | 0600, 0, 8);
	n += newc(a + n, "TRAILER!!!", 0, 0, 11);
	is(ramfs_load_cpio(rootfs->root, a, n, &count), 0, "a well-formed archive with its trailer");
	cthread_mutex_unlock(&unixio_lock);
	is(st_of(root, "/bad1", 0, &st), 0, "/bad1 exists");
	is(st.st_size, 3, "with its 3 bytes");
	is(st_of(root, "/bad2", 0, &st), LINUX_ENOENT, "/bad2 does not");
	is(st_of(root, "/ok-file", 0, &st), 0, "/ok-file does");
}

/* --- files --- */

static void test_files(void)
{
	mach_port_t f, g;
	char buf[4096];
	struct io_stat st;
	int rc;
	int64_t off;
	static char big[300000], back[300000];
	unsigned i;

	f = op(root, "/f1", O_RDWR | O_CREAT | O_EXCL, 0644, &rc);
	is(rc, 0, "create /f1 (O_CREAT|O_EXCL)");
	is(wr(f, "abc", 3, CUR), 3, "write 3 bytes");
	is(io_seek(f, 0, 0, &off), 0, "seek to 0");
	is(rd(f, buf, 100, CUR), 3, "read them back");
	is(strcmp(buf, "abc"), 0, "the same bytes");
	is(rd(f, buf, 100, CUR), 0, "then end of file");
	is(err_of(root, "/f1", O_RDWR | O_CREAT | O_EXCL), LINUX_EEXIST, "O_EXCL on an existing file: EEXIST");
	is(io_stat(f, &st), 0, "fstat");
	ok(st.st_mode == (IO_S_IFREG | 0644) && st.st_size == 3 && st.st_nlink == 1, "mode, size, links");
	ok(st.st_blksize == 4096 && st.st_blocks == 1, "blksize and 512-byte blocks");
	is(wr(f, "XY", 2, 1), 2, "pwrite at offset 1");
	is(rd(f, buf, 100, 0), 3, "pread at 0");
	is(strcmp(buf, "aXY"), 0, "the pwrite landed at 1");
	is(io_seek(f, 0, 1, &off), 0, "SEEK_CUR");
	is(off, 3, "the pread/pwrite left the offset alone");
	is(wr(f, "z", 1, 10000), 1, "write past the end (sparse)");
	is(io_seek(f, 0, 2, &off), 0, "SEEK_END");
	is(off, 10001, "the size grew to 10001");
	is(rd(f, buf, 10, 5000), 10, "the hole reads...");
	ok(memcmp(buf, "\0\0\0\0\0\0\0\0\0\0", 10) == 0, "...as zeros");
	cl(f);

	g = op(root, "/f1", O_WRONLY | O_APPEND, 0, &rc);
	is(rc, 0, "open O_APPEND");
	is(wr(g, "END", 3, CUR), 3, "append");
	cl(g);
	is(st_of(root, "/f1", 0, &st), 0, "stat");
	is(st.st_size, 10004, "appended at the end");
	g = op(root, "/f1", O_RDWR | O_TRUNC, 0, &rc);
	is(rc, 0, "open O_TRUNC");
	is(io_stat(g, &st), 0, "fstat");
	is(st.st_size, 0, "truncated to 0");
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char) (i * 13 + (i >> 11));
	is(wr(g, big, sizeof(big), 0), (int) sizeof(big), "write 300000 bytes at once (out of line)");
	memset(back, 0, sizeof(back));
	{
		char inl[2048], *data = inl;
		mach_msg_type_number_t cnt = sizeof(inl);

		is(io_read(g, 0, 0, sizeof(back), &data, &cnt), 0, "read them in one call");
		is(cnt, sizeof(back), "all of them");
		ok(memcmp(data, big, sizeof(big)) == 0, "intact");
		if (data != inl)
			vm_deallocate(mach_task_self(), (vm_address_t) data, cnt);
	}
	is(io_truncate(g, 5), 0, "ftruncate to 5");
	is(rd(g, buf, 100, 0), 5, "5 bytes left");
	is(io_truncate(g, 8), 0, "ftruncate up to 8");
	is(rd(g, buf, 100, 0), 8, "8 bytes");
	ok(buf[5] == 0 && buf[6] == 0 && buf[7] == 0, "the new bytes are zeros");
	cl(g);
	g = op(root, "/f1", O_RDONLY, 0, &rc);
	is(wr(g, "x", 1, CUR), -LINUX_EBADF, "write on an O_RDONLY file: EBADF");
	is(io_truncate(g, 0), LINUX_EINVAL, "ftruncate on an O_RDONLY file: EINVAL");
	cl(g);
	g = op(root, "/f1", O_WRONLY, 0, &rc);
	is(rd(g, buf, 1, CUR), -LINUX_EBADF, "read on an O_WRONLY file: EBADF");
	cl(g);
	is(fs_unlink(root, "/f1"), 0, "unlink /f1");
	is(st_of(root, "/f1", 0, &st), LINUX_ENOENT, "gone");
	/* An open file outlives its name. */
	f = op(root, "/f2", O_RDWR | O_CREAT, 0600, &rc);
	wr(f, "still here", 10, CUR);
	fs_unlink(root, "/f2");
	is(rd(f, buf, 100, 0), 10, "an unlinked file stays readable while open");
	is(io_stat(f, &st), 0, "and fstat works");
	is(st.st_nlink, 0, "with no links");
	cl(f);
}

static void test_dirs(void)
{
	struct io_stat st;
	mach_port_t d;
	int rc;
	char path[IO_PATH_MAX + 1];

	is(fs_mkdir(root, "/d1", 0755), 0, "mkdir /d1");
	is(fs_mkdir(root, "/d1", 0755), LINUX_EEXIST, "again: EEXIST");
	is(fs_mkdir(root, "/d1/sub/deeper", 0755), LINUX_ENOENT, "mkdir under a missing directory: ENOENT");
	is(fs_mkdir(root, "/d1/sub/", 0755), 0, "mkdir with a trailing slash");
	st_of(root, "/d1", 0, &st);
	is(st.st_nlink, 3, "a directory with one subdirectory has 3 links");
	d = op(root, "/d1", O_RDONLY | O_DIRECTORY, 0, &rc);
	is(rc, 0, "open /d1 O_DIRECTORY");
	is(fs_mkdir(d, "x", 0700), 0, "mkdir relative to the directory port");
	is(st_of(root, "/d1/x", 0, &st), 0, "it is /d1/x");
	is(st.st_mode, IO_S_IFDIR | 0700, "with mode 0700");
	is(fs_dir_path(d, path), 0, "getcwd of /d1");
	is(strcmp(path, "/d1"), 0, "is \"/d1\"");
	{
		mach_port_t x = op(d, "sub", O_RDONLY | O_DIRECTORY, 0, NULL);

		is(fs_dir_path(x, path), 0, "getcwd of /d1/sub");
		is(strcmp(path, "/d1/sub"), 0, "is \"/d1/sub\"");
		is(fs_dir_path(root, path), 0, "getcwd of /");
		is(strcmp(path, "/"), 0, "is \"/\"");
		is(st_of(x, "../..", 0, &st), 0, "stat ../.. from /d1/sub");
		{
			struct io_stat rs;

			st_of(root, "/", 0, &rs);
			ok(st.st_ino == rs.st_ino, "is the root");
		}
		is(st_of(x, "../../../../../..", 0, &st), 0, "\"..\" above the root");
		{
			struct io_stat rs;

			st_of(root, "/", 0, &rs);
			ok(st.st_ino == rs.st_ino, "stays at the root");
		}
		cl(x);
	}
	is(fs_rmdir(root, "/d1"), LINUX_ENOTEMPTY, "rmdir a non-empty directory: ENOTEMPTY");
	is(fs_rmdir(root, "/d1/x/."), LINUX_EINVAL, "rmdir of \".\": EINVAL");
	is(fs_rmdir(root, "/etc/hello.txt"), LINUX_ENOTDIR, "rmdir of a file: ENOTDIR");
	is(fs_unlink(root, "/d1/x"), LINUX_EISDIR, "unlink of a directory: EISDIR");
	is(fs_rmdir(root, "/"), LINUX_EBUSY, "rmdir /: EBUSY");
	is(fs_rmdir(root, "/d1/x"), 0, "rmdir /d1/x");
	is(fs_rmdir(root, "/d1/sub"), 0, "rmdir /d1/sub");
	st_of(root, "/d1", 0, &st);
	is(st.st_nlink, 2, "back to 2 links");
	is(err_of(root, "/d1", O_WRONLY), LINUX_EISDIR, "open a directory for writing: EISDIR");
	is(err_of(root, "/etc/hello.txt", O_RDONLY | O_DIRECTORY), LINUX_ENOTDIR, "O_DIRECTORY on a file: ENOTDIR");
	is(err_of(root, "/etc/hello.txt/x", O_RDONLY), LINUX_ENOTDIR, "a file as a directory in a path: ENOTDIR");
	is(err_of(root, "/etc/hello.txt/", O_RDONLY), LINUX_ENOTDIR, "a file with a trailing slash: ENOTDIR");
	{
		char b[8];

		is(rd(d, b, 8, CUR), -LINUX_EISDIR, "read on a directory: EISDIR");
	}
	is(fs_rmdir(d, "."), LINUX_EINVAL, "rmdir \".\" through the port: EINVAL");
	cl(d);
	is(fs_rmdir(root, "/d1"), 0, "rmdir /d1");
	d = op(root, "/d2", O_RDONLY | O_DIRECTORY, 0, &rc);
	is(rc, LINUX_ENOENT, "it is gone");
	fs_mkdir(root, "/d2", 0755);
	d = op(root, "/d2", O_RDONLY | O_DIRECTORY, 0, &rc);
	fs_rmdir(root, "/d2");
	is(fs_dir_path(d, path), LINUX_ENOENT, "getcwd of a removed directory: ENOENT");
	is(fs_mkdir(d, "x", 0755), LINUX_ENOENT, "mkdir in a removed directory: ENOENT");
	cl(d);
}

/* --- getdents64 --- */

struct dent_seen {
	char names[128][16];
	int n;
};

/* Read the whole directory with buffers of bufsize; unlink each name read if unlink_dir. */
static int read_dir(mach_port_t d, int bufsize, struct dent_seen *s, mach_port_t unlink_dir)
{
	for (;;) {
		char inl[2048], *data = inl;
		mach_msg_type_number_t cnt = sizeof(inl), at = 0;
		int rc = fs_getdents64(d, bufsize, &data, &cnt);

		if (rc != 0)
			return rc;
		if (cnt == 0)
			return 0;
		while (at < cnt) {
			uint16_t reclen;
			int64_t off;
			const char *name = data + at + IO_DIRENT64_HEADER;

			memcpy(&reclen, data + at + 16, 2);
			memcpy(&off, data + at + 8, 8);
			if (s->n < 128)
				snprintf(s->names[s->n++], 16, "%s", name);
			if (unlink_dir != MACH_PORT_NULL && name[0] != '.')
				fs_unlink(unlink_dir, name);
			if (reclen == 0 || reclen % 8)
				return -1;
			at += reclen;
		}
		if (data != inl)
			vm_deallocate(mach_task_self(), (vm_address_t) data, cnt);
	}
}

static int seen_count(struct dent_seen *s, const char *name)
{
	int i, n = 0;

	for (i = 0; i < s->n; i++)
		n += strcmp(s->names[i], name) == 0;
	return n;
}

static void test_getdents(void)
{
	mach_port_t d;
	static struct dent_seen s;
	char name[16];
	int i, all = 1, rc;
	int64_t off;

	fs_mkdir(root, "/many", 0755);
	d = op(root, "/many", O_RDONLY | O_DIRECTORY, 0, NULL);
	for (i = 0; i < 100; i++) {
		mach_port_t f;

		snprintf(name, sizeof(name), "file%03d", i);
		f = op(d, name, O_WRONLY | O_CREAT, 0644, NULL);
		cl(f);
	}
	memset(&s, 0, sizeof(s));
	is(read_dir(d, 100, &s, MACH_PORT_NULL), 0, "getdents64 with 100-byte buffers to the end");
	is(s.n, 102, "100 files, \".\" and \"..\"");
	ok(strcmp(s.names[0], ".") == 0 && strcmp(s.names[1], "..") == 0, "\".\" and \"..\" first");
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "file%03d", i);
		all &= seen_count(&s, name) == 1;
	}
	ok(all, "each file exactly once");
	{
		char inl[2048], *data = inl;
		mach_msg_type_number_t cnt = sizeof(inl);

		is(io_seek(d, 0, 0, &off), 0, "rewinddir (seek to 0)");
		is(fs_getdents64(d, 10, &data, &cnt), LINUX_EINVAL, "a buffer too small for one record: EINVAL");
	}
	/* rm -r's way: remove what was read, keep reading. */
	memset(&s, 0, sizeof(s));
	io_seek(d, 0, 0, &off);
	is(read_dir(d, 150, &s, d), 0, "read and unlink each entry as it comes");
	all = 1;
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "file%03d", i);
		all &= seen_count(&s, name) == 1;
	}
	ok(all, "removal while reading skips nothing");
	is(fs_rmdir(root, "/many"), 0, "and the directory is empty");
	{
		mach_port_t f = op(root, "/etc/hello.txt", O_RDONLY, 0, NULL);
		char inl[2048], *data = inl;
		mach_msg_type_number_t cnt = sizeof(inl);

		is(fs_getdents64(f, 1000, &data, &cnt), LINUX_ENOTDIR, "getdents64 on a file: ENOTDIR");
		cl(f);
		rc = fs_getdents64(root, 1000, &data, &cnt);
		is(rc, LINUX_EBADF, "getdents64 on an O_PATH directory port: EBADF");
	}
	cl(d);
}

/* --- rename and link --- */

static void test_rename(void)
{
	struct io_stat a, b;
	mach_port_t d;

	fs_mkdir(root, "/r", 0755);
	fs_mkdir(root, "/r/a", 0755);
	fs_mkdir(root, "/r/b", 0755);
	cl(op(root, "/r/f", O_WRONLY | O_CREAT, 0644, NULL));
	cl(op(root, "/r/g", O_WRONLY | O_CREAT, 0644, NULL));
	st_of(root, "/r/f", 0, &a);
	is(fs_rename(root, "/r/f", root, "/r/f2", 0), 0, "rename a file in its directory");
	st_of(root, "/r/f2", 0, &b);
	ok(a.st_ino == b.st_ino, "same file under the new name");
	is(st_of(root, "/r/f", 0, &b), LINUX_ENOENT, "the old name is gone");
	d = op(root, "/r/a", O_RDONLY | O_DIRECTORY, 0, NULL);
	is(fs_rename(root, "/r/f2", d, "moved", 0), 0, "rename into another directory (its port)");
	is(st_of(root, "/r/a/moved", 0, &b), 0, "it is there");
	is(fs_rename(root, "/r/a/moved", root, "/r/g", 0), 0, "rename onto an existing file");
	st_of(root, "/r/g", 0, &b);
	ok(a.st_ino == b.st_ino, "the target is replaced");
	is(fs_rename(root, "/r/g", root, "/r/b", 0), LINUX_EISDIR, "a file onto a directory: EISDIR");
	is(fs_rename(root, "/r/b", root, "/r/g", 0), LINUX_ENOTDIR, "a directory onto a file: ENOTDIR");
	is(fs_rename(root, "/r/a", root, "/r/a/inside", 0), LINUX_EINVAL, "a directory into itself: EINVAL");
	cl(op(root, "/r/a/x", O_WRONLY | O_CREAT, 0644, NULL));
	is(fs_rename(root, "/r/b", root, "/r/a", 0), LINUX_ENOTEMPTY, "onto a non-empty directory: ENOTEMPTY");
	is(fs_rename(root, "/r/a", root, "/r/b", 0), 0, "a directory onto an empty one");
	is(st_of(root, "/r/b/x", 0, &b), 0, "its contents moved with it");
	is(fs_rename(root, "/r/nothing", root, "/r/z", 0), LINUX_ENOENT, "a missing file: ENOENT");
	is(fs_rename(root, "/r/g", root, "/r/b/x", 1), LINUX_EEXIST, "RENAME_NOREPLACE onto a name: EEXIST");
	is(fs_rename(root, "/r/g", root, "/r/..", 0), LINUX_EBUSY, "onto \"..\": EBUSY");
	is(fs_rename(root, "/r/g", root, "/r/g", 0), 0, "onto itself: nothing to do");
	is(fs_rename(root, "/r/g", MACH_PORT_NULL, "/r/z", 0), LINUX_EXDEV, "newdir not a port of ours: EXDEV");
	is(fs_link(root, "/r/g", root, "/r/g-link", 0), 0, "link");
	st_of(root, "/r/g", 0, &a);
	st_of(root, "/r/g-link", 0, &b);
	ok(a.st_ino == b.st_ino && a.st_nlink == 2, "two names, nlink 2");
	is(fs_rename(root, "/r/g", root, "/r/g-link", 0), 0, "rename between two names of one file");
	is(st_of(root, "/r/g", 0, &a), 0, "leaves both (POSIX)");
	is(fs_link(root, "/r/b", root, "/r/b-link", 0), LINUX_EPERM, "link to a directory: EPERM");
	is(fs_link(root, "/r/g", root, "/r/g-link", 0), LINUX_EEXIST, "link onto a name: EEXIST");
	cl(d);
}

/* --- symlinks --- */

static void test_symlinks(void)
{
	struct io_stat a, b;
	char target[IO_PATH_MAX + 1], name[32], to[32];
	int rc, i;

	fs_mkdir(root, "/s", 0755);
	is(fs_symlink(root, "/s/abs", "/etc/hello.txt"), 0, "symlink to an absolute path");
	is(strcmp(cat("/s/abs"), "hello from cpio\n"), 0, "followed");
	is(fs_symlink(root, "/s/dir", "../etc"), 0, "symlink to a directory, relative");
	is(strcmp(cat("/s/dir/hello.txt"), "hello from cpio\n"), 0, "followed in the middle of a path");
	is(st_of(root, "/s/abs", IO_AT_SYMLINK_NOFOLLOW, &a), 0, "lstat");
	is(a.st_mode, IO_S_IFLNK | 0777, "a symlink");
	is(a.st_size, 14, "its size is its target's length");
	is(st_of(root, "/s/abs", 0, &b), 0, "stat");
	is(b.st_mode & IO_S_IFMT, IO_S_IFREG, "the file it names");
	is(fs_symlink(root, "/s/loop1", "loop2"), 0, "symlink loop1 -> loop2");
	is(fs_symlink(root, "/s/loop2", "loop1"), 0, "symlink loop2 -> loop1");
	is(err_of(root, "/s/loop1", O_RDONLY), LINUX_ELOOP, "open of a loop: ELOOP");
	is(st_of(root, "/s/loop1/x", 0, &a), LINUX_ELOOP, "a loop in the middle of a path: ELOOP");
	is(st_of(root, "/s/loop1", IO_AT_SYMLINK_NOFOLLOW, &a), 0, "lstat of a loop works");
	/* A chain of IO_SYMLOOP_MAX links resolves; one more is ELOOP. */
	for (i = 0; i < IO_SYMLOOP_MAX + 1; i++) {
		snprintf(name, sizeof(name), "/s/c%d", i);
		if (i == 0)
			snprintf(to, sizeof(to), "/etc/hello.txt");
		else
			snprintf(to, sizeof(to), "c%d", i - 1);
		fs_symlink(root, name, to);
	}
	snprintf(name, sizeof(name), "/s/c%d", IO_SYMLOOP_MAX - 1);
	is(st_of(root, name, 0, &a), 0, "a chain of 40 symlinks resolves");
	snprintf(name, sizeof(name), "/s/c%d", IO_SYMLOOP_MAX);
	is(st_of(root, name, 0, &a), LINUX_ELOOP, "41 is ELOOP");
	is(err_of(root, "/s/abs", O_RDONLY | O_NOFOLLOW), LINUX_ELOOP, "O_NOFOLLOW on a symlink: ELOOP");
	{
		mach_port_t p = op(root, "/s/abs", O_PATH | O_NOFOLLOW, 0, &rc);
		struct io_stat st;

		is(rc, 0, "O_PATH|O_NOFOLLOW opens the link itself");
		io_stat(p, &st);
		is(st.st_mode & IO_S_IFMT, IO_S_IFLNK, "fstat says symlink");
		cl(p);
	}
	is(fs_symlink(root, "/s/dangling", "/nowhere"), 0, "a dangling symlink");
	is(err_of(root, "/s/dangling", O_RDONLY), LINUX_ENOENT, "open through it: ENOENT");
	is(err_of(root, "/s/dangling", O_WRONLY | O_CREAT), 0, "O_CREAT through it...");
	is(st_of(root, "/nowhere", 0, &a), 0, "...creates its target, as Linux");
	is(fs_unlink(root, "/nowhere"), 0, "(removed again)");
	is(fs_readlink(root, "/etc/hello.txt", target), LINUX_EINVAL, "readlink of a file: EINVAL");
	is(fs_symlink(root, "/s/abs", "x"), LINUX_EEXIST, "symlink onto a name: EEXIST");
	is(fs_symlink(root, "/s/empty", ""), LINUX_ENOENT, "an empty target: ENOENT");
	is(fs_unlink(root, "/s/dir"), 0, "unlink a symlink to a directory");
	is(st_of(root, "/etc", 0, &a), 0, "removes the link, not the directory");
	{
		mach_port_t p = op(root, "/s/new-through-link", O_WRONLY | O_CREAT, 0644, &rc);

		cl(p);
		fs_symlink(root, "/s/to-new", "/s/created");
		p = op(root, "/s/to-new", O_WRONLY | O_CREAT | O_EXCL, 0644, &rc);
		is(rc, LINUX_EEXIST, "O_CREAT|O_EXCL on a symlink: EEXIST (not followed)");
	}
}

/* --- a second file system on /tmp --- */

static void test_mounts(void)
{
	struct vfs_mount *tmp;
	struct io_stat a, b;
	char path[IO_PATH_MAX + 1];
	mach_port_t d;

	fs_mkdir(root, "/tmp", 01777);
	{
		/* The server's data is the test's to touch under its lock (no RPC meanwhile). */
		mach_port_t p = op(root, "/tmp", O_PATH, 0, NULL);
		struct vnode *dir;

		cthread_mutex_lock(&unixio_lock);
		tmp = ramfs_create(2);
		dir = unixio_lookup(p)->obj;
		is(vfs_mount(dir, tmp), 0, "mount a second ramfs on /tmp");
		is(vfs_mount(dir, tmp), LINUX_EBUSY, "twice: EBUSY");
		tmp->root->mode = IO_S_IFDIR | 01777;
		cthread_mutex_unlock(&unixio_lock);
		cl(p);
	}
	cl(op(root, "/tmp/t", O_WRONLY | O_CREAT, 0644, NULL));
	st_of(root, "/tmp/t", 0, &a);
	st_of(root, "/etc/hello.txt", 0, &b);
	ok(a.st_dev == 2 && b.st_dev == 1, "its files have their own st_dev");
	st_of(root, "/tmp/..", 0, &a);
	st_of(root, "/", 0, &b);
	ok(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "\"..\" of its root is /");
	is(fs_rename(root, "/tmp/t", root, "/t", 0), LINUX_EXDEV, "rename across file systems: EXDEV");
	is(fs_link(root, "/tmp/t", root, "/t", 0), LINUX_EXDEV, "link across: EXDEV");
	is(fs_rmdir(root, "/tmp"), LINUX_EBUSY, "rmdir of the mount point: EBUSY");
	is(fs_rename(root, "/tmp", root, "/tmp2", 0), LINUX_EBUSY, "rename of the mount point: EBUSY");
	fs_mkdir(root, "/tmp/x", 0755);
	d = op(root, "/tmp/x", O_RDONLY | O_DIRECTORY, 0, NULL);
	is(fs_dir_path(d, path), 0, "getcwd in it");
	is(strcmp(path, "/tmp/x"), 0, "\"/tmp/x\"");
	is(st_of(d, "../../etc/hello.txt", 0, &a), 0, "\"..\" climbs out of it");
	cl(d);
	is(fs_symlink(root, "/tmp/back", "/etc/hello.txt"), 0, "a symlink in /tmp to /");
	is(strcmp(cat("/tmp/back"), "hello from cpio\n"), 0, "crosses back");
}

/* --- devices --- */

static void test_devices(void)
{
	mach_port_t p;
	char buf[64];
	struct io_stat st;
	int rc;

	p = op(root, "/dev/null", O_RDWR, 0, &rc);
	is(rc, 0, "open /dev/null");
	is(rd(p, buf, 10, CUR), 0, "reads nothing");
	is(wr(p, "gone", 4, CUR), 4, "takes writes");
	is(io_stat(p, &st), 0, "fstat");
	ok(st.st_mode == (IO_S_IFCHR | 0666) && st.st_rdev == 0x103, "a character device 1,3");
	cl(p);
	p = op(root, "/dev/zero", O_RDONLY, 0, &rc);
	memset(buf, 1, sizeof(buf));
	is(rd(p, buf, 32, CUR), 32, "/dev/zero gives what is asked");
	ok(buf[0] == 0 && buf[31] == 0, "zeros");
	cl(p);
	is(st_of(root, "/dev/console", 0, &st), 0, "stat /dev/console");
	ok((st.st_mode & IO_S_IFMT) == IO_S_IFCHR && st.st_rdev == 0x501, "a character device 5,1");
	is(err_of(root, "/dev/tty", O_RDWR), LINUX_ENXIO, "/dev/tty with no terminal service: ENXIO");
}

/* --- growth: RAM files' data in chunks, nothing copied as it grows --- */

#define GROW_RECORD 1000
#define GROW_RECORDS 1500

static void grow_record(char *rec, unsigned i, char file)
{
	memset(rec, file + (char) (i % 20), GROW_RECORD);
	snprintf(rec, 16, "%c%u;", file, i);
}

static void test_growth(void)
{
	static char rec[GROW_RECORD], back[GROW_RECORD];
	mach_port_t a = op(root, "/grow-a", O_RDWR | O_CREAT | O_TRUNC, 0644, NULL);
	mach_port_t b = op(root, "/grow-b", O_RDWR | O_CREAT | O_TRUNC, 0644, NULL);
	char *heap = sbrk(0);
	int good = 1;
	unsigned i;

	/* Interleaved, so that neither file's data is at the heap's top,
	 * where a realloc could have grown it in place. */
	for (i = 0; i < GROW_RECORDS && good; i++) {
		grow_record(rec, i, 'a');
		good = wr(a, rec, GROW_RECORD, CUR) == GROW_RECORD;
		grow_record(rec, i, 'A');
		good = good && wr(b, rec, GROW_RECORD, CUR) == GROW_RECORD;
	}
	ok(good, "two files grown together in %d-byte writes to %d bytes each", GROW_RECORD,
	   GROW_RECORD * GROW_RECORDS);
	long grew = (long) ((char *) sbrk(0) - heap), data = 2L * GROW_RECORD * GROW_RECORDS;
	ok(grew < data + data / 10, "the heap grew by %ld bytes for their %ld: no data copied as they grew", grew, data);
	for (i = 0; i < GROW_RECORDS && good; i++) {
		grow_record(rec, i, 'a');
		good = rd(a, back, GROW_RECORD, (int64_t) i * GROW_RECORD) == GROW_RECORD &&
		       memcmp(rec, back, GROW_RECORD) == 0;
		grow_record(rec, i, 'A');
		good = good && rd(b, back, GROW_RECORD, (int64_t) i * GROW_RECORD) == GROW_RECORD &&
		       memcmp(rec, back, GROW_RECORD) == 0;
	}
	ok(good, "every record reads back, across the chunks' edges");
	is(io_truncate(a, 4096 + 10), 0, "truncate one to a chunk and 10 bytes");
	is(io_truncate(a, 3 * 4096), 0, "and up again");
	good = rd(a, back, 10, 4096) == 10 && rd(a, back + 10, 100, 4096 + 10) == 100;
	grow_record(rec, 4096 / GROW_RECORD, 'a');
	ok(good && memcmp(back, rec + 4096 % GROW_RECORD, 10) == 0 && back[10] == 0 && back[109] == 0,
	   "the kept bytes are there, the regrown ones zeros");
	cl(a);
	cl(b);
	is(fs_unlink(root, "/grow-a"), 0, "removed");
	is(fs_unlink(root, "/grow-b"), 0, "both");
}

/* --- execute-only files: IO_O_EXEC gives nothing to read --- */

/* An io_reauth of a new reference to target through io, to uid 1000's
 * own identity (groups: its one group); the new port or null. */
static mach_port_t reauth_user(mach_port_t io, mach_port_t target, int *groups)
{
	mach_port_t p = MACH_PORT_NULL;
	mach_msg_type_name_t t;

	mach_port_mod_refs(mach_task_self(), target, MACH_PORT_RIGHT_SEND, 1);
	if (io_reauth(io, target, (io_ids_t){ 1000, 1000, 1000, 100, 100, 100, 1000, 100 }, groups, 1, &p, &t) != 0) {
		cl(target);
		return MACH_PORT_NULL;
	}
	return p;
}

static void test_exec_only(void)
{
	mach_port_t user = MACH_PORT_NULL, x, p, rdobj = MACH_PORT_NULL, wrobj = MACH_PORT_NULL;
	mach_msg_type_name_t t;
	int groups[1] = { 100 }, rc;
	char buf[16];

	io_restrict_auth(root, 1000, 100, groups, 1, &user, &t);
	p = op(root, "/xonly", O_WRONLY | O_CREAT, 0711, NULL);
	is(wr(p, "program text", 12, CUR), 12, "root writes an execute-only (0711) program");
	cl(p);
	is(err_of(user, "/xonly", O_RDONLY), LINUX_EACCES, "uid 1000 cannot open it for reading");
	x = op(user, "/xonly", O_RDONLY | IO_O_EXEC, 0, &rc);
	is(rc, 0, "but may open it to execute it (IO_O_EXEC, as a program that skips the library may ask)");
	is(rd(x, buf, 12, 0), -LINUX_EACCES, "that port reads nothing: EACCES");
	is(io_map(x, &rdobj, &wrobj), LINUX_EACCES, "nor maps it");
	ok(rdobj == MACH_PORT_NULL && wrobj == MACH_PORT_NULL, "no memory object came");
	int modes = -1;
	is(io_get_openmodes(x, &modes), 0, "its open modes");
	ok(modes == O_RDONLY, "say read-only (the service's mark is its own)");
	p = reauth_user(user, x, groups);
	ok(p != MACH_PORT_NULL, "uid 1000's io_reauth of it gives a port");
	is(rd(p, buf, 12, 0), -LINUX_EACCES, "which reads nothing either");
	cl(p);
	p = reauth_user(x, x, groups);
	is(rd(p, buf, 12, 0), -LINUX_EACCES, "nor one through the port itself");
	cl(p);
	p = reauth_user(root, x, groups);
	ok(p != MACH_PORT_NULL, "root's authority (a new exec task's) gives uid 1000 a port of it");
	is(rd(p, buf, 12, 0), 12, "that reads it");
	cl(p);
	cl(x);
	is(err_of(user, "/xonly", O_RDONLY | IO_O_EXEC | IO_O_EXEC_ONLY), LINUX_EINVAL,
	   "the service's own mark in a request: EINVAL");
	x = op(root, "/xonly", O_RDONLY | IO_O_EXEC, 0, &rc);
	is(rd(x, buf, 12, 0), 12, "root's IO_O_EXEC open reads (root may read it anyway)");
	cl(x);
	is(fs_unlink(root, "/xonly"), 0, "removed");
	cl(user);
}

/* --- what io_map lends: proxies with no more access than the open mode --- */

#define MAP_LEN 8192

/* vm_map of object, shared or a copy, anywhere: the kernel's answer. */
static kern_return_t map_of(mach_port_t object, boolean_t copy, vm_prot_t cur, vm_address_t *a)
{
	*a = 0;
	return vm_map(mach_task_self(), a, MAP_LEN, 0, TRUE, object, 0, copy, cur, VM_PROT_ALL, VM_INHERIT_NONE);
}

static void drop_objects(mach_port_t rdobj, mach_port_t wrobj)
{
	if (MACH_PORT_VALID(rdobj))
		mach_port_deallocate(mach_task_self(), rdobj);
	if (MACH_PORT_VALID(wrobj))
		mach_port_deallocate(mach_task_self(), wrobj);
}

/* The read object of a description not open for writing: read-only
 * shared mappings and private copies, nothing that writes the file. */
static void check_read_object(mach_port_t p, const char *how)
{
	mach_port_t rdobj = MACH_PORT_NULL, wrobj = MACH_PORT_NULL, more;
	vm_address_t a, b;
	vm_offset_t zero = 0;
	vm_size_t whole = ~(vm_size_t) 0;
	char back[4];

	if (!is(io_map(p, &rdobj, &wrobj), 0, "io_map of it %s", how))
		return;
	ok(MACH_PORT_VALID(rdobj) && wrobj == MACH_PORT_NULL, "%s: a read object only", how);
	is(map_of(rdobj, FALSE, VM_PROT_READ | VM_PROT_WRITE, &a), KERN_PROTECTION_FAILURE,
	   "%s: vm_map shared and writable: KERN_PROTECTION_FAILURE", how);
	if (is(map_of(rdobj, FALSE, VM_PROT_READ | VM_PROT_EXECUTE, &a), KERN_SUCCESS,
	       "%s: shared, read and execute: mapped", how)) {
		is(((char *) a)[10], 'W', "%s: it reads the file", how);
		is(vm_protect(mach_task_self(), a, MAP_LEN, FALSE, VM_PROT_READ | VM_PROT_WRITE),
		   KERN_PROTECTION_FAILURE, "%s: vm_protect to write: KERN_PROTECTION_FAILURE", how);
		vm_deallocate(mach_task_self(), a, MAP_LEN);
	}
	/* A copy, as MAP_PRIVATE and execve map: writable, and the file's own. */
	if (is(map_of(rdobj, TRUE, VM_PROT_READ | VM_PROT_WRITE, &b), KERN_SUCCESS, "%s: a private copy", how)) {
		((char *) b)[11] = 'C';
		is(rd(p, back, 1, 11), 1, "%s: read the file", how);
		ok(back[0] == 'm' && ((char *) b)[10] == 'W', "%s: the copy's store stays in the copy", how);
		vm_deallocate(mach_task_self(), b, MAP_LEN);
	}
	mach_port_mod_refs(mach_task_self(), rdobj, MACH_PORT_RIGHT_SEND, 1);
	is(memory_object_create_proxy(mach_task_self(), VM_PROT_ALL, &rdobj, 1, &zero, 1, &zero, 1, &whole, 1, &more),
	   KERN_PROTECTION_FAILURE, "%s: no more access from it by a proxy of it (it is a proxy itself)", how);
	drop_objects(rdobj, wrobj);
}

static void test_map_access(void)
{
	mach_port_t p, rdobj = MACH_PORT_NULL, wrobj = MACH_PORT_NULL;
	static char buf[MAP_LEN];
	vm_address_t a;
	char back[4];
	int rc;

	memset(buf, 'm', sizeof(buf));
	p = op(root, "/mapme", O_RDWR | O_CREAT, 0711, &rc);
	is(wr(p, buf, sizeof(buf), 0), MAP_LEN, "a program of mode 0711, written");
	is(io_map(p, &rdobj, &wrobj), 0, "io_map of it open O_RDWR");
	ok(MACH_PORT_VALID(rdobj) && MACH_PORT_VALID(wrobj) && rdobj != wrobj,
	   "a read object and a write object, two ports");
	is(map_of(rdobj, FALSE, VM_PROT_READ | VM_PROT_WRITE, &a), KERN_PROTECTION_FAILURE,
	   "O_RDWR: the read object shared and writable: KERN_PROTECTION_FAILURE");
	if (is(map_of(wrobj, FALSE, VM_PROT_READ | VM_PROT_WRITE, &a), KERN_SUCCESS,
	       "O_RDWR: the write object shared and writable: mapped")) {
		((char *) a)[10] = 'W';
		ok(rd(p, back, 1, 10) == 1 && back[0] == 'W', "a store through it is in the file");
		vm_deallocate(mach_task_self(), a, MAP_LEN);
	}
	drop_objects(rdobj, wrobj);
	cl(p);

	p = op(root, "/mapme", O_RDONLY, 0, &rc);
	check_read_object(p, "open O_RDONLY");
	cl(p);
	p = op(root, "/mapme", O_WRONLY, 0, &rc);
	is(io_map(p, &rdobj, &wrobj), LINUX_EACCES, "io_map of it open O_WRONLY: EACCES");
	cl(p);

	/* execve's open: an identity that may also read it (here root; one
	 * that may only execute it maps nothing, test_exec_only). */
	p = op(root, "/mapme", O_RDONLY | IO_O_EXEC, 0, &rc);
	if (is(rc, 0, "opened to execute (IO_O_EXEC, as execve opens a program)"))
		check_read_object(p, "open to execute");
	cl(p);
	is(fs_unlink(root, "/mapme"), 0, "unlink it");
}

/* --- identity, times, access --- */

static void test_identity(void)
{
	mach_port_t user = MACH_PORT_NULL, back = MACH_PORT_NULL, p;
	mach_msg_type_name_t t;
	int groups[1] = { 100 };
	struct io_stat st;
	int rc;

	is(io_restrict_auth(root, 1000, 100, groups, 1, &user, &t), 0, "a port of / for uid 1000");
	cl(op(root, "/secret", O_WRONLY | O_CREAT, 0600, NULL));
	is(err_of(user, "/secret", O_RDONLY), LINUX_EACCES, "uid 1000 cannot read root's 0600 file: EACCES");
	is(fs_access(user, "/secret", 4, 0), LINUX_EACCES, "access(R_OK) agrees");
	is(fs_access(root, "/secret", 4, 0), 0, "root may");
	is(fs_access(root, "/secret", 1, 0), LINUX_EACCES, "not even root may execute a file no one may");
	is(fs_mkdir(user, "/etc/nope", 0755), LINUX_EACCES, "uid 1000 cannot write root's 0755 directory");
	p = op(user, "/tmp/mine", O_WRONLY | O_CREAT, 0644, &rc);
	is(rc, 0, "but may create in /tmp (1777)");
	io_stat(p, &st);
	ok(st.st_uid == 1000 && st.st_gid == 100, "the file is uid 1000's, gid 100's");
	is(io_chown(p, 0, -1), LINUX_EPERM, "giving it away: EPERM");
	is(io_chmod(p, 0600), 0, "its owner may chmod it");
	cl(p);
	is(io_restrict_auth(user, 0, 0, NULL, 0, &back, &t), LINUX_EPERM, "uid 1000's port cannot become root's");
	is(io_restrict_auth(user, 1000, 100, NULL, 0, &back, &t), 0, "but can drop its groups");
	cl(back);

	/* io_reauth: the identity judged is the port's the request came on. */
	io_ids_t to_root = { 0, 0, 0, 0, 0, 0, 0, 0 }, mixed = { 1000, 1000, 0, 100, 100, 100, 1000, 100 };
	mach_port_t saved = MACH_PORT_NULL;
	is(io_reauth(user, user, to_root, NULL, 0, &back, &t), LINUX_EPERM, "a forged io_reauth to root: EPERM");
	is(io_reauth(user, root, to_root, NULL, 0, &back, &t), LINUX_EPERM, "even on root's own port as target");
	is(io_reauth(user, user, mixed, groups, 1, &back, &t), LINUX_EPERM,
	   "a saved uid 0 that uid 1000 does not have: EPERM");
	is(io_reauth(user, user, (io_ids_t){ 1000, 1000, 1000, 100, 100, 100, 1000, 100 }, NULL, 0, &back, &t), LINUX_EPERM,
	   "dropping a group is a change of groups: EPERM without root");
	is(io_reauth(root, root, mixed, groups, 1, &saved, &t), 0, "root's port gives uid 1000 with saved uid 0");
	is(err_of(saved, "/secret", O_RDONLY), LINUX_EACCES, "which cannot read the 0600 file");
	is(io_reauth(saved, saved, (io_ids_t){ 0, 0, 0, 100, 100, 100, 0, 100 }, groups, 1, &back, &t), 0,
	   "but may take the saved uid 0 back");
	is(err_of(back, "/secret", O_RDONLY), 0, "and then read it");
	is(fs_access(saved, "/secret", 4, 0), LINUX_EACCES, "access answers for the real uid 1000");
	cl(back);
	cl(saved);
	/* setfsuid: file-system uid 1000, effective uid still 0. */
	mach_port_t fs = MACH_PORT_NULL;
	is(io_reauth(root, root, (io_ids_t){ 0, 0, 0, 0, 0, 0, 1000, 100 }, NULL, 0, &fs, &t), 0,
	   "root's port gives file-system uid 1000 with effective uid 0");
	is(err_of(fs, "/secret", O_RDONLY), LINUX_EACCES, "which files judge: it cannot read the 0600 file");
	is(fs_access(fs, "/secret", 4, 0), 0, "access answers for the real uid 0");
	is(io_reauth(fs, fs, to_root, NULL, 0, &back, &t), 0, "its effective uid 0 may take any identity back");
	is(err_of(back, "/secret", O_RDONLY), 0, "and then read it");
	cl(back);
	cl(fs);
	cl(user);

	p = op(root, "/timed", O_WRONLY | O_CREAT, 0644, NULL);
	{
		io_times_t times = { 1234, 5, 5678, 9 };

		is(io_set_times(p, times), 0, "futimens with explicit times");
		io_stat(p, &st);
		ok(st.st_atime_sec == 1234 && st.st_atime_nsec == 5 && st.st_mtime_sec == 5678 && st.st_mtime_nsec == 9,
		   "stat shows them");
		times = (io_times_t){ 1, IO_UTIME_OMIT, 2, 0 };
		io_set_times(p, times);
		io_stat(p, &st);
		ok(st.st_atime_sec == 1234 && st.st_mtime_sec == 2, "UTIME_OMIT leaves atime alone");
		times = (io_times_t){ 0, 2000000000u, 0, 0 };
		is(io_set_times(p, times), LINUX_EINVAL, "a nanosecond field over 999999999: EINVAL");
	}
	is(wr(p, "x", 1, CUR), 1, "a write");
	io_stat(p, &st);
	ok(st.st_mtime_sec != 2 || st.st_mtime_nsec != 0, "moves mtime");
	cl(p);
}

/* --- select over a pipe and a file --- */

static void test_select(mach_port_t pipe_svc)
{
	mach_port_t r, w, f, notify = test_port();
	int ready = -1, tag;
	int amount;

	pipe_create(pipe_svc, 0, &r, &poly, &w, &poly);
	f = op(root, "/etc/hello.txt", O_RDONLY, 0, NULL);
	is(io_select(r, IO_POLLIN, notify, 1, &ready), 0, "select: the empty pipe");
	is(ready, 0, "not ready");
	is(io_select(f, IO_POLLIN, notify, 1, &ready), 0, "select: a file");
	is(ready, IO_POLLIN, "always ready: poll over both returns at once");
	is(io_select(r, IO_POLLIN, notify, 2, &ready), 0, "select the pipe again, next generation");
	io_write(w, 0, CUR, "p", 1, &amount);
	is(test_wait_message(notify, 5000, &tag), 31600, "data wakes the poller");
	is(tag, 2, "with the current generation's tag");
	cl(r);
	cl(w);
	cl(f);
	mach_port_mod_refs(mach_task_self(), notify, MACH_PORT_RIGHT_RECEIVE, -1);
}

/* --- io_poll: the client's poll over several services --- */

struct poke {
	mach_port_t port; /* where to send */
	int id;
	mach_port_t w;	  /* or: a pipe end to write into */
	volatile int *flag; /* set before sending, if not NULL */
};

static void *poker(void *arg)
{
	struct poke *k = arg;
	int i, amount;

	for (i = 0; i < 300; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_DEPRESS, 1);
	if (k->w != MACH_PORT_NULL) {
		io_write(k->w, 0, CUR, "!", 1, &amount);
	} else {
		mach_msg_header_t h;

		if (k->flag != NULL)
			*k->flag = 1;

		memset(&h, 0, sizeof(h));
		h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
		h.msgh_size = sizeof(h);
		h.msgh_remote_port = k->port;
		h.msgh_id = k->id;
		mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
	}
	return NULL;
}

/* Late wake-ups (a tag no pass has now) to a notify port until told to stop. */
struct late_wakeups {
	mach_port_t notify;
	volatile int stop;
	int sent;
};

static void *late_waker(void *arg)
{
	struct late_wakeups *l = arg;
	struct {
		mach_msg_header_t head;
		mach_msg_type_t tag_type;
		int tag;
	} m;

	while (!l->stop) {
		memset(&m, 0, sizeof(m));
		m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
		m.head.msgh_size = sizeof(m);
		m.head.msgh_remote_port = l->notify;
		m.head.msgh_id = IO_SELECT_WAKEUP_ID;
		m.tag_type = (mach_msg_type_t){ MACH_MSG_TYPE_INTEGER_32, 32, 1, TRUE, FALSE, FALSE, 0 };
		m.tag = 0; /* generations start at 1 */
		if (mach_msg(&m.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, MACH_PORT_NULL, 0,
			     MACH_PORT_NULL) == MACH_MSG_SUCCESS)
			l->sent++;
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_NONE, 0);
	}
	return NULL;
}

static void test_io_poll(mach_port_t pipe_svc)
{
	mach_port_t r, w, f, dead = test_port(), notify = test_port(), ports[3];
	int events[3] = { IO_POLLIN, IO_POLLIN, IO_POLLIN }, rev[3];
	mach_port_t host = mach_host_self();
	unsigned gen = 0;
	struct poke k;
	cthread_t t;

	pipe_create(pipe_svc, 0, &r, &poly, &w, &poly);
	f = op(root, "/etc/hello.txt", O_RDONLY, 0, NULL);
	ports[0] = r;
	ports[1] = f;
	is(io_poll(ports, events, rev, 2, -1, notify, host, &gen, NULL), 1, "io_poll over a pipe and a file: one ready at once");
	ok(rev[0] == 0 && rev[1] == IO_POLLIN, "the file");
	is(io_poll(ports, events, rev, 1, 0, notify, host, &gen, NULL), 0, "the empty pipe alone, timeout 0: none");
	is(io_poll(ports, events, rev, 1, 30, notify, host, &gen, NULL), 0, "with a 30 ms timeout: none when it passes");
	is(io_poll(ports, events, rev, 1, 30, notify, MACH_PORT_NULL, &gen, NULL), -LINUX_EINVAL,
	   "a timeout with no host port to measure it: EINVAL");
	is(io_poll(ports, events, rev, 1, 0, notify, MACH_PORT_NULL, &gen, NULL), 0,
	   "timeout 0 needs no host port");
	k = (struct poke){ MACH_PORT_NULL, 0, w, NULL };
	cthread_create(&t, poker, &k);
	is(io_poll(ports, events, rev, 1, -1, notify, host, &gen, NULL), 1, "no timeout: a write by another thread ends it");
	is(rev[0], IO_POLLIN, "POLLIN");
	cthread_join(t);
	{
		char buf[4], *data = buf;
		mach_msg_type_number_t cnt = sizeof(buf);

		io_read(r, 0, CUR, 1, &data, &cnt);
	}
	k = (struct poke){ notify, IO_POLL_INTERRUPT_ID, MACH_PORT_NULL, NULL };
	cthread_create(&t, poker, &k);
	is(io_poll(ports, events, rev, 1, -1, notify, host, &gen, NULL), -LINUX_EINTR, "an interrupt message: EINTR");
	cthread_join(t);
	{
		volatile int flag = 1;

		is(io_poll(ports, events, rev, 1, -1, notify, host, &gen, &flag), -LINUX_EINTR,
		   "the caller's signal flag already set: EINTR at once");
		flag = 0;
		k = (struct poke){ notify, 0, MACH_PORT_NULL, &flag };
		cthread_create(&t, poker, &k);
		is(io_poll(ports, events, rev, 1, -1, notify, host, &gen, &flag), -LINUX_EINTR,
		   "the flag set and any message sent: EINTR");
		cthread_join(t);
	}
	mach_port_insert_right(mach_task_self(), dead, dead, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_mod_refs(mach_task_self(), dead, MACH_PORT_RIGHT_RECEIVE, -1);
	ports[2] = dead;
	is(io_poll(ports, events, rev, 3, -1, notify, host, &gen, NULL), 2, "a dead port in the set...");
	ok(rev[2] == IO_POLLNVAL && rev[1] == IO_POLLIN, "...is POLLNVAL");
	mach_port_deallocate(mach_task_self(), dead);
	{
		/* Each receive waits only what is left: late wake-ups all along do not put the timeout off. */
		struct late_wakeups l = { test_port(), 0, 0 };
		unsigned gen2 = 0;

		cthread_create(&t, late_waker, &l);
		is(io_poll(ports, events, rev, 1, 30, l.notify, host, &gen2, NULL), 0,
		   "late wake-ups all the time: the 30 ms timeout still passes");
		l.stop = 1;
		cthread_join(t);
		ok(l.sent > 0, "late wake-ups came");
		mach_port_mod_refs(mach_task_self(), l.notify, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	{
		/*
		 * The host port's name is the caller's to keep: when it changes
		 * (a fork child's names are made again), the next call measures
		 * on the new one.  The old name now holds a port of our own, so
		 * a clock read through a name cached in io_poll would wait for
		 * an answer that never comes (the test's timeout).
		 */
		mach_port_t old = host, trap = host;
		mach_port_urefs_t refs = 0;

		mach_port_get_refs(mach_task_self(), old, MACH_PORT_RIGHT_SEND, &refs);
		mach_port_mod_refs(mach_task_self(), old, MACH_PORT_RIGHT_SEND, -(mach_port_delta_t) refs);
		ok(mach_port_allocate_name(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, trap) == KERN_SUCCESS &&
			   mach_port_insert_right(mach_task_self(), trap, trap, MACH_MSG_TYPE_MAKE_SEND) ==
				   KERN_SUCCESS,
		   "the host port's old name now names a port of ours");
		host = mach_host_self();
		ok(host != old, "the host port at a new name");
		is(io_poll(ports, events, rev, 1, 30, notify, host, &gen, NULL), 0,
		   "a timeout measured on the host port's new name: none when it passes");
		mach_port_mod_refs(mach_task_self(), trap, MACH_PORT_RIGHT_RECEIVE, -1);
		mach_port_deallocate(mach_task_self(), trap);
	}
	mach_port_deallocate(mach_task_self(), host);
	cl(r);
	cl(w);
	cl(f);
	/* Late wake-ups of earlier passes may sit on it: it goes with them. */
	mach_port_mod_refs(mach_task_self(), notify, MACH_PORT_RIGHT_RECEIVE, -1);
}

/* --- bad requests --- */

static void test_bad(mach_port_t pipe_svc)
{
	static char longpath[IO_PATH_MAX + 10];
	char name[300];
	struct io_stat st;
	mach_port_t f, r, w;
	int64_t off;
	char target[IO_PATH_MAX + 1];

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	for (int i = 100; i < (int) sizeof(longpath) - 1; i += 100)
		longpath[i] = '/';
	longpath[IO_PATH_MAX] = '\0';
	is(st_of(root, longpath, 0, &st), LINUX_ENAMETOOLONG, "a path of 4096 characters: ENAMETOOLONG");
	longpath[IO_PATH_MAX] = 'a';
	is(err_of(root, longpath, O_RDONLY | O_CREAT), LINUX_ENAMETOOLONG, "a longer one (cut by the stub): ENAMETOOLONG");
	is(fs_mkdir(root, longpath, 0755), LINUX_ENAMETOOLONG, "mkdir too: ENAMETOOLONG");
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[257] = '\0';
	is(err_of(root, name, O_WRONLY | O_CREAT), LINUX_ENAMETOOLONG, "a component of 256 characters: ENAMETOOLONG");
	name[256] = '\0';
	is(err_of(root, name, O_WRONLY | O_CREAT), 0, "255 is fine");
	is(st_of(root, "", 0, &st), LINUX_ENOENT, "an empty path: ENOENT");
	is(st_of(root, "", IO_AT_EMPTY_PATH, &st), 0, "with AT_EMPTY_PATH: the directory itself");
	is(st_of(root, "/", 0x40000000, &st), LINUX_EINVAL, "unknown flags: EINVAL");
	f = op(root, "/etc/hello.txt", O_RDONLY, 0, NULL);
	is(st_of(f, "", IO_AT_EMPTY_PATH, &st), 0, "AT_EMPTY_PATH on a file port: fstat");
	is(st.st_size, 16, "of the file");
	is(err_of(f, "x", O_RDONLY), LINUX_ENOTDIR, "fs_lookup on a file's port: ENOTDIR");
	is(fs_mkdir(f, "x", 0755), LINUX_ENOTDIR, "fs_mkdir on a file's port: ENOTDIR");
	is(io_seek(f, -5, 0, &off), LINUX_EINVAL, "seek before the start: EINVAL");
	is(io_seek(f, 0, 7, &off), LINUX_EINVAL, "an unknown whence: EINVAL");
	{
		char out[128], *outp = out;
		mach_msg_type_number_t cnt = sizeof(out);

		is(io_ioctl(f, 0x5401, NULL, 0, outp, &cnt), LINUX_ENOTTY, "TCGETS on a file: ENOTTY");
	}
	{
		mach_port_t rd = MACH_PORT_NULL, wr2 = MACH_PORT_NULL;

		is(io_map(f, &rd, &wr2), 0, "io_map of a RAM file open for reading");
		ok(MACH_PORT_VALID(rd) && wr2 == MACH_PORT_NULL, "a memory object to read, none to write");
		if (MACH_PORT_VALID(rd))
			mach_port_deallocate(mach_task_self(), rd);
	}
	pipe_create(pipe_svc, 0, &r, &poly, &w, &poly);
	{
		mach_port_t rd = MACH_PORT_NULL, wr2 = MACH_PORT_NULL;

		is(io_map(r, &rd, &wr2), LINUX_ENODEV, "io_map of a pipe: ENODEV");
	}
	is(err_of(r, "x", O_RDONLY), LINUX_ENOTDIR, "fs_lookup on a pipe: ENOTDIR");
	is(fs_rename(root, "/etc/hard", r, "x", 0), LINUX_ENOTDIR, "rename with a pipe as newdir: ENOTDIR");
	is(fs_readlink(r, "x", target), LINUX_ENOTDIR, "readlink on a pipe port: ENOTDIR");
	cl(r);
	cl(w);
	is(err_of(pipe_svc, "x", O_RDONLY), LINUX_EBADF, "fs_lookup on the pipe service port: EBADF");
	is(err_of(root, "/etc/hello.txt", 3), LINUX_EINVAL, "access mode 3: EINVAL");
	cl(f);
	is(err_of(root, "/dev/null", O_RDONLY), 0, "the server still answers");
}

int main(int argc, char **argv)
{
	const char *mod = getenv("BOOT_MODULE_1");
	mach_port_t pipe_svc;
	unsigned long addr = 0, size = 0;
	unsigned count = 0;
	long names;
	int rc;

	(void) argc;
	(void) argv;
	test_server_start();
	cthread_mutex_lock(&unixio_lock);
	vfs_init();
	rootfs = ramfs_create(1);
	if (rootfs == NULL)
		tap_bail("ramfs_create");
	if (mod == NULL || sscanf(mod, "%lx,%lu", &addr, &size) != 2)
		tap_bail("no boot archive (module 1)");
	rc = ramfs_load_cpio(rootfs->root, (const void *) addr, size, &count);
	if (unixpipe_init(&pipe_svc) != KERN_SUCCESS)
		tap_bail("unixpipe_init");
	vfs_populate_dev(rootfs->root);
	root = vfs_root_port(rootfs->root, &unixio_root_cred);
	cthread_mutex_unlock(&unixio_lock);
	is(rc, 0, "the boot archive loads");
	cmp_ok(count, ">=", 8, "with its entries (%u)", count);
	mach_port_insert_right(mach_task_self(), root, root, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_insert_right(mach_task_self(), pipe_svc, pipe_svc, MACH_MSG_TYPE_MAKE_SEND);
	names = name_count();
	test_archive();
	test_bad_archives();
	test_files();
	test_dirs();
	test_getdents();
	test_rename();
	test_symlinks();
	test_mounts();
	test_devices();
	test_identity();
	test_exec_only();
	test_growth();
	test_map_access();
	test_select(pipe_svc);
	test_io_poll(pipe_svc);
	test_bad(pipe_svc);
	if (!is(test_names_settle(names), names, "every file closed: the task's names are back to %ld", names))
		diag_names();
	return tap_done();
}
