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
	int32_t nice;	      /* its nice value (setpriority), PROC_NICE_MIN..PROC_NICE_MAX */
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


/*
 * Resource limits (proc_getrlimits, proc_prlimit): Linux's resources,
 * numbers and 64-bit values (RLIM64_INFINITY is PROC_RLIM_INFINITY).
 */
#define PROC_RLIMIT_CPU 0
#define PROC_RLIMIT_FSIZE 1
#define PROC_RLIMIT_DATA 2
#define PROC_RLIMIT_STACK 3
#define PROC_RLIMIT_CORE 4
#define PROC_RLIMIT_RSS 5
#define PROC_RLIMIT_NPROC 6
#define PROC_RLIMIT_NOFILE 7
#define PROC_RLIMIT_MEMLOCK 8
#define PROC_RLIMIT_AS 9
#define PROC_RLIMIT_LOCKS 10
#define PROC_RLIMIT_SIGPENDING 11
#define PROC_RLIMIT_MSGQUEUE 12
#define PROC_RLIMIT_NICE 13
#define PROC_RLIMIT_RTPRIO 14
#define PROC_RLIMIT_RTTIME 15
#define PROC_RLIMIT_COUNT 16 /* Linux's RLIM_NLIMITS */
#define PROC_RLIM_INFINITY (~(uint64_t)0)
/* The descriptors a process can have (the emulation library's table):
 * RLIMIT_NOFILE's ceiling, as Linux's fs.nr_open (EPERM above it). */
#define PROC_FD_MAX 256
struct proc_rlimit {
	uint64_t cur, max;
};
struct proc_rlimits {
	struct proc_rlimit lim[PROC_RLIMIT_COUNT];
};
typedef struct proc_rlimits proc_rlimits_t;

/* proc_getpriority, proc_setpriority: which (Linux's PRIO_*), nice range. */
#define PROC_PRIO_PROCESS 0
#define PROC_PRIO_PGRP 1
#define PROC_PRIO_USER 2
#define PROC_NICE_MIN (-20)
#define PROC_NICE_MAX 19

#endif
