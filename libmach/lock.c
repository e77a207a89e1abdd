/*
 * Mutexes, conditions, and newlib's locks on top of them.
 *
 * The uncontended paths are one atomic instruction in user space.  A
 * thread that must wait calls libmach_block, the only place that needs
 * the kernel: today it yields the processor with a short priority
 * depression (thread_switch, SWITCH_OPTION_DEPRESS), and re-checks.
 * TODO(wait queue): once the kernel offers a blocking wait on an address
 * or a cheap port-based one, libmach_block/libmach_wake become a real
 * sleep and wake-up; nothing above them changes.
 */
#include <sys/lock.h>
#include <stdlib.h>
#include "libmach_private.h"

/* How long a blocked thread stays depressed, in milliseconds. */
#define LIBMACH_BLOCK_DEPRESS_MS 1

void libmach_block(volatile int *addr, int expected)
{
	if (__atomic_load_n(addr, __ATOMIC_ACQUIRE) != expected)
		return;
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_DEPRESS, LIBMACH_BLOCK_DEPRESS_MS);
}

void libmach_wake(volatile int *addr, int n)
{
	/* Waiters poll; nothing to do until they really sleep. */
	(void)addr;
	(void)n;
}

void cthread_yield(void)
{
	swtch_pri(0);
}

/* --- mutexes: 0 free, 1 held, 2 held and someone may be waiting ------- */

void cthread_mutex_init(cthread_mutex_t *m)
{
	m->state = 0;
}

int cthread_mutex_trylock(cthread_mutex_t *m)
{
	int free = 0;
	return __atomic_compare_exchange_n(&m->state, &free, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void cthread_mutex_lock(cthread_mutex_t *m)
{
	int c = 0;
	if (__atomic_compare_exchange_n(&m->state, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	/* Contended: mark the mutex as having waiters, and wait until we are
	   the one who finds it free. */
	if (c != 2)
		c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		libmach_block(&m->state, 2);
		c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
	}
}

void cthread_mutex_unlock(cthread_mutex_t *m)
{
	if (__atomic_exchange_n(&m->state, 0, __ATOMIC_RELEASE) == 2)
		libmach_wake(&m->state, 1);
}

/* --- conditions: a counter that every signal moves -------------------- */

void cthread_cond_init(cthread_cond_t *c)
{
	c->seq = 0;
}

void cthread_cond_wait(cthread_cond_t *c, cthread_mutex_t *m)
{
	int seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	cthread_mutex_unlock(m);
	libmach_block(&c->seq, seq);
	cthread_mutex_lock(m);
}

void cthread_cond_signal(cthread_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	libmach_wake(&c->seq, 1);
}

void cthread_cond_broadcast(cthread_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	libmach_wake(&c->seq, __INT_MAX__);
}

/*
 * --- newlib's locks (--enable-newlib-retargetable-locking) -------------
 * Every lock may be taken recursively by its owner; newlib tells us which
 * ones it takes recursively, but tracking the owner costs little.
 */
struct __lock {
	cthread_mutex_t mutex;
	struct cthread *owner;
	unsigned int depth;
};

/* The static locks newlib names. */
struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex,
	__lock___atexit_recursive_mutex, __lock___at_quick_exit_mutex, __lock___malloc_recursive_mutex,
	__lock___env_recursive_mutex, __lock___tz_mutex, __lock___dd_hash_mutex, __lock___arc4random_mutex;

void __retarget_lock_init(_LOCK_T *lock)
{
	*lock = calloc(1, sizeof(struct __lock));
	if (*lock == NULL)
		abort();
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
	__retarget_lock_init(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
	free(lock);
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	struct cthread *self = cthread_current();
	if (lock->owner == self) {
		lock->depth++;
		return 1;
	}
	if (!cthread_mutex_trylock(&lock->mutex))
		return 0;
	lock->owner = self;
	lock->depth = 1;
	return 1;
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	struct cthread *self = cthread_current();
	if (lock->owner == self) {
		lock->depth++;
		return;
	}
	cthread_mutex_lock(&lock->mutex);
	lock->owner = self;
	lock->depth = 1;
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	if (--lock->depth > 0)
		return;
	lock->owner = NULL;
	cthread_mutex_unlock(&lock->mutex);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	return __retarget_lock_try_acquire_recursive(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
	__retarget_lock_acquire_recursive(lock);
}

void __retarget_lock_release(_LOCK_T lock)
{
	__retarget_lock_release_recursive(lock);
}
