/*
 * The i386 ABI below glibc: legacy call numbers glibc never makes
 * (stat64, lstat64, fstat64, waitpid, gettimeofday, time, nanosleep),
 * made with syscall() and checked against the calls glibc does make;
 * the auxiliary vector; set_thread_area's slots and their values in
 * forked children running at once; set_tid_address; EFAULT for bad
 * pointers, the services answering afterwards.  Prints what it sees;
 * test/unix/compare.sh compares the output on Ernst with the host's.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <asm/ldt.h>
#include <termios.h>
#include "report.h"

#define BAD ((void *)16) /* never mapped */
#define FILE_PATH "file" /* in a scratch directory */
#define LINK_PATH "link"
#define FILE_BYTES 1234
#define CHILDREN 3
#define NS 1000000000LL /* nanoseconds a second */

/* Linux's i386 struct stat64, as the kernel writes it. */
struct kstat64 {
	uint64_t dev;
	uint32_t pad0, ino32, mode, nlink, uid, gid;
	uint64_t rdev;
	uint32_t pad3;
	int64_t size;
	uint32_t blksize;
	uint64_t blocks;
	uint32_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	uint64_t ino;
} __attribute__((packed));

/* Every field the same (the padding is not Linux's to write). */
static void same(const char *what, long r1, struct kstat64 *a, long r2, struct kstat64 *b)
{
	a->pad0 = b->pad0 = a->pad3 = b->pad3 = 0;
	printf("%s: %ld %ld, %s\n", what, r1, r2, memcmp(a, b, sizeof(*a)) == 0 ? "the same" : "different");
}

static void legacy_stat(void)
{
	struct kstat64 a, b;
	int fd;

	printf("sizeof struct stat64: %zu\n", sizeof(struct kstat64));
	fd = open(FILE_PATH, O_CREAT | O_TRUNC | O_RDWR, 0640);
	for (int i = 0; i < FILE_BYTES; i++)
		write(fd, "x", 1);
	symlink("file", LINK_PATH);

	memset(&a, 0xa5, sizeof(a)), memset(&b, 0x5a, sizeof(b));
	long r1 = syscall(SYS_stat64, FILE_PATH, &a);
	long r2 = syscall(SYS_fstatat64, AT_FDCWD, FILE_PATH, &b, 0);
	same("stat64 vs fstatat64", r1, &a, r2, &b);
	printf("stat64: regular %d, mode %o, size %lld, nlink %u\n", S_ISREG(a.mode), a.mode & 07777,
	       (long long)a.size, a.nlink);
	memset(&a, 0xa5, sizeof(a)), memset(&b, 0x5a, sizeof(b));
	r1 = syscall(SYS_lstat64, LINK_PATH, &a);
	r2 = syscall(SYS_fstatat64, AT_FDCWD, LINK_PATH, &b, AT_SYMLINK_NOFOLLOW);
	same("lstat64 vs fstatat64 NOFOLLOW", r1, &a, r2, &b);
	printf("lstat64: link %d, size %lld\n", S_ISLNK(a.mode), (long long)a.size);
	memset(&a, 0xa5, sizeof(a)), memset(&b, 0x5a, sizeof(b));
	r1 = syscall(SYS_stat64, LINK_PATH, &a);
	r2 = syscall(SYS_fstatat64, AT_FDCWD, FILE_PATH, &b, 0);
	same("stat64 through the link vs the file", r1, &a, r2, &b);
	memset(&a, 0xa5, sizeof(a)), memset(&b, 0x5a, sizeof(b));
	r1 = syscall(SYS_fstat64, fd, &a);
	r2 = syscall(SYS_fstatat64, AT_FDCWD, FILE_PATH, &b, 0);
	same("fstat64 vs fstatat64", r1, &a, r2, &b);
	result("stat64 of nothing", syscall(SYS_stat64, "none", &a));
	result("stat64 to a bad buffer", syscall(SYS_stat64, FILE_PATH, BAD));
	result("lstat64 of a bad path", syscall(SYS_lstat64, BAD, &a));
	result("fstat64 of a closed fd", syscall(SYS_fstat64, 999, &a));
	close(fd);
}

static void show_wait(const char *what, long r, pid_t p, int st)
{
	printf("%s: %s, status %#x\n", what, r == p ? "the child" : r == 0 ? "0" : "wrong", st);
}

static void legacy_waitpid(void)
{
	int st = -1;
	pid_t p = fork();

	if (p == 0)
		_exit(5);
	long r = syscall(SYS_waitpid, p, &st, 0);
	show_wait("waitpid, exit 5", r, p, st);
	p = fork();
	if (p == 0) {
		for (;;)
			pause();
	}
	st = -1;
	r = syscall(SYS_waitpid, p, &st, WNOHANG);
	printf("waitpid WNOHANG while running: %ld\n", r);
	kill(p, SIGSTOP);
	r = syscall(SYS_waitpid, p, &st, WUNTRACED);
	show_wait("waitpid WUNTRACED, SIGSTOP", r, p, st);
	kill(p, SIGTERM);
	kill(p, SIGCONT);
	r = syscall(SYS_waitpid, p, &st, 0);
	show_wait("waitpid, SIGTERM", r, p, st);
	result("waitpid with no child", syscall(SYS_waitpid, -1, &st, 0));
	result("waitpid with a bad option", syscall(SYS_waitpid, -1, &st, 0x4000));
}

/* Clock c in nanoseconds: whole numbers, so that "at least 50 ms" is
 * exact (a double of the date in seconds rounds to a quarter of a
 * microsecond, and Ernst's CLOCK_MONOTONIC counts from the epoch). */
static int64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static void legacy_time(void)
{
	struct timeval tv = {0, 0};
	long r = syscall(SYS_gettimeofday, &tv, NULL);
	int64_t rt = now_ns(CLOCK_REALTIME), t = (int64_t)tv.tv_sec * NS + (int64_t)tv.tv_usec * 1000;
	printf("gettimeofday: %ld, usec in range %d, within 2 s of CLOCK_REALTIME %d\n", r,
	       tv.tv_usec >= 0 && tv.tv_usec < 1000000, t <= rt && rt - t < 2 * NS);
	result("gettimeofday to a bad pointer", syscall(SYS_gettimeofday, BAD, NULL));

	time_t out = 0;
	long t1 = syscall(SYS_time, &out);
	rt = now_ns(CLOCK_REALTIME);
	printf("time: the answer is what it stored %d, within 2 s of CLOCK_REALTIME %d\n", t1 == (long)out,
	       (int64_t)t1 * NS <= rt && rt - (int64_t)t1 * NS < 2 * NS);
	long t2 = syscall(SYS_time, NULL);
	printf("time(NULL): not before the first %d\n", t2 >= t1);

	struct timespec d = {0, 50 * 1000 * 1000}, rem = {7, 7};
	int64_t m0 = now_ns(CLOCK_MONOTONIC);
	r = syscall(SYS_nanosleep, &d, &rem);
	int64_t m1 = now_ns(CLOCK_MONOTONIC);
	printf("nanosleep 50 ms: %ld, slept at least that %d\n", r, m1 - m0 >= 50 * 1000 * 1000);
	d.tv_nsec = 1000000000;
	result("nanosleep with tv_nsec 10^9", syscall(SYS_nanosleep, &d, NULL));
	d.tv_sec = -1, d.tv_nsec = 0;
	result("nanosleep with a negative time", syscall(SYS_nanosleep, &d, NULL));
}

/* The program's own ELF headers (static, not position-independent). */
extern const Elf32_Ehdr __ehdr_start;
extern void _start(void);

static void auxv(void)
{
	const Elf32_Ehdr *eh = &__ehdr_start;

	printf("AT_PAGESZ: %lu\n", getauxval(AT_PAGESZ));
	printf("AT_PHNUM is the ELF header's: %d\n", getauxval(AT_PHNUM) == eh->e_phnum);
	printf("AT_PHENT: %lu\n", getauxval(AT_PHENT));
	printf("AT_PHDR is the program's headers: %d\n",
	       getauxval(AT_PHDR) == (unsigned long)((const char *)eh + eh->e_phoff));
	printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) == (unsigned long)_start);
	printf("AT_UID is getuid(): %d\n", getauxval(AT_UID) == getuid());
	printf("AT_EUID is geteuid(): %d\n", getauxval(AT_EUID) == geteuid());
	printf("AT_GID is getgid(): %d\n", getauxval(AT_GID) == getgid());
	printf("AT_EGID is getegid(): %d\n", getauxval(AT_EGID) == getegid());
	errno = 0;
	printf("AT_SECURE: %lu %s\n", getauxval(AT_SECURE), errno == 0 ? "present" : "missing");
	errno = 0;
	getauxval(AT_HWCAP);
	printf("AT_HWCAP: %s\n", errno == 0 ? "present" : "missing");
	printf("AT_CLKTCK: %lu\n", getauxval(AT_CLKTCK));
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nonzero = 0;
	if (rnd != NULL)
		for (int i = 0; i < 16; i++)
			nonzero |= rnd[i]; /* a fault here would end the test */
	printf("AT_RANDOM: 16 bytes readable, not all zero %d\n", nonzero != 0);
}

/* set_thread_area: a free slot, reused, bad entries, %fs through it. */
static struct user_desc desc(int entry, void *base)
{
	struct user_desc d = {0};
	d.entry_number = (unsigned)entry;
	d.base_addr = (unsigned)(uintptr_t)base;
	d.limit = 0xfffff;
	d.seg_32bit = 1;
	d.limit_in_pages = 1;
	d.useable = 1;
	return d;
}

static int fs_word(void)
{
	int v;
	__asm__ volatile("movl %%fs:0, %0" : "=r"(v));
	return v;
}

static void load_fs(int entry)
{
	unsigned sel = (unsigned)entry * 8 + 3;
	__asm__ volatile("movw %w0, %%fs" : : "q"(sel));
}

static int words[CHILDREN + 2];

static void thread_area(void)
{
	for (int i = 0; i < CHILDREN + 2; i++)
		words[i] = 100 + i;
	struct user_desc d = desc(-1, &words[0]);
	long r = syscall(SYS_set_thread_area, &d);
	int entry = (int)d.entry_number, gs;
	/* Linux's first TLS slot is 6 (12 for i386 programs on x86-64);
	 * glibc's thread pointer (%gs) took it. */
	__asm__ volatile("movl %%gs, %0" : "=r"(gs));
	printf("set_thread_area entry -1: %ld, the slot after glibc's %d, a TLS slot %d\n", r, entry == (gs >> 3) + 1,
	       (entry >= 6 && entry <= 8) || (entry >= 12 && entry <= 14));
	load_fs(entry);
	printf("%%fs:0 through it: %d\n", fs_word());
	d = desc(entry, &words[1]);
	r = syscall(SYS_set_thread_area, &d);
	printf("the same slot again: %ld, slot %s, %%fs:0 now %d\n", r, (int)d.entry_number == entry ? "kept" : "moved",
	       (load_fs(entry), fs_word()));
	d = desc(entry - 2, &words[0]);
	result("set_thread_area below the TLS slots", syscall(SYS_set_thread_area, &d));
	d = desc(entry + 2, &words[0]);
	result("set_thread_area above them", syscall(SYS_set_thread_area, &d));
	result("set_thread_area to a bad pointer", syscall(SYS_set_thread_area, BAD));

	/* Children running at once, each its own base in the slot. */
	int ready[2], go[2];
	pid_t kids[CHILDREN];
	pipe(ready);
	pipe(go);
	for (int i = 0; i < CHILDREN; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			char c;
			struct user_desc cd = desc(entry, &words[2 + i]);
			close(go[1]);
			if (syscall(SYS_set_thread_area, &cd) != 0)
				_exit(20);
			load_fs(entry);
			write(ready[1], "r", 1);
			read(go[0], &c, 1); /* EOF once every child has set its own */
			load_fs(entry);
			_exit(fs_word() == 102 + i ? 0 : 21);
		}
	}
	char c;
	for (int i = 0; i < CHILDREN; i++)
		read(ready[0], &c, 1);
	close(go[1]);
	for (int i = 0; i < CHILDREN; i++) {
		int st;
		waitpid(kids[i], &st, 0);
		printf("child %d: its own value through the slot: %s\n", i,
		       WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
	}
	close(ready[0]), close(ready[1]), close(go[0]);
	printf("the parent's value afterwards: %d\n", (load_fs(entry), fs_word()));

	static int tid_word;
	long tid = syscall(SYS_set_tid_address, &tid_word);
	printf("set_tid_address is gettid(): %d\n", tid == syscall(SYS_gettid));
}

/*
 * sigaltstack: none at first; one set and queried; a handler with
 * SA_ONSTACK runs on it (and sees SS_ONSTACK, and EPERM for a change),
 * one without does not; SS_AUTODISARM gives it up while a handler runs
 * and gets it back after; ENOMEM, EINVAL, EFAULT; SS_DISABLE.
 */
#define ALT_BYTES 65536
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31) /* <linux/signal.h>, not in glibc's headers */
#endif
static char alt[ALT_BYTES];
static volatile int on_alt, alt_flags, alt_change;

static void alt_handler(int sig)
{
	char here;
	stack_t q, n = {alt, 0, ALT_BYTES};

	(void)sig;
	on_alt = &here > alt && &here <= alt + ALT_BYTES;
	sigaltstack(NULL, &q);
	alt_flags = q.ss_flags;
	alt_change = sigaltstack(&n, NULL) < 0 ? errno : 0;
}

static void show_stack(const char *what)
{
	stack_t q;
	sigaltstack(NULL, &q);
	printf("%s: flags %#x, ours %d, size %zu\n", what, (unsigned)q.ss_flags, q.ss_sp == alt, q.ss_size);
}

static void alt_raise(const char *what, int flags)
{
	struct sigaction sa = {0};
	sa.sa_handler = alt_handler;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, NULL);
	on_alt = alt_flags = alt_change = -1;
	raise(SIGUSR1);
	printf("%s: on the alternate stack %d, its flags there %#x, a change there %s\n", what, on_alt,
	       (unsigned)alt_flags, alt_change == 0 ? "allowed" : strerrorname_np(alt_change));
}

static void altstack(void)
{
	stack_t ss = {alt, 0, ALT_BYTES};

	show_stack("sigaltstack at first");
	result("sigaltstack set", sigaltstack(&ss, NULL));
	show_stack("then");
	alt_raise("SA_ONSTACK handler", SA_ONSTACK);
	alt_raise("handler without SA_ONSTACK", 0);
	ss.ss_flags = (int)SS_AUTODISARM;
	result("sigaltstack with SS_AUTODISARM", sigaltstack(&ss, NULL));
	alt_raise("SA_ONSTACK handler, SS_AUTODISARM", SA_ONSTACK);
	show_stack("after it");
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	ss.ss_size = 1024;
	result("sigaltstack of 1024 bytes", sigaltstack(&ss, NULL));
	ss.ss_size = ALT_BYTES, ss.ss_flags = 4;
	result("sigaltstack with flags 4", sigaltstack(&ss, NULL));
	result("sigaltstack from a bad pointer", syscall(SYS_sigaltstack, BAD, NULL));
	result("sigaltstack to a bad pointer", syscall(SYS_sigaltstack, NULL, BAD));
	ss.ss_flags = SS_DISABLE;
	result("sigaltstack SS_DISABLE", sigaltstack(&ss, NULL));
	show_stack("then");
	signal(SIGUSR1, SIG_DFL);
}

/* EFAULT from calls glibc passes pointers straight to. */
static void efault(void)
{
	int p[2], fd, st;

	pipe(p);
	write(p[1], "abc", 3);
	result("read into a bad buffer", syscall(SYS_read, p[0], BAD, 3));
	result("fstat to a bad buffer", syscall(SYS_fstat64, p[0], BAD));
	fd = open(".", O_RDONLY | O_DIRECTORY);
	result("getdents64 into a bad buffer", syscall(SYS_getdents64, fd, BAD, 4096));
	close(fd);
	result("pipe2 to a bad pointer", syscall(SYS_pipe2, BAD, 0));
	result("poll of a bad array", syscall(SYS_poll, BAD, 1, 0));
	result("select with a bad set", syscall(SYS__newselect, p[0] + 1, BAD, NULL, NULL, NULL));
	struct timeval tv = {0, 0};
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	result("select with a bad timeout", syscall(SYS__newselect, p[0] + 1, &rs, NULL, NULL, BAD));
	int pt = posix_openpt(O_RDWR | O_NOCTTY);
	struct termios tio;
	result("ioctl TCGETS of a terminal to a bad pointer", syscall(SYS_ioctl, pt, TCGETS, BAD));
	result("then to a good one", ioctl(pt, TCGETS, &tio));
	close(pt);
	pid_t c = fork();
	if (c == 0)
		_exit(9);
	struct timespec ts = {0, 100 * 1000 * 1000};
	nanosleep(&ts, NULL);
	result("wait4 of an ended child, a bad status pointer", syscall(SYS_wait4, c, BAD, 0, NULL));
	result("wait4 again", syscall(SYS_wait4, c, &st, WNOHANG, NULL));

	/* Everything still answers. */
	char buf[4] = {0};
	int n = (int)read(p[0], buf, 3);
	printf("then: read %d \"%s\", select %d\n", n, buf, select(p[0] + 1, &rs, NULL, NULL, &tv));
	struct stat sb;
	int sr = stat(FILE_PATH, &sb);
	printf("then: stat %d size %lld\n", sr, (long long)sb.st_size);
	close(p[0]), close(p[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (scratch_enter("abi") < 0)
		return 1;
	legacy_stat();
	legacy_waitpid();
	legacy_time();
	auxv();
	thread_area();
	altstack();
	efault();
	unlink(LINK_PATH);
	unlink(FILE_PATH);
	scratch_leave();
	printf("abi: done\n");
	return 0;
}
