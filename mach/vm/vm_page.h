/*
 * Physical pages: one struct vm_page per page of RAM, handed out by a
 * buddy allocator in blocks of 2^order pages.  A page given to the VM
 * (vm_page_grab) also belongs to at most one VM object at one offset, is
 * found by (object, offset) through a hash table, and sits on one paging
 * queue (active or inactive) unless it is wired.
 */
#ifndef VM_VM_PAGE_H
#define VM_VM_PAGE_H
#include <stddef.h>
#include <stdint.h>
#include <mach/machine/vm_types.h>
#include <i386/vm_param.h>
#include <kern/queue.h>

#define VM_PAGE_MAX_ORDER 10 /* largest block: 4 MiB */

struct vm_object;
struct pmap;
struct pv_entry;

/* vm_page.flags */
#define VM_PAGE_BUSY 0x01     /* contents in transit (pager, copy): wait before using */
#define VM_PAGE_WANTED 0x02   /* someone waits for BUSY to clear */
#define VM_PAGE_ABSENT 0x04   /* placeholder: data requested from the pager, not there yet */
#define VM_PAGE_DIRTY 0x08    /* differs from the pager's copy */
#define VM_PAGE_PRECIOUS 0x10 /* the pager has no copy: return it even if clean */
#define VM_PAGE_ERROR 0x20    /* the pager failed to supply it */
#define VM_PAGE_TABLED 0x40   /* in an object and the hash table */
#define VM_PAGE_UNLOCK_ASKED 0x80 /* data_unlock sent for page_lock, no answer yet */
/* A marker, not data: the pager of an object with a shadow (a copy made
 * with memory_object_copy) has no data for this page, which is read
 * through the shadow instead (data_unavailable). */
#define VM_PAGE_UNAVAILABLE 0x100
/* Pages whose frame holds nothing to read. */
#define VM_PAGE_NO_DATA (VM_PAGE_ABSENT | VM_PAGE_ERROR | VM_PAGE_UNAVAILABLE)

/* vm_page.queue */
#define VM_PAGE_Q_NONE 0
#define VM_PAGE_Q_ACTIVE 1
#define VM_PAGE_Q_INACTIVE 2

struct vm_page {
	/* Free list links while free; paging queue links while in use. */
	struct vm_page *next, *prev;
	uint8_t order; /* block order, valid on a free block's head */
	uint8_t free;  /* head of a free block */
	uint16_t flags;
	uint16_t wire_count; /* > 0: on no paging queue, never paged out */
	uint8_t queue;	     /* VM_PAGE_Q_* */
	uint8_t page_lock; /* access the pager forbids for now (vm_prot_t bits) */

	struct vm_object *object; /* owner, or NULL */
	vm_offset_t offset;	  /* offset in the owner */
	struct vm_page *hash_next;
	queue_chain_t listq; /* the owner's resident pages */

	/* The pmap's list of virtual mappings of this page (i386/pmap.c):
	 * the first one inline, the rest chained. */
	struct pmap *pv_pmap;
	uintptr_t pv_va;
	struct pv_entry *pv_more;
};

/* A range of usable physical memory, [start, end). */
struct phys_range {
	phys_addr_t start, end;
};

/* Build the page array and free lists from the usable ranges (sorted,
 * non-overlapping, page-aligned); the array itself is carved from them. */
void vm_page_bootstrap(struct phys_range *ranges, unsigned count);

struct vm_page *vm_page_alloc(unsigned order);
void vm_page_free(struct vm_page *page, unsigned order);

/* The page array, physical page 0 up (vm_page.c); pages and frames
 * convert inline, as every fault and pmap entry does. */
extern struct vm_page *vm_page_array;
extern unsigned long vm_page_array_count;

static inline phys_addr_t vm_page_to_phys(const struct vm_page *page)
{
	return (phys_addr_t)(page - vm_page_array) << PAGE_SHIFT;
}

/* NULL: a frame past the array (device memory). */
static inline struct vm_page *vm_page_from_phys(phys_addr_t pa)
{
	unsigned long i = pa >> PAGE_SHIFT;

	return i < vm_page_array_count ? &vm_page_array[i] : NULL;
}
static inline void *vm_page_kva(const struct vm_page *page) { return phystokv(vm_page_to_phys(page)); }

/* One page for the VM, owned by nobody and on no queue; NULL if none. */
struct vm_page *vm_page_grab(void);
/* Give a page back: it must be out of its object, unmapped and unwired. */
void vm_page_release(struct vm_page *page);
void vm_page_zero(struct vm_page *page);
void vm_page_copy(struct vm_page *src, struct vm_page *dst);

/* Paging queues (one CPU: callers hold the owner object's lock). */
void vm_page_activate(struct vm_page *page);
void vm_page_deactivate(struct vm_page *page);
void vm_page_wire(struct vm_page *page);
void vm_page_unwire(struct vm_page *page);
void vm_page_dequeue(struct vm_page *page);

/* The oldest page of a paging queue (VM_PAGE_Q_ACTIVE/INACTIVE), or NULL. */
struct vm_page *vm_page_queue_first(int queue);
/* Move a page to the end of the paging queue it is on (none: nothing). */
void vm_page_requeue(struct vm_page *page);

/*
 * Free memory levels: below vm_page_free_target the pageout daemon
 * (vm_pageout.c) is woken; below vm_page_free_reserved vm_page_grab
 * fails except for the daemon itself, which must be able to make progress
 * (kernel allocations, kmem_alloc, do not count).  vm_page_wait sleeps
 * until pages are free again: KERN_SUCCESS, KERN_RESOURCE_SHORTAGE
 * after timeout_ticks with none, KERN_ABORTED if the thread is
 * interrupted.
 */
extern unsigned long vm_page_free_target, vm_page_free_reserved;
int vm_page_wait(uint64_t timeout_ticks);

/* Pages currently free, and pages managed in all. */
extern unsigned long vm_page_free_count;
extern unsigned long vm_page_total_count;
/* Pages on each paging queue, and wired pages. */
extern unsigned long vm_page_active_count, vm_page_inactive_count, vm_page_wire_count;
#endif
