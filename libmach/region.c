/*
 * vm_region for callers that only want where a region is and what it
 * may do: the memory object name it also answers is dropped here.
 */
#include <mach.h>

kern_return_t mach_vm_region_prot(task_t task, vm_address_t *addr, vm_size_t *size, vm_prot_t *prot)
{
	vm_prot_t max;
	vm_inherit_t inherit;
	boolean_t shared;
	mach_port_t name;
	vm_offset_t offset;
	kern_return_t kr = vm_region(task, addr, size, prot, &max, &inherit, &shared, &name, &offset);

	if (kr == KERN_SUCCESS && MACH_PORT_VALID(name))
		mach_port_deallocate(mach_task_self(), name);
	return kr;
}
