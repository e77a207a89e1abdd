/*
 * The pager kit (libmach/pager): write an external pager by filling in a
 * few callbacks.  The kit owns the memory object port, runs the threads
 * that serve it, and speaks the memory_object protocol with the kernel
 * (memory_object_ready at init, data_supply / data_unavailable /
 * data_error for requests, unlocks, returned pages, terminate), so a
 * callback only deals with one page at a time.  docs/writing-a-pager.md
 * walks through an example.
 */
#ifndef _PAGER_H_
#define _PAGER_H_

#include <mach.h>
#include <mach/memory_object.h>

/* A read callback's answer for a page that has no data: the kernel
 * zero-fills it (memory_object_data_unavailable); for the object of a
 * copy (see copy below) it reads the original's page instead. */
#define PAGER_ZERO_FILL ((kern_return_t)0x7ffe0001)
#define PAGER_UNAVAILABLE PAGER_ZERO_FILL
/* A callback's answer when it has replied to the kernel itself (or means
 * not to reply at all): the kit sends nothing. */
#define PAGER_NO_REPLY ((kern_return_t)0x7ffe0002)

struct pager;

/* What the kit calls; ctx is pager_create's.  Only read (or read_page)
 * is required.  Callbacks may run concurrently in the kit's threads. */
struct pager_ops {
	/* Fill buf (vm_page_size bytes, all of it: it is not cleared
	 * first) with the page at offset.
	 * KERN_SUCCESS: supplied; PAGER_ZERO_FILL: zero page; any other
	 * error: memory_object_data_error (the faulting thread gets
	 * EXC_BAD_ACCESS).  *lock (VM_PROT_NONE on entry) is the access to
	 * forbid until an unlock (e.g. VM_PROT_WRITE for copy-on-write). */
	kern_return_t (*read)(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock);
	/* The kernel gives a page back (dirty: it was modified; precious or
	 * dirty pages come when flushed, cleaned or when the object ends). */
	kern_return_t (*write)(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty);
	/* A fault wants access a page was locked against: KERN_SUCCESS
	 * grants it (the default without a callback), anything else leaves
	 * the page locked (the fault times out with an error). */
	kern_return_t (*unlock)(void *ctx, vm_offset_t offset, vm_size_t length, vm_prot_t access);
	/* The kernel no longer uses the object (memory_object_terminate). */
	void (*terminated)(void *ctx);
	/* A lock_request made with pager_lock_request has completed (with
	 * this callback, every one of them is answered, waited for or not). */
	void (*lock_completed)(void *ctx, vm_offset_t offset, vm_size_t length);
	/* PAGER_COPY_CALL: the kernel made a copy of [offset, offset +
	 * length) (memory_object_copy).  new_object, a receive right that is
	 * now the callback's, is the copy's memory object: serve it (e.g.
	 * pager_adopt with a null control, then pager_start).  Its page at
	 * offset x is the original's at offset + x; what the copy's pager
	 * answers PAGER_UNAVAILABLE for is read from the original, so before
	 * the original's data changes, the copy must be given the old data
	 * (data_supply on its control port).  The kernel has locked the
	 * original's resident pages against writing: a write asks unlock
	 * first.  Without the callback the copy's object is destroyed (its
	 * pages fail). */
	void (*copy)(void *ctx, vm_offset_t offset, vm_size_t length, mach_port_t new_object);
	/* The port has no senders left (PAGER_NO_SENDERS; checked with the
	 * kernel, so a forged notification is ignored).  TRUE: the kit
	 * destroys the pager (its port and struct) once this returns; FALSE
	 * keeps it (the callback may have asked to be told again). */
	boolean_t (*no_senders)(void *ctx);
	/* Instead of read, for a pager whose data is already in pages of
	 * its own (received out of line from a device or another server, a
	 * cache page it is done with): set *page to such a page
	 * (page-aligned, vm_page_size bytes) holding the page at offset and
	 * give it away.  The kit sends it with deallocate and the kernel
	 * moves it into the object (no copy when nothing else maps it): on
	 * KERN_SUCCESS the page is no longer the pager's, sent or not.
	 * Other results as read's, *page left alone.  Filling a page
	 * allocated for the purpose costs more than read's copy. */
	kern_return_t (*read_page)(void *ctx, vm_offset_t offset, vm_address_t *page, vm_prot_t *lock);
};

/* Attributes given at memory_object_ready. */
#define PAGER_MAY_CACHE 0x1 /* the kernel may keep the pages after the last unmap */
#define PAGER_PRECIOUS 0x2  /* supplied pages are precious (come back even if clean) */
/* The copy strategy (memory_object.h); without one of these, DELAY: the
 * kernel keeps copies itself, and this pager promises not to change data
 * the kernel has without flushing it first (lock_request). */
#define PAGER_COPY_NONE 0x4	 /* copies are made at once, page by page */
#define PAGER_COPY_CALL 0x8	 /* the copy callback is told of each copy */
#define PAGER_COPY_TEMPORARY 0x10 /* nobody else changes the data; copies may share it */
/* The pager's messages are handled one at a time, in the order the port
 * received them (msgh_seqno), whatever thread of a pool takes them: a
 * lock_completed is seen only after the data_returns that came before
 * it, so a pager that waits for it knows it has every returned page. */
#define PAGER_SERIAL 0x20

/* A new pager (its port has a receive and a send right); NULL if out of
 * memory.  *memory_object gets the port to vm_map. */
struct pager *pager_create(const struct pager_ops *ops, void *ctx, int flags, mach_port_t *memory_object);
/* A pager for a memory object port the kernel made, whose receive
 * right we hold: a default pager's memory_object_create (with a send
 * right to its control port: no memory_object_init comes; pages arrive
 * through write, data_initialize and data_return, and leave through
 * read), or the new object of memory_object_copy (control null: init
 * comes later). */
struct pager *pager_adopt(const struct pager_ops *ops, void *ctx, int flags, mach_port_t memory_object,
			  mach_port_t control);
/* The kit's demux (memory_object requests and data_initialize for any
 * kit pager, found by the port the request came to): for a server that
 * runs its own loop, e.g. on a port set holding many pagers' ports. */
boolean_t pager_demux(mach_msg_header_t *in, mach_msg_header_t *out);
/* Forget the pager: remove it from the kit, destroy its port and free
 * it.  Only when no message of its port is being handled (e.g. from
 * no_senders, by returning TRUE). */
void pager_destroy(struct pager *pager);
/* Serve the port with nthreads threads (cthreads) in the background. */
kern_return_t pager_start(struct pager *pager, int nthreads);
/* The port to vm_map (the same as pager_create gave). */
mach_port_t pager_port(struct pager *pager);
/* The kernel's control port once memory_object_init came, else null. */
mach_port_t pager_control(struct pager *pager);
/* Wait up to timeout_ms for memory_object_init; KERN_SUCCESS if it came. */
kern_return_t pager_wait_init(struct pager *pager, unsigned timeout_ms);
/* memory_object_lock_request on [offset, offset + size): return pages
 * (MEMORY_OBJECT_RETURN_*), flush them, forbid lock access; with
 * wait_done, wait for lock_completed before returning. */
kern_return_t pager_lock_request(struct pager *pager, vm_offset_t offset, vm_size_t size,
				 memory_object_return_t should_return, boolean_t flush, vm_prot_t lock,
				 boolean_t wait_done);

#endif /* _PAGER_H_ */
