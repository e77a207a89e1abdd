/*
 * mach_msg: the trap, retried when a send or receive was interrupted,
 * unless the caller asked to see interruptions (MACH_SEND_INTERRUPT,
 * MACH_RCV_INTERRUPT).  An interrupted send sent nothing, so the whole
 * call is repeated; an interrupted receive comes after a completed send,
 * so only the receive is.
 *
 * On i386 mach_msg itself is in traps.S: it makes the trap straight away
 * (its arguments are already where the kernel reads them, above its
 * return address) and comes here only when the trap did not succeed,
 * with the result in %eax (regparm).  Every RPC saves copying seven
 * arguments into a second frame.  The host test of this file
 * (tests/msg_host.c) builds the C mach_msg below instead.
 */
#include <mach.h>

mach_msg_return_t __attribute__((regparm(1)))
mach_msg_retry(mach_msg_return_t mr, mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
	       mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
	       mach_port_name_t notify)
{
	if (!(option & MACH_SEND_INTERRUPT))
		while (mr == MACH_SEND_INTERRUPTED)
			mr = mach_msg_trap(msg, option, send_size, rcv_size, rcv_name, timeout, notify);
	if (!(option & MACH_RCV_INTERRUPT))
		while (mr == MACH_RCV_INTERRUPTED)
			mr = mach_msg_trap(msg, option & ~MACH_SEND_MSG, 0, rcv_size, rcv_name, timeout, notify);
	return mr;
}

#ifdef LIBMACH_C_MACH_MSG
mach_msg_return_t mach_msg(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
			   mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
			   mach_port_name_t notify)
{
	mach_msg_return_t mr = mach_msg_trap(msg, option, send_size, rcv_size, rcv_name, timeout, notify);
	if (mr == MACH_MSG_SUCCESS)
		return mr;
	return mach_msg_retry(mr, msg, option, send_size, rcv_size, rcv_name, timeout, notify);
}
#endif
