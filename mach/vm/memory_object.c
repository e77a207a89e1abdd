/*
 * The kernel's side of the memory object protocol: the calls a pager
 * makes on the control port the kernel gave it (mach.defs), and the
 * default memory manager (vm_set_default_memory_manager).
 *
 * No object has a pager yet, so there are no control or name ports:
 * vm_object_lookup finds nothing and every call below answers
 * KERN_INVALID_ARGUMENT, as GNU Mach does for a port that is not a
 * control port.  External pagers (issue 5) plug in here: the object's
 * pager_request port becomes an IKOT_PAGING_REQUEST kernel port whose
 * kobject is the object, and these routines act on it.
 */
#include <mach/mig_errors.h>
#include <kern/ipc_kobject.h>
#include <ipc/port.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <mach_server.h>

/* The default pager's port (a send right), or NULL until one registers. */
static struct ipc_port *memory_manager_default;

/* The object whose control port this is, with a reference for the
 * routine to drop (the stub has no destructor for it). */
vm_object_t vm_object_lookup(mach_port_t port)
{
	struct ipc_port *p = (struct ipc_port *)(uintptr_t)port;
	struct vm_object *object;

	if (!IP_VALID(p) || !p->active || p->kotype != IKOT_PAGING_REQUEST)
		return NULL;
	object = p->kobject;
	vm_object_reference(object);
	return object;
}

/* Name ports (what vm_region would hand out) do not exist yet. */
vm_object_t vm_object_lookup_name(mach_port_t port)
{
	(void)port;
	return NULL;
}

/* Drop the reply_to right a simpleroutine's caller gave (it is ours once
 * we succeed; on failure the request is destroyed with it). */
static void release_reply_to(mach_port_t reply_to, mach_msg_type_name_t type)
{
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)reply_to;

	if (!IP_VALID(port))
		return;
	if (type == MACH_MSG_TYPE_PORT_SEND_ONCE)
		ipc_port_release_sonce(port);
	else if (type == MACH_MSG_TYPE_PORT_SEND)
		ipc_port_release_send(port);
}

/* Every routine below takes the object from vm_object_lookup; with a
 * pager they would act on it, then drop the reference. */
static kern_return_t no_pager_yet(vm_object_t object)
{
	if (object == NULL)
		return KERN_INVALID_ARGUMENT;
	vm_object_deallocate(object);
	return KERN_FAILURE;
}

kern_return_t S_memory_object_data_unavailable(vm_object_t memory_control, vm_offset_t offset, vm_size_t size)
{
	(void)offset;
	(void)size;
	return no_pager_yet(memory_control);
}

kern_return_t S_memory_object_get_attributes(vm_object_t memory_control, boolean_t *object_ready,
					     boolean_t *may_cache, memory_object_copy_strategy_t *copy_strategy)
{
	(void)object_ready;
	(void)may_cache;
	(void)copy_strategy;
	return no_pager_yet(memory_control);
}

kern_return_t S_memory_object_lock_request(vm_object_t memory_control, vm_offset_t offset, vm_size_t size,
					   memory_object_return_t should_return, boolean_t should_flush,
					   vm_prot_t lock_value, mach_port_t reply_to,
					   mach_msg_type_name_t reply_toPoly)
{
	(void)offset;
	(void)size;
	(void)should_return;
	(void)should_flush;
	(void)lock_value;
	kern_return_t kr = no_pager_yet(memory_control);
	if (kr == KERN_SUCCESS)
		release_reply_to(reply_to, reply_toPoly);
	return kr;
}

kern_return_t S_memory_object_data_error(vm_object_t memory_control, vm_offset_t offset, vm_size_t size,
					 kern_return_t error_value)
{
	(void)offset;
	(void)size;
	(void)error_value;
	return no_pager_yet(memory_control);
}

kern_return_t S_memory_object_destroy(vm_object_t memory_control, kern_return_t reason)
{
	(void)reason;
	return no_pager_yet(memory_control);
}

kern_return_t S_memory_object_data_supply(vm_object_t memory_control, vm_offset_t offset, vm_offset_t data,
					  mach_msg_type_number_t dataCnt, vm_prot_t lock_value, boolean_t precious,
					  mach_port_t reply_to, mach_msg_type_name_t reply_toPoly)
{
	(void)offset;
	(void)lock_value;
	(void)precious;
	(void)dataCnt;
	kern_return_t kr = no_pager_yet(memory_control);
	if (kr == KERN_SUCCESS) {
		vm_map_copy_discard((vm_map_copy_t)data);
		release_reply_to(reply_to, reply_toPoly);
	}
	return kr;
}

kern_return_t S_memory_object_ready(vm_object_t memory_control, boolean_t may_cache,
				    memory_object_copy_strategy_t copy_strategy)
{
	(void)may_cache;
	(void)copy_strategy;
	return no_pager_yet(memory_control);
}

kern_return_t S_memory_object_change_attributes(vm_object_t memory_control, boolean_t may_cache,
						memory_object_copy_strategy_t copy_strategy, mach_port_t reply_to,
						mach_msg_type_name_t reply_toPoly)
{
	(void)may_cache;
	(void)copy_strategy;
	kern_return_t kr = no_pager_yet(memory_control);
	if (kr == KERN_SUCCESS)
		release_reply_to(reply_to, reply_toPoly);
	return kr;
}

/*
 * Register the default pager (a send right, which we keep) and get the
 * previous one back; MACH_PORT_NULL only asks which it is.  Issues 5 and 7
 * send memory_object_create to it.
 */
kern_return_t S_vm_set_default_memory_manager(host_t host_priv, mach_port_t *default_manager)
{
	struct ipc_port *new_manager = (struct ipc_port *)(uintptr_t)*default_manager;
	struct ipc_port *returned;

	if (host_priv == NULL)
		return KERN_INVALID_HOST;
	if (!IP_VALID(new_manager)) {
		returned = ipc_port_copy_send(memory_manager_default);
	} else {
		returned = memory_manager_default;
		memory_manager_default = new_manager;
	}
	*default_manager = (mach_port_t)(uintptr_t)returned;
	return KERN_SUCCESS;
}

struct ipc_port *vm_default_memory_manager(void)
{
	return memory_manager_default;
}
