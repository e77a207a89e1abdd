/*
 * The virtual memory calls of mach.defs, as the kernel's MIG server stubs
 * call them (the task port already translated to its map).  Arguments
 * are checked here, as GNU Mach checks them: addresses are truncated and
 * sizes rounded to pages, a size of 0 does nothing, a range that wraps
 * around the address space is KERN_INVALID_ARGUMENT.
 */
#ifndef VM_VM_USER_H
#define VM_VM_USER_H
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/machine/vm_types.h>
#include <mach/vm_inherit.h>
#include <mach/vm_prot.h>
#include <mach/vm_statistics.h>
#include <vm/vm_map.h>

kern_return_t vm_allocate(struct vm_map *map, vm_offset_t *addr, vm_size_t size, boolean_t anywhere);
kern_return_t vm_deallocate(struct vm_map *map, vm_offset_t start, vm_size_t size);
kern_return_t vm_protect(struct vm_map *map, vm_offset_t start, vm_size_t size, boolean_t set_maximum,
			 vm_prot_t new_protection);
kern_return_t vm_inherit(struct vm_map *map, vm_offset_t start, vm_size_t size, vm_inherit_t new_inheritance);
/* The region containing *addr, or the next one above it (KERN_NO_SPACE if
 * none); the object name port of mach.defs is the caller's (MACH_PORT_NULL). */
kern_return_t vm_region(struct vm_map *map, vm_offset_t *addr, vm_size_t *size, vm_prot_t *protection,
			vm_prot_t *max_protection, vm_inherit_t *inheritance, boolean_t *is_shared,
			vm_offset_t *offset);
/* The data comes back as a copy object (MIG sends it out of line). */
kern_return_t vm_read(struct vm_map *map, vm_offset_t addr, vm_size_t size, vm_map_copy_t *data);
/* Consumes data on success. */
kern_return_t vm_write(struct vm_map *map, vm_offset_t addr, vm_map_copy_t data);
kern_return_t vm_copy(struct vm_map *map, vm_offset_t src, vm_size_t size, vm_offset_t dst);
/* Privileged (the caller checks the host port): VM_PROT_NONE unwires. */
kern_return_t vm_wire(struct vm_map *map, vm_offset_t start, vm_size_t size, vm_prot_t access);
kern_return_t vm_statistics(struct vm_map *map, struct vm_statistics *stat);
#endif
