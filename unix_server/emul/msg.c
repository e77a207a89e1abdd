/*
 * mach_msg for the whole library (it replaces libmach's, which restarts
 * every interrupted call).  On the Linux thread, during a call that may
 * wait (emul_interruptible), a receive comes back MACH_RCV_INTERRUPTED
 * once the signal thread has flagged a signal; the MIG stub then drops
 * its reply port and the service drops the call (docs/unix.md).  The
 * receive also wakes every EMUL_POLL_MS to look at the flag, in case
 * the abort came just before the thread entered the kernel.
 */
#include <cthreads.h>
#include "emul.h"

#define EMUL_POLL_MS 100

volatile int emul_interruptible;
static cthread_t linux_cthread;

void emul_msg_init(void)
{
	linux_cthread = cthread_self();
}

mach_msg_return_t mach_msg(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
			   mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
			   mach_port_name_t notify)
{
	mach_msg_return_t mr;
	int interruptible = emul_interruptible && (option & MACH_RCV_MSG) && cthread_self() == linux_cthread;
	mach_msg_option_t extra = 0;
	mach_msg_timeout_t wait = timeout;

	if (interruptible) {
		extra = MACH_RCV_INTERRUPT;
		if (!(option & MACH_RCV_TIMEOUT)) {
			extra |= MACH_RCV_TIMEOUT;
			wait = EMUL_POLL_MS;
		}
	}
	do
		mr = mach_msg_trap(msg, option | extra, send_size, rcv_size, rcv_name, wait, notify);
	while (mr == MACH_SEND_INTERRUPTED && !(option & MACH_SEND_INTERRUPT));
	for (;;) {
		int polled = interruptible && mr == MACH_RCV_TIMED_OUT && !(option & MACH_RCV_TIMEOUT);
		if (mr != MACH_RCV_INTERRUPTED && !polled)
			return mr;
		if (option & MACH_RCV_INTERRUPT)
			return mr;
		if (interruptible && emul_signal_check)
			return MACH_RCV_INTERRUPTED;
		mr = mach_msg_trap(msg, (option & ~MACH_SEND_MSG) | extra, 0, rcv_size, rcv_name, wait, notify);
	}
}
