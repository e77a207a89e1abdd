/*
 * The pageout daemon (see vm_pageout.h).  A second-chance scheme without
 * reference bits: pages move from the head of the active queue to the
 * inactive queue unmapped, so a page still in use faults back in at once
 * (a "reactivation", no I/O) and returns to the active queue; a page that
 * reaches the head of the inactive queue untouched is reclaimed: freed if
 * its pager has it unchanged, else moved (not copied) into the data of a
 * memory_object_data_return, so cleaning a page needs no memory.  A page
 * whose pager has its share in flight waits at the inactive queue's tail
 * (the active queue's order stays that of use), and a scan that finds only
 * such pages stops until a pager has taken some.
 */
#include <mach/vm_prot.h>
#include <i386/pmap.h>
#include <kern/clock.h>
#include <kern/debug.h>
#include <kern/sched.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <vm/vm_fault.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_pageout.h>

struct host_vm_pageout_info vm_pageout_info;
static struct thread *vm_pageout_thread;
static int vm_pageout_event; /* the daemon sleeps on its address */

/* Pages on their way to pagers, not yet freed by them: each costs kernel
 * memory (a message, a copy) until the pager takes it, so only so many
 * are sent before the pagers have caught up: so many to one object's
 * pager (a slow or stuck pager must not hold up paging to the others,
 * the default pager above all), more to all of them together. */
#define VM_PAGEOUT_INFLIGHT_MAX 128
#define VM_PAGEOUT_OBJECT_INFLIGHT_MAX 32
/* A pager behind is woken for when it has taken half its share: the
 * daemon then sends that many pages in one scan, not one a scan. */
#define VM_PAGEOUT_OBJECT_ROOM (VM_PAGEOUT_OBJECT_INFLIGHT_MAX / 2)
/* A scan passes over at most so many pages in a row whose pager is
 * behind: when one object has most of the inactive pages (one task
 * writing more than the memory), walking all of them for every page sent
 * made paging cost O(memory) a page.  Other pagers' pages further on are
 * reached by later scans (the skipped ones went to the tail). */
#define VM_PAGEOUT_BEHIND_MAX 64
static unsigned vm_pageout_inflight;
/* The carrier objects in flight (linked through cache_link: a carrier
 * has no pager, so it is never cached). */
static queue_head_t vm_pageout_carriers = {&vm_pageout_carriers, &vm_pageout_carriers};

void vm_pageout_carrier_start(struct vm_object *carrier, struct vm_object *origin)
{
	carrier->pageout_carrier = 1;
	carrier->carrier_origin = origin; /* not a reference: see origin_move */
	origin->pageout_inflight++;
	vm_pageout_inflight++;
	queue_enter_tail(&vm_pageout_carriers, &carrier->cache_link);
}

void vm_pageout_carrier_done(struct vm_object *carrier)
{
	struct vm_object *o = carrier->carrier_origin;
	int room = vm_pageout_inflight-- == VM_PAGEOUT_INFLIGHT_MAX;

	queue_remove_entry(&carrier->cache_link);
	if (o != NULL && o->pageout_inflight-- == VM_PAGEOUT_OBJECT_ROOM + 1)
		room = 1;
	if (room) {
		vm_pageout_wakeup();
		thread_wakeup(&vm_pageout_inflight); /* and out of a back-off */
	}
}

void vm_pageout_origin_move(struct vm_object *from, struct vm_object *to)
{
	queue_chain_t *q;

	for (q = vm_pageout_carriers.next; q != &vm_pageout_carriers; q = q->next) {
		struct vm_object *c = queue_container(q, struct vm_object, cache_link);
		if (c->carrier_origin == from)
			c->carrier_origin = to;
	}
	if (to != NULL)
		to->pageout_inflight += from->pageout_inflight;
	from->pageout_inflight = 0;
}

/* The daemon, and threads given the privilege with thread_wire (the
 * default pager's: they must get the pages that page-ins and page-outs
 * need while everyone else waits for them). */
int vm_pageout_privileged(void)
{
	struct thread *self = current_thread();

	return self != NULL && ((vm_pageout_thread != NULL && self == vm_pageout_thread) || self->vm_privilege);
}

void vm_pageout_wakeup(void)
{
	if (vm_pageout_thread != NULL)
		thread_wakeup(&vm_pageout_event);
}

/* Whether the daemon could give this page back to someone. */
static int reclaimable(struct vm_page *p)
{
	return vm_object_pageable(p);
}

/* One pass: refill the inactive queue, then reclaim from its head until
 * enough pages are free.  Returns the pages freed; *blocked: it stopped
 * because the pagers have their share of pages in flight. */
static unsigned long vm_pageout_scan(int *blocked)
{
	unsigned long freed = 0, behind = 0;
	unsigned long budget = vm_page_active_count;

	*blocked = 0;
	vm_pageout_info.scans++;

	/* Keep about a third of the reclaimable pages inactive. */
	while (budget-- > 0 && vm_page_inactive_count < vm_page_active_count / 2 + vm_page_free_target) {
		struct vm_page *p = vm_page_queue_first(VM_PAGE_Q_ACTIVE);
		if (p == NULL)
			break;
		if (!reclaimable(p)) {
			vm_page_requeue(p); /* anonymous or in transit: not ours to take */
			continue;
		}
		if (p->pv_pmap != NULL)
			pmap_page_protect(p, VM_PROT_NONE); /* a use faults it back (reactivation) */
		vm_page_deactivate(p);
		vm_pageout_info.deactivated++;
	}
	budget = vm_page_inactive_count;
	while (budget-- > 0 && vm_page_free_count < vm_page_free_target) {
		struct vm_page *p = vm_page_queue_first(VM_PAGE_Q_INACTIVE);
		if (p == NULL)
			break;
		vm_pageout_info.examined++;
		if (!reclaimable(p)) {
			vm_page_activate(p);
			continue;
		}
		if (p->pv_pmap != NULL)
			pmap_page_protect(p, VM_PROT_NONE);
		/* A default pager holds only the pages it was sent: one it
		 * lacks goes to it even if clean (the kernel may have filled
		 * it: a copy, received data, a zero fill). */
		int dirty = pmap_page_test_and_clear_modified(p) || !vm_object_pager_has(p->object, p->offset);
		if (dirty || (p->flags & VM_PAGE_PRECIOUS)) {
			if (vm_pageout_inflight >= VM_PAGEOUT_INFLIGHT_MAX) {
				if (dirty)
					p->flags |= VM_PAGE_DIRTY; /* keep what we just cleared */
				*blocked = 1;
				break; /* wait for the pagers to take what they have */
			}
			if (p->object->pageout_inflight >= VM_PAGEOUT_OBJECT_INFLIGHT_MAX) {
				/* Its pager is behind: others' pages first.  It stays
				 * inactive (back to the active queue it would pass
				 * the pages in use there and push them out). */
				if (dirty)
					p->flags |= VM_PAGE_DIRTY;
				vm_page_requeue(p);
				vm_pageout_info.behind++;
				if (++behind >= VM_PAGEOUT_BEHIND_MAX) {
					*blocked = 1;
					break;
				}
				continue;
			}
			if (vm_object_pager_pageout(p, dirty) != KERN_SUCCESS) {
				if (dirty)
					p->flags |= VM_PAGE_DIRTY;
				vm_page_activate(p); /* no memory for the message: later */
				continue;
			}
			vm_pageout_info.returned++;
			vm_stat.pageouts++;
		} else {
			vm_page_free_in(p);
		}
		behind = 0;
		freed++;
		vm_pageout_info.reclaimed++;
	}
	return freed;
}

static void vm_pageout_daemon(void *arg)
{
	(void)arg;
	for (;;) {
		while (vm_page_free_count >= vm_page_free_target)
			thread_sleep(&vm_pageout_event, 0, 0);
		/* Nothing to take, or the pagers are behind: back off until
		 * one has room (on an event of its own, so that allocations
		 * asking again do not make it scan in a loop). */
		int blocked;
		if (vm_pageout_scan(&blocked) == 0 || blocked)
			thread_sleep(&vm_pageout_inflight, 0, HZ / 10);
	}
}

void vm_pageout_init(void)
{
	if (vm_pageout_thread != NULL)
		return;
	vm_page_free_target = vm_page_total_count / 64;
	if (vm_page_free_target < 32)
		vm_page_free_target = 32;
	if (vm_page_free_target > 512)
		vm_page_free_target = 512;
	vm_page_free_reserved = vm_page_free_target / 2;
	vm_pageout_thread = kernel_thread(kernel_task, "pageout", vm_pageout_daemon, NULL, BASEPRI_KERNEL);
}
