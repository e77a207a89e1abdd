#ifndef KERN_CLOCK_H
#define KERN_CLOCK_H
#include <stdint.h>
#include "config.h"

/* Timer interrupts since boot; advanced by the PIT interrupt. */
extern volatile uint64_t clock_ticks;

void clock_tick(void);
/* Microseconds since the clock started. */
uint64_t clock_uptime_us(void);
#endif
