/*
 * The name service (include/servers/bootstrap_names.defs): a table of
 * names and the send rights checked in under them.  Requests arrive on
 * the service port; the kernel's dead-name notifications on a private
 * notify port (so no client can forge one), both members of one port
 * set.  A notification for a checked-in port removes its names; one for
 * a module's task port counts the module as ended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mach.h>
#include <mach/mach_port.h>
#include <mach/notify.h>
#include <mach/notify_server.h>
#include <servers/bootstrap_names_server.h>
#include <servers/bootstrap_limits.h>
#include "bootstrap.h"

struct name_entry {
	char name[BOOTSTRAP_NAME_MAX + 1];
	mach_port_t port; /* MACH_PORT_NULL: a free slot */
};

static struct name_entry names[BOOTSTRAP_NAMES_MAX];
static struct {
	char name[BOOTSTRAP_NAME_MAX + 1];
	const void *image;
	vm_size_t size;
} modules[BOOTSTRAP_DATA_MAX];
static unsigned nmodules;
static mach_port_t service_port, notify_port, port_set;
static task_t tasks[64];
static unsigned ntasks, tasks_alive;
static int exit_when_done;

mach_port_t names_init(void)
{
	mach_port_t self = mach_task_self();

	if (mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &service_port) != KERN_SUCCESS ||
	    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &notify_port) != KERN_SUCCESS ||
	    mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &port_set) != KERN_SUCCESS ||
	    mach_port_move_member(self, service_port, port_set) != KERN_SUCCESS ||
	    mach_port_move_member(self, notify_port, port_set) != KERN_SUCCESS ||
	    mach_port_insert_right(self, service_port, service_port, MACH_MSG_TYPE_MAKE_SEND) !=
		KERN_SUCCESS) {
		printf("bootstrap: cannot make the name service's ports\n");
		exit(1);
	}
	return service_port;
}

/* Ask for a dead-name notification on name (ours) to the notify port. */
static kern_return_t watch(mach_port_t name)
{
	mach_port_t previous = MACH_PORT_NULL, so = MACH_PORT_NULL;
	mach_msg_type_name_t type;
	kern_return_t kr;

	/* The request takes a send-once right (MOVE_SEND_ONCE): make one. */
	kr = mach_port_extract_right(mach_task_self(), notify_port, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &type);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = mach_port_request_notification(mach_task_self(), name, MACH_NOTIFY_DEAD_NAME, 0, so, &previous);
	if (kr != KERN_SUCCESS)
		mach_port_deallocate(mach_task_self(), so);
	else if (MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
	return kr;
}

void names_watch_task(task_t task)
{
	kern_return_t kr = KERN_RESOURCE_SHORTAGE;

	if (ntasks < sizeof(tasks) / sizeof(tasks[0]))
		kr = watch(task);
	if (kr == KERN_SUCCESS) {
		tasks[ntasks++] = task;
		tasks_alive++;
	} else {
		/* Ended already (a dead name), or too many: not waited for. */
		printf("bootstrap: cannot watch a module's task (0x%x)\n", (unsigned)kr);
		mach_port_deallocate(mach_task_self(), task);
	}
}

/* Whether name is a valid name: 1 to BOOTSTRAP_NAME_MAX characters. */
static int name_ok(const char *name)
{
	size_t n = strnlen(name, BOOTSTRAP_NAME_MAX + 1);

	return n > 0 && n <= BOOTSTRAP_NAME_MAX;
}

static struct name_entry *name_find(const char *name)
{
	for (unsigned i = 0; i < BOOTSTRAP_NAMES_MAX; i++)
		if (names[i].port != MACH_PORT_NULL && strcmp(names[i].name, name) == 0)
			return &names[i];
	return NULL;
}

kern_return_t do_bootstrap_check_in(mach_port_t server, const char *name, mach_port_t port)
{
	struct name_entry *free_slot = NULL;

	(void)server;
	if (!name_ok(name) || !MACH_PORT_VALID(port))
		return KERN_INVALID_ARGUMENT;
	if (name_find(name) != NULL)
		return KERN_NAME_EXISTS;
	for (unsigned i = 0; i < BOOTSTRAP_NAMES_MAX && free_slot == NULL; i++)
		if (names[i].port == MACH_PORT_NULL)
			free_slot = &names[i];
	if (free_slot == NULL)
		return KERN_RESOURCE_SHORTAGE;
	/* A port that died on the way cannot be watched: refuse it. */
	if (watch(port) != KERN_SUCCESS)
		return KERN_INVALID_ARGUMENT;
	strcpy(free_slot->name, name);
	free_slot->port = port; /* keeps the right (one user reference) */
	printf("bootstrap: %s checked in\n", name);
	return KERN_SUCCESS;
}

kern_return_t do_bootstrap_look_up(mach_port_t server, const char *name, mach_port_t *port)
{
	struct name_entry *e;

	(void)server;
	if (!name_ok(name))
		return KERN_INVALID_ARGUMENT;
	e = name_find(name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	*port = e->port; /* copied into the reply (COPY_SEND) */
	return KERN_SUCCESS;
}

int names_add_module(const char *name, const void *image, vm_size_t size)
{
	if (!name_ok(name) || nmodules == BOOTSTRAP_DATA_MAX)
		return -1;
	strcpy(modules[nmodules].name, name);
	modules[nmodules].image = image;
	modules[nmodules].size = size;
	nmodules++;
	return 0;
}

kern_return_t do_bootstrap_get_module(mach_port_t server, const char *name, vm_offset_t *data,
				      mach_msg_type_number_t *count)
{
	(void)server;
	if (!name_ok(name))
		return KERN_INVALID_ARGUMENT;
	for (unsigned i = 0; i < nmodules; i++) {
		if (strcmp(modules[i].name, name) == 0) {
			*data = (vm_offset_t)modules[i].image; /* copied into the reply */
			*count = modules[i].size;
			return KERN_SUCCESS;
		}
	}
	return KERN_INVALID_NAME;
}

kern_return_t do_mach_notify_dead_name(mach_port_t notify, mach_port_name_t name)
{
	if (notify != notify_port)
		return KERN_FAILURE;
	for (unsigned i = 0; i < BOOTSTRAP_NAMES_MAX; i++) {
		if (names[i].port == name) {
			printf("bootstrap: %s removed (its port died)\n", names[i].name);
			names[i].port = MACH_PORT_NULL;
			mach_port_deallocate(mach_task_self(), name);
		}
	}
	for (unsigned i = 0; i < ntasks; i++) {
		if (tasks[i] == name) {
			tasks[i] = MACH_PORT_NULL;
			mach_port_deallocate(mach_task_self(), name);
			tasks_alive--;
		}
	}
	mach_port_deallocate(mach_task_self(), name); /* the notification's reference */
	if (exit_when_done && ntasks > 0 && tasks_alive == 0) {
		printf("bootstrap: all modules have ended\n");
		exit(0);
	}
	return KERN_SUCCESS;
}

/* The other notifications are not asked for; the kernel never sends them. */
kern_return_t do_mach_notify_port_deleted(mach_port_t notify, mach_port_name_t name)
{
	(void)notify;
	(void)name;
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_msg_accepted(mach_port_t notify, mach_port_name_t name)
{
	(void)notify;
	(void)name;
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_port_destroyed(mach_port_t notify, mach_port_t rights)
{
	(void)notify;
	mach_port_mod_refs(mach_task_self(), rights, MACH_PORT_RIGHT_RECEIVE, -1);
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_no_senders(mach_port_t notify, mach_port_mscount_t mscount)
{
	(void)notify;
	(void)mscount;
	return KERN_SUCCESS;
}

kern_return_t do_mach_notify_send_once(mach_port_t notify)
{
	(void)notify;
	return KERN_SUCCESS;
}

/* Requests by the port they came in on. */
static boolean_t names_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	if (in->msgh_local_port == notify_port)
		return notify_server(in, out);
	return bootstrap_names_server(in, out);
}

void names_serve(int exit_when_finished)
{
	exit_when_done = exit_when_finished;
	if (exit_when_done && tasks_alive == 0) {
		printf("bootstrap: no module is running\n");
		exit(0);
	}
	mach_msg_return_t mr = mach_msg_server(names_demux, 512, port_set);
	printf("bootstrap: the name service stopped (0x%x)\n", (unsigned)mr);
	exit(1);
}
