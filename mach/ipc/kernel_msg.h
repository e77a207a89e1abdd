#ifndef IPC_KERNEL_MSG_H
#define IPC_KERNEL_MSG_H
#include <mach/message.h>

/* What KernelUser MIG stubs call (see ipc/kernel_msg.c). */
mach_msg_return_t mach_msg_send_from_kernel(mach_msg_header_t *msg, mach_msg_size_t send_size);
mach_msg_return_t mach_msg_rpc_from_kernel(mach_msg_header_t *msg, mach_msg_size_t send_size,
					   mach_msg_size_t rcv_size);
#endif
