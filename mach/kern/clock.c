/* The tick clock.  Later, the scheduler's time slices hang off clock_tick. */
#include <kern/clock.h>

volatile uint64_t clock_ticks;

void clock_tick(void)
{
	clock_ticks++;
}

uint64_t clock_uptime_us(void)
{
	return clock_ticks * (1000000 / HZ);
}
