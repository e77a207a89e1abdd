/*
 * The C types of mach_types.defs: everything the generated stubs of
 * the kernel interfaces need, for user space and for the kernel.
 *
 * In user space every kernel object is a port name (mach_port_t).  In
 * the kernel (MACH_KERNEL), the objects the server stubs translate
 * ports into are pointers to the kernel's structures, declared here
 * only as incomplete types, so this header needs nothing of the
 * kernel's; the kernel defines the structures and, in
 * <kern/ipc_kobject.h>, the conversion functions (include/README).
 *
 * Freestanding: only <stdint.h> (through the headers below).
 */
#ifndef _MACH_MACH_TYPES_H_
#define _MACH_MACH_TYPES_H_

#include <mach/std_types.h>
#include <mach/host_info.h>
#include <mach/memory_object.h>
#include <mach/port.h>
#include <mach/processor_info.h>
#include <mach/task_info.h>
#include <mach/task_special_ports.h>
#include <mach/thread_info.h>
#include <mach/thread_special_ports.h>
#include <mach/thread_status.h>
#include <mach/time_value.h>
#include <mach/vm_inherit.h>
#include <mach/vm_prot.h>
#include <mach/vm_statistics.h>

#ifdef MACH_KERNEL
typedef struct task *task_t;
typedef struct thread *thread_t;
typedef struct vm_map *vm_map_t;
typedef struct ipc_space *ipc_space_t;
typedef struct ipc_port *ipc_port_t;
typedef struct vm_object *vm_object_t;
typedef struct host *host_t;
typedef struct processor *processor_t;
typedef struct processor_set *processor_set_t;
#else
typedef mach_port_t task_t;
typedef mach_port_t thread_t;
typedef mach_port_t vm_task_t;
typedef mach_port_t ipc_space_t;
typedef mach_port_t host_t;
typedef mach_port_t host_priv_t;
typedef mach_port_t processor_t;
typedef mach_port_t processor_set_t;
typedef mach_port_t processor_set_name_t;
#endif

/* Out arrays of objects travel as arrays of ports either way. */
typedef mach_port_t *task_array_t;
typedef mach_port_t *thread_array_t;
typedef mach_port_t *processor_array_t;
typedef mach_port_t *processor_set_array_t;
typedef mach_port_t *processor_set_name_array_t;

/* System call redirection (task_set_emulation_vector). */
typedef vm_offset_t *emulation_vector_t;

/* vm_machine_attribute, vm_msync, vm_wire_all. */
typedef unsigned int vm_machine_attribute_t;
typedef int vm_machine_attribute_val_t;
#define MATTR_CACHE 1          /* attribute: cachability */
#define MATTR_VAL_OFF 0
#define MATTR_VAL_ON 1
#define MATTR_VAL_GET 2
#define MATTR_VAL_CACHE_FLUSH 6
typedef int vm_sync_t;
#define VM_SYNC_ASYNCHRONOUS ((vm_sync_t)0x01)
#define VM_SYNC_SYNCHRONOUS ((vm_sync_t)0x02)
#define VM_SYNC_INVALIDATE ((vm_sync_t)0x04)
typedef int vm_wire_t;
#define VM_WIRE_NONE 0
#define VM_WIRE_CURRENT 1
#define VM_WIRE_FUTURE 2
#define VM_WIRE_ALL (VM_WIRE_CURRENT | VM_WIRE_FUTURE)

/* task_set_name (gnumach.defs). */
#define KERNEL_DEBUG_NAME_MAX 64
typedef char kernel_debug_name_t[KERNEL_DEBUG_NAME_MAX];
typedef const char *const_kernel_debug_name_t;

/* The word-sized types as they travel on i386 (mach4.defs' arrays). */
typedef vm_offset_t *rpc_vm_offset_array_t;
typedef vm_size_t *rpc_vm_size_array_t;

#endif /* _MACH_MACH_TYPES_H_ */
