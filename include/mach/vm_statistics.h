/* Page counts of the whole machine (vm_statistics), and of the cache. */
#ifndef _MACH_VM_STATISTICS_H_
#define _MACH_VM_STATISTICS_H_

#include <mach/machine/vm_types.h>

/* Thirteen words, in this order, as on GNU Mach. */
struct vm_statistics {
	integer_t pagesize;
	integer_t free_count;
	integer_t active_count;
	integer_t inactive_count;
	integer_t wire_count;
	integer_t zero_fill_count;
	integer_t reactivations;
	integer_t pageins;
	integer_t pageouts;
	integer_t faults;
	integer_t cow_faults;
	integer_t lookups;
	integer_t hits;
};
typedef struct vm_statistics *vm_statistics_t;
typedef struct vm_statistics vm_statistics_data_t;

/* gnumach.defs' vm_cache_statistics: eleven words. */
struct vm_cache_statistics {
	integer_t cache_object_count;
	integer_t cache_count;
	integer_t active_tmp_count;
	integer_t inactive_tmp_count;
	integer_t active_perm_count;
	integer_t inactive_perm_count;
	integer_t dirty_count;
	integer_t laundry_count;
	integer_t writeback_count;
	integer_t slab_count;
	integer_t slab_reclaim_count;
};
typedef struct vm_cache_statistics vm_cache_statistics_data_t;

#endif /* _MACH_VM_STATISTICS_H_ */
