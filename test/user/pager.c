/*
 * External pagers through the pager kit: a pager serving a pattern is
 * mapped twice in this task and once in a child task, and all three see
 * the same pages; lock_request cleans (dirty pages come back with
 * data_return) and flushes (the next touch asks the pager again); a page
 * locked against writing asks for data_unlock; data_unavailable zero
 * fills; data_error raises EXC_BAD_ACCESS with KERN_MEMORY_ERROR; the
 * last unmap terminates the object, unless the pager allows caching;
 * a precious page comes back when clean; a pager that gives its own
 * pages away (read_page) has them arrive whole and no longer has them,
 * sent with its next receive or at once.
 */
#include <string.h>
#include <cthreads.h>
#include <pager.h>
#include <mach/exc_server.h>
#include <mach/exception.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define PAGE 4096
#define NPAGES 8
#define ZERO_PAGE 5  /* read answers PAGER_ZERO_FILL */
#define ERROR_PAGE 6 /* read answers an error */

static unsigned store[NPAGES][PAGE / 4]; /* the pager's backing store */
static volatile int reads, writes, dirty_writes, unlocks, terminations;

static kern_return_t pattern_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	(void)ctx, (void)lock;
	unsigned page = offset / PAGE;
	reads++;
	if (page == ZERO_PAGE)
		return PAGER_ZERO_FILL;
	if (page >= ERROR_PAGE)
		return KERN_FAILURE;
	memcpy(buf, store[page], PAGE);
	return KERN_SUCCESS;
}

static kern_return_t pattern_write(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty)
{
	(void)ctx;
	writes++;
	dirty_writes += dirty != 0;
	if (offset / PAGE < NPAGES)
		memcpy(store[offset / PAGE], buf, PAGE);
	return KERN_SUCCESS;
}

static kern_return_t pattern_unlock(void *ctx, vm_offset_t offset, vm_size_t length, vm_prot_t access)
{
	(void)ctx, (void)offset, (void)length, (void)access;
	unlocks++;
	return KERN_SUCCESS;
}

static void pattern_terminated(void *ctx)
{
	(void)ctx;
	terminations++;
}

static const struct pager_ops ops = {
	.read = pattern_read,
	.write = pattern_write,
	.unlock = pattern_unlock,
	.terminated = pattern_terminated,
};

static unsigned pattern(unsigned page, unsigned word)
{
	return 0x5a000000 | page << 16 | word;
}

static int page_matches(volatile unsigned *p, unsigned page)
{
	for (unsigned w = 0; w < PAGE / 4; w++)
		if (p[w] != pattern(page, w))
			return 0;
	return 1;
}

/* ---- a child task that maps the object itself and reports a sum ---- */

static volatile unsigned *child_addr;
static mach_port_t child_report; /* its name in the child */

static void __attribute__((noreturn, used)) child_main(void)
{
	unsigned sum = 0;
	for (unsigned i = 0; i < 4 * PAGE / 4; i++)
		sum += child_addr[i];
	child_addr[PAGE / 4] = 0xc0ffee; /* page 1, word 0: the parent must see it */
	send_int(child_report, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, (int)sum, 0, 0);
	for (;;)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 1000);
}

static void test_child(mach_port_t mo, volatile unsigned *mine)
{
	task_t child;
	thread_t th;
	mach_port_t report = new_port();
	vm_address_t stack = 0, addr = 0;
	struct i386_thread_state st;
	struct rcv_buf buf;

	/* Our mappings of the object are not inherited (VM_INHERIT_NONE):
	 * the child maps it itself, at an address we choose now. */
	addr = 0x30000000;
	child_addr = (volatile unsigned *)addr;
	child_report = 77;
	if (!is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "task_create (a copy of us)"))
		return;
	is_kr(vm_map(child, &addr, 4 * PAGE, 0, FALSE, mo, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		     VM_INHERIT_NONE),
	      KERN_SUCCESS, "vm_map the memory object into the child");
	is_kr(mach_port_insert_right(child, 77, report, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS,
	      "give the child a send right");
	is_kr(vm_allocate(child, &stack, 16 * PAGE, TRUE), KERN_SUCCESS, "a stack for the child");
	if (!is_kr(thread_create(child, &th), KERN_SUCCESS, "thread_create in the child"))
		return;
	memset(&st, 0, sizeof st);
	st.eip = (unsigned)child_main;
	st.uesp = stack + 16 * PAGE - 8;
	thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
	is_kr(thread_resume(th), KERN_SUCCESS, "the child runs");
	if (is_kr(receive(report, &buf, 10000), KERN_SUCCESS, "the child reports")) {
		unsigned want = 0;
		for (unsigned i = 0; i < 4 * PAGE / 4; i++)
			want += i == PAGE / 4 ? pattern(1, 0) : mine[i];
		is(((struct int_msg *)&buf)->value, (int)want, "the child sees the same data we do");
		is(mine[PAGE / 4], 0xc0ffee, "we see the child's write (one object, the same pages)");
	}
	task_terminate(child); /* its mapping goes with it */
	mach_port_deallocate(T, child);
	mach_port_deallocate(T, th);
	mach_port_destroy(T, report);
}

/* ---- data_error: the faulting thread gets an exception ---- */

static int exc_seen, exc_code, exc_subcode;
kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task, int exception,
				    int code, int subcode)
{
	(void)port;
	exc_seen = exception, exc_code = code, exc_subcode = subcode;
	struct i386_thread_state st;
	mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;
	thread_get_state(thread, i386_THREAD_STATE, (thread_state_t)&st, &n);
	send_to_landing(thread, &st);
	mach_port_deallocate(T, thread);
	mach_port_deallocate(T, task);
	return KERN_SUCCESS;
}

static void *toucher(void *arg)
{
	return (void *)(unsigned long)*(volatile unsigned *)arg;
}

static void test_data_error(volatile unsigned *base)
{
	mach_port_t exc = new_port_with_send();
	thread_t th;
	cthread_t t;

	is_kr(task_set_special_port(T, TASK_EXCEPTION_PORT, exc), KERN_SUCCESS, "catch our exceptions");
	if (!is_kr(cthread_create(&t, toucher, (void *)&base[ERROR_PAGE * PAGE / 4]), KERN_SUCCESS,
		   "a thread touches the page the pager fails"))
		return;
	th = cthread_kernel_port(t);
	is_kr(mach_msg_server_once(exc_server, 8192, exc, MACH_RCV_TIMEOUT, 10000), MACH_MSG_SUCCESS,
	      "data_error: the faulting thread raises an exception");
	is(exc_seen, EXC_BAD_ACCESS, "EXC_BAD_ACCESS");
	is(exc_code, KERN_MEMORY_ERROR, "code KERN_MEMORY_ERROR");
	is((unsigned)exc_subcode, (unsigned)&base[ERROR_PAGE * PAGE / 4], "subcode the address");
	ok(wait_landed(), "the reply resumed it elsewhere");
	thread_terminate(th);
	mach_port_destroy(T, exc);
}

/* A pager that allows caching: the object and its pages outlive the
 * last unmap, and mapping it again finds them. */
static void test_cache(void)
{
	mach_port_t mo;
	vm_address_t a = 0;
	struct pager *pg = pager_create(&ops, NULL, PAGER_MAY_CACHE, &mo);
	if (!ok(pg != NULL && pager_start(pg, 1) == KERN_SUCCESS, "a pager with may_cache"))
		return;
	int r0 = reads, t0 = terminations;
	vm_map(T, &a, PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE);
	pager_wait_init(pg, 5000);
	is(*(volatile unsigned *)a, store[0][0], "its page reads");
	is(reads, r0 + 1, "one data_request");
	vm_deallocate(T, a, PAGE);
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 100);
	is(terminations, t0, "unmapped: no terminate (cached)");
	a = 0;
	is_kr(vm_map(T, &a, PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE), KERN_SUCCESS,
	      "map it again");
	is(*(volatile unsigned *)a, store[0][0], "the page reads");
	is(reads, r0 + 1, "from the cache: no new data_request");
	vm_deallocate(T, a, PAGE);
}

/* ---- PAGER_PRECIOUS: supplied pages come back even when clean ---- */

static void test_precious(void)
{
	mach_port_t mo;
	vm_address_t a = 0;
	struct pager *pg = pager_create(&ops, NULL, PAGER_PRECIOUS, &mo);
	if (!ok(pg != NULL && pager_start(pg, 1) == KERN_SUCCESS &&
			vm_map(T, &a, 2 * PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ, VM_PROT_ALL,
			       VM_INHERIT_NONE) == KERN_SUCCESS,
		"a pager whose pages are precious"))
		return;
	int w0 = writes, d0 = dirty_writes;
	is(((volatile unsigned *)a)[PAGE / 4 + 2], store[1][2], "its page reads (not written)");
	pager_lock_request(pg, 0, 2 * PAGE, MEMORY_OBJECT_RETURN_DIRTY, FALSE, VM_PROT_NONE, TRUE);
	is(writes, w0, "return dirty pages: the clean precious page stays");
	pager_lock_request(pg, 0, 2 * PAGE, MEMORY_OBJECT_RETURN_ALL, TRUE, VM_PROT_NONE, TRUE);
	is(writes, w0 + 1, "return all and flush: the clean precious page comes back");
	is(dirty_writes, d0, "as clean");
	vm_deallocate(T, a, 2 * PAGE);
}

/* ---- read_page: the pager's own pages, given away ---- */

static vm_address_t given_page; /* the last page read_page gave */

static kern_return_t give_read(void *ctx, vm_offset_t offset, vm_address_t *page, vm_prot_t *lock)
{
	(void)ctx, (void)lock;
	vm_address_t a = 0;
	if (offset / PAGE == ERROR_PAGE)
		return KERN_FAILURE;
	if (vm_allocate(T, &a, PAGE, TRUE) != KERN_SUCCESS)
		return KERN_RESOURCE_SHORTAGE;
	for (unsigned w = 0; w < PAGE / 4; w++)
		((unsigned *)a)[w] = pattern(offset / PAGE + 100, w);
	given_page = a;
	*page = a;
	return KERN_SUCCESS;
}

static const struct pager_ops give_ops = {.read_page = give_read, .terminated = pattern_terminated};

/* Whether [addr, addr + PAGE) is still allocated in our map. */
static int still_ours(vm_address_t addr)
{
	vm_address_t a = addr;
	vm_size_t size;
	vm_prot_t prot;
	return mach_vm_region_prot(T, &a, &size, &prot) == KERN_SUCCESS && a <= addr;
}

static void test_give_away(int flags, const char *how)
{
	mach_port_t mo;
	vm_address_t a = 0, b = 0;
	struct pager *pg = pager_create(&give_ops, NULL, flags, &mo);
	if (!ok(pg != NULL && pager_start(pg, 1) == KERN_SUCCESS &&
			vm_map(T, &a, 2 * PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
			       VM_INHERIT_NONE) == KERN_SUCCESS,
		"%s: a pager with read_page", how))
		return;
	volatile unsigned *m = (volatile unsigned *)a;
	unsigned w = 0;
	while (w < PAGE / 4 && m[w] == pattern(100, w))
		w++;
	is(w, PAGE / 4, "%s: its page arrives whole", how);
	ok(given_page != 0 && !still_ours(given_page), "%s: the page it gave is no longer its own", how);
	m[1] = 0x1234;
	is_kr(vm_map(T, &b, PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE), KERN_SUCCESS,
	      "%s: mapped again", how);
	is(((volatile unsigned *)b)[1], 0x1234, "%s: the second mapping sees the same page", how);
	is(m[PAGE / 4 + 7], pattern(101, 7), "%s: the next page too", how);
	vm_deallocate(T, a, 2 * PAGE);
	vm_deallocate(T, b, PAGE);
}

int main(void)
{
	mach_port_t mo;
	vm_address_t a = 0, b = 0;

	for (unsigned p = 0; p < NPAGES; p++)
		for (unsigned w = 0; w < PAGE / 4; w++)
			store[p][w] = pattern(p, w);
	struct pager *pg = pager_create(&ops, NULL, 0, &mo);
	if (!ok(pg != NULL, "pager_create") || !is_kr(pager_start(pg, 2), KERN_SUCCESS, "pager_start, 2 threads"))
		return tap_done();

	is_kr(vm_map(T, &a, NPAGES * PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		     VM_INHERIT_NONE),
	      KERN_SUCCESS, "vm_map the memory object");
	is_kr(pager_wait_init(pg, 5000), KERN_SUCCESS, "memory_object_init arrives");
	volatile unsigned *m = (volatile unsigned *)a;
	int good = 1;
	for (unsigned p = 0; p < 4; p++)
		good &= page_matches(m + p * PAGE / 4, p);
	ok(good, "four pages read back the pattern");
	is(reads, 4, "one data_request per page");
	is_kr(vm_map(T, &b, 4 * PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		     VM_INHERIT_NONE),
	      KERN_SUCCESS, "vm_map it a second time");
	volatile unsigned *m2 = (volatile unsigned *)b;
	m[3] = 0xabcdef;
	is(m2[3], 0xabcdef, "a write through one mapping shows through the other");
	is(reads, 4, "no new data_request: the same pages");
	mach_port_t na = region_object_name(a), nb = region_object_name(b);
	ok(MACH_PORT_VALID(na) && na == nb, "vm_region: both mappings show the object's name port");
	mach_port_deallocate(T, na);
	mach_port_deallocate(T, nb);

	test_child(mo, m);

	/* Clean: the dirty pages come back, stay resident. */
	int before = reads;
	is_kr(pager_lock_request(pg, 0, 4 * PAGE, MEMORY_OBJECT_RETURN_DIRTY, FALSE, VM_PROT_NONE, TRUE), KERN_SUCCESS,
	      "lock_request: return dirty pages, no flush (lock_completed arrives)");
	cmp_ok(dirty_writes, ">=", 2, "data_return of the dirty pages (0 and 1)");
	is(store[0][3], 0xabcdef, "the pager's store has our write");
	is(store[1][0], 0xc0ffee, "and the child's");
	int w_before = writes;
	pager_lock_request(pg, 0, 4 * PAGE, MEMORY_OBJECT_RETURN_DIRTY, FALSE, VM_PROT_NONE, TRUE);
	is(writes, w_before, "cleaned pages are not returned again");
	is(m[3], 0xabcdef, "the data stays");
	is(reads, before, "clean pages stay resident");

	/* Flush: the next touch asks the pager again. */
	m[2 * PAGE / 4] = 0x1234;
	is_kr(pager_lock_request(pg, 0, 4 * PAGE, MEMORY_OBJECT_RETURN_ALL, TRUE, VM_PROT_NONE, TRUE), KERN_SUCCESS,
	      "lock_request: return and flush");
	is(store[2][0], 0x1234, "the flushed dirty page came back first");
	/* Copies read what the pager has, not just what is resident. */
	vm_offset_t data;
	mach_msg_type_number_t n;
	if (is_kr(vm_read(T, a + PAGE, PAGE, &data, &n), KERN_SUCCESS, "vm_read of a flushed page")) {
		ok(((unsigned *)data)[0] == 0xc0ffee && ((unsigned *)data)[1] == pattern(1, 1),
		   "it reads the pager's data");
		vm_deallocate(T, data, n);
	}
	task_t c2;
	vm_inherit(T, b, 4 * PAGE, VM_INHERIT_COPY);
	pager_lock_request(pg, 0, 4 * PAGE, MEMORY_OBJECT_RETURN_DIRTY, TRUE, VM_PROT_NONE, TRUE);
	if (is_kr(task_create(T, TRUE, &c2), KERN_SUCCESS, "task_create copying a flushed pager mapping")) {
		if (is_kr(vm_read(c2, b + 3 * PAGE, PAGE, &data, &n), KERN_SUCCESS, "vm_read the child's copy")) {
			ok(((unsigned *)data)[7] == pattern(3, 7), "the child's copy has the pager's data");
			vm_deallocate(T, data, n);
		}
		task_terminate(c2);
		mach_port_deallocate(T, c2);
	}
	vm_inherit(T, b, 4 * PAGE, VM_INHERIT_NONE);
	is(m[2 * PAGE / 4], 0x1234, "touching it again reads the pager's copy");
	cmp_ok(reads, ">", before, "with a new data_request");

	/* Lock against writing: a write asks for data_unlock. */
	(void)m[1];
	pager_lock_request(pg, 0, PAGE, MEMORY_OBJECT_RETURN_NONE, FALSE, VM_PROT_WRITE, TRUE);
	m[1] = 77;
	is(unlocks, 1, "a write to a write-locked page sends data_unlock");
	is(m[1], 77, "and goes through once granted");

	/* data_unavailable */
	good = 1;
	for (unsigned w = 0; w < PAGE / 4; w++)
		good &= m[ZERO_PAGE * PAGE / 4 + w] == 0;
	ok(good, "data_unavailable: a zero-filled page");

	test_data_error(m);

	/* A wired page survives a flush (and unwiring it afterwards is fine). */
	is_kr(vm_wire(mach_host_self(), T, a + 3 * PAGE, PAGE, VM_PROT_READ | VM_PROT_WRITE), KERN_SUCCESS,
	      "wire page 3");
	m[3 * PAGE / 4] = 4242;
	pager_lock_request(pg, 3 * PAGE, PAGE, MEMORY_OBJECT_RETURN_ALL, TRUE, VM_PROT_NONE, TRUE);
	is(store[3][0], 4242, "a flush returns the wired page's data");
	is(m[3 * PAGE / 4], 4242, "and leaves the page in place");
	is_kr(vm_wire(mach_host_self(), T, a + 3 * PAGE, PAGE, VM_PROT_NONE), KERN_SUCCESS, "unwire it");
	/* Wiring a page that must come from the pager (a thread of this
	 * task, which needs our map to answer). */
	pager_lock_request(pg, 2 * PAGE, PAGE, MEMORY_OBJECT_RETURN_ALL, TRUE, VM_PROT_NONE, TRUE);
	is_kr(vm_wire(mach_host_self(), T, a + 2 * PAGE, PAGE, VM_PROT_READ), KERN_SUCCESS,
	      "wire a page the pager must supply");
	is(m[2 * PAGE / 4], 0x1234, "it holds the pager's data");
	vm_wire(mach_host_self(), T, a + 2 * PAGE, PAGE, VM_PROT_NONE);

	/* The last mapping goes: terminate. */
	vm_deallocate(T, a, NPAGES * PAGE);
	is(terminations, 0, "still mapped once: no terminate");
	vm_deallocate(T, b, 4 * PAGE);
	for (int i = 0; i < 100 && terminations == 0; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	is(terminations, 1, "the last unmap: memory_object_terminate");
	for (int i = 0; i < 100 && store[0][1] != 77; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	is(store[0][1], 77, "the dirty page came back with it");
	test_cache();
	test_precious();
	test_give_away(0, "with the next receive");
	test_give_away(PAGER_SERIAL, "sent at once (PAGER_SERIAL)");
	return tap_done();
}
