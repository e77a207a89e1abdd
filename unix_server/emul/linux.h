/*
 * The Linux i386 ABI as the emulation library sees it: system call
 * numbers (asm/unistd_32.h), structure layouts and constants.  Facts of
 * the ABI, written here so the library needs no Linux headers.
 */
#ifndef _EMUL_LINUX_H_
#define _EMUL_LINUX_H_
#include <stdint.h>

/* System call numbers. */
#define NR_exit 1
#define NR_fork 2
#define NR_read 3
#define NR_write 4
#define NR_open 5
#define NR_close 6
#define NR_waitpid 7
#define NR_execve 11
#define NR_chdir 12
#define NR_time 13
#define NR_lseek 19
#define NR_pread64 180
#define NR_pwrite64 181
#define NR_getpid 20
#define NR_getuid 24
#define NR_pause 29
#define NR_kill 37
#define NR_dup 41
#define NR_pipe 42
#define NR_brk 45
#define NR_getgid 47
#define NR_geteuid 49
#define NR_getegid 50
#define NR_ioctl 54
#define NR_setpgid 57
#define NR_umask 60
#define NR_dup2 63
#define NR_getppid 64
#define NR_getpgrp 65
#define NR_setsid 66
#define NR_sigaction 67
#define NR_gettimeofday 78
#define NR_mmap 90
#define NR_munmap 91
#define NR_vhangup 111
#define NR_wait4 114
#define NR_sigreturn 119
#define NR_clone 120
#define NR_uname 122
#define NR_sysinfo 116
#define NR_mprotect 125
#define NR_sigprocmask 126
#define NR_getpgid 132
#define NR_llseek 140
#define NR_select 142
#define NR_msync 144
#define NR_writev 146
#define NR_getsid 147
#define NR_nanosleep 162
#define NR_poll 168
#define NR_rt_sigreturn 173
#define NR_rt_sigaction 174
#define NR_rt_sigprocmask 175
#define NR_rt_sigpending 176
#define NR_rt_sigsuspend 179
#define NR_getcwd 183
#define NR_vfork 190
#define NR_ugetrlimit 191
#define NR_mmap2 192
#define NR_getuid32 199
#define NR_getgid32 200
#define NR_geteuid32 201
#define NR_getegid32 202
#define NR_fcntl64 221
#define NR_flock 143
#define NR_gettid 224
#define NR_set_thread_area 243
#define NR_sigaltstack 186
#define NR_exit_group 252
#define NR_set_tid_address 258
#define NR_clock_gettime 265
#define NR_clock_getres 266
#define NR_clock_nanosleep 267
#define NR_tgkill 270
#define NR_tkill 238
#define NR_sigpending 73
#define NR_pipe2 331
#define NR_creat 8
#define NR_link 9
#define NR_unlink 10
#define NR_chmod 15
#define NR_sync 36
#define NR_access 33
#define NR_rename 38
#define NR_mkdir 39
#define NR_mknod 14
#define NR_rmdir 40
#define NR_symlink 83
#define NR_readlink 85
#define NR_ftruncate 93
#define NR_fchmod 94
#define NR_fsync 118
#define NR_fchdir 133
#define NR_fdatasync 148
#define NR_statfs 99
#define NR_fstatfs 100
#define NR_reboot 88
#define NR_statfs64 268
#define NR_fstatfs64 269
#define NR_syncfs 344
#define NR_ftruncate64 194
#define NR_stat64 195
#define NR_lstat64 196
#define NR_fstat64 197
#define NR_getdents64 220
#define NR_openat 295
#define NR_mkdirat 296
#define NR_mknodat 297
#define NR_fstatat64 300
#define NR_unlinkat 301
#define NR_renameat 302
#define NR_linkat 303
#define NR_symlinkat 304
#define NR_readlinkat 305
#define NR_fchmodat 306
#define NR_faccessat 307
#define NR_pselect6 308
#define NR_ppoll 309
#define NR_utimensat 320
#define NR_renameat2 353
#define NR_faccessat2 439
/* Identity (the 16-bit calls first) and ownership. */
#define NR_setuid 23
#define NR_setgid 46
#define NR_setreuid 70
#define NR_setregid 71
#define NR_getgroups 80
#define NR_setgroups 81
#define NR_setfsuid 138
#define NR_setfsgid 139
#define NR_setresuid 164
#define NR_getresuid 165
#define NR_setresgid 170
#define NR_getresgid 171
#define NR_setreuid32 203
#define NR_setregid32 204
#define NR_getgroups32 205
#define NR_setgroups32 206
#define NR_setresuid32 208
#define NR_getresuid32 209
#define NR_setresgid32 210
#define NR_getresgid32 211
#define NR_setuid32 213
#define NR_setgid32 214
#define NR_setfsuid32 215
#define NR_setfsgid32 216
#define NR_lchown 16
#define NR_fchown 95
#define NR_chown 182
#define NR_lchown32 198
#define NR_fchown32 207
#define NR_chown32 212
#define NR_fchownat 298
#define NR_utime 30
#define NR_utimes 271
#define NR_futimesat 299
/* statx(2)'s answer, as Linux lays it out (256 bytes). */
struct linux_statx_time {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct linux_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct linux_statx_time atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t spare3[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "Linux's struct statx");
#define STATX_BASIC_STATS 0x7ffu /* type, mode, nlink, uid, gid, times but btime, ino, size, blocks */
#define STATX_RESERVED 0x80000000u
#define AT_STATX_SYNC_TYPE 0x6000 /* AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC */
#define AT_NO_AUTOMOUNT 0x800
#define LINUX_AT_FDCWD (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_REMOVEDIR 0x200
#define LINUX_O_CREAT_WRONLY_TRUNC 01101
#define NR_prctl 172
#define NR_sendfile64 239
#define NR_set_robust_list 311
#define NR_getrandom 355
#define NR_statx 383
#define NR_rseq 386
#define NR_clock_gettime64 403
/* Timers, CPU times, readv, truncate, sched_yield. */
#define NR_alarm 27
#define NR_times 43
#define NR_getrusage 77
#define NR_truncate 92
#define NR_setitimer 104
#define NR_getitimer 105
#define NR_readv 145
#define NR_sched_yield 158
#define NR_truncate64 193
/* Resource limits and priorities. */
#define NR_nice 34
#define NR_setrlimit 75
#define NR_getrlimit 76 /* the old one: values above 0x7fffffff read as that */
#define NR_getpriority 96
#define NR_setpriority 97
#define NR_prlimit64 340
#define LINUX_RLIM_INFINITY 0xffffffffu /* struct rlimit's (32-bit); rlimit64's is ~0 */
#define LINUX_RLIM_OLD_MAX 0x7fffffffu	/* the old getrlimit's largest value */

/* The emulation vector covers numbers [0, NR_TABLE). */
#define NR_TABLE 512

/* Errors the library makes itself (the services' come as they are). */
#define LINUX_ERESTART 512 /* internal: restart after the handler (SA_RESTART) */

/* Signals. */
#define LINUX_NSIG 64
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGSYS 31
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIG_DFL 0u
#define SIG_IGN 1u
#define SA_SIGINFO 0x4u
/* sigaltstack: stack_t's flags, and Linux's smallest size (MINSIGSTKSZ). */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM 0x80000000u
#define LINUX_MINSIGSTKSZ 2048
struct linux_stack {
	uint32_t sp;
	int32_t flags;
	uint32_t size;
};
#define SA_RESTORER 0x04000000u
#define SA_ONSTACK 0x08000000u
#define SA_RESTART 0x10000000u
#define SA_NODEFER 0x40000000u
#define SA_RESETHAND 0x80000000u
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SI_USER 0
#define SIGSET_BIT(sig) (1ull << ((sig)-1))

/* rt_sigaction's struct (the kernel's, not glibc's). */
struct linux_sigaction {
	uint32_t handler;
	uint32_t flags;
	uint32_t restorer;
	uint64_t mask;
};
/* sigaction (67): the old one, with a 32-bit mask before the flags. */
struct linux_old_sigaction {
	uint32_t handler;
	uint32_t mask;
	uint32_t flags;
	uint32_t restorer;
};

struct linux_sigcontext {
	uint32_t gs, fs, es, ds, edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t trapno, err, eip, cs, eflags, esp_at_signal, ss, fpstate, oldmask, cr2;
};
struct linux_siginfo {
	int32_t signo, errno_, code;
	int32_t pid, uid; /* kill */
	uint8_t pad[128 - 20];
};
struct linux_ucontext {
	uint32_t flags, link;
	uint32_t ss_sp, ss_flags, ss_size; /* stack_t */
	struct linux_sigcontext mcontext;
	uint64_t sigmask;
};
/* The frames Linux builds on the user stack (arch/x86 signal frames):
 * what sigreturn and rt_sigreturn read back. */
struct linux_sigframe {
	uint32_t pretcode;
	int32_t sig;
	struct linux_sigcontext sc;
	uint8_t fpstate_unused[0]; /* no FPU image: fpstate is 0 */
	uint32_t extramask;
	uint8_t retcode[8];
};
struct linux_rt_sigframe {
	uint32_t pretcode;
	int32_t sig;
	uint32_t pinfo, puc;
	struct linux_siginfo info;
	struct linux_ucontext uc;
	uint8_t retcode[8];
};

/* wait status. */
#define WNOHANG 1
#define W_EXITCODE(code) (((code)&0xff) << 8)
#define W_CORE 0x80

/* clone flags. */
#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_VFORK 0x4000
#define CLONE_THREAD 0x10000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define CLONE_SIGNAL_MASK 0xff

/* mmap. */
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_TYPE 0x0f /* MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE (3) */
#define MAP_FAILED_PAGE 4096
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* fcntl. */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_GETLK64 12
#define F_SETLK64 13
#define F_SETLKW64 14
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define O_CLOEXEC 02000000

/* set_thread_area. */
struct linux_user_desc {
	int32_t entry_number;
	uint32_t base_addr;
	uint32_t limit;
	uint32_t
	    flags; /* seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1 seg_not_present:1 useable:1 */
};
#define UD_SEG_32BIT 0x1
#define UD_CONTENTS_SHIFT 1
#define UD_READ_EXEC_ONLY 0x8
#define UD_LIMIT_IN_PAGES 0x10
#define UD_SEG_NOT_PRESENT 0x20
#define UD_USEABLE 0x40

/* Time. */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
struct linux_timespec {
	int32_t sec, nsec;
};
struct linux_timeval {
	int32_t sec, usec;
};
#define LINUX_USER_HZ 100 /* clock_t's unit: times, AT_CLKTCK */
#define LINUX_ITIMER_REAL 0
#define LINUX_ITIMER_VIRTUAL 1
#define LINUX_ITIMER_PROF 2
#define LINUX_ITIMERS 3
#define LINUX_RUSAGE_SELF 0
#define LINUX_RUSAGE_CHILDREN (-1)
#define LINUX_RUSAGE_THREAD 1
/* setitimer/getitimer (i386: 16 bytes). */
struct linux_itimerval {
	struct linux_timeval interval, value;
};
/* times: clock ticks (i386: 16 bytes). */
struct linux_tms {
	int32_t utime, stime, cutime, cstime;
};
/* getrusage, wait4 (i386: 72 bytes): the times, then 14 counters. */
struct linux_rusage {
	struct linux_timeval utime, stime;
	int32_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv, nsignals,
	    nvcsw, nivcsw;
};

struct linux_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/* sysinfo (i386: 64 bytes). */
struct linux_sysinfo {
	int32_t uptime;
	uint32_t loads[3]; /* scaled by 1 << 16 */
	uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[8];
};

/* The initial stack's auxiliary vector. */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

#endif
