/* Zones: allocators of one object size, growing a page at a time. */
#ifndef KERN_ZALLOC_H
#define KERN_ZALLOC_H
#include <stddef.h>
#include <kern/lock.h>

struct zone_free;

struct zone {
	const char *name;
	size_t elem_size;
	size_t max_elems;   /* 0: limited only by memory */
	size_t count;	    /* objects handed out */
	size_t free_count;  /* objects on the free list */
	size_t pages;	    /* pages taken from kmem */
	struct zone_free *free_list;
	struct simple_lock lock;
	struct zone *next_zone; /* all zones, for the debugger */
};
typedef struct zone *zone_t;

/* A zone of objects of elem_size bytes (rounded up to a multiple of 8). */
void zone_init(struct zone *z, const char *name, size_t elem_size, size_t max_elems);
void *zalloc(zone_t z);
void zfree(zone_t z, void *elem);

extern struct zone *zone_list;
#endif
