/*
 * The kernel's side of the memory object protocol (GNU Mach 1.8; see
 * docs/vm.md): objects bound to memory object ports, the messages the
 * kernel sends to pagers (memory_object.defs, KernelUser stubs), the
 * calls pagers make on the control port the kernel gave them
 * (mach.defs), and the default memory manager.
 *
 * An object with a pager holds a send right to the pager's port
 * (object->pager), and the receive rights of two kernel ports it made:
 * the control port (IKOT_PAGING_REQUEST, kobject the object), on which
 * the pager answers, and the name port (IKOT_PAGER).  The table below
 * finds the object of a pager port, so that every vm_map of one memory
 * object, in any task, shares one object and its pages.
 *
 * The pager is never trusted: every call checks its offsets, sizes and
 * values before it changes anything, data for pages nobody asked for is
 * taken only where no page is, and a fault waiting for a pager gives up
 * (KERN_MEMORY_ERROR) when the pager's port dies or after
 * vm_pager_timeout_ms().
 */
#include <mach/memory_object.h>
#include <mach/mig_errors.h>
#include <kern/clock.h>
#include <kern/cmdline.h>
#include <kern/copy.h>
#include <kern/debug.h>
#include <kern/ipc_kobject.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/sched_ipc.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <i386/cpu.h>
#include <i386/pmap.h>
#include <ipc/deliver.h>
#include <ipc/kmsg.h>
#include <ipc/port.h>
#include <ipc/space.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_pageout.h>
#include <mach_server.h>
#include <memory_object_user.h>
#include <memory_object_default_user.h>
#include <kern/kalloc.h>

#define port_of(p) ((struct ipc_port *)(uintptr_t)(p))
#define name_of(p) ((mach_port_t)(uintptr_t)(p))

/* ---- the pager port -> object table ---- */

/* The default pager's port (a send right), or NULL until one registers. */
static struct ipc_port *memory_manager_default;

#define PAGER_HASH_SIZE 64
static struct vm_object *pager_hash[PAGER_HASH_SIZE];

static struct vm_object **pager_bucket(struct ipc_port *pager)
{
	return &pager_hash[((uintptr_t)pager >> 4) % PAGER_HASH_SIZE];
}

static struct vm_object *pager_lookup(struct ipc_port *pager)
{
	struct vm_object *o = *pager_bucket(pager);

	while (o != NULL && o->pager != pager)
		o = o->pager_hash_next;
	return o;
}

static void pager_unhash(struct vm_object *object)
{
	struct vm_object **link = pager_bucket(object->pager);

	while (*link != NULL && *link != object)
		link = &(*link)->pager_hash_next;
	if (*link == object)
		*link = object->pager_hash_next;
	object->pager_hash_next = NULL;
}

unsigned vm_pager_timeout_ms(void)
{
	static unsigned timeout_ms;

	if (timeout_ms == 0)
		timeout_ms = cmdline_get_number(&kernel_cmdline, "pager_timeout", 30000, 100000000);
	return timeout_ms;
}

int vm_object_pager_alive(struct vm_object *object)
{
	return object->pager != NULL && object->pager->active && !object->pager_gone;
}

kern_return_t vm_object_enter(struct ipc_port *pager, vm_size_t size, struct vm_object **result)
{
	struct vm_object *o;

	if (!IP_VALID(pager) || !pager->active || pager->receiver == ipc_space_kernel)
		return KERN_INVALID_ARGUMENT;
	o = pager_lookup(pager);
	if (o != NULL) {
		vm_object_reference(o); /* revives it from the cache if need be */
		if (o->size < size)
			o->size = size;
		ipc_port_release_send(pager); /* the object holds one already */
		*result = o;
		return KERN_SUCCESS;
	}
	o = vm_object_allocate(size);
	if (o == NULL)
		return KERN_RESOURCE_SHORTAGE;
	o->pager_request = ipc_kobject_port_alloc(IKOT_PAGING_REQUEST, o);
	o->pager_name = ipc_kobject_port_alloc(IKOT_PAGER, o);
	if (o->pager_request == NULL || o->pager_name == NULL) {
		if (o->pager_request != NULL)
			ipc_port_release_receive(o->pager_request);
		if (o->pager_name != NULL)
			ipc_port_release_receive(o->pager_name);
		o->pager_request = o->pager_name = NULL;
		vm_object_deallocate(o);
		return KERN_RESOURCE_SHORTAGE;
	}
	o->pager = pager;
	o->internal = 0;
	o->temporary = 0;
	o->copy_strategy = MEMORY_OBJECT_COPY_DELAY;
	o->pager_hash_next = *pager_bucket(pager);
	*pager_bucket(pager) = o;
	*result = o;
	return KERN_SUCCESS;
}

void vm_object_pager_init(struct vm_object *o)
{
	if (o->pager == NULL || o->pager_initialized)
		return;
	o->pager_initialized = 1;
	/* Nothing is asked of the pager before memory_object_ready. */
	memory_object_init(name_of(o->pager), name_of(o->pager_request), name_of(o->pager_name), PAGE_SIZE);
}

/* A new port for a memory object the kernel makes and gives away: we
 * hold its receive right "in transit" (no space) until the message that
 * moves it (memory_object_create, memory_object_copy) is sent. */
static struct ipc_port *pager_port_alloc(void)
{
	struct ipc_port *port = ipc_port_alloc();

	if (port != NULL)
		port->receiver = NULL;
	return port;
}

kern_return_t vm_object_copy_call(struct vm_object *src, vm_offset_t offset, vm_size_t size, struct vm_object **result)
{
	struct vm_object *n;

	if (!vm_object_pager_alive(src)) {
		/* Nobody to ask: whatever is resident is all the copy can have. */
		*result = vm_object_copy_delayed(src);
		return *result != NULL ? KERN_SUCCESS : KERN_RESOURCE_SHORTAGE;
	}
	struct ipc_port *port = pager_port_alloc();
	if (port == NULL)
		return KERN_RESOURCE_SHORTAGE;
	kern_return_t kr = vm_object_enter(ipc_port_make_send(port), size, &n);
	if (kr != KERN_SUCCESS) {
		ipc_port_release_send(port);
		ipc_port_destroy(port);
		return kr;
	}
	/* What the pager does not supply for the copy comes from the
	 * original; the pager hears of a write there (data_unlock) before it
	 * happens, and saves what the copy needs first. */
	n->shadow = src;
	n->shadow_offset = offset;
	vm_object_reference(src);
	queue_chain_t *q;
	for (q = src->memq.next; q != &src->memq; q = q->next) {
		struct vm_page *p = queue_container(q, struct vm_page, listq);
		if (p->offset < offset || p->offset - offset >= size || (p->page_lock & VM_PROT_WRITE))
			continue;
		p->page_lock |= VM_PROT_WRITE;
		if (p->pv_pmap != NULL)
			pmap_page_protect(p, VM_PROT_ALL & ~p->page_lock);
	}
	/* The receive right of the new object travels with the message. */
	memory_object_copy(name_of(src->pager), name_of(src->pager_request), offset + src->paging_offset, size,
			   name_of(port));
	vm_object_pager_init(n);
	*result = n;
	return KERN_SUCCESS;
}

/*
 * memory_object_data_request and memory_object_data_unlock, one page
 * each: the messages of memory_object.defs' stubs (same ids and layout),
 * built here in kernel form at once.  Every page-in sends one, and this
 * spares the stub's copy of the message and the pass that turns its
 * rights into kernel form.
 */

/* The message's body, size and id; the header's bits, ports and sequence
 * number are the caller's (a message to queue, or one received). */
static void pager_page_msg_fill(struct memory_object_data_request_msg *m, struct vm_object *o, mach_msg_id_t id,
				vm_offset_t offset, vm_prot_t access)
{
	const mach_msg_type_t word = {.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1,
				      .msgt_inline = 1};

	m->hdr.msgh_size = sizeof(*m);
	m->hdr.msgh_id = id;
	m->control_type = word;
	m->control_type.msgt_name = MACH_MSG_TYPE_PORT_SEND; /* made from our receive right */
	m->offset_type = m->length_type = m->access_type = word;
	m->offset = offset + o->paging_offset;
	m->length = PAGE_SIZE;
	m->access = access;
}

/*
 * The request straight into the buffer of a pager thread blocked
 * receiving on the pager's port, as the IPC fast path delivers between
 * user threads (docs/ipc.md): written there in its received form (the
 * control port's send right named in the pager's space), the pager's
 * mach_msg completed, and the faulting thread, asleep on page from then
 * on (WANTED, interruptibly, no time-out: see vm_object_pager_request),
 * switches straight to it.  The message is written in place when the
 * buffer does not cross a page (no copy), and the control right, which
 * the pager holds already (memory_object_init brought it), only gains
 * a user reference under the name it has (no right made and merged).
 * 0, nothing changed, when the message must be queued: no such thread,
 * messages queued before it, a protected payload, no free name for the
 * control port, a fault taken by a copy in the kernel (whose fault
 * recovery must not be lost in the switch) or by a kernel thread.
 */
static int pager_page_direct(struct vm_object *o, mach_msg_id_t id, vm_offset_t offset, vm_prot_t access,
			     struct vm_page *page, int *wait_result)
{
	extern uintptr_t cpu_recover;
	struct ipc_port *port = o->pager, *control = o->pager_request;
	struct ipc_window w;
	struct memory_object_data_request_msg local, *m;

	/* (thread_block_ipc's assumptions: no copy in progress, nothing to
	 * reap, a user thread.) */
	if ((cpu_recover | (uintptr_t)sched_dead_thread | current_thread()->kernel_only | port->has_payload |
	     port->msgcount | port->blocked_senders) != 0)
		return 0;
	cpu_intr_disable();
	struct thread *r = ipc_receiver_waiting(port, sizeof(*m), 0, &w);
	struct ipc_space *space = r != NULL ? r->task->itk_space : NULL;
	mach_port_t name = r != NULL ? ipc_reverse_lookup(space, control) : MACH_PORT_NULL;
	struct ipc_entry *e = name != MACH_PORT_NULL ? &space->table[IPC_NAME_INDEX(name)] : NULL;
	if (r == NULL || (e == NULL ? space->free_head == 0 : !(e->bits & MACH_PORT_TYPE_SEND))) {
		cpu_intr_enable();
		return 0;
	}
	m = w.first == sizeof(*m) ? (struct memory_object_data_request_msg *)w.kva[0] : &local;
	pager_page_msg_fill(m, o, id, offset, access);
	/* As the general receive would present it: the right that carried it
	 * used up, no reply port, the port's name and sequence number. */
	m->hdr.msgh_bits = MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND) | MACH_MSGH_BITS_COMPLEX;
	m->hdr.msgh_remote_port = MACH_PORT_NULL;
	m->hdr.msgh_local_port = port->receiver_name;
	m->hdr.msgh_seqno = port->seqno++;
	if (e != NULL) {
		ipc_right_make_send_merge(control, e);
		m->control = name;
	} else {
		ipc_right_copyout(space, ipc_port_make_send(control), MACH_MSG_TYPE_PORT_SEND, &m->control);
	}
	if (m == &local)
		ipc_window_write(&w, m, sizeof(*m));
	ipc_receive_complete(r);
	page->flags |= VM_PAGE_WANTED;
	assert_wait_intr_off(page, 1);
	*wait_result = thread_block_ipc(r, 0);
	cpu_intr_enable();
	return 1;
}

static kern_return_t pager_page_send(struct vm_object *o, mach_msg_id_t id, vm_offset_t offset, vm_prot_t access)
{
	if (!o->pager->active)
		return KERN_MEMORY_ERROR; /* nobody to ask */
	struct ipc_kmsg *kmsg = ipc_kmsg_alloc(sizeof(struct memory_object_data_request_msg));
	if (kmsg == NULL)
		return KERN_MEMORY_ERROR;
	struct memory_object_data_request_msg *m = (struct memory_object_data_request_msg *)&kmsg->hdr;
	pager_page_msg_fill(m, o, id, offset, access);
	m->hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m->hdr.msgh_seqno = 0;
	m->hdr.msgh_remote_port = name_of(ipc_port_copy_send(o->pager));
	m->hdr.msgh_local_port = MACH_PORT_NULL;
	m->control = name_of(ipc_port_make_send(o->pager_request));
	if (ipc_kmsg_send(kmsg, MACH_SEND_ALWAYS, 0) != MACH_MSG_SUCCESS) {
		ipc_kmsg_destroy(kmsg);
		return KERN_MEMORY_ERROR;
	}
	return KERN_SUCCESS;
}

kern_return_t vm_object_pager_request(struct vm_object *object, vm_offset_t offset, vm_prot_t access,
				      struct vm_page *page, int *wait_result)
{
	*wait_result = THREAD_AWAKENED;
	if (object->pager == NULL || !object->pager->active)
		return KERN_MEMORY_ERROR; /* nobody to ask */
	if (pager_page_direct(object, MEMORY_OBJECT_DATA_REQUEST_ID, offset, access, page, wait_result))
		return KERN_SUCCESS;
	return pager_page_send(object, MEMORY_OBJECT_DATA_REQUEST_ID, offset, access);
}

kern_return_t vm_object_pager_unlock(struct vm_object *object, vm_offset_t offset, vm_prot_t access)
{
	return pager_page_send(object, MEMORY_OBJECT_DATA_UNLOCK_ID, offset, access);
}

void vm_page_pager_failed(struct vm_page *page)
{
	page->flags &= ~VM_PAGE_ABSENT;
	page->flags |= VM_PAGE_ERROR;
	vm_page_wakeup_done(page);
}

/* Send the pager a copy of page (memory_object_data_return). */
static void pager_return_page(struct vm_object *o, struct vm_page *p, int dirty, int kernel_copy)
{
	vm_map_copy_t copy;

	if (vm_map_copyin_kernel_buffer(vm_page_kva(p), PAGE_SIZE, &copy) != KERN_SUCCESS)
		return; /* no memory: the data is lost, as if clean */
	if (memory_object_data_return(name_of(o->pager), name_of(o->pager_request), p->offset + o->paging_offset,
				      (vm_offset_t)copy, PAGE_SIZE, dirty, kernel_copy) != MACH_MSG_SUCCESS)
		return; /* the stub's message, with the copy, was destroyed */
	p->flags &= ~VM_PAGE_PRECIOUS;
}

kern_return_t vm_object_pager_pageout(struct vm_page *p, int dirty)
{
	struct vm_object *o = p->object, *carrier = vm_object_allocate(PAGE_SIZE);
	vm_map_copy_t copy;
	vm_offset_t offset = p->offset + o->paging_offset;

	if (carrier == NULL)
		return KERN_RESOURCE_SHORTAGE;
	if (vm_map_copy_object(carrier, PAGE_SIZE, &copy) != KERN_SUCCESS) {
		vm_object_deallocate(carrier);
		return KERN_RESOURCE_SHORTAGE;
	}
	vm_pageout_carrier_start(carrier, o);
	vm_page_rename(p, carrier, 0);
	p->flags &= ~(VM_PAGE_DIRTY | VM_PAGE_PRECIOUS | VM_PAGE_UNLOCK_ASKED);
	p->page_lock = VM_PROT_NONE;
	/* On failure the message, with the copy and the page, is destroyed. */
	if (o->existence != NULL) {
		vm_offset_t n = offset >> PAGE_SHIFT;
		int had = o->existence[n >> 3] >> (n & 7) & 1;
		o->existence[n >> 3] |= 1 << (n & 7);
		if (!had) {
			memory_object_data_initialize(name_of(o->pager), name_of(o->pager_request), offset,
						      (vm_offset_t)copy, PAGE_SIZE);
			return KERN_SUCCESS;
		}
	}
	memory_object_data_return(name_of(o->pager), name_of(o->pager_request), offset, (vm_offset_t)copy, PAGE_SIZE,
				  dirty, FALSE);
	return KERN_SUCCESS;
}

/*
 * Give a temporary object to the default pager: a new memory object
 * port whose receive right goes to it with memory_object_create (with the
 * control and name ports), and a map of the pages it will hold.  Nothing
 * waits for memory_object_ready: the default pager is ready by contract.
 */
static kern_return_t vm_object_pager_create(struct vm_object *o)
{
	struct ipc_port *manager = memory_manager_default;
	vm_size_t bytes = ((o->size >> PAGE_SHIFT) + 7) / 8;

	if (!IP_VALID(manager) || !manager->active || o->size == 0)
		return KERN_FAILURE;
	uint8_t *existence = kalloc(bytes);
	struct ipc_port *port = pager_port_alloc();
	struct ipc_port *control = ipc_kobject_port_alloc(IKOT_PAGING_REQUEST, o);
	struct ipc_port *name = ipc_kobject_port_alloc(IKOT_PAGER, o);
	if (existence == NULL || port == NULL || control == NULL || name == NULL) {
		if (existence != NULL)
			kfree(existence, bytes);
		struct ipc_port *ports[3] = {port, control, name};
		for (int i = 0; i < 3; i++)
			if (ports[i] != NULL)
				ipc_port_destroy(ports[i]);
		return KERN_RESOURCE_SHORTAGE;
	}
	memset(existence, 0, bytes);
	o->existence = existence;
	o->existence_pages = o->size >> PAGE_SHIFT;
	o->pager = ipc_port_make_send(port);
	o->pager_request = control;
	o->pager_name = name;
	o->pager_ready = 1;
	o->pager_initialized = 1;
	o->pager_hash_next = *pager_bucket(port);
	*pager_bucket(port) = o;
	memory_object_create(name_of(ipc_port_copy_send(manager)), name_of(port), o->size, name_of(control),
			     name_of(name), PAGE_SIZE);
	return KERN_SUCCESS;
}

int vm_object_pageable(struct vm_page *p)
{
	struct vm_object *o = p->object;

	if (o == NULL || p->wire_count != 0 || (p->flags & (VM_PAGE_BUSY | VM_PAGE_ABSENT | VM_PAGE_ERROR)))
		return 0;
	if (o->pager == NULL && o->internal && o->temporary && !o->pager_gone && !o->pageout_carrier &&
	    p->offset < o->size && vm_object_pager_create(o) != KERN_SUCCESS)
		return 0;
	return vm_object_pager_alive(o) &&
	       (o->existence == NULL ||
		(p->offset < o->size && (p->offset + o->paging_offset) >> PAGE_SHIFT < o->existence_pages));
}

/* Cut the object from its pager: no more lookups by port, control and
 * name ports handed to the pager with memory_object_terminate (which
 * also gives back our send right), pending faults failed. */
static void pager_disconnect(struct vm_object *o)
{
	struct ipc_port *pager = o->pager, *control = o->pager_request, *name = o->pager_name;

	pager_unhash(o);
	o->pager = o->pager_request = o->pager_name = NULL;
	o->pager_gone = 1;
	o->pager_ready = 0;
	thread_wakeup(o); /* faults waiting for ready sleep on the object */
	queue_chain_t *q = o->memq.next;
	while (q != &o->memq) {
		struct vm_page *p = queue_container(q, struct vm_page, listq);
		q = q->next;
		if ((p->flags & (VM_PAGE_BUSY | VM_PAGE_ABSENT)) == (VM_PAGE_BUSY | VM_PAGE_ABSENT))
			vm_page_pager_failed(p);
	}
	/* The ports stop being kernel objects: their receive rights travel. */
	struct ipc_port *ports[2] = {control, name};
	for (int i = 0; i < 2; i++) {
		ports[i]->kotype = IKOT_NONE;
		ports[i]->kobject = NULL;
		ports[i]->receiver = NULL;
		ports[i]->receiver_name = MACH_PORT_NULL;
	}
	if (pager->active && o->pager_initialized) {
		memory_object_terminate(name_of(pager), name_of(control), name_of(name));
	} else {
		ipc_port_release_send(pager);
		ipc_port_destroy(control);
		ipc_port_destroy(name);
	}
}

void vm_object_pager_terminate(struct vm_object *o)
{
	if (vm_object_pager_alive(o) && !o->temporary) {
		queue_chain_t *q;
		for (q = o->memq.next; q != &o->memq; q = q->next) {
			struct vm_page *p = queue_container(q, struct vm_page, listq);
			if (p->flags & (VM_PAGE_BUSY | VM_PAGE_NO_DATA))
				continue;
			int dirty = pmap_page_test_and_clear_modified(p);
			if (dirty || (p->flags & VM_PAGE_PRECIOUS))
				pager_return_page(o, p, dirty, FALSE);
		}
	}
	pager_disconnect(o);
}

void vm_object_pager_move(struct vm_object *from, struct vm_object *to)
{
	assert(to->pager == NULL && from->existence != NULL);
	pager_unhash(from);
	to->pager = from->pager;
	to->pager_request = from->pager_request;
	to->pager_name = from->pager_name;
	to->pager_request->kobject = to;
	to->pager_name->kobject = to;
	to->existence = from->existence;
	to->existence_pages = from->existence_pages;
	/* to's offset x is from's x + shadow_offset. */
	to->paging_offset = from->paging_offset + to->shadow_offset;
	to->pager_ready = from->pager_ready;
	to->pager_initialized = from->pager_initialized;
	to->pager_hash_next = *pager_bucket(to->pager);
	*pager_bucket(to->pager) = to;
	from->pager = from->pager_request = from->pager_name = NULL;
	from->existence = NULL;
	from->existence_pages = 0;
	if (from->pageout_inflight != 0)
		vm_pageout_origin_move(from, to);
}

/* ---- control and name ports ---- */

/* The object whose control port this is, with a reference for the
 * routine to drop (the stub has no destructor for it). */
vm_object_t vm_object_lookup(mach_port_t port)
{
	struct ipc_port *p = port_of(port);
	struct vm_object *object;

	if (!IP_VALID(p) || !p->active || p->kotype != IKOT_PAGING_REQUEST)
		return NULL;
	object = p->kobject;
	vm_object_reference(object);
	return object;
}

vm_object_t vm_object_lookup_name(mach_port_t port)
{
	struct ipc_port *p = port_of(port);
	struct vm_object *object;

	if (!IP_VALID(p) || !p->active || p->kotype != IKOT_PAGER)
		return NULL;
	object = p->kobject;
	vm_object_reference(object);
	return object;
}

/* A pager's range: page aligned, not empty, not wrapping; on success the
 * object offset of its start (the pager's offset minus paging_offset). */
static int range_ok(struct vm_object *o, vm_offset_t offset, vm_size_t size, vm_offset_t *start)
{
	if ((offset | size) & PAGE_MASK || size == 0 || offset + size < offset || offset < o->paging_offset)
		return 0;
	*start = offset - o->paging_offset;
	return 1;
}

/* A routine's common start: the object must still have its pager. */
static kern_return_t control_ok(vm_object_t o)
{
	if (o == NULL)
		return KERN_INVALID_ARGUMENT;
	if (o->pager == NULL) {
		vm_object_deallocate(o);
		return KERN_INVALID_ARGUMENT;
	}
	return KERN_SUCCESS;
}

static kern_return_t done(vm_object_t o, kern_return_t kr)
{
	vm_object_deallocate(o);
	return kr;
}

/* Read len bytes at data offset pos of a copy (kernel buffer, or entries
 * whose pages may be in shadows, with their pagers (asked again: they
 * may have been paged out since the copy was made), or nowhere: zero).
 * May sleep; KERN_MEMORY_ERROR if a pager failed. */
static kern_return_t copy_read(vm_map_copy_t copy, vm_offset_t pos, void *dst, vm_size_t len)
{
	if (copy->type == VM_MAP_COPY_KERNEL_BUFFER) {
		memcpy(dst, (char *)copy->buffer + pos, len);
		return KERN_SUCCESS;
	}
	vm_offset_t va = copy->offset + pos;
	char *out = dst;
	struct vm_map_entry *e = copy->header.next;
	while (len > 0) {
		vm_size_t chunk = PAGE_SIZE - (va & PAGE_MASK);
		if (chunk > len)
			chunk = len;
		while (e != &copy->header && va >= e->end)
			e = e->next;
		struct vm_page *p = NULL;
		if (e != &copy->header && va >= e->start) {
			kern_return_t kr = vm_map_entry_page_in(e, va, &p);
			if (kr != KERN_SUCCESS)
				return kr;
		}
		if (p != NULL)
			memcpy(out, (char *)vm_page_kva(p) + (va & PAGE_MASK), chunk);
		else
			memset(out, 0, chunk);
		out += chunk;
		va += chunk;
		len -= chunk;
	}
	return KERN_SUCCESS;
}

/* Data arrives at offset of o, which has a shadow (a copy made with
 * memory_object_copy): whoever read that page through o from below has
 * the shadow's page mapped, and must now fault to see o's. */
static void shadow_page_unmap(struct vm_object *o, vm_offset_t offset)
{
	offset += o->shadow_offset;
	for (struct vm_object *b = o->shadow; b != NULL; b = b->shadow) {
		struct vm_page *p = vm_page_lookup(b, offset);
		if (p != NULL && !(p->flags & VM_PAGE_UNAVAILABLE)) {
			if (p->pv_pmap != NULL)
				pmap_page_protect(p, VM_PROT_NONE);
			return;
		}
		offset += b->shadow_offset;
	}
}

/* Where the pager's data for offset start of o goes: *p, the absent
 * page a fault waits on (or a page the pager said was unavailable), or
 * NULL where no page is; 0 if a page with data is there (the data is
 * refused: KERN_MEMORY_PRESENT). */
static int supply_wanted(struct vm_object *o, vm_offset_t start, struct vm_page **p)
{
	*p = vm_page_lookup(o, start);
	if (*p != NULL && !((*p)->flags & (VM_PAGE_ABSENT | VM_PAGE_UNAVAILABLE)))
		return 0;
	if (o->shadow != NULL)
		shadow_page_unmap(o, start);
	return 1;
}

/* Data that came in a page of its own (own) takes the place of the
 * absent page (if any) at start of o: no copy.  Returns the event of
 * the faults waiting for the absent page (they look again and find
 * own), for the caller to wake, or NULL. */
static event_t supply_own(struct vm_object *o, vm_offset_t start, struct vm_page *absent,
				 struct vm_page *own, vm_prot_t lock_value, boolean_t precious)
{
	int wanted = absent != NULL && (absent->flags & VM_PAGE_WANTED);

	if (absent != NULL) {
		vm_page_remove(absent);
		absent->flags &= ~(VM_PAGE_BUSY | VM_PAGE_ABSENT | VM_PAGE_WANTED | VM_PAGE_UNAVAILABLE);
		vm_page_release(absent);
	}
	vm_page_insert(own, o, start);
	vm_page_activate(own);
	if (precious)
		own->flags |= VM_PAGE_PRECIOUS;
	own->page_lock = lock_value;
	return wanted ? absent : NULL;
}

/* p (at its place in the object) now holds the pager's data; returns
 * the event of the faults waiting for it, for the caller to wake, or
 * NULL. */
static event_t supply_filled(struct vm_page *p, vm_prot_t lock_value, boolean_t precious)
{
	vm_page_activate(p); /* an absent page was on no queue */
	p->flags &= ~(VM_PAGE_ABSENT | VM_PAGE_UNAVAILABLE | VM_PAGE_NO_DATA | VM_PAGE_DIRTY | VM_PAGE_PRECIOUS |
		      VM_PAGE_UNLOCK_ASKED);
	if (precious)
		p->flags |= VM_PAGE_PRECIOUS;
	p->page_lock = lock_value;
	return vm_page_done(p);
}

/* Wake what supply_own or supply_filled left to wake. */
static void supply_wakeup(event_t waited)
{
	if (waited != NULL)
		thread_wakeup(waited);
}

/* The pager's data: each page goes where a fault waits for it (an absent
 * page) or where no page is; a page already present is left alone and
 * reported with supply_completed (KERN_MEMORY_PRESENT). */
kern_return_t S_memory_object_data_supply(vm_object_t o, vm_offset_t offset, vm_offset_t data,
					  mach_msg_type_number_t dataCnt, vm_prot_t lock_value, boolean_t precious,
					  mach_port_t reply_to, mach_msg_type_name_t reply_toPoly)
{
	vm_map_copy_t copy = (vm_map_copy_t)data;
	vm_offset_t start;
	kern_return_t kr = control_ok(o);

	if (kr != KERN_SUCCESS)
		return kr;
	if (!range_ok(o, offset, dataCnt, &start) || (lock_value & ~VM_PROT_ALL) || copy == NULL ||
	    copy->size != dataCnt)
		return done(o, KERN_INVALID_ARGUMENT);

	kern_return_t result = KERN_SUCCESS;
	vm_offset_t error_offset = 0;
	for (vm_offset_t pos = 0; pos < dataCnt; pos += PAGE_SIZE) {
		struct vm_page *p;
		if (!supply_wanted(o, start + pos, &p)) {
			if (result == KERN_SUCCESS)
				result = KERN_MEMORY_PRESENT, error_offset = offset + pos;
			continue;
		}
		struct vm_page *own = dataCnt == PAGE_SIZE ? vm_map_copy_steal_page(copy) : NULL;
		if (own != NULL) {
			supply_wakeup(supply_own(o, start + pos, p, own, lock_value, precious));
			continue;
		}
		if (p == NULL && (p = vm_page_alloc_in(o, start + pos)) == NULL) {
			if (result == KERN_SUCCESS)
				result = KERN_RESOURCE_SHORTAGE, error_offset = offset + pos;
			break;
		}
		/* Busy while copy_read may wait for a pager: the pageout
		 * daemon leaves it alone, faults wait for it. */
		p->flags |= VM_PAGE_BUSY;
		if (copy_read(copy, pos, vm_page_kva(p), PAGE_SIZE) != KERN_SUCCESS) {
			if (p->flags & VM_PAGE_ABSENT) {
				vm_page_pager_failed(p); /* its faults fail too */
			} else {
				vm_page_wakeup_done(p);
				vm_page_free_in(p);
			}
			if (result == KERN_SUCCESS)
				result = KERN_MEMORY_ERROR, error_offset = offset + pos;
			break;
		}
		supply_wakeup(supply_filled(p, lock_value, precious));
	}
	vm_map_copy_discard(copy);
	if (IP_VALID(port_of(reply_to)))
		memory_object_supply_completed(reply_to, reply_toPoly, name_of(o->pager_request), offset, dataCnt,
					       result, error_offset);
	return done(o, KERN_SUCCESS);
}

/*
 * memory_object_data_supply of one page, as its MIG stub sends it with
 * no reply port (the control port's send right copied, or moved as the
 * pager kit sends it), from a user thread: the message is read onto the stack,
 * checked word for word, and the page's data goes from the pager's
 * memory straight into the object (or the page itself, given away with
 * dealloc and seen by nothing else, moves there): no kmsg, no pass over
 * the body, no vm_map_copy, no MIG server.  Any other shape, value or
 * state (reply port, several pages, a source page a pager has yet to
 * supply, no memory...) is declined before anything changes, and the
 * general path runs the whole send as if this did not exist.
 */
_Static_assert(sizeof(struct memory_object_data_supply_msg) == VM_OBJECT_SUPPLY_FAST_SIZE, "data_supply's layout");

static uint32_t type_word(const mach_msg_type_t *t)
{
	uint32_t w;

	__builtin_memcpy(&w, t, sizeof(w)); /* one load */
	return w;
}

/* Whether the body is exactly what the stub sends for one page. */
static int supply_shape_ok(const struct memory_object_data_supply_msg *m)
{
	static const mach_msg_type_t word = {.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32,
					     .msgt_number = 1, .msgt_inline = 1},
				     flag = {.msgt_name = MACH_MSG_TYPE_UNSTRUCTURED, .msgt_size = 32,
					     .msgt_number = 1, .msgt_inline = 1},
				     reply = {.msgt_name = MACH_MSG_TYPE_MAKE_SEND_ONCE, .msgt_size = 32,
					      .msgt_number = 1, .msgt_inline = 1},
				     ool = {.msgt_longform = 1},
				     ool_dealloc = {.msgt_longform = 1, .msgt_deallocate = 1};
	uint32_t data = type_word(&m->data_type.msgtl_header);

	return (m->hdr.msgh_bits == (MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX) ||
		m->hdr.msgh_bits == (MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0) | MACH_MSGH_BITS_COMPLEX)) &&
	       m->hdr.msgh_local_port == MACH_PORT_NULL && m->hdr.msgh_id == MEMORY_OBJECT_DATA_SUPPLY_ID &&
	       type_word(&m->offset_type) == type_word(&word) && type_word(&m->lock_type) == type_word(&word) &&
	       type_word(&m->precious_type) == type_word(&flag) && type_word(&m->reply_type) == type_word(&reply) &&
	       m->reply_to == MACH_PORT_NULL && (data == type_word(&ool) || data == type_word(&ool_dealloc)) &&
	       m->data_type.msgtl_name == MACH_MSG_TYPE_BYTE && m->data_type.msgtl_size == 8 &&
	       m->data_type.msgtl_number == PAGE_SIZE && (m->data & PAGE_MASK) == 0;
}

int vm_object_supply_fast(mach_msg_header_t *umsg, mach_msg_size_t send_size, event_t *wake)
{
	struct memory_object_data_supply_msg m;
	struct thread *th = current_thread();

	*wake = NULL;
	/* (From a user thread's memory only: copy_user_words.) */
	if (send_size != sizeof(m) || !copy_user_ok(umsg, sizeof(m)) || !copy_user_words(&m, umsg, sizeof(m) / 4) ||
	    !supply_shape_ok(&m))
		return 0;
	/* The map lock first: waiting for it is the one sleep here, and what
	 * is looked up below (the control port, its object) could go
	 * meanwhile.  Nothing after it sleeps. */
	struct vm_map *map = th->task->map;
	vm_map_lock(map);
	/* The destination: a send right to a control port of an object
	 * that still has its pager; the range and lock value sound.  A
	 * moved right must leave the entry a reference (the general path
	 * frees names). */
	struct ipc_entry *e = ipc_entry_lookup(th->task->itk_space, m.hdr.msgh_remote_port);
	int move = MACH_MSGH_BITS_REMOTE(m.hdr.msgh_bits) == MACH_MSG_TYPE_MOVE_SEND;
	struct ipc_port *control =
		e != NULL && (e->bits & MACH_PORT_TYPE_SEND) && (!move || IE_UREFS(e) > 1) ? e->object : NULL;
	struct vm_object *o = control != NULL ? control->kobject : NULL;
	int dealloc = m.data_type.msgtl_header.msgt_deallocate;
	struct vm_map_entry *src_entry;
	struct vm_page *src, *p;
	vm_offset_t start;
	/* The source: read where it is, or taken if given away. */
	if (control == NULL || !control->active || control->receiver != ipc_space_kernel ||
	    control->kotype != IKOT_PAGING_REQUEST || o->pager == NULL || !range_ok(o, m.offset, PAGE_SIZE, &start) ||
	    (m.lock_value & ~VM_PROT_ALL) || !vm_map_page_peek(map, m.data, dealloc, &src_entry, &src)) {
		vm_map_unlock_unchanged(map);
		return 0;
	}
	if (supply_wanted(o, start, &p)) {
		struct vm_page *own = dealloc ? vm_map_page_remove(map, src_entry, m.data, 1) : NULL;
		if (own != NULL) {
			*wake = supply_own(o, start, p, own, m.lock_value, m.precious);
			dealloc = 0; /* done */
		} else if (p != NULL || (p = vm_page_alloc_in(o, start)) != NULL) {
			if (src != NULL)
				vm_page_copy(src, p);
			else
				vm_page_zero(p);
			*wake = supply_filled(p, m.lock_value, m.precious);
		} /* else no memory: the data is dropped, as the general path does */
	}
	if (move)
		e->bits--; /* the right moved: one user reference fewer (not the last) */
	if (m.data_type.msgtl_header.msgt_deallocate) {
		if (dealloc)
			vm_map_page_remove(map, src_entry, m.data, 0);
		vm_map_unlock(map);
	} else {
		vm_map_unlock_unchanged(map); /* the page was only read */
	}
	return 1;
}

/* Apply fn to each absent page of [start, start + size). */
static void for_absent_pages(struct vm_object *o, vm_offset_t start, vm_size_t size, void (*fn)(struct vm_page *))
{
	queue_chain_t *q = o->memq.next;

	while (q != &o->memq) {
		struct vm_page *p = queue_container(q, struct vm_page, listq);
		q = q->next;
		if (p->offset >= start && p->offset - start < size && (p->flags & VM_PAGE_ABSENT))
			fn(p);
	}
}

/* No data from the pager: zero, or, in a copy made with
 * memory_object_copy, what the original (the shadow) has. */
static void page_unavailable(struct vm_page *p)
{
	if (p->object->shadow != NULL)
		p->flags |= VM_PAGE_UNAVAILABLE; /* a marker: read through */
	else
		vm_page_zero(p);
	vm_page_activate(p); /* (reclaimable like any page) */
	p->flags &= ~VM_PAGE_ABSENT;
	p->page_lock = VM_PROT_NONE;
	vm_page_wakeup_done(p);
}

kern_return_t S_memory_object_data_unavailable(vm_object_t o, vm_offset_t offset, vm_size_t size)
{
	vm_offset_t start;
	kern_return_t kr = control_ok(o);

	if (kr != KERN_SUCCESS)
		return kr;
	if (!range_ok(o, offset, size, &start))
		return done(o, KERN_INVALID_ARGUMENT);
	for_absent_pages(o, start, size, page_unavailable);
	return done(o, KERN_SUCCESS);
}

kern_return_t S_memory_object_data_error(vm_object_t o, vm_offset_t offset, vm_size_t size, kern_return_t error_value)
{
	vm_offset_t start;
	kern_return_t kr = control_ok(o);

	(void)error_value; /* the fault reports KERN_MEMORY_ERROR, as GNU Mach */
	if (kr != KERN_SUCCESS)
		return kr;
	if (!range_ok(o, offset, size, &start))
		return done(o, KERN_INVALID_ARGUMENT);
	for_absent_pages(o, start, size, vm_page_pager_failed);
	return done(o, KERN_SUCCESS);
}

/*
 * Clean, flush and lock the resident pages of a range: return the dirty
 * ones (should_return DIRTY) or the dirty and precious ones (ALL) with
 * data_return, then free them (should_flush) or keep them with access
 * lock_value forbidden; lock_completed to reply_to at the end.  Pages in
 * transit (busy) are left alone.
 */
kern_return_t S_memory_object_lock_request(vm_object_t o, vm_offset_t offset, vm_size_t size,
					   memory_object_return_t should_return, boolean_t should_flush,
					   vm_prot_t lock_value, mach_port_t reply_to, mach_msg_type_name_t reply_toPoly)
{
	vm_offset_t start;
	kern_return_t kr = control_ok(o);

	if (kr != KERN_SUCCESS)
		return kr;
	if (!range_ok(o, offset, size, &start) || (lock_value & ~VM_PROT_ALL) ||
	    (should_return != MEMORY_OBJECT_RETURN_NONE && should_return != MEMORY_OBJECT_RETURN_DIRTY &&
	     should_return != MEMORY_OBJECT_RETURN_ALL))
		return done(o, KERN_INVALID_ARGUMENT);

	queue_chain_t *q = o->memq.next;
	while (q != &o->memq) {
		struct vm_page *p = queue_container(q, struct vm_page, listq);
		q = q->next;
		if (p->offset < start || p->offset - start >= size || (p->flags & VM_PAGE_BUSY))
			continue;
		if (p->flags & (VM_PAGE_ERROR | VM_PAGE_UNAVAILABLE)) {
			if (should_flush && p->wire_count == 0)
				vm_page_free_in(p); /* the next fault asks again */
			continue;
		}
		if (should_return != MEMORY_OBJECT_RETURN_NONE) {
			int dirty = pmap_page_test_and_clear_modified(p);
			int precious = (p->flags & VM_PAGE_PRECIOUS) != 0;
			if (dirty || (precious && should_return == MEMORY_OBJECT_RETURN_ALL))
				pager_return_page(o, p, dirty, !should_flush);
			else if (dirty)
				p->flags |= VM_PAGE_DIRTY; /* not returned: still dirty */
		}
		if (should_flush && p->wire_count == 0) {
			/* A copy object (DELAY) keeps what it lacks: the pager
			 * may supply different data now. */
			if (o->copy != NULL)
				vm_object_copy_push(p, 1);
			if (p->object == o)
				vm_page_free_in(p);
			continue;
		}
		/* A wired page stays (its mapping needs it): cleaned, locked. */
		vm_prot_t old = p->page_lock;
		p->page_lock = lock_value;
		if (lock_value & ~old)
			pmap_page_protect(p, VM_PROT_ALL & ~lock_value);
		if (old & ~lock_value) {
			p->flags &= ~VM_PAGE_UNLOCK_ASKED;
			thread_wakeup(p); /* faults waiting for an unlock */
		}
	}
	if (IP_VALID(port_of(reply_to)))
		memory_object_lock_completed(reply_to, reply_toPoly, name_of(o->pager_request), offset, size);
	return done(o, KERN_SUCCESS);
}

static int strategy_ok(memory_object_copy_strategy_t s)
{
	return s == MEMORY_OBJECT_COPY_NONE || s == MEMORY_OBJECT_COPY_CALL || s == MEMORY_OBJECT_COPY_DELAY ||
	       s == MEMORY_OBJECT_COPY_TEMPORARY;
}

kern_return_t S_memory_object_ready(vm_object_t o, boolean_t may_cache, memory_object_copy_strategy_t copy_strategy)
{
	kern_return_t kr = control_ok(o);

	if (kr != KERN_SUCCESS)
		return kr;
	if (!strategy_ok(copy_strategy))
		return done(o, KERN_INVALID_ARGUMENT);
	o->can_persist = may_cache != 0;
	o->copy_strategy = copy_strategy;
	o->pager_ready = 1;
	thread_wakeup(o); /* faults waiting for ready sleep on the object */
	return done(o, KERN_SUCCESS);
}

kern_return_t S_memory_object_change_attributes(vm_object_t o, boolean_t may_cache,
						memory_object_copy_strategy_t copy_strategy, mach_port_t reply_to,
						mach_msg_type_name_t reply_toPoly)
{
	kern_return_t kr = control_ok(o);

	if (kr != KERN_SUCCESS)
		return kr;
	if (!strategy_ok(copy_strategy))
		return done(o, KERN_INVALID_ARGUMENT);
	o->can_persist = may_cache != 0;
	o->copy_strategy = copy_strategy;
	if (IP_VALID(port_of(reply_to)))
		memory_object_change_completed(reply_to, reply_toPoly, may_cache, copy_strategy);
	return done(o, KERN_SUCCESS);
}

kern_return_t S_memory_object_get_attributes(vm_object_t o, boolean_t *object_ready, boolean_t *may_cache,
					     memory_object_copy_strategy_t *copy_strategy)
{
	kern_return_t kr = control_ok(o);

	if (kr != KERN_SUCCESS)
		return kr;
	*object_ready = o->pager_ready;
	*may_cache = o->can_persist;
	*copy_strategy = o->copy_strategy;
	return done(o, KERN_SUCCESS);
}

/* The pager gives up on the object while it is still mapped: its pages
 * go, and faults on it fail from now on (KERN_MEMORY_ERROR). */
kern_return_t S_memory_object_destroy(vm_object_t o, kern_return_t reason)
{
	kern_return_t kr = control_ok(o);

	(void)reason;
	if (kr != KERN_SUCCESS)
		return kr;
	pager_disconnect(o);
	queue_chain_t *q = o->memq.next;
	while (q != &o->memq) {
		struct vm_page *p = queue_container(q, struct vm_page, listq);
		q = q->next;
		if (p->flags & VM_PAGE_BUSY || p->wire_count != 0)
			continue; /* wired pages stay until unwired or unmapped */
		if (o->copy != NULL && !(p->flags & VM_PAGE_NO_DATA))
			vm_object_copy_push(p, 1); /* copies keep what they saw */
		if (p->object == o)
			vm_page_free_in(p);
	}
	return done(o, KERN_SUCCESS);
}

/* ---- the default memory manager ---- */

/*
 * Register the default pager (a send right, which we keep) and get the
 * previous one back; MACH_PORT_NULL only asks which it is.  Until one
 * exists, anonymous memory stays resident (said at boot).
 */
kern_return_t S_vm_set_default_memory_manager(host_t host_priv, mach_port_t *default_manager)
{
	struct ipc_port *new_manager = port_of(*default_manager);
	struct ipc_port *returned;

	if (host_priv == NULL)
		return KERN_INVALID_HOST;
	if (!IP_VALID(new_manager)) {
		returned = ipc_port_copy_send(memory_manager_default);
	} else {
		returned = memory_manager_default;
		memory_manager_default = new_manager;
	}
	*default_manager = name_of(returned);
	return KERN_SUCCESS;
}

struct ipc_port *vm_default_memory_manager(void)
{
	return memory_manager_default;
}
