/* Mach helpers the user tests share (see util.h). */
#include <string.h>
#include "tap.h"
#include "util.h"

long urefs(mach_port_name_t name, mach_port_right_t right)
{
	mach_port_urefs_t refs;
	if (mach_port_get_refs(mach_task_self(), name, right, &refs) != KERN_SUCCESS)
		return -1;
	return refs;
}

mach_port_type_t ptype(mach_port_name_t name)
{
	mach_port_type_t type;
	if (mach_port_type(mach_task_self(), name, &type) != KERN_SUCCESS)
		return 0;
	return type;
}

long name_count(void)
{
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t n_names, n_types;
	if (mach_port_names(mach_task_self(), &names, &n_names, &types, &n_types) != KERN_SUCCESS)
		return -1;
	if (n_names > 0)
		vm_deallocate(mach_task_self(), (vm_address_t)names, n_names * sizeof *names);
	if (n_types > 0)
		vm_deallocate(mach_task_self(), (vm_address_t)types, n_types * sizeof *types);
	return n_names;
}

mach_port_t new_port(void)
{
	mach_port_t port;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return port;
}

mach_port_t new_port_with_send(void)
{
	mach_port_t port = new_port();
	if (port != MACH_PORT_NULL &&
	    mach_port_insert_right(mach_task_self(), port, port, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return port;
}

const mach_msg_type_t int_type = {
	.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1,
};

mach_msg_return_t send_int(mach_port_t dest, mach_msg_type_name_t dest_disp, mach_port_t reply,
			   mach_msg_type_name_t reply_disp, mach_msg_id_t id, int value,
			   mach_msg_option_t option, mach_msg_timeout_t timeout)
{
	struct int_msg m;
	memset(&m, 0, sizeof m);
	m.head.msgh_bits = MACH_MSGH_BITS(dest_disp, reply != MACH_PORT_NULL ? reply_disp : 0);
	m.head.msgh_size = offsetof(struct int_msg, port_type);
	m.head.msgh_remote_port = dest;
	m.head.msgh_local_port = reply;
	m.head.msgh_id = id;
	m.value_type = int_type;
	m.value = value;
	return mach_msg(&m.head, MACH_SEND_MSG | option, m.head.msgh_size, 0, MACH_PORT_NULL, timeout,
			MACH_PORT_NULL);
}

mach_msg_return_t send_int_port(mach_port_t dest, mach_msg_id_t id, int value, mach_port_t right,
				mach_msg_type_name_t disp, mach_msg_option_t option, mach_msg_timeout_t timeout)
{
	struct int_msg m;
	memset(&m, 0, sizeof m);
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.head.msgh_size = sizeof m;
	m.head.msgh_remote_port = dest;
	m.head.msgh_id = id;
	m.value_type = int_type;
	m.value = value;
	m.port_type = (mach_msg_type_t){ .msgt_name = disp, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1 };
	m.port = right;
	return mach_msg(&m.head, MACH_SEND_MSG | option, sizeof m, 0, MACH_PORT_NULL, timeout, MACH_PORT_NULL);
}

mach_msg_return_t receive(mach_port_t port, struct rcv_buf *buf, mach_msg_timeout_t timeout)
{
	return mach_msg(&buf->head, MACH_RCV_MSG | (timeout ? MACH_RCV_TIMEOUT : 0), 0, sizeof *buf, port,
			timeout, MACH_PORT_NULL);
}

void diag_names(void)
{
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t n_names, n_types;
	if (mach_port_names(mach_task_self(), &names, &n_names, &types, &n_types) != KERN_SUCCESS)
		return;
	for (unsigned i = 0; i < n_names && i < n_types; i++)
		diag("name 0x%x type 0x%x", names[i], types[i]);
	if (n_names > 0)
		vm_deallocate(mach_task_self(), (vm_address_t)names, n_names * sizeof *names);
	if (n_types > 0)
		vm_deallocate(mach_task_self(), (vm_address_t)types, n_types * sizeof *types);
}

volatile int landed;

static void landing(void)
{
	landed = 1;
	for (;;)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 100);
}

void send_to_landing(mach_port_t thread, struct i386_thread_state *state)
{
	state->eip = (unsigned)landing;
	thread_set_state(thread, i386_THREAD_STATE, (thread_state_t)state, i386_THREAD_STATE_COUNT);
}

int wait_landed(void)
{
	for (int i = 0; i < 500 && !landed; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	return landed;
}

int wait_blocked(thread_t thread)
{
	for (int i = 0; i < 500; i++) {
		thread_basic_info_data_t info;
		mach_msg_type_number_t n = THREAD_BASIC_INFO_COUNT;
		if (thread_info(thread, THREAD_BASIC_INFO, (thread_info_t)&info, &n) == KERN_SUCCESS &&
		    info.run_state == TH_STATE_WAITING)
			return 1;
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	}
	return 0;
}

mach_port_t region_object_name(vm_address_t addr)
{
	vm_size_t size;
	vm_prot_t prot, max;
	vm_inherit_t inherit;
	boolean_t shared;
	mach_port_t name = MACH_PORT_NULL;
	vm_offset_t offset;

	if (vm_region(mach_task_self(), &addr, &size, &prot, &max, &inherit, &shared, &name, &offset) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return name;
}
