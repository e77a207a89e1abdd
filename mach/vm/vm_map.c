/*
 * Address maps (see vm_map.h): entries, the treap that finds them, and
 * the operations on ranges.  Every operation checks the whole request
 * before it changes anything, and takes the entries it may need for
 * clipping before it starts, so that it cannot fail half-way.
 */
#include <i386/pmap.h>
#include <kern/clock.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <kern/zalloc.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_pageout.h>

static struct zone vm_map_zone, vm_map_entry_zone, vm_map_copy_zone;
static int vm_initialised;

/* Entries kept aside so that clipping never has to allocate. */
#define VM_MAP_ENTRY_RESERVE 4
static struct vm_map_entry *entry_spares;
static unsigned entry_spare_count;

void vm_init(void)
{
	if (vm_initialised)
		return;
	vm_initialised = 1;
	zone_init(&vm_map_zone, "vm maps", sizeof(struct vm_map), 0);
	zone_init(&vm_map_entry_zone, "vm map entries", sizeof(struct vm_map_entry), 0);
	zone_init(&vm_map_copy_zone, "vm map copies", sizeof(struct vm_map_copy), 0);
	vm_object_init();
	vm_pageout_init();
	/* Temporary objects would go to the default pager (issue 7). */
	printf("no default pager: anonymous memory stays resident\n");
}

/* ---- entries ---- */

/* xorshift32: treap priorities need only be spread, not secret. */
static uint32_t treap_random(void)
{
	static uint32_t x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* Make sure n entries can be had without failing; KERN_RESOURCE_SHORTAGE
 * otherwise (before anything has changed). */
static kern_return_t entry_reserve(unsigned n)
{
	while (entry_spare_count < n) {
		struct vm_map_entry *e = zalloc(&vm_map_entry_zone);
		if (e == NULL)
			return KERN_RESOURCE_SHORTAGE;
		e->next = entry_spares;
		entry_spares = e;
		entry_spare_count++;
	}
	return KERN_SUCCESS;
}

static struct vm_map_entry *entry_alloc(void)
{
	struct vm_map_entry *e;

	if (entry_spares != NULL) {
		e = entry_spares;
		entry_spares = e->next;
		entry_spare_count--;
	} else {
		e = zalloc(&vm_map_entry_zone);
		if (e == NULL)
			return NULL;
	}
	e->left = e->right = NULL;
	e->priority = treap_random();
	return e;
}

static void entry_free(struct vm_map_entry *e)
{
	if (entry_spare_count < VM_MAP_ENTRY_RESERVE) {
		e->next = entry_spares;
		entry_spares = e;
		entry_spare_count++;
		return;
	}
	zfree(&vm_map_entry_zone, e);
}

/* Treap insertion: walk down while the nodes outrank e, then split the
 * subtree there around e's key. */
static void tree_insert(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry **link = &map->root;

	while (*link != NULL && (*link)->priority >= e->priority)
		link = e->start < (*link)->start ? &(*link)->left : &(*link)->right;
	struct vm_map_entry *t = *link, **l = &e->left, **r = &e->right;
	while (t != NULL) {
		if (t->start < e->start) {
			*l = t;
			l = &t->right;
			t = t->right;
		} else {
			*r = t;
			r = &t->left;
			t = t->left;
		}
	}
	*l = *r = NULL;
	*link = e;
}

/* Treap removal: rotate e down below its higher-priority child until it
 * has at most one child, then splice it out. */
static void tree_remove(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry **link = &map->root;

	while (*link != e)
		link = e->start < (*link)->start ? &(*link)->left : &(*link)->right;
	for (;;) {
		struct vm_map_entry *l = e->left, *r = e->right;
		if (l == NULL) {
			*link = r;
			break;
		}
		if (r == NULL) {
			*link = l;
			break;
		}
		if (l->priority > r->priority) {
			e->left = l->right;
			l->right = e;
			*link = l;
			link = &l->right;
		} else {
			e->right = r->left;
			r->left = e;
			*link = r;
			link = &r->left;
		}
	}
	e->left = e->right = NULL;
}

/* Where anywhere allocation may start: page 0 is never handed out (an
 * address of 0 means "none" to everyone). */
static inline vm_offset_t anywhere_min(struct vm_map *map)
{
	return map->min_offset < PAGE_SIZE ? PAGE_SIZE : map->min_offset;
}

static inline vm_offset_t first_free_end(struct vm_map *map)
{
	return map->first_free == &map->header ? anywhere_min(map) : map->first_free->end;
}

/* Put e into the map after prev (prev->end <= e->start). */
static void entry_link(struct vm_map *map, struct vm_map_entry *prev, struct vm_map_entry *e)
{
	e->prev = prev;
	e->next = prev->next;
	prev->next->prev = e;
	prev->next = e;
	tree_insert(map, e);
	map->nentries++;
}

static void entry_unlink(struct vm_map *map, struct vm_map_entry *e)
{
	if (map->first_free == e || e->start < first_free_end(map))
		map->first_free = e->prev; /* the hole may now be below */
	if (map->hint == e)
		map->hint = e->prev;
	if (map->hint2 == e)
		map->hint2 = &map->header;
	e->prev->next = e->next;
	e->next->prev = e->prev;
	tree_remove(map, e);
	map->nentries--;
}

/* A reserved entry made a copy of e (its own tree priority and links;
 * the caller adjusts the range, references the object and links it). */
static struct vm_map_entry *entry_clone(const struct vm_map_entry *e)
{
	struct vm_map_entry *n = entry_alloc();
	assert(n != NULL);
	uint32_t pri = n->priority;
	*n = *e;
	n->priority = pri;
	n->left = n->right = NULL;
	return n;
}

/* Split e so that it starts at addr; the front part becomes a new entry
 * sharing the object.  Needs a reserved entry. */
static void clip_start(struct vm_map *map, struct vm_map_entry *e, vm_offset_t addr)
{
	if (addr <= e->start)
		return;
	struct vm_map_entry *n = entry_clone(e);
	n->end = addr;
	e->offset += addr - e->start;
	e->start = addr; /* the key grows but stays between its neighbours' */
	vm_object_reference(n->object);
	entry_link(map, e->prev, n);
}

/* Split e so that it ends at addr; the back part becomes a new entry. */
static void clip_end(struct vm_map *map, struct vm_map_entry *e, vm_offset_t addr)
{
	if (addr >= e->end)
		return;
	struct vm_map_entry *n = entry_clone(e);
	n->start = addr;
	n->offset += addr - e->start;
	e->end = addr;
	vm_object_reference(n->object);
	entry_link(map, e, n);
}

/* Merge e's predecessor into e if the two differ only in where they are. */
static void entry_try_merge(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry *p = e->prev;

	if (e == &map->header || p == &map->header || p->end != e->start || p->object != e->object ||
	    (p->object != NULL && p->offset + (p->end - p->start) != e->offset) ||
	    p->protection != e->protection || p->max_protection != e->max_protection ||
	    p->inheritance != e->inheritance || p->wired_count != e->wired_count ||
	    p->needs_copy != e->needs_copy || p->is_shared != e->is_shared)
		return;
	entry_unlink(map, p);
	e->start = p->start;
	e->offset = p->offset;
	if (map->first_free == p)
		map->first_free = e;
	vm_object_deallocate(p->object); /* e still holds a reference */
	entry_free(p);
}

/* Merge entries around [from, to]: each with its predecessor, and the
 * one after to. */
static void simplify_range(struct vm_map *map, struct vm_map_entry *from, struct vm_map_entry *to)
{
	struct vm_map_entry *after = to->next;

	for (struct vm_map_entry *e = from; e != after; ) {
		struct vm_map_entry *next = e->next;
		entry_try_merge(map, e);
		e = next;
	}
	entry_try_merge(map, after);
}

/* ---- maps ---- */

int vm_map_lock_sleep(struct vm_map *map)
{
	while (map->lock.held) {
		map->lock.waiting = 1;
		thread_sleep(&map->lock, 0, 0);
	}
	map->lock.held = 1;
	return 1;
}

void vm_map_lock_wakeup(struct vm_map *map)
{
	map->lock.waiting = 0;
	thread_wakeup(&map->lock);
}

struct vm_map *vm_map_create(struct pmap *pmap, vm_offset_t min, vm_offset_t max)
{
	vm_init();
	struct vm_map *map = zalloc(&vm_map_zone);

	if (map == NULL)
		return NULL;
	memset(map, 0, sizeof(*map));
	map->header.next = map->header.prev = &map->header;
	map->hint = map->hint2 = map->first_free = &map->header;
	map->min_offset = min;
	map->max_offset = max;
	map->pmap = pmap;
	map->ref_count = 1;
	return map;
}

static void vm_map_delete(struct vm_map *map, vm_offset_t start, vm_offset_t end);

void vm_map_destroy(struct vm_map *map)
{
	vm_map_lock(map);
	vm_map_delete(map, map->min_offset, map->max_offset);
	vm_map_unlock(map);
	pmap_destroy(map->pmap);
	zfree(&vm_map_zone, map);
}

unsigned vm_map_entry_count(struct vm_map *map)
{
	return map->nentries;
}

static int tree_check(struct vm_map_entry *n, vm_offset_t lo, vm_offset_t hi, unsigned *count)
{
	if (n == NULL)
		return 0;
	(*count)++;
	if (n->start < lo || n->start > hi)
		return 1;
	if ((n->left && n->left->priority > n->priority) || (n->right && n->right->priority > n->priority))
		return 2;
	return tree_check(n->left, lo, n->start, count) || tree_check(n->right, n->start, hi, count);
}

int vm_map_check(struct vm_map *map)
{
	unsigned n = 0, tn = 0;
	vm_size_t size = 0;
	vm_offset_t last = map->min_offset;

	for (struct vm_map_entry *e = map->header.next; e != &map->header; e = e->next) {
		if (e->start < last || e->end <= e->start || e->end > map->max_offset || e->next->prev != e)
			return 1;
		if ((e->start | e->end) & PAGE_MASK)
			return 2;
		last = e->end;
		size += e->end - e->start;
		n++;
	}
	if (n != map->nentries || size != map->size)
		return 3;
	if (tree_check(map->root, 0, ~(vm_offset_t)0, &tn) || tn != n)
		return 4;
	for (struct vm_map_entry *e = map->header.next; map->first_free != &map->header; e = e->next) {
		if (e->prev != &map->header ? e->start != e->prev->end : e->start > anywhere_min(map))
			return 5; /* a hole below first_free */
		if (e == map->first_free)
			break;
	}
	return 0;
}

boolean_t vm_map_lookup_entry(struct vm_map *map, vm_offset_t addr, struct vm_map_entry **entry)
{
	struct vm_map_entry *h = map->hint, *h2 = map->hint2, *hdr = &map->header;

	/* The hint: repeated lookups. */
	if (h != hdr && addr >= h->start && addr < h->end) {
		*entry = h;
		return TRUE;
	}
	/* The hint before: two threads of a task taking turns (a fault and
	 * the pager thread that serves it, reading its buffer). */
	if (h2 != hdr && addr >= h2->start && addr < h2->end) {
		map->hint2 = h;
		map->hint = h2;
		*entry = h2;
		return TRUE;
	}
	/* Just past the hint: sequential lookups. */
	if (h != hdr && addr >= h->end) {
		struct vm_map_entry *n = h->next;
		if (n == hdr || addr < n->start) {
			*entry = h;
			return FALSE;
		}
		if (addr < n->end) {
			map->hint = n;
			*entry = n;
			return TRUE;
		}
	}
	struct vm_map_entry *best = hdr;
	for (struct vm_map_entry *t = map->root; t != NULL;) {
		if (t->start <= addr) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	*entry = best;
	if (best != hdr && addr < best->end) {
		map->hint2 = h;
		map->hint = best;
		return TRUE;
	}
	return FALSE;
}

/* A free range of size bytes aligned to mask + 1: its start, and the
 * entry after which it lies.  Page 0 is never handed out: an address of 0
 * means "none" to everyone. */
static kern_return_t find_space(struct vm_map *map, vm_size_t size, vm_offset_t mask, vm_offset_t *start_out,
				struct vm_map_entry **prev_out)
{
	struct vm_map_entry *hdr = &map->header, *e;
	vm_offset_t lo = anywhere_min(map), start;

	while (map->first_free->next != hdr && map->first_free->next->start == first_free_end(map))
		map->first_free = map->first_free->next;
	if (first_free_end(map) >= lo) {
		e = map->first_free;
		start = first_free_end(map);
	} else if (vm_map_lookup_entry(map, lo, &e)) {
		start = e->end;
	} else {
		start = lo;
	}
	for (;;) {
		vm_offset_t aligned = (start + mask) & ~mask;
		if (aligned < start)
			return KERN_NO_SPACE;
		start = aligned;
		vm_offset_t end = start + size;
		if (end < start || end > map->max_offset)
			return KERN_NO_SPACE;
		if (e->next == hdr || end <= e->next->start)
			break;
		e = e->next;
		if (e->end > start)
			start = e->end;
	}
	*start_out = start;
	*prev_out = e;
	return KERN_SUCCESS;
}

static int entry_attrs_match(struct vm_map_entry *e, vm_prot_t cur, vm_prot_t max, vm_inherit_t inh)
{
	return e->protection == cur && e->max_protection == max && e->inheritance == inh && e->wired_count == 0 &&
	       !e->needs_copy && !e->is_shared;
}

kern_return_t vm_map_enter(struct vm_map *map, vm_offset_t *addr, vm_size_t size, vm_offset_t mask,
			   boolean_t anywhere, struct vm_object *object, vm_offset_t offset, boolean_t needs_copy,
			   vm_prot_t cur, vm_prot_t max, vm_inherit_t inheritance)
{
	struct vm_map_entry *prev;
	vm_offset_t start;
	kern_return_t kr;

	if (size == 0 || (size & PAGE_MASK) || (offset & PAGE_MASK))
		return KERN_INVALID_ARGUMENT;
	vm_map_lock(map);
	if (anywhere) {
		kr = find_space(map, size, mask | PAGE_MASK, &start, &prev);
		if (kr != KERN_SUCCESS)
			goto out;
	} else {
		start = *addr;
		if ((start & PAGE_MASK) || start < map->min_offset || start + size > map->max_offset ||
		    start + size < start) {
			kr = KERN_INVALID_ADDRESS;
			goto out;
		}
		if (vm_map_lookup_entry(map, start, &prev) ||
		    (prev->next != &map->header && prev->next->start < start + size)) {
			kr = KERN_NO_SPACE;
			goto out;
		}
	}
	/* Anonymous memory next to untouched anonymous memory just grows
	 * the entry (and may join it to the one after). */
	struct vm_map_entry *next = prev->next;
	int join_prev = object == NULL && prev != &map->header && prev->end == start && prev->object == NULL &&
			entry_attrs_match(prev, cur, max, inheritance);
	int join_next = object == NULL && next != &map->header && next->start == start + size &&
			next->object == NULL && entry_attrs_match(next, cur, max, inheritance);
	if (join_prev && join_next) {
		prev->end = next->end;
		entry_unlink(map, next);
		entry_free(next);
		map->hint = prev;
	} else if (join_prev) {
		prev->end = start + size;
		map->hint = prev;
	} else if (join_next) {
		next->start = start; /* the key shrinks but stays above prev's */
		map->hint = next;
	} else {
		struct vm_map_entry *e = entry_alloc();
		if (e == NULL) {
			kr = KERN_RESOURCE_SHORTAGE;
			goto out;
		}
		e->start = start;
		e->end = start + size;
		e->object = object;
		e->offset = offset;
		e->protection = cur;
		e->max_protection = max;
		e->inheritance = inheritance;
		e->wired_count = 0;
		e->needs_copy = needs_copy ? 1 : 0;
		e->is_shared = 0;
		entry_link(map, prev, e);
		map->hint = e;
	}
	map->size += size;
	*addr = start;
	kr = KERN_SUCCESS;
out:
	vm_map_unlock(map);
	return kr;
}

/* Unwire the pages e shows (they are the ones wired, see vm_fault). */
static void entry_unwire_pages(struct vm_map_entry *e)
{
	for (vm_offset_t va = e->start; va < e->end; va += PAGE_SIZE) {
		struct vm_page *p = vm_map_entry_page(e, va);
		if (p != NULL && p->wire_count != 0)
			vm_page_unwire(p);
	}
}

/* Remove [start, end) (within the map) from a locked map. */
static void vm_map_delete(struct vm_map *map, vm_offset_t start, vm_offset_t end)
{
	struct vm_map_entry *e;

	if (vm_map_lookup_entry(map, start, &e))
		clip_start(map, e, start);
	else
		e = e->next;
	while (e != &map->header && e->start < end) {
		clip_end(map, e, end);
		struct vm_map_entry *next = e->next;
		if (e->wired_count != 0) {
			entry_unwire_pages(e);
			map->wired_size -= e->end - e->start;
		}
		pmap_remove(map->pmap, e->start, e->end);
		map->size -= e->end - e->start;
		entry_unlink(map, e);
		vm_object_deallocate(e->object);
		entry_free(e);
		e = next;
	}
}

kern_return_t vm_map_remove(struct vm_map *map, vm_offset_t start, vm_offset_t end)
{
	kern_return_t kr;

	vm_map_lock(map);
	if (start < map->min_offset)
		start = map->min_offset;
	if (end > map->max_offset)
		end = map->max_offset;
	kr = entry_reserve(2);
	if (kr == KERN_SUCCESS && start < end)
		vm_map_delete(map, start, end);
	vm_map_unlock(map);
	return kr;
}

/* The first entry at or after start, clipped to begin at start. */
static struct vm_map_entry *range_begin(struct vm_map *map, vm_offset_t start)
{
	struct vm_map_entry *e;

	if (vm_map_lookup_entry(map, start, &e))
		clip_start(map, e, start);
	else
		e = e->next;
	return e;
}

kern_return_t vm_map_protect(struct vm_map *map, vm_offset_t start, vm_offset_t end, vm_prot_t prot,
			     boolean_t set_max)
{
	struct vm_map_entry *e, *first, *last = NULL;
	kern_return_t kr;

	vm_map_lock(map);
	if (start < map->min_offset)
		start = map->min_offset;
	if (end > map->max_offset)
		end = map->max_offset;
	if (start >= end) {
		kr = KERN_SUCCESS;
		goto out;
	}
	/* Check every entry first: a protection above the maximum fails the
	 * whole call and changes nothing. */
	if (!vm_map_lookup_entry(map, start, &e))
		e = e->next;
	for (; e != &map->header && e->start < end; e = e->next) {
		if ((prot & (e->max_protection | VM_PROT_NOTIFY)) != prot) {
			kr = KERN_PROTECTION_FAILURE;
			goto out;
		}
	}
	kr = entry_reserve(2);
	if (kr != KERN_SUCCESS)
		goto out;
	prot &= ~VM_PROT_NOTIFY;
	first = range_begin(map, start);
	for (e = first; e != &map->header && e->start < end; e = e->next) {
		clip_end(map, e, end);
		vm_prot_t old = e->protection;
		if (set_max) {
			e->max_protection = prot;
			e->protection &= prot;
		} else {
			e->protection = prot;
		}
		if ((old & ~e->protection) != 0)
			pmap_protect(map->pmap, e->start, e->end, e->protection);
		last = e;
	}
	if (last != NULL)
		simplify_range(map, first, last);
out:
	vm_map_unlock(map);
	return kr;
}

kern_return_t vm_map_inherit(struct vm_map *map, vm_offset_t start, vm_offset_t end, vm_inherit_t inheritance)
{
	struct vm_map_entry *e, *first, *last = NULL;
	kern_return_t kr;

	vm_map_lock(map);
	if (start < map->min_offset)
		start = map->min_offset;
	if (end > map->max_offset)
		end = map->max_offset;
	kr = entry_reserve(2);
	if (kr != KERN_SUCCESS || start >= end)
		goto out;
	first = range_begin(map, start);
	for (e = first; e != &map->header && e->start < end; e = e->next) {
		clip_end(map, e, end);
		e->inheritance = inheritance;
		last = e;
	}
	if (last != NULL)
		simplify_range(map, first, last);
out:
	vm_map_unlock(map);
	return kr;
}

/* Whether [start, end) is covered by entries with no hole; *first gets the
 * entry containing start. */
static int range_mapped(struct vm_map *map, vm_offset_t start, vm_offset_t end, struct vm_map_entry **first)
{
	struct vm_map_entry *e;

	if (start < map->min_offset || end > map->max_offset || !vm_map_lookup_entry(map, start, &e))
		return 0;
	*first = e;
	while (e->end < end) {
		if (e->next == &map->header || e->next->start != e->end)
			return 0;
		e = e->next;
	}
	return 1;
}

/* Which pagers' pages a copy needs resident before it starts
 * (vm_map_page_in). */
#define PAGE_IN_ALL 0  /* every page: the copy reads them all now */
#define PAGE_IN_COPY 1 /* those of entries copied physically */
#define PAGE_IN_FORK 2 /* the same, of entries fork copies */
static void vm_map_page_in(struct vm_map *map, vm_offset_t start, vm_offset_t end, int mode);

kern_return_t vm_map_pageable(struct vm_map *map, vm_offset_t start, vm_offset_t end, vm_prot_t access)
{
	struct vm_map_entry *e, *first;
	kern_return_t kr = KERN_SUCCESS;

	/* Wiring faults with the map locked: pagers' pages come in first. */
	if (access != VM_PROT_NONE && start < end)
		vm_map_page_in(map, trunc_page(start), round_page(end), PAGE_IN_ALL);
	vm_map_lock(map);
	if (start >= end)
		goto out;
	if (!range_mapped(map, start, end, &e)) {
		kr = KERN_INVALID_ADDRESS;
		goto out;
	}
	for (; e != &map->header && e->start < end; e = e->next) {
		if (access != VM_PROT_NONE && (e->protection & access) != access) {
			kr = KERN_PROTECTION_FAILURE;
			goto out;
		}
		if (access == VM_PROT_NONE && e->wired_count == 0) {
			kr = KERN_INVALID_ARGUMENT;
			goto out;
		}
	}
	kr = entry_reserve(2);
	if (kr != KERN_SUCCESS)
		goto out;
	first = range_begin(map, start);
	for (e = first; e != &map->header && e->start < end; e = e->next) {
		clip_end(map, e, end);
		if (access == VM_PROT_NONE) {
			if (--e->wired_count == 0) {
				entry_unwire_pages(e);
				map->wired_size -= e->end - e->start;
			}
			continue;
		}
		if (e->wired_count++ != 0)
			continue;
		map->wired_size += e->end - e->start;
		/* Wire with the entry's full access, so that a later write
		 * never has to copy a wired page. */
		vm_prot_t type = e->protection & (VM_PROT_READ | VM_PROT_WRITE);
		if (type == 0)
			type = VM_PROT_READ;
		for (vm_offset_t va = e->start; va < e->end; va += PAGE_SIZE) {
			kr = vm_fault_locked(map, va, type, 1, NULL);
			if (kr != KERN_SUCCESS) {
				/* Out of memory: undo this entry's wiring so far. */
				for (vm_offset_t u = e->start; u < va; u += PAGE_SIZE) {
					struct vm_page *p = vm_map_entry_page(e, u);
					if (p != NULL && p->wire_count != 0)
						vm_page_unwire(p);
				}
				e->wired_count--;
				map->wired_size -= e->end - e->start;
				goto out;
			}
		}
	}
out:
	vm_map_unlock(map);
	return kr;
}

/* ---- task creation: a child's map by inheritance ---- */

/* ---- copies of entries, and the pagers' pages they need first ---- */

/* Whether a copy of e is made physically, page by page, now: wired
 * memory (its pages may not be made read-only), anonymous memory another
 * map shares (it writes the object behind a copy's back), and objects
 * whose pager asked for COPY_NONE. */
static int entry_copy_physical(struct vm_map_entry *e)
{
	struct vm_object *o = e->object;

	if (o == NULL || e->needs_copy)
		return 0;
	if (e->wired_count != 0)
		return 1;
	if (o->copy_strategy == VM_OBJECT_COPY_SYMMETRIC)
		return e->is_shared;
	return o->copy_strategy == VM_OBJECT_COPY_NONE && o->pager_ready;
}

/*
 * Make c, a clone of e about to go elsewhere (a child's map, a copy in
 * transit), see a copy of e's range as it is now, the way e's object's
 * copy strategy says (vm_object.h).  The pagers' pages a physical copy
 * reads are resident (vm_map_page_in).  KERN_RESOURCE_SHORTAGE.
 */
static kern_return_t entry_copy(struct vm_map *map, struct vm_map_entry *e, struct vm_map_entry *c)
{
	struct vm_object *o = e->object;
	vm_size_t size = e->end - e->start;
	int src_needs_copy = 0, dst_needs_copy = 0;
	kern_return_t kr;

	c->object = NULL;
	c->needs_copy = 0;
	if (o == NULL)
		return KERN_SUCCESS; /* untouched: each side zero fills on its own */
	if (e->needs_copy) {
		/* e is itself a pending copy of o: the copy shares it too. */
		vm_object_reference(o);
		c->object = o;
		c->needs_copy = 1;
		return KERN_SUCCESS;
	}
	if (entry_copy_physical(e)) {
		c->object = vm_object_copy_slowly(o, e->offset, size, 0);
		c->offset = 0;
		return c->object != NULL ? KERN_SUCCESS : KERN_RESOURCE_SHORTAGE;
	}
	if (o->copy_strategy == VM_OBJECT_COPY_SYMMETRIC)
		vm_object_collapse(o); /* keep chains short before sharing again */
	kr = vm_object_copy_strategically(o, e->offset, size, 0, &c->object, &c->offset, &dst_needs_copy,
					  &src_needs_copy);
	if (kr != KERN_SUCCESS) {
		c->object = NULL;
		return kr;
	}
	c->needs_copy = dst_needs_copy != 0;
	if (src_needs_copy) {
		e->needs_copy = 1;
		pmap_protect(map->pmap, e->start, e->end, e->protection & ~VM_PROT_WRITE);
	}
	return KERN_SUCCESS;
}

/* Down e's chain for the page it shows at va (as vm_map_entry_page,
 * without waiting): 1 if a pager has it and it is not resident yet;
 * else 0 with *found the first resident page (NULL: it reads as zero),
 * which may still be busy or hold no data: the callers judge. */
static inline int chain_page(struct vm_map_entry *e, vm_offset_t va, struct vm_page **found)
{
	vm_offset_t off = e->offset + (va - e->start);

	*found = NULL;
	for (struct vm_object *o = e->object; o != NULL; o = o->shadow) {
		struct vm_page *p = vm_page_lookup(o, off);
		if (p != NULL && !(p->flags & VM_PAGE_UNAVAILABLE)) {
			*found = p;
			return 0;
		}
		if (p == NULL && o->pager != NULL && vm_object_pager_has(o, off))
			return 1;
		off += o->shadow_offset;
	}
	return 0;
}

/* Whether the page e shows at va is not resident but a pager has it
 * (rather than reading as zero). */
static int page_from_pager(struct vm_map_entry *e, vm_offset_t va)
{
	struct vm_page *p;

	return chain_page(e, va, &p) || (p != NULL && (p->flags & VM_PAGE_NO_DATA));
}

/* Whether mode's copy needs the pagers' pages of e brought in: a copy
 * made physically, or one of an object whose pager is not ready yet (its
 * strategy is not known: the first fault waits for it). */
static int chain_has_pager(struct vm_object *o)
{
	for (; o != NULL; o = o->shadow)
		if (o->pager != NULL)
			return 1;
	return 0;
}

static int entry_needs_page_in(struct vm_map_entry *e, int mode)
{
	struct vm_object *o = e->object;

	if (o == NULL || !(e->protection & VM_PROT_READ) || !chain_has_pager(o))
		return 0;
	if (mode == PAGE_IN_ALL)
		return 1;
	if (mode == PAGE_IN_FORK && e->inheritance != VM_INHERIT_COPY)
		return 0;
	return entry_copy_physical(e) || (o->pager != NULL && !o->pager_ready && vm_object_pager_alive(o));
}

/* With map locked: the first page at or after from, below end, that mode's
 * copy needs from a pager and is not resident, looking from entry e (the
 * one containing from, or the next); 0 if none. */
static vm_offset_t next_pager_page(struct vm_map *map, struct vm_map_entry *e, vm_offset_t from, vm_offset_t end,
				   int mode)
{
	for (; e != &map->header && e->start < end; e = e->next) {
		if (!entry_needs_page_in(e, mode))
			continue;
		vm_offset_t va = from > e->start ? from : e->start;
		for (; va < e->end && va < end; va += PAGE_SIZE)
			if (page_from_pager(e, va))
				return va;
	}
	return 0;
}

/*
 * Copies (vm_map_copyin, fork) read resident pages only, under the map
 * lock.  Pages a pager has not supplied yet are brought in first, by
 * ordinary faults, which wait for the pager without the map lock (the
 * pager may well be a thread of this task that needs the map).  A page
 * the pager fails to give reads as zero in the copy.
 */
static void vm_map_page_in(struct vm_map *map, vm_offset_t start, vm_offset_t end, int mode)
{
	vm_offset_t va = start;

	for (;;) {
		struct vm_map_entry *e;
		vm_map_lock(map);
		if (!vm_map_lookup_entry(map, va, &e))
			e = e->next;
		va = next_pager_page(map, e, va, end, mode);
		vm_map_unlock(map);
		if (va == 0)
			return;
		(void)vm_fault(map, va, VM_PROT_READ);
		va += PAGE_SIZE;
		if (va == 0 || va >= end)
			return;
	}
}

struct vm_map *vm_map_fork(struct vm_map *parent)
{
	struct pmap *pmap = pmap_create();

	if (pmap == NULL)
		return NULL;
	struct vm_map *child = vm_map_create(pmap, parent->min_offset, parent->max_offset);
	if (child == NULL) {
		pmap_destroy(pmap);
		return NULL;
	}
	vm_map_page_in(parent, parent->min_offset, parent->max_offset, PAGE_IN_FORK);
	vm_map_lock(parent);
	for (struct vm_map_entry *e = parent->header.next; e != &parent->header; e = e->next) {
		if (e->inheritance == VM_INHERIT_NONE)
			continue;
		struct vm_map_entry *c = entry_alloc();
		if (c == NULL)
			goto fail;
		vm_size_t size = e->end - e->start;
		if (e->inheritance == VM_INHERIT_SHARE) {
			/* Both must see one object: make it now, and if the entry
			 * was a pending copy, make that copy its own first. */
			if (e->object == NULL) {
				e->object = vm_object_allocate(size);
				e->offset = 0;
			} else if (e->needs_copy &&
				   vm_object_shadow(&e->object, &e->offset, size) == KERN_SUCCESS) {
				e->needs_copy = 0;
				/* Pages mapped from the old object must go: both
				 * sides now write to the shadow. */
				pmap_remove(parent->pmap, e->start, e->end);
			}
			if (e->object == NULL || e->needs_copy) {
				entry_free(c);
				goto fail;
			}
			e->is_shared = 1;
			*c = *e;
			vm_object_reference(c->object);
		} else {
			*c = *e;
			if (entry_copy(parent, e, c) != KERN_SUCCESS) {
				entry_free(c);
				goto fail;
			}
		}
		c->wired_count = 0;
		if (e->inheritance != VM_INHERIT_SHARE)
			c->is_shared = 0; /* the child's copy is its own */
		c->left = c->right = NULL;
		c->priority = treap_random();
		entry_link(child, child->header.prev, c);
		child->size += size;
	}
	vm_map_unlock(parent);
	return child;
fail:
	vm_map_unlock(parent);
	vm_map_deallocate(child);
	return NULL;
}

/* ---- copies: out-of-line data, vm_read, vm_write, vm_copy ---- */

static struct vm_map_copy *copy_alloc(int type, vm_offset_t offset, vm_size_t size)
{
	struct vm_map_copy *copy = zalloc(&vm_map_copy_zone);

	if (copy == NULL)
		return NULL;
	copy->type = type;
	copy->offset = offset;
	copy->size = size;
	copy->header.next = copy->header.prev = &copy->header;
	copy->nentries = 0;
	copy->buffer = NULL;
	copy->buffer_size = 0;
	copy->buffer_page = NULL;
	return copy;
}

void vm_map_copy_discard(vm_map_copy_t copy)
{
	if (copy == VM_MAP_COPY_NULL)
		return;
	if (copy->type == VM_MAP_COPY_KERNEL_BUFFER) {
		if (copy->buffer_page != NULL)
			vm_page_release(copy->buffer_page);
		else if (copy->buffer != NULL)
			kfree(copy->buffer, copy->buffer_size);
	} else {
		while (copy->header.next != &copy->header) {
			struct vm_map_entry *e = copy->header.next;
			e->prev->next = e->next;
			e->next->prev = e->prev;
			vm_object_deallocate(e->object);
			entry_free(e);
		}
	}
	zfree(&vm_map_copy_zone, copy);
}

kern_return_t vm_map_copy_object(struct vm_object *object, vm_size_t size, vm_map_copy_t *result)
{
	vm_init();
	struct vm_map_copy *copy = copy_alloc(VM_MAP_COPY_ENTRY_LIST, 0, size);
	struct vm_map_entry *e = copy != NULL ? entry_alloc() : NULL;

	if (e == NULL) {
		if (copy != NULL)
			zfree(&vm_map_copy_zone, copy);
		return KERN_RESOURCE_SHORTAGE;
	}
	e->start = 0;
	e->end = round_page(size);
	e->object = object;
	e->offset = 0;
	e->protection = VM_PROT_READ | VM_PROT_WRITE;
	e->max_protection = VM_PROT_ALL;
	e->inheritance = VM_INHERIT_COPY;
	e->wired_count = 0;
	e->needs_copy = 0;
	e->is_shared = 0;
	e->next = e->prev = &copy->header;
	copy->header.next = copy->header.prev = e;
	copy->nentries = 1;
	*result = copy;
	return KERN_SUCCESS;
}

kern_return_t vm_map_copyin_kernel_buffer(const void *data, vm_size_t len, vm_map_copy_t *result)
{
	vm_init();
	struct vm_map_copy *copy = copy_alloc(VM_MAP_COPY_KERNEL_BUFFER, (uintptr_t)data & PAGE_MASK, len);

	if (copy == NULL)
		return KERN_RESOURCE_SHORTAGE;
	if (len != 0) {
		copy->buffer = kalloc(len);
		if (copy->buffer == NULL) {
			zfree(&vm_map_copy_zone, copy);
			return KERN_RESOURCE_SHORTAGE;
		}
		copy->buffer_size = len;
		memcpy(copy->buffer, data, len);
	}
	*result = copy;
	return KERN_SUCCESS;
}

/* Copy len bytes at va in map (readable, mapped: checked; e the entry
 * holding va) to buf. */
static void map_read_bytes(struct vm_map *map, struct vm_map_entry *e, vm_offset_t va, void *buf, vm_size_t len)
{
	char *dst = buf;

	while (len > 0) {
		vm_size_t chunk = PAGE_SIZE - (va & PAGE_MASK);
		if (chunk > len)
			chunk = len;
		while (va >= e->end) {
			e = e->next; /* the range is mapped without holes */
			assert(e != &map->header && va >= e->start);
		}
		struct vm_page *p = vm_map_entry_page(e, va); /* pager pages: vm_map_page_in */
		if (p != NULL)
			memcpy(dst, (char *)vm_page_kva(p) + (va & PAGE_MASK), chunk);
		else
			memset(dst, 0, chunk);
		dst += chunk;
		va += chunk;
		len -= chunk;
	}
}

/*
 * The page at addr (page aligned, in entry e), taken out of the map's
 * memory to travel as a copy's data, if nothing else can see it: anonymous
 * memory of this entry alone, resident, not wired, not shared, not a
 * pending copy.  NULL if it cannot be taken (the caller copies it).  The
 * caller unmaps the range afterwards (src_destroy).
 */
static struct vm_page *steal_page(struct vm_map_entry *e, vm_offset_t addr)
{
	struct vm_object *o = e->object;

	if (o == NULL || e->needs_copy || e->is_shared || e->wired_count != 0 || o->ref_count != 1 ||
	    o->pager != NULL || o->copy != NULL || !o->internal)
		return NULL;
	struct vm_page *p = vm_page_lookup(o, e->offset + (addr - e->start));
	if (p == NULL || (p->flags & (VM_PAGE_BUSY | VM_PAGE_NO_DATA)) || p->wire_count != 0)
		return NULL;
	if (p->pv_pmap != NULL)
		pmap_page_protect(p, VM_PROT_NONE);
	vm_page_remove(p);
	vm_page_dequeue(p);
	p->flags = 0;
	p->page_lock = VM_PROT_NONE;
	return p;
}

kern_return_t vm_map_copyin(struct vm_map *map, vm_offset_t addr, vm_size_t len, boolean_t src_destroy,
			    vm_map_copy_t *result)
{
	struct vm_map_entry *e;
	struct vm_map_copy *copy = NULL;
	kern_return_t kr;

	if (len == 0) {
		*result = VM_MAP_COPY_NULL;
		return KERN_SUCCESS;
	}
	vm_offset_t end = addr + len;
	if (end < addr || round_page(end) < end)
		return KERN_INVALID_ADDRESS;
	vm_offset_t start = trunc_page(addr), end_r = round_page(end);

	int mode = len <= VM_MAP_COPY_PHYSICAL_MAX ? PAGE_IN_ALL : PAGE_IN_COPY, paged_in = 0;
again:
	vm_map_lock(map);
	if (!range_mapped(map, start, end_r, &e)) {
		kr = KERN_INVALID_ADDRESS;
		goto out;
	}
	for (struct vm_map_entry *t = e; t != &map->header && t->start < end_r; t = t->next)
		if (!(t->protection & VM_PROT_READ)) {
			kr = KERN_PROTECTION_FAILURE;
			goto out;
		}
	/* Pagers' pages the copy reads now come in first, without the lock
	 * (once: a page a pager fails to give reads as zero). */
	if (!paged_in && next_pager_page(map, e, start, end_r, mode) != 0) {
		vm_map_unlock(map);
		vm_map_page_in(map, start, end_r, mode);
		paged_in = 1;
		goto again;
	}

	if (len <= VM_MAP_COPY_PHYSICAL_MAX) {
		copy = copy_alloc(VM_MAP_COPY_KERNEL_BUFFER, addr & PAGE_MASK, len);
		/* A whole page travels in a page the receiver can keep: the
		 * sender's own, if it gives it away, else a copy. */
		int whole = copy != NULL && len == PAGE_SIZE && (addr & PAGE_MASK) == 0;
		/* (The unmap below must not fail once the page is taken.) */
		struct vm_page *stolen = whole && src_destroy && entry_reserve(2) == KERN_SUCCESS ? steal_page(e, addr)
											  : NULL;
		struct vm_page *page = stolen != NULL ? stolen : whole ? vm_page_grab() : NULL;
		void *buf = page != NULL ? vm_page_kva(page) : kalloc(len);
		if (copy == NULL || buf == NULL) {
			if (buf != NULL)
				kfree(buf, len);
			kr = KERN_RESOURCE_SHORTAGE;
			goto fail;
		}
		copy->buffer = buf;
		copy->buffer_size = len;
		copy->buffer_page = page;
		if (stolen == NULL)
			map_read_bytes(map, e, addr, buf, len);
	} else {
		copy = copy_alloc(VM_MAP_COPY_ENTRY_LIST, addr & PAGE_MASK, len);
		if (copy == NULL) {
			kr = KERN_RESOURCE_SHORTAGE;
			goto fail;
		}
		if ((kr = entry_reserve(2)) != KERN_SUCCESS)
			goto fail;
		e = range_begin(map, start);
		for (; e != &map->header && e->start < end_r; e = e->next) {
			if ((kr = entry_reserve(2)) != KERN_SUCCESS)
				goto fail;
			clip_end(map, e, end_r);
			struct vm_map_entry *c = entry_alloc();
			uint32_t pri = c->priority;
			*c = *e;
			c->priority = pri;
			c->start = e->start - start;
			c->end = e->end - start;
			c->wired_count = 0;
			c->is_shared = 0;
			if (src_destroy && e->object != NULL && !e->is_shared && e->wired_count == 0 &&
			    (e->needs_copy || e->object->copy_strategy == VM_OBJECT_COPY_SYMMETRIC)) {
				vm_object_reference(c->object); /* the source goes away: just move */
			} else if ((kr = entry_copy(map, e, c)) != KERN_SUCCESS) {
				entry_free(c);
				goto fail;
			}
			c->next = &copy->header;
			c->prev = copy->header.prev;
			copy->header.prev->next = c;
			copy->header.prev = c;
			copy->nentries++;
		}
	}
	if (src_destroy) {
		if ((kr = entry_reserve(2)) != KERN_SUCCESS)
			goto fail;
		vm_map_delete(map, start, end_r);
	}
	*result = copy;
	kr = KERN_SUCCESS;
	goto out;
fail:
	if (copy != NULL)
		vm_map_copy_discard(copy);
out:
	vm_map_unlock(map);
	return kr;
}

/*
 * One page of a map as out-of-line data the kernel consumes on the spot
 * (memory_object_data_supply's fast path), with no vm_map_copy: what
 * vm_map_copyin would read, read in place.  Map locked.
 */
int vm_map_page_peek(struct vm_map *map, vm_offset_t addr, boolean_t src_destroy, struct vm_map_entry **entry,
		     struct vm_page **page)
{
	struct vm_map_entry *e;
	struct vm_page *p;

	if (addr < map->min_offset || addr >= map->max_offset || !vm_map_lookup_entry(map, addr, &e) ||
	    !(e->protection & VM_PROT_READ))
		return 0;
	/* Refusing what would wait: a page in transit or failed, one a
	 * pager has yet to supply. */
	if (chain_page(e, addr, &p) || (p != NULL && (p->flags & (VM_PAGE_BUSY | VM_PAGE_NO_DATA))))
		return 0;
	/* (The unmap must not fail once the data is used.) */
	if (src_destroy && entry_reserve(2) != KERN_SUCCESS)
		return 0;
	*entry = e;
	*page = p;
	return 1;
}

struct vm_page *vm_map_page_remove(struct vm_map *map, struct vm_map_entry *e, vm_offset_t addr, int take)
{
	struct vm_page *p = take ? steal_page(e, addr) : NULL;

	vm_map_delete(map, addr, addr + PAGE_SIZE);
	return p;
}

/* A kernel-buffer copy as a fresh object whose pages already hold the
 * data (no zero fill, no pmap work: the receiver faults them in). */
struct vm_page *vm_map_copy_steal_page(vm_map_copy_t copy)
{
	struct vm_page *page = copy->type == VM_MAP_COPY_KERNEL_BUFFER ? copy->buffer_page : NULL;

	if (page != NULL) {
		copy->buffer_page = NULL;
		copy->buffer = NULL;
		copy->buffer_size = 0;
	}
	return page;
}

/* How long a copyout waits for free pages without the pageout daemon
 * making progress (vm_page_wait) before the receive fails. */
#define VM_MAP_COPYOUT_MEMORY_WAIT_TICKS (5 * HZ)

static struct vm_object *buffer_to_object(vm_map_copy_t copy, vm_size_t size)
{
	struct vm_object *obj = vm_object_allocate(size);
	const char *src = copy->buffer;
	vm_offset_t pos = 0, data_start = copy->offset, data_end = copy->offset + copy->size;

	if (obj == NULL)
		return NULL;
	struct vm_page *page = vm_map_copy_steal_page(copy);
	if (page != NULL) { /* the data's own page becomes the object's */
		vm_page_insert(page, obj, 0);
		vm_page_activate(page);
		return obj;
	}
	for (vm_offset_t off = 0; off < size; off += PAGE_SIZE) {
		struct vm_page *p;
		/* Short of pages, wait for the pageout daemon as a fault does:
		 * failing here would lose the message's data (the receive
		 * could only report MACH_MSG_VM_SPACE).  Give up only when
		 * memory stays short with no progress, or the thread is
		 * interrupted. */
		while ((p = vm_page_alloc_in(obj, off)) == NULL) {
			if (vm_page_wait(VM_MAP_COPYOUT_MEMORY_WAIT_TICKS) != KERN_SUCCESS) {
				vm_object_deallocate(obj);
				return NULL;
			}
		}
		char *dst = vm_page_kva(p);
		vm_offset_t lo = data_start > off ? data_start - off : 0;
		vm_offset_t hi = data_end < off + PAGE_SIZE ? data_end - off : PAGE_SIZE;
		if (lo > 0 || hi < PAGE_SIZE)
			vm_page_zero(p);
		memcpy(dst + lo, src + pos, hi - lo);
		pos += hi - lo;
	}
	return obj;
}

static kern_return_t copyout_place(struct vm_map *map, vm_offset_t *addr, vm_map_copy_t copy);

/*
 * What a thread with the VM privilege (thread_wire: the default pager's)
 * receives is wired at once: the default pager must never fault on its
 * own memory, which only it could page in again.
 */
kern_return_t vm_map_copyout(struct vm_map *map, vm_offset_t *addr, vm_map_copy_t copy)
{
	vm_size_t size = copy != VM_MAP_COPY_NULL ? round_page(copy->offset + copy->size) : 0;
	struct thread *self = current_thread();
	kern_return_t kr = copyout_place(map, addr, copy);

	if (kr == KERN_SUCCESS && size != 0 && self != NULL && self->vm_privilege)
		(void)vm_map_pageable(map, trunc_page(*addr), trunc_page(*addr) + size, VM_PROT_READ | VM_PROT_WRITE);
	return kr;
}

static kern_return_t copyout_place(struct vm_map *map, vm_offset_t *addr, vm_map_copy_t copy)
{
	kern_return_t kr;

	if (copy == VM_MAP_COPY_NULL) {
		*addr = 0;
		return KERN_SUCCESS;
	}
	vm_size_t size = round_page(copy->offset + copy->size);
	if (copy->type == VM_MAP_COPY_KERNEL_BUFFER) {
		struct vm_object *obj = buffer_to_object(copy, size);
		vm_offset_t base = 0;
		if (obj == NULL)
			return KERN_RESOURCE_SHORTAGE;
		kr = vm_map_enter(map, &base, size, 0, TRUE, obj, 0, FALSE, VM_PROT_DEFAULT, VM_PROT_ALL,
				  VM_INHERIT_DEFAULT);
		if (kr != KERN_SUCCESS) {
			vm_object_deallocate(obj);
			return kr;
		}
		*addr = base + copy->offset;
		vm_map_copy_discard(copy);
		return KERN_SUCCESS;
	}

	struct vm_map_entry *prev;
	vm_offset_t base;
	vm_map_lock(map);
	kr = find_space(map, size, PAGE_MASK, &base, &prev);
	if (kr != KERN_SUCCESS)
		goto out;
	while (copy->header.next != &copy->header) {
		struct vm_map_entry *c = copy->header.next;
		c->prev->next = c->next;
		c->next->prev = c->prev;
		c->start += base;
		c->end += base;
		c->protection = VM_PROT_DEFAULT;
		c->max_protection = VM_PROT_ALL;
		c->inheritance = VM_INHERIT_DEFAULT;
		c->left = c->right = NULL;
		entry_link(map, prev, c);
		map->size += c->end - c->start;
		prev = c;
	}
	*addr = base + copy->offset;
	zfree(&vm_map_copy_zone, copy);
out:
	vm_map_unlock(map);
	return kr;
}

kern_return_t vm_map_copy_overwrite(struct vm_map *map, vm_offset_t addr, vm_map_copy_t copy)
{
	struct vm_map_entry *e;
	kern_return_t kr = KERN_SUCCESS;

	if (copy == VM_MAP_COPY_NULL)
		return KERN_SUCCESS;
	/* As GNU Mach: whole pages only. */
	if ((copy->size & PAGE_MASK) || copy->offset != 0 || (addr & PAGE_MASK))
		return KERN_INVALID_ARGUMENT;
	vm_offset_t end = addr + copy->size;
	if (end > addr)
		vm_map_page_in(map, addr, end, PAGE_IN_ALL); /* the pages overwritten fault with the map locked */
	vm_map_lock(map);
	if (end < addr || !range_mapped(map, addr, end, &e)) {
		kr = KERN_INVALID_ADDRESS;
		goto out;
	}
	for (; e != &map->header && e->start < end; e = e->next)
		if (!(e->protection & VM_PROT_WRITE)) {
			kr = KERN_PROTECTION_FAILURE;
			goto out;
		}
	/* Page by page: make the destination page writable and ours (a
	 * fault; wired meanwhile, so that it stays while the source page
	 * comes back from its pager), then copy into it. */
	struct vm_map_entry *src = copy->header.next;
	for (vm_offset_t off = 0; off < copy->size; off += PAGE_SIZE) {
		struct vm_page *dst, *p = NULL;
		kr = vm_fault_locked(map, addr + off, VM_PROT_READ | VM_PROT_WRITE, 1, &dst);
		if (kr != KERN_SUCCESS)
			goto out;
		/* Written here, not through a mapping: no pmap modified bit
		 * says so, and its pager's copy (if any) is now stale. */
		dst->flags |= VM_PAGE_DIRTY;
		if (copy->type == VM_MAP_COPY_KERNEL_BUFFER) {
			memcpy(vm_page_kva(dst), (char *)copy->buffer + off, PAGE_SIZE);
		} else {
			while (off >= src->end)
				src = src->next;
			kr = vm_map_entry_page_in(src, off, &p);
			if (kr == KERN_SUCCESS && p != NULL)
				vm_page_copy(p, dst);
			else if (kr == KERN_SUCCESS)
				vm_page_zero(dst);
		}
		vm_page_unwire(dst);
		if (kr != KERN_SUCCESS)
			goto out;
	}
	vm_map_unlock(map);
	vm_map_copy_discard(copy);
	return KERN_SUCCESS;
out:
	vm_map_unlock(map);
	return kr;
}
