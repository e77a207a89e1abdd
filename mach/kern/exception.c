/*
 * Exceptions: a fault in user mode becomes an exception_raise RPC
 * (exc.defs) to the thread's exception port, then to the task's.  A reply
 * of KERN_SUCCESS resumes the thread (with whatever state the handler set
 * through thread_set_state); anything else passes the exception on.  With
 * no handler left, the task is terminated, as GNU Mach does.
 */
#include <mach/exception.h>
#include <mach/kern_return.h>
#include <i386/cpu.h>
#include <kern/exception.h>
#include <kern/printf.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/port.h>
#include <exc_user.h>

static kern_return_t raise_to(struct ipc_port *port, struct thread *th, int exc, int code, int subcode)
{
	if (!IP_VALID(port) || !port->active)
		return KERN_FAILURE;
	return exception_raise((mach_port_t)(uintptr_t)port, (mach_port_t)(uintptr_t)th->ith_self,
			       (mach_port_t)(uintptr_t)th->task->itk_self, exc, code, subcode);
}

void exception(int exc, int code, int subcode)
{
	struct thread *th = current_thread();
	struct task *task = th->task;
	int s = cpu_intr_save();

	cpu_intr_enable(); /* the handler's reply is waited for */
	if (raise_to(th->ith_exception, th, exc, code, subcode) == KERN_SUCCESS ||
	    raise_to(task->itk_exception, th, exc, code, subcode) == KERN_SUCCESS) {
		cpu_intr_restore(s);
		return;
	}
	if (th->terminating)
		thread_exit();
	printf("task %s: exception %d (code %d, subcode 0x%x) with no handler: terminating it\n", task->name, exc,
	       code, subcode);
	task_terminate(task);
	cpu_intr_restore(s);
}
