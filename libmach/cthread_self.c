/*
 * Which thread is running, and what belongs to it: the descriptor found
 * from the stack pointer, newlib's per-thread state (__getreent), and
 * thread-local data.  Everything here is linked into every program (crt0
 * names __getreent), so it must not need the kernel's MIG stubs.
 */
#include <errno.h>
#include "libmach_private.h"

/* The main thread runs on the kernel's stack: its descriptor is static. */
struct cthread cthread_main = { .magic = CTHREAD_MAGIC };

void libmach_threads_init(void)
{
	cthread_main.reent = _GLOBAL_REENT;
	cthread_main.state = CTHREAD_RUNNING;
}

/*
 * newlib's hook for its per-thread state (compiled with
 * __DYNAMIC_REENT__): errno, strtok, rand... live in struct _reent.
 */
struct _reent *__getreent(void)
{
	struct cthread *self = cthread_current();
	return self->reent != NULL ? self->reent : _impure_ptr;
}

cthread_t cthread_self(void)
{
	return cthread_current();
}

void cthread_set_data(cthread_t thread, void *data)
{
	thread->data = data;
}

void *cthread_data(cthread_t thread)
{
	return thread->data;
}

/* Keys are handed out once and never reused. */
static volatile int cthread_keys_used;
void (*cthread_key_destructors[CTHREAD_KEYS_MAX])(void *);

int cthread_key_create(cthread_key_t *key, void (*destructor)(void *))
{
	int k = __atomic_fetch_add(&cthread_keys_used, 1, __ATOMIC_RELAXED);
	if (k >= CTHREAD_KEYS_MAX) {
		__atomic_fetch_sub(&cthread_keys_used, 1, __ATOMIC_RELAXED);
		return EAGAIN;
	}
	cthread_key_destructors[k] = destructor;
	*key = (cthread_key_t)k;
	return 0;
}

int cthread_setspecific(cthread_key_t key, const void *value)
{
	if (key >= (cthread_key_t)cthread_keys_used)
		return EINVAL;
	cthread_current()->specific[key] = (void *)value;
	return 0;
}

void *cthread_getspecific(cthread_key_t key)
{
	if (key >= (cthread_key_t)cthread_keys_used)
		return NULL;
	return cthread_current()->specific[key];
}
