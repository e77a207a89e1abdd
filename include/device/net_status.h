/*
 * Network interface status, packet filters and the messages that bring
 * received packets: GNU Mach's <device/net_status.h> numbers and layouts
 * (i386), for the kernel and for user programs alike.
 */
#ifndef _DEVICE_NET_STATUS_H_
#define _DEVICE_NET_STATUS_H_

#include <device/device_types.h>
#include <mach/message.h>

/* device_get_status(NET_STATUS): the interface in general. */
struct net_status {
	int min_packet_size; /* minimum size, including header */
	int max_packet_size; /* maximum size, including header */
	int header_format;   /* HDR_* */
	int header_size;     /* size of the link-level header */
	int address_size;    /* size of a link-level address */
	int flags;	     /* interface status */
	int mapped_size;     /* if mappable, virtual memory needed */
};
#define NET_STATUS_COUNT (sizeof(struct net_status) / sizeof(int))
#define NET_STATUS (('n' << 16) + 1)

/* Header formats (RFC 826/1010 hardware types). */
#define HDR_ETHERNET 1
#define HDR_EXP_ETHERNET 2
#define HDR_PRO_NET 4
#define HDR_CHAOS 5
#define HDR_802 6

/* device_get_status(NET_ADDRESS): the address bytes in network order,
 * packed into ints (ntohl each to get the bytes back in memory order). */
#define NET_ADDRESS (('n' << 16) + 2)
#define NET_DSTADDR (('n' << 16) + 3)

/* Interface flags in net_status.flags (BSD's IFF_*). */
#define IFF_UP 0x0001
#define IFF_BROADCAST 0x0002
#define IFF_RUNNING 0x0040

/*
 * Packet filters.  A program is at most NET_MAX_FILTER filter_t words;
 * word 0 is a header: the filter type in the 6 high bits (0: NETF, this
 * stack language; NETF_BPF: BPF) and flags in the 10 low bits (NETF_IN:
 * received packets, NETF_OUT: sent ones).  Each following word is an
 * operator (6 high bits) and an argument (10 low bits): the argument
 * pushes a value (a literal from the next word, zero, a 16-bit word of
 * the packet or of the link header, a stack element), then the operator
 * combines it with the top of the stack.  The packet is accepted if the
 * top of the stack is non-zero at the end.
 */
#define NET_MAX_FILTER 128
#define NET_FILTER_STACK_DEPTH 32

#define CSPF_BYTES(n) ((n) * sizeof(filter_t))

#define NETF_NBPA 10 /* bits per argument */
#define NETF_NBPO 6  /* bits per operator */

#define NETF_ARG(word) ((word) & 0x3ff)
#define NETF_OP(word) (((word) >> NETF_NBPA) & 0x3f)

#define NETF_TYPE_MASK (((1 << NETF_NBPO) - 1) << NETF_NBPA)
#define NETF_BPF (1 << NETF_NBPA)

#define NETF_IN 0x1
#define NETF_OUT 0x2

/* Operators. */
#define NETF_NOP (0 << NETF_NBPA)
#define NETF_EQ (1 << NETF_NBPA)
#define NETF_LT (2 << NETF_NBPA)
#define NETF_LE (3 << NETF_NBPA)
#define NETF_GT (4 << NETF_NBPA)
#define NETF_GE (5 << NETF_NBPA)
#define NETF_AND (6 << NETF_NBPA)
#define NETF_OR (7 << NETF_NBPA)
#define NETF_XOR (8 << NETF_NBPA)
#define NETF_COR (9 << NETF_NBPA)
#define NETF_CAND (10 << NETF_NBPA)
#define NETF_CNOR (11 << NETF_NBPA)
#define NETF_CNAND (12 << NETF_NBPA)
#define NETF_NEQ (13 << NETF_NBPA)
#define NETF_LSH (14 << NETF_NBPA)
#define NETF_RSH (15 << NETF_NBPA)
#define NETF_ADD (16 << NETF_NBPA)
#define NETF_SUB (17 << NETF_NBPA)

/* Arguments. */
#define NETF_NOPUSH 0	   /* pop the top instead of pushing */
#define NETF_PUSHLIT 1	   /* the next filter word */
#define NETF_PUSHZERO 2	   /* 0 */
#define NETF_PUSHIND 14	   /* packet word indexed by the (popped) top */
#define NETF_PUSHHDRIND 15 /* header word indexed by the (popped) top */
#define NETF_PUSHWORD 16   /* packet word 0 .. 943 */
#define NETF_PUSHHDR 960   /* header word 0 .. 31 */
#define NETF_PUSHSTK 992   /* stack element 0 .. 31 (0 is the top) */

/* Priorities: a matching filter at NET_HI_PRI or above ends delivery. */
#define NET_HI_PRI 100
#define NET_PRI_MAX 255

/*
 * A received packet as a message (msgh_id NET_RCV_MSG_ID) to the port
 * of each filter that accepts it: the link-level header, then the packet
 * prefixed with a packet_header (length of packet_header plus data; the
 * type field of the link header, in network order).  msgh_size covers
 * the packet_count bytes actually there, rounded up to a word.
 */
#define NET_RCV_MAX 4095
#define NET_HDW_HDR_MAX 64

#define NET_RCV_MSG_ID 2999 /* in the device_reply range */

struct packet_header {
	unsigned short length;
	unsigned short type; /* network order */
};

struct net_rcv_msg {
	mach_msg_header_t msg_hdr;
	mach_msg_type_t header_type;
	char header[NET_HDW_HDR_MAX];
	mach_msg_type_t packet_type;
	char packet[NET_RCV_MAX];
	boolean_t sent;
};
typedef struct net_rcv_msg *net_rcv_msg_t;
#define net_rcv_msg_packet_count packet_type.msgt_number

#endif /* _DEVICE_NET_STATUS_H_ */
