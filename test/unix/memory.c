/*
 * Memory and time: the break growing and shrinking, anonymous mmap,
 * munmap, mprotect (a write to a read-only page is SIGSEGV), memory a
 * fork child changes staying its own, big mallocs; clocks that move
 * forward, nanosleep, uname's sysname; bad pointers answered EFAULT and
 * unknown calls ENOSYS.  Compared with the host's output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MB (1024 * 1024)
#define BAD_POINTER ((void *)(uintptr_t)8)
#define UNKNOWN_CALL 500 /* no i386 system call has this number */
#define FAR_CALL 100000	 /* nor this, beyond any table */

static sigjmp_buf jump;
static void segv(int sig)
{
	(void)sig;
	siglongjmp(jump, 1);
}

static long sum_pages(volatile char *p, size_t len)
{
	long s = 0;
	for (size_t i = 0; i < len; i += 4096)
		s += p[i];
	return s;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("memory: start\n");

	/* brk: grow by 8 MiB in steps, touch it all, shrink back. */
	char *base = sbrk(0);
	int grew = 1;
	for (int i = 0; i < 8; i++) {
		char *p = sbrk(MB);
		if (p == (void *)-1) {
			grew = 0;
			break;
		}
		memset(p, i + 1, MB);
	}
	char *top = sbrk(0);
	printf("brk grew by %ld MiB: %s, contents right: %s\n", (long)(top - base) / MB, grew ? "yes" : "no",
	       top[-1] == 8 && base[0] == 1 ? "yes" : "no");
	printf("brk shrinks back: %s\n", brk(base) == 0 && sbrk(0) == base ? "yes" : "no");

	/* mmap anonymous: zero pages, usable, gone after munmap. */
	size_t len = 4 * MB;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap 4 MiB: %s, zero-filled: %s\n", m != MAP_FAILED ? "yes" : "no",
	       m != MAP_FAILED && sum_pages(m, len) == 0 ? "yes" : "no");
	memset(m, 7, len);
	printf("written: %s\n", sum_pages(m, len) == 7 * (long)(len / 4096) ? "yes" : "no");
	printf("munmap: %d\n", munmap(m, len));
	printf("mmap of a file without MAP_ANONYMOUS on a bad fd: %s\n",
	       mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 99, 0) == MAP_FAILED ? strerror(errno) : "mapped");
	printf("munmap of an unaligned address: %s\n",
	       munmap((char *)m + 1, 4096) < 0 ? strerror(errno) : "ok");

	/* mprotect read-only: writes fault. */
	char *r = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r[0] = 1;
	mprotect(r, 4096, PROT_READ);
	signal(SIGSEGV, segv);
	if (sigsetjmp(jump, 1) == 0) {
		r[0] = 2;
		printf("write to a read-only page: allowed\n");
	} else {
		printf("write to a read-only page: SIGSEGV, value still %d\n", r[0]);
	}
	mprotect(r, 4096, PROT_READ | PROT_WRITE);
	r[0] = 3;
	printf("after mprotect read-write: %d\n", r[0]);

	/* A fork child's writes stay its own (copy-on-write). */
	char *shared_nothing = malloc(64);
	strcpy(shared_nothing, "parent");
	pid_t p = fork();
	if (p == 0) {
		strcpy(shared_nothing, "child");
		r[0] = 99;
		_exit(strcmp(shared_nothing, "child") == 0 ? 0 : 1);
	}
	int st;
	waitpid(p, &st, 0);
	printf("after the child wrote: \"%s\" %d, child exit %d\n", shared_nothing, r[0], WEXITSTATUS(st));

	/* Big mallocs (glibc uses mmap above 128 KiB). */
	char *big[4];
	for (int i = 0; i < 4; i++) {
		big[i] = malloc(3 * MB);
		memset(big[i], 'a' + i, 3 * MB);
	}
	printf("big mallocs: %c%c%c%c\n", big[0][3 * MB - 1], big[1][0], big[2][MB], big[3][2 * MB]);
	for (int i = 0; i < 4; i++)
		free(big[i]);

	/* Time. */
	struct timespec t0, t1, req = {0, 50 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&req, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("nanosleep 50 ms: slept at least that: %s\n", ms >= 50 ? "yes" : "no");
	/* The same in a fork child (its clock is its own task's). */
	p = fork();
	if (p == 0) {
		struct timespec c0, c1;
		clock_gettime(CLOCK_MONOTONIC, &c0);
		nanosleep(&req, NULL);
		clock_gettime(CLOCK_MONOTONIC, &c1);
		long cms = (c1.tv_sec - c0.tv_sec) * 1000 + (c1.tv_nsec - c0.tv_nsec) / 1000000;
		_exit(cms >= 50 && time(NULL) > 1577836800 ? 0 : 1);
	}
	waitpid(p, &st, 0);
	printf("in a fork child too: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
	struct timeval tv;
	gettimeofday(&tv, NULL);
	time_t now = time(NULL);
	/* Within a second either way: Linux's time() reads the coarse clock,
	 * which can trail gettimeofday's by a tick across a second's turn. */
	printf("time and gettimeofday agree: %s\n", now - tv.tv_sec <= 1 && tv.tv_sec - now <= 1 ? "yes" : "no");
	printf("clock after 2020: %s\n", now > 1577836800 ? "yes" : "no");
	printf("bad clock id: %s\n", clock_gettime(12345, &t0) < 0 ? strerror(errno) : "ok");
	struct utsname u;
	uname(&u);
	printf("uname sysname: %s\n", u.sysname);

	/* Bad input. */
	printf("clock_gettime to a bad pointer: %s\n",
	       syscall(SYS_clock_gettime, CLOCK_REALTIME, BAD_POINTER) < 0 ? strerror(errno) : "ok");
	printf("write from a bad pointer: %s\n",
	       syscall(SYS_write, 1, BAD_POINTER, 10) < 0 ? strerror(errno) : "ok");
	printf("uname to a bad pointer: %s\n", syscall(SYS_uname, BAD_POINTER) < 0 ? strerror(errno) : "ok");
	printf("rt_sigaction from a bad pointer: %s\n",
	       syscall(SYS_rt_sigaction, SIGUSR1, BAD_POINTER, NULL, 8) < 0 ? strerror(errno) : "ok");
	printf("nanosleep with a bad pointer: %s\n",
	       syscall(SYS_nanosleep, BAD_POINTER, NULL) < 0 ? strerror(errno) : "ok");
	printf("wait4 status to a bad pointer, no child: %s\n",
	       syscall(SYS_wait4, -1, BAD_POINTER, 0, NULL) < 0 ? strerror(errno) : "ok");
	printf("an unknown system call: %s\n", syscall(UNKNOWN_CALL) < 0 ? strerror(errno) : "ok");
	/* Logged once (test/unix/compare.sh counts the boot log's lines). */
	printf("the same again: %s\n", syscall(UNKNOWN_CALL) < 0 ? strerror(errno) : "ok");
	printf("a system call number far out: %s\n", syscall(FAR_CALL) < 0 ? strerror(errno) : "ok");
	printf("the same again: %s\n", syscall(FAR_CALL) < 0 ? strerror(errno) : "ok");
	printf("close of a bad fd: %s\n", close(200) < 0 ? strerror(errno) : "ok");
	printf("dup2 to a bad fd: %s\n", dup2(1, -1) < 0 ? strerror(errno) : "ok");
	printf("memory: done\n");
	return 0;
}
