/*
 * Processes: pids, parents and children, process groups and sessions,
 * exit status and wait, kill, the process limit.  Each process is known
 * by its proc port (a receive right here); a request acts on the process
 * whose port it arrived on.  Tasks are watched with dead-name
 * notifications, so a process whose task dies without proc_exit still
 * ends (killed) for its parent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include <mach.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/notify.h>
#include <mach/notify_server.h>
#include <mach/task_special_ports.h>
#include <servers/linux_errno.h>
#include <servers/proc_server.h>
#include <servers/proc_reply.h>
#include <servers/proc_msg.h>
#include <servers/proc_types.h>
#include "proc.h"

#define NSIG 64
#define SIGHUP 1
#define SIGKILL 9
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define WUNTRACED 2
#define W_STOPCODE(sig) (((sig) << 8) | 0x7f)
#define WNOHANG 1
#define W_EXITCODE(c) (((c)&0xff) << 8)
#define INIT_PID 1

enum proc_state { PROC_FREE, PROC_ALIVE, PROC_ZOMBIE };

#define USEC_PER_SEC 1000000

/* Who a process is: ids[] in the order of proc_ids' answer. */
enum { RUID, EUID, SUID, RGID, EGID, SGID, FSUID, FSGID, NIDS };
struct proc_cred {
	uint32_t ids[NIDS];
	uint32_t ngroups;
	uint32_t groups[PROC_NGROUPS_MAX];
};

struct proc {
	enum proc_state state;
	int pid, ppid, pgrp, sid;
	mach_port_t port;	/* our receive right: the process's identity */
	task_t task;		/* send right */
	mach_port_t msgport;	/* send right: proc_msg.defs, or null */
	uint64_t pending;	/* signals its message port's queue did not take, or that had none */
	mach_port_t sig_notify; /* send-once right: proc_msg_sig_pending at the next such signal, or null */
	unsigned posted;	/* messages sent to msgport since it was set: posts, sig_notify's */
	int status;		/* zombie: wait status */
	mach_port_t wait_reply; /* a waiting proc_wait's reply (send-once), or null */
	int wait_pid, wait_options;
	int stop_sig;	   /* stopped by this signal (task suspended), or 0 */
	int stop_reported; /* the parent's WUNTRACED wait saw the stop */
	char *exe;	   /* proc_exec's path (malloc'd), or NULL */
	char comm[PROC_COMM_MAX + 1];
	char *args;	   /* its arguments, args_len bytes (malloc'd), or NULL */
	size_t args_len;
	struct proc *hash_next; /* living processes by port: proc_hash */
	struct proc_cred cred;
	struct proc_exec *exec; /* proc_exec_setid's, until proc_exec_state takes it */
	int exec_boot;		/* its task was made by proc_exec_setid; ids not yet set */
	int no_ctty;		/* it gave its session's terminal up: proc_tty_detach */
	/* CPU times in microseconds: its own (a zombie's, read as it
	 * ended), and its children's that it waited for, theirs included. */
	int64_t user_us, sys_us, child_user_us, child_sys_us;
	struct proc_rlimits rlim; /* its resource limits: prlimit */
	mach_port_t rlim_notify;  /* send-once right: proc_msg_rlimits at the next change, or null */
	int nice;		  /* PROC_NICE_MIN..PROC_NICE_MAX: its task's Mach priority */
};

/* What a task made by proc_exec_setid starts with. */
struct proc_exec {
	mach_port_t file;
	int argc, envc, umask;
	mach_msg_type_number_t nargs, nports, nfds;
	char args[PROC_EXEC_ARGS_MAX];
	mach_port_t ports[PROC_EXEC_FDS_MAX + 2];
	int fds[PROC_EXEC_FDS_MAX];
	int sigs[PROC_EXEC_SIGS];
};

static struct proc procs[PROC_MAX];
/* Every request starts by finding its process from the port it came on:
 * a hash of the living ones, so that it costs the same for every pid. */
#define PROC_HASH_SIZE 128
static struct proc *proc_hash[PROC_HASH_SIZE];
static mach_port_t proc_port_set, proc_notify, proc_info_recv;
static int last_pid;
/* proc_take_ended_leaders' queue: sessions whose leader ended. */
static int ended_leaders[PROC_MAX];
static int n_ended_leaders;
static mach_port_t init_ports[5];
static mach_port_t services[PROC_SERVICE_COUNT];
void (*proc_init_ended)(int status);
kern_return_t (*proc_new_task)(task_t *task, thread_t *thread);

void proc_init(mach_port_t port_set)
{
	proc_port_set = port_set;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &proc_notify);
	mach_port_move_member(mach_task_self(), proc_notify, port_set);
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &proc_info_recv);
}

mach_port_t proc_info_port(void)
{
	return proc_info_recv;
}

void proc_set_init_ports(mach_port_t root, mach_port_t cwd, mach_port_t fd0, mach_port_t fd1, mach_port_t fd2)
{
	mach_port_t p[5] = {root, cwd, fd0, fd1, fd2};
	memcpy(init_ports, p, sizeof(p));
}

void proc_set_service(int which, mach_port_t port)
{
	if (which >= 0 && which < PROC_SERVICE_COUNT)
		services[which] = port;
}

static struct proc **proc_hash_head(mach_port_t port)
{
	return &proc_hash[(port ^ (port >> 7)) % PROC_HASH_SIZE];
}

static struct proc *proc_by_port(mach_port_t port)
{
	for (struct proc *p = *proc_hash_head(port); p != NULL; p = p->hash_next)
		if (p->port == port)
			return p;
	return NULL;
}

static void proc_hash_remove(struct proc *p)
{
	struct proc **pp = proc_hash_head(p->port);
	while (*pp != p)
		pp = &(*pp)->hash_next;
	*pp = p->hash_next;
}

static struct proc *proc_by_pid(int pid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

static int pid_in_use(int pid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_FREE &&
		    (procs[i].pid == pid || procs[i].pgrp == pid || procs[i].sid == pid))
			return 1;
	return 0;
}

/* The task's death comes to us as a dead name. */
static kern_return_t watch_task(task_t task)
{
	/* The request takes a send-once right (MOVE_SEND_ONCE): make one. */
	mach_port_t so = MACH_PORT_NULL, prev;
	mach_msg_type_name_t so_type;
	kern_return_t kr = mach_port_extract_right(mach_task_self(), proc_notify, MACH_MSG_TYPE_MAKE_SEND_ONCE,
						   &so, &so_type);
	if (kr == KERN_SUCCESS) {
		kr = mach_port_request_notification(mach_task_self(), task, MACH_NOTIFY_DEAD_NAME, 0, so, &prev);
		if (kr != KERN_SUCCESS)
			mach_port_deallocate(mach_task_self(), so);
		else if (MACH_PORT_VALID(prev))
			mach_port_deallocate(mach_task_self(), prev);
	}
	return kr;
}

static void rlimits_changed(struct proc *q);
static void apply_nice(struct proc *q);

static struct proc *proc_new(task_t task)
{
	struct proc *p = NULL;
	for (int i = 0; i < PROC_MAX && p == NULL; i++)
		if (procs[i].state == PROC_FREE)
			p = &procs[i];
	if (p == NULL)
		return NULL;
	mach_port_t port;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS)
		return NULL;
	if (watch_task(task) != KERN_SUCCESS) {
		mach_port_destroy(mach_task_self(), port);
		return NULL;
	}
	mach_port_move_member(mach_task_self(), port, proc_port_set);
	do
		last_pid = last_pid >= PROC_PID_MAX ? 2 : last_pid + 1;
	while (pid_in_use(last_pid));
	memset(p, 0, sizeof(*p));
	p->state = PROC_ALIVE;
	p->pid = last_pid;
	p->port = port;
	p->hash_next = *proc_hash_head(port);
	*proc_hash_head(port) = p;
	p->task = task;
	return p;
}

/* Linux's limits at boot (its INIT_RLIMITS), with Ernst's own ceilings
 * for processes and descriptors; the first process starts with them. */
#define STACK_DEFAULT (8ull << 20)
#define MEMLOCK_DEFAULT (8ull << 20)
#define MSGQUEUE_DEFAULT 819200ull
static void rlimits_default(struct proc_rlimits *r)
{
	for (int i = 0; i < PROC_RLIMIT_COUNT; i++)
		r->lim[i].cur = r->lim[i].max = PROC_RLIM_INFINITY;
	r->lim[PROC_RLIMIT_STACK].cur = STACK_DEFAULT;
	r->lim[PROC_RLIMIT_CORE].cur = 0;
	r->lim[PROC_RLIMIT_NPROC].cur = r->lim[PROC_RLIMIT_NPROC].max = PROC_MAX;
	r->lim[PROC_RLIMIT_SIGPENDING].cur = r->lim[PROC_RLIMIT_SIGPENDING].max = PROC_MAX;
	r->lim[PROC_RLIMIT_NOFILE].cur = r->lim[PROC_RLIMIT_NOFILE].max = PROC_FD_MAX;
	r->lim[PROC_RLIMIT_MEMLOCK].cur = r->lim[PROC_RLIMIT_MEMLOCK].max = MEMLOCK_DEFAULT;
	r->lim[PROC_RLIMIT_MSGQUEUE].cur = r->lim[PROC_RLIMIT_MSGQUEUE].max = MSGQUEUE_DEFAULT;
	r->lim[PROC_RLIMIT_NICE].cur = r->lim[PROC_RLIMIT_NICE].max = 0;
	r->lim[PROC_RLIMIT_RTPRIO].cur = r->lim[PROC_RLIMIT_RTPRIO].max = 0;
}

int proc_create_first(task_t task, mach_port_t *port)
{
	struct proc *p = proc_new(task);
	if (p == NULL)
		return LINUX_EAGAIN;
	rlimits_default(&p->rlim);
	p->ppid = 0;
	p->pgrp = p->sid = p->pid;
	*port = p->port;
	return 0;
}

/* ---- signals ---- */

/* A waiting proc_wait of p ends with EINTR: a signal is on its way
 * (the library restarts the call if the signal is ignored or the
 * handler has SA_RESTART). */
static void interrupt_wait(struct proc *p)
{
	if (!MACH_PORT_VALID(p->wait_reply))
		return;
	if (proc_wait_reply(p->wait_reply, LINUX_EINTR, 0, 0, p->posted) != KERN_SUCCESS)
		mach_port_deallocate(mach_task_self(), p->wait_reply);
	p->wait_reply = MACH_PORT_NULL;
}

/* A right of ours, if any, goes; *port is null after. */
static void right_drop(mach_port_t *port)
{
	if (MACH_PORT_VALID(*port))
		mach_port_deallocate(mach_task_self(), *port);
	*port = MACH_PORT_NULL;
}

/* p's message port goes (its end, a new image's port), and with it the
 * rights for its news (a new image gives its own). */
static void msgport_drop(struct proc *p)
{
	right_drop(&p->msgport);
	right_drop(&p->rlim_notify);
	right_drop(&p->sig_notify);
}

/*
 * Signal sig to p: posted to its message port with a zero timeout, so a
 * process that does not listen cannot hold the service up.  A full
 * queue (a stopped process's: its task is suspended; a burst) keeps the
 * signal in p->pending, and the library is told on the send-once right
 * it gave (proc_sig_pending), which the kernel queues however full the
 * queue is; it takes the pending set with the next right.  With no right
 * given (the news is on its way), that taking finds this one too.  The
 * news counts as a post: a wait4's answer that follows it has the
 * library take it, and with it the signals, before wait4 returns.
 */
static void post(struct proc *p, int sig, int sender)
{
	if (p->state != PROC_ALIVE)
		return;
	if (MACH_PORT_VALID(p->msgport) && proc_msg_sig_post(p->msgport, sig, sender) == KERN_SUCCESS) {
		p->posted++;
	} else {
		p->pending |= 1ull << (sig - 1);
		mach_port_t notify = p->sig_notify;
		p->sig_notify = MACH_PORT_NULL;
		if (MACH_PORT_VALID(notify) && proc_msg_sig_pending(notify) == KERN_SUCCESS)
			p->posted++;
		else
			right_drop(&notify); /* a dead name, or null */
	}
	interrupt_wait(p);
}

static void proc_end(struct proc *p, int status);
static void wake_waiter(struct proc *parent);

/*
 * A child of parent ended or stopped: its SIGCHLD, then the answer to a
 * wait for it.  The answer says how many signals were posted (the
 * SIGCHLD included), and the library has its signal thread take them
 * before wait4 returns: the handler runs first, as on Linux.  So the
 * wait is set aside while the signal is posted (the SIGCHLD of the
 * child it reports must not make it EINTR), and only a wait this change
 * does not answer (for another child) is interrupted after.
 */
static void tell_parent(struct proc *parent)
{
	mach_port_t reply = parent->wait_reply;

	parent->wait_reply = MACH_PORT_NULL;
	post(parent, SIGCHLD, 0);
	parent->wait_reply = reply;
	wake_waiter(parent);
	interrupt_wait(parent);
}

/* p stops: its task is suspended, its parent told (WUNTRACED, SIGCHLD). */
static void proc_stopped(struct proc *p, int sig)
{
	if (p->stop_sig != 0)
		return;
	task_suspend(p->task);
	p->stop_sig = sig;
	p->stop_reported = 0;
	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].state == PROC_ALIVE && procs[i].pid == p->ppid)
			tell_parent(&procs[i]);
	}
}

static void deliver(struct proc *p, int sig, int sender)
{
	if (p->state != PROC_ALIVE || sig == 0)
		return;
	switch (sig) {
	case SIGKILL:
		proc_end(p, SIGKILL);
		break;
	case SIGSTOP:
		proc_stopped(p, SIGSTOP);
		break;
	case SIGCONT:
		if (p->stop_sig != 0) {
			p->stop_sig = 0;
			task_resume(p->task);
		}
		post(p, sig, sender);
		break;
	default:
		post(p, sig, sender);
	}
}

/* ---- wait ---- */

static void reap(struct proc *c)
{
	free(c->exe);
	free(c->args);
	memset(c, 0, sizeof(*c));
}

static int wait_matches(const struct proc *parent, const struct proc *c, int pid)
{
	if (c->state == PROC_FREE || c->ppid != parent->pid)
		return 0;
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgrp == parent->pgrp;
	if (pid < -1)
		return c->pgrp == -pid;
	return 1;
}

/* A child matching pid that has something to report: a zombie, or
 * (WUNTRACED) a stop not yet reported; *any says whether any matches. */
static struct proc *find_zombie(const struct proc *parent, int pid, int options, int *any)
{
	*any = 0;
	for (int i = 0; i < PROC_MAX; i++) {
		if (!wait_matches(parent, &procs[i], pid))
			continue;
		*any = 1;
		if (procs[i].state == PROC_ZOMBIE)
			return &procs[i];
		if ((options & WUNTRACED) && procs[i].stop_sig != 0 && !procs[i].stop_reported)
			return &procs[i];
	}
	return NULL;
}

/* What proc_wait answers for c, which find_zombie chose. */
static int report_status(const struct proc *c)
{
	return c->state == PROC_ZOMBIE ? c->status : W_STOPCODE(c->stop_sig);
}

/* c's report is taken: a zombie goes, its times (and its children's)
 * added to its parent's children's; a stop is marked seen. */
static void report_taken(struct proc *c)
{
	if (c->state == PROC_ZOMBIE) {
		struct proc *parent = proc_by_pid(c->ppid);
		if (parent != NULL) {
			parent->child_user_us += c->user_us + c->child_user_us;
			parent->child_sys_us += c->sys_us + c->child_sys_us;
		}
		reap(c);
	} else {
		c->stop_reported = 1;
	}
}


/* Answer parent's waiting proc_wait if it can be answered now. */
static void wake_waiter(struct proc *parent)
{
	int any;
	if (parent == NULL || !MACH_PORT_VALID(parent->wait_reply))
		return;
	struct proc *z = find_zombie(parent, parent->wait_pid, parent->wait_options, &any);
	if (z == NULL && any)
		return;
	mach_port_t reply = parent->wait_reply;
	parent->wait_reply = MACH_PORT_NULL;
	if (z == NULL) {
		proc_wait_reply(reply, LINUX_ECHILD, 0, 0, parent->posted);
		return;
	}
	/* The zombie goes only if the answer got through (a caller that gave
	 * up destroyed its reply port: the child stays to be waited for). */
	if (proc_wait_reply(reply, 0, report_status(z), z->pid, parent->posted) == KERN_SUCCESS)
		report_taken(z);
	else
		mach_port_deallocate(mach_task_self(), reply);
}

/* The rights proc_exec_setid left for a task that will not take them. */
static void exec_free(struct proc *p)
{
	struct proc_exec *e = p->exec;

	if (e == NULL)
		return;
	mach_port_deallocate(mach_task_self(), e->file);
	for (mach_msg_type_number_t i = 0; i < e->nports; i++)
		if (MACH_PORT_VALID(e->ports[i]))
			mach_port_deallocate(mach_task_self(), e->ports[i]);
	free(e);
	p->exec = NULL;
}

static int pgrp_orphaned(int pgrp);

/*
 * Linux's kill_orphaned_pgrp: when a process ends, a group it linked to
 * the rest of its session (link, in another group of session sid: the
 * ending process or its parent) that is orphaned now and has a stopped
 * member gets SIGHUP, then SIGCONT, so that it is not left stopped with
 * nobody in its session to continue it.
 */
static void hup_if_orphaned(int pgrp, const struct proc *link, int sid)
{
	int stopped = 0;

	if (link->pgrp == pgrp || link->sid != sid || !pgrp_orphaned(pgrp))
		return;
	for (int i = 0; i < PROC_MAX; i++)
		stopped |= procs[i].state == PROC_ALIVE && procs[i].pgrp == pgrp && procs[i].stop_sig != 0;
	if (!stopped)
		return;
	proc_signal_group(pgrp, SIGHUP);
	proc_signal_group(pgrp, SIGCONT);
}

static void proc_end(struct proc *p, int status)
{
	if (p->state != PROC_ALIVE)
		return;
	if (mach_task_times(p->task, &p->user_us, &p->sys_us) != KERN_SUCCESS)
		p->user_us = p->sys_us = 0;
	task_terminate(p->task);
	mach_port_deallocate(mach_task_self(), p->task);
	p->task = MACH_PORT_NULL;
	msgport_drop(p);
	if (MACH_PORT_VALID(p->wait_reply))
		mach_port_deallocate(mach_task_self(), p->wait_reply);
	p->wait_reply = MACH_PORT_NULL;
	proc_hash_remove(p);
	exec_free(p);
	mach_port_destroy(mach_task_self(), p->port);
	p->port = MACH_PORT_NULL;
	p->state = PROC_ZOMBIE;
	p->status = status;
	if (p->pid == p->sid && n_ended_leaders < PROC_MAX)
		ended_leaders[n_ended_leaders++] = p->sid;
	if (p->pid == INIT_PID && proc_init_ended != NULL)
		proc_init_ended(status);
	/* Orphans go to init, and init learns of those already dead. */
	struct proc *init = proc_by_pid(INIT_PID);
	int orphaned_zombie = 0;
	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].state != PROC_FREE && procs[i].ppid == p->pid && &procs[i] != p) {
			procs[i].ppid = INIT_PID;
			orphaned_zombie |= procs[i].state == PROC_ZOMBIE;
			/* p may have been the child's group's link to the session. */
			if (procs[i].state == PROC_ALIVE)
				hup_if_orphaned(procs[i].pgrp, p, procs[i].sid);
		}
	}
	if (orphaned_zombie && init != NULL)
		wake_waiter(init);
	struct proc *parent = proc_by_pid(p->ppid);
	/* And p's parent may be its own group's no more. */
	if (parent != NULL)
		hup_if_orphaned(p->pgrp, parent, p->sid);
	if (parent == NULL || parent->state != PROC_ALIVE) {
		reap(p); /* nobody will wait for it */
		return;
	}
	tell_parent(parent);
}

int proc_end_all(void)
{
	int n = 0;

	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].state == PROC_ALIVE) {
			proc_end(&procs[i], SIGKILL);
			n++;
		}
	}
	return n;
}

/* ---- proc.defs ---- */

kern_return_t S_proc_wait(mach_port_t port, mach_port_t reply, mach_msg_type_name_t reply_poly, int pid,
			  int options, int *status, int *rpid, unsigned *posted)
{
	(void)reply_poly; /* a send-once right, as MIG's user stub makes it */
	struct proc *p = proc_by_port(port);
	int any;

	if (p == NULL)
		return LINUX_ESRCH;
	if (options & ~(WNOHANG | 2 | 8))
		return LINUX_EINVAL;
	*posted = p->posted;
	struct proc *z = find_zombie(p, pid, options, &any);
	if (!any)
		return LINUX_ECHILD;
	if (z != NULL) {
		*status = report_status(z);
		*rpid = z->pid;
		report_taken(z);
		return 0;
	}
	if (options & WNOHANG) {
		*status = 0;
		*rpid = 0;
		return 0;
	}
	/* One waiting call per process: an earlier one was given up. */
	if (MACH_PORT_VALID(p->wait_reply))
		mach_port_deallocate(mach_task_self(), p->wait_reply);
	p->wait_reply = reply;
	p->wait_pid = pid;
	p->wait_options = options;
	return MIG_NO_REPLY;
}

kern_return_t S_proc_getids(mach_port_t port, int *pid, int *ppid, int *pgrp, int *sid)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	*pid = p->pid, *ppid = p->ppid, *pgrp = p->pgrp, *sid = p->sid;
	return 0;
}

/* p runs exe as comm with args (copies; what does not fit in memory is left out). */
static void set_program(struct proc *p, const char *exe, const char *comm, const char *args, size_t args_len)
{
	snprintf(p->comm, sizeof(p->comm), "%.*s", PROC_COMM_MAX, comm);
	free(p->exe);
	free(p->args);
	p->exe = exe != NULL ? strdup(exe) : NULL;
	p->args = args_len != 0 ? malloc(args_len) : NULL;
	p->args_len = p->args != NULL ? args_len : 0;
	if (p->args != NULL)
		memcpy(p->args, args, args_len);
}

/*
 * Linux's RLIMIT_NPROC at fork: the processes of p's real uid (zombies
 * until reaped count, as there) against p's soft limit; root (real or
 * effective uid 0) is exempt.  PROC_MAX holds for everybody.
 */
static int nproc_reached(const struct proc *p)
{
	uint64_t n = 0;

	if (p->cred.ids[RUID] == 0 || p->cred.ids[EUID] == 0)
		return 0;
	for (int i = 0; i < PROC_MAX; i++)
		n += procs[i].state != PROC_FREE && procs[i].cred.ids[RUID] == p->cred.ids[RUID];
	return n >= p->rlim.lim[PROC_RLIMIT_NPROC].cur;
}

kern_return_t S_proc_fork(mach_port_t port, task_t child_task, mach_port_t *child_proc, int *child_pid)
{
	struct proc *p = proc_by_port(port), *c;

	if (p == NULL || !MACH_PORT_VALID(child_task) || child_task == mach_task_self()) {
		if (MACH_PORT_VALID(child_task) && child_task != mach_task_self())
			mach_port_deallocate(mach_task_self(), child_task);
		return p == NULL ? LINUX_ESRCH : LINUX_EINVAL;
	}
	if (nproc_reached(p) || (c = proc_new(child_task)) == NULL) {
		mach_port_deallocate(mach_task_self(), child_task);
		return LINUX_EAGAIN;
	}
	c->ppid = p->pid;
	c->pgrp = p->pgrp;
	c->sid = p->sid;
	c->no_ctty = p->no_ctty;
	set_program(c, p->exe, p->comm, p->args, p->args_len);
	c->cred = p->cred;
	c->rlim = p->rlim;
	c->nice = p->nice; /* its task has our task's priority already (task_create) */
	*child_proc = c->port;
	*child_pid = c->pid;
	return 0;
}

kern_return_t S_proc_exit(mach_port_t port, int status)
{
	struct proc *p = proc_by_port(port);

	if (p != NULL)
		proc_end(p, status);
	return MIG_NO_REPLY;
}

/* May p signal q?  Root may; others only processes of their own real
 * or effective uid (q's real or saved), and SIGCONT in their session. */
static int may_signal(const struct proc *p, const struct proc *q, int sig)
{
	const uint32_t *s = p->cred.ids, *t = q->cred.ids;

	return s[EUID] == 0 || s[RUID] == t[RUID] || s[RUID] == t[SUID] || s[EUID] == t[RUID] ||
	       s[EUID] == t[SUID] || (sig == SIGCONT && p->sid == q->sid);
}

kern_return_t S_proc_kill(mach_port_t port, int pid, int sig, unsigned *posted)
{
	struct proc *p = proc_by_port(port);
	int found = 0, permitted = 0;

	if (p == NULL)
		return LINUX_ESRCH;
	*posted = p->posted;
	if (sig < 0 || sig > NSIG)
		return LINUX_EINVAL;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *q = &procs[i];
		int match;
		if (q->state != PROC_ALIVE)
			continue;
		if (pid > 0)
			match = q->pid == pid;
		else if (pid == 0)
			match = q->pgrp == p->pgrp;
		else if (pid == -1)
			match = q->pid != INIT_PID && q != p;
		else
			match = q->pgrp == -pid;
		if (match) {
			found = 1;
			if (!may_signal(p, q, sig))
				continue;
			permitted = 1;
			/* The caller last: SIGKILL to itself ends this request's sender. */
			if (q != p)
				deliver(q, sig, p->pid);
		}
	}
	if (!found)
		return LINUX_ESRCH;
	if (!permitted)
		return LINUX_EPERM;
	int self = pid > 0 ? p->pid == pid : pid == 0 ? 1 : pid < -1 ? p->pgrp == -pid : 0;
	if (self)
		deliver(p, sig, p->pid);
	*posted = p->posted;
	return 0;
}

kern_return_t S_proc_setpgid(mach_port_t port, int pid, int pgid)
{
	struct proc *p = proc_by_port(port), *t;

	if (p == NULL)
		return LINUX_ESRCH;
	if (pgid < 0)
		return LINUX_EINVAL;
	t = pid == 0 ? p : proc_by_pid(pid);
	if (t == NULL || t->state != PROC_ALIVE || (t != p && t->ppid != p->pid))
		return LINUX_ESRCH;
	if (t->sid != p->sid || t->pid == t->sid)
		return LINUX_EPERM;
	if (pgid == 0)
		pgid = t->pid;
	if (pgid != t->pid) {
		int exists = 0;
		for (int i = 0; i < PROC_MAX; i++)
			exists |=
			    procs[i].state == PROC_ALIVE && procs[i].pgrp == pgid && procs[i].sid == p->sid;
		if (!exists)
			return LINUX_EPERM;
	}
	t->pgrp = pgid;
	return 0;
}

kern_return_t S_proc_setsid(mach_port_t port, int *sid)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_ALIVE && procs[i].pgrp == p->pid)
			return LINUX_EPERM;
	p->sid = p->pgrp = p->pid;
	p->no_ctty = 0; /* a new session, which has no terminal yet */
	*sid = p->sid;
	return 0;
}

kern_return_t S_proc_set_msgport(mach_port_t port, mach_port_t msgport, mach_port_t sig_notify)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL) {
		right_drop(&msgport);
		right_drop(&sig_notify);
		return LINUX_ESRCH;
	}
	msgport_drop(p);
	p->msgport = msgport;
	p->sig_notify = sig_notify; /* for the posts below too */
	p->posted = 0; /* the library counts the new port's posts from 0 */
	uint64_t pending = p->pending;
	p->pending = 0;
	for (int sig = 1; sig <= NSIG; sig++)
		if (pending & (1ull << (sig - 1)))
			post(p, sig, 0);
	return 0;
}

/* The process getpgid/getsid name: the caller's for pid 0; a zombie's
 * too, as Linux's (until it is reaped).  NULL: ESRCH. */
static struct proc *id_target(mach_port_t port, int pid)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL || pid < 0)
		return NULL;
	return pid == 0 ? p : proc_by_pid(pid);
}

kern_return_t S_proc_getpgid(mach_port_t port, int pid, int *pgid)
{
	struct proc *t = id_target(port, pid);

	if (t == NULL)
		return LINUX_ESRCH;
	*pgid = t->pgrp;
	return 0;
}

kern_return_t S_proc_child_times(mach_port_t port, int *user_sec, int *user_usec, int *sys_sec, int *sys_usec)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	*user_sec = (int)(p->child_user_us / USEC_PER_SEC);
	*user_usec = (int)(p->child_user_us % USEC_PER_SEC);
	*sys_sec = (int)(p->child_sys_us / USEC_PER_SEC);
	*sys_usec = (int)(p->child_sys_us % USEC_PER_SEC);
	return 0;
}

kern_return_t S_proc_getsid(mach_port_t port, int pid, int *sid)
{
	struct proc *t = id_target(port, pid);

	if (t == NULL)
		return LINUX_ESRCH;
	*sid = t->sid;
	return 0;
}

kern_return_t S_proc_getcreds(mach_port_t port, int *uid, int *euid, int *gid, int *egid)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	*uid = p->cred.ids[RUID], *euid = p->cred.ids[EUID];
	*gid = p->cred.ids[RGID], *egid = p->cred.ids[EGID];
	return 0;
}

#define KEEP ((uint32_t) -1)

/*
 * setresuid (base RUID) or setresgid (base RGID) on ids: r, e, s or
 * KEEP.  Without privilege each new id must be one the process has.
 */
static int set_res(uint32_t *ids, int base, int privileged, uint32_t r, uint32_t e, uint32_t s)
{
	uint32_t want[3] = {r, e, s};
	uint32_t *cur = ids + base;

	for (int i = 0; i < 3; i++)
		if (!privileged && want[i] != KEEP && want[i] != cur[0] && want[i] != cur[1] && want[i] != cur[2])
			return LINUX_EPERM;
	for (int i = 0; i < 3; i++)
		if (want[i] != KEEP)
			cur[i] = want[i];
	return 0;
}

/* setuid/setgid (base RUID/RGID): all three with privilege, else the
 * effective one, to the real or saved id. */
static int set_one(uint32_t *ids, int base, int privileged, uint32_t id)
{
	uint32_t *cur = ids + base;

	if (id == KEEP)
		return LINUX_EINVAL;
	if (privileged)
		return set_res(ids, base, 1, id, id, id);
	if (id != cur[0] && id != cur[2])
		return LINUX_EPERM;
	cur[1] = id;
	return 0;
}

/* setreuid/setregid: the real id to the real or effective one, the
 * effective to any of the three; the saved one follows the effective
 * when the real one is set or the effective becomes other than the real. */
static int set_re(uint32_t *ids, int base, int privileged, uint32_t r, uint32_t e)
{
	uint32_t *cur = ids + base, old_r = cur[0];

	if (!privileged && r != KEEP && r != cur[0] && r != cur[1])
		return LINUX_EPERM;
	if (!privileged && e != KEEP && e != cur[0] && e != cur[1] && e != cur[2])
		return LINUX_EPERM;
	if (r != KEEP)
		cur[0] = r;
	if (e != KEEP)
		cur[1] = e;
	if (r != KEEP || (e != KEEP && e != old_r))
		cur[2] = cur[1];
	return 0;
}

/* setfsuid/setfsgid (base RUID/RGID, fs FSUID/FSGID): to an id the
 * process has, or any with privilege; -1 or another changes nothing
 * (Linux answers the old id either way, never an error). */
static void set_fs(uint32_t *ids, int base, int fs, int privileged, uint32_t id)
{
	const uint32_t *cur = ids + base;

	if (id != KEEP && (privileged || id == cur[0] || id == cur[1] || id == cur[2] || id == ids[fs]))
		ids[fs] = id;
}

kern_return_t S_proc_ids(mach_port_t port, int op, int a, int b, int c, int *ruid, int *euid, int *suid, int *rgid,
			 int *egid, int *sgid, int *fsuid, int *fsgid)
{
	struct proc *p = proc_by_port(port);
	uint32_t ids[NIDS];
	int rc = 0, priv;

	if (p == NULL)
		return LINUX_ESRCH;
	memcpy(ids, p->cred.ids, sizeof(ids));
	/* Changing gids takes CAP_SETGID, uids CAP_SETUID: both are root's. */
	priv = ids[EUID] == 0;
	switch (op) {
	case PROC_IDS_GET:
		break;
	case PROC_IDS_SETUID:
	case PROC_IDS_SETGID:
		rc = set_one(ids, op == PROC_IDS_SETUID ? RUID : RGID, priv, (uint32_t) a);
		break;
	case PROC_IDS_SETREUID:
	case PROC_IDS_SETREGID:
		rc = set_re(ids, op == PROC_IDS_SETREUID ? RUID : RGID, priv, (uint32_t) a, (uint32_t) b);
		break;
	case PROC_IDS_EXEC:
		/* Only the fresh library of a proc_exec_setid task, once. */
		if (!p->exec_boot)
			return LINUX_EPERM;
		p->exec_boot = 0;
		if ((uint32_t) a != KEEP)
			ids[EUID] = (uint32_t) a;
		if ((uint32_t) b != KEEP)
			ids[EGID] = (uint32_t) b;
		ids[SUID] = ids[EUID];
		ids[SGID] = ids[EGID];
		break;
	case PROC_IDS_SETRESUID:
	case PROC_IDS_SETRESGID:
		rc = set_res(ids, op == PROC_IDS_SETRESUID ? RUID : RGID, priv, (uint32_t) a, (uint32_t) b,
			     (uint32_t) c);
		break;
	case PROC_IDS_SETFSUID:
		set_fs(ids, RUID, FSUID, priv, (uint32_t) a);
		break;
	case PROC_IDS_SETFSGID:
		set_fs(ids, RGID, FSGID, priv, (uint32_t) a);
		break;
	default:
		rc = LINUX_EINVAL;
	}
	if (rc != 0)
		return rc;
	/* Every other change of uids (gids) sets the file-system one to the
	 * effective one, as Linux's. */
	if (op == PROC_IDS_SETUID || op == PROC_IDS_SETREUID || op == PROC_IDS_SETRESUID || op == PROC_IDS_EXEC)
		ids[FSUID] = ids[EUID];
	if (op == PROC_IDS_SETGID || op == PROC_IDS_SETREGID || op == PROC_IDS_SETRESGID || op == PROC_IDS_EXEC)
		ids[FSGID] = ids[EGID];
	memcpy(p->cred.ids, ids, sizeof(ids));
	*ruid = ids[RUID], *euid = ids[EUID], *suid = ids[SUID];
	*rgid = ids[RGID], *egid = ids[EGID], *sgid = ids[SGID];
	*fsuid = ids[FSUID], *fsgid = ids[FSGID];
	return 0;
}

kern_return_t S_proc_getgroups(mach_port_t port, proc_groups_t groups, mach_msg_type_number_t *ngroups)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	memcpy(groups, p->cred.groups, p->cred.ngroups * sizeof(groups[0]));
	*ngroups = p->cred.ngroups;
	return 0;
}

kern_return_t S_proc_setgroups(mach_port_t port, const proc_groups_t groups, mach_msg_type_number_t ngroups)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	if (p->cred.ids[EUID] != 0)
		return LINUX_EPERM;
	if (ngroups > PROC_NGROUPS_MAX)
		return LINUX_EINVAL;
	for (mach_msg_type_number_t i = 0; i < ngroups; i++)
		if (groups[i] < 0)
			return LINUX_EINVAL;
	memcpy(p->cred.groups, groups, ngroups * sizeof(groups[0]));
	p->cred.ngroups = ngroups;
	return 0;
}

kern_return_t S_proc_get_init_ports(mach_port_t port, mach_port_t *root, mach_port_t *cwd, mach_port_t *fd0,
				    mach_port_t *fd1, mach_port_t *fd2)
{
	if (proc_by_port(port) == NULL)
		return LINUX_ESRCH;
	*root = init_ports[0], *cwd = init_ports[1];
	*fd0 = init_ports[2], *fd1 = init_ports[3], *fd2 = init_ports[4];
	return 0;
}

kern_return_t S_proc_stop(mach_port_t port, int sig)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	if (sig != SIGSTOP && sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		return LINUX_EINVAL;
	proc_stopped(p, sig);
	return 0;
}

kern_return_t S_proc_get_service(mach_port_t port, int which, mach_port_t *service)
{
	if (proc_by_port(port) == NULL)
		return LINUX_ESRCH;
	if (which < 0 || which >= PROC_SERVICE_COUNT)
		return LINUX_EINVAL;
	*service = services[which];
	return 0;
}

kern_return_t S_proc_exec(mach_port_t port, const char *exe, const char *comm, const proc_args_t args,
			  mach_msg_type_number_t args_len, int *ids_changed)
{
	struct proc *p = proc_by_port(port);
	uint32_t *ids;

	if (p == NULL)
		return LINUX_ESRCH;
	if (exe[0] != '/' || args_len > PROC_ARGS_MAX || (args_len != 0 && args[args_len - 1] != '\0'))
		return LINUX_EINVAL;
	set_program(p, exe, comm, args, args_len);
	/* Linux's execve: saved and file-system ids from the effective ones. */
	ids = p->cred.ids;
	*ids_changed = ids[SUID] != ids[EUID] || ids[FSUID] != ids[EUID] || ids[SGID] != ids[EGID] ||
		       ids[FSGID] != ids[EGID];
	ids[SUID] = ids[FSUID] = ids[EUID];
	ids[SGID] = ids[FSGID] = ids[EGID];
	return 0;
}

/* Who may ask about processes: the info port, or any process. */
static int may_inquire(mach_port_t port)
{
	return port == proc_info_recv || proc_by_port(port) != NULL;
}

kern_return_t S_proc_pids(mach_port_t port, proc_pids_t pids, mach_msg_type_number_t *count)
{
	mach_msg_type_number_t n = 0;

	if (!may_inquire(port))
		return LINUX_ESRCH;
	for (int i = 0; i < PROC_MAX; i++) {
		if (procs[i].state == PROC_FREE)
			continue;
		/* In order: insertion into what is sorted so far. */
		mach_msg_type_number_t j = n++;
		for (; j > 0 && pids[j - 1] > procs[i].pid; j--)
			pids[j] = pids[j - 1];
		pids[j] = procs[i].pid;
	}
	*count = n;
	return 0;
}

static uint32_t usec_of(time_value_t t)
{
	return (uint32_t)t.microseconds;
}

/* Add time value b to the seconds and microseconds in *sec, *usec. */
static void time_add(uint32_t *sec, uint32_t *usec, time_value_t b)
{
	*sec += (uint32_t)b.seconds;
	*usec += usec_of(b);
	if (*usec >= 1000000) {
		*usec -= 1000000;
		*sec += 1;
	}
}

/* What the kernel says of p's task and threads: state, sizes, times. */
static void task_figures(struct proc *p, struct proc_info *info)
{
	struct task_basic_info tb;
	mach_msg_type_number_t n = TASK_BASIC_INFO_COUNT;
	thread_array_t threads;
	mach_msg_type_number_t nthreads = 0;
	int running = 0;

	if (task_info(p->task, TASK_BASIC_INFO, (task_info_t)&tb, &n) == KERN_SUCCESS) {
		info->vsize = tb.virtual_size;
		info->rss = tb.resident_size;
		info->priority = tb.base_priority;
		info->start_sec = (uint32_t)tb.creation_time.seconds;
		info->start_usec = usec_of(tb.creation_time);
		/* Threads that ended: the task's own figures. */
		time_add(&info->utime_sec, &info->utime_usec, tb.user_time);
		time_add(&info->stime_sec, &info->stime_usec, tb.system_time);
	}
	if (task_threads(p->task, &threads, &nthreads) != KERN_SUCCESS)
		nthreads = 0;
	for (mach_msg_type_number_t i = 0; i < nthreads; i++) {
		struct thread_basic_info th;
		n = THREAD_BASIC_INFO_COUNT;
		if (thread_info(threads[i], THREAD_BASIC_INFO, (thread_info_t)&th, &n) == KERN_SUCCESS) {
			running |= th.run_state == TH_STATE_RUNNING;
			time_add(&info->utime_sec, &info->utime_usec, th.user_time);
			time_add(&info->stime_sec, &info->stime_usec, th.system_time);
		}
		mach_port_deallocate(mach_task_self(), threads[i]);
	}
	if (nthreads != 0)
		vm_deallocate(mach_task_self(), (vm_offset_t)threads, nthreads * sizeof(*threads));
	/* The emulation library's signal thread is not a Linux thread. */
	info->nthreads = nthreads > 1 ? (int32_t)nthreads - 1 : 1;
	info->state = p->stop_sig != 0 ? PROC_STATE_STOPPED : running ? PROC_STATE_RUNNING : PROC_STATE_SLEEPING;
}

kern_return_t S_proc_info(mach_port_t port, int pid, proc_info_t *info, char *args,
			  mach_msg_type_number_t *args_len, char *exe)
{
	struct proc *p;

	if (!may_inquire(port))
		return LINUX_ESRCH;
	p = proc_by_pid(pid);
	if (p == NULL || pid <= 0)
		return LINUX_ESRCH;
	memset(info, 0, sizeof(*info));
	info->pid = p->pid, info->ppid = p->ppid, info->pgrp = p->pgrp, info->sid = p->sid;
	info->nthreads = 1;
	memcpy(info->comm, p->comm, sizeof(info->comm));
	if (p->state == PROC_ZOMBIE) {
		info->state = PROC_STATE_ZOMBIE;
		info->exit_status = p->status;
	} else {
		info->uid = p->cred.ids[RUID], info->euid = p->cred.ids[EUID], info->suid = p->cred.ids[SUID];
		info->gid = p->cred.ids[RGID], info->egid = p->cred.ids[EGID], info->sgid = p->cred.ids[SGID];
		info->fsuid = p->cred.ids[FSUID], info->fsgid = p->cred.ids[FSGID];
		info->no_ctty = p->no_ctty;
		info->nice = p->nice;
		task_figures(p, info);
	}
	/* A zombie's arguments are gone, as Linux's are. */
	*args_len = p->state == PROC_ZOMBIE ? 0 : (mach_msg_type_number_t)p->args_len;
	if (*args_len != 0)
		memcpy(args, p->args, *args_len);
	snprintf(exe, PROC_PATH_MAX, "%s", p->exe != NULL ? p->exe : "");
	return 0;
}

/* Linux's orphaned process group: no member has a living parent in
 * another group of the same session (init does not count). */
static int pgrp_orphaned(int pgrp)
{
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *q = &procs[i], *parent;
		if (q->state != PROC_ALIVE || q->pgrp != pgrp)
			continue;
		parent = proc_by_pid(q->ppid);
		if (parent != NULL && parent->state == PROC_ALIVE && parent->pid != INIT_PID &&
		    parent->pgrp != pgrp && parent->sid == q->sid)
			return 0;
	}
	return 1;
}

kern_return_t S_proc_tty_background(mach_port_t port, int sig)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	if (sig != SIGTTIN && sig != SIGTTOU)
		return LINUX_EINVAL;
	if (pgrp_orphaned(p->pgrp))
		return LINUX_EIO;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_ALIVE && procs[i].pgrp == p->pgrp && &procs[i] != p)
			deliver(&procs[i], sig, p->pid);
	return 0;
}

void proc_signal_group(int pgrp, int sig)
{
	if (pgrp <= 0 || sig <= 0 || sig > NSIG)
		return;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_ALIVE && procs[i].pgrp == pgrp)
			deliver(&procs[i], sig, 0);
}

int proc_whois(mach_port_t port, int *pid, int *pgrp, int *sid, int *euid)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	*pid = p->pid, *pgrp = p->pgrp, *sid = p->sid;
	*euid = (int)p->cred.ids[EUID];
	return 0;
}

void proc_tty_detach(int pid)
{
	struct proc *p = proc_by_pid(pid);

	if (p != NULL && p->state == PROC_ALIVE && p->pid != p->sid)
		p->no_ctty = 1;
}

int proc_pgrp_session(int pgrp)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_ALIVE && procs[i].pgrp == pgrp)
			return procs[i].sid;
	return 0;
}

int proc_take_ended_leaders(int *sids, int max)
{
	if (n_ended_leaders == 0) /* after nearly every request */
		return 0;
	int n = n_ended_leaders < max ? n_ended_leaders : max;

	memcpy(sids, ended_leaders, n * sizeof(int));
	memmove(ended_leaders, ended_leaders + n, (n_ended_leaders - n) * sizeof(int));
	n_ended_leaders -= n;
	return n;
}

/* ---- notifications (on our private port only) ---- */

kern_return_t do_mach_notify_dead_name(mach_port_t notify, mach_port_name_t name)
{
	if (notify != proc_notify)
		return KERN_FAILURE;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_ALIVE && procs[i].task == name)
			proc_end(&procs[i], SIGKILL);
	/* The notification's own reference to the dead name. */
	mach_port_deallocate(mach_task_self(), name);
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_port_deleted(mach_port_t notify, mach_port_name_t name)
{
	(void)notify, (void)name;
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_msg_accepted(mach_port_t notify, mach_port_name_t name)
{
	(void)notify, (void)name;
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_port_destroyed(mach_port_t notify, mach_port_t rights)
{
	(void)notify;
	mach_port_destroy(mach_task_self(), rights);
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_no_senders(mach_port_t notify, mach_port_mscount_t mscount)
{
	(void)notify, (void)mscount;
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_send_once(mach_port_t notify)
{
	(void)notify;
	return KERN_SUCCESS;
}

boolean_t proc_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return proc_server(in, out) || notify_server(in, out);
}

/* ---- set-user-ID exec ---- */

/* Whether args holds exactly words NUL-terminated words. */
static int args_ok(const char *args, mach_msg_type_number_t n, int words)
{
	int nuls = 0;

	for (mach_msg_type_number_t i = 0; i < n; i++)
		nuls += args[i] == '\0';
	return n > 0 && args[n - 1] == '\0' && nuls == words;
}

kern_return_t S_proc_exec_setid(mach_port_t port, mach_port_t file, int argc, int envc, const proc_exec_args_t args,
				mach_msg_type_number_t nargs, const proc_exec_ports_t ports, mach_msg_type_number_t nports,
				const proc_exec_fds_t fds, mach_msg_type_number_t nfds, int umask,
				const proc_exec_sigs_t sigs)
{
	struct proc *p = proc_by_port(port);
	struct proc_exec *e;
	task_t task;
	thread_t thread;
	mach_port_t newport;

	if (p == NULL)
		return LINUX_ESRCH;
	if (argc < 1 || envc < 0 || !args_ok(args, nargs, argc + envc) || nports != nfds + 2 || !MACH_PORT_VALID(file))
		return LINUX_EINVAL;
	for (mach_msg_type_number_t i = 0; i < nfds; i++)
		if (fds[i] < 0 || fds[i] >= PROC_EXEC_FD_LIMIT)
			return LINUX_EINVAL;
	if (proc_new_task == NULL || (e = malloc(sizeof(*e))) == NULL)
		return LINUX_EAGAIN;
	if (proc_new_task(&task, &thread) != KERN_SUCCESS) {
		free(e);
		return LINUX_EAGAIN;
	}
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &newport) != KERN_SUCCESS ||
	    watch_task(task) != KERN_SUCCESS) {
		task_terminate(task);
		mach_port_deallocate(mach_task_self(), task);
		mach_port_deallocate(mach_task_self(), thread);
		free(e);
		return LINUX_EAGAIN;
	}
	e->file = file;
	e->argc = argc, e->envc = envc, e->umask = umask;
	e->nargs = nargs, e->nports = nports, e->nfds = nfds;
	memcpy(e->args, args, nargs);
	memcpy(e->ports, ports, nports * sizeof(ports[0]));
	memcpy(e->fds, fds, nfds * sizeof(fds[0]));
	memcpy(e->sigs, sigs, sizeof(e->sigs));

	/* The old task goes, unwatched (its dead name must not end the
	 * process), and with it every right to the old proc port. */
	mach_port_t prev = MACH_PORT_NULL;
	if (mach_port_request_notification(mach_task_self(), p->task, MACH_NOTIFY_DEAD_NAME, 0, MACH_PORT_NULL,
					   &prev) == KERN_SUCCESS &&
	    MACH_PORT_VALID(prev))
		mach_port_deallocate(mach_task_self(), prev);
	task_terminate(p->task);
	mach_port_deallocate(mach_task_self(), p->task);
	msgport_drop(p);
	proc_hash_remove(p);
	mach_port_destroy(mach_task_self(), p->port);

	mach_port_move_member(mach_task_self(), newport, proc_port_set);
	mach_port_insert_right(mach_task_self(), newport, newport, MACH_MSG_TYPE_MAKE_SEND);
	task_set_special_port(task, TASK_BOOTSTRAP_PORT, newport);
	mach_port_deallocate(mach_task_self(), newport);
	p->port = newport;
	p->hash_next = *proc_hash_head(newport);
	*proc_hash_head(newport) = p;
	p->task = task;
	p->exec = e;
	p->exec_boot = 1;
	if (p->nice != 0)
		apply_nice(p);
	thread_resume(thread);
	mach_port_deallocate(mach_task_self(), thread);
	/* The answer goes to a dead reply port: nobody waits for it. */
	return 0;
}

kern_return_t S_proc_exec_state(mach_port_t port, mach_port_t *file, int *argc, int *envc, proc_exec_args_t args,
				mach_msg_type_number_t *nargs, proc_exec_ports_out_t ports, mach_msg_type_number_t *nports,
				proc_exec_fds_t fds, mach_msg_type_number_t *nfds, int *umask, mach_port_t *authority,
				proc_exec_sigs_t sigs)
{
	struct proc *p = proc_by_port(port);
	struct proc_exec *e;

	if (p == NULL)
		return LINUX_ESRCH;
	if ((e = p->exec) == NULL)
		return LINUX_EINVAL;
	*file = e->file;
	*argc = e->argc, *envc = e->envc, *umask = e->umask;
	memcpy(args, e->args, e->nargs);
	*nargs = e->nargs;
	/* The rights move to the new task with the answer. */
	memcpy(ports, e->ports, e->nports * sizeof(ports[0]));
	*nports = e->nports;
	memcpy(fds, e->fds, e->nfds * sizeof(fds[0]));
	*nfds = e->nfds;
	memcpy(sigs, e->sigs, sizeof(e->sigs));
	*authority = init_ports[0];
	free(e);
	p->exec = NULL;
	return 0;
}

/* ---- resource limits and priorities ---- */

/*
 * q's limits were changed by another process: its library's copy is
 * stale.  Told on the send-once right it gave, which the kernel queues
 * even on a full queue (a stopped process's, one flooded with signals):
 * a send with a timeout on its message port could be lost.  With no
 * right given (the library has not asked since the last news, or has
 * not started), its next proc_rlimits_notify answers the new limits.
 */
static void rlimits_changed(struct proc *q)
{
	mach_port_t notify = q->rlim_notify;

	q->rlim_notify = MACH_PORT_NULL;
	if (MACH_PORT_VALID(notify) && proc_msg_rlimits(notify) != KERN_SUCCESS)
		right_drop(&notify); /* a dead name */
}

kern_return_t S_proc_getrlimits(mach_port_t port, proc_rlimits_t *limits)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL)
		return LINUX_ESRCH;
	*limits = p->rlim;
	return 0;
}

kern_return_t S_proc_rlimits_notify(mach_port_t port, mach_port_t notify, proc_rlimits_t *limits)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL) {
		if (MACH_PORT_VALID(notify))
			mach_port_deallocate(mach_task_self(), notify);
		return LINUX_ESRCH;
	}
	right_drop(&p->rlim_notify);
	p->rlim_notify = notify;
	*limits = p->rlim;
	return 0;
}

kern_return_t S_proc_sig_pending(mach_port_t port, mach_port_t notify, uint64_t *pending)
{
	struct proc *p = proc_by_port(port);

	if (p == NULL) {
		right_drop(&notify);
		return LINUX_ESRCH;
	}
	right_drop(&p->sig_notify);
	p->sig_notify = notify;
	*pending = p->pending;
	p->pending = 0;
	return 0;
}

/* Linux's check_prlimit_permission: may p read or change q's limits? */
static int may_prlimit(const struct proc *p, const struct proc *q)
{
	const uint32_t *s = p->cred.ids, *t = q->cred.ids;

	if (p == q || s[EUID] == 0)
		return 1;
	return s[RUID] == t[RUID] && s[RUID] == t[EUID] && s[RUID] == t[SUID] && s[RGID] == t[RGID] &&
	       s[RGID] == t[EGID] && s[RGID] == t[SGID];
}

kern_return_t S_proc_prlimit(mach_port_t port, int pid, int resource, int set, uint64_t new_cur, uint64_t new_max,
			     uint64_t *old_cur, uint64_t *old_max)
{
	struct proc *p = proc_by_port(port), *q;

	if (p == NULL)
		return LINUX_ESRCH;
	q = pid == 0 ? p : proc_by_pid(pid);
	if (q == NULL || pid < 0)
		return LINUX_ESRCH;
	if (!may_prlimit(p, q))
		return LINUX_EPERM;
	/* Linux's do_prlimit, in its order. */
	if (resource < 0 || resource >= PROC_RLIMIT_COUNT)
		return LINUX_EINVAL;
	struct proc_rlimit *lim = &q->rlim.lim[resource];
	if (set) {
		if (new_cur > new_max)
			return LINUX_EINVAL;
		if (resource == PROC_RLIMIT_NOFILE && new_max > PROC_FD_MAX)
			return LINUX_EPERM;
		if (new_max > lim->max && p->cred.ids[EUID] != 0)
			return LINUX_EPERM;
	}
	*old_cur = lim->cur;
	*old_max = lim->max;
	if (set) {
		lim->cur = new_cur;
		lim->max = new_max;
		if (q != p)
			rlimits_changed(q);
	}
	return 0;
}

/*
 * nice -> the Mach priority of a process's task and threads.  nice 0 is
 * BASEPRI_USER, every task's; a positive nice is a lower priority, down
 * to 30 (31 is the idle thread's).  A negative nice would need a
 * priority above the processor set's maximum for users, which only the
 * set's control port (host_priv's) grants, and the single server is
 * given none: such processes run at BASEPRI_USER.
 */
#define PRI_USER 16
#define PRI_LOWEST 30
static int nice_priority(int nice)
{
	if (nice <= 0)
		return PRI_USER;
	return PRI_USER + (nice * (PRI_LOWEST - PRI_USER) + PROC_NICE_MAX - 1) / PROC_NICE_MAX;
}

/* q's task and every thread of it, those made later too (task_priority). */
static void apply_nice(struct proc *q)
{
	if (MACH_PORT_VALID(q->task))
		task_priority(q->task, nice_priority(q->nice), TRUE);
}

/* Does q fall under getpriority/setpriority's (which, who) of caller p? */
static int prio_matches(const struct proc *p, const struct proc *q, int which, int who)
{
	if (q->state == PROC_FREE)
		return 0;
	switch (which) {
	case PROC_PRIO_PROCESS:
		return who == 0 ? q == p : q->pid == who;
	case PROC_PRIO_PGRP:
		return q->pgrp == (who == 0 ? p->pgrp : who);
	default:
		return q->cred.ids[RUID] == (who == 0 ? p->cred.ids[RUID] : (uint32_t)who);
	}
}

kern_return_t S_proc_getpriority(mach_port_t port, int which, int who, int *prio)
{
	struct proc *p = proc_by_port(port);
	int best = -1;

	if (p == NULL)
		return LINUX_ESRCH;
	if (which < PROC_PRIO_PROCESS || which > PROC_PRIO_USER)
		return LINUX_EINVAL;
	for (int i = 0; i < PROC_MAX; i++)
		if (prio_matches(p, &procs[i], which, who) && PROC_NICE_MAX + 1 - procs[i].nice > best)
			best = PROC_NICE_MAX + 1 - procs[i].nice;
	if (best < 0)
		return LINUX_ESRCH;
	*prio = best;
	return 0;
}

/* Linux's set_one_prio: 0, or why p may not give q nice. */
static int set_one_nice(const struct proc *p, struct proc *q, int nice)
{
	const uint32_t *s = p->cred.ids, *t = q->cred.ids;

	if (s[EUID] != 0 && t[RUID] != s[EUID] && t[EUID] != s[EUID])
		return LINUX_EPERM;
	/* Lower than it has: CAP_SYS_NICE, or within q's RLIMIT_NICE. */
	if (nice < q->nice && s[EUID] != 0 &&
	    (uint64_t)(PROC_NICE_MAX + 1 - nice) > q->rlim.lim[PROC_RLIMIT_NICE].cur)
		return LINUX_EACCES;
	q->nice = nice;
	apply_nice(q);
	return 0;
}

kern_return_t S_proc_setpriority(mach_port_t port, int which, int who, int nice)
{
	struct proc *p = proc_by_port(port);
	int rc = LINUX_ESRCH;

	if (p == NULL)
		return LINUX_ESRCH;
	if (which < PROC_PRIO_PROCESS || which > PROC_PRIO_USER)
		return LINUX_EINVAL;
	nice = nice < PROC_NICE_MIN ? PROC_NICE_MIN : nice > PROC_NICE_MAX ? PROC_NICE_MAX : nice;
	for (int i = 0; i < PROC_MAX; i++) {
		if (!prio_matches(p, &procs[i], which, who))
			continue;
		int r = set_one_nice(p, &procs[i], nice);
		/* As Linux: the last refusal stands, a success only ends ESRCH. */
		if (r != 0 || rc == LINUX_ESRCH)
			rc = r;
	}
	return rc;
}
