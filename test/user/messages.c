/*
 * Message passing as GNU Mach does it: inline data and arrays arrive
 * intact; out-of-line memory of several sizes, page-unaligned too, arrives
 * at the same offset in its page; port rights of each disposition arrive
 * as the right they become, with the sender's and receiver's counts right
 * after each; send and receive timeouts; MACH_RCV_TOO_LARGE with and
 * without MACH_RCV_LARGE; a full queue blocks a sender until a receive
 * makes room (a second thread).
 */
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()

struct array_msg {
	mach_msg_header_t head;
	mach_msg_type_t bytes_type;
	char bytes[64];
	mach_msg_type_long_t words_type;
	int words[300];
};

static void test_inline(void)
{
	mach_port_t p = new_port_with_send();
	struct rcv_buf buf;
	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 4321, -7, 0, 0), MACH_MSG_SUCCESS,
	      "send a message with one integer");
	if (is_kr(receive(p, &buf, 1000), MACH_MSG_SUCCESS, "receive it")) {
		struct int_msg *m = (struct int_msg *)&buf.head;
		is(m->head.msgh_id, 4321, "same id");
		is(m->head.msgh_size, offsetof(struct int_msg, port_type), "same size");
		is(m->head.msgh_local_port, p, "local port is the receive right's name");
		is(m->head.msgh_remote_port, MACH_PORT_NULL, "no reply port");
		is(m->value_type.msgt_name, MACH_MSG_TYPE_INTEGER_32, "type descriptor intact");
		is(m->value, -7, "the integer");
	}

	struct array_msg *a = calloc(1, sizeof *a);
	a->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	a->head.msgh_size = sizeof *a;
	a->head.msgh_remote_port = p;
	a->head.msgh_id = 99;
	a->bytes_type = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_CHAR, .msgt_size = 8, .msgt_number = 64,
					   .msgt_inline = 1 };
	for (int i = 0; i < 64; i++)
		a->bytes[i] = (char)(i * 3);
	a->words_type.msgtl_header = (mach_msg_type_t){ .msgt_inline = 1, .msgt_longform = 1 };
	a->words_type.msgtl_name = MACH_MSG_TYPE_INTEGER_32;
	a->words_type.msgtl_size = 32;
	a->words_type.msgtl_number = 300;
	for (int i = 0; i < 300; i++)
		a->words[i] = i * i;
	is_kr(mach_msg(&a->head, MACH_SEND_MSG, sizeof *a, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "send a char array and a long-form int array");
	struct rcv_buf *big = calloc(1, sizeof *big);
	if (is_kr(receive(p, big, 1000), MACH_MSG_SUCCESS, "receive them")) {
		struct array_msg *r = (struct array_msg *)&big->head;
		is(r->head.msgh_size, sizeof *a, "size %zu", sizeof *a);
		int same = memcmp(r->bytes, a->bytes, 64) == 0 && memcmp(r->words, a->words, sizeof a->words) == 0;
		ok(same, "both arrays arrive intact");
		is(r->words_type.msgtl_number, 300, "long-form count intact");
	}
	free(a);
	free(big);
	mach_port_destroy(T, p);
}

struct ool_msg {
	mach_msg_header_t head;
	mach_msg_type_long_t type;
	void *addr;
};

static void test_ool(void)
{
	mach_port_t p = new_port_with_send();
	static const size_t sizes[] = { 1, 100, 4096, 5000, 3 * 4096 + 17, 64 * 1024 };
	static const size_t offsets[] = { 0, 1234, 0, 4000, 17, 0 };
	for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t size = sizes[k], off = offsets[k];
		vm_address_t region = 0;
		vm_size_t len = mach_round_page(size + off);
		if (!is_kr(vm_allocate(T, &region, len, TRUE), KERN_SUCCESS, "vm_allocate %zu bytes", len))
			continue;
		unsigned char *data = (unsigned char *)region + off;
		for (size_t i = 0; i < size; i++)
			data[i] = (unsigned char)(i * 7 + k);
		struct ool_msg m = { 0 };
		m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
		m.head.msgh_size = sizeof m;
		m.head.msgh_remote_port = p;
		m.type.msgtl_header = (mach_msg_type_t){ .msgt_inline = 0, .msgt_longform = 1 };
		m.type.msgtl_name = MACH_MSG_TYPE_BYTE;
		m.type.msgtl_size = 8;
		m.type.msgtl_number = size;
		m.addr = data;
		is_kr(mach_msg(&m.head, MACH_SEND_MSG, sizeof m, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		      MACH_MSG_SUCCESS, "send %zu bytes out of line at page offset %zu", size, off);
		data[0] ^= 0xff; /* the message holds a copy: changing ours changes nothing there */
		struct rcv_buf buf;
		if (is_kr(receive(p, &buf, 1000), MACH_MSG_SUCCESS, "receive them")) {
			struct ool_msg *r = (struct ool_msg *)&buf.head;
			unsigned char *got = r->addr;
			is(r->type.msgtl_number, size, "count %zu", size);
			is((vm_address_t)got & 4095, ((vm_address_t)data) & 4095, "same offset within the page");
			data[0] ^= 0xff;
			ok(got != data && memcmp(got, data, size) == 0, "the data, as it was when sent");
			vm_deallocate(T, mach_trunc_page(got), mach_round_page((vm_address_t)got + size) -
									   mach_trunc_page(got));
		}
		vm_deallocate(T, region, len);
	}
	mach_port_destroy(T, p);
}

/* Send right r with disposition disp to port p; return the received right's name and type. */
static int pass_right(mach_port_t p, mach_port_t r, mach_msg_type_name_t disp, mach_port_t *got,
		      mach_msg_type_name_t *got_type)
{
	struct rcv_buf buf;
	if (send_int_port(p, 7, 0, r, disp, 0, 0) != MACH_MSG_SUCCESS || receive(p, &buf, 1000) != MACH_MSG_SUCCESS)
		return 0;
	struct int_msg *m = (struct int_msg *)&buf.head;
	*got = m->port;
	*got_type = m->port_type.msgt_name;
	return (m->head.msgh_bits & MACH_MSGH_BITS_COMPLEX) != 0;
}

static void test_rights(void)
{
	mach_port_t p = new_port_with_send(), r = new_port(), got;
	mach_msg_type_name_t type;
	long start = name_count();

	ok(pass_right(p, r, MACH_MSG_TYPE_MAKE_SEND, &got, &type), "MAKE_SEND of a receive right");
	is(type, MACH_MSG_TYPE_PORT_SEND, "arrives as a send right");
	is(got, r, "under the receive right's name");
	is(urefs(r, MACH_PORT_RIGHT_SEND), 1, "send: 1 reference");
	ok(pass_right(p, r, MACH_MSG_TYPE_COPY_SEND, &got, &type), "COPY_SEND");
	is(urefs(r, MACH_PORT_RIGHT_SEND), 2, "the copy adds a reference: 2");
	ok(pass_right(p, r, MACH_MSG_TYPE_MOVE_SEND, &got, &type), "MOVE_SEND");
	is(urefs(r, MACH_PORT_RIGHT_SEND), 2, "moved out and back: still 2");
	ok(pass_right(p, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, &got, &type), "MAKE_SEND_ONCE");
	is(type, MACH_MSG_TYPE_PORT_SEND_ONCE, "arrives as a send-once right");
	ok(got != r && ptype(got) == MACH_PORT_TYPE_SEND_ONCE, "under a new name");
	mach_port_t once = got;
	ok(pass_right(p, once, MACH_MSG_TYPE_MOVE_SEND_ONCE, &got, &type), "MOVE_SEND_ONCE");
	is(type, MACH_MSG_TYPE_PORT_SEND_ONCE, "still send-once");
	ok(ptype(got) == MACH_PORT_TYPE_SEND_ONCE, "one send-once right after the trip");
	mach_port_deallocate(T, got);
	ok(pass_right(p, r, MACH_MSG_TYPE_MOVE_RECEIVE, &got, &type), "MOVE_RECEIVE");
	is(type, MACH_MSG_TYPE_PORT_RECEIVE, "arrives as a receive right");
	is(got, r, "same name (we hold send rights to it)");
	is(ptype(r), MACH_PORT_TYPE_SEND_RECEIVE, "send and receive again");
	is(urefs(r, MACH_PORT_RIGHT_SEND), 2, "send references kept");
	is_kr(send_int_port(p, 7, 0, 0x7fff0777, MACH_MSG_TYPE_COPY_SEND, 0, 0), MACH_SEND_INVALID_RIGHT,
	      "a right that is not there: MACH_SEND_INVALID_RIGHT");
	mach_port_mod_refs(T, r, MACH_PORT_RIGHT_SEND, -2);
	mach_port_destroy(T, r);
	is(name_count(), start - 1, "names: the start less the destroyed port");

	/* Header dispositions: a reply port made send-once arrives as the remote port. */
	mach_port_t reply = new_port();
	struct rcv_buf buf;
	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, reply, MACH_MSG_TYPE_MAKE_SEND_ONCE, 1, 1, 0, 0),
	      MACH_MSG_SUCCESS, "send with a MAKE_SEND_ONCE reply port");
	if (is_kr(receive(p, &buf, 1000), MACH_MSG_SUCCESS, "receive it")) {
		is(MACH_MSGH_BITS_REMOTE(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE, "reply right is send-once");
		is(ptype(buf.head.msgh_remote_port), MACH_PORT_TYPE_SEND_ONCE, "and we hold it");
		is_kr(send_int(buf.head.msgh_remote_port, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 2, 2, 0, 0),
		      MACH_MSG_SUCCESS, "reply through it");
		is_kr(receive(reply, &buf, 1000), MACH_MSG_SUCCESS, "the reply arrives");
	}
	mach_port_destroy(T, reply);
	mach_port_destroy(T, p);
}

static void test_timeouts_and_sizes(void)
{
	mach_port_t p = new_port_with_send();
	struct rcv_buf buf;
	is_kr(receive(p, &buf, 50), MACH_RCV_TIMED_OUT, "receive on an empty port times out");
	for (int i = 0; i < 5; i++)
		is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 10 + i, i, MACH_SEND_TIMEOUT, 50),
		      MACH_MSG_SUCCESS, "message %d of the queue limit 5", i + 1);
	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 15, 5, MACH_SEND_TIMEOUT, 50),
	      MACH_SEND_TIMED_OUT, "the sixth send times out");
	for (int i = 0; i < 5; i++)
		if (receive(p, &buf, 100) != MACH_MSG_SUCCESS || buf.head.msgh_id != 10 + i)
			break;
		else if (i == 4)
			ok(1, "the five arrive in order");
	is_kr(receive(p, &buf, 50), MACH_RCV_TIMED_OUT, "and nothing else");

	struct int_msg small;
	send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 20, 20, 0, 0);
	is_kr(mach_msg(&small.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(mach_msg_header_t), p, 100,
		       MACH_PORT_NULL),
	      MACH_RCV_TOO_LARGE, "receive into a header-sized buffer: MACH_RCV_TOO_LARGE");
	is_kr(receive(p, &buf, 50), MACH_RCV_TIMED_OUT, "without MACH_RCV_LARGE the message is gone");

	send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 21, 21, 0, 0);
	is_kr(mach_msg(&small.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT | MACH_RCV_LARGE, 0,
		       sizeof(mach_msg_header_t), p, 100, MACH_PORT_NULL),
	      MACH_RCV_TOO_LARGE, "with MACH_RCV_LARGE: MACH_RCV_TOO_LARGE too");
	is(small.head.msgh_size, offsetof(struct int_msg, port_type), "msgh_size says the size needed");
	if (is_kr(receive(p, &buf, 100), MACH_MSG_SUCCESS, "the message stayed queued"))
		is(buf.head.msgh_id, 21, "it is the same message");
	mach_port_destroy(T, p);
}

static mach_port_t blocked_port;
static volatile int blocked_sent;

static void *blocked_sender(void *arg)
{
	(void)arg;
	mach_msg_return_t mr = send_int(blocked_port, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 31, 1, 0, 0);
	blocked_sent = mr == MACH_MSG_SUCCESS ? 1 : -1;
	return NULL;
}

static void test_queue_full_blocks(void)
{
	mach_port_t p = blocked_port = new_port_with_send();
	struct rcv_buf buf;
	is_kr(mach_port_set_qlimit(T, p, 1), KERN_SUCCESS, "queue limit 1");
	is_kr(send_int(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 30, 0, 0, 0), MACH_MSG_SUCCESS,
	      "fill the queue");
	cthread_t t;
	if (!is_kr(cthread_create(&t, blocked_sender, NULL), KERN_SUCCESS, "a thread sends one more")) {
		mach_port_destroy(T, p);
		return;
	}
	/* Once it is blocked: before, the receive below would make room
	 * for a send that then never blocked. */
	ok(wait_blocked(cthread_kernel_port(t)) && blocked_sent == 0, "the sender is blocked while the queue is full");
	ok(receive(p, &buf, 1000) == MACH_MSG_SUCCESS && buf.head.msgh_id == 30, "receive the first");
	cthread_join(t);
	is(blocked_sent, 1, "the blocked send completed");
	ok(receive(p, &buf, 1000) == MACH_MSG_SUCCESS && buf.head.msgh_id == 31, "its message arrives");
	mach_port_destroy(T, p);
}

int main(void)
{
	long start = name_count();
	test_inline();
	test_ool();
	test_rights();
	test_timeouts_and_sizes();
	test_queue_full_blocks();
	if (!is(name_count(), start, "name count back to the start (%ld)", start))
		diag_names();
	return tap_done();
}
