/*
 * cthreads: the Ernst thread library, one kernel thread per cthread.
 * Names follow CMU's C Threads, with a cthread_ prefix on everything.
 *
 * Every thread runs on a stack of CTHREAD_STACK_SIZE bytes aligned to
 * that size, with its descriptor at the bottom; cthread_self() is the
 * stack pointer rounded down (no segment register, no kernel call).  The
 * main thread keeps the stack the kernel gave it and is recognised by its
 * stack lying outside libmach's heap.  A thread that overflows its stack
 * overwrites its own descriptor (there is no guard page yet).
 *
 * Mutexes and conditions take no kernel call when uncontended; a waiter
 * blocks through libmach_block()/libmach_wake() (lock.c), for now a
 * yield (thread_switch with priority depression) in a loop, later a
 * port-based wait queue: the interface will not change.
 *
 * Thread creation needs the MIG stubs of thread_create, thread_set_state
 * and thread_resume, which libmach does not contain yet.
 */
#ifndef _CTHREADS_H_
#define _CTHREADS_H_

#include <stdint.h>
#include <mach/kern_return.h>
#include <mach/port.h>

#define CTHREAD_STACK_SIZE 0x10000u /* 64 KiB, a power of two */
#define CTHREAD_KEYS_MAX 32

typedef struct cthread *cthread_t;
typedef void *(*cthread_fn_t)(void *arg);

/*
 * The running thread's descriptor, from its stack pointer: inline, for
 * cthread_self's callers inside libmach and for the MIG stubs' reply
 * port (mig_get_reply_port in <mach/mig_support.h>, every RPC).  The
 * heap region [base, limit) is where every stack but main's lives.
 */
extern uintptr_t libmach_heap_base, libmach_heap_limit;
extern struct cthread cthread_main;
static inline struct cthread *cthread_current(void)
{
	uintptr_t sp;
	__asm__("movl %%esp, %0" : "=r"(sp));
	uintptr_t base = sp & ~(uintptr_t)(CTHREAD_STACK_SIZE - 1);
	if (base - libmach_heap_base < libmach_heap_limit - libmach_heap_base)
		return (struct cthread *)base;
	return &cthread_main;
}
/* Where a descriptor keeps its thread's MIG reply port (MACH_PORT_NULL
 * until the first RPC); libmach_private.h checks the offset. */
#define CTHREAD_REPLY_PORT_OFFSET 8
static inline mach_port_t *cthread_reply_port_slot(struct cthread *t)
{
	return (mach_port_t *)((char *)t + CTHREAD_REPLY_PORT_OFFSET);
}

/* Start fn(arg) in a new thread of this task. */
extern kern_return_t cthread_create(cthread_t *thread, cthread_fn_t fn, void *arg);
/* Wait for a thread to end, release it, and return what it returned. */
extern void *cthread_join(cthread_t thread);
/* Nobody will join this thread: release it as soon as it ends. */
extern void cthread_detach(cthread_t thread);
/* End the calling thread (returning from its function does the same). */
extern void cthread_exit(void *result) __attribute__((noreturn));
extern cthread_t cthread_self(void);
/* The kernel's port for a thread (a send right the library owns). */
extern mach_port_t cthread_kernel_port(cthread_t thread);
/* Let another thread run. */
extern void cthread_yield(void);

/* One pointer of private data per thread. */
extern void cthread_set_data(cthread_t thread, void *data);
extern void *cthread_data(cthread_t thread);

/* Thread-specific data by key; the destructor runs at thread exit. */
typedef unsigned int cthread_key_t;
extern int cthread_key_create(cthread_key_t *key, void (*destructor)(void *));
extern int cthread_setspecific(cthread_key_t key, const void *value);
extern void *cthread_getspecific(cthread_key_t key);

/*
 * A mutex: 0 free, 1 held, 2 held with (possibly) waiters.  Locking a
 * free mutex is one atomic compare-and-swap.
 */
typedef struct cthread_mutex {
	volatile int state;
} cthread_mutex_t;
#define CTHREAD_MUTEX_INITIALIZER { 0 }

extern void cthread_mutex_init(cthread_mutex_t *m);
extern void cthread_mutex_lock(cthread_mutex_t *m);
/* Nonzero if the mutex was taken. */
extern int cthread_mutex_trylock(cthread_mutex_t *m);
extern void cthread_mutex_unlock(cthread_mutex_t *m);

/*
 * A condition: a counter of signals.  A waiter sleeps until the counter
 * moves; wake-ups may be spurious, so wait in a loop on the predicate.
 */
typedef struct cthread_cond {
	volatile int seq;
} cthread_cond_t;
#define CTHREAD_COND_INITIALIZER { 0 }

extern void cthread_cond_init(cthread_cond_t *c);
extern void cthread_cond_wait(cthread_cond_t *c, cthread_mutex_t *m);
extern void cthread_cond_signal(cthread_cond_t *c);
extern void cthread_cond_broadcast(cthread_cond_t *c);

/*
 * The waiting primitive under mutexes and conditions: libmach_block
 * returns when *addr may no longer equal expected (or spuriously);
 * libmach_wake lets up to n threads blocked on addr re-check.
 */
extern void libmach_block(volatile int *addr, int expected);
extern void libmach_wake(volatile int *addr, int n);

#endif /* _CTHREADS_H_ */
