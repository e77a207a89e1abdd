/*
 * Exceptions as messages: a thread reading unmapped memory raises
 * exception_raise to its task's exception port with EXC_BAD_ACCESS, code
 * KERN_INVALID_ADDRESS and the address as subcode; the handler
 * (exc_server) fixes eip and eax with thread_set_state and its reply
 * resumes the thread.  A trap number outside the table raises
 * EXC_BAD_INSTRUCTION; a trap whose argument words cannot be read (the
 * stack pointer on an unmapped page, or the words reaching past the top
 * of user space) raises EXC_BAD_ACCESS with their address.
 */
#include <stddef.h>
#include <cthreads.h>
#include <mach/exc_server.h>
#include <mach/exception.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()

static int last_exception, last_code, last_subcode, mode;
static volatile unsigned good_esp; /* mode 2: the stack to resume on */
static mach_port_t exc_port;

kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task, int exception,
				    int code, int subcode)
{
	(void)port;
	last_exception = exception, last_code = code, last_subcode = subcode;
	struct i386_thread_state st;
	mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;
	thread_get_state(thread, i386_THREAD_STATE, (thread_state_t)&st, &n);
	if (mode == 0) {
		st.eip += 5; /* past movl 0x10,%eax */
		st.eax = 42;
		thread_set_state(thread, i386_THREAD_STATE, (thread_state_t)&st, n);
	} else {
		if (mode == 2)
			st.uesp = (good_esp - 64) & ~15u;
		send_to_landing(thread, &st);
	}
	mach_port_deallocate(T, thread);
	mach_port_deallocate(T, task);
	return KERN_SUCCESS;
}

static void *faulter(void *arg)
{
	(void)arg;
	int v;
	asm volatile(".byte 0xa1; .long 0x10" : "=a"(v)); /* movl 0x10,%eax */
	return (void *)(long)v;
}

static void *bad_trapper(void *arg)
{
	(void)arg;
	asm volatile("movl $-200, %%eax; lcall $7, $0" ::: "eax", "memory");
	return NULL;
}

/* mach_msg_trap (seven argument words) with the stack pointer at arg. */
static void *bad_stack_trapper(void *arg)
{
	asm volatile("movl %%esp, %0; movl %1, %%esp; movl $-25, %%eax; lcall $7, $0"
		     : "=m"(good_esp)
		     : "r"(arg)
		     : "eax", "memory");
	return NULL;
}

static void bad_arguments(unsigned esp, const char *what)
{
	cthread_t t;

	mode = 2;
	landed = 0;
	last_exception = last_code = last_subcode = 0;
	if (!is_kr(cthread_create(&t, bad_stack_trapper, (void *)esp), KERN_SUCCESS, "a thread traps with %s", what))
		return;
	is_kr(mach_msg_server_once(exc_server, 8192, exc_port, MACH_RCV_TIMEOUT, 5000), MACH_MSG_SUCCESS,
	      "an exception message arrives");
	is(last_exception, EXC_BAD_ACCESS, "EXC_BAD_ACCESS");
	is(last_code, KERN_INVALID_ADDRESS, "code KERN_INVALID_ADDRESS");
	is((long)(unsigned)last_subcode, (long)(esp + 4), "subcode the arguments' address");
	ok(wait_landed(), "resumed where the handler said");
	thread_terminate(cthread_kernel_port(t));
}

int main(void)
{
	mach_port_t exc = exc_port = new_port_with_send();
	is_kr(task_set_special_port(T, TASK_EXCEPTION_PORT, exc), KERN_SUCCESS, "set the task's exception port");
	cthread_t t;
	if (is_kr(cthread_create(&t, faulter, NULL), KERN_SUCCESS, "a thread reads address 0x10")) {
		is_kr(mach_msg_server_once(exc_server, 8192, exc, MACH_RCV_TIMEOUT, 5000), MACH_MSG_SUCCESS,
		      "an exception message arrives and is served");
		is(last_exception, EXC_BAD_ACCESS, "EXC_BAD_ACCESS");
		is(last_code, KERN_INVALID_ADDRESS, "code KERN_INVALID_ADDRESS");
		is(last_subcode, 0x10, "subcode the fault address");
		is((long)cthread_join(t), 42, "the reply resumed it at the fixed eip with eax 42");
	}
	mode = 1;
	if (is_kr(cthread_create(&t, bad_trapper, NULL), KERN_SUCCESS, "a thread calls trap -200")) {
		is_kr(mach_msg_server_once(exc_server, 8192, exc, MACH_RCV_TIMEOUT, 5000), MACH_MSG_SUCCESS,
		      "an exception message arrives");
		is(last_exception, EXC_BAD_INSTRUCTION, "EXC_BAD_INSTRUCTION");
		is(last_code, EXC_I386_INVOP, "code EXC_I386_INVOP");
		is(last_subcode, 0, "subcode 0");
		ok(wait_landed(), "resumed where the handler said");
		thread_terminate(cthread_kernel_port(t));
	}
	bad_arguments(0x20, "its stack on an unmapped page");
	bad_arguments(0xc0000000 - 8, "its arguments reaching past the top of user space");
	return tap_done();
}
