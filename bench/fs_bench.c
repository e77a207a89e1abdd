/*
 * File-system benchmarks (issue 9), an ordinary static Linux i386
 * program run as pid 1 of the single server with / on the ext2 root disk
 * (bench/fs.list; QEMU keeps the image unchanged: snapshot=on), under
 * -icount shift=0, where rdtsc counts guest instructions.  Prints
 * "BENCH name instructions-per-operation", one line per chunk.  Every
 * operation's result is checked (a failure is printed "fs_bench: FAIL"
 * and the exit status is 1); fs_bench -q runs one chunk of each, the
 * smoke test make check runs (test/ext2/fsbench.sh, without -icount).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNKS 5
#define DIR_PATH "/fsbench"
#define FILE_4K DIR_PATH "/file4k"
#define MMAP_FILE DIR_PATH "/mmap"
#define MMAP_PAGES 64
#define PAGE_BYTES 4096
#define MANY_DIR DIR_PATH "/many"
#define MANY 1000
#define SMALL 4096
#define BIG (1u << 20)
#define COPY_CHUNK 65536
#define OPENS_PER_CHUNK 50
#define CREATES_PER_CHUNK 10
#define STATS_PER_CHUNK 100
#define READDIRS_PER_CHUNK 2
#define COPIES_PER_CHUNK 1

static char buf[COPY_CHUNK];
static int chunks = CHUNKS;
static int failed;

/* must OK WHAT: an operation's result; the first failures are printed
 * and any fails the run. */
static void must(int ok, const char *what)
{
	if (!ok && failed++ < 10)
		printf("fs_bench: FAIL %s (errno %d)\n", what, errno);
}

static uint64_t now(void)
{
	return __builtin_ia32_rdtsc();
}

static void report(const char *name, uint64_t total, unsigned ops)
{
	printf("BENCH %s %llu\n", name, (unsigned long long)(total / ops));
}

static int put(const char *path, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	memset(buf, 'b', sizeof(buf));
	for (size_t done = 0; done < size; done += sizeof(buf)) {
		size_t n = size - done < sizeof(buf) ? size - done : sizeof(buf);
		if (write(fd, buf, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
	}
	return close(fd);
}

static void bench_open_read_close(void)
{
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < OPENS_PER_CHUNK; i++) {
			int fd = open(FILE_4K, O_RDONLY);
			must(read(fd, buf, SMALL) == SMALL, "open_read_close: read of " FILE_4K);
			must(close(fd) == 0, "open_read_close: close");
		}
		report("fs.open_read_close_4k", now() - t, OPENS_PER_CHUNK);
	}
}

static void bench_create_write_fsync_unlink(void)
{
	memset(buf, 'c', SMALL);
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < CREATES_PER_CHUNK; i++) {
			int fd = open(DIR_PATH "/new", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			must(write(fd, buf, SMALL) == SMALL, "create_write_fsync_unlink: write");
			must(fsync(fd) == 0, "create_write_fsync_unlink: fsync");
			must(close(fd) == 0, "create_write_fsync_unlink: close");
			must(unlink(DIR_PATH "/new") == 0, "create_write_fsync_unlink: unlink");
		}
		report("fs.create_write_fsync_unlink_4k", now() - t, CREATES_PER_CHUNK);
	}
}

static void bench_stat(void)
{
	struct stat st;
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < STATS_PER_CHUNK; i++)
			must(stat(FILE_4K, &st) == 0 && st.st_size == SMALL, "stat: " FILE_4K);
		report("fs.stat", now() - t, STATS_PER_CHUNK);
	}
}

static void bench_readdir(void)
{
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < READDIRS_PER_CHUNK; i++) {
			DIR *d = opendir(MANY_DIR);
			int entries = 0;
			while (d != NULL && readdir(d) != NULL)
				entries++;
			must(d != NULL && closedir(d) == 0, "readdir: opendir/closedir of " MANY_DIR);
			must(entries == MANY + 2, "readdir: every entry of " MANY_DIR " and . and ..");
		}
		report("fs.readdir_1000", now() - t, READDIRS_PER_CHUNK);
	}
}

static void bench_cp(void)
{
	struct stat st;
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < COPIES_PER_CHUNK; i++) {
			int in = open(DIR_PATH "/big", O_RDONLY);
			int out = open(DIR_PATH "/copy", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			ssize_t n;
			while ((n = read(in, buf, sizeof(buf))) > 0)
				must(write(out, buf, (size_t)n) == n, "cp: write");
			must(n == 0, "cp: read");
			must(close(in) == 0 && close(out) == 0, "cp: close");
		}
		report("fs.cp_1m", now() - t, COPIES_PER_CHUNK);
		must(stat(DIR_PATH "/copy", &st) == 0 && st.st_size == BIG, "cp: the copy's size");
		must(unlink(DIR_PATH "/copy") == 0, "cp: unlink");
	}
}

/* fs.mmap_pagein_ext2: the first touch of a page of a mapped ext2 file,
 * paged by the file service (the fault, its data_request, the page read
 * from the ext2 buffer cache, data_supply); a fresh mapping each chunk
 * (the last munmap ends the object).  fs.mmap_pagein (bench/unix_bench)
 * measures the same of a RAM file in /tmp. */
static void bench_mmap_pagein_ext2(void)
{
	int fd = open(MMAP_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	must(fd >= 0, "mmap_pagein: create " MMAP_FILE);
	for (int i = 0; i < MMAP_PAGES; i++) {
		memset(buf, 'a' + i % 26, PAGE_BYTES);
		must(write(fd, buf, PAGE_BYTES) == PAGE_BYTES, "mmap_pagein: write");
	}
	for (int c = 0; c < chunks; c++) {
		volatile char *m = mmap(NULL, MMAP_PAGES * PAGE_BYTES, PROT_READ, MAP_SHARED, fd, 0);
		must(m != MAP_FAILED, "mmap_pagein: mmap");
		if (m == MAP_FAILED)
			break;
		int wrong = 0;
		uint64_t t = now();
		for (int i = 0; i < MMAP_PAGES; i++)
			wrong += m[i * PAGE_BYTES] != 'a' + i % 26;
		report("fs.mmap_pagein_ext2", now() - t, MMAP_PAGES);
		must(wrong == 0, "mmap_pagein: the pages hold what was written");
		must(munmap((void *)m, MMAP_PAGES * PAGE_BYTES) == 0, "mmap_pagein: munmap");
	}
	must(close(fd) == 0 && unlink(MMAP_FILE) == 0, "mmap_pagein: close and unlink");
}

int main(int argc, char **argv)
{
	char path[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "-q") == 0)
		chunks = 1;
	if (mkdir(DIR_PATH, 0755) != 0 || mkdir(MANY_DIR, 0755) != 0 || put(FILE_4K, SMALL) != 0 ||
	    put(DIR_PATH "/big", BIG) != 0) {
		printf("fs_bench: cannot set up " DIR_PATH "\n");
		return 1;
	}
	for (int i = 0; i < MANY; i++) {
		snprintf(path, sizeof(path), MANY_DIR "/entry%04d", i);
		if (put(path, 0) != 0) {
			printf("fs_bench: cannot make %s\n", path);
			return 1;
		}
	}
	sync();
	bench_open_read_close();
	bench_create_write_fsync_unlink();
	bench_stat();
	bench_readdir();
	bench_cp();
	bench_mmap_pagein_ext2();
	return failed != 0;
}
