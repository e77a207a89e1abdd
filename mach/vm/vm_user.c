/*
 * The virtual memory calls of mach.defs (see vm_user.h): argument checks,
 * then the map operations of vm_map.c.
 */
#include <kern/debug.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

/* [trunc_page(start), round_page(start + size)) into *s, *e; 0 if the
 * range wraps around. */
static int page_range(vm_offset_t start, vm_size_t size, vm_offset_t *s, vm_offset_t *e)
{
	vm_offset_t end = start + size;

	if (end < start || round_page(end) < end)
		return 0;
	*s = trunc_page(start);
	*e = round_page(end);
	return 1;
}

kern_return_t vm_allocate(struct vm_map *map, vm_offset_t *addr, vm_size_t size, boolean_t anywhere)
{
	if (map == NULL)
		return KERN_INVALID_ARGUMENT;
	if (size == 0) {
		*addr = 0;
		return KERN_SUCCESS;
	}
	vm_size_t rounded = round_page(size);
	if (rounded < size) /* wraps: no room for it anywhere */
		return anywhere ? KERN_NO_SPACE : KERN_INVALID_ADDRESS;
	vm_offset_t where = anywhere ? 0 : trunc_page(*addr);
	kern_return_t kr = vm_map_enter(map, &where, rounded, 0, anywhere, NULL, 0, FALSE, VM_PROT_DEFAULT,
					VM_PROT_ALL, VM_INHERIT_DEFAULT);
	if (kr == KERN_SUCCESS)
		*addr = where;
	return kr;
}

kern_return_t vm_deallocate(struct vm_map *map, vm_offset_t start, vm_size_t size)
{
	vm_offset_t s, e;

	if (map == NULL)
		return KERN_INVALID_ARGUMENT;
	if (size == 0)
		return KERN_SUCCESS;
	if (!page_range(start, size, &s, &e))
		return KERN_INVALID_ARGUMENT;
	return vm_map_remove(map, s, e);
}

kern_return_t vm_protect(struct vm_map *map, vm_offset_t start, vm_size_t size, boolean_t set_maximum,
			 vm_prot_t new_protection)
{
	vm_offset_t s, e;

	if (map == NULL || (new_protection & ~(VM_PROT_ALL | VM_PROT_NOTIFY)))
		return KERN_INVALID_ARGUMENT;
	if (size == 0)
		return KERN_SUCCESS;
	if (!page_range(start, size, &s, &e))
		return KERN_INVALID_ARGUMENT;
	return vm_map_protect(map, s, e, new_protection, set_maximum);
}

kern_return_t vm_inherit(struct vm_map *map, vm_offset_t start, vm_size_t size, vm_inherit_t new_inheritance)
{
	vm_offset_t s, e;

	if (map == NULL)
		return KERN_INVALID_ARGUMENT;
	if (new_inheritance != VM_INHERIT_SHARE && new_inheritance != VM_INHERIT_COPY &&
	    new_inheritance != VM_INHERIT_NONE)
		return KERN_INVALID_ARGUMENT;
	if (size == 0)
		return KERN_SUCCESS;
	if (!page_range(start, size, &s, &e))
		return KERN_INVALID_ARGUMENT;
	return vm_map_inherit(map, s, e, new_inheritance);
}

kern_return_t vm_region(struct vm_map *map, vm_offset_t *addr, vm_size_t *size, vm_prot_t *protection,
			vm_prot_t *max_protection, vm_inherit_t *inheritance, boolean_t *is_shared,
			vm_offset_t *offset)
{
	struct vm_map_entry *e;

	if (map == NULL)
		return KERN_INVALID_ARGUMENT;
	vm_map_lock(map);
	if (!vm_map_lookup_entry(map, *addr, &e))
		e = e->next;
	if (e == &map->header) {
		vm_map_unlock(map);
		return KERN_NO_SPACE;
	}
	*addr = e->start;
	*size = e->end - e->start;
	*protection = e->protection;
	*max_protection = e->max_protection;
	*inheritance = e->inheritance;
	*is_shared = e->is_shared;
	*offset = e->offset;
	vm_map_unlock(map);
	return KERN_SUCCESS;
}

kern_return_t vm_read(struct vm_map *map, vm_offset_t addr, vm_size_t size, vm_map_copy_t *data)
{
	if (map == NULL)
		return KERN_INVALID_ARGUMENT;
	return vm_map_copyin(map, addr, size, FALSE, data);
}

kern_return_t vm_write(struct vm_map *map, vm_offset_t addr, vm_map_copy_t data)
{
	if (map == NULL)
		return KERN_INVALID_ARGUMENT;
	return vm_map_copy_overwrite(map, addr, data);
}

kern_return_t vm_copy(struct vm_map *map, vm_offset_t src, vm_size_t size, vm_offset_t dst)
{
	vm_map_copy_t copy;
	kern_return_t kr;

	if (map == NULL)
		return KERN_INVALID_ARGUMENT;
	kr = vm_map_copyin(map, src, size, FALSE, &copy);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = vm_map_copy_overwrite(map, dst, copy);
	if (kr != KERN_SUCCESS)
		vm_map_copy_discard(copy);
	return kr;
}

kern_return_t vm_wire(struct vm_map *map, vm_offset_t start, vm_size_t size, vm_prot_t access)
{
	vm_offset_t s, e;

	if (map == NULL)
		return KERN_INVALID_TASK;
	if (access & ~VM_PROT_ALL)
		return KERN_INVALID_ARGUMENT;
	if (size == 0)
		return KERN_SUCCESS;
	if (!page_range(start, size, &s, &e))
		return KERN_INVALID_ARGUMENT;
	return vm_map_pageable(map, s, e, access);
}

kern_return_t vm_statistics(struct vm_map *map, struct vm_statistics *stat)
{
	if (map == NULL)
		return KERN_INVALID_ARGUMENT;
	*stat = vm_stat;
	stat->pagesize = PAGE_SIZE;
	stat->free_count = vm_page_free_count;
	stat->active_count = vm_page_active_count;
	stat->inactive_count = vm_page_inactive_count;
	stat->wire_count = vm_page_wire_count;
	return KERN_SUCCESS;
}
