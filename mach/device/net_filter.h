/*
 * Packet filters (device_set_filter) and the delivery of received
 * packets as net_rcv_msg messages: GNU Mach's NETF stack language
 * (<device/net_status.h>), shared by every network driver.
 */
#ifndef DEVICE_NET_FILTER_H
#define DEVICE_NET_FILTER_H
#include <stddef.h>
#include <stdint.h>
#include <device/device_types.h>

struct ipc_port;
struct net_filter;

/* The filters of one interface, highest priority first. */
struct net_if {
	struct net_filter *filters;
	unsigned long delivered, dropped; /* messages queued / not queued */
};

/* 0 if the program is well formed, -1 otherwise: header word with
 * NETF_IN or NETF_OUT and type NETF, at most NET_MAX_FILTER words, known
 * operators and arguments, literals present, the stack never deeper
 * than NET_FILTER_STACK_DEPTH nor popped when empty, a result at the
 * end.  BPF programs are not supported (-1). */
int net_filter_validate(const filter_t *filter, unsigned count);

/* Install a validated filter sending to port (takes the send right); a
 * filter already on that port is replaced. */
io_return_t net_set_filter(struct net_if *nif, struct ipc_port *port, int priority, const filter_t *filter,
			   unsigned count);

/* An Ethernet frame received: run the filters and send a net_rcv_msg
 * to each port whose filter accepts it.  Thread context only (it makes
 * and sends messages); never blocks: a full port queue drops the copy. */
void net_input(struct net_if *nif, const uint8_t *frame, size_t len);

/* Ethernet framing. */
#define ETHER_ADDR_LEN 6
#define ETHER_HDR_LEN 14
#define ETHER_MTU 1500
#define ETHER_MIN_LEN 60 /* without the CRC */
#endif
