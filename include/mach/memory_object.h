/* Memory objects: the ports of the external pager protocol, and its constants. */
#ifndef _MACH_MEMORY_OBJECT_H_
#define _MACH_MEMORY_OBJECT_H_

#include <mach/port.h>
#include <mach/message.h>
#include <mach/vm_prot.h>

/* The pager's port for an object (the kernel keeps it as a port too). */
typedef mach_port_t memory_object_t;
typedef memory_object_t *memory_object_array_t;
/* The kernel's port the pager calls (memory_object_data_supply ...). */
typedef mach_port_t memory_object_control_t;
/* Names the object in vm_region's answers. */
typedef mach_port_t memory_object_name_t;

#define MEMORY_OBJECT_NULL MACH_PORT_NULL

/* How the kernel copies an object's memory (memory_object_ready). */
typedef int memory_object_copy_strategy_t;
#define MEMORY_OBJECT_COPY_NONE 0      /* copy now */
#define MEMORY_OBJECT_COPY_CALL 1      /* ask the pager (memory_object_copy) */
#define MEMORY_OBJECT_COPY_DELAY 2     /* copy on write */
#define MEMORY_OBJECT_COPY_TEMPORARY 3 /* like DELAY; nobody else sees it */

/* Which pages lock_request sends back (data_return). */
typedef int memory_object_return_t;
#define MEMORY_OBJECT_RETURN_NONE 0
#define MEMORY_OBJECT_RETURN_DIRTY 1
#define MEMORY_OBJECT_RETURN_ALL 2

/*
 * memory_object_data_request's message (routine 2203), and
 * memory_object_data_unlock's (2204, the same layout), as their MIG stubs
 * lay them out: the kernel builds them in this shape
 * (vm/memory_object.c), and the pager kit decodes data_request in it
 * (libmach/pager).
 */
#define MEMORY_OBJECT_DATA_REQUEST_ID 2203
#define MEMORY_OBJECT_DATA_UNLOCK_ID 2204
struct memory_object_data_request_msg {
	mach_msg_header_t hdr;
	mach_msg_type_t control_type;
	mach_port_t control;
	mach_msg_type_t offset_type;
	vm_offset_t offset;
	mach_msg_type_t length_type;
	vm_size_t length;
	mach_msg_type_t access_type;
	vm_prot_t access;
};

/*
 * memory_object_data_supply's message (routine 2093 of
 * memory_object.defs) as its MIG stub lays it out: the kernel's fast
 * path for one page reads it in this shape (vm/memory_object.c), and the
 * pager kit builds it to send with its next receive (libmach/pager).
 */
#define MEMORY_OBJECT_DATA_SUPPLY_ID 2093
struct memory_object_data_supply_msg {
	mach_msg_header_t hdr;
	mach_msg_type_t offset_type;
	vm_offset_t offset;
	mach_msg_type_long_t data_type;
	vm_offset_t data;
	mach_msg_type_t lock_type;
	vm_prot_t lock_value;
	mach_msg_type_t precious_type;
	boolean_t precious;
	mach_msg_type_t reply_type;
	mach_port_t reply_to;
};

#endif /* _MACH_MEMORY_OBJECT_H_ */
