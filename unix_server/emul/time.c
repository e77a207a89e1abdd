/*
 * Time: the kernel's clock (host_get_time, microseconds) for every
 * clock id, and sleeps as receives with a time-out on a port nobody
 * sends to, which a signal interrupts.  uname names the system.
 */
#include <string.h>
#include <mach/mach_host.h>
#include "emul.h"

#define NSEC_PER_SEC 1000000000
#define USEC_PER_SEC 1000000
#define NSEC_PER_USEC 1000
#define NSEC_PER_MSEC 1000000
#define SLEEP_MS_MAX 0x7fffffff

static int now(struct linux_timespec *ts)
{
	time_value_t tv;

	if (host_get_time(emul.host, &tv) != KERN_SUCCESS)
		return -LINUX_EINVAL;
	ts->sec = tv.seconds;
	ts->nsec = tv.microseconds * NSEC_PER_USEC;
	return 0;
}

int64_t emul_now_ms(void)
{
	struct linux_timespec t;
	if (now(&t) < 0)
		return 0;
	return (int64_t)t.sec * 1000 + t.nsec / NSEC_PER_MSEC;
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
	strcpy(u.sysname, "Linux"); /* what programs expect of this ABI */
	strcpy(u.nodename, "ernst");
	strcpy(u.release, "6.1.0-ernst");
	strcpy(u.version, "#1 Ernst (Mach) UNIX single server");
	strcpy(u.machine, "i686");
	strcpy(u.domainname, "(none)");
	return emul_copyout(ubuf, &u, sizeof(u));
}
