/* mach_port.defs: the operations on port names.  Each validates its
 * arguments before changing anything. */
#include <mach/notify.h>
#include <kern/debug.h>
#include <kern/sched.h>
#include <kern/kalloc.h>
#include <vm/vm_map.h>
#include <ipc/mach_port.h>

static kern_return_t lookup_port(struct ipc_space *space, mach_port_t name, uint32_t need, struct ipc_entry **ep)
{
	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	if (e == NULL)
		return KERN_INVALID_NAME;
	if (need && !(IE_TYPE(e) & need))
		return KERN_INVALID_RIGHT;
	*ep = e;
	return KERN_SUCCESS;
}

/* The port whose receive right name holds. */
static kern_return_t lookup_receive(struct ipc_space *space, mach_port_t name, struct ipc_port **port)
{
	struct ipc_entry *e;
	kern_return_t kr = lookup_port(space, name, MACH_PORT_TYPE_RECEIVE, &e);

	if (kr == KERN_SUCCESS)
		*port = e->object;
	return kr;
}

/* A send right to a dead port reads as a dead name (which it becomes). */
static __attribute__((noinline)) void port_type_check_dead(struct ipc_space *space, mach_port_t name,
							  struct ipc_entry *e)
{
	struct ipc_port *port = e->object;

	if (port != NULL && !port->active)
		ipc_right_port_died(space, name, port);
}

kern_return_t mach_port_type(struct ipc_space *space, mach_port_t name, mach_port_type_t *ptype)
{
	struct ipc_entry *e;
	kern_return_t kr = lookup_port(space, name, 0, &e);

	if (kr != KERN_SUCCESS)
		return kr;
	if (IE_TYPE(e) & MACH_PORT_TYPE_SEND_RIGHTS)
		port_type_check_dead(space, name, e);
	*ptype = IE_TYPE(e) | (e->dnnotify ? MACH_PORT_TYPE_DNREQUEST : 0);
	return KERN_SUCCESS;
}

/* Fill a new entry with a new receive right, port set or dead name. */
static kern_return_t fill_new_entry(struct ipc_space *space, mach_port_t name, struct ipc_entry *e,
				    mach_port_right_t right)
{
	switch (right) {
	case MACH_PORT_RIGHT_RECEIVE: {
		struct ipc_port *port = ipc_port_alloc();
		if (port == NULL)
			return KERN_RESOURCE_SHORTAGE;
		e->object = port;
		e->bits = MACH_PORT_TYPE_RECEIVE;
		port->receiver = space;
		port->receiver_name = name;
		ipc_reverse_insert(space, port, name);
		return KERN_SUCCESS;
	}
	case MACH_PORT_RIGHT_PORT_SET: {
		struct ipc_pset *pset = ipc_pset_alloc();
		if (pset == NULL)
			return KERN_RESOURCE_SHORTAGE;
		pset->space = space;
		pset->name = name;
		e->object = pset;
		e->bits = MACH_PORT_TYPE_PORT_SET;
		return KERN_SUCCESS;
	}
	default: /* MACH_PORT_RIGHT_DEAD_NAME */
		e->object = NULL;
		e->bits = MACH_PORT_TYPE_DEAD_NAME | 1;
		return KERN_SUCCESS;
	}
}

static int right_allocatable(mach_port_right_t right)
{
	return right == MACH_PORT_RIGHT_RECEIVE || right == MACH_PORT_RIGHT_PORT_SET ||
	       right == MACH_PORT_RIGHT_DEAD_NAME;
}

kern_return_t mach_port_allocate(struct ipc_space *space, mach_port_right_t right, mach_port_t *namep)
{
	mach_port_t name;

	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	if (!right_allocatable(right))
		return KERN_INVALID_VALUE;
	struct ipc_entry *e = ipc_entry_alloc(space, &name);
	if (e == NULL)
		return KERN_NO_SPACE;
	kern_return_t kr = fill_new_entry(space, name, e, right);
	if (kr != KERN_SUCCESS) {
		ipc_entry_dealloc(space, name, e);
		return kr;
	}
	*namep = name;
	return KERN_SUCCESS;
}

kern_return_t mach_port_allocate_name(struct ipc_space *space, mach_port_right_t right, mach_port_t name)
{
	struct ipc_entry *e;

	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	if (!right_allocatable(right) || !MACH_PORT_VALID(name))
		return KERN_INVALID_VALUE;
	kern_return_t kr = ipc_entry_alloc_name(space, name, &e);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = fill_new_entry(space, name, e, right);
	if (kr != KERN_SUCCESS)
		ipc_entry_dealloc(space, name, e);
	return kr;
}

kern_return_t mach_port_deallocate(struct ipc_space *space, mach_port_t name)
{
	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	return ipc_right_dealloc(space, name);
}

kern_return_t mach_port_destroy(struct ipc_space *space, mach_port_t name)
{
	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	return ipc_right_destroy(space, name);
}

kern_return_t mach_port_rename(struct ipc_space *space, mach_port_t old_name, mach_port_t new_name)
{
	struct ipc_entry *oe, *ne;
	kern_return_t kr = lookup_port(space, old_name, 0, &oe);

	if (kr != KERN_SUCCESS)
		return kr;
	if (!MACH_PORT_VALID(new_name))
		return KERN_INVALID_VALUE;
	kr = ipc_entry_alloc_name(space, new_name, &ne);
	if (kr != KERN_SUCCESS)
		return kr;
	oe = ipc_entry_lookup(space, old_name); /* the table may have moved */
	void *object = oe->object;
	uint32_t t = IE_TYPE(oe);
	if (t & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE))
		ipc_reverse_remove(space, object);
	ne->object = object;
	ne->bits = oe->bits;
	ne->dnnotify = oe->dnnotify;
	oe->object = NULL;
	oe->bits = 0;
	oe->dnnotify = NULL;
	ipc_entry_dealloc(space, old_name, oe);
	if (t & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE))
		ipc_reverse_insert(space, object, new_name);
	if (t & MACH_PORT_TYPE_RECEIVE)
		((struct ipc_port *)object)->receiver_name = new_name;
	if (t & MACH_PORT_TYPE_PORT_SET)
		((struct ipc_pset *)object)->name = new_name;
	if (ne->dnnotify != NULL) { /* the request follows the name */
		for (struct ipc_dnrequest *r = ((struct ipc_port *)object)->dnrequests; r; r = r->next)
			if (r->space == space && r->name == old_name)
				r->name = new_name;
	}
	return KERN_SUCCESS;
}

kern_return_t mach_port_get_refs(struct ipc_space *space, mach_port_t name, mach_port_right_t right,
				 mach_port_urefs_t *refs)
{
	struct ipc_entry *e;
	mach_port_type_t type;

	if (right >= MACH_PORT_RIGHT_NUMBER)
		return KERN_INVALID_VALUE;
	kern_return_t kr = mach_port_type(space, name, &type);
	if (kr != KERN_SUCCESS)
		return kr;
	e = ipc_entry_lookup(space, name);
	if (!(type & MACH_PORT_TYPE(right)))
		*refs = 0;
	else if (right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_DEAD_NAME)
		*refs = IE_UREFS(e);
	else
		*refs = 1;
	return KERN_SUCCESS;
}

kern_return_t mach_port_mod_refs(struct ipc_space *space, mach_port_t name, mach_port_right_t right,
				 mach_port_delta_t delta)
{
	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	return ipc_right_delta(space, name, right, delta);
}

kern_return_t mach_port_get_receive_status(struct ipc_space *space, mach_port_t name, mach_port_status_t *st)
{
	struct ipc_entry *e;
	kern_return_t kr = lookup_port(space, name, MACH_PORT_TYPE_RECEIVE, &e);

	if (kr != KERN_SUCCESS)
		return kr;
	struct ipc_port *port = e->object;
	st->mps_pset = port->pset ? port->pset->name : MACH_PORT_NULL;
	st->mps_seqno = port->seqno;
	st->mps_mscount = port->mscount;
	st->mps_qlimit = port->qlimit;
	st->mps_msgcount = port->msgcount;
	st->mps_sorights = port->sorights;
	st->mps_srights = port->srights > 0;
	st->mps_pdrequest = port->pdrequest != NULL;
	st->mps_nsrequest = port->nsrequest != NULL;
	return KERN_SUCCESS;
}

kern_return_t mach_port_set_qlimit(struct ipc_space *space, mach_port_t name, mach_port_msgcount_t qlimit)
{
	struct ipc_entry *e;
	kern_return_t kr = lookup_port(space, name, MACH_PORT_TYPE_RECEIVE, &e);

	if (kr != KERN_SUCCESS)
		return kr;
	if (qlimit > MACH_PORT_QLIMIT_MAX)
		return KERN_INVALID_VALUE;
	struct ipc_port *port = e->object;
	port->qlimit = qlimit;
	if (port->blocked_senders)
		thread_wakeup(&port->msgcount);
	return KERN_SUCCESS;
}

kern_return_t mach_port_set_mscount(struct ipc_space *space, mach_port_t name, mach_port_mscount_t mscount)
{
	struct ipc_port *port;
	kern_return_t kr = lookup_receive(space, name, &port);

	if (kr == KERN_SUCCESS)
		port->mscount = mscount;
	return kr;
}

kern_return_t mach_port_set_seqno(struct ipc_space *space, mach_port_t name, mach_port_seqno_t seqno)
{
	struct ipc_port *port;
	kern_return_t kr = lookup_receive(space, name, &port);

	if (kr == KERN_SUCCESS)
		port->seqno = seqno;
	return kr;
}

kern_return_t mach_port_move_member(struct ipc_space *space, mach_port_t member, mach_port_t after)
{
	struct ipc_entry *me, *ae = NULL;
	kern_return_t kr = lookup_port(space, member, MACH_PORT_TYPE_RECEIVE, &me);

	if (kr != KERN_SUCCESS)
		return kr;
	if (after != MACH_PORT_NULL) {
		kr = lookup_port(space, after, MACH_PORT_TYPE_PORT_SET, &ae);
		if (kr != KERN_SUCCESS)
			return kr;
	}
	struct ipc_port *port = me->object;
	if (ae == NULL) {
		if (port->pset == NULL)
			return KERN_NOT_IN_SET;
		ipc_pset_remove(port);
	} else {
		ipc_pset_add(ae->object, port);
	}
	return KERN_SUCCESS;
}

static kern_return_t request_notification(struct ipc_space *space, mach_port_t name, mach_msg_id_t id,
					  mach_port_mscount_t sync, struct ipc_port *notify, struct ipc_port **previous);

kern_return_t mach_port_request_notification(struct ipc_space *space, mach_port_t name, mach_msg_id_t id,
					     mach_port_mscount_t sync, mach_port_t notify_name, mach_port_t *previous_name)
{
	struct ipc_port *notify = (struct ipc_port *)(uintptr_t)notify_name;
	struct ipc_port *previous = IP_NULL;
	kern_return_t kr = request_notification(space, name, id, sync, notify, &previous);
	*previous_name = (mach_port_t)(uintptr_t)previous;
	return kr;
}

static kern_return_t request_notification(struct ipc_space *space, mach_port_t name, mach_msg_id_t id,
					  mach_port_mscount_t sync, struct ipc_port *notify, struct ipc_port **previous)
{
	struct ipc_entry *e;
	kern_return_t kr;

	switch (id) {
	case MACH_NOTIFY_PORT_DESTROYED:
	case MACH_NOTIFY_NO_SENDERS: {
		kr = lookup_port(space, name, MACH_PORT_TYPE_RECEIVE, &e);
		if (kr != KERN_SUCCESS)
			return kr;
		struct ipc_port *port = e->object;
		if (id == MACH_NOTIFY_PORT_DESTROYED) {
			if (sync != 0)
				return KERN_INVALID_VALUE;
			*previous = port->pdrequest;
			port->pdrequest = notify;
			return KERN_SUCCESS;
		}
		*previous = port->nsrequest;
		port->nsrequest = NULL;
		port->nsrequest_sync = sync;
		if (IP_VALID(notify)) {
			/* Already no senders and sync reached: fire at once. */
			if (port->srights == 0 && port->mscount >= sync)
				ipc_notify_no_senders(notify, port->mscount);
			else
				port->nsrequest = notify;
		}
		return KERN_SUCCESS;
	}
	case MACH_NOTIFY_DEAD_NAME: {
		kr = lookup_port(space, name, MACH_PORT_TYPE_SEND_RIGHTS | MACH_PORT_TYPE_RECEIVE |
						      MACH_PORT_TYPE_DEAD_NAME, &e);
		if (kr != KERN_SUCCESS)
			return kr;
		mach_port_type_t type;
		mach_port_type(space, name, &type); /* turns a dead port into a dead name */
		if (type & MACH_PORT_TYPE_DEAD_NAME) {
			if (sync == 0)
				return KERN_INVALID_ARGUMENT;
			/* Already dead: notify now (the name gains a reference for it). */
			*previous = IP_NULL;
			if (IP_VALID(notify)) {
				e->bits++;
				ipc_notify_dead_name(notify, name);
			}
			return KERN_SUCCESS;
		}
		struct ipc_port *port = e->object;
		*previous = e->dnnotify;
		e->dnnotify = NULL;
		if (*previous == IP_NULL && IP_VALID(notify)) {
			struct ipc_dnrequest *r = ipc_dnrequest_alloc();
			if (r == NULL)
				return KERN_RESOURCE_SHORTAGE;
			r->space = space;
			r->name = name;
			r->next = port->dnrequests;
			port->dnrequests = r;
		} else if (*previous != IP_NULL && !IP_VALID(notify)) {
			for (struct ipc_dnrequest **p = &port->dnrequests; *p; p = &(*p)->next)
				if ((*p)->space == space && (*p)->name == name) {
					struct ipc_dnrequest *r = *p;
					*p = r->next;
					ipc_dnrequest_free(r);
					break;
				}
		}
		e->dnnotify = IP_VALID(notify) ? notify : IP_NULL;
		return KERN_SUCCESS;
	}
	default:
		return KERN_INVALID_VALUE;
	}
}

kern_return_t mach_port_insert_right(struct ipc_space *space, mach_port_t name, mach_port_t port_name,
				     mach_msg_type_name_t type)
{
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)port_name;
	struct ipc_entry *e;
	mach_port_t got;

	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	if (!MACH_PORT_VALID(name) || !IP_VALID(port) ||
	    (type != MACH_MSG_TYPE_PORT_SEND && type != MACH_MSG_TYPE_PORT_SEND_ONCE &&
	     type != MACH_MSG_TYPE_PORT_RECEIVE))
		return KERN_INVALID_VALUE;
	e = ipc_entry_lookup(space, name);
	mach_port_t existing = type == MACH_MSG_TYPE_PORT_SEND_ONCE ? 0 : ipc_reverse_lookup(space, port);
	if (e != NULL) {
		/* Only merging a send right into the name already holding the port's rights. */
		if (existing != name || type == MACH_MSG_TYPE_PORT_RECEIVE)
			return KERN_NAME_EXISTS;
		if (type == MACH_MSG_TYPE_PORT_SEND && IE_UREFS(e) == IE_UREFS_MAX)
			return KERN_UREFS_OVERFLOW;
		return ipc_right_copyout(space, port, type, &got);
	}
	if (existing != 0)
		return KERN_RIGHT_EXISTS;
	kern_return_t kr = ipc_entry_alloc_name(space, name, &e);
	if (kr != KERN_SUCCESS)
		return kr;
	e->object = port;
	if (type == MACH_MSG_TYPE_PORT_SEND_ONCE) {
		e->bits = MACH_PORT_TYPE_SEND_ONCE | 1;
		return KERN_SUCCESS;
	}
	e->bits = type == MACH_MSG_TYPE_PORT_SEND ? (MACH_PORT_TYPE_SEND | 1) : MACH_PORT_TYPE_RECEIVE;
	ipc_reverse_insert(space, port, name);
	if (type == MACH_MSG_TYPE_PORT_RECEIVE) {
		port->receiver = space;
		port->receiver_name = name;
	}
	return KERN_SUCCESS;
}

kern_return_t mach_port_extract_right(struct ipc_space *space, mach_port_t name, mach_msg_type_name_t disp,
				      mach_port_t *port_name, mach_msg_type_name_t *type)
{
	struct ipc_port *port = IP_NULL;

	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	if (!MACH_MSG_TYPE_PORT_ANY(disp))
		return KERN_INVALID_VALUE;
	kern_return_t kr = ipc_right_copyin(space, name, disp, &port, type);
	*port_name = (mach_port_t)(uintptr_t)port;
	return kr;
}

kern_return_t mach_port_names_fill(struct ipc_space *space, mach_port_t *names, mach_port_type_t *types,
				   unsigned *count)
{
	unsigned n = 0;

	if (space == NULL || !space->active)
		return KERN_INVALID_TASK;
	for (unsigned i = 1; i < space->size; i++) {
		mach_port_type_t t;
		mach_port_t name = space->table[i].name;
		if (IE_TYPE(&space->table[i]) == 0 || mach_port_type(space, name, &t) != KERN_SUCCESS)
			continue;
		if (n < *count) {
			names[n] = name;
			types[n] = t;
		}
		n++;
	}
	*count = n;
	return KERN_SUCCESS;
}

/* An array handed out of line: the reply carries a VM copy of it. */
static kern_return_t ool_array(const void *data, mach_msg_type_number_t count, void **out)
{
	vm_map_copy_t copy = NULL;

	if (count != 0 && vm_map_copyin_kernel_buffer(data, count * sizeof(uint32_t), &copy) != KERN_SUCCESS)
		return KERN_RESOURCE_SHORTAGE;
	*out = copy;
	return KERN_SUCCESS;
}

kern_return_t mach_port_names(struct ipc_space *space, mach_port_t **names, mach_msg_type_number_t *names_count,
			      mach_port_type_t **types, mach_msg_type_number_t *types_count)
{
	unsigned count = 0;
	kern_return_t kr = mach_port_names_fill(space, NULL, NULL, &count);

	if (kr != KERN_SUCCESS)
		return kr;
	size_t bytes = (count ? count : 1) * sizeof(uint32_t);
	mach_port_t *n = kalloc(bytes);
	mach_port_type_t *t = kalloc(bytes);
	if (n == NULL || t == NULL) {
		kr = KERN_RESOURCE_SHORTAGE;
		goto out;
	}
	mach_port_names_fill(space, n, t, &count);
	kr = ool_array(n, count, (void **)names);
	if (kr == KERN_SUCCESS) {
		kr = ool_array(t, count, (void **)types);
		if (kr != KERN_SUCCESS)
			vm_map_copy_discard((vm_map_copy_t)*names);
	}
	*names_count = *types_count = count;
out:
	if (n)
		kfree(n, bytes);
	if (t)
		kfree(t, bytes);
	return kr;
}

kern_return_t mach_port_get_set_status(struct ipc_space *space, mach_port_t name, mach_port_t **members,
				       mach_msg_type_number_t *count)
{
	struct ipc_entry *e;
	kern_return_t kr = lookup_port(space, name, MACH_PORT_TYPE_PORT_SET, &e);

	if (kr != KERN_SUCCESS)
		return kr;
	struct ipc_pset *pset = e->object;
	struct ipc_port *p;
	unsigned n = 0;
	queue_iterate(&pset->members, p, struct ipc_port, pset_link)
		n++;
	size_t bytes = (n ? n : 1) * sizeof(mach_port_t);
	mach_port_t *buf = kalloc(bytes);
	if (buf == NULL)
		return KERN_RESOURCE_SHORTAGE;
	n = 0;
	queue_iterate(&pset->members, p, struct ipc_port, pset_link)
		buf[n++] = p->receiver_name;
	kr = ool_array(buf, n, (void **)members);
	*count = n;
	kfree(buf, bytes);
	return kr;
}

kern_return_t mach_port_set_protected_payload(struct ipc_space *space, mach_port_t name, unsigned long payload)
{
	struct ipc_port *port;
	kern_return_t kr = lookup_receive(space, name, &port);

	if (kr == KERN_SUCCESS) {
		port->has_payload = 1;
		port->payload = payload;
	}
	return kr;
}

kern_return_t mach_port_clear_protected_payload(struct ipc_space *space, mach_port_t name)
{
	struct ipc_port *port;
	kern_return_t kr = lookup_receive(space, name, &port);

	if (kr == KERN_SUCCESS)
		port->has_payload = 0;
	return kr;
}
