/*
 * The pipe service (pipe.defs): pipes whose ends are open files of the
 * open-file layer (unix_server/io/unixio.h).  Capacity IO_PIPE_SIZE
 * (64 KiB, Linux's), writes of up to IO_PIPE_BUF atomic.
 */
#ifndef _UNIX_SERVER_UNIXPIPE_H_
#define _UNIX_SERVER_UNIXPIPE_H_

#include <mach.h>

#define IO_PIPE_SIZE 65536

/*
 * Set up the service after unixio_init: *service is a receive right (in
 * the layer's port set) that pipe_create is sent to; hand out send
 * rights to it.  Registers pipe.defs with unixio_demux.
 */
kern_return_t unixpipe_init(mach_port_t *service);

#endif /* _UNIX_SERVER_UNIXPIPE_H_ */
