/*
 * The in-guest tests' server: the UNIX file services' libraries linked
 * into the test program and served by threads of it through
 * unixio_demux, so that the test speaks io.defs/fs.defs/pipe.defs to
 * them through MIG as the emulation library will.
 */
#ifndef _TEST_UNIXFS_SERVER_H_
#define _TEST_UNIXFS_SERVER_H_

#include <mach.h>

/* Start the open-file layer and SERVER_THREADS threads serving it. */
void test_server_start(void);
#define SERVER_THREADS 2
/* The port set they serve (for unixfiles_init). */
mach_port_t test_server_port_set(void);

/* A fresh receive right with a send right, for notifications. */
mach_port_t test_port(void);
/* Wait (at most about timeout_ms) for one message on port; its id or -1.
 * *tag gets an io_select_wakeup's tag. */
int test_wait_message(mach_port_t port, unsigned timeout_ms, int *tag);
/* Wait until the task has want names (util.h's name_count) again (closing is asynchronous:
 * the service learns it from a no-senders notification). */
long test_names_settle(long want);

#endif /* _TEST_UNIXFS_SERVER_H_ */
