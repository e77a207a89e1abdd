/*
 * A one-process stand-in for the kernel, for the interoperability test:
 * mach_msg hands the request to the current server's demux and the reply
 * back, transforming each message as GNU Mach would deliver it: header
 * ports swapped, port dispositions turned into what the receiver holds
 * (MAKE_SEND -> PORT_SEND ...), out-of-line data copied to fresh memory
 * (and the sender's released when it asked for deallocation), and a
 * sequence number stamped.  All out-of-line memory is malloc'd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/mig_support.h>
#include "interop_shim.h"
#include "interop_types.h"

boolean_t (*shim_demux)(mach_msg_header_t *, mach_msg_header_t *);
mach_port_seqno_t shim_seqno = 1000;
void (*shim_corrupt_request)(mach_msg_header_t *);
void (*shim_corrupt_reply)(mach_msg_header_t *);
int shim_ool_live; /* out-of-line regions handed out and not yet freed */

static int received(int name)
{
	switch (name) {
	case MACH_MSG_TYPE_MOVE_RECEIVE: return MACH_MSG_TYPE_PORT_RECEIVE;
	case MACH_MSG_TYPE_MOVE_SEND:
	case MACH_MSG_TYPE_COPY_SEND:
	case MACH_MSG_TYPE_MAKE_SEND: return MACH_MSG_TYPE_PORT_SEND;
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
	case MACH_MSG_TYPE_MAKE_SEND_ONCE: return MACH_MSG_TYPE_PORT_SEND_ONCE;
	default: return name;
	}
}

void *shim_alloc(size_t n)
{
	shim_ool_live++;
	return malloc(n ? n : 1);
}

void shim_free(void *p)
{
	if (p != NULL)
		shim_ool_live--;
	free(p);
}

/* Deliver msg in place; returns 0 or a MACH_SEND_* code. */
static int deliver(mach_msg_header_t *msg)
{
	mach_msg_bits_t bits = msg->msgh_bits;
	mach_port_t remote = msg->msgh_remote_port;
	msg->msgh_remote_port = msg->msgh_local_port;
	msg->msgh_local_port = remote;
	msg->msgh_bits = MACH_MSGH_BITS_OTHER(bits) |
		MACH_MSGH_BITS(received(MACH_MSGH_BITS_LOCAL(bits)),
			       received(MACH_MSGH_BITS_REMOTE(bits)));
	msg->msgh_seqno = shim_seqno++;
	if (msg->msgh_local_port == SHIM_PAYLOAD_PORT) {
		/* The receive right carries a payload: the kernel hands
		   that over in place of the destination's name. */
		msg->msgh_bits = MACH_MSGH_BITS_OTHER(msg->msgh_bits) |
			MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(msg->msgh_bits),
				       MACH_MSG_TYPE_PROTECTED_PAYLOAD);
		msg->msgh_protected_payload = SHIM_PAYLOAD(SHIM_PAYLOAD_PORT);
	}

	char *p = (char *)(msg + 1), *end = (char *)msg + msg->msgh_size;
	while (p < end) {
		mach_msg_type_t t;
		memcpy(&t, p, sizeof t);
		unsigned name = t.msgt_name, size = t.msgt_size, number = t.msgt_number;
		size_t hdr = sizeof t;
		if (t.msgt_longform) {
			mach_msg_type_long_t l;
			memcpy(&l, p, sizeof l);
			name = l.msgtl_name;
			size = l.msgtl_size;
			number = l.msgtl_number;
			l.msgtl_name = (unsigned short)received((int)name);
			memcpy(p, &l, sizeof l);
			hdr = sizeof l;
		} else {
			t.msgt_name = (unsigned)received((int)name) & 0xff;
			memcpy(p, &t, sizeof t);
		}
		if (MACH_MSG_TYPE_PORT_ANY(name) && !(bits & MACH_MSGH_BITS_COMPLEX))
			return MACH_SEND_INVALID_TYPE;
		p += hdr;
		size_t bytes = ((size_t)number * size + 7) / 8;
		if (t.msgt_inline) {
			p += (bytes + 3) & ~(size_t)3;
			continue;
		}
		if (!(bits & MACH_MSGH_BITS_COMPLEX))
			return MACH_SEND_INVALID_TYPE;
		void *old, *new;
		memcpy(&old, p, sizeof old);
		new = shim_alloc(bytes);
		memcpy(new, old, bytes);
		if (t.msgt_deallocate)
			shim_free(old);
		memcpy(p, &new, sizeof new);
		p += sizeof new;
	}
	return p == end ? 0 : MACH_SEND_MSG_TOO_SMALL;
}

mach_msg_return_t mach_msg(mach_msg_header_t *msg, mach_msg_option_t option,
			   mach_msg_size_t send_size, mach_msg_size_t rcv_size,
			   mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
			   mach_port_name_t notify)
{
	static union { mach_msg_header_t h; char b[65536]; } req, rep;
	(void)timeout;
	(void)notify;
	if (!(option & MACH_SEND_MSG) || send_size != msg->msgh_size ||
	    send_size > sizeof req || send_size % 4 != 0)
		return MACH_SEND_MSG_TOO_SMALL;
	memcpy(&req, msg, send_size);
	if (shim_corrupt_request != NULL)
		shim_corrupt_request(&req.h);
	int err = deliver(&req.h);
	if (err)
		return err;
	memset(&rep, 0xa5, sizeof rep); /* stubs must not rely on zeroes */
	shim_demux(&req.h, &rep.h);
	if (!(option & MACH_RCV_MSG))
		return MACH_MSG_SUCCESS;
	if (rcv_name != req.h.msgh_remote_port)
		return MACH_RCV_INVALID_NAME;
	if (shim_corrupt_reply != NULL)
		shim_corrupt_reply(&rep.h);
	err = deliver(&rep.h);
	if (err)
		return err;
	if (rep.h.msgh_size > rcv_size)
		return MACH_RCV_TOO_LARGE;
	memcpy(msg, &rep, rep.h.msgh_size);
	return MACH_MSG_SUCCESS;
}

mach_port_t mig_get_reply_port(void) { return SHIM_REPLY_PORT; }
void mig_dealloc_reply_port(mach_port_t port) { (void)port; }
void (mig_put_reply_port)(mach_port_t port) { (void)port; }
void mig_deallocate(vm_offset_t addr, vm_size_t size) { (void)size; shim_free((void *)addr); }
void mig_allocate(vm_offset_t *addr, vm_size_t size) { *addr = (vm_offset_t)shim_alloc(size); }

/* GNU MIG's user stubs: copy, terminate, return the length without NUL. */
int mig_strncpy(char *dst, const char *src, int len)
{
	int i = 0;
	if (len <= 0)
		return 0;
	while (i < len - 1 && src[i] != 0) {
		dst[i] = src[i];
		i++;
	}
	dst[i] = 0;
	return i;
}

/* The servers' translations of obj_t and pport_t (interop.defs). */
int interop_obj_live;

static interop_obj_t obj_new(int via_payload, unsigned long value)
{
	interop_obj_t o = malloc(sizeof *o);
	o->via_payload = via_payload;
	o->value = value;
	interop_obj_live++;
	return o;
}

interop_obj_t interop_obj_from_port(mach_port_t port) { return obj_new(0, port); }
interop_obj_t interop_obj_from_payload(unsigned long payload) { return obj_new(1, payload); }

void interop_obj_release(interop_obj_t obj)
{
	interop_obj_live--;
	free(obj);
}

mach_port_t interop_payload_to_port(unsigned long payload)
{
	return (mach_port_t)(payload + 1000);
}
