/* host_info flavors, and the kernel's version and boot strings. */
#ifndef _MACH_HOST_INFO_H_
#define _MACH_HOST_INFO_H_

#include <mach/machine/vm_types.h>

typedef integer_t *host_info_t;
#define HOST_INFO_MAX 1024
typedef integer_t host_info_data_t[HOST_INFO_MAX];

#define KERNEL_VERSION_MAX 512
typedef char kernel_version_t[KERNEL_VERSION_MAX];
#define KERNEL_BOOT_INFO_MAX 4096
typedef char kernel_boot_info_t[KERNEL_BOOT_INFO_MAX];

typedef integer_t cpu_type_t;
typedef integer_t cpu_subtype_t;
#define CPU_TYPE_I386 ((cpu_type_t)7)
#define CPU_SUBTYPE_AT386 ((cpu_subtype_t)1)

#define HOST_BASIC_INFO 1
#define HOST_PROCESSOR_SLOTS 2
#define HOST_SCHED_INFO 3
#define HOST_LOAD_INFO 4
/* Ernst's: time-stamp counter cycles the processor spent idle. */
#define HOST_IDLE_INFO 100
/* Ernst's: how faults that waited for a pager ended (struct host_vm_fault_info). */
#define HOST_VM_FAULT_INFO 101
/* Ernst's: the pageout daemon's work (struct host_vm_pageout_info). */
#define HOST_VM_PAGEOUT_INFO 102

struct host_basic_info {
	integer_t max_cpus;
	integer_t avail_cpus;
	rpc_vm_size_t memory_size;
	cpu_type_t cpu_type;
	cpu_subtype_t cpu_subtype;
};
typedef struct host_basic_info host_basic_info_data_t;
typedef struct host_basic_info *host_basic_info_t;
#define HOST_BASIC_INFO_COUNT (sizeof(host_basic_info_data_t) / sizeof(integer_t))

struct host_sched_info {
	integer_t min_timeout; /* milliseconds */
	integer_t min_quantum; /* milliseconds */
};
typedef struct host_sched_info host_sched_info_data_t;
typedef struct host_sched_info *host_sched_info_t;
#define HOST_SCHED_INFO_COUNT (sizeof(host_sched_info_data_t) / sizeof(integer_t))

#define LOAD_SCALE 1000
struct host_load_info {
	integer_t avenrun[3];     /* scaled by LOAD_SCALE */
	integer_t mach_factor[3];
};
typedef struct host_load_info host_load_info_data_t;
typedef struct host_load_info *host_load_info_t;
#define HOST_LOAD_INFO_COUNT (sizeof(host_load_info_data_t) / sizeof(integer_t))

/*
 * HOST_IDLE_INFO: rdtsc cycles spent in the idle thread's hlt since boot
 * (each wake-up's interrupt handler included), low and high words.
 * Under QEMU -icount shift=0, rdtsc counts instructions and time with no
 * instruction running alike; a benchmark subtracts this to count only
 * what ran (bench/README).
 */
struct host_idle_info {
	uint32_t idle_tsc_low;
	uint32_t idle_tsc_high;
};
typedef struct host_idle_info host_idle_info_data_t;
typedef struct host_idle_info *host_idle_info_t;
#define HOST_IDLE_INFO_COUNT (sizeof(host_idle_info_data_t) / sizeof(integer_t))

/*
 * HOST_VM_FAULT_INFO: counters since boot of the faults that waited for
 * a pager's page to come to the object of their own map entry: resumed,
 * the map unchanged when the page came, so the page was mapped at once
 * (the fault's fast second pass); restarted, the map changed meanwhile
 * (or the page was not there as the fault wanted it), so the fault
 * looked at the map again from the start.  For tests that pin down which
 * way a fault went.
 */
struct host_vm_fault_info {
	natural_t pager_waits_resumed;
	natural_t pager_waits_restarted;
};
typedef struct host_vm_fault_info host_vm_fault_info_data_t;
typedef struct host_vm_fault_info *host_vm_fault_info_t;
#define HOST_VM_FAULT_INFO_COUNT (sizeof(host_vm_fault_info_data_t) / sizeof(integer_t))

/*
 * HOST_VM_PAGEOUT_INFO: counters since boot of the pageout daemon's work:
 * scans (passes over the queues), pages it moved from the active to the
 * inactive queue (deactivated), pages it looked at on the inactive queue
 * (examined), of those the ones it reclaimed (freed, or sent to their
 * pager: returned) and the ones it passed over because their pager had
 * its share of pages in flight (behind).  Examined and deactivated per
 * page reclaimed say how much the daemon works for each page it gets:
 * tests bound them.
 */
struct host_vm_pageout_info {
	natural_t scans;
	natural_t deactivated;
	natural_t examined;
	natural_t reclaimed;
	natural_t returned;
	natural_t behind;
};
typedef struct host_vm_pageout_info host_vm_pageout_info_data_t;
typedef struct host_vm_pageout_info *host_vm_pageout_info_t;
#define HOST_VM_PAGEOUT_INFO_COUNT (sizeof(host_vm_pageout_info_data_t) / sizeof(integer_t))

#endif /* _MACH_HOST_INFO_H_ */
