/*
 * The pager kit (see <pager.h>): the memory_object server routines
 * (memory_object_server, generated into libmach) turned into calls of a
 * pager's callbacks.  One port per pager; pager_demux finds the pager of
 * a request by the port it came on.  The threads of pager_start run the
 * server loop with a handler of their own (kit_request): a one-page
 * data_request, every page-in's message, is read and answered there,
 * the data_supply sent with the thread's next receive; everything else
 * goes to pager_demux.  Every request carries a new send right for the
 * control port: the kit keeps one (from init) and drops the others (or
 * moves the request's back with its data_supply), and it frees the
 * out-of-line data of returned pages, so a long-running pager does not
 * leak names or memory.
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
#include "../msg_server.h"

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

/* A message's type word, compared or written whole (as MIG's stubs do),
 * and the inline ones of the messages the kit decodes or builds. */
static uint32_t type_word(const mach_msg_type_t *t)
{
	uint32_t w;

	memcpy(&w, t, sizeof(w));
	return w;
}

static const mach_msg_type_t word_type = {
    .msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1};
static const mach_msg_type_t flag_type = {
    .msgt_name = MACH_MSG_TYPE_UNSTRUCTURED, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1};
static const mach_msg_type_t send_type = {
    .msgt_name = MACH_MSG_TYPE_PORT_SEND, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1};
static const mach_msg_type_t send_once_type = {
    .msgt_name = MACH_MSG_TYPE_MAKE_SEND_ONCE, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1};

/*
 * A thread of pager_start's: what it needs to answer a data_request for
 * one page on its own (kit_request), fixed when it starts, and the page
 * its read callbacks fill, which it sends as data_supply with its next
 * receive: the page outlives the request for that.
 */
struct kit_thread {
	char page[4096] __attribute__((aligned(4096)));
	struct pager *serves; /* the pager whose port the thread receives on */
	const struct pager_ops *ops;
	void *ctx;
	uint32_t data_type; /* data_supply's first word for the page: deallocate if read_page's */
	boolean_t precious; /* PAGER_PRECIOUS */
};

static enum msg_server_took kit_request(void *ctx, mach_msg_header_t *in, mach_msg_header_t *out);

static void *pager_thread(void *arg)
{
	struct pager *p = arg;
	struct kit_thread kt; /* its page untouched: the kernel has nothing to copy
				 from a page a read callback left alone */
	const mach_msg_type_t data = {.msgt_longform = 1, .msgt_deallocate = p->ops->read_page != NULL};

	kt.serves = p;
	kt.ops = p->ops;
	kt.ctx = p->ctx;
	kt.data_type = type_word(&data);
	kt.precious = (p->flags & PAGER_PRECIOUS) != 0;
	/* Requests are small; returned pages come out of line.  A
	 * PAGER_SERIAL pager's messages wait for their turn in pager_demux,
	 * data_requests too (a later one's handler could otherwise run
	 * before the supply of an earlier one is sent). */
	if (p->flags & PAGER_SERIAL)
		mach_msg_server(pager_demux, 4096, p->port);
	else
		msg_server_loop(pager_demux, kit_request, &kt, 4096, p->port, MACH_MSG_OPTION_NONE,
				MACH_MSG_TIMEOUT_NONE, FALSE);
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

static void data_initialize(struct pager *p, mach_msg_header_t *in, mig_reply_header_t *out)
{
	struct data_initialize_msg *m = (struct data_initialize_msg *)in;

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

/*
 * memory_object_data_request (memory_object.defs, routine 2203), every
 * page-in's message, decoded here with the checks its MIG stub makes
 * (no dispatch, no stub): the control port's send right (moved in by
 * the kernel), offset, length and access, each type word compared whole.
 * A bad shape is MIG_BAD_ARGUMENTS (the server loop then destroys the
 * request, its right with it), as the stub answers.
 */
static boolean_t data_request_ok(const struct memory_object_data_request_msg *m)
{
	return m->hdr.msgh_size == sizeof(*m) && (m->hdr.msgh_bits & MACH_MSGH_BITS_COMPLEX) &&
	       type_word(&m->control_type) == type_word(&send_type) &&
	       type_word(&m->offset_type) == type_word(&word_type) &&
	       type_word(&m->length_type) == type_word(&word_type) &&
	       type_word(&m->access_type) == type_word(&word_type);
}

/* The read callback (or read_page) for the page at offset: *data is the
 * page to send (buf unless read_page gave one), *lock the access it
 * forbids. */
static kern_return_t page_read(const struct pager_ops *ops, void *ctx, vm_offset_t offset, void *buf,
			       vm_address_t *data, vm_prot_t *lock)
{
	*lock = VM_PROT_NONE;
	*data = (vm_address_t)buf;
	if (ops->read_page == NULL)
		return ops->read(ctx, offset, buf, lock);
	return ops->read_page(ctx, offset, data, lock);
}

/* The answer to a page's read, sent at once (the control right stays
 * ours): the data, none (zero fill), an error, or nothing. */
static void page_answer(struct pager *p, mach_port_t control, vm_offset_t offset, kern_return_t kr,
			vm_address_t data, vm_prot_t lock)
{
	if (kr == KERN_SUCCESS)
		memory_object_data_supply(control, offset, data, vm_page_size, p->ops->read_page != NULL,
					  lock, (p->flags & PAGER_PRECIOUS) != 0, MACH_PORT_NULL);
	else if (kr == PAGER_ZERO_FILL)
		memory_object_data_unavailable(control, offset, vm_page_size);
	else if (kr != PAGER_NO_REPLY)
		memory_object_data_error(control, offset, vm_page_size, kr);
}

/*
 * A data_request's pages, each read and answered at once, then the
 * control right it brought dropped: for pager_demux (a kit thread sends
 * a request's one page with its next receive: kit_request).  The page is
 * built in a buffer on our stack and copied by the kernel (a page
 * travels physically: cheaper than a vm_allocate per request).
 */
static void page_request(struct pager *p, mach_port_t control, vm_offset_t offset, vm_size_t length)
{
	static_assert(LIBMACH_PAGE_SIZE <= 4096, "pager buffer");
	char own[4096] __attribute__((aligned(4096))); /* a whole page: the kernel keeps it */

	for (vm_offset_t pos = 0; pos < length; pos += vm_page_size) {
		vm_address_t data;
		vm_prot_t lock;
		kern_return_t kr = page_read(p->ops, p->ctx, offset + pos, own, &data, &lock);
		page_answer(p, control, offset + pos, kr, data, lock);
	}
	drop_control_of(p, control);
}

static void data_request(struct pager *p, mach_msg_header_t *in, mig_reply_header_t *out)
{
	const struct memory_object_data_request_msg *m = (const struct memory_object_data_request_msg *)in;

	if (!data_request_ok(m))
		out->RetCode = MIG_BAD_ARGUMENTS;
	else if (p == NULL)
		out->RetCode = KERN_INVALID_ARGUMENT; /* as memory_object_data_request answers */
	else
		page_request(p, m->control, m->offset, m->length);
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

/* The reply of a request answered by messages of its own, or not at all. */
static void no_reply(mig_reply_header_t *r)
{
	r->Head.msgh_bits = 0;
	r->Head.msgh_remote_port = MACH_PORT_NULL;
	r->Head.msgh_size = sizeof(*r);
	r->RetCode = MIG_NO_REPLY;
}

boolean_t pager_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	struct pager *p = pager_find(in->msgh_local_port);
	int serial = p != NULL && (p->flags & PAGER_SERIAL);
	mig_reply_header_t *r = (mig_reply_header_t *)out;
	boolean_t handled = TRUE, destroy = FALSE;

	if (serial)
		turn_wait(p, in->msgh_seqno);
	if (in->msgh_id == MEMORY_OBJECT_DATA_REQUEST_ID || in->msgh_id == MEMORY_OBJECT_DATA_INITIALIZE_ID ||
	    in->msgh_id == MACH_NOTIFY_NO_SENDERS) {
		no_reply(r);
		if (in->msgh_id == MEMORY_OBJECT_DATA_REQUEST_ID)
			data_request(p, in, r);
		else if (in->msgh_id == MEMORY_OBJECT_DATA_INITIALIZE_ID)
			data_initialize(p, in, r);
		else if (p != NULL && !(in->msgh_bits & MACH_MSGH_BITS_COMPLEX))
			destroy = no_senders(p);
	} else {
		handled = memory_object_server(in, out);
	}
	if (serial)
		turn_done(p);
	if (destroy)
		pager_destroy(p);
	return handled;
}

/*
 * memory_object_data_supply of one page, as its MIG stub would send it
 * (no reply port), built in out for the server loop to send with the
 * next receive.  The control port's send right is moved: it is the one
 * the request brought (the kernel's fast path takes it and the page in
 * one go; if the send fails, the loop releases the right and keeps the
 * page if sent without deallocate, the thread's own; with it, a page
 * read_page gave away, frees it).  What is fixed for the thread comes
 * from kt.
 */
static void supply_msg_build(mach_msg_header_t *out, const struct kit_thread *kt, mach_port_t control,
			     vm_offset_t offset, vm_address_t page, vm_prot_t lock)
{
	struct memory_object_data_supply_msg *m = (struct memory_object_data_supply_msg *)out;

	m->hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m->hdr.msgh_size = sizeof(*m);
	m->hdr.msgh_remote_port = control;
	m->hdr.msgh_local_port = MACH_PORT_NULL;
	m->hdr.msgh_id = MEMORY_OBJECT_DATA_SUPPLY_ID;
	m->offset_type = word_type;
	m->offset = offset;
	memcpy(&m->data_type.msgtl_header, &kt->data_type, sizeof(kt->data_type));
	m->data_type.msgtl_name = MACH_MSG_TYPE_BYTE;
	m->data_type.msgtl_size = 8;
	m->data_type.msgtl_number = LIBMACH_PAGE_SIZE;
	m->data = page;
	m->lock_type = word_type;
	m->lock_value = lock;
	m->precious_type = flag_type;
	m->precious = kt->precious;
	m->reply_type = send_once_type;
	m->reply_to = MACH_PORT_NULL;
}

/*
 * A kit thread's own handler, tried before pager_demux on every message
 * (msg_server_loop's fast handler): the data_request of one page, every
 * page-in's message, checked as data_request checks it, read into the
 * thread's page and answered with data_supply sent with the thread's next
 * receive (one trap for both; the control right the request brought
 * moves with it).  Any other message, shape or length is pager_demux's,
 * which answers as the MIG stub does.  (The message came to the port of
 * the thread's pager: a kit thread receives on nothing else.)
 */
static enum msg_server_took kit_request(void *ctx, mach_msg_header_t *in, mach_msg_header_t *out)
{
	struct kit_thread *kt = ctx;
	const struct memory_object_data_request_msg *m = (const struct memory_object_data_request_msg *)in;
	vm_address_t data;
	vm_prot_t lock;

	if (in->msgh_id != MEMORY_OBJECT_DATA_REQUEST_ID || !data_request_ok(m) ||
	    m->length != LIBMACH_PAGE_SIZE)
		return MSG_SERVER_DECLINED;
	kern_return_t kr = page_read(kt->ops, kt->ctx, m->offset, kt->page, &data, &lock);
	/* (m is read again after the call: cheaper than keeping its words.) */
	if (kr == KERN_SUCCESS) {
		supply_msg_build(out, kt, m->control, m->offset, data, lock);
		return MSG_SERVER_SEND;
	}
	page_answer(kt->serves, m->control, m->offset, kr, data, lock);
	drop_control_of(kt->serves, m->control);
	no_reply((mig_reply_header_t *)out);
	return MSG_SERVER_REPLY;
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

/* For a program's own demux that calls memory_object_server (pager_demux
 * decodes data_request itself). */
kern_return_t memory_object_data_request(mach_port_t memory_object, mach_port_t memory_control, vm_offset_t offset,
					 vm_size_t length, vm_prot_t desired_access)
{
	struct pager *p = pager_find(memory_object);
	(void)desired_access;

	if (p == NULL)
		return KERN_INVALID_ARGUMENT;
	page_request(p, memory_control, offset, length);
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
