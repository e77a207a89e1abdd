/* libmach's message code, internal (msg_destroy.c, msg_server.c). */
#ifndef _LIBMACH_MSG_DESTROY_H_
#define _LIBMACH_MSG_DESTROY_H_

#include <mach.h>

/*
 * Release what msg, whose send failed with mr, still holds of ours, as
 * if it had been delivered and its receiver had destroyed it: the rights
 * and regions the kernel gave back (a pseudo-receive: after a time-out
 * or an interruption, the message comes back in received form), or,
 * where the kernel took nothing (every other send error), only what the
 * sender was giving away: moved rights and out-of-line regions marked
 * deallocate.  A region sent without deallocate stays the sender's.
 * Nothing for MACH_SEND_WILL_NOTIFY (the message was queued).
 */
void msg_destroy_unsent(mach_msg_header_t *msg, mach_msg_return_t mr);

#endif
