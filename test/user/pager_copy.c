/*
 * Copies of a pager's memory keep what the memory held when they were
 * made, whatever happens to the original afterwards (a write through
 * another mapping, or the pager flushing a page and supplying different
 * data), each copy strategy its own way (see docs/vm.md):
 *   DELAY (the kit's default): vm_map with copy, vm_read (small and
 *     large), out-of-line data, vm_copy, a task created with a copy, two
 *     copies made at different times;
 *   NONE: the copy is made at vm_map time (every page asked for then);
 *   CALL: the pager hears memory_object_copy and serves the copy's
 *     object; what it does not supply comes from the original; a write to
 *     the original asks it to unlock first, so it saves the old data;
 *   TEMPORARY: a lone copy=TRUE mapping shares the object copy-on-write,
 *     so its writes never reach the pager; with another mapping, DELAY.
 * And a page given away (data_supply or out-of-line data with dealloc)
 * moves with its data, but not from under a child that shares it.
 */
#include <string.h>
#include <pager.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define PAGE 4096
#define NPAGES 4
#define WORDS (PAGE / 4)
#define SIZE (NPAGES * PAGE)

/* One pager's backing store and counters. */
struct store {
	unsigned data[NPAGES][WORDS] __attribute__((aligned(PAGE)));
	volatile int reads, writes, unlocks;
	struct pager *pager;
};

static unsigned pattern(unsigned gen, unsigned page, unsigned word)
{
	return gen << 24 | page << 16 | word;
}

static void store_fill(struct store *s, unsigned page, unsigned gen)
{
	for (unsigned w = 0; w < WORDS; w++)
		s->data[page][w] = pattern(gen, page, w);
}

static kern_return_t store_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	struct store *s = ctx;
	(void)lock;
	s->reads++;
	if (offset / PAGE >= NPAGES)
		return KERN_FAILURE;
	memcpy(buf, s->data[offset / PAGE], PAGE);
	return KERN_SUCCESS;
}

static kern_return_t store_write(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty)
{
	struct store *s = ctx;
	(void)dirty;
	s->writes++;
	if (offset / PAGE < NPAGES)
		memcpy(s->data[offset / PAGE], buf, PAGE);
	return KERN_SUCCESS;
}

static const struct pager_ops store_ops = {.read = store_read, .write = store_write};

static struct store s_delay, s_none, s_temp;

static mach_port_t start_pager(struct store *s, const struct pager_ops *ops, int flags)
{
	mach_port_t mo = MACH_PORT_NULL;
	for (unsigned p = 0; p < NPAGES; p++)
		store_fill(s, p, 0);
	s->pager = pager_create(ops, s, flags, &mo);
	if (s->pager == NULL || pager_start(s->pager, 2) != KERN_SUCCESS)
		tap_bail("a pager");
	return mo;
}

static vm_address_t map(mach_port_t mo, boolean_t copy)
{
	vm_address_t a = 0;
	kern_return_t kr = vm_map(T, &a, SIZE, 0, TRUE, mo, 0, copy, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
				  VM_INHERIT_NONE);
	if (kr != KERN_SUCCESS)
		diag("vm_map: %#x", kr);
	return kr == KERN_SUCCESS ? a : 0;
}

/* The pager changes a page's data as a pager may: flush it (nothing
 * returned), change its store, supply the new data unasked. */
static void pager_change(struct store *s, unsigned page, unsigned gen)
{
	pager_lock_request(s->pager, page * PAGE, PAGE, MEMORY_OBJECT_RETURN_NONE, TRUE, VM_PROT_NONE, TRUE);
	store_fill(s, page, gen);
	memory_object_data_supply(pager_control(s->pager), page * PAGE, (vm_offset_t)s->data[page], PAGE, FALSE,
				  VM_PROT_NONE, FALSE, MACH_PORT_NULL);
}

static int same(const volatile unsigned *a, const unsigned *b, unsigned words)
{
	for (unsigned i = 0; i < words; i++)
		if (a[i] != b[i]) {
			diag("word %u: %#x, expected %#x", i, a[i], b[i]);
			return 0;
		}
	return 1;
}

/* size bytes at addr out of line to port (a send right of ours). */
static mach_msg_return_t send_ool(mach_port_t port, vm_address_t addr, vm_size_t size, boolean_t dealloc)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_long_t type;
		vm_offset_t data;
	} msg = {0};
	msg.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	msg.head.msgh_size = sizeof msg;
	msg.head.msgh_remote_port = port;
	msg.type.msgtl_header.msgt_longform = TRUE;
	msg.type.msgtl_header.msgt_inline = FALSE;
	msg.type.msgtl_header.msgt_deallocate = dealloc;
	msg.type.msgtl_name = MACH_MSG_TYPE_BYTE;
	msg.type.msgtl_size = 8;
	msg.type.msgtl_number = size;
	msg.data = addr;
	return mach_msg(&msg.head, MACH_SEND_MSG, sizeof msg, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
}

static unsigned snap[NPAGES * WORDS];

/* Change every page of the original under a copy, each a different way:
 * written through the mapping (0, and 2 after reading it), changed by
 * the pager (1, 3). */
static void change_all(struct store *s, volatile unsigned *a, unsigned gen)
{
	a[0 * WORDS + 5] = 0xdead0000 + gen;
	pager_change(s, 1, gen);
	(void)a[2 * WORDS];
	a[2 * WORDS + 9] = 0xbeef0000 + gen;
	pager_change(s, 3, gen);
}

static void test_delay(void)
{
	mach_port_t mo = start_pager(&s_delay, &store_ops, 0);
	volatile unsigned *a = (volatile unsigned *)map(mo, FALSE);
	if (!ok(a != NULL, "DELAY: map the object"))
		return;
	/* (Reading the snapshot makes every page resident: a pager that
	 * changes a page the kernel does not hold is on its own, DELAY.) */
	memcpy(snap, (const void *)a, SIZE);
	volatile unsigned *b = (volatile unsigned *)map(mo, TRUE);
	ok(b != NULL, "vm_map with copy");
	(void)b[2 * WORDS]; /* the copy reads page 2 before it changes */
	change_all(&s_delay, a, 1);
	ok(a[5] == 0xdead0001 && a[WORDS] == pattern(1, 1, 0) && a[3 * WORDS + 1] == pattern(1, 3, 1),
	   "the original shows the writes and the pager's new data");
	ok(same(b, snap, NPAGES * WORDS), "the copy is unchanged (written, flushed and resupplied pages)");
	b[7] = 77;
	is(a[7], snap[7], "a write to the copy does not reach the original");

	/* vm_read, small (a kernel buffer) and large (copy-on-write). */
	memcpy(snap, (const void *)a, SIZE);
	vm_offset_t big, small;
	mach_msg_type_number_t nbig, nsmall;
	is_kr(vm_read(T, (vm_address_t)a, SIZE, &big, &nbig), KERN_SUCCESS, "vm_read all four pages");
	is_kr(vm_read(T, (vm_address_t)a + PAGE, PAGE, &small, &nsmall), KERN_SUCCESS, "vm_read one page");
	/* Out-of-line data to our own port, received after the changes. */
	mach_port_t port = new_port_with_send();
	is_kr(send_ool(port, (vm_address_t)a, SIZE, FALSE), MACH_MSG_SUCCESS, "send the pages out of line");
	/* vm_copy into anonymous memory. */
	vm_address_t e = 0;
	vm_allocate(T, &e, SIZE, TRUE);
	is_kr(vm_copy(T, (vm_address_t)a, SIZE, e), KERN_SUCCESS, "vm_copy them");
	/* A child task inheriting a copy. */
	task_t child;
	vm_inherit(T, (vm_address_t)a, SIZE, VM_INHERIT_COPY);
	is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "task_create inheriting a copy");
	vm_inherit(T, (vm_address_t)a, SIZE, VM_INHERIT_NONE);

	change_all(&s_delay, a, 2);
	ok(same((unsigned *)big, snap, NPAGES * WORDS), "vm_read (large): unchanged");
	ok(same((unsigned *)small, snap + WORDS, WORDS), "vm_read (small): unchanged");
	ok(same((unsigned *)e, snap, NPAGES * WORDS), "vm_copy: unchanged");
	struct rcv_buf rb;
	if (is_kr(receive(port, &rb, 5000), MACH_MSG_SUCCESS, "receive the out-of-line pages")) {
		vm_offset_t got = *(vm_offset_t *)(rb.body + sizeof(mach_msg_type_long_t));
		ok(same((unsigned *)got, snap, NPAGES * WORDS), "out-of-line data: unchanged");
		vm_deallocate(T, got, SIZE);
	}
	vm_offset_t cd;
	mach_msg_type_number_t cn;
	if (is_kr(vm_read(child, (vm_address_t)a, SIZE, &cd, &cn), KERN_SUCCESS, "vm_read the child's copy")) {
		ok(same((unsigned *)cd, snap, NPAGES * WORDS), "the child's copy: unchanged");
		vm_deallocate(T, cd, cn);
	}
	task_terminate(child);
	mach_port_deallocate(T, child);

	/* Two copies made at different times each keep their own time. */
	unsigned snap1[NPAGES * WORDS];
	memcpy(snap1, (const void *)a, SIZE);
	volatile unsigned *c1 = (volatile unsigned *)map(mo, TRUE);
	change_all(&s_delay, a, 3);
	memcpy(snap, (const void *)a, SIZE);
	volatile unsigned *c2 = (volatile unsigned *)map(mo, TRUE);
	change_all(&s_delay, a, 4);
	ok(c1 != NULL && same(c1, snap1, NPAGES * WORDS), "an older copy keeps the older data");
	ok(c2 != NULL && same(c2, snap, NPAGES * WORDS), "a newer copy keeps the newer data");

	vm_deallocate(T, big, nbig);
	vm_deallocate(T, small, nsmall);
	vm_deallocate(T, e, SIZE);
	vm_deallocate(T, (vm_address_t)c1, SIZE);
	vm_deallocate(T, (vm_address_t)c2, SIZE);
	vm_deallocate(T, (vm_address_t)b, SIZE);
	vm_deallocate(T, (vm_address_t)a, SIZE);
	mach_port_destroy(T, port);
}

static void test_none(void)
{
	mach_port_t mo = start_pager(&s_none, &store_ops, PAGER_COPY_NONE);
	volatile unsigned *a = (volatile unsigned *)map(mo, FALSE);
	if (!ok(a != NULL, "NONE: map the object"))
		return;
	memcpy(snap, s_none.data, SIZE); /* what it holds: the pager's data */
	(void)a[0];
	int r0 = s_none.reads;
	volatile unsigned *b = (volatile unsigned *)map(mo, TRUE);
	is(s_none.reads, r0 + NPAGES - 1, "vm_map with copy asks for every page not resident, at once");
	change_all(&s_none, a, 1);
	ok(b != NULL && same(b, snap, NPAGES * WORDS), "the copy is unchanged");
	mach_port_t na = region_object_name((vm_address_t)a), nb = region_object_name((vm_address_t)b);
	ok(MACH_PORT_VALID(na) && nb == MACH_PORT_NULL, "the copy is memory of its own (no memory object name)");
	if (MACH_PORT_VALID(na))
		mach_port_deallocate(T, na);
	vm_deallocate(T, (vm_address_t)b, SIZE);
	vm_deallocate(T, (vm_address_t)a, SIZE);
}

static void test_temporary(void)
{
	mach_port_t mo = start_pager(&s_temp, &store_ops, PAGER_COPY_TEMPORARY);
	volatile unsigned *b = (volatile unsigned *)map(mo, TRUE);
	if (!ok(b != NULL, "TEMPORARY: a lone copy=TRUE mapping"))
		return;
	is(b[WORDS + 3], pattern(0, 1, 3), "it reads the pager's data");
	b[WORDS + 3] = 5;
	boolean_t ready, cache;
	memory_object_copy_strategy_t strategy = -1;
	is_kr(memory_object_get_attributes(pager_control(s_temp.pager), &ready, &cache, &strategy), KERN_SUCCESS,
	      "memory_object_get_attributes");
	is(strategy, MEMORY_OBJECT_COPY_TEMPORARY, "the strategy is TEMPORARY");
	/* A flush returns dirty pages of the object itself: the write went
	 * to the copy's own page. */
	pager_lock_request(s_temp.pager, 0, SIZE, MEMORY_OBJECT_RETURN_ALL, TRUE, VM_PROT_NONE, TRUE);
	is(s_temp.writes, 0, "the copy's write never reaches the pager");
	is(b[WORDS + 3], 5, "and stays the copy's");
	/* With the object mapped elsewhere too, copies are delayed ones. */
	volatile unsigned *a = (volatile unsigned *)map(mo, FALSE);
	(void)a[0];
	memcpy(snap, (const void *)a, SIZE);
	volatile unsigned *c = (volatile unsigned *)map(mo, TRUE);
	change_all(&s_temp, a, 1);
	ok(c != NULL && same(c, snap, NPAGES * WORDS), "a copy beside another mapping is unchanged");
	vm_deallocate(T, (vm_address_t)c, SIZE);
	vm_deallocate(T, (vm_address_t)a, SIZE);
	vm_deallocate(T, (vm_address_t)b, SIZE);
}

/* ---- CALL: a pager that serves its copies itself ---- */

static struct store s_call;
static volatile int copies;
static volatile vm_offset_t copy_offset;
static volatile vm_size_t copy_length;
static struct pager *copy_pager;
static volatile int copy_reads, copy_supplied;
static unsigned saved[NPAGES][WORDS] __attribute__((aligned(PAGE)));

/* The copy's pager: nothing of its own but what was saved for it. */
static kern_return_t copy_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	(void)ctx, (void)buf, (void)lock;
	copy_reads++;
	(void)offset;
	return PAGER_UNAVAILABLE; /* saved pages were supplied unasked */
}

static const struct pager_ops copy_ops = {.read = copy_read};

static void call_copy(void *ctx, vm_offset_t offset, vm_size_t length, mach_port_t new_object)
{
	(void)ctx;
	copy_offset = offset;
	copy_length = length;
	copy_pager = pager_adopt(&copy_ops, NULL, 0, new_object, MACH_PORT_NULL);
	if (copy_pager != NULL)
		pager_start(copy_pager, 1);
	copies++;
}

/* Before page's data changes, the copy gets the old data. */
static void save_for_copy(unsigned page)
{
	if (copy_pager == NULL || pager_wait_init(copy_pager, 5000) != KERN_SUCCESS)
		return;
	memcpy(saved[page], s_call.data[page], PAGE);
	memory_object_data_supply(pager_control(copy_pager), page * PAGE, (vm_offset_t)saved[page], PAGE, FALSE,
				  VM_PROT_NONE, FALSE, MACH_PORT_NULL);
	copy_supplied++;
}

static kern_return_t call_unlock(void *ctx, vm_offset_t offset, vm_size_t length, vm_prot_t access)
{
	(void)ctx, (void)length, (void)access;
	s_call.unlocks++;
	save_for_copy(offset / PAGE);
	return KERN_SUCCESS;
}

static const struct pager_ops call_ops = {
	.read = store_read, .write = store_write, .unlock = call_unlock, .copy = call_copy};

static void test_call(void)
{
	mach_port_t mo = start_pager(&s_call, &call_ops, PAGER_COPY_CALL);
	volatile unsigned *a = (volatile unsigned *)map(mo, FALSE);
	if (!ok(a != NULL, "CALL: map the object"))
		return;
	for (unsigned p = 0; p < NPAGES; p++)
		(void)a[p * WORDS];
	memcpy(snap, (const void *)a, SIZE);
	volatile unsigned *b = (volatile unsigned *)map(mo, TRUE);
	for (int i = 0; i < 500 && copies == 0; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	if (!is(copies, 1, "vm_map with copy: the pager gets memory_object_copy"))
		return;
	ok(copy_offset == 0 && copy_length == SIZE, "for the mapped range");
	is(b[3], snap[3], "the copy reads page 0: the copy's pager is asked");
	cmp_ok(copy_reads, ">=", 1, "and says unavailable: the original's page shows");
	(void)b[2 * WORDS]; /* read through to the original's page 2 */

	a[WORDS + 1] = 0x1111; /* locked against writing: unlock first */
	cmp_ok(s_call.unlocks, ">=", 1, "a write to the original asks the pager to unlock");
	is(a[WORDS + 1], 0x1111, "and goes through");
	a[2 * WORDS + 1] = 0x2222;
	save_for_copy(3); /* the pager changes page 3: the copy gets it first */
	pager_change(&s_call, 3, 1);
	is(a[3 * WORDS], pattern(1, 3, 0), "the original shows the pager's new data");
	is(copy_supplied, 3, "the copy was given the three old pages");
	ok(b != NULL && same(b, snap, NPAGES * WORDS), "the copy is unchanged (even page 2, read before the write)");
	vm_deallocate(T, (vm_address_t)b, SIZE);
	vm_deallocate(T, (vm_address_t)a, SIZE);
}

/* A CALL pager that does not serve its copies (the kit destroys the new
 * object's port): the copy's pages fail, nothing waits. */
static struct store s_nocall;

static void test_call_unserved(void)
{
	mach_port_t mo = start_pager(&s_nocall, &store_ops, PAGER_COPY_CALL);
	volatile unsigned *a = (volatile unsigned *)map(mo, FALSE);
	if (!ok(a != NULL, "CALL without a copy callback: map the object"))
		return;
	(void)a[0];
	vm_address_t b = map(mo, TRUE);
	ok(b != 0, "vm_map with copy");
	is_kr(vm_wire(mach_host_self(), T, b, PAGE, VM_PROT_READ), KERN_MEMORY_ERROR,
	      "the copy's page cannot be had: KERN_MEMORY_ERROR");
	is(a[1], pattern(0, 0, 1), "the original is fine");
	vm_deallocate(T, b, SIZE);
	vm_deallocate(T, (vm_address_t)a, SIZE);
}

/* ---- pages given away (dealloc) move instead of being copied ---- */

static struct store s_move;

static int filled_with(const volatile unsigned *p, unsigned v)
{
	for (unsigned w = 0; w < WORDS; w++)
		if (p[w] != v + w)
			return 0;
	return 1;
}

static vm_address_t page_of(unsigned v)
{
	vm_address_t p = 0;
	if (vm_allocate(T, &p, PAGE, TRUE) == KERN_SUCCESS)
		for (unsigned w = 0; w < WORDS; w++)
			((unsigned *)p)[w] = v + w;
	return p;
}

static int unmapped(task_t task, vm_address_t addr)
{
	vm_offset_t d;
	mach_msg_type_number_t n;
	return vm_read(task, addr, PAGE, &d, &n) == KERN_INVALID_ADDRESS;
}

static void test_moved_pages(void)
{
	mach_port_t mo = start_pager(&s_move, &store_ops, 0);
	volatile unsigned *a = (volatile unsigned *)map(mo, FALSE);
	if (!ok(a != NULL, "map an object") || !is_kr(pager_wait_init(s_move.pager, 5000), KERN_SUCCESS, "init"))
		return;
	mach_port_t control = pager_control(s_move.pager);

	vm_address_t p = page_of(0x70000000);
	is_kr(memory_object_data_supply(control, 0, p, PAGE, TRUE, VM_PROT_NONE, FALSE, MACH_PORT_NULL),
	      KERN_SUCCESS, "data_supply of a page we give away (dealloc)");
	ok(filled_with(&a[0], 0x70000000), "the object has its data");
	ok(unmapped(T, p), "and it is gone from the pager's memory");

	/* A page a child still shares copy-on-write must not move away
	 * from the child. */
	task_t child;
	vm_address_t q = page_of(0x71000000);
	vm_inherit(T, q, PAGE, VM_INHERIT_COPY);
	if (is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "a child sharing a page copy-on-write")) {
		is_kr(memory_object_data_supply(control, PAGE, q, PAGE, TRUE, VM_PROT_NONE, FALSE, MACH_PORT_NULL),
		      KERN_SUCCESS, "data_supply of that page, dealloc");
		ok(filled_with(&a[WORDS], 0x71000000), "the object has its data");
		vm_offset_t d;
		mach_msg_type_number_t n;
		if (is_kr(vm_read(child, q, PAGE, &d, &n), KERN_SUCCESS, "vm_read the child's page")) {
			ok(filled_with((unsigned *)d, 0x71000000), "the child still has it");
			vm_deallocate(T, d, n);
		}
		ok(unmapped(T, q), "we do not");
		task_terminate(child);
		mach_port_deallocate(T, child);
	}

	/* Out of line with dealloc, to our own port. */
	mach_port_t port = new_port_with_send();
	vm_address_t r = page_of(0x72000000);
	is_kr(send_ool(port, r, PAGE, TRUE), MACH_MSG_SUCCESS, "send a page out of line, dealloc");
	ok(unmapped(T, r), "it left our memory");
	struct rcv_buf rb;
	if (is_kr(receive(port, &rb, 5000), MACH_MSG_SUCCESS, "receive it")) {
		vm_offset_t got = *(vm_offset_t *)(rb.body + sizeof(mach_msg_type_long_t));
		ok(filled_with((unsigned *)got, 0x72000000), "with its data");
		vm_deallocate(T, got, PAGE);
	}
	mach_port_destroy(T, port);
	vm_deallocate(T, (vm_address_t)a, SIZE);
}

int main(void)
{
	test_delay();
	test_none();
	test_temporary();
	test_call();
	test_call_unserved();
	test_moved_pages();
	return tap_done();
}
