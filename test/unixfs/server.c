/* The in-guest tests' server threads (server.h). */
#include <stdlib.h>
#include <cthreads.h>
#include <servers/io_notify.h>

#include "../../unix_server/io/unixio.h"
#include "../user/tap.h"
#include "../user/util.h"
#include "server.h"

static mach_port_t server_set;

static void *server_loop(void *arg)
{
	(void) arg;
	/* The reply port its calls to the kernel use, made now, so that name
	 * counts taken after test_server_start stay put. */
	(void) mig_get_reply_port();
	mach_msg_server(unixio_demux, UNIXIO_MSG_MAX, server_set);
	return NULL;
}

void test_server_start(void)
{
	cthread_t t;
	int i;

	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &server_set) != KERN_SUCCESS)
		tap_bail("no port set");
	if (unixio_init(server_set) != KERN_SUCCESS)
		tap_bail("unixio_init");
	for (i = 0; i < SERVER_THREADS; i++) {
		if (cthread_create(&t, server_loop, NULL) != KERN_SUCCESS)
			tap_bail("no server thread");
		cthread_detach(t);
	}
	/* Let them start (and make their reply ports). */
	for (i = 0; i < 100; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_DEPRESS, 1);
}

mach_port_t test_server_port_set(void)
{
	return server_set;
}

mach_port_t test_port(void)
{
	mach_port_t p;

	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return p;
}

int test_wait_message(mach_port_t port, unsigned timeout_ms, int *tag)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_t tag_type;
		int tag;
		char room[256];
	} msg;
	mach_msg_return_t mr;

	mr = mach_msg(&msg.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(msg), port, timeout_ms, MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS)
		return -1;
	if (tag != NULL)
		*tag = msg.head.msgh_size >= 32 ? msg.tag : -1;
	return msg.head.msgh_id;
}

long test_names_settle(long want)
{
	long n = name_count();
	int i;

	/* Bounded: each round lets the server threads run. */
	for (i = 0; i < 2000 && n != want; i++) {
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_DEPRESS, 1);
		n = name_count();
	}
	return n;
}
