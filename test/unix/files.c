/*
 * Files, directories, names: what a program sees through the Linux
 * system calls (open/read/write/lseek/pread/pwrite/ftruncate, O_APPEND,
 * O_EXCL, O_TRUNC, dup sharing offsets, stat/lstat/fstat, mkdir/rmdir,
 * rename in its cases, link/unlink, symlink/readlink/ELOOP, getdents
 * through readdir, getcwd/chdir, utimensat, access).  Prints what it
 * sees; test/unix compares the output on Ernst with the host's.  Works
 * in a fresh directory under /tmp and removes it.
 *
 * Built with 64-bit file offsets, as distributions build programs: a
 * directory's positions on the host's file system (ext4 hashes) need
 * 64 bits, and the 32-bit readdir fails with EOVERFLOW when the host's
 * kernel cannot tell the program is 32-bit (QEMU's user-mode emulator
 * runs it where the kernel has no IA-32 emulation).
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sched.h>
#include <unistd.h>

#include "report.h"


static void show_stat(const char *what, const char *path, int follow)
{
	struct stat st;
	int r = follow ? stat(path, &st) : lstat(path, &st);

	if (r < 0) {
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
		return;
	}
	printf("%s: mode %o nlink %lu size %lld\n", what, (unsigned) st.st_mode, (unsigned long) st.st_nlink,
	       S_ISDIR(st.st_mode) ? 0LL : (long long) st.st_size);
}

/*
 * statx (which glibc tries first for every stat) against fstatat: the
 * same file, seen the same way.  Printed as what compares between
 * machines: the mode, the size, the checks' outcomes.
 */
static void show_statx(const char *what, int dirfd, const char *path, int flags)
{
	struct statx x;
	struct stat st;
	int r = (int)syscall(SYS_statx, dirfd, path, flags, STATX_BASIC_STATS, &x);

	if (r < 0) {
		printf("statx %s: -1 %s\n", what, strerrorname_np(errno));
		return;
	}
	if (fstatat(dirfd, path, &st, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) < 0) {
		printf("statx %s: fstatat failed\n", what);
		return;
	}
	printf("statx %s: basic stats %d, mode %o, size %lld, same as fstatat: ino %d nlink %d ids %d blocks %d "
	       "blksize %d times %d dev %d rdev %d\n",
	       what, (x.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, (unsigned)x.stx_mode,
	       S_ISDIR(x.stx_mode) ? 0LL : (long long)x.stx_size, x.stx_ino == st.st_ino, x.stx_nlink == st.st_nlink,
	       x.stx_uid == st.st_uid && x.stx_gid == st.st_gid, x.stx_blocks == (unsigned long long)st.st_blocks,
	       x.stx_blksize == (unsigned)st.st_blksize,
	       x.stx_mtime.tv_sec == st.st_mtim.tv_sec && x.stx_mtime.tv_nsec == (unsigned)st.st_mtim.tv_nsec &&
		       x.stx_atime.tv_sec == st.st_atim.tv_sec && x.stx_ctime.tv_sec == st.st_ctim.tv_sec,
	       makedev(x.stx_dev_major, x.stx_dev_minor) == st.st_dev,
	       makedev(x.stx_rdev_major, x.stx_rdev_minor) == st.st_rdev);
}

static void test_statx(void)
{
	struct statx x;
	int fd = open(".", O_RDONLY);

	show_statx("g", AT_FDCWD, "g", 0);
	show_statx("e (a directory)", AT_FDCWD, "e", 0);
	show_statx("rel, not followed", AT_FDCWD, "rel", AT_SYMLINK_NOFOLLOW);
	show_statx("rel, followed", AT_FDCWD, "rel", 0);
	show_statx("/dev/null", AT_FDCWD, "/dev/null", 0);
	show_statx("an fd with AT_EMPTY_PATH", fd, "", AT_EMPTY_PATH);
	show_statx("g from a directory fd", fd, "g", AT_STATX_DONT_SYNC);
	{
		int gfd = open("g", O_RDONLY), nfd = open("/dev/null", O_RDONLY);
		struct stat st;

		show_statx("a file's fd with AT_EMPTY_PATH", gfd, "", AT_EMPTY_PATH);
		show_statx("/dev/null's fd with AT_EMPTY_PATH", nfd, "", AT_EMPTY_PATH);
		result("fstatat64 of a file's fd with AT_EMPTY_PATH", fstatat(gfd, "", &st, AT_EMPTY_PATH));
		close(gfd);
		close(nfd);
	}
	show_statx("an empty path without AT_EMPTY_PATH", fd, "", 0);
	show_statx("missing", AT_FDCWD, "missing", 0);
	show_statx("a bad flag", AT_FDCWD, "g", 0x1);
	show_statx("both sync types", AT_FDCWD, "g", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC);
	errno = 0;
	result("statx a reserved mask bit", syscall(SYS_statx, AT_FDCWD, "g", 0, 0x80000000u, &x));
	result("statx into a bad buffer", syscall(SYS_statx, AT_FDCWD, "g", 0, STATX_BASIC_STATS, (void *)16));
	errno = 0;
	stat("g", (struct stat *)&x);
	printf("errno after a stat that worked: %s\n", errno == 0 ? "0" : strerrorname_np(errno));
	close(fd);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static void list(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char *names[256];
	int n = 0, i;

	if (d == NULL) {
		printf("ls %s: %s\n", path, strerrorname_np(errno));
		return;
	}
	while ((e = readdir(d)) != NULL && n < 256)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("ls %s:", path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void cat(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("cat %s: %s\n", path, strerrorname_np(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	printf("cat %s: [%s]\n", path, buf);
}

int main(void)
{
	char cwd[4096], buf[8192];
	int fd, fd2, i;
	struct stat st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	if (scratch_enter("files") < 0)
		return 1;

	/* Files */
	fd = open("f", O_RDWR | O_CREAT | O_EXCL, 0644);
	result("open f O_CREAT|O_EXCL", fd >= 0 ? 0 : -1);
	result("write abc", write(fd, "abc", 3));
	result("lseek 0", lseek(fd, 0, SEEK_SET));
	memset(buf, 0, sizeof(buf));
	result("read", read(fd, buf, 100));
	printf("got [%s]\n", buf);
	result("read at end", read(fd, buf, 100));
	result("open again O_EXCL", open("f", O_RDWR | O_CREAT | O_EXCL, 0644));
	result("pwrite XY at 1", pwrite(fd, "XY", 2, 1));
	memset(buf, 0, sizeof(buf));
	result("pread at 0", pread(fd, buf, 10, 0));
	printf("got [%s]\n", buf);
	result("lseek cur", lseek(fd, 0, SEEK_CUR));
	result("pwrite past the end", pwrite(fd, "z", 1, 10000));
	result("lseek end", lseek(fd, 0, SEEK_END));
	result("pread in the hole", pread(fd, buf, 4, 5000));
	printf("hole bytes %d %d %d %d\n", buf[0], buf[1], buf[2], buf[3]);
	result("ftruncate 5", ftruncate(fd, 5));
	show_stat("stat f", "f", 1);
	fd2 = dup(fd);
	result("lseek 2 through the dup", lseek(fd2, 2, SEEK_SET));
	result("offset seen by the original", lseek(fd, 0, SEEK_CUR));
	close(fd2);
	close(fd);
	fd = open("f", O_WRONLY | O_APPEND);
	result("append", write(fd, "END", 3));
	close(fd);
	cat("f");
	fd = open("f", O_RDWR | O_TRUNC);
	show_stat("after O_TRUNC", "f", 1);
	for (i = 0; i < (int) sizeof(buf); i++)
		buf[i] = 'a' + i % 26;
	result("write 8192", write(fd, buf, sizeof(buf)));
	close(fd);
	show_stat("stat f", "f", 1);
	fd = open("f", O_RDONLY);
	result("write on O_RDONLY", write(fd, "x", 1));
	result("ftruncate on O_RDONLY", ftruncate(fd, 0));
	result("ftruncate to a negative length", syscall(SYS_ftruncate, fd, -1));
	result("ftruncate of a bad fd to a negative length (the length first)", syscall(SYS_ftruncate, -1, -1));
	close(fd);
	result("read on a closed fd", read(fd, buf, 1));

	/* truncate by name; readv, one read spread over several buffers. */
	result("truncate f to 100", truncate("f", 100));
	show_stat("stat f", "f", 1);
	result("truncate f to a negative length", syscall(SYS_truncate, "f", -1));
	result("truncate a directory", truncate(".", 0));
	result("truncate /dev/null", truncate("/dev/null", 0));
	result("truncate a missing file", truncate("nothing-here", 0));
	result("truncate from a bad pointer", syscall(SYS_truncate, (char *)16, 0));
	fd = open("f", O_RDONLY);
	char v1[5] = {0}, v2[1] = {0}, v3[200];
	struct iovec iov[3] = {{v1, sizeof(v1)}, {v2, 0}, {v3, sizeof(v3)}};
	iov[1].iov_len = sizeof(v2);
	result("readv 5 + 1 + 200 of 100 bytes", readv(fd, iov, 3));
	printf("readv: [%.5s] [%c] [%.3s]\n", v1, v2[0], v3);
	result("readv at the end", readv(fd, iov, 3));
	result("readv of -1 buffers", syscall(SYS_readv, fd, iov, -1));
	result("readv of 1025 buffers", syscall(SYS_readv, fd, iov, 1025));
	result("readv from a bad vector", syscall(SYS_readv, fd, (void *)16, 1));
	lseek(fd, 0, SEEK_SET);
	static char low[200]; /* (not on the stack: its 2 GiB past it stay below the library) */
	struct iovec huge[2] = {{low, 0x7ffff000}, {low, 0x7ffff000}};
	result("readv of buffers past 2 GiB in all: what there is", readv(fd, huge, 2));
	lseek(fd, 0, SEEK_SET);
	iov[0].iov_base = (void *)16;
	result("readv into a bad first buffer", readv(fd, iov, 3));
	result("then the offset is still", lseek(fd, 0, SEEK_CUR));
	close(fd);
	int pfd[2];
	pipe(pfd);
	iov[0] = (struct iovec){v1, 0};
	result("readv of nothing from an empty pipe", readv(pfd[0], iov, 1));
	result("readv from a pipe's write end", readv(pfd[1], iov, 1));
	close(pfd[0]);
	close(pfd[1]);
	result("sched_yield", sched_yield());

	/* Directories */
	result("mkdir d", mkdir("d", 0755));
	result("mkdir d again", mkdir("d", 0755));
	result("mkdir d/sub/deeper", mkdir("d/sub/deeper", 0755));
	result("mkdir d/sub/", mkdir("d/sub/", 0755));
	show_stat("stat d", "d", 1);
	result("rmdir d (not empty)", rmdir("d"));
	result("rmdir f (a file)", rmdir("f"));
	result("unlink d (a directory)", unlink("d"));
	result("rmdir d/sub/.", rmdir("d/sub/."));
	result("open d for writing", open("d", O_WRONLY));
	result("open f O_DIRECTORY", open("f", O_RDONLY | O_DIRECTORY));
	result("open f/x", open("f/x", O_RDONLY));
	result("chdir d/sub", chdir("d/sub"));
	if (getcwd(cwd, sizeof(cwd)) != NULL)
		printf("getcwd ends with [%s]\n", strrchr(cwd, '/') != NULL ? cwd + strlen(scratch_dir()) : cwd);
	result("chdir ../..", chdir("../.."));
	result("rmdir d/sub", rmdir("d/sub"));
	show_stat("stat d", "d", 1);
	for (i = 0; i < 40; i++) {
		char name[32];

		snprintf(name, sizeof(name), "d/file%02d", i);
		close(open(name, O_WRONLY | O_CREAT, 0600));
	}
	list("d");
	{
		DIR *dd = opendir("d");
		struct dirent *e;
		int removed = 0;
		char name[300];

		while ((e = readdir(dd)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(name, sizeof(name), "d/%s", e->d_name);
			removed += unlink(name) == 0;
		}
		closedir(dd);
		printf("removed while reading: %d\n", removed);
	}
	list("d");

	/* rename and link */
	close(open("g", O_WRONLY | O_CREAT, 0644));
	mkdir("e", 0755);
	result("rename f f2", rename("f", "f2"));
	result("rename f2 d/moved", rename("f2", "d/moved"));
	result("rename d/moved onto g", rename("d/moved", "g"));
	show_stat("stat g", "g", 1);
	result("rename g onto directory e", rename("g", "e"));
	result("rename e onto file g", rename("e", "g"));
	result("rename d into d/x", rename("d", "d/x"));
	close(open("d/x", O_WRONLY | O_CREAT, 0644));
	result("rename e onto non-empty d", rename("e", "d"));
	result("rename d onto empty e", rename("d", "e"));
	list("e");
	result("rename missing", rename("missing", "z"));
	result("link g h", link("g", "h"));
	show_stat("stat g", "g", 1);
	result("rename g onto its other name h", rename("g", "h"));
	show_stat("stat g", "g", 1);
	result("link e e2 (a directory)", link("e", "e2"));
	result("link g h (exists)", link("g", "h"));
	result("unlink h", unlink("h"));
	show_stat("stat g", "g", 1);

	/* Symbolic links */
	result("symlink abs", symlink("/etc/passwd", "abs"));
	result("symlink rel", symlink("e/x", "rel"));
	show_stat("lstat rel", "rel", 0);
	show_stat("stat rel", "rel", 1);
	memset(buf, 0, sizeof(buf));
	result("readlink rel", readlink("rel", buf, sizeof(buf)));
	printf("target [%s]\n", buf);
	result("readlink g (a file)", readlink("g", buf, sizeof(buf)));
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	result("open loop1", open("loop1", O_RDONLY));
	result("stat loop1/x", stat("loop1/x", &st));
	result("open rel O_NOFOLLOW", open("rel", O_RDONLY | O_NOFOLLOW));
	symlink("nowhere", "dangling");
	result("open dangling", open("dangling", O_RDONLY));
	fd = open("dangling", O_WRONLY | O_CREAT, 0644);
	result("open dangling O_CREAT", fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
	show_stat("stat nowhere", "nowhere", 1);
	result("symlink onto a name", symlink("x", "abs"));
	symlink("e", "dirlink");
	fd = open("dirlink/x", O_RDONLY);
	result("open through dirlink/x", fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
	result("unlink dirlink", unlink("dirlink"));
	show_stat("stat e", "e", 1);

	/* Times and access */
	{
		struct timespec ts[2] = { { 1234, 5 }, { 5678, 9 } };

		result("utimensat", utimensat(AT_FDCWD, "g", ts, 0));
		stat("g", &st);
		printf("times %ld.%ld %ld.%ld\n", (long) st.st_atim.tv_sec, st.st_atim.tv_nsec, (long) st.st_mtim.tv_sec,
		       st.st_mtim.tv_nsec);
	}
	result("access g R_OK", access("g", R_OK));
	result("access missing", access("missing", F_OK));
	result("chmod g 0600", chmod("g", 0600));
	show_stat("stat g", "g", 1);
	test_statx();

	/* Bad names */
	memset(buf, 'n', 300);
	buf[300] = '\0';
	result("open a 300-character name", open(buf, O_WRONLY | O_CREAT, 0644));
	result("open an empty path", open("", O_RDONLY));
	{
		const char *volatile nothing = NULL; /* a bad pointer the compiler cannot see */

		result("stat NULL", stat(nothing, &st));
	}

	/* Clean up */
	unlink("e/x");
	unlink("e/moved");
	rmdir("e/sub");
	rmdir("e");
	unlink("g");
	unlink("abs");
	unlink("rel");
	unlink("loop1");
	unlink("loop2");
	unlink("dangling");
	unlink("nowhere");
	result("rmdir the scratch directory", scratch_leave());
	return 0;
}
