/*
 * Messages to kernel objects are handled at once by the sending thread.
 * Each MIG server the kernel implements is tried in turn; a message none
 * of them knows gets MIG_BAD_ID, as from any MIG server.
 *
 * Ownership follows GNU Mach: when the routine succeeds it owns whatever
 * the request carried (rights, out-of-line data); when it fails, the
 * request's contents are destroyed here.  The right that delivered the
 * request is released without a send-once notification (which would
 * only come back here).
 */
#include <mach/mig_errors.h>
#include <kern/debug.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>
#include <mach_port_server.h>
#include <mach_i386_server.h>
#include <kern/ipc_kobject.h>
#include <device/device.h>

#define KOBJECT_REPLY_MAX 8192

typedef boolean_t (*kobject_demux_t)(mach_msg_header_t *in, mach_msg_header_t *out);

/* The kernel's MIG servers, in the order they are tried. */
static const kobject_demux_t kobject_servers[] = {
	mach_port_server,
	mach_kobject_server,
	mach_host_kobject_server,
	device_kobject_server,
	mach_i386_server,
	NULL,
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

/*
 * Run the servers on a request presented as received (remote: the reply
 * port, a right of reply_type; local: the object's port) and make the
 * reply.  Returns it, or NULL when there is none to send (no reply port,
 * no memory, or MIG_NO_REPLY: the routine kept the reply right).
 * *failed: the routine failed, so the request's contents are still the
 * caller's to destroy.
 */
static struct ipc_kmsg *kobject_serve(mach_msg_header_t *in, struct ipc_port *reply_port,
				      mach_msg_type_name_t reply_type, int *failed)
{
	struct ipc_kmsg *reply = ipc_kmsg_alloc(KOBJECT_REPLY_MAX);
	mig_reply_header_t *out = reply ? (mig_reply_header_t *)&reply->hdr : NULL;
	int handled = 0;

	for (unsigned i = 0; out != NULL && kobject_servers[i] != NULL && !handled; i++)
		handled = kobject_servers[i](in, &reply->hdr);
	if (out != NULL && !handled) {
		static const mach_msg_type_t ret_type = {MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0, 0, 0};
		out->Head.msgh_bits = 0;
		out->Head.msgh_size = sizeof(*out);
		out->RetCodeType = ret_type;
		out->RetCode = MIG_BAD_ID;
	}
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
	out->Head.msgh_bits = (out->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX) | MACH_MSGH_BITS(reply_type, 0);
	out->Head.msgh_remote_port = (mach_port_t)(uintptr_t)reply_port;
	out->Head.msgh_local_port = MACH_PORT_NULL;
	out->Head.msgh_seqno = 0;
	out->Head.msgh_id = in->msgh_id + 100;
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

struct ipc_kmsg *ipc_kobject_server_simple(mach_msg_header_t *in)
{
	int failed;

	/* A simple request carries nothing to destroy on failure. */
	return kobject_serve(in, (struct ipc_port *)in->msgh_remote_port, MACH_MSGH_BITS_REMOTE(in->msgh_bits),
			     &failed);
}
