/*
 * Proxy memory objects (GNU Mach's mach4.defs): a kernel port that
 * stands for a window of a memory object with a maximum protection.
 * Whoever holds only the proxy can map no more of the object than the
 * window, and never with more access than the proxy allows.
 */
#ifndef _VM_MEMORY_OBJECT_PROXY_H_
#define _VM_MEMORY_OBJECT_PROXY_H_
#include <mach/kern_return.h>
#include <mach/vm_prot.h>
#include <i386/vm_param.h>
#include <ipc/port.h>

struct memory_object_proxy {
	struct ipc_port *object;   /* a send right to the real memory object (never a proxy) */
	vm_prot_t max_protection;  /* the most any mapping through the proxy may have */
	vm_offset_t start;	   /* the window: [start, start + len) of the object, */
	vm_size_t len;		   /* start page aligned, start + len not wrapping */
};

/* The proxy a live port stands for, or NULL. */
struct memory_object_proxy *memory_object_proxy_lookup(struct ipc_port *port);

/*
 * vm_map of a proxy: check a mapping of [*offset, *offset + size) with
 * these protections against it, then make it one of the real object
 * (*offset moved into the window).  Shared (copy false): a current
 * protection beyond the proxy's is KERN_PROTECTION_FAILURE and the
 * maximum is cut down to the proxy's; a copy only needs read access.
 * Outside the window: KERN_INVALID_ARGUMENT.  Nothing changes on error.
 */
kern_return_t memory_object_proxy_limit(const struct memory_object_proxy *proxy, int copy, vm_prot_t *cur_protection,
					vm_prot_t *max_protection, vm_offset_t *offset, vm_size_t size);

/* Its port's last send right went (ipc_kobject_no_senders): the proxy
 * ends, and its right to the object with it. */
void memory_object_proxy_no_senders(struct ipc_port *port);

#endif
