/*
 * poll/select over open files of any services, for clients (the
 * emulation library): the algorithm of docs/unix.md ("select and poll
 * across services") on io.defs' io_select and io_notify.defs' wake-ups.
 * In libunix_user.a.
 */
#ifndef _UNIX_SERVER_IO_POLL_H_
#define _UNIX_SERVER_IO_POLL_H_

#include <mach.h>

/* A message with this id on the notify port interrupts io_poll (EINTR). */
#define IO_POLL_INTERRUPT_ID 31699
/* io_notify.defs' io_select_wakeup. */
#define IO_SELECT_WAKEUP_ID 31600

/*
 * Wait until one of ports[0..n) has one of its events[i] (IO_POLL*), or
 * timeout_ms passes (negative: no limit; 0: just look).  revents[i] gets
 * what holds (POLLNVAL for a port that is not an open file, or null).
 * notify is a receive right of the caller's, used by one thread at a
 * time; *generation is that thread's counter (tags wake-ups, so late
 * ones from an earlier call are told apart).  host is the caller's host
 * port, for the clock a timeout is measured on: per task, so the caller
 * keeps it (a name cached here would mean nothing in a fork child);
 * only a timeout above 0 needs it, and -LINUX_EINVAL is the answer if it
 * cannot tell the time.  Answers the number of ports with
 * events, 0 on timeout, or -LINUX_EINTR if an IO_POLL_INTERRUPT_ID
 * message (or a thread_abort of the wait) interrupted it, or if any
 * other message came while *interrupted (when not NULL) is non-zero:
 * the emulation library's signal flag, with any message as its nudge.
 */
int io_poll(const mach_port_t *ports, const int *events, int *revents, int n, int timeout_ms, mach_port_t notify,
	    mach_port_t host, unsigned *generation, volatile int *interrupted);

#endif /* _UNIX_SERVER_IO_POLL_H_ */
