/*
 * The default pager at work (test/default_pager/dp.sh boots this after
 * bootstrap has started default_pager with a swap partition; QEMU -m 24).
 *
 *   dptest pattern HOST_PORT        several times the machine's memory
 *                                   written and read back; two tasks and a
 *                                   copy-on-write child at once; a hog
 *                                   killed gives its swap back; vm_write
 *                                   of 1.5 times the memory to a task
 *   dptest full HOST_PORT DEVICE    a small swap area: the hog sees
 *                                   KERN_MEMORY_ERROR, others are
 *                                   unharmed; areas added at run time;
 *                                   bad requests refused
 *
 * Children are copies of this task (task_create inheriting memory) that
 * run child_main on a job set up before they were made, touching only
 * their own memory and reporting with one message.
 */
#include <stdlib.h>
#include <string.h>
#include <mach/default_pager.h>
#include <mach/exc_server.h>
#include <mach/exception.h>
#include <mach/memory_object_default.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define PAGE 4096u
#define WORDS (PAGE / 4)
#define CHILD_REPORT 77	      /* the report port's name in a child */
#define REPORT_WAIT_MS 120000 /* a guard against a hang, not a timing check */
#define FREE_WAIT_MS 20000    /* termination reaches the pager asynchronously */
#define MSG_ID_BOGUS 2299     /* inside no subsystem the pager serves */

static mach_port_t host_priv, pager;

static unsigned pattern(unsigned seed, unsigned page, unsigned word)
{
	return (page * WORDS + word) * 2654435761u ^ seed;
}

static void fill(volatile unsigned *m, unsigned npages, unsigned seed)
{
	for (unsigned p = 0; p < npages; p++)
		for (unsigned w = 0; w < WORDS; w++)
			m[p * WORDS + w] = pattern(seed, p, w);
}

/* Pages with at least one wrong word. */
static unsigned wrong_pages(volatile unsigned *m, unsigned npages, unsigned seed)
{
	unsigned bad = 0;
	for (unsigned p = 0; p < npages; p++)
		for (unsigned w = 0; w < WORDS; w++)
			if (m[p * WORDS + w] != pattern(seed, p, w)) {
				bad++;
				break;
			}
	return bad;
}

/* ---- children ---- */

enum job_op { JOB_WRITE_VERIFY, JOB_VERIFY_WRITE_VERIFY, JOB_WRITE_WAIT, JOB_WRITE_READ };
static struct job {
	enum job_op op;
	volatile unsigned *addr;
	unsigned npages, seed, old_seed;
} job;

static void __attribute__((noreturn, used)) child_main(void)
{
	int result = 0;
	switch (job.op) {
	case JOB_VERIFY_WRITE_VERIFY:
		result = (int)wrong_pages(job.addr, job.npages, job.old_seed);
		/* fall through */
	case JOB_WRITE_VERIFY:
	case JOB_WRITE_READ:
		fill(job.addr, job.npages, job.seed);
		result += (int)wrong_pages(job.addr, job.npages, job.seed);
		break;
	case JOB_WRITE_WAIT:
		fill(job.addr, job.npages, job.seed);
		break;
	}
	send_int(CHILD_REPORT, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, result, 0, 0);
	for (;;)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 1000);
}

/* A copy of us running child_main on the current job; reports to report.
 * Its exception port is exc if that is valid. */
static task_t child_start(mach_port_t report, mach_port_t exc)
{
	task_t child;
	thread_t th;
	vm_address_t stack = 0;
	struct i386_thread_state st;

	if (task_create(T, TRUE, &child) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	if (mach_port_insert_right(child, CHILD_REPORT, report, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS ||
	    (MACH_PORT_VALID(exc) &&
	     task_set_special_port(child, TASK_EXCEPTION_PORT, exc) != KERN_SUCCESS) ||
	    vm_allocate(child, &stack, 16 * PAGE, TRUE) != KERN_SUCCESS ||
	    thread_create(child, &th) != KERN_SUCCESS) {
		task_terminate(child);
		mach_port_deallocate(T, child);
		return MACH_PORT_NULL;
	}
	memset(&st, 0, sizeof st);
	st.eip = (unsigned)child_main;
	st.uesp = stack + 16 * PAGE - 8;
	thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
	thread_resume(th);
	mach_port_deallocate(T, th);
	return child;
}

static int child_report(mach_port_t report, int *value)
{
	struct rcv_buf buf;
	if (receive(report, &buf, REPORT_WAIT_MS) != MACH_MSG_SUCCESS)
		return 0;
	*value = ((struct int_msg *)&buf)->value;
	return 1;
}

static void child_end(task_t child)
{
	task_terminate(child);
	mach_port_deallocate(T, child);
}

/* ---- statistics ---- */

static unsigned machine_pages(void)
{
	struct vm_statistics vs;
	vm_statistics(T, &vs);
	return (unsigned)(vs.free_count + vs.active_count + vs.inactive_count + vs.wire_count);
}

static void stats(struct vm_statistics *vs)
{
	vm_statistics(T, vs);
}

static default_pager_info_t info(void)
{
	default_pager_info_t i = {0, 0, 0};
	default_pager_info(pager, &i);
	return i;
}

static unsigned used_pages(void)
{
	default_pager_info_t i = info();
	return (unsigned)((i.dpi_total_space - i.dpi_free_space) / PAGE);
}

/* What default_pager_objects lists: how many objects, the pages of
 * swap they hold in all, and the largest of them. */
struct objects {
	unsigned count, pages, largest;
};

static struct objects objects(void)
{
	struct objects r = {0, 0, 0};
	default_pager_object_array_t list = NULL;
	mach_port_array_t ports = NULL;
	mach_msg_type_number_t n = 0, np = 0;
	if (default_pager_objects(pager, &list, &n, &ports, &np) != KERN_SUCCESS)
		return (struct objects){~0u, ~0u, ~0u};
	for (unsigned i = 0; i < n; i++) {
		unsigned pages = list[i].dpo_size / PAGE;
		r.pages += pages;
		if (pages > r.largest)
			r.largest = pages;
		if (MACH_PORT_VALID(ports[i]))
			mach_port_deallocate(T, ports[i]);
	}
	r.count = n;
	vm_deallocate(T, (vm_address_t)list, n * sizeof(*list));
	vm_deallocate(T, (vm_address_t)ports, np * sizeof(*ports));
	return r;
}

/* Wait until no object holds more than limit pages (the ones the test
 * made are gone: termination reaches the pager asynchronously), then
 * check that the blocks in use are exactly the listed objects': the
 * gone objects' blocks are back in default_pager_info's free space.
 * (Other tasks' pages keep moving meanwhile, so used is not compared
 * with a number taken earlier.) */
static void check_freed(unsigned limit, unsigned peak_used, unsigned freed_at_least, const char *what)
{
	struct objects o = objects();
	for (unsigned waited = 0; o.largest > limit && waited < FREE_WAIT_MS; waited += 50) {
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50);
		o = objects();
	}
	/* The pageout daemon and the default pager go on meanwhile (the disk
	 * works by interrupt): the two are read again until they agree. */
	unsigned used = used_pages();
	for (unsigned waited = 0; o.pages != used && waited < FREE_WAIT_MS; waited += 50) {
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50);
		o = objects();
		used = used_pages();
	}
	cmp_ok(o.largest, "<=", limit, "%s: their objects are gone", what);
	is(o.pages, used, "%s: the blocks in use are exactly the listed objects' (%u)", what, used);
	diag("%s: %u pages of swap in use, %u at the peak, %u freed at least", what, used, peak_used,
	     freed_at_least);
}

static volatile unsigned *region(unsigned npages)
{
	vm_address_t a = 0;
	return vm_allocate(T, &a, npages * PAGE, TRUE) == KERN_SUCCESS ? (volatile unsigned *)a : NULL;
}

static void region_free(volatile unsigned *m, unsigned npages)
{
	vm_deallocate(T, (vm_address_t)m, npages * PAGE);
}

static struct host_vm_pageout_info pageout_info(void)
{
	struct host_vm_pageout_info i = {0, 0, 0, 0, 0, 0};
	mach_msg_type_number_t n = HOST_VM_PAGEOUT_INFO_COUNT;
	if (host_info(host_priv, HOST_VM_PAGEOUT_INFO, (host_info_t)&i, &n) != KERN_SUCCESS)
		i.scans = ~0u; /* shows up as a wrong count below */
	return i;
}

/* ---- dptest pattern ---- */

/*
 * How much the pageout daemon may work for each page it reclaims while one
 * task writes 3 times the memory, every dirty page of one object (a pager
 * behind with its 32 pages in flight most of the time).  It once walked
 * the whole inactive queue for every page sent, putting the object's
 * pages back on the active queue, where they passed the pages being
 * written: about 3,000 pages examined and deactivated a page reclaimed,
 * thousands of pages taken while still being written and paged in again,
 * 6 times the instructions (bench/README, dp.pattern_test_per_page).
 * About 6 and 1 now, and a handful of page-ins.
 */
#define EXAMINED_PER_RECLAIMED 16
#define DEACTIVATED_PER_RECLAIMED 4

static void test_pattern(unsigned mem)
{
	unsigned n = 3 * mem, before = used_pages();
	struct vm_statistics s0, s1, s2;
	volatile unsigned *m = region(n);

	if (!ok(m != NULL, "%u pages (3 times the machine's %u)", n, mem))
		return;
	stats(&s0);
	struct host_vm_pageout_info d0 = pageout_info();
	fill(m, n, 0x11111111);
	struct host_vm_pageout_info d1 = pageout_info();
	stats(&s1);
	unsigned peak = used_pages();
	is(wrong_pages(m, n, 0x11111111), 0, "every page read back right");
	stats(&s2);
	cmp_ok(s1.pageouts - s0.pageouts, ">=", n - mem, "pages went out (%d)", s1.pageouts - s0.pageouts);
	cmp_ok(peak, ">=", before + n - mem, "the pager holds them in swap (%u pages used)", peak);
	cmp_ok(s2.pageins - s1.pageins, ">=", n - mem, "and they came back (%d page-ins)",
	       s2.pageins - s1.pageins);
	/* Written once in order, the oldest pages go first: none is taken
	 * while it is still being written (and comes back in). */
	cmp_ok(s1.pageins - s0.pageins, "<=", mem / 32, "writing them paged in (almost) nothing (%d page-ins)",
	       s1.pageins - s0.pageins);
	unsigned reclaimed = d1.reclaimed - d0.reclaimed, examined = d1.examined - d0.examined,
		 deactivated = d1.deactivated - d0.deactivated;
	cmp_ok(reclaimed, ">=", n - mem, "the pageout daemon reclaimed the pages that went out (%u)", reclaimed);
	cmp_ok(examined, "<=", EXAMINED_PER_RECLAIMED * reclaimed,
	       "it examined at most %u inactive pages a page reclaimed (%u in %u scans; %u passed over)",
	       EXAMINED_PER_RECLAIMED, examined, d1.scans - d0.scans, d1.behind - d0.behind);
	cmp_ok(deactivated, "<=", DEACTIVATED_PER_RECLAIMED * reclaimed,
	       "and deactivated at most %u pages a page reclaimed (%u)", DEACTIVATED_PER_RECLAIMED, deactivated);
	region_free(m, n);
	check_freed(mem / 2, peak, n - mem, "the region freed");
}

/*
 * vm_write of a region larger than the machine into another task: the
 * region is mostly in swap, and the copy's pages go back there while
 * the destination's pages are made, so writing them must page them in
 * again (it once wrote zeros instead: a process started from a data
 * module under memory pressure ran a library of zeros).
 */
#define READ_BACK_PAGES 64u
static void test_vm_write_paged_out(unsigned mem)
{
	unsigned n = mem + mem / 2, bad = 0;
	volatile unsigned *m = region(n);
	task_t child = MACH_PORT_NULL;
	vm_address_t at = 0;

	if (!ok(m != NULL && task_create(T, FALSE, &child) == KERN_SUCCESS &&
			vm_allocate(child, &at, n * PAGE, TRUE) == KERN_SUCCESS,
		"a region of %u pages (1.5 times the machine) and a task with room for it", n))
		return;
	fill(m, n, 0x33333333);
	is_kr(vm_write(child, at, (vm_offset_t)m, n * PAGE), KERN_SUCCESS, "vm_write of it to the other task");
	region_free(m, n);
	for (unsigned p = 0; p < n; p += READ_BACK_PAGES) {
		unsigned k = n - p < READ_BACK_PAGES ? n - p : READ_BACK_PAGES;
		vm_offset_t data;
		mach_msg_type_number_t count;
		if (vm_read(child, at + p * PAGE, k * PAGE, &data, &count) != KERN_SUCCESS) {
			bad += k;
			continue;
		}
		const unsigned *d = (const unsigned *)data;
		for (unsigned i = 0; i < k; i++)
			for (unsigned w = 0; w < WORDS; w++)
				if (d[i * WORDS + w] != pattern(0x33333333, p + i, w)) {
					bad++;
					break;
				}
		vm_deallocate(T, data, count);
	}
	is(bad, 0, "every page arrived as written (vm_read back)");
	task_terminate(child);
	mach_port_deallocate(T, child);
}

/* Two tasks at once, and a copy-on-write child of one of them. */
static void test_concurrent(unsigned mem)
{
	unsigned nr = mem / 2, nw = mem / 2;
	mach_port_t report_w = new_port(), report_c = new_port();
	volatile unsigned *r = region(nr), *w = region(nw);
	int vw = -1, vc = -1;

	if (!ok(r != NULL && w != NULL, "regions of %u and %u pages", nr, nw))
		return;
	fill(r, nr, 0x22222222);
	job = (struct job){JOB_WRITE_VERIFY, w, nw, 0x33333333, 0};
	task_t tw = child_start(report_w, MACH_PORT_NULL);
	region_free(w, nw); /* the worker's is its own copy */
	job = (struct job){JOB_VERIFY_WRITE_VERIFY, r, nr, 0x44444444, 0x22222222};
	task_t tc = child_start(report_c, MACH_PORT_NULL);
	if (!ok(MACH_PORT_VALID(tw) && MACH_PORT_VALID(tc), "a worker task and a copy-on-write child run"))
		return;
	/* Meanwhile we read ours, then write over it while they still work. */
	is(wrong_pages(r, nr, 0x22222222), 0, "the parent reads its pages while they run");
	ok(child_report(report_w, &vw), "the worker reports");
	is(vw, 0, "the worker's %u pages are all its own data", nw);
	ok(child_report(report_c, &vc), "the copy-on-write child reports");
	is(vc, 0, "the child saw the parent's data, then its own writes");
	is(wrong_pages(r, nr, 0x22222222), 0, "the parent still sees its own data after the child wrote");
	unsigned peak = used_pages();
	child_end(tw);
	child_end(tc);
	region_free(r, nr);
	mach_port_destroy(T, report_w);
	mach_port_destroy(T, report_c);
	check_freed(mem / 4, peak, 0, "the three tasks ended");
}

/* A hog that writes twice the memory and waits; killing it frees its swap. */
static void test_kill_hog(unsigned mem)
{
	unsigned n = 3 * mem / 2, before = used_pages();
	mach_port_t report = new_port();
	volatile unsigned *m = region(n);
	int v = -1;

	job = (struct job){JOB_WRITE_WAIT, m, n, 0x55555555, 0};
	task_t hog = child_start(report, MACH_PORT_NULL);
	region_free(m, n);
	if (!ok(MACH_PORT_VALID(hog) && child_report(report, &v), "a hog wrote %u pages", n))
		return;
	/* Pages on their way out (sent, not yet written) count once written. */
	unsigned peak = used_pages();
	for (unsigned waited = 0; peak < before + n - mem && waited < FREE_WAIT_MS; waited += 50) {
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50);
		peak = used_pages();
	}
	cmp_ok(peak, ">=", before + n - mem, "its pages are in swap (%u used)", peak);
	struct objects o = objects();
	cmp_ok(o.largest, ">=", n - mem, "default_pager_objects lists its object (%u pages)", o.largest);
	child_end(hog);
	check_freed(mem / 4, peak, o.largest, "the hog killed");
	mach_port_destroy(T, report);
}

/* ---- dptest full ---- */

static int exc_seen, exc_code;

kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task, int exception,
				    int code, int subcode)
{
	(void)port, (void)subcode;
	exc_seen = exception, exc_code = code;
	mach_port_deallocate(T, thread);
	mach_port_deallocate(T, task);
	return KERN_FAILURE; /* no one else handles it: the task ends */
}

static void test_swap_full(unsigned mem)
{
	default_pager_info_t i0 = info();
	unsigned swap = (unsigned)(i0.dpi_total_space / PAGE), nb = 64, n = mem + 2 * swap;
	mach_port_t report = new_port(), exc = new_port_with_send();
	volatile unsigned *b = region(nb), *m = region(n);
	int v = -1;

	diag("swap: %u pages; the hog writes %u", swap, n);
	fill(b, nb, 0x66666666); /* ours, written before the hog starts */
	job = (struct job){JOB_WRITE_READ, m, n, 0x77777777, 0};
	task_t hog = child_start(report, exc);
	region_free(m, n);
	if (!ok(MACH_PORT_VALID(hog), "a hog writes %u pages with %u of swap", n, swap))
		return;
	is_kr(mach_msg_server_once(exc_server, 8192, exc, MACH_RCV_TIMEOUT, REPORT_WAIT_MS), MACH_MSG_SUCCESS,
	      "the hog, reading back, gets an exception");
	is(exc_seen, EXC_BAD_ACCESS, "EXC_BAD_ACCESS");
	is(exc_code, KERN_MEMORY_ERROR, "code KERN_MEMORY_ERROR: a page swap had no room for");
	struct rcv_buf buf;
	is_kr(mach_msg(&buf.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(buf), report, 0, MACH_PORT_NULL),
	      MACH_RCV_TIMED_OUT, "it never reported all its data back");
	(void)v;
	child_end(hog);
	is(wrong_pages(b, nb, 0x66666666), 0, "another task's pages are unharmed");
	check_freed(swap / 4, swap, 0, "the hog killed");
	region_free(b, nb);
	mach_port_destroy(T, report);
	mach_port_destroy(T, exc);
}

/* Swap areas added and removed through default_pager.defs. */
static void test_areas(mach_port_t device)
{
	default_pager_info_t i0 = info(), i1, i2;

	is_kr(default_pager_paging_file(pager, device, "hd0s2", TRUE), KERN_SUCCESS,
	      "hd0s2 added at run time");
	i1 = info();
	cmp_ok(i1.dpi_total_space, ">", i0.dpi_total_space, "the total grew (%u KiB)",
	       (unsigned)(i1.dpi_total_space / 1024));
	cmp_ok(i1.dpi_free_space, ">=", i1.dpi_total_space - i0.dpi_total_space, "its space is free");
	is_kr(default_pager_paging_file(pager, device, "hd0s2", TRUE), KERN_NAME_EXISTS,
	      "adding it twice: refused");
	ok(default_pager_paging_file(pager, device, "hd7", TRUE) != KERN_SUCCESS,
	   "a device that is not there");
	ok(default_pager_paging_file(pager, device, "hd0:100+", TRUE) != KERN_SUCCESS, "a malformed extent");
	ok(default_pager_paging_file(pager, device, "hd0:2048+16,2056+16", TRUE) != KERN_SUCCESS,
	   "overlapping extents");
	ok(default_pager_paging_file(pager, device, "hd0:1+4", TRUE) != KERN_SUCCESS,
	   "an extent of less than a page");
	is_kr(default_pager_paging_file(pager, device, "hd0s2", FALSE), KERN_SUCCESS, "and removed");
	i2 = info();
	is(i2.dpi_total_space, i0.dpi_total_space, "the total is back");
	is_kr(default_pager_paging_file(pager, device, "hd0s4", FALSE), KERN_INVALID_ARGUMENT,
	      "removing an area that is not there");
	is_kr(default_pager_paging_file(pager, device, "hd0:16384+2048", TRUE), KERN_SUCCESS,
	      "extents of a disk as an area");
	is(info().dpi_total_space - i0.dpi_total_space, 2048 * 512, "of the size given");
	is_kr(default_pager_paging_file(pager, device, "hd0", FALSE), KERN_SUCCESS, "removed too");
}

/* A raw message to the pager's port; returns the reply's RetCode (or the
 * send/receive error) with a reply port, or the send result without. */
static kern_return_t raw_request(mach_port_t dest, mach_msg_header_t *m, mach_msg_size_t size, int want_reply)
{
	mach_port_t reply = want_reply ? new_port() : MACH_PORT_NULL;
	union {
		mig_reply_header_t r;
		char bytes[4096];
	} buf;
	if (size > sizeof(buf))
		return KERN_INVALID_ARGUMENT;
	memcpy(&buf, m, size);
	buf.r.Head.msgh_bits |=
	    MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, want_reply ? MACH_MSG_TYPE_MAKE_SEND_ONCE : 0);
	buf.r.Head.msgh_size = size;
	buf.r.Head.msgh_remote_port = dest;
	buf.r.Head.msgh_local_port = reply;
	mach_msg_return_t mr =
	    mach_msg(&buf.r.Head, MACH_SEND_MSG | (want_reply ? MACH_RCV_MSG | MACH_RCV_TIMEOUT : 0), size,
		     sizeof(buf), reply, 10000, MACH_PORT_NULL);
	if (want_reply) {
		if (mr == MACH_MSG_SUCCESS)
			mr = buf.r.RetCode;
		mach_port_destroy(T, reply);
	}
	return mr;
}

static void test_bad_input(void)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_t t;
		unsigned words[64];
	} m;
	mach_port_t object = MACH_PORT_NULL, fake = new_port_with_send();

	memset(&m, 0, sizeof m);
	m.head.msgh_id = MSG_ID_BOGUS;
	is_kr(raw_request(pager, &m.head, sizeof(m.head), 1), MIG_BAD_ID,
	      "an unknown message id: MIG_BAD_ID");
	memset(&m, 0, sizeof m);
	m.head.msgh_id = 2276; /* default_pager_info, with a body it does not take */
	is_kr(raw_request(pager, &m.head, sizeof m, 1), MIG_BAD_ARGUMENTS, "default_pager_info too long");
	memset(&m, 0, sizeof m);
	m.head.msgh_id = 2279; /* paging_file, cut short */
	is_kr(raw_request(pager, &m.head, sizeof(m.head) + 4, 1), MIG_BAD_ARGUMENTS, "paging_file cut short");
	is_kr(default_pager_object_pages(pager, fake, &(default_pager_page_array_t){0},
					 &(mach_msg_type_number_t){0}),
	      KERN_INVALID_ARGUMENT, "object_pages of a port that names no object");
	is_kr(default_pager_register_fileserver(pager, fake), KERN_FAILURE,
	      "register_fileserver: refused (the pager never uses a file system)");

	/* memory_object calls with a control port the kernel never gave. */
	if (is_kr(default_pager_object_create(pager, &object, 16 * PAGE), KERN_SUCCESS,
		  "default_pager_object_create")) {
		/* (create moves a send right of its destination and the
		 * receive right of a port of our own) */
		mach_port_mod_refs(T, object, MACH_PORT_RIGHT_SEND, 1);
		mach_port_mod_refs(T, pager, MACH_PORT_RIGHT_SEND, 1);
		memory_object_data_initialize(object, fake, 0, (vm_offset_t)&m, PAGE);
		memory_object_create(object, new_port(), 16 * PAGE, fake, fake, PAGE);
		memory_object_create(pager, new_port(), 16 * PAGE, fake, fake, 1234);
		memory_object_data_initialize(pager, fake, 0, (vm_offset_t)&m, PAGE);
		memset(&m, 0, sizeof m);
		m.head.msgh_id = 2203; /* data_request, garbage body */
		raw_request(object, &m.head, sizeof m, 0);
		m.head.msgh_id = 2201; /* terminate, garbage body */
		raw_request(object, &m.head, sizeof m, 0);
		/* The object still works: mapped, written, read. */
		vm_address_t a = 0;
		if (is_kr(vm_map(T, &a, 16 * PAGE, 0, TRUE, object, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE,
				 VM_PROT_ALL, VM_INHERIT_NONE),
			  KERN_SUCCESS, "vm_map the object")) {
			volatile unsigned *p = (volatile unsigned *)a;
			is(p[5 * WORDS], 0, "a page never written reads as zero");
			fill(p, 16, 0x88888888);
			is(wrong_pages(p, 16, 0x88888888), 0, "and keeps what is written");
			vm_deallocate(T, a, 16 * PAGE);
		}
	}
	default_pager_info_t i = info();
	is(i.dpi_page_size, PAGE, "after all that the pager still answers");
	mach_port_destroy(T, fake);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		tap_bail("usage: dptest pattern|full HOST_PORT [DEVICE_PORT]");
	host_priv = (mach_port_t)strtoul(argv[2], NULL, 0);
	pager = MACH_PORT_NULL;
	if (!is_kr(vm_set_default_memory_manager(host_priv, &pager), KERN_SUCCESS,
		   "ask the kernel for the pager") ||
	    !ok(MACH_PORT_VALID(pager), "bootstrap started a default pager"))
		return tap_done();
	default_pager_info_t i = info();
	is(i.dpi_page_size, PAGE, "default_pager_info: page size");
	cmp_ok(i.dpi_total_space, ">", 0, "swap space: %u KiB", (unsigned)(i.dpi_total_space / 1024));
	unsigned mem = machine_pages();
	diag("the machine has %u pages", mem);
	if (strcmp(argv[1], "pattern") == 0) {
		test_pattern(mem);
		test_concurrent(mem);
		test_kill_hog(mem);
		test_vm_write_paged_out(mem);
	} else if (strcmp(argv[1], "full") == 0 && argc > 3) {
		test_swap_full(mem);
		test_areas((mach_port_t)strtoul(argv[3], NULL, 0));
		test_bad_input();
	} else {
		tap_bail("unknown test %s", argv[1]);
	}
	return tap_done();
}
