/*
 * The default pager's parts (see README): swap areas and their block
 * bitmap (swap.c), the objects it backs and the memory_object protocol
 * (object.c), its statistics and administration (info.c), start-up and
 * the server loop (default_pager.c).  One thread does everything, so no
 * part takes a lock, and requests of one object are handled in the order
 * the kernel sent them.
 */
#ifndef _DEFAULT_PAGER_DEFAULT_PAGER_H_
#define _DEFAULT_PAGER_DEFAULT_PAGER_H_

#include <stdint.h>
#include <mach.h>
#include <device/device_types.h>

/* Everything is sized here, once, at start-up: nothing is allocated
 * while pages move (see README, "Never waiting for memory"). */
#define DP_OBJECTS_MAX 1024	/* memory objects backed at once */
#define DP_PORT_HASH_SIZE 1024	/* buckets of the port -> object table */
#define DP_SLOTS_MAX 32768	/* page slots of all areas: 128 MiB of swap */
#define DP_SLOT_HASH_SIZE 32768 /* buckets of the (object, page) -> slot table */
#define DP_AREAS_MAX 8		/* swap areas (command line plus added) */
#define DP_EXTENTS_MAX 16	/* block extents of one area */
#define DP_DEVICE_NAME_MAX 32	/* "hd0s2" */
#define DP_NIL UINT32_MAX	/* end of a chain, no slot */
/* When swap runs short, the object holding the most of it gets no more:
 * the last 1/DP_RESERVE_PART of the slots (DP_RESERVE_MIN at least) are
 * kept for the others, so one memory hog cannot take every task's
 * pages down with it (README, "Swap full"). */
#define DP_RESERVE_PART 8
#define DP_RESERVE_MIN 16

/* ---- swap.c: areas, the block bitmap, where each page is ---- */

/* One run of records on a device. */
struct dp_extent {
	recnum_t start; /* first record */
	uint32_t slots; /* whole pages in it */
};

struct dp_area {
	int in_use;
	char name[DP_DEVICE_NAME_MAX]; /* the device, as opened */
	mach_port_t device;
	uint32_t record_size; /* bytes per record */
	uint32_t first_slot;  /* its slots are [first_slot, first_slot + slots) */
	uint32_t slots;
	uint32_t slots_used;
	uint32_t rotor; /* next slot to try, relative to first_slot */
	unsigned nextents;
	struct dp_extent extents[DP_EXTENTS_MAX];
};

extern struct dp_area dp_areas[DP_AREAS_MAX];

/* Empty tables (before anything else). */
void dp_slots_init(void);
/* Parse "DEV" (a whole device or partition) or "DEV:START+COUNT,..."
 * (extents in records) and open it through the device master port.
 * Returns KERN_SUCCESS, or an error with a message on the console. */
kern_return_t dp_area_add(mach_port_t device_master, const char *spec);
/* Remove an area no page uses (KERN_FAILURE if some do). */
kern_return_t dp_area_remove(const char *name);
/* Totals over all areas, in slots. */
void dp_swap_totals(uint32_t *total, uint32_t *free);

/* The slot of (object, page), or DP_NIL. */
uint32_t dp_slot_find(uint32_t object, uint32_t page);
/* A slot for (object, page): its own if it has one, else a free one from
 * the bitmap; DP_NIL when swap is full. */
uint32_t dp_slot_get(uint32_t object, uint32_t page);
/* Free the slot of (object, page) if it has one (its data is lost). */
void dp_slot_release(uint32_t object, uint32_t page);
/* Free every slot of an object. */
void dp_slots_free_object(uint32_t object);
/* Call fn for each page (by index) of an object that has a slot. */
void dp_slots_of_object(uint32_t object, void (*fn)(uint32_t page, void *arg), void *arg);
/* Read or write one page at a slot; D_* codes. */
kern_return_t dp_slot_read(uint32_t slot, vm_offset_t *data);
kern_return_t dp_slot_write(uint32_t slot, vm_offset_t data);

/* ---- object.c: the memory objects ---- */

struct dp_object {
	int in_use;
	int from_kernel;       /* memory_object_create (else default_pager_object_create) */
	int ready;	       /* has a control port (create, or init) */
	mach_port_t port;      /* its memory object port (our receive right) */
	mach_port_t control;   /* the kernel's control port (a send right) */
	mach_port_t name;      /* its name port (a send right), for vm_region's callers */
	unsigned control_refs; /* references of control not yet dropped */
	vm_size_t size;
	uint32_t slots;	    /* pages it has in swap */
	uint32_t hash_next; /* port table chain */
};

extern struct dp_object dp_objects[DP_OBJECTS_MAX];
extern mach_port_t dp_port_set; /* the default pager port and every object's */

/* Statistics beyond default_pager_info's (the README lists them). */
struct dp_counters {
	unsigned long pages_in, pages_out, pages_dropped, write_errors, read_errors;
};
extern struct dp_counters dp_counters;

void dp_objects_init(void);
/* A new object (its port made here when port is null); NULL if full. */
struct dp_object *dp_object_new(mach_port_t port, vm_size_t size, int from_kernel);
/* The object of a port name, or NULL. */
struct dp_object *dp_object_find(mach_port_t port);

/* ---- default_pager.c ---- */

extern mach_port_t dp_host_priv, dp_device_master, dp_port;
/* Say something on the console (the console's device, not a server). */
void dp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* _DEFAULT_PAGER_DEFAULT_PAGER_H_ */
