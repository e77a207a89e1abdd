/*
 * The virtual memory calls of mach.defs and mach_host.defs, as the
 * kernel's MIG server stubs call them (S_ prefix; the task port already
 * translated to its map, NULL if it was not a live task port).  The
 * checks and the work are vm_user.c's; here the message forms are
 * translated: out-of-line data arrives and leaves as a vm_map_copy_t.
 */
#include <mach/mig_errors.h>
#include <i386/vm_param.h>
#include <kern/ipc_kobject.h>
#include <ipc/port.h>
#include <ipc/space.h>
#include <vm/memory_object_proxy.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_user.h>
#include <mach_server.h>
#include <mach_host_server.h>

kern_return_t S_vm_allocate(vm_map_t target_task, vm_address_t *address, vm_size_t size, boolean_t anywhere)
{
	return vm_allocate(target_task, address, size, anywhere);
}

kern_return_t S_vm_deallocate(vm_map_t target_task, vm_address_t address, vm_size_t size)
{
	return vm_deallocate(target_task, address, size);
}

kern_return_t S_vm_protect(vm_map_t target_task, vm_address_t address, vm_size_t size, boolean_t set_maximum,
			   vm_prot_t new_protection)
{
	return vm_protect(target_task, address, size, set_maximum, new_protection);
}

kern_return_t S_vm_inherit(vm_map_t target_task, vm_address_t address, vm_size_t size, vm_inherit_t new_inheritance)
{
	return vm_inherit(target_task, address, size, new_inheritance);
}

kern_return_t S_vm_read(vm_map_t target_task, vm_address_t address, vm_size_t size, vm_offset_t *data,
			mach_msg_type_number_t *dataCnt)
{
	vm_map_copy_t copy;
	kern_return_t kr = vm_read(target_task, address, size, &copy);

	if (kr != KERN_SUCCESS)
		return kr;
	*data = (vm_offset_t)copy;
	*dataCnt = size;
	return KERN_SUCCESS;
}

kern_return_t S_vm_write(vm_map_t target_task, vm_address_t address, vm_offset_t data, mach_msg_type_number_t dataCnt)
{
	vm_map_copy_t copy = (vm_map_copy_t)data;

	if (target_task == NULL)
		return KERN_INVALID_ARGUMENT;
	if (copy == NULL) /* nothing to write */
		return dataCnt == 0 ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
	if (copy->size != dataCnt)
		return KERN_INVALID_ARGUMENT;
	return vm_write(target_task, address, copy);
}

kern_return_t S_vm_copy(vm_map_t target_task, vm_address_t source_address, vm_size_t size, vm_address_t dest_address)
{
	return vm_copy(target_task, source_address, size, dest_address);
}

/* object_name: a send right to the name port of a region backed by a
 * memory object (the same port for every mapping of it), else null. */
kern_return_t S_vm_region(vm_map_t target_task, vm_address_t *address, vm_size_t *size, vm_prot_t *protection,
			  vm_prot_t *max_protection, vm_inherit_t *inheritance, boolean_t *is_shared,
			  mach_port_t *object_name, vm_offset_t *offset)
{
	kern_return_t kr = vm_region(target_task, address, size, protection, max_protection, inheritance, is_shared,
				     offset);
	struct vm_map_entry *e;

	if (kr != KERN_SUCCESS)
		return kr;
	*object_name = MACH_PORT_NULL;
	vm_map_lock(target_task);
	if (vm_map_lookup_entry(target_task, *address, &e) && e->object != NULL && !e->object->internal &&
	    e->object->pager_name != NULL)
		*object_name = (mach_port_t)(uintptr_t)ipc_port_make_send(e->object->pager_name);
	vm_map_unlock(target_task);
	return KERN_SUCCESS;
}

kern_return_t S_vm_statistics(vm_map_t target_task, vm_statistics_data_t *vm_stats)
{
	return vm_statistics(target_task, vm_stats);
}

/*
 * Machine attributes of a range.  The PC's caches are coherent: setting
 * cachability or flushing is a no-op that succeeds on mapped memory, and
 * MATTR_VAL_GET says "cached".  Migration and replication mean nothing on
 * one processor.
 */
#define MATTR_MIGRATE 2
#define MATTR_REPLICATE 4
#define MATTR_VAL_DCACHE_FLUSH 7
#define MATTR_VAL_ICACHE_FLUSH 8

static int mattr_cache_value_ok(vm_machine_attribute_val_t v)
{
	return v == MATTR_VAL_OFF || v == MATTR_VAL_ON || v == MATTR_VAL_GET || v == MATTR_VAL_CACHE_FLUSH ||
	       v == MATTR_VAL_DCACHE_FLUSH || v == MATTR_VAL_ICACHE_FLUSH;
}

kern_return_t S_vm_machine_attribute(vm_map_t target_task, vm_address_t address, vm_size_t size,
				     vm_machine_attribute_t attribute, vm_machine_attribute_val_t *value)
{
	struct vm_map_entry *e;

	if (target_task == NULL || address + size < address)
		return KERN_INVALID_ARGUMENT;
	if (attribute == MATTR_MIGRATE || attribute == MATTR_REPLICATE)
		return KERN_FAILURE;
	if (attribute != MATTR_CACHE || !mattr_cache_value_ok(*value))
		return KERN_INVALID_ARGUMENT;
	vm_map_lock(target_task);
	int mapped = vm_map_lookup_entry(target_task, address, &e);
	vm_map_unlock(target_task);
	if (!mapped)
		return KERN_INVALID_ADDRESS;
	if (*value == MATTR_VAL_GET)
		*value = MATTR_VAL_ON;
	return KERN_SUCCESS;
}

/*
 * vm_map with copy: *object (the pager's object, a reference) becomes
 * the object a copy of [*offset, *offset + size) of it maps, made as its
 * pager's copy strategy says.  The strategy comes with
 * memory_object_ready: the pager hears memory_object_init now and the
 * call waits for its answer (KERN_MEMORY_ERROR if the pager dies or
 * does not answer in time, KERN_ABORTED if the thread is interrupted).
 */
static kern_return_t vm_map_copy_of_object(struct vm_object **object, vm_offset_t *offset, vm_size_t size,
					   int *needs_copy)
{
	struct vm_object *src = *object, *dst;
	vm_offset_t dst_offset;
	int src_needs_copy;

	vm_object_pager_init(src);
	kern_return_t kr = vm_object_pager_wait_ready(src);
	if (kr == KERN_SUCCESS)
		kr = vm_object_copy_strategically(src, *offset, size, 1, &dst, &dst_offset, needs_copy,
						  &src_needs_copy);
	vm_object_deallocate(src); /* symmetric: dst holds its own reference */
	if (kr != KERN_SUCCESS)
		return kr;
	*object = dst;
	*offset = dst_offset;
	return KERN_SUCCESS;
}

/*
 * Map anonymous memory (memory_object null), or a memory object: the
 * object of that pager port (vm_object_enter: made and announced to the
 * pager with memory_object_init the first time, shared by every mapping
 * after that), from offset (page aligned), with the caller's choice of
 * alignment, place, protections and inheritance.  copy: the mapping gets
 * a copy of the object's memory as it is now (vm_map_copy_of_object).
 * A proxy (memory_object_create_proxy) maps its real object, limited as
 * memory_object_proxy_limit says.
 */
kern_return_t S_vm_map(vm_map_t target_task, vm_address_t *address, vm_size_t size, vm_address_t mask,
		       boolean_t anywhere, ipc_port_t memory_object, vm_offset_t offset, boolean_t copy,
		       vm_prot_t cur_protection, vm_prot_t max_protection, vm_inherit_t inheritance)
{
	struct vm_object *object = NULL;

	if (target_task == NULL || (cur_protection & ~VM_PROT_ALL) || (max_protection & ~VM_PROT_ALL))
		return KERN_INVALID_ARGUMENT;
	if (inheritance != VM_INHERIT_SHARE && inheritance != VM_INHERIT_COPY && inheritance != VM_INHERIT_NONE)
		return KERN_INVALID_ARGUMENT;
	if (size == 0)
		return KERN_INVALID_ARGUMENT;
	vm_size_t rounded = round_page(size);
	if (rounded < size)
		return anywhere ? KERN_NO_SPACE : KERN_INVALID_ADDRESS;
	/* A proxy: the real object, within the proxy's window and protection. */
	struct ipc_port *pager = memory_object;
	struct memory_object_proxy *proxy = IP_VALID(memory_object) ? memory_object_proxy_lookup(memory_object) : NULL;
	if (proxy != NULL && (offset & PAGE_MASK) == 0) {
		kern_return_t kr = memory_object_proxy_limit(proxy, copy, &cur_protection, &max_protection, &offset,
							     rounded);
		if (kr != KERN_SUCCESS)
			return kr;
		pager = proxy->object;
	}
	if (IP_VALID(memory_object) && ((offset & PAGE_MASK) || offset + rounded < offset || !IP_VALID(pager) ||
					!pager->active || pager->receiver == ipc_space_kernel))
		return KERN_INVALID_ARGUMENT;
	vm_offset_t where = anywhere ? 0 : trunc_page(*address);
	if (IP_VALID(memory_object)) {
		/* The object's own right: the request's (the object's or the
		 * proxy's) is released only on success (on failure the request
		 * is destroyed with it). */
		struct ipc_port *right = ipc_port_copy_send(pager);
		kern_return_t kr = vm_object_enter(right, offset + rounded, &object);
		if (kr != KERN_SUCCESS) {
			ipc_port_release_send(right);
			return kr;
		}
	}
	int needs_copy = 0;
	if (copy && object != NULL) {
		kern_return_t kr = vm_map_copy_of_object(&object, &offset, rounded, &needs_copy);
		if (kr != KERN_SUCCESS)
			return kr; /* the request, and the send right in it, is destroyed */
	}
	/* An entry may not be more than its maximum allows. */
	kern_return_t kr = vm_map_enter(target_task, &where, rounded, mask | PAGE_MASK, anywhere, object, offset,
					needs_copy, cur_protection & max_protection, max_protection, inheritance);
	if (kr != KERN_SUCCESS) {
		vm_object_deallocate(object);
		return kr;
	}
	*address = where;
	if (object != NULL) {
		vm_object_pager_init(object);
		ipc_port_release_send(memory_object); /* ours on success */
	}
	return KERN_SUCCESS;
}

/* GNU Mach: the privileged host port wires freely; the host name port
 * may wire up to VM_WIRE_USER_MAX bytes of a task (unwiring is free).
 * host is the port the request came to (not a right of the routine's). */
#define VM_WIRE_USER_MAX 65536

kern_return_t S_vm_wire(mach_port_t host, vm_map_t task, vm_address_t address, vm_size_t size, vm_prot_t access)
{
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)host;

	if (!IP_VALID(port) || !port->active || (port->kotype != IKOT_HOST && port->kotype != IKOT_HOST_PRIV))
		return KERN_INVALID_HOST;
	if (task == NULL)
		return KERN_INVALID_TASK;
	if (access & ~VM_PROT_ALL)
		return KERN_INVALID_ARGUMENT;
	if (port->kotype != IKOT_HOST_PRIV && access != VM_PROT_NONE && task->wired_size + size > VM_WIRE_USER_MAX)
		return KERN_NO_ACCESS;
	return vm_wire(task, address, size, access);
}
