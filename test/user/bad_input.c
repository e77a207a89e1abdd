/*
 * Bad input never brings the kernel down: malformed messages to kernel
 * ports (wrong ids, bad type descriptors, absurd sizes, invalid names,
 * out-of-line pointers into unmapped memory) and traps with garbage
 * arguments each get the documented error, and the task goes on.
 */
#include <string.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()

struct req {
	mach_msg_header_t head;
	mach_msg_type_t t1;
	unsigned int w1;
	mach_msg_type_long_t t2;
	unsigned int w2[8];
};

/* An RPC by hand to the task port: returns the reply's RetCode, or the mach_msg error. */
static kern_return_t raw_rpc(struct req *r, mach_msg_size_t size)
{
	mach_port_t reply = new_port();
	r->head.msgh_bits |= MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	r->head.msgh_remote_port = T;
	r->head.msgh_local_port = reply;
	r->head.msgh_size = size;
	struct rcv_buf buf;
	mach_msg_return_t mr = mach_msg(&r->head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, size,
					sizeof buf, reply, 2000, MACH_PORT_NULL);
	kern_return_t kr = mr;
	if (mr == MACH_MSG_SUCCESS)
		kr = ((mig_reply_header_t *)&r->head)->RetCode;
	mach_port_destroy(T, reply);
	return kr;
}

static void test_kernel_requests(void)
{
	struct req r;
	memset(&r, 0, sizeof r);
	r.head.msgh_id = 3299; /* inside no routine of mach_port.defs or mach.defs */
	is_kr(raw_rpc(&r, sizeof r.head), MIG_BAD_ID, "unknown message id: MIG_BAD_ID");
	memset(&r, 0, sizeof r);
	r.head.msgh_id = 77777;
	is_kr(raw_rpc(&r, sizeof r.head), MIG_BAD_ID, "id of no subsystem: MIG_BAD_ID");

	/* mach_port_type (3204) with its name typed INTEGER_16: a bad descriptor. */
	memset(&r, 0, sizeof r);
	r.head.msgh_id = 3204;
	r.t1 = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_INTEGER_16, .msgt_size = 16, .msgt_number = 1, .msgt_inline = 1 };
	r.w1 = 1;
	is_kr(raw_rpc(&r, sizeof r.head + 8), MIG_BAD_ARGUMENTS, "a wrongly typed argument: MIG_BAD_ARGUMENTS");
	memset(&r, 0, sizeof r);
	r.head.msgh_id = 3204;
	is_kr(raw_rpc(&r, sizeof r.head), MIG_BAD_ARGUMENTS, "a request missing its argument: MIG_BAD_ARGUMENTS");
}

static void test_bad_messages(void)
{
	mach_port_t p = new_port_with_send();
	struct req r;
	memset(&r, 0, sizeof r);
	r.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	r.head.msgh_remote_port = p;
	r.head.msgh_size = sizeof r.head;
	is_kr(mach_msg(&r.head, MACH_SEND_MSG, 20, 0, 0, 0, 0), MACH_SEND_MSG_TOO_SMALL,
	      "a send size below the header: MACH_SEND_MSG_TOO_SMALL");
	is_kr(mach_msg(&r.head, MACH_SEND_MSG, 26, 0, 0, 0, 0), MACH_SEND_MSG_TOO_SMALL,
	      "a send size not a multiple of 4: MACH_SEND_MSG_TOO_SMALL");
	ok(mach_msg(&r.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, 0x40000000, 0, 0, 10, 0) != MACH_MSG_SUCCESS,
	   "a 1 GiB send size fails");
	r.head.msgh_remote_port = 0x7fff0999;
	is_kr(mach_msg(&r.head, MACH_SEND_MSG, sizeof r.head, 0, 0, 0, 0), MACH_SEND_INVALID_DEST,
	      "an invalid destination name: MACH_SEND_INVALID_DEST");
	r.head.msgh_remote_port = p;
	r.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	r.head.msgh_local_port = 0x7fff0999;
	is_kr(mach_msg(&r.head, MACH_SEND_MSG, sizeof r.head, 0, 0, 0, 0), MACH_SEND_INVALID_REPLY,
	      "an invalid reply name: MACH_SEND_INVALID_REPLY");
	r.head.msgh_local_port = 0;
	r.head.msgh_bits = MACH_MSGH_BITS(99, 0);
	is_kr(mach_msg(&r.head, MACH_SEND_MSG, sizeof r.head, 0, 0, 0, 0), MACH_SEND_INVALID_HEADER,
	      "a bad destination disposition: MACH_SEND_INVALID_HEADER");

	/* A port descriptor naming nothing. */
	memset(&r, 0, sizeof r);
	r.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	r.head.msgh_remote_port = p;
	r.t1 = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_COPY_SEND, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1 };
	r.w1 = 0x7fff0999;
	is_kr(mach_msg(&r.head, MACH_SEND_MSG, sizeof r.head + 8, 0, 0, 0, 0), MACH_SEND_INVALID_RIGHT,
	      "a port right that is not there: MACH_SEND_INVALID_RIGHT");
	/* Out-of-line data at an unmapped address. */
	r.t1 = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_BYTE, .msgt_size = 8, .msgt_number = 100, .msgt_inline = 0 };
	r.w1 = 0xA0000000; /* nothing is mapped there (low pages may hold "anywhere" allocations) */
	is_kr(mach_msg(&r.head, MACH_SEND_MSG, sizeof r.head + 8, 0, 0, 0, 0), MACH_SEND_INVALID_MEMORY,
	      "out-of-line data in unmapped memory: MACH_SEND_INVALID_MEMORY");
	/* A descriptor claiming more data than the message has. */
	r.t1 = (mach_msg_type_t){ .msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1000, .msgt_inline = 1 };
	is_kr(mach_msg(&r.head, MACH_SEND_MSG, sizeof r.head + 8, 0, 0, 0, 0), MACH_SEND_MSG_TOO_SMALL,
	      "inline data running past the end: MACH_SEND_MSG_TOO_SMALL");
	struct rcv_buf buf;
	is_kr(receive(p, &buf, 50), MACH_RCV_TIMED_OUT, "none of them was queued");
	mach_port_destroy(T, p);
}

/* A trap by number, with garbage arguments on the stack. */
static int raw_trap(int number, unsigned a, unsigned b, unsigned c)
{
	int r;
	asm volatile("pushl %4; pushl %3; pushl %2; movl %1, %%eax; lcall $7, $0; addl $12, %%esp"
		     : "=a"(r)
		     : "g"(-number), "g"(a), "g"(b), "g"(c)
		     : "memory", "ecx", "edx");
	return r;
}

static void test_traps(void)
{
	is_kr(mach_msg_trap((mach_msg_header_t *)0x10, MACH_SEND_MSG, 24, 0, 0, 0, 0), MACH_SEND_INVALID_DATA,
	      "mach_msg_trap with an unmapped message: MACH_SEND_INVALID_DATA");
	is_kr(mach_msg_trap((mach_msg_header_t *)0xc0001000, MACH_SEND_MSG, 24, 0, 0, 0, 0), MACH_SEND_INVALID_DATA,
	      "mach_msg_trap with a kernel address: MACH_SEND_INVALID_DATA");
	struct rcv_buf buf;
	mach_port_t p = new_port();
	is_kr(mach_msg_trap((mach_msg_header_t *)0x10, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, 100, 0x7fff0999, 10, 0),
	      MACH_RCV_INVALID_NAME, "receive on an invalid name: MACH_RCV_INVALID_NAME");
	(void)buf;
	/* GNU Mach ignores a failed copyout of the result here: only survival is pinned. */
	(void)syscall_mach_port_allocate(T, MACH_PORT_RIGHT_RECEIVE, (mach_port_name_t *)0xc0000000);
	(void)syscall_vm_allocate(T, (vm_offset_t *)0x10, 4096, 1);
	ok(1, "traps writing results to bad addresses return");
	is_kr(syscall_mach_port_allocate(T, 77, &p), KERN_INVALID_VALUE,
	      "syscall_mach_port_allocate of right 77: KERN_INVALID_VALUE");
	is_kr(raw_trap(40, 1, 2, 3), KERN_INVALID_ARGUMENT, "an unused trap slot: KERN_INVALID_ARGUMENT");
	mach_port_destroy(T, p);
	ok(1, "the task is still running");
}

int main(void)
{
	long start = name_count();
	test_kernel_requests();
	test_bad_messages();
	if (!is(name_count(), start, "name count back to the start (%ld)", start))
		diag_names();
	test_traps();
	return tap_done();
}
