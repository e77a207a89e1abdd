/*
 * File-backed mmap as programs see it: MAP_SHARED writes reach the file
 * (read() sees them at once, and after munmap/close/reopen), write()
 * reaches the mappings, MAP_PRIVATE writes stay private (also across
 * fork; whether a private page not yet written shows later changes of
 * the file is unspecified, and not looked at), offsets, the tail of the last page, SIGBUS past the end and
 * after a truncate, msync and its errors, protections against the open
 * mode (EACCES), what cannot be mapped (ENODEV).  Prints what it sees;
 * test/unix compares the output on Ernst with the host's.  Works in a
 * fresh directory under /tmp and removes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

#define FILE_ "f" /* in a scratch directory */
#define PG 4096
#define FSIZE (3 * PG + 100)

static sigjmp_buf jump;
static volatile int caught;

static void on_signal(int sig)
{
	caught = sig;
	siglongjmp(jump, 1);
}

/* Read one byte at p; the signal it raised, or 0. */
static void show_touch(const char *what, volatile const char *p)
{
	volatile int v = -1;
	int sig;

	caught = 0;
	if (sigsetjmp(jump, 1) == 0)
		v = *p;
	sig = caught;
	printf("%s: signal %d value %d\n", what, sig, v);
}

static int touch_write(volatile char *p, char v)
{
	caught = 0;
	if (sigsetjmp(jump, 1) == 0)
		*p = v;
	return caught;
}

static char pattern(long i)
{
	return (char) ('a' + i % 23);
}

static void make_file(void)
{
	static char buf[FSIZE];
	int fd = open(FILE_, O_RDWR | O_CREAT | O_TRUNC, 0644);

	for (long i = 0; i < FSIZE; i++)
		buf[i] = pattern(i);
	result("create, write", write(fd, buf, FSIZE));
	close(fd);
}

/* Bytes as text, a NUL as '.'. */
static void show_bytes(const char *what, const char *p, long off, int n)
{
	printf("%s @%ld: ", what, off);
	for (int i = 0; i < n; i++)
		putchar(p[off + i] != 0 ? p[off + i] : '.');
	putchar('\n');
}

static void show_file(const char *what, long off, int n)
{
	char buf[64];
	int fd = open(FILE_, O_RDONLY);

	if (pread(fd, buf, n, off) != n)
		printf("%s: short read\n", what);
	else
		show_bytes(what, buf - off, off, n);
	close(fd);
}

static void shared_and_private(void)
{
	int fd = open(FILE_, O_RDWR);
	char *s = mmap(NULL, FSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *s2 = mmap(NULL, FSIZE, PROT_READ, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, FSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	printf("mmap shared, shared, private: %d %d %d\n", s != MAP_FAILED, s2 != MAP_FAILED, p != MAP_FAILED);
	show_bytes("shared reads the file", s, 0, 8);
	show_bytes("shared page 3", s, 3 * PG + 90, 10);
	memcpy(s + 10, "SHARED", 6);
	memcpy(s + 2 * PG + 5, "PAGE2", 5);
	show_file("read() sees the shared write", 8, 10);
	show_file("read() sees page 2's", 2 * PG + 3, 9);
	show_bytes("the other shared mapping too", s2, 8, 10);
	memcpy(p + 20, "PRIVATE", 7);
	show_bytes("private sees its write", p, 18, 11);
	show_bytes("shared does not", s, 18, 11);
	show_file("nor does the file", 18, 11);
	result("pwrite into a mapped page", pwrite(fd, "WRITE", 5, PG + 1));
	show_bytes("shared sees write()", s, PG, 8);
	show_bytes("other shared sees write()", s2, PG, 8);
	memcpy(s + PG + 100, "BOTH", 4);
	result("pwrite on the same page as a mapped store", pwrite(fd, "W2", 2, PG + 200));
	show_file("both the store and the write", PG + 98, 8);
	show_file("", PG + 198, 6);
	show_bytes("tail after the end reads zero", s, FSIZE, 8);
	s[FSIZE + 5] = 'X'; /* past the end: never reaches the file */
	result("msync MS_SYNC", msync(s, FSIZE, MS_SYNC));
	result("msync MS_ASYNC|MS_INVALIDATE", msync(s + PG, PG, MS_ASYNC | MS_INVALIDATE));
	result("msync MS_SYNC|MS_ASYNC", msync(s, PG, MS_SYNC | MS_ASYNC));
	result("msync bad flag", msync(s, PG, 64));
	result("msync unaligned", msync(s + 1, PG, MS_SYNC));
	struct stat st;
	fstat(fd, &st);
	printf("size after msync: %lld\n", (long long) st.st_size);
	result("munmap shared", munmap(s, FSIZE));
	munmap(s2, FSIZE);
	munmap(p, FSIZE);
	close(fd);
	show_file("after munmap and close", 8, 10);
	show_file("", 2 * PG + 3, 9);
}

static void offsets_and_ends(void)
{
	int fd = open(FILE_, O_RDWR);
	char *m = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 2 * PG);

	printf("mmap at offset 2 pages: %d\n", m != MAP_FAILED);
	show_bytes("offset mapping", m, 0, 10);
	show_touch("its second page (partly the file)", m + PG + 50);
	show_touch("past the end of it", m + PG + 200);
	munmap(m, 2 * PG);
	m = mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("a mapping longer than the file: %d\n", m != MAP_FAILED);
	show_touch("page 4, wholly past the end", m + 4 * PG);
	printf("page 5 write: signal %d\n", touch_write(m + 5 * PG + 7, 'x'));
	show_touch("page 3", m + 3 * PG + 3);
	result("ftruncate to 100 while mapped", ftruncate(fd, 100));
	show_touch("page 1 after the truncate", m + PG);
	show_touch("byte 99", m + 99);
	show_touch("byte 100 now past the end", m + 100);
	result("ftruncate back to 2 pages", ftruncate(fd, 2 * PG));
	show_touch("page 1 again", m + PG + 1);
	m[PG + 1] = 'Z';
	show_file("a store in the grown file", PG, 3);
	munmap(m, 6 * PG);
	close(fd);
}

static void protections(void)
{
	int ro = open(FILE_, O_RDONLY), wo = open(FILE_, O_WRONLY), fds[2];
	char *m;

	m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	result("shared writable mapping of a read-only fd", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	result("shared read-only mapping of it", m == MAP_FAILED ? -1 : 0);
	result("mprotect it writable", mprotect(m, PG, PROT_READ | PROT_WRITE));
	munmap(m, PG);
	m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	result("private writable mapping of a read-only fd", m == MAP_FAILED ? -1 : 0);
	m[0] = '!';
	printf("private copy written: %c\n", m[0]);
	munmap(m, PG);
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, wo, 0);
	result("mapping of a write-only fd", m == MAP_FAILED ? -1 : 0);
	pipe(fds);
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, fds[0], 0);
	result("mapping of a pipe", m == MAP_FAILED ? -1 : 0);
	int d = open(".", O_RDONLY | O_DIRECTORY);
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, d, 0);
	result("mapping of a directory", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, 77, 0);
	result("mapping of a closed fd", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, 0, PROT_READ, MAP_SHARED, ro, 0);
	result("mapping of length 0", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, PG, PROT_READ, 0, ro, 0);
	result("neither shared nor private", m == MAP_FAILED ? -1 : 0);
	close(d);
	close(fds[0]);
	close(fds[1]);
	close(ro);
	close(wo);
}

static void across_fork(void)
{
	int fd = open(FILE_, O_RDWR), status;
	char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	p[30] = 'p';
	pid_t pid = fork();
	if (pid == 0) {
		memcpy(s + 40, "CHILD", 5);
		p[30] = 'c';
		p[31] = 'c';
		_exit(p[30] == 'c' ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	printf("child status %d\n", WEXITSTATUS(status));
	show_bytes("parent sees the child's shared write", s, 40, 5);
	printf("parent's private copy: %c %c\n", p[30], p[31]);
	show_file("the file has the child's write", 40, 5);
	munmap(s, PG);
	munmap(p, PG);
	close(fd);
}

/* A store, the last munmap, then read() and write() at once, again and
 * again: the file service cleans while the kernel ends the object. */
static void unmap_then_use(void)
{
	int fd = open(FILE_, O_RDWR), bad = 0;
	char c;

	for (int i = 0; i < 20; i++) {
		char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		m[PG + i] = (char) ('A' + i);
		munmap(m, 2 * PG);
		if (pread(fd, &c, 1, PG + i) != 1 || c != 'A' + i)
			bad++;
		m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		m[i] = (char) ('a' + i);
		munmap(m, 2 * PG);
		if (pwrite(fd, "#", 1, 100 + i) != 1 || pread(fd, &c, 1, i) != 1 || c != 'a' + i)
			bad++;
	}
	printf("stores seen after the last munmap: %d of 40 wrong\n", bad);
	close(fd);
}

/* The file is unlinked while mapped: the mapping keeps it. */
static void unlinked(void)
{
	int fd = open("u", O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *m;

	ftruncate(fd, PG);
	m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	result("unlink while mapped", unlink("u"));
	strcpy(m, "still here");
	printf("unlinked mapping: %s\n", m);
	munmap(m, PG);
}

int main(void)
{
	struct sigaction sa;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	if (scratch_enter("mmapfile") < 0)
		return 1;
	make_file();
	shared_and_private();
	offsets_and_ends();
	make_file();
	protections();
	across_fork();
	unmap_then_use();
	unlinked();
	unlink(FILE_);
	result("rmdir", scratch_leave());
	return 0;
}
