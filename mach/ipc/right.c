/*
 * Rights: moving them between spaces and messages, and destroying them.
 *
 * Accounting invariants:
 * - every entry that names a port holds one reference to it;
 * - an entry with MACH_PORT_TYPE_SEND counts as one send right in
 *   port->srights, whatever its user references; a send-once entry counts
 *   one in port->sorights, and always has a name of its own;
 * - an entry is on its space's reverse-lookup chain iff it holds a send
 *   or a receive right;
 * - a right carried in a message holds one reference and counts as one
 *   right of its kind.
 * Entries naming a port that has died are turned into dead names when
 * next looked at (ipc_right_check), or at once if a dead-name request
 * was registered.
 */
#include <kern/debug.h>
#include <ipc/space.h>

/* If e names a dead port, make it a dead name.  Returns 1 if it did. */
static int ipc_right_check(struct ipc_space *space, mach_port_t name, struct ipc_entry *e)
{
	struct ipc_port *port = e->object;

	if (!(IE_TYPE(e) & MACH_PORT_TYPE_SEND_RIGHTS) || port == NULL || port->active)
		return 0;
	ipc_right_port_died(space, name, port);
	return 1;
}

void ipc_right_port_died(struct ipc_space *space, mach_port_t name, struct ipc_port *port)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	uint32_t urefs;

	if (e == NULL || e->object != port || !(IE_TYPE(e) & MACH_PORT_TYPE_SEND_RIGHTS))
		return;
	if (IE_TYPE(e) & MACH_PORT_TYPE_SEND) {
		ipc_reverse_remove(space, port);
		port->srights--;
		urefs = IE_UREFS(e);
	} else {
		port->sorights--;
		urefs = 1;
	}
	e->object = NULL;
	e->bits = MACH_PORT_TYPE_DEAD_NAME | urefs;
	ipc_port_release(port);
}

/* The rights a name must hold for each disposition (MACH_MSG_TYPE_MOVE_RECEIVE
 * .. MAKE_SEND_ONCE); a dead name stands in for a send or send-once right. */
const uint32_t ipc_disp_needs[IPC_DISP_COUNT] = {
	[MACH_MSG_TYPE_MOVE_RECEIVE - IPC_DISP_FIRST] = MACH_PORT_TYPE_RECEIVE,
	[MACH_MSG_TYPE_MOVE_SEND - IPC_DISP_FIRST] = MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME,
	[MACH_MSG_TYPE_MOVE_SEND_ONCE - IPC_DISP_FIRST] = MACH_PORT_TYPE_SEND_ONCE | MACH_PORT_TYPE_DEAD_NAME,
	[MACH_MSG_TYPE_COPY_SEND - IPC_DISP_FIRST] = MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME,
	[MACH_MSG_TYPE_MAKE_SEND - IPC_DISP_FIRST] = MACH_PORT_TYPE_RECEIVE,
	[MACH_MSG_TYPE_MAKE_SEND_ONCE - IPC_DISP_FIRST] = MACH_PORT_TYPE_RECEIVE,
};

void ipc_right_check_dead(struct ipc_space *space, mach_port_t name, struct ipc_entry *e)
{
	ipc_right_check(space, name, e);
}

/* Remove a dead-name request registered for name, if any. */
static void dnrequest_cancel(struct ipc_space *space, mach_port_t name, struct ipc_port *port)
{
	if (port == NULL)
		return;
	for (struct ipc_dnrequest **p = &port->dnrequests; *p; p = &(*p)->next) {
		if ((*p)->space == space && (*p)->name == name) {
			struct ipc_dnrequest *r = *p;
			*p = r->next;
			ipc_dnrequest_free(r);
			return;
		}
	}
}

/* Free a name whose rights are gone (their references already moved or
 * released); a dead-name request on it turns into port-deleted. */
static void entry_free(struct ipc_space *space, mach_port_t name, struct ipc_entry *e)
{
	if (e->dnnotify != NULL)
		dnrequest_cancel(space, name, e->object);
	e->object = NULL;
	e->bits = 0;
	ipc_entry_dealloc(space, name, e);
}

/* Remove the send right (all user references) from an entry. */
static void entry_drop_send(struct ipc_space *space, mach_port_t name, struct ipc_entry *e)
{
	struct ipc_port *port = e->object;

	if (IE_TYPE(e) & MACH_PORT_TYPE_RECEIVE) {
		e->bits &= ~(MACH_PORT_TYPE_SEND | IE_UREFS_MASK);
		ipc_port_reference(port); /* the entry keeps its own */
		ipc_port_release_send(port);
	} else {
		ipc_reverse_remove(space, port);
		entry_free(space, name, e);
		ipc_port_release_send(port);
	}
}

/* Drop one user reference of a dead name. */
static void entry_drop_dead_uref(struct ipc_space *space, mach_port_t name, struct ipc_entry *e)
{
	if (IE_UREFS(e) > 1)
		e->bits--;
	else
		entry_free(space, name, e);
}

kern_return_t ipc_right_copyin(struct ipc_space *space, mach_port_t name, mach_msg_type_name_t disp,
			       struct ipc_port **portp, mach_msg_type_name_t *result)
{
	kern_return_t kr = ipc_right_copyin_check(space, name, disp);
	if (kr != KERN_SUCCESS)
		return kr;
	ipc_right_copyin_checked(space, name, disp, portp, result);
	return KERN_SUCCESS;
}

void ipc_right_copyin_checked(struct ipc_space *space, mach_port_t name, mach_msg_type_name_t disp,
			      struct ipc_port **portp, mach_msg_type_name_t *result)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	struct ipc_port *port = e->object;
	int dead = (IE_TYPE(e) & MACH_PORT_TYPE_DEAD_NAME) != 0;

	switch (disp) {
	case MACH_MSG_TYPE_MAKE_SEND:
		port->mscount++;
		port->srights++;
		ipc_port_reference(port);
		*result = MACH_MSG_TYPE_PORT_SEND;
		break;
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		port->sorights++;
		ipc_port_reference(port);
		*result = MACH_MSG_TYPE_PORT_SEND_ONCE;
		break;
	case MACH_MSG_TYPE_COPY_SEND:
		*result = MACH_MSG_TYPE_PORT_SEND;
		if (dead) {
			port = IP_DEAD;
			break;
		}
		port->srights++;
		ipc_port_reference(port);
		break;
	case MACH_MSG_TYPE_MOVE_SEND:
		*result = MACH_MSG_TYPE_PORT_SEND;
		if (dead) {
			entry_drop_dead_uref(space, name, e);
			port = IP_DEAD;
		} else if (IE_UREFS(e) > 1) {
			e->bits--;
			port->srights++; /* the entry keeps one, the message gets another */
			ipc_port_reference(port);
		} else if (IE_TYPE(e) & MACH_PORT_TYPE_RECEIVE) {
			e->bits &= ~(MACH_PORT_TYPE_SEND | IE_UREFS_MASK);
			ipc_port_reference(port); /* the entry keeps its reference */
		} else {
			ipc_reverse_remove(space, port);
			entry_free(space, name, e); /* its reference moves */
		}
		break;
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
		*result = MACH_MSG_TYPE_PORT_SEND_ONCE;
		if (dead) {
			entry_drop_dead_uref(space, name, e);
			port = IP_DEAD;
			break;
		}
		entry_free(space, name, e);
		break;
	case MACH_MSG_TYPE_MOVE_RECEIVE:
		*result = MACH_MSG_TYPE_PORT_RECEIVE;
		ipc_pset_remove(port);
		port->receiver = NULL;
		port->receiver_name = MACH_PORT_NULL;
		if (IE_TYPE(e) & MACH_PORT_TYPE_SEND) {
			e->bits &= ~MACH_PORT_TYPE_RECEIVE;
			ipc_port_reference(port);
		} else {
			ipc_reverse_remove(space, port);
			entry_free(space, name, e);
		}
		break;
	}
	*portp = port;
}

kern_return_t ipc_right_copyout(struct ipc_space *space, struct ipc_port *port, mach_msg_type_name_t type,
				mach_port_t *namep)
{
	struct ipc_entry *e;
	mach_port_t name;

	if (!IP_VALID(port)) {
		*namep = port == IP_DEAD ? MACH_PORT_DEAD : MACH_PORT_NULL;
		return KERN_SUCCESS;
	}
	if (!port->active && type != MACH_MSG_TYPE_PORT_RECEIVE) {
		ipc_right_release(port, type);
		*namep = MACH_PORT_DEAD;
		return KERN_SUCCESS;
	}
	if (type != MACH_MSG_TYPE_PORT_SEND_ONCE && (name = ipc_reverse_lookup(space, port)) != 0) {
		e = &space->table[IPC_NAME_INDEX(name)];
		if (type == MACH_MSG_TYPE_PORT_SEND) {
			if (IE_TYPE(e) & MACH_PORT_TYPE_SEND) {
				if (IE_UREFS(e) < IE_UREFS_MAX)
					e->bits++;
				port->srights--; /* two send rights merge into one */
			} else {
				e->bits |= MACH_PORT_TYPE_SEND | 1;
			}
		} else {
			e->bits |= MACH_PORT_TYPE_RECEIVE;
			port->receiver = space;
			port->receiver_name = name;
		}
		ipc_port_release(port); /* the entry already holds one */
		*namep = name;
		return KERN_SUCCESS;
	}
	e = ipc_entry_alloc(space, &name);
	if (e == NULL) {
		ipc_right_release(port, type);
		*namep = MACH_PORT_NULL;
		return KERN_NO_SPACE;
	}
	e->object = port;
	switch (type) {
	case MACH_MSG_TYPE_PORT_SEND:
		e->bits = MACH_PORT_TYPE_SEND | 1;
		ipc_reverse_insert(space, port, name);
		break;
	case MACH_MSG_TYPE_PORT_SEND_ONCE:
		e->bits = MACH_PORT_TYPE_SEND_ONCE | 1;
		break;
	default:
		e->bits = MACH_PORT_TYPE_RECEIVE;
		ipc_reverse_insert(space, port, name);
		port->receiver = space;
		port->receiver_name = name;
	}
	*namep = name;
	return KERN_SUCCESS;
}

void ipc_right_release(struct ipc_port *port, mach_msg_type_name_t type)
{
	if (!IP_VALID(port))
		return;
	switch (type) {
	case MACH_MSG_TYPE_PORT_SEND:
		ipc_port_release_send(port);
		break;
	case MACH_MSG_TYPE_PORT_SEND_ONCE:
		ipc_port_release_sonce(port);
		break;
	case MACH_MSG_TYPE_PORT_RECEIVE:
		ipc_port_release_receive(port);
		break;
	default:
		panic("ipc_right_release: type %u", type);
	}
}

kern_return_t ipc_right_destroy(struct ipc_space *space, mach_port_t name)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);

	if (e == NULL)
		return KERN_INVALID_NAME;
	ipc_right_check(space, name, e);
	uint32_t t = IE_TYPE(e);
	struct ipc_port *port = e->object;

	if (t & MACH_PORT_TYPE_PORT_SET) {
		struct ipc_pset *pset = e->object;
		entry_free(space, name, e);
		ipc_pset_destroy(pset);
		return KERN_SUCCESS;
	}
	if (t & MACH_PORT_TYPE_DEAD_NAME) {
		ipc_entry_dealloc(space, name, e);
		return KERN_SUCCESS;
	}
	if (t & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE))
		ipc_reverse_remove(space, port);
	entry_free(space, name, e);
	/* The entry's one reference pays for the first right released. */
	if ((t & MACH_PORT_TYPE_SEND) && (t & MACH_PORT_TYPE_RECEIVE))
		ipc_port_reference(port);
	if (t & MACH_PORT_TYPE_SEND)
		ipc_port_release_send(port);
	if (t & MACH_PORT_TYPE_SEND_ONCE)
		ipc_port_release_sonce(port);
	if (t & MACH_PORT_TYPE_RECEIVE) {
		port->receiver = NULL;
		port->receiver_name = MACH_PORT_NULL;
		ipc_pset_remove(port);
		ipc_port_release_receive(port);
	}
	return KERN_SUCCESS;
}

kern_return_t ipc_right_dealloc(struct ipc_space *space, mach_port_t name)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);

	if (e == NULL)
		return KERN_INVALID_NAME;
	ipc_right_check(space, name, e);
	uint32_t t = IE_TYPE(e);

	if (t & MACH_PORT_TYPE_DEAD_NAME) {
		entry_drop_dead_uref(space, name, e);
	} else if (t & MACH_PORT_TYPE_SEND_ONCE) {
		struct ipc_port *port = e->object;
		entry_free(space, name, e);
		ipc_port_release_sonce(port);
	} else if (t & MACH_PORT_TYPE_SEND) {
		if (IE_UREFS(e) > 1) {
			e->bits--;
		} else {
			entry_drop_send(space, name, e);
		}
	} else {
		return KERN_INVALID_RIGHT;
	}
	return KERN_SUCCESS;
}

kern_return_t ipc_right_delta(struct ipc_space *space, mach_port_t name, mach_port_right_t right, int delta)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);

	if (right >= MACH_PORT_RIGHT_NUMBER)
		return KERN_INVALID_VALUE;
	if (e == NULL)
		return KERN_INVALID_NAME;
	ipc_right_check(space, name, e);
	uint32_t t = IE_TYPE(e);
	if (!(t & MACH_PORT_TYPE(right)))
		return KERN_INVALID_RIGHT;

	switch (right) {
	case MACH_PORT_RIGHT_RECEIVE:
	case MACH_PORT_RIGHT_SEND_ONCE:
	case MACH_PORT_RIGHT_PORT_SET:
		if (delta == 0)
			return KERN_SUCCESS;
		if (delta != -1)
			return KERN_INVALID_VALUE;
		if (right == MACH_PORT_RIGHT_RECEIVE && (t & MACH_PORT_TYPE_SEND)) {
			/* Keep the send right: it becomes a dead name when the port dies. */
			struct ipc_port *port = e->object;
			e->bits &= ~MACH_PORT_TYPE_RECEIVE;
			port->receiver = NULL;
			port->receiver_name = MACH_PORT_NULL;
			ipc_pset_remove(port);
			ipc_port_reference(port);
			ipc_port_release_receive(port);
			ipc_right_check(space, name, e);
			return KERN_SUCCESS;
		}
		return ipc_right_destroy(space, name);
	default: /* SEND, DEAD_NAME: user references */
		if (delta < 0 && (uint32_t)-delta > IE_UREFS(e))
			return KERN_INVALID_VALUE;
		if (delta > 0 && IE_UREFS(e) + (uint32_t)delta > IE_UREFS_MAX)
			return KERN_UREFS_OVERFLOW;
		if (delta == 0)
			return KERN_SUCCESS;
		if ((uint32_t)-delta == IE_UREFS(e)) {
			if (right == MACH_PORT_RIGHT_SEND) {
				entry_drop_send(space, name, e);
			} else {
				ipc_entry_dealloc(space, name, e);
			}
			return KERN_SUCCESS;
		}
		e->bits += delta;
		return KERN_SUCCESS;
	}
}
