/*
 * The physical page allocator.  Free blocks of 2^order pages sit on one
 * list per order; a freed block merges with its buddy (the block whose
 * index differs only in bit `order`) while the buddy is free and whole.
 * Invariant: a page is the head of a free block iff page->free, and then
 * page->order is that block's order.
 */
#include <i386/pcb.h>
#include <kern/debug.h>
#include <kern/lock.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <mach/kern_return.h>
#include <vm/vm_page.h>
#include <vm/vm_pageout.h>
#include <kern/clock.h>
#include <kern/sched.h>

struct vm_page *vm_page_array;
unsigned long vm_page_array_count; /* covers physical 0 .. count pages */
static struct vm_page *free_lists[VM_PAGE_MAX_ORDER + 1];
static struct simple_lock vm_page_lock = SIMPLE_LOCK_INITIALIZER;
unsigned long vm_page_free_count;
unsigned long vm_page_total_count;

static void free_list_insert(struct vm_page *p, unsigned order)
{
	p->free = 1;
	p->order = order;
	p->prev = NULL;
	p->next = free_lists[order];
	if (p->next)
		p->next->prev = p;
	free_lists[order] = p;
}

static void free_list_remove(struct vm_page *p, unsigned order)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		free_lists[order] = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->free = 0;
}

static void vm_page_free_locked(struct vm_page *page, unsigned order)
{
	unsigned long idx = page - vm_page_array;

	vm_page_free_count += 1ul << order;
	while (order < VM_PAGE_MAX_ORDER) {
		unsigned long buddy_idx = idx ^ (1ul << order);
		if (buddy_idx >= vm_page_array_count)
			break;
		struct vm_page *buddy = &vm_page_array[buddy_idx];
		if (!buddy->free || buddy->order != order)
			break;
		free_list_remove(buddy, order);
		idx &= ~(1ul << order);
		order++;
	}
	free_list_insert(&vm_page_array[idx], order);
}

void vm_page_free(struct vm_page *page, unsigned order)
{
	assert(order <= VM_PAGE_MAX_ORDER);
	assert(!page->free);
	assert(((page - vm_page_array) & ((1ul << order) - 1)) == 0);
	int s = simple_lock_irqsave(&vm_page_lock);
	vm_page_free_locked(page, order);
	simple_unlock_irqrestore(&vm_page_lock, s);
}

/*
 * A small stack of single free pages in front of the buddy lists: the VM
 * takes and gives back one page at a time (a fault, a deallocation), and
 * without it each such page would be split off a large block and merged
 * back into it, ten levels each way.  Cached pages count as free.
 */
#define VM_PAGE_CACHE_MAX 32
static struct vm_page *vm_page_cache;
static unsigned vm_page_cache_count;

static void vm_page_cache_drain_locked(void)
{
	while (vm_page_cache != NULL) {
		struct vm_page *p = vm_page_cache;
		vm_page_cache = p->next;
		vm_page_cache_count--;
		vm_page_free_count--; /* vm_page_free_locked counts it again */
		vm_page_free_locked(p, 0);
	}
}

static struct vm_page *vm_page_alloc_locked(unsigned order)
{
	unsigned o;
	struct vm_page *p = NULL;

	for (o = order; o <= VM_PAGE_MAX_ORDER && free_lists[o] == NULL; o++)
		;
	if (o <= VM_PAGE_MAX_ORDER) {
		p = free_lists[o];
		free_list_remove(p, o);
		/* Split: give the upper halves back until the block fits. */
		while (o > order) {
			o--;
			free_list_insert(p + (1ul << o), o);
		}
		vm_page_free_count -= 1ul << order;
	}
	return p;
}

struct vm_page *vm_page_alloc(unsigned order)
{
	if (order > VM_PAGE_MAX_ORDER)
		return NULL;
	int s = simple_lock_irqsave(&vm_page_lock);
	struct vm_page *p = vm_page_alloc_locked(order);
	if (p == NULL && vm_page_cache != NULL) {
		/* The cache may hold the pieces of the block we need. */
		vm_page_cache_drain_locked();
		p = vm_page_alloc_locked(order);
	}
	simple_unlock_irqrestore(&vm_page_lock, s);
	return p;
}

/* Hand [start, end) to the free lists as the largest aligned blocks. */
static void vm_page_add_range(phys_addr_t start, phys_addr_t end)
{
	unsigned long idx = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;

	while (idx < last) {
		unsigned order = 0;
		while (order < VM_PAGE_MAX_ORDER && (idx & ((1ul << (order + 1)) - 1)) == 0 &&
		       idx + (1ul << (order + 1)) <= last)
			order++;
		vm_page_free_locked(&vm_page_array[idx], order);
		vm_page_total_count += 1ul << order;
		idx += 1ul << order;
	}
}

void vm_page_bootstrap(struct phys_range *ranges, unsigned count)
{
	unsigned i;

	assert(count > 0);
	vm_page_array_count = ranges[count - 1].end >> PAGE_SHIFT;
	size_t array_size = round_page(vm_page_array_count * sizeof(struct vm_page));
	for (i = 0; i < count; i++)
		if (ranges[i].end - ranges[i].start >= array_size)
			break;
	if (i == count)
		panic("vm_page_bootstrap: no room for the page array (%u bytes)", (unsigned)array_size);
	vm_page_array = phystokv(ranges[i].start);
	ranges[i].start += array_size;
	memset(vm_page_array, 0, array_size);
	for (i = 0; i < count; i++)
		vm_page_add_range(ranges[i].start, ranges[i].end);
}

/*
 * Pages for the VM.  A page in use by an object is on the active queue,
 * the inactive queue (candidates for the pageout daemon) or, wired, on
 * neither.  The queues reuse the free-list links: a page is never both
 * free and queued.
 */
struct vm_page_queue {
	struct vm_page *head, *tail;
};
static struct vm_page_queue vm_page_queue_active, vm_page_queue_inactive;
unsigned long vm_page_active_count, vm_page_inactive_count, vm_page_wire_count;

unsigned long vm_page_free_target, vm_page_free_reserved;
static int vm_page_free_wanted;

struct vm_page *vm_page_grab(void)
{
	struct vm_page *p;

	if (vm_page_free_count < vm_page_free_target) {
		vm_pageout_wakeup();
		if (vm_page_free_count <= vm_page_free_reserved && !vm_pageout_privileged())
			return NULL;
	}
	int s = simple_lock_irqsave(&vm_page_lock);

	if (vm_page_cache != NULL) {
		p = vm_page_cache;
		vm_page_cache = p->next;
		vm_page_cache_count--;
		vm_page_free_count--;
	} else {
		p = vm_page_alloc_locked(0);
	}
	simple_unlock_irqrestore(&vm_page_lock, s);
	if (p == NULL)
		return NULL;
	p->flags = 0;
	p->page_lock = 0;
	p->wire_count = 0;
	p->queue = VM_PAGE_Q_NONE;
	p->object = NULL;
	p->offset = 0;
	p->hash_next = NULL;
	p->next = p->prev = NULL;
	p->pv_pmap = NULL;
	p->pv_more = NULL;
	return p;
}

void vm_page_release(struct vm_page *page)
{
	assert(page->object == NULL && page->pv_pmap == NULL);
	vm_page_dequeue(page);
	if (page->wire_count != 0) {
		vm_page_wire_count--;
		page->wire_count = 0;
	}
	int s = simple_lock_irqsave(&vm_page_lock);
	if (vm_page_cache_count < VM_PAGE_CACHE_MAX) {
		page->next = vm_page_cache;
		vm_page_cache = page;
		vm_page_cache_count++;
		vm_page_free_count++;
	} else {
		vm_page_free_locked(page, 0);
	}
	simple_unlock_irqrestore(&vm_page_lock, s);
	if (vm_page_free_wanted && vm_page_free_count > vm_page_free_reserved) {
		vm_page_free_wanted = 0;
		thread_wakeup(&vm_page_free_wanted);
	}
}

/* The timeout counts from the daemon's last progress: while it frees
 * pages (a default pager writing them out can be slow), waiting goes on;
 * only memory short with nothing reclaimed for that long fails. */
int vm_page_wait(uint64_t timeout_ticks)
{
	uint64_t deadline = clock_ticks + timeout_ticks;
	natural_t freed = vm_pageout_info.reclaimed;

	while (vm_page_free_count <= vm_page_free_reserved) {
		if (vm_pageout_info.reclaimed != freed) {
			freed = vm_pageout_info.reclaimed;
			deadline = clock_ticks + timeout_ticks;
		}
		if (clock_ticks >= deadline)
			return KERN_RESOURCE_SHORTAGE;
		vm_pageout_wakeup();
		vm_page_free_wanted = 1;
		if (thread_sleep(&vm_page_free_wanted, 1, HZ / 10) == THREAD_INTERRUPTED)
			return KERN_ABORTED;
	}
	return KERN_SUCCESS;
}


/* 16-byte moves (i386/pcb.c): a page is 256 of them. */
void vm_page_zero(struct vm_page *page)
{
	fpu_page_zero(vm_page_kva(page));
}

void vm_page_copy(struct vm_page *src, struct vm_page *dst)
{
	fpu_page_copy(vm_page_kva(dst), vm_page_kva(src));
}

static void queue_append(struct vm_page_queue *q, struct vm_page *p)
{
	p->next = NULL;
	p->prev = q->tail;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
}

static void queue_unlink(struct vm_page_queue *q, struct vm_page *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		q->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		q->tail = p->prev;
	p->next = p->prev = NULL;
}

void vm_page_dequeue(struct vm_page *page)
{
	if (page->queue == VM_PAGE_Q_ACTIVE) {
		queue_unlink(&vm_page_queue_active, page);
		vm_page_active_count--;
	} else if (page->queue == VM_PAGE_Q_INACTIVE) {
		queue_unlink(&vm_page_queue_inactive, page);
		vm_page_inactive_count--;
	}
	page->queue = VM_PAGE_Q_NONE;
}

void vm_page_activate(struct vm_page *page)
{
	if (page->wire_count != 0 || page->queue == VM_PAGE_Q_ACTIVE)
		return;
	if (page->queue != VM_PAGE_Q_NONE) /* (a new page, or one a pager filled, is on none) */
		vm_page_dequeue(page);
	queue_append(&vm_page_queue_active, page);
	page->queue = VM_PAGE_Q_ACTIVE;
	vm_page_active_count++;
}

void vm_page_deactivate(struct vm_page *page)
{
	if (page->wire_count != 0 || page->queue == VM_PAGE_Q_INACTIVE)
		return;
	vm_page_dequeue(page);
	queue_append(&vm_page_queue_inactive, page);
	page->queue = VM_PAGE_Q_INACTIVE;
	vm_page_inactive_count++;
}

void vm_page_wire(struct vm_page *page)
{
	if (page->wire_count++ == 0) {
		vm_page_dequeue(page);
		vm_page_wire_count++;
	}
}

void vm_page_unwire(struct vm_page *page)
{
	assert(page->wire_count > 0);
	if (--page->wire_count == 0) {
		vm_page_wire_count--;
		vm_page_activate(page);
	}
}

struct vm_page *vm_page_queue_first(int queue)
{
	return queue == VM_PAGE_Q_ACTIVE ? vm_page_queue_active.head : vm_page_queue_inactive.head;
}

void vm_page_requeue(struct vm_page *page)
{
	struct vm_page_queue *q = page->queue == VM_PAGE_Q_ACTIVE	? &vm_page_queue_active
				  : page->queue == VM_PAGE_Q_INACTIVE ? &vm_page_queue_inactive
								      : NULL;

	if (q == NULL)
		return;
	queue_unlink(q, page);
	queue_append(q, page);
}
