/*
 * Direct delivery (docs/ipc.md, "The fast path"), for the IPC fast path
 * (ipc/msg.c) and the kernel's own messages to pagers
 * (vm/memory_object.c: pager_page_direct), inline in both: it is half
 * of every such delivery.  Interrupts off from the first call to the
 * switch: nothing may wake the receiver meanwhile.
 * ipc_receiver_waiting: the thread blocked receiving on port (or on its
 * set) whose buffer can take a message of size bytes now, with the
 * buffer's kernel addresses in *w; reply_name: the message brings a
 * right that needs a new name (room in the receiver's table, which must
 * not grow now).  NULL if none.  The caller checks that nothing is queued
 * on the port before it.
 * ipc_window_write: write the message (size bytes) there.
 * ipc_receive_complete: the receiver's mach_msg is complete (its result
 * in its user frame); the caller switches to it (thread_block_ipc).
 */
#ifndef IPC_DELIVER_H
#define IPC_DELIVER_H
#include <stddef.h>
#include <i386/pmap.h>
#include <i386/vm_param.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/port.h>
#include <ipc/space.h>

struct ipc_window {
	char *kva[2]; /* `first` bytes at kva[0], the rest at kva[1] (the next page) */
	size_t first;
};
void ipc_window_write(const struct ipc_window *w, const void *msg, size_t size);

static inline __attribute__((always_inline)) struct thread *ipc_receiver_waiting(struct ipc_port *port, size_t size,
									int reply_name, struct ipc_window *w)
{
	struct ipc_pset *pset = port->pset;
	queue_head_t *q = pset == NULL ? &port->receivers : &pset->receivers;

	/* A receiver on a set has no message on any member (it would have
	 * taken it). */
	if (queue_empty(q) || (pset != NULL && pset->msgcount != 0))
		return NULL;
	struct thread *r = queue_first_entry(q, struct thread, ipc_wait_link);
	struct ipc_space *space = r->task->itk_space;
	/* Still blocked (not woken and yet to run), in this port's space,
	 * with room in its buffer and in its name table for the reply right
	 * (growing the table could wait for memory). */
	if (r->ipc_rcv_msg == NULL || !(r->state & TH_WAIT) || port->receiver != space || size > r->ipc_rcv_size ||
	    (reply_name && space->free_head == 0) || thread_must_stop(r))
		return NULL;
	uintptr_t va = (uintptr_t)r->ipc_rcv_msg;
	size_t room = PAGE_SIZE - (va & PAGE_MASK);
	if ((w->kva[0] = pmap_user_kva(r->task->pmap, va, 1)) == NULL)
		return NULL;
	w->first = size;
	w->kva[1] = NULL;
	if (size > room) {
		w->first = room;
		if ((w->kva[1] = pmap_user_kva(r->task->pmap, va + room, 1)) == NULL)
			return NULL;
	}
	return r;
}

static inline __attribute__((always_inline)) void ipc_receive_complete(struct thread *r)
{
	queue_remove_entry(&r->ipc_wait_link);
	r->ipc_rcv_msg = NULL;
	r->pcb.user_state->eax = MACH_MSG_SUCCESS;
	/* The reference r took to wait on the port or its set
	 * (receive_wait_enter); never the last: the receive right's (or the
	 * set's) entry holds one. */
	--*r->ipc_wait_ref;
}
#endif
