/* Ports and port sets: allocation, references, rights held by the
 * kernel, and death. */
#include <kern/debug.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <kern/zalloc.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>
#include <vm/vm_fault.h>

static struct zone port_zone, pset_zone, dnrequest_zone;
static unsigned port_next_id;

void ipc_port_bootstrap(void)
{
	zone_init(&port_zone, "ipc.ports", sizeof(struct ipc_port), 0);
	zone_init(&pset_zone, "ipc.psets", sizeof(struct ipc_pset), 0);
	zone_init(&dnrequest_zone, "ipc.dnrequests", sizeof(struct ipc_dnrequest), 0);
}

struct ipc_port *ipc_port_alloc(void)
{
	struct ipc_port *port = zalloc(&port_zone);

	if (port == NULL)
		return NULL;
	memset(port, 0, sizeof(*port));
	port->ref_count = 1; /* for the receive right */
	port->active = 1;
	port->qlimit = MACH_PORT_QLIMIT_DEFAULT;
	queue_init(&port->messages);
	queue_init(&port->receivers);
	port->id = port_next_id++;
	return port;
}

void ipc_port_reference(struct ipc_port *port)
{
	port->ref_count++;
}

void ipc_port_release(struct ipc_port *port)
{
	assert(port->ref_count > 0);
	if (--port->ref_count > 0)
		return;
	assert(!port->active);
	assert(queue_empty(&port->messages));
	zfree(&port_zone, port);
}

struct ipc_port *ipc_port_make_send(struct ipc_port *port)
{
	if (IP_VALID(port)) {
		port->mscount++;
		port->srights++;
		port->ref_count++;
	}
	return port;
}

struct ipc_port *ipc_port_copy_send(struct ipc_port *port)
{
	if (!IP_VALID(port))
		return port;
	if (!port->active)
		return IP_DEAD;
	port->srights++;
	port->ref_count++;
	return port;
}

struct ipc_port *ipc_port_make_send_once(struct ipc_port *port)
{
	if (IP_VALID(port)) {
		port->sorights++;
		port->ref_count++;
	}
	return port;
}

void ipc_port_release_send(struct ipc_port *port)
{
	if (!IP_VALID(port))
		return;
	assert(port->srights > 0);
	if (--port->srights == 0 && port->active) {
		if (port->nsrequest != NULL) {
			struct ipc_port *notify = port->nsrequest;
			port->nsrequest = NULL;
			ipc_notify_no_senders(notify, port->mscount);
		} else if (port->receiver == ipc_space_kernel) {
			ipc_kobject_no_senders(port);
		}
	}
	ipc_port_release(port);
}

void ipc_port_release_sonce(struct ipc_port *port)
{
	if (!IP_VALID(port))
		return;
	if (port->active) {
		/* The right is used up by telling the receiver it was dropped. */
		ipc_notify_send_once(port);
		return;
	}
	port->sorights--;
	ipc_port_release(port);
}

void ipc_port_release_receive(struct ipc_port *port)
{
	if (IP_VALID(port))
		ipc_port_destroy(port);
}

struct ipc_dnrequest *ipc_dnrequest_alloc(void)
{
	return zalloc(&dnrequest_zone);
}

void ipc_dnrequest_free(struct ipc_dnrequest *r)
{
	zfree(&dnrequest_zone, r);
}

/* Wake every thread blocked receiving from the port itself (the
 * receive then sees why: receive_wait_leave). */
static void port_wake_receivers(struct ipc_port *port)
{
	while (!queue_empty(&port->receivers)) {
		struct thread *th = queue_first_entry(&port->receivers, struct thread, ipc_wait_link);
		queue_remove_entry(&th->ipc_wait_link);
		clear_wait(th, THREAD_RESTART);
	}
}

/* Wake every thread blocked on the port: receivers and senders. */
static void port_wake_all(struct ipc_port *port)
{
	port_wake_receivers(port);
	if (port->blocked_senders)
		thread_wakeup(&port->msgcount);
}

void ipc_port_destroy(struct ipc_port *port)
{
	assert(port->active);
	port->receiver = NULL;
	port->receiver_name = MACH_PORT_NULL;
	ipc_pset_remove(port);

	if (port->pdrequest != NULL) {
		/* Someone asked for the receive right instead of its death. */
		struct ipc_port *notify = port->pdrequest;
		port->pdrequest = NULL;
		ipc_notify_port_destroyed(notify, port);
		return;
	}

	port->active = 0;
	port->kotype = IKOT_NONE;
	port->kobject = NULL;
	while (!queue_empty(&port->messages)) {
		struct ipc_kmsg *kmsg = queue_first_entry(&port->messages, struct ipc_kmsg, link);
		queue_remove_entry(&kmsg->link);
		port->msgcount--;
		ipc_kmsg_destroy(kmsg);
	}
	port_wake_all(port);
	if (vm_fault_pager_waiting())
		vm_fault_pager_died(port); /* a pager's: its faults fail now */

	if (port->nsrequest != NULL) {
		struct ipc_port *notify = port->nsrequest;
		port->nsrequest = NULL;
		ipc_port_release_sonce(notify);
	}
	while (port->dnrequests != NULL) {
		struct ipc_dnrequest *r = port->dnrequests;
		port->dnrequests = r->next;
		struct ipc_entry *e = ipc_entry_lookup(r->space, r->name);
		if (e != NULL && e->object == port) {
			struct ipc_port *notify = e->dnnotify;
			e->dnnotify = NULL;
			ipc_right_port_died(r->space, r->name, port);
			if (notify != NULL) {
				/* The notification holds a reference to the dead name,
				 * as in Mach: its receiver deallocates it. */
				if (IE_UREFS(e) < IE_UREFS_MAX)
					e->bits++;
				ipc_notify_dead_name(notify, r->name);
			}
		}
		ipc_dnrequest_free(r);
	}
	ipc_port_release(port); /* the receive right's reference */
}

struct ipc_port *ipc_kobject_port_alloc(enum ipc_kobject_type type, void *object)
{
	struct ipc_port *port = ipc_port_alloc();

	if (port == NULL)
		return NULL;
	port->kotype = type;
	port->kobject = object;
	port->receiver = ipc_space_kernel;
	return port;
}

struct ipc_pset *ipc_pset_alloc(void)
{
	struct ipc_pset *pset = zalloc(&pset_zone);

	if (pset == NULL)
		return NULL;
	memset(pset, 0, sizeof(*pset));
	pset->ref_count = 1;
	pset->active = 1;
	queue_init(&pset->members);
	queue_init(&pset->receivers);
	return pset;
}

void ipc_pset_release(struct ipc_pset *pset)
{
	if (--pset->ref_count == 0)
		zfree(&pset_zone, pset);
}

void ipc_pset_add(struct ipc_pset *pset, struct ipc_port *port)
{
	/* Threads receiving from the port itself end their receive with
	 * MACH_RCV_PORT_CHANGED (receive_wait_leave), as Mach's do: a send
	 * to a member wakes the set's receivers, never theirs. */
	port_wake_receivers(port);
	ipc_pset_remove(port);
	port->pset = pset;
	pset->msgcount += port->msgcount;
	queue_enter_tail(&pset->members, &port->pset_link);
	/* A receiver waiting on the set may now have a message. */
	if (port->msgcount > 0 && !queue_empty(&pset->receivers)) {
		struct thread *th = queue_first_entry(&pset->receivers, struct thread, ipc_wait_link);
		queue_remove_entry(&th->ipc_wait_link);
		clear_wait(th, THREAD_AWAKENED);
	}
}

void ipc_pset_remove(struct ipc_port *port)
{
	if (port->pset == NULL)
		return;
	queue_remove_entry(&port->pset_link);
	port->pset->msgcount -= port->msgcount;
	port->pset = NULL;
}

void ipc_pset_destroy(struct ipc_pset *pset)
{
	pset->active = 0;
	while (!queue_empty(&pset->members)) {
		struct ipc_port *port = queue_first_entry(&pset->members, struct ipc_port, pset_link);
		ipc_pset_remove(port);
	}
	while (!queue_empty(&pset->receivers)) {
		struct thread *th = queue_first_entry(&pset->receivers, struct thread, ipc_wait_link);
		queue_remove_entry(&th->ipc_wait_link);
		clear_wait(th, THREAD_RESTART);
	}
	ipc_pset_release(pset);
}
