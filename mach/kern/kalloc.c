/*
 * kalloc: power-of-two zones from KALLOC_MIN to KALLOC_MAX bytes; larger
 * requests get whole pages from kmem.  kmem takes blocks straight from the
 * physical page allocator and uses the direct map, so kernel heap memory
 * needs no page tables of its own.
 */
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/zalloc.h>
#include <vm/vm_page.h>

#define KALLOC_MIN_SHIFT 4  /* 16 bytes */
#define KALLOC_MAX_SHIFT 11 /* 2 KiB */
#define KALLOC_ZONES (KALLOC_MAX_SHIFT - KALLOC_MIN_SHIFT + 1)

static struct zone kalloc_zones[KALLOC_ZONES];
static const char *const kalloc_zone_names[KALLOC_ZONES] = {
	"kalloc.16", "kalloc.32", "kalloc.64", "kalloc.128",
	"kalloc.256", "kalloc.512", "kalloc.1024", "kalloc.2048",
};

static unsigned size_order(size_t size, unsigned unit_shift)
{
	unsigned order = 0;

	while (((size_t)1 << (order + unit_shift)) < size)
		order++;
	return order;
}

void *kmem_alloc(size_t size)
{
	struct vm_page *p = vm_page_alloc(size_order(size, PAGE_SHIFT));

	return p ? phystokv(vm_page_to_phys(p)) : NULL;
}

void kmem_free(void *addr, size_t size)
{
	vm_page_free(vm_page_from_phys(kvtophys(addr)), size_order(size, PAGE_SHIFT));
}

void kalloc_init(void)
{
	for (unsigned i = 0; i < KALLOC_ZONES; i++)
		zone_init(&kalloc_zones[i], kalloc_zone_names[i], (size_t)1 << (i + KALLOC_MIN_SHIFT), 0);
}

void *kalloc(size_t size)
{
	if (size == 0)
		return NULL;
	if (size > ((size_t)1 << KALLOC_MAX_SHIFT))
		return kmem_alloc(size);
	return zalloc(&kalloc_zones[size_order(size, KALLOC_MIN_SHIFT)]);
}

void kfree(void *addr, size_t size)
{
	assert(size != 0);
	if (size > ((size_t)1 << KALLOC_MAX_SHIFT))
		kmem_free(addr, size);
	else
		zfree(&kalloc_zones[size_order(size, KALLOC_MIN_SHIFT)], addr);
}
