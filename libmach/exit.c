/*
 * _exit: the end of a task.  exit() has flushed stdio and run the atexit
 * handlers before we get here.
 */
#include <string.h>
#include <unistd.h>
#include "libmach_private.h"

/*
 * Called first with the exit status; a program (a guest test, say) may
 * define its own to report the status or power the machine off.
 */
__attribute__((weak)) void libmach_exit_hook(int status)
{
	(void)status;
}

void _exit(int status)
{
	/* Formatted by hand: no stdio (or malloc) this late. */
	char line[48] = "task exited with status ";
	char digits[12];
	unsigned int u = status < 0 ? -(unsigned int)status : (unsigned int)status;
	int n = 0;

	libmach_exit_hook(status);
	do {
		digits[n++] = '0' + u % 10;
		u /= 10;
	} while (u != 0);
	char *p = line + strlen(line);
	if (status < 0)
		*p++ = '-';
	while (n > 0)
		*p++ = digits[--n];
	*p++ = '\n';
	*p = '\0';
	libmach_console_puts(line);
	/*
	 * The trap version of task_terminate (syscall 69).  TODO(mig): use
	 * task_terminate(mach_task_self()) when the stubs exist, as a kernel
	 * may leave the trap out.
	 */
	syscall_task_terminate(mach_task_self());
	/* Still here: wait forever on a port nobody can send to. */
	mach_port_t port = mach_reply_port();
	for (;;) {
		mach_msg_header_t msg;
		if (mach_msg_trap(&msg, MACH_RCV_MSG, 0, sizeof msg, port, MACH_MSG_TIMEOUT_NONE,
				  MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			swtch_pri(0);
	}
}
