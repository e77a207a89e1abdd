/*
 * The pageout daemon: when free pages run short it takes pages that a
 * pager can give back (objects with a live external pager) off the
 * paging queues, returning modified and precious ones to their pager
 * with memory_object_data_return.  Anonymous memory stays resident until
 * a default pager exists.
 */
#ifndef VM_VM_PAGEOUT_H
#define VM_VM_PAGEOUT_H

#include <mach/host_info.h>

/* Set the free-page levels and start the daemon (once). */
void vm_pageout_init(void);
/* Free pages are short: make the daemon run. */
void vm_pageout_wakeup(void);
/* Whether the current thread may take the last reserved pages. */
int vm_pageout_privileged(void);
struct vm_object;
/* carrier (a one-page object) takes a page of origin to origin's pager. */
void vm_pageout_carrier_start(struct vm_object *carrier, struct vm_object *origin);
/* The pager has freed the page (the carrier object went away): room for
 * another. */
void vm_pageout_carrier_done(struct vm_object *carrier);
/* Pages of from on their way count as to's (collapse), or nobody's (to
 * NULL: from ends). */
void vm_pageout_origin_move(struct vm_object *from, struct vm_object *to);
/* The daemon's work since boot (HOST_VM_PAGEOUT_INFO): reclaimed, the
 * pages it has freed or returned to pagers, tells vm_page_wait that it
 * makes progress. */
extern struct host_vm_pageout_info vm_pageout_info;
#endif
