/*
 * Zones.  A zone keeps a free list threaded through its free objects and
 * takes a page (or, for large objects, enough pages for one object) from
 * kmem when the list runs dry.  Memory never goes back from a zone to
 * kmem: zone objects are reused, as in Mach.
 */
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/zalloc.h>
#include <i386/vm_param.h>

#define ZONE_ALIGN 8

struct zone_free {
	struct zone_free *next;
};

struct zone *zone_list;

void zone_init(struct zone *z, const char *name, size_t elem_size, size_t max_elems)
{
	z->name = name;
	z->elem_size = (elem_size + ZONE_ALIGN - 1) & ~(size_t)(ZONE_ALIGN - 1);
	z->max_elems = max_elems;
	z->count = z->free_count = z->pages = 0;
	z->free_list = NULL;
	z->lock = (struct simple_lock)SIMPLE_LOCK_INITIALIZER;
	z->next_zone = zone_list;
	zone_list = z;
}

/* Carve a fresh chunk into objects.  Called with the lock held. */
static int zone_grow(struct zone *z)
{
	size_t chunk = z->elem_size <= PAGE_SIZE ? PAGE_SIZE : round_page(z->elem_size);
	char *mem = kmem_alloc(chunk);

	if (mem == NULL)
		return 0;
	z->pages += chunk / PAGE_SIZE;
	for (size_t off = 0; off + z->elem_size <= chunk; off += z->elem_size) {
		struct zone_free *f = (struct zone_free *)(mem + off);
		f->next = z->free_list;
		z->free_list = f;
		z->free_count++;
	}
	return 1;
}

void *zalloc(zone_t z)
{
	void *elem = NULL;
	int s = simple_lock_irqsave(&z->lock);

	if (z->max_elems != 0 && z->count >= z->max_elems)
		goto out;
	if (z->free_list == NULL && !zone_grow(z))
		goto out;
	struct zone_free *f = z->free_list;
	z->free_list = f->next;
	z->free_count--;
	z->count++;
	elem = f;
out:
	simple_unlock_irqrestore(&z->lock, s);
	return elem;
}

void zfree(zone_t z, void *elem)
{
	struct zone_free *f = elem;
	int s = simple_lock_irqsave(&z->lock);

	assert(z->count > 0);
	f->next = z->free_list;
	z->free_list = f;
	z->free_count++;
	z->count--;
	simple_unlock_irqrestore(&z->lock, s);
}
