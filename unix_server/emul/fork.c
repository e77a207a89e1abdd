/*
 * fork, vfork and clone with fork-like flags: a new task inheriting our
 * memory copy-on-write (the library with its state included), our
 * rights at the same names, registered with the proc service, and one
 * thread that starts in the library (emul_fork_child_entry) with the
 * caller's registers and eax 0 in emul_regs.  vfork is a fork here: the
 * child's memory is a copy, so the parent need not wait.
 */
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/mach_i386.h>
#include <mach/task_special_ports.h>
#include <servers/proc.h>
#include "emul.h"

#define TLS_SEL_FIRST (6 * 8 + 3)
#define TLS_SLOTS 3
#define CLONE_FORKLIKE                                                                                    \
	(CLONE_SIGNAL_MASK | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID | CLONE_VM | \
	 CLONE_VFORK)

extern void emul_fork_child_entry(void);
/* Where the child writes its pid (CLONE_CHILD_SETTID), read by the child. */
uint32_t emul_child_settid;

static void give(task_t child, mach_port_t name)
{
	if (MACH_PORT_VALID(name))
		mach_port_insert_right(child, name, name, MACH_MSG_TYPE_COPY_SEND);
}

static int do_fork(uint32_t child_stack, uint32_t ptid, uint32_t ctid, int set_ptid)
{
	task_t child;
	thread_t th;
	mach_port_t child_proc;
	int pid, r;
	struct emul_regs saved = emul_regs;

	/* The child's copy of emul_regs is its registers when it starts. */
	emul_regs.eax = 0;
	if (child_stack != 0)
		emul_regs.esp = child_stack;
	emul_child_settid = ctid;
	kern_return_t kr = task_create(mach_task_self(), TRUE, &child);
	emul_regs = saved;
	emul_child_settid = 0;
	if (kr != KERN_SUCCESS)
		return -LINUX_EAGAIN;
	r = emul_errno(proc_fork(emul.proc, child, &child_proc, &pid));
	if (r < 0) {
		task_terminate(child);
		mach_port_deallocate(mach_task_self(), child);
		return r;
	}
	for (int fd = 0; fd < EMUL_FD_MAX; fd++)
		give(child, emul.fd[fd].port);
	give(child, emul.root);
	give(child, emul.cwd);
	give(child, emul.pipes);
	task_set_special_port(child, TASK_BOOTSTRAP_PORT, child_proc);
	/* Not ours: the child catches its own (emul_signal_init). */
	task_set_special_port(child, TASK_EXCEPTION_PORT, MACH_PORT_NULL);
	mach_port_deallocate(mach_task_self(), child_proc);

	struct i386_thread_state st = {0};
	uint32_t gs;
	__asm__ volatile("movl %%gs, %0" : "=r"(gs));
	r = -LINUX_EAGAIN;
	if (thread_create(child, &th) != KERN_SUCCESS)
		goto fail;
	for (int i = 0; i < TLS_SLOTS; i++) {
		descriptor_t d;
		int sel = TLS_SEL_FIRST + 8 * i;
		if (i386_get_gdt(emul.linux_thread, sel, &d) == KERN_SUCCESS && (d.high_word & 0x8000))
			i386_set_gdt(th, &sel, d);
	}
	st.eip = (uint32_t)emul_fork_child_entry;
	st.gs = gs & 0xffff;
	st.efl = EFLAGS_USER_DEFAULT;
	if (thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT) !=
		KERN_SUCCESS ||
	    thread_resume(th) != KERN_SUCCESS) {
		thread_terminate(th);
		mach_port_deallocate(mach_task_self(), th);
		goto fail;
	}
	mach_port_deallocate(mach_task_self(), th);
	mach_port_deallocate(mach_task_self(), child);
	if (set_ptid)
		emul_copyout(ptid, &pid, sizeof(pid));
	return pid;
fail:
	/* The service saw the child: end it through the service's own path. */
	task_terminate(child);
	mach_port_deallocate(mach_task_self(), child);
	return r;
}

int sys_fork(void)
{
	return do_fork(0, 0, 0, 0);
}

int sys_clone(uint32_t flags, uint32_t stack)
{
	if (flags & ~CLONE_FORKLIKE)
		return -LINUX_EINVAL;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -LINUX_EINVAL; /* threads: not in part 1 */
	return do_fork(stack, emul_regs.edx, (flags & CLONE_CHILD_SETTID) ? emul_regs.edi : 0,
		       (flags & CLONE_PARENT_SETTID) != 0);
}
