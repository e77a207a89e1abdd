/* Physical pages: one struct vm_page per page of RAM, handed out by a
 * buddy allocator in blocks of 2^order pages. */
#ifndef VM_VM_PAGE_H
#define VM_VM_PAGE_H
#include <stddef.h>
#include <stdint.h>
#include <i386/vm_param.h>

#define VM_PAGE_MAX_ORDER 10 /* largest block: 4 MiB */

struct vm_page {
	struct vm_page *next, *prev; /* free list links while free */
	uint8_t order;		     /* block order, valid on a free block's head */
	uint8_t free;		     /* head of a free block */
	uint16_t flags;
	uint32_t reserved;
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

phys_addr_t vm_page_to_phys(const struct vm_page *page);
struct vm_page *vm_page_from_phys(phys_addr_t pa);

/* Pages currently free, and pages managed in all. */
extern unsigned long vm_page_free_count;
extern unsigned long vm_page_total_count;
#endif
