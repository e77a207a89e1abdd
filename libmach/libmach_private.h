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

_Static_assert(offsetof(struct cthread, reply_port) == CTHREAD_REPLY_PORT_OFFSET, "reply port offset");

/*
 * The heap region (heap.c): sbrk hands out [base, limit), and every
 * thread stack but main's is allocated from it (cthread_current, in
 * <cthreads.h>, relies on that).
 */
extern void libmach_heap_init(void);

/* Write to the console (console.c). */
extern void libmach_console_write(const char *buf, size_t len);
extern void libmach_console_puts(const char *s);

/* Set up newlib's locks and the main thread (cthread_self.c). */
extern void libmach_threads_init(void);

#endif /* _LIBMACH_PRIVATE_H_ */
