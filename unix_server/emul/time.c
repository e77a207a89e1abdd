/*
 * Time: the kernel's clock (host_get_time, microseconds) for every
 * clock id, and sleeps as receives with a time-out on a port nobody
 * sends to, which a signal interrupts.  uname names the system.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mach/mach_host.h>
#include <mach/mach_interface.h>
#include <servers/fs.h>
#include <servers/io.h>
#include <servers/proc_types.h>
#include "emul.h"

#define NSEC_PER_SEC 1000000000
#define NSEC_PER_USEC 1000
#define NSEC_PER_MSEC 1000000
#define SLEEP_MS_MAX 0x7fffffff
#define O_RDONLY_ 0

static int now(struct linux_timespec *ts)
{
	time_value_t tv;

	if (host_get_time(emul.host, &tv) != KERN_SUCCESS)
		return -LINUX_EINVAL;
	ts->sec = tv.seconds;
	ts->nsec = tv.microseconds * NSEC_PER_USEC;
	return 0;
}

int64_t emul_now_us(void)
{
	struct linux_timespec t;
	if (now(&t) < 0)
		return 0;
	return (int64_t)t.sec * USEC_PER_SEC + t.nsec / NSEC_PER_USEC;
}

int64_t emul_now_ms(void)
{
	return emul_now_us() / 1000;
}

static int clock_ok(int clk)
{
	return clk >= CLOCK_REALTIME && clk <= CLOCK_BOOTTIME;
}

int sys_clock_gettime(int clk, uint32_t uts)
{
	struct linux_timespec ts;
	int r;

	if (!clock_ok(clk))
		return -LINUX_EINVAL;
	if ((r = now(&ts)) < 0)
		return r;
	return emul_copyout(uts, &ts, sizeof(ts));
}

int sys_gettimeofday(uint32_t utv, uint32_t utz)
{
	struct linux_timespec ts;
	int r;

	if ((r = now(&ts)) < 0)
		return r;
	if (utv != 0) {
		struct linux_timeval tv = {ts.sec, ts.nsec / NSEC_PER_USEC};
		if ((r = emul_copyout(utv, &tv, sizeof(tv))) < 0)
			return r;
	}
	if (utz != 0) {
		static const int32_t utc[2];
		return emul_copyout(utz, utc, sizeof(utc));
	}
	return 0;
}

int sys_time(uint32_t ut)
{
	struct linux_timespec ts;
	int r;

	if ((r = now(&ts)) < 0)
		return r;
	if (ut != 0 && (r = emul_copyout(ut, &ts.sec, sizeof(ts.sec))) < 0)
		return r;
	return ts.sec;
}

static int64_t ts_ns(const struct linux_timespec *ts)
{
	return (int64_t)ts->sec * NSEC_PER_SEC + ts->nsec;
}

/* Sleep until the clock reads deadline_ns; -EINTR if a signal came. */
static int sleep_until(int64_t deadline_ns, int64_t *left_ns)
{
	struct linux_timespec t;
	int r;

	for (;;) {
		if ((r = now(&t)) < 0)
			return r;
		int64_t left = deadline_ns - ts_ns(&t);
		*left_ns = left > 0 ? left : 0;
		if (left <= 0)
			return 0;
		int64_t ms = (left + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
		r = emul_sleep(ms > SLEEP_MS_MAX ? SLEEP_MS_MAX : (uint32_t)ms);
		/* Ignored signals do not end a sleep. */
		if (r < 0 && !emul_signal_drop_ignored())
			r = 0;
		if (r < 0) {
			now(&t);
			left = deadline_ns - ts_ns(&t);
			*left_ns = left > 0 ? left : 0;
			return r;
		}
	}
}

static int do_sleep(uint32_t ureq, uint32_t urem, int absolute)
{
	struct linux_timespec req, t;
	int64_t left = 0;
	int r;

	if ((r = emul_copyin(&req, ureq, sizeof(req))) < 0)
		return r;
	if (req.nsec < 0 || req.nsec >= NSEC_PER_SEC || req.sec < 0)
		return -LINUX_EINVAL;
	if ((r = now(&t)) < 0)
		return r;
	r = sleep_until(absolute ? ts_ns(&req) : ts_ns(&t) + ts_ns(&req), &left);
	if (r == -LINUX_EINTR) {
		if (urem != 0 && !absolute) {
			struct linux_timespec rem = {(int32_t)(left / NSEC_PER_SEC),
						     (int32_t)(left % NSEC_PER_SEC)};
			emul_copyout(urem, &rem, sizeof(rem));
		}
		/* A handler ran: EINTR whatever SA_RESTART says (signal(7)). */
		return -LINUX_EINTR;
	}
	return r;
}

int sys_nanosleep(uint32_t ureq, uint32_t urem)
{
	return do_sleep(ureq, urem, 0);
}

int sys_clock_nanosleep(int clk, int flags, uint32_t ureq, uint32_t urem)
{
	if (!clock_ok(clk) || clk == CLOCK_THREAD_CPUTIME_ID)
		return -LINUX_EINVAL;
	return do_sleep(ureq, urem, (flags & TIMER_ABSTIME) != 0);
}

int sys_uname(uint32_t ubuf)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, PROC_UNAME_SYSNAME);
	strcpy(u.nodename, "ernst");
	strcpy(u.release, PROC_UNAME_RELEASE);
	strcpy(u.version, PROC_UNAME_VERSION);
	strcpy(u.machine, "i686");
	strcpy(u.domainname, "(none)");
	return emul_copyout(ubuf, &u, sizeof(u));
}

/* What /proc/NAME says (at most size - 1 bytes, NUL-terminated): its
 * length, or -errno. */
static int read_proc_file(const char *name, char *buf, size_t size)
{
	static char path[32];
	mach_port_t file;
	mach_msg_type_name_t type;
	size_t len = 0;
	int r;

	snprintf(path, sizeof(path), "/proc/%s", name);
	if (!MACH_PORT_VALID(emul.root))
		return -LINUX_ENOENT;
	if ((r = emul_errno(fs_lookup(emul.root, path, O_RDONLY_, 0, &file, &type))) < 0)
		return r;
	while (len + 1 < size) {
		char *data = buf + len;
		mach_msg_type_number_t n = (mach_msg_type_number_t)(size - 1 - len);
		r = emul_errno(io_read(file, 0, IO_OFFSET_CURRENT, (int)n, &data, &n));
		if (r < 0 || n == 0)
			break;
		if (data != buf + len) {
			memcpy(buf + len, data, n);
			vm_deallocate(mach_task_self(), (vm_offset_t)data, n);
		}
		len += n;
	}
	mach_port_deallocate(mach_task_self(), file);
	buf[len] = '\0';
	return r < 0 ? r : (int)len;
}

/* The number after "name:" in /proc/meminfo's text (kB), or 0. */
static uint32_t meminfo_kb(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, name, n) == 0 && p[n] == ':')
			return (uint32_t)strtoul(p + n + 1, NULL, 10);
	return 0;
}

/* "12.34": the value times 65536, as sysinfo's loads. */
static uint32_t load_fixed(const char **p)
{
	char *end;
	uint32_t whole = (uint32_t)strtoul(*p, &end, 10), hundredths = 0;
	if (*end == '.')
		hundredths = (uint32_t)strtoul(end + 1, &end, 10);
	*p = end;
	return (whole << 16) + hundredths * 65536 / 100;
}

/* sysinfo: /proc's figures (uptime, meminfo, loadavg), one source of truth. */
int sys_sysinfo(uint32_t ubuf)
{
	static char text[2048];
	struct linux_sysinfo si;
	int r;

	memset(&si, 0, sizeof(si));
	if ((r = read_proc_file("uptime", text, sizeof(text))) < 0)
		return r;
	si.uptime = (int32_t)strtoul(text, NULL, 10);
	if ((r = read_proc_file("loadavg", text, sizeof(text))) < 0)
		return r;
	const char *p = text;
	for (int i = 0; i < 3; i++)
		si.loads[i] = load_fixed(&p);
	p = strchr(p, '/');
	si.procs = p != NULL ? (uint16_t)strtoul(p + 1, NULL, 10) : 0;
	if ((r = read_proc_file("meminfo", text, sizeof(text))) < 0)
		return r;
	si.mem_unit = 1024;
	si.totalram = meminfo_kb(text, "MemTotal");
	si.freeram = meminfo_kb(text, "MemFree");
	si.sharedram = meminfo_kb(text, "Shmem");
	si.bufferram = meminfo_kb(text, "Buffers");
	si.totalswap = meminfo_kb(text, "SwapTotal");
	si.freeswap = meminfo_kb(text, "SwapFree");
	return emul_copyout(ubuf, &si, sizeof(si));
}
