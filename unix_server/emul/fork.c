/*
 * fork, vfork and clone with fork-like flags: a new task inheriting our
 * memory copy-on-write (the library with its state included), our
 * rights at the same names, registered with the proc service, and one
 * thread that starts in the library (emul_fork_child_entry) with the
 * caller's registers and eax 0 in emul_regs.  vfork (and clone with
 * CLONE_VFORK) suspends the parent, as Linux's does, until the child
 * execs or exits; the child's memory is still a copy.  The child holds
 * the only send right to a port of the parent's (emul.vfork_port, at
 * the same name): its execve drops it, its end destroys it, and either
 * way the kernel's no-senders notification ends the parent's wait.
 */
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/notify.h>
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

/* The vfork port: a receive right whose no-senders notification comes
 * to itself once the child's send right (make-send count 1) is gone. */
static mach_port_t vfork_port_make(void)
{
	mach_port_t port, once, previous;
	mach_msg_type_name_t once_type;

	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	if (mach_port_extract_right(mach_task_self(), port, MACH_MSG_TYPE_MAKE_SEND_ONCE, &once, &once_type) ==
	    KERN_SUCCESS) {
		if (mach_port_request_notification(mach_task_self(), port, MACH_NOTIFY_NO_SENDERS, 1, once,
						   &previous) == KERN_SUCCESS)
			return port;
		mach_port_deallocate(mach_task_self(), once);
	}
	mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_RECEIVE, -1);
	return MACH_PORT_NULL;
}

/* The parent's side: wait for the notification (signals wait too, as
 * Linux's vfork parent is not interrupted), then drop the port. */
static void vfork_wait(mach_port_t port)
{
	struct {
		mach_msg_header_t h;
		char body[64];
	} m;
	mach_msg_return_t mr;

	do
		mr = mach_msg(&m.h, MACH_RCV_MSG, 0, sizeof(m), port, MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	while (mr == MACH_RCV_INTERRUPTED);
	mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_RECEIVE, -1);
}

/* The child's side, at execve's point of no return: the parent goes on. */
void emul_vfork_release(void)
{
	if (emul.vfork_port != MACH_PORT_NULL) {
		mach_port_deallocate(mach_task_self(), emul.vfork_port);
		emul.vfork_port = MACH_PORT_NULL;
	}
}

static int do_fork(uint32_t child_stack, uint32_t ptid, uint32_t ctid, int set_ptid, int vfork)
{
	task_t child;
	thread_t th;
	mach_port_t child_proc, vport = MACH_PORT_NULL, own_vport = emul.vfork_port;
	int pid, r;
	struct emul_regs saved = emul_regs;

	if (vfork && (vport = vfork_port_make()) == MACH_PORT_NULL)
		return -LINUX_EAGAIN;
	/* The child's copy of emul_regs is its registers when it starts. */
	emul_regs.eax = 0;
	if (child_stack != 0)
		emul_regs.esp = child_stack;
	emul_child_settid = ctid;
	emul.vfork_port = vport;
	kern_return_t kr = task_create(mach_task_self(), TRUE, &child);
	emul_regs = saved;
	emul_child_settid = 0;
	emul.vfork_port = own_vport;
	if (kr != KERN_SUCCESS) {
		r = -LINUX_EAGAIN;
		goto fail_vport;
	}
	r = emul_errno(proc_fork(emul.proc, child, &child_proc, &pid));
	if (r < 0) {
		task_terminate(child);
		mach_port_deallocate(mach_task_self(), child);
		goto fail_vport;
	}
	r = -LINUX_EAGAIN;
	if (vport != MACH_PORT_NULL &&
	    mach_port_insert_right(child, vport, vport, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS)
		goto fail;
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
	if (vport != MACH_PORT_NULL)
		vfork_wait(vport);
	return pid;
fail:
	/* The service saw the child: end it through the service's own path. */
	task_terminate(child);
	mach_port_deallocate(mach_task_self(), child);
fail_vport:
	if (vport != MACH_PORT_NULL)
		mach_port_mod_refs(mach_task_self(), vport, MACH_PORT_RIGHT_RECEIVE, -1);
	return r;
}

int sys_fork(int vfork)
{
	return do_fork(0, 0, 0, 0, vfork);
}

int sys_clone(uint32_t flags, uint32_t stack)
{
	if (flags & ~CLONE_FORKLIKE)
		return -LINUX_EINVAL;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -LINUX_EINVAL; /* threads: not in part 1 */
	return do_fork(stack, emul_regs.edx, (flags & CLONE_CHILD_SETTID) ? emul_regs.edi : 0,
		       (flags & CLONE_PARENT_SETTID) != 0, (flags & CLONE_VFORK) != 0);
}
