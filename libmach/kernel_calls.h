/*
 * The kernel RPCs libmach itself calls, with GNU Mach's prototypes (as
 * MIG generates them from mach.defs and mach_port.defs).  Provisional:
 * the MIG user stubs and headers arrive once the .defs files in include/mach exist;
 * then this file shrinks to including those headers, and the compiler
 * checks these declarations against the generated ones meanwhile (an
 * identical redeclaration is legal C).
 */
#ifndef _LIBMACH_KERNEL_CALLS_H_
#define _LIBMACH_KERNEL_CALLS_H_

#include <mach/kern_return.h>
#include <mach/message.h>
#include <mach/port.h>

#if __has_include(<mach/mach_types.h>)
#include <mach/mach_types.h>
#endif
#if __has_include(<mach/machine/thread_status.h>)
#include <mach/machine/thread_status.h>
#endif

/* Port names as the interfaces call them (GNU Mach <mach/mach_types.h>). */
typedef mach_port_t task_t;
typedef mach_port_t thread_t;
typedef mach_port_t vm_task_t;
typedef mach_port_t ipc_space_t;
typedef natural_t *thread_state_t;
typedef vm_offset_t vm_address_t;

#ifndef i386_THREAD_STATE
/* The i386 thread state, flavor 1, 17 words (GNU Mach <mach/machine/thread_status.h>). */
#define i386_THREAD_STATE 1
struct i386_thread_state {
	unsigned int gs, fs, es, ds;
	unsigned int edi, esi, ebp, esp;
	unsigned int ebx, edx, ecx, eax;
	unsigned int eip, cs, efl, uesp, ss;
};
#define i386_THREAD_STATE_COUNT (sizeof(struct i386_thread_state) / sizeof(unsigned int))
#endif

/* mach.defs */
extern kern_return_t task_terminate(task_t target_task);
extern kern_return_t thread_terminate(thread_t target_thread);
extern kern_return_t thread_set_state(thread_t target_thread, int flavor, thread_state_t new_state,
				      mach_msg_type_number_t new_stateCnt);
extern kern_return_t thread_resume(thread_t target_thread);
extern kern_return_t thread_create(task_t parent_task, thread_t *child_thread);
extern kern_return_t vm_allocate(vm_task_t target_task, vm_address_t *address, vm_size_t size,
				 boolean_t anywhere);
extern kern_return_t vm_deallocate(vm_task_t target_task, vm_address_t address, vm_size_t size);

/* mach_port.defs */
extern kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_t name);
extern kern_return_t mach_port_destroy(ipc_space_t task, mach_port_t name);
extern kern_return_t mach_port_mod_refs(ipc_space_t task, mach_port_t name, mach_port_right_t right,
					mach_port_delta_t delta);

#endif /* _LIBMACH_KERNEL_CALLS_H_ */
