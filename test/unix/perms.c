/*
 * Identity and permissions as programs see them: the get/set*id calls
 * and their rules (real, effective, saved ids; groups), mode bits checked
 * for uid 1000 (a 0600 root file, a directory without write or search
 * permission, a sticky directory, chmod/chown/utimes by others, access
 * with the real ids), set-user-ID taken away by a write, fchmod, fchown
 * and futimens judged by who calls them (not by who opened the file),
 * and kill of another user's process; "perms setuid": set-user-ID
 * programs both ways, and an execute-only one.  Run as root; it drops to
 * uid 1000 in fork children.  Prints what it sees; test/unix compares
 * the output on Ernst with the host's (or, on a host that is not root,
 * with perms.expected).
 * Works in a fresh directory (relative paths from there, so no directory
 * above it needs to be searchable by uid 1000) and removes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "report.h"

#define USER 1000
#define GROUP 1000
#define OTHER_GROUP 100

static void show_ids(const char *what)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	gid_t groups[8];
	int n;

	getresuid(&r, &e, &s);
	getresgid(&rg, &eg, &sg);
	n = getgroups(8, groups);
	printf("%s: uid %u %u %u gid %u %u %u groups", what, r, e, s, rg, eg, sg);
	for (int i = 0; i < n; i++)
		printf(" %u", groups[i]);
	printf("\n");
}

/* An open's result without the fd number (fds 0-2 differ between runs). */
static int opened(const char *what, int fd)
{
	result(what, fd < 0 ? -1 : 0);
	return fd;
}

static void show_mode(const char *what, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		result(what, -1);
		return;
	}
	printf("%s: mode %o uid %u gid %u\n", what, (unsigned) st.st_mode & 07777, st.st_uid, st.st_gid);
}

static void make_file(const char *path, int mode, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text)) {
		perror(path);
		exit(1);
	}
	close(fd);
	chmod(path, mode);
}

/* Become uid/gid USER (groups: OTHER_GROUP) in this process. */
static void become_user(void)
{
	gid_t g = OTHER_GROUP;

	result("setgroups", setgroups(1, &g));
	result("setgid", setgid(GROUP));
	result("setuid", setuid(USER));
}

/* Run fn in a child; print how it ended. */
static void in_child(const char *what, void (*fn)(void))
{
	int st;
	pid_t p;

	fflush(stdout);
	p = fork();
	if (p == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, &st, 0);
	printf("%s: status %#x\n", what, st);
}

/* --- the get/set*id rules --- */

static void id_rules(void)
{
	show_ids("root");
	result("setresuid(1000, 1000, 0)", setresuid(USER, USER, 0));
	show_ids("after setresuid");
	result("open secret (euid 1000)", open("secret", O_RDONLY));
	result("seteuid(0) (saved 0)", seteuid(0));
	show_ids("after seteuid(0)");
	int fd = opened("open secret (euid 0 again)", open("secret", O_RDONLY));
	close(fd);
	result("setreuid(-1, 1000)", setreuid(-1, USER));
	show_ids("after setreuid(-1, 1000)");
	result("setreuid(1000, 1000)", setreuid(USER, USER));
	show_ids("after setreuid(1000, 1000)");
	result("setuid(0) now", setuid(0));
	result("seteuid(0) now", seteuid(0));
	result("setresuid(-1, 2000, -1)", setresuid(-1, 2000, -1));
	result("setgid(0) without root", setgid(0));
	gid_t g = 0;
	result("setgroups without root", setgroups(1, &g));
	result("setuid(1000) again", setuid(USER));
	show_ids("at the end");
}

static void gid_rules(void)
{
	result("setresgid(1000, 1000, 0)", setresgid(GROUP, GROUP, 0));
	result("setregid(-1, 100)", setregid(-1, OTHER_GROUP));
	show_ids("after setregid");
	result("setgid(0)", setgid(0));
	show_ids("after setgid(0)");
	result("setuid(1000)", setuid(USER));
	show_ids("after setuid(1000)");
	result("setgid(1000)", setgid(GROUP));
	result("setgid(100)", setgid(OTHER_GROUP));
	show_ids("at the end");
}

/* --- mode bits, as uid 1000 --- */

static void as_user(void)
{
	struct utimbuf ut = {1000000000, 1000000000};
	struct stat st;
	int fd;

	become_user();
	show_ids("user");
	result("open secret O_RDONLY", open("secret", O_RDONLY));
	result("open secret O_WRONLY", open("secret", O_WRONLY));
	result("access secret R_OK", access("secret", R_OK));
	result("access public R_OK", access("public", R_OK));
	result("access public W_OK", access("public", W_OK));
	fd = opened("open public O_RDONLY", open("public", O_RDONLY));
	close(fd);
	result("open public O_RDWR", open("public", O_RDWR));
	result("creat in locked", open("locked/new", O_WRONLY | O_CREAT, 0644));
	result("mkdir in locked", mkdir("locked/dir", 0755));
	result("unlink in locked", unlink("locked/file"));
	result("rename out of locked", rename("locked/file", "open/file"));
	result("stat through hidden", stat("hidden/file", &st));
	result("open through hidden", open("hidden/file", O_RDONLY));
	result("access through hidden", access("hidden/file", F_OK));
	result("chdir into hidden", chdir("hidden"));
	result("list-only dir: stat entry", stat("listonly/file", &st));
	fd = opened("creat in open", open("open/mine", O_WRONLY | O_CREAT, 0640));
	close(fd);
	show_mode("open/mine", "open/mine");
	result("chmod secret", chmod("secret", 0644));
	result("chmod mine", chmod("open/mine", 0604));
	result("chown mine to group 100 (ours)", chown("open/mine", -1, OTHER_GROUP));
	result("chmod mine 2755", chmod("open/mine", 02755));
	show_mode("open/mine after chmod 2755", "open/mine");
	result("chown mine to root", chown("open/mine", 0, -1));
	result("chown mine to group 0", chown("open/mine", -1, 0));
	result("chown secret to us", chown("secret", USER, GROUP));
	result("utime secret (explicit)", utime("secret", &ut));
	result("utime secret (now)", utime("secret", NULL));
	result("utime public-rw (now)", utime("public-rw", NULL));
	result("utime public-rw (explicit)", utime("public-rw", &ut));
	result("utime mine (explicit)", utime("open/mine", &ut));
	stat("open/mine", &st);
	printf("mine mtime: %ld\n", (long) st.st_mtime);
	result("unlink root's file in sticky", unlink("sticky/roots"));
	result("rename root's file in sticky", rename("sticky/roots", "sticky/moved"));
	fd = opened("creat in sticky", open("sticky/users", O_WRONLY | O_CREAT, 0644));
	close(fd);
	result("unlink own file in sticky", unlink("sticky/users"));
	result("unlink root's file in open", unlink("open/roots"));
	/* A write by another user takes set-user-ID away. */
	fd = opened("open setuid-rw", open("setuid-rw", O_WRONLY));
	result("write setuid-rw", write(fd, "x", 1));
	close(fd);
	show_mode("setuid-rw after the write", "setuid-rw");
}

/* --- fchmod, fchown, futimens: the caller's identity now, not the opener's --- */

/* The calls on names through root's directory fd dir, as uid 1000: the
 * lookups are judged by who calls, not by who opened dir. */
static void dir_calls(int dir)
{
	struct stat st;
	char buf[64];
	int fd;

	result("openat secret through root's directory fd", openat(dir, "secret", O_RDONLY));
	fd = opened("openat public through root's directory fd", openat(dir, "public", O_RDONLY));
	close(fd);
	result("openat O_CREAT through root's directory fd", openat(dir, "new", O_WRONLY | O_CREAT, 0644));
	result("openat through hidden, root's directory fd", openat(dir, "hidden/file", O_RDONLY));
	result("mkdirat through root's directory fd", mkdirat(dir, "newdir", 0755));
	result("unlinkat through root's directory fd", unlinkat(dir, "public-rw", 0));
	result("unlinkat AT_REMOVEDIR through root's directory fd", unlinkat(dir, "listonly", AT_REMOVEDIR));
	result("renameat through root's directory fd", renameat(dir, "public-rw", dir, "moved"));
	result("renameat into root's directory fd", renameat(AT_FDCWD, "open/mine", dir, "moved"));
	result("symlinkat through root's directory fd", symlinkat("public", dir, "link"));
	fd = opened("openat O_CREAT in open, through root's directory fd",
		    openat(dir, "open/users", O_WRONLY | O_CREAT, 0644));
	close(fd);
	show_mode("open/users", "open/users");
	result("linkat into root's directory fd", linkat(dir, "open/users", dir, "linked", 0));
	result("unlinkat in open, through root's directory fd", unlinkat(dir, "open/users", 0));
	result("fstatat through hidden, root's directory fd", fstatat(dir, "hidden/file", &st, 0));
	result("fstatat through root's directory fd", fstatat(dir, "public", &st, 0));
	result("readlinkat through hidden, root's directory fd", readlinkat(dir, "hidden/file", buf, sizeof(buf)));
	result("fchdir to hidden, opened by root", fchdir(dir) < 0 ? -1 : chdir("hidden"));
}

static void fd_calls(void)
{
	struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
	int fd = opened("root opens public O_RDONLY", open("public", O_RDONLY));
	int dir = opened("root opens its directory", open(".", O_RDONLY | O_DIRECTORY));

	result("seteuid(1000)", seteuid(USER));
	result("fchmodat through root's directory fd as uid 1000", fchmodat(dir, "public", 0640, 0));
	result("fchownat through root's directory fd as uid 1000", fchownat(dir, "public", USER, -1, 0));
	result("utimensat through root's directory fd as uid 1000 (now)", utimensat(dir, "public", NULL, 0));
	result("faccessat W_OK, AT_EACCESS through root's directory fd as uid 1000",
	       faccessat(dir, "public", W_OK, AT_EACCESS));
	dir_calls(dir);
	result("fchmod root's file as uid 1000", fchmod(fd, 0640));
	result("fchown root's file as uid 1000", fchown(fd, USER, -1));
	result("futimens root's file as uid 1000 (explicit)", futimens(fd, ts));
	result("futimens root's file as uid 1000 (now)", futimens(fd, NULL));
	result("seteuid(0)", seteuid(0));
	result("fchmod it as root again", fchmod(fd, 0644));
	close(fd);
	close(dir);
	show_mode("public", "public");
}

/* --- setfsuid/setfsgid: file-system ids apart from the effective ones --- */

static void show_status_ids(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL) {
		result("open /proc/self/status", -1);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Uid:", 4) == 0 || strncmp(line, "Gid:", 4) == 0)
			fputs(line, stdout);
	fclose(f);
}

static void fs_ids(void)
{
	int fd;

	result("setfsuid(1000): the old one", setfsuid(USER));
	result("setfsuid(-1) asks", setfsuid(-1));
	result("setfsgid(100): the old one", setfsgid(OTHER_GROUP));
	show_ids("effective ids kept");
	show_status_ids();
	result("open secret with file-system uid 1000", open("secret", O_RDONLY));
	result("access secret R_OK (real uid 0)", access("secret", R_OK));
	result("faccessat secret R_OK, AT_EACCESS", faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS));
	result("chown public with file-system uid 1000", chown("public", USER, -1));
	result("creat in locked with file-system uid 1000", open("locked/fsids", O_WRONLY | O_CREAT, 0644));
	fd = opened("creat in open with file-system ids 1000, 100", open("open/fsids", O_WRONLY | O_CREAT, 0644));
	close(fd);
	show_mode("open/fsids", "open/fsids");
	result("unlink it", unlink("open/fsids"));
	result("setfsuid(0) back: the old one", setfsuid(0));
	fd = opened("open secret with file-system uid 0", open("secret", O_RDONLY));
	close(fd);
	result("16-bit setfsuid(1000)", syscall(SYS_setfsuid, USER));
	result("16-bit setfsuid(0xffff) asks", syscall(SYS_setfsuid, 0xffff));
	result("16-bit setfsgid(0xffff) asks", syscall(SYS_setfsgid, 0xffff));
	result("seteuid(1000)", seteuid(USER));
	result("setfsuid(-1) after seteuid: the effective uid", setfsuid(-1));
	result("setfsgid(-1) after seteuid: still 100", setfsgid(-1));
	result("setfsuid(0): the real uid, allowed", setfsuid(0));
	result("setfsuid(-1)", setfsuid(-1));
	result("setresuid(1000, 1000, 1000)", setresuid(USER, USER, USER));
	result("setfsuid(2000) without that id", setfsuid(2000));
	result("setfsuid(0) without that id", setfsuid(0));
	result("setfsuid(-1): unchanged", setfsuid(-1));
	result("setfsgid(2000) without that id", setfsgid(2000));
	result("setfsgid(-1): unchanged", setfsgid(-1));
	show_status_ids();
}

/* --- kill --- */

static pid_t roots_child;

static void kill_as_user(void)
{
	int st;
	pid_t mine;

	become_user();
	result("kill root's process, 0", kill(roots_child, 0));
	result("kill root's process, SIGTERM", kill(roots_child, SIGTERM));
	mine = fork();
	if (mine == 0) {
		pause();
		_exit(0);
	}
	result("kill own child, SIGTERM", kill(mine, SIGTERM));
	waitpid(mine, &st, 0);
	printf("own child: status %#x\n", st);
}

/* --- set-user-ID programs (perms setuid; suidshow is the program) --- */

/* A copy of file from as path. */
static void copy_file(const char *from, const char *path)
{
	static char buf[65536];
	int in = open(from, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	ssize_t n;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	close(in);
	close(out);
}

/* The copy becomes uid's, set-user-ID. */
static void give_prog(uid_t uid)
{
	result("chown the copy", chown("prog", uid, uid));
	result("chmod the copy", chmod("prog", 04755));
	show_mode("prog", "prog");
}

static void on_term(int sig)
{
	(void) sig;
}

/* What execve keeps: the mask and the ignored signals; a handled one goes
 * back to its default (the program shows them). */
static void signals_before_exec(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, on_term);
}

static void run_user_prog(void)
{
	become_user();
	show_ids("user");
	signals_before_exec();
	fflush(stdout);
	execl("./prog", "prog", (char *) NULL);
	result("execl", -1);
}

static void run_users_prog_as_root(void)
{
	signals_before_exec();
	fflush(stdout);
	execl("./prog", "prog", (char *) NULL);
	result("execl", -1);
}

/* execve makes the file-system ids the effective ones again. */
static void run_prog_fs_ids(void)
{
	result("setfsuid(1000)", setfsuid(USER));
	result("setfsgid(100)", setfsgid(OTHER_GROUP));
	fflush(stdout);
	execl("./prog", "prog", (char *) NULL);
	result("execl", -1);
}

/* execve makes the saved ids the effective ones: the program cannot
 * take root back. */
static void run_prog_saved_root(void)
{
	result("setresuid(1000, 1000, 0)", setresuid(USER, USER, 0));
	fflush(stdout);
	execl("./prog", "prog", (char *) NULL);
	result("execl", -1);
}

static void read_prog_as_user(void)
{
	become_user();
	result("open the execute-only program O_RDONLY", open("prog", O_RDONLY));
	/* 040 is no open flag (Linux ignores it; Ernst's execve uses it). */
	result("open it O_RDONLY | 040", open("prog", O_RDONLY | 040));
}

static int setuid_test(const char *self)
{
	char dir[] = "/tmp/perms.XXXXXX";
	char path[4096];
	const char *slash = strrchr(self, '/');

	/* suidshow is next to this program; copied before leaving the
	 * directory its path may be relative to. */
	snprintf(path, sizeof(path), "%.*ssuidshow", slash != NULL ? (int) (slash - self + 1) : 0, self);
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) < 0) {
		perror(dir);
		return 1;
	}
	char prog[sizeof(dir) + 8];
	snprintf(prog, sizeof(prog), "%s/prog", dir);
	copy_file(path, prog);
	if (chdir(dir) < 0) {
		perror(dir);
		return 1;
	}
	make_file("secret", 0600, "root only\n");
	give_prog(0);
	in_child("uid 1000 runs root's set-user-ID program", run_user_prog);
	give_prog(USER);
	in_child("root runs uid 1000's set-user-ID program", run_users_prog_as_root);
	/* Execute-only: exec reads it as a program, others may not read it. */
	result("chown the copy", chown("prog", 0, 0));
	result("chmod the copy 0711", chmod("prog", 0711));
	show_mode("prog", "prog");
	in_child("uid 1000 reads root's execute-only program", read_prog_as_user);
	in_child("uid 1000 runs root's execute-only program", run_user_prog);
	in_child("root runs it with file-system ids 1000, 100", run_prog_fs_ids);
	result("chmod the copy 0755", chmod("prog", 0755));
	in_child("uid 1000 with saved uid 0 runs it", run_prog_saved_root);
	unlink("secret");
	unlink("prog");
	if (chdir("/") < 0 || rmdir(dir) < 0)
		perror("cleaning up");
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/perms.XXXXXX";
	int st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("not root: nothing to compare\n");
		return 1;
	}
	umask(022);
	if (argc > 1 && strcmp(argv[1], "setuid") == 0)
		return setuid_test(argv[0]);
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) < 0 || chdir(dir) < 0) {
		perror(dir);
		return 1;
	}
	make_file("secret", 0600, "root only\n");
	make_file("public", 0644, "everyone\n");
	make_file("public-rw", 0666, "everyone may write\n");
	make_file("setuid-rw", 04777, "anyone may write\n");
	mkdir("locked", 0755);
	make_file("locked/file", 0644, "in locked\n");
	mkdir("hidden", 0700);
	make_file("hidden/file", 0644, "in hidden\n");
	mkdir("listonly", 0744);
	make_file("listonly/file", 0644, "in listonly\n");
	mkdir("open", 0777);
	chmod("open", 0777);
	make_file("open/roots", 0644, "root's, in open\n");
	mkdir("sticky", 0777);
	chmod("sticky", 01777);
	make_file("sticky/roots", 0644, "root's, in sticky\n");
	show_mode("sticky", "sticky");
	show_mode("setuid-rw", "setuid-rw");

	in_child("id rules", id_rules);
	in_child("gid rules", gid_rules);
	in_child("as user", as_user);
	in_child("fd calls", fd_calls);
	in_child("file-system ids", fs_ids);

	/* chown takes set-user-ID away, even root's. */
	make_file("setuid-chown", 04755, "x\n");
	result("chown setuid-chown", chown("setuid-chown", USER, GROUP));
	show_mode("setuid-chown after chown", "setuid-chown");
	result("root reads secret", access("secret", R_OK));

	fflush(stdout);
	roots_child = fork();
	if (roots_child == 0) {
		pause();
		_exit(0);
	}
	in_child("kill as user", kill_as_user);
	result("root kills its child", kill(roots_child, SIGTERM));
	waitpid(roots_child, &st, 0);
	printf("root's child: status %#x\n", st);

	/* Clean up as root. */
	const char *files[] = {"secret", "public", "public-rw", "setuid-rw", "setuid-chown", "locked/file",
			       "hidden/file", "listonly/file", "open/roots", "open/mine", "sticky/roots"};
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	const char *dirs[] = {"locked", "hidden", "listonly", "open", "sticky"};
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		rmdir(dirs[i]);
	if (chdir("/") < 0 || rmdir(dir) < 0)
		perror("cleaning up");
	return 0;
}
