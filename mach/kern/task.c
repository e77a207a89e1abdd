/* Tasks.  The kernel task holds the kernel's own threads. */
#include <kern/kalloc.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/zalloc.h>
#include <i386/pmap.h>
#include <ipc/space.h>

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
	if (t->pmap != kernel_pmap)
		pmap_destroy(t->pmap);
	zfree(&task_zone, t);
}
