/*
 * How a thread's wait in mach_msg ends, and what becomes of the message
 * it was woken for.
 *
 * RPC clients: mach_msg(SEND|RCV) with MACH_RCV_TIMEOUT to a server that
 * takes the request and never answers times out, whether the request went
 * straight into the waiting server's buffer (the fast path) or through the
 * general path (a complex message), to a server in this task or in
 * another; thread_abort ends such a client's wait, with a time-out or
 * without, with MACH_RCV_INTERRUPTED, and a client still blocked in the
 * send half (a full queue) with MACH_SEND_INTERRUPTED.
 *
 * Receivers that never return to user mode: a receiver woken for a
 * message (or handed one by the fast path) and then terminated, or
 * suspended and then terminated, must not take the message with it: the
 * message stays queued and another receiver of the port gets it; nor
 * must one whose wait ended (terminated, not yet gone) take another
 * receiver's wake-up.
 */
#include <string.h>
#include <cthreads.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define SETTLE_MS 20	      /* let another thread reach its receive (correct either way) */
#define CLIENT_TIMEOUT_MS 100 /* the RPC time-out under test */
#define LONG_TIMEOUT_MS 60000 /* a time-out that must not be what ends the wait */
#define WAIT_ROUNDS 300	      /* bound on waiting for another thread: SETTLE_MS each */
#define SINK_MAX 8
#define SERVER_STACK (64 * 1024)

static void settle(void)
{
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, SETTLE_MS);
}

/* Wait (bounded) until *flag is set; whether it was. */
static int wait_for(volatile int *flag)
{
	for (int i = 0; i < WAIT_ROUNDS && !*flag; i++)
		settle();
	return *flag;
}

/* A server that takes requests and never answers them (it keeps their
 * reply rights, so no send-once notification answers either). */
struct sink {
	mach_port_t port; /* received on: the port, or a set it is in */
	volatile int received;
	mach_msg_id_t id[SINK_MAX];
};

static void *sink_loop(void *arg)
{
	struct sink *s = arg;
	struct rcv_buf buf;

	while (s->received < SINK_MAX) {
		if (mach_msg(&buf.head, MACH_RCV_MSG, 0, sizeof(buf), s->port, 0, MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			break; /* the port is gone */
		s->id[s->received] = buf.head.msgh_id;
		s->received++;
	}
	return NULL;
}

/* An RPC client: one SEND|RCV, its result recorded. */
struct client {
	mach_port_t dest, reply;
	int complex; /* a complex message: the general path */
	mach_msg_option_t option;
	mach_msg_timeout_t timeout;
	mach_msg_id_t id;
	mach_msg_return_t mr;
	volatile int done;
};

static void *client_rpc(void *arg)
{
	struct client *c = arg;
	struct msg32 m;

	memset(&m, 0, sizeof(m));
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) |
			   (c->complex ? MACH_MSGH_BITS_COMPLEX : 0);
	m.head.msgh_size = sizeof(m);
	m.head.msgh_remote_port = c->dest;
	m.head.msgh_local_port = c->reply;
	m.head.msgh_id = c->id;
	m.type = int_type;
	m.value = c->id;
	/* The trap itself: mach_msg would retry an interrupted receive. */
	c->mr = mach_msg_trap(&m.head, MACH_SEND_MSG | MACH_RCV_MSG | c->option, sizeof(m), sizeof(m), c->reply,
			      c->timeout, MACH_PORT_NULL);
	c->done = 1;
	return NULL;
}

static const char *path_name(int complex)
{
	return complex ? "general path" : "fast path";
}

/* One client RPC with MACH_RCV_TIMEOUT to dest, whose server (counted
 * by *received) takes the request and never answers. */
static void rpc_times_out(mach_port_t dest, volatile int *received, int complex, const char *where)
{
	mach_port_t reply = new_port();
	struct client c = {.dest = dest, .reply = reply, .complex = complex, .option = MACH_RCV_TIMEOUT,
			   .timeout = CLIENT_TIMEOUT_MS, .id = 500};
	cthread_t t;
	int before = *received;

	if (!is_kr(cthread_create(&t, client_rpc, &c), KERN_SUCCESS, "%s, %s: a client RPCs with a time-out",
		   where, path_name(complex)))
		return;
	ok(wait_for(&c.done), "its mach_msg returns");
	is_kr(c.mr, MACH_RCV_TIMED_OUT, "with MACH_RCV_TIMED_OUT");
	is(*received, before + 1, "the server got the request");
	if (c.done)
		cthread_join(t);
	mach_port_destroy(T, reply);
}

/* A client waiting for a reply that never comes, ended by thread_abort. */
static void rpc_aborted(mach_port_t dest, volatile int *received, int complex, mach_msg_option_t option,
			const char *where)
{
	mach_port_t reply = new_port();
	struct client c = {.dest = dest, .reply = reply, .complex = complex, .option = option,
			   .timeout = option ? LONG_TIMEOUT_MS : 0, .id = 600};
	cthread_t t;
	int before = *received;

	if (!is_kr(cthread_create(&t, client_rpc, &c), KERN_SUCCESS, "%s, %s, %s: a client RPCs", where,
		   path_name(complex), option ? "with a long time-out" : "no time-out"))
		return;
	for (int i = 0; i < WAIT_ROUNDS && *received == before; i++)
		settle();
	is(*received, before + 1, "the server got the request");
	/* An abort before it blocks for the reply would be lost. */
	ok(wait_blocked(cthread_kernel_port(t)) && !c.done, "the client waits for the reply");
	is_kr(thread_abort(cthread_kernel_port(t)), KERN_SUCCESS, "thread_abort the client");
	ok(wait_for(&c.done), "its mach_msg returns");
	is_kr(c.mr, MACH_RCV_INTERRUPTED, "with MACH_RCV_INTERRUPTED");
	if (c.done)
		cthread_join(t);
	mach_port_destroy(T, reply);
}

/* A server in this task receiving on the port, or on a set it is in. */
static void test_rpc_same_task(int in_set)
{
	mach_port_t port = new_port_with_send(), set = MACH_PORT_NULL;
	const char *where = in_set ? "same task, server on a set" : "same task";
	cthread_t t;

	if (in_set && (mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &set) != KERN_SUCCESS ||
		       mach_port_move_member(T, port, set) != KERN_SUCCESS)) {
		ok(0, "a port set with the port in it");
		return;
	}
	struct sink s = {.port = in_set ? set : port};
	if (!is_kr(cthread_create(&t, sink_loop, &s), KERN_SUCCESS, "%s: a server that never answers", where))
		return;
	settle();
	for (int complex = 0; complex < 2; complex++) {
		rpc_times_out(port, &s.received, complex, where);
		rpc_aborted(port, &s.received, complex, 0, where);
		rpc_aborted(port, &s.received, complex, MACH_RCV_TIMEOUT, where);
	}
	/* The sink's receive fails once what it receives on goes; it ends. */
	mach_port_destroy(T, port);
	if (in_set)
		mach_port_destroy(T, set);
	cthread_join(t);
}

/* A client whose send half blocks on a full queue (MACH_RCV_TIMEOUT does
 * not cover the send): thread_abort ends it with MACH_SEND_INTERRUPTED,
 * the message not sent. */
static void test_abort_blocked_send(void)
{
	mach_port_t port = new_port_with_send(), reply = new_port();
	struct client c = {.dest = port, .reply = reply, .option = MACH_RCV_TIMEOUT, .timeout = CLIENT_TIMEOUT_MS,
			   .id = 650};
	mach_port_status_t st;
	cthread_t t;

	is_kr(mach_port_set_qlimit(T, port, 0), KERN_SUCCESS, "a port whose queue is always full");
	if (!is_kr(cthread_create(&t, client_rpc, &c), KERN_SUCCESS, "a client RPCs to it with a receive time-out"))
		return;
	ok(wait_blocked(cthread_kernel_port(t)) && !c.done, "its send waits for room");
	is_kr(thread_abort(cthread_kernel_port(t)), KERN_SUCCESS, "thread_abort the client");
	ok(wait_for(&c.done), "its mach_msg returns");
	is_kr(c.mr, MACH_SEND_INTERRUPTED, "with MACH_SEND_INTERRUPTED");
	if (is_kr(mach_port_get_receive_status(T, port, &st), KERN_SUCCESS, "the port's status"))
		is(st.mps_msgcount, 0, "nothing was sent");
	if (c.done)
		cthread_join(t);
	mach_port_destroy(T, port);
	mach_port_destroy(T, reply);
}

/* --- A server in another task ------------------------------------------ */

static void __attribute__((noreturn, used)) child_sink(mach_port_t port, volatile int *count)
{
	struct rcv_buf buf;

	for (;;)
		if (mach_msg(&buf.head, MACH_RCV_MSG, 0, sizeof(buf), port, 0, MACH_PORT_NULL) == MACH_MSG_SUCCESS)
			++*count;
}

static void test_rpc_other_task(void)
{
	task_t child;
	thread_t th;
	mach_port_t child_port, send;
	mach_msg_type_name_t type;
	vm_address_t stack = 0, shared = 0;
	static unsigned int top[1024] __attribute__((aligned(4096)));
	struct i386_thread_state state;

	/* The child gets a copy of our memory and one page shared with us,
	 * where it counts the requests it took. */
	kern_return_t kr = vm_allocate(T, &shared, vm_page_size, TRUE);
	if (kr == KERN_SUCCESS)
		kr = vm_inherit(T, shared, vm_page_size, VM_INHERIT_SHARE);
	if (!is_kr(kr, KERN_SUCCESS, "a page to share with a child"))
		return;
	if (!is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "a child task with our memory"))
		return;
	volatile int *count = (volatile int *)shared;
	mach_port_allocate(child, MACH_PORT_RIGHT_RECEIVE, &child_port);
	mach_port_extract_right(child, child_port, MACH_MSG_TYPE_MAKE_SEND, &send, &type);
	vm_allocate(child, &stack, SERVER_STACK, TRUE);
	top[1021] = 0;
	top[1022] = child_port;
	top[1023] = (unsigned int)count;
	vm_write(child, stack + SERVER_STACK - sizeof(top), (vm_offset_t)top, sizeof(top));
	thread_create(child, &th);
	memset(&state, 0, sizeof(state));
	state.eip = (unsigned int)child_sink;
	state.uesp = stack + SERVER_STACK - 3 * sizeof(int);
	thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&state, i386_THREAD_STATE_COUNT);
	if (!is_kr(thread_resume(th), KERN_SUCCESS, "its thread takes requests and never answers"))
		return;
	settle();
	for (int complex = 0; complex < 2; complex++) {
		rpc_times_out(send, count, complex, "other task");
		rpc_aborted(send, count, complex, 0, "other task");
		rpc_aborted(send, count, complex, MACH_RCV_TIMEOUT, "other task");
	}
	task_terminate(child);
	mach_port_deallocate(T, send);
	mach_port_deallocate(T, th);
	mach_port_deallocate(T, child);
	vm_deallocate(T, shared, vm_page_size);
}

/* --- Receivers that never return ------------------------------------- */

/* A receiver: one receive on its port (the trap: no retry), recorded. */
struct receiver {
	mach_port_t port;
	mach_msg_timeout_t timeout; /* 0: none */
	mach_msg_return_t mr;
	mach_msg_id_t id;
	volatile int done;
	cthread_t t;
};

static void *receive_once(void *arg)
{
	struct receiver *r = arg;
	struct rcv_buf buf;

	r->mr = mach_msg_trap(&buf.head, MACH_RCV_MSG | (r->timeout ? MACH_RCV_TIMEOUT : 0), 0, sizeof(buf),
			      r->port, r->timeout, MACH_PORT_NULL);
	r->id = buf.head.msgh_id;
	r->done = 1;
	return NULL;
}

static int start_receiver(struct receiver *r)
{
	if (cthread_create(&r->t, receive_once, r) != KERN_SUCCESS)
		return 0;
	return wait_blocked(cthread_kernel_port(r->t));
}

/* How a message reaches the doomed receiver. */
enum delivery {
	SEND_ONLY,     /* a plain send: queued, the receiver woken */
	RPC_QUEUED,    /* SEND|RCV whose reply is already queued: the sender does not block */
	RPC_BLOCKING,  /* SEND|RCV blocking for a reply (a time-out ends it) */
};

static const char *delivery_name(enum delivery d)
{
	return d == SEND_ONLY ? "a send" : d == RPC_QUEUED ? "an RPC not waiting" : "an RPC waiting";
}

static mach_msg_return_t deliver(mach_port_t port, enum delivery d, mach_msg_id_t id)
{
	if (d == SEND_ONLY)
		return send_int(port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, id, id, 0, 0);
	mach_port_t reply = new_port_with_send();
	struct msg32 m;
	mach_msg_return_t mr;

	if (d == RPC_QUEUED)
		send_int(reply, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, 1, 0, 0);
	memset(&m, 0, sizeof(m));
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_size = sizeof(m);
	m.head.msgh_remote_port = port;
	m.head.msgh_local_port = reply;
	m.head.msgh_id = id;
	m.type = int_type;
	m.value = id;
	mr = mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m), sizeof(m), reply,
		      d == RPC_QUEUED ? 0 : CLIENT_TIMEOUT_MS, MACH_PORT_NULL);
	if (d == RPC_BLOCKING && mr == MACH_RCV_TIMED_OUT)
		mr = MACH_MSG_SUCCESS; /* the doomed receiver never answers */
	mach_port_destroy(T, reply);
	return mr;
}

/*
 * A receiver is blocked on port (suspended first if `suspend`), a second
 * one behind it; a message comes; the first is terminated.  The second
 * must get the message.
 */
static void doomed_receiver(enum delivery d, int suspend)
{
	mach_port_t port = new_port();
	struct receiver first = {.port = port}, second = {.port = port, .timeout = 5000};
	mach_msg_id_t id = 700 + 10 * d + suspend;

	diag("%s to a receiver %s", delivery_name(d), suspend ? "suspended, then terminated" : "then terminated");
	if (!ok(start_receiver(&first) && start_receiver(&second), "two receivers wait on a port"))
		return;
	mach_port_t th = cthread_kernel_port(first.t);
	if (suspend)
		is_kr(thread_suspend(th), KERN_SUCCESS, "suspend the first");
	is_kr(deliver(port, d, id), MACH_MSG_SUCCESS, "%s", delivery_name(d));
	if (suspend)
		settle(); /* let it run to where it stops */
	is_kr(thread_terminate(th), KERN_SUCCESS, "terminate the first");
	ok(!first.done, "the first never returned to user mode");
	ok(wait_for(&second.done), "the second's receive returns");
	is_kr(second.mr, MACH_MSG_SUCCESS, "with a message");
	is(second.id, id, "the one sent: nothing lost");
	if (second.done)
		cthread_join(second.t);
	mach_port_destroy(T, port);
}

/*
 * The first of two receivers is terminated before the message comes: it
 * is still on the port's queue until it runs, its wait already ended.
 * The message must wake the second, not the first again (a wake-up
 * lost on a thread that is no longer waiting: the message stayed queued
 * and the second slept until its time-out).
 */
static void receiver_gone_before(void)
{
	mach_port_t port = new_port();
	struct receiver first = {.port = port}, second = {.port = port, .timeout = 5000};

	diag("a send after the first receiver's termination, before it ran");
	if (!ok(start_receiver(&first) && start_receiver(&second), "gone before: two receivers wait on a port"))
		return;
	mach_port_t th = cthread_kernel_port(first.t);
	is_kr(thread_terminate(th), KERN_SUCCESS, "gone before: terminate the first");
	is_kr(deliver(port, SEND_ONLY, 950), MACH_MSG_SUCCESS, "gone before: a send");
	ok(wait_for(&second.done), "gone before: the second's receive returns");
	is_kr(second.mr, MACH_MSG_SUCCESS, "gone before: with a message, not its time-out");
	is(second.id, 950, "gone before: the one sent");
	if (second.done)
		cthread_join(second.t);
	mach_port_destroy(T, port);
}

/* The same with one receiver; the message waits on the port. */
static void doomed_only_receiver(enum delivery d)
{
	mach_port_t port = new_port();
	struct receiver first = {.port = port};
	struct rcv_buf buf;
	mach_msg_id_t id = 800 + d;

	diag("%s to the only receiver, suspended, then terminated", delivery_name(d));
	if (!ok(start_receiver(&first), "a receiver waits on a port"))
		return;
	mach_port_t th = cthread_kernel_port(first.t);
	is_kr(thread_suspend(th), KERN_SUCCESS, "suspend it");
	is_kr(deliver(port, d, id), MACH_MSG_SUCCESS, "%s", delivery_name(d));
	settle();
	is_kr(thread_terminate(th), KERN_SUCCESS, "terminate it");
	is_kr(receive(port, &buf, 1000), MACH_MSG_SUCCESS, "the message is still on the port");
	is(buf.head.msgh_id, id, "the one sent");
	mach_port_destroy(T, port);
}

/* A suspended receiver woken for a message takes it once resumed. */
static void test_suspended_then_resumed(void)
{
	mach_port_t port = new_port();
	struct receiver r = {.port = port};

	if (!ok(start_receiver(&r), "a receiver waits on a port"))
		return;
	mach_port_t th = cthread_kernel_port(r.t);
	is_kr(thread_suspend(th), KERN_SUCCESS, "suspend it");
	is_kr(deliver(port, RPC_QUEUED, 900), MACH_MSG_SUCCESS, "an RPC to it");
	settle();
	ok(!r.done, "suspended, it has not returned");
	is_kr(thread_resume(th), KERN_SUCCESS, "resume it");
	ok(wait_for(&r.done), "its receive returns");
	/* The trap reports the interruption; mach_msg would retry it. */
	if (r.mr == MACH_RCV_INTERRUPTED) {
		struct rcv_buf buf;
		is_kr(receive(port, &buf, 1000), MACH_MSG_SUCCESS, "interrupted: the message is still queued");
		is(buf.head.msgh_id, 900, "the one sent");
	} else {
		is_kr(r.mr, MACH_MSG_SUCCESS, "with the message");
		is(r.id, 900, "the one sent");
	}
	if (r.done)
		cthread_join(r.t);
	mach_port_destroy(T, port);
}

/*
 * A port's receivers once it is in a set, as Mach: a receive from the
 * member itself is refused (MACH_RCV_IN_SET), one already waiting there
 * ends with MACH_RCV_PORT_CHANGED when the port is put in the set (a
 * send to a member wakes the set's receivers, never it), and out of the
 * set again the port is received from as before.
 */
static void test_member_receive(void)
{
	mach_port_t port = new_port_with_send(), set;
	struct receiver r = { .port = port, .timeout = LONG_TIMEOUT_MS };
	struct rcv_buf buf;

	if (!is_kr(mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS, "member: a set"))
		return;
	if (!ok(start_receiver(&r), "member: a thread receives from the port"))
		return;
	is(r.done, 0, "member: it waits");
	is_kr(mach_port_move_member(T, port, set), KERN_SUCCESS, "member: the port is put in the set");
	wait_for(&r.done);
	is_kr(r.mr, MACH_RCV_PORT_CHANGED, "member: its receive ends with MACH_RCV_PORT_CHANGED");
	cthread_join(r.t);
	is_kr(mach_msg_trap(&buf.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(buf), port, 0, MACH_PORT_NULL),
	      MACH_RCV_IN_SET, "member: a receive from the member: MACH_RCV_IN_SET");
	is_kr(mach_msg_trap(&buf.head, MACH_RCV_MSG, 0, sizeof(buf), port, 0, MACH_PORT_NULL), MACH_RCV_IN_SET,
	      "member: also without a time-out (it does not wait)");
	send_int(port, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 7, 7, 0, 0);
	is_kr(mach_msg_trap(&buf.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(buf), set, 0, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "member: a message to it comes from the set");
	is(buf.head.msgh_id, 7, "member: that message");
	is_kr(mach_port_move_member(T, port, MACH_PORT_NULL), KERN_SUCCESS, "member: the port leaves the set");
	send_int(port, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 8, 8, 0, 0);
	is_kr(mach_msg_trap(&buf.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(buf), port, 0, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "member: out of the set, the port is received from again");
	is(buf.head.msgh_id, 8, "member: that message");
	mach_port_destroy(T, port);
	mach_port_destroy(T, set);
}

int main(void)
{
	test_member_receive();
	test_rpc_same_task(0);
	test_rpc_same_task(1);
	test_abort_blocked_send();
	test_rpc_other_task();
	for (enum delivery d = SEND_ONLY; d <= RPC_BLOCKING; d++) {
		/* A sender blocking for its reply runs the receiver at once
		 * (it returns to user mode with the message), unless the
		 * receiver is suspended. */
		if (d != RPC_BLOCKING)
			doomed_receiver(d, 0);
		doomed_receiver(d, 1);
		doomed_only_receiver(d);
	}
	receiver_gone_before();
	test_suspended_then_resumed();
	return tap_done();
}
