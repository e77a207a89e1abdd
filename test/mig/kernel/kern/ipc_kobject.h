/*
 * Stand-in for the kernel's <kern/ipc_kobject.h>, so the host test can
 * compile the kernel's MIG stubs (mig -DKERNEL_SERVER / -DKERNEL_USER,
 * C with -DMACH_KERNEL, freestanding).  It declares exactly what
 * include/README says the real header must declare.
 */
#ifndef _KERN_IPC_KOBJECT_H_
#define _KERN_IPC_KOBJECT_H_

#include <mach/mach_types.h>
#include <device/device_types.h>

task_t convert_port_to_task(mach_port_t port);
mach_port_t convert_task_to_port(task_t task);
void task_deallocate(task_t task);

thread_t convert_port_to_thread(mach_port_t port);
mach_port_t convert_thread_to_port(thread_t thread);
void thread_deallocate(thread_t thread);

vm_map_t convert_port_to_map(mach_port_t port);
void vm_map_deallocate(vm_map_t map);

ipc_space_t convert_port_to_space(mach_port_t port);
void space_deallocate(ipc_space_t space);

ipc_port_t null_conversion(mach_port_t port);

vm_object_t vm_object_lookup(mach_port_t port);
vm_object_t vm_object_lookup_name(mach_port_t port);
void vm_object_deallocate(vm_object_t object);

host_t convert_port_to_host(mach_port_t port);
host_t convert_port_to_host_priv(mach_port_t port);
mach_port_t convert_host_to_port(host_t host);

processor_t convert_port_to_processor(mach_port_t port);
mach_port_t convert_processor_to_port(processor_t processor);

processor_set_t convert_port_to_pset(mach_port_t port);
processor_set_t convert_port_to_pset_name(mach_port_t port);
mach_port_t convert_pset_to_port(processor_set_t pset);
mach_port_t convert_pset_name_to_port(processor_set_t pset);
void pset_deallocate(processor_set_t pset);

device_t dev_port_lookup(mach_port_t port);
mach_port_t convert_device_to_port(device_t device);
void device_deallocate(device_t device);

#endif
