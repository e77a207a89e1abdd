/*
 * Server loops (mach_msg_server, _timeout, _once): the loop itself is in
 * msg_server.h, shared with the pager kit's threads; here are its
 * receive-error handling and the three entry points.
 */
#include <stdlib.h>
#include <mach.h>
#include "msg_server.h"

boolean_t msg_server_rcv_error_per_request(mach_msg_return_t mr)
{
	switch (mr & ~MACH_MSG_MASK) {
	case MACH_RCV_TOO_LARGE:
	case MACH_RCV_HEADER_ERROR:
	case MACH_RCV_BODY_ERROR:
	case MACH_RCV_INVALID_DATA:
		return TRUE;
	default:
		return FALSE;
	}
}

mach_msg_option_t msg_server_rcv_recover(mach_msg_return_t mr, mig_reply_header_t **request,
					 mig_reply_header_t **reply, mach_msg_size_t *max_size,
					 mach_msg_option_t rcv_options)
{
	switch (mr & ~MACH_MSG_MASK) {
	case MACH_RCV_TOO_LARGE:
		if (rcv_options & MACH_RCV_LARGE) {
			/* Still queued; its size is in the header. */
			mach_msg_size_t want = (*request)->Head.msgh_size;
			void *a = realloc(*request, want), *b = a != NULL ? realloc(*reply, want) : NULL;
			if (a != NULL)
				*request = a;
			if (b == NULL) /* no memory: let the kernel drop it */
				return rcv_options & ~MACH_RCV_LARGE;
			*reply = b;
			*max_size = want;
		}
		/* Otherwise the kernel destroyed it; the header holds no right. */
		break;
	case MACH_RCV_HEADER_ERROR:
	case MACH_RCV_BODY_ERROR:
		mach_msg_destroy(&(*request)->Head);
		break;
	default:
		/* MACH_RCV_INVALID_DATA: the buffer holds nothing we may trust. */
		break;
	}
	return rcv_options;
}

/* The loop for the calls with options or once: one copy serves both. */
static mach_msg_return_t server_loop(mach_msg_demux_t demux, mach_msg_size_t max_size, mach_port_t rcv_name,
				     mach_msg_option_t options, mach_msg_timeout_t timeout, boolean_t once)
{
	return msg_server_loop(demux, NULL, NULL, max_size, rcv_name, options, timeout, once);
}

/* Every server's loop (options, time-out and once known: a copy of the
 * loop of its own, with no test of them per request). */
mach_msg_return_t mach_msg_server(mach_msg_demux_t demux, mach_msg_size_t max_size, mach_port_t rcv_name)
{
	return msg_server_loop(demux, NULL, NULL, max_size, rcv_name, MACH_MSG_OPTION_NONE, MACH_MSG_TIMEOUT_NONE,
			       FALSE);
}

mach_msg_return_t mach_msg_server_timeout(mach_msg_demux_t demux, mach_msg_size_t max_size,
					  mach_port_t rcv_name, mach_msg_option_t options,
					  mach_msg_timeout_t timeout)
{
	return server_loop(demux, max_size, rcv_name, options, timeout, FALSE);
}

mach_msg_return_t mach_msg_server_once(mach_msg_demux_t demux, mach_msg_size_t max_size,
				       mach_port_t rcv_name, mach_msg_option_t options,
				       mach_msg_timeout_t timeout)
{
	return server_loop(demux, max_size, rcv_name, options, timeout, TRUE);
}
