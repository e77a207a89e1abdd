/*
 * The emulation library's own state and parts (unix_server/emul/README).
 * A UNIX process is single-threaded here: one Linux thread (the task's
 * first thread) and the library's signal thread.
 */
#ifndef _EMUL_EMUL_H_
#define _EMUL_EMUL_H_
#include <stddef.h>
#include <stdint.h>
#include <mach.h>
#include <servers/linux_errno.h>
#include <servers/emul_boot.h>
#include <servers/io_types.h>
#include <servers/proc_types.h>
#include "linux.h"

#define IO_PATH_MAX_ 4096 /* <servers/io_types.h>'s IO_PATH_MAX */

/* The Linux thread's registers while it is in the library: saved by the
 * entry stub (entry.S), restored by its exit path.  Offsets are used
 * by entry.S: keep the order. */
struct emul_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eip, eflags;
};
extern struct emul_regs emul_regs;

#define EFLAGS_USER_DEFAULT 0x202
#define INT80_LEN 2 /* int $0x80: back up this much to restart a call */
#define PAGE 4096u
#define ROUND_PAGE(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define TRUNC_PAGE(x) ((x) & ~(PAGE - 1))

/* Per-process state that lives in the process (docs/unix.md). */
#define EMUL_FD_MAX PROC_FD_MAX /* RLIMIT_NOFILE's ceiling */
struct emul_fd {
	mach_port_t port; /* MACH_PORT_NULL: closed */
	int flags;	  /* FD_CLOEXEC */
	int not_tty;	  /* the file answered ENOTTY to TIOCGPGRP: no job control */
	unsigned ids;	  /* emul.ids when its port was made (it carries those ids), or EMUL_IDS_UNKNOWN */
};
#define EMUL_IDS_UNKNOWN 0xffffffffu /* a port from before this image (execve, boot): ids not known */
struct emul_state {
	mach_port_t proc;    /* our proc port (proc.defs) */
	mach_port_t msgport; /* receive right: signals (proc_msg.defs), exceptions */
	mach_port_t root, cwd;
	struct emul_fd fd[EMUL_FD_MAX];
	struct linux_sigaction act[LINUX_NSIG + 1];
	uint64_t blocked;	     /* the signal mask */
	struct linux_stack altstack; /* sigaltstack: size 0 when there is none */
	volatile uint64_t pending;   /* posted, not yet delivered */
	volatile unsigned posts_taken; /* proc's posts the signal thread took (proc.defs: posted) */
	thread_t linux_thread;	     /* the program's thread */
	uint32_t brk_start, brk_cur; /* program break */
	uint32_t mmap_next;	     /* where the next anonymous mapping is tried */
	uint32_t tid_address;	     /* set_tid_address */
	mach_port_t sleep_port;	     /* receive right: EMUL_WAIT_SLEEP, poll's notify port */
	mach_port_t pipes;	     /* pipe.defs service */
	mach_port_t vfork_port;	     /* a vfork child's: its parent waits until it is gone (fork.c) */
	mach_port_t host;	     /* the host port (the clock); per task, made again in a fork child */
	mach_port_t lock_owner;	     /* receive right: who holds our record locks (fd.c); per task */
	char exe_path[IO_PATH_MAX_ + 1]; /* what we run (/proc/PID/exe) */
	int pid;
	int tty_detached; /* TIOCNOTTY by a process not leading its session: no controlling terminal */
	unsigned ids;	  /* counts our changes of identity (never EMUL_IDS_UNKNOWN) */
	struct proc_rlimits rlim; /* our resource limits, as the proc service has them */
	volatile int rlim_stale;  /* another process changed them (proc_msg_rlimits) */
};
extern struct emul_state emul;
/* Set (by the signal thread) when a signal may need delivering: the
 * exit path checks it (entry.S). */
extern volatile int emul_signal_check;
/*
 * How the signal thread ends a wait of the Linux thread (README,
 * "Signals"): each kind of wait says what it waits on, and the signal
 * thread asks for an early answer there, never aborting the thread:
 * - EMUL_WAIT_PROC: proc_wait; the proc service itself answers EINTR
 *   when it posts a signal to a process that waits;
 * - EMUL_WAIT_IO: io_read/io_write on emul_wait_io; io_interrupt(tag);
 * - EMUL_WAIT_SLEEP: a receive on emul.sleep_port (nanosleep, pause,
 *   sigsuspend); the signal thread sends it an empty message.
 */
enum emul_wait { EMUL_WAIT_NONE, EMUL_WAIT_PROC, EMUL_WAIT_IO, EMUL_WAIT_SLEEP };
extern volatile enum emul_wait emul_waiting;
extern volatile mach_port_t emul_wait_io;
/* Enter a wait of that kind; 0, or -EINTR if a signal is already there. */
int emul_wait_begin(enum emul_wait kind, mach_port_t io);
/* The tag of this thread's waiting io calls (fd.c; docs/unix.md). */
int io_tag(void);
void emul_wait_end(void);
/* Wait on emul.sleep_port for a signal or timeout_ms (0: for ever);
 * -EINTR if a signal came, 0 on time-out. */
int emul_sleep(uint32_t timeout_ms);

/* itimer.c */
void emul_itimer_fork_child(void);
/* RLIMIT_CPU is now soft, hard (seconds): the timer thread watches it. */
void emul_itimer_rlimit_cpu(uint64_t soft, uint64_t hard);
int emul_task_times(int64_t *user_us, int64_t *sys_us);
int emul_children_times(int64_t *user_us, int64_t *sys_us); /* waited for, and theirs */
int emul_rusage_out(uint32_t uru, int64_t user_us, int64_t sys_us, uint32_t maxrss_kb);
int sys_setitimer(int which, uint32_t unew, uint32_t uold);
int sys_getitimer(int which, uint32_t ucur);
int sys_alarm(uint32_t seconds);
int sys_times(uint32_t ubuf);
int sys_getrusage(int who, uint32_t uru);

/* entry.S */
void emul_entry(void);
void emul_boot_entry(void);
void emul_resume(void) __attribute__((noreturn)); /* to emul_regs, via the signal check */
extern char emul_text_start[], emul_exit_restore[], emul_exit_end[];
/* Copy between the program's memory and ours: 0, or -1 if an address
 * faulted (the exception is caught and turned into this). */
int emul_copy(void *dst, const void *src, size_t n);
extern char emul_copy_start[], emul_copy_end[], emul_copy_fault[];

/* syscall.c */
void emul_syscall(void);
void emul_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int emul_copyin(void *dst, uint32_t user_src, size_t n); /* 0 or -EFAULT */
int emul_copyout(uint32_t user_dst, const void *src, size_t n);
int emul_writable(uint32_t user_dst, size_t n); /* 0 or -EFAULT */
int emul_copyin_str(char *dst, uint32_t user_src, size_t max); /* length, -EFAULT, -ENAMETOOLONG */
int emul_errno(kern_return_t kr);			       /* a service's answer -> -errno or 0 */
void emul_exit(int status) __attribute__((noreturn));

/* exec.c */
/* image: size bytes of the program, all of it, or (object: its memory
 * object to map the segments from) its head, of a file of file_size.
 * path: the name execve was given (AT_EXECFN, the command name); exe:
 * the program's own (/proc/PID/exe), which differs for scripts. */
int emul_exec_image(const void *image, size_t size, mach_port_t object, uint64_t file_size, char *const *argv,
		    char *const *envp, const char *path, const char *exe);
int sys_execve(uint32_t path, uint32_t argv, uint32_t envp);
/* execve of a file by path (in our memory), #! scripts included. */
int emul_exec_path(const char *path, char *const *argv, char *const *envp);

/* mem.c */
int sys_brk(uint32_t addr);
int sys_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, uint32_t fd, uint32_t pgoff);
int sys_munmap(uint32_t addr, uint32_t len);
int sys_mprotect(uint32_t addr, uint32_t len, uint32_t prot);
int sys_msync(uint32_t addr, uint32_t len, uint32_t flags);
/* Map file (an open io port) at [addr, addr + size) or anywhere (addr 0)
 * from offset: MAP_SHARED or MAP_PRIVATE, with prot; the address or -errno. */
int emul_map_file(mach_port_t file, uint32_t addr, uint32_t size, uint32_t prot, uint32_t flags, uint64_t offset);
/* exec: the program's mappings are gone; fork child: their names mean nothing. */
void emul_mmap_forget(void);
void emul_mmap_fork_child(void);
int sys_set_thread_area(uint32_t uinfo);
void emul_mem_reset(uint32_t brk_start);

/* fork.c */
int sys_fork(int vfork);
void emul_vfork_release(void);
int sys_clone(uint32_t flags, uint32_t stack);

/* signal.c */
void emul_signal_init(void);
int sys_rt_sigaction(int sig, uint32_t act, uint32_t oact, uint32_t size);
int sys_sigaction(int sig, uint32_t act, uint32_t oact);
int sys_rt_sigprocmask(int how, uint32_t set, uint32_t oset, uint32_t size);
int sys_sigprocmask(int how, uint32_t set, uint32_t oset);
int sys_sigreturn(void);
int sys_sigaltstack(uint32_t uss, uint32_t uoss);
int sys_rt_sigreturn(void);
int sys_rt_sigsuspend(uint32_t set, uint32_t size);
/* A Linux sigset_t (size must be 8) from the program. */
int emul_sigmask_from_user(uint32_t uset, uint32_t size, uint64_t *set);
/* sigsuspend, ppoll, pselect6: set is the mask while the call waits;
 * returns the mask it replaced, for emul_sigmask_wait_end: a wait a
 * signal interrupted leaves it to the handler's frame (its sigreturn
 * restores it), any other end restores it at once, as Linux does. */
uint64_t emul_sigmask_wait_begin(uint64_t set);
/* Whether sig is blocked or ignored (SIG_IGN; pid 1 acts on no signal
 * it does not handle): job control's test. */
int emul_signal_blocked_or_ignored(int sig);
void emul_sigmask_wait_end(uint64_t old, int interrupted);
int sys_pause(void);
int sys_rt_sigpending(uint32_t set, uint32_t size);
/* Deliver what is pending and not blocked (called on the exit path with
 * the Linux registers in emul_regs). */
void emul_signal_deliver(void);
/* What execve keeps of the signal state: the mask and the ignored
 * signals (SIG_IGN); a set-user-ID exec passes them to the new task,
 * which sets them before the program starts. */
void emul_signal_exec_state(uint64_t *mask, uint64_t *ignored);
void emul_signal_set_exec_state(uint64_t mask, uint64_t ignored);
/* A call that waited was interrupted: -EINTR, or restart it after the
 * handler if the signal's action has SA_RESTART. */
int emul_interrupted(void);
void emul_exec_signals(void);
/* Forget pending signals that would be ignored; 1 if one that acts
 * (a handler or a default action) is still there. */
int emul_signal_drop_ignored(void);
/* Raise sig in this process (SIGPIPE after EPIPE). */
void emul_post_self(int sig);
/* proc had posted `posted` signals to us when it answered: wait until
 * the signal thread has taken them, so that they are delivered before
 * the call returns, as Linux delivers what a call makes pending. */
void emul_signal_sync(unsigned posted);

/* fd.c */
/* The lowest free fd from min below RLIMIT_NOFILE gets port (made under
 * our ids now); -EMFILE. */
int emul_fd_alloc(mach_port_t port, int flags, int min);
int emul_fd_free(void); /* 0 if emul_fd_alloc would find an fd, else -EMFILE */
/* The same, from fd on, whatever the limit: the fds a process starts
 * with (boot, a set-user-ID exec's) keep their numbers. */
int emul_fd_place(mach_port_t port, int fd);
/* fd's port (an fd or an error, ignored) came from before this image. */
void emul_fd_inherited(int fd);
/* Whether fd's port carries the ids we have now (no change since it was
 * made here), so that it needs no re-authentication to act as us. */
int emul_fd_current(int fd);
int sys_read(int fd, uint32_t buf, uint32_t count);
int sys_write(int fd, uint32_t buf, uint32_t count);
/* io_tty_ioctl's and fs_open's caller flags: what only we know (TTY_CALLER_*). */
int emul_tty_caller(void);
/* write/pwrite64/writev's loop (fd.c): off IO_OFFSET_CURRENT or a position. */
int emul_write_chunks(int fd, uint32_t buf, uint32_t count, int64_t off);
int sys_writev(int fd, uint32_t iov, int iovcnt);
int sys_readv(int fd, uint32_t iov, int iovcnt);
int sys_close(int fd);
int sys_dup(int fd);
int sys_dup2(int fd, int fd2);
int sys_fcntl64(int fd, int cmd, uint32_t arg);
int sys_flock(int fd, int op);
int sys_ioctl(int fd, uint32_t req, uint32_t arg);
int sys_vhangup(void);
int sys_pipe2(uint32_t fds, int flags);
void emul_fd_exec(void);

/* fs.c */
int sys_umask(uint32_t mask);
int sys_openat(int dirfd, uint32_t path, int flags, int mode);
int sys_fstatat64(int dirfd, uint32_t path, uint32_t st, int flags);
int sys_statx(int dirfd, uint32_t path, int flags, uint32_t mask, uint32_t buf);
int sys_fstat64(int fd, uint32_t st);
int sys_getdents64(int fd, uint32_t buf, uint32_t count);
int sys_llseek(int fd, uint32_t hi, uint32_t lo, uint32_t result, int whence);
int sys_lseek(int fd, int32_t off, int whence);
int sys_pread64(int fd, uint32_t ubuf, uint32_t count, uint32_t lo, uint32_t hi);
int sys_pwrite64(int fd, uint32_t ubuf, uint32_t count, uint32_t lo, uint32_t hi);
int sys_faccessat(int dirfd, uint32_t path, int mode, int flags);
int sys_readlinkat(int dirfd, uint32_t path, uint32_t buf, int bufsiz);
int sys_mkdirat(int dirfd, uint32_t path, int mode);
int sys_mknodat(int dirfd, uint32_t path, uint32_t mode, uint32_t dev);
int sys_unlinkat(int dirfd, uint32_t path, int flags);
int sys_renameat2(int olddirfd, uint32_t oldpath, int newdirfd, uint32_t newpath, int flags);
int sys_linkat(int olddirfd, uint32_t oldpath, int newdirfd, uint32_t newpath, int flags);
int sys_symlinkat(uint32_t target, int newdirfd, uint32_t newpath);
int sys_chdir(uint32_t path);
int sys_fchdir(int fd);
int sys_getcwd(uint32_t buf, uint32_t size);
int sys_utimensat(int dirfd, uint32_t path, uint32_t times, int flags);
int sys_fchmodat(int dirfd, uint32_t path, int mode);
int sys_fchmod(int fd, int mode);
int sys_fchownat(int dirfd, uint32_t path, int uid, int gid, int flags, int bits16);
int sys_fchown(int fd, int uid, int gid, int bits16);
int sys_utimes(int dirfd, uint32_t path, uint32_t times, int timeval);
/* cred.c: get/set*id, groups (nr: which call). */
int sys_cred(int nr, uint32_t a, uint32_t b, uint32_t c);
/* proc_ids(op, a, b, c): the ids afterwards in *ids (a change also goes
 * to the root and cwd ports, but for PROC_IDS_EXEC). */
int emul_ids_op(int op, int a, int b, int c, struct io_ids *ids);
/* The proc service changed our ids by itself (execve: proc_exec): the
 * root and cwd ports get them, and the fds count as made before. */
void emul_ids_follow(void);
/* *port becomes a port of the same file with identity ids and groups,
 * asked through authority (or *port itself when null). */
int emul_reauth_port(mach_port_t authority, mach_port_t *port, const struct io_ids *ids, int *groups,
		     unsigned ngroups);
/* fchmod, fchown and futimens are judged by the caller's identity now,
 * as on Linux, not by the one the file was opened with: *out is a new
 * port of port's file with the process's ids (through the root port,
 * which has them), to deallocate after use, or port itself (no new
 * right) for a file the root's service does not know. */
int emul_port_as_caller(mach_port_t port, mach_port_t *out);
/* exec.c: a task proc_exec_setid made starts the program it was given. */
void emul_exec_setid_boot(void);
int sys_ftruncate64(int fd, uint32_t lo, uint32_t hi);
int sys_truncate64(uint32_t upath, uint32_t lo, uint32_t hi);
int sys_fsync(int fd, int datasync);
/* sync and syncfs: every file system (through fd's service, or the root's). */
int sys_syncfs(int fd);
/* statfs64/fstatfs64 (size: the caller's struct) and the old statfs/fstatfs
 * (size 0: struct statfs, 32-bit counts, EOVERFLOW past them). */
int sys_statfs(uint32_t upath, uint32_t size, uint32_t ubuf);
int sys_fstatfs(int fd, uint32_t size, uint32_t ubuf);
/* The absolute form of path (relative to the cwd) into out. */
void emul_abs_path(const char *path, char *out, size_t size);
/* A path through /proc/self made /proc/PID (in place, size bytes): 0 if
 * it is not one, 1 if it was, 2 if it was /proc/self itself; -errno. */
int emul_proc_self(char *path, size_t size);

/* resource.c: resource limits (the proc service's; we keep a copy to
 * enforce ours) and priorities. */
/* Our limits, asked again (our copy is stale; getrlimit). */
void emul_rlimits_fetch(void);
/* At start-up (boot, execve, a fork child), after the message port: our
 * limits, and the right for the news of their next change. */
void emul_rlimits_start(void);
/* That right given again, with our limits then, into lim. */
kern_return_t emul_rlimits_notify(struct proc_rlimits *lim);
/* The soft limit of resource (PROC_RLIMIT_*) now. */
uint64_t emul_rlimit(int resource);
/* RLIMIT_FSIZE for a write of *count bytes to fd at off (IO_OFFSET_CURRENT:
 * its offset) or a truncate to off (truncate set): 0 with *count cut to
 * the limit, or -EFBIG after raising SIGXFSZ, as Linux's. */
int emul_fsize_check(mach_port_t file, int64_t off, uint32_t *count, int truncate);
/* RLIMIT_AS and RLIMIT_DATA: may the program's memory grow by a mapping
 * of size bytes (at addr, replacing what is there, with MAP_FIXED; else
 * addr 0) (data: a private writable mapping, or the break)?  0 or -ENOMEM. */
int emul_vm_may_grow(uint32_t addr, uint32_t size, int data);
int sys_getrlimit(int nr, uint32_t resource, uint32_t rlim);
int sys_setrlimit(uint32_t resource, uint32_t rlim);
int sys_prlimit64(int pid, uint32_t resource, uint32_t new_rlim, uint32_t old_rlim);
int sys_getpriority(int which, int who);
int sys_setpriority(int which, int who, int nice);
int sys_nice(int inc);

/* poll.c */
int sys_poll(uint32_t fds, uint32_t nfds, int timeout_ms);
int sys_ppoll(uint32_t fds, uint32_t nfds, uint32_t ts, uint32_t mask, uint32_t masksize);
int sys_newselect(int nfds, uint32_t r, uint32_t w, uint32_t e, uint32_t tv);
int sys_pselect6(int nfds, uint32_t r, uint32_t w, uint32_t e, uint32_t ts, uint32_t sigmask);

/* time.c */
int64_t emul_now_ms(void);
int64_t emul_now_us(void); /* the clock, in microseconds */
#define USEC_PER_SEC 1000000
int sys_clock_gettime(int clk, uint32_t ts);
int sys_gettimeofday(uint32_t tv, uint32_t tz);
int sys_time(uint32_t t);
int sys_nanosleep(uint32_t req, uint32_t rem);
int sys_clock_nanosleep(int clk, int flags, uint32_t req, uint32_t rem);
int sys_uname(uint32_t buf);
int sys_sysinfo(uint32_t buf);

#endif
