/*
 * Proxy memory objects: memory_object_create_proxy and
 * vm_region_create_proxy (mach4.defs, GNU Mach's routines 4010 and
 * 4011 and their message layouts).  A proxy is a kernel
 * port standing for [start, start + len) of a memory object with a
 * maximum protection; vm_map of the proxy maps the real object within
 * those limits (memory_object_proxy_limit, called by S_vm_map).  A
 * server hands out proxies instead of its object's own port, so that
 * what a client may do with the memory is decided by the server: a file
 * opened for reading gives a proxy without write access, and nobody but
 * the kernel holds the port the pager's requests come on.
 *
 * The proxy holds a send right to the real object and lives while
 * anyone holds a send right to the proxy: the last one going ends it
 * (ipc_kobject_no_senders), without a notification message.  Mappings
 * made through it hold the object itself, so they outlive it.
 *
 * Differences from GNU Mach (each a request GNU Mach takes and Ernst
 * refuses, so that a proxy never grants what its maker lacked):
 * - a proxy of a proxy is made of the real object, with the inner one's
 *   limits: asking for more protection than it has is
 *   KERN_PROTECTION_FAILURE, a window outside its window
 *   KERN_INVALID_ARGUMENT (GNU Mach keeps a chain and takes only the
 *   outermost proxy's protection);
 * - protection bits outside VM_PROT_ALL, a start not page aligned, and
 *   an object port that is not a memory object (a kernel port other
 *   than a proxy, a dead one) are refused at once.
 * Like GNU Mach, one object per proxy, at offset 0.
 */
#include <mach/mig_errors.h>
#include <kern/ipc_kobject.h>
#include <kern/kalloc.h>
#include <ipc/port.h>
#include <ipc/space.h>
#include <vm/memory_object_proxy.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <mach4_server.h>

struct memory_object_proxy *memory_object_proxy_lookup(struct ipc_port *port)
{
	return ipc_kobject_port_object((mach_port_t)(uintptr_t)port, IKOT_PAGER_PROXY);
}

kern_return_t memory_object_proxy_limit(const struct memory_object_proxy *proxy, int copy, vm_prot_t *cur_protection,
					vm_prot_t *max_protection, vm_offset_t *offset, vm_size_t size)
{
	if (copy) {
		/* A copy is the caller's own memory: it only reads the object. */
		if (!(proxy->max_protection & VM_PROT_READ))
			return KERN_PROTECTION_FAILURE;
	} else if (*cur_protection & ~proxy->max_protection) {
		return KERN_PROTECTION_FAILURE;
	}
	if (*offset > proxy->len || size > proxy->len - *offset)
		return KERN_INVALID_ARGUMENT;
	if (!copy)
		*max_protection &= proxy->max_protection;
	*offset += proxy->start; /* no wrap: start + len does not */
	return KERN_SUCCESS;
}

/*
 * The object a proxy may be made of: a live port of a pager (a receive
 * right outside the kernel) or another proxy.  KERN_INVALID_NAME for a
 * null or dead port, as GNU Mach answers a null one.
 */
static kern_return_t proxy_object_ok(struct ipc_port *object)
{
	if (!IP_VALID(object) || !object->active)
		return KERN_INVALID_NAME;
	if (object->receiver == ipc_space_kernel && memory_object_proxy_lookup(object) == NULL)
		return KERN_INVALID_ARGUMENT;
	return KERN_SUCCESS;
}

/* A new proxy of real (a send right, the proxy's on success), as its
 * send right in *port. */
static kern_return_t proxy_make(struct ipc_port *real, vm_prot_t max_protection, vm_offset_t start, vm_size_t len,
				mach_port_t *port)
{
	struct memory_object_proxy *proxy = kalloc(sizeof(*proxy));
	struct ipc_port *proxy_port = proxy != NULL ? ipc_kobject_port_alloc(IKOT_PAGER_PROXY, proxy) : NULL;

	if (proxy_port == NULL) {
		if (proxy != NULL)
			kfree(proxy, sizeof(*proxy));
		return KERN_RESOURCE_SHORTAGE;
	}
	*proxy = (struct memory_object_proxy){.object = real, .max_protection = max_protection,
					      .start = start, .len = len};
	*port = (mach_port_t)(uintptr_t)ipc_port_make_send(proxy_port);
	return KERN_SUCCESS;
}

kern_return_t S_memory_object_create_proxy(ipc_space_t space, vm_prot_t max_protection,
					   const memory_object_array_t object, mach_msg_type_number_t objectCnt,
					   const vm_offset_array_t offset, mach_msg_type_number_t offsetCnt,
					   const vm_offset_array_t start, mach_msg_type_number_t startCnt,
					   const vm_size_array_t len, mach_msg_type_number_t lenCnt, mach_port_t *port)
{
	if (space == NULL)
		return KERN_INVALID_TASK;
	if (offsetCnt != objectCnt || startCnt != objectCnt || lenCnt != objectCnt || objectCnt != 1)
		return KERN_INVALID_ARGUMENT;
	if (max_protection & ~VM_PROT_ALL)
		return KERN_INVALID_ARGUMENT;
	struct ipc_port *given = (struct ipc_port *)(uintptr_t)object[0];
	kern_return_t kr = proxy_object_ok(given);
	if (kr != KERN_SUCCESS)
		return kr;
	if (offset[0] != 0 || (start[0] & PAGE_MASK) || start[0] + len[0] < start[0])
		return KERN_INVALID_ARGUMENT;

	/* The request's right is ours on success: the proxy keeps it, or
	 * (a proxy of a proxy) trades it for one to the inner one's object. */
	struct memory_object_proxy *inner = memory_object_proxy_lookup(given);
	if (inner == NULL)
		return proxy_make(given, max_protection, start[0], len[0], port);
	/* Within the inner one's limits, as a mapping of it must be. */
	vm_prot_t cur = max_protection, max = max_protection;
	vm_offset_t off = start[0];
	if ((kr = memory_object_proxy_limit(inner, 0, &cur, &max, &off, len[0])) != KERN_SUCCESS)
		return kr;
	struct ipc_port *real = ipc_port_copy_send(inner->object);
	kr = proxy_make(real, max_protection, off, len[0], port);
	ipc_port_release_send(kr == KERN_SUCCESS ? given : real);
	return kr;
}

/*
 * A proxy of the memory object mapped at address (or, if nothing is
 * mapped there, in the next region), from that page on, for len bytes
 * that must lie within the region, with at most max_protection and the
 * region's maximum.  GNU Mach also hands anonymous memory to the
 * default pager to make a proxy of it; Ernst makes proxies only of
 * regions that map a pager's object directly (not a copy of it):
 * KERN_INVALID_ARGUMENT for the others.
 */
kern_return_t S_vm_region_create_proxy(task_t task, vm_address_t address, vm_prot_t max_protection, vm_size_t len,
				       mach_port_t *port)
{
	struct vm_map_entry *e;

	if (task == NULL || task->map == NULL || (max_protection & ~VM_PROT_ALL))
		return KERN_INVALID_ARGUMENT;
	vm_map_t map = task->map;
	vm_map_lock(map);
	address = trunc_page(address);
	if (!vm_map_lookup_entry(map, address, &e)) {
		e = e->next;
		if (e == &map->header) {
			vm_map_unlock_unchanged(map);
			return KERN_NO_SPACE;
		}
		address = e->start;
	}
	struct vm_object *o = e->object;
	if (len > e->end - address || o == NULL || o->internal || !IP_VALID(o->pager) || e->needs_copy) {
		vm_map_unlock_unchanged(map);
		return KERN_INVALID_ARGUMENT;
	}
	struct ipc_port *real = ipc_port_copy_send(o->pager);
	vm_offset_t start = e->offset + (address - e->start);
	max_protection &= e->max_protection;
	vm_map_unlock_unchanged(map);
	kern_return_t kr = proxy_make(real, max_protection, start, len, port);
	if (kr != KERN_SUCCESS)
		ipc_port_release_send(real);
	return kr;
}

/* The last send right to the proxy went: nobody can map through it any
 * more (only the kernel could make another). */
void memory_object_proxy_no_senders(struct ipc_port *port)
{
	struct memory_object_proxy *proxy = memory_object_proxy_lookup(port);

	if (proxy == NULL)
		return;
	ipc_port_destroy(port);
	ipc_port_release_send(proxy->object);
	kfree(proxy, sizeof(*proxy));
}
