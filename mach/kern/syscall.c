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
#include <kern/ast.h>
#include <ipc/kmsg.h>
#include <ipc/mach_port.h>
#include <vm/vm_user.h>

#define MACH_TRAP_MAX_ARGS 11
#define MACH_PRINT_MAX 256

typedef uint32_t (*mach_trap_fn)(const uint32_t *args);

struct mach_trap {
	unsigned nargs;
	mach_trap_fn fn;
};

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

/* A send right's name in the caller's space, for a port handed out. */
static mach_port_t give_send(struct ipc_port *port)
{
	struct ipc_space *space = current_space();
	mach_port_t name = space->rev_hint_name;
	struct ipc_entry *e = &space->table[name];

	/* Usually the space's last-looked-up port is this one, with a send
	 * right already: just one more user reference (the hint's name is
	 * always inside the table, and the object check catches reuse). */
	uint32_t send = e->bits & (MACH_PORT_TYPE_SEND | IE_UREFS_MASK);
	if (space->rev_hint_port == port && e->object == port && send - MACH_PORT_TYPE_SEND < IE_UREFS_MAX &&
	    port->active) {
		e->bits++;
		return name;
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

static uint32_t trap_mach_msg(const uint32_t *a)
{
	return mach_msg_trap((mach_msg_header_t *)a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
}

static uint32_t trap_reply_port(const uint32_t *a)
{
	mach_port_t name;
	(void)a;
	return mach_port_allocate(current_space(), MACH_PORT_RIGHT_RECEIVE, &name) == KERN_SUCCESS ? name
												     : MACH_PORT_NULL;
}

static uint32_t trap_thread_self(const uint32_t *a)
{
	(void)a;
	struct thread *th = current_thread();
	/* As set with thread_set_special_port(THREAD_KERNEL_PORT), else its own. */
	return give_send(th->ith_sself ? th->ith_sself : th->ith_self);
}

static uint32_t trap_task_self(const uint32_t *a)
{
	(void)a;
	struct task *t = current_thread()->task;
	return give_send(t->itk_sself ? t->itk_sself : t->itk_self);
}

static uint32_t trap_host_self(const uint32_t *a)
{
	(void)a;
	return give_send(host_port);
}

static uint32_t trap_mach_print(const uint32_t *a)
{
	char buf[MACH_PRINT_MAX + 1];
	const char *s = (const char *)a[0];
	unsigned n = 0;

	/* A byte at a time: the string may end just before an unmapped page. */
	while (n < MACH_PRINT_MAX && copyin(s + n, &buf[n], 1) == 0 && buf[n] != '\0')
		n++;
	buf[n] = '\0';
	printf("%s", buf);
	return KERN_SUCCESS;
}

static uint32_t trap_swtch(const uint32_t *a)
{
	(void)a;
	thread_yield();
	return 0;
}

#define SWITCH_OPTION_WAIT 2
static uint32_t trap_thread_switch(const uint32_t *a)
{
	if (a[1] == SWITCH_OPTION_WAIT && a[2] != 0)
		thread_sleep(NULL, 1, ((uint64_t)a[2] * HZ + 999) / 1000);
	else
		thread_yield();
	return KERN_SUCCESS;
}

static uint32_t trap_vm_allocate(const uint32_t *a)
{
	struct task *t = name_to_task(a[0]);
	vm_offset_t addr;

	if (t == NULL)
		return KERN_INVALID_ARGUMENT;
	if (copyin((void *)a[1], &addr, sizeof(addr)) != 0)
		return KERN_INVALID_ADDRESS;
	kern_return_t kr = vm_allocate(t->map, &addr, a[2], a[3]);
	if (kr == KERN_SUCCESS && copyout(&addr, (void *)a[1], sizeof(addr)) != 0)
		return KERN_INVALID_ADDRESS;
	return kr;
}

static uint32_t trap_vm_deallocate(const uint32_t *a)
{
	struct task *t = name_to_task(a[0]);
	return t ? vm_deallocate(t->map, a[1], a[2]) : KERN_INVALID_ARGUMENT;
}

static uint32_t trap_task_terminate(const uint32_t *a)
{
	struct task *t = name_to_task(a[0]);
	return t ? task_terminate(t) : KERN_INVALID_ARGUMENT;
}

static uint32_t trap_port_allocate(const uint32_t *a)
{
	struct task *t = name_to_task(a[0]);
	mach_port_t name;

	if (t == NULL)
		return KERN_INVALID_ARGUMENT;
	kern_return_t kr = mach_port_allocate(t->itk_space, a[1], &name);
	if (kr == KERN_SUCCESS && copyout(&name, (void *)a[2], sizeof(name)) != 0)
		return KERN_INVALID_ADDRESS;
	return kr;
}

static uint32_t trap_port_deallocate(const uint32_t *a)
{
	struct task *t = name_to_task(a[0]);
	return t ? mach_port_deallocate(t->itk_space, a[1]) : KERN_INVALID_ARGUMENT;
}

static uint32_t trap_port_allocate_name(const uint32_t *a)
{
	struct task *t = name_to_task(a[0]);
	return t ? mach_port_allocate_name(t->itk_space, a[1], a[2]) : KERN_INVALID_ARGUMENT;
}

static const struct mach_trap mach_trap_table[MACH_TRAP_COUNT] = {
	[25] = {7, trap_mach_msg},
	[26] = {0, trap_reply_port},
	[27] = {0, trap_thread_self},
	[28] = {0, trap_task_self},
	[29] = {0, trap_host_self},
	[30] = {1, trap_mach_print},
	[59] = {1, trap_swtch},
	[60] = {0, trap_swtch},
	[61] = {3, trap_thread_switch},
	[65] = {4, trap_vm_allocate},
	[66] = {3, trap_vm_deallocate},
	[69] = {1, trap_task_terminate},
	[72] = {3, trap_port_allocate},
	[73] = {2, trap_port_deallocate},
	[75] = {3, trap_port_allocate_name},
};

void mach_trap_dispatch(struct i386_saved_state *ss)
{
	unsigned n = -(int32_t)ss->eax;
	uint32_t args[MACH_TRAP_MAX_ARGS];

	const struct mach_trap *t = &mach_trap_table[n];

	/* The call gate leaves interrupts as the user had them: on. */
	if (n >= MACH_TRAP_COUNT)
		exception(EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0);
	else if (t->fn == NULL)
		ss->eax = KERN_INVALID_ARGUMENT;
	else if (t->nargs && copyin((void *)(ss->uesp + 4), args, t->nargs * sizeof(uint32_t)) != 0)
		exception(EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, ss->uesp + 4);
	else
		ss->eax = t->fn(args);
	cpu_intr_disable();
	if (thread_ast_pending(current_thread()))
		thread_ast();
}
