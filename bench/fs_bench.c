/*
 * File-system benchmarks (issue 9), an ordinary static Linux i386
 * program run as pid 1 of the single server with / on the ext2 root disk
 * (bench/fs.list; QEMU keeps the image unchanged: snapshot=on), under
 * -icount shift=0, where rdtsc counts guest instructions.  Prints
 * "BENCH name instructions-per-operation", one line per chunk.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNKS 5
#define DIR_PATH "/fsbench"
#define FILE_4K DIR_PATH "/file4k"
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
	for (size_t done = 0; done < size; done += sizeof(buf))
		write(fd, buf, size - done < sizeof(buf) ? size - done : sizeof(buf));
	return close(fd);
}

static void bench_open_read_close(void)
{
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < OPENS_PER_CHUNK; i++) {
			int fd = open(FILE_4K, O_RDONLY);
			read(fd, buf, SMALL);
			close(fd);
		}
		report("fs.open_read_close_4k", now() - t, OPENS_PER_CHUNK);
	}
}

static void bench_create_write_fsync_unlink(void)
{
	memset(buf, 'c', SMALL);
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < CREATES_PER_CHUNK; i++) {
			int fd = open(DIR_PATH "/new", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			write(fd, buf, SMALL);
			fsync(fd);
			close(fd);
			unlink(DIR_PATH "/new");
		}
		report("fs.create_write_fsync_unlink_4k", now() - t, CREATES_PER_CHUNK);
	}
}

static void bench_stat(void)
{
	struct stat st;
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < STATS_PER_CHUNK; i++)
			stat(FILE_4K, &st);
		report("fs.stat", now() - t, STATS_PER_CHUNK);
	}
}

static void bench_readdir(void)
{
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < READDIRS_PER_CHUNK; i++) {
			DIR *d = opendir(MANY_DIR);
			while (d != NULL && readdir(d) != NULL)
				;
			if (d != NULL)
				closedir(d);
		}
		report("fs.readdir_1000", now() - t, READDIRS_PER_CHUNK);
	}
}

static void bench_cp(void)
{
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < COPIES_PER_CHUNK; i++) {
			int in = open(DIR_PATH "/big", O_RDONLY);
			int out = open(DIR_PATH "/copy", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			ssize_t n;
			while ((n = read(in, buf, sizeof(buf))) > 0)
				write(out, buf, (size_t)n);
			close(in);
			close(out);
		}
		report("fs.cp_1m", now() - t, COPIES_PER_CHUNK);
		unlink(DIR_PATH "/copy");
	}
}

int main(void)
{
	char path[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
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
	return 0;
}
