/* Helpers for the VM self tests: user maps, and touching user addresses
 * the way a user thread would (a fault goes to vm_fault, then the access
 * is retried), with the map's pmap loaded on the test thread. */
#ifndef TEST_MACH_KTEST_VM_UTIL_H
#define TEST_MACH_KTEST_VM_UTIL_H
#include <i386/pmap.h>
#include <kern/debug.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

static inline struct vm_map *vmt_map(void)
{
	struct pmap *p = pmap_create();
	return p ? vm_map_create(p, VM_MIN_USER_ADDRESS, VM_MAX_USER_ADDRESS) : NULL;
}

/* Read a word at va in map as a user thread would: 0 and *v, or the
 * kern_return_t of the fault that could not be resolved. */
static inline int vmt_read(struct vm_map *m, vm_offset_t va, uint32_t *v)
{
	int r = 0;

	pmap_activate(m->pmap);
	if (probe_read32((uint32_t *)va, v) != 0) {
		r = vm_fault(m, va, VM_PROT_READ);
		if (r == 0 && probe_read32((uint32_t *)va, v) != 0)
			r = -1;
	}
	pmap_activate(kernel_pmap);
	return r;
}

static inline int vmt_write(struct vm_map *m, vm_offset_t va, uint32_t v)
{
	int r = 0;

	pmap_activate(m->pmap);
	if (probe_write32((uint32_t *)va, v) != 0) {
		r = vm_fault(m, va, VM_PROT_READ | VM_PROT_WRITE);
		if (r == 0 && probe_write32((uint32_t *)va, v) != 0)
			r = -1;
	}
	pmap_activate(kernel_pmap);
	return r;
}

/* Whether a write would fault right now (the pmap does not allow it). */
static inline int vmt_write_faults(struct vm_map *m, vm_offset_t va)
{
	uint32_t v;
	int faults;

	pmap_activate(m->pmap);
	faults = probe_read32((uint32_t *)va, &v) != 0 || probe_write32((uint32_t *)va, v) != 0;
	pmap_activate(kernel_pmap);
	return faults;
}

/* Fill [va, va + len) with words seed + i; 0 if every write worked. */
static inline int vmt_fill(struct vm_map *m, vm_offset_t va, vm_size_t len, uint32_t seed)
{
	for (vm_size_t i = 0; i < len; i += 4)
		if (vmt_write(m, va + i, seed + i) != 0)
			return -1;
	return 0;
}

/* 0 if [va, va + len) holds seed + i words. */
static inline int vmt_check(struct vm_map *m, vm_offset_t va, vm_size_t len, uint32_t seed)
{
	uint32_t v;

	for (vm_size_t i = 0; i < len; i += 4)
		if (vmt_read(m, va + i, &v) != 0 || v != seed + i)
			return -1;
	return 0;
}

static inline int vmt_region_at(struct vm_map *m, vm_offset_t addr, vm_offset_t *start, vm_size_t *size,
				vm_prot_t *prot)
{
	vm_prot_t max;
	vm_inherit_t inh;
	boolean_t shared;
	vm_offset_t off;

	*start = addr;
	return vm_region(m, start, size, prot, &max, &inh, &shared, &off);
}

/* Zones grow a page at a time and keep their pages: exercise every VM
 * zone (and the kalloc sizes copies use) with n entries first, so that a
 * test's free page count afterwards shows real leaks only. */
static inline void vmt_warm(unsigned n)
{
	struct vm_map *m = vmt_map(), *c;
	vm_offset_t a = 0x40000000u;
	vm_map_copy_t copy;

	for (unsigned i = 0; i < n; i++) {
		vm_offset_t page = a + i * PAGE_SIZE;
		vm_allocate(m, &page, PAGE_SIZE, FALSE);
		if (i & 1)
			vm_protect(m, a + i * PAGE_SIZE, PAGE_SIZE, FALSE, VM_PROT_READ);
		else
			vmt_write(m, a + i * PAGE_SIZE, i);
	}
	c = vm_map_fork(m);
	for (unsigned i = 0; i < n; i++) {
		uint32_t v;
		vmt_read(c, a + i * PAGE_SIZE, &v);
	}
	for (unsigned size = 16; size <= VM_MAP_COPY_PHYSICAL_MAX * 2; size *= 2) {
		vm_offset_t out;
		if (vm_map_copyin(m, a, size, FALSE, &copy) == KERN_SUCCESS && vm_map_copyout(c, &out, copy) != KERN_SUCCESS)
			vm_map_copy_discard(copy);
	}
	vm_map_deallocate(c);
	vm_map_deallocate(m);
}
#endif
