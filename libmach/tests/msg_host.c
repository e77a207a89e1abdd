/*
 * Host test of libmach's message code (msg.c, msg_server.c,
 * msg_destroy.c, mig_support.c), compiled for i386 against the host C
 * library with a scripted stand-in for mach_msg_trap and the kernel RPCs:
 * mach_msg retries interrupted calls the way GNU Mach's libmach does, the
 * server loop replies, skips or destroys as the routine's result says,
 * mach_msg_destroy releases exactly the rights and memory a message
 * carries, and mig_strncpy terminates and counts.  Prints TAP.
 */
#include <stdio.h>
#include <string.h>
#include <mach.h>
#include "msg_server.h"

mach_port_t mach_task_self_ = 1;
static int n_tests, n_failed;

static void ok(int cond, const char *what)
{
	n_tests++;
	if (!cond)
		n_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n_tests, what);
}

/* --- the stand-in kernel ------------------------------------------------ */

struct trap_call {
	mach_msg_option_t option;
	mach_msg_size_t send_size, rcv_size;
	mach_msg_id_t sent_id;
};
static struct trap_call calls[16];
static int n_calls;
static mach_msg_return_t script[16]; /* results to return, in order */
static int n_script;
static mach_msg_id_t next_request_id = 1000; /* what a receive delivers */
static mach_msg_bits_t next_request_bits;
static mach_msg_size_t queued_size; /* a too-large request stays queued: its size */

/* Whether a receive ending in mr hands over (part of) a request. */
static int delivers(mach_msg_return_t mr)
{
	mach_msg_return_t e = mr & ~MACH_MSG_MASK;
	return mr == MACH_MSG_SUCCESS || e == MACH_RCV_HEADER_ERROR || e == MACH_RCV_BODY_ERROR;
}

mach_msg_return_t mach_msg_trap(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
				mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
				mach_port_name_t notify)
{
	(void)rcv_name;
	(void)timeout;
	(void)notify;
	struct trap_call *c = &calls[n_calls++];
	c->option = option;
	c->send_size = send_size;
	c->rcv_size = rcv_size;
	c->sent_id = (option & MACH_SEND_MSG) ? msg->msgh_id : 0;
	mach_msg_return_t mr = n_calls <= n_script ? script[n_calls - 1] : MACH_RCV_TIMED_OUT;
	if ((option & MACH_SEND_MSG) && mr == MACH_SEND_TIMED_OUT) {
		/* A pseudo-receive: the destination right comes back as a
		 * right of its received type (copied: a new reference). */
		mach_msg_type_name_t remote = MACH_MSGH_BITS_REMOTE(msg->msgh_bits);
		if (remote == MACH_MSG_TYPE_COPY_SEND || remote == MACH_MSG_TYPE_MAKE_SEND)
			remote = MACH_MSG_TYPE_PORT_SEND;
		else if (remote == MACH_MSG_TYPE_MAKE_SEND_ONCE)
			remote = MACH_MSG_TYPE_PORT_SEND_ONCE;
		msg->msgh_bits = (msg->msgh_bits & ~MACH_MSGH_BITS_REMOTE_MASK) | remote;
		return mr;
	}
	if ((option & MACH_RCV_MSG) && queued_size != 0) {
		/* As the kernel: too large stays queued only under MACH_RCV_LARGE. */
		if (queued_size > rcv_size) {
			if (option & MACH_RCV_LARGE) {
				msg->msgh_size = queued_size;
			} else {
				memset(msg, 0, sizeof *msg);
				queued_size = 0;
			}
			return MACH_RCV_TOO_LARGE;
		}
		queued_size = 0;
		mr = MACH_MSG_SUCCESS;
	}
	if (delivers(mr) && (option & MACH_RCV_MSG)) {
		memset(msg, 0, sizeof *msg);
		msg->msgh_bits = next_request_bits | MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
		msg->msgh_size = sizeof(mach_msg_header_t);
		msg->msgh_remote_port = 77; /* the client's reply right */
		msg->msgh_local_port = 5;
		msg->msgh_id = next_request_id;
	}
	return mr;
}

static void reset(const mach_msg_return_t *results, int n)
{
	n_calls = 0;
	memcpy(script, results, n * sizeof *results);
	n_script = n;
}

/* Rights and memory released through the RPCs, in order. */
static char released[256];
static void note(const char *what, unsigned long value)
{
	size_t len = strlen(released);
	snprintf(released + len, sizeof released - len, "%s%s %lu", len ? ", " : "", what, value);
}
kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_t name)
{
	(void)task;
	note("dealloc", name);
	return KERN_SUCCESS;
}
kern_return_t mach_port_mod_refs(ipc_space_t task, mach_port_t name, mach_port_right_t right,
				 mach_port_delta_t delta)
{
	(void)task;
	(void)delta;
	note(right == MACH_PORT_RIGHT_RECEIVE ? "receive" : "refs", name);
	return KERN_SUCCESS;
}
kern_return_t vm_deallocate(vm_task_t task, vm_address_t address, vm_size_t size)
{
	(void)task;
	(void)address;
	note("vm", size);
	return KERN_SUCCESS;
}
kern_return_t vm_allocate(vm_task_t task, vm_address_t *address, vm_size_t size, boolean_t anywhere)
{
	(void)task;
	(void)anywhere;
	static char pool[4096];
	*address = size <= sizeof pool ? (vm_address_t)pool : 0;
	return size <= sizeof pool ? KERN_SUCCESS : KERN_NO_SPACE;
}

/* --- mach_msg ----------------------------------------------------------- */

static void test_mach_msg(void)
{
	mach_msg_header_t h = { .msgh_id = 42 };
	char what[128];

	mach_msg_return_t s1[] = { MACH_SEND_INTERRUPTED, MACH_SEND_INTERRUPTED, MACH_MSG_SUCCESS };
	reset(s1, 3);
	mach_msg_return_t mr = mach_msg(&h, MACH_SEND_MSG | MACH_RCV_MSG, 24, 64, 9, 0, 0);
	ok(mr == MACH_MSG_SUCCESS && n_calls == 3, "an interrupted send is retried until it goes through");
	ok(calls[2].option == (MACH_SEND_MSG | MACH_RCV_MSG) && calls[2].send_size == 24,
	   "the retried send repeats the whole call");

	mach_msg_return_t s2[] = { MACH_RCV_INTERRUPTED, MACH_MSG_SUCCESS };
	reset(s2, 2);
	mr = mach_msg(&h, MACH_SEND_MSG | MACH_RCV_MSG, 24, 64, 9, 0, 0);
	snprintf(what, sizeof what, "an interrupted receive is retried as a receive only (option %#x, size %u)",
		 calls[1].option, calls[1].send_size);
	ok(mr == MACH_MSG_SUCCESS && n_calls == 2 && calls[1].option == MACH_RCV_MSG && calls[1].send_size == 0,
	   what);

	reset(s1, 3);
	mr = mach_msg(&h, MACH_SEND_MSG | MACH_SEND_INTERRUPT, 24, 0, 0, 0, 0);
	ok(mr == MACH_SEND_INTERRUPTED && n_calls == 1, "MACH_SEND_INTERRUPT returns the interruption");
	reset(s2, 2);
	mr = mach_msg(&h, MACH_RCV_MSG | MACH_RCV_INTERRUPT, 0, 64, 9, 0, 0);
	ok(mr == MACH_RCV_INTERRUPTED && n_calls == 1, "MACH_RCV_INTERRUPT returns the interruption");

	mach_msg_return_t s3[] = { MACH_SEND_INVALID_DEST };
	reset(s3, 1);
	mr = mach_msg(&h, MACH_SEND_MSG, 24, 0, 0, 0, 0);
	ok(mr == MACH_SEND_INVALID_DEST && n_calls == 1, "other errors are returned at once");
}

/* --- the server loop ------------------------------------------------------ */

static kern_return_t routine_result;
static int demux_calls;

static boolean_t demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	mig_reply_header_t *reply = (mig_reply_header_t *)out;
	demux_calls++;
	out->msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(in->msgh_bits), 0);
	out->msgh_size = sizeof *reply;
	out->msgh_remote_port = in->msgh_remote_port;
	out->msgh_local_port = MACH_PORT_NULL;
	out->msgh_id = in->msgh_id + 100;
	reply->RetCode = routine_result;
	return TRUE;
}

/* A routine whose answer is a message of its own, complex (as the pager
 * kit's data_supply, sent with the next receive): to port 66 (copied
 * send right), a region out of line, deallocated or not. */
static boolean_t ool_dealloc;

static void complex_reply(mach_msg_header_t *out)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_long_t data_type;
		void *data;
	} *m = (void *)out;
	memset(m, 0, sizeof *m);
	m->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m->head.msgh_size = sizeof *m;
	m->head.msgh_remote_port = 66;
	m->head.msgh_id = 2093;
	m->data_type.msgtl_header = (mach_msg_type_t){ .msgt_longform = 1, .msgt_deallocate = ool_dealloc };
	m->data_type.msgtl_name = MACH_MSG_TYPE_BYTE;
	m->data_type.msgtl_size = 8;
	m->data_type.msgtl_number = 4096;
	m->data = (void *)0x20000;
}

static boolean_t demux_complex(mach_msg_header_t *in, mach_msg_header_t *out)
{
	(void)in;
	demux_calls++;
	complex_reply(out);
	return TRUE;
}

/* The routine's own complex message goes out with the next receive,
 * whatever its RetCode's place holds; if the send fails, only what the
 * kernel did not take and the message gave away is released. */
static void test_server_complex(void)
{
	mach_msg_return_t s[] = { MACH_MSG_SUCCESS, MACH_MSG_SUCCESS };

	demux_calls = 0;
	ool_dealloc = FALSE;
	released[0] = '\0';
	reset(s, 2);
	mach_msg_return_t mr = mach_msg_server_timeout(demux_complex, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && demux_calls == 2 && n_calls == 3 && calls[1].sent_id == 2093 &&
		   calls[1].option == (MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT) && released[0] == '\0',
	   "a complex message of the routine's is sent with the next receive");

	mach_msg_return_t dead[] = { MACH_MSG_SUCCESS, MACH_SEND_INVALID_DEST };
	released[0] = '\0';
	reset(dead, 2);
	mr = mach_msg_server_timeout(demux_complex, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && n_calls == 3 && released[0] == '\0',
	   "not sent (MACH_SEND_INVALID_DEST): a region without deallocate stays the routine's, a copied right is kept");
	if (released[0] != '\0')
		printf("# released: %s\n", released);

	ool_dealloc = TRUE;
	released[0] = '\0';
	reset(dead, 2);
	mr = mach_msg_server_timeout(demux_complex, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && n_calls == 3 && strcmp(released, "vm 4096") == 0,
	   "not sent: a region given away with deallocate is released");

	/* A time-out gives the message back received: the region is a new
	 * copy (ours to free whatever the flag) and the copied right a new
	 * reference. */
	ool_dealloc = FALSE;
	mach_msg_return_t late[] = { MACH_MSG_SUCCESS, MACH_SEND_TIMED_OUT };
	released[0] = '\0';
	reset(late, 2);
	mr = mach_msg_server_timeout(demux_complex, 256, 5, MACH_RCV_TIMEOUT | MACH_SEND_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && n_calls == 3 && strcmp(released, "dealloc 66, vm 4096") == 0,
	   "returned by a time-out: the message as received is released whole");
	if (strcmp(released, "dealloc 66, vm 4096") != 0)
		printf("# released: %s\n", released);
}

static void test_server(void)
{
	mach_msg_return_t s[] = { MACH_MSG_SUCCESS, MACH_MSG_SUCCESS, MACH_MSG_SUCCESS };

	routine_result = KERN_SUCCESS;
	demux_calls = 0;
	reset(s, 3);
	mach_msg_return_t mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && demux_calls == 3, "the server serves until a receive times out");
	ok(calls[1].option == (MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT) && calls[1].sent_id == 1100 &&
		   calls[1].send_size == sizeof(mig_reply_header_t),
	   "each reply goes out with the next receive, id + 100");

	/* mach_msg_server: its own copy of the loop, no options. */
	demux_calls = 0;
	reset(s, 3);
	mr = mach_msg_server(demux, 256, 5);
	ok(mr == MACH_RCV_TIMED_OUT && demux_calls == 3 && n_calls == 4 && calls[0].option == MACH_RCV_MSG &&
		   calls[3].option == (MACH_SEND_MSG | MACH_RCV_MSG) && calls[3].sent_id == 1100,
	   "mach_msg_server serves the same way, with no options");

	routine_result = MIG_NO_REPLY;
	reset(s, 1);
	mr = mach_msg_server_once(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_MSG_SUCCESS && n_calls == 1, "MIG_NO_REPLY sends nothing");

	routine_result = KERN_INVALID_ARGUMENT;
	next_request_bits = MACH_MSGH_BITS_COMPLEX;
	released[0] = '\0';
	reset(s, 2);
	mr = mach_msg_server_once(demux, 256, 5, 0, 0);
	ok(mr == MACH_MSG_SUCCESS && n_calls == 2 && calls[1].option == MACH_SEND_MSG,
	   "an error reply is sent by mach_msg_server_once, without a receive");
	ok(released[0] == '\0', "a failed complex request keeps the client's reply right");
	next_request_bits = 0;

	routine_result = MIG_DESTROY_REQUEST;
	released[0] = '\0';
	reset(s, 1);
	mr = mach_msg_server_once(demux, 256, 5, 0, 0);
	ok(n_calls == 1 && strcmp(released, "dealloc 77") == 0, "MIG_DESTROY_REQUEST destroys the request unanswered");

	routine_result = KERN_SUCCESS;
	mach_msg_return_t dead[] = { MACH_MSG_SUCCESS, MACH_SEND_INVALID_DEST };
	released[0] = '\0';
	reset(dead, 2);
	mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && n_calls == 3 && strcmp(released, "dealloc 77") == 0,
	   "a reply to a dead client is destroyed and the server goes on");

	/* Receive errors about one request: release it, serve the next. */
	mach_msg_return_t body[] = { MACH_RCV_BODY_ERROR | MACH_MSG_VM_SPACE, MACH_MSG_SUCCESS };
	next_request_bits = MACH_MSGH_BITS_COMPLEX;
	released[0] = '\0';
	demux_calls = 0;
	reset(body, 2);
	mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && demux_calls == 1 && strncmp(released, "dealloc 77", 10) == 0,
	   "a request whose body could not be received is destroyed (its reply right too) and the server goes on");
	next_request_bits = 0;

	mach_msg_return_t header[] = { MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE, MACH_RCV_INVALID_DATA,
				       MACH_MSG_SUCCESS };
	demux_calls = 0;
	reset(header, 3);
	mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && demux_calls == 1 && n_calls == 4,
	   "header and invalid-data receive errors skip the request and the server goes on");

	/* The same error on the receive half of reply-and-receive. */
	mach_msg_return_t half[] = { MACH_MSG_SUCCESS, MACH_RCV_BODY_ERROR | MACH_MSG_IPC_SPACE, MACH_MSG_SUCCESS };
	demux_calls = 0;
	reset(half, 3);
	mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && demux_calls == 2, "so does one on the receive after a reply");

	/* Too large without MACH_RCV_LARGE: the kernel dropped it. */
	mach_msg_return_t none[] = { MACH_MSG_SUCCESS };
	queued_size = 1000;
	demux_calls = 0;
	reset(none, 1);
	mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_TIMED_OUT && demux_calls == 0 && n_calls == 2 && queued_size == 0,
	   "a request too large for the buffer is dropped and the server goes on");

	/* With MACH_RCV_LARGE it stays queued: the buffers grow and it is served. */
	queued_size = 1000;
	demux_calls = 0;
	reset(none, 1);
	mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT | MACH_RCV_LARGE, 10);
	ok(mr == MACH_RCV_TIMED_OUT && demux_calls == 1 && n_calls == 3 && calls[1].rcv_size >= 1000 &&
		   calls[2].rcv_size >= 1000,
	   "MACH_RCV_LARGE: the buffers grow to the queued request's size and it is served");
	queued_size = 1000;
	demux_calls = 0;
	reset(s, 3);
	mr = mach_msg_server_once(demux, 256, 5, MACH_RCV_TIMEOUT | MACH_RCV_LARGE, 10);
	ok(mr == MACH_MSG_SUCCESS && demux_calls == 1, "mach_msg_server_once takes a large request the same way");

	/* Errors about the port end the loop at once. */
	mach_msg_return_t gone[] = { MACH_RCV_PORT_DIED, MACH_MSG_SUCCESS };
	reset(gone, 2);
	mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_PORT_DIED && n_calls == 1, "the server ends when its port dies");
	mach_msg_return_t bad[] = { MACH_RCV_INVALID_NAME, MACH_MSG_SUCCESS };
	reset(bad, 2);
	mr = mach_msg_server_timeout(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok(mr == MACH_RCV_INVALID_NAME && n_calls == 1, "and when its port name is not a receive right");
	mach_msg_return_t lost[] = { MACH_RCV_BODY_ERROR | MACH_MSG_VM_SPACE };
	reset(lost, 1);
	mr = mach_msg_server_once(demux, 256, 5, MACH_RCV_TIMEOUT, 10);
	ok((mr & ~MACH_MSG_MASK) == MACH_RCV_BODY_ERROR && n_calls == 1,
	   "mach_msg_server_once reports a request it could not receive");
}

/* --- mach_msg_destroy ----------------------------------------------------- */

static void test_destroy(void)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_t ports_type; /* two send rights inline */
		mach_port_t ports[2];
		mach_msg_type_t bytes_type; /* 3 bytes inline, padded */
		char bytes[4];
		mach_msg_type_t ool_type; /* 4000 bytes out of line */
		void *ool;
		mach_msg_type_long_t rcv_type; /* one receive right, long form */
		mach_port_t rcv;
		mach_msg_type_t once_type; /* out-of-line array of 2 send-once rights */
		mach_port_t *once;
	} m;
	static mach_port_t once_names[2] = { 31, 32 };

	memset(&m, 0, sizeof m);
	m.head.msgh_bits = MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
	m.head.msgh_size = sizeof m;
	m.head.msgh_remote_port = 7;
	m.head.msgh_local_port = 8;
	m.ports_type = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_PORT_SEND, .msgt_size = 32, .msgt_number = 2,
					  .msgt_inline = 1 };
	m.ports[0] = 11;
	m.ports[1] = MACH_PORT_DEAD;
	m.bytes_type = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_BYTE, .msgt_size = 8, .msgt_number = 3,
					  .msgt_inline = 1 };
	m.ool_type = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_BYTE, .msgt_size = 8, .msgt_number = 4000 };
	m.ool = (void *)0x10000;
	m.rcv_type.msgtl_header = (mach_msg_type_t){ .msgt_inline = 1, .msgt_longform = 1 };
	m.rcv_type.msgtl_name = MACH_MSG_TYPE_PORT_RECEIVE;
	m.rcv_type.msgtl_size = 32;
	m.rcv_type.msgtl_number = 1;
	m.rcv = 21;
	m.once_type = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_PORT_SEND_ONCE, .msgt_size = 32,
					 .msgt_number = 2 };
	m.once = once_names;

	released[0] = '\0';
	mach_msg_destroy(&m.head);
	const char *want = "dealloc 7, dealloc 11, vm 4000, receive 21, dealloc 31, dealloc 32, vm 8";
	ok(strcmp(released, want) == 0, "mach_msg_destroy releases the reply right, every right and region");
	if (strcmp(released, want) != 0)
		printf("# got:  %s\n# want: %s\n", released, want);

	m.head.msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;
	released[0] = '\0';
	mach_msg_destroy(&m.head);
	ok(strcmp(released, "dealloc 7") == 0, "a simple message has only its header right to release");
}

/* --- MIG support ---------------------------------------------------------- */

static void test_mig_support(void)
{
	char buf[8];
	memset(buf, 'x', sizeof buf);
	int n = mig_strncpy(buf, "abc", sizeof buf);
	ok(n == 4 && strcmp(buf, "abc") == 0, "mig_strncpy copies a short string and counts its NUL");
	n = mig_strncpy(buf, "abcdefghijk", sizeof buf);
	ok(n == 8 && buf[7] == '\0' && strncmp(buf, "abcdefg", 7) == 0,
	   "mig_strncpy truncates a long string and still terminates it");
	ok(mig_strncpy(buf, "abc", 0) == 0, "mig_strncpy into no room writes nothing");

	vm_offset_t addr = 1;
	mig_allocate(&addr, 1 << 20);
	ok(addr == 0, "mig_allocate reports failure as address 0");
	mig_allocate(&addr, 100);
	ok(addr != 0, "mig_allocate returns the kernel's memory");
}

/* --- a loop with a handler of its own (the pager kit's threads) --------- */

static int fast_calls, fast_taken, fast_no_reply;

/* Takes every other request (the first, third...): answers it with a
 * complex message of its own, or with no reply at all. */
static enum msg_server_took fast_every_other(void *ctx, mach_msg_header_t *in, mach_msg_header_t *out)
{
	(void)in;
	if (ctx != &fast_taken || fast_calls++ % 2 == 1)
		return MSG_SERVER_DECLINED;
	fast_taken++;
	if (!fast_no_reply) {
		complex_reply(out);
		return MSG_SERVER_SEND;
	}
	mig_reply_header_t *r = (mig_reply_header_t *)out;
	r->Head.msgh_bits = 0;
	r->Head.msgh_remote_port = MACH_PORT_NULL;
	r->Head.msgh_size = sizeof *r;
	r->RetCode = MIG_NO_REPLY;
	return MSG_SERVER_REPLY;
}

static void test_server_fast(void)
{
	mach_msg_return_t s[] = { MACH_MSG_SUCCESS, MACH_MSG_SUCCESS, MACH_MSG_SUCCESS };

	demux_calls = fast_calls = fast_taken = fast_no_reply = 0;
	routine_result = KERN_SUCCESS;
	ool_dealloc = FALSE;
	released[0] = '\0';
	reset(s, 3);
	mach_msg_return_t mr =
		msg_server_loop(demux, fast_every_other, &fast_taken, 256, 5, MACH_RCV_TIMEOUT, 10, FALSE);
	ok(mr == MACH_RCV_TIMED_OUT && fast_calls == 3 && fast_taken == 2 && demux_calls == 1,
	   "a loop's own handler sees every request; demux only those it leaves");
	ok(n_calls == 4 && calls[1].sent_id == 2093 && calls[2].sent_id == 1100 && calls[3].sent_id == 2093 &&
		   calls[3].option == (MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT) && released[0] == '\0',
	   "its messages and demux's replies each go with the next receive");

	demux_calls = fast_calls = fast_taken = 0;
	fast_no_reply = 1;
	reset(s, 3);
	mr = msg_server_loop(demux, fast_every_other, &fast_taken, 256, 5, MACH_RCV_TIMEOUT, 10, FALSE);
	ok(mr == MACH_RCV_TIMED_OUT && n_calls == 4 && calls[1].option == (MACH_RCV_MSG | MACH_RCV_TIMEOUT) &&
		   calls[2].sent_id == 1100 && calls[3].option == (MACH_RCV_MSG | MACH_RCV_TIMEOUT),
	   "a request it answers with no reply: the next call only receives");
}

int main(void)
{
	test_mach_msg();
	test_server();
	test_server_complex();
	test_server_fast();
	test_destroy();
	test_mig_support();
	printf("1..%d\n", n_tests);
	return n_failed != 0;
}
