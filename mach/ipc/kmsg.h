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
#include <mach/mig_errors.h>
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
/* The same for a message in kernel form held elsewhere (nothing freed). */
void ipc_kmsg_clean(mach_msg_header_t *h);
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

/* Direct delivery into a waiting receiver: ipc/deliver.h. */

/* Wait for a message on a port whose receive right the kernel holds
 * (a thread's kernel reply port). */
mach_msg_return_t ipc_port_receive_kernel(struct ipc_port *port, struct ipc_kmsg **out);

/* The mach_msg trap, as the trap table calls it: the fast path
 * (i386/ipc_fast.S), which leaves what it does not take to
 * mach_msg_trap, the general path.  Buffers are user addresses. */
mach_msg_return_t ipc_fast_mach_msg(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
				    mach_msg_size_t rcv_size, mach_port_t rcv_name, mach_msg_timeout_t timeout,
				    mach_port_t notify);
mach_msg_return_t mach_msg_trap(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
				mach_msg_size_t rcv_size, mach_port_t rcv_name, mach_msg_timeout_t timeout,
				mach_port_t notify);

/* Kernel objects answer messages here (ipc/kobject.c): returns the reply
 * to send, or NULL when there is none. */
struct ipc_kmsg *ipc_kobject_server(struct ipc_kmsg *request);

/*
 * The kernel's MIG servers, as the table ipc/kobject.c keeps: each
 * subsystem's routines by id, with the size of each one's largest reply,
 * so that a caller can run a routine itself on a reply buffer of its own
 * (the IPC fast path: on its stack).
 */
struct ipc_kobject_subsystem {
	mach_msg_id_t first_id;
	unsigned count;
	mig_routine_t *routines;	     /* by id - first_id; 0: unused id */
	const mach_msg_size_t *reply_sizes; /* the same way */
	/* Run after a routine when the request or the reply is complex
	 * (NULL: nothing to do): the kernel's own treatment of rights in
	 * the bodies (kern/ipc_kobject.c). */
	void (*fixup)(mach_msg_header_t *in, mach_msg_header_t *out);
};
extern const struct ipc_kobject_subsystem ipc_kobject_subsystems[];

/* The subsystem with a routine for id (*index: the routine's), or NULL. */
static inline const struct ipc_kobject_subsystem *ipc_kobject_find(mach_msg_id_t id, unsigned *index)
{
	for (const struct ipc_kobject_subsystem *s = ipc_kobject_subsystems; s->routines != NULL; s++) {
		unsigned i = (unsigned)id - (unsigned)s->first_id;
		if (i < s->count && s->routines[i] != 0) {
			*index = i;
			return s;
		}
	}
	return NULL;
}

/* Run a routine (s NULL: none, MIG_BAD_ID) on a request in kernel form
 * presented as received (remote: the reply port; local: the object's
 * port) into out, which has room for s->reply_sizes[index] bytes.  The
 * reply's header is left for the caller to address (only its size and
 * complex bit are the routine's). */
static inline void ipc_kobject_run(const struct ipc_kobject_subsystem *s, unsigned index, mach_msg_header_t *in,
				   mig_reply_header_t *out)
{
	out->Head.msgh_bits = 0;
	out->Head.msgh_size = sizeof(*out);
	out->RetCodeType = (mach_msg_type_t){MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0, 0, 0};
	if (s == NULL) {
		out->RetCode = MIG_BAD_ID;
		return;
	}
	s->routines[index](in, &out->Head);
	if (s->fixup != NULL && ((in->msgh_bits | out->Head.msgh_bits) & MACH_MSGH_BITS_COMPLEX))
		s->fixup(in, &out->Head);
}

/* A reply ipc_kobject_run made outside a kmsg, for a request with this id,
 * addressed to reply_port (the send-once right the reply takes) and
 * moved into a kmsg to be sent; NULL if there is no memory for one (the
 * reply's rights and memory are then released). */
struct ipc_kmsg *ipc_kobject_reply_kmsg(mig_reply_header_t *out, struct ipc_port *reply_port, mach_msg_id_t id);
#endif
