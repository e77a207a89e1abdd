/*
 * /proc as a process sees it, on Ernst only (TAP; test/unix/procfs.sh):
 * its own stat, status, cmdline, comm and /proc/self against what the
 * system calls say; a child listed while it lives, a zombie until waited
 * for, gone after; the system's files against sysinfo.  (The host runs
 * i386 programs under an emulator whose /proc is not Linux's, so this is
 * no host comparison.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int n_tests, n_failed;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	n_tests++;
	if (!cond)
		n_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* What a file says (NUL-terminated, at most size - 1 bytes); -1 if unreadable. */
static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -1;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? -1 : (int)len;
}

/* /proc/PID/stat: its fields (comm without parentheses) and how many. */
struct stat_fields {
	int pid, ppid, pgrp, sid, tty_nr, tpgid, nfields;
	char comm[16], state;
	unsigned long vsize, utime, stime;
};

static int proc_stat(const char *path, struct stat_fields *f)
{
	char buf[1024];
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
	if (open_paren == NULL || close_paren == NULL || close_paren - open_paren - 1 >= (int)sizeof(f->comm))
		return -1;
	memcpy(f->comm, open_paren + 1, (size_t)(close_paren - open_paren - 1));
	f->comm[close_paren - open_paren - 1] = '\0';
	f->pid = atoi(buf);
	f->nfields = 2;
	for (char *p = strtok(close_paren + 2, " \n"); p != NULL; p = strtok(NULL, " \n")) {
		switch (++f->nfields) {
		case 3: f->state = p[0]; break;
		case 4: f->ppid = atoi(p); break;
		case 5: f->pgrp = atoi(p); break;
		case 6: f->sid = atoi(p); break;
		case 7: f->tty_nr = atoi(p); break;
		case 8: f->tpgid = atoi(p); break;
		case 14: f->utime = strtoul(p, NULL, 10); break;
		case 15: f->stime = strtoul(p, NULL, 10); break;
		case 23: f->vsize = strtoul(p, NULL, 10); break;
		}
	}
	return 0;
}

static int stat_of(pid_t pid, struct stat_fields *f)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return proc_stat(path, f);
}

/* Whether /proc lists pid (and only numeric names of live processes). */
static int listed(pid_t pid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		found |= e->d_name[0] != '0' && atoi(e->d_name) == (int)pid;
	closedir(d);
	return found;
}

/* The number after "name:" in text, or -1. */
static long field(const char *text, const char *name)
{
	const char *p = strstr(text, name);
	return p == NULL ? -1 : strtol(p + strlen(name), NULL, 10);
}

static void self(int argc, char **argv)
{
	struct stat_fields f;
	char buf[4096], path[64];
	struct stat st;

	ok(proc_stat("/proc/self/stat", &f) == 0, "/proc/self/stat is readable");
	ok(f.nfields == 52, "it has Linux's 52 fields (%d)", f.nfields);
	ok(f.pid == getpid() && f.ppid == getppid(), "pid %d and ppid %d are getpid's and getppid's", f.pid,
	   f.ppid);
	ok(f.pgrp == getpgrp() && f.sid == getsid(0), "process group %d and session %d are the calls'", f.pgrp,
	   f.sid);
	ok(strcmp(f.comm, "procfs") == 0, "comm in stat is the program's name (%s)", f.comm);
	ok(f.state == 'R' || f.state == 'S', "state %c: running or sleeping", f.state);
	ok(f.vsize > 0, "vsize %lu bytes", f.vsize);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
	struct stat_fields g;
	ok(proc_stat(path, &g) == 0 && g.pid == f.pid && g.ppid == f.ppid, "/proc/PID/stat says the same");

	int n = read_file("/proc/self/cmdline", buf, sizeof(buf));
	int same = n > 0;
	for (int i = 0, at = 0; same && i < argc; at += (int)strlen(argv[i]) + 1, i++)
		same = at < n && strcmp(buf + at, argv[i]) == 0;
	ok(same, "/proc/self/cmdline is argv, NUL-separated (%d bytes)", n);
	n = read_file("/proc/self/comm", buf, sizeof(buf));
	ok(n > 0 && strcmp(buf, "procfs\n") == 0, "/proc/self/comm is the name and a newline");
	n = read_file("/proc/self/status", buf, sizeof(buf));
	ok(n > 0 && strncmp(buf, "Name:\tprocfs\n", 13) == 0, "/proc/self/status starts with Name:");
	ok(field(buf, "\nPid:") == getpid() && field(buf, "\nPPid:") == getppid(), "status: Pid and PPid");
	ok(field(buf, "\nUid:") == (long)getuid(), "status: Uid is getuid's");
	n = read_file("/proc/self/statm", buf, sizeof(buf));
	ok(n > 0 && atol(buf) * 4096 == (long)f.vsize, "statm's size is stat's vsize in pages");

	n = (int)readlink("/proc/self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	ok(n > 0 && atoi(buf) == getpid(), "readlink /proc/self: the pid (%s)", buf);
	ok(lstat("/proc/self", &st) == 0 && S_ISLNK(st.st_mode), "lstat /proc/self: a symlink");
	ok(stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode), "stat /proc/self: a directory");
	/* "self" from /proc itself names us too; from elsewhere it is a name
	 * like any other. */
	int here = open(".", O_RDONLY | O_DIRECTORY);
	ok(chdir("/proc") == 0, "chdir /proc");
	n = read_file("self/comm", buf, sizeof(buf));
	ok(n > 0 && strcmp(buf, "procfs\n") == 0, "self/comm from /proc is ours");
	n = (int)readlink("self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	ok(n > 0 && atoi(buf) == getpid(), "readlink self in /proc: the pid (%s)", buf);
	int procdir = open("/proc", O_RDONLY | O_DIRECTORY), sfd = -1;
	ok(procdir >= 0 && (sfd = openat(procdir, "self/status", O_RDONLY)) >= 0, "openat(/proc's fd, \"self/status\")");
	if (sfd >= 0)
		close(sfd);
	if (procdir >= 0)
		close(procdir);
	ok(mkdir("/tmp/procfs-self", 0755) == 0 && chdir("/tmp/procfs-self") == 0 &&
		   open("self/comm", O_RDONLY) < 0 && errno == ENOENT,
	   "self/comm from another directory: ENOENT");
	rmdir("/tmp/procfs-self");
	ok(here >= 0 && fchdir(here) == 0, "back where it was");
	if (here >= 0)
		close(here);
	n = (int)readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	ok(n > 0 && buf[0] == '/', "/proc/self/exe is an absolute path (%s)", buf);
	ok(stat("/proc/self/stat", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0,
	   "its files are regular, of size 0 as on Linux");
	ok(open("/proc/self/nosuchfile", O_RDONLY) < 0 && errno == ENOENT, "a name it does not have: ENOENT");
	int fd = open("/proc/meminfo", O_WRONLY);
	ok(fd < 0 || write(fd, "x", 1) < 0, "a /proc file cannot be written");
	if (fd >= 0)
		close(fd);
	ok(open("/proc/newfile", O_CREAT | O_WRONLY, 0644) < 0 && errno == EACCES, "nor made (EACCES)");
	ok(unlink("/proc/meminfo") < 0 && errno == EPERM, "nor removed (EPERM)");
	ok(mkdir("/proc/self/dir", 0755) < 0, "no directory made in a process's");
}

/* CPU time: work shows in utime + stime, and in /proc/stat's cpu line.
 * (Work until it shows, within a bound: no assumption of how fast.) */
static void cpu_time(void)
{
	struct stat_fields f = {0};
	char buf[4096];
	volatile unsigned sink = 0;

	for (int round = 0; round < 1000 && proc_stat("/proc/self/stat", &f) == 0 && f.utime + f.stime == 0; round++)
		for (unsigned i = 0; i < 1000000; i++)
			sink += i;
	ok(f.utime + f.stime > 0, "work is counted: utime %lu, stime %lu ticks", f.utime, f.stime);
	unsigned long long user = 0, nice = 0, sys = 0, idle = 0;
	double up = 0;
	int got = read_file("/proc/stat", buf, sizeof(buf)) > 0 &&
		  sscanf(buf, "cpu %llu %llu %llu %llu", &user, &nice, &sys, &idle) == 4;
	ok(got && user + sys >= f.utime + f.stime, "/proc/stat's cpu line counts it (user %llu, system %llu)", user,
	   sys);
	double up_idle = -1;
	got = read_file("/proc/uptime", buf, sizeof(buf)) > 0 && sscanf(buf, "%lf %lf", &up, &up_idle) == 2;
	ok(got && (f.utime + f.stime) <= up * 100 + 1, "and no more than the uptime (%.2f s)", up);
	ok(got && up_idle > 0 && up_idle <= up && (up - up_idle) * 100 + 2 >= f.utime + f.stime,
	   "uptime's idle time (%.2f s): the uptime less the processes' time", up_idle);
}

static void child(void)
{
	struct stat_fields f;
	int ready[2], st;
	char c;

	if (pipe(ready) < 0)
		return;
	pid_t p = fork();
	if (p == 0) {
		close(ready[0]);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ok(read(ready[0], &c, 1) == 1, "a child runs");
	close(ready[0]);
	ok(stat_of(p, &f) == 0 && f.pid == p && f.ppid == getpid() && f.pgrp == getpgrp(),
	   "the child's stat: its pid, us as parent, our group");
	ok(listed(p) == 1, "the child is listed in /proc");
	kill(p, SIGKILL);
	/* Its end shows as a zombie: wait for that state, not for a time. */
	for (int tries = 0; tries < 1000 && stat_of(p, &f) == 0 && f.state != 'Z'; tries++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	ok(stat_of(p, &f) == 0 && f.state == 'Z', "killed and not waited for: a zombie (%c)", f.state);
	ok(listed(p) == 1, "the zombie is listed");
	ok(waitpid(p, &st, 0) == p && WIFSIGNALED(st), "waited for");
	ok(listed(p) == 0, "the reaped child is no longer listed");
	ok(stat_of(p, &f) < 0 && errno == ENOENT, "its stat is gone (ENOENT)");
	ok(listed(getpid()) == 1, "we are listed");
}

/* tty_nr and tpgid: the controlling terminal (the console, 5:1) and its
 * foreground group, or 0 and -1 without one (/dev/tty then is ENXIO).
 * procfs.sh checks a shell that has the console (procfs-script.sh). */
static void terminal(void)
{
	struct stat_fields f;
	int st = 0, fd = open("/dev/tty", O_RDONLY | O_NOCTTY), open_errno = errno;

	ok(proc_stat("/proc/self/stat", &f) == 0, "/proc/self/stat for the terminal fields");
	if (fd >= 0)
		ok(f.tty_nr == (5 << 8 | 1) && f.tpgid == tcgetpgrp(fd), "with a controlling terminal: tty_nr %d:%d, tpgid %d",
		   f.tty_nr >> 8, f.tty_nr & 0xff, f.tpgid);
	else
		ok(open_errno == ENXIO && f.tty_nr == 0 && f.tpgid == -1, "without a controlling terminal: tty_nr %d, tpgid %d",
		   f.tty_nr, f.tpgid);
	if (fd >= 0)
		close(fd);
	/* A new session has no terminal. */
	pid_t p = fork();
	if (p == 0) {
		struct stat_fields g;
		_exit(setsid() < 0 || proc_stat("/proc/self/stat", &g) != 0 || g.tty_nr != 0 || g.tpgid != -1);
	}
	int waited = p > 0 && waitpid(p, &st, 0) == p;
	ok(waited && WIFEXITED(st) && WEXITSTATUS(st) == 0, "after setsid: no terminal (tty_nr 0, tpgid -1)");
}

static void system_files(void)
{
	char buf[4096];
	struct sysinfo si;
	int n;

	ok(sysinfo(&si) == 0, "sysinfo works");
	n = read_file("/proc/meminfo", buf, sizeof(buf));
	long total = field(buf, "MemTotal:"), free_kb = field(buf, "MemFree:");
	ok(n > 0 && total > 0 && free_kb > 0 && free_kb <= total, "meminfo: MemTotal %ld kB, MemFree %ld kB", total,
	   free_kb);
	ok((unsigned long long)si.totalram * si.mem_unit == (unsigned long long)total * 1024,
	   "sysinfo's totalram is MemTotal");
	n = read_file("/proc/uptime", buf, sizeof(buf));
	ok(n > 0 && strchr(buf, '.') != NULL && atol(buf) >= 0, "uptime: %.*s", n > 0 ? n - 1 : 0, buf);
	n = read_file("/proc/loadavg", buf, sizeof(buf));
	char *slash = strchr(buf, '/');
	ok(n > 0 && slash != NULL && atoi(slash + 1) >= 1, "loadavg counts the processes: %.*s", n > 0 ? n - 1 : 0,
	   buf);
	ok(si.procs == atoi(slash != NULL ? slash + 1 : "0"), "sysinfo's procs is loadavg's");
	n = read_file("/proc/stat", buf, sizeof(buf));
	ok(n > 0 && strncmp(buf, "cpu ", 4) == 0 && strstr(buf, "\nbtime ") != NULL, "stat: cpu and btime lines");
	n = read_file("/proc/mounts", buf, sizeof(buf));
	ok(n > 0 && strstr(buf, " / ") != NULL && strstr(buf, "proc /proc proc rw 0 0\n") != NULL,
	   "mounts: / and /proc");
	n = read_file("/proc/version", buf, sizeof(buf));
	ok(n > 0 && strncmp(buf, "Linux version ", 14) == 0, "version: as Linux's starts");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	self(argc, argv);
	cpu_time();
	child();
	terminal();
	system_files();
	printf("1..%d\n", n_tests);
	return n_failed != 0;
}
