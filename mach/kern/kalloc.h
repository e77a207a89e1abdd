/* The kernel heap: whole pages (kmem), zones of fixed-size objects, and
 * kalloc for everything else.  Like Mach's, kfree takes the size. */
#ifndef KERN_KALLOC_H
#define KERN_KALLOC_H
#include <stddef.h>

/* Physically contiguous, direct-mapped, page-aligned memory; NULL if none. */
void *kmem_alloc(size_t size);
void kmem_free(void *addr, size_t size);

void kalloc_init(void);
/* size bytes aligned to the smaller of size's power of two and a page;
 * NULL when size is 0 or memory is exhausted. */
void *kalloc(size_t size);
void kfree(void *addr, size_t size);
#endif
