/*
 * The IPC fast path (docs/ipc.md): mach_msg(SEND|RCV) of simple messages
 * delivered straight to a blocked receiver, to the caller's own port, or
 * to a kernel object.  Whether a call took it or the general path, the
 * outcome must be the same, so these checks pin what a receiver sees
 * (header, rights, sequence numbers, data) where the fast path applies,
 * and at each of its boundaries, where it must leave the call to the
 * general path: messages already queued, a receive buffer too small with
 * and without MACH_RCV_LARGE, a dead send-once reply right, a receiver
 * buffer not mapped or read-only, a sender's message reaching into an
 * unmapped page, buffers across page boundaries, a
 * no-senders request, a receiver in another task or on a port set; and
 * those of the assembly's common RPC (i386/ipc_fast.S), where it leaves
 * the call to C (test_hand_path_boundaries).
 */
#include <string.h>
#include <cthreads.h>
#include <mach/mach_port.h>
#include <mach/mach_i386.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define SETTLE_MS 20 /* let a server thread reach its receive (correct either way) */
#define MAX_SERVED 4
#define BIG 1024

/* A server thread: receives `count` messages on rcv_name into buf and
 * answers each that has a reply right with value + 1 (SEND|RCV for all
 * but the last), recording what it saw. */
struct server {
	mach_port_t rcv_name;
	mach_msg_header_t *buf;
	mach_msg_size_t rcv_size;
	mach_msg_option_t option;
	mach_msg_timeout_t timeout;
	int count;
	mach_msg_return_t mr[MAX_SERVED];
	mach_msg_header_t head[MAX_SERVED];
	int value[MAX_SERVED];
	mach_port_type_t reply_type[MAX_SERVED];
	mach_msg_return_t last_send;
	mach_port_t poke; /* if not null: sent a message (id POKE_ID) before the first reply */
	volatile int served; /* messages received so far */
};

#define POKE_ID 99

static void *serve(void *arg)
{
	struct server *s = arg;
	struct msg32 *m = (struct msg32 *)s->buf;
	mach_msg_return_t mr = mach_msg(s->buf, MACH_RCV_MSG | s->option, 0, s->rcv_size, s->rcv_name, s->timeout,
					MACH_PORT_NULL);

	for (int i = 0; i < s->count; i++) {
		s->mr[i] = mr;
		s->head[i] = m->head;
		s->value[i] = mr == MACH_MSG_SUCCESS && m->head.msgh_size >= sizeof(*m) ? m->value : -1;
		s->reply_type[i] = MACH_PORT_VALID(m->head.msgh_remote_port) ? ptype(m->head.msgh_remote_port) : 0;
		s->served = i + 1;
		int last = i + 1 == s->count;
		mach_msg_option_t op = last ? MACH_SEND_MSG : MACH_SEND_MSG | MACH_RCV_MSG | s->option;
		if (mr == MACH_MSG_SUCCESS && MACH_PORT_VALID(m->head.msgh_remote_port)) {
			if (i == 0 && MACH_PORT_VALID(s->poke))
				send_int(s->poke, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, POKE_ID, POKE_ID, 0, 0);
			m->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
			m->head.msgh_size = sizeof(*m);
			m->head.msgh_local_port = MACH_PORT_NULL;
			m->head.msgh_id += 100;
			m->type = int_type;
			m->value = s->value[i] + 1;
			mr = mach_msg(s->buf, op, sizeof(*m), s->rcv_size, s->rcv_name, s->timeout, MACH_PORT_NULL);
			if (last)
				s->last_send = mr;
		} else if (!last) {
			mr = mach_msg(s->buf, MACH_RCV_MSG | s->option, 0, s->rcv_size, s->rcv_name, s->timeout,
				      MACH_PORT_NULL);
		}
	}
	return NULL;
}

static cthread_t start_server(struct server *s)
{
	cthread_t t;
	if (cthread_create(&t, serve, s) != KERN_SUCCESS)
		return NULL;
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, SETTLE_MS);
	return t;
}

/* One RPC: value to dest (disposition disp), the reply received on
 * rcv_name into *out (rcv_size bytes of it) with the given options and
 * receive time-out. */
static mach_msg_return_t rpc_on(mach_port_t dest, mach_msg_type_name_t disp, mach_port_t reply, mach_port_t rcv_name,
				mach_msg_id_t id, int value, mach_msg_option_t option, mach_msg_timeout_t timeout,
				mach_msg_size_t rcv_size, struct msg32 *out)
{
	memset(out, 0, sizeof(*out));
	out->head.msgh_bits = MACH_MSGH_BITS(disp, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	out->head.msgh_size = sizeof(*out);
	out->head.msgh_remote_port = dest;
	out->head.msgh_local_port = reply;
	out->head.msgh_id = id;
	out->type = int_type;
	out->value = value;
	return mach_msg(&out->head, MACH_SEND_MSG | MACH_RCV_MSG | option, sizeof(*out), rcv_size, rcv_name, timeout,
			MACH_PORT_NULL);
}

/* One RPC: value to dest (disposition disp), the reply into *out. */
static mach_msg_return_t rpc(mach_port_t dest, mach_msg_type_name_t disp, mach_port_t reply, mach_msg_id_t id,
			     int value, mach_msg_option_t option, struct msg32 *out)
{
	return rpc_on(dest, disp, reply, reply, id, value, option, 1000, sizeof(*out), out);
}

static void test_rpc_between_threads(void)
{
	mach_port_t p = new_port_with_send(), reply = new_port();
	struct rcv_buf buf;
	struct server s = {.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 3};
	long names = name_count();
	cthread_t t = start_server(&s);
	struct msg32 m;

	ok(t != NULL, "a server thread receives on a port");
	for (int i = 0; i < 3; i++) {
		is_kr(rpc(p, MACH_MSG_TYPE_COPY_SEND, reply, 10 + i, 5 * i, 0, &m), MACH_MSG_SUCCESS, "RPC %d", i);
		is(m.value, 5 * i + 1, "reply %d carries the server's answer", i);
		is(m.head.msgh_id, 110 + i, "with the reply id");
		is_kr(m.head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE),
		      "the reply came on our send-once right, no reply right");
		is(m.head.msgh_local_port, reply, "local: our reply port");
		is(m.head.msgh_remote_port, MACH_PORT_NULL, "remote: none");
		is(m.head.msgh_size, sizeof(m), "size as sent");
		is(m.head.msgh_seqno, i, "the reply port's sequence number %d", i);
	}
	cthread_join(t);
	for (int i = 0; i < 3; i++) {
		is_kr(s.mr[i], MACH_MSG_SUCCESS, "the server received request %d", i);
		is(s.value[i], 5 * i, "with its value");
		is(s.head[i].msgh_seqno, i, "sequence number %d on the server's port", i);
		is(s.head[i].msgh_local_port, p, "local: the server's name for its port");
		is_kr(s.head[i].msgh_bits, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND),
		      "bits: a send-once reply right, received through a send right");
		is(s.reply_type[i], MACH_PORT_TYPE_SEND_ONCE, "the reply name held a send-once right");
		is(s.head[i].msgh_size, sizeof(m), "size as sent");
	}
	is_kr(s.last_send, MACH_MSG_SUCCESS, "the last reply sent");
	is(name_count(), names, "no name left behind (reply rights used up)");
	is(urefs(p, MACH_PORT_RIGHT_SEND), 1, "the copied send right is still one reference");
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* MAKE_SEND and MAKE_SEND_ONCE destinations, and MAKE_SEND with a
 * no-senders request: the right made and used up by delivery counts in
 * mscount, and the notification still comes. */
static void test_made_rights(void)
{
	mach_port_t p = new_port(), reply = new_port(), notify = new_port(), prev;
	struct rcv_buf buf, nbuf;
	struct server s = {.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 2};
	cthread_t t = start_server(&s);
	struct msg32 m;

	is_kr(rpc(p, MACH_MSG_TYPE_MAKE_SEND_ONCE, reply, 1, 1, 0, &m), MACH_MSG_SUCCESS, "RPC with MAKE_SEND_ONCE");
	is(m.value, 2, "answered");
	mach_port_t so = MACH_PORT_NULL;
	mach_msg_type_name_t so_type;
	mach_port_extract_right(T, notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &so_type);
	is_kr(mach_port_request_notification(T, p, MACH_NOTIFY_NO_SENDERS, 0, so, &prev), KERN_SUCCESS, "a no-senders request on the server's port (no send right exists)");
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, SETTLE_MS);
	is_kr(rpc(p, MACH_MSG_TYPE_MAKE_SEND, reply, 2, 2, 0, &m), MACH_MSG_SUCCESS, "RPC with MAKE_SEND");
	is(m.value, 3, "answered");
	cthread_join(t);
	is_kr(s.head[0].msgh_bits, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND_ONCE),
	      "received through the made send-once right");
	is_kr(s.head[1].msgh_bits, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND),
	      "received through the made send right");
	mach_port_status_t st;
	if (is_kr(mach_port_get_receive_status(T, p, &st), KERN_SUCCESS, "receive status"))
		is(st.mps_mscount, 1, "mscount counts the send right made");
	is_kr(receive(notify, &nbuf, 1000), MACH_MSG_SUCCESS, "a notification came");
	is(nbuf.head.msgh_id, MACH_NOTIFY_NO_SENDERS, "no-senders, once the made right was used up");
	is(ptype(p), MACH_PORT_TYPE_RECEIVE, "no send right left");
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
	mach_port_destroy(T, notify);
}

/* SEND|RCV of value to p (COPY_SEND), receiving on p into the same buffer. */
static mach_msg_return_t self_send_receive(struct msg32 *m, mach_port_t p, mach_msg_id_t id, int value)
{
	memset(m, 0, sizeof(*m));
	m->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m->head.msgh_size = sizeof(*m);
	m->head.msgh_remote_port = p;
	m->head.msgh_id = id;
	m->type = int_type;
	m->value = value;
	return mach_msg(&m->head, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(*m), sizeof(*m), p, 0, MACH_PORT_NULL);
}

/* SEND|RCV on the caller's own port: with messages queued, the queued
 * one comes first and the new one waits its turn. */
static void test_self_order(void)
{
	mach_port_t p = new_port_with_send();
	struct msg32 m;
	struct rcv_buf buf;

	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, 11, 0, 0), MACH_MSG_SUCCESS,
	      "one message queued on our port");
	is_kr(self_send_receive(&m, p, 2, 22), MACH_MSG_SUCCESS, "SEND|RCV of a second to the same port");
	is(m.head.msgh_id, 1, "the first message comes first");
	is(m.value, 11, "with its value");
	is(m.head.msgh_seqno, 0, "sequence number 0");
	is_kr(receive(p, &buf, 100), MACH_MSG_SUCCESS, "the second is still queued");
	is(buf.head.msgh_id, 2, "and comes next");
	is(buf.head.msgh_seqno, 1, "sequence number 1");
	/* Now the queue is empty: the message is received where it was sent. */
	is_kr(self_send_receive(&m, p, 3, 33), MACH_MSG_SUCCESS, "SEND|RCV to our port with nothing queued");
	is(m.head.msgh_id, 3, "our own message");
	is(m.value, 33, "its body as sent");
	is(m.head.msgh_seqno, 2, "sequence number 2");
	is(m.head.msgh_local_port, p, "local: our port");
	is_kr(m.head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND), "bits: no reply, a send right");
	is(urefs(p, MACH_PORT_RIGHT_SEND), 1, "the copied send right is one reference, as before");
	mach_port_destroy(T, p);
}

/* SEND|RCV to our own port into a buffer too small. */
static void test_self_too_small(void)
{
	mach_port_t p = new_port(), notify = new_port();
	struct msg32 m;
	struct rcv_buf buf;

	memset(&m, 0, sizeof(m));
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_size = sizeof(m);
	m.head.msgh_remote_port = p;
	m.head.msgh_local_port = notify;
	m.head.msgh_id = 4;
	m.type = int_type;
	is_kr(mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m), sizeof(m.head), p, 0, MACH_PORT_NULL),
	      MACH_RCV_TOO_LARGE, "no MACH_RCV_LARGE: MACH_RCV_TOO_LARGE");
	is(m.head.msgh_local_port, p, "the header names the port");
	is_kr(receive(notify, &buf, 1000), MACH_MSG_SUCCESS, "the message was destroyed with its reply right");
	is(buf.head.msgh_id, MACH_NOTIFY_SEND_ONCE, "which sent a send-once notification");
	is_kr(receive(p, &buf, 100), MACH_MSG_SUCCESS, "so did its destination right, to our port");
	is(buf.head.msgh_id, MACH_NOTIFY_SEND_ONCE, "a send-once notification");
	is_kr(receive(p, &buf, 10), MACH_RCV_TIMED_OUT, "nothing else queued");

	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_size = sizeof(m);
	m.head.msgh_remote_port = p;
	m.head.msgh_local_port = notify;
	is_kr(mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_LARGE, sizeof(m), sizeof(m.head), p, 0,
		       MACH_PORT_NULL),
	      MACH_RCV_TOO_LARGE, "MACH_RCV_LARGE: MACH_RCV_TOO_LARGE");
	is(m.head.msgh_size, sizeof(m), "with the size needed");
	is_kr(receive(p, &buf, 100), MACH_MSG_SUCCESS, "the message stayed queued");
	is(buf.head.msgh_id, 4, "whole");
	is(ptype(buf.head.msgh_remote_port), MACH_PORT_TYPE_SEND_ONCE, "its reply right too");
	mach_port_deallocate(T, buf.head.msgh_remote_port);
	is_kr(receive(notify, &buf, 1000), MACH_MSG_SUCCESS, "(dropping it notifies)");
	mach_port_destroy(T, p);
	mach_port_destroy(T, notify);
}

/* A server thread with a buffer too small for the request. */
static void test_receiver_too_small(void)
{
	mach_port_t p = new_port_with_send(), reply = new_port();
	struct rcv_buf buf;
	struct msg32 m;
	struct server s = {.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(mach_msg_header_t), .count = 1};
	cthread_t t = start_server(&s);

	is_kr(rpc(p, MACH_MSG_TYPE_COPY_SEND, reply, 5, 5, MACH_RCV_TIMEOUT, &m), MACH_MSG_SUCCESS,
	      "RPC to a server whose buffer holds a header only");
	is(m.head.msgh_id, MACH_NOTIFY_SEND_ONCE, "our reply right came back as a send-once notification");
	cthread_join(t);
	is_kr(s.mr[0], MACH_RCV_TOO_LARGE, "the server got MACH_RCV_TOO_LARGE");
	is(s.head[0].msgh_local_port, p, "and the header naming its port");

	s = (struct server){.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(mach_msg_header_t),
			    .option = MACH_RCV_LARGE, .count = 1};
	t = start_server(&s);
	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 6, 6, 0, 0), MACH_MSG_SUCCESS,
	      "a message to a server with MACH_RCV_LARGE and a small buffer");
	cthread_join(t);
	is_kr(s.mr[0], MACH_RCV_TOO_LARGE, "MACH_RCV_TOO_LARGE");
	is(s.head[0].msgh_size, sizeof(struct msg32), "with the size needed");
	is_kr(receive(p, &buf, 100), MACH_MSG_SUCCESS, "the message stayed queued");
	is(buf.head.msgh_id, 6, "whole");
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* A server thread receiving on a port set: the message is named by the
 * member port, with its sequence numbers. */
static void test_receiver_in_set(void)
{
	mach_port_t p = new_port_with_send(), set, reply = new_port();
	struct rcv_buf buf;
	struct msg32 m;

	mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &set);
	mach_port_move_member(T, p, set);
	struct server s = {.rcv_name = set, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 2};
	cthread_t t = start_server(&s);
	for (int i = 0; i < 2; i++) {
		is_kr(rpc(p, MACH_MSG_TYPE_COPY_SEND, reply, 7, 70 + i, 0, &m), MACH_MSG_SUCCESS,
		      "RPC to a port in a set the server receives on (%d)", i);
		is(m.value, 71 + i, "answered");
	}
	cthread_join(t);
	is(s.head[0].msgh_local_port, p, "local: the member port, not the set");
	is(s.head[1].msgh_seqno, 1, "sequence numbers of the port");
	mach_port_destroy(T, p);
	mach_port_destroy(T, set);
	mach_port_destroy(T, reply);
}

/* The reply right's port is destroyed before the reply. */
static void test_dead_reply(void)
{
	mach_port_t p = new_port_with_send(), r = new_port();
	struct rcv_buf buf;
	struct msg32 *m = (struct msg32 *)&buf;

	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, 8, 8, 0, 0), MACH_MSG_SUCCESS,
	      "a request with a send-once reply right");
	is_kr(receive(p, &buf, 100), MACH_MSG_SUCCESS, "received");
	mach_port_t so = buf.head.msgh_remote_port;
	mach_port_destroy(T, r);
	m->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
	m->head.msgh_size = sizeof(*m);
	m->head.msgh_local_port = MACH_PORT_NULL;
	is_kr(mach_msg(&m->head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(*m), sizeof(buf), p, 10,
		       MACH_PORT_NULL),
	      MACH_SEND_INVALID_DEST, "the reply to the destroyed port: MACH_SEND_INVALID_DEST");
	is(ptype(so), MACH_PORT_TYPE_DEAD_NAME, "its name is a dead name");
	mach_port_deallocate(T, so);
	mach_port_destroy(T, p);
}

/* Receive buffers the kernel cannot write at once: a page not yet
 * touched (the general path faults it in) and a read-only one. */
static void test_receiver_pages(void)
{
	mach_port_t p = new_port_with_send(), reply = new_port();
	vm_address_t page = 0;
	struct msg32 m;

	if (!is_kr(vm_allocate(T, &page, 2 * vm_page_size, TRUE), KERN_SUCCESS, "two fresh pages"))
		return;
	struct server s = {.rcv_name = p, .buf = (mach_msg_header_t *)page, .rcv_size = 256, .count = 1};
	cthread_t t = start_server(&s);
	is_kr(rpc(p, MACH_MSG_TYPE_COPY_SEND, reply, 9, 90, 0, &m), MACH_MSG_SUCCESS,
	      "RPC to a server receiving into a page never touched");
	is(m.value, 91, "answered");
	cthread_join(t);
	is(s.value[0], 90, "the server got the value");

	vm_address_t ro = page + vm_page_size;
	*(volatile int *)ro = 1;
	vm_protect(T, ro, vm_page_size, FALSE, VM_PROT_READ);
	s = (struct server){.rcv_name = p, .buf = (mach_msg_header_t *)ro, .rcv_size = 256, .count = 1};
	t = start_server(&s);
	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 10, 10, 0, 0), MACH_MSG_SUCCESS,
	      "a message to a server receiving into a read-only page");
	cthread_join(t);
	is_kr(s.mr[0], MACH_RCV_INVALID_DATA, "MACH_RCV_INVALID_DATA");
	vm_deallocate(T, page, 2 * vm_page_size);
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* The sender's message where it cannot all be read: the header, or
 * only the body, reaching into an unmapped page, with a server waiting
 * (the fast path's shape otherwise).  MACH_SEND_INVALID_DATA and nothing
 * sent: the server gets the next message. */
static void test_sender_pages(void)
{
	static const unsigned edges[] = {16, sizeof(mach_msg_header_t)};
	mach_port_t p = new_port_with_send(), reply = new_port();
	struct msg32 m;

	for (int i = 0; i < 2; i++) {
		vm_address_t area = 0;
		if (!is_kr(vm_allocate(T, &area, 2 * vm_page_size, TRUE), KERN_SUCCESS, "two pages"))
			break;
		struct msg32 *edge = (struct msg32 *)(area + vm_page_size - edges[i]);
		memset((void *)area, 0, vm_page_size);
		edge->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		edge->head.msgh_size = sizeof(*edge);
		edge->head.msgh_remote_port = p;
		edge->head.msgh_local_port = reply;
		struct server s = {.rcv_name = p, .buf = (mach_msg_header_t *)&m, .rcv_size = sizeof(m), .count = 1};
		struct msg32 ans;
		cthread_t t = start_server(&s);
		/* After the server's stack is allocated: nothing maps it again. */
		vm_deallocate(T, area + vm_page_size, vm_page_size);
		is_kr(mach_msg(&edge->head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(*edge),
			       sizeof(*edge), reply, 100, MACH_PORT_NULL),
		      MACH_SEND_INVALID_DATA, "SEND|RCV with the %s in an unmapped page: MACH_SEND_INVALID_DATA",
		      i == 0 ? "header's end" : "body");
		is_kr(rpc(p, MACH_MSG_TYPE_COPY_SEND, reply, 11 + i, 110 + i, 0, &ans), MACH_MSG_SUCCESS,
		      "the next RPC");
		cthread_join(t);
		is(s.head[0].msgh_id, 11 + i, "is the first message the server sees");
		is(ans.value, 111 + i, "and is answered");
		vm_deallocate(T, area, vm_page_size);
	}
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* Sender's and receiver's buffers across page boundaries (the given
 * number of bytes before one), the header itself split, and 1 KiB
 * bodies. */
struct msg_big {
	mach_msg_header_t head;
	mach_msg_type_t type;
	unsigned char data[BIG];
};

static struct msg_big *big_reply_buf;

static void *echo_big(void *arg)
{
	mach_port_t p = (mach_port_t)(uintptr_t)arg;
	struct msg_big *m = big_reply_buf;
	mach_msg_return_t mr = mach_msg(&m->head, MACH_RCV_MSG, 0, sizeof(*m), p, 0, MACH_PORT_NULL);

	for (int i = 0; mr == MACH_MSG_SUCCESS && i < 2; i++) {
		m->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
		m->head.msgh_local_port = MACH_PORT_NULL;
		m->head.msgh_id += 100;
		for (unsigned j = 0; j < BIG; j++)
			m->data[j] ^= 0xff;
		mr = mach_msg(&m->head, i == 1 ? MACH_SEND_MSG : MACH_SEND_MSG | MACH_RCV_MSG, m->head.msgh_size,
			      sizeof(*m), p, 0, MACH_PORT_NULL);
	}
	return NULL;
}

static void test_page_crossing(unsigned snd_back, unsigned rcv_back)
{
	mach_port_t p = new_port_with_send(), reply = new_port();
	vm_address_t area = 0;

	if (!is_kr(vm_allocate(T, &area, 4 * vm_page_size, TRUE), KERN_SUCCESS, "four pages"))
		return;
	memset((void *)area, 0, 4 * vm_page_size);
	/* The header straddles the first boundary on our side, the body the
	 * third on the server's. */
	struct msg_big *m = (struct msg_big *)(area + vm_page_size - snd_back);
	big_reply_buf = (struct msg_big *)(area + 3 * vm_page_size - rcv_back);
	cthread_t t;
	cthread_create(&t, echo_big, (void *)(uintptr_t)p);
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, SETTLE_MS);
	for (int round = 0; round < 2; round++) {
		m->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m->head.msgh_size = sizeof(*m);
		m->head.msgh_remote_port = p;
		m->head.msgh_local_port = reply;
		m->head.msgh_id = 20 + round;
		m->type = (mach_msg_type_t){MACH_MSG_TYPE_INTEGER_8, 8, BIG, 1, 0, 0, 0};
		for (unsigned j = 0; j < BIG; j++)
			m->data[j] = (unsigned char)(j * 7 + round);
		is_kr(mach_msg(&m->head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(*m), sizeof(*m),
			       reply, 1000, MACH_PORT_NULL),
		      MACH_MSG_SUCCESS, "1 KiB RPC across page boundaries (%u, %u bytes before; %d)", snd_back,
		      rcv_back, round);
		is(m->head.msgh_id, 120 + round, "the echo");
		is(m->head.msgh_size, sizeof(*m), "whole");
		int same = 1;
		for (unsigned j = 0; j < BIG; j++)
			same &= m->data[j] == (unsigned char)~(j * 7 + round);
		ok(same, "every byte went there and back");
	}
	cthread_join(t);
	vm_deallocate(T, area, 4 * vm_page_size);
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* A receiver waiting with a time-out gets the message; its next receive
 * still times out as asked. */
static void test_receiver_timeout(void)
{
	mach_port_t p = new_port_with_send(), reply = new_port();
	struct rcv_buf buf;
	struct msg32 m;
	struct server s = {.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .option = MACH_RCV_TIMEOUT,
			   .timeout = 2000, .count = 2};
	cthread_t t = start_server(&s);

	is_kr(rpc(p, MACH_MSG_TYPE_COPY_SEND, reply, 30, 30, 0, &m), MACH_MSG_SUCCESS,
	      "RPC to a server receiving with a time-out");
	is(m.value, 31, "answered");
	s.timeout = 50;
	cthread_join(t);
	is_kr(s.mr[1], MACH_RCV_TIMED_OUT, "its next receive timed out");
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* A receiver handed a message while the sender does not block for its
 * reply (one is already queued) would sit on the run queue with its
 * receive completed, where a suspension and then a termination would
 * lose the message: the fast path declines, the message is queued, and
 * the receiver, suspended before it ran, leaves it there (its receive
 * interrupted, which mach_msg retries once it is resumed). */
static void test_delivered_then_suspended(void)
{
	mach_port_t p = new_port_with_send(), reply = new_port_with_send();
	struct rcv_buf buf;
	struct msg32 m;
	struct server s = {.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 1};
	cthread_t t = start_server(&s);
	mach_port_t th = cthread_kernel_port(t);
	thread_basic_info_data_t info;
	mach_msg_type_number_t n = THREAD_BASIC_INFO_COUNT;

	/* With a message already on our reply port we do not block, so the
	 * server does not run before we suspend it: not even if our time
	 * slice ends in between, below our priority. */
	is_kr(thread_info(th, THREAD_BASIC_INFO, (thread_info_t)&info, &n), KERN_SUCCESS, "the server's priority");
	is_kr(thread_priority(th, info.base_priority + 1, FALSE), KERN_SUCCESS, "lowered below ours");
	is_kr(send_int(reply, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 60, 60, 0, 0), MACH_MSG_SUCCESS,
	      "a message waits on our reply port");
	buf.head.msgh_id = 0;
	is_kr(rpc(p, MACH_MSG_TYPE_COPY_SEND, reply, 61, 61, 0, &m), MACH_MSG_SUCCESS, "SEND|RCV to the server");
	is(m.head.msgh_id, 60, "we got the message that was waiting");
	is_kr(thread_suspend(th), KERN_SUCCESS, "suspend the server before it runs");
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, SETTLE_MS);
	is(s.served, 0, "it has not returned to user mode");
	cmp_ok(buf.head.msgh_id, "!=", 61, "the message is not in its buffer");
	mach_port_status_t st;
	if (is_kr(mach_port_get_receive_status(T, p, &st), KERN_SUCCESS, "the port's status"))
		is(st.mps_msgcount, 1, "the message is still queued");
	/* Back to ours: cthread_join waits by yielding, which no lower priority gets. */
	is_kr(thread_priority(th, info.base_priority, FALSE), KERN_SUCCESS, "its priority back");
	is_kr(thread_resume(th), KERN_SUCCESS, "resume it");
	struct rcv_buf answer;
	is_kr(receive(reply, &answer, 1000), MACH_MSG_SUCCESS, "its reply comes");
	is(((struct msg32 *)&answer)->value, 62, "with the answer");
	cthread_join(t);
	is_kr(s.mr[0], MACH_MSG_SUCCESS, "it saw a successful receive");
	is(s.value[0], 61, "of our value");
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* --- The common RPC by hand (i386/ipc_fast.S) -------------------------- */

/* SEND|RCV as an RPC's request with the given options and no time-out
 * (the shape the assembly takes), receiving the reply on rcv_name. */
static mach_msg_return_t rpc_to(mach_port_t dest, mach_port_t reply, mach_port_t rcv_name, mach_msg_id_t id,
				int value, mach_msg_option_t option, mach_msg_size_t rcv_size, struct msg32 *out)
{
	return rpc_on(dest, MACH_MSG_TYPE_COPY_SEND, reply, rcv_name, id, value, option, 0, rcv_size, out);
}

/* A server for two messages on rcv_name (started in *s); a message (id)
 * to `first` just before an RPC (id + 1, value 10 * (id + 1)) to p: the
 * server receives both, the RPC is answered. */
static void queued_then_rpc(struct server *s, struct rcv_buf *buf, mach_port_t rcv_name, mach_port_t first,
			    mach_port_t p, mach_port_t reply, mach_msg_id_t id, const char *first_what)
{
	struct msg32 m;

	*s = (struct server){.rcv_name = rcv_name, .buf = &buf->head, .rcv_size = sizeof(*buf), .count = 2};
	cthread_t t = start_server(s);
	is_kr(send_int(first, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, id, id, 0, 0), MACH_MSG_SUCCESS, "%s",
	      first_what);
	is_kr(rpc_to(p, reply, reply, id + 1, 10 * (id + 1), 0, sizeof(m), &m), MACH_MSG_SUCCESS,
	      "an RPC right after it");
	is(m.value, 10 * (id + 1) + 1, "answered");
	cthread_join(t);
}

/* Each condition on which the assembly's request or reply must leave the
 * call to C, then to the general path, next to the case it takes:
 * the outcome is the general path's. */
static void test_hand_path_boundaries(void)
{
	mach_port_t p = new_port_with_send(), reply = new_port(), set;
	struct rcv_buf buf, cbuf;
	struct msg32 m;
	struct server s = {.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 1};
	long names = name_count();
	cthread_t t = start_server(&s);

	/* The shape it takes, both ways without a time-out. */
	is_kr(rpc_to(p, reply, reply, 60, 600, 0, sizeof(m), &m), MACH_MSG_SUCCESS, "an RPC with no options");
	is(m.value, 601, "answered");
	is_kr(m.head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE), "on our send-once right");
	is(m.head.msgh_size, sizeof(m), "its size");
	cthread_join(t);
	is(s.head[0].msgh_local_port, p, "the server's header names its port");
	is(s.reply_type[0], MACH_PORT_TYPE_SEND_ONCE, "and a send-once reply right");
	is(name_count(), names, "no name left behind");

	/* Our reply port with a message waiting: it comes first, the reply after. */
	s = (struct server){.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 1};
	t = start_server(&s);
	mach_port_insert_right(T, reply, reply, MACH_MSG_TYPE_MAKE_SEND);
	is_kr(send_int(reply, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 61, 61, 0, 0), MACH_MSG_SUCCESS,
	      "a message queued on our reply port");
	is_kr(rpc_to(p, reply, reply, 62, 620, 0, sizeof(m), &m), MACH_MSG_SUCCESS,
	      "an RPC with a message waiting on its reply port");
	is(m.head.msgh_id, 61, "the waiting message comes first");
	is_kr(receive(reply, &cbuf, 1000), MACH_MSG_SUCCESS, "then the reply");
	is(cbuf.head.msgh_id, 162, "the server's");
	is(cbuf.head.msgh_seqno, m.head.msgh_seqno + 1, "next in sequence");
	cthread_join(t);
	mach_port_deallocate(T, reply);

	/* A message queued on the destination, its receiver woken but not yet
	 * run: it is received first. */
	queued_then_rpc(&s, &buf, p, p, p, reply, 63, "a message to a waiting server");
	is(s.head[0].msgh_id, 63, "the server got the first message first");
	is(s.head[1].msgh_id, 64, "then the RPC");
	is(s.head[1].msgh_seqno, s.head[0].msgh_seqno + 1, "in sequence");

	/* Our reply too large for the buffer we receive it in. */
	s = (struct server){.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 1};
	t = start_server(&s);
	is_kr(rpc_to(p, reply, reply, 65, 650, MACH_RCV_LARGE, sizeof(mach_msg_header_t), &m), MACH_RCV_TOO_LARGE,
	      "an RPC whose reply does not fit, MACH_RCV_LARGE: MACH_RCV_TOO_LARGE");
	is(m.head.msgh_size, sizeof(m), "with the size needed");
	is_kr(receive(reply, &cbuf, 1000), MACH_MSG_SUCCESS, "the reply stayed queued");
	is(cbuf.head.msgh_id, 165, "whole");
	cthread_join(t);

	/* The reply received through a port set. */
	mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &set);
	mach_port_move_member(T, reply, set);
	s = (struct server){.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 1};
	t = start_server(&s);
	is_kr(rpc_to(p, reply, set, 66, 660, 0, sizeof(m), &m), MACH_MSG_SUCCESS, "an RPC receiving on a set");
	is(m.value, 661, "answered");
	is(m.head.msgh_local_port, reply, "named by the member port");
	cthread_join(t);
	mach_port_move_member(T, reply, MACH_PORT_NULL);
	mach_port_destroy(T, set);

	/* Receiving the reply on a name that is not ours: the request goes,
	 * the receive fails, the reply waits. */
	s = (struct server){.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 1};
	t = start_server(&s);
	is_kr(rpc_to(p, reply, 0x7ff0, 67, 670, 0, sizeof(m), &m), MACH_RCV_INVALID_NAME,
	      "an RPC receiving on an unused name: MACH_RCV_INVALID_NAME");
	cthread_join(t);
	is(s.head[0].msgh_id, 67, "the request went");
	is_kr(receive(reply, &cbuf, 1000), MACH_MSG_SUCCESS, "its reply waits on the reply port");
	is(cbuf.head.msgh_id, 167, "answered");

	/* Bad names and a header the kernel cannot read, a server waiting. */
	s = (struct server){.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 1};
	t = start_server(&s);
	is_kr(rpc_to(0x7ff0, reply, reply, 68, 0, 0, sizeof(m), &m), MACH_SEND_INVALID_DEST,
	      "to an unused name: MACH_SEND_INVALID_DEST");
	is_kr(rpc_to(MACH_PORT_NULL, reply, reply, 68, 0, 0, sizeof(m), &m), MACH_SEND_INVALID_DEST,
	      "to MACH_PORT_NULL: MACH_SEND_INVALID_DEST");
	is_kr(rpc_to(reply, reply, reply, 68, 0, 0, sizeof(m), &m), MACH_SEND_INVALID_DEST,
	      "COPY_SEND of a name holding only a receive right: MACH_SEND_INVALID_DEST");
	is_kr(rpc_to(p, 0x7ff0, 0x7ff0, 68, 0, 0, sizeof(m), &m), MACH_SEND_INVALID_REPLY,
	      "with an unused reply name: MACH_SEND_INVALID_REPLY");
	is_kr(mach_msg((mach_msg_header_t *)0x10, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m), sizeof(m), reply, 0,
		       MACH_PORT_NULL),
	      MACH_SEND_INVALID_DATA, "a header in unmapped memory: MACH_SEND_INVALID_DATA");
	is_kr(mach_msg((mach_msg_header_t *)0xc0001000, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m), sizeof(m), reply, 0,
		       MACH_PORT_NULL),
	      MACH_SEND_INVALID_DATA, "a header at a kernel address: MACH_SEND_INVALID_DATA");
	is_kr(rpc_to(p, reply, reply, 69, 690, 0, sizeof(m), &m), MACH_MSG_SUCCESS, "then a good RPC");
	cthread_join(t);
	is(s.head[0].msgh_id, 69, "is the first the server sees");
	is(m.value, 691, "answered");

	/* A destination that takes no message (queue limit 0), its server
	 * waiting: the send times out and the server waits on. */
	s = (struct server){.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 1};
	t = start_server(&s);
	mach_port_set_qlimit(T, p, 0);
	is_kr(rpc_on(p, MACH_MSG_TYPE_COPY_SEND, reply, reply, 70, 700, MACH_SEND_TIMEOUT, 0, sizeof(m), &m),
	      MACH_SEND_TIMED_OUT, "to a port with queue limit 0 and a receiver waiting: MACH_SEND_TIMED_OUT");
	is(s.served, 0, "the server got nothing");
	is(ptype(m.head.msgh_local_port), MACH_PORT_TYPE_SEND_ONCE, "our reply right came back in the header");
	mach_port_deallocate(T, m.head.msgh_local_port);
	is_kr(receive(reply, &cbuf, 1000), MACH_MSG_SUCCESS, "deallocated, it sent");
	is(cbuf.head.msgh_id, MACH_NOTIFY_SEND_ONCE, "a send-once notification");
	mach_port_set_qlimit(T, p, MACH_PORT_QLIMIT_DEFAULT);
	is_kr(rpc_to(p, reply, reply, 71, 710, 0, sizeof(m), &m), MACH_MSG_SUCCESS, "with room again, an RPC");
	is(m.value, 711, "answered");
	cthread_join(t);
	is(s.head[0].msgh_id, 71, "is the server's first");

	/* The server on a set, a message just queued on another member (its
	 * receiver woken, not yet run): both are received, the RPC answered. */
	mach_port_t q = new_port_with_send();
	mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &set);
	mach_port_move_member(T, p, set);
	mach_port_move_member(T, q, set);
	queued_then_rpc(&s, &buf, set, q, p, reply, 72, "a message to another member of the server's set");
	ok((s.head[0].msgh_id == 72 && s.head[1].msgh_id == 73) || (s.head[0].msgh_id == 73 && s.head[1].msgh_id == 72),
	   "the server got both");
	mach_port_move_member(T, p, MACH_PORT_NULL);
	mach_port_destroy(T, q);
	mach_port_destroy(T, set);

	is(name_count(), names, "no name left behind");
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* The server's reply when it then receives on a port set, as every UNIX
 * service does (the assembly takes it too, waiting on the set): what
 * client and server see, and the cases where that wait must end, or
 * never begin, the ordinary way. */
static void test_reply_from_set_receiver(void)
{
	mach_port_t p = new_port_with_send(), q = new_port_with_send(), reply = new_port(), set;
	struct rcv_buf buf;
	struct msg32 m;
	long names = name_count();

	mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &set);
	mach_port_move_member(T, p, set);
	mach_port_move_member(T, q, set);

	/* The shape taken: each reply followed by a receive on the set. */
	struct server s = {.rcv_name = set, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 4};
	cthread_t t = start_server(&s);
	for (int i = 0; i < 3; i++) {
		is_kr(rpc_to(i == 1 ? q : p, reply, reply, 80 + i, 800 + 10 * i, 0, sizeof(m), &m), MACH_MSG_SUCCESS,
		      "RPC %d to a member, the server replying and receiving on its set", i);
		is(m.value, 801 + 10 * i, "answered");
		is_kr(m.head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE), "on our send-once right");
		is(m.head.msgh_local_port, reply, "named by our reply port");
		is(m.head.msgh_id, 180 + i, "the server's reply");
		is(s.reply_type[i], MACH_PORT_TYPE_SEND_ONCE, "the server got a send-once reply right");
	}
	is(s.head[0].msgh_local_port, p, "the server's headers name the member port");
	is(s.head[1].msgh_local_port, q, "each its own");
	is(s.head[2].msgh_seqno, s.head[0].msgh_seqno + 1, "with that port's sequence numbers");
	ok(s.head[1].msgh_remote_port != s.head[0].msgh_remote_port &&
	       s.head[2].msgh_remote_port != s.head[1].msgh_remote_port,
	   "each request's reply right has a name of its own (the last one's was freed by its reply)");

	/* The server now waits on the set.  A port taken out of it no longer
	 * reaches that server; put back with its message, it wakes it. */
	mach_port_move_member(T, p, MACH_PORT_NULL);
	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 83, 83, 0, 0), MACH_MSG_SUCCESS,
	      "a message to a port taken out of the set");
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, SETTLE_MS);
	is(s.served, 3, "the server waiting on the set does not get it");
	mach_port_move_member(T, p, set);
	cthread_join(t);
	is(s.served, 4, "put back in the set, the port's message wakes the server");
	is_kr(s.mr[3], MACH_MSG_SUCCESS, "its receive succeeds");
	is(s.head[3].msgh_id, 83, "with that message");

	/* Another member's message queued while the server works on a
	 * request: after its reply it takes that message at once. */
	s = (struct server){.rcv_name = set, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 2, .poke = q};
	t = start_server(&s);
	is_kr(rpc_to(p, reply, reply, 84, 840, 0, sizeof(m), &m), MACH_MSG_SUCCESS,
	      "an RPC whose server queues a message on another member before replying");
	is(m.value, 841, "answered");
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, SETTLE_MS);
	if (!is(s.served, 2, "the server's receive after the reply took the queued message at once"))
		send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 85, 85, 0, 0); /* unblock it */
	cthread_join(t);
	is(s.head[1].msgh_id, POKE_ID, "the other member's message");
	is(s.head[1].msgh_local_port, q, "named by that member");

	/* The set destroyed while the server waits on it after a reply. */
	s = (struct server){.rcv_name = set, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 2};
	t = start_server(&s);
	is_kr(rpc_to(p, reply, reply, 86, 860, 0, sizeof(m), &m), MACH_MSG_SUCCESS, "an RPC to a member");
	is(m.value, 861, "answered");
	is(s.served, 1, "the server waits on the set again");
	mach_port_destroy(T, set);
	cthread_join(t);
	is_kr(s.mr[1], MACH_RCV_PORT_DIED, "the set destroyed: its receive ends with MACH_RCV_PORT_DIED");
	is(ptype(p), MACH_PORT_TYPE_RECEIVE | MACH_PORT_TYPE_SEND, "the member ports stay");

	mach_port_destroy(T, p);
	mach_port_destroy(T, q);
	mach_port_destroy(T, reply);
	is(name_count(), names - 3, "no name left behind");
}

/* A client with a TLS slot (i386_set_gdt) loaded in %gs, RPCs to a
 * server thread without one: the switch to the server empties the GDT's
 * slots and the one back puts the client's in again (the assembly's
 * call to pcb_load_tls), so %gs still reads through it afterwards. */
static unsigned tls_word = 0x7157;

static void test_tls_across_rpc(void)
{
	mach_port_t p = new_port_with_send(), reply = new_port();
	struct rcv_buf buf;
	struct msg32 m;
	uintptr_t base = (uintptr_t)&tls_word;
	/* Byte-granular, limit 3: the word at the base; present, DPL 3,
	 * writable data, 32-bit. */
	descriptor_t d = {.low_word = 3 | (base & 0xffff) << 16,
			  .high_word = ((base >> 16) & 0xff) | 0xf2 << 8 | 0x4 << 20 | (base & 0xff000000)};
	int sel = -1;
	unsigned seen = 0, gs = 0;
	thread_t self = mach_thread_self();

	if (!is_kr(i386_set_gdt(self, &sel, d), KERN_SUCCESS, "a TLS slot over one word"))
		return;
	struct server s = {.rcv_name = p, .buf = &buf.head, .rcv_size = sizeof(buf), .count = 2};
	cthread_t t = start_server(&s);
	__asm__ volatile("movw %%gs, %w0\n\tmovw %w1, %%gs" : "=&r"(gs) : "r"(sel));
	mach_msg_return_t mr1 = rpc_on(p, MACH_MSG_TYPE_COPY_SEND, reply, reply, 80, 800, 0, 0, sizeof(m), &m);
	mach_msg_return_t mr2 = rpc_on(p, MACH_MSG_TYPE_COPY_SEND, reply, reply, 81, m.value, 0, 0, sizeof(m), &m);
	__asm__ volatile("movl %%gs:0, %0\n\tmovw %w1, %%gs" : "=&r"(seen) : "r"(gs));
	is_kr(mr1, MACH_MSG_SUCCESS, "an RPC from a thread with %%gs in its TLS slot");
	is_kr(mr2, MACH_MSG_SUCCESS, "and another");
	is(m.value, 802, "both answered");
	is(seen, 0x7157, "%%gs still reads through the slot");
	cthread_join(t);
	descriptor_t none = {0, 0};
	is_kr(i386_set_gdt(self, &sel, none), KERN_SUCCESS, "the slot freed");
	mach_port_deallocate(T, self);
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/* --- A server in another task ------------------------------------------- */

#define SERVER_STACK (64 * 1024)

/* Runs in the child task (which has a copy of our memory): echo every
 * message with its id + 100 and its body's bytes inverted. */
static void __attribute__((noreturn, used)) child_loop(mach_port_t port)
{
	struct msg_big m;
	mach_msg_return_t mr = mach_msg(&m.head, MACH_RCV_MSG, 0, sizeof(m), port, 0, MACH_PORT_NULL);
	for (;;) {
		if (mr != MACH_MSG_SUCCESS) {
			mr = mach_msg(&m.head, MACH_RCV_MSG, 0, sizeof(m), port, 0, MACH_PORT_NULL);
			continue;
		}
		m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(m.head.msgh_bits), 0);
		m.head.msgh_local_port = MACH_PORT_NULL;
		m.head.msgh_id += 100;
		for (unsigned j = 0; j + sizeof(m.head) + sizeof(m.type) < m.head.msgh_size; j++)
			m.data[j] ^= 0xff;
		mr = mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG, m.head.msgh_size, sizeof(m), port, 0,
			      MACH_PORT_NULL);
	}
}

static void test_other_task(void)
{
	task_t child;
	thread_t th;
	mach_port_t child_port, send, reply = new_port();
	mach_msg_type_name_t type;
	vm_address_t stack = 0;
	static unsigned int top[1024] __attribute__((aligned(4096)));
	struct i386_thread_state state;

	if (!is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "a child task with our memory"))
		return;
	mach_port_allocate(child, MACH_PORT_RIGHT_RECEIVE, &child_port);
	mach_port_extract_right(child, child_port, MACH_MSG_TYPE_MAKE_SEND, &send, &type);
	vm_allocate(child, &stack, SERVER_STACK, TRUE);
	top[1022] = 0;
	top[1023] = child_port;
	vm_write(child, stack + SERVER_STACK - sizeof(top), (vm_offset_t)top, sizeof(top));
	thread_create(child, &th);
	memset(&state, 0, sizeof(state));
	state.eip = (unsigned int)child_loop;
	state.uesp = stack + SERVER_STACK - 8;
	thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&state, i386_THREAD_STATE_COUNT);
	if (!is_kr(thread_resume(th), KERN_SUCCESS, "its thread serves a port"))
		return;
	long names = name_count();
	struct msg_big m;
	for (int round = 0; round < 6; round++) {
		unsigned bytes = round < 2 || round == 4 ? 4 : BIG;
		/* The last two without a time-out: the assembly's request. */
		mach_msg_option_t timeout = round < 4 ? MACH_RCV_TIMEOUT : 0;
		m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.head.msgh_size = sizeof(m.head) + sizeof(m.type) + bytes;
		m.head.msgh_remote_port = send;
		m.head.msgh_local_port = reply;
		m.head.msgh_id = 40 + round;
		m.type = (mach_msg_type_t){MACH_MSG_TYPE_INTEGER_8, 8, bytes, 1, 0, 0, 0};
		for (unsigned j = 0; j < bytes; j++)
			m.data[j] = (unsigned char)(j + round);
		is_kr(mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG | timeout, m.head.msgh_size, sizeof(m), reply,
			       5000, MACH_PORT_NULL),
		      MACH_MSG_SUCCESS, "RPC of %u bytes to the other task (%d)", bytes, round);
		is(m.head.msgh_id, 140 + round, "its answer");
		is(m.head.msgh_seqno, round, "sequence number %d of our reply port", round);
		is(m.head.msgh_size, sizeof(m.head) + sizeof(m.type) + bytes, "its size");
		int same = 1;
		for (unsigned j = 0; j < bytes; j++)
			same &= m.data[j] == (unsigned char)~(j + round);
		ok(same, "its bytes");
	}
	is(name_count(), names, "no name left behind here");
	task_terminate(child);
	mach_port_deallocate(T, send);
	mach_port_deallocate(T, th);
	mach_port_deallocate(T, child);
	mach_port_destroy(T, reply);
}

/* A kernel RPC (the MIG stubs' path) with replies queued before it. */
static void test_kernel_rpc(void)
{
	mach_port_t p = new_port(), reply = new_port();
	mach_port_type_t type;
	struct msg32 m;

	is_kr(mach_port_type(T, p, &type), KERN_SUCCESS, "mach_port_type through the kernel");
	is(type, MACH_PORT_TYPE_RECEIVE, "a receive right");
	/* A reply port with a message already queued: the kernel's reply
	 * must queue behind it. */
	mach_port_insert_right(T, reply, reply, MACH_MSG_TYPE_MAKE_SEND);
	is_kr(send_int(reply, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 50, 50, 0, 0), MACH_MSG_SUCCESS,
	      "a message queued on our reply port");
	memset(&m, 0, sizeof(m));
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_size = sizeof(mach_msg_header_t) + sizeof(mach_msg_type_t) + sizeof(mach_port_t);
	m.head.msgh_remote_port = T;
	m.head.msgh_local_port = reply;
	m.head.msgh_id = 3200; /* mach_port_type */
	m.type = (mach_msg_type_t){MACH_MSG_TYPE_PORT_NAME, 32, 1, 1, 0, 0, 0};
	m.value = p;
	struct rcv_buf buf;
	is_kr(mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG, m.head.msgh_size, sizeof(m), reply, 0, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "mach_port_type by hand, a message queued before the reply");
	is(m.head.msgh_id, 50, "the queued message comes first");
	is_kr(receive(reply, &buf, 100), MACH_MSG_SUCCESS, "then the kernel's reply");
	is(buf.head.msgh_id, 3300, "mach_port_type's reply id");
	is(buf.head.msgh_seqno, 1, "sequence number 1");
	mach_port_destroy(T, p);
	mach_port_destroy(T, reply);
}

/*
 * A kernel routine that changes the port its own reply goes to: the
 * fast path looks at the reply port again after the routine, and a port
 * renamed or destroyed meanwhile gets what the general path gives.  The
 * MIG stubs' cached reply port is the port the routine works on.
 */
static void test_kernel_rpc_changes_reply_port(void)
{
	struct rcv_buf buf;
	long names = name_count();
	mach_port_t rp = mig_get_reply_port(), renamed = new_port();

	mach_port_destroy(T, renamed); /* a name that is free now */

	/* Renamed: the reply is queued on the port under its new name, and
	 * the stub's receive on the old one fails (it drops the name it had
	 * cached, which no longer exists). */
	is_kr(mach_port_rename(T, rp, renamed), MACH_RCV_INVALID_NAME,
	      "mach_port_rename of the RPC's own reply port: its receive finds the old name gone");
	is(ptype(renamed), MACH_PORT_TYPE_RECEIVE, "the port lives on under its new name");
	is_kr(receive(renamed, &buf, 100), MACH_MSG_SUCCESS, "the rename's reply waits there");
	is(buf.head.msgh_id, 3302, "mach_port_rename's reply id");
	is(buf.head.msgh_size, sizeof(mig_reply_header_t), "a reply of just the code");
	is(((mig_reply_header_t *)&buf.head)->RetCode, KERN_SUCCESS, "the rename succeeded");
	mach_port_destroy(T, renamed);

	/* Destroyed: the reply has nowhere to go and is dropped (the stub's
	 * next reply port may take the freed name). */
	rp = mig_get_reply_port();
	is_kr(mach_port_destroy(T, rp), MACH_RCV_INVALID_NAME,
	      "mach_port_destroy of the RPC's own reply port: its receive finds no port");
	/* The next RPC makes a fresh reply port and takes the fast path. */
	mach_port_type_t type;
	is_kr(mach_port_type(T, T, &type), KERN_SUCCESS, "the next kernel RPC works");
	is(name_count(), names, "no name left behind");
}

int main(void)
{
	long start = name_count();
	test_rpc_between_threads();
	test_made_rights();
	test_self_order();
	test_self_too_small();
	test_receiver_too_small();
	test_receiver_in_set();
	test_dead_reply();
	test_receiver_pages();
	test_sender_pages();
	test_page_crossing(12, 100);
	test_page_crossing(13, 101); /* buffers not word-aligned: the pages split words */
	test_receiver_timeout();
	test_kernel_rpc();
	test_kernel_rpc_changes_reply_port();
	test_delivered_then_suspended();
	test_hand_path_boundaries();
	test_reply_from_set_receiver();
	test_tls_across_rpc();
	test_other_task();
	if (!is(name_count(), start, "name count back to the start (%ld)", start))
		diag_names();
	return tap_done();
}
