/* System call emulation vectors: the table each task keeps (emulation.h). */
#include <kern/emulation.h>
#include <kern/kalloc.h>
#include <kern/string.h>
#include <kern/task.h>

static size_t eml_size(unsigned count)
{
	return sizeof(struct task_emulation) + count * sizeof(vm_offset_t);
}

static struct task_emulation *eml_alloc(int min, unsigned count)
{
	struct task_emulation *e = kalloc(eml_size(count));

	if (e == NULL)
		return NULL;
	e->disp_min = min;
	e->disp_count = count;
	memset(e->disp_vector, 0, count * sizeof(vm_offset_t));
	return e;
}

static void eml_free(struct task_emulation *e)
{
	if (e != NULL)
		kfree(e, eml_size(e->disp_count));
}

kern_return_t eml_task_set(struct task *task, int start, const vm_offset_t *vector, unsigned count)
{
	struct task_emulation *old = task->eml, *e;
	int64_t lo = start, hi = (int64_t)start + count;

	if (count > EML_MAX_ENTRIES)
		return EML_BAD_CNT;
	if (count == 0)
		return KERN_SUCCESS;
	if (old != NULL) {
		if (old->disp_min < lo)
			lo = old->disp_min;
		if ((int64_t)old->disp_min + old->disp_count > hi)
			hi = (int64_t)old->disp_min + old->disp_count;
	}
	if (hi - lo > EML_MAX_ENTRIES)
		return EML_BAD_CNT;
	e = eml_alloc((int)lo, (unsigned)(hi - lo));
	if (e == NULL)
		return KERN_RESOURCE_SHORTAGE;
	if (old != NULL)
		memcpy(&e->disp_vector[old->disp_min - lo], old->disp_vector, old->disp_count * sizeof(vm_offset_t));
	memcpy(&e->disp_vector[start - lo], vector, count * sizeof(vm_offset_t));
	task->eml = e;
	eml_free(old);
	return KERN_SUCCESS;
}

vm_offset_t eml_lookup(const struct task *task, int number)
{
	const struct task_emulation *e = task->eml;
	int64_t i;

	if (e == NULL)
		return 0;
	i = (int64_t)number - e->disp_min;
	return i >= 0 && i < e->disp_count ? e->disp_vector[i] : 0;
}

kern_return_t eml_task_inherit(struct task *child, const struct task *parent)
{
	const struct task_emulation *p = parent->eml;

	if (p == NULL)
		return KERN_SUCCESS;
	child->eml = eml_alloc(p->disp_min, p->disp_count);
	if (child->eml == NULL)
		return KERN_RESOURCE_SHORTAGE;
	memcpy(child->eml->disp_vector, p->disp_vector, p->disp_count * sizeof(vm_offset_t));
	return KERN_SUCCESS;
}

void eml_task_release(struct task *task)
{
	eml_free(task->eml);
	task->eml = NULL;
}
