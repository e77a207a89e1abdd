/*
 * Address maps: what a task's address space holds.  A map is a set of
 * non-overlapping entries, each a page-aligned range [start, end) backed
 * by an object at an offset, with protections and an inheritance.  The
 * entries sit both on a list in address order (for walking ranges) and in
 * a treap keyed by start (a search tree kept balanced by random
 * priorities), so a lookup costs O(log n) however large the map; a hint
 * (the last entry found) makes the common repeated lookup O(1).
 *
 * An entry's object may be NULL: the range reads as zero and the first
 * fault makes an object.  needs_copy says the entry shares its object
 * copy-on-write (the symmetric strategy): nobody may write the object, and
 * the first write through this entry gives it a shadow of its own.
 * is_shared says another map (share inheritance) maps the same object for
 * writing, so a copy must be physical.
 *
 * Locking: the map lock is held across every operation; it may sleep.
 */
#ifndef VM_VM_MAP_H
#define VM_VM_MAP_H
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/machine/vm_types.h>
#include <mach/vm_inherit.h>
#include <mach/vm_prot.h>
#include <kern/debug.h>
#include <stddef.h>

struct pmap;
struct vm_object;

/* Where user address spaces start and end (GNU Mach i386). */
#define VM_MIN_USER_ADDRESS ((vm_offset_t)0)
#define VM_MAX_USER_ADDRESS ((vm_offset_t)KERNBASE)

/* Out-of-line copies of up to this many bytes are copied physically (a
 * kernel buffer); larger ones are virtual (copy-on-write). */
#define VM_MAP_COPY_PHYSICAL_MAX (2 * PAGE_SIZE)

struct vm_map_entry {
	struct vm_map_entry *prev, *next;  /* address order, the header closes the ring */
	struct vm_map_entry *left, *right; /* treap children */
	uint32_t priority;		   /* treap: a parent's is >= its children's */
	vm_offset_t start, end;
	struct vm_object *object; /* NULL: zero fill, object made at the first fault */
	vm_offset_t offset;	  /* offset of start in object */
	vm_prot_t protection, max_protection;
	vm_inherit_t inheritance;
	unsigned short wired_count;
	uint8_t needs_copy; /* copy-on-write: shadow the object before writing */
	uint8_t is_shared;  /* another map shares the object (share inheritance) */
};

struct vm_map_lock {
	int held;
	int waiting;
};

struct vm_map {
	struct vm_map_lock lock;
	struct vm_map_entry header; /* list head; not an entry */
	struct vm_map_entry *root;  /* treap of the entries */
	struct vm_map_entry *hint;  /* last entry looked up */
	struct vm_map_entry *hint2; /* the one before (a pager thread's buffer and the faulting region) */
	/* No hole below first_free's end (the header: min); anywhere
	 * allocation searches from there. */
	struct vm_map_entry *first_free;
	unsigned nentries;
	vm_size_t size; /* bytes mapped */
	vm_size_t wired_size;
	vm_offset_t min_offset, max_offset;
	struct pmap *pmap;
	int ref_count;
	/* One more at every unlock that may have changed the map: a holder
	 * that finds it as it left it knows its entries are unchanged. */
	unsigned timestamp;
};

/* A copy of a region in transit (out-of-line message data, vm_read):
 * either a kernel buffer (small regions: copied now) or a list of entries
 * detached from any map (large: copy-on-write), with start 0 at the first
 * page.  offset is where the data begins in its first page; it arrives at
 * the same offset in the receiver's page. */
#define VM_MAP_COPY_ENTRY_LIST 1
#define VM_MAP_COPY_KERNEL_BUFFER 2

struct vm_map_copy {
	int type;
	vm_offset_t offset; /* of the data in the first page */
	vm_size_t size;	    /* bytes of data */
	struct vm_map_entry header; /* ENTRY_LIST: the entries */
	unsigned nentries;
	void *buffer; /* KERNEL_BUFFER: kalloc'd, buffer_size bytes */
	vm_size_t buffer_size;
	/* A whole page of data at offset 0 is kept in a page of its own (buffer
	 * is its address), which the receiver can take instead of copying. */
	struct vm_page *buffer_page;
};
typedef struct vm_map_copy *vm_map_copy_t;
#define VM_MAP_COPY_NULL ((vm_map_copy_t)0)

void vm_init(void);

/* A map of [min, max) over pmap (the map takes the caller's pmap
 * reference); NULL if memory ran out. */
struct vm_map *vm_map_create(struct pmap *pmap, vm_offset_t min, vm_offset_t max);
/* References: inline, since every kernel RPC on a task's map (vm_allocate
 * ...) takes and drops one (convert_port_to_map). */
static inline void vm_map_reference(struct vm_map *map)
{
	map->ref_count++;
}
/* The last reference removes every mapping and destroys the pmap. */
void vm_map_destroy(struct vm_map *map);
static inline void vm_map_deallocate(struct vm_map *map)
{
	if (map != NULL && --map->ref_count == 0)
		vm_map_destroy(map);
}

/* The lock's waits, out of line: a fault takes and drops the lock of
 * its map twice, and most find it free with nobody waiting. */
int vm_map_lock_sleep(struct vm_map *map);
void vm_map_lock_wakeup(struct vm_map *map);

/* Returns 1 if it had to sleep for the lock (anything may have changed
 * meanwhile), 0 if it took it at once. */
static inline __attribute__((always_inline)) int vm_map_lock(struct vm_map *map)
{
	if (map->lock.held)
		return vm_map_lock_sleep(map);
	map->lock.held = 1;
	return 0;
}

/* The same, by a holder that changed nothing (the timestamp stays). */
static inline __attribute__((always_inline)) void vm_map_unlock_unchanged(struct vm_map *map)
{
	assert(map->lock.held);
	map->lock.held = 0;
	if (map->lock.waiting)
		vm_map_lock_wakeup(map);
}

static inline void vm_map_unlock(struct vm_map *map)
{
	map->timestamp++;
	vm_map_unlock_unchanged(map);
}

/* The entry containing addr (TRUE), or FALSE and the entry before addr
 * (or the header) in *entry.  Map locked. */
boolean_t vm_map_lookup_entry(struct vm_map *map, vm_offset_t addr, struct vm_map_entry **entry);

/* Map object (a reference the map takes on success) at *addr for size
 * bytes: anywhere (aligned to mask + 1), or exactly at *addr.  Page-
 * aligned arguments.  KERN_NO_SPACE (overlap, or no room anywhere),
 * KERN_INVALID_ADDRESS (outside the map), KERN_RESOURCE_SHORTAGE. */
kern_return_t vm_map_enter(struct vm_map *map, vm_offset_t *addr, vm_size_t size, vm_offset_t mask,
			   boolean_t anywhere, struct vm_object *object, vm_offset_t offset, boolean_t needs_copy,
			   vm_prot_t cur, vm_prot_t max, vm_inherit_t inheritance);
/* Unmap [start, end) (clamped to the map; holes are fine). */
kern_return_t vm_map_remove(struct vm_map *map, vm_offset_t start, vm_offset_t end);
kern_return_t vm_map_protect(struct vm_map *map, vm_offset_t start, vm_offset_t end, vm_prot_t prot,
			     boolean_t set_max);
kern_return_t vm_map_inherit(struct vm_map *map, vm_offset_t start, vm_offset_t end, vm_inherit_t inheritance);
/* Wire (access != NONE: fault in with access and keep resident) or
 * unwire (VM_PROT_NONE) [start, end), which must be entirely mapped. */
kern_return_t vm_map_pageable(struct vm_map *map, vm_offset_t start, vm_offset_t end, vm_prot_t access);

/* A new map for a child task: each entry by its inheritance. */
struct vm_map *vm_map_fork(struct vm_map *parent);

/* Copy [addr, addr + len) out of map (src_destroy: and unmap it). */
kern_return_t vm_map_copyin(struct vm_map *map, vm_offset_t addr, vm_size_t len, boolean_t src_destroy,
			    vm_map_copy_t *copy);
/* A copy of kernel memory (for data the kernel sends out of line). */
kern_return_t vm_map_copyin_kernel_buffer(const void *data, vm_size_t len, vm_map_copy_t *copy);
/* Put copy anywhere in map, consuming it; *addr gets the data's address
 * (same offset in its page as in the source). */
kern_return_t vm_map_copyout(struct vm_map *map, vm_offset_t *addr, vm_map_copy_t copy);
/* Overwrite [addr, addr + copy->size) of map, which must be mapped and
 * writable, with the copy; consumes it on success only. */
kern_return_t vm_map_copy_overwrite(struct vm_map *map, vm_offset_t addr, vm_map_copy_t copy);
void vm_map_copy_discard(vm_map_copy_t copy);
/* Take the page holding a one-page kernel-buffer copy's data (NULL if the
 * data is not in a page of its own); the copy is left empty. */
struct vm_page *vm_map_copy_steal_page(vm_map_copy_t copy);
/* One page as out-of-line data consumed at once, without a copy (map
 * locked; memory_object_data_supply's fast path).  vm_map_page_peek:
 * whether the page at addr (page aligned) reads now as vm_map_copyin
 * would read it (mapped, readable, no pager to wait for, not busy): 1
 * with its entry and *page (NULL: it reads as zero; with src_destroy the
 * unmap below is sure to succeed), 0 with nothing changed otherwise.
 * vm_map_page_remove: then unmap it (src_destroy), taking the page out
 * of the map's memory first if take and nothing else sees it (else
 * NULL: the caller has copied it). */
int vm_map_page_peek(struct vm_map *map, vm_offset_t addr, boolean_t src_destroy, struct vm_map_entry **entry,
		     struct vm_page **page);
struct vm_page *vm_map_page_remove(struct vm_map *map, struct vm_map_entry *e, vm_offset_t addr, int take);
/* A copy whose data is object [0, size) (the copy takes the reference). */
kern_return_t vm_map_copy_object(struct vm_object *object, vm_size_t size, vm_map_copy_t *copy);

/* Number of entries (tests and the debugger). */
unsigned vm_map_entry_count(struct vm_map *map);
/* Check the list, tree and counters agree; 0 if fine. */
int vm_map_check(struct vm_map *map);
#endif
