/*
 * Resource limits and scheduling priorities.  Both are the proc
 * service's (proc_prlimit, proc_getpriority, proc_setpriority): a fork
 * child inherits them there, execve keeps them.  The library keeps a
 * copy of its process's limits (emul.rlim), fetched at start-up (a
 * fork child's too), updated by its own changes and fetched again when
 * the service says another process changed them (proc_msg_rlimits, on
 * a send-once right given at start-up and again with each such news,
 * so that none is lost; the signal thread takes it: enforcement follows
 * such a change a moment later, and at once after a getrlimit, which
 * always asks), and enforces from it what is the library's:
 * RLIMIT_NOFILE (fd.c), RLIMIT_FSIZE (writes and truncates),
 * RLIMIT_DATA and RLIMIT_AS (brk and mmap), RLIMIT_CPU (the timer
 * thread, itimer.c).  RLIMIT_NPROC is the service's (fork).  What a process does not change costs nothing.
 */
#include <mach/mach_interface.h>
#include <servers/io.h>
#include <servers/proc.h>
#include "emul.h"

#define SEEK_CUR_ 1
#define NICE_WIDTH 40		 /* nice(2) clamps its increment to this */
#define STACK_RESERVE (8u << 20) /* below EMUL_STACK_TOP: the stack's (exec.c's STACK_SIZE) */

/* The service's answer r for our limits, in emul.rlim. */
static void rlimits_take(kern_return_t r)
{
	if (r != 0) {
		/* No service to ask: nothing is limited but the fd table. */
		for (int i = 0; i < PROC_RLIMIT_COUNT; i++)
			emul.rlim.lim[i].cur = emul.rlim.lim[i].max = PROC_RLIM_INFINITY;
		emul.rlim.lim[PROC_RLIMIT_NOFILE].cur = emul.rlim.lim[PROC_RLIMIT_NOFILE].max = EMUL_FD_MAX;
	}
	emul_itimer_rlimit_cpu(emul.rlim.lim[PROC_RLIMIT_CPU].cur, emul.rlim.lim[PROC_RLIMIT_CPU].max);
}

void emul_rlimits_fetch(void)
{
	emul.rlim_stale = 0;
	rlimits_take(proc_getrlimits(emul.proc, &emul.rlim));
}

/* Our limits, and a send-once right to our message port for the news
 * of the next change another process makes (proc_rlimits_notify). */
kern_return_t emul_rlimits_notify(struct proc_rlimits *lim)
{
	if (!MACH_PORT_VALID(emul.msgport))
		return KERN_FAILURE;
	return proc_rlimits_notify(emul.proc, emul.msgport, lim);
}

void emul_rlimits_start(void)
{
	emul.rlim_stale = 0;
	if (emul_rlimits_notify(&emul.rlim) == 0)
		rlimits_take(0);
	else
		emul_rlimits_fetch();
}

uint64_t emul_rlimit(int resource)
{
	if (emul.rlim_stale)
		emul_rlimits_fetch();
	return emul.rlim.lim[resource].cur;
}

/* Linux's generic_write_checks (a write at or past the limit: SIGXFSZ
 * and EFBIG; one across it is cut there) and inode_newsize_ok (a
 * truncate past it), for regular files open for writing only: Linux
 * checks the limit after the open mode, so a write through a
 * descriptor not open for writing (O_RDONLY, O_PATH) is the service's
 * EBADF, an ftruncate its EINVAL or EBADF, with no signal. */
int emul_fsize_check(mach_port_t file, int64_t off, uint32_t *count, int truncate)
{
	uint64_t limit = emul_rlimit(PROC_RLIMIT_FSIZE);
	io_stat_t st;
	int flags;

	if (limit == PROC_RLIM_INFINITY || (!truncate && *count == 0))
		return 0;
	/* Anything else wrong with the file: the call itself answers it. */
	if (io_get_openmodes(file, &flags) != 0 || !IO_O_WRITABLE(flags))
		return 0;
	if (io_stat(file, &st) != 0 || (st.st_mode & IO_S_IFMT) != IO_S_IFREG)
		return 0;
	if (truncate) {
		/* Only a file that grows past the limit. */
		if (off <= st.st_size || (uint64_t)off <= limit)
			return 0;
	} else {
		if (off == IO_OFFSET_CURRENT && (flags & IO_O_APPEND))
			off = st.st_size;
		else if (off == IO_OFFSET_CURRENT && io_seek(file, 0, SEEK_CUR_, &off) != 0)
			return 0;
		if ((uint64_t)off < limit) {
			if (*count > limit - (uint64_t)off)
				*count = (uint32_t)(limit - (uint64_t)off);
			return 0;
		}
	}
	emul_post_self(SIGXFSZ);
	return -LINUX_EFBIG;
}

/*
 * Linux's may_expand_vm: the program's mappings (below EMUL_BASE: the
 * library's own memory is not the program's) may not pass RLIMIT_AS,
 * nor its private writable ones outside the stack (Linux's data_vm:
 * data, bss, the break, private writable mmaps) RLIMIT_DATA.  Walks the
 * address space only while a limit is set.
 */
int emul_vm_may_grow(uint32_t addr, uint32_t size, int data)
{
	uint64_t as = emul_rlimit(PROC_RLIMIT_AS), dl = emul_rlimit(PROC_RLIMIT_DATA);
	uint64_t total = size, data_vm = size, replaced = 0;
	vm_address_t a = PAGE;

	if (as == PROC_RLIM_INFINITY && (!data || dl == PROC_RLIM_INFINITY))
		return 0;
	while (a < EMUL_BASE) {
		vm_size_t rsize;
		vm_prot_t prot, max;
		vm_inherit_t inherit;
		boolean_t shared;
		mach_port_t name;
		vm_offset_t offset;
		if (vm_region(mach_task_self(), &a, &rsize, &prot, &max, &inherit, &shared, &name, &offset) !=
			KERN_SUCCESS ||
		    a >= EMUL_BASE)
			break;
		if (MACH_PORT_VALID(name))
			mach_port_deallocate(mach_task_self(), name);
		uint32_t end = a + rsize > EMUL_BASE ? EMUL_BASE : a + rsize;
		total += end - a;
		/* A MAP_FIXED mapping replaces what it covers (Linux's
		 * count_vma_pages_range). */
		if (addr != 0 && a < addr + size && end > addr)
			replaced += (end < addr + size ? end : addr + size) - (a > addr ? a : addr);
		if ((prot & VM_PROT_WRITE) && inherit != VM_INHERIT_SHARE &&
		    end <= EMUL_STACK_TOP - STACK_RESERVE)
			data_vm += end - a;
		a = end;
	}
	if (as != PROC_RLIM_INFINITY && total - replaced > as)
		return -LINUX_ENOMEM;
	if (data && dl != PROC_RLIM_INFINITY && data_vm - replaced > dl)
		return -LINUX_ENOMEM;
	return 0;
}

/* getrlimit (76: Linux's old one, which shows anything above 0x7fffffff
 * as that) and ugetrlimit (191: RLIM_INFINITY, 0xffffffff, for anything
 * a struct rlimit cannot hold). */
int sys_getrlimit(int nr, uint32_t resource, uint32_t urlim)
{
	uint32_t out[2];
	uint64_t v[2];

	if (resource >= PROC_RLIMIT_COUNT)
		return -LINUX_EINVAL;
	/* Asked, not taken from our copy: a change another process made
	 * is seen at once (and our copy is fresh again). */
	emul_rlimits_fetch();
	v[0] = emul.rlim.lim[resource].cur;
	v[1] = emul.rlim.lim[resource].max;
	for (int i = 0; i < 2; i++) {
		uint64_t top = nr == NR_getrlimit ? LINUX_RLIM_OLD_MAX : LINUX_RLIM_INFINITY;
		out[i] = v[i] > top ? (uint32_t)top : (uint32_t)v[i];
	}
	return emul_copyout(urlim, out, sizeof(out));
}

/* The service's answer for our own limit updates our copy of it. */
static int prlimit(int pid, uint32_t resource, int set, uint64_t cur, uint64_t max, uint64_t *old)
{
	int r = emul_errno(proc_prlimit(emul.proc, pid, (int)resource, set, cur, max, &old[0], &old[1]));

	if (r == 0 && (pid == 0 || pid == emul.pid)) {
		emul.rlim.lim[resource].cur = set ? cur : old[0];
		emul.rlim.lim[resource].max = set ? max : old[1];
		if (resource == PROC_RLIMIT_CPU)
			emul_itimer_rlimit_cpu(emul.rlim.lim[resource].cur, emul.rlim.lim[resource].max);
	}
	return r;
}

/* setrlimit (75): struct rlimit, 32-bit, 0xffffffff meaning infinity. */
int sys_setrlimit(uint32_t resource, uint32_t urlim)
{
	uint32_t in[2];
	uint64_t v[2], old[2];
	int r;

	if ((r = emul_copyin(in, urlim, sizeof(in))) < 0)
		return r;
	for (int i = 0; i < 2; i++)
		v[i] = in[i] == LINUX_RLIM_INFINITY ? PROC_RLIM_INFINITY : in[i];
	return prlimit(0, resource, 1, v[0], v[1], old);
}

/* prlimit64 (340): struct rlimit64, of any process we may (the service
 * judges); the old limit is written after the change, as Linux's. */
int sys_prlimit64(int pid, uint32_t resource, uint32_t unew, uint32_t uold)
{
	uint64_t v[2] = {0, 0}, old[2];
	int r;

	if (unew != 0 && (r = emul_copyin(v, unew, sizeof(v))) < 0)
		return r;
	if ((r = prlimit(pid, resource, unew != 0, v[0], v[1], old)) < 0)
		return r;
	return uold != 0 ? emul_copyout(uold, old, sizeof(old)) : 0;
}

/* The raw call answers 20 - nice (glibc turns it back). */
int sys_getpriority(int which, int who)
{
	int prio;
	int r = emul_errno(proc_getpriority(emul.proc, which, who, &prio));

	return r < 0 ? r : prio;
}

int sys_setpriority(int which, int who, int nice)
{
	return emul_errno(proc_setpriority(emul.proc, which, who, nice));
}

/* nice(2): our nice plus inc, clamped; lowering it is root's (EPERM). */
int sys_nice(int inc)
{
	int prio = sys_getpriority(PROC_PRIO_PROCESS, 0), nice, r;

	if (prio < 0)
		return prio;
	inc = inc < -NICE_WIDTH ? -NICE_WIDTH : inc > NICE_WIDTH ? NICE_WIDTH : inc;
	nice = PROC_NICE_MAX + 1 - prio + inc;
	nice = nice < PROC_NICE_MIN ? PROC_NICE_MIN : nice > PROC_NICE_MAX ? PROC_NICE_MAX : nice;
	r = sys_setpriority(PROC_PRIO_PROCESS, 0, nice);
	return r == -LINUX_EACCES ? -LINUX_EPERM : r;
}
