/*
 * The task calls of mach.defs, as the kernel's MIG server stubs call them
 * (S_ prefix; the task port already translated: NULL if it was not a live
 * task port).  Each checks the whole request first, as GNU Mach does,
 * then acts.  A routine that succeeds owns the rights and out-of-line
 * data of the request; on failure ipc/kobject.c destroys them.
 */
#include "config.h"
#include <mach/mig_errors.h>
#include <i386/cpu.h>
#include <kern/emulation.h>
#include <kern/ipc_kobject.h>
#include <kern/kalloc.h>
#include <kern/string.h>
#include <i386/pmap.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/port.h>
#include <vm/vm_map.h>
#include <mach_server.h>

kern_return_t S_task_create(task_t target_task, boolean_t inherit_memory, task_t *child_task)
{
	struct task *child;

	if (target_task == NULL)
		return KERN_INVALID_TASK;
	if (target_task->map == NULL)
		return KERN_INVALID_ARGUMENT; /* a kernel-only task has no memory to give */
	kern_return_t kr = task_create_user(target_task, inherit_memory, target_task->name, &child);
	if (kr != KERN_SUCCESS)
		return kr;
	/* The task holds its creation reference until terminated; the
	 * reply's send right (convert_task_to_port) consumes another. */
	child->self_ref = 1;
	task_reference(child);
	*child_task = child;
	return KERN_SUCCESS;
}

kern_return_t S_task_terminate(task_t target_task)
{
	if (target_task == NULL)
		return KERN_INVALID_ARGUMENT;
	/* The caller's own task: its thread ends after the reply is sent. */
	return task_terminate_deferred(target_task);
}

kern_return_t S_task_suspend(task_t target_task)
{
	return task_suspend(target_task);
}

kern_return_t S_task_resume(task_t target_task)
{
	return task_resume(target_task);
}

kern_return_t S_task_threads(task_t target_task, thread_array_t *thread_list, mach_msg_type_number_t *count)
{
	struct thread *th;
	unsigned n = 0, i = 0;

	if (target_task == NULL)
		return KERN_INVALID_ARGUMENT;
	if (!target_task->active)
		return KERN_FAILURE;
	queue_iterate(&target_task->threads, th, struct thread, task_link)
	{
		n += th->ith_self != NULL;
	}
	struct ipc_port **ports = kobject_port_array_alloc(n);
	if (ports == NULL)
		return KERN_RESOURCE_SHORTAGE;
	queue_iterate(&target_task->threads, th, struct thread, task_link)
	{
		if (th->ith_self != NULL)
			ports[i++] = ipc_port_make_send(th->ith_self);
	}
	*thread_list = (thread_array_t)ports;
	*count = n;
	return KERN_SUCCESS;
}

static time_value_t us_to_time_value(uint64_t us)
{
	time_value_t t = {(integer_t)(us / TIME_MICROS_MAX), (integer_t)(us % TIME_MICROS_MAX)};
	return t;
}

static time_value_t ticks_to_time_value(uint64_t ticks)
{
	return us_to_time_value(ticks * (1000000 / HZ));
}

/* CPU time as GNU Mach reports it: the task's for its threads that ended,
 * TASK_THREAD_TIMES_INFO for the live ones.  No event counts are kept. */
static void task_basic_info(struct task *t, task_basic_info_t info)
{
	info->suspend_count = t->suspend_count;
	info->base_priority = t->priority;
	info->virtual_size = t->map ? t->map->size : 0;
	info->resident_size = t->pmap ? t->pmap->resident * PAGE_SIZE : 0;
	info->user_time = ticks_to_time_value(t->dead_user_ticks);
	info->system_time = ticks_to_time_value(t->dead_system_ticks);
	info->creation_time = us_to_time_value(t->creation_time_us);
}

kern_return_t S_task_info(task_t target_task, int flavor, task_info_t info, mach_msg_type_number_t *count)
{
	if (target_task == NULL)
		return KERN_INVALID_ARGUMENT;
	switch (flavor) {
	case TASK_BASIC_INFO:
		/* Callers that predate creation_time may ask for two words less. */
		if (*count < TASK_BASIC_INFO_COUNT - 2)
			return KERN_INVALID_ARGUMENT;
		task_basic_info(target_task, (task_basic_info_t)info);
		if (*count > TASK_BASIC_INFO_COUNT)
			*count = TASK_BASIC_INFO_COUNT;
		return KERN_SUCCESS;
	case TASK_EVENTS_INFO:
		if (*count < TASK_EVENTS_INFO_COUNT)
			return KERN_INVALID_ARGUMENT;
		memset(info, 0, sizeof(task_events_info_data_t));
		*count = TASK_EVENTS_INFO_COUNT;
		return KERN_SUCCESS;
	case TASK_THREAD_TIMES_INFO:
		if (*count < TASK_THREAD_TIMES_INFO_COUNT)
			return KERN_INVALID_ARGUMENT;
	{
		task_thread_times_info_t times = (task_thread_times_info_t)info;
		uint64_t user = 0, system = 0;
		struct thread *th;
		int s = cpu_intr_save();
		queue_iterate(&target_task->threads, th, struct thread, task_link)
		{
			user += th->user_ticks;
			system += th->system_ticks;
		}
		cpu_intr_restore(s);
		times->user_time = ticks_to_time_value(user);
		times->system_time = ticks_to_time_value(system);
		*count = TASK_THREAD_TIMES_INFO_COUNT;
		return KERN_SUCCESS;
	}
	default:
		return KERN_INVALID_ARGUMENT;
	}
}

static struct ipc_port **task_special_slot(struct task *t, int which)
{
	switch (which) {
	case TASK_KERNEL_PORT:
		return &t->itk_sself;
	case TASK_EXCEPTION_PORT:
		return &t->itk_exception;
	case TASK_BOOTSTRAP_PORT:
		return &t->itk_bootstrap;
	default:
		return NULL;
	}
}

kern_return_t S_task_get_special_port(task_t task, int which_port, mach_port_t *special_port)
{
	struct ipc_port **slot;

	if (task == NULL || (slot = task_special_slot(task, which_port)) == NULL)
		return KERN_INVALID_ARGUMENT;
	if (task->itk_self == NULL)
		return KERN_FAILURE;
	struct ipc_port *port = *slot;
	if (which_port == TASK_KERNEL_PORT && port == NULL)
		port = ipc_port_make_send(task->itk_self);
	else
		port = ipc_port_copy_send(port);
	*special_port = (mach_port_t)(uintptr_t)port;
	return KERN_SUCCESS;
}

kern_return_t S_task_set_special_port(task_t task, int which_port, mach_port_t special_port)
{
	struct ipc_port **slot;

	if (task == NULL || (slot = task_special_slot(task, which_port)) == NULL)
		return KERN_INVALID_ARGUMENT;
	if (task->itk_self == NULL)
		return KERN_FAILURE;
	struct ipc_port *old = *slot;
	*slot = (struct ipc_port *)(uintptr_t)special_port;
	if (IP_VALID(old))
		ipc_port_release_send(old);
	return KERN_SUCCESS;
}

kern_return_t S_mach_ports_register(task_t target_task, mach_port_array_t init_port_set,
				    mach_msg_type_number_t count)
{
	struct ipc_port **ports = (struct ipc_port **)init_port_set, *old[TASK_PORT_REGISTER_MAX];

	if (target_task == NULL || count > TASK_PORT_REGISTER_MAX || target_task->itk_self == NULL)
		return KERN_INVALID_ARGUMENT;
	for (unsigned i = 0; i < TASK_PORT_REGISTER_MAX; i++) {
		old[i] = target_task->itk_registered[i];
		target_task->itk_registered[i] = i < count ? ports[i] : IP_NULL;
	}
	for (unsigned i = 0; i < TASK_PORT_REGISTER_MAX; i++)
		if (IP_VALID(old[i]))
			ipc_port_release_send(old[i]);
	kobject_port_array_free(ports, count);
	return KERN_SUCCESS;
}

kern_return_t S_mach_ports_lookup(task_t target_task, mach_port_array_t *init_port_set,
				  mach_msg_type_number_t *count)
{
	struct ipc_port **ports;

	if (target_task == NULL || target_task->itk_self == NULL)
		return KERN_INVALID_ARGUMENT;
	ports = kobject_port_array_alloc(TASK_PORT_REGISTER_MAX);
	if (ports == NULL)
		return KERN_RESOURCE_SHORTAGE;
	for (unsigned i = 0; i < TASK_PORT_REGISTER_MAX; i++)
		ports[i] = ipc_port_copy_send(target_task->itk_registered[i]);
	*init_port_set = (mach_port_array_t)ports;
	*count = TASK_PORT_REGISTER_MAX;
	return KERN_SUCCESS;
}

/* ---- emulation (the table only: kern/emulation.h) ---- */

kern_return_t S_task_get_emulation_vector(task_t task, int *vector_start, emulation_vector_t *emulation_vector,
					  mach_msg_type_number_t *count)
{
	vm_map_copy_t copy = VM_MAP_COPY_NULL;

	if (task == NULL)
		return EML_BAD_TASK;
	const struct task_emulation *e = task->eml;
	if (e != NULL && vm_map_copyin_kernel_buffer(e->disp_vector, e->disp_count * sizeof(vm_offset_t), &copy) !=
				 KERN_SUCCESS)
		return KERN_RESOURCE_SHORTAGE;
	*vector_start = e ? e->disp_min : 0;
	*count = e ? e->disp_count : 0;
	*emulation_vector = (emulation_vector_t)copy;
	return KERN_SUCCESS;
}

kern_return_t S_task_set_emulation_vector(task_t task, int vector_start, emulation_vector_t emulation_vector,
					  mach_msg_type_number_t count)
{
	vm_map_copy_t copy = (vm_map_copy_t)emulation_vector;

	if (task == NULL)
		return EML_BAD_TASK;
	if (count > EML_MAX_ENTRIES)
		return EML_BAD_CNT;
	if (count == 0) {
		if (copy != NULL)
			vm_map_copy_discard(copy);
		return KERN_SUCCESS;
	}
	/* Up to EML_MAX_ENTRIES words always travel as a kernel buffer. */
	if (copy == NULL || copy->type != VM_MAP_COPY_KERNEL_BUFFER || copy->size != count * sizeof(vm_offset_t))
		return KERN_INVALID_ARGUMENT;
	kern_return_t kr = eml_task_set(task, vector_start, copy->buffer, count);
	if (kr == KERN_SUCCESS)
		vm_map_copy_discard(copy);
	return kr;
}

kern_return_t S_task_set_emulation(task_t target_port, vm_address_t routine_entry_pt, int routine_number)
{
	if (target_port == NULL)
		return EML_BAD_TASK;
	return eml_task_set(target_port, routine_number, &routine_entry_pt, 1);
}

/* Restartable atomic sequences are not supported (GNU Mach without FAST_TAS). */
kern_return_t S_task_ras_control(task_t target_task, vm_address_t basepc, vm_address_t boundspc, int flavor)
{
	(void)target_task;
	(void)basepc;
	(void)boundspc;
	(void)flavor;
	return KERN_FAILURE;
}
