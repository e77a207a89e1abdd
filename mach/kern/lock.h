/* Simple locks.  Ernst runs on one CPU today; a simple lock there is
 * "interrupts off", and the lock word keeps the discipline visible (and
 * checked) so that SMP only has to make the acquire spin. */
#ifndef KERN_LOCK_H
#define KERN_LOCK_H
#include <i386/cpu.h>
#include <kern/debug.h>

struct simple_lock {
	volatile int locked;
};
#define SIMPLE_LOCK_INITIALIZER {0}

/* Take the lock with interrupts off; returns the old interrupt state. */
static inline int simple_lock_irqsave(struct simple_lock *l)
{
	int s = cpu_intr_save();
	assert(!l->locked);
	l->locked = 1;
	return s;
}

static inline void simple_unlock_irqrestore(struct simple_lock *l, int s)
{
	assert(l->locked);
	l->locked = 0;
	cpu_intr_restore(s);
}
#endif
