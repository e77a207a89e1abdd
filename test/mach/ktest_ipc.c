/* IPC in the kernel: rights, messages, queue limits, time-outs and
 * notifications, exercised by kernel threads in tasks of their own (so
 * each has a port name space; their message buffers are kernel memory). */
#include <mach/mig_errors.h>
#include <mach/notify.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/kmsg.h>
#include <ipc/mach_port.h>

struct small_msg {
	mach_msg_header_t hdr;
	mach_msg_type_t type;
	uint32_t value;
};

struct port_msg {
	mach_msg_header_t hdr;
	mach_msg_type_t type;
	mach_port_t port;
};

/* A port in the kernel form the mach_port calls take. */
#define KP(p) ((mach_port_t)(uintptr_t)(p))

static mach_msg_type_t int_type(void)
{
	mach_msg_type_t t = {MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0, 0, 0};
	return t;
}

static struct ipc_space *space_of(struct task *t)
{
	return t->itk_space;
}

static unsigned names_in(struct ipc_space *space)
{
	return space->used;
}

/* Run fn(arg) in a new kernel thread of task and wait for it to end. */
static void run_in(struct task *task, void (*fn)(void *), void *arg)
{
	struct thread *th = kernel_thread(task, "ipctest", fn, arg, BASEPRI_KERNEL + 1);
	thread_reference(th);
	while (!(th->state & TH_TERMINATED))
		thread_sleep(th, 0, 0);
	thread_deallocate(th);
}

/* Give task `to` a right of type for the port named `name` in `from`. */
static mach_port_t give_right(struct task *from, mach_port_t name, mach_msg_type_name_t disp, struct task *to)
{
	mach_port_t port;
	mach_msg_type_name_t type;
	mach_port_t got;

	if (mach_port_extract_right(space_of(from), name, disp, &port, &type) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	if (ipc_right_copyout(space_of(to), (struct ipc_port *)port, type, &got) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return got;
}

static mach_msg_return_t send_int(mach_port_t dest, mach_msg_type_name_t disp, mach_port_t reply,
				  mach_msg_type_name_t reply_disp, uint32_t value, mach_msg_option_t opt,
				  mach_msg_timeout_t timeout)
{
	struct small_msg m;
	m.hdr.msgh_bits = MACH_MSGH_BITS(disp, reply_disp);
	m.hdr.msgh_size = sizeof(m);
	m.hdr.msgh_remote_port = dest;
	m.hdr.msgh_local_port = reply;
	m.hdr.msgh_seqno = 0;
	m.hdr.msgh_id = 1234;
	m.type = int_type();
	m.value = value;
	return mach_msg_trap(&m.hdr, MACH_SEND_MSG | opt, sizeof(m), 0, MACH_PORT_NULL, timeout, MACH_PORT_NULL);
}

static mach_msg_return_t receive(mach_port_t name, void *buf, mach_msg_size_t size, mach_msg_option_t opt,
				 mach_msg_timeout_t timeout)
{
	return mach_msg_trap(buf, MACH_RCV_MSG | opt, 0, size, name, timeout, MACH_PORT_NULL);
}

/* --- Port names and rights ------------------------------------------- */

static void rights_body(void *arg)
{
	(void)arg;
	struct ipc_space *s = space_of(current_thread()->task);
	unsigned start = names_in(s);
	mach_port_t rcv, set, dead;
	mach_port_type_t type;
	mach_port_urefs_t refs;

	ktest_ok(mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &rcv) == KERN_SUCCESS && MACH_PORT_VALID(rcv),
		 "allocate a receive right");
	kern_return_t kr = mach_port_type(s, rcv, &type);
	ktest_ok(kr == KERN_SUCCESS && type == MACH_PORT_TYPE_RECEIVE, "its type is receive (0x%x)", type);
	struct ipc_port *port = ipc_entry_lookup(s, rcv)->object;
	ktest_ok(mach_port_mod_refs(s, rcv, MACH_PORT_RIGHT_SEND, 1) == KERN_INVALID_RIGHT,
		 "mod_refs on a send right the name lacks: KERN_INVALID_RIGHT");
	ipc_port_make_send(port); /* a send right to give, as the kernel would make one */
	ktest_ok(mach_port_insert_right(s, rcv, KP(port), MACH_MSG_TYPE_PORT_SEND) == KERN_SUCCESS,
		 "insert a send right under the receive right's name");
	mach_port_type(s, rcv, &type);
	ktest_ok(type == MACH_PORT_TYPE_SEND_RECEIVE, "now send and receive (0x%x)", type);
	ktest_ok(mach_port_mod_refs(s, rcv, MACH_PORT_RIGHT_SEND, 3) == KERN_SUCCESS &&
			 mach_port_get_refs(s, rcv, MACH_PORT_RIGHT_SEND, &refs) == KERN_SUCCESS && refs == 4,
		 "mod_refs +3 gives 4 user references (%u)", refs);
	ktest_ok(mach_port_mod_refs(s, rcv, MACH_PORT_RIGHT_SEND, -5) == KERN_INVALID_VALUE,
		 "taking more references than there are: KERN_INVALID_VALUE");
	ktest_ok(mach_port_deallocate(s, rcv) == KERN_SUCCESS &&
			 mach_port_get_refs(s, rcv, MACH_PORT_RIGHT_SEND, &refs) == KERN_SUCCESS && refs == 3,
		 "deallocate drops one (%u)", refs);
	ktest_ok(mach_port_mod_refs(s, rcv, MACH_PORT_RIGHT_SEND, -3) == KERN_SUCCESS &&
			 mach_port_type(s, rcv, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_RECEIVE,
		 "dropping the last send reference leaves the receive right");
	ktest_ok(port->srights == 0, "the port counts no send rights");
	ktest_ok(mach_port_get_refs(s, rcv, MACH_PORT_RIGHT_RECEIVE, &refs) == KERN_SUCCESS && refs == 1,
		 "one receive reference");
	ktest_ok(mach_port_mod_refs(s, rcv, MACH_PORT_RIGHT_RECEIVE, 2) == KERN_INVALID_VALUE,
		 "receive references cannot be added");
	ktest_ok(mach_port_deallocate(s, rcv) == KERN_INVALID_RIGHT, "deallocate of a receive right: KERN_INVALID_RIGHT");

	ktest_ok(mach_port_allocate(s, MACH_PORT_RIGHT_PORT_SET, &set) == KERN_SUCCESS, "allocate a port set");
	ktest_ok(mach_port_move_member(s, rcv, set) == KERN_SUCCESS, "move the port into the set");
	mach_port_status_t st;
	ktest_ok(mach_port_get_receive_status(s, rcv, &st) == KERN_SUCCESS && st.mps_pset == set &&
			 st.mps_qlimit == MACH_PORT_QLIMIT_DEFAULT,
		 "receive status shows the set and the default queue limit");
	ktest_ok(mach_port_move_member(s, rcv, MACH_PORT_NULL) == KERN_SUCCESS &&
			 mach_port_move_member(s, rcv, MACH_PORT_NULL) == KERN_NOT_IN_SET,
		 "out of the set, then KERN_NOT_IN_SET");
	ktest_ok(mach_port_move_member(s, set, rcv) == KERN_INVALID_RIGHT, "move_member with the names swapped fails");

	ktest_ok(mach_port_allocate(s, MACH_PORT_RIGHT_DEAD_NAME, &dead) == KERN_SUCCESS &&
			 mach_port_type(s, dead, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_DEAD_NAME,
		 "allocate a dead name");
	ktest_ok(mach_port_allocate(s, MACH_PORT_RIGHT_SEND, &dead) == KERN_INVALID_VALUE,
		 "allocate of a send right: KERN_INVALID_VALUE");
	ktest_ok(mach_port_allocate_name(s, MACH_PORT_RIGHT_RECEIVE, 777) == KERN_SUCCESS &&
			 mach_port_allocate_name(s, MACH_PORT_RIGHT_RECEIVE, 777) == KERN_NAME_EXISTS,
		 "allocate_name, and again: KERN_NAME_EXISTS");
	ktest_ok(mach_port_rename(s, 777, 778) == KERN_SUCCESS && mach_port_type(s, 777, &type) == KERN_INVALID_NAME &&
			 mach_port_type(s, 778, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_RECEIVE,
		 "rename moves the right");
	ktest_ok(mach_port_type(s, 12345, &type) == KERN_INVALID_NAME && mach_port_type(s, 0, &type) == KERN_INVALID_NAME,
		 "unknown names: KERN_INVALID_NAME");
	ktest_ok(mach_port_set_qlimit(s, rcv, MACH_PORT_QLIMIT_MAX + 1) == KERN_INVALID_VALUE,
		 "a queue limit above the maximum is refused");
	ktest_ok(mach_port_destroy(s, rcv) == KERN_SUCCESS && mach_port_destroy(s, set) == KERN_SUCCESS &&
			 mach_port_destroy(s, dead) == KERN_SUCCESS && mach_port_destroy(s, 778) == KERN_SUCCESS,
		 "destroy every name");
	ktest_ok(names_in(s) == start, "the name count is back where it started (%u)", names_in(s));
}

KTEST(ipc_rights)
{
	struct task *t = task_create_kernel("ipc-rights");
	run_in(t, rights_body, NULL);
	task_deallocate(t);
}

/* --- Messages between two tasks ------------------------------------- */

struct rpc_setup {
	struct task *server, *client;
	mach_port_t server_port;   /* receive right in server */
	mach_port_t client_send;   /* send right to it in client */
	volatile int served;
};

static void server_body(void *arg)
{
	struct rpc_setup *r = arg;
	struct small_msg m;

	for (int i = 0; i < 3; i++) {
		memset(&m, 0, sizeof(m));
		mach_msg_return_t mr = receive(r->server_port, &m, sizeof(m), MACH_RCV_TIMEOUT, 5000);
		if (i == 0) {
			ktest_ok(mr == MACH_MSG_SUCCESS, "server receives (0x%x)", mr);
			ktest_ok(m.hdr.msgh_local_port == r->server_port && m.hdr.msgh_id == 1234 && m.value == 42 &&
					 m.hdr.msgh_size == sizeof(m),
				 "the header names the receive port; id, size and data arrive");
			ktest_ok(MACH_MSGH_BITS_REMOTE(m.hdr.msgh_bits) == MACH_MSG_TYPE_PORT_SEND_ONCE &&
					 MACH_MSGH_BITS_LOCAL(m.hdr.msgh_bits) == MACH_MSG_TYPE_PORT_SEND,
				 "the bits say: reply is send-once, delivered by a send right");
			ktest_ok(m.hdr.msgh_seqno == 0, "first message has sequence number 0");
		}
		if (mr != MACH_MSG_SUCCESS)
			return;
		/* Answer on the send-once reply right. */
		mr = send_int(m.hdr.msgh_remote_port, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, m.value + 1, 0, 0);
		if (i == 0)
			ktest_ok(mr == MACH_MSG_SUCCESS, "server replies on the send-once right");
		r->served++;
	}
}

static void client_body(void *arg)
{
	struct rpc_setup *r = arg;
	struct ipc_space *s = space_of(current_thread()->task);
	unsigned start = names_in(s);
	mach_port_t reply;
	struct small_msg m;

	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &reply);
	for (uint32_t i = 0; i < 3; i++) {
		struct small_msg *req = &m;
		req->hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		req->hdr.msgh_size = sizeof(m);
		req->hdr.msgh_remote_port = r->client_send;
		req->hdr.msgh_local_port = reply;
		req->hdr.msgh_id = 1234;
		req->type = int_type();
		req->value = 42 + i;
		mach_msg_return_t mr = mach_msg_trap(&m.hdr, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m), sizeof(m), reply, 0,
						     MACH_PORT_NULL);
		if (i == 0) {
			ktest_ok(mr == MACH_MSG_SUCCESS, "client RPC: send and receive in one call (0x%x)", mr);
			ktest_ok(m.value == 43 && m.hdr.msgh_local_port == reply &&
					 MACH_MSGH_BITS_LOCAL(m.hdr.msgh_bits) == MACH_MSG_TYPE_PORT_SEND_ONCE &&
					 m.hdr.msgh_remote_port == MACH_PORT_NULL,
				 "the reply arrives on the reply port, answering the request");
		}
	}
	ktest_ok(m.value == 45 && m.hdr.msgh_seqno == 2, "three round trips in order (seqno %u)", m.hdr.msgh_seqno);
	mach_port_destroy(s, reply);
	ktest_ok(names_in(s) == start, "the client's names are back to where they started");
}

KTEST(ipc_rpc_between_tasks)
{
	static struct rpc_setup r;
	r.server = task_create_kernel("server");
	r.client = task_create_kernel("client");
	r.served = 0;
	mach_port_allocate(space_of(r.server), MACH_PORT_RIGHT_RECEIVE, &r.server_port);
	r.client_send = give_right(r.server, r.server_port, MACH_MSG_TYPE_MAKE_SEND, r.client);
	ktest_ok(MACH_PORT_VALID(r.client_send), "the client has a send right to the server's port");
	struct thread *srv = kernel_thread(r.server, "server", server_body, &r, BASEPRI_KERNEL + 1);
	thread_reference(srv);
	run_in(r.client, client_body, &r);
	while (!(srv->state & TH_TERMINATED))
		thread_sleep(srv, 0, 0);
	thread_deallocate(srv);
	ktest_ok(r.served == 3, "the server answered three requests");
	task_deallocate(r.client);
	task_deallocate(r.server);
}

/* --- Queue limits, time-outs, sizes ------------------------------------ */

struct qsetup {
	mach_port_t port;
	volatile int sender_done;
	mach_msg_return_t sender_result;
};

static void blocked_sender(void *arg)
{
	struct qsetup *q = arg;
	q->sender_result = send_int(q->port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 99, 0, 0);
	q->sender_done = 1;
}

static void queue_body(void *arg)
{
	(void)arg;
	struct task *task = current_thread()->task;
	struct ipc_space *s = space_of(task);
	unsigned start = names_in(s);
	static struct qsetup q;
	struct small_msg m;
	mach_msg_return_t mr;
	int ok = 1;

	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &q.port);
	mr = receive(q.port, &m, sizeof(m), MACH_RCV_TIMEOUT, 0);
	ktest_ok(mr == MACH_RCV_TIMED_OUT, "receive with a zero time-out on an empty queue: MACH_RCV_TIMED_OUT");
	mr = receive(q.port, &m, sizeof(m), MACH_RCV_TIMEOUT, 30);
	ktest_ok(mr == MACH_RCV_TIMED_OUT, "receive with a 30 ms time-out times out");

	for (unsigned i = 0; i < MACH_PORT_QLIMIT_DEFAULT; i++)
		ok &= send_int(q.port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, i, MACH_SEND_TIMEOUT, 0) ==
		      MACH_MSG_SUCCESS;
	ktest_ok(ok, "the default queue takes %u messages", MACH_PORT_QLIMIT_DEFAULT);
	mr = send_int(q.port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 5, MACH_SEND_TIMEOUT, 0);
	ktest_ok(mr == MACH_SEND_TIMED_OUT, "the next send times out (0x%x)", mr);
	mr = send_int(q.port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 5, MACH_SEND_TIMEOUT, 20);
	ktest_ok(mr == MACH_SEND_TIMED_OUT, "and with a 20 ms time-out too");
	mach_port_urefs_t refs = 0;
	mach_port_get_refs(s, q.port, MACH_PORT_RIGHT_SEND, &refs);
	ktest_ok(refs == 2 && ((struct ipc_port *)ipc_entry_lookup(s, q.port)->object)->srights == 6,
		 "the two timed-out sends gave their send rights back to the sender");
	mach_port_mod_refs(s, q.port, MACH_PORT_RIGHT_SEND, -2);

	/* A sender without a time-out blocks until a message is taken. */
	q.sender_done = 0;
	struct thread *th = kernel_thread(task, "sender", blocked_sender, &q, BASEPRI_KERNEL + 1);
	thread_reference(th);
	ktest_ok(ktest_wait_blocked(th) && !q.sender_done, "a sender to a full queue blocks");
	mr = receive(q.port, &m, sizeof(m), 0, 0);
	ktest_ok(mr == MACH_MSG_SUCCESS && m.value == 0, "the receiver takes the oldest message");
	while (!(th->state & TH_TERMINATED))
		thread_sleep(th, 0, 0);
	thread_deallocate(th);
	ktest_ok(q.sender_done && q.sender_result == MACH_MSG_SUCCESS, "the blocked sender went through");

	uint32_t expect[] = {1, 2, 3, 4, 99};
	ok = 1;
	for (int i = 0; i < 5; i++) {
		mr = receive(q.port, &m, sizeof(m), MACH_RCV_TIMEOUT, 0);
		ok &= mr == MACH_MSG_SUCCESS && m.value == expect[i] && m.hdr.msgh_seqno == (mach_port_seqno_t)i + 1;
	}
	ktest_ok(ok, "the rest arrive in order with consecutive sequence numbers");

	/* Too large. */
	send_int(q.port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 7, 0, 0);
	memset(&m, 0, sizeof(m));
	mr = receive(q.port, &m, sizeof(mach_msg_header_t), MACH_RCV_LARGE, 0);
	ktest_ok(mr == MACH_RCV_TOO_LARGE && m.hdr.msgh_size == sizeof(m),
		 "MACH_RCV_LARGE: too large, the size needed is reported");
	mr = receive(q.port, &m, sizeof(m), MACH_RCV_TIMEOUT, 0);
	ktest_ok(mr == MACH_MSG_SUCCESS && m.value == 7, "and the message stayed queued");
	send_int(q.port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 8, 0, 0);
	mr = receive(q.port, &m, sizeof(mach_msg_header_t), 0, 0);
	ktest_ok(mr == MACH_RCV_TOO_LARGE, "without MACH_RCV_LARGE: too large too");
	mr = receive(q.port, &m, sizeof(m), MACH_RCV_TIMEOUT, 0);
	ktest_ok(mr == MACH_RCV_TIMED_OUT, "but the message was dequeued and destroyed");
	ktest_ok(((struct ipc_port *)ipc_entry_lookup(s, q.port)->object)->srights == 0,
		 "no send rights are left behind");
	mach_port_destroy(s, q.port);
	ktest_ok(names_in(s) == start, "no names leaked");
}

KTEST(ipc_queue_limits)
{
	struct task *t = task_create_kernel("ipc-queue");
	run_in(t, queue_body, NULL);
	task_deallocate(t);
}

/* --- Notifications ----------------------------------------------------- */

struct notify_msg {
	mach_msg_header_t hdr;
	mach_msg_type_t type;
	uint32_t value;
};

/* Exactly one message waiting on port, with this id; returns its value. */
static int expect_one(mach_port_t port, mach_msg_id_t id, uint32_t *value)
{
	struct notify_msg n;
	memset(&n, 0, sizeof(n));
	if (receive(port, &n, sizeof(n), MACH_RCV_TIMEOUT, 0) != MACH_MSG_SUCCESS || n.hdr.msgh_id != id)
		return 0;
	if (value)
		*value = n.value;
	return receive(port, &n, sizeof(n), MACH_RCV_TIMEOUT, 0) == MACH_RCV_TIMED_OUT;
}

static void notify_body(void *arg)
{
	(void)arg;
	struct ipc_space *s = space_of(current_thread()->task);
	unsigned start = names_in(s);
	mach_port_t notify, port, name;
	mach_port_t previous;
	uint32_t value = 0;

	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &notify);
	struct ipc_port *np = ipc_entry_lookup(s, notify)->object;

	/* no-senders */
	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &port);
	struct ipc_port *pp = ipc_entry_lookup(s, port)->object;
	mach_port_insert_right(s, port, KP(ipc_port_make_send(pp)), MACH_MSG_TYPE_PORT_SEND);
	ktest_ok(mach_port_request_notification(s, port, MACH_NOTIFY_NO_SENDERS, 0, KP(ipc_port_make_send_once(np)),
						&previous) == KERN_SUCCESS && previous == MACH_PORT_NULL,
		 "request a no-senders notification");
	mach_port_deallocate(s, port);
	ktest_ok(expect_one(notify, MACH_NOTIFY_NO_SENDERS, &value) && value == 1,
		 "dropping the last send right sends exactly one no-senders (mscount %u)", value);

	/* port-destroyed */
	ktest_ok(mach_port_request_notification(s, port, MACH_NOTIFY_PORT_DESTROYED, 0, KP(ipc_port_make_send_once(np)),
						&previous) == KERN_SUCCESS,
		 "request a port-destroyed notification");
	mach_port_destroy(s, port);
	struct port_msg pm;
	mach_msg_return_t mr = receive(notify, &pm, sizeof(pm), MACH_RCV_TIMEOUT, 0);
	mach_port_type_t type = 0;
	ktest_ok(mr == MACH_MSG_SUCCESS && pm.hdr.msgh_id == MACH_NOTIFY_PORT_DESTROYED &&
			 mach_port_type(s, pm.port, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_RECEIVE,
		 "destroying the receive right hands it back in a port-destroyed notification");
	port = pm.port;

	/* dead-name */
	mach_port_t sender;
	sender = give_right(current_thread()->task, port, MACH_MSG_TYPE_MAKE_SEND, current_thread()->task);
	ktest_ok(sender == port, "a send right for our own receive right shares its name");
	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &name); /* a second port, to be killed */
	struct ipc_port *victim = ipc_entry_lookup(s, name)->object;
	struct task *other = task_create_kernel("ipc-other");
	mach_port_t other_rcv;
	ipc_port_make_send(victim);
	mach_port_t victim_send = MACH_PORT_NULL;
	mach_port_allocate(space_of(other), MACH_PORT_RIGHT_DEAD_NAME, &other_rcv);
	/* Move the receive right to the other task; keep a send right here. */
	mach_port_t rp;
	mach_msg_type_name_t rt;
	mach_port_extract_right(s, name, MACH_MSG_TYPE_MOVE_RECEIVE, &rp, &rt);
	ipc_right_copyout(s, victim, MACH_MSG_TYPE_PORT_SEND, &victim_send);
	ipc_right_copyout(space_of(other), (struct ipc_port *)rp, rt, &other_rcv);
	ktest_ok(mach_port_request_notification(s, victim_send, MACH_NOTIFY_DEAD_NAME, 0, KP(ipc_port_make_send_once(np)),
						&previous) == KERN_SUCCESS,
		 "request a dead-name notification on a send right");
	mach_port_type(s, victim_send, &type);
	ktest_ok(type == (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DNREQUEST), "the name shows the request (0x%x)", type);
	mach_port_destroy(space_of(other), other_rcv);
	ktest_ok(expect_one(notify, MACH_NOTIFY_DEAD_NAME, &value) && value == victim_send,
		 "the receive right's death sends exactly one dead-name, naming our send right");
	ktest_ok(mach_port_type(s, victim_send, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_DEAD_NAME,
		 "and the name is now a dead name");
	mach_port_destroy(s, victim_send);
	task_deallocate(other);

	/* port-deleted */
	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &name);
	struct ipc_port *p2 = ipc_entry_lookup(s, name)->object;
	struct task *holder = task_create_kernel("ipc-holder");
	mach_port_t held;
	ipc_right_copyout(space_of(holder), ipc_port_make_send(p2), MACH_MSG_TYPE_PORT_SEND, &held);
	struct ipc_port *so = ipc_port_make_send_once(np);
	ktest_ok(mach_port_request_notification(space_of(holder), held, MACH_NOTIFY_DEAD_NAME, 0, KP(so), &previous) ==
			 KERN_SUCCESS,
		 "request a dead-name notification in another task");
	mach_port_deallocate(space_of(holder), held);
	ktest_ok(expect_one(notify, MACH_NOTIFY_PORT_DELETED, &value) && value == held,
		 "deallocating that send right sends exactly one port-deleted");
	task_deallocate(holder);
	mach_port_destroy(s, name);

	/* send-once */
	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &name);
	struct ipc_port *p3 = ipc_entry_lookup(s, name)->object;
	mach_port_t so_name;
	ipc_right_copyout(s, ipc_port_make_send_once(p3), MACH_MSG_TYPE_PORT_SEND_ONCE, &so_name);
	mach_port_deallocate(s, so_name);
	ktest_ok(expect_one(name, MACH_NOTIFY_SEND_ONCE, NULL), "dropping a send-once right sends exactly one send-once");
	ktest_ok(p3->sorights == 0, "and the port counts no send-once rights");
	mach_port_destroy(s, name);

	mach_port_destroy(s, port);
	mach_port_destroy(s, notify);
	ktest_ok(names_in(s) == start, "no names leaked (%u)", names_in(s));
}

KTEST(ipc_notifications)
{
	struct task *t = task_create_kernel("ipc-notify");
	run_in(t, notify_body, NULL);
	task_deallocate(t);
}

/* --- Kernel objects through MIG ---------------------------------------- */

#define MACH_PORT_ALLOCATE_ID 3204

struct port_allocate_request {
	mach_msg_header_t hdr;
	mach_msg_type_t right_type;
	mach_port_right_t right;
};

struct port_allocate_reply {
	mach_msg_header_t hdr;
	mach_msg_type_t ret_type;
	kern_return_t ret;
	mach_msg_type_t name_type;
	mach_port_t name;
};

static mach_msg_return_t task_rpc(mach_port_t task_port, mach_port_t reply, mach_msg_id_t id, uint32_t right,
				  struct port_allocate_reply *out)
{
	union {
		struct port_allocate_request req;
		struct port_allocate_reply rep;
	} m;
	m.req.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.req.hdr.msgh_size = sizeof(m.req);
	m.req.hdr.msgh_remote_port = task_port;
	m.req.hdr.msgh_local_port = reply;
	m.req.hdr.msgh_id = id;
	m.req.right_type = int_type();
	m.req.right = right;
	mach_msg_return_t mr = mach_msg_trap(&m.req.hdr, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m.req),
					     sizeof(m), reply, 1000, MACH_PORT_NULL);
	*out = m.rep;
	return mr;
}

static void kobject_body(void *arg)
{
	(void)arg;
	struct task *task = current_thread()->task;
	struct ipc_space *s = space_of(task);
	mach_port_t task_port, reply;
	struct port_allocate_reply r;
	mach_port_type_t type;

	ipc_right_copyout(s, ipc_port_make_send(task->itk_self), MACH_MSG_TYPE_PORT_SEND, &task_port);
	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &reply);
	unsigned start = names_in(s);
	mach_msg_return_t mr = task_rpc(task_port, reply, MACH_PORT_ALLOCATE_ID, MACH_PORT_RIGHT_RECEIVE, &r);
	ktest_ok(mr == MACH_MSG_SUCCESS && r.hdr.msgh_id == MACH_PORT_ALLOCATE_ID + 100 && r.ret == KERN_SUCCESS,
		 "mach_port_allocate by message to the task's kernel port (0x%x, ret %d)", mr, r.ret);
	ktest_ok(mach_port_type(s, r.name, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_RECEIVE,
		 "the new name holds a receive right");
	ktest_ok(names_in(s) == start + 1, "exactly one name was added (the reply right was used up)");
	mr = task_rpc(task_port, reply, MACH_PORT_ALLOCATE_ID, 99, &r);
	ktest_ok(mr == MACH_MSG_SUCCESS && r.ret == KERN_INVALID_VALUE, "a bad right kind: KERN_INVALID_VALUE (%d)", r.ret);
	mr = task_rpc(task_port, reply, 3299, 0, &r);
	ktest_ok(mr == MACH_MSG_SUCCESS && r.ret == MIG_BAD_ID && r.hdr.msgh_id == 3399,
		 "an unknown message id: MIG_BAD_ID (%d)", r.ret);
	mr = task_rpc(task_port, reply, MACH_PORT_ALLOCATE_ID - 3000, 0, &r);
	ktest_ok(mr == MACH_MSG_SUCCESS && r.ret == MIG_BAD_ID, "an id of no kernel interface: MIG_BAD_ID");
	struct ipc_port *tp = task->itk_self;
	ktest_ok(tp->sorights == 0 && tp->srights == 1, "the kernel port's rights are balanced (%u send, %u send-once)",
		 tp->srights, tp->sorights);
	mach_port_destroy(s, r.name);
	mach_port_destroy(s, reply);
	mach_port_destroy(s, task_port);
}

KTEST(ipc_kernel_objects)
{
	struct task *t;
	if (task_create_user(NULL, 0, "ipc-kobject", &t) != KERN_SUCCESS) {
		ktest_ok(0, "create a task");
		return;
	}
	run_in(t, kobject_body, NULL);
	task_terminate(t);
	task_deallocate(t);
}

/* --- Handoff --------------------------------------------------------------- */

static volatile int competitor_ran, server_saw_competitor;
static mach_port_t handoff_port;

static void handoff_server(void *arg)
{
	(void)arg;
	struct small_msg m;
	if (receive(handoff_port, &m, sizeof(m), MACH_RCV_TIMEOUT, 2000) == MACH_MSG_SUCCESS)
		server_saw_competitor = competitor_ran ? 1 : 0;
	else
		server_saw_competitor = -1;
}

static void competitor(void *arg)
{
	(void)arg;
	competitor_ran = 1;
}

static void handoff_client(void *arg)
{
	struct task *task = arg;
	mach_port_t reply;
	struct small_msg m;

	mach_port_allocate(space_of(task), MACH_PORT_RIGHT_RECEIVE, &reply);
	/* The competitor outranks the server: only a handoff runs the server first. */
	struct thread *c = kernel_thread(task, "competitor", competitor, NULL, 15);
	m.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.hdr.msgh_size = sizeof(m);
	m.hdr.msgh_remote_port = handoff_port;
	m.hdr.msgh_local_port = reply;
	m.hdr.msgh_id = 1;
	m.type = int_type();
	m.value = 1;
	mach_msg_trap(&m.hdr, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, sizeof(m), sizeof(m), reply, 50,
		      MACH_PORT_NULL);
	(void)c;
	mach_port_destroy(space_of(task), reply);
}

KTEST(ipc_handoff)
{
	struct task *t = task_create_kernel("ipc-handoff");
	competitor_ran = 0;
	server_saw_competitor = -2;
	mach_port_allocate(space_of(t), MACH_PORT_RIGHT_RECEIVE, &handoff_port);
	struct thread *srv = kernel_thread(t, "server", handoff_server, NULL, 20);
	thread_reference(srv);
	int blocked = ktest_wait_blocked(srv); /* receiving */
	run_in(t, handoff_client, t);
	while (!(srv->state & TH_TERMINATED))
		thread_sleep(srv, 0, 0);
	thread_deallocate(srv);
	ktest_ok(blocked && server_saw_competitor == 0,
		 "SEND|RCV to a blocked receiver switches straight to it, ahead of a higher-priority runnable thread (%d)",
		 server_saw_competitor);
	mach_port_destroy(space_of(t), handoff_port);
	task_deallocate(t);
}

/* --- A thread being terminated does not stay blocked in a send ---------- */

static volatile mach_msg_return_t stuck_result;

static void stuck_sender(void *arg)
{
	mach_port_t port = (mach_port_t)(uintptr_t)arg;
	stuck_result = send_int(port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1, 0, 0);
}

KTEST(ipc_terminate_blocked_sender)
{
	struct task *t = task_create_kernel("ipc-stuck");
	struct ipc_space *s = space_of(t);
	mach_port_t port;

	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &port);
	mach_port_set_qlimit(s, port, 0); /* every send blocks */
	stuck_result = 0;
	struct thread *th = kernel_thread(t, "stuck", stuck_sender, (void *)(uintptr_t)port, BASEPRI_KERNEL + 1);
	thread_reference(th);
	ktest_ok(ktest_wait_blocked(th) && stuck_result == 0 && !(th->state & TH_TERMINATED),
		 "a send to a full queue blocks");
	thread_terminate(th);
	for (int i = 0; i < 100 && !(th->state & TH_TERMINATED); i++)
		thread_sleep(th, 0, 1);
	ktest_ok(th->state & TH_TERMINATED, "terminating the sender ends its wait");
	ktest_ok(stuck_result == MACH_SEND_INTERRUPTED, "the send returned MACH_SEND_INTERRUPTED (0x%x)", stuck_result);
	thread_deallocate(th);
	mach_port_destroy(s, port);
	task_deallocate(t);
}

/* --- MACH_SEND_NOTIFY ---------------------------------------------------- */

static void send_notify_body(void *arg)
{
	(void)arg;
	struct ipc_space *s = space_of(current_thread()->task);
	unsigned start = names_in(s);
	mach_port_t port, notify;
	struct small_msg m;
	uint32_t value = 0;

	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &port);
	mach_port_allocate(s, MACH_PORT_RIGHT_RECEIVE, &notify);
	mach_port_set_qlimit(s, port, 1);
	send_int(port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1, MACH_SEND_TIMEOUT, 0);
	m.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.hdr.msgh_size = sizeof(m);
	m.hdr.msgh_remote_port = port;
	m.hdr.msgh_local_port = MACH_PORT_NULL;
	m.hdr.msgh_id = 5;
	m.type = int_type();
	m.value = 2;
	mach_msg_return_t mr = mach_msg_trap(&m.hdr, MACH_SEND_MSG | MACH_SEND_NOTIFY, sizeof(m), 0, MACH_PORT_NULL, 0,
					     12345);
	ktest_ok(mr == MACH_SEND_INVALID_NOTIFY, "MACH_SEND_NOTIFY with a bogus notify name: MACH_SEND_INVALID_NOTIFY");
	mr = mach_msg_trap(&m.hdr, MACH_SEND_MSG | MACH_SEND_NOTIFY, sizeof(m), 0, MACH_PORT_NULL, 0, notify);
	ktest_ok(mr == MACH_SEND_WILL_NOTIFY, "a send to a full queue with MACH_SEND_NOTIFY is queued anyway (0x%x)", mr);
	struct ipc_port *p = ipc_entry_lookup(s, port)->object;
	ktest_ok(p->msgcount == 2, "two messages are queued past the limit of one");
	receive(port, &m, sizeof(m), MACH_RCV_TIMEOUT, 0);
	ktest_ok(receive(notify, &m, sizeof(m), MACH_RCV_TIMEOUT, 0) == MACH_RCV_TIMED_OUT,
		 "no notification while the notifying message waits");
	receive(port, &m, sizeof(m), MACH_RCV_TIMEOUT, 0);
	ktest_ok(m.value == 2 && expect_one(notify, MACH_NOTIFY_MSG_ACCEPTED, &value) && value == port,
		 "when it is taken, exactly one msg-accepted notification names the port");
	mach_port_destroy(s, port);
	mach_port_destroy(s, notify);
	ktest_ok(names_in(s) == start, "no names leaked");
}

KTEST(ipc_send_notify)
{
	struct task *t = task_create_kernel("ipc-send-notify");
	run_in(t, send_notify_body, NULL);
	task_deallocate(t);
}
