/*
 * In-guest network test, one of two machines joined by a QEMU socket
 * network (test/device/net.sh boots both): eth0 opened through the
 * device master port, its status and address, bad filters and bad
 * frame sizes refused, then an exchange with the peer.  Each machine
 * sets a filter for ethertype NET_TYPE_DATA on one port and one for
 * NET_TYPE_OTHER on another, and sends a frame of each type every round
 * until it has the peer's data frame intact and knows the peer has its
 * own.  The data port must never see a frame of the other type.
 *
 * usage: nettest DEVICE-MASTER-PORT a|b   (a: 52:54:00:12:34:0a, b: ..0b)
 */
#include <mach.h>
#include <device/device.h>
#include <device/net_status.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../user/tap.h"

#define NET_TYPE_DATA 0x88b5  /* IEEE local experimental ethertypes */
#define NET_TYPE_OTHER 0x88b6
#define PAYLOAD 200
#define FRAME (14 + PAYLOAD)
#define ROUND_MS 200
#define MAX_ROUNDS 100 /* 20 s */
#define EXTRA_ROUNDS 3 /* sent after done, so the peer sees our flag */

static mach_port_t master, eth;
static char role, peer_role;
static uint8_t my_mac[6], peer_mac[6];

static uint16_t net16(uint16_t v) { return (uint16_t)(v << 8 | v >> 8); }

static void role_mac(char r, uint8_t *mac)
{
	static const uint8_t base[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x00};
	memcpy(mac, base, 6);
	mac[5] = r == 'a' ? 0x0a : 0x0b;
}

static uint8_t pattern(unsigned i, uint32_t seq) { return (uint8_t)(i * 7 + seq); }

/* A frame of this machine: data frames carry role, flag, seq, pattern. */
static void make_frame(uint8_t *f, uint16_t type, uint32_t seq, int flag)
{
	memcpy(f, peer_mac, 6);
	memcpy(f + 6, my_mac, 6);
	uint16_t t = net16(type);
	memcpy(f + 12, &t, 2);
	uint8_t *p = f + 14;
	p[0] = role;
	p[1] = flag;
	memcpy(p + 2, &seq, 4);
	for (unsigned i = 6; i < PAYLOAD; i++)
		p[i] = pattern(i, seq);
}

static kern_return_t set_filter(mach_port_t port, int pri, filter_t *f, unsigned n)
{
	/* The request moves a send right: make one for each call. */
	mach_port_insert_right(mach_task_self(), port, port, MACH_MSG_TYPE_MAKE_SEND);
	return device_set_filter(eth, port, pri, f, n);
}

static void test_status(void)
{
	int st[DEV_STATUS_MAX];
	mach_msg_type_number_t count = NET_STATUS_COUNT;
	if (is_kr(device_get_status(eth, NET_STATUS, st, &count), D_SUCCESS, "get_status(NET_STATUS)")) {
		struct net_status *ns = (struct net_status *)st;
		is(count, NET_STATUS_COUNT, "NET_STATUS answers %u words", (unsigned)NET_STATUS_COUNT);
		is(ns->header_format, HDR_ETHERNET, "header format Ethernet");
		is(ns->header_size, 14, "header size 14");
		is(ns->address_size, 6, "address size 6");
		is(ns->max_packet_size, 1514, "max packet 1514");
	}
	count = 1;
	is_kr(device_get_status(eth, NET_STATUS, st, &count), D_INVALID_OPERATION,
	      "NET_STATUS with room for 1 word: D_INVALID_OPERATION");
	count = 2;
	if (is_kr(device_get_status(eth, NET_ADDRESS, st, &count), D_SUCCESS, "get_status(NET_ADDRESS)")) {
		is(count, 2, "the address takes 2 words");
		uint8_t mac[8];
		for (int i = 0; i < 2; i++) {
			uint32_t w = __builtin_bswap32((uint32_t)st[i]); /* ntohl */
			memcpy(mac + 4 * i, &w, 4);
		}
		ok(memcmp(mac, my_mac, 6) == 0, "the address is the MAC QEMU was given (%02x:..:%02x)", mac[0], mac[5]);
	}
	count = 4;
	is_kr(device_get_status(eth, 12345, st, &count), D_INVALID_OPERATION, "unknown flavor: D_INVALID_OPERATION");
}

static void test_bad_requests(mach_port_t port)
{
	static filter_t f[NET_MAX_FILTER + 1];
	kern_return_t kr;

	is_kr(set_filter(port, 0, f, 0), D_INVALID_OPERATION, "an empty filter is refused");
	f[0] = 0;
	is_kr(set_filter(port, 0, f, 1), D_INVALID_OPERATION, "a filter without NETF_IN/NETF_OUT is refused");
	f[0] = NETF_BPF | NETF_IN;
	is_kr(set_filter(port, 0, f, 1), D_INVALID_OPERATION, "a BPF program is refused (NETF only)");
	f[0] = NETF_IN;
	f[1] = (20 << NETF_NBPA) | NETF_PUSHZERO;
	is_kr(set_filter(port, 0, f, 2), D_INVALID_OPERATION, "an unknown operator is refused");
	f[1] = NETF_NOP | 5;
	is_kr(set_filter(port, 0, f, 2), D_INVALID_OPERATION, "an unknown argument is refused");
	f[1] = NETF_PUSHLIT | NETF_EQ;
	is_kr(set_filter(port, 0, f, 2), D_INVALID_OPERATION, "a literal missing at the end is refused");
	f[1] = NETF_NOPUSH | NETF_EQ;
	is_kr(set_filter(port, 0, f, 2), D_INVALID_OPERATION, "stack underflow is refused");
	f[1] = NETF_NOPUSH | NETF_COR;
	is_kr(set_filter(port, 0, f, 2), D_INVALID_OPERATION, "popping the last element is refused");
	f[1] = (NETF_PUSHSTK + 1) | NETF_NOP;
	is_kr(set_filter(port, 0, f, 2), D_INVALID_OPERATION, "reading below the stack is refused");
	for (unsigned i = 1; i <= NET_FILTER_STACK_DEPTH; i++)
		f[i] = NETF_PUSHZERO | NETF_NOP;
	is_kr(set_filter(port, 0, f, NET_FILTER_STACK_DEPTH + 1), D_INVALID_OPERATION,
	      "stack overflow (%d pushes) is refused", NET_FILTER_STACK_DEPTH);
	for (unsigned i = 1; i <= NET_MAX_FILTER; i++)
		f[i] = NETF_PUSHZERO | NETF_AND;
	kr = set_filter(port, 0, f, NET_MAX_FILTER + 1);
	ok(kr != D_SUCCESS, "a filter of %d words is refused (0x%x)", NET_MAX_FILTER + 1, kr);
	/* Accepted, then replaced by the real filter: it matches nothing. */
	is_kr(set_filter(port, 0, f, NET_MAX_FILTER), D_SUCCESS, "a filter of %d words is accepted",
	      NET_MAX_FILTER);
	mach_port_mod_refs(mach_task_self(), eth, MACH_PORT_RIGHT_SEND, 1);
	is_kr(device_set_filter(eth, eth, 0, f, 2), D_INVALID_OPERATION,
	      "a filter sending to a kernel object (the device port) is refused");

	uint8_t big[1600];
	memset(big, 0, sizeof(big));
	int n = 0;
	is_kr(device_write(eth, 0, 0, (io_buf_ptr_t)big, 10, &n), D_INVALID_SIZE, "a 10-byte frame is refused");
	is_kr(device_write(eth, 0, 0, (io_buf_ptr_t)big, 1515, &n), D_INVALID_SIZE, "a 1515-byte frame is refused");
	is_kr(device_read_inband(eth, 0, 0, 16, (char *)big, &(mach_msg_type_number_t){16}), D_INVALID_OPERATION,
	      "device_read on eth0: D_INVALID_OPERATION");
}

static struct {
	unsigned data_frames, other_frames, wrong_on_data, wrong_on_other, bad_frames;
	int got_peer, peer_got_mine, checked_layout;
} st;

static void check_data(const struct net_rcv_msg *m)
{
	unsigned count = m->net_rcv_msg_packet_count;
	const uint8_t *h = (const uint8_t *)m->header;
	const uint8_t *pk = (const uint8_t *)m->packet;
	struct packet_header ph;
	memcpy(&ph, pk, sizeof(ph));

	if (ph.type != net16(NET_TYPE_DATA)) {
		st.wrong_on_data++;
		return;
	}
	st.data_frames++;
	const uint8_t *p = pk + sizeof(ph);
	uint32_t seq;
	memcpy(&seq, p + 2, 4);
	int good = count == sizeof(ph) + PAYLOAD && ph.length == count && memcmp(h, my_mac, 6) == 0 &&
		   memcmp(h + 6, peer_mac, 6) == 0 && h[12] == 0x88 && h[13] == 0xb5 && p[0] == peer_role;
	for (unsigned i = 6; good && i < PAYLOAD; i++)
		good = p[i] == pattern(i, seq);
	if (!good) {
		st.bad_frames++;
		return;
	}
	if (!st.checked_layout) {
		st.checked_layout = 1;
		is(m->msg_hdr.msgh_id, NET_RCV_MSG_ID, "a net_rcv_msg has id %d", NET_RCV_MSG_ID);
		is(m->msg_hdr.msgh_size, (sizeof(struct net_rcv_msg) - NET_RCV_MAX + count + 3) & ~3u,
		   "its size is GNU Mach's (header, link header, packet)");
		ok(m->header_type.msgt_name == MACH_MSG_TYPE_BYTE && m->header_type.msgt_number == NET_HDW_HDR_MAX &&
			   m->header_type.msgt_inline,
		   "the link header is %d inline bytes", NET_HDW_HDR_MAX);
		ok(m->packet_type.msgt_name == MACH_MSG_TYPE_BYTE && m->packet_type.msgt_size == 8,
		   "the packet is typed bytes");
		ok(1, "the peer's frame (seq %u) arrived intact: addresses, type, %d bytes of data", (unsigned)seq,
		   PAYLOAD);
	}
	st.got_peer = 1;
	if (p[1])
		st.peer_got_mine = 1;
}

static void check_other(const struct net_rcv_msg *m)
{
	struct packet_header ph;
	memcpy(&ph, m->packet, sizeof(ph));
	if (ph.type == net16(NET_TYPE_OTHER) && memcmp(m->header + 6, peer_mac, 6) == 0)
		st.other_frames++;
	else
		st.wrong_on_other++;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (master = strtoul(argv[1], NULL, 0)) == MACH_PORT_NULL || (argv[2][0] != 'a' && argv[2][0] != 'b'))
		tap_bail("usage: nettest DEVICE-MASTER-PORT a|b");
	role = argv[2][0];
	peer_role = role == 'a' ? 'b' : 'a';
	role_mac(role, my_mac);
	role_mac(peer_role, peer_mac);

	if (!is_kr(device_open(master, D_READ | D_WRITE, "eth0", &eth), D_SUCCESS, "device_open(eth0)"))
		tap_bail("no eth0");
	test_status();

	mach_port_t data_port, other_port, pset;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &data_port);
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &other_port);
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &pset);
	mach_port_move_member(mach_task_self(), data_port, pset);
	mach_port_move_member(mach_task_self(), other_port, pset);
	test_bad_requests(data_port);

	filter_t fdata[] = {NETF_IN, (NETF_PUSHHDR + 6) | NETF_NOP, NETF_PUSHLIT | NETF_EQ, net16(NET_TYPE_DATA)};
	filter_t fother[] = {NETF_IN, (NETF_PUSHWORD + 1) | NETF_NOP, NETF_PUSHLIT | NETF_EQ, net16(NET_TYPE_OTHER)};
	is_kr(set_filter(data_port, 0, fdata, 4), D_SUCCESS, "filter: link header type == 0x%x", NET_TYPE_DATA);
	is_kr(set_filter(other_port, 0, fother, 4), D_SUCCESS, "filter: packet_header type == 0x%x", NET_TYPE_OTHER);

	printf("# exchanging frames with %c\n", peer_role);
	kern_return_t wkr = D_SUCCESS;
	unsigned round = 0, extra = 0;
	for (; round < MAX_ROUNDS && extra < EXTRA_ROUNDS; round++) {
		uint8_t f[FRAME];
		int n = 0;
		make_frame(f, NET_TYPE_DATA, round, st.got_peer);
		kern_return_t kr = device_write(eth, 0, 0, (io_buf_ptr_t)f, FRAME, &n);
		if (kr == D_SUCCESS && n != FRAME)
			kr = D_IO_ERROR;
		make_frame(f, NET_TYPE_OTHER, round, st.got_peer);
		if (kr == D_SUCCESS)
			kr = device_write_inband(eth, 0, 0, (char *)f, 100, &n);
		if (kr != D_SUCCESS && wkr == D_SUCCESS)
			wkr = kr;
		for (;;) {
			static union {
				struct net_rcv_msg m;
				char room[sizeof(struct net_rcv_msg) + 64];
			} buf;
			mach_msg_return_t mr = mach_msg(&buf.m.msg_hdr, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(buf),
							pset, ROUND_MS, MACH_PORT_NULL);
			if (mr != MACH_MSG_SUCCESS)
				break;
			if (buf.m.msg_hdr.msgh_local_port == data_port)
				check_data(&buf.m);
			else if (buf.m.msg_hdr.msgh_local_port == other_port)
				check_other(&buf.m);
		}
		if (st.got_peer && st.peer_got_mine)
			extra++;
	}
	is_kr(wkr, D_SUCCESS, "every frame was sent (device_write and device_write_inband)");
	ok(st.got_peer, "frames from %c arrived through the filter (%u in %u rounds)", peer_role, st.data_frames, round);
	ok(st.peer_got_mine, "%c says it has our frames", peer_role);
	is(st.bad_frames, 0, "no data frame arrived damaged");
	cmp_ok(st.other_frames, ">", 0, "frames of type 0x%x arrived, on the other filter's port", NET_TYPE_OTHER);
	is(st.wrong_on_data, 0, "no frame of another type reached the data filter's port");
	is(st.wrong_on_other, 0, "nothing else reached the other filter's port");
	is_kr(device_close(eth), D_SUCCESS, "device_close(eth0)");
	return tap_done();
}
