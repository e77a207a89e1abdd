/*
 * UNIX benchmarks (issue 8), an ordinary static Linux i386 program run as
 * pid 1 of the single server under -icount shift=0, where rdtsc counts
 * guest instructions.  Prints "BENCH name instructions-per-operation",
 * one line per chunk (bench/report takes the median).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNKS 5
#define GETPID_PER_CHUNK 200
#define READS_PER_CHUNK 200
#define FORKS_PER_CHUNK 5
#define PIPE_BYTES 65536
#define PIPE_WRITE 4096
#define PIPE_ROUNDS 3
#define SH_LOOP "i=0; while [ $i -lt 1000 ]; do i=$((i + 1)); done"
#define TRUE_PROGRAM "/bin/unix_true"
#define MMAP_FILE "/tmp/bench_mmap"
#define MMAP_PAGES 64
#define PAGE_BYTES 4096

static uint64_t now(void)
{
	return __builtin_ia32_rdtsc();
}

static void report(const char *name, uint64_t total, unsigned ops)
{
	printf("BENCH %s %llu\n", name, (unsigned long long)(total / ops));
}

static void bench_getpid(void)
{
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < GETPID_PER_CHUNK; i++)
			syscall(SYS_getpid);
		report("unix.getpid", now() - t, GETPID_PER_CHUNK);
	}
}

/* A call the library answers alone (umask): the redirection and the
 * library's entry and exit, without an RPC; unix.getpid minus this is
 * the RPC to the proc service. */
static void bench_umask(void)
{
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < GETPID_PER_CHUNK; i++)
			syscall(SYS_umask, 022);
		report("unix.umask", now() - t, GETPID_PER_CHUNK);
	}
}

static void bench_devnull(void)
{
	char b;
	int fd = open("/dev/null", O_RDONLY);
	if (fd < 0) {
		printf("# no /dev/null\n");
		return;
	}
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < READS_PER_CHUNK; i++)
			read(fd, &b, 1);
		report("unix.read_devnull_1", now() - t, READS_PER_CHUNK);
	}
	close(fd);
}

/* 64 KiB through a pipe to a child, which answers one byte when it has all. */
static void bench_pipe(void)
{
	static char buf[PIPE_WRITE];
	int to[2], back[2];
	if (pipe(to) < 0 || pipe(back) < 0) {
		printf("# no pipes\n");
		return;
	}
	pid_t p = fork();
	if (p == 0) {
		close(to[1]);
		close(back[0]);
		for (;;) {
			size_t got = 0;
			while (got < PIPE_BYTES) {
				ssize_t n = read(to[0], buf, sizeof(buf));
				if (n <= 0)
					_exit(0);
				got += n;
			}
			write(back[1], "k", 1);
		}
	}
	close(to[0]);
	close(back[1]);
	memset(buf, 'x', sizeof(buf));
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int r = 0; r < PIPE_ROUNDS; r++) {
			for (size_t done = 0; done < PIPE_BYTES; done += PIPE_WRITE)
				write(to[1], buf, PIPE_WRITE);
			char k;
			read(back[0], &k, 1);
		}
		report("unix.pipe_64k", now() - t, PIPE_ROUNDS);
	}
	close(to[1]);
	close(back[0]);
	waitpid(p, NULL, 0);
}

static void bench_fork(const char *name, char *const *argv)
{
	static char *const envp[] = {"PATH=/bin", NULL};
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		for (int i = 0; i < FORKS_PER_CHUNK; i++) {
			pid_t p = fork();
			if (p == 0) {
				if (argv != NULL)
					execve(argv[0], argv, envp);
				_exit(0);
			}
			waitpid(p, NULL, 0);
		}
		report(name, now() - t, FORKS_PER_CHUNK);
	}
}

static void bench_sh_loop(void)
{
	char *const argv[] = {"/bin/sh", "-c", SH_LOOP, NULL};
	static char *const envp[] = {"PATH=/bin", NULL};
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t = now();
		pid_t p = fork();
		if (p == 0) {
			execve(argv[0], argv, envp);
			_exit(127);
		}
		waitpid(p, NULL, 0);
		report("unix.sh_loop_1000", now() - t, 1);
	}
}

/* fs.mmap_pagein: the first touch of a page of a mapped file (the
 * fault, the pager's data_request, its read of the file, data_supply),
 * a fresh mapping each chunk (the last munmap ends the object). */
static void bench_mmap_pagein(void)
{
	static char page[PAGE_BYTES];
	int fd = open(MMAP_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		printf("# cannot create %s\n", MMAP_FILE);
		return;
	}
	for (int i = 0; i < MMAP_PAGES; i++)
		write(fd, page, sizeof(page));
	for (int c = 0; c < CHUNKS; c++) {
		volatile char *m = mmap(NULL, MMAP_PAGES * PAGE_BYTES, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			printf("# mmap failed\n");
			break;
		}
		uint64_t t = now();
		for (int i = 0; i < MMAP_PAGES; i++)
			(void)m[i * PAGE_BYTES];
		report("fs.mmap_pagein", now() - t, MMAP_PAGES);
		munmap((void *)m, MMAP_PAGES * PAGE_BYTES);
	}
	close(fd);
	unlink(MMAP_FILE);
}

int main(void)
{
	char *const true_argv[] = {TRUE_PROGRAM, NULL};
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_getpid();
	bench_umask();
	bench_devnull();
	bench_pipe();
	bench_fork("unix.fork_exit_wait", NULL);
	bench_fork("unix.fork_exec_wait", true_argv);
	bench_sh_loop();
	bench_mmap_pagein();
	return 0;
}
