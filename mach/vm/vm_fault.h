/*
 * Page faults: make the page at a virtual address present in the map's
 * pmap with the access the fault needs, or say why not.
 */
#ifndef VM_VM_FAULT_H
#define VM_VM_FAULT_H
#include <mach/kern_return.h>
#include <mach/machine/vm_types.h>
#include <mach/vm_prot.h>
#include <mach/vm_statistics.h>
#include <kern/queue.h>

struct ipc_port;
struct vm_map;
struct vm_map_entry;
struct vm_page;

/* A port died (ipc_port_destroy): the faults waiting for it as their
 * pager wake at once and fail (KERN_MEMORY_ERROR).  Worth a call only
 * while some fault waits for a pager (vm_fault_pager_waiting). */
void vm_fault_pager_died(struct ipc_port *port);
extern queue_head_t vm_fault_pager_watched;
static inline int vm_fault_pager_waiting(void) { return !queue_empty(&vm_fault_pager_watched); }

/* Resolve a fault at va for fault_type (VM_PROT_READ, or READ|WRITE for
 * a write): KERN_SUCCESS with the page entered in map's pmap,
 * KERN_INVALID_ADDRESS (nothing mapped there), KERN_PROTECTION_FAILURE
 * (the mapping does not allow it), KERN_MEMORY_ERROR (the pager failed,
 * died or did not answer), KERN_RESOURCE_SHORTAGE, or KERN_ABORTED: the
 * thread was interrupted (terminated, suspended, aborted) while waiting
 * for a pager or for memory; nothing is mapped and a user-mode fault just
 * returns to user mode (the instruction faults again if the thread goes
 * on). */
kern_return_t vm_fault(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type);

/* The same with the map already locked; wire: also wire the page down.
 * On success *page (if not NULL) is the page now mapped at va. */
kern_return_t vm_fault_locked(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type, int wire,
			      struct vm_page **page);

/* The page object shows at offset (through its shadow chain) for
 * reading, asked of pagers and waited for as need be (the caller holds
 * no lock); *page NULL if it reads as zero.  KERN_MEMORY_ERROR,
 * KERN_RESOURCE_SHORTAGE, KERN_ABORTED as vm_fault. */
struct vm_object;
kern_return_t vm_fault_object_page(struct vm_object *object, vm_offset_t offset, struct vm_page **page);

/* The page an entry shows at va (through its shadow chain) if resident,
 * NULL if it reads as zero.  No fault, no side effect. */
struct vm_page *vm_map_entry_page(struct vm_map_entry *entry, vm_offset_t va);

/* The page an entry (of a map or a copy) shows at va, for reading it at
 * once: resident, or asked of its pager and waited for, as
 * vm_fault_object_page (a copy's pages may have gone back to their pager
 * since vm_map_copyin paged them in: the pageout daemon runs whenever a
 * thread waits for memory).  *page NULL if it reads as zero.  May sleep;
 * nothing else does between its return and the caller's read. */
kern_return_t vm_map_entry_page_in(struct vm_map_entry *entry, vm_offset_t va, struct vm_page **page);

/* System-wide counters (vm_statistics). */
extern struct vm_statistics vm_stat;
/* How faults that waited for a pager's page ended (HOST_VM_FAULT_INFO). */
struct host_vm_fault_info;
extern struct host_vm_fault_info vm_fault_info;
#endif
