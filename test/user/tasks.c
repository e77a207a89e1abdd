/*
 * Tasks: task_create without inherited memory gives an empty address
 * space, with it a copy of ours (copy-on-write: later changes stay on
 * their side); suspend/resume counts in task_info; task_threads lists
 * threads; task_terminate ends the task and its port goes dead.
 */
#include "tap.h"
#include "util.h"

#define T mach_task_self()

static int shared_value[1024] __attribute__((aligned(4096))) = { 1234 };

static void test_no_inherit(void)
{
	task_t child;
	if (!is_kr(task_create(T, FALSE, &child), KERN_SUCCESS, "task_create without inherited memory"))
		return;
	vm_offset_t data;
	mach_msg_type_number_t n;
	ok(vm_read(child, (vm_address_t)shared_value, 4096, &data, &n) != KERN_SUCCESS,
	   "its address space is empty (vm_read fails)");
	thread_array_t threads;
	mach_msg_type_number_t nt = 99;
	if (is_kr(task_threads(child, &threads, &nt), KERN_SUCCESS, "task_threads"))
		is(nt, 0, "no threads");
	task_basic_info_data_t info;
	mach_msg_type_number_t ni = TASK_BASIC_INFO_COUNT;
	if (is_kr(task_info(child, TASK_BASIC_INFO, (task_info_t)&info, &ni), KERN_SUCCESS, "task_info"))
		is(info.suspend_count, 0, "not suspended");
	is_kr(task_suspend(child), KERN_SUCCESS, "task_suspend");
	ni = TASK_BASIC_INFO_COUNT;
	if (is_kr(task_info(child, TASK_BASIC_INFO, (task_info_t)&info, &ni), KERN_SUCCESS, "task_info"))
		is(info.suspend_count, 1, "suspend count 1");
	is_kr(task_resume(child), KERN_SUCCESS, "task_resume");
	is_kr(task_resume(child), KERN_FAILURE, "resume again: KERN_FAILURE");
	is_kr(task_terminate(child), KERN_SUCCESS, "task_terminate");
	is(ptype(child), MACH_PORT_TYPE_DEAD_NAME, "our right to its port is a dead name");
	mach_port_deallocate(T, child);
}

static void test_inherit(void)
{
	task_t child;
	shared_value[0] = 5678;
	if (!is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "task_create inheriting memory"))
		return;
	shared_value[0] = 9999;
	vm_offset_t data;
	mach_msg_type_number_t n;
	if (is_kr(vm_read(child, (vm_address_t)shared_value, 4096, &data, &n), KERN_SUCCESS, "vm_read the child")) {
		is(((int *)data)[0], 5678, "it has our memory as it was at task_create");
		vm_deallocate(T, data, n);
	}
	/* GNU Mach's vm_write takes whole pages at page boundaries. */
	static int page[1024] __attribute__((aligned(4096)));
	page[0] = 4321;
	is_kr(vm_write(child, (vm_address_t)shared_value, (vm_offset_t)page, sizeof page), KERN_SUCCESS,
	      "vm_write a page into the child");
	is_kr(vm_write(child, (vm_address_t)shared_value + 4, (vm_offset_t)page, sizeof page), KERN_INVALID_ARGUMENT,
	      "vm_write to an unaligned address: KERN_INVALID_ARGUMENT");
	if (is_kr(vm_read(child, (vm_address_t)shared_value, 4096, &data, &n), KERN_SUCCESS, "read it back")) {
		is(((int *)data)[0], 4321, "the child sees the write");
		vm_deallocate(T, data, n);
	}
	is(shared_value[0], 9999, "ours is unchanged");
	thread_t th;
	thread_array_t threads;
	mach_msg_type_number_t nt;
	is_kr(thread_create(child, &th), KERN_SUCCESS, "a thread in the child");
	if (is_kr(task_threads(child, &threads, &nt), KERN_SUCCESS, "task_threads")) {
		is(nt, 1, "one thread");
		for (unsigned i = 0; i < nt; i++)
			mach_port_deallocate(T, threads[i]);
		vm_deallocate(T, (vm_address_t)threads, nt * sizeof *threads);
	}
	is_kr(task_terminate(child), KERN_SUCCESS, "terminate the child");
	thread_basic_info_data_t info;
	mach_msg_type_number_t ni = THREAD_BASIC_INFO_COUNT;
	ok(thread_info(th, THREAD_BASIC_INFO, (thread_info_t)&info, &ni) != KERN_SUCCESS, "its thread is gone");
	mach_port_deallocate(T, th);
	mach_port_deallocate(T, child);
}

int main(void)
{
	long start = name_count();
	thread_array_t threads;
	mach_msg_type_number_t nt;
	if (is_kr(task_threads(T, &threads, &nt), KERN_SUCCESS, "task_threads of ourselves")) {
		is(nt, 1, "one thread");
		for (unsigned i = 0; i < nt; i++)
			mach_port_deallocate(T, threads[i]);
		vm_deallocate(T, (vm_address_t)threads, nt * sizeof *threads);
	}
	test_no_inherit();
	test_inherit();
	if (!is(name_count(), start, "name count back to the start (%ld)", start))
		diag_names();
	return tap_done();
}
