/*
 * default_pager.defs (GNU Mach's subsystem 2275): statistics, the list
 * of objects and of one object's pages, objects made for clients, swap
 * areas added and removed at run time.  Requests come to the default
 * pager's port, the one registered with the kernel (clients get it from
 * vm_set_default_memory_manager with the privileged host port).
 *
 * Lists that do not fit the reply message go out of line in memory
 * allocated and wired here first, so that filling them never faults on
 * memory that would have to be paged in by this very thread.
 */
#include <string.h>
#include "default_pager_server.h"
#include "default_pager.h"

#define T mach_task_self()

kern_return_t default_pager_info(mach_port_t pager, default_pager_info_t *info)
{
	uint32_t total, free;

	if (pager != dp_port)
		return KERN_INVALID_ARGUMENT;
	dp_swap_totals(&total, &free);
	info->dpi_total_space = total * vm_page_size;
	info->dpi_free_space = free * vm_page_size;
	info->dpi_page_size = vm_page_size;
	return KERN_SUCCESS;
}

/* Room for count elements of size bytes: the stub's inline buffer (*buf,
 * *room elements) when they fit, else wired memory of our own, which the
 * reply moves out.  Returns KERN_SUCCESS or why not. */
static kern_return_t reply_room(void **buf, mach_msg_type_number_t *room, mach_msg_type_number_t count,
				size_t size)
{
	if (count <= *room)
		return KERN_SUCCESS;
	vm_address_t addr = 0;
	vm_size_t bytes = mach_round_page(count * size);
	kern_return_t kr = vm_allocate(T, &addr, bytes, TRUE);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = vm_wire(dp_host_priv, T, addr, bytes, VM_PROT_READ | VM_PROT_WRITE);
	if (kr != KERN_SUCCESS) {
		vm_deallocate(T, addr, bytes);
		return kr;
	}
	*buf = (void *)addr;
	*room = count;
	return KERN_SUCCESS;
}

kern_return_t default_pager_objects(mach_port_t pager, default_pager_object_array_t *objects,
				    mach_msg_type_number_t *objects_count, mach_port_array_t *ports,
				    mach_msg_type_number_t *ports_count)
{
	mach_msg_type_number_t n = 0;
	default_pager_object_t *inline_objects = *objects;
	kern_return_t kr;

	if (pager != dp_port)
		return KERN_INVALID_ARGUMENT;
	for (unsigned i = 0; i < DP_OBJECTS_MAX; i++)
		n += dp_objects[i].in_use && dp_objects[i].ready;
	if ((kr = reply_room((void **)objects, objects_count, n, sizeof(**objects))) != KERN_SUCCESS)
		return kr;
	if ((kr = reply_room((void **)ports, ports_count, n, sizeof(**ports))) != KERN_SUCCESS) {
		if (*objects != inline_objects) /* ours, not the stub's: give it back */
			vm_deallocate(T, (vm_address_t)*objects, mach_round_page(n * sizeof(**objects)));
		return kr;
	}
	mach_msg_type_number_t k = 0;
	for (unsigned i = 0; i < DP_OBJECTS_MAX && k < n; i++) {
		struct dp_object *o = &dp_objects[i];
		if (!o->in_use || !o->ready)
			continue;
		(*objects)[k].dpo_object = o->port;
		(*objects)[k].dpo_size = o->slots * vm_page_size;
		/* The reply moves a send right of the name port: one more reference. */
		(*ports)[k] = MACH_PORT_VALID(o->name) &&
				      mach_port_mod_refs(T, o->name, MACH_PORT_RIGHT_SEND, 1) == KERN_SUCCESS
				  ? o->name
				  : MACH_PORT_NULL;
		k++;
	}
	*objects_count = *ports_count = k;
	return KERN_SUCCESS;
}

struct page_list {
	default_pager_page_t *pages;
	mach_msg_type_number_t n, room;
};

static void add_page(uint32_t page, void *arg)
{
	struct page_list *l = arg;
	if (l->n < l->room)
		l->pages[l->n++].dpp_offset = (vm_offset_t)page * vm_page_size;
}

kern_return_t default_pager_object_pages(mach_port_t pager, mach_port_t name,
					 default_pager_page_array_t *pages, mach_msg_type_number_t *count)
{
	struct dp_object *o = NULL;

	if (pager != dp_port || !MACH_PORT_VALID(name))
		return KERN_INVALID_ARGUMENT;
	for (unsigned i = 0; i < DP_OBJECTS_MAX && o == NULL; i++)
		if (dp_objects[i].in_use && dp_objects[i].name == name)
			o = &dp_objects[i];
	if (o == NULL)
		return KERN_INVALID_ARGUMENT;
	kern_return_t kr = reply_room((void **)pages, count, o->slots, sizeof(**pages));
	if (kr != KERN_SUCCESS)
		return kr;
	struct page_list l = {*pages, 0, *count};
	dp_slots_of_object((uint32_t)(o - dp_objects), add_page, &l);
	*count = l.n;
	mach_port_deallocate(T, name); /* the request's reference */
	return KERN_SUCCESS;
}

kern_return_t default_pager_object_create(mach_port_t pager, memory_object_t *object, vm_size_t size)
{
	if (pager != dp_port)
		return KERN_INVALID_ARGUMENT;
	struct dp_object *o = dp_object_new(MACH_PORT_NULL, size, 0);
	if (o == NULL)
		return KERN_RESOURCE_SHORTAGE;
	*object = o->port; /* the reply makes a send right */
	return KERN_SUCCESS;
}

kern_return_t default_pager_paging_file(mach_port_t pager, mach_port_t device_master, const char *filename,
					boolean_t add)
{
	char spec[sizeof(default_pager_filename_t)];
	size_t len = strnlen(filename, sizeof(spec));

	if (pager != dp_port || !MACH_PORT_VALID(device_master) || len == 0 || len == sizeof(spec))
		return KERN_INVALID_ARGUMENT;
	memcpy(spec, filename, len + 1);
	kern_return_t kr = add ? dp_area_add(device_master, spec) : dp_area_remove(spec);
	if (kr == KERN_SUCCESS) {
		uint32_t total, free;
		dp_swap_totals(&total, &free);
		dp_log("default_pager: %s swap area %s: now %u KiB, %u KiB free\n", add ? "added" : "removed",
		       spec, (unsigned)(total * (vm_page_size / 1024)),
		       (unsigned)(free * (vm_page_size / 1024)));
		mach_port_deallocate(T, device_master);
	}
	return kr;
}

/* Ernst's default pager never goes through a file system (a file server
 * may itself need paging: see README), so it takes no file server. */
kern_return_t default_pager_register_fileserver(mach_port_t pager, mach_port_t fileserver)
{
	(void)fileserver;
	return pager != dp_port ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}
