/*
 * The terminal service: a Linux line discipline on the console device
 * (device.defs "console"), whose open files go through the open-file
 * layer (unix_server/io/unixio.h).  /dev/console (5,1) and /dev/tty
 * (5,0) open it; the VFS reaches it through unixtty_open, which the
 * server registers with vfs_register_device.
 */
#ifndef _UNIX_SERVER_UNIXTTY_H_
#define _UNIX_SERVER_UNIXTTY_H_

#include <stdint.h>
#include "../io/unixio.h"

#include <servers/tty_types.h>

/*
 * How the terminal signals a process group (^C, ^\, ^Z): the server
 * passes the proc service's kill here; called with unixio_lock held, so
 * it must not wait for the file services.
 */
typedef void (*tty_signal_fn)(int pgrp, int sig);

/*
 * Open the console device through device_master and start the thread
 * that reads it.  The foreground process group starts as 1 (init's).
 */
kern_return_t unixtty_init(mach_port_t device_master, tty_signal_fn signal);
/* A vfs_devopen_t: a new open file of the terminal (arg: its rdev, for fstat). */
int unixtty_open(void *arg, int flags, const struct io_cred *cred, mach_port_t *port, mach_msg_type_name_t *poly);
/* Set the foreground process group (what the proc service does for a new session). */
void unixtty_set_foreground(int pgrp);

#endif /* _UNIX_SERVER_UNIXTTY_H_ */
