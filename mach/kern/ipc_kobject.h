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
#include <device/device_types.h>

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

vm_map_t convert_port_to_map(mach_port_t port);
void vm_map_deallocate(vm_map_t map);

ipc_space_t convert_port_to_space(mach_port_t port);
void space_deallocate(ipc_space_t space);

ipc_port_t null_conversion(mach_port_t port);

host_t convert_port_to_host(mach_port_t port);
host_t convert_port_to_host_priv(mach_port_t port);
mach_port_t convert_host_to_port(host_t host);

#endif
