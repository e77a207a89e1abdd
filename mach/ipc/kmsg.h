/*
 * Kernel messages.  A message sent with mach_msg is copied into a kmsg;
 * its header and port rights are translated from the sender's names into
 * port pointers ("copyin"), it waits on the destination port's queue, and
 * is translated into the receiver's names on the way out ("copyout").
 * Messages the kernel builds itself (notifications, replies from kernel
 * objects) are made directly in that in-kernel form.
 */
#ifndef IPC_KMSG_H
#define IPC_KMSG_H
#include <mach/message.h>
#include <kern/queue.h>
#include <ipc/port.h>

struct ipc_kmsg {
	queue_chain_t link;
	mach_msg_size_t capacity; /* bytes available from &hdr */
	/* MACH_SEND_NOTIFY: queued past a full queue; when it is taken, a
	 * msg-accepted notification naming accept_name goes on accept_notify. */
	struct ipc_port *accept_notify;
	mach_port_t accept_name;
	mach_msg_header_t hdr;	  /* followed by the body */
};

/* Largest message accepted: bigger sends get MACH_SEND_NO_BUFFER. */
#define IPC_KMSG_MAX_SIZE (1u << 20)

void ipc_kmsg_bootstrap(void);
struct ipc_kmsg *ipc_kmsg_alloc(mach_msg_size_t size);
void ipc_kmsg_free(struct ipc_kmsg *kmsg);
/* Release every right and out-of-line region in a message, then free it. */
void ipc_kmsg_destroy(struct ipc_kmsg *kmsg);
/* Queue a message in kernel form on its destination (or hand it to a
 * kernel object).  MACH_SEND_ALWAYS ignores the queue limit. */
mach_msg_return_t ipc_kmsg_send(struct ipc_kmsg *kmsg, mach_msg_option_t option, mach_msg_timeout_t timeout);

/*
 * The body of a complex message is a sequence of typed items: a type
 * descriptor (one word, or three in the long form) followed by the data
 * inline (rounded up to a word) or by a pointer to out-of-line data.
 * ipc_body_walk parses it once for every pass that needs it.
 */
struct ipc_desc {
	mach_msg_type_t *type; /* the descriptor word (bits may be rewritten) */
	mach_msg_type_name_t name;
	unsigned size;	       /* bits per element */
	unsigned number;       /* elements */
	int is_inline, dealloc, longform;
	void *data;	       /* inline data, or the slot holding the OOL pointer */
};

typedef mach_msg_return_t (*ipc_desc_fn)(void *ctx, struct ipc_desc *d);

/* Call fn on every item of a complex message's body, in order; stops at
 * the first error (a malformed body gives MACH_SEND_MSG_TOO_SMALL). */
mach_msg_return_t ipc_body_walk(mach_msg_header_t *hdr, ipc_desc_fn fn, void *ctx);
/* Rewrite an item's type name (short or long form). */
void ipc_desc_set_name(struct ipc_desc *d, mach_msg_type_name_t name);

/* Wait for a message on a port whose receive right the kernel holds
 * (a thread's kernel reply port). */
mach_msg_return_t ipc_port_receive_kernel(struct ipc_port *port, struct ipc_kmsg **out);

/* The mach_msg trap: buffers are user addresses (kernel addresses for
 * kernel threads). */
mach_msg_return_t mach_msg_trap(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
				mach_msg_size_t rcv_size, mach_port_t rcv_name, mach_msg_timeout_t timeout,
				mach_port_t notify);

/* Kernel objects answer messages here (ipc/kobject.c): returns the reply
 * to send, or NULL when there is none. */
struct ipc_kmsg *ipc_kobject_server(struct ipc_kmsg *request);
/* The same for a simple request in kernel memory that the caller keeps,
 * already presented as received: remote the reply port with a send-once
 * right (moved to the reply), local the object's port, whose right the
 * caller has not taken (the IPC fast path: a COPY_SEND used up at once
 * changes nothing). */
struct ipc_kmsg *ipc_kobject_server_simple(mach_msg_header_t *in);
#endif
