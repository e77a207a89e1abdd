/*
 * libmach, the Ernst user runtime: everything a task needs to talk to the
 * kernel (traps, mach_msg, server loops and the kernel RPCs).
 */
#ifndef _MACH_H_
#define _MACH_H_

#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/mig_support.h>
#include <mach/port.h>
#include <mach/mach_types.h>
#include <mach_init.h>
#include <mach_traps.h>

/*
 * The MIG user stubs of the kernel interfaces, generated at build time
 * (libmach/mig_gen.sh) under GNU's names: tasks, threads and VM
 * (mach.defs), port names and rights (mach_port.defs), the host
 * (mach_host.defs).  Others are included by name: <mach/exc.h>,
 * <mach/mach4.h>, <mach/gnumach.h>, <device/device.h>, and the server
 * sides <mach/exc_server.h>, <mach/notify_server.h>...
 */
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/mach_host.h>

/* A server's demultiplexer, as MIG generates it: TRUE if it knew the id. */
typedef boolean_t (*mach_msg_demux_t)(mach_msg_header_t *request, mach_msg_header_t *reply);

/*
 * Serve requests arriving on rcv_name forever: receive, demux, reply
 * (sending the reply and receiving the next request in one mach_msg).
 * max_size bounds a request and a reply.  Returns only on an error of
 * mach_msg, which it returns.
 */
extern mach_msg_return_t mach_msg_server(mach_msg_demux_t demux, mach_msg_size_t max_size,
					 mach_port_t rcv_name);
/*
 * The same, with extra mach_msg options (MACH_RCV_TIMEOUT,
 * MACH_RCV_INTERRUPT...) and a timeout for every receive; returns
 * MACH_RCV_TIMED_OUT when no request came in time.
 */
extern mach_msg_return_t mach_msg_server_timeout(mach_msg_demux_t demux, mach_msg_size_t max_size,
						 mach_port_t rcv_name, mach_msg_option_t options,
						 mach_msg_timeout_t timeout);
/* Receive and serve exactly one request, then return. */
extern mach_msg_return_t mach_msg_server_once(mach_msg_demux_t demux, mach_msg_size_t max_size,
					      mach_port_t rcv_name, mach_msg_option_t options,
					      mach_msg_timeout_t timeout);

/*
 * Release every port right and out-of-line region a received message
 * carries (for a request a server will not answer, or an unexpected one).
 */
extern void mach_msg_destroy(mach_msg_header_t *msg);

/*
 * vm_region, answering only the region at or after *addr (its start in
 * *addr, its size) and its current protection; the name of its memory
 * object is not kept.  KERN_NO_SPACE when no region follows *addr.
 */
extern kern_return_t mach_vm_region_prot(task_t task, vm_address_t *addr, vm_size_t *size, vm_prot_t *prot);

/* The CPU times task's threads have used so far, ended and live ones, in
 * microseconds (task_info's TASK_BASIC_INFO and TASK_THREAD_TIMES_INFO). */
extern kern_return_t mach_task_times(task_t task, int64_t *user_us, int64_t *sys_us);

#endif /* _MACH_H_ */
