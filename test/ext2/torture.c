/*
 * File-system torture, an ordinary static Linux program: the same run
 * on the host (a tmpfs) and on Ernst (the ext2 root) must print the same
 * lines.  torture DIR works under DIR (made fresh):
 *   many      2000 files made, a third renamed, a fifth removed, listed
 *   deep      a chain of 60 directories, a file at the bottom, rmdir of a
 *             non-empty one refused (ENOTEMPTY), the chain taken down
 *   large     4 MiB written in odd-sized pieces, read back at random
 *   sparse    pieces at 0, 1 MiB and 40 MiB (double indirect with 4 KiB
 *             blocks), holes read as zeros and take no blocks
 *   renames   over files, across directories, hard links counted
 *   procs     4 processes at once, each making 100 files and appending
 *             records to one shared O_APPEND file; every record whole
 *   full      (torture -f DIR: this alone) writes until the disk is
 *             full: ENOSPC, the size what the writes answered, statfs
 *             says nothing is left; unlink gives it all back
 * then sync, statfs, and the whole tree: every path, type, size, link
 * count and a CRC of the contents (what the host compares with the disk).
 * Lines start "ok"/"not ok" for checks; the tree lines are plain.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define MANY 2000
#define DEEP 60
#define LARGE (4u << 20)
#define SPARSE_FAR (40u << 20)
#define PROCS 4
#define PROC_FILES 100
#define PROC_RECORDS 200
#define RECORD 32
#define PATH_LEN 4096

static uint32_t crc32(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* A small deterministic generator: the same numbers on every system. */
static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static int put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	int r = write_all(fd, text, strlen(text));
	return close(fd) || r ? -1 : 0;
}

static void many(void)
{
	char path[64], to[64], text[128];
	int bad = 0;

	mkdir("many", 0755);
	for (int i = 0; i < MANY; i++) {
		snprintf(path, sizeof(path), "many/f%04d", i);
		int len = snprintf(text, sizeof(text), "file %d\n", i);
		for (int k = i % 7; k > 0 && len < 100; k--)
			len += snprintf(text + len, sizeof(text) - (size_t)len, "more %d\n", k);
		bad |= put_file(path, text);
	}
	check(!bad, "many: 2000 files made");
	for (int i = 0; i < MANY; i += 3) {
		snprintf(path, sizeof(path), "many/f%04d", i);
		snprintf(to, sizeof(to), "many/g%04d", i);
		bad |= rename(path, to);
	}
	check(!bad, "many: every third renamed");
	for (int i = 0; i < MANY; i += 5) {
		snprintf(path, sizeof(path), "many/%c%04d", i % 3 == 0 ? 'g' : 'f', i);
		bad |= unlink(path);
	}
	check(!bad, "many: every fifth removed");
	DIR *d = opendir("many");
	int n = 0;
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	check(n == MANY - MANY / 5, "many: readdir sees the 1600 left");
}

static void deep(void)
{
	char path[PATH_LEN] = "deep";
	int bad = mkdir(path, 0755);

	for (int i = 0; i < DEEP && !bad; i++) {
		strcat(path, "/d");
		bad |= mkdir(path, 0755);
	}
	check(!bad, "deep: 60 directories, one in the other");
	char file[PATH_LEN];
	snprintf(file, sizeof(file), "%s/bottom", path);
	check(put_file(file, "at the bottom\n") == 0, "deep: a file at the bottom");
	char up[PATH_LEN];
	snprintf(up, sizeof(up), "%s/..", path);
	check(rmdir(up) < 0 && errno == ENOTEMPTY, "deep: rmdir of a non-empty directory is ENOTEMPTY");
	/* A second chain, taken down again from the bottom. */
	strcpy(path, "deep/gone");
	bad = mkdir(path, 0755);
	for (int i = 0; i < DEEP / 2 && !bad; i++) {
		strcat(path, "/x");
		bad |= mkdir(path, 0755);
	}
	while (!bad && strcmp(path, "deep") != 0) {
		bad |= rmdir(path);
		*strrchr(path, '/') = '\0';
	}
	check(!bad, "deep: another chain made and removed");
}

static unsigned char pattern(uint32_t off)
{
	return (unsigned char)((off * 7 + off / 4093) & 0xff);
}

static void large(void)
{
	static unsigned char buf[70000];
	int fd = open("large", O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint32_t off = 0;
	int bad = fd < 0;

	while (!bad && off < LARGE) {
		uint32_t n = 1 + rnd() % sizeof(buf);
		if (n > LARGE - off)
			n = LARGE - off;
		for (uint32_t i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		bad |= write_all(fd, buf, n);
		off += n;
	}
	check(!bad, "large: 4 MiB written in odd pieces");
	check(fsync(fd) == 0, "large: fsync");
	for (int k = 0; k < 200 && !bad; k++) {
		uint32_t at = rnd() % LARGE, n = 1 + rnd() % 9000;
		if (n > LARGE - at)
			n = LARGE - at;
		bad |= pread(fd, buf, n, at) != (ssize_t)n;
		for (uint32_t i = 0; i < n && !bad; i++)
			bad |= buf[i] != pattern(at + i);
	}
	check(!bad, "large: 200 random reads find the pattern");
	close(fd);
}

static void sparse(void)
{
	static const char tail[] = "far away";
	static unsigned char buf[8192];
	int fd = open("sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int bad = fd < 0;

	bad |= pwrite(fd, "start", 5, 0) != 5;
	bad |= pwrite(fd, "middle", 6, 1u << 20) != 6;
	bad |= pwrite(fd, tail, sizeof(tail), SPARSE_FAR) != (ssize_t)sizeof(tail);
	check(!bad, "sparse: pieces at 0, 1 MiB and 40 MiB");
	check(fdatasync(fd) == 0, "sparse: fdatasync");
	struct stat st;
	fstat(fd, &st);
	check(st.st_size == SPARSE_FAR + sizeof(tail), "sparse: the size is past the last piece");
	check(st.st_blocks < 1024, "sparse: the holes take no blocks");
	bad = pread(fd, buf, sizeof(buf), 20u << 20) != sizeof(buf);
	for (size_t i = 0; i < sizeof(buf); i++)
		bad |= buf[i] != 0;
	check(!bad, "sparse: a hole reads as zeros");
	bad = ftruncate(fd, 2u << 20) != 0 || fstat(fd, &st) != 0 || st.st_size != 2u << 20;
	check(!bad, "sparse: truncated to 2 MiB");
	close(fd);
}

static void renames(void)
{
	struct stat st;

	mkdir("ren", 0755);
	mkdir("ren/a", 0755);
	mkdir("ren/b", 0755);
	put_file("ren/a/x", "x\n");
	put_file("ren/b/y", "y\n");
	check(rename("ren/a/x", "ren/b/y") == 0, "renames: a file over another, across directories");
	check(link("ren/b/y", "ren/a/hl") == 0 && stat("ren/b/y", &st) == 0 && st.st_nlink == 2,
	      "renames: a hard link makes 2 links");
	check(rename("ren/a", "ren/b/a") == 0, "renames: a directory moved into its sibling");
	check(rename("ren/b", "ren/b/a/z") < 0 && errno == EINVAL, "renames: not into itself (EINVAL)");
	check(symlink("b/a/hl", "ren/sl") == 0, "renames: a symlink");
	char t[64];
	ssize_t n = readlink("ren/sl", t, sizeof(t));
	check(n == 6 && memcmp(t, "b/a/hl", 6) == 0, "renames: readlink");
	check(unlink("ren/b/y") == 0 && stat("ren/b/a/hl", &st) == 0 && st.st_nlink == 1,
	      "renames: one link left after unlink");
}

static int record_cmp(const void *a, const void *b)
{
	return memcmp(a, b, RECORD);
}

static void procs(void)
{
	pid_t kids[PROCS];

	mkdir("procs", 0755);
	for (int p = 0; p < PROCS; p++) {
		kids[p] = fork();
		if (kids[p] == 0) {
			char path[64], rec[RECORD + 1];
			int shared = open("procs/shared", O_WRONLY | O_CREAT | O_APPEND, 0644), bad = shared < 0;
			for (int i = 0; i < PROC_FILES; i++) {
				snprintf(path, sizeof(path), "procs/p%d_%03d", p, i);
				snprintf(rec, sizeof(rec), "process %d file %d\n", p, i);
				bad |= put_file(path, rec);
			}
			for (int i = 0; i < PROC_RECORDS; i++) {
				snprintf(rec, sizeof(rec), "%d %04d %-*s\n", p, i, RECORD - 8, "record");
				bad |= write(shared, rec, RECORD) != RECORD;
			}
			_exit(bad);
		}
	}
	int bad = 0, st;
	for (int p = 0; p < PROCS; p++)
		bad |= waitpid(kids[p], &st, 0) != kids[p] || st != 0;
	check(!bad, "procs: 4 writers at once ended well");
	static char all[PROCS * PROC_RECORDS][RECORD];
	FILE *f = fopen("procs/shared", "r");
	int count[PROCS] = {0}, next[PROCS] = {0}, n = 0;
	char rec[RECORD + 1];
	while (f != NULL && n < PROCS * PROC_RECORDS && fread(rec, 1, RECORD, f) == RECORD) {
		int p, i;
		memcpy(all[n++], rec, RECORD);
		if (sscanf(rec, "%d %d", &p, &i) != 2 || p < 0 || p >= PROCS || i != next[p] || rec[RECORD - 1] != '\n') {
			bad = 1;
			break;
		}
		next[p]++;
		count[p]++;
	}
	if (f != NULL)
		fclose(f);
	for (int p = 0; p < PROCS; p++)
		bad |= count[p] != PROC_RECORDS;
	check(!bad, "procs: every record whole and in its writer's order");
	/* The order the writers met in is the scheduler's: written again
	 * sorted, so the tree is the same everywhere. */
	qsort(all, (size_t)n, RECORD, record_cmp);
	int fd = open("procs/shared", O_WRONLY | O_TRUNC);
	check(fd >= 0 && write_all(fd, all, (size_t)n * RECORD) == 0 && close(fd) == 0,
	      "procs: the records written back sorted");
}

static void full(void)
{
	static char buf[65536];
	struct statfs sf;
	int fd = open("full", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t w = 0;
	long long total = 0;

	memset(buf, 'f', sizeof(buf));
	while (fd >= 0 && (w = write(fd, buf, sizeof(buf))) > 0)
		total += w;
	int err = errno;
	check(fd >= 0 && w < 0 && err == ENOSPC, "full: writing until the disk is full ends in ENOSPC");
	struct stat st;
	check(fstat(fd, &st) == 0 && st.st_size == total, "full: the size is what the writes answered");
	check(statfs(".", &sf) == 0 && sf.f_bavail == 0, "full: statfs says no blocks left");
	close(fd);
	check(unlink("full") == 0 && statfs(".", &sf) == 0 && sf.f_bavail > 0, "full: unlink frees them");
}

/* The tree, sorted, one line per entry. */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;

	if (d == NULL) {
		printf("cannot open %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_LEN];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (lstat(path, &st) != 0) {
			printf("%s: lstat: %s\n", path, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			printf("%s dir %o\n", path, (unsigned)(st.st_mode & 07777));
			walk(path);
		} else if (S_ISLNK(st.st_mode)) {
			char t[PATH_LEN];
			ssize_t len = readlink(path, t, sizeof(t) - 1);
			t[len < 0 ? 0 : len] = '\0';
			printf("%s link -> %s\n", path, t);
		} else {
			static unsigned char buf[65536];
			uint32_t crc = 0;
			int fd = open(path, O_RDONLY);
			ssize_t r;
			while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
				crc = crc32(crc, buf, (size_t)r);
			if (fd >= 0)
				close(fd);
			printf("%s file %o size %lld links %u crc %08x\n", path, (unsigned)(st.st_mode & 07777),
			       (long long)st.st_size, (unsigned)st.st_nlink, crc);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	int fill = argc == 3 && strcmp(argv[1], "-f") == 0;
	const char *top = argv[argc - 1];

	if (argc < 2 || (argc == 3 && !fill)) {
		fprintf(stderr, "usage: torture [-f] DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdir(top, 0755) != 0 || chdir(top) != 0) {
		printf("cannot make %s: %s\n", top, strerror(errno));
		return 1;
	}
	if (fill) {
		full();
		printf("%d failed\n", failures);
		return failures != 0;
	}
	many();
	deep();
	large();
	sparse();
	renames();
	procs();
	sync();
	struct statfs sf;
	check(statfs(".", &sf) == 0 && sf.f_bsize > 0 && sf.f_namelen == 255, "statfs answers");
	walk(".");
	printf("%d failed\n", failures);
	return failures != 0;
}
