/* Notifications: messages the kernel sends on a send-once right when
 * something happens to a port (notify.defs, subsystem 64). */
#include <mach/notify.h>
#include <kern/debug.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>

struct notify_body {
	mach_msg_header_t hdr;
	mach_msg_type_t type;
	uint32_t value;
};

static mach_msg_type_t type_word(mach_msg_type_name_t name)
{
	mach_msg_type_t t = {0};

	t.msgt_name = name;
	t.msgt_size = 32;
	t.msgt_number = 1;
	t.msgt_inline = 1;
	return t;
}

/* Send a notification on the send-once right `notify` (consumed). */
static void notify_send(struct ipc_port *notify, mach_msg_id_t id, int with_body, mach_msg_type_name_t tname,
			uint32_t value)
{
	mach_msg_size_t size = with_body ? sizeof(struct notify_body) : sizeof(mach_msg_header_t);
	struct ipc_kmsg *kmsg = ipc_kmsg_alloc(size);

	if (kmsg == NULL) {
		/* No memory for the message: the right still has to go. */
		notify->sorights--;
		ipc_port_release(notify);
		return;
	}
	struct notify_body *n = (struct notify_body *)&kmsg->hdr;
	n->hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
	if (with_body && MACH_MSG_TYPE_PORT_ANY_RIGHT(tname))
		n->hdr.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
	n->hdr.msgh_size = size;
	n->hdr.msgh_remote_port = (mach_port_t)(uintptr_t)notify;
	n->hdr.msgh_local_port = MACH_PORT_NULL;
	n->hdr.msgh_seqno = 0;
	n->hdr.msgh_id = id;
	if (with_body) {
		n->type = type_word(tname);
		n->value = value;
	}
	if (ipc_kmsg_send(kmsg, MACH_SEND_ALWAYS, 0) != MACH_MSG_SUCCESS)
		ipc_kmsg_destroy(kmsg);
}

void ipc_notify_no_senders(struct ipc_port *notify, mach_port_mscount_t mscount)
{
	notify_send(notify, MACH_NOTIFY_NO_SENDERS, 1, MACH_MSG_TYPE_INTEGER_32, mscount);
}

void ipc_notify_dead_name(struct ipc_port *notify, mach_port_t name)
{
	notify_send(notify, MACH_NOTIFY_DEAD_NAME, 1, MACH_MSG_TYPE_PORT_NAME, name);
}

void ipc_notify_port_deleted(struct ipc_port *notify, mach_port_t name)
{
	notify_send(notify, MACH_NOTIFY_PORT_DELETED, 1, MACH_MSG_TYPE_PORT_NAME, name);
}

void ipc_notify_port_destroyed(struct ipc_port *notify, struct ipc_port *receive_right)
{
	notify_send(notify, MACH_NOTIFY_PORT_DESTROYED, 1, MACH_MSG_TYPE_PORT_RECEIVE,
		    (uint32_t)(uintptr_t)receive_right);
}

void ipc_notify_send_once(struct ipc_port *port)
{
	notify_send(port, MACH_NOTIFY_SEND_ONCE, 0, 0, 0);
}

void ipc_notify_msg_accepted(struct ipc_port *notify, mach_port_t name)
{
	notify_send(notify, MACH_NOTIFY_MSG_ACCEPTED, 1, MACH_MSG_TYPE_PORT_NAME, name);
}
