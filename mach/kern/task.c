/* Tasks.  The kernel task holds the kernel's own threads. */
#include <kern/kalloc.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/zalloc.h>
#include <i386/cpu.h>
#include <i386/pmap.h>
#include <ipc/space.h>
#include <kern/debug.h>
#include <kern/emulation.h>
#include <kern/host.h>
#include <kern/machine.h>
#include <kern/printf.h>
#include <kern/processor.h>
#include <kern/thread.h>
#include <vm/vm_map.h>

static struct zone task_zone;
static struct task kernel_task_store;
struct task *kernel_task = &kernel_task_store;
static unsigned task_next_id;

static void task_init_common(struct task *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	queue_init(&t->threads);
	t->active = 1;
	t->ref_count = 1;
	t->id = task_next_id++;
	t->priority = BASEPRI_USER;
	t->creation_time_us = host_time_us();
	strlcpy(t->name, name, sizeof(t->name));
	pset_add_task(&default_pset, t);
}

void task_bootstrap(void)
{
	zone_init(&task_zone, "tasks", sizeof(struct task), 0);
	task_init_common(kernel_task, "kernel");
	kernel_task->pmap = kernel_pmap;
	kernel_task->itk_space = ipc_space_kernel;
}

struct task *task_create_kernel(const char *name)
{
	struct task *t = zalloc(&task_zone);

	if (t == NULL)
		return NULL;
	task_init_common(t, name);
	t->itk_space = ipc_space_create();
	if (t->itk_space == NULL) {
		t->active = 0;
		task_deallocate(t);
		return NULL;
	}
	t->pmap = kernel_pmap;
	return t;
}

/* What a child takes from its parent besides memory (as GNU Mach): the
 * bootstrap and exception ports, the registered ports, the priority and
 * the emulation vector. */
static kern_return_t task_inherit(struct task *t, struct task *parent)
{
	t->itk_bootstrap = ipc_port_copy_send(parent->itk_bootstrap);
	t->itk_exception = ipc_port_copy_send(parent->itk_exception);
	for (int i = 0; i < TASK_PORT_REGISTER_MAX; i++)
		t->itk_registered[i] = ipc_port_copy_send(parent->itk_registered[i]);
	t->priority = parent->priority;
	return eml_task_inherit(t, parent);
}

kern_return_t task_create_user(struct task *parent, int inherit_memory, const char *name, struct task **out)
{
	struct task *t = zalloc(&task_zone);

	if (t == NULL)
		return KERN_RESOURCE_SHORTAGE;
	task_init_common(t, name);
	if (inherit_memory && parent != NULL && parent->map != NULL) {
		t->map = vm_map_fork(parent->map);
	} else {
		struct pmap *pmap = pmap_create();
		t->map = pmap ? vm_map_create(pmap, VM_MIN_USER_ADDRESS, VM_MAX_USER_ADDRESS) : NULL;
		if (t->map == NULL && pmap != NULL)
			pmap_destroy(pmap);
	}
	t->itk_space = ipc_space_create();
	t->itk_self = ipc_kobject_port_alloc(IKOT_TASK, t);
	kern_return_t kr = KERN_SUCCESS;
	if (t->map == NULL || t->itk_space == NULL || t->itk_self == NULL)
		kr = KERN_RESOURCE_SHORTAGE;
	if (kr == KERN_SUCCESS && parent != NULL && parent != kernel_task)
		kr = task_inherit(t, parent);
	if (kr != KERN_SUCCESS) {
		t->active = 0;
		task_deallocate(t);
		return kr;
	}
	t->pmap = t->map->pmap;
	pmap_reference(t->pmap);
	*out = t;
	return KERN_SUCCESS;
}

/* Set when the first task dies: the system has nothing left to run. */
struct task *first_task;

/* Drop a send right the task kept, if it is one. */
static void release_send_slot(struct ipc_port **slot)
{
	struct ipc_port *port = *slot;

	*slot = NULL;
	if (IP_VALID(port))
		ipc_port_release_send(port);
}

/* The special and registered ports: the task's own rights. */
static void task_release_ports(struct task *t)
{
	release_send_slot(&t->itk_bootstrap);
	release_send_slot(&t->itk_exception);
	release_send_slot(&t->itk_sself);
	for (int i = 0; i < TASK_PORT_REGISTER_MAX; i++)
		release_send_slot(&t->itk_registered[i]);
}

kern_return_t task_terminate_deferred(struct task *t)
{
	struct thread *th, *self = current_thread();

	if (t == NULL || t == kernel_task)
		return KERN_INVALID_ARGUMENT;
	if (!t->active)
		return KERN_TERMINATED;
	t->active = 0;
	pset_remove_task(t->processor_set, t);
	queue_iterate(&t->threads, th, struct thread, task_link)
	{
		if (th != self)
			thread_terminate(th);
	}
	if (self->task == t)
		self->terminating = 1;
	if (t->itk_self != NULL) {
		struct ipc_port *port = t->itk_self;
		t->itk_self = NULL;
		ipc_port_release_receive(port);
	}
	task_release_ports(t);
	ipc_space_destroy(t->itk_space);
	/* The address space goes now, as in GNU Mach, not when the last
	 * thread has been reaped (one that never runs again would keep it):
	 * its memory comes back and pagers hear memory_object_terminate.
	 * A thread of the task still in the kernel finds nothing mapped. */
	if (t->map != NULL)
		vm_map_remove(t->map, t->map->min_offset, t->map->max_offset);
	if (t == first_task) {
		printf("the first task (%s) has ended: halting\n", t->name);
		machine_halt(MACHINE_EXIT_SUCCESS);
	}
	if (t->self_ref) {
		/* Made by task_create: nobody else keeps it in existence. */
		t->self_ref = 0;
		task_deallocate(t);
	}
	return KERN_SUCCESS;
}

kern_return_t task_terminate(struct task *t)
{
	int self = t != NULL && current_thread()->task == t;
	kern_return_t kr = task_terminate_deferred(t);

	if (kr == KERN_SUCCESS && self)
		thread_exit();
	return kr;
}

kern_return_t task_suspend(struct task *t)
{
	if (t == NULL)
		return KERN_INVALID_ARGUMENT;
	if (!t->active)
		return KERN_FAILURE;
	t->suspend_count++;
	return KERN_SUCCESS;
}

kern_return_t task_resume(struct task *t)
{
	struct thread *th;

	if (t == NULL)
		return KERN_INVALID_ARGUMENT;
	if (!t->active || t->suspend_count == 0)
		return KERN_FAILURE;
	if (--t->suspend_count > 0)
		return KERN_SUCCESS;
	queue_iterate(&t->threads, th, struct thread, task_link)
	{
		thread_wakeup(&th->suspend_count);
	}
	return KERN_SUCCESS;
}

void task_reference(struct task *t)
{
	t->ref_count++;
}

void task_deallocate(struct task *t)
{
	if (t == NULL || --t->ref_count > 0)
		return;
	pset_remove_task(t->processor_set, t);
	if (t->itk_space != NULL && t->itk_space != ipc_space_kernel) {
		ipc_space_destroy(t->itk_space);
		ipc_space_release(t->itk_space);
	}
	if (t->itk_self != NULL)
		ipc_port_release_receive(t->itk_self);
	task_release_ports(t);
	eml_task_release(t);
	if (t->map != NULL)
		vm_map_deallocate(t->map);
	if (t->pmap != NULL && t->pmap != kernel_pmap)
		pmap_destroy(t->pmap);
	zfree(&task_zone, t);
}
