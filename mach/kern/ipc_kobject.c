/* Conversions between ports and the kernel objects they stand for. */
#include <kern/host.h>
#include <kern/ipc_kobject.h>
#include <kern/kalloc.h>
#include <kern/processor.h>
#include <kern/string.h>
#include <mach_server.h>
#include <mach_host_server.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/port.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>
#include <vm/vm_map.h>
#include <vm/memory_object_proxy.h>

struct host realhost;

task_t convert_port_to_task(mach_port_t port)
{
	struct task *t = ipc_kobject_port_object(port, IKOT_TASK);
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
	struct thread *th = ipc_kobject_port_object(port, IKOT_THREAD);
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

void ipc_kobject_no_senders(struct ipc_port *port)
{
	if (port->kotype == IKOT_PAGER_PROXY)
		memory_object_proxy_no_senders(port);
}

ipc_port_t null_conversion(mach_port_t port)
{
	return (ipc_port_t)(uintptr_t)port;
}

host_t convert_port_to_host(mach_port_t port)
{
	if (ipc_kobject_port_object(port, IKOT_HOST) != NULL || ipc_kobject_port_object(port, IKOT_HOST_PRIV) != NULL)
		return &realhost;
	return NULL;
}

host_t convert_port_to_host_priv(mach_port_t port)
{
	return ipc_kobject_port_object(port, IKOT_HOST_PRIV) != NULL ? &realhost : NULL;
}

mach_port_t convert_host_to_port(host_t host)
{
	return host ? (mach_port_t)(uintptr_t)ipc_port_make_send(host_port) : MACH_PORT_NULL;
}

processor_t convert_port_to_processor(mach_port_t port)
{
	return ipc_kobject_port_object(port, IKOT_PROCESSOR);
}

mach_port_t convert_processor_to_port(processor_t processor)
{
	return processor ? (mach_port_t)(uintptr_t)ipc_port_make_send(processor->processor_self) : MACH_PORT_NULL;
}

/* Processor sets live as long as the kernel: no references to count. */
processor_set_t convert_port_to_pset(mach_port_t port)
{
	return ipc_kobject_port_object(port, IKOT_PSET);
}

processor_set_t convert_port_to_pset_name(mach_port_t port)
{
	struct processor_set *pset = ipc_kobject_port_object(port, IKOT_PSET_NAME);
	return pset != NULL ? pset : ipc_kobject_port_object(port, IKOT_PSET);
}

mach_port_t convert_pset_to_port(processor_set_t pset)
{
	return pset ? (mach_port_t)(uintptr_t)ipc_port_make_send(pset->pset_self) : MACH_PORT_NULL;
}

mach_port_t convert_pset_name_to_port(processor_set_t pset)
{
	return pset ? (mach_port_t)(uintptr_t)ipc_port_make_send(pset->pset_name_self) : MACH_PORT_NULL;
}

void pset_deallocate(processor_set_t pset)
{
	(void)pset;
}

static size_t port_array_size(unsigned n)
{
	return n ? n * sizeof(struct ipc_port *) : 1;
}

struct ipc_port **kobject_port_array_alloc(unsigned n)
{
	struct ipc_port **ports = kalloc(port_array_size(n));

	if (ports != NULL && n > 0)
		memset(ports, 0, n * sizeof(*ports));
	return ports;
}

void kobject_port_array_free(struct ipc_port **ports, unsigned n)
{
	if (ports != NULL)
		kfree(ports, port_array_size(n));
}

/*
 * Walk the typed items of a message body: fn(type name, inline?, slot,
 * number) for each; the slot holds the data (inline) or its address.
 */
static void kobject_body_walk(mach_msg_header_t *h, void (*fn)(mach_msg_type_t *, unsigned, void *, unsigned))
{
	char *p = (char *)(h + 1), *end = (char *)h + h->msgh_size;

	if (!(h->msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return;
	while ((size_t)(end - p) >= sizeof(mach_msg_type_t)) {
		mach_msg_type_t *t = (mach_msg_type_t *)p;
		mach_msg_type_long_t *l = (mach_msg_type_long_t *)p;
		unsigned name = t->msgt_name, size = t->msgt_size, number = t->msgt_number;
		size_t hsize = sizeof(*t);
		if (t->msgt_longform) {
			name = l->msgtl_name;
			size = l->msgtl_size;
			number = l->msgtl_number;
			hsize = sizeof(*l);
		}
		uint64_t bytes = t->msgt_inline ? ((uint64_t)number * size + 7) / 8 : sizeof(void *);
		if (hsize + bytes > (size_t)(end - p))
			return;
		fn(t, name, p + hsize, number);
		p += hsize + ((bytes + 3) & ~(uint64_t)3);
	}
}

/*
 * Every right in a reply of mach.defs or mach_host.defs is a send right
 * the routine or an outtran function made (convert_task_to_port...), but
 * the stubs label it with the disposition the .defs names (COPY_SEND,
 * MAKE_SEND, and for task/thread_get_special_port MAKE_SEND_ONCE, which
 * Ernst's mig takes from an earlier argument's inline type definition).
 * Label each as what it is.
 */
static void label_send_right(mach_msg_type_t *t, unsigned name, void *slot, unsigned number)
{
	(void)slot;
	(void)number;
	if (!MACH_MSG_TYPE_PORT_ANY(name))
		return;
	if (t->msgt_longform)
		((mach_msg_type_long_t *)t)->msgtl_name = MACH_MSG_TYPE_PORT_SEND;
	else
		t->msgt_name = MACH_MSG_TYPE_PORT_SEND;
}

/*
 * A port in a mach_host request body that the stub translated into an
 * object (a processor set, a thread, a task's map) still holds the right
 * the sender gave; GNU MIG's kernel stubs release it once the routine has
 * succeeded (on failure ipc/kobject.c destroys the request with it).
 */
static void release_inline_right(mach_msg_type_t *t, unsigned name, void *slot, unsigned number)
{
	struct ipc_port **ports = slot;

	if (!t->msgt_inline || !MACH_MSG_TYPE_PORT_ANY(name))
		return;
	for (unsigned i = 0; i < number; i++) {
		ipc_right_release(ports[i], name);
		ports[i] = IP_NULL;
	}
}

static int reply_succeeded(mach_msg_header_t *out)
{
	return (out->msgh_bits & MACH_MSGH_BITS_COMPLEX) || ((mig_reply_header_t *)out)->RetCode == KERN_SUCCESS;
}

void mach_kobject_fixup(mach_msg_header_t *in, mach_msg_header_t *out)
{
	(void)in;
	kobject_body_walk(out, label_send_right);
}

void mach_host_kobject_fixup(mach_msg_header_t *in, mach_msg_header_t *out)
{
	if (reply_succeeded(out))
		kobject_body_walk(in, release_inline_right);
	kobject_body_walk(out, label_send_right);
}
