/*
 * The file services alone in a task, for bench/unixfs_bench: unixfiles_init
 * (a RAM file system at /, /tmp, /dev, pipes; no terminal), then a pool of
 * threads serving them.  Checks in "unixfs-root", "unixfs-pipes" and its
 * own task port as "unixfs-task" (the bench ends it when done).
 */
#include <stdio.h>
#include <cthreads.h>
#include <servers/bootstrap_names.h>
#include <mach/task_special_ports.h>

#include "../unix_server/files/unixfiles.h"

#define UNIXFS_SERVER_THREADS 2

static mach_port_t set;

static void *serve(void *arg)
{
	(void) arg;
	mach_msg_server(unixio_demux, UNIXIO_MSG_MAX, set);
	return NULL;
}

static int check_in(mach_port_t bs, const char *name, mach_port_t port)
{
	return bootstrap_check_in(bs, (char *) name, port) == KERN_SUCCESS;
}

int main(void)
{
	struct unixfiles_config config = { MACH_PORT_NULL, NULL, 0, MACH_PORT_NULL, NULL, MACH_PORT_NULL, NULL };
	struct unixfiles_ports ports;
	mach_port_t bs;
	cthread_t t;
	int i;

	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &set) != KERN_SUCCESS)
		return 1;
	config.port_set = set;
	if (unixfiles_init(&config, &ports) != 0) {
		printf("unixfs_server: unixfiles_init failed\n");
		return 1;
	}
	mach_port_insert_right(mach_task_self(), ports.root, ports.root, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_insert_right(mach_task_self(), ports.pipes, ports.pipes, MACH_MSG_TYPE_MAKE_SEND);
	task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &bs);
	if (!check_in(bs, "unixfs-root", ports.root) || !check_in(bs, "unixfs-pipes", ports.pipes) ||
	    !check_in(bs, "unixfs-task", mach_task_self())) {
		printf("unixfs_server: cannot check in\n");
		return 1;
	}
	for (i = 1; i < UNIXFS_SERVER_THREADS; i++)
		if (cthread_create(&t, serve, NULL) == KERN_SUCCESS)
			cthread_detach(t);
	serve(NULL);
	return 0;
}
