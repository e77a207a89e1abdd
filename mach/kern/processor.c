/*
 * The processor and the default processor set (processor.h), and the
 * mach_host calls about them.  As in GNU Mach built without MACH_HOST,
 * there is one set: new sets cannot be made and nothing can be assigned
 * elsewhere (KERN_FAILURE), but the set's information, members and
 * scheduling limits are real.
 */
#include <mach/mig_errors.h>
#include <kern/debug.h>
#include <kern/host.h>
#include <kern/ipc_kobject.h>
#include <kern/processor.h>
#include <kern/sched.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/port.h>
#include <mach_host_server.h>

struct processor_set default_pset;
struct processor master_processor;

static void pset_init(struct processor_set *pset)
{
	if (pset->tasks.next == NULL)
		queue_init(&pset->tasks);
}

void processor_bootstrap(void)
{
	pset_init(&default_pset);
	default_pset.active = 1;
	default_pset.max_priority = BASEPRI_USER;
	default_pset.policies = POLICY_TIMESHARE;
	default_pset.pset_self = ipc_kobject_port_alloc(IKOT_PSET, &default_pset);
	default_pset.pset_name_self = ipc_kobject_port_alloc(IKOT_PSET_NAME, &default_pset);
	master_processor.processor_set = &default_pset;
	master_processor.slot_num = 0;
	master_processor.processor_self = ipc_kobject_port_alloc(IKOT_PROCESSOR, &master_processor);
	if (default_pset.pset_self == NULL || default_pset.pset_name_self == NULL ||
	    master_processor.processor_self == NULL)
		panic("processor_bootstrap: no memory for the processor ports");
}

void pset_add_task(struct processor_set *pset, struct task *task)
{
	pset_init(pset);
	task->processor_set = pset;
	queue_enter_tail(&pset->tasks, &task->pset_link);
	pset->task_count++;
}

void pset_remove_task(struct processor_set *pset, struct task *task)
{
	if (pset == NULL || !queue_linked(&task->pset_link))
		return;
	queue_remove_entry(&task->pset_link);
	task->pset_link.next = task->pset_link.prev = NULL;
	pset->task_count--;
}

unsigned pset_thread_count(struct processor_set *pset)
{
	struct task *t;
	struct thread *th;
	unsigned n = 0;

	queue_iterate(&pset->tasks, t, struct task, pset_link)
	{
		queue_iterate(&t->threads, th, struct thread, task_link)
		{
			if (th->ith_self != NULL)
				n++;
		}
	}
	return n;
}

/* ---- processors ---- */

kern_return_t S_host_processors(host_t host_priv, processor_array_t *list, mach_msg_type_number_t *count)
{
	struct ipc_port **ports;

	if (host_priv == NULL)
		return KERN_INVALID_ARGUMENT;
	ports = kobject_port_array_alloc(1);
	if (ports == NULL)
		return KERN_RESOURCE_SHORTAGE;
	ports[0] = ipc_port_make_send(master_processor.processor_self);
	*list = (processor_array_t)ports;
	*count = 1;
	return KERN_SUCCESS;
}

/* The one processor is running and may not leave: there would be none. */
kern_return_t S_processor_start(processor_t processor)
{
	return processor == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t S_processor_exit(processor_t processor)
{
	return processor == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

/* No machine-dependent processor commands exist on i386 (GNU: cpu_control). */
kern_return_t S_processor_control(processor_t processor, const processor_info_t cmd, mach_msg_type_number_t count)
{
	(void)cmd;
	(void)count;
	return processor == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t S_processor_info(processor_t processor, int flavor, host_t *host, processor_info_t info,
			       mach_msg_type_number_t *count)
{
	if (processor == NULL)
		return KERN_INVALID_ARGUMENT;
	if (flavor != PROCESSOR_BASIC_INFO || *count < PROCESSOR_BASIC_INFO_COUNT)
		return KERN_FAILURE;
	processor_basic_info_t basic = (processor_basic_info_t)info;
	basic->cpu_type = CPU_TYPE_I386;
	basic->cpu_subtype = CPU_SUBTYPE_AT386;
	basic->running = 1;
	basic->slot_num = processor->slot_num;
	basic->is_master = processor == &master_processor;
	*count = PROCESSOR_BASIC_INFO_COUNT;
	*host = &realhost;
	return KERN_SUCCESS;
}

kern_return_t S_processor_assign(processor_t processor, processor_set_t new_set, boolean_t wait)
{
	(void)wait;
	if (processor == NULL || new_set == NULL)
		return KERN_INVALID_ARGUMENT;
	return KERN_FAILURE;
}

kern_return_t S_processor_get_assignment(processor_t processor, processor_set_t *assigned_set)
{
	if (processor == NULL)
		return KERN_INVALID_ARGUMENT;
	*assigned_set = processor->processor_set;
	return KERN_SUCCESS;
}

/* ---- processor sets ---- */

kern_return_t S_processor_set_default(host_t host, processor_set_t *default_set)
{
	if (host == NULL)
		return KERN_INVALID_ARGUMENT;
	*default_set = &default_pset;
	return KERN_SUCCESS;
}

kern_return_t S_processor_set_create(host_t host, processor_set_t *new_set, processor_set_t *new_name)
{
	(void)new_set;
	(void)new_name;
	return host == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t S_processor_set_destroy(processor_set_t set)
{
	return set == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t S_host_processor_sets(host_t host, processor_set_name_array_t *sets, mach_msg_type_number_t *count)
{
	struct ipc_port **ports;

	if (host == NULL)
		return KERN_INVALID_ARGUMENT;
	ports = kobject_port_array_alloc(1);
	if (ports == NULL)
		return KERN_RESOURCE_SHORTAGE;
	ports[0] = ipc_port_make_send(default_pset.pset_name_self);
	*sets = (processor_set_name_array_t)ports;
	*count = 1;
	return KERN_SUCCESS;
}

kern_return_t S_host_processor_set_priv(host_t host_priv, processor_set_t set_name, processor_set_t *set)
{
	if (host_priv == NULL || set_name == NULL)
		return KERN_INVALID_ARGUMENT;
	*set = set_name;
	return KERN_SUCCESS;
}

kern_return_t S_processor_set_info(processor_set_t set, int flavor, host_t *host, processor_set_info_t info,
				   mach_msg_type_number_t *count)
{
	if (set == NULL)
		return KERN_INVALID_ARGUMENT;
	if (flavor == PROCESSOR_SET_BASIC_INFO) {
		if (*count < PROCESSOR_SET_BASIC_INFO_COUNT)
			return KERN_FAILURE;
		processor_set_basic_info_t basic = (processor_set_basic_info_t)info;
		basic->processor_count = 1;
		basic->task_count = set->task_count;
		basic->thread_count = pset_thread_count(set);
		basic->load_average = 0;
		basic->mach_factor = LOAD_SCALE;
		*count = PROCESSOR_SET_BASIC_INFO_COUNT;
	} else if (flavor == PROCESSOR_SET_SCHED_INFO) {
		if (*count < PROCESSOR_SET_SCHED_INFO_COUNT)
			return KERN_FAILURE;
		processor_set_sched_info_t sched = (processor_set_sched_info_t)info;
		sched->policies = set->policies;
		sched->max_priority = set->max_priority;
		*count = PROCESSOR_SET_SCHED_INFO_COUNT;
	} else {
		return KERN_INVALID_ARGUMENT;
	}
	*host = &realhost;
	return KERN_SUCCESS;
}

/* Whether a task or thread shows in the set's lists: those with a port. */
static int task_listed(const struct task *t)
{
	return t->active && t->itk_self != NULL;
}

kern_return_t S_processor_set_tasks(processor_set_t set, task_array_t *list, mach_msg_type_number_t *count)
{
	struct task *t;
	unsigned n = 0, i = 0;

	if (set == NULL)
		return KERN_INVALID_ARGUMENT;
	if (!set->active)
		return KERN_FAILURE;
	queue_iterate(&set->tasks, t, struct task, pset_link)
	{
		n += task_listed(t);
	}
	struct ipc_port **ports = kobject_port_array_alloc(n);
	if (ports == NULL)
		return KERN_RESOURCE_SHORTAGE;
	queue_iterate(&set->tasks, t, struct task, pset_link)
	{
		if (task_listed(t))
			ports[i++] = ipc_port_make_send(t->itk_self);
	}
	*list = (task_array_t)ports;
	*count = n;
	return KERN_SUCCESS;
}

kern_return_t S_processor_set_threads(processor_set_t set, thread_array_t *list, mach_msg_type_number_t *count)
{
	struct task *t;
	struct thread *th;
	unsigned n, i = 0;

	if (set == NULL)
		return KERN_INVALID_ARGUMENT;
	if (!set->active)
		return KERN_FAILURE;
	n = pset_thread_count(set);
	struct ipc_port **ports = kobject_port_array_alloc(n);
	if (ports == NULL)
		return KERN_RESOURCE_SHORTAGE;
	queue_iterate(&set->tasks, t, struct task, pset_link)
	{
		queue_iterate(&t->threads, th, struct thread, task_link)
		{
			if (th->ith_self != NULL)
				ports[i++] = ipc_port_make_send(th->ith_self);
		}
	}
	*list = (thread_array_t)ports;
	*count = n;
	return KERN_SUCCESS;
}

static int invalid_pri(int pri)
{
	return pri < 0 || pri >= NRQS;
}

kern_return_t S_processor_set_max_priority(processor_set_t set, int max_priority, boolean_t change_threads)
{
	struct task *t;
	struct thread *th;

	if (set == NULL || invalid_pri(max_priority))
		return KERN_INVALID_ARGUMENT;
	set->max_priority = max_priority;
	if (!change_threads)
		return KERN_SUCCESS;
	queue_iterate(&set->tasks, t, struct task, pset_link)
	{
		queue_iterate(&t->threads, th, struct thread, task_link)
		{
			if (th->ith_self != NULL && th->max_priority < max_priority)
				thread_set_max_priority(th, max_priority);
		}
	}
	return KERN_SUCCESS;
}

kern_return_t S_processor_set_policy_enable(processor_set_t set, int policy)
{
	if (set == NULL || invalid_policy(policy))
		return KERN_INVALID_ARGUMENT;
	set->policies |= policy;
	return KERN_SUCCESS;
}

kern_return_t S_processor_set_policy_disable(processor_set_t set, int policy, boolean_t change_threads)
{
	struct task *t;
	struct thread *th;

	if (set == NULL || policy == POLICY_TIMESHARE || invalid_policy(policy))
		return KERN_INVALID_ARGUMENT;
	set->policies &= ~policy;
	if (!change_threads)
		return KERN_SUCCESS;
	queue_iterate(&set->tasks, t, struct task, pset_link)
	{
		queue_iterate(&t->threads, th, struct thread, task_link)
		{
			if (th->policy == policy) {
				th->policy = POLICY_TIMESHARE;
				th->sched_data = 0;
			}
		}
	}
	return KERN_SUCCESS;
}

/* ---- assignment of tasks and threads (one set: nothing moves) ---- */

kern_return_t S_task_assign(task_t task, processor_set_t new_set, boolean_t assign_threads)
{
	(void)assign_threads;
	if (task == NULL || new_set == NULL)
		return KERN_INVALID_ARGUMENT;
	return KERN_FAILURE;
}

kern_return_t S_task_assign_default(task_t task, boolean_t assign_threads)
{
	(void)assign_threads;
	return task == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t S_task_get_assignment(task_t task, processor_set_t *assigned_set)
{
	if (task == NULL)
		return KERN_INVALID_ARGUMENT;
	if (!task->active)
		return KERN_FAILURE;
	*assigned_set = task->processor_set;
	return KERN_SUCCESS;
}

kern_return_t S_thread_assign(thread_t thread, processor_set_t new_set)
{
	if (thread == NULL || new_set == NULL)
		return KERN_INVALID_ARGUMENT;
	return KERN_FAILURE;
}

kern_return_t S_thread_assign_default(thread_t thread)
{
	return thread == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t S_thread_get_assignment(thread_t thread, processor_set_t *assigned_set)
{
	if (thread == NULL)
		return KERN_INVALID_ARGUMENT;
	*assigned_set = &default_pset;
	return KERN_SUCCESS;
}
