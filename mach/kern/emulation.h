/*
 * System call emulation vectors (task_set_emulation_vector,
 * task_set_emulation): a table of user addresses, one per system call
 * number in [disp_min, disp_min + disp_count); 0 means "not redirected".
 * The trap code redirects a claimed number to its address (issue 8); this
 * file only keeps the table.  Children inherit their parent's.
 */
#ifndef KERN_EMULATION_H
#define KERN_EMULATION_H
#include <mach/kern_return.h>
#include <mach/machine/vm_types.h>

/* GNU Mach's error codes for these calls (err_kern | err_sub(2)). */
#define EML_MOD 0x8000
#define EML_BAD_TASK (EML_MOD | 0x0001)
#define EML_BAD_CNT (EML_MOD | 0x0002)

/* The largest table a task may have, in entries. */
#define EML_MAX_ENTRIES 1024

struct task;

struct task_emulation {
	int disp_min;
	unsigned disp_count;
	vm_offset_t disp_vector[]; /* disp_count entries */
};

/* Set entries [start, start + count) to vector[]; the table grows to
 * cover them and keeps its other entries. */
kern_return_t eml_task_set(struct task *task, int start, const vm_offset_t *vector, unsigned count);
/* The user address for system call number, or 0. */
vm_offset_t eml_lookup(const struct task *task, int number);
kern_return_t eml_task_inherit(struct task *child, const struct task *parent);
void eml_task_release(struct task *task);
#endif
