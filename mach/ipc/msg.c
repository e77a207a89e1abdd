/*
 * mach_msg: messages from user space into the kernel and out again.
 *
 * Sending validates the whole message (header rights, every descriptor,
 * every right named in the body) before taking anything from the sender's
 * space, so a send that fails leaves the sender as it was.  Receiving
 * takes the first message off the port (or any port of a set), gives the
 * receiver names for the rights in it, and copies it out.
 */
#include <stddef.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/sched.h>
#include <kern/sched_ipc.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/zalloc.h>
#include <kern/clock.h>
#include <kern/copy.h>
#include <ipc/deliver.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>
#include <i386/asm_offsets.h>
#include <i386/cpu.h>
#include <i386/pmap.h>
#include <i386/seg.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>

/* Messages come from two zones (most are small; kernel-object replies
 * are allocated at their interface's largest size) or, above that, kalloc. */
#define IKM_SMALL_SIZE 256
#define IKM_LARGE_SIZE 8192
#define IKM_OVERHEAD (sizeof(struct ipc_kmsg) - sizeof(mach_msg_header_t))

static struct zone kmsg_zone, kmsg_large_zone;
/* Two small messages kept back from the zone: most traffic is one small
 * message at a time, or a request and its reply (a kernel object's);
 * one CPU, a kernel that is not preempted. */
#define KMSG_CACHE_MAX 2
static struct ipc_kmsg *kmsg_cache[KMSG_CACHE_MAX], *kmsg_large_cache;
static unsigned kmsg_cached;

void ipc_kmsg_bootstrap(void)
{
	zone_init(&kmsg_zone, "ipc.kmsgs", IKM_OVERHEAD + IKM_SMALL_SIZE, 0);
	zone_init(&kmsg_large_zone, "ipc.kmsgs.large", IKM_OVERHEAD + IKM_LARGE_SIZE, 0);
}

struct ipc_kmsg *ipc_kmsg_alloc(mach_msg_size_t size)
{
	struct ipc_kmsg *kmsg;

	if (size <= IKM_SMALL_SIZE) {
		kmsg = kmsg_cached > 0 ? kmsg_cache[--kmsg_cached] : zalloc(&kmsg_zone);
		size = IKM_SMALL_SIZE;
	} else if (size <= IKM_LARGE_SIZE) {
		kmsg = kmsg_large_cache;
		if (kmsg != NULL)
			kmsg_large_cache = NULL;
		else
			kmsg = zalloc(&kmsg_large_zone);
		size = IKM_LARGE_SIZE;
	} else {
		kmsg = kalloc(IKM_OVERHEAD + size);
	}
	if (kmsg == NULL)
		return NULL;
	kmsg->link.next = kmsg->link.prev = NULL;
	kmsg->capacity = size;
	kmsg->accept_notify = NULL;
	return kmsg;
}

void ipc_kmsg_free(struct ipc_kmsg *kmsg)
{
	if (kmsg->capacity == IKM_SMALL_SIZE && kmsg_cached < KMSG_CACHE_MAX)
		kmsg_cache[kmsg_cached++] = kmsg;
	else if (kmsg->capacity == IKM_SMALL_SIZE)
		zfree(&kmsg_zone, kmsg);
	else if (kmsg->capacity == IKM_LARGE_SIZE && kmsg_large_cache == NULL)
		kmsg_large_cache = kmsg;
	else if (kmsg->capacity == IKM_LARGE_SIZE)
		zfree(&kmsg_large_zone, kmsg);
	else
		kfree(kmsg, IKM_OVERHEAD + kmsg->capacity);
}

mach_msg_return_t ipc_body_walk(mach_msg_header_t *hdr, ipc_desc_fn fn, void *ctx)
{
	char *p = (char *)(hdr + 1), *end = (char *)hdr + hdr->msgh_size;

	while (p < end) {
		struct ipc_desc d;
		unsigned hsize = sizeof(mach_msg_type_t);

		if ((size_t)(end - p) < sizeof(mach_msg_type_t))
			return MACH_SEND_MSG_TOO_SMALL;
		d.type = (mach_msg_type_t *)p;
		d.longform = d.type->msgt_longform;
		if (d.longform) {
			mach_msg_type_long_t *l = (mach_msg_type_long_t *)p;
			hsize = sizeof(*l);
			if ((size_t)(end - p) < hsize)
				return MACH_SEND_MSG_TOO_SMALL;
			d.name = l->msgtl_name;
			d.size = l->msgtl_size;
			d.number = l->msgtl_number;
		} else {
			d.name = d.type->msgt_name;
			d.size = d.type->msgt_size;
			d.number = d.type->msgt_number;
		}
		d.is_inline = d.type->msgt_inline;
		d.dealloc = d.type->msgt_deallocate;
		d.data = p + hsize;
		uint64_t bytes = d.is_inline ? ((uint64_t)d.number * d.size + 7) / 8 : sizeof(void *);
		bytes = (bytes + 3) & ~(uint64_t)3;
		if (bytes > (uint64_t)(end - p - hsize))
			return MACH_SEND_MSG_TOO_SMALL;
		mach_msg_return_t mr = fn(ctx, &d);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
		p += hsize + bytes;
	}
	return MACH_MSG_SUCCESS;
}

void ipc_desc_set_name(struct ipc_desc *d, mach_msg_type_name_t name)
{
	d->type->msgt_name = name;
	if (d->longform)
		((mach_msg_type_long_t *)d->type)->msgtl_name = name;
	d->name = name;
}

static int desc_is_port(const struct ipc_desc *d)
{
	return MACH_MSG_TYPE_PORT_ANY(d->name);
}

/* Pass 1 of a send: is every item well formed and every right there? */
static mach_msg_return_t body_check_one(void *ctx, struct ipc_desc *d)
{
	struct ipc_space *space = ctx;

	if (!desc_is_port(d))
		return d->name > MACH_MSG_TYPE_LAST && d->name != MACH_MSG_TYPE_POLYMORPHIC
			       ? MACH_SEND_INVALID_TYPE
			       : MACH_MSG_SUCCESS;
	if (d->size != 32 || d->name == MACH_MSG_TYPE_PORT_NAME)
		return MACH_SEND_INVALID_TYPE;
	if (!d->is_inline)
		return MACH_MSG_SUCCESS; /* out-of-line names: checked once copied in */
	mach_port_t *names = d->data;
	for (unsigned i = 0; i < d->number; i++)
		if (MACH_PORT_VALID(names[i]) && ipc_right_copyin_check(space, names[i], d->name) != KERN_SUCCESS)
			return MACH_SEND_INVALID_RIGHT;
	return MACH_MSG_SUCCESS;
}

/* Bytes of out-of-line data a descriptor stands for. */
static vm_size_t desc_ool_bytes(const struct ipc_desc *d)
{
	return (vm_size_t)(((uint64_t)d->number * d->size + 7) / 8);
}

static void **desc_ool_slot(struct ipc_desc *d)
{
	return (void **)d->data;
}

/*
 * Pass 0: take out-of-line data from the sender.  Data becomes a VM copy
 * object (virtual copy above a threshold), port-name arrays a kernel
 * buffer whose names are checked like inline ones.  `done` counts the
 * descriptors converted, so that a failure can undo exactly those.
 */
struct ool_ctx {
	struct ipc_space *space;
	struct vm_map *map;
	unsigned done, limit;
	int undo;
};

static mach_msg_return_t body_ool_copyin_one(void *ctx, struct ipc_desc *d)
{
	struct ool_ctx *c = ctx;
	void **slot = desc_ool_slot(d);
	vm_size_t len = desc_ool_bytes(d);

	if (d->is_inline)
		return MACH_MSG_SUCCESS;
	if (c->undo) { /* give back what an earlier call took */
		if (c->done >= c->limit)
			return MACH_MSG_SUCCESS;
		c->done++;
		if (desc_is_port(d))
			kfree(*slot, len ? len : 1);
		else
			vm_map_copy_discard(*slot);
		*slot = NULL;
		return MACH_MSG_SUCCESS;
	}
	if (c->map == NULL) /* kernel threads have no address space to copy from */
		return MACH_SEND_INVALID_MEMORY;
	if (desc_is_port(d)) {
		mach_port_t *names = kalloc(len ? len : 1);
		if (names == NULL)
			return MACH_SEND_NO_BUFFER;
		if (copyin(*slot, names, len) != 0) {
			kfree(names, len ? len : 1);
			return MACH_SEND_INVALID_MEMORY;
		}
		for (unsigned i = 0; i < d->number; i++)
			if (MACH_PORT_VALID(names[i]) && ipc_right_copyin_check(c->space, names[i], d->name) != KERN_SUCCESS) {
				kfree(names, len ? len : 1);
				return MACH_SEND_INVALID_RIGHT;
			}
		*slot = names;
	} else {
		vm_map_copy_t copy;
		if (vm_map_copyin(c->map, (vm_offset_t)*slot, len, d->dealloc, &copy) != KERN_SUCCESS)
			return MACH_SEND_INVALID_MEMORY;
		*slot = copy;
	}
	c->done++;
	return MACH_MSG_SUCCESS;
}

/* Pass 2: take the rights.  After pass 1 this fails only when one right
 * is moved twice; then the remaining slots are emptied so that the
 * message can be destroyed as it stands. */
struct copyin_ctx {
	struct ipc_space *space;
	int failed;
};

static mach_msg_return_t body_copyin_one(void *ctx, struct ipc_desc *d)
{
	struct copyin_ctx *c = ctx;

	if (!desc_is_port(d))
		return MACH_MSG_SUCCESS;
	mach_port_t *slots = d->is_inline ? d->data : *desc_ool_slot(d);
	mach_msg_type_name_t result = ipc_object_result_type(d->name);
	for (unsigned i = 0; i < d->number; i++) {
		struct ipc_port *port = (struct ipc_port *)(uintptr_t)slots[i]; /* NULL or DEAD */
		mach_msg_type_name_t r;
		if (c->failed || (MACH_PORT_VALID(slots[i]) &&
				  ipc_right_copyin(c->space, slots[i], d->name, &port, &r) != KERN_SUCCESS)) {
			c->failed = 1;
			port = IP_NULL;
		}
		slots[i] = (mach_port_t)(uintptr_t)port;
	}
	ipc_desc_set_name(d, result);
	return MACH_MSG_SUCCESS;
}

static mach_msg_return_t body_destroy_one(void *ctx, struct ipc_desc *d)
{
	(void)ctx;
	if (!d->is_inline && !desc_is_port(d)) {
		vm_map_copy_discard(*desc_ool_slot(d));
		*desc_ool_slot(d) = NULL;
		return MACH_MSG_SUCCESS;
	}
	if (!desc_is_port(d))
		return MACH_MSG_SUCCESS;
	struct ipc_port **ports = d->is_inline ? d->data : *desc_ool_slot(d);
	for (unsigned i = 0; ports != NULL && i < d->number; i++) {
		ipc_right_release(ports[i], d->name);
		ports[i] = IP_NULL;
	}
	if (!d->is_inline && ports != NULL) {
		vm_size_t len = desc_ool_bytes(d);
		kfree(ports, len ? len : 1);
		*desc_ool_slot(d) = NULL;
	}
	return MACH_MSG_SUCCESS;
}

struct copyout_ctx {
	struct ipc_space *space;
	struct vm_map *map;
	mach_msg_return_t error;
};

/* Put out-of-line data into the receiver's address space. */
static void ool_copyout(struct copyout_ctx *c, void **slot, vm_map_copy_t copy)
{
	vm_offset_t addr = 0;

	if (copy != NULL && (c->map == NULL || vm_map_copyout(c->map, &addr, copy) != KERN_SUCCESS)) {
		vm_map_copy_discard(copy);
		addr = 0;
		c->error = MACH_RCV_BODY_ERROR | MACH_MSG_VM_SPACE;
	}
	*slot = (void *)addr;
}

static mach_msg_return_t body_copyout_one(void *ctx, struct ipc_desc *d)
{
	struct copyout_ctx *c = ctx;

	if (!d->is_inline && !desc_is_port(d)) {
		ool_copyout(c, desc_ool_slot(d), *desc_ool_slot(d));
		return MACH_MSG_SUCCESS;
	}
	if (!desc_is_port(d))
		return MACH_MSG_SUCCESS;
	struct ipc_port **ports = d->is_inline ? d->data : *desc_ool_slot(d);
	for (unsigned i = 0; ports != NULL && i < d->number; i++) {
		mach_port_t name;
		if (ipc_right_copyout(c->space, ports[i], d->name, &name) != KERN_SUCCESS)
			c->error = MACH_RCV_BODY_ERROR | MACH_MSG_IPC_SPACE;
		((mach_port_t *)ports)[i] = name;
	}
	if (!d->is_inline && ports != NULL) {
		vm_size_t len = desc_ool_bytes(d);
		vm_map_copy_t copy = NULL;
		if (len != 0 && vm_map_copyin_kernel_buffer(ports, len, &copy) != KERN_SUCCESS)
			c->error = MACH_RCV_BODY_ERROR | MACH_MSG_VM_KERNEL;
		kfree(ports, len ? len : 1);
		ool_copyout(c, desc_ool_slot(d), copy);
	}
	return MACH_MSG_SUCCESS;
}

void ipc_kmsg_clean(mach_msg_header_t *h)
{
	ipc_right_release((struct ipc_port *)h->msgh_remote_port, MACH_MSGH_BITS_REMOTE(h->msgh_bits));
	ipc_right_release((struct ipc_port *)h->msgh_local_port, MACH_MSGH_BITS_LOCAL(h->msgh_bits));
	if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX)
		ipc_body_walk(h, body_destroy_one, NULL);
}

void ipc_kmsg_destroy(struct ipc_kmsg *kmsg)
{
	ipc_kmsg_clean(&kmsg->hdr);
	if (kmsg->accept_notify != NULL) /* never taken: the right just goes */
		ipc_port_release_sonce(kmsg->accept_notify);
	ipc_kmsg_free(kmsg);
}

static int disp_is_send(mach_msg_type_name_t disp)
{
	return disp == MACH_MSG_TYPE_MOVE_SEND || disp == MACH_MSG_TYPE_COPY_SEND ||
	       disp == MACH_MSG_TYPE_MAKE_SEND || disp == MACH_MSG_TYPE_MOVE_SEND_ONCE ||
	       disp == MACH_MSG_TYPE_MAKE_SEND_ONCE;
}

static int disp_consumes(mach_msg_type_name_t disp)
{
	return disp == MACH_MSG_TYPE_MOVE_SEND || disp == MACH_MSG_TYPE_MOVE_SEND_ONCE ||
	       disp == MACH_MSG_TYPE_MOVE_RECEIVE;
}

/* Validate the header's rights, then the body's, then take them all.
 * *consumed says whether the message was destroyed on the way. */
static mach_msg_return_t ipc_kmsg_copyin(struct ipc_space *space, struct ipc_kmsg *kmsg, int *consumed)
{
	mach_msg_header_t *h = &kmsg->hdr;
	mach_msg_type_name_t dest_disp = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
	mach_msg_type_name_t reply_disp = MACH_MSGH_BITS_LOCAL(h->msgh_bits);
	mach_port_t dest_name = h->msgh_remote_port, reply_name = h->msgh_local_port;
	mach_msg_return_t mr;

	if (h->msgh_bits & MACH_MSGH_BITS_UNUSED)
		return MACH_SEND_INVALID_HEADER;
	if (!disp_is_send(dest_disp))
		return MACH_SEND_INVALID_HEADER;
	if (MACH_PORT_VALID(reply_name) && !disp_is_send(reply_disp) && reply_disp != MACH_MSG_TYPE_MOVE_RECEIVE)
		return MACH_SEND_INVALID_HEADER;
	if (!MACH_PORT_VALID(reply_name) && reply_disp != 0 && !disp_is_send(reply_disp) &&
	    reply_disp != MACH_MSG_TYPE_MOVE_RECEIVE)
		return MACH_SEND_INVALID_HEADER;

	struct ipc_entry *de = MACH_PORT_VALID(dest_name) ? ipc_entry_lookup(space, dest_name) : NULL;
	if (de == NULL || ipc_right_copyin_check(space, dest_name, dest_disp) != KERN_SUCCESS ||
	    (IE_TYPE(de) & MACH_PORT_TYPE_DEAD_NAME))
		return MACH_SEND_INVALID_DEST;
	if (MACH_PORT_VALID(reply_name)) {
		if (ipc_right_copyin_check(space, reply_name, reply_disp) != KERN_SUCCESS)
			return MACH_SEND_INVALID_REPLY;
		/* One name for both: both may not consume its only right. */
		if (reply_name == dest_name && disp_consumes(dest_disp) && disp_consumes(reply_disp) &&
		    !(dest_disp == MACH_MSG_TYPE_MOVE_SEND && reply_disp == MACH_MSG_TYPE_MOVE_SEND &&
		      IE_UREFS(de) >= 2))
			return MACH_SEND_INVALID_REPLY;
	}
	if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		mr = ipc_body_walk(h, body_check_one, space);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
		struct ool_ctx oc = {space, current_thread()->task->map, 0, 0, 0};
		mr = ipc_body_walk(h, body_ool_copyin_one, &oc);
		if (mr != MACH_MSG_SUCCESS) {
			oc.limit = oc.done;
			oc.done = 0;
			oc.undo = 1;
			ipc_body_walk(h, body_ool_copyin_one, &oc);
			return mr;
		}
	}

	struct ipc_port *dest, *reply = (struct ipc_port *)(uintptr_t)reply_name;
	mach_msg_type_name_t dest_type, reply_type = reply_disp ? ipc_object_result_type(reply_disp) : 0;
	ipc_right_copyin_checked(space, dest_name, dest_disp, &dest, &dest_type);
	/* The reply right was checked too, unless taking dest used it up. */
	if (MACH_PORT_VALID(reply_name) &&
	    (reply_name != dest_name || ipc_right_copyin_check(space, reply_name, reply_disp) == KERN_SUCCESS))
		ipc_right_copyin_checked(space, reply_name, reply_disp, &reply, &reply_type);
	else if (MACH_PORT_VALID(reply_name))
		reply = IP_NULL;
	h->msgh_remote_port = (mach_port_t)(uintptr_t)dest;
	h->msgh_local_port = (mach_port_t)(uintptr_t)reply;
	h->msgh_bits = (h->msgh_bits & ~MACH_MSGH_BITS_PORTS_MASK) | MACH_MSGH_BITS(dest_type, reply_type);
	if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		struct copyin_ctx c = {space, 0};
		ipc_body_walk(h, body_copyin_one, &c);
		if (c.failed) {
			ipc_kmsg_destroy(kmsg);
			*consumed = 1;
			return MACH_SEND_INVALID_RIGHT;
		}
	}
	return MACH_MSG_SUCCESS;
}

/* The queue a receiver of port waits on. */
static queue_head_t *port_receivers(struct ipc_port *port)
{
	return port->pset != NULL ? &port->pset->receivers : &port->receivers;
}

/*
 * Wake the first thread on a receivers queue that still waits; returns it
 * (for handoff).  One whose wait ended otherwise (a time-out, an abort,
 * termination) stays queued until it runs: it is taken off and passed
 * over, or the wake-up would be lost on it while the next receiver
 * sleeps (receive_wait_leave finds it off the queue).
 */
static struct thread *receivers_wake_one(queue_head_t *q)
{
	while (!queue_empty(q)) {
		struct thread *th = queue_first_entry(q, struct thread, ipc_wait_link);
		queue_remove_entry(&th->ipc_wait_link);
		if (clear_wait(th, THREAD_AWAKENED)) /* (its look at the wait and the end are one) */
			return th;
	}
	return NULL;
}

/* Wake one thread waiting to receive from port; returns it (for handoff). */
static struct thread *port_wake_receiver(struct ipc_port *port)
{
	return receivers_wake_one(port_receivers(port));
}

static uint64_t ms_to_ticks(mach_msg_timeout_t ms)
{
	uint64_t t = ((uint64_t)ms * HZ + 999) / 1000;
	return t ? t : 1;
}

/* The receiver the last queued message woke, for mach_msg's handoff
 * (read right after the send; never kept across a blocking point). */
static struct thread *send_woke;

mach_msg_return_t ipc_kmsg_send(struct ipc_kmsg *kmsg, mach_msg_option_t option, mach_msg_timeout_t timeout)
{
	struct ipc_port *port = (struct ipc_port *)kmsg->hdr.msgh_remote_port;

	for (;;) {
		if (!port->active)
			return MACH_SEND_INVALID_DEST;
		if (port->receiver == ipc_space_kernel && port->kotype != IKOT_NONE) {
			struct ipc_kmsg *reply = ipc_kobject_server(kmsg);
			/* A reply that cannot be delivered (its port died) is destroyed. */
			if (reply != NULL && ipc_kmsg_send(reply, MACH_SEND_ALWAYS, 0) != MACH_MSG_SUCCESS)
				ipc_kmsg_destroy(reply);
			return MACH_MSG_SUCCESS;
		}
		if (port->msgcount < port->qlimit || (option & MACH_SEND_ALWAYS) ||
		    MACH_MSGH_BITS_REMOTE(kmsg->hdr.msgh_bits) == MACH_MSG_TYPE_PORT_SEND_ONCE)
			break;
		if ((option & MACH_SEND_TIMEOUT) && timeout == 0)
			return MACH_SEND_TIMED_OUT;
		port->blocked_senders++;
		int r = thread_sleep(&port->msgcount, 1, (option & MACH_SEND_TIMEOUT) ? ms_to_ticks(timeout) : 0);
		port->blocked_senders--;
		if (r == THREAD_TIMED_OUT)
			return MACH_SEND_TIMED_OUT;
		/* Interrupted (thread_abort, or the thread is ending): give up,
		 * as GNU Mach does; mach_msg retries unless MACH_SEND_INTERRUPT
		 * asks to see it.  Else thread_abort could not end a send
		 * blocked on a full queue, and a time-out on the receive half
		 * of an RPC does not cover the send. */
		if (r == THREAD_INTERRUPTED)
			return MACH_SEND_INTERRUPTED;
	}
	queue_enter_tail(&port->messages, &kmsg->link);
	port->msgcount++;
	if (port->pset != NULL)
		port->pset->msgcount++;
	send_woke = port_wake_receiver(port);
	return MACH_MSG_SUCCESS;
}

/* Undo a send that could not be queued: give the rights back to the
 * sender and the message back to its buffer, as GNU Mach does. */
static void ipc_kmsg_copyout_pseudo(struct ipc_space *space, struct ipc_kmsg *kmsg)
{
	mach_msg_header_t *h = &kmsg->hdr;
	mach_port_t dest, reply;

	ipc_right_copyout(space, (struct ipc_port *)h->msgh_remote_port, MACH_MSGH_BITS_REMOTE(h->msgh_bits), &dest);
	ipc_right_copyout(space, (struct ipc_port *)h->msgh_local_port, MACH_MSGH_BITS_LOCAL(h->msgh_bits), &reply);
	h->msgh_remote_port = dest;
	h->msgh_local_port = reply;
	if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		struct copyout_ctx c = {space, current_thread()->task->map, MACH_MSG_SUCCESS};
		ipc_body_walk(h, body_copyout_one, &c);
	}
}

/* The message's rights, renamed for the receiver; header rearranged so
 * that remote is the reply port and local the port received on. */
static mach_msg_return_t ipc_kmsg_copyout(struct ipc_space *space, struct ipc_kmsg *kmsg, mach_port_t rcv_name)
{
	mach_msg_header_t *h = &kmsg->hdr;
	mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(h->msgh_bits);
	struct ipc_port *dest = (struct ipc_port *)h->msgh_remote_port;
	mach_port_t reply_name;
	mach_msg_return_t mr = MACH_MSG_SUCCESS;

	/* The right that carried the message is used up by its delivery. */
	if (dest_type == MACH_MSG_TYPE_PORT_SEND) {
		ipc_port_release_send(dest);
	} else {
		dest->sorights--;
		ipc_port_release(dest);
	}
	if (ipc_right_copyout(space, (struct ipc_port *)h->msgh_local_port, reply_type, &reply_name) != KERN_SUCCESS)
		mr = MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE;
	h->msgh_remote_port = reply_name;
	if (dest->has_payload) { /* the receiver asked for its own word instead of the name */
		h->msgh_protected_payload = dest->payload;
		dest_type = MACH_MSG_TYPE_PROTECTED_PAYLOAD;
	} else {
		h->msgh_local_port = rcv_name;
	}
	h->msgh_bits = (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) | MACH_MSGH_BITS(reply_type, dest_type);
	if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		struct copyout_ctx c = {space, current_thread()->task->map, MACH_MSG_SUCCESS};
		ipc_body_walk(h, body_copyout_one, &c);
		if (mr == MACH_MSG_SUCCESS)
			mr = c.error;
	}
	return mr;
}

/* The first message on port, or on any port of pset. */
static struct ipc_kmsg *receive_first(struct ipc_port *port, struct ipc_pset *pset, struct ipc_port **from)
{
	if (pset == NULL) {
		*from = port;
		return queue_empty(&port->messages) ? NULL : queue_first_entry(&port->messages, struct ipc_kmsg, link);
	}
	struct ipc_port *p;
	queue_iterate(&pset->members, p, struct ipc_port, pset_link)
	{
		if (!queue_empty(&p->messages)) {
			*from = p;
			return queue_first_entry(&p->messages, struct ipc_kmsg, link);
		}
	}
	return NULL;
}

static void receive_dequeue(struct ipc_port *port, struct ipc_kmsg *kmsg)
{
	queue_remove_entry(&kmsg->link);
	port->msgcount--;
	if (port->pset != NULL)
		port->pset->msgcount--;
	kmsg->hdr.msgh_seqno = port->seqno++;
	if (kmsg->accept_notify != NULL) {
		ipc_notify_msg_accepted(kmsg->accept_notify, kmsg->accept_name);
		kmsg->accept_notify = NULL;
	}
	if (port->blocked_senders)
		thread_wakeup_one(&port->msgcount);
}

/* Waiting to receive: on the port's (or set's) receivers queue, with a
 * reference that keeps it while we sleep.  No event: a receiver is woken
 * through the queue it sits on.  From user space, a sender may complete
 * the receive itself (the fast path, ipc_fast_deliver): then this thread
 * never comes back to receive_wait_leave, and that sender releases the
 * reference taken here. */
static inline __attribute__((always_inline)) void receive_wait_enter(struct ipc_port *port, struct ipc_pset *pset, void *umsg, mach_msg_size_t rcv_size)
{
	struct thread *th = current_thread();

	if (pset) {
		pset->ref_count++;
		queue_enter_tail(&pset->receivers, &th->ipc_wait_link);
	} else {
		port->ref_count++; /* ipc_port_reference, inline */
		queue_enter_tail(&port->receivers, &th->ipc_wait_link);
	}
	th->ipc_rcv_msg = umsg;
	th->ipc_rcv_size = rcv_size;
	th->ipc_wait_ref = pset ? &pset->ref_count : &port->ref_count;
	th->ipc_wait_set = pset != NULL;
}

/* The wait ended (wait_result r): what it means for the receive. */
static mach_msg_return_t receive_wait_leave(struct ipc_port *port, struct ipc_pset *pset, int r)
{
	struct thread *th = current_thread();

	th->ipc_rcv_msg = NULL;
	if (queue_linked(&th->ipc_wait_link))
		queue_remove_entry(&th->ipc_wait_link);
	int died = pset ? !pset->active : !port->active;
	/* Put in a set while we waited on it (ipc_pset_add woke us). */
	int changed = !died && !pset && port->pset != NULL;
	if (pset)
		ipc_pset_release(pset);
	else
		ipc_port_release(port);
	if (died)
		return MACH_RCV_PORT_DIED;
	if (changed)
		return MACH_RCV_PORT_CHANGED;
	if (r == THREAD_TIMED_OUT)
		return MACH_RCV_TIMED_OUT;
	if (r == THREAD_INTERRUPTED)
		return MACH_RCV_INTERRUPTED;
	return MACH_MSG_SUCCESS;
}

/* The wait on port or pset ended (wait result r), the receive to be
 * tried again if MACH_MSG_SUCCESS.  Woken for a message, but suspended
 * or ending meanwhile: a message taken now could be lost with the
 * thread, so it stays queued, the wake-up passes on to another
 * receiver, and the caller retries the receive once resumed (as after
 * thread_abort). */
static mach_msg_return_t receive_woken(struct ipc_port *port, struct ipc_pset *pset, int r)
{
	mach_msg_return_t mr = receive_wait_leave(port, pset, r);

	if (mr == MACH_MSG_SUCCESS && thread_must_stop(current_thread())) {
		if (pset ? pset->msgcount != 0 : port->msgcount != 0)
			receivers_wake_one(pset ? &pset->receivers : &port->receivers);
		return MACH_RCV_INTERRUPTED;
	}
	return mr;
}

/* Sleep until a message may have come to port or pset (or the wait
 * ended otherwise).  Out of line: the message path does not pay for it. */
static mach_msg_return_t __attribute__((noinline)) receive_wait(struct ipc_port *port, struct ipc_pset *pset,
								 mach_msg_option_t option, mach_msg_timeout_t timeout,
								 void *umsg, mach_msg_size_t rcv_size)
{
	/* A kernel thread's buffer is no place for the fast path's delivery. */
	receive_wait_enter(port, pset, current_thread()->kernel_only ? NULL : umsg, rcv_size);
	int r = thread_sleep_receive((option & MACH_RCV_TIMEOUT) ? ms_to_ticks(timeout) : 0, NULL);
	return receive_woken(port, pset, r);
}

/* Wait for and take a message from the port or set named rcv_name. */
static mach_msg_return_t ipc_mqueue_receive(struct ipc_space *space, mach_port_t rcv_name, mach_msg_option_t option,
					    void *umsg, mach_msg_size_t rcv_size, mach_msg_timeout_t timeout,
					    struct ipc_kmsg **out, mach_msg_size_t *too_large_size)
{
	struct ipc_entry *e = ipc_entry_lookup(space, rcv_name);
	struct ipc_port *port = NULL, *from;
	struct ipc_pset *pset = NULL;

	if (e == NULL)
		return MACH_RCV_INVALID_NAME;
	if (IE_TYPE(e) & MACH_PORT_TYPE_RECEIVE)
		port = e->object;
	else if (IE_TYPE(e) & MACH_PORT_TYPE_PORT_SET)
		pset = e->object;
	else
		return MACH_RCV_INVALID_NAME;
	/* A member's messages are the set's: receive from the set (as Mach;
	 * waiting here would never be woken by a send). */
	if (port != NULL && port->pset != NULL)
		return MACH_RCV_IN_SET;

	for (;;) {
		if (pset ? !pset->active : (!port->active || port->receiver != space))
			return MACH_RCV_PORT_DIED;
		struct ipc_kmsg *kmsg = receive_first(port, pset, &from);
		if (kmsg != NULL) {
			if (kmsg->hdr.msgh_size > rcv_size) {
				*too_large_size = kmsg->hdr.msgh_size;
				if (option & MACH_RCV_LARGE)
					return MACH_RCV_TOO_LARGE;
				receive_dequeue(from, kmsg);
				*out = kmsg;
				return MACH_RCV_TOO_LARGE;
			}
			receive_dequeue(from, kmsg);
			*out = kmsg;
			return MACH_MSG_SUCCESS;
		}
		if ((option & MACH_RCV_TIMEOUT) && timeout == 0)
			return MACH_RCV_TIMED_OUT;

		mach_msg_return_t mr = receive_wait(port, pset, option, timeout, umsg, rcv_size);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
	}
}

mach_msg_return_t ipc_port_receive_kernel(struct ipc_port *port, struct ipc_kmsg **out)
{
	struct thread *th = current_thread();

	while (queue_empty(&port->messages)) {
		if (!port->active)
			return MACH_RCV_PORT_DIED;
		queue_enter_tail(&port->receivers, &th->ipc_wait_link);
		int r = thread_sleep(NULL, 1, 0);
		if (queue_linked(&th->ipc_wait_link))
			queue_remove_entry(&th->ipc_wait_link);
		if (r == THREAD_INTERRUPTED)
			return MACH_RCV_INTERRUPTED;
	}
	struct ipc_kmsg *kmsg = queue_first_entry(&port->messages, struct ipc_kmsg, link);
	receive_dequeue(port, kmsg);
	*out = kmsg;
	return MACH_MSG_SUCCESS;
}

static struct ipc_space *current_space(void)
{
	return current_thread()->task->itk_space;
}

/* MACH_SEND_NOTIFY: the destination's queue is full, so queue the message
 * anyway and ask for a msg-accepted notification on a send-once right
 * made from `notify` (checked before the message was taken). */
static int send_notify_instead(struct ipc_space *space, struct ipc_kmsg *kmsg, mach_port_t dest_name,
			       mach_port_t notify)
{
	struct ipc_port *port = (struct ipc_port *)kmsg->hdr.msgh_remote_port;
	mach_msg_type_name_t type;

	if (!port->active || (port->receiver == ipc_space_kernel && port->kotype != IKOT_NONE) ||
	    port->msgcount < port->qlimit ||
	    MACH_MSGH_BITS_REMOTE(kmsg->hdr.msgh_bits) == MACH_MSG_TYPE_PORT_SEND_ONCE)
		return 0;
	ipc_right_copyin_checked(space, notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &kmsg->accept_notify, &type);
	kmsg->accept_name = dest_name;
	return 1;
}

static mach_msg_return_t mach_msg_send(mach_msg_header_t *umsg, mach_msg_option_t option, mach_msg_size_t send_size,
				       mach_msg_timeout_t timeout, mach_port_t notify)
{
	struct ipc_space *space = current_space();
	struct ipc_kmsg *kmsg;
	mach_msg_return_t mr;

	if (send_size < sizeof(mach_msg_header_t) || (send_size & 3))
		return MACH_SEND_MSG_TOO_SMALL;
	if (send_size > IPC_KMSG_MAX_SIZE)
		return MACH_SEND_NO_BUFFER;
	kmsg = ipc_kmsg_alloc(send_size);
	if (kmsg == NULL)
		return MACH_SEND_NO_BUFFER;
	if (copyin(umsg, &kmsg->hdr, send_size) != 0) {
		ipc_kmsg_free(kmsg);
		return MACH_SEND_INVALID_DATA;
	}
	kmsg->hdr.msgh_size = send_size;
	if ((option & MACH_SEND_NOTIFY) &&
	    ipc_right_copyin_check(space, notify, MACH_MSG_TYPE_MAKE_SEND_ONCE) != KERN_SUCCESS) {
		ipc_kmsg_free(kmsg);
		return MACH_SEND_INVALID_NOTIFY;
	}
	mach_port_t dest_name = kmsg->hdr.msgh_remote_port;
	int consumed = 0;
	mr = ipc_kmsg_copyin(space, kmsg, &consumed);
	if (mr != MACH_MSG_SUCCESS) {
		if (!consumed)
			ipc_kmsg_free(kmsg);
		return mr;
	}
	if ((option & MACH_SEND_NOTIFY) && send_notify_instead(space, kmsg, dest_name, notify)) {
		ipc_kmsg_send(kmsg, MACH_SEND_ALWAYS, 0);
		return MACH_SEND_WILL_NOTIFY;
	}
	send_woke = NULL;
	mr = ipc_kmsg_send(kmsg, option & ~MACH_SEND_ALWAYS, timeout);
	if (mr == MACH_MSG_SUCCESS && (option & MACH_RCV_MSG))
		current_thread()->handoff = send_woke;
	if (mr != MACH_MSG_SUCCESS) {
		ipc_kmsg_copyout_pseudo(space, kmsg);
		copyout(&kmsg->hdr, umsg, kmsg->hdr.msgh_size);
		ipc_kmsg_free(kmsg);
	}
	return mr;
}

static mach_msg_return_t mach_msg_receive(mach_msg_header_t *umsg, mach_msg_option_t option, mach_msg_size_t rcv_size,
					  mach_port_t rcv_name, mach_msg_timeout_t timeout)
{
	struct ipc_space *space = current_space();
	struct ipc_kmsg *kmsg = NULL;
	mach_msg_size_t needed = 0;
	mach_msg_return_t mr;

	mr = ipc_mqueue_receive(space, rcv_name, option, umsg, rcv_size, timeout, &kmsg, &needed);
	if (mr == MACH_RCV_TOO_LARGE) {
		if (kmsg == NULL) { /* MACH_RCV_LARGE: still queued; say how big */
			if (copyout(&needed, &umsg->msgh_size, sizeof(needed)) != 0)
				return MACH_RCV_INVALID_DATA;
			return mr;
		}
		/* Too large and not kept: the receiver gets the header alone. */
		mach_msg_header_t h = kmsg->hdr;
		mach_port_t local = ((struct ipc_port *)h.msgh_remote_port)->receiver_name;
		ipc_kmsg_destroy(kmsg);
		h.msgh_remote_port = MACH_PORT_NULL;
		h.msgh_local_port = local;
		h.msgh_bits = 0;
		if (copyout(&h, umsg, sizeof(h)) != 0)
			return MACH_RCV_INVALID_DATA;
		return mr;
	}
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	struct ipc_port *dest = (struct ipc_port *)kmsg->hdr.msgh_remote_port;
	mr = ipc_kmsg_copyout(space, kmsg, dest->receiver_name);
	if (copyout(&kmsg->hdr, umsg, kmsg->hdr.msgh_size) != 0)
		mr = MACH_RCV_INVALID_DATA;
	ipc_kmsg_free(kmsg);
	return mr;
}

/* ---- The fast path --------------------------------------------------------
 *
 * mach_msg(SEND|RCV) of a simple message (no body rights, no out-of-line
 * data) whose header rights are plain (COPY_SEND, MAKE_SEND,
 * MAKE_SEND_ONCE or MOVE_SEND_ONCE for the destination; none or
 * MAKE_SEND_ONCE for the reply), sent to:
 *  - a kernel object: the MIG server runs on the request, and a reply
 *    for the port the caller receives on next is copied straight to its
 *    buffer instead of being queued (ipc_fast_kernel);
 *  - a port a thread is blocked receiving on (on the port or its set),
 *    from user space, with a buffer large enough: the message goes straight from the sender's
 *    buffer into the receiver's (one copy, through the kernel's direct
 *    map of the receiver's pages), the receive is completed on the
 *    receiver's behalf, and the receiver returns to user mode without
 *    unwinding its kernel stack; the sender, blocking for the reply,
 *    switches straight to it (ipc_fast_deliver);
 *  - the port the caller receives on, its queue empty: the body is
 *    already where it is to be received (one buffer serves both), only
 *    the header changes (ipc_fast_self).
 * Every condition is checked before anything changes.  When one does not
 * hold (complex message, other dispositions, no receiver waiting,
 * messages queued, a receiver buffer too small or
 * not mapped writable, MACH_SEND_NOTIFY, a protected payload, a dead
 * port...) the fast path declines and the general path runs the whole
 * call, as if the fast path did not exist.
 *
 * Nothing may wait between the checks and the delivery, so nothing may
 * fault after the checks.  Reading the header is the one step that may
 * fault (and wait for a pager), so it comes first; it leaves the
 * header's page present, a second page the message reaches into is
 * checked in the page tables (pmap_user_kva), and the message is then
 * read in place.  The receiver's buffer is written through the kernel's
 * direct map of its pages, found the same way.
 *
 * The trap enters in assembly (i386/ipc_fast.S: ipc_fast_mach_msg, the
 * trap table's mach_msg): it reads and checks the header into a struct
 * ipc_fast, does the common case of an RPC between two tasks itself,
 * and hands any other case the fast path takes to ipc_fast_rpc below;
 * what neither takes goes to mach_msg_trap, the general path.
 */
#define IPC_FAST_DECLINED ((mach_msg_return_t)~0u) /* not a mach_msg_return_t */
/* Larger messages take the general path; this much spans at most two pages. */
#define IPC_FAST_MAX_SIZE PAGE_SIZE
#define IPC_FAST_OPTIONS                                                                                  \
	(MACH_SEND_MSG | MACH_RCV_MSG | MACH_SEND_TIMEOUT | MACH_RCV_TIMEOUT | MACH_SEND_INTERRUPT | \
	 MACH_RCV_INTERRUPT | MACH_RCV_LARGE)

/* The sender's message as the fast path sees it. */
struct ipc_fast {
	mach_msg_header_t h;		/* the header as written */
	struct ipc_space *space;	/* the sender's */
	struct ipc_port *dest, *reply;	/* reply: NULL if none */
	struct ipc_entry *dest_entry;
	mach_msg_type_name_t dest_disp;
	char *umsg;			/* the sender's buffer */
};

/* The layouts i386/ipc_fast.S assumes (i386/asm_offsets.h). */
_Static_assert(sizeof(struct ipc_fast) == F_STRUCT_SIZE && offsetof(struct ipc_fast, h.msgh_bits) == F_BITS && offsetof(struct ipc_fast, h.msgh_size) == F_SIZE &&
		       offsetof(struct ipc_fast, h.msgh_remote_port) == F_REMOTE &&
		       offsetof(struct ipc_fast, h.msgh_local_port) == F_LOCAL &&
		       offsetof(struct ipc_fast, h.msgh_id) == F_ID && offsetof(struct ipc_fast, space) == F_SPACE &&
		       offsetof(struct ipc_fast, dest) == F_DEST && offsetof(struct ipc_fast, reply) == F_REPLY &&
		       offsetof(struct ipc_fast, dest_entry) == F_DEST_ENTRY &&
		       offsetof(struct ipc_fast, dest_disp) == F_DEST_DISP && offsetof(struct ipc_fast, umsg) == F_UMSG,
	       "struct ipc_fast");
_Static_assert(offsetof(mach_msg_header_t, msgh_bits) == MSGH_BITS && offsetof(mach_msg_header_t, msgh_size) == MSGH_SIZE &&
		       offsetof(mach_msg_header_t, msgh_remote_port) == MSGH_REMOTE &&
		       offsetof(mach_msg_header_t, msgh_local_port) == MSGH_LOCAL &&
		       offsetof(mach_msg_header_t, msgh_seqno) == MSGH_SEQNO &&
		       offsetof(mach_msg_header_t, msgh_id) == MSGH_ID && sizeof(mach_msg_header_t) == MSGH_HEADER_SIZE,
	       "mach_msg_header_t");
_Static_assert(offsetof(struct thread, pcb.user_state) == TH_USER_STATE &&
		       offsetof(struct thread, pcb.tls) == TH_TLS && sizeof(((struct thread *)0)->pcb.tls) == 24 &&
		       offsetof(struct thread, pcb.tls_used) == TH_TLS_USED && offsetof(struct thread, state) == TH_STATE &&
		       offsetof(struct thread, quantum) == TH_QUANTUM &&
		       offsetof(struct thread, wait_result) == TH_WAIT_RESULT &&
		       offsetof(struct thread, wait_event) == TH_WAIT_EVENT &&
		       offsetof(struct thread, wait_timer.link) == TH_WAIT_TIMER &&
		       offsetof(struct thread, recover) == TH_RECOVER &&
		       offsetof(struct thread, kernel_only) == TH_KERNEL_ONLY &&
		       offsetof(struct thread, kernel_stack) == TH_KERNEL_STACK &&
		       offsetof(struct thread, ipc_wait_link) == TH_IPC_WAIT_LINK &&
		       offsetof(struct thread, ipc_rcv_msg) == TH_IPC_RCV_MSG &&
		       offsetof(struct thread, ipc_rcv_size) == TH_IPC_RCV_SIZE &&
		       offsetof(struct thread, ipc_wait_ref) == TH_IPC_WAIT_REF &&
		       offsetof(struct thread, ipc_wait_set) == TH_IPC_WAIT_SET &&
		       (TH_WAIT | TH_INTERRUPTIBLE) == TH_WAIT_BITS && TH_WAIT == TH_WAIT_BIT &&
		       KERNEL_STACK_SIZE == KSTACK_SIZE && sizeof(struct i386_saved_state) == SS_SIZE,
	       "struct thread");
_Static_assert(offsetof(struct task, pmap) == TASK_PMAP && offsetof(struct task, itk_space) == TASK_ITK_SPACE &&
		       offsetof(struct pmap, pgdir) == PMAP_PGDIR && offsetof(struct pmap, pgdir_pa) == PMAP_PGDIR_PA &&
		       offsetof(struct i386_tss, esp0) == TSS_ESP0 && GDT_TLS_MIN * sizeof(struct seg_desc) == GDT_TLS_OFFSET,
	       "struct task, struct pmap");
_Static_assert(offsetof(struct ipc_space, table) == IS_TABLE && offsetof(struct ipc_space, size) == IS_SIZE &&
		       offsetof(struct ipc_space, free_head) == IS_FREE_HEAD && offsetof(struct ipc_space, used) == IS_USED &&
		       offsetof(struct ipc_space, mask) == IS_MASK && offsetof(struct ipc_entry, name) == IE_NAME &&
		       IPC_NAME_GEN_ONE == NAME_GEN_ONE && IPC_NAME_MASK == NAME_MASK &&
		       IPC_NAME_INDEX_MASK == NAME_INDEX_MASK &&
		       offsetof(struct ipc_entry, object) == IE_OBJECT && offsetof(struct ipc_entry, bits) == IE_BITS &&
		       offsetof(struct ipc_entry, next_free) == IE_NEXT_FREE &&
		       offsetof(struct ipc_entry, dnnotify) == IE_DNNOTIFY && sizeof(struct ipc_entry) == IE_SIZE &&
		       IE_SIZE == 1 << IE_SIZE_SHIFT,
	       "struct ipc_space");
_Static_assert(offsetof(struct ipc_port, ref_count) == IP_REF_COUNT && offsetof(struct ipc_port, active) == IP_ACTIVE &&
		       offsetof(struct ipc_port, receiver) == IP_RECEIVER &&
		       offsetof(struct ipc_port, receiver_name) == IP_RECEIVER_NAME &&
		       offsetof(struct ipc_port, msgcount) == IP_MSGCOUNT && offsetof(struct ipc_port, qlimit) == IP_QLIMIT &&
		       offsetof(struct ipc_port, seqno) == IP_SEQNO && offsetof(struct ipc_port, receivers) == IP_RECEIVERS &&
		       offsetof(struct ipc_port, blocked_senders) == IP_BLOCKED_SENDERS &&
		       offsetof(struct ipc_port, sorights) == IP_SORIGHTS && offsetof(struct ipc_port, pset) == IP_PSET &&
		       offsetof(struct ipc_port, has_payload) == IP_HAS_PAYLOAD &&
		       offsetof(struct ipc_pset, ref_count) == IP_REF_COUNT &&
		       offsetof(struct ipc_pset, receivers) == PS_RECEIVERS &&
		       offsetof(struct ipc_pset, msgcount) == PS_MSGCOUNT,
	       "struct ipc_port, struct ipc_pset");
_Static_assert((MACH_SEND_MSG | MACH_RCV_MSG) == MSG_SEND_RCV && IPC_FAST_OPTIONS == MSG_FAST_OPTIONS &&
		       MACH_MSGH_BITS_PORTS_MASK == MSGH_BITS_PORTS_MASK &&
		       MACH_MSG_TYPE_MAKE_SEND_ONCE == MSG_TYPE_MAKE_SEND_ONCE && MACH_MSG_TYPE_MAKE_SEND == 20 &&
		       MACH_PORT_TYPE_SEND == PORT_TYPE_SEND && MACH_PORT_TYPE_SEND_ONCE == PORT_TYPE_SEND_ONCE &&
		       MACH_RCV_TIMEOUT == MSG_RCV_TIMEOUT && MACH_MSG_TYPE_MOVE_SEND_ONCE == MSG_TYPE_MOVE_SEND_ONCE &&
		       MACH_MSG_TYPE_COPY_SEND == MSG_TYPE_COPY_SEND &&
		       MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND) == MSGH_BITS_TO_SERVER &&
		       MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE) == MSGH_BITS_TO_CLIENT &&
		       MACH_PORT_TYPE_RECEIVE == PORT_TYPE_RECEIVE && MACH_PORT_TYPE_PORT_SET == PORT_TYPE_PORT_SET &&
		       (MACH_PORT_TYPE_SEND_ONCE | 1) == PORT_TYPE_SEND_ONCE_1 &&
		       (PTE_P | PTE_U | PTE_W) == PTE_PUW && (PTE_A | PTE_D) == PTE_AD && PTE_FRAME == PTE_FRAME_MASK &&
		       CR0_TS == CR0_TS_BIT && IPC_FAST_DECLINED == (mach_msg_return_t)-1,
	       "ipc_fast.S's constants");

/* mach_msg's arguments, as the trap copied them onto the kernel stack. */
struct mach_msg_trap_args {
	mach_msg_header_t *msg;
	mach_msg_option_t option;
	mach_msg_size_t send_size, rcv_size;
	mach_port_t rcv_name;
	mach_msg_timeout_t timeout;
	mach_port_t notify;
};

/* Called by i386/ipc_fast.S (see there). */
mach_msg_return_t ipc_fast_rpc(struct ipc_fast *f, const struct mach_msg_trap_args *a);
mach_msg_return_t __attribute__((regparm(2))) ipc_fast_kobject_rpc(struct ipc_fast *f,
								   const struct mach_msg_trap_args *a);
mach_msg_return_t __attribute__((regparm(2))) ipc_fast_self_rpc(struct ipc_fast *f,
								const struct mach_msg_trap_args *a);
mach_msg_return_t ipc_fast_woken(int wr, const struct mach_msg_trap_args *a);
int ipc_fast_second_page(const struct ipc_fast *f);

void ipc_fast_assumption_failed(struct thread *from, struct thread *to)
{
	extern uintptr_t cpu_recover;

	if (cpu_recover != 0)
		panic("ipc fast path: switching with a copy in progress (cpu_recover %#lx)", (unsigned long)cpu_recover);
	if (sched_dead_thread != NULL)
		panic("ipc fast path: switching with thread %p left to reap", (void *)sched_dead_thread);
	if (to->wait_event != NULL)
		panic("ipc fast path: receiver %p blocked in mach_msg waits on event %p", (void *)to,
		      (void *)to->wait_event);
	panic("ipc fast path: kernel thread %p in a Mach trap", (void *)from);
}

/* Whether the sender's message reaches into a second page. */
static inline int fast_two_pages(const struct ipc_fast *f)
{
	return ((uintptr_t)f->umsg & PAGE_MASK) + f->h.msgh_size > PAGE_SIZE;
}

/* Whether the page after the one umsg starts in, which the message
 * reaches into, is mapped (writable if asked) in the caller's map. */
static int fast_second_page(const struct ipc_fast *f, int write)
{
	uintptr_t next = ((uintptr_t)f->umsg | PAGE_MASK) + 1;
	return pmap_user_kva(current_thread()->task->pmap, next, write) != NULL;
}

/* The same for reading, out of line (i386/ipc_fast.S). */
int ipc_fast_second_page(const struct ipc_fast *f)
{
	return fast_second_page(f, 0);
}

/* Copy n bytes (a multiple of 4) where no fault can happen: between
 * kernel addresses, or from the caller's message, whose pages
 * fast_check found present.  Inline: a call and copy_user's fault
 * recovery cost more than a short message's words. */
static inline __attribute__((always_inline)) void fast_copy(void *dst, const void *src, size_t n)
{
	size_t words = n / 4;

	__asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
}

/* Copy len bytes of the sender's message from offset off to dst, a
 * kernel address. */
static inline __attribute__((always_inline)) void fast_read(const struct ipc_fast *f, void *dst, size_t off,
							      size_t len)
{
	fast_copy(dst, f->umsg + off, len);
}

/* Whether the port would queue a message sent now at once (room in the
 * queue, nobody waiting for room) on an empty queue. */
static int fast_port_queue_idle(const struct ipc_port *port, mach_msg_type_name_t dest_disp)
{
	return port->msgcount == 0 && port->blocked_senders == 0 &&
	       (port->qlimit > 0 || dest_disp == MACH_MSG_TYPE_MAKE_SEND_ONCE ||
		dest_disp == MACH_MSG_TYPE_MOVE_SEND_ONCE);
}

/* The same, for a port outside any set. */
static int fast_port_idle(const struct ipc_port *port, mach_msg_type_name_t dest_disp)
{
	return port->pset == NULL && fast_port_queue_idle(port, dest_disp);
}

/*
 * A message delivered in the same step as it is sent: its destination
 * right is taken and used up at once, so only what outlives the trip is
 * done (a COPY_SEND or MAKE_SEND_ONCE right leaves no trace, a MAKE_SEND
 * counts in mscount, a MOVE_SEND_ONCE name goes).  fast_direct_ok
 * declines the trips on which a notification would have been sent (the
 * last send right made and used up with a no-senders request; a moved
 * name with a dead-name request).
 */
static int fast_direct_ok(const struct ipc_fast *f)
{
	switch (f->dest_disp) {
	case MACH_MSG_TYPE_MAKE_SEND:
		return f->dest->srights != 0 || f->dest->nsrequest == NULL;
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
		return f->dest_entry->dnnotify == NULL;
	default:
		return 1;
	}
}

static inline __attribute__((always_inline)) mach_msg_type_name_t fast_direct_dest(struct ipc_fast *f)
{
	struct ipc_port *dest = f->dest;

	switch (f->dest_disp) {
	case MACH_MSG_TYPE_MAKE_SEND:
		dest->mscount++;
		/* fall through */
	case MACH_MSG_TYPE_COPY_SEND:
		return MACH_MSG_TYPE_PORT_SEND;
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
		ipc_entry_free(f->space, f->h.msgh_remote_port, f->dest_entry); /* no request: fast_direct_ok */
		dest->sorights--;
		dest->ref_count--; /* the name's; the receive right keeps one */
		/* fall through */
	default:
		return MACH_MSG_TYPE_PORT_SEND_ONCE;
	}
}

/* The reply port's send-once right, made in the sender's space and given
 * a name in the receiver's (never a merge: send-once rights each have
 * their own).  The caller checked that space has a free entry. */
static inline __attribute__((always_inline)) mach_port_t fast_direct_reply(struct ipc_port *reply,
								       struct ipc_space *space)
{
	mach_port_t name;
	struct ipc_entry *e = ipc_entry_alloc(space, &name);

	reply->sorights++;
	reply->ref_count++; /* the entry's */
	e->object = reply;
	e->bits = MACH_PORT_TYPE_SEND_ONCE | 1;
	return name;
}

/* The header the receiver gets, written to h (possibly its buffer):
 * the receive completed, sequence number taken. */
static inline __attribute__((always_inline)) void fast_direct_header(struct ipc_fast *f, struct ipc_space *space,
								      mach_port_t local, mach_msg_header_t *h)
{
	mach_msg_type_name_t dest_type = fast_direct_dest(f);
	mach_msg_size_t size = f->h.msgh_size;
	mach_msg_id_t id = f->h.msgh_id;

	if (f->reply != NULL) {
		h->msgh_remote_port = fast_direct_reply(f->reply, space);
		h->msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, dest_type);
	} else {
		h->msgh_remote_port = MACH_PORT_NULL;
		h->msgh_bits = MACH_MSGH_BITS(0, dest_type);
	}
	h->msgh_size = size;
	h->msgh_local_port = local;
	h->msgh_seqno = f->dest->seqno++;
	h->msgh_id = id;
}

/* To the port the caller receives on: only the header changes.  The
 * general path would copy the whole message out again, so a second page
 * must be writable; the first is when the header's copy out succeeds
 * (as in the general path, a failure there loses the message). */
static mach_msg_return_t ipc_fast_self(struct ipc_fast *f, mach_msg_size_t rcv_size, mach_port_t rcv_name)
{
	mach_msg_header_t h;

	if (!fast_port_idle(f->dest, f->dest_disp) || f->h.msgh_size > rcv_size || !fast_direct_ok(f) ||
	    (f->reply != NULL && f->space->free_head == 0) || (fast_two_pages(f) && !fast_second_page(f, 1)))
		return IPC_FAST_DECLINED;
	fast_direct_header(f, f->space, rcv_name, &h);
	if (copyout(&h, f->umsg, sizeof(h)) != 0)
		return MACH_RCV_INVALID_DATA;
	return MACH_MSG_SUCCESS;
}

/* The thread blocked receiving on the destination (or on its set), if
 * the message can go straight into its buffer (whose kernel addresses go
 * in *w).  Interrupts off: nothing may wake it meanwhile. */
static struct thread *fast_waiting_receiver(struct ipc_fast *f, struct ipc_window *w)
{
	if (!fast_port_queue_idle(f->dest, f->dest_disp) || !fast_direct_ok(f))
		return NULL;
	return ipc_receiver_waiting(f->dest, f->h.msgh_size, f->reply != NULL, w);
}

void ipc_window_write(const struct ipc_window *w, const void *msg, size_t size)
{
	memcpy(w->kva[0], msg, w->first);
	if (size > w->first)
		memcpy(w->kva[1], (const char *)msg + w->first, size - w->first);
}

/* Into the buffer of the thread blocked receiving on the destination:
 * its mach_msg is completed here, its result put in its user frame,
 * and its next switch in returns to user mode (its wait is the
 * caller's to end). */
static void ipc_fast_deliver(struct ipc_fast *f, struct thread *r, const struct ipc_window *w)
{
	struct ipc_port *port = f->dest;
	size_t hsize = sizeof(mach_msg_header_t), size = f->h.msgh_size;
	mach_msg_header_t local;

	if (size == w->first) { /* in one page */
		fast_direct_header(f, r->task->itk_space, port->receiver_name, (mach_msg_header_t *)w->kva[0]);
		fast_read(f, w->kva[0] + hsize, hsize, size - hsize);
	} else if (w->first < hsize) { /* the header itself straddles the pages */
		fast_direct_header(f, r->task->itk_space, port->receiver_name, &local);
		memcpy(w->kva[0], &local, w->first);
		memcpy(w->kva[1], (char *)&local + w->first, hsize - w->first);
		fast_read(f, w->kva[1] + (hsize - w->first), hsize, size - hsize);
	} else { /* the split may fall inside a word: a buffer need not be aligned */
		fast_direct_header(f, r->task->itk_space, port->receiver_name, (mach_msg_header_t *)w->kva[0]);
		memcpy(w->kva[0] + hsize, f->umsg + hsize, w->first - hsize);
		memcpy(w->kva[1], f->umsg + w->first, size - w->first);
	}
	ipc_receive_complete(r);
}

/* Requests to kernel objects up to this size, to routines whose replies
 * are at most the second, are served from the kernel stack; others take
 * the general path. */
#define IPC_FAST_KERNEL_REQUEST_MAX 256
#define IPC_FAST_KERNEL_REPLY_MAX 256

/* To a kernel object through a send right (COPY_SEND: used up by the
 * routine at once, so no count changes), the reply expected on rcv_name:
 * the routine runs on the request, read onto the kernel stack, and makes
 * its reply there; that reply, if simple and nothing is queued before it,
 * is copied straight out.  Otherwise the reply is queued as usual and the
 * general receive takes it (*receive set). */
static inline __attribute__((always_inline)) mach_msg_return_t ipc_fast_kernel(struct ipc_fast *f, mach_msg_size_t rcv_size, mach_port_t rcv_name,
					 int *receive)
{
	struct ipc_port *rp = f->reply;
	union {
		mach_msg_header_t h;
		char bytes[IPC_FAST_KERNEL_REQUEST_MAX];
	} req;
	union {
		mig_reply_header_t r;
		char bytes[IPC_FAST_KERNEL_REPLY_MAX];
	} rep;
	unsigned index;
	const struct ipc_kobject_subsystem *s;

	*receive = 0;
	if (rp == NULL || f->h.msgh_local_port != rcv_name || f->dest_disp != MACH_MSG_TYPE_COPY_SEND ||
	    f->h.msgh_size > sizeof(req) || (s = ipc_kobject_find(f->h.msgh_id, &index)) == NULL ||
	    s->reply_sizes[index] > sizeof(rep))
		return IPC_FAST_DECLINED;
	fast_read(f, req.bytes + sizeof(req.h), sizeof(req.h), f->h.msgh_size - sizeof(req.h));
	req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND);
	req.h.msgh_size = f->h.msgh_size;
	req.h.msgh_remote_port = (mach_port_t)(uintptr_t)rp;
	req.h.msgh_local_port = (mach_port_t)(uintptr_t)f->dest;
	req.h.msgh_seqno = 0;
	req.h.msgh_id = f->h.msgh_id;
	rp->sorights++; /* the reply right, made */
	rp->ref_count++;

	ipc_kobject_run(s, index, &req.h, &rep.r);
	mach_msg_header_t *h = &rep.r.Head;
	int simple = !(h->msgh_bits & MACH_MSGH_BITS_COMPLEX);
	if (simple && rep.r.RetCode == MIG_NO_REPLY) { /* the routine kept the reply right */
		*receive = 1;
		return MACH_MSG_SUCCESS;
	}
	/* The routine may have blocked, or changed the reply port (renamed
	 * it, moved its receive right, put it in a set...): look at it
	 * afresh.  Still received on under rcv_name in the caller's space (a
	 * dead port has no receiver), no payload, outside any set, nothing
	 * queued nor waiting for room: the last four tested as one.  The
	 * reply, often longer than the request, must fit below the kernel. */
	if (simple && h->msgh_size <= rcv_size && (uintptr_t)f->umsg <= KERNBASE - h->msgh_size &&
	    rp->receiver == f->space && rp->receiver_name == rcv_name &&
	    ((unsigned)rp->has_payload | (uintptr_t)rp->pset | rp->msgcount | rp->blocked_senders) == 0) {
		h->msgh_seqno = rp->seqno++;
		rp->sorights--; /* the reply's send-once right, used up; its */
		rp->ref_count--; /* reference is never the last (our entry's) */
		h->msgh_bits = MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE);
		h->msgh_remote_port = MACH_PORT_NULL;
		h->msgh_local_port = rcv_name;
		h->msgh_id = f->h.msgh_id + 100;
		/* MIG's reply sizes are whole words. */
		return copy_user_words(f->umsg, h, h->msgh_size / 4) ? MACH_MSG_SUCCESS : MACH_RCV_INVALID_DATA;
	}
	struct ipc_kmsg *reply = ipc_kobject_reply_kmsg(&rep.r, rp, f->h.msgh_id);
	/* A reply that cannot be delivered (its port died) is destroyed. */
	if (reply != NULL && ipc_kmsg_send(reply, MACH_SEND_ALWAYS, 0) != MACH_MSG_SUCCESS)
		ipc_kmsg_destroy(reply);
	*receive = 1;
	return MACH_MSG_SUCCESS;
}

static mach_msg_return_t mach_msg_receive(mach_msg_header_t *umsg, mach_msg_option_t option, mach_msg_size_t rcv_size,
					  mach_port_t rcv_name, mach_msg_timeout_t timeout);

/* Whether a receive on rcv_name in space blocks at once (a plain port,
 * or a port set as a server's loop receives on, with nothing queued; a
 * receive that may wait; the caller not ending), and on what (*rp or
 * *rs).  known: the port rcv_name names, if already looked up. */
static inline __attribute__((always_inline)) int receive_blocks(struct ipc_space *space, mach_port_t rcv_name, struct ipc_port *known,
			  mach_msg_option_t option, mach_msg_timeout_t timeout, struct ipc_port **rp,
			  struct ipc_pset **rs)
{
	struct ipc_port *p = known;

	*rs = NULL;
	if (p == NULL) {
		struct ipc_entry *e = ipc_entry_lookup(space, rcv_name);
		if (e != NULL && (e->bits & MACH_PORT_TYPE_RECEIVE)) {
			p = e->object;
		} else if (e != NULL && (e->bits & MACH_PORT_TYPE_PORT_SET)) {
			/* A set's entry names a live set. */
			*rs = e->object;
			*rp = NULL;
			return (*rs)->msgcount == 0 && !current_thread()->terminating &&
			       !((option & MACH_RCV_TIMEOUT) && timeout == 0);
		}
	}
	/* A receive right's entry names a live port: no need to ask. */
	*rp = p;
	return !(p == NULL || p->msgcount != 0 || p->pset != NULL || current_thread()->terminating ||
		 ((option & MACH_RCV_TIMEOUT) && timeout == 0));
}

/* Where the sender of a direct delivery waits for its reply, if it can
 * block there at once (receive_blocks; an RPC's reply port is already
 * looked up): then the receiver handed the message runs straight after
 * the delivery and returns to user mode with it.  Otherwise (0) the fast
 * path declines: a receiver handed a message but left on the run queue
 * could be suspended or terminated before it returns, and the message,
 * taken off no queue, would be lost with it. */
static int fast_reply_wait(const struct ipc_fast *f, mach_msg_option_t option, mach_msg_timeout_t timeout,
			   mach_port_t rcv_name, struct ipc_port **rp, struct ipc_pset **rs)
{
	return receive_blocks(f->space, rcv_name, rcv_name == f->h.msgh_local_port ? f->reply : NULL, option,
			      timeout, rp, rs);
}

/* After a direct delivery to r (interrupts off): block on the reply port
 * rp or set rs (with the receive's time-out) and switch straight to r (no
 * run queue); a direct reply then resumes us in user mode and nothing
 * below runs.  Once woken the ordinary way, the general receive does the
 * rest. */
static mach_msg_return_t fast_woken(struct ipc_port *rp, struct ipc_pset *rs, mach_msg_header_t *umsg,
				    mach_msg_option_t option, mach_msg_size_t rcv_size, mach_port_t rcv_name,
				    mach_msg_timeout_t timeout, int wr);

static mach_msg_return_t fast_wait_reply(struct ipc_port *rp, struct ipc_pset *rs, mach_msg_header_t *umsg,
					 mach_msg_option_t option, mach_msg_size_t rcv_size, mach_port_t rcv_name,
					 mach_msg_timeout_t timeout, struct thread *r)
{
	receive_wait_enter(rp, rs, umsg, rcv_size);
	int wr = thread_block_ipc(r, (option & MACH_RCV_TIMEOUT) ? ms_to_ticks(timeout) : 0);
	return fast_woken(rp, rs, umsg, option, rcv_size, rcv_name, timeout, wr);
}

/* Woken the ordinary way (wait result wr, interrupts off) while waiting
 * on rp or rs for the reply: the general receive does the rest. */
static mach_msg_return_t fast_woken(struct ipc_port *rp, struct ipc_pset *rs, mach_msg_header_t *umsg,
				    mach_msg_option_t option, mach_msg_size_t rcv_size, mach_port_t rcv_name,
				    mach_msg_timeout_t timeout, int wr)
{
	cpu_intr_enable();
	mach_msg_return_t mr = receive_woken(rp, rs, wr);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	return mach_msg_receive(umsg, option, rcv_size, rcv_name, timeout);
}

/*
 * The receive of a mach_msg whose send leaves the waiters on `wake` to
 * wake (data_supply's fast path: the fault its page completes): when it
 * blocks at once (receive_blocks), the caller waits there, without the
 * general receive's layers, and the first thread woken runs straight
 * away, taken off no run queue (thread_sleep_receive); woken the
 * ordinary way, the caller goes on as the fast path's waits do
 * (fast_woken), and a message delivered straight into its buffer
 * (pager_page_direct) returns it to user mode.  IPC_FAST_DECLINED,
 * nothing changed (nobody woken), when the receive would not block at
 * once, or from a kernel thread.
 */
static mach_msg_return_t receive_handoff(mach_msg_header_t *umsg, mach_msg_option_t option,
					 mach_msg_size_t rcv_size, mach_port_t rcv_name,
					 mach_msg_timeout_t timeout, event_t wake)
{
	struct thread *th = current_thread();
	struct ipc_port *rp;
	struct ipc_pset *rs;

	if (th->kernel_only)
		return IPC_FAST_DECLINED;
	cpu_intr_disable(); /* nothing may be queued between the look and the wait */
	if (!receive_blocks(th->task->itk_space, rcv_name, NULL, option, timeout, &rp, &rs)) {
		cpu_intr_enable();
		return IPC_FAST_DECLINED;
	}
	receive_wait_enter(rp, rs, umsg, rcv_size);
	int wr = thread_sleep_receive((option & MACH_RCV_TIMEOUT) ? ms_to_ticks(timeout) : 0, wake);
	return fast_woken(rp, rs, umsg, option, rcv_size, rcv_name, timeout, wr);
}

/* The assembly's common case waited for the reply on a port or a set,
 * and was woken the ordinary way (wait result wr, interrupts off). */
mach_msg_return_t ipc_fast_woken(int wr, const struct mach_msg_trap_args *a)
{
	struct thread *th = current_thread();
	/* The port or set whose reference count it holds. */
	struct ipc_port *rp = NULL;
	struct ipc_pset *rs = NULL;

	if (th->ipc_wait_set)
		rs = queue_container(th->ipc_wait_ref, struct ipc_pset, ref_count);
	else
		rp = queue_container(th->ipc_wait_ref, struct ipc_port, ref_count);
	mach_msg_return_t mr = fast_woken(rp, rs, a->msg, a->option, a->rcv_size, a->rcv_name, a->timeout, wr);

	th->handoff = NULL;
	return mr;
}

/* The fast path once i386/ipc_fast.S has read and checked the header
 * into f (as the trap's arguments a say), to a port the kernel receives
 * on, or IPC_FAST_DECLINED with nothing changed.  Arguments in
 * registers: the assembly calls it. */
mach_msg_return_t __attribute__((regparm(2))) ipc_fast_kobject_rpc(struct ipc_fast *f,
								   const struct mach_msg_trap_args *a)
{
	int receive;
	mach_msg_return_t mr;

	if (f->dest->kotype == IKOT_NONE) /* a port in limbo, or a kernel thread's */
		return ipc_fast_rpc(f, a);
	/* No handoff to clear: a trap begins with none (mach_msg_trap clears
	 * it before it returns; only its send sets it), and neither the
	 * routine nor the receive sets one. */
	mr = ipc_fast_kernel(f, a->rcv_size, a->rcv_name, &receive);
	if (mr == MACH_MSG_SUCCESS && receive)
		mr = mach_msg_receive(a->msg, a->option, a->rcv_size, a->rcv_name, a->timeout);
	return mr;
}

/* The same to the port the caller receives on. */
mach_msg_return_t __attribute__((regparm(2))) ipc_fast_self_rpc(struct ipc_fast *f,
								const struct mach_msg_trap_args *a)
{
	return ipc_fast_self(f, a->rcv_size, a->rcv_name);
}

/* The same to any other port: the cases i386/ipc_fast.S leaves (a port
 * set, other dispositions, a time-out...). */
mach_msg_return_t ipc_fast_rpc(struct ipc_fast *f, const struct mach_msg_trap_args *a)
{
	struct ipc_port *dest = f->dest;
	struct ipc_window w;
	struct ipc_port *rp;
	struct ipc_pset *rs;

	if (dest->receiver == ipc_space_kernel)
		return dest->kotype == IKOT_NONE ? IPC_FAST_DECLINED : ipc_fast_kobject_rpc(f, a);
	if (dest->receiver == f->space && dest->receiver_name == a->rcv_name)
		return ipc_fast_self_rpc(f, a);
	if (!fast_reply_wait(f, a->option, a->timeout, a->rcv_name, &rp, &rs))
		return IPC_FAST_DECLINED;
	cpu_intr_disable();
	struct thread *r = fast_waiting_receiver(f, &w);
	if (r == NULL) {
		cpu_intr_enable();
		return IPC_FAST_DECLINED;
	}
	ipc_fast_deliver(f, r, &w);
	mach_msg_return_t mr = fast_wait_reply(rp, rs, a->msg, a->option, a->rcv_size, a->rcv_name, a->timeout, r);
	current_thread()->handoff = NULL;
	return mr;
}

mach_msg_return_t mach_msg_trap(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
				mach_msg_size_t rcv_size, mach_port_t rcv_name, mach_msg_timeout_t timeout,
				mach_port_t notify)
{
	mach_msg_return_t mr;
	event_t wake;

	/* From user mode, after the fast path (i386/ipc_fast.S) declined:
	 * a complex message, so data_supply's own shape too.  Sent there (a
	 * pager's page: vm/memory_object.c), the fault it completes runs
	 * next if our receive blocks (a pager thread's next receive): woken
	 * as we block when that is at once (receive_handoff), else woken
	 * now and run from the general receive's wait (thread->handoff). */
	if ((option & MACH_SEND_MSG) && send_size == VM_OBJECT_SUPPLY_FAST_SIZE &&
	    vm_object_supply_fast(msg, send_size, &wake)) {
		option &= ~MACH_SEND_MSG;
		if (wake != NULL && (option & MACH_RCV_MSG) &&
		    (mr = receive_handoff(msg, option, rcv_size, rcv_name, timeout, wake)) != IPC_FAST_DECLINED)
			return mr; /* (no handoff set) */
		if (wake != NULL)
			current_thread()->handoff = thread_wakeup(wake);
	}
	if (option & MACH_SEND_MSG) {
		mr = mach_msg_send(msg, option, send_size, timeout, notify);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
	}
	if (option & MACH_RCV_MSG)
		mr = mach_msg_receive(msg, option, rcv_size, rcv_name, timeout);
	else
		mr = MACH_MSG_SUCCESS;
	current_thread()->handoff = NULL; /* only within this call */
	return mr;
}
