/*
 * The pipe service (pipe.defs): pipes whose ends are open files of the
 * open-file layer (unix_server/io/unixio.h).  Capacity IO_PIPE_SIZE
 * (64 KiB, Linux's), writes of up to IO_PIPE_BUF atomic.
 */
#ifndef _UNIX_SERVER_UNIXPIPE_H_
#define _UNIX_SERVER_UNIXPIPE_H_

#include <mach.h>
#include "../io/unixio.h"

#define IO_PIPE_SIZE 65536

/*
 * Set up the service after unixio_init: *service is a receive right (in
 * the layer's port set) that pipe_create is sent to; hand out send
 * rights to it.  Registers pipe.defs with unixio_demux.
 */
kern_return_t unixpipe_init(mach_port_t *service);

/*
 * Named pipes, for a file service (the single server hands these to the
 * VFS: vfs_register_fifo).  An end of the pipe of the FIFO file (dev,
 * ino): the one every open of that file shares while any end is open,
 * or a new one.  flags: O_ACCMODE (O_RDWR too) and O_NONBLOCK; cred
 * the opener's; st the file's stat, which fstat of the end answers
 * (until unixpipe_fifo_changed says another).
 * *wait: the end must wait in io_open_wait for the other side (Linux's
 * blocking open).  ENXIO for a nonblocking writer with no reader.
 */
int unixpipe_fifo_open(uint64_t dev, uint64_t ino, int flags, const struct io_cred *cred, const struct io_stat *st,
		       mach_port_t *port, mach_msg_type_name_t *poly, int *wait);
/* The FIFO's file has stat st now: fstat of its open ends says it. */
void unixpipe_fifo_changed(uint64_t dev, uint64_t ino, const struct io_stat *st);
/* The FIFO's file is gone (its last name removed): its open ends keep
 * their pipe, a new file with the same number gets a pipe of its own. */
void unixpipe_fifo_forget(uint64_t dev, uint64_t ino);

#endif /* _UNIX_SERVER_UNIXPIPE_H_ */
