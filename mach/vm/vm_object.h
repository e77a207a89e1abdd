/*
 * VM objects: the memory behind a mapping.  An object is a sparse array
 * of pages indexed by offset; a page it does not hold comes from its
 * pager (an external memory manager, later), or from the object it
 * shadows, or else is zero.  Copy-on-write is a chain of shadows: the
 * copy is a new, empty object shadowing the original, and a page moves up
 * into the copy the first time it is written.
 *
 *     map entry --> [ shadow S ] --shadow--> [ original O ] --> (zero)
 *                   pages written            pages not yet
 *                   since the copy           written by anyone
 *
 * Locking: one CPU and no kernel preemption; every change happens with
 * the lock of the map being worked on held and nothing here sleeps except
 * vm_page_wait_busy.  Objects carry no lock of their own yet (SMP must add
 * one where the fields below are read and written).
 */
#ifndef VM_VM_OBJECT_H
#define VM_VM_OBJECT_H
#include <mach/kern_return.h>
#include <mach/message.h>
#include <mach/machine/vm_types.h>
#include <mach/vm_prot.h>
#include <kern/debug.h>
#include <kern/queue.h>
#include <kern/sched.h>
#include <vm/vm_page.h>

struct ipc_port;

/*
 * Copy strategies: how a copy of an object's memory is made (vm_map with
 * copy, fork by VM_INHERIT_COPY, vm_read, out-of-line data).  The first
 * four are memory_object.h's MEMORY_OBJECT_COPY_* (what a pager asks
 * for at memory_object_ready); the last is the kernel's own, for
 * anonymous memory.
 *   NONE       the copy is made at once, page by page (pages the pager
 *              has are asked for first);
 *   CALL       the pager is told (memory_object_copy) and serves the copy
 *              as a new memory object, which shadows the original (what
 *              it answers data_unavailable for is read from there); the
 *              original's pages are locked against writing, so that a
 *              write asks the pager (data_unlock) before it changes them;
 *   DELAY      a copy object shadows the original (object->copy), and a
 *              page of the original gets pushed into it before the page
 *              changes: written through any mapping, or flushed by the
 *              pager (lock_request, memory_object_destroy);
 *   TEMPORARY  the pager's promise that nobody else changes the data:
 *              symmetric copy-on-write on the object itself while one
 *              mapping alone uses it, else DELAY;
 *   SYMMETRIC  the copy shares the object, both entries needs_copy, and
 *              whoever writes first shadows it.
 */
#define VM_OBJECT_COPY_NONE 0
#define VM_OBJECT_COPY_CALL 1
#define VM_OBJECT_COPY_DELAY 2
#define VM_OBJECT_COPY_TEMPORARY 3
#define VM_OBJECT_COPY_SYMMETRIC 4

struct vm_object {
	queue_head_t memq; /* resident pages (vm_page.listq) */
	unsigned resident_page_count;
	vm_size_t size;
	int ref_count; /* map entries, copies, shadows and kernel users */

	struct vm_object *shadow;  /* where absent pages come from, or NULL */
	vm_offset_t shadow_offset; /* this object's offset 0 in the shadow */
	/* DELAY: the newest copy object, which shadows this one and gets a
	 * page pushed before it changes here (not a reference: the copy
	 * clears it when it ends). */
	struct vm_object *copy;
	int copy_strategy;	   /* VM_OBJECT_COPY_* */

	/* External pagers (vm/memory_object.c): the memory object port (a
	 * send right), the control and name ports the kernel made for it,
	 * NULL for anonymous memory. */
	struct ipc_port *pager;
	struct ipc_port *pager_request;
	struct ipc_port *pager_name;
	struct vm_object *pager_hash_next; /* the pager port -> object table */
	queue_chain_t cache_link;	    /* on the cache while cached; a carrier: on the list in flight */
	vm_offset_t paging_offset;   /* offset of this object in the pager's object */
	unsigned paging_in_progress; /* pager operations under way: no collapse */
	unsigned pageout_inflight;   /* its pages on their way to its pager (vm_pageout.c) */
	struct vm_object *carrier_origin; /* a carrier: whose page it takes, or NULL */

	unsigned temporary : 1;	  /* contents die with the object */
	unsigned internal : 1;	  /* made by the kernel (anonymous), not by vm_map */
	unsigned pager_ready : 1; /* memory_object_ready has arrived */
	unsigned can_persist : 1; /* the pager allows caching after the last ref */
	unsigned cached : 1;	  /* no references, kept for its pager (can_persist) */
	unsigned pager_gone : 1;  /* had a pager that was destroyed: absent pages fail */
	unsigned pager_initialized : 1; /* memory_object_init has been sent */
	unsigned pageout_carrier : 1;	 /* holds a page the pageout daemon sent to a pager */
	/* Temporary objects given to the default pager: one bit per page it
	 * holds (the others are in the shadow, or zero), by the pager's
	 * offset (object offset + paging_offset), existence_pages of them. */
	uint8_t *existence;
	vm_size_t existence_pages;
};

void vm_object_init(void);
/* An empty anonymous object of size bytes, one reference; NULL if none. */
struct vm_object *vm_object_allocate(vm_size_t size);
/* References are taken and dropped inline (every page-in takes one for
 * its wait); what is more than a count is out of line. */
void vm_object_uncache(struct vm_object *object);
void vm_object_deallocate_last(struct vm_object *object);

static inline void vm_object_reference(struct vm_object *object)
{
	if (object == NULL)
		return;
	if (object->cached)
		vm_object_uncache(object);
	object->ref_count++;
}

/* Drop a reference; the last one frees the pages and the reference on
 * the shadow (iteratively, so long chains do not recurse). */
static inline void vm_object_deallocate(struct vm_object *object)
{
	if (object == NULL)
		return;
	if (object->ref_count > 1)
		object->ref_count--;
	else
		vm_object_deallocate_last(object);
}

/* Make *object a new object shadowing the old one at *offset for length
 * bytes (the old reference moves to the shadow); *offset becomes 0. */
kern_return_t vm_object_shadow(struct vm_object **object, vm_offset_t *offset, vm_size_t length);
/* Merge backing objects nobody else uses into object, and drop backing
 * objects object no longer needs. */
void vm_object_collapse(struct vm_object *object);
/* A new object holding a copy of [offset, offset + size) of object as it
 * reads now (through its shadows).  can_wait: pages pagers have are
 * brought in here (the caller holds no lock); otherwise the caller
 * brought them in and only resident pages are read.  NULL if memory ran
 * out or a pager failed. */
struct vm_object *vm_object_copy_slowly(struct vm_object *object, vm_offset_t offset, vm_size_t size, int can_wait);

/* What a copy of [offset, offset + size) of object maps, by the object's
 * copy strategy: *dst at *dst_offset (a new reference), copy-on-write
 * (*dst_needs_copy); *src_needs_copy: the source's mapping must become
 * copy-on-write too (symmetric).  can_wait as for vm_object_copy_slowly.
 * KERN_RESOURCE_SHORTAGE, or KERN_MEMORY_ERROR (COPY_NONE: a pager failed). */
kern_return_t vm_object_copy_strategically(struct vm_object *object, vm_offset_t offset, vm_size_t size,
					   int can_wait, struct vm_object **dst, vm_offset_t *dst_offset,
					   int *dst_needs_copy, int *src_needs_copy);
/* DELAY: the object's copy object as of now (the current one if nothing
 * changed since it was made), a new reference; NULL if memory ran out. */
struct vm_object *vm_object_copy_delayed(struct vm_object *object);
/* Whether object has a copy object that does not hold the page at
 * offset yet (so the page must be pushed before it changes). */
int vm_object_copy_lacks(struct vm_object *object, vm_offset_t offset);
/* Page (of an object with a copy object) is about to change or leave:
 * the copy gets its contents first if it lacks them.  move: page itself
 * moves into the copy (it was leaving anyway; needs no memory).
 * KERN_RESOURCE_SHORTAGE if no page could be had for the copy. */
kern_return_t vm_object_copy_push(struct vm_page *page, int move);
/* Free the pages in [start, end) (unmapping them everywhere). */
void vm_object_page_remove(struct vm_object *object, vm_offset_t start, vm_offset_t end);

/* Resident pages by (object, offset): a hash table chained through
 * hash_next, an object holding at most one page at an offset.  Looked
 * up inline (a page-in looks four times). */
extern struct vm_page **vm_page_buckets;
extern unsigned long vm_page_hash_mask;

static inline struct vm_page **vm_page_bucket(struct vm_object *object, vm_offset_t offset)
{
	unsigned long h = ((uintptr_t)object >> 5) + (offset >> PAGE_SHIFT);
	return &vm_page_buckets[h & vm_page_hash_mask];
}

static inline struct vm_page *vm_page_lookup(struct vm_object *object, vm_offset_t offset)
{
	struct vm_page *p = *vm_page_bucket(object, offset);

	while (p != NULL && (p->object != object || p->offset != offset))
		p = p->hash_next;
	return p;
}
/* Inline: a page-in inserts its page just after looking for it. */
static inline void vm_page_insert(struct vm_page *page, struct vm_object *object, vm_offset_t offset)
{
	assert(!(page->flags & VM_PAGE_TABLED));
	assert(vm_page_lookup(object, offset) == NULL);
	struct vm_page **bucket = vm_page_bucket(object, offset);

	page->object = object;
	page->offset = offset;
	page->hash_next = *bucket;
	*bucket = page;
	queue_enter_tail(&object->memq, &page->listq);
	object->resident_page_count++;
	page->flags |= VM_PAGE_TABLED;
}
void vm_page_remove(struct vm_page *page);
void vm_page_rename(struct vm_page *page, struct vm_object *object, vm_offset_t offset);
/* A fresh page inserted in object at offset, not zeroed; NULL if none. */
struct vm_page *vm_page_alloc_in(struct vm_object *object, vm_offset_t offset);
/* Unmap page everywhere, take it out of its object and free it. */
void vm_page_free_in(struct vm_page *page);
/* Sleep until page is no longer busy (the pager's data arrived). */
void vm_page_wait_busy(struct vm_page *page);
/* Clear busy; the page (an event) if threads wait for it, to be woken
 * by the caller (thread_wakeup), else NULL. */
static inline event_t vm_page_done(struct vm_page *page)
{
	int wanted = page->flags & VM_PAGE_WANTED;

	page->flags &= ~(VM_PAGE_BUSY | VM_PAGE_WANTED);
	return wanted ? page : NULL;
}
/* The same, and wake whoever waits for the page; returns the first
 * thread woken, as thread_wakeup. */
struct thread *vm_page_wakeup_done(struct vm_page *page);

extern unsigned long vm_object_count;

/* ---- external pagers (vm/memory_object.c) ---- */

/* The object of memory object port pager, mapped for offset + size bytes
 * (a reference); made, with its control and name ports and a
 * memory_object_init to the pager, the first time.  Takes the caller's
 * send right on success.  KERN_INVALID_ARGUMENT for a port that cannot
 * be a pager (dead, or a kernel object's). */
kern_return_t vm_object_enter(struct ipc_port *pager, vm_size_t size, struct vm_object **object);
/* Send memory_object_init if not done yet (once the first mapping is
 * in place, so that a vm_map that fails announces nothing). */
void vm_object_pager_init(struct vm_object *object);
/* Wait (without any lock held) for the pager's memory_object_ready:
 * KERN_SUCCESS, KERN_MEMORY_ERROR (it died or did not answer within
 * vm_pager_timeout_ms), KERN_ABORTED (the thread was interrupted). */
kern_return_t vm_object_pager_wait_ready(struct vm_object *object);
/* Ask the pager for the page at offset (page: a busy, absent page the
 * caller has inserted there) with the access the fault needs.  A pager
 * thread waiting in receive gets it at once and runs, while the caller
 * sleeps on page (interruptibly, with no time-out of its own: the
 * caller sees to its waking, as fault_wait's pager watch does);
 * *wait_result is that sleep's result (THREAD_AWAKENED if the caller did
 * not sleep). */
kern_return_t vm_object_pager_request(struct vm_object *object, vm_offset_t offset, vm_prot_t access,
				      struct vm_page *page, int *wait_result);
/* Ask the pager to lift page_lock for access on the page at offset. */
kern_return_t vm_object_pager_unlock(struct vm_object *object, vm_offset_t offset, vm_prot_t access);
/* Whether the pager can still answer (its port lives, not destroyed). */
int vm_object_pager_alive(struct vm_object *object);
/* The last reference went away: return what the pager needs and tell it
 * (memory_object_terminate); the object's pages are freed by the caller. */
void vm_object_pager_terminate(struct vm_object *object);
/* Whether a fault should ask object's pager for the page at offset (a
 * temporary object's default pager only has the pages it was sent). */
static inline int vm_object_pager_has(struct vm_object *object, vm_offset_t offset)
{
	if (object->existence == NULL)
		return 1;
	vm_offset_t n = (offset + object->paging_offset) >> PAGE_SHIFT;
	return offset < object->size && n < object->existence_pages && (object->existence[n >> 3] >> (n & 7) & 1);
}
/* Collapse: the backing object from, given to the default pager, goes
 * away into to (which shadowed it and has no pager): to takes over its
 * pager, ports and existence map. */
void vm_object_pager_move(struct vm_object *from, struct vm_object *to);
/* Whether the pageout daemon can send page to a pager: its object has a
 * live pager, or is temporary and a default pager is registered (the
 * object is then given to it, memory_object_create). */
int vm_object_pageable(struct vm_page *page);
/* The pageout daemon takes page (dirty: modified) out of its object and
 * sends it to the pager (data_return, the page itself as the data). */
kern_return_t vm_object_pager_pageout(struct vm_page *page, int dirty);
/* A busy absent page will never be supplied: mark it ERROR and wake its
 * waiters. */
void vm_page_pager_failed(struct vm_page *page);
/* CALL: the object of a new memory object port that the pager was
 * given with memory_object_copy for [offset, offset + size) of object,
 * shadowing it there (a reference); object's pages in the range are
 * locked against writing. */
kern_return_t vm_object_copy_call(struct vm_object *object, vm_offset_t offset, vm_size_t size,
				  struct vm_object **copy);
/* mach_msg's send of umsg (send_size bytes), if it is a one-page
 * memory_object_data_supply its fast path takes: 1 when sent, 0 when the
 * general path must send it (nothing changed).  *wake: the event whose
 * waiters the data lets go on (the page: a fault waiting for it), for
 * the caller to wake (thread_wakeup, at once or as its receive blocks:
 * thread_sleep_receive), or NULL. */
#define VM_OBJECT_SUPPLY_FAST_SIZE 72 /* its message's size, header included */
int vm_object_supply_fast(mach_msg_header_t *umsg, mach_msg_size_t send_size, event_t *wake);
/* Milliseconds a fault waits for a pager before failing (pager_timeout=
 * on the command line; 30 s by default). */
unsigned vm_pager_timeout_ms(void);

#endif
