/*
 * Messages to kernel objects are handled at once by the sending thread.
 * The request's id picks the MIG-generated routine of one of the kernel's
 * servers (ipc_kobject_find); an id none of them knows gets MIG_BAD_ID,
 * as from any MIG server.
 *
 * Ownership follows GNU Mach: when the routine succeeds it owns whatever
 * the request carried (rights, out-of-line data); when it fails, the
 * request's contents are destroyed here.  The right that delivered the
 * request is released without a send-once notification (which would
 * only come back here).
 */
#include <mach/mig_errors.h>
#include <kern/debug.h>
#include <kern/string.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>
#include <mach_port_server.h>
#include <mach_server.h>
#include <mach_host_server.h>
#include <mach_i386_server.h>
#include <mach4_server.h>
#include <device_server.h>
#include <kern/ipc_kobject.h>

#define SUBSYSTEM(demux, fixup) {demux##_first_id, demux##_count, demux##_routines, demux##_reply_sizes, fixup}

/* The kernel's MIG servers, the busiest first. */
const struct ipc_kobject_subsystem ipc_kobject_subsystems[] = {
	SUBSYSTEM(mach_port_server, NULL),
	SUBSYSTEM(mach_server, mach_kobject_fixup),
	SUBSYSTEM(mach_host_server, mach_host_kobject_fixup),
	SUBSYSTEM(device_server, NULL),
	SUBSYSTEM(mach_i386_server, NULL),
	SUBSYSTEM(mach4_server, mach_kobject_fixup),
	{0, 0, NULL, NULL, NULL},
};

static void release_request_port(struct ipc_port *port, mach_msg_type_name_t type)
{
	if (type == MACH_MSG_TYPE_PORT_SEND) {
		ipc_port_release_send(port);
	} else {
		port->sorights--;
		ipc_port_release(port);
	}
}

/* Address a reply made for a request with this id to reply_port (a right
 * of reply_type, which the reply takes). */
static void kobject_reply_header(mach_msg_header_t *h, struct ipc_port *reply_port, mach_msg_type_name_t reply_type,
				 mach_msg_id_t id)
{
	h->msgh_bits = (h->msgh_bits & MACH_MSGH_BITS_COMPLEX) | MACH_MSGH_BITS(reply_type, 0);
	h->msgh_remote_port = (mach_port_t)(uintptr_t)reply_port;
	h->msgh_local_port = MACH_PORT_NULL;
	h->msgh_seqno = 0;
	h->msgh_id = id + 100;
}

/*
 * Run the routine for a request presented as received (remote: the reply
 * port, a right of reply_type; local: the object's port) and make the
 * reply.  Returns it, or NULL when there is none to send (no reply port,
 * no memory, or MIG_NO_REPLY: the routine kept the reply right).
 * *failed: the routine failed, so the request's contents are still the
 * caller's to destroy.
 */
static struct ipc_kmsg *kobject_serve(mach_msg_header_t *in, struct ipc_port *reply_port,
				      mach_msg_type_name_t reply_type, int *failed)
{
	unsigned index;
	const struct ipc_kobject_subsystem *s = ipc_kobject_find(in->msgh_id, &index);
	struct ipc_kmsg *reply = ipc_kmsg_alloc(s != NULL ? s->reply_sizes[index] : sizeof(mig_reply_header_t));
	mig_reply_header_t *out = reply ? (mig_reply_header_t *)&reply->hdr : NULL;

	if (out != NULL)
		ipc_kobject_run(s, index, in, out);
	*failed = out == NULL || (!(out->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX) && out->RetCode != KERN_SUCCESS &&
				  out->RetCode != MIG_NO_REPLY);
	int no_reply = out != NULL && !(out->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX) && out->RetCode == MIG_NO_REPLY;
	if (out == NULL || !IP_VALID(reply_port) || no_reply) {
		if (reply != NULL)
			ipc_kmsg_free(reply);
		/* MIG_NO_REPLY: the routine kept the reply right (queued I/O
		 * answers later through it), as in GNU Mach. */
		if (!no_reply)
			ipc_right_release(reply_port, reply_type);
		return NULL;
	}
	kobject_reply_header(&out->Head, reply_port, reply_type, in->msgh_id);
	return reply;
}

struct ipc_kmsg *ipc_kobject_server(struct ipc_kmsg *request)
{
	mach_msg_header_t *in = &request->hdr;
	struct ipc_port *object_port = (struct ipc_port *)in->msgh_remote_port;
	struct ipc_port *reply_port = (struct ipc_port *)in->msgh_local_port;
	mach_msg_type_name_t object_type = MACH_MSGH_BITS_REMOTE(in->msgh_bits);
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(in->msgh_bits);
	int failed;

	/* Present the request as received: local is the object's port,
	 * remote the reply port, as MIG server stubs expect. */
	in->msgh_remote_port = (mach_port_t)(uintptr_t)reply_port;
	in->msgh_local_port = (mach_port_t)(uintptr_t)object_port;
	in->msgh_bits = (in->msgh_bits & ~MACH_MSGH_BITS_PORTS_MASK) | MACH_MSGH_BITS(reply_type, object_type);
	struct ipc_kmsg *reply = kobject_serve(in, reply_port, reply_type, &failed);

	/* The delivering right is used up; the reply right moved to the reply. */
	in->msgh_local_port = MACH_PORT_NULL;
	in->msgh_remote_port = MACH_PORT_NULL;
	in->msgh_bits &= ~MACH_MSGH_BITS_PORTS_MASK;
	release_request_port(object_port, object_type);
	if (failed)
		ipc_kmsg_destroy(request);
	else
		ipc_kmsg_free(request);
	return reply;
}

struct ipc_kmsg *ipc_kobject_reply_kmsg(mig_reply_header_t *out, struct ipc_port *reply_port, mach_msg_id_t id)
{
	mach_msg_header_t *h = &out->Head;
	struct ipc_kmsg *reply;

	kobject_reply_header(h, reply_port, MACH_MSG_TYPE_PORT_SEND_ONCE, id);
	reply = ipc_kmsg_alloc(h->msgh_size);
	if (reply == NULL) {
		ipc_kmsg_clean(h);
		return NULL;
	}
	memcpy(&reply->hdr, h, h->msgh_size);
	return reply;
}
