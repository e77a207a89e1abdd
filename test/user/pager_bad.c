/*
 * Pagers that misbehave must not corrupt or hang the kernel: replies
 * with bad offsets, sizes, values or ports are refused and the fault
 * keeps waiting for a good one; a pager that never replies makes the
 * fault fail (EXC_BAD_ACCESS, KERN_MEMORY_ERROR) after pager_timeout
 * (booted with pager_timeout=5000: the pagers that do answer, one of
 * them 200 ms late, must within that, however slow the host); a pager
 * whose port dies makes waiting and later faults fail; vm_map refuses
 * ports that cannot be pagers.
 */
#include <stddef.h>
#include <string.h>
#include <cthreads.h>
#include <pager.h>
#include <mach/exc_server.h>
#include <mach/exception.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define PAGE 4096

static volatile int requested; /* offset + 1 of the last data_request */
static volatile int replying;  /* answer requests normally */

static kern_return_t quiet_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	(void)ctx, (void)lock;
	requested = offset + 1;
	if (!replying)
		return PAGER_NO_REPLY;
	memset(buf, 0x11, PAGE);
	return KERN_SUCCESS;
}

static const struct pager_ops ops = {.read = quiet_read};

/* ---- a thread that touches a page; exceptions come to us ---- */

static int exc_seen, exc_code;
static mach_port_t exc_port;

kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task, int exception,
				    int code, int subcode)
{
	(void)port, (void)subcode;
	exc_seen = exception, exc_code = code;
	struct i386_thread_state st;
	mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;
	thread_get_state(thread, i386_THREAD_STATE, (thread_state_t)&st, &n);
	send_to_landing(thread, &st);
	mach_port_deallocate(T, thread);
	mach_port_deallocate(T, task);
	return KERN_SUCCESS;
}

static volatile unsigned touched_value;
static volatile int touched;

static void *toucher(void *arg)
{
	touched_value = *(volatile unsigned *)arg;
	touched = 1;
	return NULL;
}

static cthread_t touch(vm_address_t addr)
{
	cthread_t t = NULL;
	touched = 0, landed = 0, exc_seen = 0;
	cthread_create(&t, toucher, (void *)addr);
	return t;
}

static void wait_for(volatile int *flag)
{
	for (int i = 0; i < 500 && !*flag; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
}

/* The thread must fail with EXC_BAD_ACCESS / KERN_MEMORY_ERROR. */
static void expect_memory_error(cthread_t t, const char *what)
{
	is_kr(mach_msg_server_once(exc_server, 8192, exc_port, MACH_RCV_TIMEOUT, 20000), MACH_MSG_SUCCESS,
	      "%s: the faulting thread raises an exception", what);
	is(exc_seen, EXC_BAD_ACCESS, "EXC_BAD_ACCESS");
	is(exc_code, KERN_MEMORY_ERROR, "code KERN_MEMORY_ERROR");
	wait_landed();
	thread_terminate(cthread_kernel_port(t));
}

static struct pager *new_mapping(mach_port_t *mo, vm_address_t *addr, vm_size_t size)
{
	struct pager *pg = pager_create(&ops, NULL, 0, mo);
	*addr = 0;
	if (pg == NULL || pager_start(pg, 1) != KERN_SUCCESS ||
	    vm_map(T, addr, size, 0, TRUE, *mo, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		   VM_INHERIT_NONE) != KERN_SUCCESS)
		return NULL;
	return pg;
}

static void test_bad_replies(void)
{
	mach_port_t mo;
	vm_address_t a;
	struct pager *pg = new_mapping(&mo, &a, 4 * PAGE);
	if (!ok(pg != NULL, "a pager that answers nothing by itself"))
		return;
	replying = 0, requested = 0;
	cthread_t t = touch(a);
	wait_for(&requested);
	if (!is(requested, 1, "data_request for offset 0"))
		return;
	mach_port_t c = pager_control(pg);
	static char page[2 * PAGE] __attribute__((aligned(4096)));
	memset(page, 0x22, sizeof page);

	/* Each of these is refused; the fault keeps waiting. */
	memory_object_data_supply(c, 1, (vm_offset_t)page, PAGE, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
	memory_object_data_supply(c, 0, (vm_offset_t)page, 100, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
	memory_object_data_supply(c, 0, (vm_offset_t)page, 0, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
	memory_object_data_supply(c, 0, (vm_offset_t)page, PAGE, FALSE, 0x100, FALSE, MACH_PORT_NULL);
	memory_object_data_supply(c, 0xfffff000, (vm_offset_t)page, 2 * PAGE, FALSE, VM_PROT_NONE, FALSE,
				  MACH_PORT_NULL);
	memory_object_data_unavailable(c, PAGE, 0xfffff000);
	memory_object_data_unavailable(c, 0, 5);
	memory_object_data_error(c, 0, 0, KERN_FAILURE);
	memory_object_lock_request(c, 0, PAGE, 7, TRUE, VM_PROT_NONE, MACH_PORT_NULL);
	memory_object_lock_request(c, 0, PAGE, MEMORY_OBJECT_RETURN_NONE, TRUE, 0x80, MACH_PORT_NULL);
	memory_object_ready(c, FALSE, 9);
	memory_object_change_attributes(c, FALSE, 12, MACH_PORT_NULL);
	/* Not a control port at all: a kernel object of another kind, a port of ours. */
	memory_object_data_supply(T, 0, (vm_offset_t)page, PAGE, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
	mach_port_t other = new_port_with_send();
	is_kr(memory_object_data_unavailable(other, 0, PAGE), MACH_MSG_SUCCESS,
	      "a data_unavailable sent to a port of ours just arrives there");
	mach_port_destroy(T, other);
	is_kr(memory_object_data_supply(MACH_PORT_NULL, 0, (vm_offset_t)page, PAGE, FALSE, VM_PROT_NONE, FALSE,
					MACH_PORT_NULL),
	      MACH_SEND_INVALID_DEST, "data_supply to no port: MACH_SEND_INVALID_DEST");
	/* Data for a page nobody asked for is taken where no page is. */
	memory_object_data_supply(c, 2 * PAGE, (vm_offset_t)page, PAGE, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);

	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 100);
	is(touched, 0, "after fifteen bad replies the fault still waits");
	boolean_t ready = 0, cache = 1;
	memory_object_copy_strategy_t strategy = 0;
	if (is_kr(memory_object_get_attributes(c, &ready, &cache, &strategy), KERN_SUCCESS, "get_attributes"))
		ok(ready && !cache && strategy == MEMORY_OBJECT_COPY_DELAY,
		   "ready, not cached, COPY_DELAY: the bad ready/change_attributes changed nothing");

	memset(page, 0x33, PAGE);
	memory_object_data_supply(c, 0, (vm_offset_t)page, PAGE, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
	wait_for(&touched);
	ok(touched && touched_value == 0x33333333, "a good data_supply ends the fault with its data");
	cthread_join(t);
	requested = 0;
	is(*(volatile unsigned *)(a + 2 * PAGE), 0x22222222, "the unrequested page holds what was supplied");
	is(requested, 0, "without a data_request");
	/* A second supply for a present page does not overwrite it. */
	memset(page, 0x44, PAGE);
	memory_object_data_supply(c, 0, (vm_offset_t)page, PAGE, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50);
	is(*(volatile unsigned *)a, 0x33333333, "data for a page already present is refused");
	/* More than two pages travel copy-on-write (a copy with entries). */
	static unsigned three[3][PAGE / 4] __attribute__((aligned(4096)));
	for (int i = 0; i < 3; i++)
		for (int w = 0; w < PAGE / 4; w++)
			three[i][w] = 0x700 + i;
	memory_object_data_supply(c, PAGE, (vm_offset_t)three, sizeof three, FALSE, VM_PROT_NONE, FALSE,
				  MACH_PORT_NULL);
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50);
	volatile unsigned *m = (volatile unsigned *)a;
	ok(m[PAGE / 4] == 0x700 && m[PAGE / 4 + 1023] == 0x700 && m[3 * PAGE / 4 + 5] == 0x702,
	   "a three-page supply fills the absent pages 1 and 3");
	is(m[2 * PAGE / 4], 0x22222222, "and leaves page 2, present, alone");
	is(requested, 0, "no data_request for any of them");
	vm_deallocate(T, a, 4 * PAGE);
}

/* A pager of pages filled with 0x66 (for data read from its mapping). */
static kern_return_t fill_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	(void)ctx, (void)offset, (void)lock;
	memset(buf, 0x66, PAGE);
	return KERN_SUCCESS;
}

static const struct pager_ops fill_ops = {.read = fill_read};

/* Whether [addr, addr + PAGE) is unmapped in our task. */
static int unmapped(vm_address_t addr)
{
	vm_address_t r = addr;
	vm_size_t size;
	vm_prot_t prot, max;
	vm_inherit_t inh;
	boolean_t shared;
	mach_port_t name = MACH_PORT_NULL;
	vm_offset_t off;
	kern_return_t kr = vm_region(T, &r, &size, &prot, &max, &inh, &shared, &name, &off);
	if (MACH_PORT_VALID(name))
		mach_port_deallocate(T, name);
	return kr != KERN_SUCCESS || r > addr;
}

/*
 * One page supplied in every shape the kernel's fast path for
 * data_supply takes or leaves to the general path: the results must be
 * the same either way.
 */
static void test_supply_shapes(void)
{
	mach_port_t mo, mo2;
	vm_address_t a, b;
	struct pager *pg = new_mapping(&mo, &a, 8 * PAGE);
	if (!ok(pg != NULL, "a pager for the supply shapes"))
		return;
	replying = 0, requested = 0;
	volatile unsigned *m = (volatile unsigned *)a;

	/* A page of ours given away (dealloc) ends a waiting fault and is
	 * gone from our memory. */
	cthread_t t = touch(a);
	wait_for(&requested);
	mach_port_t c = pager_control(pg); /* (after memory_object_init) */
	vm_address_t src = 0;
	vm_allocate(T, &src, PAGE, TRUE);
	memset((void *)src, 0x55, PAGE);
	is_kr(memory_object_data_supply(c, 0, src, PAGE, TRUE, VM_PROT_NONE, FALSE, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "supply a page of ours with dealloc");
	wait_for(&touched);
	ok(touched && touched_value == 0x55555555, "the waiting fault gets its data");
	cthread_join(t);
	ok(unmapped(src), "the page given away is no longer ours");

	/* The same from a page a copy-on-write child shares: copied, then
	 * unmapped from us alone. */
	src = 0;
	vm_allocate(T, &src, PAGE, TRUE);
	memset((void *)src, 0x56, PAGE);
	task_t child;
	if (is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "a child sharing our memory copy-on-write")) {
		memory_object_data_supply(c, PAGE, src, PAGE, TRUE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
		is(m[PAGE / 4 + 1023], 0x56565656, "a shared page with dealloc: its data arrives");
		ok(unmapped(src), "and it is gone from our map");
		vm_offset_t data = 0;
		mach_msg_type_number_t n = 0;
		if (is_kr(vm_read(child, src, PAGE, &data, &n), KERN_SUCCESS, "the child still has it"))
			is(*(unsigned *)data, 0x56565656, "with its data");
		vm_deallocate(T, data, n);
		task_terminate(child);
		mach_port_deallocate(T, child);
	}

	/* A page never touched reads as zero. */
	src = 0;
	vm_allocate(T, &src, PAGE, TRUE);
	memory_object_data_supply(c, 2 * PAGE, src, PAGE, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
	is(m[2 * PAGE / 4 + 7], 0, "an untouched page supplies zeros");
	ok(!unmapped(src), "without dealloc it stays ours");
	vm_deallocate(T, src, PAGE);

	/* Data that does not start a page. */
	static unsigned two[2 * PAGE / 4] __attribute__((aligned(4096)));
	for (int i = 0; i < 2 * PAGE / 4; i++)
		two[i] = 0x900 + i;
	memory_object_data_supply(c, 3 * PAGE, (vm_offset_t)&two[1], PAGE, FALSE, VM_PROT_NONE, FALSE,
				  MACH_PORT_NULL);
	ok(m[3 * PAGE / 4] == 0x901 && m[3 * PAGE / 4 + 1023] == 0x900 + 1024, "a misaligned page arrives whole");

	/* With a reply port: supply_completed comes back. */
	mach_port_t reply = new_port();
	memset(two, 0x57, PAGE);
	memory_object_data_supply(c, 4 * PAGE, (vm_offset_t)two, PAGE, FALSE, VM_PROT_NONE, FALSE, reply);
	struct rcv_buf rb;
	is_kr(mach_msg(&rb.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof rb, reply, 5000, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "a supply with a reply port is answered");
	is(m[4 * PAGE / 4], 0x57575757, "and its data arrives");
	mach_msg_destroy(&rb.head);
	mach_port_destroy(T, reply);

	/* From another pager's page, not resident yet: it is paged in first. */
	struct pager *pg2 = pager_create(&fill_ops, NULL, 0, &mo2);
	b = 0;
	if (ok(pg2 != NULL && pager_start(pg2, 1) == KERN_SUCCESS &&
		       vm_map(T, &b, PAGE, 0, TRUE, mo2, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE) ==
			       KERN_SUCCESS,
	       "a second pager's mapping")) {
		memory_object_data_supply(c, 5 * PAGE, b, PAGE, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL);
		is(m[5 * PAGE / 4 + 3], 0x66666666, "data read from a pager's mapping");
		vm_deallocate(T, b, PAGE);
	}

	/* From memory we cannot read: refused at the send, nothing taken. */
	src = 0;
	vm_allocate(T, &src, PAGE, TRUE);
	memset((void *)src, 0x58, PAGE);
	vm_protect(T, src, PAGE, FALSE, VM_PROT_NONE);
	is_kr(memory_object_data_supply(c, 6 * PAGE, src, PAGE, TRUE, VM_PROT_NONE, FALSE, MACH_PORT_NULL),
	      MACH_SEND_INVALID_MEMORY, "supply from an unreadable page: MACH_SEND_INVALID_MEMORY");
	ok(!unmapped(src), "and the page stays ours");
	vm_deallocate(T, src, PAGE);
	is_kr(memory_object_data_supply(c, 6 * PAGE, src, PAGE, FALSE, VM_PROT_NONE, FALSE, MACH_PORT_NULL),
	      MACH_SEND_INVALID_MEMORY, "supply from unmapped memory: MACH_SEND_INVALID_MEMORY");
	/* Past the object's end and at an offset below the mapping are the
	 * pager's business, but a wrapped range is refused. */
	memory_object_data_supply(c, 0xfffff000 + 2 * PAGE, (vm_offset_t)two, PAGE, FALSE, VM_PROT_NONE, FALSE,
				  MACH_PORT_NULL);
	is(requested, 1, "no data_request but the first fault's");
	replying = 1;
	is(m[7 * PAGE / 4], 0x11111111, "page 7 still comes from the pager");
	replying = 0;
	vm_deallocate(T, a, 8 * PAGE);
}

static void test_no_reply(void)
{
	mach_port_t mo;
	vm_address_t a;
	struct pager *pg = new_mapping(&mo, &a, PAGE);
	if (!ok(pg != NULL, "a pager that never replies"))
		return;
	replying = 0, requested = 0;
	cthread_t t = touch(a);
	expect_memory_error(t, "no reply within pager_timeout");
	ok(!touched, "the read never completed");
	vm_deallocate(T, a, PAGE);
}

static int thread_count(void)
{
	thread_array_t threads;
	mach_msg_type_number_t n = 0;
	if (task_threads(T, &threads, &n) != KERN_SUCCESS)
		return -1;
	for (unsigned i = 0; i < n; i++)
		mach_port_deallocate(T, threads[i]);
	vm_deallocate(T, (vm_address_t)threads, n * sizeof(*threads));
	return n;
}

/* A thread terminated while its fault waits for a pager goes away. */
static void test_terminate_waiting(void)
{
	mach_port_t mo;
	vm_address_t a;
	struct pager *pg = new_mapping(&mo, &a, PAGE);
	if (!ok(pg != NULL, "a pager that keeps a fault waiting"))
		return;
	replying = 0, requested = 0;
	int before = thread_count();
	cthread_t t = touch(a);
	wait_for(&requested);
	is(thread_count(), before + 1, "the faulting thread waits");
	is_kr(thread_terminate(cthread_kernel_port(t)), KERN_SUCCESS, "thread_terminate it");
	for (int i = 0; i < 500 && thread_count() > before; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	is(thread_count(), before, "it is gone");
	ok(!touched, "its read never completed");
	mach_port_destroy(T, mo);
	vm_deallocate(T, a, PAGE);
}

/* A pager in a task of its own: it answers memory_object_init and then
 * nothing (raw messages: the child's mach_task_self() is not its own). */
#define MEMORY_OBJECT_INIT_ID 2200

static void __attribute__((noreturn, used)) child_pager(mach_port_t port)
{
	struct {
		mach_msg_header_t head;
		char body[1024];
	} m;
	for (;;) {
		if (mach_msg(&m.head, MACH_RCV_MSG, 0, sizeof m, port, 0, MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			continue;
		if (m.head.msgh_id == MEMORY_OBJECT_INIT_ID) /* header, control's type, control */
			memory_object_ready(*(mach_port_t *)(m.body + 4), FALSE, MEMORY_OBJECT_COPY_DELAY);
	}
}

static void test_pager_task_dies(void)
{
	task_t child;
	thread_t th;
	mach_port_t child_port, mo;
	mach_msg_type_name_t type;
	vm_address_t stack = 0, a = 0;
	static unsigned top[1024] __attribute__((aligned(4096)));
	struct i386_thread_state st;

	if (!is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "a pager task"))
		return;
	mach_port_allocate(child, MACH_PORT_RIGHT_RECEIVE, &child_port);
	mach_port_extract_right(child, child_port, MACH_MSG_TYPE_MAKE_SEND, &mo, &type);
	vm_allocate(child, &stack, 16 * PAGE, TRUE);
	top[1022] = 0;
	top[1023] = child_port;
	vm_write(child, stack + 15 * PAGE, (vm_offset_t)top, PAGE);
	thread_create(child, &th);
	memset(&st, 0, sizeof st);
	st.eip = (unsigned)child_pager;
	st.uesp = stack + 16 * PAGE - 8;
	thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
	is_kr(thread_resume(th), KERN_SUCCESS, "it runs");
	if (!is_kr(vm_map(T, &a, PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE),
		   KERN_SUCCESS, "vm_map its memory object"))
		return;
	cthread_t t = touch(a);
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 100);
	is(touched, 0, "a fault waits for it");
	is_kr(task_terminate(child), KERN_SUCCESS, "the pager task is terminated");
	expect_memory_error(t, "pager task died");
	mach_port_deallocate(T, child);
	mach_port_deallocate(T, th);
	mach_port_deallocate(T, mo);
	vm_deallocate(T, a, PAGE);
}

static void test_pager_dies(void)
{
	mach_port_t mo;
	vm_address_t a;
	struct pager *pg = new_mapping(&mo, &a, 2 * PAGE);
	if (!ok(pg != NULL, "a pager that will die"))
		return;
	replying = 0, requested = 0;
	cthread_t t = touch(a);
	wait_for(&requested);
	is_kr(mach_port_destroy(T, mo), KERN_SUCCESS, "the pager's port dies while a fault waits");
	expect_memory_error(t, "pager port died");
	t = touch(a + PAGE);
	expect_memory_error(t, "a later fault on the dead pager's object");
	vm_deallocate(T, a, 2 * PAGE);
}

static void test_bad_vm_map(void)
{
	vm_address_t a = 0;
	mach_port_t mo;
	struct pager *pg = pager_create(&ops, NULL, 0, &mo);
	is_kr(vm_map(T, &a, PAGE, 0, TRUE, T, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE),
	      KERN_INVALID_ARGUMENT, "vm_map of a task port: KERN_INVALID_ARGUMENT");
	if (pg == NULL)
		return;
	is_kr(vm_map(T, &a, PAGE, 0, TRUE, mo, 100, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE),
	      KERN_INVALID_ARGUMENT, "vm_map at an unaligned offset: KERN_INVALID_ARGUMENT");
	is_kr(vm_map(T, &a, 2 * PAGE, 0, TRUE, mo, 0xfffff000, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE),
	      KERN_INVALID_ARGUMENT, "vm_map past the end of the object's offsets: KERN_INVALID_ARGUMENT");
	a = (vm_address_t)test_bad_vm_map & ~(PAGE - 1);
	is_kr(vm_map(T, &a, PAGE, 0, FALSE, mo, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE),
	      KERN_NO_SPACE, "vm_map over our own text: KERN_NO_SPACE (nothing made)");
	ok(pager_wait_init(pg, 200) != KERN_SUCCESS, "and the failed vm_maps sent no memory_object_init");
}

/* memory_object_destroy: the pager gives up while the object is mapped. */
static void test_destroy(void)
{
	mach_port_t mo;
	vm_address_t a;
	struct pager *pg = new_mapping(&mo, &a, 2 * PAGE);
	if (!ok(pg != NULL, "a pager that will destroy its object"))
		return;
	replying = 1;
	is(*(volatile unsigned *)a, 0x11111111, "page 0 reads");
	is_kr(memory_object_destroy(pager_control(pg), KERN_FAILURE), KERN_SUCCESS, "memory_object_destroy");
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50);
	cthread_t t = touch(a + PAGE);
	expect_memory_error(t, "a fault after destroy");
	t = touch(a);
	expect_memory_error(t, "a page that was resident is gone too");
	vm_deallocate(T, a, 2 * PAGE);
}

/*
 * The faulting task's map changes while its pager works: the fault,
 * once the page has come, must look at the map again (not map the page
 * with what it found before the wait).  When nothing changed it maps the
 * page at once (fault_resume): the kernel's HOST_VM_FAULT_INFO counters
 * say which way each fault went.
 */
enum change { CHANGE_NOTHING, CHANGE_ELSEWHERE, CHANGE_PROTECTION };
static enum change change_how;	   /* what the read callback does to our map */
static vm_address_t change_at;	   /* CHANGE_PROTECTION: this page ... */
static vm_prot_t change_to;	   /* ... gets this protection */

static kern_return_t changing_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	(void)ctx, (void)lock;
	if (change_how == CHANGE_ELSEWHERE) {
		vm_address_t other = 0;
		vm_allocate(T, &other, PAGE, TRUE);
		vm_deallocate(T, other, PAGE);
	} else if (change_how == CHANGE_PROTECTION) {
		vm_protect(T, change_at, PAGE, FALSE, change_to);
	}
	memset(buf, 0x20 + offset / PAGE, PAGE);
	return KERN_SUCCESS;
}

static const struct pager_ops changing_ops = {.read = changing_read};

static struct host_vm_fault_info fault_info(void)
{
	struct host_vm_fault_info info = {0, 0};
	mach_msg_type_number_t n = HOST_VM_FAULT_INFO_COUNT;
	mach_port_t host = mach_host_self();
	if (host_info(host, HOST_VM_FAULT_INFO, (host_info_t)&info, &n) != KERN_SUCCESS || n != HOST_VM_FAULT_INFO_COUNT)
		ok(0, "host_info(HOST_VM_FAULT_INFO)");
	mach_port_deallocate(T, host);
	return info;
}

/* The counters' change over one read of the page at a, which must read
 * want. */
static void read_counted(vm_address_t a, unsigned want, const char *what, unsigned resumed, unsigned restarted)
{
	struct host_vm_fault_info before = fault_info();
	unsigned got = *(volatile unsigned *)a;
	struct host_vm_fault_info after = fault_info();
	is(got, want, "%s: the page arrives", what);
	is(after.pager_waits_resumed - before.pager_waits_resumed, resumed, "%s: faults resumed at once", what);
	is(after.pager_waits_restarted - before.pager_waits_restarted, restarted, "%s: faults that looked again",
	   what);
}

static void test_map_changes_meanwhile(void)
{
	mach_port_t mo;
	vm_address_t a = 0;
	struct pager *pg = pager_create(&changing_ops, NULL, 0, &mo);
	if (!ok(pg != NULL && pager_start(pg, 1) == KERN_SUCCESS &&
			vm_map(T, &a, 3 * PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
			       VM_INHERIT_NONE) == KERN_SUCCESS,
		"a pager whose reads change our map"))
		return;
	change_how = CHANGE_NOTHING;
	read_counted(a, 0x20202020, "a map unchanged meanwhile", 1, 0);
	change_how = CHANGE_ELSEWHERE;
	read_counted(a + PAGE, 0x21212121, "a map changed elsewhere meanwhile", 0, 1);
	change_how = CHANGE_PROTECTION, change_at = a + 2 * PAGE, change_to = VM_PROT_NONE;
	cthread_t t = touch(a + 2 * PAGE);
	is_kr(mach_msg_server_once(exc_server, 8192, exc_port, MACH_RCV_TIMEOUT, 20000), MACH_MSG_SUCCESS,
	      "the faulting page made inaccessible meanwhile: the thread raises an exception");
	is(exc_seen, EXC_BAD_ACCESS, "EXC_BAD_ACCESS");
	is(exc_code, KERN_PROTECTION_FAILURE, "code KERN_PROTECTION_FAILURE");
	wait_landed();
	thread_terminate(cthread_kernel_port(t));
	ok(!touched, "the read never completed");
	vm_deallocate(T, a, 3 * PAGE);
}

/*
 * data_request as a pager thread receives it, raw: straight into its
 * buffer when it waits in receive (written in place when the buffer is
 * within a page, copied in when it straddles two: both are tried),
 * queued when it is busy; all must look the same.
 */

/* The header, then four typed words: control port, offset, length,
 * access. */
struct request_msg {
	mach_msg_header_t head;
	struct {
		mach_msg_type_t type;
		unsigned value;
	} item[4];
};
#define CONTROL 0
#define OFFSET 1
#define LENGTH 2
#define ACCESS 3

static struct request_msg seen[3];
static volatile int seen_count;
static mach_port_t raw_port;
static volatile int raw_slow; /* the first request: answer 200 ms late */
static volatile int raw_ready; /* memory_object_init answered */
static unsigned raw_at;	       /* where in its buffer the pager receives */

static void *raw_pager(void *arg)
{
	static char buf[2 * PAGE] __attribute__((aligned(4096)));
	mach_msg_header_t *h = (mach_msg_header_t *)(buf + raw_at);
	static unsigned data[PAGE / 4] __attribute__((aligned(4096)));
	(void)arg;
	for (;;) {
		if (mach_msg(h, MACH_RCV_MSG, 0, 512, raw_port, 0, MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			return NULL;
		struct request_msg *m = (struct request_msg *)h;
		if (h->msgh_id == MEMORY_OBJECT_INIT_ID) {
			memory_object_ready(m->item[CONTROL].value, FALSE, MEMORY_OBJECT_COPY_DELAY);
			raw_ready = 1;
			continue;
		}
		if (h->msgh_id != MEMORY_OBJECT_DATA_REQUEST_ID || seen_count >= 3)
			continue;
		int i = seen_count;
		seen[i] = *m;
		if (i == 0 && raw_slow)
			thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 200);
		for (int w = 0; w < PAGE / 4; w++)
			data[w] = 0x7700 + m->item[OFFSET].value / PAGE;
		memory_object_data_supply(m->item[CONTROL].value, m->item[OFFSET].value, (vm_offset_t)data, PAGE, FALSE, VM_PROT_NONE, FALSE,
					  MACH_PORT_NULL);
		seen_count = i + 1;
	}
}

static void test_request_shapes(unsigned at, const char *where)
{
	vm_address_t a = 0;
	cthread_t r;

	diag("data_request's shapes, the pager's buffer %s", where);
	raw_port = new_port_with_send();
	seen_count = 0, raw_slow = 1, raw_ready = 0, raw_at = at;
	cthread_create(&r, raw_pager, NULL);
	if (!is_kr(vm_map(T, &a, 3 * PAGE, 0, TRUE, raw_port, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE),
		   KERN_SUCCESS, "vm_map a raw pager's object"))
		return;
	/* init answered, and the pager back in its receive: the first
	 * request is delivered into its buffer. */
	wait_for(&raw_ready);
	ok(raw_ready && wait_blocked(cthread_kernel_port(r)), "the pager waits in its receive");
	cthread_t t = touch(a); /* delivered into the waiting pager's buffer */
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50);
	is(*(volatile unsigned *)(a + PAGE), 0x7701, "a fault while the pager is busy is answered too");
	wait_for(&touched);
	is(touched_value, 0x7700, "the first fault gets its page");
	cthread_join(t);
	if (!is(seen_count, 2, "two data_requests"))
		return;
	for (int i = 0; i < 2; i++) {
		struct request_msg *m = &seen[i];
		const char *how = i == 0 ? "received waiting" : "queued";
		is(m->head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND) | MACH_MSGH_BITS_COMPLEX,
		   "%s: the header's bits", how);
		is(m->head.msgh_size, sizeof *m, "%s: its size", how);
		is(m->head.msgh_remote_port, MACH_PORT_NULL, "%s: no reply port", how);
		is(m->head.msgh_local_port, raw_port, "%s: our port's name", how);
		is(m->head.msgh_seqno, 1 + i, "%s: sequence number %d (after init's)", how, 1 + i);
		is(m->item[CONTROL].type.msgt_name, MACH_MSG_TYPE_PORT_SEND, "%s: a send right for the control port",
		   how);
		mach_port_t control = m->item[CONTROL].value;
		ok(MACH_PORT_VALID(control) && control == seen[0].item[CONTROL].value, "%s: named as before", how);
		ok(m->item[OFFSET].value == (unsigned)i * PAGE && m->item[LENGTH].value == PAGE &&
			   m->item[ACCESS].value == VM_PROT_READ,
		   "%s: offset, length, access", how);
	}
	/* The control port's send right: one user reference from init and
	 * one more with each request (data_supply's stub only copies it);
	 * given up, the next request, received waiting, names it anew. */
	mach_port_t control = seen[0].item[CONTROL].value;
	mach_port_urefs_t refs = 0;
	is_kr(mach_port_get_refs(T, control, MACH_PORT_RIGHT_SEND, &refs), KERN_SUCCESS, "the control right's count");
	is(refs, 3, "a user reference from init and from each request");
	is_kr(mach_port_mod_refs(T, control, MACH_PORT_RIGHT_SEND, -(mach_port_delta_t)refs), KERN_SUCCESS,
	      "the pager gives the control right up");
	ok(wait_blocked(cthread_kernel_port(r)), "the pager is back waiting in its receive");
	is(*(volatile unsigned *)(a + 2 * PAGE), 0x7702, "the next fault is answered");
	if (is(seen_count, 3, "a third data_request")) {
		control = seen[2].item[CONTROL].value;
		is(seen[2].head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND) | MACH_MSGH_BITS_COMPLEX,
		   "with a send right");
		refs = 0;
		ok(MACH_PORT_VALID(control) &&
			   mach_port_get_refs(T, control, MACH_PORT_RIGHT_SEND, &refs) == KERN_SUCCESS && refs == 1,
		   "the control right named anew, one user reference");
	}
	vm_deallocate(T, a, 3 * PAGE);
	mach_port_destroy(T, raw_port);
	cthread_join(r);
}

/*
 * data_supply sent with the pager thread's next receive in one mach_msg
 * (as the kit's threads send it): when the receive blocks at once, the
 * fault the page ends runs straight away; when it does not (a message
 * already queued where it receives, a name that holds no receive
 * right), the fault is woken all the same and the receive goes as it
 * would without the send; a receive with a time-out that blocks times
 * out as any other.
 */
static mach_port_t sr_port, sr_queued;
static mach_msg_return_t sr_result[3];
static mach_msg_id_t sr_got; /* the id of what the first receive got */
static volatile int sr_done;

static void supply_build(struct memory_object_data_supply_msg *m, mach_port_t control, vm_offset_t offset,
			 vm_address_t data)
{
	const mach_msg_type_t word = {.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1,
				      .msgt_inline = 1};

	memset(m, 0, sizeof(*m));
	m->hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m->hdr.msgh_size = sizeof(*m);
	m->hdr.msgh_remote_port = control;
	m->hdr.msgh_id = MEMORY_OBJECT_DATA_SUPPLY_ID;
	m->offset_type = m->lock_type = m->precious_type = m->reply_type = word;
	m->precious_type.msgt_name = MACH_MSG_TYPE_UNSTRUCTURED;
	m->reply_type.msgt_name = MACH_MSG_TYPE_MAKE_SEND_ONCE;
	m->offset = offset;
	m->data_type.msgtl_header.msgt_longform = 1;
	m->data_type.msgtl_name = MACH_MSG_TYPE_BYTE;
	m->data_type.msgtl_size = 8;
	m->data_type.msgtl_number = PAGE;
	m->data = data;
}

static void *supply_receiving_pager(void *arg)
{
	static unsigned data[PAGE / 4] __attribute__((aligned(4096)));
	union {
		mach_msg_header_t h;
		struct request_msg r;
		struct memory_object_data_supply_msg s;
		char buf[512];
	} u;

	(void)arg;
	if (mach_msg(&u.h, MACH_RCV_MSG, 0, sizeof(u), sr_port, 0, MACH_PORT_NULL) != MACH_MSG_SUCCESS ||
	    u.h.msgh_id != MEMORY_OBJECT_INIT_ID)
		return NULL;
	memory_object_ready(u.r.item[CONTROL].value, FALSE, MEMORY_OBJECT_COPY_DELAY);
	mach_msg_return_t mr = mach_msg(&u.h, MACH_RCV_MSG, 0, sizeof(u), sr_port, 0, MACH_PORT_NULL);
	for (int i = 0; i < 3 && mr == MACH_MSG_SUCCESS && u.h.msgh_id == MEMORY_OBJECT_DATA_REQUEST_ID; i++) {
		vm_offset_t offset = u.r.item[OFFSET].value;
		for (int w = 0; w < PAGE / 4; w++)
			data[w] = 0x8800 + offset / PAGE;
		supply_build(&u.s, u.r.item[CONTROL].value, offset, (vm_address_t)data);
		mach_port_t rcv = i == 0 ? sr_queued : i == 1 ? T : sr_port;
		sr_result[i] = mach_msg(&u.h, MACH_SEND_MSG | MACH_RCV_MSG | (i == 2 ? MACH_RCV_TIMEOUT : 0), sizeof(u.s),
					sizeof(u), rcv, i == 2 ? 100 : 0, MACH_PORT_NULL);
		if (i == 0)
			sr_got = u.h.msgh_id;
		sr_done = i + 1;
		if (i < 2)
			mr = mach_msg(&u.h, MACH_RCV_MSG, 0, sizeof(u), sr_port, 0, MACH_PORT_NULL);
	}
	return NULL;
}

static void test_supply_then_receive(void)
{
	static const char *const how[3] = {"a message queued where it receives", "a name with no receive right",
					   "its port, blocking at once with a time-out"};
	static const mach_msg_return_t want[3] = {MACH_MSG_SUCCESS, MACH_RCV_INVALID_NAME, MACH_RCV_TIMED_OUT};
	vm_address_t a = 0;
	cthread_t r;

	sr_port = new_port_with_send();
	sr_queued = new_port_with_send();
	mach_msg_header_t h = {.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
			       .msgh_size = sizeof(h),
			       .msgh_remote_port = sr_queued,
			       .msgh_id = 4321};
	is_kr(mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL), MACH_MSG_SUCCESS,
	      "a message waits on another port");
	sr_done = 0;
	cthread_create(&r, supply_receiving_pager, NULL);
	if (!is_kr(vm_map(T, &a, 3 * PAGE, 0, TRUE, sr_port, 0, FALSE, VM_PROT_READ, VM_PROT_ALL, VM_INHERIT_NONE),
		   KERN_SUCCESS, "vm_map a pager that sends data_supply with its receive"))
		return;
	for (int i = 0; i < 3; i++) {
		is(*(volatile unsigned *)(a + i * PAGE), 0x8800 + i, "data_supply with a receive on %s: the fault gets its page",
		   how[i]);
		for (int k = 0; k < 500 && sr_done <= i; k++)
			thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
		is_kr(sr_result[i], want[i], "and the receive's result");
	}
	is(sr_got, 4321, "the message queued was the one received");
	cthread_join(r);
	vm_deallocate(T, a, 3 * PAGE);
	mach_port_destroy(T, sr_port);
	mach_port_destroy(T, sr_queued);
}

/*
 * data_request forged by anyone with a send right to a kit pager's port
 * (the kit decodes it itself, as its MIG stub would; a kit thread takes
 * a one-page request in its own loop, anything else through
 * pager_demux): a well-formed one is answered with data_supply to the
 * control port it names (ours here), the right it brought moved back
 * with it (one page) or dropped after the pages went (several); a
 * malformed one (a bad type, size or header) gets no answer and its
 * right is released.
 */
struct forged_request {
	mach_msg_header_t head;
	struct {
		mach_msg_type_t type;
		unsigned value;
	} item[4];
	unsigned extra; /* sent only by FORGE_LONG */
};

enum forgery { FORGE_GOOD, FORGE_BAD_TYPE, FORGE_LONG, FORGE_SIMPLE, FORGE_TWO_PAGES, FORGE_NO_PAGES };

static void forge_request(mach_port_t pager, mach_port_t control, enum forgery how)
{
	const mach_msg_type_t word = {.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1,
				      .msgt_inline = 1};
	struct forged_request m = {.head = {.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) |
							 MACH_MSGH_BITS_COMPLEX,
					    .msgh_size = offsetof(struct forged_request, extra),
					    .msgh_remote_port = pager,
					    .msgh_id = MEMORY_OBJECT_DATA_REQUEST_ID}};
	for (int i = 0; i < 4; i++)
		m.item[i].type = word;
	m.item[0].type.msgt_name = MACH_MSG_TYPE_MAKE_SEND;
	m.item[0].value = control;
	m.item[1].value = 3 * PAGE; /* offset */
	m.item[2].value = PAGE;	    /* length */
	m.item[3].value = VM_PROT_READ;
	if (how == FORGE_BAD_TYPE)
		m.item[1].type.msgt_size = 16;
	else if (how == FORGE_LONG)
		m.head.msgh_size = sizeof(m);
	else if (how == FORGE_SIMPLE) /* control is then a mere number, no right */
		m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	else if (how == FORGE_TWO_PAGES)
		m.item[2].value = 2 * PAGE;
	else if (how == FORGE_NO_PAGES)
		m.item[2].value = 0;
	mach_msg(&m.head, MACH_SEND_MSG, m.head.msgh_size, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
}

static unsigned send_rights(mach_port_t port)
{
	mach_port_status_t st;
	return mach_port_get_receive_status(T, port, &st) == KERN_SUCCESS ? (unsigned)st.mps_srights : ~0u;
}

union supply_buf {
	struct memory_object_data_supply_msg m;
	char buf[256];
};

/* A data_supply of the page read for offset arrives on control. */
static void expect_supply(mach_port_t control, vm_offset_t offset, const char *what)
{
	union supply_buf u;
	is_kr(mach_msg(&u.m.hdr, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(u), control, 5000, MACH_PORT_NULL),
	      MACH_MSG_SUCCESS, "%s: an answer comes to its control port", what);
	is(u.m.hdr.msgh_id, MEMORY_OBJECT_DATA_SUPPLY_ID, "data_supply");
	is(u.m.offset, offset, "for the offset asked (%#x)", (unsigned)offset);
	ok(u.m.data_type.msgtl_number == PAGE && ((unsigned *)u.m.data)[0] == 0x11111111, "with the page read");
	vm_deallocate(T, u.m.data, PAGE);
}

static void expect_no_answer(mach_port_t control, const char *what)
{
	union supply_buf u;
	is_kr(mach_msg(&u.m.hdr, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(u), control, 300, MACH_PORT_NULL),
	      MACH_RCV_TIMED_OUT, "%s: no answer", what);
}

/* A malformed request: no answer, and the right it brought released. */
static void expect_refused(mach_port_t pager, mach_port_t control, enum forgery how, const char *what)
{
	forge_request(pager, control, how);
	expect_no_answer(control, what);
	is(send_rights(control), 0, "%s: the right it brought is released", what);
}

static void test_forged_requests(void)
{
	mach_port_t mo, control = new_port();
	struct pager *pg = pager_create(&ops, NULL, 0, &mo);
	if (!ok(pg != NULL && pager_start(pg, 1) == KERN_SUCCESS, "a kit pager for forged requests"))
		return;
	replying = 1;
	forge_request(mo, control, FORGE_GOOD);
	expect_supply(control, 3 * PAGE, "a well-formed data_request");
	is(send_rights(control), 0, "the right the request brought came back with it");
	forge_request(mo, control, FORGE_TWO_PAGES);
	expect_supply(control, 3 * PAGE, "a data_request of two pages");
	expect_supply(control, 4 * PAGE, "and its second page");
	is(send_rights(control), 0, "the right it brought is dropped once both went");

	expect_refused(mo, control, FORGE_BAD_TYPE, "a data_request with a bad type");
	expect_refused(mo, control, FORGE_LONG, "a data_request one word too long");
	expect_refused(mo, control, FORGE_NO_PAGES, "a data_request of no pages");
	/* Not complex: its "control" is our name for a port we hold a send
	 * right to, which taking the request would have moved away. */
	mach_port_t ours = new_port_with_send();
	forge_request(mo, ours, FORGE_SIMPLE);
	expect_no_answer(ours, "a data_request not marked complex");
	is(send_rights(ours), 1, "and our own right is untouched");
	mach_port_destroy(T, ours);

	forge_request(mo, control, FORGE_GOOD);
	expect_supply(control, 3 * PAGE, "after them all, a well-formed one");
	mach_port_destroy(T, control);
}

int main(void)
{
	exc_port = new_port_with_send();
	is_kr(task_set_special_port(T, TASK_EXCEPTION_PORT, exc_port), KERN_SUCCESS, "catch our exceptions");
	test_bad_vm_map();
	test_bad_replies();
	test_supply_shapes();
	test_request_shapes(PAGE - 20, "across a page boundary");
	test_request_shapes(PAGE, "within a page");
	test_supply_then_receive();
	test_forged_requests();
	test_map_changes_meanwhile();
	test_no_reply();
	test_pager_dies();
	test_destroy();
	test_terminate_waiting();
	test_pager_task_dies();
	return tap_done();
}
