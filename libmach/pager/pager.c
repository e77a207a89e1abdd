/*
 * The pager kit (see <pager.h>): the memory_object server routines
 * (memory_object_server, generated into libmach) turned into calls of a
 * pager's callbacks.  One port per pager; the kit finds the pager of a
 * request by the port it came on.  Every request carries a new send
 * right for the control port: the kit keeps one (from init) and drops
 * the others, and it frees the out-of-line data of returned pages, so a
 * long-running pager does not leak names or memory.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include <mach.h>
#include <mach/memory_object_server.h>
#include <mach/notify.h>
#include <pager.h>
#include "libmach_private.h"

struct pager {
	struct pager *next;
	mach_port_t port; /* receive right (and a send right) */
	mach_port_t control;
	const struct pager_ops *ops;
	void *ctx;
	int flags;
	volatile int inits;	     /* memory_object_init messages seen */
	volatile int locks_done;     /* lock_completed messages seen */
	int extra_refs;		     /* control send right references not dropped yet */
	cthread_mutex_t lock;
	mach_port_seqno_t turn;	     /* PAGER_SERIAL: the seqno whose message goes next */
	cthread_cond_t turn_changed;
};

static struct pager *pagers;
static cthread_mutex_t pagers_lock;

#define T mach_task_self()

static struct pager *pager_find(mach_port_t port)
{
	cthread_mutex_lock(&pagers_lock);
	struct pager *p = pagers;
	while (p != NULL && p->port != port)
		p = p->next;
	cthread_mutex_unlock(&pagers_lock);
	return p;
}

struct pager *pager_create(const struct pager_ops *ops, void *ctx, int flags, mach_port_t *memory_object)
{
	struct pager *p = calloc(1, sizeof(*p));

	if (p == NULL || ops == NULL || (ops->read == NULL && ops->read_page == NULL))
		goto fail;
	if (mach_port_allocate(T, MACH_PORT_RIGHT_RECEIVE, &p->port) != KERN_SUCCESS)
		goto fail;
	if (mach_port_insert_right(T, p->port, p->port, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS) {
		mach_port_destroy(T, p->port);
		goto fail;
	}
	p->ops = ops;
	p->ctx = ctx;
	p->flags = flags;
	cthread_mutex_init(&p->lock);
	cthread_cond_init(&p->turn_changed);
	cthread_mutex_lock(&pagers_lock);
	p->next = pagers;
	pagers = p;
	cthread_mutex_unlock(&pagers_lock);
	*memory_object = p->port;
	return p;
fail:
	free(p);
	return NULL;
}

struct pager *pager_adopt(const struct pager_ops *ops, void *ctx, int flags, mach_port_t memory_object,
			  mach_port_t control)
{
	struct pager *p = calloc(1, sizeof(*p));

	if (p == NULL || ops == NULL || (ops->read == NULL && ops->read_page == NULL)) {
		free(p);
		return NULL;
	}
	p->port = memory_object;
	p->control = control;
	p->ops = ops;
	p->ctx = ctx;
	p->flags = flags;
	p->inits = MACH_PORT_VALID(control); /* a copy's object: init comes later */
	cthread_mutex_init(&p->lock);
	cthread_cond_init(&p->turn_changed);
	mach_port_status_t status;
	/* In order from the next message the port will deliver. */
	if ((flags & PAGER_SERIAL) && mach_port_get_receive_status(T, memory_object, &status) == KERN_SUCCESS)
		p->turn = status.mps_seqno;
	cthread_mutex_lock(&pagers_lock);
	p->next = pagers;
	pagers = p;
	cthread_mutex_unlock(&pagers_lock);
	return p;
}

void pager_destroy(struct pager *pager)
{
	cthread_mutex_lock(&pagers_lock);
	struct pager **pp = &pagers;
	while (*pp != NULL && *pp != pager)
		pp = &(*pp)->next;
	if (*pp != NULL)
		*pp = pager->next;
	cthread_mutex_unlock(&pagers_lock);
	if (MACH_PORT_VALID(pager->control))
		mach_port_mod_refs(T, pager->control, MACH_PORT_RIGHT_SEND, -(pager->extra_refs + 1));
	mach_port_destroy(T, pager->port);
	free(pager);
}

mach_port_t pager_port(struct pager *pager)
{
	return pager->port;
}

mach_port_t pager_control(struct pager *pager)
{
	return pager->control;
}

/*
 * A thread of pager_start's: the page its read callbacks fill, and the
 * data_supply of it that pager_demux leaves in the reply buffer for
 * mach_msg_server to send with the thread's next receive, one trap for
 * both.  The page outlives the request for that.
 */
struct kit_thread {
	char page[4096] __attribute__((aligned(4096)));
	struct pager *serves; /* the pager whose port the thread receives on */
	/* The data_request being handled supplies page from here: */
	int supply;
	mach_port_t control;
	vm_offset_t offset;
	vm_address_t data; /* page, or the one read_page gave away (dealloc) */
	boolean_t dealloc;
	vm_prot_t lock;
	boolean_t precious;
};

static void *pager_thread(void *arg)
{
	struct pager *p = arg;
	struct kit_thread kt; /* its page untouched: the kernel has nothing to copy
				 from a page a read callback left alone */

	kt.serves = p;
	kt.supply = 0;
	cthread_current()->pager_kit = &kt;
	/* Requests are small; returned pages come out of line. */
	mach_msg_server(pager_demux, 4096, p->port);
	cthread_current()->pager_kit = NULL;
	return NULL;
}

kern_return_t pager_start(struct pager *pager, int nthreads)
{
	for (int i = 0; i < nthreads; i++) {
		cthread_t t;
		kern_return_t kr = cthread_create(&t, pager_thread, pager);
		if (kr != KERN_SUCCESS)
			return kr;
		cthread_detach(t);
	}
	return KERN_SUCCESS;
}

/* Poll every 10 ms until *counter reaches target or timeout_ms passes. */
static kern_return_t wait_count(volatile int *counter, int target, unsigned timeout_ms)
{
	for (unsigned waited = 0; *counter < target; waited += 10) {
		if (waited >= timeout_ms)
			return KERN_TIMEDOUT;
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	}
	return KERN_SUCCESS;
}

kern_return_t pager_wait_init(struct pager *pager, unsigned timeout_ms)
{
	return wait_count(&pager->inits, 1, timeout_ms);
}

kern_return_t pager_lock_request(struct pager *pager, vm_offset_t offset, vm_size_t size,
				 memory_object_return_t should_return, boolean_t flush, vm_prot_t lock,
				 boolean_t wait_done)
{
	/* The control port is read and used under the pager's lock, which
	 * terminate takes before the port goes: never a stale name. */
	cthread_mutex_lock(&pager->lock);
	if (pager->control == MACH_PORT_NULL) {
		cthread_mutex_unlock(&pager->lock);
		return KERN_INVALID_ARGUMENT;
	}
	int target = pager->locks_done + 1;
	boolean_t reply = wait_done || pager->ops->lock_completed != NULL;
	kern_return_t kr = memory_object_lock_request(pager->control, offset, size, should_return, flush, lock,
						      reply ? pager->port : MACH_PORT_NULL);
	cthread_mutex_unlock(&pager->lock);
	if (kr != KERN_SUCCESS || !wait_done)
		return kr;
	return wait_count(&pager->locks_done, target, 60000);
}

/* Every request brings one more user reference to the control port's
 * send right; we keep init's.  The extra ones are dropped in batches
 * (one mach_port_mod_refs per CONTROL_REFS_BATCH requests). */
#define CONTROL_REFS_BATCH 64

static void drop_control_of(struct pager *p, mach_port_t control)
{
	if (!MACH_PORT_VALID(control))
		return;
	if (p != NULL) {
		cthread_mutex_lock(&p->lock);
		if (control == p->control && ++p->extra_refs < CONTROL_REFS_BATCH) {
			cthread_mutex_unlock(&p->lock);
			return;
		}
		int n = control == p->control ? p->extra_refs : 1;
		if (control == p->control)
			p->extra_refs = 0;
		cthread_mutex_unlock(&p->lock);
		mach_port_mod_refs(T, control, MACH_PORT_RIGHT_SEND, -n);
		return;
	}
	mach_port_deallocate(T, control);
}

static void drop_control(mach_port_t control)
{
	drop_control_of(NULL, control);
}

/* memory_object_data_initialize (memory_object_default.defs, routine
 * 2251): the first time the kernel sends a temporary object's page.
 * libmach has that interface's user side only, so its one routine a
 * pager serves is decoded here. */
#define MEMORY_OBJECT_DATA_INITIALIZE_ID 2251

struct data_initialize_msg {
	mach_msg_header_t head;
	mach_msg_type_t control_type;
	mach_port_t control;
	mach_msg_type_t offset_type;
	vm_offset_t offset;
	mach_msg_type_long_t data_type;
	vm_offset_t data;
};

static void data_initialize(mach_msg_header_t *in, mig_reply_header_t *out)
{
	struct data_initialize_msg *m = (struct data_initialize_msg *)in;
	struct pager *p = pager_find(in->msgh_local_port);

	out->RetCode = MIG_BAD_ARGUMENTS;
	if (in->msgh_size != sizeof(*m) || !(in->msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
	    m->control_type.msgt_name != MACH_MSG_TYPE_PORT_SEND || m->offset_type.msgt_name != MACH_MSG_TYPE_INTEGER_32 ||
	    !m->data_type.msgtl_header.msgt_longform || m->data_type.msgtl_header.msgt_inline)
		return;
	vm_size_t size = m->data_type.msgtl_number;
	for (vm_offset_t pos = 0; p != NULL && p->ops->write != NULL && pos + vm_page_size <= size; pos += vm_page_size)
		p->ops->write(p->ctx, m->offset + pos, (const char *)m->data + pos, TRUE);
	vm_deallocate(T, m->data, size);
	drop_control_of(p, m->control);
	out->RetCode = MIG_NO_REPLY;
}

static void page_request(struct pager *p, struct kit_thread *kt, mach_port_t memory_control, vm_offset_t offset,
			 vm_size_t length);

/*
 * memory_object_data_request (memory_object.defs, routine 2203), the
 * kit's hot path, decoded here with the checks its MIG stub makes (one
 * dispatch and one stub fewer a page-in): the control port's send right
 * (moved in by the kernel), offset, length and access.  A bad shape is
 * MIG_BAD_ARGUMENTS (the server loop then destroys the request, its
 * right with it), as the stub answers.
 */
static uint32_t type_word(const mach_msg_type_t *t)
{
	uint32_t w;

	memcpy(&w, t, sizeof(w));
	return w;
}

static void data_request(struct pager *p, struct kit_thread *kt, mach_msg_header_t *in, mig_reply_header_t *out)
{
	static const mach_msg_type_t word = {.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32,
					     .msgt_number = 1, .msgt_inline = 1},
				     right = {.msgt_name = MACH_MSG_TYPE_PORT_SEND, .msgt_size = 32,
					      .msgt_number = 1, .msgt_inline = 1};
	const struct memory_object_data_request_msg *m = (const struct memory_object_data_request_msg *)in;

	if (in->msgh_size != sizeof(*m) || !(in->msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
	    type_word(&m->control_type) != type_word(&right) || type_word(&m->offset_type) != type_word(&word) ||
	    type_word(&m->length_type) != type_word(&word) || type_word(&m->access_type) != type_word(&word)) {
		out->RetCode = MIG_BAD_ARGUMENTS;
		return;
	}
	if (p == NULL) {
		out->RetCode = KERN_INVALID_ARGUMENT; /* as memory_object_data_request answers */
		return;
	}
	page_request(p, kt, m->control, m->offset, m->length);
}

/* PAGER_SERIAL: wait until the message with this seqno is next. */
static void turn_wait(struct pager *p, mach_port_seqno_t seqno)
{
	cthread_mutex_lock(&p->lock);
	while (p->turn != seqno)
		cthread_cond_wait(&p->turn_changed, &p->lock);
	cthread_mutex_unlock(&p->lock);
}

static void turn_done(struct pager *p)
{
	cthread_mutex_lock(&p->lock);
	p->turn++;
	cthread_cond_broadcast(&p->turn_changed);
	cthread_mutex_unlock(&p->lock);
}

/* The notification comes to the pager's port, where anyone with a send
 * right could forge one: believe only the kernel's count. */
static boolean_t no_senders(struct pager *p)
{
	mach_port_status_t status;

	if (p->ops->no_senders == NULL || mach_port_get_receive_status(T, p->port, &status) != KERN_SUCCESS ||
	    status.mps_srights != 0)
		return FALSE;
	return p->ops->no_senders(p->ctx);
}

/*
 * memory_object_data_supply of one page, as its MIG stub would send it
 * (no reply port), built in out for mach_msg_server to send with the
 * next receive.  The control port's send right is moved: it is the one
 * the request brought (the kernel's fast path takes it and the page in
 * one go; if the send fails, mach_msg_server releases the right and
 * keeps the page if sent without deallocate, the kit's own; with it, a
 * page read_page gave away, frees it).
 */
static void supply_msg_build(mach_msg_header_t *out, mach_port_t control, vm_offset_t offset, vm_address_t page,
			     boolean_t dealloc, vm_prot_t lock, boolean_t precious)
{
	static const mach_msg_type_t word = {.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32,
					     .msgt_number = 1, .msgt_inline = 1};
	struct memory_object_data_supply_msg *m = (struct memory_object_data_supply_msg *)out;

	m->hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m->hdr.msgh_size = sizeof(*m);
	m->hdr.msgh_remote_port = control;
	m->hdr.msgh_local_port = MACH_PORT_NULL;
	m->hdr.msgh_id = MEMORY_OBJECT_DATA_SUPPLY_ID;
	m->offset_type = word;
	m->offset = offset;
	m->data_type = (mach_msg_type_long_t){.msgtl_header = {.msgt_longform = 1, .msgt_deallocate = dealloc},
					      .msgtl_name = MACH_MSG_TYPE_BYTE,
					      .msgtl_size = 8,
					      .msgtl_number = vm_page_size};
	m->data = page;
	m->lock_type = word;
	m->lock_value = lock;
	m->precious_type = word;
	m->precious_type.msgt_name = MACH_MSG_TYPE_UNSTRUCTURED;
	m->precious = precious;
	m->reply_type = word;
	m->reply_type.msgt_name = MACH_MSG_TYPE_MAKE_SEND_ONCE;
	m->reply_to = MACH_PORT_NULL;
}

boolean_t pager_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	struct kit_thread *kt = cthread_current()->pager_kit;
	/* A kit thread's request came to the port it serves (the pager
	 * lives while its port does: no_senders destroys both at once). */
	struct pager *p = kt != NULL && kt->serves->port == in->msgh_local_port ? kt->serves
										  : pager_find(in->msgh_local_port);
	int serial = p != NULL && (p->flags & PAGER_SERIAL);
	mig_reply_header_t *r = (mig_reply_header_t *)out;
	boolean_t handled = TRUE, destroy = FALSE;

	if (kt != NULL)
		kt->supply = 0;

	if (serial)
		turn_wait(p, in->msgh_seqno);
	if (in->msgh_id == MEMORY_OBJECT_DATA_REQUEST_ID || in->msgh_id == MEMORY_OBJECT_DATA_INITIALIZE_ID ||
	    in->msgh_id == MACH_NOTIFY_NO_SENDERS) {
		r->Head.msgh_bits = 0;
		r->Head.msgh_remote_port = MACH_PORT_NULL;
		r->Head.msgh_size = sizeof(*r);
		r->RetCode = MIG_NO_REPLY;
		if (in->msgh_id == MEMORY_OBJECT_DATA_REQUEST_ID)
			data_request(p, kt, in, r);
		else if (in->msgh_id == MEMORY_OBJECT_DATA_INITIALIZE_ID)
			data_initialize(in, r);
		else if (p != NULL && !(in->msgh_bits & MACH_MSGH_BITS_COMPLEX))
			destroy = no_senders(p);
	} else {
		handled = memory_object_server(in, out);
	}
	if (kt != NULL && kt->supply) /* instead of data_request's no-reply */
		supply_msg_build(out, kt->control, kt->offset, kt->data, kt->dealloc, kt->lock, kt->precious);
	if (serial)
		turn_done(p);
	if (destroy)
		pager_destroy(p);
	return handled;
}

kern_return_t memory_object_init(mach_port_t memory_object, mach_port_t memory_control,
				 mach_port_t memory_object_name, vm_size_t page_size)
{
	struct pager *p = pager_find(memory_object);

	if (p == NULL || page_size != vm_page_size)
		return KERN_INVALID_ARGUMENT;
	cthread_mutex_lock(&p->lock);
	mach_port_t old = p->control;
	int old_refs = p->extra_refs;
	p->control = memory_control;
	p->extra_refs = old == memory_control ? old_refs + 1 : 0; /* the same right again */
	cthread_mutex_unlock(&p->lock);
	if (MACH_PORT_VALID(old) && old != memory_control)
		mach_port_mod_refs(T, old, MACH_PORT_RIGHT_SEND, -(old_refs + 1));
	/* Names are for vm_region's callers; a pager has no use for it. */
	if (MACH_PORT_VALID(memory_object_name))
		mach_port_deallocate(T, memory_object_name);
	memory_object_copy_strategy_t strategy = MEMORY_OBJECT_COPY_DELAY;
	if (p->flags & PAGER_COPY_NONE)
		strategy = MEMORY_OBJECT_COPY_NONE;
	else if (p->flags & PAGER_COPY_CALL)
		strategy = MEMORY_OBJECT_COPY_CALL;
	else if (p->flags & PAGER_COPY_TEMPORARY)
		strategy = MEMORY_OBJECT_COPY_TEMPORARY;
	memory_object_ready(memory_control, (p->flags & PAGER_MAY_CACHE) != 0, strategy);
	p->inits++;
	return KERN_SUCCESS;
}

/*
 * A data_request's pages: the read callback for each, its answer sent
 * as it says.  kt: the kit thread handling the request, if it may send
 * the last page with its next receive; else NULL.
 */
static void page_request(struct pager *p, struct kit_thread *kt, mach_port_t memory_control, vm_offset_t offset,
			 vm_size_t length)
{
	/* The page is built in our buffer and copied by the kernel (a page
	 * travels physically: cheaper than a vm_allocate per request): a kit
	 * thread's, whose last page goes with the thread's next receive
	 * (supply_msg_build, taking the control right the request brought)
	 * unless the pager's messages are handled in order (PAGER_SERIAL: a
	 * later message's handler could run before the send), or one on our
	 * stack, sent at once. */
	static_assert(LIBMACH_PAGE_SIZE <= 4096, "pager buffer");
	char own[4096] __attribute__((aligned(4096))); /* a whole page: the kernel keeps it */
	if (kt != NULL && (p->flags & PAGER_SERIAL))
		kt = NULL;
	char *buf = kt != NULL ? kt->page : own;
	boolean_t precious = (p->flags & PAGER_PRECIOUS) != 0;
	boolean_t given = p->ops->read_page != NULL; /* read_page gives its own pages */
	for (vm_offset_t pos = 0; pos < length; pos += vm_page_size) {
		vm_prot_t lock = VM_PROT_NONE;
		vm_address_t data = (vm_address_t)buf;
		kern_return_t kr = given ? p->ops->read_page(p->ctx, offset + pos, &data, &lock)
					 : p->ops->read(p->ctx, offset + pos, buf, &lock);
		if (kr == KERN_SUCCESS && kt != NULL && pos + vm_page_size >= length) {
			kt->supply = 1;
			kt->control = memory_control, kt->offset = offset + pos, kt->data = data, kt->dealloc = given;
			kt->lock = lock;
			kt->precious = precious;
			return; /* the right goes with it */
		}
		if (kr == KERN_SUCCESS)
			memory_object_data_supply(memory_control, offset + pos, data, vm_page_size, given, lock,
						  precious, MACH_PORT_NULL);
		else if (kr == PAGER_ZERO_FILL)
			memory_object_data_unavailable(memory_control, offset + pos, vm_page_size);
		else if (kr != PAGER_NO_REPLY)
			memory_object_data_error(memory_control, offset + pos, vm_page_size, kr);
	}
	drop_control_of(p, memory_control);
}

/* For a program's own demux that calls memory_object_server (pager_demux
 * decodes data_request itself). */
kern_return_t memory_object_data_request(mach_port_t memory_object, mach_port_t memory_control, vm_offset_t offset,
					 vm_size_t length, vm_prot_t desired_access)
{
	struct pager *p = pager_find(memory_object);
	(void)desired_access;

	if (p == NULL)
		return KERN_INVALID_ARGUMENT;
	page_request(p, NULL, memory_control, offset, length);
	return KERN_SUCCESS;
}

kern_return_t memory_object_data_unlock(mach_port_t memory_object, mach_port_t memory_control, vm_offset_t offset,
					vm_size_t length, vm_prot_t desired_access)
{
	struct pager *p = pager_find(memory_object);

	if (p == NULL)
		return KERN_INVALID_ARGUMENT;
	kern_return_t kr = KERN_SUCCESS;
	if (p->ops->unlock != NULL)
		kr = p->ops->unlock(p->ctx, offset, length, desired_access);
	if (kr == KERN_SUCCESS)
		memory_object_lock_request(memory_control, offset, length, MEMORY_OBJECT_RETURN_NONE, FALSE,
					   VM_PROT_NONE, MACH_PORT_NULL);
	drop_control_of(p, memory_control);
	return KERN_SUCCESS;
}

kern_return_t memory_object_data_return(mach_port_t memory_object, mach_port_t memory_control, vm_offset_t offset,
					vm_offset_t data, mach_msg_type_number_t dataCnt, boolean_t dirty,
					boolean_t kernel_copy)
{
	struct pager *p = pager_find(memory_object);
	(void)kernel_copy;

	if (p == NULL)
		return KERN_INVALID_ARGUMENT;
	for (vm_offset_t pos = 0; p->ops->write != NULL && pos + vm_page_size <= dataCnt; pos += vm_page_size)
		p->ops->write(p->ctx, offset + pos, (const char *)data + pos, dirty);
	vm_deallocate(T, data, dataCnt);
	drop_control_of(p, memory_control);
	return KERN_SUCCESS;
}

kern_return_t memory_object_lock_completed(mach_port_t memory_object, mach_port_t memory_control,
					   vm_offset_t offset, vm_size_t length)
{
	struct pager *p = pager_find(memory_object);

	drop_control_of(p, memory_control);
	if (p == NULL)
		return KERN_SUCCESS; /* a send-once right's message: nothing to answer */
	if (p->ops->lock_completed != NULL)
		p->ops->lock_completed(p->ctx, offset, length);
	p->locks_done++;
	return KERN_SUCCESS;
}

kern_return_t memory_object_supply_completed(mach_port_t memory_object, mach_port_t memory_control,
					     vm_offset_t offset, vm_size_t length, kern_return_t result,
					     vm_offset_t error_offset)
{
	(void)memory_object, (void)offset, (void)length, (void)result, (void)error_offset;
	drop_control(memory_control);
	return KERN_SUCCESS;
}

kern_return_t memory_object_change_completed(mach_port_t memory_object, boolean_t may_cache,
					     memory_object_copy_strategy_t copy_strategy)
{
	(void)memory_object, (void)may_cache, (void)copy_strategy;
	return KERN_SUCCESS;
}

/* The kernel hands back the control and name ports' receive rights. */
kern_return_t memory_object_terminate(mach_port_t memory_object, mach_port_t memory_control,
				      mach_port_t memory_object_name)
{
	struct pager *p = pager_find(memory_object);

	/* Forget the control port before it goes (pager_lock_request). */
	if (p != NULL) {
		cthread_mutex_lock(&p->lock);
		if (p->control == memory_control) {
			p->control = MACH_PORT_NULL;
			p->extra_refs = 0;
		}
		cthread_mutex_unlock(&p->lock);
	}
	if (MACH_PORT_VALID(memory_control))
		mach_port_destroy(T, memory_control);
	if (MACH_PORT_VALID(memory_object_name))
		mach_port_destroy(T, memory_object_name);
	if (p != NULL && p->ops->terminated != NULL)
		p->ops->terminated(p->ctx);
	return KERN_SUCCESS;
}

/* Copy strategy CALL: the copy callback takes the new object. */
kern_return_t memory_object_copy(mach_port_t old_memory_object, mach_port_t old_memory_control, vm_offset_t offset,
				 vm_size_t length, mach_port_t new_memory_object)
{
	struct pager *p = pager_find(old_memory_object);

	drop_control_of(p, old_memory_control);
	if (p != NULL && p->ops->copy != NULL && MACH_PORT_VALID(new_memory_object))
		p->ops->copy(p->ctx, offset, length, new_memory_object);
	else if (MACH_PORT_VALID(new_memory_object))
		mach_port_destroy(T, new_memory_object);
	return KERN_SUCCESS;
}
