/*
 * The Mach traps, as user code calls them.  Each is a stub in
 * libmach/traps.S that enters the kernel GNU Mach's i386 way
 * (movl $-N,%eax; lcall $7,$0) with its arguments left on the user stack;
 * the kernel reads them from above the return address.  Numbers and
 * argument lists are GNU Mach's (see ../../shared/gnumach-abi.md).
 */
#ifndef _MACH_TRAPS_H_
#define _MACH_TRAPS_H_

#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/message.h>
#include <mach/port.h>

/* As GNU Mach's <mach/vm_prot.h> and <mach/vm_inherit.h> have them. */
typedef int vm_prot_t;
typedef int vm_inherit_t;

/* thread_switch options (GNU Mach <mach/thread_switch.h>). */
#ifndef SWITCH_OPTION_NONE
#define SWITCH_OPTION_NONE 0
#define SWITCH_OPTION_DEPRESS 1 /* run at lowest priority until option_time passes */
#define SWITCH_OPTION_WAIT 2    /* block for option_time milliseconds */
#endif

/* 25: mach_msg_trap is declared by <mach/message.h>. */
extern mach_port_t mach_reply_port(void);        /* 26 */
extern mach_port_t mach_thread_self(void);       /* 27 */
extern mach_port_t mach_task_self(void);         /* 28 */
extern mach_port_t mach_host_self(void);         /* 29 */
/* 30: print a NUL-terminated string on the kernel console (debugging). */
extern void mach_print(const char *s);

extern boolean_t swtch_pri(int pri);              /* 59 */
extern boolean_t swtch(void);                     /* 60 */
extern kern_return_t thread_switch(mach_port_name_t thread, int option,
				   mach_msg_timeout_t option_time); /* 61 */

/*
 * Trap versions of common kernel RPCs (64..75): they act on the calling
 * task's own space only, and are much cheaper than the MIG stubs.
 */
extern kern_return_t syscall_vm_map(mach_port_name_t target_map, vm_offset_t *address, vm_size_t size,
				    vm_offset_t mask, boolean_t anywhere, mach_port_name_t memory_object,
				    vm_offset_t offset, boolean_t copy, vm_prot_t cur_protection,
				    vm_prot_t max_protection, vm_inherit_t inheritance); /* 64 */
extern kern_return_t syscall_vm_allocate(mach_port_name_t target_map, vm_offset_t *address, vm_size_t size,
					 boolean_t anywhere); /* 65 */
extern kern_return_t syscall_vm_deallocate(mach_port_name_t target_map, vm_offset_t start,
					   vm_size_t size); /* 66 */
extern kern_return_t syscall_task_create(mach_port_name_t parent_task, boolean_t inherit_memory,
					 mach_port_name_t *child_task); /* 68 */
extern kern_return_t syscall_task_terminate(mach_port_name_t task);  /* 69 */
extern kern_return_t syscall_task_suspend(mach_port_name_t task);    /* 70 */
extern kern_return_t syscall_task_set_special_port(mach_port_name_t task, int which_port,
						   mach_port_name_t port_name); /* 71 */
extern kern_return_t syscall_mach_port_allocate(mach_port_name_t task, mach_port_right_t right,
						mach_port_name_t *name); /* 72 */
extern kern_return_t syscall_mach_port_deallocate(mach_port_name_t task, mach_port_name_t name); /* 73 */
extern kern_return_t syscall_mach_port_insert_right(mach_port_name_t task, mach_port_name_t name,
						    mach_port_name_t right,
						    mach_msg_type_name_t right_type); /* 74 */
extern kern_return_t syscall_mach_port_allocate_name(mach_port_name_t task, mach_port_right_t right,
						     mach_port_name_t name); /* 75 */

#endif /* _MACH_TRAPS_H_ */
