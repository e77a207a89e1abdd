/* The physical page allocator: patterns, alignment, exhaustion, no page
 * handed out twice, and coalescing back to the starting state. */
#include <kern/ktest.h>
#include <kern/string.h>
#include <vm/vm_page.h>

#define TRACK_PAGES (PHYS_DIRECT_MAX >> PAGE_SHIFT)
static uint32_t in_use[TRACK_PAGES / 32];

static int mark(phys_addr_t pa, unsigned npages)
{
	int dup = 0;
	for (unsigned i = 0; i < npages; i++) {
		unsigned long pfn = (pa >> PAGE_SHIFT) + i;
		dup |= (in_use[pfn / 32] >> (pfn % 32)) & 1;
		in_use[pfn / 32] |= 1u << (pfn % 32);
	}
	return dup;
}

KTEST(vm_page_orders)
{
	unsigned long before = vm_page_free_count;
	struct vm_page *blocks[VM_PAGE_MAX_ORDER + 1];
	int aligned = 1, dup = 0;

	memset(in_use, 0, sizeof(in_use));
	for (unsigned o = 0; o <= VM_PAGE_MAX_ORDER; o++) {
		blocks[o] = vm_page_alloc(o);
		if (!ktest_ok(blocks[o] != NULL, "order %u block allocated", o))
			return;
		phys_addr_t pa = vm_page_to_phys(blocks[o]);
		aligned &= (pa & ((PAGE_SIZE << o) - 1)) == 0;
		dup |= mark(pa, 1u << o);
	}
	ktest_ok(aligned, "every block is aligned to its size");
	ktest_ok(!dup, "blocks do not overlap");
	ktest_ok(vm_page_free_count == before - ((2ul << VM_PAGE_MAX_ORDER) - 1), "free count dropped by the pages taken");
	for (unsigned o = 0; o <= VM_PAGE_MAX_ORDER; o++)
		vm_page_free(blocks[o], o);
	ktest_ok(vm_page_free_count == before, "free count restored");
	ktest_ok(vm_page_alloc(VM_PAGE_MAX_ORDER + 1) == NULL, "an order above the maximum is refused");
}

/* Take every page, one at a time, chaining them through their own memory;
 * then give them all back in a different order. */
KTEST(vm_page_exhaustion)
{
	unsigned long before = vm_page_free_count, taken = 0;
	uint32_t *chain = NULL;
	struct vm_page *p;
	int dup = 0, in_range = 1;

	memset(in_use, 0, sizeof(in_use));
	while ((p = vm_page_alloc(0)) != NULL) {
		phys_addr_t pa = vm_page_to_phys(p);
		in_range &= pa >= 0x100000 && pa < PHYS_DIRECT_MAX;
		dup |= mark(pa, 1);
		uint32_t *page = phystokv(pa);
		page[0] = (uint32_t)chain;
		page[1] = 0x5a5a0000u | (taken & 0xffff);
		chain = page;
		taken++;
	}
	ktest_ok(taken == before, "allocated every free page (%lu of %lu)", taken, before);
	ktest_ok(vm_page_free_count == 0, "free count is zero when exhausted");
	ktest_ok(vm_page_alloc(0) == NULL && vm_page_alloc(3) == NULL, "allocation fails when exhausted");
	ktest_ok(!dup, "no page was handed out twice");
	ktest_ok(in_range, "no page below 1 MiB or outside the direct map");

	/* Free every other page first, then the rest: merges must still
	 * rebuild the large blocks. */
	int intact = 1;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t *prev = NULL, *page = chain;
		unsigned long i = 0;
		while (page) {
			uint32_t *next = (uint32_t *)page[0];
			intact &= (page[1] & 0xffff0000u) == 0x5a5a0000u;
			if (pass == 1 || (i++ & 1) == 0) {
				if (prev)
					prev[0] = (uint32_t)next;
				else
					chain = next;
				vm_page_free(vm_page_from_phys(kvtophys(page)), 0);
			} else {
				prev = page;
			}
			page = next;
		}
	}
	ktest_ok(intact, "page contents survived while allocated");
	ktest_ok(vm_page_free_count == before, "every page came back");
	p = vm_page_alloc(VM_PAGE_MAX_ORDER);
	ktest_ok(p != NULL, "a maximal block exists again after freeing (coalescing works)");
	if (p)
		vm_page_free(p, VM_PAGE_MAX_ORDER);
}

/* The kernel image and the modules are not in the free pool. */
KTEST(vm_page_reserved)
{
	extern char _kernel_start_phys[], _kernel_end[];
	int ok = 1;

	memset(in_use, 0, sizeof(in_use));
	struct vm_page *p, *first = NULL;
	while ((p = vm_page_alloc(0)) != NULL) {
		phys_addr_t pa = vm_page_to_phys(p);
		ok &= !(pa >= (phys_addr_t)(uintptr_t)_kernel_start_phys && pa < kvtophys(_kernel_end));
		*(struct vm_page **)phystokv(pa) = first;
		first = p;
	}
	ktest_ok(ok, "no free page lies inside the kernel image");
	while (first) {
		struct vm_page *next = *(struct vm_page **)phystokv(vm_page_to_phys(first));
		vm_page_free(first, 0);
		first = next;
	}
}
