/*
 * Resource limits and priorities: getrlimit (the old call, 76, and
 * ugetrlimit, 191), setrlimit, prlimit64, getpriority, setpriority and
 * nice, made as raw system calls so that what the kernel answers is
 * what is printed; their errors (a bad resource, a bad pointer, soft
 * above hard, a hard limit raised by a normal user, another user's
 * process); inheritance over fork; and what each enforced limit does
 * (RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_AS,
 * RLIMIT_CPU).
 * The system's defaults differ (the host's are its administrator's), so
 * only limits the program set itself are printed.  Every change is made
 * in a child, which then ends.  The normal user is uid and gid 54321,
 * which no process of the host has.  What needs a privilege a host's
 * root may lack is marked with Linux's answer for a root that has it
 * (privileged()).  test/unix/compare.sh compares the
 * output on Ernst with the host's; exectest checks execve keeps them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "report.h"

#define BAD ((void *)16)
#define USER 54321
#define NLIMITS 16
#define MiB (1024 * 1024)
#define TMPFILE "rlimits.test" /* in a scratch directory */

struct rlimit32 {
	uint32_t cur, max;
};
struct rlim64 {
	uint64_t cur, max;
};

static long old_getrlimit(int res, void *r)
{
	return syscall(SYS_getrlimit, res, r);
}

static long raw_ugetrlimit(int res, void *r)
{
	return syscall(SYS_ugetrlimit, res, r);
}

static long set32(int res, uint32_t cur, uint32_t max)
{
	struct rlimit32 r = {cur, max};
	return syscall(SYS_setrlimit, res, &r);
}

static long raw_prlimit64(int pid, int res, const struct rlim64 *n, struct rlim64 *o)
{
	return syscall(SYS_prlimit64, pid, res, n, o);
}

static long set64(int res, uint64_t cur, uint64_t max)
{
	struct rlim64 r = {cur, max};
	return raw_prlimit64(0, res, &r, NULL);
}

/* What the three calls read of res. */
static void show(const char *what, int res)
{
	struct rlimit32 o = {0, 0}, u = {0, 0};
	struct rlim64 p = {0, 0};
	long a = old_getrlimit(res, &o), b = raw_ugetrlimit(res, &u), c = raw_prlimit64(0, res, NULL, &p);
	printf("%s: getrlimit %ld %#x %#x, ugetrlimit %ld %#x %#x, prlimit64 %ld %#llx %#llx\n", what, a,
	       o.cur, o.max, b, u.cur, u.max, c, (unsigned long long)p.cur, (unsigned long long)p.max);
}

static long raw_getpriority(int which, int who)
{
	return syscall(SYS_getpriority, which, who);
}

/*
 * A result that needs a privilege a host's root may lack (a container's
 * root): printed with the answer Linux gives a root that has it,
 * "[TAG: ANSWER]".  Where the host lacks it, test/unix/lib.sh's
 * host_run (host_privileges) puts that answer in place of the host's
 * own, so Ernst's is checked against it there.
 */
#define NICE_TAG "root lowers nice"		  /* CAP_SYS_NICE */
#define NPROC_TAG "root forks past RLIMIT_NPROC" /* uid 0 of the first user namespace */
static void privileged(const char *tag, const char *expect, const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s [%s: %s]\n", what, strerrorname_np(errno), tag, expect);
	else
		printf("%s: %ld [%s: %s]\n", what, r, tag, expect);
}

/* The child's exit, or its signal. */
static void reap(const char *what, pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid)
		printf("%s: no child\n", what);
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

static void become_user(void)
{
	gid_t g = USER;
	if (setgroups(1, &g) < 0 || setresgid(USER, USER, USER) < 0 || setresuid(USER, USER, USER) < 0)
		printf("cannot become user %d: %s\n", USER, strerrorname_np(errno));
}

static void bad_input(void)
{
	struct rlimit32 r32;
	struct rlim64 r64 = {10, 20}, old;

	result("ugetrlimit of resource 16", raw_ugetrlimit(NLIMITS, &r32));
	result("getrlimit of resource 16", old_getrlimit(NLIMITS, &r32));
	result("ugetrlimit of resource -1", raw_ugetrlimit(-1, &r32));
	result("setrlimit of resource 16", set32(NLIMITS, 1, 1));
	result("prlimit64 of resource 16", raw_prlimit64(0, NLIMITS, NULL, &old));
	result("prlimit64 setting resource 1000", raw_prlimit64(0, 1000, &r64, NULL));
	result("ugetrlimit to a bad pointer", raw_ugetrlimit(RLIMIT_NOFILE, BAD));
	result("getrlimit to a bad pointer", old_getrlimit(RLIMIT_NOFILE, BAD));
	result("setrlimit from a bad pointer", syscall(SYS_setrlimit, RLIMIT_NOFILE, BAD));
	result("setrlimit of resource 16 from a bad pointer", syscall(SYS_setrlimit, NLIMITS, BAD));
	result("prlimit64 from a bad pointer", raw_prlimit64(0, RLIMIT_NOFILE, BAD, NULL));
	result("prlimit64 of pid -1", raw_prlimit64(-1, RLIMIT_NOFILE, NULL, &old));
	result("setrlimit soft above hard", set32(RLIMIT_CORE, 20, 10));
	result("prlimit64 soft above hard", set64(RLIMIT_CORE, 20, 10));
	result("getpriority of which 3", raw_getpriority(3, 0));
	result("setpriority of which 3", syscall(SYS_setpriority, 3, 0, 0));
	result("getpriority of which -1", raw_getpriority(-1, 0));
}

/* Values through the three calls: RLIM_INFINITY, the 32-bit calls' cuts.
 * Hard limits only go down here: root may raise them only with
 * CAP_SYS_RESOURCE, which a container's root may lack (the host's
 * defaults are Linux's: no limit on the file size). */
static void values(void)
{
	struct rlim64 n = {0x80000000ull, ~0ull}, o = {1, 1};

	result("setrlimit RLIMIT_FSIZE 1000 unlimited", set32(RLIMIT_FSIZE, 1000, 0xffffffffu));
	show("RLIMIT_FSIZE 1000 unlimited", RLIMIT_FSIZE);
	result("prlimit64 RLIMIT_FSIZE 2^31 unlimited", raw_prlimit64(0, RLIMIT_FSIZE, &n, &o));
	printf("  the old: %#llx %#llx\n", (unsigned long long)o.cur, (unsigned long long)o.max);
	show("RLIMIT_FSIZE 2^31 unlimited", RLIMIT_FSIZE);
	result("prlimit64 RLIMIT_FSIZE 2^32 2^33", set64(RLIMIT_FSIZE, 1ull << 32, 1ull << 33));
	show("RLIMIT_FSIZE 2^32 2^33", RLIMIT_FSIZE);
	result("setrlimit RLIMIT_FSIZE 1000 2000", set32(RLIMIT_FSIZE, 1000, 2000));
	show("RLIMIT_FSIZE 1000 2000", RLIMIT_FSIZE);
	result("setrlimit RLIMIT_CORE 0 0", set32(RLIMIT_CORE, 0, 0));
	show("RLIMIT_CORE 0 0", RLIMIT_CORE);
	/* The old limit is written after the change, which a bad pointer
	 * does not undo. */
	n.cur = n.max = 1500;
	result("prlimit64 RLIMIT_FSIZE 1500 to a bad old pointer", raw_prlimit64(0, RLIMIT_FSIZE, &n, BAD));
	show("after it", RLIMIT_FSIZE);
}

/* A normal user lowers limits, and may not raise a hard one. */
static void as_user(void)
{
	result("setrlimit RLIMIT_NOFILE 30 40", set32(RLIMIT_NOFILE, 30, 40));
	become_user();
	result("user: raise the soft limit to the hard", set32(RLIMIT_NOFILE, 40, 40));
	result("user: raise the hard limit", set32(RLIMIT_NOFILE, 40, 41));
	result("user: raise the hard limit (prlimit64)", set64(RLIMIT_NOFILE, 20, 50));
	result("user: lower the hard limit", set32(RLIMIT_NOFILE, 20, 35));
	result("user: raise it back", set32(RLIMIT_NOFILE, 20, 40));
	show("user: RLIMIT_NOFILE", RLIMIT_NOFILE);
	result("user: prlimit64 of its parent (root)", raw_prlimit64(getppid(), RLIMIT_NOFILE, NULL, NULL));
}

/*
 * A change another process makes to a stopped child flooded with
 * signals (blocked: they stay pending) takes effect all the same, with
 * no getrlimit to ask: on Ernst the news must reach the child's library
 * through its full message queue.  Linux enforces it at once, Ernst
 * once the library's signal thread took the news (a moment: the bound
 * is reached only if it is lost).
 */
static void stopped_child(int go[2], int back[2])
{
	sigset_t usr1;
	char c;
	int st;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		time_t t0 = time(NULL);
		long r;
		write(back[1], "r", 1);
		read(go[0], &c, 1);
		while ((r = dup2(1, 20)) >= 0 && time(NULL) - t0 < 20) {
			close(20);
			usleep(10000);
		}
		result("stopped child, after its parent's prlimit64: dup2 to fd 20", r);
		_exit(0);
	}
	read(back[0], &c, 1);
	kill(pid, SIGSTOP);
	if (waitpid(pid, &st, WUNTRACED) == pid)
		printf("the child stopped: %s\n", WIFSTOPPED(st) ? "yes" : "no");
	for (int i = 0; i < 12; i++)
		kill(pid, SIGUSR1);
	struct rlim64 n = {15, 55};
	result("prlimit64 of the stopped child to 15 55", raw_prlimit64(pid, RLIMIT_NOFILE, &n, NULL));
	kill(pid, SIGCONT);
	write(go[1], "g", 1);
	reap("stopped child", pid);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

/* Inherited by fork; changed by another process, which may (root, or
 * all the ids the caller's real ones). */
static void fork_and_others(void)
{
	int go[2], back[2];
	char c;

	result("setrlimit RLIMIT_NOFILE 50 60", set32(RLIMIT_NOFILE, 50, 60));
	if (pipe(go) < 0 || pipe(back) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		show("fork child: RLIMIT_NOFILE", RLIMIT_NOFILE);
		write(back[1], "r", 1);
		read(go[0], &c, 1); /* the parent changed our limit meanwhile */
		show("fork child, after its parent's prlimit64", RLIMIT_NOFILE);
		/* What we have we enforce: fd 20 is past the new soft limit. */
		result("fork child: dup2 to fd 20", dup2(1, 20));
		_exit(0);
	}
	read(back[0], &c, 1);
	struct rlim64 n = {15, 55}, o;
	result("prlimit64 of the child to 15 55", raw_prlimit64(pid, RLIMIT_NOFILE, &n, &o));
	printf("  the child's old: %llu %llu\n", (unsigned long long)o.cur, (unsigned long long)o.max);
	write(go[1], "g", 1);
	reap("fork child", pid);
	result("prlimit64 of the reaped child", raw_prlimit64(pid, RLIMIT_NOFILE, NULL, &o));
	stopped_child(go, back);

	/* Two processes of the same user may; the user may not change root's. */
	pid = fork();
	if (pid == 0) {
		become_user();
		pid_t sib = fork();
		if (sib == 0) {
			read(go[0], &c, 1);
			show("user's child, after its parent's prlimit64", RLIMIT_NOFILE);
			_exit(0);
		}
		n.cur = n.max = 12;
		result("user: prlimit64 of its own child", raw_prlimit64(sib, RLIMIT_NOFILE, &n, NULL));
		write(go[1], "g", 1);
		reap("user's child", sib);
		result("user: prlimit64 of its parent (root)",
		       raw_prlimit64(getppid(), RLIMIT_NOFILE, &n, NULL));
		_exit(0);
	}
	reap("user", pid);
}

/* The lowest free fds are 0.. up to the soft limit, then EMFILE. */
static void nofile(void)
{
	int fd, n = 0, last = -1, p[2];

	result("setrlimit RLIMIT_NOFILE 10 10", set32(RLIMIT_NOFILE, 10, 10));
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		n++, last = fd;
	printf("open until it fails: %s after %d, the last fd %d\n", strerrorname_np(errno), n, last);
	result("dup", dup(0));
	result("fcntl F_DUPFD from 3", fcntl(0, F_DUPFD, 3));
	result("fcntl F_DUPFD from 10", fcntl(0, F_DUPFD, 10));
	result("dup2 to fd 10", dup2(0, 10));
	result("dup2 to fd 9 (open)", dup2(0, 9));
	result("pipe", pipe(p));
	unlink(TMPFILE);
	result("open O_CREAT", open(TMPFILE, O_WRONLY | O_CREAT, 0600));
	result("  and the file is not made", access(TMPFILE, F_OK));
	close(9);
	result("pipe with one fd free", pipe(p));
	result("open with one fd free", open("/dev/null", O_RDONLY));
	/* Lowered under what is open: those stay. */
	result("setrlimit RLIMIT_NOFILE 5 10", set32(RLIMIT_NOFILE, 5, 10));
	result("fcntl F_GETFD of fd 9", fcntl(9, F_GETFD));
	close(3);
	result("open below the limit", open("/dev/null", O_RDONLY));
	close(7);
	result("open above it", open("/dev/null", O_RDONLY));
}

/* Forks as user until the soft limit: EAGAIN; root does not count. */
static void nproc(void)
{
	int hold[2], n = 0;
	pid_t kids[8];
	char c;

	if (pipe(hold) < 0)
		return;
	pid_t r = fork();
	if (r == 0) {
		result("setrlimit RLIMIT_NPROC 1 1, as root", set32(RLIMIT_NPROC, 1, 1));
		pid_t k = fork();
		if (k == 0)
			_exit(0);
		privileged(NPROC_TAG, "0", "root forks all the same", k > 0 ? 0 : -1);
		if (k > 0)
			waitpid(k, NULL, 0);
		_exit(0);
	}
	reap("root", r);
	result("setrlimit RLIMIT_NPROC 3 3", set32(RLIMIT_NPROC, 3, 3));
	become_user();
	for (int i = 0; i < 4; i++) {
		pid_t k = fork();
		if (k == 0) {
			read(hold[0], &c, 1); /* until the parent lets it go */
			_exit(0);
		}
		if (k < 0) {
			printf("fork %d as user: %s\n", i + 1, strerrorname_np(errno));
			break;
		}
		printf("fork %d as user: a child\n", i + 1);
		kids[n++] = k;
	}
	for (int i = 0; i < n; i++)
		write(hold[1], "g", 1);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	pid_t again = fork();
	if (again == 0)
		_exit(0);
	result("fork once they are reaped", again > 0 ? 0 : -1);
	if (again > 0)
		waitpid(again, NULL, 0);
}

static volatile sig_atomic_t xfsz;
static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

static void fsize(void)
{
	char buf[200];
	int p[2];

	memset(buf, 'x', sizeof(buf));
	unlink(TMPFILE);
	int fd = open(TMPFILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	result("setrlimit RLIMIT_FSIZE 100 unlimited", set32(RLIMIT_FSIZE, 100, 0xffffffffu));
	signal(SIGXFSZ, on_xfsz);
	result("write 150 bytes", write(fd, buf, 150));
	result("write 10 more", write(fd, buf, 10));
	printf("SIGXFSZ caught %d times\n", xfsz);
	result("write 0 bytes at the limit", write(fd, buf, 0));
	result("pwrite 100 bytes at 50", pwrite(fd, buf, 100, 50));
	result("pwrite at 100", pwrite(fd, buf, 1, 100));
	result("ftruncate to 100", ftruncate(fd, 100));
	result("ftruncate to 101", ftruncate(fd, 101));
	result("truncate to 150", truncate(TMPFILE, 150));
	printf("SIGXFSZ caught %d times\n", xfsz);
	signal(SIGXFSZ, SIG_IGN);
	result("ftruncate to 20", ftruncate(fd, 20));
	int afd = open(TMPFILE, O_WRONLY | O_APPEND);
	result("append 90 bytes at 20, ignored", write(afd, buf, 90));
	result("append 1 more", write(afd, buf, 1));
	struct stat st;
	fstat(fd, &st);
	printf("the file has %lld bytes\n", (long long)st.st_size);
	/* The open mode comes first: not open for writing is EBADF (an
	 * ftruncate's EINVAL, or EBADF for O_PATH), with no signal. */
	int rfd = open(TMPFILE, O_RDONLY), pfd = open(TMPFILE, O_PATH);
	lseek(rfd, 150, SEEK_SET);
	result("write past the limit to an fd open O_RDONLY", write(rfd, buf, 10));
	result("pwrite past the limit to it", pwrite(rfd, buf, 10, 150));
	result("ftruncate it to 150", ftruncate(rfd, 150));
	result("write to an fd open O_PATH", write(pfd, buf, 10));
	result("pwrite past the limit to it", pwrite(pfd, buf, 10, 150));
	result("ftruncate it to 150", ftruncate(pfd, 150));
	if (pipe(p) == 0)
		result("write 150 bytes to a pipe", write(p[1], buf, 150));
	result("write 150 bytes to /dev/null", write(open("/dev/null", O_WRONLY), buf, 150));
	printf("SIGXFSZ caught %d times\n", xfsz);
	/* With the default action the process ends (no core: Ernst writes none). */
	signal(SIGXFSZ, SIG_DFL);
	pid_t pid = fork();
	if (pid == 0) {
		lseek(fd, 0, SEEK_END);
		write(fd, buf, 200);
		printf("the writer is still here\n");
		_exit(0);
	}
	reap("a writer past the limit", pid);
	pid = fork();
	if (pid == 0) {
		write(rfd, buf, 10);
		printf("a write through the O_RDONLY fd does not end it\n");
		_exit(0);
	}
	reap("a writer through the O_RDONLY fd", pid);
	unlink(TMPFILE);
}

static long brk_to(uintptr_t a)
{
	return syscall(SYS_brk, a);
}

static void map(const char *what, size_t len, int prot, int flags)
{
	void *a = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
	result(what, a == MAP_FAILED ? -1 : 0);
	if (a != MAP_FAILED)
		munmap(a, len);
}

static void memory(void)
{
	result("setrlimit RLIMIT_DATA 16 MiB", set32(RLIMIT_DATA, 16 * MiB, 0xffffffffu));
	map("mmap 32 MiB private writable", 32 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	map("mmap 32 MiB private read-only", 32 * MiB, PROT_READ, MAP_PRIVATE);
	map("mmap 32 MiB shared writable", 32 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED);
	map("mmap 1 MiB private writable", MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uintptr_t cur = (uintptr_t)brk_to(0);
	printf("brk up 32 MiB: %s\n", (uintptr_t)brk_to(cur + 32 * MiB) == cur ? "refused" : "moved");
	printf("brk up 1 MiB: %s\n", (uintptr_t)brk_to(cur + MiB) == cur + MiB ? "moved" : "refused");
	brk_to(cur);
	result("setrlimit RLIMIT_AS 64 MiB", set32(RLIMIT_AS, 64 * MiB, 0xffffffffu));
	map("mmap 128 MiB read-only", 128 * MiB, PROT_READ, MAP_PRIVATE);
	map("mmap 128 MiB shared", 128 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED);
	map("mmap 4 MiB read-only", 4 * MiB, PROT_READ, MAP_PRIVATE);
	printf("brk up 128 MiB: %s\n", (uintptr_t)brk_to(cur + 128 * MiB) == cur ? "refused" : "moved");
	/* MAP_FIXED over a mapping replaces it: no growth. */
	void *a = mmap(NULL, 40 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	result("mmap 40 MiB", a == MAP_FAILED ? -1 : 0);
	void *b = mmap(a, 40 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	result("mmap 40 MiB over it (MAP_FIXED)", b == MAP_FAILED ? -1 : b == a);
	map("mmap 40 MiB more", 40 * MiB, PROT_READ, MAP_PRIVATE);
}

static volatile sig_atomic_t xcpu;
static void on_xcpu(int sig)
{
	(void)sig;
	xcpu++;
}

/* Use CPU until killed, printing each SIGXCPU with the soft limit then
 * (Linux raises it a second each time); a minute of the clock at most. */
static void spin_until_killed(void)
{
	struct rlimit32 r;
	int seen = 0;
	time_t t0 = time(NULL);

	while (time(NULL) - t0 < 60) {
		for (volatile int i = 0; i < 100000; i++)
			;
		if (xcpu != seen) {
			seen = xcpu;
			raw_ugetrlimit(RLIMIT_CPU, &r);
			printf("SIGXCPU %d, the soft limit now %u\n", seen, r.cur);
		}
	}
	printf("not killed in a minute\n");
}

static void cpu(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		result("setrlimit RLIMIT_CPU 1 2", set32(RLIMIT_CPU, 1, 2));
		signal(SIGXCPU, on_xcpu);
		spin_until_killed();
		_exit(0);
	}
	reap("at the hard limit", pid);
	pid = fork();
	if (pid == 0) {
		result("setrlimit RLIMIT_CPU 1 unlimited", set32(RLIMIT_CPU, 1, 0xffffffffu));
		spin_until_killed();
		_exit(0);
	}
	reap("SIGXCPU's default action", pid);
}

/* Root lowers nice (root_nice's privilege), from 19 to the least. */
static void root_nice(void)
{
	result("setpriority to 19", setpriority(PRIO_PROCESS, 0, 19));
	privileged(NICE_TAG, "0", "setpriority to -100", setpriority(PRIO_PROCESS, 0, -100));
	privileged(NICE_TAG, "40", "raw getpriority", raw_getpriority(PRIO_PROCESS, 0));
	result("setpriority to 19", setpriority(PRIO_PROCESS, 0, 19));
	privileged(NICE_TAG, "0", "setpriority to 2", setpriority(PRIO_PROCESS, 0, 2));
	privileged(NICE_TAG, "18", "raw getpriority", raw_getpriority(PRIO_PROCESS, 0));
	privileged(NICE_TAG, "0", "nice(-30)", syscall(SYS_nice, -30));
	privileged(NICE_TAG, "40", "raw getpriority", raw_getpriority(PRIO_PROCESS, 0));
}

/*
 * getpriority's raw answer is 20 - nice; only raised here from the 0
 * main starts at, so that no answer needs a privilege (root_nice).
 */
static void priorities(void)
{
	int hold[2], go[2];
	char c;

	pid_t pid = fork();
	if (pid == 0) {
		result("setpriority to 5", setpriority(PRIO_PROCESS, 0, 5));
		result("raw getpriority", raw_getpriority(PRIO_PROCESS, 0));
		result("nice(3)", syscall(SYS_nice, 3));
		result("raw getpriority", raw_getpriority(PRIO_PROCESS, getpid()));
		result("nice(100)", syscall(SYS_nice, 100));
		result("raw getpriority", raw_getpriority(PRIO_PROCESS, 0));
		_exit(0);
	}
	reap("raised", pid);
	result("setpriority to 2", setpriority(PRIO_PROCESS, 0, 2));
	if (pipe(hold) < 0 || pipe(go) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		result("fork child: raw getpriority", raw_getpriority(PRIO_PROCESS, 0));
		_exit(0);
	}
	reap("fork child", pid);
	result("getpriority of the reaped child", raw_getpriority(PRIO_PROCESS, pid));

	/* A group of two. */
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		pid_t k = fork();
		if (k == 0) {
			read(hold[0], &c, 1);
			_exit(0);
		}
		result("group: setpriority PRIO_PGRP 7", setpriority(PRIO_PGRP, 0, 7));
		result("group: the member's raw getpriority", raw_getpriority(PRIO_PROCESS, k));
		result("group: setpriority of itself to 9", setpriority(PRIO_PROCESS, 0, 9));
		result("group: raw getpriority PRIO_PGRP", raw_getpriority(PRIO_PGRP, 0));
		result("group: raw getpriority PRIO_PGRP by id", raw_getpriority(PRIO_PGRP, getpgrp()));
		write(hold[1], "g", 1);
		waitpid(k, NULL, 0);
		_exit(0);
	}
	reap("group", pid);

	/* A user: raising is anybody's, lowering within RLIMIT_NICE. */
	pid = fork();
	if (pid == 0) {
		pid_t parent = getppid();
		result("setrlimit RLIMIT_NICE 0 0", set32(RLIMIT_NICE, 0, 0));
		result("setpriority to 10", setpriority(PRIO_PROCESS, 0, 10));
		pid_t k = fork();
		if (k == 0) {
			become_user();
			write(hold[1], "r", 1);
			read(go[0], &c, 1);
			result("user's child: raw getpriority", raw_getpriority(PRIO_PROCESS, 0));
			_exit(0);
		}
		become_user();
		read(hold[0], &c, 1); /* the child is the user's too */
		result("user: raw getpriority PRIO_USER", raw_getpriority(PRIO_USER, 0));
		result("user: setpriority to 12", setpriority(PRIO_PROCESS, 0, 12));
		result("user: setpriority to 11", setpriority(PRIO_PROCESS, 0, 11));
		result("user: nice(-1)", syscall(SYS_nice, -1));
		result("user: nice(1)", syscall(SYS_nice, 1));
		result("user: setpriority of root's process", setpriority(PRIO_PROCESS, parent, 15));
		result("user: setpriority PRIO_USER 14", setpriority(PRIO_USER, 0, 14));
		result("user: raw getpriority PRIO_USER by id", raw_getpriority(PRIO_USER, USER));
		result("user: setpriority PRIO_USER of uid 54322", setpriority(PRIO_USER, USER + 1, 14));
		result("user: setpriority of pid -1", setpriority(PRIO_PROCESS, -1, 14));
		write(go[1], "g", 1);
		waitpid(k, NULL, 0);
		_exit(0);
	}
	reap("user", pid);
}

/*
 * Each part in a child of its own, which may change anything; what it
 * prints comes through a pipe, so that RLIMIT_FSIZE never applies to
 * it (the host's output is a file).
 */
static void part(const char *name, void (*fn)(void))
{
	char buf[4096];
	ssize_t n;
	int p[2];

	printf("-- %s\n", name);
	if (pipe(p) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		fn();
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(p[0]);
	reap(name, pid);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	/* What the host's harness left open is not ours; 0-2 are. */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			open("/dev/null", O_RDWR);
	/* A known nice to start from (the host's may run us niced: lower
	 * than 0, or higher with the privilege to lower it). */
	setpriority(PRIO_PROCESS, 0, 0);
	if (scratch_enter("rlimits") < 0)
		return 1;
	part("bad input", bad_input);
	part("values", values);
	part("a normal user", as_user);
	part("fork and other processes", fork_and_others);
	part("RLIMIT_NOFILE", nofile);
	part("RLIMIT_NPROC", nproc);
	part("RLIMIT_FSIZE", fsize);
	part("RLIMIT_DATA and RLIMIT_AS", memory);
	part("priorities", priorities);
	part("root lowers nice", root_nice);
	part("RLIMIT_CPU", cpu);
	return scratch_leave() < 0;
}
