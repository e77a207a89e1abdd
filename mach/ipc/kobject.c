/*
 * Messages to kernel objects are handled at once by the sending thread.
 * Each MIG server routine the kernel implements is tried in turn; a
 * message none of them knows gets MIG_BAD_ID, as from any MIG server.
 */
#include <mach/mig_errors.h>
#include <kern/debug.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>

#define KOBJECT_REPLY_MAX 8192

typedef int (*kobject_demux_t)(mach_msg_header_t *in, mach_msg_header_t *out);

/* The kernel's MIG servers, in the order they are tried. */
static const kobject_demux_t kobject_servers[] = {
	NULL,
};

struct ipc_kmsg *ipc_kobject_server(struct ipc_kmsg *request)
{
	mach_msg_header_t *in = &request->hdr;
	struct ipc_port *reply_port = (struct ipc_port *)in->msgh_local_port;
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(in->msgh_bits);

	if (!IP_VALID(reply_port)) { /* nobody to answer: a simpleroutine or a bad request */
		struct ipc_kmsg *reply = ipc_kmsg_alloc(KOBJECT_REPLY_MAX);
		if (reply != NULL) {
			for (unsigned i = 0; kobject_servers[i] != NULL; i++)
				if (kobject_servers[i](in, &reply->hdr))
					break;
			ipc_kmsg_free(reply);
		}
		ipc_kmsg_destroy(request);
		return NULL;
	}
	struct ipc_kmsg *reply = ipc_kmsg_alloc(KOBJECT_REPLY_MAX);
	if (reply == NULL) {
		ipc_kmsg_destroy(request);
		return NULL;
	}
	mig_reply_header_t *out = (mig_reply_header_t *)&reply->hdr;
	int handled = 0;
	for (unsigned i = 0; kobject_servers[i] != NULL && !handled; i++)
		handled = kobject_servers[i](in, &reply->hdr);
	if (!handled) {
		static const mach_msg_type_t ret_type = {MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0, 0, 0};
		out->Head.msgh_size = sizeof(*out);
		out->RetCodeType = ret_type;
		out->RetCode = MIG_BAD_ID;
	}
	out->Head.msgh_bits = (out->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX) | MACH_MSGH_BITS(reply_type, 0);
	out->Head.msgh_remote_port = (mach_port_t)(uintptr_t)reply_port;
	out->Head.msgh_local_port = MACH_PORT_NULL;
	out->Head.msgh_seqno = 0;
	out->Head.msgh_id = in->msgh_id + 100;
	/* The reply right now travels in the reply; the rest of the request goes. */
	in->msgh_local_port = MACH_PORT_NULL;
	in->msgh_bits &= ~MACH_MSGH_BITS_LOCAL_MASK;
	ipc_kmsg_destroy(request);
	return reply;
}
