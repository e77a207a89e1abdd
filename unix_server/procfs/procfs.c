/*
 * /proc (procfs.h).  Nodes are made by lookup and freed when their last
 * reference goes; what a file says is made again at every read, from
 * the proc service (proc_pids, proc_info), the kernel and the VFS.  The
 * root holds the system's files and one directory per process.
 */
#include <cpuid.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mach/mach_host.h>
#include <mach/mach_interface.h>
#include <device/device.h>
#include <device/time_status.h>
#include <servers/proc.h>
#include <servers/proc_types.h>

#include "procfs.h"

#define PROCFS_ROOT_INO 1
/* A process's directory is PID << 4, its files PID << 4 | 1 + index. */
#define PROCFS_PID_SHIFT 4
#define PROCFS_PID_INO(pid, i) (((uint64_t) (pid) << PROCFS_PID_SHIFT) | (uint64_t) (i))
/* readdir cookies of the root: 0 ".", 1 "..", then the files, then pids. */
#define PROCFS_FIRST_COOKIE 2
#define PROCFS_PID_COOKIE(pid) (0x10000u + (uint64_t) (pid))
#define PROCFS_TEXT_MAX 16384
#define PROCFS_HZ 100	   /* clock ticks (AT_CLKTCK) */
#define PROCFS_PAGE 4096u
#define PROCFS_PRIO_NORMAL 20 /* Linux's priority field of a nice-0 process (20 + nice) */
#define PROCFS_SIGCHLD 17
#define PROCFS_RLIM_INFINITY 4294967295u
#define USEC_PER_SEC 1000000u

struct procfs_text {
	char *buf;
	size_t len;
};

struct procfs_entry;
typedef int (*procfs_gen_t)(struct procfs_text *t, int pid);

/* A file or symlink in the root or in a process's directory. */
struct procfs_entry {
	const char *name;
	uint32_t mode;
	procfs_gen_t gen; /* a file's text, or a symlink's target */
};

struct procfs_node {
	struct vnode vn; /* first: a vnode is a procfs_node */
	const struct procfs_entry *entry; /* NULL: a directory */
	int pid;			   /* 0: the root and its files */
};

struct procfs {
	struct vfs_mount m; /* first */
	struct procfs_node root;
	mach_port_t proc;
	mach_port_t time_device;
	procfs_tty_t tty;
};

static const struct vnode_ops procfs_ops;
static struct procfs *procfs; /* one /proc per server */
static char procfs_buf[PROCFS_TEXT_MAX];
static struct proc_info procfs_info;
static char procfs_args[PROC_ARGS_MAX];
static char procfs_exe[PROC_PATH_MAX];
static int procfs_pids[PROC_PIDS_MAX];

static void text_printf(struct procfs_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_printf(struct procfs_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= PROCFS_TEXT_MAX - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, PROCFS_TEXT_MAX - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t) n < PROCFS_TEXT_MAX ? t->len + (size_t) n : PROCFS_TEXT_MAX - 1;
}

/* --- what the proc service and the kernel say --- */

/* proc_info of pid into procfs_info, procfs_args (*args_len bytes), procfs_exe. */
static int procfs_get(int pid, mach_msg_type_number_t *args_len)
{
	mach_msg_type_number_t n = PROC_ARGS_MAX;
	kern_return_t kr = proc_info(procfs->proc, pid, &procfs_info, procfs_args, &n, procfs_exe);

	if (kr != KERN_SUCCESS)
		return kr > 0 && kr < LINUX_ERRNO_MAX ? (int) kr : LINUX_ESRCH;
	if (args_len != NULL)
		*args_len = n;
	return 0;
}

/* The pids into procfs_pids (none if the proc service does not answer). */
static void procfs_pid_list(mach_msg_type_number_t *count)
{
	*count = PROC_PIDS_MAX;
	if (proc_pids(procfs->proc, procfs_pids, count) != KERN_SUCCESS)
		*count = 0;
}

/* Seconds and microseconds since the kernel started. */
static void procfs_uptime(uint32_t *sec, uint32_t *usec)
{
	int st[TIME_STATUS_UPTIME_COUNT];
	mach_msg_type_number_t n = TIME_STATUS_UPTIME_COUNT;
	struct task_basic_info tb;
	mach_msg_type_number_t tn = TASK_BASIC_INFO_COUNT;
	uint32_t now, now_nsec;
	uint64_t us;

	if (MACH_PORT_VALID(procfs->time_device) &&
	    device_get_status(procfs->time_device, TIME_STATUS_UPTIME, st, &n) == D_SUCCESS) {
		*sec = (uint32_t) st[0];
		*usec = (uint32_t) st[1];
		return;
	}
	/* No time device: since this task was made, shortly after boot. */
	unixio_now(&now, &now_nsec);
	us = (uint64_t) now * USEC_PER_SEC + now_nsec / 1000;
	if (task_info(mach_task_self(), TASK_BASIC_INFO, (task_info_t) &tb, &tn) == KERN_SUCCESS) {
		uint64_t made = (uint64_t) tb.creation_time.seconds * USEC_PER_SEC + tb.creation_time.microseconds;
		us = us > made ? us - made : 0;
	}
	*sec = (uint32_t) (us / USEC_PER_SEC);
	*usec = (uint32_t) (us % USEC_PER_SEC);
}

/* The time of day the kernel started, in microseconds. */
static uint64_t procfs_boot_us(void)
{
	uint32_t now, now_nsec, up, up_usec;

	unixio_now(&now, &now_nsec);
	procfs_uptime(&up, &up_usec);
	return (uint64_t) now * USEC_PER_SEC + now_nsec / 1000 - ((uint64_t) up * USEC_PER_SEC + up_usec);
}

static uint64_t ticks(uint32_t sec, uint32_t usec)
{
	return (uint64_t) sec * PROCFS_HZ + usec / (USEC_PER_SEC / PROCFS_HZ);
}

/* --- the system's files --- */

static int gen_meminfo(struct procfs_text *t, int pid)
{
	struct host_basic_info hb;
	mach_msg_type_number_t n = HOST_BASIC_INFO_COUNT;
	vm_statistics_data_t vs;
	mach_port_t host = mach_host_self();
	kern_return_t kr = host_info(host, HOST_BASIC_INFO, (host_info_t) &hb, &n);

	(void) pid;
	mach_port_deallocate(mach_task_self(), host);
	if (kr != KERN_SUCCESS || vm_statistics(mach_task_self(), &vs) != KERN_SUCCESS)
		return LINUX_EIO;
	uint32_t kb = (uint32_t) vs.pagesize / 1024;
	/* Linux's lines: the name padded to 16, the value to 8, in kB. */
	struct {
		const char *name;
		uint32_t kb;
	} lines[] = {
		{ "MemTotal:", (uint32_t) (hb.memory_size / 1024) },
		{ "MemFree:", (uint32_t) vs.free_count * kb },
		{ "MemAvailable:", ((uint32_t) vs.free_count + (uint32_t) vs.inactive_count) * kb },
		{ "Buffers:", 0 },
		{ "Cached:", 0 },
		{ "SwapCached:", 0 },
		{ "Active:", (uint32_t) vs.active_count * kb },
		{ "Inactive:", (uint32_t) vs.inactive_count * kb },
		{ "Mlocked:", (uint32_t) vs.wire_count * kb },
		{ "SwapTotal:", 0 },
		{ "SwapFree:", 0 },
		{ "Shmem:", 0 },
		{ "SReclaimable:", 0 },
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		text_printf(t, "%-16s%8lu kB\n", lines[i].name, (unsigned long) lines[i].kb);
	return 0;
}

/* CPU time in ticks: what the processes used (user, system) and the
 * rest of the uptime, idle (or the servers'); how many processes there
 * are and run; the uptime read for it (seconds, microseconds). */
struct procfs_cpu {
	uint64_t user, sys, idle;
	unsigned total, running;
	uint32_t up_sec, up_usec;
};

static void procfs_cpu_times(struct procfs_cpu *c)
{
	mach_msg_type_number_t n;

	memset(c, 0, sizeof(*c));
	procfs_pid_list(&n);
	for (mach_msg_type_number_t i = 0; i < n; i++) {
		if (procfs_get(procfs_pids[i], NULL) != 0)
			continue;
		c->total++;
		c->running += procfs_info.state == PROC_STATE_RUNNING;
		c->user += ticks(procfs_info.utime_sec, procfs_info.utime_usec);
		c->sys += ticks(procfs_info.stime_sec, procfs_info.stime_usec);
	}
	procfs_uptime(&c->up_sec, &c->up_usec);
	uint64_t up = ticks(c->up_sec, c->up_usec), busy = c->user + c->sys;
	c->idle = up > busy ? up - busy : 0;
}

static int gen_uptime(struct procfs_text *t, int pid)
{
	struct procfs_cpu c;

	(void) pid;
	procfs_cpu_times(&c);
	/* Idle: what stat's cpu line says, in seconds; both from one reading
	 * of the uptime (idle can never exceed it). */
	text_printf(t, "%lu.%02lu %llu.%02llu\n", (unsigned long) c.up_sec, (unsigned long) (c.up_usec / 10000),
		    (unsigned long long) (c.idle / PROCFS_HZ),
		    (unsigned long long) (c.idle % PROCFS_HZ * 100 / PROCFS_HZ));
	return 0;
}

/* How many processes there are and how many run; the largest pid. */
static void procfs_count(unsigned *total, unsigned *running, int *last)
{
	mach_msg_type_number_t n;

	procfs_pid_list(&n);
	*total = *running = 0;
	*last = 0;
	for (mach_msg_type_number_t i = 0; i < n; i++) {
		if (procfs_get(procfs_pids[i], NULL) != 0)
			continue;
		++*total;
		*running += procfs_info.state == PROC_STATE_RUNNING;
		if (procfs_pids[i] > *last)
			*last = procfs_pids[i];
	}
}

static int gen_loadavg(struct procfs_text *t, int pid)
{
	host_load_info_data_t load;
	mach_msg_type_number_t n = HOST_LOAD_INFO_COUNT;
	mach_port_t host = mach_host_self();
	unsigned total, running;
	int last;

	(void) pid;
	if (host_info(host, HOST_LOAD_INFO, (host_info_t) &load, &n) != KERN_SUCCESS)
		memset(&load, 0, sizeof(load));
	mach_port_deallocate(mach_task_self(), host);
	procfs_count(&total, &running, &last);
	for (int i = 0; i < 3; i++)
		text_printf(t, "%u.%02u ", (unsigned) load.avenrun[i] / LOAD_SCALE,
			    (unsigned) load.avenrun[i] % LOAD_SCALE / (LOAD_SCALE / 100));
	text_printf(t, "%u/%u %d\n", running, total, last);
	return 0;
}

static int gen_stat(struct procfs_text *t, int pid)
{
	struct procfs_cpu c;

	(void) pid;
	procfs_cpu_times(&c);
	for (int cpu = -1; cpu < 1; cpu++) {
		text_printf(t, cpu < 0 ? "cpu " : "cpu%d", cpu);
		text_printf(t, " %llu 0 %llu %llu 0 0 0 0 0 0\n", (unsigned long long) c.user,
			    (unsigned long long) c.sys, (unsigned long long) c.idle);
	}
	text_printf(t, "intr 0\nctxt 0\nbtime %llu\n", (unsigned long long) (procfs_boot_us() / USEC_PER_SEC));
	text_printf(t, "processes %u\nprocs_running %u\nprocs_blocked 0\n", c.total, c.running);
	return 0;
}

static int gen_mounts(struct procfs_text *t, int pid)
{
	static char path[IO_PATH_MAX];

	(void) pid;
	for (struct vfs_mount *m = vfs_mount_next(NULL); m != NULL; m = vfs_mount_next(m)) {
		if (vfs_mount_path(m, path) != 0)
			continue;
		const char *type = m->type != NULL ? m->type : "none";
		text_printf(t, "%s %s %s rw 0 0\n", m->source != NULL ? m->source : type, path, type);
	}
	return 0;
}

static int gen_version(struct procfs_text *t, int pid)
{
	static kernel_version_t kernel;
	mach_port_t host = mach_host_self();

	(void) pid;
	if (host_kernel_version(host, kernel) != KERN_SUCCESS)
		strcpy(kernel, "Mach");
	mach_port_deallocate(mach_task_self(), host);
	kernel[strcspn(kernel, "\n")] = '\0';
	text_printf(t, "%s version %s (%s) %s\n", PROC_UNAME_SYSNAME, PROC_UNAME_RELEASE, kernel, PROC_UNAME_VERSION);
	return 0;
}

static int gen_cpuinfo(struct procfs_text *t, int pid)
{
	unsigned a, b, c, d, sig = 0;
	char vendor[13], model[49];

	(void) pid;
	if (!__get_cpuid(0, &a, &b, &c, &d))
		return LINUX_EIO;
	memcpy(vendor, &b, 4), memcpy(vendor + 4, &d, 4), memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	if (!__get_cpuid(1, &sig, &b, &c, &d))
		sig = 0;
	model[0] = '\0';
	if (__get_cpuid_max(0x80000000, NULL) >= 0x80000004) {
		unsigned *w = (unsigned *) model;
		for (unsigned leaf = 0x80000002; leaf <= 0x80000004; leaf++, w += 4)
			__get_cpuid(leaf, &w[0], &w[1], &w[2], &w[3]);
		model[48] = '\0';
	}
	unsigned family = (sig >> 8) & 0xf, mod = (sig >> 4) & 0xf;
	if (family == 0xf)
		family += (sig >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		mod |= ((sig >> 16) & 0xf) << 4;
	text_printf(t, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", vendor, family, mod);
	text_printf(t, "model name\t: %s\nstepping\t: %u\n\n", model + strspn(model, " "), sig & 0xf);
	return 0;
}

/* --- a process's files --- */

static int gen_pid_stat(struct procfs_text *t, int pid)
{
	int rc = procfs_get(pid, NULL);
	const struct proc_info *p = &procfs_info;

	if (rc != 0)
		return rc;
	uint64_t boot = procfs_boot_us(), start = (uint64_t) p->start_sec * USEC_PER_SEC + p->start_usec;
	uint64_t since = start > boot ? start - boot : 0;
	/* The controlling terminal: the terminal's, if its session is ours
	 * (tpgid: its foreground group); none is 0 and -1, as on Linux. */
	int32_t tty_nr = 0;
	int tpgid = -1, fg_pgrp;
	uint32_t rdev;
	if (procfs->tty != NULL && p->sid > 0 && !p->no_ctty && procfs->tty(&fg_pgrp, &rdev) == p->sid)
		tty_nr = (int32_t) rdev, tpgid = fg_pgrp;
	/* Linux's 52 fields (fs/proc/array.c); what Ernst does not keep is 0. */
	text_printf(t, "%d (%s) %c %d %d %d %d %d %u %u %u %u %u ", p->pid, p->comm, p->state, p->ppid, p->pgrp, p->sid,
		    tty_nr, tpgid, 0u, 0u, 0u, 0u, 0u);
	text_printf(t, "%llu %llu 0 0 %d %d %d 0 %llu %lu %lu %lu ",
		    (unsigned long long) ticks(p->utime_sec, p->utime_usec),
		    (unsigned long long) ticks(p->stime_sec, p->stime_usec), PROCFS_PRIO_NORMAL + p->nice, p->nice,
		    p->nthreads,
		    (unsigned long long) (since * PROCFS_HZ / USEC_PER_SEC), (unsigned long) p->vsize,
		    (unsigned long) (p->rss / PROCFS_PAGE), (unsigned long) PROCFS_RLIM_INFINITY);
	text_printf(t, "0 0 0 0 0 0 0 0 0 0 0 0 %d 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n", PROCFS_SIGCHLD,
		    p->state == PROC_STATE_ZOMBIE ? p->exit_status : 0);
	return 0;
}

static const char *procfs_state_name(int state)
{
	switch (state) {
	case PROC_STATE_RUNNING:
		return "R (running)";
	case PROC_STATE_STOPPED:
		return "T (stopped)";
	case PROC_STATE_ZOMBIE:
		return "Z (zombie)";
	default:
		return "S (sleeping)";
	}
}

static int gen_pid_status(struct procfs_text *t, int pid)
{
	int rc = procfs_get(pid, NULL);
	const struct proc_info *p = &procfs_info;

	if (rc != 0)
		return rc;
	text_printf(t, "Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", p->comm,
		    procfs_state_name(p->state), p->pid, p->pid, p->ppid);
	text_printf(t, "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n", p->uid, p->euid, p->suid, p->fsuid, p->gid,
		    p->egid, p->sgid, p->fsgid);
	if (p->state != PROC_STATE_ZOMBIE)
		text_printf(t, "VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n", (unsigned long) (p->vsize / 1024),
			    (unsigned long) (p->rss / 1024));
	text_printf(t, "Threads:\t%d\n", p->nthreads);
	return 0;
}

static int gen_pid_statm(struct procfs_text *t, int pid)
{
	int rc = procfs_get(pid, NULL);

	if (rc != 0)
		return rc;
	text_printf(t, "%lu %lu 0 0 0 0 0\n", (unsigned long) (procfs_info.vsize / PROCFS_PAGE),
		    (unsigned long) (procfs_info.rss / PROCFS_PAGE));
	return 0;
}

static int gen_pid_cmdline(struct procfs_text *t, int pid)
{
	mach_msg_type_number_t args_len;
	int rc = procfs_get(pid, &args_len);

	if (rc != 0)
		return rc;
	memcpy(t->buf, procfs_args, args_len);
	t->len = args_len;
	return 0;
}

static int gen_pid_comm(struct procfs_text *t, int pid)
{
	int rc = procfs_get(pid, NULL);

	if (rc != 0)
		return rc;
	text_printf(t, "%s\n", procfs_info.comm);
	return 0;
}

/* Symlinks: the target, NUL-terminated, in t. */
static int gen_pid_exe(struct procfs_text *t, int pid)
{
	int rc = procfs_get(pid, NULL);

	if (rc != 0)
		return rc;
	if (procfs_exe[0] == '\0')
		return LINUX_ENOENT;
	text_printf(t, "%s", procfs_exe);
	return 0;
}

/*
 * /proc/self names the caller's own directory, and only the caller
 * knows who it is: the emulation library turns paths through /proc/self
 * into /proc/PID before they get here.  Reached another way (a relative
 * path from /proc), it names nothing.
 */
static int gen_self(struct procfs_text *t, int pid)
{
	(void) t;
	(void) pid;
	return LINUX_ENOENT;
}

#define PROCFS_FILE (IO_S_IFREG | 0444)
#define PROCFS_LINK (IO_S_IFLNK | 0777)
#define PROCFS_DIR (IO_S_IFDIR | 0555)

static const struct procfs_entry procfs_root_entries[] = {
	{ "self", PROCFS_LINK, gen_self },	   { "meminfo", PROCFS_FILE, gen_meminfo },
	{ "uptime", PROCFS_FILE, gen_uptime },	   { "loadavg", PROCFS_FILE, gen_loadavg },
	{ "stat", PROCFS_FILE, gen_stat },	   { "mounts", PROCFS_FILE, gen_mounts },
	{ "version", PROCFS_FILE, gen_version },   { "cpuinfo", PROCFS_FILE, gen_cpuinfo },
};
static const struct procfs_entry procfs_pid_entries[] = {
	{ "stat", PROCFS_FILE, gen_pid_stat },	     { "status", PROCFS_FILE, gen_pid_status },
	{ "statm", PROCFS_FILE, gen_pid_statm },     { "cmdline", PROCFS_FILE, gen_pid_cmdline },
	{ "comm", PROCFS_FILE, gen_pid_comm },	     { "exe", PROCFS_LINK, gen_pid_exe },
};
#define NROOT (sizeof(procfs_root_entries) / sizeof(procfs_root_entries[0]))
#define NPID (sizeof(procfs_pid_entries) / sizeof(procfs_pid_entries[0]))

/* --- vnodes --- */

static struct procfs_node *procfs_node(struct vnode *vn)
{
	return (struct procfs_node *) vn;
}

static unsigned procfs_dtype(uint32_t mode)
{
	return (mode & IO_S_IFMT) == IO_S_IFDIR ? IO_DT_DIR : (mode & IO_S_IFMT) == IO_S_IFLNK ? IO_DT_LNK : IO_DT_REG;
}

/* A new node; the owner is the process's (its effective ids), as Linux's. */
static int procfs_new(const struct procfs_entry *e, int pid, uint64_t ino, struct vnode **out)
{
	struct procfs_node *n;

	if (pid != 0 && procfs_get(pid, NULL) != 0)
		return LINUX_ENOENT;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return LINUX_ENOMEM;
	n->entry = e;
	n->pid = pid;
	n->vn.ops = &procfs_ops;
	n->vn.mount = &procfs->m;
	n->vn.refs = 1;
	n->vn.mode = e != NULL ? e->mode : PROCFS_DIR;
	n->vn.nlink = e != NULL ? 1 : 2;
	n->vn.ino = ino;
	if (pid != 0) {
		n->vn.uid = (uint32_t) procfs_info.euid;
		n->vn.gid = (uint32_t) procfs_info.egid;
		n->vn.mtime.sec = procfs_info.start_sec;
	} else {
		unixio_now(&n->vn.mtime.sec, &n->vn.mtime.nsec);
	}
	n->vn.atime = n->vn.ctime = n->vn.mtime;
	*out = &n->vn;
	return 0;
}

/* A pid's decimal name, or 0. */
static int procfs_pid_name(const char *name, size_t len)
{
	int pid = 0;

	if (len == 0 || len > 5 || name[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

static int procfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct procfs_node *d = procfs_node(dir);
	const struct procfs_entry *entries = d->pid != 0 ? procfs_pid_entries : procfs_root_entries;
	size_t count = d->pid != 0 ? NPID : NROOT;
	int pid;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = &procfs->root.vn;
		vfs_ref(*out);
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		if (strlen(entries[i].name) == len && memcmp(entries[i].name, name, len) == 0)
			return procfs_new(&entries[i], d->pid,
					  d->pid != 0 ? PROCFS_PID_INO(d->pid, 1 + i) : PROCFS_ROOT_INO + 1 + i, out);
	}
	if (d->pid == 0 && (pid = procfs_pid_name(name, len)) != 0)
		return procfs_new(NULL, pid, PROCFS_PID_INO(pid, 0), out);
	return LINUX_ENOENT;
}

/* vn's text, made now, if vn is an entry of that mode (EINVAL if not). */
static int procfs_text_of(struct vnode *vn, uint32_t mode, struct procfs_text *t)
{
	struct procfs_node *n = procfs_node(vn);

	t->buf = procfs_buf;
	t->len = 0;
	if (n->entry == NULL || n->entry->mode != mode)
		return LINUX_EINVAL;
	return n->entry->gen(t, n->pid);
}

static int procfs_read(struct vnode *vn, uint64_t off, char *buf, size_t len, size_t *got)
{
	struct procfs_text t;
	int rc;

	*got = 0;
	rc = procfs_text_of(vn, PROCFS_FILE, &t);
	if (rc != 0)
		return rc;
	if (off >= t.len)
		return 0;
	*got = t.len - off < len ? t.len - off : len;
	memcpy(buf, t.buf + off, *got);
	return 0;
}

static int procfs_readlink(struct vnode *vn, char *buf, size_t size)
{
	struct procfs_text t;
	int rc;

	rc = procfs_text_of(vn, PROCFS_LINK, &t);
	if (rc != 0)
		return rc;
	if (t.len + 1 > size)
		return LINUX_ENAMETOOLONG;
	memcpy(buf, t.buf, t.len);
	buf[t.len] = '\0';
	return 0;
}

static int procfs_readdir(struct vnode *dir, uint64_t *cookie, vfs_filldir_t fill, void *arg)
{
	struct procfs_node *d = procfs_node(dir);
	const struct procfs_entry *entries = d->pid != 0 ? procfs_pid_entries : procfs_root_entries;
	size_t count = d->pid != 0 ? NPID : NROOT;
	mach_msg_type_number_t npids;

	if (d->pid != 0 && procfs_get(d->pid, NULL) != 0)
		return 0; /* the process is gone: an empty directory */
	if (*cookie == 0) {
		if (fill(arg, ".", 1, dir->ino, IO_DT_DIR, 1))
			return 0;
		*cookie = 1;
	}
	if (*cookie == 1) {
		if (fill(arg, "..", 2, PROCFS_ROOT_INO, IO_DT_DIR, PROCFS_FIRST_COOKIE))
			return 0;
		*cookie = PROCFS_FIRST_COOKIE;
	}
	for (size_t i = *cookie - PROCFS_FIRST_COOKIE; *cookie < PROCFS_FIRST_COOKIE + count; i++) {
		const struct procfs_entry *e = &entries[i];
		uint64_t ino = d->pid != 0 ? PROCFS_PID_INO(d->pid, 1 + i) : PROCFS_ROOT_INO + 1 + i;
		if (fill(arg, e->name, strlen(e->name), ino, procfs_dtype(e->mode), *cookie + 1))
			return 0;
		*cookie += 1;
	}
	if (d->pid != 0)
		return 0;
	/* The processes there are now, from the cookie's pid on. */
	if (*cookie < PROCFS_PID_COOKIE(0))
		*cookie = PROCFS_PID_COOKIE(0);
	procfs_pid_list(&npids);
	for (mach_msg_type_number_t i = 0; i < npids; i++) {
		char name[12];
		int pid = procfs_pids[i];
		if (PROCFS_PID_COOKIE(pid) < *cookie)
			continue;
		int len = snprintf(name, sizeof(name), "%d", pid);
		if (fill(arg, name, (size_t) len, PROCFS_PID_INO(pid, 0), IO_DT_DIR, PROCFS_PID_COOKIE(pid) + 1))
			return 0;
		*cookie = PROCFS_PID_COOKIE(pid) + 1;
	}
	return 0;
}

/* Nothing in /proc is made, named, removed or written by programs (root
 * included): Linux's answers. */
static int procfs_create_node(struct vnode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
			 const char *target, uint32_t uid, uint32_t gid, struct vnode **out)
{
	(void) dir, (void) name, (void) len, (void) mode, (void) rdev, (void) target, (void) uid, (void) gid;
	(void) out;
	return LINUX_EACCES;
}

static int procfs_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
	(void) dir, (void) name, (void) len, (void) vn;
	return LINUX_EPERM;
}

static int procfs_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *vn, struct vnode *ndir,
			 const char *nname, size_t nlen, struct vnode *target)
{
	(void) odir, (void) oname, (void) olen, (void) vn, (void) ndir, (void) nname, (void) nlen, (void) target;
	return LINUX_EPERM;
}

static int procfs_write(struct vnode *vn, uint64_t off, const char *buf, size_t len, size_t *done)
{
	(void) vn, (void) off, (void) buf, (void) len;
	*done = 0;
	return LINUX_EINVAL;
}

static int procfs_truncate(struct vnode *vn, uint64_t size)
{
	(void) vn, (void) size;
	return LINUX_EPERM;
}

static int procfs_isempty(struct vnode *dir)
{
	(void) dir;
	return LINUX_ENOTEMPTY;
}

static int procfs_setattr(struct vnode *vn)
{
	(void) vn;
	return LINUX_EPERM;
}

static void procfs_inactive(struct vnode *vn)
{
	if (vn != &procfs->root.vn)
		free(procfs_node(vn));
}

static const struct vnode_ops procfs_ops = {
	.lookup = procfs_lookup,
	.create = procfs_create_node,
	.link = procfs_link,
	.unlink = procfs_link,
	.rename = procfs_rename,
	.write = procfs_write,
	.truncate = procfs_truncate,
	.isempty = procfs_isempty,
	.setattr = procfs_setattr,
	.read = procfs_read,
	.readdir = procfs_readdir,
	.readlink = procfs_readlink,
	.inactive = procfs_inactive,
	.unsized = 1,
};

struct vfs_mount *procfs_create(uint64_t dev, mach_port_t proc, mach_port_t device_master, procfs_tty_t tty)
{
	struct procfs *fs;

	if (procfs != NULL)
		return NULL;
	fs = calloc(1, sizeof(*fs));
	if (fs == NULL)
		return NULL;
	fs->m.dev = dev;
	fs->m.type = "proc";
	fs->proc = proc;
	fs->tty = tty;
	fs->time_device = MACH_PORT_NULL;
	if (MACH_PORT_VALID(device_master) &&
	    device_open(device_master, D_READ, "time", &fs->time_device) != D_SUCCESS)
		fs->time_device = MACH_PORT_NULL;
	fs->root.vn.ops = &procfs_ops;
	fs->root.vn.mount = &fs->m;
	fs->root.vn.refs = 1; /* the mount's */
	fs->root.vn.mode = PROCFS_DIR;
	fs->root.vn.nlink = 2;
	fs->root.vn.ino = PROCFS_ROOT_INO;
	unixio_now(&fs->root.vn.mtime.sec, &fs->root.vn.mtime.nsec);
	fs->root.vn.atime = fs->root.vn.ctime = fs->root.vn.mtime;
	fs->m.root = &fs->root.vn;
	procfs = fs;
	return &fs->m;
}
