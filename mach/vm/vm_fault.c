/*
 * The page fault handler (see vm_fault.h).  The path, for a fault at va:
 *   1. the entry containing va, and a check of its protection;
 *   2. a write through a copy-on-write entry first gives the entry a
 *      shadow object of its own (unless it holds the only reference);
 *   3. the page is looked for in the entry's object, then down the
 *      shadow chain; none anywhere: a zero-filled page in the top object;
 *   4. found below the top and written: copied up into the top object
 *      (copy-on-write); found below and read: mapped read-only, so that
 *      the first write comes back here;
 *   5. entered in the pmap.
 * Pages an external pager must supply will be requested in step 3 (the
 * object's pager field); today every object is anonymous.
 */
#include <i386/pmap.h>
#include <kern/debug.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>

struct vm_statistics vm_stat;

kern_return_t vm_fault(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type)
{
	kern_return_t kr;

	vm_map_lock(map);
	kr = vm_fault_locked(map, va, fault_type, 0, NULL);
	vm_map_unlock(map);
	return kr;
}

struct vm_page *vm_map_entry_page(struct vm_map_entry *entry, vm_offset_t va)
{
	vm_offset_t off = entry->offset + (trunc_page(va) - entry->start);

	for (struct vm_object *o = entry->object; o != NULL; o = o->shadow) {
		struct vm_page *p = vm_page_lookup(o, off);
		if (p != NULL)
			return p;
		off += o->shadow_offset;
	}
	return NULL;
}

kern_return_t vm_fault_locked(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type, int wire,
			      struct vm_page **result)
{
	struct vm_map_entry *e;
	kern_return_t kr;

	vm_stat.faults++;
	va = trunc_page(va);
	if (!vm_map_lookup_entry(map, va, &e))
		return KERN_INVALID_ADDRESS;
	if ((fault_type & e->protection) != fault_type)
		return KERN_PROTECTION_FAILURE;

	vm_prot_t prot = e->protection;
	if (e->needs_copy) {
		if (!(fault_type & VM_PROT_WRITE)) {
			prot &= ~VM_PROT_WRITE;
		} else if (e->object->ref_count == 1 && e->object->pager == NULL) {
			e->needs_copy = 0; /* nobody else can see the object */
		} else {
			kr = vm_object_shadow(&e->object, &e->offset, e->end - e->start);
			if (kr != KERN_SUCCESS)
				return kr;
			e->needs_copy = 0;
		}
	}
	if (e->object == NULL) {
		e->object = vm_object_allocate(e->end - e->start);
		if (e->object == NULL)
			return KERN_RESOURCE_SHORTAGE;
		e->offset = 0;
	}

	struct vm_object *first = e->object, *o = first;
	vm_offset_t first_off = e->offset + (va - e->start), off = first_off;
	struct vm_page *page;
	for (;;) {
		page = vm_page_lookup(o, off);
		if (page != NULL) {
			if (page->flags & VM_PAGE_BUSY) {
				vm_page_wait_busy(page);
				continue; /* it may have gone: look again */
			}
			break;
		}
		/* Here an object with a pager would get a busy, absent page
		 * and a memory_object_data_request, and we would wait. */
		if (o->shadow == NULL)
			break;
		off += o->shadow_offset;
		o = o->shadow;
	}

	if (page == NULL) {
		page = vm_page_alloc_in(first, first_off);
		if (page == NULL)
			return KERN_RESOURCE_SHORTAGE;
		vm_page_zero(page);
		vm_stat.zero_fill_count++;
	} else if (o != first) {
		if (fault_type & VM_PROT_WRITE) {
			struct vm_page *copy = vm_page_alloc_in(first, first_off);
			if (copy == NULL)
				return KERN_RESOURCE_SHORTAGE;
			vm_page_copy(page, copy);
			vm_stat.cow_faults++;
			if (e->wired_count != 0 && !wire) {
				/* The wiring moves to the page now visible. */
				vm_page_unwire(page);
				vm_page_wire(copy);
			}
			page = copy;
			/* The chain may now be shorter: the first write after the
			 * other side of a copy went away merges it in. */
			vm_object_collapse(first);
		} else {
			prot &= ~VM_PROT_WRITE;
		}
	} else if (page->queue == VM_PAGE_Q_INACTIVE) {
		vm_page_activate(page);
		vm_stat.reactivations++;
	}

	kr = pmap_enter(map->pmap, va, vm_page_to_phys(page), prot);
	if (kr != KERN_SUCCESS)
		return kr;
	if (wire)
		vm_page_wire(page);
	if (result != NULL)
		*result = page;
	return KERN_SUCCESS;
}
