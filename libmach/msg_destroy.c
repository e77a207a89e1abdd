/*
 * mach_msg_destroy: release what a message holds, for one we will not
 * pass on: the reply right in the header (a received message's
 * msgh_local_port names no right: receiving consumed the destination),
 * and in the body every port right and every out-of-line region.
 * msg_destroy_unsent: the same for a message whose send failed, by what
 * mach_msg's code says the kernel did with it.
 */
#include <stddef.h>
#include <mach.h>
#include "msg_destroy.h"

/* The shape a message to destroy is in. */
enum msg_form {
	MSG_RECEIVED, /* as received: rights by their received types, regions ours */
	MSG_RETURNED, /* a send undone by the kernel's pseudo-receive: the same,
			 and the header's local right was given back too */
	MSG_UNSENT,   /* as the sender wrote it, untouched by the kernel: only
			 what it was giving away (moved rights, regions marked
			 deallocate) */
};

static void destroy_right(mach_port_t name, mach_msg_type_name_t type)
{
	if (!MACH_PORT_VALID(name))
		return;
	switch (type) {
	case MACH_MSG_TYPE_MOVE_SEND:
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
		mach_port_deallocate(mach_task_self(), name);
		break;
	case MACH_MSG_TYPE_MOVE_RECEIVE:
		mach_port_mod_refs(mach_task_self(), name, MACH_PORT_RIGHT_RECEIVE, -1);
		break;
	default:
		/* copy-send and make-* dispositions hand over nothing of ours */
		break;
	}
}

static void msg_destroy(mach_msg_header_t *msg, enum msg_form form)
{
	destroy_right(msg->msgh_remote_port, MACH_MSGH_BITS_REMOTE(msg->msgh_bits));
	if (form != MSG_RECEIVED)
		destroy_right(msg->msgh_local_port, MACH_MSGH_BITS_LOCAL(msg->msgh_bits));
	if (!(msg->msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return;

	char *p = (char *)(msg + 1);
	char *end = (char *)msg + msg->msgh_size;
	while (p + sizeof(mach_msg_type_t) <= end) {
		const mach_msg_type_t *t = (const mach_msg_type_t *)p;
		const mach_msg_type_long_t *lt = (const mach_msg_type_long_t *)p;
		mach_msg_type_name_t name = t->msgt_name;
		vm_size_t bits = t->msgt_size;
		vm_size_t number = t->msgt_number;

		if (t->msgt_longform) {
			name = lt->msgtl_name;
			bits = lt->msgtl_size;
			number = lt->msgtl_number;
			p += sizeof *lt;
		} else {
			p += sizeof *t;
		}
		vm_size_t bytes = (number * bits + 7) / 8;
		void *data;
		if (t->msgt_inline) {
			data = p;
			/* Inline data is padded to a whole word. */
			p += (bytes + sizeof(natural_t) - 1) & ~(sizeof(natural_t) - 1);
		} else {
			data = *(void **)p;
			p += sizeof(vm_offset_t);
		}
		if (p > end)
			break;
		if (MACH_MSG_TYPE_PORT_ANY(name)) {
			mach_port_t *ports = data;
			for (vm_size_t i = 0; data != NULL && i < number; i++)
				destroy_right(ports[i], name);
		}
		if (!t->msgt_inline && data != NULL && bytes > 0 && (form != MSG_UNSENT || t->msgt_deallocate))
			vm_deallocate(mach_task_self(), (vm_offset_t)data, bytes);
	}
}

void mach_msg_destroy(mach_msg_header_t *msg)
{
	msg_destroy(msg, MSG_RECEIVED);
}

void msg_destroy_unsent(mach_msg_header_t *msg, mach_msg_return_t mr)
{
	switch (mr & ~MACH_MSG_MASK) {
	case MACH_SEND_WILL_NOTIFY:
		return; /* queued after all: it is the receiver's */
	case MACH_SEND_TIMED_OUT:
	case MACH_SEND_INTERRUPTED:
		msg_destroy(msg, MSG_RETURNED);
		return;
	default:
		/* Any other send error: the kernel took nothing (docs/ipc.md,
		 * "A failed send changes nothing"). */
		msg_destroy(msg, MSG_UNSENT);
	}
}
