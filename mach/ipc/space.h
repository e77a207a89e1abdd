/*
 * IPC spaces: each task's table of port names.  A name's entry holds
 * rights to one port (send, receive, send-once) or a port set or a dead
 * name.  All send rights a space holds for one port share one name, with
 * a user-reference count; the reverse lookup finds that name.
 */
#ifndef IPC_SPACE_H
#define IPC_SPACE_H
#include <mach/kern_return.h>
#include <mach/port.h>
#include <ipc/port.h>

#define IE_UREFS_MASK 0xffffu
#define IE_TYPE_MASK MACH_PORT_TYPE_ALL_RIGHTS
#define IE_UREFS_MAX 0xffffu

/* A name is its entry's index in the table (low bits) and a generation
 * (bits 24-30), which changes each time the entry is freed: a name
 * freed and allocated again at once is a different name, so a right
 * dropped by a name that meanwhile went to another use (another thread
 * took the entry) is not mistaken for the new one.  A new table's
 * entries start at generation 0 (names 1, 2, 3...); bit 31 stays clear. */
#define IPC_NAME_INDEX_MASK 0x00ffffffu
#define IPC_NAME_GEN_ONE 0x01000000u
#define IPC_NAME_MASK 0x7fffffffu
#define IPC_NAME_INDEX(name) ((name) & IPC_NAME_INDEX_MASK)
#define IPC_NAME_NEXT_GEN(name) (((name) + IPC_NAME_GEN_ONE) & IPC_NAME_MASK)

struct ipc_entry {
	void *object;	      /* struct ipc_port *, struct ipc_pset *, or NULL */
	uint32_t bits;	      /* MACH_PORT_TYPE_* | urefs; MACH_PORT_TYPE_DNREQUEST */
	unsigned next_free;   /* free-list link (an index) while unused */
	struct ipc_port *dnnotify; /* send-once right for a dead-name request */
	unsigned rev_next;	   /* reverse-lookup chain (indexes of entries holding send/receive) */
	mach_port_t name;	   /* its name in use; unused, the name it gets next */
	uint32_t pad[2];	   /* 32 bytes: an index becomes an offset in one shift */
};

#define IPC_REVERSE_BUCKETS 64

struct ipc_space {
	struct ipc_entry *table; /* indexed by IPC_NAME_INDEX(name); entry 0 unused */
	unsigned size;		 /* a power of two */
	unsigned free_head;	 /* an index; 0: none */
	unsigned used;
	unsigned mask;		 /* size - 1 */
	unsigned rev_heads[IPC_REVERSE_BUCKETS]; /* port -> index chains */
	struct ipc_port *rev_hint_port;		 /* the last reverse lookup's answer */
	unsigned rev_hint_index;
	int active;
	int ref_count;
};

#define IE_TYPE(e) ((e)->bits & IE_TYPE_MASK)
#define IE_UREFS(e) ((e)->bits & IE_UREFS_MASK)

void ipc_space_bootstrap(void);
struct ipc_space *ipc_space_create(void);
/* References: inline, since every kernel RPC on a task's space takes
 * and drops one (convert_port_to_space). */
void ipc_space_free(struct ipc_space *space);
extern struct ipc_space *ipc_space_kernel;
static inline void ipc_space_reference(struct ipc_space *space)
{
	space->ref_count++;
}
/* The kernel's space never reaches 0: the kernel task keeps the
 * reference ipc_space_bootstrap gives it (ipc_space_free asserts). */
static inline void ipc_space_release(struct ipc_space *space)
{
	if (--space->ref_count == 0)
		ipc_space_free(space);
}
/* Destroy every right in the space (task termination). */
void ipc_space_destroy(struct ipc_space *space);

/* The entry for name, or NULL if the name is not in use.  The masked
 * index is inside the table; the entry's own name says whether it is
 * this one (entry 0, name 0, is never in use). */
static inline struct ipc_entry *ipc_entry_lookup(struct ipc_space *space, mach_port_t name)
{
	struct ipc_entry *e = &space->table[name & space->mask];
	return e->name == name && (e->bits & IE_TYPE_MASK) != 0 ? e : NULL;
}
/* Double the table (0 if it cannot grow). */
int ipc_space_grow_double(struct ipc_space *space);
/* A new, empty entry; *name is its name.  NULL if the table cannot grow.
 * Inline: every right copied out to a new name comes here. */
static inline struct ipc_entry *ipc_entry_alloc(struct ipc_space *space, mach_port_t *name)
{
	if (space->free_head == 0 && !ipc_space_grow_double(space))
		return NULL;
	struct ipc_entry *e = &space->table[space->free_head];
	*name = e->name;
	space->free_head = e->next_free;
	e->next_free = 0;
	space->used++;
	return e;
}
/* An entry with a chosen name (mach_port_allocate_name, rename). */
kern_return_t ipc_entry_alloc_name(struct ipc_space *space, mach_port_t name, struct ipc_entry **out);
/* Return an entry with no rights and no dead-name request left to the
 * free list, its next name a new generation.  Inline: an RPC's reply
 * right is freed on every reply. */
static inline void ipc_entry_free(struct ipc_space *space, mach_port_t name, struct ipc_entry *e)
{
	e->object = NULL;
	e->bits = 0;
	e->name = IPC_NAME_NEXT_GEN(name);
	e->next_free = space->free_head;
	space->free_head = IPC_NAME_INDEX(name);
	space->used--;
}
/* The same for an entry that may have a dead-name request: it fires a
 * port-deleted notification. */
static inline void ipc_entry_dealloc(struct ipc_space *space, mach_port_t name, struct ipc_entry *e)
{
	struct ipc_port *notify = e->dnnotify;

	e->dnnotify = NULL;
	ipc_entry_free(space, name, e);
	/* The request can never fire now: tell whoever asked. */
	if (notify != NULL)
		ipc_notify_port_deleted(notify, name);
}
/* The name under which space holds send or receive rights for port
 * (MACH_PORT_NULL if none).  The last answer is remembered: a task asks
 * about the same few ports again and again. */
mach_port_t ipc_reverse_lookup_slow(struct ipc_space *space, struct ipc_port *port);
static inline mach_port_t ipc_reverse_lookup(struct ipc_space *space, struct ipc_port *port)
{
	struct ipc_entry *e = &space->table[space->rev_hint_index]; /* inside the table: tables only grow */
	if (space->rev_hint_port == port && e->object == port &&
	    (e->bits & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE)))
		return e->name;
	return ipc_reverse_lookup_slow(space, port);
}
void ipc_reverse_insert(struct ipc_space *space, struct ipc_port *port, mach_port_t name);
void ipc_reverse_remove(struct ipc_space *space, struct ipc_port *port);

/* Rights moving between a space and the kernel (ipc/right.c). */
/* Check that name holds what a disposition needs, without changing
 * anything (except that a send right to a dead port reads as, and
 * becomes, a dead name).  Inline: every message header goes through it. */
#define IPC_DISP_FIRST MACH_MSG_TYPE_MOVE_RECEIVE
#define IPC_DISP_COUNT (MACH_MSG_TYPE_MAKE_SEND_ONCE - MACH_MSG_TYPE_MOVE_RECEIVE + 1)
extern const uint32_t ipc_disp_needs[IPC_DISP_COUNT];
void ipc_right_check_dead(struct ipc_space *space, mach_port_t name, struct ipc_entry *e);
static inline kern_return_t ipc_right_copyin_check(struct ipc_space *space, mach_port_t name,
						    mach_msg_type_name_t disp)
{
	if (disp - IPC_DISP_FIRST >= IPC_DISP_COUNT)
		return KERN_INVALID_VALUE;
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	if ((e->bits & MACH_PORT_TYPE_SEND_RIGHTS) && !((struct ipc_port *)e->object)->active)
		ipc_right_check_dead(space, name, e);
	return (e->bits & ipc_disp_needs[disp - IPC_DISP_FIRST]) ? KERN_SUCCESS : KERN_INVALID_RIGHT;
}
/* Take the right out of the space; *port gets the port (IP_DEAD for a dead
 * name where allowed); *result the disposition it travels as. */
kern_return_t ipc_right_copyin(struct ipc_space *space, mach_port_t name, mach_msg_type_name_t disp,
			       struct ipc_port **port, mach_msg_type_name_t *result);
/* The same, for a name and disposition ipc_right_copyin_check accepted
 * with nothing changed since. */
void ipc_right_copyin_checked(struct ipc_space *space, mach_port_t name, mach_msg_type_name_t disp,
			      struct ipc_port **port, mach_msg_type_name_t *result);
/* Put a right (PORT_SEND, PORT_SEND_ONCE, PORT_RECEIVE) into the space. */
kern_return_t ipc_right_copyout(struct ipc_space *space, struct ipc_port *port, mach_msg_type_name_t type,
				mach_port_t *name);
/* A send right made from port (whose receive right the kernel holds)
 * and copied out where entry e already holds send rights for it:
 * ipc_port_make_send and ipc_right_copyout folded into what they leave
 * (the make-send count up, one more user reference, none past the
 * maximum, the new right merged into the entry's). */
static inline void ipc_right_make_send_merge(struct ipc_port *port, struct ipc_entry *e)
{
	port->mscount++;
	if (IE_UREFS(e) < IE_UREFS_MAX)
		e->bits++;
}
/* Destroy a right held in a message (for messages never delivered). */
void ipc_right_release(struct ipc_port *port, mach_msg_type_name_t type);
/* Give up all of a name's rights (mach_port_destroy). */
kern_return_t ipc_right_destroy(struct ipc_space *space, mach_port_t name);
/* Drop one user reference of the given right (mach_port_deallocate). */
kern_return_t ipc_right_dealloc(struct ipc_space *space, mach_port_t name);
/* Change the user references of one kind of right (mach_port_mod_refs). */
kern_return_t ipc_right_delta(struct ipc_space *space, mach_port_t name, mach_port_right_t right, int delta);
/* A port died: turn space's send rights to it under name into a dead name. */
void ipc_right_port_died(struct ipc_space *space, mach_port_t name, struct ipc_port *port);

/* The form a right takes in a message after copyin with disposition disp. */
static inline mach_msg_type_name_t ipc_object_result_type(mach_msg_type_name_t disp)
{
	switch (disp) {
	case MACH_MSG_TYPE_MOVE_RECEIVE:
		return MACH_MSG_TYPE_PORT_RECEIVE;
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		return MACH_MSG_TYPE_PORT_SEND_ONCE;
	default:
		return MACH_MSG_TYPE_PORT_SEND;
	}
}

/* The kernel's own space (names in kernel-built messages are ports). */
extern struct ipc_space *ipc_space_kernel;
#endif
