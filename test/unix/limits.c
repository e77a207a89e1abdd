/*
 * Bad input and limits, on Ernst only (TAP; test/unix/limits.sh):
 * - messages sent straight to the proc service with Mach traps, past the
 *   emulation library: garbage is refused with MIG's errors and the
 *   service lives on; a request acts on the process whose port it came
 *   on, so the only process a program can act on as itself is its own;
 * - a fork bomb ends with EAGAIN at the process limit, and afterwards
 *   the system forks again;
 * - a nice value is the Mach priority of the process's task and threads
 *   (asked of the kernel by hand), a fork child's too.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mach_by_hand.h"

#define TASK_BOOTSTRAP_PORT 4
#define ID_TASK_GET_SPECIAL_PORT 2058
#define ID_PROC_GETIDS 31801
#define ID_PROC_EXIT 31803
#define ID_PROC_SETPGID 31805
#define ID_PROC_IDS 31817
#define PROC_IDS_SETUID 1
#define PROC_IDS_EXEC 7
#define LINUX_EPERM 1
#define FORKS_MAX 1000
#define ID_TASK_INFO 2012
#define ID_THREAD_INFO 2019
#define TASK_BASIC_INFO 1
#define TASK_BASIC_INFO_COUNT 10
#define THREAD_BASIC_INFO 1
#define THREAD_BASIC_INFO_COUNT 13
#define THREAD_BASE_PRIORITY 5 /* in struct thread_basic_info's words */
#define TASK_BASE_PRIORITY 1   /* in struct task_basic_info's */

static uint32_t proc_port(void)
{
	uint32_t body[2] = {TYPE_INT32, TASK_BOOTSTRAP_PORT};
	struct reply r;
	if (rpc(mtrap_task_self(), ID_TASK_GET_SPECIAL_PORT, body, 2, &r) != 0 || r.ret != 0)
		return 0;
	return r.words[1]; /* after the port's type word */
}

static void forged_messages(void)
{
	struct reply r;
	reply_port = mtrap_reply_port();
	uint32_t proc = proc_port();
	ok(proc != 0, "our proc port, from the task's bootstrap port");

	ok(rpc(proc, ID_PROC_GETIDS, NULL, 0, &r) == 0 && r.ret == 0 && (int)r.words[1] == getpid(),
	   "proc_getids by hand on it answers our own pid");
	ok(rpc(proc, 31899, NULL, 0, &r) == 0 && r.ret == MIG_BAD_ID, "an unknown message id: MIG_BAD_ID");
	uint32_t short_body[1] = {TYPE_INT32};
	ok(rpc(proc, 31804, short_body, 1, &r) == 0 && r.ret == MIG_BAD_ARGUMENTS,
	   "proc_kill without its arguments: MIG_BAD_ARGUMENTS");
	uint32_t bad_type[4] = {0x10082002u, 1, TYPE_INT32, 0}; /* an int with a wrong size */
	ok(rpc(proc, 31804, bad_type, 4, &r) == 0 && r.ret == MIG_BAD_ARGUMENTS,
	   "proc_kill with a wrong type descriptor: MIG_BAD_ARGUMENTS");
	ok(rpc(0x7777, ID_PROC_GETIDS, NULL, 0, &r) == SEND_INVALID_DEST,
	   "a name that is no port of ours reaches nothing (MACH_SEND_INVALID_DEST)");
	ok(getpid() > 0 && getppid() >= 0, "the service still answers the library");

	/* A child can only act as itself: proc_exit by hand ends the child
	 * (the process of the port), with the status it gave. */
	pid_t p = fork();
	if (p == 0) {
		reply_port = mtrap_reply_port();
		uint32_t mine = proc_port();
		uint32_t body[2] = {TYPE_INT32, 0x4200};
		struct {
			struct header h;
			uint32_t b[2];
		} m = {{BITS(COPY_SEND, 0), sizeof(m), mine, 0, 0, ID_PROC_EXIT}, {body[0], body[1]}};
		mtrap_msg(&m, SEND_MSG, sizeof(m), 0, 0, 0, 0);
		for (;;)
			pause();
	}
	int st = 0;
	waitpid(p, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0x42,
	   "proc_exit sent by hand ended the sender, with its status");

	/* setpgid of a process that is not one's child is refused. */
	p = fork();
	if (p == 0) {
		reply_port = mtrap_reply_port();
		uint32_t mine = proc_port();
		uint32_t body[4] = {TYPE_INT32, (uint32_t)getppid(), TYPE_INT32, 0};
		struct reply rr;
		int refused = rpc(mine, ID_PROC_SETPGID, body, 4, &rr) == 0 && rr.ret != 0;
		_exit(refused ? 0 : 1);
	}
	waitpid(p, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child cannot move its parent to another group");

	/* Identity is the proc service's to judge: asking by hand for more
	 * than the rules give is refused, whatever the library would do. */
	uint32_t exec_ids[8] = {TYPE_INT32, PROC_IDS_EXEC, TYPE_INT32, 0, TYPE_INT32, 0, TYPE_INT32, 0};
	ok(rpc(proc, ID_PROC_IDS, exec_ids, 8, &r) == 0 && r.ret == LINUX_EPERM,
	   "proc_ids(PROC_IDS_EXEC) outside a set-user-ID exec: EPERM");
	p = fork();
	if (p == 0) {
		reply_port = mtrap_reply_port();
		uint32_t mine = proc_port();
		if (setuid(1000) != 0)
			_exit(2);
		uint32_t to_root[8] = {TYPE_INT32, PROC_IDS_SETUID, TYPE_INT32, 0, TYPE_INT32, 0, TYPE_INT32, 0};
		struct reply rr;
		int refused = rpc(mine, ID_PROC_IDS, to_root, 8, &rr) == 0 && rr.ret == LINUX_EPERM;
		_exit(refused && getuid() == 1000 && geteuid() == 1000 ? 0 : 1);
	}
	waitpid(p, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "uid 1000 asking proc by hand for uid 0: EPERM, ids unchanged");
}

/* The kernel's base priority of our task (thread 0) or of this thread. */
static int mach_priority(int thread)
{
	uint32_t body[4] = {TYPE_INT32, TASK_BASIC_INFO, TYPE_INT32, TASK_BASIC_INFO_COUNT};
	struct reply r;

	reply_port = mtrap_reply_port();
	if (thread) {
		body[1] = THREAD_BASIC_INFO;
		body[3] = THREAD_BASIC_INFO_COUNT;
	}
	if (rpc(thread ? mtrap_thread_self() : mtrap_task_self(), thread ? ID_THREAD_INFO : ID_TASK_INFO, body, 4,
		&r) != 0 ||
	    r.ret != 0)
		return -1;
	/* words[0] is the array's type descriptor. */
	return (int)r.words[1 + (thread ? THREAD_BASE_PRIORITY : TASK_BASE_PRIORITY)];
}

/* nice 0 is Mach's user priority 16; nice 1..19 are 17..30; a negative
 * nice stays at 16 (the single server cannot raise a thread above its
 * processor set's maximum). */
static void nice_priorities(void)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		int before = mach_priority(0);
		setpriority(PRIO_PROCESS, 0, 10);
		int task10 = mach_priority(0), thread10 = mach_priority(1);
		pid_t c = fork();
		if (c == 0)
			_exit(mach_priority(0) == 24 && mach_priority(1) == 24 ? 0 : 1);
		int cst = 1;
		waitpid(c, &cst, 0);
		setpriority(PRIO_PROCESS, 0, 19);
		int task19 = mach_priority(0);
		setpriority(PRIO_PROCESS, 0, -5);
		int task_neg = mach_priority(1);
		setpriority(PRIO_PROCESS, 0, 0);
		int task0 = mach_priority(0), thread0 = mach_priority(1);
		printf("# Mach priorities: nice 0 %d, 10 %d/%d, 19 %d, -5 %d, 0 again %d/%d\n", before, task10, thread10,
		       task19, task_neg, task0, thread0);
		_exit(before == 16 && task10 == 24 && thread10 == 24 && WIFEXITED(cst) && WEXITSTATUS(cst) == 0 &&
			      task19 == 30 && task_neg == 16 && task0 == 16 && thread0 == 16
			  ? 0
			  : 1);
	}
	waitpid(p, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "nice 10 is Mach priority 24 for the task and its threads, a fork child's too; 19 is 30, 0 and -5 are 16");
}

static void fork_bomb(void)
{
	static pid_t kids[FORKS_MAX];
	int n = 0, err = 0;
	while (n < FORKS_MAX) {
		pid_t p = fork();
		if (p == 0) {
			for (;;)
				pause();
		}
		if (p < 0) {
			err = errno;
			break;
		}
		kids[n++] = p;
	}
	printf("# %d processes forked before fork failed\n", n);
	ok(n < FORKS_MAX && err == EAGAIN, "a fork bomb is stopped with EAGAIN at the process limit");
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	int reaped = 0;
	for (int i = 0; i < n; i++)
		reaped += waitpid(kids[i], NULL, 0) == kids[i];
	ok(reaped == n, "all of them killed and waited for");
	pid_t p = fork();
	if (p == 0)
		_exit(5);
	int st = 0;
	ok(p > 0 && waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 5, "afterwards fork works again");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	forged_messages();
	nice_priorities();
	fork_bomb();
	printf("1..%d\n", n_tests);
	return n_failed != 0;
}
