/* poll/select across services (io_poll.h, docs/unix.md). */
#include <stddef.h>
#include <mach.h>
#include <mach/mach_host.h>
#include <servers/io.h>
#include <servers/io_types.h>
#include <servers/linux_errno.h>

#include "io_poll.h"

#define IO_POLL_MS_PER_S 1000
#define IO_POLL_US_PER_MS 1000
/* An io_select_wakeup: header, the tag's type and the tag. */
#define IO_POLL_WAKEUP_SIZE (sizeof(mach_msg_header_t) + sizeof(mach_msg_type_t) + sizeof(int))

/* Milliseconds of the time of day, for what is left of a timeout; -1 if
 * host cannot tell it (not the host port). */
static long long io_poll_now_ms(mach_port_t host)
{
	time_value_t now = { 0, 0 };

	if (host_get_time(host, &now) != KERN_SUCCESS)
		return -1;
	return (long long) now.seconds * IO_POLL_MS_PER_S + now.microseconds / IO_POLL_US_PER_MS;
}

/* One pass: io_select on every port (registering with notify if asked). */
static int io_poll_pass(const mach_port_t *ports, const int *events, int *revents, int n, mach_port_t notify,
			int tag)
{
	int i, count = 0;

	for (i = 0; i < n; i++) {
		int ready = 0;
		kern_return_t kr = io_select(ports[i], events[i], notify, tag, &ready);

		if (kr != 0)
			ready = IO_POLLNVAL;
		revents[i] = ready;
		if (ready != 0) {
			count++;
			/* Something is ready: the rest only need a look, no registration. */
			notify = MACH_PORT_NULL;
		}
	}
	return count;
}

int io_poll(const mach_port_t *ports, const int *events, int *revents, int n, int timeout_ms, mach_port_t notify,
	    mach_port_t host, unsigned *generation, volatile int *interrupted)
{
	long long deadline = 0;
	int count;

	if (n < 0)
		return -LINUX_EINVAL;
	if (interrupted != NULL && *interrupted)
		return -LINUX_EINTR;
	if (timeout_ms > 0) {
		long long now = io_poll_now_ms(host);

		if (now < 0)
			return -LINUX_EINVAL;
		deadline = now + timeout_ms;
	}
	for (;;) {
		struct {
			mach_msg_header_t head;
			mach_msg_type_t tag_type;
			int tag;
			char room[64];
		} msg;
		mach_msg_timeout_t wait = MACH_MSG_TIMEOUT_NONE;
		mach_msg_option_t option = MACH_RCV_MSG;
		mach_msg_return_t mr;
		int tag = (int) ++*generation;

		count = io_poll_pass(ports, events, revents, n, timeout_ms == 0 ? MACH_PORT_NULL : notify, tag);
		if (count > 0 || timeout_ms == 0)
			return count;
		/*
		 * Wake-ups with older tags are late answers to earlier passes:
		 * skip them, each receive waiting only what is left (a stream
		 * of them must not put the timeout off).
		 */
		for (;;) {
			if (timeout_ms > 0) {
				long long now = io_poll_now_ms(host);

				if (now < 0)
					return -LINUX_EINVAL;
				if (now >= deadline) {
					mr = MACH_RCV_TIMED_OUT;
					break;
				}
				wait = (mach_msg_timeout_t) (deadline - now);
				option |= MACH_RCV_TIMEOUT;
			}
			mr = mach_msg_trap(&msg.head, option, 0, sizeof(msg), notify, wait, MACH_PORT_NULL);
			if (mr == MACH_MSG_SUCCESS &&
			    (msg.head.msgh_id == IO_POLL_INTERRUPT_ID || (interrupted != NULL && *interrupted)))
				return -LINUX_EINTR;
			/* Something else (too large: the kernel dropped it): not ours either. */
			if (mr == MACH_RCV_TOO_LARGE)
				continue;
			if (mr != MACH_MSG_SUCCESS ||
			    (msg.head.msgh_id == IO_SELECT_WAKEUP_ID && msg.head.msgh_size >= IO_POLL_WAKEUP_SIZE &&
			     msg.tag == tag))
				break;
		}
		if (mr == MACH_RCV_TIMED_OUT)
			return io_poll_pass(ports, events, revents, n, MACH_PORT_NULL, 0);
		if (mr == MACH_RCV_INTERRUPTED)
			return -LINUX_EINTR;
		if (mr != MACH_MSG_SUCCESS)
			return -LINUX_EINVAL;
		/* A wake-up of this pass: look again. */
	}
}
