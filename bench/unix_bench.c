/*
 * UNIX benchmarks (issue 8), an ordinary static Linux i386 program run as
 * pid 1 of the single server under -icount shift=0, where rdtsc counts
 * guest instructions.  Prints "BENCH name instructions-per-operation",
 * one line per chunk (bench/report takes the median).  Every
 * operation's result is checked (a failure is printed "unix_bench: FAIL"
 * and the exit status is 1); unix_bench -q runs one chunk of each, the
 * smoke run make check boots (test/unix/unixbench.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
#define SH_LOOP "i=0; while [ $i -lt 1000 ]; do i=$((i + 1)); done; [ $i = 1000 ]"
#define TRUE_PROGRAM "/bin/unix_true"
#define MMAP_FILE "/tmp/bench_mmap"
#define MMAP_PAGES 64
#define PAGE_BYTES 4096

static int chunks = CHUNKS;
static int failed;

/* must OK WHAT: an operation's result; the first failures are printed
 * and any fails the run. */
static void must(int ok, const char *what)
{
	if (!ok && failed++ < 10)
		printf("unix_bench: FAIL %s (errno %d)\n", what, errno);
}

/* A child's end: exit status 0 expected. */
static void must_exit0(pid_t p, const char *what)
{
	int st;
	must(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, what);
}

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
	long pid = getpid(), wrong = 0;
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < GETPID_PER_CHUNK; i++)
			wrong |= syscall(SYS_getpid) ^ pid;
		report("unix.getpid", now() - t, GETPID_PER_CHUNK);
	}
	must(wrong == 0, "getpid: the pid");
}

/* A call the library answers alone (umask): the redirection and the
 * library's entry and exit, without an RPC; unix.getpid minus this is
 * the RPC to the proc service. */
static void bench_umask(void)
{
	long wrong = 0;
	umask(022);
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < GETPID_PER_CHUNK; i++)
			wrong |= syscall(SYS_umask, 022) ^ 022;
		report("unix.umask", now() - t, GETPID_PER_CHUNK);
	}
	must(wrong == 0, "umask: the previous mask");
}

static void bench_devnull(void)
{
	char b;
	long wrong = 0;
	int fd = open("/dev/null", O_RDONLY);
	must(fd >= 0, "open /dev/null");
	if (fd < 0)
		return;
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < READS_PER_CHUNK; i++)
			wrong |= read(fd, &b, 1); /* end of file: 0 */
		report("unix.read_devnull_1", now() - t, READS_PER_CHUNK);
	}
	must(wrong == 0, "read /dev/null: end of file");
	close(fd);
}

/* 64 KiB through a pipe to a child, which answers one byte when it has
 * all ('k'; 'E' if a read went past the round's bytes). */
static void bench_pipe(void)
{
	static char buf[PIPE_WRITE];
	int to[2], back[2];
	if (pipe(to) < 0 || pipe(back) < 0) {
		must(0, "pipe");
		return;
	}
	pid_t p = fork();
	must(p >= 0, "pipe: fork");
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
			write(back[1], got == PIPE_BYTES ? "k" : "E", 1);
		}
	}
	close(to[0]);
	close(back[1]);
	memset(buf, 'x', sizeof(buf));
	int short_writes = 0, bad_answers = 0;
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int r = 0; r < PIPE_ROUNDS; r++) {
			for (size_t done = 0; done < PIPE_BYTES; done += PIPE_WRITE)
				short_writes += write(to[1], buf, PIPE_WRITE) != PIPE_WRITE;
			char k = 0;
			bad_answers += read(back[0], &k, 1) != 1 || k != 'k';
		}
		report("unix.pipe_64k", now() - t, PIPE_ROUNDS);
	}
	must(short_writes == 0, "pipe: every write whole");
	must(bad_answers == 0, "pipe: the child got every round's bytes");
	close(to[1]);
	close(back[0]);
	must_exit0(p, "pipe: the child's end");
}

static void bench_fork(const char *name, char *const *argv)
{
	static char *const envp[] = {"PATH=/bin", NULL};
	int bad = 0;
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		for (int i = 0; i < FORKS_PER_CHUNK; i++) {
			pid_t p = fork();
			if (p == 0) {
				if (argv != NULL) {
					execve(argv[0], argv, envp);
					_exit(127); /* the execve failed */
				}
				_exit(0);
			}
			int st;
			bad += p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
		}
		report(name, now() - t, FORKS_PER_CHUNK);
	}
	if (bad != 0 && failed++ < 10)
		printf("unix_bench: FAIL %s: %d of %d children did not exit 0%s\n", name, bad, chunks * FORKS_PER_CHUNK,
		       argv != NULL ? " (execve failed?)" : "");
}

static void bench_sh_loop(void)
{
	char *const argv[] = {"/bin/sh", "-c", SH_LOOP, NULL};
	static char *const envp[] = {"PATH=/bin", NULL};
	for (int c = 0; c < chunks; c++) {
		uint64_t t = now();
		pid_t p = fork();
		if (p == 0) {
			execve(argv[0], argv, envp);
			_exit(127);
		}
		int st = -1;
		waitpid(p, &st, 0);
		report("unix.sh_loop_1000", now() - t, 1);
		/* Status 0: sh ran and its loop ended at 1000. */
		must(WIFEXITED(st) && WEXITSTATUS(st) == 0, "sh_loop: sh -c exits 0");
	}
}

/* fs.mmap_pagein: the first touch of a page of a mapped file (the
 * fault, the pager's data_request, its read of the file, data_supply),
 * a fresh mapping each chunk (the last munmap ends the object). */
static void bench_mmap_pagein(void)
{
	static char page[PAGE_BYTES];
	int fd = open(MMAP_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	must(fd >= 0, "mmap_pagein: create " MMAP_FILE);
	if (fd < 0)
		return;
	/* Each page starts with its number. */
	for (int i = 0; i < MMAP_PAGES; i++) {
		page[0] = (char)i;
		must(write(fd, page, sizeof(page)) == sizeof(page), "mmap_pagein: write");
	}
	for (int c = 0; c < chunks; c++) {
		volatile char *m = mmap(NULL, MMAP_PAGES * PAGE_BYTES, PROT_READ, MAP_SHARED, fd, 0);
		must(m != MAP_FAILED, "mmap_pagein: mmap");
		if (m == MAP_FAILED)
			break;
		int wrong = 0;
		uint64_t t = now();
		for (int i = 0; i < MMAP_PAGES; i++)
			wrong |= m[i * PAGE_BYTES] ^ (char)i;
		report("fs.mmap_pagein", now() - t, MMAP_PAGES);
		must(wrong == 0, "mmap_pagein: every page's first byte");
		munmap((void *)m, MMAP_PAGES * PAGE_BYTES);
	}
	close(fd);
	unlink(MMAP_FILE);
}

int main(int argc, char **argv)
{
	char *const true_argv[] = {TRUE_PROGRAM, NULL};
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "-q") == 0)
		chunks = 1;
	bench_getpid();
	bench_umask();
	bench_devnull();
	bench_pipe();
	bench_fork("unix.fork_exit_wait", NULL);
	bench_fork("unix.fork_exec_wait", true_argv);
	bench_sh_loop();
	bench_mmap_pagein();
	return failed != 0;
}
