/*
 * Memory pressure (booted with QEMU -m 16): a pager's object larger than
 * the machine's memory is written page by page, so the pageout daemon
 * must send modified pages back to the pager (memory_object_data_return)
 * to make room; every returned page must carry exactly what was written,
 * and reading the whole object back afterwards (pages coming in again
 * from the pager) must find it all.  Meanwhile a second pager is stuck
 * with the pages it was sent: that must not stop paging to the first.
 */
#include <string.h>
#include <pager.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define PAGE 4096
#define NPAGES 6000 /* 23.4 MiB, with about 14 MiB of RAM */

static unsigned char written[NPAGES]; /* the pager has the written data */
static volatile int returns, bad_returns, requests;

static unsigned original(unsigned page, unsigned word)
{
	return page << 12 | word;
}

static unsigned modified(unsigned page, unsigned word)
{
	return (page * 7919u + word) ^ 0xdead0000u;
}

static kern_return_t pressure_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	unsigned n = offset / PAGE, *w = buf;
	(void)ctx, (void)lock;
	requests++;
	if (n >= NPAGES)
		return KERN_INVALID_ADDRESS;
	for (unsigned i = 0; i < PAGE / 4; i++)
		w[i] = written[n] ? modified(n, i) : original(n, i);
	return KERN_SUCCESS;
}

/* The pager keeps no data: it checks that a returned page is exactly the
 * modified pattern and remembers that it was. */
static kern_return_t pressure_write(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty)
{
	unsigned n = offset / PAGE;
	const unsigned *w = buf;
	(void)ctx, (void)dirty;
	returns++;
	int good = n < NPAGES;
	for (unsigned i = 0; good && i < PAGE / 4; i++)
		good = w[i] == modified(n, i);
	if (good)
		written[n] = 1;
	else
		bad_returns++;
	return KERN_SUCCESS;
}

static const struct pager_ops ops = {.read = pressure_read, .write = pressure_write};

/* A second pager that is stuck: its one thread takes the first page the
 * kernel returns and then waits until we let it go; the pages after it
 * wait in its queue.  Paging to the first pager must go on meanwhile. */
#define STUCK_PAGES 512
static volatile int stuck_release, stuck_returns, stuck_bad;

static unsigned stuck_pattern(unsigned page, unsigned word)
{
	return page * 31u + word + 0x5700000u;
}

static kern_return_t stuck_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	(void)ctx, (void)offset, (void)lock;
	memset(buf, 0, PAGE); /* never written: asked for only at the first touch */
	return KERN_SUCCESS;
}

static kern_return_t stuck_write(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty)
{
	const unsigned *w = buf;
	(void)ctx, (void)dirty;
	while (!stuck_release)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 100);
	stuck_returns++;
	for (unsigned i = 0; i < PAGE / 4; i++)
		if (w[i] != stuck_pattern(offset / PAGE, i)) {
			stuck_bad++;
			break;
		}
	return KERN_SUCCESS;
}

static const struct pager_ops stuck_ops = {.read = stuck_read, .write = stuck_write};

int main(void)
{
	mach_port_t mo;
	vm_address_t a = 0;
	struct pager *pg = pager_create(&ops, NULL, 0, &mo);

	if (!ok(pg != NULL && pager_start(pg, 2) == KERN_SUCCESS, "a pager"))
		return tap_done();
	if (!is_kr(vm_map(T, &a, NPAGES * PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
			  VM_INHERIT_NONE),
		   KERN_SUCCESS, "vm_map %u pages, more than the memory", NPAGES))
		return tap_done();
	/* The stuck pager's pages are written first: the oldest, the first
	 * the pageout daemon takes. */
	mach_port_t smo;
	vm_address_t sa = 0;
	struct pager *spg = pager_create(&stuck_ops, NULL, 0, &smo);
	if (!ok(spg != NULL && pager_start(spg, 1) == KERN_SUCCESS, "a pager that gets stuck") ||
	    !is_kr(vm_map(T, &sa, STUCK_PAGES * PAGE, 0, TRUE, smo, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE,
			  VM_PROT_ALL, VM_INHERIT_NONE),
		   KERN_SUCCESS, "map its object"))
		return tap_done();
	for (unsigned n = 0; n < STUCK_PAGES; n++)
		for (unsigned i = 0; i < PAGE / 4; i++)
			((volatile unsigned *)sa)[n * PAGE / 4 + i] = stuck_pattern(n, i);
	volatile unsigned *m = (volatile unsigned *)a;
	for (unsigned n = 0; n < NPAGES; n++)
		for (unsigned i = 0; i < PAGE / 4; i++)
			m[n * PAGE / 4 + i] = modified(n, i);
	ok(1, "every page written (while the other pager was stuck)");
	cmp_ok(returns, ">", 0, "the pageout daemon returned modified pages (%d)", returns);
	is(bad_returns, 0, "each with exactly what was written");
	int r0 = requests;
	unsigned wrong = 0;
	for (unsigned n = 0; n < NPAGES; n++)
		for (unsigned i = 0; i < PAGE / 4; i += 97)
			wrong += m[n * PAGE / 4 + i] != modified(n, i);
	is(wrong, 0, "reading it all back finds every write");
	cmp_ok(requests, ">", r0, "pages came back from the pager (%d data_requests)", requests - r0);
	is(bad_returns, 0, "and no returned page was wrong");
	vm_deallocate(T, a, NPAGES * PAGE);
	stuck_release = 1;
	for (int i = 0; i < 200 && stuck_returns == 0; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	cmp_ok(stuck_returns, ">", 0, "the stuck pager, let go, gets its pages (%d)", stuck_returns);
	is(stuck_bad, 0, "with their data");
	vm_deallocate(T, sa, STUCK_PAGES * PAGE);
	return tap_done();
}
