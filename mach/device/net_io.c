/*
 * Packet filters and the delivery of received packets (net_filter.h),
 * after GNU Mach's net_io: a filter is a NETF program and a send right;
 * a received Ethernet frame is split into the link header and the
 * packet (prefixed by a packet_header), each filter runs on it in
 * priority order, and every filter that accepts it gets a net_rcv_msg
 * copy on its port.  A filter at NET_HI_PRI or above that accepts a
 * frame keeps it from the filters after it.
 *
 * Everything here runs in thread context (the driver's receive thread,
 * or a device_set_filter caller), and kernel code is not preempted, so
 * the filter lists need no lock beyond that.  A message is queued with
 * a zero send timeout: a receiver that falls behind loses packets, it
 * never holds up the interface or grows the kernel's memory.
 */
#include <kern/kalloc.h>
#include <kern/string.h>
#include <ipc/kmsg.h>
#include <ipc/port.h>
#include <device/net_status.h>
#include <device/net_filter.h>

struct net_filter {
	struct net_filter *next;
	struct ipc_port *port; /* send right */
	int priority;
	unsigned count;
	uint16_t prog[NET_MAX_FILTER];
};

#define HDR_WORDS (NET_HDW_HDR_MAX / 2)

static int netf_binary(unsigned op)
{
	switch (op) {
	case NETF_OP(NETF_EQ):
	case NETF_OP(NETF_LT):
	case NETF_OP(NETF_LE):
	case NETF_OP(NETF_GT):
	case NETF_OP(NETF_GE):
	case NETF_OP(NETF_AND):
	case NETF_OP(NETF_OR):
	case NETF_OP(NETF_XOR):
	case NETF_OP(NETF_NEQ):
	case NETF_OP(NETF_LSH):
	case NETF_OP(NETF_RSH):
	case NETF_OP(NETF_ADD):
	case NETF_OP(NETF_SUB):
		return 1;
	}
	return 0;
}

static int netf_conditional(unsigned op)
{
	return op == NETF_OP(NETF_COR) || op == NETF_OP(NETF_CAND) || op == NETF_OP(NETF_CNOR) ||
	       op == NETF_OP(NETF_CNAND);
}

/*
 * The stack depth is known at every step (no branches), so the check is
 * exact: depth starts at 1 (the TRUE every program starts with).
 */
int net_filter_validate(const filter_t *filter, unsigned count)
{
	if (filter == NULL || count < 1 || count > NET_MAX_FILTER)
		return -1;
	uint16_t head = filter[0];
	if ((head & NETF_TYPE_MASK) != 0 || !(head & (NETF_IN | NETF_OUT)))
		return -1;
	unsigned depth = 1;
	for (unsigned i = 1; i < count; i++) {
		uint16_t w = filter[i];
		unsigned op = NETF_OP(w), arg = NETF_ARG(w);
		switch (arg) {
		case NETF_NOPUSH:
		case NETF_PUSHIND:
		case NETF_PUSHHDRIND:
			if (depth < 1)
				return -1; /* underflow */
			depth--;
			break;
		case NETF_PUSHZERO:
			break;
		case NETF_PUSHLIT:
			if (++i >= count)
				return -1; /* the literal is missing */
			break;
		default:
			if (arg < NETF_PUSHWORD)
				return -1; /* no such argument */
			if (arg >= NETF_PUSHSTK && arg - NETF_PUSHSTK >= depth)
				return -1; /* below the bottom of the stack */
			break;
		}
		if (op == NETF_OP(NETF_NOP)) {
			if (++depth > NET_FILTER_STACK_DEPTH)
				return -1; /* overflow */
		} else if (netf_binary(op)) {
			if (depth < 1)
				return -1;
		} else if (netf_conditional(op)) {
			if (depth < 1)
				return -1;
			depth--;
		} else {
			return -1; /* no such operator */
		}
	}
	return depth >= 1 ? 0 : -1;
}

/* Run a validated program: 1 if it accepts the packet.  data holds
 * data_bytes of packet (packet_header first); header NET_HDW_HDR_MAX
 * bytes.  The bounds are checked again as it runs. */
static int netf_run(const struct net_filter *f, const uint8_t *data, unsigned data_bytes, const uint8_t *header)
{
	uint32_t stack[NET_FILTER_STACK_DEPTH];
	unsigned depth = 1, data_words = data_bytes / 2;
	uint16_t word;

	stack[0] = 1;
#define TOP stack[depth - 1]
	for (unsigned i = 1; i < f->count; i++) {
		unsigned op = NETF_OP(f->prog[i]), arg = NETF_ARG(f->prog[i]);
		uint32_t v;
		switch (arg) {
		case NETF_NOPUSH:
			if (depth < 1)
				return 0;
			v = stack[--depth];
			break;
		case NETF_PUSHZERO:
			v = 0;
			break;
		case NETF_PUSHLIT:
			if (i + 1 >= f->count)
				return 0;
			v = f->prog[++i];
			break;
		case NETF_PUSHIND:
		case NETF_PUSHHDRIND:
			if (depth < 1)
				return 0;
			v = stack[--depth];
			if (v >= (arg == NETF_PUSHIND ? data_words : HDR_WORDS))
				return 0;
			memcpy(&word, (arg == NETF_PUSHIND ? data : header) + 2 * v, 2);
			v = word;
			break;
		default:
			if (arg >= NETF_PUSHSTK) {
				if (arg - NETF_PUSHSTK >= depth)
					return 0;
				v = stack[depth - 1 - (arg - NETF_PUSHSTK)];
			} else if (arg >= NETF_PUSHHDR) {
				memcpy(&word, header + 2 * (arg - NETF_PUSHHDR), 2);
				v = word;
			} else if (arg >= NETF_PUSHWORD) {
				if (arg - NETF_PUSHWORD >= data_words)
					return 0; /* beyond the packet: no match */
				memcpy(&word, data + 2 * (arg - NETF_PUSHWORD), 2);
				v = word;
			} else {
				return 0;
			}
			break;
		}
		if (op == NETF_OP(NETF_NOP)) {
			if (depth >= NET_FILTER_STACK_DEPTH)
				return 0;
			stack[depth++] = v;
			continue;
		}
		if (depth < 1)
			return 0;
		switch (op) {
		case NETF_OP(NETF_EQ): TOP = TOP == v; break;
		case NETF_OP(NETF_NEQ): TOP = TOP != v; break;
		case NETF_OP(NETF_LT): TOP = TOP < v; break;
		case NETF_OP(NETF_LE): TOP = TOP <= v; break;
		case NETF_OP(NETF_GT): TOP = TOP > v; break;
		case NETF_OP(NETF_GE): TOP = TOP >= v; break;
		case NETF_OP(NETF_AND): TOP &= v; break;
		case NETF_OP(NETF_OR): TOP |= v; break;
		case NETF_OP(NETF_XOR): TOP ^= v; break;
		case NETF_OP(NETF_LSH): TOP = v < 32 ? TOP << v : 0; break;
		case NETF_OP(NETF_RSH): TOP = v < 32 ? TOP >> v : 0; break;
		case NETF_OP(NETF_ADD): TOP += v; break;
		case NETF_OP(NETF_SUB): TOP -= v; break;
		case NETF_OP(NETF_COR):
			if (stack[--depth] == v)
				return 1;
			break;
		case NETF_OP(NETF_CAND):
			if (stack[--depth] != v)
				return 0;
			break;
		case NETF_OP(NETF_CNOR):
			if (stack[--depth] == v)
				return 0;
			break;
		case NETF_OP(NETF_CNAND):
			if (stack[--depth] != v)
				return 1;
			break;
		default:
			return 0;
		}
	}
	return depth >= 1 && TOP != 0;
#undef TOP
}

static void net_filter_free(struct net_filter *f)
{
	ipc_port_release_send(f->port);
	kfree(f, sizeof(*f));
}

/* Unlink and free the filters on port, and those whose port died. */
static void net_filter_prune(struct net_if *nif, struct ipc_port *port)
{
	struct net_filter **link = &nif->filters;
	while (*link != NULL) {
		struct net_filter *f = *link;
		if (f->port == port || !f->port->active) {
			*link = f->next;
			net_filter_free(f);
		} else {
			link = &f->next;
		}
	}
}

io_return_t net_set_filter(struct net_if *nif, struct ipc_port *port, int priority, const filter_t *filter,
			   unsigned count)
{
	/* A kernel object cannot take packets: its port serves requests. */
	if (port->kotype != IKOT_NONE || net_filter_validate(filter, count) != 0)
		return D_INVALID_OPERATION;
	struct net_filter *f = kalloc(sizeof(*f));
	if (f == NULL)
		return D_NO_MEMORY;
	f->port = port;
	f->priority = priority;
	f->count = count;
	memcpy(f->prog, filter, count * sizeof(filter_t));
	net_filter_prune(nif, port);
	struct net_filter **link = &nif->filters;
	while (*link != NULL && (*link)->priority >= priority)
		link = &(*link)->next;
	f->next = *link;
	*link = f;
	return D_SUCCESS;
}

/* The message being built for a frame (only the receive threads use it,
 * one frame at a time, never blocking in between). */
static struct net_rcv_msg net_rcv_proto;

static const mach_msg_type_t net_header_type = {
	.msgt_name = MACH_MSG_TYPE_BYTE, .msgt_size = 8, .msgt_number = NET_HDW_HDR_MAX, .msgt_inline = 1};

static void net_deliver(struct net_if *nif, struct net_filter *f, mach_msg_size_t size)
{
	struct ipc_port *dest = ipc_port_copy_send(f->port);
	if (!IP_VALID(dest)) {
		nif->dropped++;
		return;
	}
	struct ipc_kmsg *kmsg = ipc_kmsg_alloc(size);
	if (kmsg == NULL) {
		ipc_port_release_send(dest);
		nif->dropped++;
		return;
	}
	memcpy(&kmsg->hdr, &net_rcv_proto, size);
	kmsg->hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0);
	kmsg->hdr.msgh_size = size;
	kmsg->hdr.msgh_remote_port = (mach_port_t)(uintptr_t)dest;
	kmsg->hdr.msgh_local_port = MACH_PORT_NULL;
	kmsg->hdr.msgh_seqno = 0;
	kmsg->hdr.msgh_id = NET_RCV_MSG_ID;
	if (ipc_kmsg_send(kmsg, MACH_SEND_TIMEOUT, 0) == MACH_MSG_SUCCESS) {
		nif->delivered++;
	} else {
		ipc_kmsg_destroy(kmsg);
		nif->dropped++;
	}
}

void net_input(struct net_if *nif, const uint8_t *frame, size_t len)
{
	struct net_rcv_msg *m = &net_rcv_proto;

	if (len < ETHER_HDR_LEN || len - ETHER_HDR_LEN + sizeof(struct packet_header) > NET_RCV_MAX) {
		nif->dropped++;
		return;
	}
	size_t data = len - ETHER_HDR_LEN;
	unsigned count = data + sizeof(struct packet_header);
	mach_msg_size_t size = (sizeof(struct net_rcv_msg) - NET_RCV_MAX + count + 3) & ~3u;

	memset(m, 0, sizeof(*m));
	m->header_type = net_header_type;
	memcpy(m->header, frame, ETHER_HDR_LEN);
	m->packet_type = net_header_type;
	m->packet_type.msgt_number = count;
	struct packet_header ph = {.length = count};
	memcpy(&ph.type, frame + 2 * ETHER_ADDR_LEN, sizeof(ph.type));
	memcpy(m->packet, &ph, sizeof(ph));
	memcpy(m->packet + sizeof(ph), frame + ETHER_HDR_LEN, data);

	net_filter_prune(nif, NULL);
	for (struct net_filter *f = nif->filters; f != NULL; f = f->next) {
		if (!(f->prog[0] & NETF_IN) || !netf_run(f, (uint8_t *)m->packet, count, (uint8_t *)m->header))
			continue;
		net_deliver(nif, f, size);
		if (f->priority >= NET_HI_PRI)
			break;
	}
}
