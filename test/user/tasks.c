/*
 * Tasks: task_create without inherited memory gives an empty address
 * space, with it a copy of ours (copy-on-write: later changes stay on
 * their side) and regions we share with it (VM_INHERIT_SHARE: changes
 * show on both sides); vm_read, vm_write and vm_copy on its map; suspend/resume counts in task_info; task_threads lists
 * threads; task_terminate ends the task, its port goes dead and its
 * memory is freed at once.
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

/* VM_INHERIT_SHARE: parent and child see one memory (each the other's
 * writes); vm_copy works on another task's map. */
static void test_share_and_copy(void)
{
	task_t child;
	vm_address_t sh = 0;
	vm_offset_t data;
	mach_msg_type_number_t n;
	static int page[1024] __attribute__((aligned(4096)));

	vm_allocate(T, &sh, 2 * 4096, TRUE);
	volatile int *v = (volatile int *)sh;
	v[0] = 1;
	vm_inherit(T, sh, 2 * 4096, VM_INHERIT_SHARE);
	if (!is_kr(task_create(T, TRUE, &child), KERN_SUCCESS, "a child sharing a region"))
		return;
	v[0] = 2; /* after task_create: the child sees it too */
	if (is_kr(vm_read(child, sh, 4096, &data, &n), KERN_SUCCESS, "vm_read the child's shared page")) {
		is(((int *)data)[0], 2, "it sees our later write");
		vm_deallocate(T, data, n);
	}
	page[0] = 3;
	is_kr(vm_write(child, sh + 4096, (vm_offset_t)page, sizeof page), KERN_SUCCESS, "vm_write into the child");
	is(v[1024], 3, "we see the child's page change");
	is_kr(vm_copy(child, sh + 4096, 4096, sh), KERN_SUCCESS, "vm_copy within the child");
	is(v[0], 3, "and that too");
	is_kr(vm_copy(child, sh, 4096, 0x7ff00000), KERN_INVALID_ADDRESS, "vm_copy to unmapped memory: KERN_INVALID_ADDRESS");
	task_terminate(child);
	mach_port_deallocate(T, child);
	vm_deallocate(T, sh, 2 * 4096);
}

/* task_terminate gives the task's memory back at once, not when its
 * threads have been reaped (here one never ran). */
static void test_terminate_frees_memory(void)
{
	enum { PAGES = 256 };
	task_t child;
	thread_t th;
	vm_address_t buf = 0, a = 0;
	vm_statistics_data_t before, after;

	if (!is_kr(task_create(T, FALSE, &child), KERN_SUCCESS, "a child") ||
	    !is_kr(vm_allocate(T, &buf, PAGES * 4096, TRUE), KERN_SUCCESS, "a buffer"))
		return;
	for (unsigned i = 0; i < PAGES; i++)
		((volatile int *)buf)[i * 1024] = (int)i;
	is_kr(vm_allocate(child, &a, PAGES * 4096, TRUE), KERN_SUCCESS, "memory in the child");
	is_kr(vm_write(child, a, buf, PAGES * 4096), KERN_SUCCESS, "its pages written");
	is_kr(thread_create(child, &th), KERN_SUCCESS, "a thread in the child that never runs");
	vm_statistics(T, &before);
	is_kr(task_terminate(child), KERN_SUCCESS, "terminate the child");
	vm_statistics(T, &after);
	cmp_ok(after.free_count - before.free_count, ">=", PAGES, "its pages are free right away");
	mach_port_deallocate(T, th);
	mach_port_deallocate(T, child);
	vm_deallocate(T, buf, PAGES * 4096);
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
	test_share_and_copy();
	test_terminate_frees_memory();
	if (!is(name_count(), start, "name count back to the start (%ld)", start))
		diag_names();
	return tap_done();
}
