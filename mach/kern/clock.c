/* The tick clock: time, timers and time slices hang off clock_tick. */
#include <kern/clock.h>
#include <kern/sched.h>

volatile uint64_t clock_ticks;

void clock_tick(void)
{
	clock_ticks++;
	sched_clock_tick();
}

uint64_t clock_uptime_us(void)
{
	return clock_ticks * (1000000 / HZ);
}
