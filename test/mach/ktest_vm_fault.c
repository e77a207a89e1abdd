/* Page faults through a real pmap: zero fill, protection failures,
 * copy-on-write after vm_map_fork (each side sees only its own writes),
 * shared inheritance (both see every write), none (absent in the child),
 * and shadow chains that collapse when one side goes away (also when the
 * default pager holds the pages of the object going away). */
#include <kern/ipc_kobject.h>
#include <kern/ktest.h>
#include <ipc/port.h>
#include <mach_server.h>
#include "ktest_vm_util.h"

#define P PAGE_SIZE
#define BASE 0x20000000u

KTEST(vm_fault_zero_fill)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count, objects0 = vm_object_count;
	struct vm_map *m = vmt_map();
	vm_offset_t a = BASE;
	uint32_t v = 1;

	vm_allocate(m, &a, 4 * P, FALSE);
	integer_t zf = vm_stat.zero_fill_count;
	ktest_ok(vmt_write_faults(m, a), "a fresh allocation is not mapped until touched");
	ktest_ok(vmt_read(m, a + 8, &v) == 0 && v == 0, "a read fault gives a zero page");
	ktest_ok(vm_stat.zero_fill_count == zf + 1, "one zero fill counted");
	ktest_ok(vmt_write(m, a + P + 4, 0xdeadbeef) == 0, "a write fault on another page");
	ktest_ok(vmt_read(m, a + P + 4, &v) == 0 && v == 0xdeadbeef, "the write is there");
	ktest_ok(vmt_read(m, a + P, &v) == 0 && v == 0, "the rest of that page is zero");
	ktest_ok(vm_fault(m, a + 8 * P, VM_PROT_READ) == KERN_INVALID_ADDRESS, "a fault outside any mapping: KERN_INVALID_ADDRESS");
	ktest_ok(vm_fault(m, KERNBASE - 4, VM_PROT_READ) == KERN_INVALID_ADDRESS, "just below KERNBASE: KERN_INVALID_ADDRESS");
	vm_protect(m, a + 2 * P, P, FALSE, VM_PROT_NONE);
	ktest_ok(vm_fault(m, a + 2 * P, VM_PROT_READ) == KERN_PROTECTION_FAILURE, "read of a no-access page: KERN_PROTECTION_FAILURE");
	vm_protect(m, a + 3 * P, P, FALSE, VM_PROT_READ);
	ktest_ok(vm_fault(m, a + 3 * P, VM_PROT_READ | VM_PROT_WRITE) == KERN_PROTECTION_FAILURE,
		 "write to a read-only page: KERN_PROTECTION_FAILURE");
	ktest_ok(vmt_read(m, a + 3 * P, &v) == 0 && v == 0, "reading it is fine");
	ktest_ok(m->pmap->resident == 3, "three pages mapped (%lu)", m->pmap->resident);
	ktest_ok(vm_deallocate(m, a, 4 * P) == KERN_SUCCESS && m->pmap->resident == 0, "deallocation unmaps them");
	ktest_ok(vm_page_free_count + 2 >= free0, "pages went back (the page directory and a page table stay)");
	vm_map_deallocate(m);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
	ktest_ok(vm_object_count == objects0, "no object leaked");
}

KTEST(vm_fault_fork_copy_on_write)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count, objects0 = vm_object_count;
	struct vm_map *parent = vmt_map();
	vm_offset_t a = BASE, sh = BASE + 0x100000, none = BASE + 0x200000, fresh = BASE + 0x300000;
	uint32_t v;

	vm_allocate(parent, &a, 4 * P, FALSE);
	vm_allocate(parent, &sh, 2 * P, FALSE);
	vm_allocate(parent, &none, P, FALSE);
	vm_allocate(parent, &fresh, P, FALSE);
	vm_inherit(parent, sh, 2 * P, VM_INHERIT_SHARE);
	vm_inherit(parent, none, P, VM_INHERIT_NONE);
	vmt_fill(parent, a, 4 * P, 0x100);
	vmt_fill(parent, sh, 2 * P, 0x200);
	vmt_write(parent, none, 7);

	struct vm_map *child = vm_map_fork(parent);
	if (!ktest_ok(child != NULL, "fork made a child map"))
		return;
	ktest_ok(vm_map_check(child) == 0 && vm_map_entry_count(child) == 3,
		 "the child has the copy, share and untouched regions, not the none one (%u)", vm_map_entry_count(child));
	ktest_ok(vmt_write_faults(parent, a), "the parent's copied pages became read-only in its pmap");
	ktest_ok(vmt_check(child, a, 4 * P, 0x100) == 0, "the child reads the parent's data");
	integer_t cow = vm_stat.cow_faults;
	ktest_ok(vmt_write(child, a + 4, 0xc0ffee) == 0, "the child writes a copied page");
	ktest_ok(vm_stat.cow_faults == cow + 1, "one copy-on-write fault counted");
	ktest_ok(vmt_read(parent, a + 4, &v) == 0 && v == 0x100 + 4, "the parent does not see the child's write");
	ktest_ok(vmt_write(parent, a + P, 0xbeef) == 0, "the parent writes another copied page");
	ktest_ok(vmt_read(child, a + P, &v) == 0 && v == 0x100 + P, "the child does not see the parent's write");
	ktest_ok(vmt_write(parent, a + 8, 0xfeed) == 0 && vmt_read(child, a + 8, &v) == 0 && v == 0x100 + 8,
		 "the parent writing the page the child copied: still separate");
	ktest_ok(vmt_read(child, a + 4, &v) == 0 && v == 0xc0ffee, "the child's own write is still there");

	ktest_ok(vmt_write(child, sh + 12, 0x5a5a) == 0 && vmt_read(parent, sh + 12, &v) == 0 && v == 0x5a5a,
		 "shared: the parent sees the child's write");
	ktest_ok(vmt_write(parent, sh + P, 0xa5a5) == 0 && vmt_read(child, sh + P, &v) == 0 && v == 0xa5a5,
		 "shared: the child sees the parent's write");
	ktest_ok(vmt_read(child, none, &v) == KERN_INVALID_ADDRESS, "inheritance none: absent in the child");
	ktest_ok(vmt_write(child, fresh, 3) == 0 && vmt_read(parent, fresh, &v) == 0 && v == 0,
		 "an untouched copied region zero-fills separately");

	/* A grandchild, then the child goes away: the parent's chain must
	 * still read right, and everything is freed at the end. */
	struct vm_map *grandchild = vm_map_fork(child);
	ktest_ok(grandchild && vmt_check(grandchild, a + 2 * P, 2 * P, 0x100 + 2 * P) == 0 &&
			 vmt_read(grandchild, a + 4, &v) == 0 && v == 0xc0ffee,
		 "a grandchild sees the child's memory");
	vm_map_deallocate(child);
	ktest_ok(vmt_read(grandchild, sh + 12, &v) == 0 && v == 0x5a5a, "the grandchild still shares with the parent");
	ktest_ok(vmt_write(grandchild, a + 3 * P, 1) == 0 && vmt_read(parent, a + 3 * P, &v) == 0 &&
			 v == 0x100 + 3 * P,
		 "the grandchild's writes stay its own");
	vm_map_deallocate(grandchild);
	ktest_ok(vmt_fill(parent, a, 4 * P, 0x900) == 0 && vmt_check(parent, a, 4 * P, 0x900) == 0,
		 "after the children are gone the parent writes all its pages");
	struct vm_map_entry *e;
	vm_map_lookup_entry(parent, a, &e);
	ktest_ok(e->object != NULL && e->object->shadow == NULL, "its shadow chain collapsed to one object");
	vm_map_deallocate(parent);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
	ktest_ok(vm_object_count == objects0, "no object leaked (%lu -> %lu)", objects0, vm_object_count);
}

/* Give the default pager the object the parent and its child shared,
 * now the parent's backing object at a (as the pageout daemon would, for
 * the pages nobody wrote since); 0 if it could not be given. */
static int give_backing_to_pager(struct vm_map *parent, vm_offset_t a)
{
	struct vm_map_entry *e;
	vm_map_lookup_entry(parent, a, &e);
	struct vm_object *b = e->object->shadow;
	if (b == NULL || b->pager != NULL)
		return 1;
	return !queue_empty(&b->memq) && vm_object_pageable(queue_first_entry(&b->memq, struct vm_page, listq)) &&
	       b->pager != NULL;
}

/* n forks of parent's two pages at a, each child writing the first page
 * and the parent the second, each child gone at once (paged: then the
 * shared object goes to the default pager); the parent's chain depth. */
static unsigned fork_cycles(struct vm_map *parent, vm_offset_t a, unsigned n, int paged)
{
	int ok = 1, given = 1;

	vm_allocate(parent, &a, 2 * P, FALSE);
	vmt_fill(parent, a, 2 * P, 0);
	for (unsigned i = 0; i < n; i++) {
		struct vm_map *child = vm_map_fork(parent);
		ok &= child != NULL && vmt_write(child, a, i) == 0 && vmt_write(parent, a + P, i) == 0;
		uint32_t v;
		ok &= vmt_read(child, a + P, &v) == 0 && v == (i ? i - 1 : P);
		vm_map_deallocate(child);
		if (paged)
			given &= give_backing_to_pager(parent, a);
	}
	ktest_ok(ok, "%u forks, each side writing its own copy", n);
	if (paged)
		ktest_ok(given, "each time the shared object went to the default pager");
	uint32_t v0, v1;
	ktest_ok(vmt_read(parent, a, &v0) == 0 && v0 == 0 && vmt_read(parent, a + P, &v1) == 0 && v1 == n - 1,
		 "the parent's data is intact");
	unsigned depth = 0;
	struct vm_map_entry *e;
	vm_map_lookup_entry(parent, a, &e);
	for (struct vm_object *o = e->object; o; o = o->shadow)
		depth++;
	return depth;
}

/* Fork many times from the same parent with the child exiting each time:
 * the chain stays short and nothing accumulates. */
KTEST(vm_fault_fork_repeated)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count, objects0 = vm_object_count;
	struct vm_map *parent = vmt_map();

	unsigned depth = fork_cycles(parent, BASE, 50, 0);
	ktest_ok(depth <= 2, "the parent's shadow chain stays short (%u)", depth);
	vm_map_deallocate(parent);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
	ktest_ok(vm_object_count == objects0, "no object leaked (%lu -> %lu)", objects0, vm_object_count);
}

/* The same when the pageout daemon gives the object parent and child
 * shared to the default pager once the child is gone (here a port nobody
 * reads: no page is really sent): a backing object with pages in the
 * default pager still merges into the object above it, which takes over
 * its pager, so the chain does not grow by one for each fork. */
KTEST_EXPLICIT(vm_fault_fork_repeated_paged)
{
	struct ipc_port *manager = ipc_port_alloc(); /* receive right in transit: messages just wait */
	mach_port_t name = (mach_port_t)(uintptr_t)ipc_port_make_send(manager);
	struct vm_map *parent = vmt_map();

	if (!ktest_ok(S_vm_set_default_memory_manager(&realhost, &name) == KERN_SUCCESS, "a default pager"))
		return;
	unsigned depth = fork_cycles(parent, BASE, 20, 1);
	ktest_ok(depth <= 2, "the parent's shadow chain stays short (%u)", depth);
	vm_map_deallocate(parent);
}

/* vm_allocate + touch + vm_deallocate many times: nothing accumulates
 * (the benchmark's loop). */
KTEST(vm_fault_alloc_touch_dealloc)
{
	struct vm_map *m = vmt_map();
	vm_offset_t a;
	int ok = 1;

	/* The first round allocates the page table; count from after it. */
	vm_allocate(m, &a, P, TRUE);
	vmt_write(m, a, 1);
	vm_deallocate(m, a, P);
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count, objects0 = vm_object_count;
	for (unsigned i = 0; i < 1000; i++) {
		uint32_t v = 1;
		ok &= vm_allocate(m, &a, P, TRUE) == KERN_SUCCESS;
		ok &= vmt_read(m, a, &v) == 0 && v == 0;
		ok &= vmt_write(m, a, i) == 0;
		ok &= vm_deallocate(m, a, P) == KERN_SUCCESS;
	}
	ktest_ok(ok, "1000 rounds, each page zero when first read");
	ktest_ok(vm_page_free_count == free0 && vm_object_count == objects0 && vm_map_entry_count(m) == 0,
		 "no page, object or entry accumulates");
	vm_map_deallocate(m);
}
