/* The PIT interrupt advances the tick count at about HZ, judged against
 * the CMOS real-time clock's seconds (both run on the machine's clock:
 * test/mach/ktests.list boots this with QEMU's RTC on the virtual clock,
 * in instructions, so that the host's load cannot come between them). */
#include <i386/cpu.h>
#include <kern/clock.h>
#include <kern/ktest.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_SECONDS 0x00
#define CMOS_STATUS_A 0x0A
#define CMOS_UPDATE_IN_PROGRESS 0x80
#define WAIT_LIMIT_TICKS (5 * HZ)

static int cmos_seconds(void)
{
	outb(CMOS_INDEX, CMOS_STATUS_A);
	while (inb(CMOS_DATA) & CMOS_UPDATE_IN_PROGRESS)
		;
	outb(CMOS_INDEX, CMOS_SECONDS);
	return inb(CMOS_DATA);
}

/* Sleep until the RTC's second changes; returns 0 if it did not within
 * WAIT_LIMIT_TICKS ticks. */
static int wait_second_edge(void)
{
	int s = cmos_seconds();
	uint64_t limit = clock_ticks + WAIT_LIMIT_TICKS;

	while (cmos_seconds() == s)
		if (clock_ticks > limit)
			return 0;
		else
			cpu_idle();
	return 1;
}

KTEST(clock_ticks)
{
	uint64_t t0 = clock_ticks;
	unsigned wakeups = 0;

	ktest_ok((get_eflags() & EFLAGS_IF) != 0, "interrupts are enabled after start-up");
	while (clock_ticks < t0 + 3 && wakeups < 1000) {
		cpu_idle();
		wakeups++;
	}
	ktest_ok(clock_ticks >= t0 + 3, "ticks advance while the CPU sleeps (%llu -> %llu)", t0, clock_ticks);

	uint64_t us0 = clock_uptime_us(), prev = us0;
	int monotonic = 1, fine = 0;
	for (int i = 0; i < 2000; i++) {
		uint64_t us = clock_uptime_us();
		monotonic &= us >= prev;
		fine |= us % (1000000 / HZ) != 0;
		prev = us;
	}
	ktest_ok(monotonic, "uptime never goes backwards");
	ktest_ok(fine, "uptime has finer resolution than a tick (the PIT's count is read)");

	if (!ktest_ok(wait_second_edge(), "the real-time clock advances"))
		return;
	uint64_t start = clock_ticks;
	int edge = wait_second_edge();
	uint64_t per_second = clock_ticks - start;
	ktest_ok(edge && per_second >= HZ / 4 && per_second <= 4 * HZ,
		 "about HZ=%d ticks per real-time-clock second (%llu)", HZ, per_second);
}
