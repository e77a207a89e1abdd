/* Threads: creation, suspension, termination. */
#include <stddef.h>
#include <i386/asm_offsets.h>
#include <i386/cpu.h>
#include <kern/debug.h>
#include <kern/emulation.h>
#include <kern/host.h>
#include <kern/kalloc.h>
#include <kern/printf.h>
#include <kern/processor.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/zalloc.h>
#include <ipc/port.h>
#include <vm/vm_page.h>

void sched_set_idle_thread(struct thread *th);
void idle_thread_loop(void *arg);

_Static_assert(offsetof(struct i386_saved_state, eax) == SS_EAX, "asm_offsets.h");
_Static_assert(offsetof(struct i386_saved_state, uesp) == SS_UESP, "asm_offsets.h");
_Static_assert(offsetof(struct thread, kernel_esp) == TH_KERNEL_ESP, "asm_offsets.h");
_Static_assert(offsetof(struct thread, task) == TH_TASK, "asm_offsets.h");
_Static_assert(offsetof(struct thread, terminating) == TH_TERMINATING, "asm_offsets.h");
_Static_assert(offsetof(struct thread, suspend_count) == TH_SUSPEND_COUNT, "asm_offsets.h");
_Static_assert(offsetof(struct task, suspend_count) == TASK_SUSPEND_COUNT, "asm_offsets.h");
_Static_assert(offsetof(struct task, eml) == TASK_EML, "asm_offsets.h");
_Static_assert(offsetof(struct task_emulation, disp_min) == EML_DISP_MIN, "asm_offsets.h");
_Static_assert(offsetof(struct task_emulation, disp_count) == EML_DISP_COUNT, "asm_offsets.h");
_Static_assert(offsetof(struct task_emulation, disp_vector) == EML_DISP_VECTOR, "asm_offsets.h");

static struct zone thread_zone;
static struct thread bootstrap_thread;
static unsigned thread_next_id;

static struct thread *thread_alloc(struct task *task, const char *name, int pri)
{
	struct thread *th = zalloc(&thread_zone);
	struct vm_page *stack;

	if (th == NULL)
		return NULL;
	stack = vm_page_alloc(KERNEL_STACK_ORDER);
	if (stack == NULL) {
		zfree(&thread_zone, th);
		return NULL;
	}
	memset(th, 0, sizeof(*th));
	th->kernel_stack = phystokv(vm_page_to_phys(stack));
	th->priority = th->base_priority = pri;
	th->max_priority = 0; /* kernel threads: any */
	th->policy = POLICY_TIMESHARE;
	th->creation_time_us = host_time_us();
	th->quantum = SCHED_QUANTUM_TICKS;
	th->ref_count = 1;
	th->id = thread_next_id++;
	strlcpy(th->name, name, sizeof(th->name));
	th->task = task;
	task_reference(task);
	int s = cpu_intr_save();
	queue_enter_tail(&task->threads, &th->task_link);
	task->thread_count++;
	cpu_intr_restore(s);
	pcb_init(th);
	return th;
}

/* The thread that runs i386_init becomes the kernel task's first thread;
 * then the idle thread is made. */
void thread_bootstrap(void)
{
	zone_init(&thread_zone, "threads", sizeof(struct thread), 0);
	sched_init();
	memset(&bootstrap_thread, 0, sizeof(bootstrap_thread));
	bootstrap_thread.priority = bootstrap_thread.base_priority = BASEPRI_KERNEL;
	bootstrap_thread.quantum = SCHED_QUANTUM_TICKS;
	bootstrap_thread.ref_count = 1;
	bootstrap_thread.task = kernel_task;
	bootstrap_thread.kernel_only = 1;
	bootstrap_thread.id = thread_next_id++;
	strlcpy(bootstrap_thread.name, "bootstrap", sizeof(bootstrap_thread.name));
	queue_enter_tail(&kernel_task->threads, &bootstrap_thread.task_link);
	kernel_task->thread_count++;
	active_thread = &bootstrap_thread;

	struct thread *idle = thread_alloc(kernel_task, "idle", IDLEPRI);
	if (idle == NULL)
		panic("thread_bootstrap: no memory for the idle thread");
	idle->state |= TH_IDLE;
	idle->start_fn = idle_thread_loop;
	sched_set_idle_thread(idle);
}

struct thread *kernel_thread(struct task *task, const char *name, void (*fn)(void *), void *arg, int pri)
{
	struct thread *th = thread_alloc(task, name, pri);

	if (th == NULL)
		return NULL;
	th->start_fn = fn;
	th->start_arg = arg;
	th->kernel_only = 1;
	thread_setrun(th);
	return th;
}

/* A user thread's first code: stop while suspended, then enter user mode. */
static void thread_user_start(void *arg)
{
	struct thread *th = arg;
	void thread_return_to_user(struct i386_saved_state *ss) __attribute__((noreturn));

	thread_ast();
	cpu_intr_disable();
	thread_return_to_user(th->pcb.user_state);
}

kern_return_t thread_create(struct task *task, struct thread **out)
{
	if (task == NULL || !task->active || task->map == NULL)
		return KERN_INVALID_ARGUMENT;
	int pri = task->priority < default_pset.max_priority ? default_pset.max_priority : task->priority;
	struct thread *th = thread_alloc(task, "user", pri);
	if (th == NULL)
		return KERN_RESOURCE_SHORTAGE;
	th->max_priority = default_pset.max_priority;
	th->ith_self = ipc_kobject_port_alloc(IKOT_THREAD, th);
	th->start_fn = thread_user_start;
	th->start_arg = th;
	th->suspend_count = 1; /* runs only once resumed */
	thread_setrun(th);
	*out = th;
	return KERN_SUCCESS;
}

/* Entered by a new thread's first switch (i386/switch.S). */
void thread_start(void)
{
	struct thread *th = current_thread();

	sched_after_switch();
	cpu_intr_enable();
	th->start_fn(th->start_arg);
	thread_exit();
}

void thread_reference(struct thread *th)
{
	int s = cpu_intr_save();
	th->ref_count++;
	cpu_intr_restore(s);
}

void thread_deallocate(struct thread *th)
{
	if (th == NULL)
		return;
	int s = cpu_intr_save();
	int last = --th->ref_count == 0;
	cpu_intr_restore(s);
	if (!last)
		return;
	assert(th->state & TH_TERMINATED);
	zfree(&thread_zone, th);
}

/* After the switch away from an exited thread: free what it stood on. */
void thread_reap(struct thread *th)
{
	fpu_thread_gone(th);
	vm_page_free(vm_page_from_phys(kvtophys(th->kernel_stack)), KERNEL_STACK_ORDER);
	th->kernel_stack = NULL;
	struct task *task = th->task;
	th->task = NULL;
	task_deallocate(task);
	thread_deallocate(th);
}

/* Drop a send right the thread kept, if it is one. */
static void release_send_slot(struct ipc_port **slot)
{
	struct ipc_port *port = *slot;

	*slot = NULL;
	if (IP_VALID(port))
		ipc_port_release_send(port);
}

/* The thread's port dies with it (or as soon as it is told to end):
 * nobody may address it any more. */
static void thread_disable_ports(struct thread *th)
{
	if (th->ith_self != NULL) {
		struct ipc_port *port = th->ith_self;
		th->ith_self = NULL;
		ipc_port_release_receive(port);
	}
	release_send_slot(&th->ith_sself);
	release_send_slot(&th->ith_exception);
}

void thread_exit(void)
{
	struct thread *th = current_thread();

	thread_disable_ports(th);
	cpu_intr_disable();
	queue_remove_entry(&th->task_link);
	th->task->thread_count--;
	th->task->dead_user_ticks += th->user_ticks;
	th->task->dead_system_ticks += th->system_ticks;
	th->state |= TH_TERMINATED;
	thread_wakeup(th); /* anyone waiting for it to end */
	thread_block();
	panic("thread_exit: a terminated thread ran again");
}

kern_return_t thread_terminate(struct thread *th)
{
	if (th == NULL)
		return KERN_INVALID_ARGUMENT;
	if (th == current_thread())
		thread_exit();
	int s = cpu_intr_save();
	if (th->state & TH_TERMINATED) {
		cpu_intr_restore(s);
		return KERN_TERMINATED;
	}
	th->terminating = 1;
	cpu_intr_restore(s);
	thread_disable_ports(th);
	/* It ends itself at its next safe point; get it there. */
	clear_wait(th, THREAD_INTERRUPTED);
	thread_wakeup(&th->suspend_count);
	return KERN_SUCCESS;
}

kern_return_t thread_suspend(struct thread *th)
{
	if (th == NULL)
		return KERN_INVALID_ARGUMENT;
	int s = cpu_intr_save();
	th->suspend_count++;
	cpu_intr_restore(s);
	return KERN_SUCCESS;
}

kern_return_t thread_resume(struct thread *th)
{
	if (th == NULL)
		return KERN_INVALID_ARGUMENT;
	int s = cpu_intr_save();
	if (th->suspend_count == 0) {
		cpu_intr_restore(s);
		return KERN_FAILURE;
	}
	if (--th->suspend_count == 0)
		thread_wakeup(&th->suspend_count);
	cpu_intr_restore(s);
	return KERN_SUCCESS;
}

kern_return_t thread_abort(struct thread *th)
{
	if (th == NULL)
		return KERN_INVALID_ARGUMENT;
	clear_wait(th, THREAD_INTERRUPTED);
	return KERN_SUCCESS;
}

/* A thread on a run queue stays there at its old priority (the queues
 * are kept by priority); it takes the new one when next it runs. */
void thread_set_priority(struct thread *th, int pri)
{
	int s = cpu_intr_save();

	th->base_priority = pri;
	if (!queue_linked(&th->runq_link))
		th->priority = pri;
	cpu_intr_restore(s);
}

void thread_set_max_priority(struct thread *th, int max)
{
	th->max_priority = max;
	if (th->base_priority < max)
		thread_set_priority(th, max);
}

void thread_ast(void)
{
	struct thread *th = current_thread();

	if (th->priority != th->base_priority) {
		int s = cpu_intr_save();
		th->priority = th->base_priority; /* running: on no queue */
		cpu_intr_restore(s);
	}
	for (;;) {
		if (th->terminating)
			thread_exit();
		if (th->suspend_count == 0 && th->task->suspend_count == 0)
			break;
		assert_wait(&th->suspend_count, 1);
		if (th->suspend_count == 0 && th->task->suspend_count == 0 && !th->terminating)
			clear_wait(th, THREAD_AWAKENED);
		thread_block();
	}
	if (sched_need_resched)
		thread_yield();
}
