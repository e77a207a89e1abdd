/*
 * Each kind of notification is delivered exactly once, to the send-once
 * right given with the request, with the body GNU Mach gives it:
 * dead-name (and the extra dead-name reference it carries), port-deleted,
 * no-senders (with the make-send count), port-destroyed (carrying the
 * receive right back), send-once.  Also through notify_server, the
 * generated server side of notify.defs.
 */
#include "tap.h"
#include "util.h"
#include <mach/notify_server.h>

#define T mach_task_self()

static mach_port_t notify_port;

/* A fresh send-once right to the notify port. */
static mach_port_t so_right(void)
{
	mach_port_t so = MACH_PORT_NULL;
	mach_msg_type_name_t type;
	mach_port_extract_right(T, notify_port, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &type);
	return so;
}

/* Receive one notification on port; 0 if none came within a second. */
static int get(mach_port_t port, struct rcv_buf *buf)
{
	return receive(port, buf, 1000) == MACH_MSG_SUCCESS;
}

static void no_more(mach_port_t port, const char *what)
{
	struct rcv_buf buf;
	is_kr(receive(port, &buf, 100), MACH_RCV_TIMED_OUT, "no second %s notification", what);
}

static void test_dead_name(void)
{
	mach_port_t a = new_port(), s, prev = 1;
	mach_msg_type_name_t type;
	struct rcv_buf buf;
	mach_port_extract_right(T, a, MACH_MSG_TYPE_MAKE_SEND_ONCE, &s, &type);
	is_kr(mach_port_request_notification(T, s, MACH_NOTIFY_DEAD_NAME, 0, so_right(), &prev), KERN_SUCCESS,
	      "request a dead-name notification for a send-once right");
	is(prev, MACH_PORT_NULL, "no previous request");
	is(ptype(s) & MACH_PORT_TYPE_DNREQUEST, MACH_PORT_TYPE_DNREQUEST, "mach_port_type shows the request");
	mach_port_destroy(T, a);
	if (ok(get(notify_port, &buf), "destroying the port sends a notification")) {
		mach_dead_name_notification_t *n = (void *)&buf.head;
		is(n->not_header.msgh_id, MACH_NOTIFY_DEAD_NAME, "a dead-name notification");
		is(n->not_type.msgt_name, MACH_MSG_TYPE_PORT_NAME, "carrying a port name");
		is(n->not_port, s, "the name that died");
	}
	no_more(notify_port, "dead-name");
	is(ptype(s), MACH_PORT_TYPE_DEAD_NAME, "the name is a dead name");
	is(urefs(s, MACH_PORT_RIGHT_DEAD_NAME), 2, "with an extra reference for the notification");
	mach_port_destroy(T, s);
}

static void test_port_deleted(void)
{
	mach_port_t b = new_port(), s, prev;
	mach_msg_type_name_t type;
	struct rcv_buf buf;
	mach_port_extract_right(T, b, MACH_MSG_TYPE_MAKE_SEND_ONCE, &s, &type);
	is_kr(mach_port_request_notification(T, s, MACH_NOTIFY_DEAD_NAME, 0, so_right(), &prev), KERN_SUCCESS,
	      "request a dead-name notification");
	is_kr(mach_port_deallocate(T, s), KERN_SUCCESS, "then deallocate the right");
	if (ok(get(notify_port, &buf), "a notification arrives")) {
		mach_port_deleted_notification_t *n = (void *)&buf.head;
		is(n->not_header.msgh_id, MACH_NOTIFY_PORT_DELETED, "a port-deleted notification");
		is(n->not_port, s, "naming the deleted right");
	}
	no_more(notify_port, "port-deleted");
	/* Deallocating the send-once right sent a send-once notification to b. */
	if (ok(get(b, &buf), "the unused send-once right told its port"))
		is(buf.head.msgh_id, MACH_NOTIFY_SEND_ONCE, "with a send-once notification");
	no_more(b, "send-once");
	mach_port_destroy(T, b);
}

static void test_no_senders(void)
{
	mach_port_t c = new_port_with_send(), prev;
	struct rcv_buf buf;
	is_kr(mach_port_request_notification(T, c, MACH_NOTIFY_NO_SENDERS, 0, so_right(), &prev), KERN_SUCCESS,
	      "request a no-senders notification");
	is_kr(send_int(c, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, 1, 0, 0), MACH_MSG_SUCCESS,
	      "a message to the port");
	is_kr(receive(notify_port, &buf, 100), MACH_RCV_TIMED_OUT, "no notification while a send right exists");
	is_kr(receive(c, &buf, 100), MACH_MSG_SUCCESS, "receive the message (it held a send right too)");
	is_kr(mach_port_deallocate(T, c), KERN_SUCCESS, "deallocate the only send right");
	if (ok(get(notify_port, &buf), "a notification arrives")) {
		mach_no_senders_notification_t *n = (void *)&buf.head;
		is(n->not_header.msgh_id, MACH_NOTIFY_NO_SENDERS, "a no-senders notification");
		is(n->not_count, 1, "with the make-send count 1");
	}
	no_more(notify_port, "no-senders");
	mach_port_destroy(T, c);
	no_more(notify_port, "notification after destroying the port");
}

static void test_port_destroyed(void)
{
	mach_port_t d = new_port(), prev;
	struct rcv_buf buf;
	send_int(d, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 77, 77, 0, 0);
	is_kr(mach_port_request_notification(T, d, MACH_NOTIFY_PORT_DESTROYED, 0, so_right(), &prev),
	      KERN_SUCCESS, "request a port-destroyed notification");
	is_kr(mach_port_destroy(T, d), KERN_SUCCESS, "destroy the receive right");
	if (ok(get(notify_port, &buf), "a notification arrives")) {
		mach_port_destroyed_notification_t *n = (void *)&buf.head;
		is(n->not_header.msgh_id, MACH_NOTIFY_PORT_DESTROYED, "a port-destroyed notification");
		is(n->not_type.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE, "carrying a receive right");
		is(ptype(n->not_port), MACH_PORT_TYPE_RECEIVE, "which we hold again");
		mach_port_t back = n->not_port;
		if (is_kr(receive(back, &buf, 100), MACH_MSG_SUCCESS, "its queued message survived"))
			is(buf.head.msgh_id, 77, "the same message");
		mach_port_destroy(T, back);
	}
	no_more(notify_port, "port-destroyed");
}

/* notify_server: the generated demux calls these. */
static int served_dead, served_other;
kern_return_t do_mach_notify_dead_name(mach_port_t notify, mach_port_t name)
{
	(void)notify;
	served_dead++;
	mach_port_deallocate(T, name);
	return KERN_SUCCESS;
}
kern_return_t do_mach_notify_port_deleted(mach_port_t notify, mach_port_t name)
{
	(void)notify, (void)name;
	served_other++;
	return KERN_SUCCESS;
}
kern_return_t do_mach_notify_msg_accepted(mach_port_t notify, mach_port_t name)
{
	(void)notify, (void)name;
	served_other++;
	return KERN_SUCCESS;
}
kern_return_t do_mach_notify_port_destroyed(mach_port_t notify, mach_port_t rights)
{
	(void)notify, (void)rights;
	served_other++;
	return KERN_SUCCESS;
}
kern_return_t do_mach_notify_no_senders(mach_port_t notify, mach_port_mscount_t mscount)
{
	(void)notify, (void)mscount;
	served_other++;
	return KERN_SUCCESS;
}
kern_return_t do_mach_notify_send_once(mach_port_t notify)
{
	(void)notify;
	served_other++;
	return KERN_SUCCESS;
}

static void test_notify_server(void)
{
	mach_port_t a = new_port(), s, prev;
	mach_msg_type_name_t type;
	mach_port_extract_right(T, a, MACH_MSG_TYPE_MAKE_SEND_ONCE, &s, &type);
	mach_port_request_notification(T, s, MACH_NOTIFY_DEAD_NAME, 0, so_right(), &prev);
	mach_port_destroy(T, a);
	is_kr(mach_msg_server_once(notify_server, 8192, notify_port, MACH_RCV_TIMEOUT, 1000), MACH_MSG_SUCCESS,
	      "mach_msg_server_once with notify_server");
	ok(served_dead == 1 && served_other == 0, "called do_mach_notify_dead_name once");
	mach_port_deallocate(T, s);
}

int main(void)
{
	long start = name_count();
	notify_port = new_port();
	test_dead_name();
	test_port_deleted();
	test_no_senders();
	test_port_destroyed();
	test_notify_server();
	mach_port_destroy(T, notify_port);
	if (!is(name_count(), start, "name count back to the start (%ld)", start))
		diag_names();
	return tap_done();
}
