/*
 * Ports and port sets.
 *
 * A port is a message queue with exactly one receive right and any number
 * of send and send-once rights.  The kernel counts its rights (srights,
 * sorights) to send no-senders notifications, and references (ref_count)
 * to know when the structure can be freed: every name in a space, every
 * right carried in a message and every kernel object link holds one.
 *
 * Concurrency: one CPU and a kernel that is not preempted, so IPC state
 * changes atomically between blocking points; code that blocks re-checks
 * what it looked at before.
 */
#ifndef IPC_PORT_H
#define IPC_PORT_H
#include <mach/message.h>
#include <mach/port.h>
#include <kern/queue.h>

struct ipc_space;
struct ipc_kmsg;
struct ipc_pset;

/* What a kernel-object port stands for (port->kotype). */
enum ipc_kobject_type {
	IKOT_NONE,
	IKOT_TASK,
	IKOT_THREAD,
	IKOT_HOST,
	IKOT_HOST_PRIV,
	IKOT_PSET,
	IKOT_PSET_NAME,
	IKOT_DEVICE,
	IKOT_MASTER_DEVICE,
	IKOT_PAGER,
	IKOT_PAGING_REQUEST,
	IKOT_PROCESSOR,
	IKOT_PAGER_PROXY, /* vm/memory_object_proxy.c */
	IKOT_TYPE_COUNT
};

/* A registered dead-name request: when the port dies, `name` in `space`
 * becomes a dead name and the send-once right kept in that entry
 * (ipc_entry.dnnotify) carries the notification. */
struct ipc_dnrequest {
	struct ipc_dnrequest *next;
	struct ipc_space *space;
	mach_port_t name;
};

struct ipc_port {
	int ref_count;
	int active;
	struct ipc_space *receiver; /* NULL while the receive right is in a message */
	mach_port_t receiver_name;
	enum ipc_kobject_type kotype;
	void *kobject;

	queue_head_t messages;
	unsigned msgcount, qlimit;
	mach_port_seqno_t seqno;
	queue_head_t receivers;	   /* threads blocked receiving here (not via a set) */
	unsigned blocked_senders;  /* threads waiting for room (event: &port->msgcount) */

	unsigned srights, sorights;
	mach_port_mscount_t mscount;
	struct ipc_port *nsrequest; /* send-once right for no-senders */
	mach_port_mscount_t nsrequest_sync;
	struct ipc_port *pdrequest; /* send-once right for port-destroyed */
	struct ipc_dnrequest *dnrequests;

	/* With a protected payload, a receiver is told the payload instead of
	 * the port's name (GNU Mach's mach_port_set_protected_payload). */
	int has_payload;
	unsigned long payload;

	struct ipc_pset *pset; /* the set the port is in, if any */
	queue_chain_t pset_link;
	unsigned id;
};

struct ipc_pset {
	int ref_count;
	int active;
	struct ipc_space *space;
	mach_port_t name;
	queue_head_t members;
	queue_head_t receivers;
	unsigned msgcount; /* messages queued on its members, all together */
};

typedef struct ipc_port *ipc_port_t;
#define IP_NULL ((struct ipc_port *)0)
#define IP_DEAD ((struct ipc_port *)~0)
#define IP_VALID(p) ((p) != IP_NULL && (p) != IP_DEAD)

void ipc_port_bootstrap(void);
struct ipc_port *ipc_port_alloc(void);
void ipc_port_reference(struct ipc_port *port);
void ipc_port_release(struct ipc_port *port);

/* Rights held by the kernel (not in any space).  Each returns its port
 * for convenience; the caller owns the right made. */
struct ipc_port *ipc_port_make_send(struct ipc_port *port);
struct ipc_port *ipc_port_copy_send(struct ipc_port *port);
struct ipc_port *ipc_port_make_send_once(struct ipc_port *port);
void ipc_port_release_send(struct ipc_port *port);
void ipc_port_release_sonce(struct ipc_port *port);
void ipc_port_release_receive(struct ipc_port *port);

/* Kill a port whose receive right is being destroyed: flush its queue,
 * fire its dead-name requests, wake its waiters. */
void ipc_port_destroy(struct ipc_port *port);

/* Bind a kernel object to a port (the kernel holds its receive right). */
struct ipc_port *ipc_kobject_port_alloc(enum ipc_kobject_type type, void *object);
/* The last send right of a live kernel-object port without a no-senders
 * request went (kern/ipc_kobject.c): objects that live only while
 * someone holds a right to them (proxies) end here. */
void ipc_kobject_no_senders(struct ipc_port *port);

struct ipc_dnrequest *ipc_dnrequest_alloc(void);
void ipc_dnrequest_free(struct ipc_dnrequest *r);

struct ipc_pset *ipc_pset_alloc(void);
void ipc_pset_release(struct ipc_pset *pset);
void ipc_pset_destroy(struct ipc_pset *pset);
void ipc_pset_add(struct ipc_pset *pset, struct ipc_port *port);
void ipc_pset_remove(struct ipc_port *port);

/* Notifications (ipc/notify.c). */
void ipc_notify_no_senders(struct ipc_port *notify, mach_port_mscount_t mscount);
void ipc_notify_dead_name(struct ipc_port *notify, mach_port_t name);
void ipc_notify_port_deleted(struct ipc_port *notify, mach_port_t name);
void ipc_notify_port_destroyed(struct ipc_port *notify, struct ipc_port *receive_right);
void ipc_notify_send_once(struct ipc_port *port);
void ipc_notify_msg_accepted(struct ipc_port *notify, mach_port_t name);
#endif
