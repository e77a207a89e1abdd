/* Tasks.  The kernel task holds the kernel's own threads. */
#include <kern/kalloc.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/zalloc.h>
#include <i386/pmap.h>
#include <ipc/space.h>
#include <kern/debug.h>
#include <kern/machine.h>
#include <kern/printf.h>
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
	strlcpy(t->name, name, sizeof(t->name));
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
		zfree(&task_zone, t);
		return NULL;
	}
	t->pmap = kernel_pmap;
	return t;
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
	if (t->map == NULL || t->itk_space == NULL || t->itk_self == NULL) {
		t->active = 0;
		task_deallocate(t);
		return KERN_RESOURCE_SHORTAGE;
	}
	t->pmap = t->map->pmap;
	pmap_reference(t->pmap);
	*out = t;
	return KERN_SUCCESS;
}

/* Set when the first task dies: the system has nothing left to run. */
struct task *first_task;

kern_return_t task_terminate(struct task *t)
{
	struct thread *th, *self = current_thread();

	if (t == NULL || t == kernel_task)
		return KERN_INVALID_ARGUMENT;
	if (!t->active)
		return KERN_TERMINATED;
	t->active = 0;
	queue_iterate(&t->threads, th, struct thread, task_link)
	{
		if (th != self)
			thread_terminate(th);
	}
	if (t->itk_self != NULL) {
		struct ipc_port *port = t->itk_self;
		t->itk_self = NULL;
		ipc_port_release_receive(port);
	}
	ipc_space_destroy(t->itk_space);
	if (t == first_task) {
		printf("the first task (%s) has ended: halting\n", t->name);
		machine_halt(MACHINE_EXIT_SUCCESS);
	}
	if (self->task == t)
		thread_exit();
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
	if (t->itk_space != NULL && t->itk_space != ipc_space_kernel) {
		ipc_space_destroy(t->itk_space);
		ipc_space_release(t->itk_space);
	}
	if (t->itk_self != NULL)
		ipc_port_release_receive(t->itk_self);
	if (t->map != NULL)
		vm_map_deallocate(t->map);
	if (t->pmap != NULL && t->pmap != kernel_pmap)
		pmap_destroy(t->pmap);
	zfree(&task_zone, t);
}
