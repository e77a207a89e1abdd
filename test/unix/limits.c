/*
 * Bad input and limits, on Ernst only (TAP; test/unix/limits.sh):
 * - messages sent straight to the proc service with Mach traps, past the
 *   emulation library: garbage is refused with MIG's errors and the
 *   service lives on; a request acts on the process whose port it came
 *   on, so the only process a program can act on as itself is its own;
 * - a fork bomb ends with EAGAIN at the process limit, and afterwards
 *   the system forks again.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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
	fork_bomb();
	printf("1..%d\n", n_tests);
	return n_failed != 0;
}
