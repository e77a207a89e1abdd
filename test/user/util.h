/*
 * Mach helpers the user tests share: right counts, name counts, and a
 * small typed message (one integer, optionally one port right).
 */
#ifndef _TEST_USER_UTIL_H_
#define _TEST_USER_UTIL_H_

#include <mach.h>
#include <mach/notify.h>

/* User references of one right of a name, or -1 if the call failed. */
long urefs(mach_port_name_t name, mach_port_right_t right);
/* The type bits of a name (MACH_PORT_TYPE_*), or 0 if the name is not in use. */
mach_port_type_t ptype(mach_port_name_t name);
/* How many names the task's space holds, or -1 if mach_port_names failed. */
long name_count(void);
/* A fresh receive right (MACH_PORT_NULL on failure). */
mach_port_t new_port(void);
/* A fresh receive right with a send right under the same name. */
mach_port_t new_port_with_send(void);

/* A message with one integer and one port right (or none). */
struct int_msg {
	mach_msg_header_t head;
	mach_msg_type_t value_type;
	int value;
	mach_msg_type_t port_type;
	mach_port_t port;
};
/* The type of one inline 32-bit integer, and a message of just that. */
extern const mach_msg_type_t int_type;
struct msg32 {
	mach_msg_header_t head;
	mach_msg_type_t type;
	int value;
};
/* Room to receive any small message. */
struct rcv_buf {
	mach_msg_header_t head;
	char body[8192];
};

/*
 * Send one integer to dest (header disposition dest_disp), with reply
 * port reply (disposition reply_disp), options/timeout as mach_msg's.
 */
mach_msg_return_t send_int(mach_port_t dest, mach_msg_type_name_t dest_disp, mach_port_t reply,
			   mach_msg_type_name_t reply_disp, mach_msg_id_t id, int value,
			   mach_msg_option_t option, mach_msg_timeout_t timeout);
/* The same with a port right in the body (right, disposition). */
mach_msg_return_t send_int_port(mach_port_t dest, mach_msg_id_t id, int value, mach_port_t right,
				mach_msg_type_name_t disp, mach_msg_option_t option, mach_msg_timeout_t timeout);
/* Receive on port into buf; with a timeout in ms unless timeout is 0. */
mach_msg_return_t receive(mach_port_t port, struct rcv_buf *buf, mach_msg_timeout_t timeout);

/*
 * For exception handlers: send_to_landing() points the thread's eip at a
 * landing pad that sets `landed` and parks the thread; wait_landed()
 * waits (bounded) for that and says whether it happened.
 */
extern volatile int landed;
void send_to_landing(mach_port_t thread, struct i386_thread_state *state);
int wait_landed(void);

/* Wait (bounded) until thread is blocked in the kernel (thread_info's
 * TH_STATE_WAITING); whether it is.  However long a sleep is, a starved
 * QEMU can end it before the thread got there. */
int wait_blocked(thread_t thread);

/* The object name vm_region gives for the region at addr in this task
 * (a send right, or MACH_PORT_NULL). */
mach_port_t region_object_name(vm_address_t addr);
/* List the task's names and types as TAP comments (when a count is off). */
void diag_names(void);

#endif /* _TEST_USER_UTIL_H_ */
