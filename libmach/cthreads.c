/*
 * Thread creation, exit and reaping.  Each cthread is a kernel thread
 * (thread_create, thread_set_state, thread_resume) on a stack from the
 * heap, aligned to its size, with the descriptor at its bottom.
 *
 * A thread cannot free the stack it runs on, so ending is in two halves:
 * the thread itself runs the key destructors, releases its newlib state,
 * marks itself EXITED and asks the kernel to terminate it; whoever reaps
 * it later (cthread_join, or for a detached thread the next
 * cthread_create) terminates the kernel thread again, harmlessly if it is
 * already gone, and only then frees the port names and the stack.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "libmach_private.h"

/* Detached threads that have exited, waiting to be reaped. */
static cthread_mutex_t zombies_lock = CTHREAD_MUTEX_INITIALIZER;
static struct cthread *zombies;

extern void (*cthread_key_destructors[CTHREAD_KEYS_MAX])(void *);

static void cthread_reap(struct cthread *t)
{
	(void)thread_terminate(t->kernel_port);
	(void)mach_port_destroy(mach_task_self(), t->kernel_port);
	if (t->reply_port != MACH_PORT_NULL)
		(void)mach_port_destroy(mach_task_self(), t->reply_port);
	t->magic = 0;
	free(t);
}

static void cthread_reap_zombies(void)
{
	cthread_mutex_lock(&zombies_lock);
	struct cthread *list = zombies;
	zombies = NULL;
	cthread_mutex_unlock(&zombies_lock);
	while (list != NULL) {
		struct cthread *next = list->next_zombie;
		cthread_reap(list);
		list = next;
	}
}

/* Where a new thread starts, on its own stack. */
static void __attribute__((noreturn, used)) cthread_body(struct cthread *self)
{
	cthread_exit(self->fn(self->arg));
}

/* The segment registers a new thread gets: the ones we run with. */
static void cthread_initial_state(struct i386_thread_state *s, struct cthread *t)
{
	unsigned int seg;

	memset(s, 0, sizeof *s);
#define READ_SEG(reg, field) __asm__("movl %%" #reg ", %0" : "=r"(seg)); s->field = seg
	READ_SEG(cs, cs);
	READ_SEG(ss, ss);
	READ_SEG(ds, ds);
	READ_SEG(es, es);
#undef READ_SEG
	/* Not the caller's fs and gs: they may name a TLS slot of its own
	 * (a Linux program's thread calling into the emulation library),
	 * which the new thread does not have. */
	s->fs = s->gs = s->ds;
	/*
	 * The stack top, as cthread_body's caller would have left it: the
	 * argument 16-byte aligned, under it a null return address.
	 */
	uintptr_t top = (uintptr_t)t + CTHREAD_STACK_SIZE;
	uint32_t *sp = (uint32_t *)(top - 16);
	sp[0] = (uint32_t)(uintptr_t)t;
	sp--;
	sp[0] = 0;
	s->uesp = s->esp = (uintptr_t)sp;
	s->ebp = 0;
	s->eip = (uintptr_t)cthread_body;
	s->efl = 0x202; /* interrupts on, reserved bit 1 */
}

kern_return_t cthread_create(cthread_t *thread, cthread_fn_t fn, void *arg)
{
	struct i386_thread_state state;
	struct cthread *t;
	kern_return_t kr;

	cthread_reap_zombies();
	t = memalign(CTHREAD_STACK_SIZE, CTHREAD_STACK_SIZE);
	if (t == NULL)
		return KERN_RESOURCE_SHORTAGE;
	memset(t, 0, sizeof *t);
	t->magic = CTHREAD_MAGIC;
	t->fn = fn;
	t->arg = arg;
	t->state = CTHREAD_RUNNING;
	_REENT_INIT_PTR(&t->reent_storage);
	t->reent = &t->reent_storage;

	kr = thread_create(mach_task_self(), &t->kernel_port);
	if (kr != KERN_SUCCESS)
		goto fail;
	cthread_initial_state(&state, t);
	kr = thread_set_state(t->kernel_port, i386_THREAD_STATE, (thread_state_t)&state,
			      i386_THREAD_STATE_COUNT);
	if (kr == KERN_SUCCESS)
		kr = thread_resume(t->kernel_port);
	if (kr != KERN_SUCCESS) {
		(void)thread_terminate(t->kernel_port);
		(void)mach_port_destroy(mach_task_self(), t->kernel_port);
		goto fail;
	}
	*thread = t;
	return KERN_SUCCESS;
fail:
	free(t);
	return kr;
}

void cthread_exit(void *result)
{
	struct cthread *self = cthread_current();

	if (self == &cthread_main)
		exit(0); /* as returning from main would, minus its value */

	for (int k = 0; k < CTHREAD_KEYS_MAX; k++) {
		void *value = self->specific[k];
		if (value != NULL && cthread_key_destructors[k] != NULL) {
			self->specific[k] = NULL;
			cthread_key_destructors[k](value);
		}
	}
	_reclaim_reent(self->reent);
	self->reent = NULL; /* from here on, newlib sees the global state */

	mach_port_t kernel_port = self->kernel_port;
	cthread_mutex_lock(&self->lock);
	self->result = result;
	self->state = CTHREAD_EXITED;
	if (self->detached) {
		cthread_mutex_lock(&zombies_lock);
		self->next_zombie = zombies;
		zombies = self;
		cthread_mutex_unlock(&zombies_lock);
	}
	cthread_cond_broadcast(&self->done);
	cthread_mutex_unlock(&self->lock);

	/*
	 * The reaper may run from here on; it kills this thread before it
	 * frees the stack we are still on.
	 */
	thread_terminate(kernel_port);
	for (;;)
		swtch_pri(0);
}

void *cthread_join(cthread_t t)
{
	cthread_mutex_lock(&t->lock);
	while (t->state != CTHREAD_EXITED)
		cthread_cond_wait(&t->done, &t->lock);
	cthread_mutex_unlock(&t->lock);
	void *result = t->result;
	cthread_reap(t);
	return result;
}

void cthread_detach(cthread_t t)
{
	cthread_mutex_lock(&t->lock);
	boolean_t exited = t->state == CTHREAD_EXITED;
	t->detached = TRUE;
	cthread_mutex_unlock(&t->lock);
	if (exited)
		cthread_reap(t);
}

mach_port_t cthread_kernel_port(cthread_t t)
{
	if (t == &cthread_main && t->kernel_port == MACH_PORT_NULL)
		t->kernel_port = mach_thread_self();
	return t->kernel_port;
}
