/*
 * Proxy memory objects (memory_object_create_proxy, mach4.defs): bad
 * requests each get their error and leave the rights as they were; a
 * mapping through a proxy never has more access than the proxy allows,
 * now (vm_map) or later (vm_protect, vm_write, a child's copy of the
 * map); a copy (MAP_PRIVATE) of a read-only proxy is writable and its
 * writes never reach the pager; the window limits what can be mapped; a
 * proxy of a proxy keeps the inner one's limits; a proxy lives as long
 * as a send right to it, its mappings longer.  vm_region_create_proxy
 * makes one of a mapped region within the region's limits.
 */
#include <string.h>
#include <pager.h>
#include <mach/mach4.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define PAGE 4096
#define NPAGES 4
#define RX (VM_PROT_READ | VM_PROT_EXECUTE)
#define RW (VM_PROT_READ | VM_PROT_WRITE)
#define WHOLE ((vm_size_t)~0u)

static unsigned store[NPAGES][PAGE / 4];

static kern_return_t store_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	(void)ctx, (void)lock;
	if (offset / PAGE >= NPAGES)
		return KERN_FAILURE;
	memcpy(buf, store[offset / PAGE], PAGE);
	return KERN_SUCCESS;
}

static kern_return_t store_write(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty)
{
	(void)ctx;
	if (dirty && offset / PAGE < NPAGES)
		memcpy(store[offset / PAGE], buf, PAGE);
	return KERN_SUCCESS;
}

static const struct pager_ops ops = {.read = store_read, .write = store_write};

static unsigned pattern(unsigned page, unsigned word)
{
	return 0x9e000000 | page << 16 | word;
}

/* A proxy of object, whose send right the call moves (a user reference
 * of ours: given back first, so the caller's count stays). */
static kern_return_t proxy_of(mach_port_t object, vm_prot_t max, vm_offset_t start, vm_size_t len, mach_port_t *proxy)
{
	vm_offset_t offset = 0;

	*proxy = MACH_PORT_NULL;
	mach_port_right_t right = ptype(object) & MACH_PORT_TYPE_DEAD_NAME ? MACH_PORT_RIGHT_DEAD_NAME
									 : MACH_PORT_RIGHT_SEND;
	if (MACH_PORT_VALID(object) && mach_port_mod_refs(T, object, right, 1) != KERN_SUCCESS)
		return KERN_FAILURE;
	return memory_object_create_proxy(T, max, &object, 1, &offset, 1, &start, 1, &len, 1, proxy);
}

static kern_return_t map(mach_port_t object, vm_address_t *a, vm_size_t size, vm_offset_t offset, boolean_t copy,
			 vm_prot_t cur, vm_prot_t max)
{
	*a = 0;
	return vm_map(T, a, size, 0, TRUE, object, offset, copy, cur, max, VM_INHERIT_SHARE);
}

/* The protections vm_region reports at a. */
static void region_prot(vm_address_t a, vm_prot_t *cur, vm_prot_t *max)
{
	vm_size_t size;
	vm_inherit_t inherit;
	boolean_t shared;
	mach_port_t name = MACH_PORT_NULL;
	vm_offset_t offset;

	*cur = *max = (vm_prot_t)-1;
	vm_region(T, &a, &size, cur, max, &inherit, &shared, &name, &offset);
	if (MACH_PORT_VALID(name))
		mach_port_deallocate(T, name);
}

static void test_bad_requests(mach_port_t mo)
{
	mach_port_t px, inner;
	vm_offset_t zero = 0, two[2] = {0, 0};
	vm_size_t whole = WHOLE;
	mach_port_t host = mach_host_self(); /* its name is there before we count */
	long refs = urefs(mo, MACH_PORT_RIGHT_SEND), names = name_count();

	mach_port_mod_refs(T, mo, MACH_PORT_RIGHT_SEND, 1);
	is_kr(memory_object_create_proxy(host, RX, &mo, 1, &zero, 1, &zero, 1, &whole, 1, &px),
	      KERN_INVALID_TASK, "a host port for the task: KERN_INVALID_TASK");
	is_kr(proxy_of(MACH_PORT_NULL, RX, 0, WHOLE, &px), KERN_INVALID_NAME, "a null object: KERN_INVALID_NAME");
	mach_port_mod_refs(T, mo, MACH_PORT_RIGHT_SEND, 1);
	is_kr(memory_object_create_proxy(T, RX, &mo, 1, two, 2, &zero, 1, &whole, 1, &px), KERN_INVALID_ARGUMENT,
	      "one object, two offsets: KERN_INVALID_ARGUMENT");
	mach_port_mod_refs(T, mo, MACH_PORT_RIGHT_SEND, 1);
	is_kr(memory_object_create_proxy(T, RX, &mo, 1, &zero, 1, &zero, 1, &whole, 0, &px), KERN_INVALID_ARGUMENT,
	      "one object, no length: KERN_INVALID_ARGUMENT");
	mach_port_t objects[2] = {mo, mo};
	mach_port_mod_refs(T, mo, MACH_PORT_RIGHT_SEND, 2);
	vm_size_t wholes[2] = {WHOLE, WHOLE};
	is_kr(memory_object_create_proxy(T, RX, objects, 2, two, 2, two, 2, wholes, 2, &px), KERN_INVALID_ARGUMENT,
	      "two objects: KERN_INVALID_ARGUMENT (one per proxy, as GNU Mach)");
	is_kr(memory_object_create_proxy(T, RX, objects, 0, two, 0, two, 0, wholes, 0, &px), KERN_INVALID_ARGUMENT,
	      "no object: KERN_INVALID_ARGUMENT");
	is_kr(proxy_of(mo, VM_PROT_ALL + 1, 0, WHOLE, &px), KERN_INVALID_ARGUMENT,
	      "a protection beyond VM_PROT_ALL: KERN_INVALID_ARGUMENT");
	is_kr(proxy_of(mo, RX, 2 * PAGE, (vm_size_t)-PAGE, &px), KERN_INVALID_ARGUMENT,
	      "start + len wraps: KERN_INVALID_ARGUMENT");
	is_kr(proxy_of(mo, RX, 100, PAGE, &px), KERN_INVALID_ARGUMENT, "a start inside a page: KERN_INVALID_ARGUMENT");
	{
		vm_offset_t one = PAGE;
		mach_port_mod_refs(T, mo, MACH_PORT_RIGHT_SEND, 1);
		is_kr(memory_object_create_proxy(T, RX, &mo, 1, &one, 1, &zero, 1, &whole, 1, &px),
		      KERN_INVALID_ARGUMENT, "an offset in the proxy other than 0: KERN_INVALID_ARGUMENT");
	}
	mach_port_t dead = new_port_with_send();
	mach_port_mod_refs(T, dead, MACH_PORT_RIGHT_RECEIVE, -1);
	ok(ptype(dead) & MACH_PORT_TYPE_DEAD_NAME, "a port that died: a dead name");
	is_kr(proxy_of(dead, RX, 0, WHOLE, &px), KERN_INVALID_NAME, "a dead object port: KERN_INVALID_NAME");
	is_kr(mach_port_deallocate(T, dead), KERN_SUCCESS, "the dead name keeps its own reference");
	is_kr(proxy_of(T, RX, 0, WHOLE, &px), KERN_INVALID_ARGUMENT,
	      "a task port for the object (a kernel port): KERN_INVALID_ARGUMENT");
	if (is_kr(proxy_of(mo, RX, PAGE, 2 * PAGE, &inner), KERN_SUCCESS, "a read/execute proxy of pages 1-2")) {
		is_kr(proxy_of(inner, VM_PROT_ALL, 0, 2 * PAGE, &px), KERN_PROTECTION_FAILURE,
		      "a proxy of it asking for write: KERN_PROTECTION_FAILURE");
		is_kr(proxy_of(inner, VM_PROT_READ, PAGE, 2 * PAGE, &px), KERN_INVALID_ARGUMENT,
		      "a proxy of it reaching past its window: KERN_INVALID_ARGUMENT");
		is_kr(proxy_of(inner, VM_PROT_READ, 0, WHOLE, &px), KERN_INVALID_ARGUMENT,
		      "a proxy of it for everything: KERN_INVALID_ARGUMENT");
		is_kr(memory_object_create_proxy(inner, RX, &mo, 0, &zero, 0, &zero, 0, &whole, 0, &px),
		      KERN_INVALID_TASK, "a proxy port for the task: KERN_INVALID_TASK");
		mach_port_deallocate(T, inner);
	}
	is(urefs(mo, MACH_PORT_RIGHT_SEND), refs, "every failed request's rights were destroyed, ours kept");
	is(name_count(), names, "no name left behind");
}

/* A plain port stands for the object: proxies hold its send right while
 * they live, and let it go with their last send right. */
static void test_lifetime(void)
{
	mach_port_t port = new_port(), inner, outer;
	mach_port_status_t st;

	mach_port_insert_right(T, port, port, MACH_MSG_TYPE_MAKE_SEND);
	if (!is_kr(proxy_of(port, VM_PROT_ALL, 0, 4 * PAGE, &inner), KERN_SUCCESS, "a proxy of a plain port"))
		return;
	mach_port_deallocate(T, port); /* only the proxy's right is left */
	mach_port_get_receive_status(T, port, &st);
	ok(st.mps_srights, "the proxy holds a send right to the object");
	is_kr(proxy_of(inner, VM_PROT_READ, PAGE, PAGE, &outer), KERN_SUCCESS, "a narrower proxy of the proxy");
	mach_port_deallocate(T, inner);
	mach_port_get_receive_status(T, port, &st);
	ok(st.mps_srights, "the inner proxy gone, the outer one still holds a right to the object");
	is(ptype(outer) & MACH_PORT_TYPE_SEND ? 1 : 0, 1, "the outer proxy is a send right");
	mach_port_deallocate(T, outer);
	mach_port_get_receive_status(T, port, &st);
	ok(!st.mps_srights, "its last send right gone, the proxy let the object go");
	mach_port_destroy(T, port);
}

static int page_is(vm_address_t a, unsigned page)
{
	volatile unsigned *p = (volatile unsigned *)a;
	for (unsigned w = 0; w < PAGE / 4; w += 97)
		if (p[w] != pattern(page, w))
			return 0;
	return 1;
}

static void test_read_only(struct pager *pg, mach_port_t mo)
{
	mach_port_t ro, xo;
	vm_address_t a, b;
	vm_prot_t cur, max;

	if (!is_kr(proxy_of(mo, RX, 0, WHOLE, &ro), KERN_SUCCESS, "a read/execute proxy of the whole object"))
		return;
	ok(ro != mo && (ptype(ro) & MACH_PORT_TYPE_SEND), "a send right of a port of its own");
	is_kr(map(ro, &a, NPAGES * PAGE, 0, FALSE, RW, VM_PROT_ALL), KERN_PROTECTION_FAILURE,
	      "vm_map it shared, read/write: KERN_PROTECTION_FAILURE");
	is_kr(map(ro, &a, NPAGES * PAGE, 0, FALSE, VM_PROT_WRITE, VM_PROT_WRITE), KERN_PROTECTION_FAILURE,
	      "write only: KERN_PROTECTION_FAILURE");
	if (is_kr(map(ro, &a, NPAGES * PAGE, 0, FALSE, VM_PROT_READ, VM_PROT_ALL), KERN_SUCCESS,
		  "vm_map it shared, read only, maximum all")) {
		pager_wait_init(pg, 5000);
		ok(page_is(a, 0) && page_is(a + 3 * PAGE, 3), "it reads the object's pages");
		region_prot(a, &cur, &max);
		is(cur, VM_PROT_READ, "vm_region: read");
		is(max, RX, "the maximum cut down to the proxy's");
		is_kr(vm_protect(T, a, PAGE, FALSE, RW), KERN_PROTECTION_FAILURE,
		      "vm_protect to write: KERN_PROTECTION_FAILURE");
		is_kr(vm_protect(T, a, PAGE, TRUE, VM_PROT_ALL), KERN_PROTECTION_FAILURE,
		      "vm_protect raising the maximum: KERN_PROTECTION_FAILURE");
		is_kr(vm_protect(T, a, PAGE, FALSE, RX), KERN_SUCCESS, "vm_protect within it (read/execute)");
		static char junk[PAGE];
		is_kr(vm_write(T, a, (vm_offset_t)junk, PAGE), KERN_PROTECTION_FAILURE,
		      "vm_write into it: KERN_PROTECTION_FAILURE");
		task_t child;
		if (is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "a child sharing the mapping")) {
			is_kr(vm_protect(child, a, PAGE, FALSE, RW), KERN_PROTECTION_FAILURE,
			      "the child cannot make it writable either");
			task_terminate(child);
			mach_port_deallocate(T, child);
		}
		ok(page_is(a, 0), "the data unchanged");
	}

	/* MAP_PRIVATE: a copy, the caller's to write. */
	if (is_kr(map(ro, &b, NPAGES * PAGE, 0, TRUE, RW, VM_PROT_ALL), KERN_SUCCESS,
		  "vm_map a copy of it, read/write")) {
		volatile unsigned *p = (volatile unsigned *)b;
		p[5] = 0xdeadbeef;
		is(p[5], 0xdeadbeef, "the copy takes a write");
		ok(page_is(a, 0), "the shared mapping does not see it");
		pager_lock_request(pg, 0, NPAGES * PAGE, MEMORY_OBJECT_RETURN_ALL, TRUE, VM_PROT_NONE, TRUE);
		is(store[0][5], pattern(0, 5), "nor does the pager, after a flush");
		ok(page_is(a, 0), "the object's page read again is the pager's");
		is(p[5], 0xdeadbeef, "the copy keeps its write");
		vm_deallocate(T, b, NPAGES * PAGE);
	}
	vm_deallocate(T, a, NPAGES * PAGE);

	if (is_kr(proxy_of(mo, VM_PROT_EXECUTE, 0, WHOLE, &xo), KERN_SUCCESS, "an execute-only proxy")) {
		is_kr(map(xo, &b, PAGE, 0, TRUE, RW, VM_PROT_ALL), KERN_PROTECTION_FAILURE,
		      "a copy of it (it cannot be read): KERN_PROTECTION_FAILURE");
		is_kr(map(xo, &b, PAGE, 0, FALSE, VM_PROT_READ, VM_PROT_ALL), KERN_PROTECTION_FAILURE,
		      "a shared read mapping of it: KERN_PROTECTION_FAILURE");
		mach_port_deallocate(T, xo);
	}
	mach_port_deallocate(T, ro);
}

static void test_window(mach_port_t mo)
{
	mach_port_t w, ww;
	vm_address_t a;

	if (!is_kr(proxy_of(mo, VM_PROT_ALL, PAGE, 2 * PAGE, &w), KERN_SUCCESS, "a read/write proxy of pages 1-2"))
		return;
	if (is_kr(map(w, &a, 2 * PAGE, 0, FALSE, RW, VM_PROT_ALL), KERN_SUCCESS, "vm_map its window")) {
		ok(page_is(a, 1) && page_is(a + PAGE, 2), "offset 0 in the proxy is page 1 of the object");
		vm_deallocate(T, a, 2 * PAGE);
	}
	is_kr(map(w, &a, 2 * PAGE, PAGE, FALSE, VM_PROT_READ, VM_PROT_ALL), KERN_INVALID_ARGUMENT,
	      "past the window's end: KERN_INVALID_ARGUMENT");
	is_kr(map(w, &a, 3 * PAGE, 0, TRUE, VM_PROT_READ, VM_PROT_ALL), KERN_INVALID_ARGUMENT,
	      "a copy larger than the window: KERN_INVALID_ARGUMENT");
	is_kr(map(w, &a, PAGE, 100, FALSE, VM_PROT_READ, VM_PROT_ALL), KERN_INVALID_ARGUMENT,
	      "an offset inside a page: KERN_INVALID_ARGUMENT");
	if (is_kr(proxy_of(w, VM_PROT_READ, PAGE, PAGE, &ww), KERN_SUCCESS, "a read proxy of its second page")) {
		if (is_kr(map(ww, &a, PAGE, 0, FALSE, VM_PROT_READ, VM_PROT_ALL), KERN_SUCCESS, "vm_map it")) {
			ok(page_is(a, 2), "it is page 2 of the object (the windows add up)");
			vm_deallocate(T, a, PAGE);
		}
		is_kr(map(ww, &a, PAGE, 0, FALSE, RW, VM_PROT_ALL), KERN_PROTECTION_FAILURE,
		      "read/write through it: KERN_PROTECTION_FAILURE (its own limit)");
		mach_port_deallocate(T, ww);
	}
	mach_port_deallocate(T, w);
}

static void test_read_write(struct pager *pg, mach_port_t mo)
{
	mach_port_t rw;
	vm_address_t a;

	if (!is_kr(proxy_of(mo, VM_PROT_ALL, 0, WHOLE, &rw), KERN_SUCCESS, "a proxy with every access"))
		return;
	if (!is_kr(map(rw, &a, NPAGES * PAGE, 0, FALSE, RW, VM_PROT_ALL), KERN_SUCCESS, "vm_map it shared, read/write")) {
		mach_port_deallocate(T, rw);
		return;
	}
	mach_port_deallocate(T, rw);
	volatile unsigned *p = (volatile unsigned *)(a + 2 * PAGE);
	ok(page_is(a + 2 * PAGE, 2), "the proxy gone, the mapping still reads");
	p[9] = 0x600dcafe;
	pager_lock_request(pg, 0, NPAGES * PAGE, MEMORY_OBJECT_RETURN_DIRTY, FALSE, VM_PROT_NONE, TRUE);
	is(store[2][9], 0x600dcafe, "a write through it reaches the pager");
	vm_deallocate(T, a, NPAGES * PAGE);
}

/* The end of the last region of our map. */
static vm_address_t map_end(void)
{
	vm_address_t r = 0, end = 0;
	vm_size_t size;
	vm_prot_t cur, max;
	vm_inherit_t inherit;
	boolean_t shared;
	mach_port_t name;
	vm_offset_t offset;

	while (vm_region(T, &r, &size, &cur, &max, &inherit, &shared, &name, &offset) == KERN_SUCCESS) {
		if (MACH_PORT_VALID(name))
			mach_port_deallocate(T, name);
		end = r = r + size;
	}
	return end;
}

static void test_region_proxy(mach_port_t mo)
{
	mach_port_t px;
	vm_address_t a, b, anon = 0;

	if (!is_kr(map(mo, &a, NPAGES * PAGE, 0, FALSE, VM_PROT_READ, VM_PROT_READ), KERN_SUCCESS,
		   "vm_map the object itself, read only at most"))
		return;
	if (is_kr(vm_region_create_proxy(T, a + PAGE, VM_PROT_ALL, 2 * PAGE, &px), KERN_SUCCESS,
		  "vm_region_create_proxy of pages 1-2 of that region")) {
		is_kr(map(px, &b, 2 * PAGE, 0, FALSE, RW, VM_PROT_ALL), KERN_PROTECTION_FAILURE,
		      "read/write through it: KERN_PROTECTION_FAILURE (the region's maximum)");
		if (is_kr(map(px, &b, 2 * PAGE, 0, FALSE, VM_PROT_READ, VM_PROT_ALL), KERN_SUCCESS, "read through it")) {
			ok(page_is(b, 1) && page_is(b + PAGE, 2), "it starts at the address's page of the object");
			vm_deallocate(T, b, 2 * PAGE);
		}
		is_kr(map(px, &b, 3 * PAGE, 0, FALSE, VM_PROT_READ, VM_PROT_ALL), KERN_INVALID_ARGUMENT,
		      "more than its length: KERN_INVALID_ARGUMENT");
		mach_port_deallocate(T, px);
	}
	is_kr(vm_region_create_proxy(T, a + PAGE, VM_PROT_READ, NPAGES * PAGE, &px), KERN_INVALID_ARGUMENT,
	      "a length past the region's end: KERN_INVALID_ARGUMENT");
	is_kr(vm_region_create_proxy(T, a, VM_PROT_ALL + 1, PAGE, &px), KERN_INVALID_ARGUMENT,
	      "a protection beyond VM_PROT_ALL: KERN_INVALID_ARGUMENT");
	vm_deallocate(T, a, NPAGES * PAGE);
	vm_allocate(T, &anon, PAGE, TRUE);
	*(volatile int *)anon = 1;
	is_kr(vm_region_create_proxy(T, anon, VM_PROT_READ, PAGE, &px), KERN_INVALID_ARGUMENT,
	      "anonymous memory: KERN_INVALID_ARGUMENT (no pager's object)");
	vm_deallocate(T, anon, PAGE);
	is_kr(vm_region_create_proxy(T, map_end(), VM_PROT_READ, PAGE, &px), KERN_NO_SPACE,
	      "no region at or after the address: KERN_NO_SPACE");
	is_kr(vm_region_create_proxy(mach_host_self(), a, VM_PROT_READ, PAGE, &px), KERN_INVALID_ARGUMENT,
	      "a host port for the task: KERN_INVALID_ARGUMENT");
}

int main(void)
{
	mach_port_t mo;

	for (unsigned p = 0; p < NPAGES; p++)
		for (unsigned w = 0; w < PAGE / 4; w++)
			store[p][w] = pattern(p, w);
	struct pager *pg = pager_create(&ops, NULL, 0, &mo);
	if (!ok(pg != NULL && pager_start(pg, 2) == KERN_SUCCESS, "a pager"))
		return tap_done();
	test_bad_requests(mo);
	test_lifetime();
	test_read_only(pg, mo);
	test_window(mo);
	test_read_write(pg, mo);
	test_region_proxy(mo);
	return tap_done();
}
