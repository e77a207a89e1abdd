/*
 * A task's CPU times so far: task_info's two halves (the threads that
 * have ended, TASK_BASIC_INFO; the live ones, TASK_THREAD_TIMES_INFO)
 * added up, in microseconds.
 */
#include <mach.h>
#include <mach/task_info.h>

static int64_t time_value_us(time_value_t t)
{
	return (int64_t)t.seconds * TIME_MICROS_MAX + t.microseconds;
}

kern_return_t mach_task_times(task_t task, int64_t *user_us, int64_t *sys_us)
{
	struct task_basic_info basic;
	struct task_thread_times_info live;
	mach_msg_type_number_t n = TASK_BASIC_INFO_COUNT, m = TASK_THREAD_TIMES_INFO_COUNT;
	kern_return_t kr = task_info(task, TASK_BASIC_INFO, (task_info_t)&basic, &n);

	if (kr == KERN_SUCCESS)
		kr = task_info(task, TASK_THREAD_TIMES_INFO, (task_info_t)&live, &m);
	if (kr != KERN_SUCCESS)
		return kr;
	*user_us = time_value_us(basic.user_time) + time_value_us(live.user_time);
	*sys_us = time_value_us(basic.system_time) + time_value_us(live.system_time);
	return KERN_SUCCESS;
}
