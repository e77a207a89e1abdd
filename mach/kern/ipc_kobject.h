/*
 * Kernel objects behind ports, and the conversions the MIG-generated
 * server stubs use (the contract is in include/README).  In a message in
 * kernel form a mach_port_t holds a struct ipc_port pointer.  Each
 * port-to-object conversion takes a reference the stub drops with the
 * matching *_deallocate after the routine; each object-to-port one makes
 * a send right (consuming the object reference where the contract says).
 */
#ifndef _KERN_IPC_KOBJECT_H_
#define _KERN_IPC_KOBJECT_H_
#include <mach/mach_types.h>
#include <mach/message.h>
#include <device/device_types.h>
#include <ipc/port.h>
#include <ipc/space.h>
#include <kern/task.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h> /* vm_object_deallocate, inline */

struct host {
	int unused;
};
extern struct host realhost;

task_t convert_port_to_task(mach_port_t port);
mach_port_t convert_task_to_port(task_t task);
void task_deallocate(task_t task);

thread_t convert_port_to_thread(mach_port_t port);
mach_port_t convert_thread_to_port(thread_t thread);
void thread_deallocate(thread_t thread);

/* The object a live port of the given kind stands for, or NULL. */
static inline void *ipc_kobject_port_object(mach_port_t name, enum ipc_kobject_type type)
{
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)name;

	if (!IP_VALID(port) || !port->active || port->kotype != type)
		return NULL;
	return port->kobject;
}

/* A task's map and space: inline, since nearly every kernel RPC (the
 * mach_port and VM calls) takes and drops one of them. */
static inline vm_map_t convert_port_to_map(mach_port_t port)
{
	struct task *t = ipc_kobject_port_object(port, IKOT_TASK);
	if (t == NULL || t->map == NULL)
		return NULL;
	vm_map_reference(t->map);
	return t->map;
}

static inline ipc_space_t convert_port_to_space(mach_port_t port)
{
	struct task *t = ipc_kobject_port_object(port, IKOT_TASK);
	if (t == NULL || t->itk_space == NULL || !t->itk_space->active)
		return NULL;
	ipc_space_reference(t->itk_space);
	return t->itk_space;
}

static inline void space_deallocate(ipc_space_t space)
{
	if (space != NULL)
		ipc_space_release(space);
}

ipc_port_t null_conversion(mach_port_t port);

host_t convert_port_to_host(mach_port_t port);
host_t convert_port_to_host_priv(mach_port_t port);
mach_port_t convert_host_to_port(host_t host);

processor_t convert_port_to_processor(mach_port_t port);
mach_port_t convert_processor_to_port(processor_t processor);
/* The set behind a control port; the _name form also takes a name port. */
processor_set_t convert_port_to_pset(mach_port_t port);
processor_set_t convert_port_to_pset_name(mach_port_t port);
mach_port_t convert_pset_to_port(processor_set_t pset);
mach_port_t convert_pset_name_to_port(processor_set_t pset);
void pset_deallocate(processor_set_t pset);

/* The kernel's side of a memory object (vm/memory_object.c). */
vm_object_t vm_object_lookup(mach_port_t port);
vm_object_t vm_object_lookup_name(mach_port_t port);

/* Out-of-line port arrays in replies: a kalloc'd array of n rights
 * (n * 4 bytes, at least 1), which the message path frees. */
struct ipc_port **kobject_port_array_alloc(unsigned n);
/* Free an array a request carried (its rights already taken or released). */
void kobject_port_array_free(struct ipc_port **ports, unsigned n);

/* mach.defs and mach_host.defs as the kernel serves them (ipc/kobject.c
 * runs these after a routine when the request or the reply is complex):
 * the rights in the reply labelled as the rights they are; for
 * mach_host, the request's translated rights released on success. */
void mach_kobject_fixup(mach_msg_header_t *in, mach_msg_header_t *out);
void mach_host_kobject_fixup(mach_msg_header_t *in, mach_msg_header_t *out);

/* Devices (device/ds_routines.c); they live forever, so the reference
 * is nothing to count. */
device_t dev_port_lookup(mach_port_t port);
mach_port_t convert_device_to_port(device_t device);
void device_deallocate(device_t device);

#endif
