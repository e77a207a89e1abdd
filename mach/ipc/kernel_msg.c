/*
 * Messages the kernel sends as a client (KernelUser MIG stubs: exception
 * messages, memory_object requests to pagers).  The stub fills in a
 * message whose port fields hold port pointers with the user-style
 * dispositions (COPY_SEND, MAKE_SEND_ONCE...); it is turned into kernel
 * form here.  An RPC waits for the reply on the thread's own reply port,
 * whose receive right the kernel keeps.
 */
#include <kern/debug.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <ipc/kernel_msg.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>

/* A right the kernel holds (port pointer) taken with disposition disp. */
static struct ipc_port *kernel_right(struct ipc_port *port, mach_msg_type_name_t disp)
{
	if (!IP_VALID(port))
		return port;
	switch (disp) {
	case MACH_MSG_TYPE_COPY_SEND:
		return ipc_port_copy_send(port);
	case MACH_MSG_TYPE_MAKE_SEND:
		return ipc_port_make_send(port);
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		return ipc_port_make_send_once(port);
	default: /* MOVE_*: the caller gives its right away */
		return port;
	}
}

static mach_msg_return_t kernel_body_one(void *ctx, struct ipc_desc *d)
{
	(void)ctx;
	if (!d->is_inline || !MACH_MSG_TYPE_PORT_ANY(d->name))
		return MACH_MSG_SUCCESS;
	struct ipc_port **ports = d->data;
	for (unsigned i = 0; i < d->number; i++)
		ports[i] = kernel_right(ports[i], d->name);
	ipc_desc_set_name(d, ipc_object_result_type(d->name));
	/* KernelUser stubs mark rights they give away "dealloc"
	 * (memory_object_terminate); receivers expect the plain word, as
	 * GNU Mach delivers it. */
	d->type->msgt_deallocate = 0;
	return MACH_MSG_SUCCESS;
}

static struct ipc_kmsg *kernel_kmsg(mach_msg_header_t *msg, mach_msg_size_t send_size, struct ipc_port *reply)
{
	struct ipc_kmsg *kmsg = ipc_kmsg_alloc(send_size);
	mach_msg_header_t *h;

	if (kmsg == NULL)
		return NULL;
	memcpy(&kmsg->hdr, msg, send_size);
	h = &kmsg->hdr;
	h->msgh_size = send_size;
	mach_msg_type_name_t rdisp = MACH_MSGH_BITS_REMOTE(h->msgh_bits);
	mach_msg_type_name_t ldisp = reply ? MACH_MSG_TYPE_MAKE_SEND_ONCE : 0;
	struct ipc_port *dest = kernel_right((struct ipc_port *)h->msgh_remote_port, rdisp);
	h->msgh_remote_port = (mach_port_t)(uintptr_t)dest;
	h->msgh_local_port = (mach_port_t)(uintptr_t)(reply ? ipc_port_make_send_once(reply) : IP_NULL);
	h->msgh_bits = (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) |
		       MACH_MSGH_BITS(ipc_object_result_type(rdisp), ldisp ? ipc_object_result_type(ldisp) : 0);
	if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX)
		ipc_body_walk(h, kernel_body_one, NULL);
	return kmsg;
}

/* Send the stub's message (with a send-once right to reply, if any);
 * a message that cannot be sent is destroyed. */
static mach_msg_return_t kernel_send(mach_msg_header_t *msg, mach_msg_size_t send_size, struct ipc_port *reply)
{
	struct ipc_kmsg *kmsg = kernel_kmsg(msg, send_size, reply);
	mach_msg_return_t mr;

	if (kmsg == NULL)
		return MACH_SEND_NO_BUFFER;
	if (!IP_VALID((struct ipc_port *)kmsg->hdr.msgh_remote_port))
		mr = MACH_SEND_INVALID_DEST;
	else
		mr = ipc_kmsg_send(kmsg, MACH_SEND_ALWAYS, 0);
	if (mr != MACH_MSG_SUCCESS)
		ipc_kmsg_destroy(kmsg);
	return mr;
}

mach_msg_return_t mach_msg_send_from_kernel(mach_msg_header_t *msg, mach_msg_size_t send_size)
{
	return kernel_send(msg, send_size, NULL);
}

mach_msg_return_t mach_msg_rpc_from_kernel(mach_msg_header_t *msg, mach_msg_size_t send_size,
					   mach_msg_size_t rcv_size)
{
	struct thread *th = current_thread();

	if (th->ith_reply == NULL) {
		th->ith_reply = ipc_port_alloc();
		if (th->ith_reply == NULL)
			return MACH_SEND_NO_BUFFER;
		th->ith_reply->receiver = ipc_space_kernel;
	}
	mach_msg_return_t mr = kernel_send(msg, send_size, th->ith_reply);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	struct ipc_kmsg *reply;
	mr = ipc_port_receive_kernel(th->ith_reply, &reply);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	if (reply->hdr.msgh_size > rcv_size) {
		ipc_kmsg_destroy(reply);
		return MACH_RCV_TOO_LARGE;
	}
	/* The right that brought the reply is used up; the caller gets the
	 * rest in kernel form, as GNU Mach does. */
	struct ipc_port *dest = (struct ipc_port *)reply->hdr.msgh_remote_port;
	dest->sorights--;
	ipc_port_release(dest);
	reply->hdr.msgh_remote_port = reply->hdr.msgh_local_port;
	reply->hdr.msgh_local_port = MACH_PORT_NULL;
	memcpy(msg, &reply->hdr, reply->hdr.msgh_size);
	ipc_kmsg_free(reply);
	return MACH_MSG_SUCCESS;
}
