/* 8254 programmable interval timer, channel 0 at HZ, driving the clock.
 * Its input frequency is fixed by the PC design, so nothing is calibrated. */
#include "config.h"
#include <i386/cpu.h>
#include <i386/pic.h>
#include <i386/pit.h>
#include <i386/trap.h>
#include <kern/clock.h>

#define PIT_CH0 0x40
#define PIT_MODE 0x43
#define PIT_MODE_CH0_RATE 0x34 /* channel 0, lo/hi byte, mode 2 */
#define PIT_IRQ 0

static void pit_intr(unsigned irq)
{
	(void)irq;
	clock_tick();
}

void pit_init(void)
{
	unsigned divisor = (PIT_INPUT_HZ + HZ / 2) / HZ;

	outb(PIT_MODE, PIT_MODE_CH0_RATE);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	irq_register(PIT_IRQ, pit_intr);
}

#define PIT_LATCH_CH0 0x00
#define PIC1_CMD 0x20
#define OCW3_READ_IRR 0x0A

/* Input-clock periods elapsed in the current tick, and whether the tick
 * interrupt is already pending (the counter wrapped, the count did not). */
unsigned pit_elapsed(int *pending)
{
	unsigned divisor = (PIT_INPUT_HZ + HZ / 2) / HZ;
	unsigned count;

	outb(PIT_MODE, PIT_LATCH_CH0);
	count = inb(PIT_CH0);
	count |= (unsigned)inb(PIT_CH0) << 8;
	outb(PIC1_CMD, OCW3_READ_IRR);
	*pending = inb(PIC1_CMD) & (1u << PIT_IRQ);
	return count <= divisor ? divisor - count : 0;
}
