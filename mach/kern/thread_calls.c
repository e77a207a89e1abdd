/*
 * The thread calls of mach.defs and mach_host.defs, as the kernel's MIG
 * server stubs call them (S_ prefix; the thread port already translated,
 * NULL if it was not a live thread port).  Each checks the whole request
 * first, as GNU Mach does, then acts.
 */
#include <mach/mig_errors.h>
#include <kern/clock.h>
#include <kern/ipc_kobject.h>
#include <kern/processor.h>
#include <kern/sched.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <i386/pcb.h>
#include <ipc/port.h>
#include <mach_server.h>
#include <mach_host_server.h>

kern_return_t S_thread_create(task_t parent_task, thread_t *child_thread)
{
	struct thread *th;

	if (parent_task == NULL || parent_task->map == NULL)
		return KERN_INVALID_ARGUMENT;
	if (!parent_task->active)
		return KERN_FAILURE;
	kern_return_t kr = thread_create(parent_task, &th);
	if (kr != KERN_SUCCESS)
		return kr;
	/* The thread keeps its creation reference until it is reaped; the
	 * reply's send right (convert_thread_to_port) consumes this one. */
	thread_reference(th);
	*child_thread = th;
	return KERN_SUCCESS;
}

/* A thread ending itself still owes its caller the reply: it ends at its
 * next return to user mode instead of here. */
kern_return_t S_thread_terminate(thread_t thread)
{
	if (thread == NULL)
		return KERN_INVALID_ARGUMENT;
	if (thread == current_thread()) {
		thread->terminating = 1;
		return KERN_SUCCESS;
	}
	return thread_terminate(thread);
}

kern_return_t S_thread_suspend(thread_t thread)
{
	return thread_suspend(thread);
}

kern_return_t S_thread_resume(thread_t thread)
{
	return thread_resume(thread);
}

kern_return_t S_thread_abort(thread_t thread)
{
	if (thread == NULL || thread == current_thread())
		return KERN_INVALID_ARGUMENT;
	return thread_abort(thread);
}

/* The state of a running thread is not at rest anywhere: only another
 * thread's may be read or written (as GNU Mach). */
kern_return_t S_thread_get_state(thread_t thread, int flavor, thread_state_t old_state,
				 mach_msg_type_number_t *old_stateCnt)
{
	if (thread == NULL || thread == current_thread())
		return KERN_INVALID_ARGUMENT;
	return thread_getstatus(thread, flavor, old_state, old_stateCnt);
}

kern_return_t S_thread_set_state(thread_t thread, int flavor, const thread_state_t new_state,
				 mach_msg_type_number_t new_stateCnt)
{
	if (thread == NULL || thread == current_thread())
		return KERN_INVALID_ARGUMENT;
	return thread_setstatus(thread, flavor, new_state, new_stateCnt);
}

static time_value_t us_to_time_value(uint64_t us)
{
	time_value_t t = {(integer_t)(us / TIME_MICROS_MAX), (integer_t)(us % TIME_MICROS_MAX)};
	return t;
}

static integer_t thread_run_state(const struct thread *th)
{
	if (th->state & TH_TERMINATED)
		return TH_STATE_HALTED;
	if (th->suspend_count > 0 || th->task->suspend_count > 0)
		return TH_STATE_STOPPED;
	if (th->state & TH_WAIT)
		return (th->state & TH_INTERRUPTIBLE) ? TH_STATE_WAITING : TH_STATE_UNINTERRUPTIBLE;
	return TH_STATE_RUNNING;
}

static void thread_basic_info(struct thread *th, thread_basic_info_t info)
{
	info->user_time = us_to_time_value(th->user_ticks * (1000000 / HZ));
	info->system_time = us_to_time_value(th->system_ticks * (1000000 / HZ));
	info->cpu_usage = 0;
	info->base_priority = th->base_priority;
	info->cur_priority = th->priority;
	info->run_state = thread_run_state(th);
	info->flags = (th->state & TH_IDLE) ? TH_FLAGS_IDLE : 0;
	info->suspend_count = th->suspend_count;
	info->sleep_time = 0;
	info->creation_time = us_to_time_value(th->creation_time_us);
}

static void thread_sched_info(struct thread *th, thread_sched_info_t info)
{
	info->policy = th->policy;
	info->data = th->policy == POLICY_FIXEDPRI ? th->sched_data * (1000 / HZ) : 0;
	info->base_priority = th->base_priority;
	info->max_priority = th->max_priority;
	info->cur_priority = th->priority;
	info->depress_priority = 0; /* never depressed: see S_thread_depress_abort */
	info->last_processor = master_processor.slot_num;
}

kern_return_t S_thread_info(thread_t thread, int flavor, thread_info_t info, mach_msg_type_number_t *count)
{
	if (thread == NULL)
		return KERN_INVALID_ARGUMENT;
	switch (flavor) {
	case THREAD_BASIC_INFO:
		/* Callers that predate creation_time may ask for two words less. */
		if (*count < THREAD_BASIC_INFO_COUNT - 2)
			return KERN_INVALID_ARGUMENT;
		thread_basic_info(thread, (thread_basic_info_t)info);
		if (*count > THREAD_BASIC_INFO_COUNT)
			*count = THREAD_BASIC_INFO_COUNT;
		return KERN_SUCCESS;
	case THREAD_SCHED_INFO:
		if (*count < THREAD_SCHED_INFO_COUNT)
			return KERN_INVALID_ARGUMENT;
		thread_sched_info(thread, (thread_sched_info_t)info);
		*count = THREAD_SCHED_INFO_COUNT;
		return KERN_SUCCESS;
	default:
		return KERN_INVALID_ARGUMENT;
	}
}

static struct ipc_port **thread_special_slot(struct thread *th, int which)
{
	switch (which) {
	case THREAD_KERNEL_PORT:
		return &th->ith_sself;
	case THREAD_EXCEPTION_PORT:
		return &th->ith_exception;
	default:
		return NULL;
	}
}

kern_return_t S_thread_get_special_port(thread_t thread, int which_port, mach_port_t *special_port)
{
	struct ipc_port **slot;

	if (thread == NULL || (slot = thread_special_slot(thread, which_port)) == NULL)
		return KERN_INVALID_ARGUMENT;
	if (thread->ith_self == NULL)
		return KERN_FAILURE;
	struct ipc_port *port = *slot;
	if (which_port == THREAD_KERNEL_PORT && port == NULL)
		port = ipc_port_make_send(thread->ith_self);
	else
		port = ipc_port_copy_send(port);
	*special_port = (mach_port_t)(uintptr_t)port;
	return KERN_SUCCESS;
}

kern_return_t S_thread_set_special_port(thread_t thread, int which_port, mach_port_t special_port)
{
	struct ipc_port **slot;

	if (thread == NULL || (slot = thread_special_slot(thread, which_port)) == NULL)
		return KERN_INVALID_ARGUMENT;
	if (thread->ith_self == NULL)
		return KERN_FAILURE;
	struct ipc_port *old = *slot;
	*slot = (struct ipc_port *)(uintptr_t)special_port;
	if (IP_VALID(old))
		ipc_port_release_send(old);
	return KERN_SUCCESS;
}

/* ---- scheduling (mach_host.defs) ---- */

static int invalid_pri(int pri)
{
	return pri < 0 || pri >= NRQS;
}

kern_return_t S_thread_priority(thread_t thread, int priority, boolean_t set_max)
{
	if (thread == NULL || invalid_pri(priority))
		return KERN_INVALID_ARGUMENT;
	if (priority < thread->max_priority)
		return KERN_FAILURE; /* better than it may have */
	thread_set_priority(thread, priority);
	if (set_max)
		thread->max_priority = priority;
	return KERN_SUCCESS;
}

kern_return_t S_thread_max_priority(thread_t thread, processor_set_t processor_set, int max_priority)
{
	if (thread == NULL || processor_set == NULL || invalid_pri(max_priority))
		return KERN_INVALID_ARGUMENT;
	if (processor_set != &default_pset)
		return KERN_FAILURE;
	thread_set_max_priority(thread, max_priority);
	return KERN_SUCCESS;
}

kern_return_t S_task_priority(task_t task, int priority, boolean_t change_threads)
{
	struct thread *th;
	kern_return_t kr = KERN_SUCCESS;

	if (task == NULL || invalid_pri(priority))
		return KERN_INVALID_ARGUMENT;
	task->priority = priority;
	if (!change_threads)
		return KERN_SUCCESS;
	queue_iterate(&task->threads, th, struct thread, task_link)
	{
		if (th->ith_self != NULL && S_thread_priority(th, priority, FALSE) != KERN_SUCCESS)
			kr = KERN_FAILURE;
	}
	return kr;
}

kern_return_t S_thread_policy(thread_t thread, int policy, int data)
{
	if (thread == NULL || invalid_policy(policy))
		return KERN_INVALID_ARGUMENT;
	if (!(default_pset.policies & policy))
		return KERN_FAILURE;
	thread->policy = policy;
	thread->sched_data = 0;
	if (policy == POLICY_FIXEDPRI) {
		/* data is a quantum in milliseconds; kept in ticks, rounded up. */
		int ms_per_tick = 1000 / HZ;
		thread->sched_data = data > 0 ? (data + ms_per_tick - 1) / ms_per_tick : 0;
	}
	return KERN_SUCCESS;
}

/* No call depresses a thread's priority yet (thread_switch with
 * SWITCH_OPTION_DEPRESS would), so there is never one to abort. */
kern_return_t S_thread_depress_abort(thread_t thread)
{
	return thread == NULL ? KERN_INVALID_ARGUMENT : KERN_SUCCESS;
}

kern_return_t S_thread_wire(host_t host_priv, thread_t thread, boolean_t wired)
{
	if (host_priv == NULL || thread == NULL)
		return KERN_INVALID_ARGUMENT;
	thread->vm_privilege = wired != 0;
	return KERN_SUCCESS;
}
