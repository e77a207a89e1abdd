/* Constants of proc.defs. */
#ifndef _SERVERS_PROC_TYPES_H_
#define _SERVERS_PROC_TYPES_H_

#include <mach/port.h>

/* proc_get_service: which service. */
#define PROC_SERVICE_PIPES 0 /* pipe.defs */
#define PROC_SERVICE_COUNT 1

#include <stdint.h>

/* What the system calls itself (uname, /proc/version). */
#define PROC_UNAME_SYSNAME "Linux" /* what programs expect of this ABI */
#define PROC_UNAME_RELEASE "6.1.0-ernst"
#define PROC_UNAME_VERSION "#1 Ernst (Mach) UNIX single server"

/* proc_exec, proc_info: the most argument bytes kept (cmdline). */
#define PROC_ARGS_MAX 4096
/* proc_exec, proc_info: the longest path, with its NUL (IO_PATH_MAX + 1). */
#define PROC_PATH_MAX 4097
/* proc_exec, proc_info: the longest command name (Linux's TASK_COMM_LEN - 1). */
#define PROC_COMM_MAX 15
/* proc_pids: the most pids one answer holds. */
#define PROC_PIDS_MAX 1024

/* proc_info's state: Linux's letters in /proc/PID/stat. */
#define PROC_STATE_RUNNING 'R'
#define PROC_STATE_SLEEPING 'S'
#define PROC_STATE_STOPPED 'T'
#define PROC_STATE_ZOMBIE 'Z'

/*
 * proc_info: one process.  Times are the Mach task's (task_info and the
 * info of its threads): creation as time of day, CPU time used so far.
 * Sizes are the task's address space and resident memory, in bytes.
 */
struct proc_info {
	int32_t pid, ppid, pgrp, sid;
	int32_t state; /* PROC_STATE_* */
	int32_t uid, euid, suid, gid, egid, sgid;
	int32_t nthreads;
	uint32_t start_sec, start_usec;
	uint32_t utime_sec, utime_usec;
	uint32_t stime_sec, stime_usec;
	uint32_t vsize, rss;
	int32_t tty;	     /* always 0: proc keeps no terminals (procfs asks the terminal's hook) */
	int32_t priority;    /* the task's Mach priority */
	int32_t exit_status; /* a zombie's wait status */
	int32_t fsuid, fsgid; /* the file-system ids (setfsuid, setfsgid) */
	int32_t no_ctty;      /* it gave its session's terminal up (TIOCNOTTY, not leading it) */
	char comm[PROC_COMM_MAX + 1]; /* the command name, NUL-terminated */
};
typedef struct proc_info proc_info_t;
typedef char *proc_args_t;
typedef char *proc_path_t;
typedef char *proc_comm_t;
typedef int *proc_pids_t;

/* proc_ids: what to do (Linux's call of that name, or nothing). */
#define PROC_IDS_GET 0
#define PROC_IDS_SETUID 1    /* setuid(a) */
#define PROC_IDS_SETREUID 2  /* setreuid(a, b) */
#define PROC_IDS_SETRESUID 3 /* setresuid(a, b, c) */
#define PROC_IDS_SETGID 4    /* setgid(a) */
#define PROC_IDS_SETREGID 5  /* setregid(a, b) */
#define PROC_IDS_SETRESGID 6 /* setresgid(a, b, c) */
#define PROC_IDS_SETFSUID 8  /* setfsuid(a) */
#define PROC_IDS_SETFSGID 9  /* setfsgid(a) */

/* Supplementary groups a process may have (proc_setgroups). */
#define PROC_NGROUPS_MAX 32
typedef int *proc_groups_t;

/* proc_exec_setid: at most this many bytes of argv and envp words, and
 * open files (besides root and cwd). */
#define PROC_EXEC_ARGS_MAX 8192
#define PROC_EXEC_FDS_MAX 64
#define PROC_EXEC_FD_LIMIT 256 /* fd numbers are below this */
#define PROC_EXEC_SIGS 4       /* proc_exec_sigs_t: the mask, the ignored signals (64 bits each) */
#define PROC_IDS_EXEC 7 /* proc_ids(PROC_IDS_EXEC, euid, egid): see proc_exec_state */
typedef char *proc_exec_args_t;
typedef mach_port_t *proc_exec_ports_t;
typedef mach_port_t *proc_exec_ports_out_t;
typedef int *proc_exec_fds_t;
typedef int proc_exec_sigs_t[PROC_EXEC_SIGS];

#endif
