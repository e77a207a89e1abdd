/*
 * fcntl's POSIX record locks as programs see them: F_SETLK, F_GETLK and
 * F_SETLKW in their 32-bit (5, 6, 7) and 64-bit (12, 13, 14) forms,
 * held by a process on byte ranges (another process meets them, the
 * owner does not), split and merged, SEEK_CUR, SEEK_END and negative
 * lengths, not inherited by fork, released by any close of the file by
 * their process and at its exit, a waiting F_SETLKW granted, ended by a
 * signal (EINTR), EDEADLK between two processes, bad requests.  Waits
 * are for events, never for time.  Prints what it sees;
 * test/unix/compare.sh compares the output on Ernst with the host's.
 * The directory: argv[1], or a new one under /tmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "waits.h"

/* i386's struct flock and struct flock64, and their fcntl64 commands. */
struct flock32 {
	int16_t l_type, l_whence;
	int32_t l_start, l_len, l_pid;
};
struct flock64_ {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
} __attribute__((packed));
#define GETLK32 5
#define SETLK32 6
#define SETLKW32 7
#define GETLK64 12
#define SETLK64 13
#define SETLKW64 14

static char dir[256];
static char path[300];
static pid_t parent_pid;

static int fresh(int mode)
{
	return open(path, mode);
}

/* A 64-bit request: 0 or -1 with errno. */
static int lk(int fd, int cmd, int type, int whence, int64_t start, int64_t len)
{
	struct flock64_ f = { (int16_t) type, (int16_t) whence, start, len, 0 };

	return (int) syscall(SYS_fcntl64, fd, cmd, &f);
}

static int lk32(int fd, int cmd, int type, int whence, int32_t start, int32_t len)
{
	struct flock32 f = { (int16_t) type, (int16_t) whence, start, len, 0 };

	return (int) syscall(SYS_fcntl64, fd, cmd, &f);
}

static const char *type_name(int t)
{
	return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : t == F_UNLCK ? "F_UNLCK" : "?";
}

/* F_GETLK64 of type over start/len: what is in the way, and whose. */
static void show(const char *what, int fd, int type, int64_t start, int64_t len)
{
	struct flock64_ f = { (int16_t) type, SEEK_SET, start, len, 0 };

	if (syscall(SYS_fcntl64, fd, GETLK64, &f) < 0) {
		result(what, -1);
		return;
	}
	if (f.l_type == F_UNLCK) {
		printf("%s: F_UNLCK\n", what);
		return;
	}
	printf("%s: %s start %lld len %lld, the parent's %d\n", what, type_name(f.l_type), (long long) f.l_start,
	       (long long) f.l_len, f.l_pid == parent_pid);
}

/* Run fn in a child (it sees the parent's locks as another process) and wait. */
static void in_child(void (*fn)(void))
{
	int st;

	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, &st, 0);
	show_status("child", st);
}

static void child_sees_ranges(void)
{
	int fd = fresh(O_RDWR);

	show("[0,1) for F_WRLCK", fd, F_WRLCK, 0, 1);
	show("[15,1)", fd, F_WRLCK, 15, 1);
	show("[10,10) for F_RDLCK", fd, F_RDLCK, 10, 10);
	show("[20,0) (to the end)", fd, F_WRLCK, 20, 0);
	result("F_SETLK64 F_WRLCK [5,1)", lk(fd, SETLK64, F_WRLCK, SEEK_SET, 5, 1));
	result("F_SETLK F_RDLCK [12,2)", lk32(fd, SETLK32, F_RDLCK, SEEK_SET, 12, 2));
	result("F_SETLK F_WRLCK [12,2)", lk32(fd, SETLK32, F_WRLCK, SEEK_SET, 12, 2));
	close(fd);
}

static void child_sees_split(void)
{
	int fd = fresh(O_RDWR);

	show("[40,20)", fd, F_WRLCK, 40, 20);
	show("[50,20)", fd, F_WRLCK, 50, 20);
	show("[100,1)", fd, F_WRLCK, 100, 1);
	show("[0,40)", fd, F_WRLCK, 0, 40);
	show("[200,10)", fd, F_WRLCK, 200, 10);
	close(fd);
}

static void child_sees_merged(void)
{
	int fd = fresh(O_RDWR);

	show("[0,1) for F_WRLCK", fd, F_WRLCK, 0, 1);
	show("[500,1)", fd, F_WRLCK, 500, 1);
	show("[1000,1)", fd, F_WRLCK, 1000, 1);
	show("[2000,1)", fd, F_WRLCK, 2000, 1);
	close(fd);
}

static void child_tries_whole(void)
{
	int fd = fresh(O_RDWR);

	result("F_SETLK F_WRLCK on the whole file", lk(fd, SETLK64, F_WRLCK, SEEK_SET, 0, 0));
	close(fd);
}

static void ranges(void)
{
	int fd = fresh(O_RDWR);

	printf("-- ranges\n");
	result("F_SETLK F_WRLCK [0,10)", lk32(fd, SETLK32, F_WRLCK, SEEK_SET, 0, 10));
	result("F_SETLK64 F_RDLCK [10,5)", lk(fd, SETLK64, F_RDLCK, SEEK_SET, 10, 5));
	show("the owner's own F_GETLK", fd, F_WRLCK, 0, 100);
	in_child(child_sees_ranges);
	result("F_UNLCK of everything", lk(fd, SETLK64, F_UNLCK, SEEK_SET, 0, 0));

	printf("-- split and merged\n");
	result("F_WRLCK [0,100)", lk(fd, SETLK64, F_WRLCK, SEEK_SET, 0, 100));
	result("F_UNLCK [40,20)", lk(fd, SETLK64, F_UNLCK, SEEK_SET, 40, 20));
	result("F_RDLCK [150,100) in the middle of nothing", lk(fd, SETLK64, F_RDLCK, SEEK_SET, 150, 100));
	result("F_WRLCK [200,10) inside it", lk(fd, SETLK64, F_WRLCK, SEEK_SET, 200, 10));
	in_child(child_sees_split);
	lk(fd, SETLK64, F_UNLCK, SEEK_SET, 0, 0);
	result("F_RDLCK [0,500)", lk(fd, SETLK64, F_RDLCK, SEEK_SET, 0, 500));
	result("F_RDLCK [500,500)", lk(fd, SETLK64, F_RDLCK, SEEK_SET, 500, 500));
	result("F_WRLCK [1000,500) by SEEK_CUR", (lseek(fd, 1100, SEEK_SET), lk(fd, SETLK64, F_WRLCK, SEEK_CUR, -100, 500)));
	ftruncate(fd, 3000);
	result("F_WRLCK [1500,500) by SEEK_END", lk(fd, SETLK64, F_WRLCK, SEEK_END, -1500, 500));
	result("F_WRLCK [2000-100,100) by a negative length", lk(fd, SETLK64, F_WRLCK, SEEK_SET, 2100, -100));
	in_child(child_sees_merged);
	/* Any close of the file by the owner lets every lock go. */
	int other = fresh(O_RDONLY);
	close(other);
	in_child(child_tries_whole);
	close(fd);
}

/* Set right before an F_SETLKW that another process sees blocked (waits_blocked). */
static volatile int *flags;

/*
 * A child holds [0,1); the parent's F_SETLKW waits until the child,
 * once it has seen the parent wait, lets go: by F_UNLCK (how 'u'), by
 * closing another descriptor of the file ('c'), or by exiting ('x').
 */
static void released(char how)
{
	int s[2], go[2], st, fd;

	printf("-- a waiting F_SETLKW granted by %s\n",
	       how == 'u' ? "F_UNLCK" : how == 'c' ? "a close of another descriptor" : "the holder's exit");
	pipe(s);
	pipe(go);
	flags[0] = 0;
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		int mine = fresh(O_RDWR);
		close(s[0]);
		close(go[1]);
		lk(mine, SETLK64, F_WRLCK, SEEK_SET, 0, 1);
		write(s[1], "l", 1);
		int waited = waits_blocked(getppid(), &flags[0]);
		if (how == 'u')
			lk(mine, SETLK64, F_UNLCK, SEEK_SET, 0, 1);
		if (how == 'c')
			close(fresh(O_RDONLY));
		char c;
		if (how != 'x')
			read(go[0], &c, 1); /* stay until the parent has the lock */
		_exit(waited ? 0 : 1);
	}
	close(s[1]);
	close(go[0]);
	printf("child holds it: %c\n", status_byte(s[0]));
	fd = fresh(O_RDWR);
	result("F_SETLK", lk(fd, SETLK64, F_WRLCK, SEEK_SET, 0, 1));
	flags[0] = 1;
	int r = lk(fd, SETLKW64, F_WRLCK, SEEK_SET, 0, 1);
	result("F_SETLKW", r);
	close(go[1]); /* the child may go */
	waitpid(child, &st, 0);
	show_status("child (0: it saw the parent wait)", st);
	close(fd);
	close(s[0]);
}

static int held_fd;

static void let_go(void)
{
	lk(held_fd, SETLK64, F_UNLCK, SEEK_SET, 0, 0);
}

static int child_setlkw(void)
{
	return lk32(fresh(O_RDWR), SETLKW32, F_WRLCK, SEEK_SET, 0, 1);
}

/* A child's F_SETLKW behind the parent's lock, and signals. */
static void interrupted(int restart)
{
	int fd = fresh(O_RDWR);

	printf("-- a waiting F_SETLKW and a signal%s\n", restart ? " with SA_RESTART" : "");
	lk(fd, SETLK64, F_WRLCK, SEEK_SET, 0, 1);
	held_fd = fd;
	waits_interrupted(restart, child_setlkw, let_go, "F_SETLKW");
	result("F_SETLKW after the child", lk(fd, SETLKW64, F_WRLCK, SEEK_SET, 0, 1));
	close(fd);
}

/*
 * The parent holds byte 0, a child byte 1; each then waits for the
 * other's.  Whichever asks second closes a circle: EDEADLK for exactly
 * one of them, and the other is granted once the first lets go.
 */
static void deadlock(void)
{
	int s[2], st, fd = fresh(O_RDWR);

	printf("-- EDEADLK\n");
	lk(fd, SETLK64, F_WRLCK, SEEK_SET, 0, 1);
	pipe(s);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		int mine = fresh(O_RDWR);
		close(s[0]);
		lk(mine, SETLK64, F_WRLCK, SEEK_SET, 1, 1);
		write(s[1], "h", 1);
		int r = lk(mine, SETLKW64, F_WRLCK, SEEK_SET, 0, 1);
		char c = r == 0 ? 'l' : errno == EDEADLK ? 'd' : 'x';
		write(s[1], &c, 1);
		_exit(0); /* lets byte 1 go, if the parent waits for it */
	}
	close(s[1]);
	status_byte(s[0]);
	int r = lk(fd, SETLKW64, F_WRLCK, SEEK_SET, 1, 1);
	int mine_deadlocked = r < 0 && errno == EDEADLK;
	if (mine_deadlocked)
		lk(fd, SETLK64, F_UNLCK, SEEK_SET, 0, 1); /* the child may go on */
	int c = status_byte(s[0]);
	printf("EDEADLK for exactly one: %d\n", mine_deadlocked + (c == 'd') == 1);
	printf("the other granted: %d\n", mine_deadlocked ? c == 'l' : r == 0);
	waitpid(child, &st, 0);
	show_status("child", st);
	close(fd);
	close(s[0]);
}

static void bad_requests(void)
{
	int rd = fresh(O_RDONLY), wr = fresh(O_WRONLY), path_fd = open(path, O_PATH);
	struct flock64_ f = { F_UNLCK, SEEK_SET, 0, 1, 0 };

	printf("-- bad requests\n");
	result("F_WRLCK on a read-only descriptor", lk(rd, SETLK64, F_WRLCK, SEEK_SET, 0, 1));
	result("F_RDLCK on a write-only descriptor", lk(wr, SETLK64, F_RDLCK, SEEK_SET, 0, 1));
	result("F_UNLCK on either", lk(rd, SETLK64, F_UNLCK, SEEK_SET, 0, 1) + lk(wr, SETLK64, F_UNLCK, SEEK_SET, 0, 1));
	result("F_GETLK of F_RDLCK on a write-only descriptor", lk(wr, GETLK64, F_RDLCK, SEEK_SET, 0, 1));
	result("type 5", lk(rd, SETLK64, 5, SEEK_SET, 0, 1));
	result("whence 3", lk(rd, SETLK64, F_RDLCK, 3, 0, 1));
	result("a negative start", lk(rd, SETLK64, F_RDLCK, SEEK_SET, -1, 1));
	result("a length before the start of the file", lk(rd, SETLK64, F_RDLCK, SEEK_SET, 5, -6));
	result("F_GETLK of F_UNLCK", syscall(SYS_fcntl64, rd, GETLK64, &f));
	result("a bad pointer", syscall(SYS_fcntl64, rd, SETLK64, (void *) 1));
	result("O_PATH", lk(path_fd, SETLK64, F_RDLCK, SEEK_SET, 0, 1));
	result("a closed descriptor", lk(1000, SETLK64, F_RDLCK, SEEK_SET, 0, 1));
	close(rd);
	close(wr);
	close(path_fd);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	parent_pid = getpid();
	if (work_dir(dir, sizeof(dir), argc > 1 ? argv[1] : NULL, "locks") < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/file", dir);
	close(open(path, O_CREAT | O_RDWR, 0644));
	ranges();
	flags = waits_flags();
	if (flags == NULL)
		return 1;
	released('u');
	released('c');
	released('x');
	interrupted(0);
	interrupted(1);
	deadlock();
	bad_requests();
	unlink(path);
	result("rmdir", rmdir(dir));
	return 0;
}
