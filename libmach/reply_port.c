/*
 * The reply port MIG user stubs use: one receive right per thread, made
 * on first use and kept in the thread's descriptor, so an RPC costs no
 * port allocation.  A stub that saw its send or receive fail gives the
 * port back with mig_dealloc_reply_port, since a late reply may still
 * arrive on it, and gets a fresh one in its place.  Stubs built with
 * libmach's flags read the cached port inline (<mach/mig_support.h>) and
 * call mig_get_reply_port only when there is none; the names are in
 * parentheses below because <mach/mig_support.h> makes them macros.
 */
#include "libmach_private.h"

mach_port_t (mig_get_reply_port)(void)
{
	struct cthread *self = cthread_current();
	if (self->reply_port == MACH_PORT_NULL)
		self->reply_port = mach_reply_port();
	return self->reply_port;
}

void mig_dealloc_reply_port(mach_port_t port)
{
	struct cthread *self = cthread_current();
	if (self->reply_port != port)
		return;
	/*
	 * The RPC below needs a reply port of its own: make it first.  The
	 * routine that failed may have renamed or destroyed ours (it was
	 * the port it worked on), leaving the name free.  A name freed and
	 * taken again is a different name (its generation moves on), so the
	 * new port gets it only if the generations wrapped; then there is
	 * nothing to drop, and dropping it would destroy the new port under
	 * the next RPC, whose failure would come back here, for ever.
	 */
	mach_port_t fresh = mach_reply_port();
	self->reply_port = fresh;
	if (fresh != port)
		mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_RECEIVE, -1);
}

void (mig_put_reply_port)(mach_port_t port)
{
	/* The port stays cached in the descriptor. */
	(void)port;
}

void mig_forget_reply_port(void)
{
	/* In a task made by copying this one (fork): the name is not ours. */
	cthread_current()->reply_port = MACH_PORT_NULL;
}
