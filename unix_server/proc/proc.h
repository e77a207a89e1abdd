/*
 * The proc service as a library (proc.defs): the single server links it
 * and feeds it the messages that arrive on its ports.  All calls are
 * made under the caller's lock (proc_demux takes it).
 */
#ifndef _UNIX_PROC_H_
#define _UNIX_PROC_H_
#include <mach.h>

/* Processes at once, all users together: fork beyond it is EAGAIN. */
#define PROC_MAX 64
#define PROC_PID_MAX 32768

/* Set the service up: its ports go into port_set. */
void proc_init(mach_port_t port_set);
/*
 * The info port (a receive right of ours, in no port set): proc_pids and
 * proc_info on it tell about every process.  /proc's source: hand a send
 * right to the file service.  The server serves it where it wants (the
 * single server: a thread of its own, since the file services call it
 * while they hold their lock).
 */
mach_port_t proc_info_port(void);
/* A process for task (nothing inherited: the first process), pid 1 if
 * it is the first; its proc port (a receive right of ours) in *port. */
int proc_create_first(task_t task, mach_port_t *port);
/* The ports proc_get_init_ports hands out (null until known). */
void proc_set_init_ports(mach_port_t root, mach_port_t cwd, mach_port_t fd0, mach_port_t fd1,
			 mach_port_t fd2);
/* The port proc_get_service hands out for which (<servers/proc_types.h>). */
void proc_set_service(int which, mach_port_t port);
/* Signal a process group on the system's behalf (the terminal's ^C). */
void proc_signal_group(int pgrp, int sig);
/* The system ends (init has): every process left ends as by SIGKILL, its
 * task terminated, so that none maps a file any more.  How many did. */
int proc_end_all(void);
/* The living process whose proc port is port: 0 and its ids, or ESRCH. */
int proc_whois(mach_port_t port, int *pid, int *pgrp, int *sid, int *euid);
/* The session of process group pgrp, or 0 if no living process is in it. */
int proc_pgrp_session(int pgrp);
/* Process pid gave its session's controlling terminal up for itself
 * (TIOCNOTTY, not leading the session): it and the children it forks
 * have none (proc_info's no_ctty) until a setsid. */
void proc_tty_detach(int pid);
/*
 * The sessions whose leaders have ended since the last call (at most max
 * into sids; the rest stay for the next call): the server tells the
 * terminal, outside the service's lock (the terminal's lock comes first).
 */
int proc_take_ended_leaders(int *sids, int max);
/* Make a task with a fresh emulation library for proc_exec_setid: its
 * thread, not yet resumed, starts in the library's boot entry with no
 * boot area (the library then asks proc_exec_state). */
extern kern_return_t (*proc_new_task)(task_t *task, thread_t *thread);
/* Called when init ends, with its wait status. */
extern void (*proc_init_ended)(int status);
/* Serve one message (proc.defs, or a notification of ours). */
boolean_t proc_demux(mach_msg_header_t *in, mach_msg_header_t *out);
#endif
