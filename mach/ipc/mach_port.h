/* The mach_port interface (mach_port.defs, subsystem 3200), as the kernel
 * implements it.  Spaces and ports are kernel pointers here; the MIG
 * server stubs translate. */
#ifndef IPC_MACH_PORT_H
#define IPC_MACH_PORT_H
#include <mach/port.h>
#include <mach/message.h>
#include <ipc/space.h>

kern_return_t mach_port_type(struct ipc_space *space, mach_port_t name, mach_port_type_t *ptype);
kern_return_t mach_port_allocate(struct ipc_space *space, mach_port_right_t right, mach_port_t *name);
kern_return_t mach_port_allocate_name(struct ipc_space *space, mach_port_right_t right, mach_port_t name);
kern_return_t mach_port_deallocate(struct ipc_space *space, mach_port_t name);
kern_return_t mach_port_destroy(struct ipc_space *space, mach_port_t name);
kern_return_t mach_port_rename(struct ipc_space *space, mach_port_t old_name, mach_port_t new_name);
kern_return_t mach_port_get_refs(struct ipc_space *space, mach_port_t name, mach_port_right_t right,
				 mach_port_urefs_t *refs);
kern_return_t mach_port_mod_refs(struct ipc_space *space, mach_port_t name, mach_port_right_t right,
				 mach_port_delta_t delta);
kern_return_t mach_port_get_receive_status(struct ipc_space *space, mach_port_t name, mach_port_status_t *status);
kern_return_t mach_port_set_qlimit(struct ipc_space *space, mach_port_t name, mach_port_msgcount_t qlimit);
kern_return_t mach_port_set_mscount(struct ipc_space *space, mach_port_t name, mach_port_mscount_t mscount);
kern_return_t mach_port_set_seqno(struct ipc_space *space, mach_port_t name, mach_port_seqno_t seqno);
kern_return_t mach_port_move_member(struct ipc_space *space, mach_port_t member, mach_port_t after);
/* Ports passed in and out here are in kernel form: a struct ipc_port
 * pointer carried in a mach_port_t. */
kern_return_t mach_port_request_notification(struct ipc_space *space, mach_port_t name, mach_msg_id_t id,
					     mach_port_mscount_t sync, mach_port_t notify, mach_port_t *previous);
kern_return_t mach_port_insert_right(struct ipc_space *space, mach_port_t name, mach_port_t port,
				     mach_msg_type_name_t type);
kern_return_t mach_port_extract_right(struct ipc_space *space, mach_port_t name, mach_msg_type_name_t disp,
				      mach_port_t *port, mach_msg_type_name_t *type);
kern_return_t mach_port_names(struct ipc_space *space, mach_port_t **names, mach_msg_type_number_t *names_count,
			      mach_port_type_t **types, mach_msg_type_number_t *types_count);
kern_return_t mach_port_get_set_status(struct ipc_space *space, mach_port_t name, mach_port_t **members,
				       mach_msg_type_number_t *count);
kern_return_t mach_port_set_protected_payload(struct ipc_space *space, mach_port_t name, unsigned long payload);
kern_return_t mach_port_clear_protected_payload(struct ipc_space *space, mach_port_t name);
/* All names in the space and their types, in name order; *count in,
 * capacity; out, how many (may exceed capacity: then call again). */
kern_return_t mach_port_names_fill(struct ipc_space *space, mach_port_t *names, mach_port_type_t *types,
				   unsigned *count);
#endif
