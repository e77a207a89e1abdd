/*
 * System call dispatch, start-up of the first process, and the calls
 * small enough to need no file of their own (ids, exit, wait, kill,
 * process groups).  Every call answers a Linux result: >= 0, or -errno.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/task_special_ports.h>
#include <servers/proc.h>
#include <servers/proc_types.h>
#include "emul.h"

extern void libmach_heap_init(void);
extern void libmach_threads_init(void);
extern mach_port_t mach_task_self_;

struct emul_regs emul_regs;
struct emul_state emul;
volatile int emul_signal_check;

#define EXIT_GRACE_MS 5000 /* how long the proc service may take to end us */

static uint32_t enosys_logged[NR_TABLE / 32];

void emul_log(const char *fmt, ...)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "emul[%d]: ", emul.pid);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	mach_print(buf);
}

/* The program may hand us any address: only [0x1000, EMUL_BASE) is its,
 * and a fault there becomes -EFAULT (emul_copy). */
static int user_range_ok(uint32_t addr, size_t n)
{
	return addr >= PAGE && addr <= EMUL_BASE && n <= EMUL_BASE - addr;
}

int emul_copyin(void *dst, uint32_t user_src, size_t n)
{
	if (!user_range_ok(user_src, n) || emul_copy(dst, (const void *)user_src, n) != 0)
		return -LINUX_EFAULT;
	return 0;
}

int emul_copyout(uint32_t user_dst, const void *src, size_t n)
{
	if (!user_range_ok(user_dst, n) || emul_copy((void *)user_dst, src, n) != 0)
		return -LINUX_EFAULT;
	return 0;
}

/* 0 if the program's [addr, addr + n) can be written (each page touched:
 * a byte read and written back), -EFAULT otherwise: for a call whose
 * data would be lost if its copy-out failed. */
int emul_writable(uint32_t addr, size_t n)
{
	uint8_t b;

	for (uint32_t a = addr; n != 0; a = TRUNC_PAGE(a) + PAGE) {
		if (emul_copyin(&b, a, 1) < 0 || emul_copyout(a, &b, 1) < 0)
			return -LINUX_EFAULT;
		if (TRUNC_PAGE(a) == TRUNC_PAGE(addr + n - 1))
			break;
	}
	return 0;
}

int emul_copyin_str(char *dst, uint32_t user_src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (emul_copyin(&dst[i], user_src + i, 1) != 0)
			return -LINUX_EFAULT;
		if (dst[i] == '\0')
			return (int)i;
	}
	return -LINUX_ENAMETOOLONG;
}

/* A service answers 0 or a positive errno; anything else is a transport
 * failure: the port is not a living service's (docs/unix.md). */
int emul_errno(kern_return_t kr)
{
	if (kr == 0)
		return 0;
	if (kr > 0 && kr < LINUX_ERRNO_MAX)
		return -(int)kr;
	if (kr == MACH_RCV_INTERRUPTED)
		return -LINUX_EINTR;
	return -LINUX_EBADF;
}

void emul_exit(int status)
{
	static mach_port_t never;
	struct {
		mach_msg_header_t h;
		char body[64];
	} m;

	proc_exit(emul.proc, status);
	/* The service ends the task (ending it ourselves first would make it
	 * a killed process); should it not answer in time, end it anyway. */
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &never) == KERN_SUCCESS)
		mach_msg_trap(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), never, EXIT_GRACE_MS,
			      MACH_PORT_NULL);
	task_terminate(mach_task_self());
	for (;;)
		;
}

/* ---- processes ---- */

static int sys_getids(int which)
{
	int pid, ppid, pgrp, sid;
	int r = emul_errno(proc_getids(emul.proc, &pid, &ppid, &pgrp, &sid));

	if (r < 0)
		return r;
	switch (which) {
	case NR_getpid:
		return pid;
	case NR_getppid:
		return ppid;
	case NR_getpgrp:
		return pgrp;
	default:
		return sid;
	}
}

static int sys_wait4(int pid, uint32_t ustatus, int options, uint32_t rusage)
{
	int status = 0, rpid = 0, r;
	unsigned posted = 0;

	if (options & ~(WNOHANG | 2 /* WUNTRACED */ | 8 /* WCONTINUED */))
		return -LINUX_EINVAL;
	/* The reaped child's times: what it adds to our children's. */
	int64_t user0 = 0, sys0 = 0, user1, sys1;
	if (rusage != 0 && (r = emul_children_times(&user0, &sys0)) < 0)
		return r;
	/* With a signal already pending, a child that has changed is still
	 * reported, as Linux does: only a wait that would block is EINTR. */
	int pending = emul_wait_begin(EMUL_WAIT_PROC, MACH_PORT_NULL) != 0;
	r = emul_errno(proc_wait(emul.proc, pid, options | (pending ? WNOHANG : 0), &status, &rpid, &posted));
	emul_wait_end();
	if (pending && !(options & WNOHANG) && r == 0 && rpid == 0)
		r = -LINUX_EINTR;
	emul_signal_sync(posted); /* the SIGCHLD of the child reported: handled before wait4 returns */
	if (r == -LINUX_EINTR)
		return emul_interrupted();
	if (r < 0)
		return r;
	if (rpid > 0 && ustatus != 0 && (r = emul_copyout(ustatus, &status, sizeof(status))) < 0)
		return r;
	/* (A stopped child's report shows nothing: only an ended child's
	 * times are counted.) */
	if (rpid > 0 && rusage != 0) {
		if ((r = emul_children_times(&user1, &sys1)) < 0 ||
		    (r = emul_rusage_out(rusage, user1 - user0, sys1 - sys0, 0)) < 0)
			return r;
	}
	return rpid;
}

/* A signal to ourselves is posted here, so that it is delivered before
 * the call returns, as Linux does; SIGKILL and SIGSTOP act in the
 * service, like every signal to another process. */
static int sys_kill(int pid, int sig)
{
	if (sig < 0 || sig > LINUX_NSIG)
		return -LINUX_EINVAL;
	if (pid == emul.pid && sig != SIGKILL && sig != SIGSTOP) {
		if (sig != 0)
			emul_post_self(sig);
		return 0;
	}
	unsigned posted = 0;
	int r = emul_errno(proc_kill(emul.proc, pid, sig, &posted));
	if (r == 0)
		emul_signal_sync(posted); /* to our own group: handled before kill returns */
	return r;
}

/*
 * reboot(2): the files are written back, then init is asked to end the
 * system as busybox's halt, poweroff and reboot (without -f) ask it:
 * SIGUSR1, SIGUSR2, SIGTERM.  The single server unmounts every file
 * system when init ends, and the machine stops (QEMU has no reset).
 */
#define REBOOT_MAGIC1 0xfee1deadu
#define REBOOT_CMD_RESTART 0x01234567u
#define REBOOT_CMD_HALT 0xcdef0123u
#define REBOOT_CMD_POWER_OFF 0x4321fedcu
#define REBOOT_CMD_CAD_ON 0x89abcdefu
#define REBOOT_CMD_CAD_OFF 0u
#define INIT_PID 1

static int sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd)
{
	static const uint32_t magic2s[] = {672274793u, 85072278u, 369367448u, 537993216u};
	int sig, ok = 0;

	for (unsigned i = 0; i < sizeof(magic2s) / sizeof(magic2s[0]); i++)
		ok |= magic2 == magic2s[i];
	if (magic1 != REBOOT_MAGIC1 || !ok)
		return -LINUX_EINVAL;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	case REBOOT_CMD_RESTART:
		sig = SIGTERM;
		break;
	case REBOOT_CMD_HALT:
		sig = SIGUSR1;
		break;
	case REBOOT_CMD_POWER_OFF:
		sig = SIGUSR2;
		break;
	default:
		return -LINUX_EINVAL;
	}
	sys_syncfs(LINUX_AT_FDCWD);
	return sys_kill(INIT_PID, sig);
}

/* Threads are processes here (one thread each): tid is the pid. */
static int sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0)
		return -LINUX_EINVAL;
	if (tgid != tid)
		return -LINUX_ESRCH;
	return sys_kill(tid, sig);
}

static int sys_setsid(void)
{
	int sid;
	int r = emul_errno(proc_setsid(emul.proc, &sid));
	if (r < 0)
		return r;
	emul.tty_detached = 0; /* a new session, without a controlling terminal */
	return sid;
}

static int sys_getpgid(int pid)
{
	int pgid;
	int r = emul_errno(proc_getpgid(emul.proc, pid, &pgid));
	return r < 0 ? r : pgid;
}

static int sys_getsid(int pid)
{
	int sid;
	int r = emul_errno(proc_getsid(emul.proc, pid, &sid));
	return r < 0 ? r : sid;
}

static int sys_set_tid_address(uint32_t addr)
{
	emul.tid_address = addr;
	return emul.pid;
}

/* ---- dispatch ---- */

/* The Linux i386 arguments are read where each call uses them (ebx,
 * ecx, edx, esi, edi, ebp in that order): copied into locals at the
 * top, all six were loaded (and three callee-saved registers spilled)
 * on every system call, whatever it used. */
void emul_syscall(void)
{
	struct emul_regs *r = &emul_regs;
	int nr = (int)r->eax, ret;

	switch (nr) {
	case NR_exit:
	case NR_exit_group:
		emul_exit(W_EXITCODE(r->ebx));
	case NR_getpid:
	case NR_getppid:
	case NR_getpgrp:
		ret = sys_getids(nr);
		break;
	case NR_getsid:
		ret = sys_getsid((int)r->ebx);
		break;
	case NR_gettid:
		ret = sys_getids(NR_getpid);
		break;
	case NR_getuid:
	case NR_geteuid:
	case NR_getgid:
	case NR_getegid:
	case NR_getuid32:
	case NR_geteuid32:
	case NR_getgid32:
	case NR_getegid32:
	case NR_setuid:
	case NR_setgid:
	case NR_setreuid:
	case NR_setregid:
	case NR_getgroups:
	case NR_setgroups:
	case NR_setfsuid:
	case NR_setfsgid:
	case NR_setresuid:
	case NR_getresuid:
	case NR_setresgid:
	case NR_getresgid:
	case NR_setreuid32:
	case NR_setregid32:
	case NR_getgroups32:
	case NR_setgroups32:
	case NR_setresuid32:
	case NR_getresuid32:
	case NR_setresgid32:
	case NR_getresgid32:
	case NR_setuid32:
	case NR_setgid32:
	case NR_setfsuid32:
	case NR_setfsgid32:
		ret = sys_cred(nr, r->ebx, r->ecx, r->edx);
		break;
	case NR_fork:
	case NR_vfork:
		ret = sys_fork(nr == NR_vfork);
		break;
	case NR_clone:
		ret = sys_clone(r->ebx, r->ecx);
		break;
	case NR_execve:
		ret = sys_execve(r->ebx, r->ecx, r->edx);
		break;
	case NR_wait4:
		ret = sys_wait4((int)r->ebx, r->ecx, (int)r->edx, r->esi);
		break;
	case NR_waitpid:
		ret = sys_wait4((int)r->ebx, r->ecx, (int)r->edx, 0);
		break;
	case NR_kill:
		ret = sys_kill((int)r->ebx, (int)r->ecx);
		break;
	case NR_tgkill:
		ret = sys_tgkill((int)r->ebx, (int)r->ecx, (int)r->edx);
		break;
	case NR_tkill:
		ret = (int)r->ebx > 0 ? sys_kill((int)r->ebx, (int)r->ecx) : -LINUX_EINVAL;
		break;
	case NR_rt_sigpending:
		ret = sys_rt_sigpending(r->ebx, r->ecx);
		break;
	case NR_setpgid:
		ret = emul_errno(proc_setpgid(emul.proc, (int)r->ebx, (int)r->ecx));
		break;
	case NR_getpgid:
		ret = sys_getpgid((int)r->ebx);
		break;
	case NR_setsid:
		ret = sys_setsid();
		break;
	case NR_set_tid_address:
		ret = sys_set_tid_address(r->ebx);
		break;
	case NR_brk:
		ret = sys_brk(r->ebx);
		break;
	case NR_mmap2:
		ret = sys_mmap2(r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp);
		break;
	case NR_mmap: {
		uint32_t args[6];
		ret = emul_copyin(args, r->ebx, sizeof(args));
		if (ret == 0)
			ret = (args[5] & (PAGE - 1))
				  ? -LINUX_EINVAL
				  : sys_mmap2(args[0], args[1], args[2], args[3], args[4], args[5] / PAGE);
		break;
	}
	case NR_munmap:
		ret = sys_munmap(r->ebx, r->ecx);
		break;
	case NR_msync:
		ret = sys_msync(r->ebx, r->ecx, r->edx);
		break;
	case NR_mprotect:
		ret = sys_mprotect(r->ebx, r->ecx, r->edx);
		break;
	case NR_set_thread_area:
		ret = sys_set_thread_area(r->ebx);
		break;
	case NR_rt_sigaction:
		ret = sys_rt_sigaction((int)r->ebx, r->ecx, r->edx, r->esi);
		break;
	case NR_sigaction:
		ret = sys_sigaction((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_rt_sigprocmask:
		ret = sys_rt_sigprocmask((int)r->ebx, r->ecx, r->edx, r->esi);
		break;
	case NR_sigprocmask:
		ret = sys_sigprocmask((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_sigreturn:
		ret = sys_sigreturn();
		break;
	case NR_sigaltstack:
		ret = sys_sigaltstack(r->ebx, r->ecx);
		break;
	case NR_rt_sigreturn:
		ret = sys_rt_sigreturn();
		break;
	case NR_rt_sigsuspend:
		ret = sys_rt_sigsuspend(r->ebx, r->ecx);
		break;
	case NR_pause:
		ret = sys_pause();
		break;
	case NR_clock_gettime:
		ret = sys_clock_gettime((int)r->ebx, r->ecx);
		break;
	case NR_gettimeofday:
		ret = sys_gettimeofday(r->ebx, r->ecx);
		break;
	case NR_time:
		ret = sys_time(r->ebx);
		break;
	case NR_alarm:
		ret = sys_alarm(r->ebx);
		break;
	case NR_setitimer:
		ret = sys_setitimer((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_getitimer:
		ret = sys_getitimer((int)r->ebx, r->ecx);
		break;
	case NR_times:
		ret = sys_times(r->ebx);
		break;
	case NR_getrusage:
		ret = sys_getrusage((int)r->ebx, r->ecx);
		break;
	case NR_nanosleep:
		ret = sys_nanosleep(r->ebx, r->ecx);
		break;
	case NR_clock_nanosleep:
		ret = sys_clock_nanosleep((int)r->ebx, (int)r->ecx, r->edx, r->esi);
		break;
	case NR_uname:
		ret = sys_uname(r->ebx);
		break;
	case NR_sysinfo:
		ret = sys_sysinfo(r->ebx);
		break;
	case NR_read:
		ret = sys_read((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_write:
		ret = sys_write((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_readv:
		ret = sys_readv((int)r->ebx, r->ecx, (int)r->edx);
		break;
	case NR_sched_yield:
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_NONE, 0);
		ret = 0;
		break;
	case NR_writev:
		ret = sys_writev((int)r->ebx, r->ecx, (int)r->edx);
		break;
	case NR_close:
		ret = sys_close((int)r->ebx);
		break;
	case NR_dup:
		ret = sys_dup((int)r->ebx);
		break;
	case NR_dup2:
		ret = sys_dup2((int)r->ebx, (int)r->ecx);
		break;
	case NR_fcntl64:
		ret = sys_fcntl64((int)r->ebx, (int)r->ecx, r->edx);
		break;
	case NR_flock:
		ret = sys_flock((int)r->ebx, (int)r->ecx);
		break;
	case NR_ioctl:
		ret = sys_ioctl((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_vhangup:
		ret = sys_vhangup();
		break;
	case NR_pipe:
		ret = sys_pipe2(r->ebx, 0);
		break;
	case NR_pipe2:
		ret = sys_pipe2(r->ebx, (int)r->ecx);
		break;
	case NR_poll:
		ret = sys_poll(r->ebx, r->ecx, (int)r->edx);
		break;
	case NR_ppoll:
		ret = sys_ppoll(r->ebx, r->ecx, r->edx, r->esi, r->edi);
		break;
	case NR_select:
		ret = sys_newselect((int)r->ebx, r->ecx, r->edx, r->esi, r->edi);
		break;
	case NR_pselect6:
		ret = sys_pselect6((int)r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp);
		break;
	case NR_open:
		ret = sys_openat(LINUX_AT_FDCWD, r->ebx, (int)r->ecx, (int)r->edx);
		break;
	case NR_creat:
		ret = sys_openat(LINUX_AT_FDCWD, r->ebx, LINUX_O_CREAT_WRONLY_TRUNC, (int)r->ecx);
		break;
	case NR_openat:
		ret = sys_openat((int)r->ebx, r->ecx, (int)r->edx, (int)r->esi);
		break;
	case NR_stat64:
		ret = sys_fstatat64(LINUX_AT_FDCWD, r->ebx, r->ecx, 0);
		break;
	case NR_lstat64:
		ret = sys_fstatat64(LINUX_AT_FDCWD, r->ebx, r->ecx, LINUX_AT_SYMLINK_NOFOLLOW);
		break;
	case NR_fstat64:
		ret = sys_fstat64((int)r->ebx, r->ecx);
		break;
	case NR_fstatat64:
		ret = sys_fstatat64((int)r->ebx, r->ecx, r->edx, (int)r->esi);
		break;
	case NR_getdents64:
		ret = sys_getdents64((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_lseek:
		ret = sys_lseek((int)r->ebx, (int32_t)r->ecx, (int)r->edx);
		break;
	case NR_pread64:
		ret = sys_pread64((int)r->ebx, r->ecx, r->edx, r->esi, r->edi);
		break;
	case NR_pwrite64:
		ret = sys_pwrite64((int)r->ebx, r->ecx, r->edx, r->esi, r->edi);
		break;
	case NR_llseek:
		ret = sys_llseek((int)r->ebx, r->ecx, r->edx, r->esi, (int)r->edi);
		break;
	case NR_access:
		ret = sys_faccessat(LINUX_AT_FDCWD, r->ebx, (int)r->ecx, 0);
		break;
	case NR_faccessat:
		ret = sys_faccessat((int)r->ebx, r->ecx, (int)r->edx, 0);
		break;
	case NR_faccessat2:
		ret = sys_faccessat((int)r->ebx, r->ecx, (int)r->edx, (int)r->esi);
		break;
	case NR_readlink:
		ret = sys_readlinkat(LINUX_AT_FDCWD, r->ebx, r->ecx, (int)r->edx);
		break;
	case NR_readlinkat:
		ret = sys_readlinkat((int)r->ebx, r->ecx, r->edx, (int)r->esi);
		break;
	case NR_mkdir:
		ret = sys_mkdirat(LINUX_AT_FDCWD, r->ebx, (int)r->ecx);
		break;
	case NR_mkdirat:
		ret = sys_mkdirat((int)r->ebx, r->ecx, (int)r->edx);
		break;
	case NR_mknod:
		ret = sys_mknodat(LINUX_AT_FDCWD, r->ebx, r->ecx, r->edx);
		break;
	case NR_mknodat:
		ret = sys_mknodat((int)r->ebx, r->ecx, r->edx, r->esi);
		break;
	case NR_unlink:
		ret = sys_unlinkat(LINUX_AT_FDCWD, r->ebx, 0);
		break;
	case NR_rmdir:
		ret = sys_unlinkat(LINUX_AT_FDCWD, r->ebx, LINUX_AT_REMOVEDIR);
		break;
	case NR_unlinkat:
		ret = sys_unlinkat((int)r->ebx, r->ecx, (int)r->edx);
		break;
	case NR_rename:
		ret = sys_renameat2(LINUX_AT_FDCWD, r->ebx, LINUX_AT_FDCWD, r->ecx, 0);
		break;
	case NR_renameat:
		ret = sys_renameat2((int)r->ebx, r->ecx, (int)r->edx, r->esi, 0);
		break;
	case NR_renameat2:
		ret = sys_renameat2((int)r->ebx, r->ecx, (int)r->edx, r->esi, (int)r->edi);
		break;
	case NR_link:
		ret = sys_linkat(LINUX_AT_FDCWD, r->ebx, LINUX_AT_FDCWD, r->ecx, 0);
		break;
	case NR_linkat:
		ret = sys_linkat((int)r->ebx, r->ecx, (int)r->edx, r->esi, (int)r->edi);
		break;
	case NR_symlink:
		ret = sys_symlinkat(r->ebx, LINUX_AT_FDCWD, r->ecx);
		break;
	case NR_symlinkat:
		ret = sys_symlinkat(r->ebx, (int)r->ecx, r->edx);
		break;
	case NR_chdir:
		ret = sys_chdir(r->ebx);
		break;
	case NR_fchdir:
		ret = sys_fchdir((int)r->ebx);
		break;
	case NR_getcwd:
		ret = sys_getcwd(r->ebx, r->ecx);
		break;
	case NR_umask:
		ret = sys_umask(r->ebx);
		break;
	case NR_utimensat:
		ret = sys_utimensat((int)r->ebx, r->ecx, r->edx, (int)r->esi);
		break;
	case NR_chmod:
		ret = sys_fchmodat(LINUX_AT_FDCWD, r->ebx, (int)r->ecx);
		break;
	case NR_fchmodat:
		ret = sys_fchmodat((int)r->ebx, r->ecx, (int)r->edx);
		break;
	case NR_fchmod:
		ret = sys_fchmod((int)r->ebx, (int)r->ecx);
		break;
	case NR_chown:
	case NR_chown32:
		ret = sys_fchownat(LINUX_AT_FDCWD, r->ebx, (int)r->ecx, (int)r->edx, 0, nr == NR_chown);
		break;
	case NR_lchown:
	case NR_lchown32:
		ret = sys_fchownat(LINUX_AT_FDCWD, r->ebx, (int)r->ecx, (int)r->edx, LINUX_AT_SYMLINK_NOFOLLOW, nr == NR_lchown);
		break;
	case NR_fchownat:
		ret = sys_fchownat((int)r->ebx, r->ecx, (int)r->edx, (int)r->esi, (int)r->edi, 0);
		break;
	case NR_fchown:
	case NR_fchown32:
		ret = sys_fchown((int)r->ebx, (int)r->ecx, (int)r->edx, nr == NR_fchown);
		break;
	case NR_utime:
		ret = sys_utimes(LINUX_AT_FDCWD, r->ebx, r->ecx, 0);
		break;
	case NR_utimes:
		ret = sys_utimes(LINUX_AT_FDCWD, r->ebx, r->ecx, 1);
		break;
	case NR_futimesat:
		ret = sys_utimes((int)r->ebx, r->ecx, r->edx, 1);
		break;
	case NR_truncate:
		ret = sys_truncate64(r->ebx, r->ecx, (int32_t)r->ecx < 0 ? 0xffffffffu : 0);
		break;
	case NR_truncate64:
		ret = sys_truncate64(r->ebx, r->ecx, r->edx);
		break;
	case NR_ftruncate: /* a signed 32-bit length */
		ret = sys_ftruncate64((int)r->ebx, r->ecx, (int32_t)r->ecx < 0 ? 0xffffffffu : 0);
		break;
	case NR_ftruncate64:
		ret = sys_ftruncate64((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_sync:
		ret = sys_syncfs(LINUX_AT_FDCWD);
		break;
	case NR_syncfs:
		ret = sys_syncfs((int)r->ebx);
		break;
	case NR_fsync:
	case NR_fdatasync:
		ret = sys_fsync((int)r->ebx, nr == NR_fdatasync);
		break;
	case NR_statfs:
		ret = sys_statfs(r->ebx, 0, r->ecx);
		break;
	case NR_statfs64:
		ret = sys_statfs(r->ebx, r->ecx, r->edx);
		break;
	case NR_fstatfs:
		ret = sys_fstatfs((int)r->ebx, 0, r->ecx);
		break;
	case NR_fstatfs64:
		ret = sys_fstatfs((int)r->ebx, r->ecx, r->edx);
		break;
	case NR_reboot:
		ret = sys_reboot(r->ebx, r->ecx, r->edx);
		break;
	case NR_statx:
		ret = sys_statx((int)r->ebx, r->ecx, (int)r->edx, r->esi, r->edi);
		break;
	case NR_getrlimit:
	case NR_ugetrlimit:
		ret = sys_getrlimit(nr, r->ebx, r->ecx);
		break;
	case NR_setrlimit:
		ret = sys_setrlimit(r->ebx, r->ecx);
		break;
	case NR_prlimit64:
		ret = sys_prlimit64((int)r->ebx, r->ecx, r->edx, r->esi);
		break;
	case NR_getpriority:
		ret = sys_getpriority((int)r->ebx, (int)r->ecx);
		break;
	case NR_setpriority:
		ret = sys_setpriority((int)r->ebx, (int)r->ecx, (int)r->edx);
		break;
	case NR_nice:
		ret = sys_nice((int)r->ebx);
		break;
	case NR_set_robust_list:
	case NR_rseq:
	case NR_clock_gettime64:
	case NR_getrandom:
	case NR_prctl:
	case NR_sendfile64:
		/* Known, and left to the program's fallback (linux-i386-abi.md:
		 * the calls that may answer ENOSYS), so not logged. */
		ret = -LINUX_ENOSYS;
		break;
	default:
		if (nr >= 0 && nr < NR_TABLE && !(enosys_logged[nr / 32] & (1u << (nr % 32)))) {
			enosys_logged[nr / 32] |= 1u << (nr % 32);
			emul_log("system call %d not implemented: ENOSYS\n", nr);
		}
		ret = -LINUX_ENOSYS;
	}
	if (ret == -LINUX_ERESTART) {
		/* Run the call again once the handler returns (emul_interrupted). */
		r->eip -= INT80_LEN;
		return;
	}
	r->eax = (uint32_t)ret;
}

/* ---- the first process ---- */

#define BOOT_MAX_ARGS 32

extern uint32_t emul_child_settid;

static void emul_task_init(void)
{
	mach_task_self_ = (mach_task_self)();
	emul.host = mach_host_self();
	emul.linux_thread = mach_thread_self();
	task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &emul.proc);
	int pid, ppid, pgrp, sid;
	if (proc_getids(emul.proc, &pid, &ppid, &pgrp, &sid) == 0)
		emul.pid = pid;
	if (!MACH_PORT_VALID(emul.pipes))
		proc_get_service(emul.proc, PROC_SERVICE_PIPES, &emul.pipes);
	emul_signal_init();
	emul_rlimits_start();
}

void emul_boot(uint32_t area);
void emul_boot(uint32_t area)
{
	static vm_offset_t vector[NR_TABLE];
	static char *argv[EMUL_BOOT_ARGC_MAX + 1];
	char *envp[] = {"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", "TERM=vt100", NULL};
	const struct emul_boot_args *ba = (const void *)area;
	int r;

	libmach_heap_init();
	libmach_threads_init();
	emul_task_init();
	mach_port_t fd0, fd1, fd2;
	if (area != 0 && proc_get_init_ports(emul.proc, &emul.root, &emul.cwd, &fd0, &fd1, &fd2) == 0) {
		emul_fd_inherited(emul_fd_place(fd0, 0));
		emul_fd_inherited(emul_fd_place(fd1, 1));
		emul_fd_inherited(emul_fd_place(fd2, 2));
	}
	for (unsigned i = 0; i < NR_TABLE; i++)
		vector[i] = (vm_offset_t)emul_entry;
	if (task_set_emulation_vector(mach_task_self(), 0, vector, NR_TABLE) != KERN_SUCCESS) {
		emul_log("cannot set the emulation vector\n");
		emul_exit(W_EXITCODE(127));
	}
	if (area == 0) {
		/* A task proc_exec_setid made: a set-user-ID program to run. */
		emul_exec_setid_boot();
		emul_resume();
	}

	/* The arguments are copied: the boot area goes. */
	size_t off = 0;
	unsigned argc = ba->argc < EMUL_BOOT_ARGC_MAX ? ba->argc : EMUL_BOOT_ARGC_MAX;
	for (unsigned i = 0; i < argc && off < ba->args_size; i++) {
		argv[i] = strdup(ba->args + off);
		off += strlen(ba->args + off) + 1;
	}
	argv[argc] = NULL;
	if (argc == 0) {
		emul_log("no program to start\n");
		emul_exit(W_EXITCODE(127));
	}
	if (ba->image_size != 0) {
		r = emul_exec_image((const char *)area + ba->image_offset, ba->image_size, MACH_PORT_NULL,
				    ba->image_size, argv, envp, argv[0], argv[0]);
	} else {
		r = emul_exec_path(argv[0], argv, envp);
	}
	vm_deallocate(mach_task_self(), EMUL_BOOT_AREA, EMUL_BOOT_AREA_END - EMUL_BOOT_AREA);
	if (r < 0) {
		emul_log("cannot start %s: error %d\n", argv[0], -r);
		emul_exit(W_EXITCODE(127));
	}
	emul_resume();
}

/* In a fork child: what is per task (ports we hold by name, the cached
 * task port, the reply port, the signal thread) is made again. */
void emul_fork_child(void);
void emul_fork_child(void)
{
	/* The cached reply port's name means nothing here: forget it. */
	mach_task_self_ = (mach_task_self)();
	mig_forget_reply_port();
	emul.pending = 0;
	emul_signal_check = 0;
	emul.lock_owner = MACH_PORT_NULL; /* the parent's; record locks are not inherited */
	emul_mmap_fork_child();
	emul_itimer_fork_child();
	emul_task_init(); /* our CPU time starts again from 0 under our limit */
	if (emul_child_settid != 0)
		emul_copyout(emul_child_settid, &emul.pid, sizeof(emul.pid));
}
