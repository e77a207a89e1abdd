/*
 * libmach's server loop, internal: msg_server.c's mach_msg_server and
 * its variants run it, and so do the pager kit's threads with a handler
 * of their own for the request they expect most (pager/pager.c).  It is
 * inline so that such a handler is compiled into the loop, not called
 * through a pointer: a program's server gets the loop as it always was.
 *
 * Each round receives a request, lets the MIG demux function handle it
 * and fill in the reply, then sends the reply and receives the next
 * request in one mach_msg.  The reply is sent from one buffer and the
 * next request received into the same one, so the two buffers swap
 * roles each round.
 */
#ifndef _LIBMACH_MSG_SERVER_H_
#define _LIBMACH_MSG_SERVER_H_

#include <stdlib.h>
#include <mach.h>
#include "msg_destroy.h"

/*
 * A loop's own handler, tried on every request before demux (for the
 * request a server expects most, compiled into the loop); it says what
 * it did with the request.
 */
enum msg_server_took {
	MSG_SERVER_DECLINED, /* nothing: the request, untouched, is demux's */
	MSG_SERVER_REPLY,    /* taken, the reply filled in as demux would have */
	MSG_SERVER_SEND,     /* taken, the reply a message of its own (its destination right
				the handler's to give) to send with the next receive */
};
typedef enum msg_server_took (*msg_server_fast_t)(void *ctx, mach_msg_header_t *request,
						  mach_msg_header_t *reply);

/*
 * A receive error that concerns one request only, after which the server
 * goes on with the next (as GNU's does): the request was too large for
 * the buffer, or could not be put into our space whole (the kernel hands
 * over what it could: we release it, and the client, its reply right
 * gone, sees MIG_SERVER_DIED instead of waiting for ever).  Any other
 * error (the port or set is gone, a timeout, an interruption asked for)
 * ends the loop.
 */
boolean_t msg_server_rcv_error_per_request(mach_msg_return_t mr);

/*
 * After a per-request receive error: release what arrived of the request,
 * or, for one still queued because it is too large and the caller asked
 * for MACH_RCV_LARGE, make both buffers big enough for it.  Returns the
 * receive options for the next try.
 */
mach_msg_option_t msg_server_rcv_recover(mach_msg_return_t mr, mig_reply_header_t **request,
					 mig_reply_header_t **reply, mach_msg_size_t *max_size,
					 mach_msg_option_t rcv_options);

/*
 * What the routine's result means for the request and the reply: on an
 * error the routine did not take over the request's rights and memory,
 * so they are released here (except the reply port, still needed).
 * Returns TRUE if the reply is to be sent.
 */
static inline boolean_t msg_server_finish_request(mach_msg_header_t *request, mig_reply_header_t *reply)
{
	kern_return_t rc = reply->RetCode;

	/* A complex reply is the routine's message to send, never an error
	 * reply (a mig_reply_header_t is simple): RetCode is not its. */
	if (reply->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX)
		return reply->Head.msgh_remote_port != MACH_PORT_NULL;
	if (rc == MIG_NO_REPLY)
		return FALSE;
	if (rc == MIG_DESTROY_REQUEST) {
		mach_msg_destroy(request);
		return FALSE;
	}
	if (rc != KERN_SUCCESS && (request->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
		request->msgh_remote_port = MACH_PORT_NULL;
		mach_msg_destroy(request);
	}
	return reply->Head.msgh_remote_port != MACH_PORT_NULL;
}

/*
 * The loop: serve rcv_name until a receive fails for good (or, once,
 * after one request).  fast (with ctx), if not NULL, is tried on each
 * request before demux.
 */
static inline __attribute__((always_inline)) mach_msg_return_t
msg_server_loop(mach_msg_demux_t demux, msg_server_fast_t fast, void *ctx, mach_msg_size_t max_size,
		mach_port_t rcv_name, mach_msg_option_t options, mach_msg_timeout_t timeout, boolean_t once)
{
	mig_reply_header_t *request, *reply, *swap;
	mach_msg_return_t mr;
	mach_msg_option_t rcv_options = MACH_RCV_MSG | (options & ~MACH_SEND_MSG);
	mach_msg_option_t used = rcv_options; /* the last receive's options */

	if (max_size < sizeof(mig_reply_header_t))
		max_size = sizeof(mig_reply_header_t);
	request = malloc(max_size);
	reply = malloc(max_size);
	if (request == NULL || reply == NULL) {
		mr = MACH_RCV_HEADER_ERROR | MACH_MSG_VM_SPACE;
		goto out;
	}

	mr = mach_msg(&request->Head, rcv_options, 0, max_size, rcv_name, timeout, MACH_PORT_NULL);
	for (;;) {
		if (mr != MACH_MSG_SUCCESS) {
			if (!msg_server_rcv_error_per_request(mr))
				break;
			/* Too large under MACH_RCV_LARGE: the request is still
			 * queued, for the same server_once call to take. */
			boolean_t queued =
			    (mr & ~MACH_MSG_MASK) == MACH_RCV_TOO_LARGE && (used & MACH_RCV_LARGE);
			/* (Through copies: the loop's own stay in registers.) */
			mig_reply_header_t *rq = request, *rp = reply;
			mach_msg_size_t size = max_size;
			mach_msg_option_t next = msg_server_rcv_recover(mr, &rq, &rp, &size, used);
			request = rq, reply = rp, max_size = size;
			used = queued ? next : rcv_options;
			if (once && !queued)
				break;
			mr = mach_msg(&request->Head, used, 0, max_size, rcv_name, timeout, MACH_PORT_NULL);
			continue;
		}
		used = rcv_options;

		enum msg_server_took took =
		    fast != NULL ? fast(ctx, &request->Head, &reply->Head) : MSG_SERVER_DECLINED;
		if (took == MSG_SERVER_DECLINED)
			(void)demux(&request->Head, &reply->Head);
		if (took != MSG_SERVER_SEND && !msg_server_finish_request(&request->Head, reply)) {
			if (once)
				break;
			mr = mach_msg(&request->Head, rcv_options, 0, max_size, rcv_name, timeout,
				      MACH_PORT_NULL);
			continue;
		}
		if (once) {
			mr = mach_msg(&reply->Head, MACH_SEND_MSG | (options & ~MACH_RCV_MSG),
				      reply->Head.msgh_size, 0, MACH_PORT_NULL, timeout, MACH_PORT_NULL);
		} else {
			mr = mach_msg(&reply->Head, MACH_SEND_MSG | rcv_options, reply->Head.msgh_size,
				      max_size, rcv_name, timeout, MACH_PORT_NULL);
			/* The next request is in what was the reply buffer. */
			swap = request;
			request = reply;
			reply = swap;
		}
		if (mr != MACH_MSG_SUCCESS && (mr & ~MACH_MSG_MASK) >= MACH_SEND_IN_PROGRESS &&
		    (mr & ~MACH_MSG_MASK) < MACH_RCV_IN_PROGRESS) {
			/* The reply was not sent (client gone, say): release what it
			 * carries, and only that (a region it shows without
			 * deallocate stays the routine's). */
			msg_destroy_unsent(once ? &reply->Head : &request->Head, mr);
			if (once)
				break;
			mr = mach_msg(&request->Head, rcv_options, 0, max_size, rcv_name, timeout,
				      MACH_PORT_NULL);
			continue;
		}
		if (once)
			break;
	}
out:
	free(request);
	free(reply);
	return mr;
}

#endif /* _LIBMACH_MSG_SERVER_H_ */
