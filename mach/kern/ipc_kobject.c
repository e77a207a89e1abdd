/* Conversions between ports and the kernel objects they stand for. */
#include <kern/host.h>
#include <kern/ipc_kobject.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/port.h>
#include <ipc/space.h>
#include <vm/vm_map.h>

struct host realhost;

/* The object a live port of the given kind stands for, or NULL. */
static void *port_object(mach_port_t name, enum ipc_kobject_type type)
{
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)name;

	if (!IP_VALID(port) || !port->active || port->kotype != type)
		return NULL;
	return port->kobject;
}

task_t convert_port_to_task(mach_port_t port)
{
	struct task *t = port_object(port, IKOT_TASK);
	if (t != NULL)
		task_reference(t);
	return t;
}

mach_port_t convert_task_to_port(task_t task)
{
	struct ipc_port *port = IP_NULL;

	if (task == NULL)
		return MACH_PORT_NULL;
	if (task->itk_self != NULL)
		port = ipc_port_make_send(task->itk_self);
	task_deallocate(task);
	return (mach_port_t)(uintptr_t)port;
}

thread_t convert_port_to_thread(mach_port_t port)
{
	struct thread *th = port_object(port, IKOT_THREAD);
	if (th != NULL)
		thread_reference(th);
	return th;
}

mach_port_t convert_thread_to_port(thread_t thread)
{
	struct ipc_port *port = IP_NULL;

	if (thread == NULL)
		return MACH_PORT_NULL;
	if (thread->ith_self != NULL)
		port = ipc_port_make_send(thread->ith_self);
	thread_deallocate(thread);
	return (mach_port_t)(uintptr_t)port;
}

vm_map_t convert_port_to_map(mach_port_t port)
{
	struct task *t = port_object(port, IKOT_TASK);
	if (t == NULL || t->map == NULL)
		return NULL;
	vm_map_reference(t->map);
	return t->map;
}

ipc_space_t convert_port_to_space(mach_port_t port)
{
	struct task *t = port_object(port, IKOT_TASK);
	if (t == NULL || t->itk_space == NULL || !t->itk_space->active)
		return NULL;
	ipc_space_reference(t->itk_space);
	return t->itk_space;
}

void space_deallocate(ipc_space_t space)
{
	if (space != NULL)
		ipc_space_release(space);
}

ipc_port_t null_conversion(mach_port_t port)
{
	return (ipc_port_t)(uintptr_t)port;
}

host_t convert_port_to_host(mach_port_t port)
{
	if (port_object(port, IKOT_HOST) != NULL || port_object(port, IKOT_HOST_PRIV) != NULL)
		return &realhost;
	return NULL;
}

host_t convert_port_to_host_priv(mach_port_t port)
{
	return port_object(port, IKOT_HOST_PRIV) != NULL ? &realhost : NULL;
}

mach_port_t convert_host_to_port(host_t host)
{
	return host ? (mach_port_t)(uintptr_t)ipc_port_make_send(host_port) : MACH_PORT_NULL;
}
