/*
 * Threads that hand the processor to each other on every message (an RPC
 * pair: the fast path's handoff, no run queue) share one time slice: when
 * it runs out, another runnable thread of the same priority gets its
 * turn.  If each handoff started a fresh slice and forgot a pending
 * reschedule, the pair would keep the processor for as long as it talks
 * (this program would never end).
 */
#include <stddef.h>
#include <mach.h>
#include <cthreads.h>
#include "tap.h"
#include "util.h"

#define TURNS 3 /* times the main thread must see the pair progress */

static mach_port_t service;
static volatile int stop;
static volatile unsigned long rpcs;

struct small_msg {
	mach_msg_header_t head;
	char room[64];
};

/* Answers every request with an empty reply, until the port dies. */
static void *server(void *arg)
{
	struct small_msg m;
	mach_msg_return_t mr = mach_msg(&m.head, MACH_RCV_MSG, 0, sizeof(m), service, 0, MACH_PORT_NULL);

	(void)arg;
	while (mr == MACH_MSG_SUCCESS) {
		m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
		m.head.msgh_local_port = MACH_PORT_NULL;
		m.head.msgh_size = sizeof(m.head);
		mr = mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m.head), sizeof(m), service, 0,
			      MACH_PORT_NULL);
	}
	return NULL;
}

/* RPCs to the server until told to stop. */
static void *client(void *arg)
{
	mach_port_t reply = new_port();
	struct small_msg m;

	(void)arg;
	while (!stop) {
		m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.head.msgh_size = sizeof(m.head);
		m.head.msgh_remote_port = service;
		m.head.msgh_local_port = reply;
		m.head.msgh_id = 1;
		if (mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m.head), sizeof(m), reply, 0,
			     MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			break;
		rpcs++;
	}
	mach_port_mod_refs(mach_task_self(), reply, MACH_PORT_RIGHT_RECEIVE, -1);
	return NULL;
}

int main(void)
{
	cthread_t s, c;

	service = new_port();
	if (!ok(cthread_create(&s, server, NULL) == KERN_SUCCESS &&
		    cthread_create(&c, client, NULL) == KERN_SUCCESS,
		"a server and a client thread"))
		return tap_done();
	/* We stay runnable: each change we see means we ran between the
	 * pair's turns. */
	unsigned long last = rpcs;
	int turns = 0;
	while (turns < TURNS) {
		unsigned long now = rpcs;
		if (now != last)
			turns++, last = now;
	}
	ok(1, "the main thread ran %d times while the pair exchanged RPCs", TURNS);
	stop = 1;
	cthread_join(c);
	cmp_ok(rpcs, ">", 0, "RPCs were answered");
	mach_port_mod_refs(mach_task_self(), service, MACH_PORT_RIGHT_RECEIVE, -1);
	cthread_join(s);
	return tap_done();
}
