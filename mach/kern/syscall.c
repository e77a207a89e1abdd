/*
 * Mach traps (GNU Mach i386 numbering).  Arguments are 32-bit words on
 * the user stack above the caller's return address; each trap gets them
 * as an array, already copied in.
 */
#include <mach/message.h>
#include <i386/cpu.h>
#include <kern/clock.h>
#include <kern/copy.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/host.h>
#include <kern/exception.h>
#include <mach/exception.h>
#include <kern/syscall.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/kmsg.h>
#include <ipc/mach_port.h>
#include <vm/vm_user.h>

#define MACH_PRINT_MAX 256

static struct ipc_space *current_space(void)
{
	return current_thread()->task->itk_space;
}

static mach_port_t __attribute__((noinline)) give_send_slow(struct ipc_port *port)
{
	mach_port_t name;

	if (!IP_VALID(port))
		return MACH_PORT_NULL;
	if (ipc_right_copyout(current_space(), ipc_port_make_send(port), MACH_MSG_TYPE_PORT_SEND, &name) !=
	    KERN_SUCCESS)
		return MACH_PORT_NULL;
	return name;
}

/* A send right's name in space (the caller's), for a port handed out. */
static inline mach_port_t give_send(struct ipc_space *space, struct ipc_port *port)
{
	struct ipc_entry *e = &space->table[space->rev_hint_index];

	/* Usually the space's last-looked-up port is this one, with a send
	 * right already: just one more user reference.  The hint's index is
	 * always inside the table; the entry itself says whether it is a
	 * send right to this port (the hint may be stale). */
	uint32_t bits = e->bits, more = bits + 1;
	if (__builtin_expect(e->object == port && (bits & MACH_PORT_TYPE_SEND) && (more & IE_UREFS_MASK) != 0 &&
				     port->active,
			     1)) {
		e->bits = more;
		return e->name;
	}
	return give_send_slow(port);
}

/* The task a send right in the caller's space stands for, or NULL. */
static struct task *name_to_task(mach_port_t name)
{
	struct ipc_entry *e = ipc_entry_lookup(current_space(), name);
	struct ipc_port *port;

	if (e == NULL || !(IE_TYPE(e) & MACH_PORT_TYPE_SEND))
		return NULL;
	port = e->object;
	if (!port->active || port->kotype != IKOT_TASK)
		return NULL;
	return port->kobject;
}

/* Each trap takes its arguments as C parameters: mach_call_entry
 * (i386/locore.S) copies the user's words onto the kernel stack as a
 * call frame, then calls the function the table names. */
static uint32_t trap_reply_port(void)
{
	mach_port_t name;
	return mach_port_allocate(current_space(), MACH_PORT_RIGHT_RECEIVE, &name) == KERN_SUCCESS ? name
												     : MACH_PORT_NULL;
}

static uint32_t trap_thread_self(void)
{
	struct thread *th = current_thread();
	/* As set with thread_set_special_port(THREAD_KERNEL_PORT), else its own. */
	return give_send(th->task->itk_space, th->ith_sself ? th->ith_sself : th->ith_self);
}

/* The most frequent trap there is: no frame of its own (a leaf). */
static uint32_t __attribute__((optimize("omit-frame-pointer"))) trap_task_self(void)
{
	struct task *t = current_thread()->task;
	struct ipc_port *port = __builtin_expect(t->itk_sself == NULL, 1) ? t->itk_self : t->itk_sself;
	return give_send(t->itk_space, port);
}

static uint32_t trap_host_self(void)
{
	return give_send(current_space(), host_port);
}

static uint32_t trap_mach_print(const char *s)
{
	char buf[MACH_PRINT_MAX + 1];
	unsigned n = 0;

	/* A byte at a time: the string may end just before an unmapped page. */
	while (n < MACH_PRINT_MAX && copyin(s + n, &buf[n], 1) == 0 && buf[n] != '\0')
		n++;
	buf[n] = '\0';
	printf("%s", buf);
	return KERN_SUCCESS;
}

static uint32_t trap_swtch(void)
{
	thread_yield();
	return 0;
}

#define SWITCH_OPTION_WAIT 2
static uint32_t trap_thread_switch(mach_port_t thread, int option, mach_msg_timeout_t ms)
{
	(void)thread;
	if (option == SWITCH_OPTION_WAIT && ms != 0)
		thread_sleep(NULL, 1, ((uint64_t)ms * HZ + 999) / 1000);
	else
		thread_yield();
	return KERN_SUCCESS;
}

static uint32_t trap_vm_allocate(mach_port_t task, vm_offset_t *uaddr, vm_size_t size, boolean_t anywhere)
{
	struct task *t = name_to_task(task);
	vm_offset_t addr;

	if (t == NULL)
		return KERN_INVALID_ARGUMENT;
	if (copyin(uaddr, &addr, sizeof(addr)) != 0)
		return KERN_INVALID_ADDRESS;
	kern_return_t kr = vm_allocate(t->map, &addr, size, anywhere);
	if (kr == KERN_SUCCESS && copyout(&addr, uaddr, sizeof(addr)) != 0)
		return KERN_INVALID_ADDRESS;
	return kr;
}

static uint32_t trap_vm_deallocate(mach_port_t task, vm_offset_t addr, vm_size_t size)
{
	struct task *t = name_to_task(task);
	return t ? vm_deallocate(t->map, addr, size) : KERN_INVALID_ARGUMENT;
}

static uint32_t trap_task_terminate(mach_port_t task)
{
	struct task *t = name_to_task(task);
	return t ? task_terminate(t) : KERN_INVALID_ARGUMENT;
}

static uint32_t trap_port_allocate(mach_port_t task, mach_port_right_t right, mach_port_t *uname)
{
	struct task *t = name_to_task(task);
	mach_port_t name;

	if (t == NULL)
		return KERN_INVALID_ARGUMENT;
	kern_return_t kr = mach_port_allocate(t->itk_space, right, &name);
	if (kr == KERN_SUCCESS && copyout(&name, uname, sizeof(name)) != 0)
		return KERN_INVALID_ADDRESS;
	return kr;
}

static uint32_t trap_port_deallocate(mach_port_t task, mach_port_t name)
{
	struct task *t = name_to_task(task);
	return t ? mach_port_deallocate(t->itk_space, name) : KERN_INVALID_ARGUMENT;
}

static uint32_t trap_port_allocate_name(mach_port_t task, mach_port_right_t right, mach_port_t name)
{
	struct task *t = name_to_task(task);
	return t ? mach_port_allocate_name(t->itk_space, right, name) : KERN_INVALID_ARGUMENT;
}

static uint32_t trap_invalid(void)
{
	return KERN_INVALID_ARGUMENT;
}

/* The functions have different parameter lists: the table holds them as
 * void (*)(void), the one type every function pointer converts to. */
#define TRAP(nargs, fn) {nargs, (void (*)(void))(fn)}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init" /* unused numbers: trap_invalid */
const struct mach_trap mach_trap_table[MACH_TRAP_COUNT] = {
	[0 ... MACH_TRAP_COUNT - 1] = TRAP(0, trap_invalid),
	[25] = TRAP(7, ipc_fast_mach_msg),
	[26] = TRAP(0, trap_reply_port),
	[27] = TRAP(0, trap_thread_self),
	[28] = TRAP(0, trap_task_self),
	[29] = TRAP(0, trap_host_self),
	[30] = TRAP(1, trap_mach_print),
	[59] = TRAP(1, trap_swtch),
	[60] = TRAP(0, trap_swtch),
	[61] = TRAP(3, trap_thread_switch),
	[65] = TRAP(4, trap_vm_allocate),
	[66] = TRAP(3, trap_vm_deallocate),
	[69] = TRAP(1, trap_task_terminate),
	[72] = TRAP(3, trap_port_allocate),
	[73] = TRAP(2, trap_port_deallocate),
	[75] = TRAP(3, trap_port_allocate_name),
};
#pragma GCC diagnostic pop

void mach_trap_bad_number(void)
{
	exception(EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0);
}

void mach_trap_bad_args(struct i386_saved_state *ss)
{
	exception(EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, ss->uesp + 4);
}
