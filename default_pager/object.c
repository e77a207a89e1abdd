/*
 * The memory objects the default pager backs, and the memory_object
 * protocol on them (memory_object.defs and memory_object_default.defs,
 * served through MIG's stubs).  Temporary objects come from the kernel
 * (memory_object_create, ready at once); objects made by
 * default_pager_object_create get memory_object_init when first mapped.
 *
 * Every request is checked before anything changes: the object must be
 * ours, the control port the one the kernel gave it, offsets and sizes
 * whole pages.  A request that fails a check returns an error and the
 * server loop destroys what it carried (rights and out-of-line data);
 * one that passes consumes them.  Nothing here allocates memory: pages
 * arrive out of line and leave with data_supply's deallocate flag.
 */
#include <string.h>
#include <mach/memory_object_server.h>
#include "memory_object_default_server.h"
#include "default_pager.h"

#define T mach_task_self()

struct dp_object dp_objects[DP_OBJECTS_MAX];
static uint32_t dp_port_hash[DP_PORT_HASH_SIZE];
struct dp_counters dp_counters;

/* Control rights come one more with every request; they are given back
 * to the kernel in batches of this many (one call instead of one each). */
#define DP_CONTROL_REFS_BATCH 64

/* A page index must fit the slot table's 32 bits; a request names at
 * most this many pages (the kernel asks for one). */
#define DP_REQUEST_PAGES_MAX 64

static uint32_t *port_bucket(mach_port_t port)
{
	return &dp_port_hash[(port * 2654435761u >> 8) % DP_PORT_HASH_SIZE];
}

void dp_objects_init(void)
{
	for (unsigned b = 0; b < DP_PORT_HASH_SIZE; b++)
		dp_port_hash[b] = DP_NIL;
}

struct dp_object *dp_object_find(mach_port_t port)
{
	if (!MACH_PORT_VALID(port))
		return NULL;
	uint32_t i = *port_bucket(port);
	while (i != DP_NIL && dp_objects[i].port != port)
		i = dp_objects[i].hash_next;
	return i != DP_NIL ? &dp_objects[i] : NULL;
}

struct dp_object *dp_object_new(mach_port_t port, vm_size_t size, int from_kernel)
{
	struct dp_object *o = NULL;

	for (unsigned i = 0; i < DP_OBJECTS_MAX && o == NULL; i++)
		if (!dp_objects[i].in_use)
			o = &dp_objects[i];
	if (o == NULL)
		return NULL;
	if (!MACH_PORT_VALID(port) && mach_port_allocate(T, MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS)
		return NULL;
	if (mach_port_move_member(T, port, dp_port_set) != KERN_SUCCESS) {
		if (!from_kernel)
			mach_port_destroy(T, port);
		return NULL;
	}
	memset(o, 0, sizeof(*o));
	o->in_use = 1;
	o->from_kernel = from_kernel;
	o->port = port;
	o->size = size;
	o->hash_next = *port_bucket(port);
	*port_bucket(port) = (uint32_t)(o - dp_objects);
	return o;
}

static void object_free(struct dp_object *o)
{
	uint32_t index = (uint32_t)(o - dp_objects), *link = port_bucket(o->port);

	while (*link != index)
		link = &dp_objects[*link].hash_next;
	*link = o->hash_next;
	dp_slots_free_object(index);
	mach_port_destroy(T, o->port);
	memset(o, 0, sizeof(*o));
}

/* The object of a request, if the request is the kernel's: it names the
 * control port the kernel gave the object. */
static struct dp_object *request_object(mach_port_t port, mach_port_t control)
{
	struct dp_object *o = dp_object_find(port);

	return o != NULL && o->ready && control == o->control ? o : NULL;
}

/* The request's reference to the control port is ours now. */
static void control_ref_taken(struct dp_object *o)
{
	if (++o->control_refs >= DP_CONTROL_REFS_BATCH) {
		mach_port_mod_refs(T, o->control, MACH_PORT_RIGHT_SEND, -(int)(o->control_refs - 1));
		o->control_refs = 1;
	}
}

static int range_ok(vm_offset_t offset, vm_size_t length)
{
	return length != 0 && offset % vm_page_size == 0 && length % vm_page_size == 0 &&
	       length <= DP_REQUEST_PAGES_MAX * vm_page_size && offset + length > offset;
}

/* request_object, for a request on [offset, offset + length). */
static struct dp_object *range_request(mach_port_t port, mach_port_t control, vm_offset_t offset,
				       vm_size_t length)
{
	struct dp_object *o = request_object(port, control);

	return o != NULL && range_ok(offset, length) ? o : NULL;
}

/* ---- memory_object_default.defs ---- */

kern_return_t memory_object_create(mach_port_t pager, mach_port_t object, vm_size_t size, mach_port_t control,
				   mach_port_t name, vm_size_t page_size)
{
	if (pager != dp_port || !MACH_PORT_VALID(object) || !MACH_PORT_VALID(control) ||
	    page_size != vm_page_size || dp_object_find(object) != NULL)
		return KERN_INVALID_ARGUMENT;
	struct dp_object *o = dp_object_new(object, size, 1);
	if (o == NULL) {
		/* Its pages stay in memory: the kernel sees a dead pager. */
		dp_log("default_pager: no room for another object (%u)\n", DP_OBJECTS_MAX);
		return KERN_RESOURCE_SHORTAGE;
	}
	o->control = control;
	o->control_refs = 1;
	o->name = name;
	o->ready = 1;
	return KERN_SUCCESS;
}

/* Write the pages of data to swap; a page that finds no slot is dropped
 * (a later data_request for it gets data_error). */
static void store(struct dp_object *o, vm_offset_t offset, vm_offset_t data, mach_msg_type_number_t count)
{
	uint32_t index = (uint32_t)(o - dp_objects);

	for (vm_offset_t pos = 0; pos < count; pos += vm_page_size) {
		uint32_t page = (uint32_t)((offset + pos) / vm_page_size), slot = dp_slot_get(index, page);
		if (slot == DP_NIL) {
			if (dp_counters.pages_dropped++ % 256 == 0)
				dp_log("default_pager: swap space is full: page dropped (object %u offset "
				       "0x%x); "
				       "%lu so far\n",
				       index, (unsigned)(offset + pos), dp_counters.pages_dropped);
			continue;
		}
		kern_return_t kr = dp_slot_write(slot, data + pos);
		if (kr != D_SUCCESS) {
			if (dp_counters.write_errors++ % 256 == 0)
				dp_log(
				    "default_pager: write error %d: page dropped (object %u offset 0x%x)\n",
				    kr, index, (unsigned)(offset + pos));
			dp_slot_release(index, page);
			continue;
		}
		dp_counters.pages_out++;
	}
}

static kern_return_t take_pages(mach_port_t object, mach_port_t control, vm_offset_t offset, vm_offset_t data,
				mach_msg_type_number_t count)
{
	struct dp_object *o = range_request(object, control, offset, count);

	if (o == NULL)
		return KERN_INVALID_ARGUMENT;
	store(o, offset, data, count);
	vm_deallocate(T, data, count);
	control_ref_taken(o);
	return KERN_SUCCESS;
}

kern_return_t memory_object_data_initialize(mach_port_t object, mach_port_t control, vm_offset_t offset,
					    vm_offset_t data, mach_msg_type_number_t count)
{
	return take_pages(object, control, offset, data, count);
}

/* ---- memory_object.defs ---- */

kern_return_t memory_object_data_return(mach_port_t object, mach_port_t control, vm_offset_t offset,
					vm_offset_t data, mach_msg_type_number_t count, boolean_t dirty,
					boolean_t kernel_copy)
{
	(void)dirty, (void)kernel_copy; /* a clean page comes only if precious: ours never are */
	return take_pages(object, control, offset, data, count);
}

kern_return_t memory_object_data_request(mach_port_t object, mach_port_t control, vm_offset_t offset,
					 vm_size_t length, vm_prot_t access)
{
	struct dp_object *o = range_request(object, control, offset, length);

	(void)access;
	if (o == NULL)
		return KERN_INVALID_ARGUMENT;
	uint32_t index = (uint32_t)(o - dp_objects);
	for (vm_offset_t pos = 0; pos < length; pos += vm_page_size) {
		uint32_t slot = dp_slot_find(index, (uint32_t)((offset + pos) / vm_page_size));
		vm_offset_t data;
		if (slot == DP_NIL) {
			/* Never written: zero for an object a client made; for the
			 * kernel's, a page the kernel sent and we dropped (swap full). */
			if (o->from_kernel)
				memory_object_data_error(control, offset + pos, vm_page_size,
							 KERN_MEMORY_ERROR);
			else
				memory_object_data_unavailable(control, offset + pos, vm_page_size);
			continue;
		}
		kern_return_t kr = dp_slot_read(slot, &data);
		if (kr != D_SUCCESS) {
			if (dp_counters.read_errors++ % 256 == 0)
				dp_log("default_pager: read error %d (object %u offset 0x%x)\n", kr, index,
				       (unsigned)(offset + pos));
			memory_object_data_error(control, offset + pos, vm_page_size, KERN_MEMORY_ERROR);
			continue;
		}
		/* The slot stays ours: if the page comes back clean, the kernel
		 * just drops it, and a dirty one is written in place. */
		memory_object_data_supply(control, offset + pos, data, vm_page_size, TRUE, VM_PROT_NONE,
					  FALSE, MACH_PORT_NULL);
		dp_counters.pages_in++;
	}
	control_ref_taken(o);
	return KERN_SUCCESS;
}

/* Objects a client made: the kernel's first mapping. */
kern_return_t memory_object_init(mach_port_t object, mach_port_t control, mach_port_t name,
				 vm_size_t page_size)
{
	struct dp_object *o = dp_object_find(object);

	if (o == NULL || o->from_kernel || o->ready || !MACH_PORT_VALID(control) || page_size != vm_page_size)
		return KERN_INVALID_ARGUMENT;
	o->control = control;
	o->control_refs = 1;
	o->name = name;
	o->ready = 1;
	memory_object_ready(control, FALSE, MEMORY_OBJECT_COPY_DELAY);
	return KERN_SUCCESS;
}

/* We never lock pages; a fault that wants more access gets it at once. */
kern_return_t memory_object_data_unlock(mach_port_t object, mach_port_t control, vm_offset_t offset,
					vm_size_t length, vm_prot_t access)
{
	struct dp_object *o = range_request(object, control, offset, length);

	(void)access;
	if (o == NULL)
		return KERN_INVALID_ARGUMENT;
	memory_object_lock_request(control, offset, length, MEMORY_OBJECT_RETURN_NONE, FALSE, VM_PROT_NONE,
				   MACH_PORT_NULL);
	control_ref_taken(o);
	return KERN_SUCCESS;
}

/* We never ask for either (no reply_to port is ever given), but one
 * that names a real object and its control port does no harm. */
kern_return_t memory_object_lock_completed(mach_port_t object, mach_port_t control, vm_offset_t offset,
					   vm_size_t length)
{
	struct dp_object *o = range_request(object, control, offset, length);

	if (o == NULL)
		return KERN_INVALID_ARGUMENT;
	control_ref_taken(o);
	return KERN_SUCCESS;
}

kern_return_t memory_object_supply_completed(mach_port_t object, mach_port_t control, vm_offset_t offset,
					     vm_size_t length, kern_return_t result, vm_offset_t error_offset)
{
	(void)result, (void)error_offset;
	return memory_object_lock_completed(object, control, offset, length);
}

kern_return_t memory_object_change_completed(mach_port_t object, boolean_t may_cache,
					     memory_object_copy_strategy_t strategy)
{
	(void)may_cache, (void)strategy;
	return dp_object_find(object) != NULL ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
}

/* Copy strategy CALL is never asked for (ours is DELAY). */
kern_return_t memory_object_copy(mach_port_t object, mach_port_t control, vm_offset_t offset,
				 vm_size_t length, mach_port_t new_object)
{
	(void)object, (void)control, (void)offset, (void)length, (void)new_object;
	return KERN_INVALID_ARGUMENT;
}

/* The object's end: its swap slots are free again, and the control and
 * name ports' receive rights the kernel hands over are destroyed. */
kern_return_t memory_object_terminate(mach_port_t object, mach_port_t control, mach_port_t name)
{
	struct dp_object *o = request_object(object, control);

	if (o == NULL)
		return KERN_INVALID_ARGUMENT;
	mach_port_destroy(T, control);
	if (MACH_PORT_VALID(name))
		mach_port_destroy(T, name);
	object_free(o);
	return KERN_SUCCESS;
}
