/* libmach internals shared between its files; not for user code. */
#ifndef _LIBMACH_PRIVATE_H_
#define _LIBMACH_PRIVATE_H_

#include <stddef.h>
#include <stdint.h>
#include <reent.h>
#include <mach.h>
#include <cthreads.h>

#define CTHREAD_MAGIC 0x63746872u /* "cthr" */

enum cthread_state { CTHREAD_RUNNING, CTHREAD_EXITED };

/*
 * A thread's descriptor: at the bottom of its stack (main's is static).
 * lock guards state, detached and the done condition.
 */
struct cthread {
	uint32_t magic;
	mach_port_t kernel_port;  /* send right to the kernel thread, or NULL */
	mach_port_t reply_port;   /* MIG reply port cache, or NULL */
	struct _reent *reent;     /* newlib's per-thread state (main: the global one) */
	cthread_fn_t fn;
	void *arg;
	void *result;
	cthread_mutex_t lock;
	cthread_cond_t done;
	int state;
	int detached;
	struct cthread *next_zombie;
	void *data;
	void *specific[CTHREAD_KEYS_MAX];
	struct _reent reent_storage;
};

extern struct cthread cthread_main;

/*
 * The heap region (heap.c): sbrk hands out [base, limit), and every
 * thread stack but main's is allocated from it.
 */
extern uintptr_t libmach_heap_base, libmach_heap_limit;
extern void libmach_heap_init(void);

static inline int libmach_heap_contains(uintptr_t addr)
{
	return addr - libmach_heap_base < libmach_heap_limit - libmach_heap_base;
}

/* The calling thread's descriptor, from its stack pointer. */
static inline struct cthread *cthread_current(void)
{
	uintptr_t sp;
	__asm__("movl %%esp, %0" : "=r"(sp));
	uintptr_t base = sp & ~(uintptr_t)(CTHREAD_STACK_SIZE - 1);
	if (libmach_heap_contains(base))
		return (struct cthread *)base;
	return &cthread_main;
}

/* Write to the console (console.c). */
extern void libmach_console_write(const char *buf, size_t len);
extern void libmach_console_puts(const char *s);

/* Set up newlib's locks and the main thread (cthread_self.c). */
extern void libmach_threads_init(void);

#endif /* _LIBMACH_PRIVATE_H_ */
