/* Packet filters (mach/device/net_io.c) without a card: NETF programs
 * checked, and synthetic frames run through filters on kernel-held ports
 * (priorities, NET_HI_PRI, the conditional operators, bounds, full
 * queues, replaced filters, dead ports). */
#include <kern/ktest.h>
#include <kern/string.h>
#include <ipc/kmsg.h>
#include <ipc/port.h>
#include <ipc/space.h>
#include <device/net_status.h>
#include <device/net_filter.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define T_DATA 0xb588 /* ethertype 0x88b5 as the filter reads it (host order of network bytes) */
#define T_OTHER 0xb688

KTEST(net_filter_programs)
{
	static filter_t big[NET_MAX_FILTER + 1];
	filter_t good[] = {NETF_IN, (NETF_PUSHHDR + 6) | NETF_NOP, NETF_PUSHLIT | NETF_EQ, (filter_t)T_DATA};
	filter_t cand[] = {NETF_IN, NETF_PUSHLIT | NETF_CAND, 1, NETF_PUSHZERO | NETF_NOP};
	filter_t stk[] = {NETF_IN, NETF_PUSHZERO | NETF_NOP, (NETF_PUSHSTK + 1) | NETF_AND};
	filter_t noflags[] = {0};
	filter_t bpf[] = {NETF_BPF | NETF_IN};
	filter_t badop[] = {NETF_IN, (18 << NETF_NBPA) | NETF_PUSHZERO};
	filter_t badarg[] = {NETF_IN, 3 | NETF_NOP};
	filter_t nolit[] = {NETF_IN, NETF_PUSHLIT | NETF_EQ};
	filter_t under[] = {NETF_IN, NETF_NOPUSH | NETF_AND};
	filter_t empty_end[] = {NETF_IN, NETF_PUSHZERO | NETF_COR};
	filter_t below[] = {NETF_IN, (NETF_PUSHSTK + 1) | NETF_NOP};
	filter_t ind_under[] = {NETF_IN, NETF_PUSHZERO | NETF_COR, NETF_PUSHIND | NETF_NOP};

	ktest_ok(net_filter_validate(good, N(good)) == 0, "type test accepted");
	ktest_ok(net_filter_validate(cand, N(cand)) == 0, "CAND then a push accepted");
	ktest_ok(net_filter_validate(stk, N(stk)) == 0, "PUSHSTK within the stack accepted");
	ktest_ok(net_filter_validate(good, 0) != 0, "no words refused");
	ktest_ok(net_filter_validate(NULL, 1) != 0, "no program refused");
	ktest_ok(net_filter_validate(noflags, 1) != 0, "neither NETF_IN nor NETF_OUT refused");
	ktest_ok(net_filter_validate(bpf, 1) != 0, "BPF refused");
	ktest_ok(net_filter_validate(badop, N(badop)) != 0, "operator 18 refused");
	ktest_ok(net_filter_validate(badarg, N(badarg)) != 0, "argument 3 refused");
	ktest_ok(net_filter_validate(nolit, N(nolit)) != 0, "missing literal refused");
	ktest_ok(net_filter_validate(under, N(under)) != 0, "underflow refused");
	ktest_ok(net_filter_validate(empty_end, N(empty_end)) != 0, "an empty stack at the end refused");
	ktest_ok(net_filter_validate(below, N(below)) != 0, "PUSHSTK below the bottom refused");
	ktest_ok(net_filter_validate(ind_under, N(ind_under)) != 0, "PUSHIND on an empty stack refused");
	big[0] = NETF_IN;
	for (unsigned i = 1; i <= NET_FILTER_STACK_DEPTH; i++)
		big[i] = NETF_PUSHZERO | NETF_NOP;
	ktest_ok(net_filter_validate(big, NET_FILTER_STACK_DEPTH) == 0, "%d pushes accepted",
		 NET_FILTER_STACK_DEPTH - 1);
	ktest_ok(net_filter_validate(big, NET_FILTER_STACK_DEPTH + 1) != 0, "%d pushes refused",
		 NET_FILTER_STACK_DEPTH);
	for (unsigned i = 1; i <= NET_MAX_FILTER; i++)
		big[i] = NETF_PUSHZERO | NETF_OR;
	ktest_ok(net_filter_validate(big, NET_MAX_FILTER) == 0, "%d words accepted", NET_MAX_FILTER);
	ktest_ok(net_filter_validate(big, NET_MAX_FILTER + 1) != 0, "%d words refused", NET_MAX_FILTER + 1);
}

static struct ipc_port *kport(void)
{
	struct ipc_port *p = ipc_port_alloc();
	p->receiver = ipc_space_kernel;
	return p;
}

static io_return_t add(struct net_if *nif, struct ipc_port *p, int pri, const filter_t *f, unsigned n)
{
	struct ipc_port *right = ipc_port_make_send(p);
	io_return_t rc = net_set_filter(nif, right, pri, f, n);
	if (rc != D_SUCCESS)
		ipc_port_release_send(right);
	return rc;
}

static void frame(uint8_t *f, uint16_t type_be, size_t len)
{
	memset(f, 0, len);
	memset(f, 0xff, 6);
	f[6] = 0x52;
	memcpy(f + 12, &type_be, 2);
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)i;
}

/* Take every queued message off p; the number taken. */
static unsigned drain(struct ipc_port *p, struct net_rcv_msg *last)
{
	unsigned n = 0;
	while (p->msgcount > 0) {
		struct ipc_kmsg *k;
		if (ipc_port_receive_kernel(p, &k) != MACH_MSG_SUCCESS)
			break;
		if (last != NULL)
			memcpy(last, &k->hdr, k->hdr.msgh_size < sizeof(*last) ? k->hdr.msgh_size : sizeof(*last));
		ipc_kmsg_destroy(k);
		n++;
	}
	return n;
}

KTEST(net_filter_delivery)
{
	static struct net_rcv_msg m;
	static uint8_t f[1514];
	struct net_if nif = {0};
	struct ipc_port *lo = kport(), *hi = kport(), *other = kport(), *cond = kport();
	filter_t data[] = {NETF_IN, (NETF_PUSHHDR + 6) | NETF_NOP, NETF_PUSHLIT | NETF_EQ, (filter_t)T_DATA};
	filter_t data_pkt[] = {NETF_IN, (NETF_PUSHWORD + 1) | NETF_NOP, NETF_PUSHLIT | NETF_EQ, (filter_t)T_DATA};
	filter_t oth[] = {NETF_IN, (NETF_PUSHWORD + 1) | NETF_NOP, NETF_PUSHLIT | NETF_EQ, (filter_t)T_OTHER};
	/* Accept if packet word 1 is T_OTHER (COR: yes at once), else
	 * require packet word 3 == 0x1110 (CAND), else reject. */
	filter_t cor[] = {NETF_IN,
			  (NETF_PUSHWORD + 1) | NETF_NOP,
			  NETF_PUSHLIT | NETF_COR,
			  (filter_t)T_OTHER,
			  (NETF_PUSHWORD + 3) | NETF_NOP,
			  NETF_PUSHLIT | NETF_CAND,
			  0x1110};
	filter_t far[] = {NETF_IN, (NETF_PUSHWORD + 900) | NETF_NOP};

	ktest_ok(add(&nif, lo, 0, data, N(data)) == D_SUCCESS, "low-priority data filter set");
	ktest_ok(add(&nif, other, 5, oth, N(oth)) == D_SUCCESS, "other-type filter set");
	frame(f, 0xb588, 100);
	net_input(&nif, f, 100);
	ktest_ok(drain(lo, &m) == 1, "a data frame reaches the data filter");
	ktest_ok(m.msg_hdr.msgh_id == NET_RCV_MSG_ID && m.net_rcv_msg_packet_count == 100 - 14 + 4,
		 "as net_rcv_msg %d with %d packet bytes", NET_RCV_MSG_ID, 100 - 14 + 4);
	struct packet_header ph;
	memcpy(&ph, m.packet, sizeof(ph));
	ktest_ok(ph.length == 90 && ph.type == 0xb588 && (uint8_t)m.packet[4] == 14 && (uint8_t)m.packet[89] == 99 &&
			 (uint8_t)m.header[6] == 0x52,
		 "packet_header and data as GNU Mach lays them out");
	ktest_ok(drain(other, NULL) == 0, "and not the other-type filter");

	/* A high-priority filter that accepts keeps the frame from the rest. */
	ktest_ok(add(&nif, hi, NET_HI_PRI, data_pkt, N(data_pkt)) == D_SUCCESS, "NET_HI_PRI filter set");
	net_input(&nif, f, 100);
	ktest_ok(drain(hi, NULL) == 1 && drain(lo, NULL) == 0, "NET_HI_PRI takes the frame alone");
	/* Replaced by a filter that matches nothing: the low one gets it. */
	ktest_ok(add(&nif, hi, NET_HI_PRI, far, N(far)) == D_SUCCESS, "a second filter on a port replaces the first");
	net_input(&nif, f, 100);
	ktest_ok(drain(hi, NULL) == 0 && drain(lo, NULL) == 1, "a word beyond the packet does not match");

	/* Conditional operators. */
	ktest_ok(add(&nif, cond, 1, cor, N(cor)) == D_SUCCESS, "COR/CAND filter set");
	frame(f, 0xb688, 60);
	net_input(&nif, f, 60);
	ktest_ok(drain(cond, NULL) == 1 && drain(other, NULL) == 1, "COR accepts at once");
	frame(f, 0xb588, 60); /* packet word 3 = frame bytes 16, 17 = 0x1110 */
	net_input(&nif, f, 60);
	ktest_ok(drain(cond, NULL) == 1, "CAND passes on a match and the program's end accepts");
	f[16] = 0;
	net_input(&nif, f, 60);
	ktest_ok(drain(cond, NULL) == 0, "CAND rejects on a mismatch");
	drain(lo, NULL);

	/* A full queue loses the packet, nothing blocks. */
	unsigned long dropped = nif.dropped;
	frame(f, 0xb588, 100);
	f[16] = 0; /* not for the COR/CAND filter */
	for (unsigned i = 0; i < lo->qlimit + 3; i++)
		net_input(&nif, f, 100);
	ktest_ok(lo->msgcount == lo->qlimit && nif.dropped == dropped + 3, "a full queue (%u) drops 3 frames",
		 lo->qlimit);
	drain(lo, NULL);
	ktest_ok(nif.delivered > 0, "%lu messages delivered", nif.delivered);

	/* Short frames are dropped. */
	dropped = nif.dropped;
	net_input(&nif, f, 13);
	ktest_ok(nif.dropped == dropped + 1, "a 13-byte frame is dropped");

	/* A dead port's filter goes away, with its send right. */
	unsigned srights = other->srights;
	ipc_port_reference(other);
	ipc_port_destroy(other);
	frame(f, 0xb688, 60);
	net_input(&nif, f, 60);
	ktest_ok(other->srights == srights - 1, "the dead port's filter released its send right");
	ipc_port_release(other);
	ktest_ok(drain(cond, NULL) == 1, "the other filters still run");

	ipc_port_destroy(lo);
	ipc_port_destroy(hi);
	ipc_port_destroy(cond);
	net_input(&nif, f, 60);
	ktest_ok(nif.filters == NULL, "every filter of a dead port is gone");
}
