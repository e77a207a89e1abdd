/* Address maps: allocation anywhere and fixed, overlaps, deallocation
 * splitting and merging entries, protect/inherit splits (seen through
 * vm_region), every bad argument with its error, wiring, and a map with
 * thousands of entries.  Each test ends with the free page count where it
 * started. */
#include <kern/ktest.h>
#include "ktest_vm_util.h"

#define P PAGE_SIZE
#define BASE 0x10000000u

KTEST(vm_map_allocate)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count;
	struct vm_map *m = vmt_map();
	vm_offset_t a = 0, b = 0, f;

	if (!ktest_ok(m != NULL, "a user map is created"))
		return;
	ktest_ok(vm_allocate(m, &a, 3 * P, TRUE) == KERN_SUCCESS && a != 0 && (a & PAGE_MASK) == 0,
		 "anywhere: a page-aligned, non-zero address (0x%x)", (unsigned)a);
	ktest_ok(vm_allocate(m, &b, 100, TRUE) == KERN_SUCCESS && (b >= a + 3 * P || b + P <= a),
		 "a second anywhere allocation does not overlap the first (0x%x)", (unsigned)b);
	f = BASE;
	ktest_ok(vm_allocate(m, &f, 2 * P, FALSE) == KERN_SUCCESS && f == BASE, "fixed at a free address");
	f = BASE;
	ktest_ok(vm_allocate(m, &f, P, FALSE) == KERN_NO_SPACE, "fixed on top of a mapping: KERN_NO_SPACE");
	f = BASE - P;
	ktest_ok(vm_allocate(m, &f, 2 * P, FALSE) == KERN_NO_SPACE, "fixed overlapping a mapping's start: KERN_NO_SPACE");
	f = BASE + P + 0x123;
	ktest_ok(vm_allocate(m, &f, P, FALSE) == KERN_NO_SPACE, "fixed overlapping a mapping's end: KERN_NO_SPACE");
	f = BASE + 4 * P + 0x123;
	ktest_ok(vm_allocate(m, &f, 10, FALSE) == KERN_SUCCESS && f == BASE + 4 * P,
		 "fixed at an unaligned address: truncated to its page");
	f = 0x1234;
	ktest_ok(vm_allocate(m, &f, 0, TRUE) == KERN_SUCCESS && f == 0, "size 0: success, address 0");
	f = KERNBASE;
	ktest_ok(vm_allocate(m, &f, P, FALSE) == KERN_INVALID_ADDRESS, "fixed at KERNBASE: KERN_INVALID_ADDRESS");
	f = KERNBASE - P;
	ktest_ok(vm_allocate(m, &f, 2 * P, FALSE) == KERN_INVALID_ADDRESS,
		 "fixed across KERNBASE: KERN_INVALID_ADDRESS");
	f = 0xfffff000u;
	ktest_ok(vm_allocate(m, &f, 2 * P, FALSE) == KERN_INVALID_ADDRESS,
		 "fixed range wrapping around: KERN_INVALID_ADDRESS");
	ktest_ok(vm_allocate(m, &f, 0xfffff001u, TRUE) == KERN_NO_SPACE, "a size that wraps when rounded: KERN_NO_SPACE");
	ktest_ok(vm_allocate(m, &f, KERNBASE, TRUE) == KERN_NO_SPACE, "anywhere, larger than user space: KERN_NO_SPACE");
	ktest_ok(vm_allocate(NULL, &f, P, TRUE) == KERN_INVALID_ARGUMENT, "no map: KERN_INVALID_ARGUMENT");
	f = 0;
	ktest_ok(vm_allocate(m, &f, P, FALSE) == KERN_SUCCESS && f == 0, "fixed at page 0 is allowed");
	ktest_ok(vm_allocate(m, &a, P, TRUE) == KERN_SUCCESS && a != 0, "anywhere never returns page 0");
	ktest_ok(vm_map_check(m) == 0, "map structure consistent (%d)", vm_map_check(m));
	vm_map_deallocate(m);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
}

KTEST(vm_map_deallocate_split_merge)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count;
	struct vm_map *m = vmt_map();
	vm_offset_t a = BASE, s;
	vm_size_t sz;
	vm_prot_t prot;

	vm_allocate(m, &a, 4 * P, FALSE);
	ktest_ok(vm_map_entry_count(m) == 1, "one allocation, one entry");
	ktest_ok(vmt_write(m, a, 1) == 0 && vmt_write(m, a + 3 * P, 4) == 0, "first and last pages touched");
	ktest_ok(vm_deallocate(m, a + P + 5, 10) == KERN_SUCCESS, "deallocate inside the second page");
	ktest_ok(vmt_region_at(m, a, &s, &sz, &prot) == 0 && s == a && sz == P, "vm_region: first part [a, a+1p)");
	ktest_ok(vmt_region_at(m, a + P, &s, &sz, &prot) == 0 && s == a + 2 * P && sz == 2 * P,
		 "vm_region in the hole: the next part [a+2p, a+4p)");
	uint32_t v = 0;
	ktest_ok(vmt_read(m, a + P, &v) == KERN_INVALID_ADDRESS, "the hole faults: KERN_INVALID_ADDRESS");
	ktest_ok(vmt_read(m, a + 3 * P, &v) == 0 && v == 4, "data after the hole kept");
	ktest_ok(vmt_read(m, a, &v) == 0 && v == 1, "data before the hole kept");

	/* Untouched neighbours merge back into one entry. */
	vm_offset_t c = BASE + 0x100000;
	vm_allocate(m, &c, 3 * P, FALSE);
	vm_deallocate(m, c + P, P);
	unsigned n = vm_map_entry_count(m);
	vm_offset_t mid = c + P;
	ktest_ok(vm_allocate(m, &mid, P, FALSE) == KERN_SUCCESS && vm_map_entry_count(m) == n - 1,
		 "filling the hole joins both neighbours into one entry");
	ktest_ok(vmt_region_at(m, c, &s, &sz, &prot) == 0 && s == c && sz == 3 * P, "vm_region shows one region");

	ktest_ok(vm_deallocate(m, BASE + 0x200000, P) == KERN_SUCCESS, "deallocating nothing succeeds");
	ktest_ok(vm_deallocate(m, KERNBASE, P) == KERN_SUCCESS, "deallocating past KERNBASE: nothing, success");
	ktest_ok(vm_deallocate(m, 0xfffff000u, 2 * P) == KERN_INVALID_ARGUMENT,
		 "a range that wraps around: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_deallocate(m, a, 0) == KERN_SUCCESS && vmt_read(m, a, &v) == 0, "size 0 changes nothing");
	ktest_ok(vm_deallocate(NULL, a, P) == KERN_INVALID_ARGUMENT, "no map: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_deallocate(m, 0, KERNBASE) == KERN_SUCCESS && vm_map_entry_count(m) == 0,
		 "deallocating all of user space empties the map");
	ktest_ok(vm_map_check(m) == 0, "map structure consistent");
	vm_map_deallocate(m);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
}

KTEST(vm_map_protect_inherit)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count;
	struct vm_map *m = vmt_map();
	vm_offset_t a = BASE, s;
	vm_size_t sz;
	vm_prot_t prot, max;
	vm_inherit_t inh;
	boolean_t shared;
	vm_offset_t off;

	vm_allocate(m, &a, 3 * P, FALSE);
	vmt_fill(m, a, 3 * P, 0x1000);
	ktest_ok(vm_protect(m, a + P, P, FALSE, VM_PROT_READ) == KERN_SUCCESS, "protect the middle page read-only");
	ktest_ok(vm_map_entry_count(m) == 3, "the region split in three entries");
	ktest_ok(vmt_region_at(m, a + P, &s, &sz, &prot) == 0 && s == a + P && sz == P && prot == VM_PROT_READ,
		 "vm_region shows the middle part read-only");
	ktest_ok(vmt_write_faults(m, a + P), "the pmap no longer allows writing the middle page");
	ktest_ok(!vmt_write_faults(m, a), "the first page is still writable without a fault");
	ktest_ok(vmt_write(m, a + P, 0) == KERN_PROTECTION_FAILURE, "a write fault there: KERN_PROTECTION_FAILURE");
	ktest_ok(vmt_check(m, a, 3 * P, 0x1000) == 0, "data intact");
	ktest_ok(vm_protect(m, a + P, P, FALSE, VM_PROT_DEFAULT) == KERN_SUCCESS && vm_map_entry_count(m) == 1,
		 "protecting it back merges the entries again");
	ktest_ok(vmt_write(m, a + P, 0x1000 + P) == 0, "and it is writable again");

	ktest_ok(vm_protect(m, a + 2 * P, P, TRUE, VM_PROT_READ) == KERN_SUCCESS, "set the last page's maximum to read");
	a = BASE;
	s = a + 2 * P;
	vm_region(m, &s, &sz, &prot, &max, &inh, &shared, &off);
	ktest_ok(max == VM_PROT_READ && prot == VM_PROT_READ, "maximum and current both read (%d/%d)", max, prot);
	unsigned n = vm_map_entry_count(m);
	ktest_ok(vm_protect(m, a, 3 * P, FALSE, VM_PROT_DEFAULT) == KERN_PROTECTION_FAILURE,
		 "raising past the maximum anywhere in the range: KERN_PROTECTION_FAILURE");
	s = a;
	vm_region(m, &s, &sz, &prot, &max, &inh, &shared, &off);
	ktest_ok(vm_map_entry_count(m) == n && sz == 2 * P && prot == VM_PROT_DEFAULT,
		 "... and nothing changed (no split, no protection change)");
	ktest_ok(vm_protect(m, a, P, TRUE, VM_PROT_ALL) == KERN_SUCCESS, "the maximum may be set to what it is");
	ktest_ok(vm_protect(m, a + 2 * P, P, TRUE, VM_PROT_ALL) == KERN_PROTECTION_FAILURE,
		 "the maximum cannot be raised: KERN_PROTECTION_FAILURE");
	ktest_ok(vm_protect(m, a, P, FALSE, 0x20) == KERN_INVALID_ARGUMENT, "unknown protection bits: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_protect(m, 0xfffff000u, 2 * P, FALSE, VM_PROT_READ) == KERN_INVALID_ARGUMENT,
		 "a wrapping range: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_protect(m, BASE + 0x100000, P, FALSE, VM_PROT_READ) == KERN_SUCCESS, "protecting a hole: success");
	ktest_ok(vm_protect(NULL, a, P, FALSE, VM_PROT_READ) == KERN_INVALID_ARGUMENT, "no map: KERN_INVALID_ARGUMENT");

	n = vm_map_entry_count(m);
	ktest_ok(vm_inherit(m, a + P / 2, P / 2, VM_INHERIT_SHARE) == KERN_SUCCESS &&
			 vm_map_entry_count(m) == n + 1,
		 "inherit on the first page splits the entry");
	s = a;
	vm_region(m, &s, &sz, &prot, &max, &inh, &shared, &off);
	ktest_ok(s == a && sz == P && inh == VM_INHERIT_SHARE, "vm_region shows the first page shared");
	s = a + P;
	vm_region(m, &s, &sz, &prot, &max, &inh, &shared, &off);
	ktest_ok(s == a + P && inh == VM_INHERIT_COPY, "and the next one still copy");
	ktest_ok(vm_inherit(m, a, P, 7) == KERN_INVALID_ARGUMENT, "bad inheritance: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_inherit(m, a, P, VM_INHERIT_COPY) == KERN_SUCCESS && vm_map_entry_count(m) == n,
		 "inherit back: merged");

	s = BASE + 0x100000;
	ktest_ok(vm_region(m, &s, &sz, &prot, &max, &inh, &shared, &off) == KERN_NO_SPACE,
		 "vm_region above the last region: KERN_NO_SPACE");
	ktest_ok(vm_map_check(m) == 0, "map structure consistent");
	vm_map_deallocate(m);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
}

KTEST(vm_map_wire)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count, wired0 = vm_page_wire_count;
	struct vm_map *m = vmt_map();
	vm_offset_t a = BASE;

	vm_allocate(m, &a, 4 * P, FALSE);
	ktest_ok(vm_wire(m, a + 8 * P, P, VM_PROT_READ) == KERN_INVALID_ADDRESS, "wiring unmapped memory: KERN_INVALID_ADDRESS");
	ktest_ok(vm_wire(m, a, 5 * P, VM_PROT_READ) == KERN_INVALID_ADDRESS,
		 "wiring a range running past the mapping: KERN_INVALID_ADDRESS");
	ktest_ok(vm_wire(m, a, P, VM_PROT_NONE) == KERN_INVALID_ARGUMENT, "unwiring what is not wired: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_wire(m, a, P, 0x40) == KERN_INVALID_ARGUMENT, "bad access bits: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_wire(NULL, a, P, VM_PROT_READ) == KERN_INVALID_TASK, "no map: KERN_INVALID_TASK");
	ktest_ok(vm_page_wire_count == wired0, "nothing was wired by the failures");
	ktest_ok(vm_wire(m, a + P, 2 * P, VM_PROT_READ | VM_PROT_WRITE) == KERN_SUCCESS, "wire two pages");
	ktest_ok(vm_page_wire_count == wired0 + 2, "two pages wired (%lu)", vm_page_wire_count - wired0);
	ktest_ok(!vmt_write_faults(m, a + P) && !vmt_write_faults(m, a + 2 * P), "wired pages are mapped writable");
	vm_protect(m, a, 4 * P, FALSE, VM_PROT_READ);
	ktest_ok(vm_wire(m, a, P, VM_PROT_WRITE) == KERN_PROTECTION_FAILURE,
		 "wiring for write where writing is not allowed: KERN_PROTECTION_FAILURE");
	vm_protect(m, a, 4 * P, FALSE, VM_PROT_DEFAULT);
	ktest_ok(vm_wire(m, a + P, 2 * P, VM_PROT_NONE) == KERN_SUCCESS && vm_page_wire_count == wired0,
		 "unwired");
	vm_wire(m, a, P, VM_PROT_READ);
	ktest_ok(vm_deallocate(m, a, 4 * P) == KERN_SUCCESS && vm_page_wire_count == wired0,
		 "deallocating wired memory unwires it");
	vm_map_deallocate(m);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
}

/* Thousands of entries: every other page read-only so nothing merges. */
#define MANY 3000
KTEST(vm_map_many_entries)
{
	vmt_warm(MANY);
	unsigned long free0 = vm_page_free_count;
	struct vm_map *m = vmt_map();
	vm_offset_t first = 0, a;
	int ok = 1;

	for (unsigned i = 0; i < MANY; i++) {
		if (vm_allocate(m, &a, P, TRUE) != KERN_SUCCESS) {
			ok = 0;
			break;
		}
		if (i == 0)
			first = a;
		ok &= a == first + i * P;
		if (i & 1)
			vm_protect(m, a, P, FALSE, VM_PROT_READ);
	}
	ktest_ok(ok, "%u anywhere allocations, packed in order", MANY);
	ktest_ok(vm_map_entry_count(m) == MANY, "%u entries (%u)", MANY, vm_map_entry_count(m));
	ktest_ok(vm_map_check(m) == 0, "tree and list agree (%d)", vm_map_check(m));
	/* Look up in a scattered order, so the hint does not help. */
	ok = 1;
	for (unsigned i = 0; i < MANY; i++) {
		unsigned k = (i * 1237) % MANY;
		vm_offset_t s;
		vm_size_t sz;
		vm_prot_t prot;
		ok &= vmt_region_at(m, first + k * P + 8, &s, &sz, &prot) == 0 && s == first + k * P && sz == P &&
		      prot == ((k & 1) ? VM_PROT_READ : VM_PROT_DEFAULT);
	}
	ktest_ok(ok, "every entry found by address");
	ok = 1;
	for (unsigned i = 0; i < MANY; i += 7)
		ok &= vmt_write(m, first + i * P, i) == ((i & 1) ? KERN_PROTECTION_FAILURE : 0);
	ktest_ok(ok, "faults resolve through the large map");
	for (unsigned i = 0; i < MANY; i += 2)
		vm_deallocate(m, first + i * P, P);
	ktest_ok(vm_map_entry_count(m) == MANY / 2 && vm_map_check(m) == 0, "every other entry removed");
	a = 0;
	ktest_ok(vm_allocate(m, &a, P, TRUE) == KERN_SUCCESS && a == first, "anywhere reuses the lowest hole");
	ktest_ok(vm_allocate(m, &a, 2 * P, TRUE) == KERN_SUCCESS && a == first + MANY * P,
		 "a larger request skips the one-page holes");
	ktest_ok(vm_map_check(m) == 0, "map structure consistent");
	vm_map_deallocate(m);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
}
