/* The tick clock: time, timers and time slices hang off clock_tick. */
#include <kern/clock.h>
#include <kern/sched.h>
#include <i386/cpu.h>
#include <i386/pit.h>

volatile uint64_t clock_ticks;

void clock_tick(void)
{
	clock_ticks++;
	sched_clock_tick();
}

/* Ticks plus the PIT's progress into the current one: microsecond
 * resolution, never going backwards. */
uint64_t clock_uptime_us(void)
{
	static uint64_t last;
	int pending, s = cpu_intr_save();
	uint64_t ticks = clock_ticks;
	unsigned elapsed = pit_elapsed(&pending);

	if (pending) /* the counter wrapped but the tick is not counted yet */
		ticks++;
	uint64_t us = ticks * (1000000 / HZ) + (uint64_t)elapsed * 1000000 / PIT_INPUT_HZ;
	if (us < last)
		us = last;
	last = us;
	cpu_intr_restore(s);
	return us;
}
