/*
 * Stress: 8 sender threads each send 500 numbered messages (4000 in
 * all) to one port through a queue of 5, while 2 receivers take them;
 * every message arrives exactly once, and the name count returns to its
 * start.
 */
#include <stdlib.h>
#include <cthreads.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define SENDERS 8
#define PER_SENDER 500
#define RECEIVERS 2

static mach_port_t port;
static cthread_mutex_t lock = CTHREAD_MUTEX_INITIALIZER;
static unsigned char seen[SENDERS][PER_SENDER];
static int received, duplicates, send_errors;

static void *sender(void *arg)
{
	long s = (long)arg;
	for (int i = 0; i < PER_SENDER; i++)
		if (send_int(port, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1000 + s, i, 0, 0) != MACH_MSG_SUCCESS) {
			cthread_mutex_lock(&lock);
			send_errors++;
			cthread_mutex_unlock(&lock);
		}
	return NULL;
}

static void *receiver(void *arg)
{
	(void)arg;
	struct rcv_buf *buf = malloc(sizeof *buf);
	while (receive(port, buf, 2000) == MACH_MSG_SUCCESS) {
		struct int_msg *m = (struct int_msg *)&buf->head;
		int s = m->head.msgh_id - 1000, i = m->value;
		cthread_mutex_lock(&lock);
		if (s >= 0 && s < SENDERS && i >= 0 && i < PER_SENDER) {
			duplicates += seen[s][i];
			seen[s][i] = 1;
		}
		received++;
		cthread_mutex_unlock(&lock);
	}
	free(buf);
	return NULL;
}

int main(void)
{
	long start = name_count();
	port = new_port_with_send();
	cthread_t s[SENDERS], r[RECEIVERS];
	int created = 0;
	for (long i = 0; i < RECEIVERS; i++)
		created += cthread_create(&r[i], receiver, NULL) == KERN_SUCCESS;
	for (long i = 0; i < SENDERS; i++)
		created += cthread_create(&s[i], sender, (void *)i) == KERN_SUCCESS;
	if (!is(created, SENDERS + RECEIVERS, "%d threads", SENDERS + RECEIVERS))
		return tap_done();
	for (int i = 0; i < SENDERS; i++)
		cthread_join(s[i]);
	for (int i = 0; i < RECEIVERS; i++)
		cthread_join(r[i]);
	is(send_errors, 0, "every send succeeded");
	is(received, SENDERS * PER_SENDER, "%d messages received", SENDERS * PER_SENDER);
	is(duplicates, 0, "none twice");
	int missing = 0;
	for (int a = 0; a < SENDERS; a++)
		for (int i = 0; i < PER_SENDER; i++)
			missing += !seen[a][i];
	is(missing, 0, "none lost");
	mach_port_destroy(T, port);
	/* The threads' kernel ports and reply ports went with them. */
	if (!is(name_count(), start, "name count back to the start (%ld)", start))
		diag_names();
	return tap_done();
}
