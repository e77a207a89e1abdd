/*
 * The default memory manager (booted with QEMU -m 16 and the privileged
 * host port as argument): this task registers as default pager with
 * vm_set_default_memory_manager, wires everything it has, then writes
 * more anonymous memory than the machine holds.  The kernel must hand
 * the temporary objects to it (memory_object_create), send their pages
 * (memory_object_data_initialize, later data_return) with exactly what
 * was written, and ask for them back (data_request) when they are read.
 * Like the pressure test's pager, ours keeps no copy of the big region's
 * pages (it knows the pattern and checks it); other objects' pages it
 * stores.
 */
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include <pager.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define PAGE 4096
#define NPAGES 4000 /* 15.6 MiB of anonymous memory on a 14 MiB machine */
#define MAX_OBJECTS 64
#define MEMORY_OBJECT_CREATE_ID 2250

struct object {
	vm_size_t size;
	int big; /* the region under test */
	unsigned char *have;
	void **pages; /* others: stored copies */
};

static struct object objects[MAX_OBJECTS];
static volatile int nobjects, creates, initializes, requests, bad, stored_other;
static mach_port_t set; /* the default pager port and every object's port */

static unsigned modified(unsigned page, unsigned word)
{
	return (page * 7919u + word) ^ 0xbeef0000u;
}

static kern_return_t dp_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	struct object *o = ctx;
	unsigned n = offset / PAGE, *w = buf;
	(void)lock;
	requests++;
	if (offset >= o->size || !o->have[n]) {
		bad++; /* the kernel asks only for pages it sent */
		return KERN_FAILURE;
	}
	if (o->big)
		for (unsigned i = 0; i < PAGE / 4; i++)
			w[i] = modified(n, i);
	else
		memcpy(buf, o->pages[n], PAGE);
	return KERN_SUCCESS;
}

static kern_return_t dp_write(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty)
{
	struct object *o = ctx;
	unsigned n = offset / PAGE;
	const unsigned *w = buf;
	(void)dirty;
	initializes++;
	if (offset >= o->size) {
		bad++;
		return KERN_FAILURE;
	}
	if (o->big) {
		for (unsigned i = 0; i < PAGE / 4; i++)
			if (w[i] != modified(n, i)) {
				bad++;
				return KERN_FAILURE;
			}
	} else {
		if (o->pages[n] == NULL && (o->pages[n] = malloc(PAGE)) == NULL)
			return KERN_RESOURCE_SHORTAGE;
		memcpy(o->pages[n], buf, PAGE);
		stored_other++;
	}
	o->have[n] = 1;
	return KERN_SUCCESS;
}

static const struct pager_ops dp_ops = {.read = dp_read, .write = dp_write};

/* memory_object_create, decoded by hand (libmach has the user side of
 * memory_object_default.defs only). */
struct create_msg {
	mach_msg_header_t head;
	mach_msg_type_t object_type;
	mach_port_t object;
	mach_msg_type_t size_type;
	vm_size_t size;
	mach_msg_type_t control_type;
	mach_port_t control;
	mach_msg_type_t name_type;
	mach_port_t name;
	mach_msg_type_t page_size_type;
	vm_size_t page_size;
};

static boolean_t dp_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	if (in->msgh_id != MEMORY_OBJECT_CREATE_ID)
		return pager_demux(in, out);
	struct create_msg *m = (struct create_msg *)in;
	mig_reply_header_t *r = (mig_reply_header_t *)out;
	r->Head.msgh_bits = 0;
	r->Head.msgh_remote_port = MACH_PORT_NULL;
	r->Head.msgh_size = sizeof(*r);
	r->RetCode = MIG_NO_REPLY;
	creates++;
	if (in->msgh_size != sizeof(*m) || m->object_type.msgt_name != MACH_MSG_TYPE_PORT_RECEIVE ||
	    nobjects == MAX_OBJECTS || m->page_size != PAGE) {
		bad++;
		r->RetCode = MIG_BAD_ARGUMENTS;
		return TRUE;
	}
	struct object *o = &objects[nobjects++];
	o->size = m->size;
	o->big = m->size == NPAGES * PAGE;
	o->have = calloc(m->size / PAGE + 1, 1);
	o->pages = o->big ? NULL : calloc(m->size / PAGE + 1, sizeof(void *));
	if (MACH_PORT_VALID(m->name))
		mach_port_deallocate(T, m->name);
	pager_adopt(&dp_ops, o, 0, m->object, m->control);
	mach_port_move_member(T, m->object, set);
	return TRUE;
}

static void *dp_thread(void *arg)
{
	(void)arg;
	mach_msg_server(dp_demux, 4096, set);
	return NULL;
}

/* Wire every region we have now (the default pager must never wait for
 * itself); the memory written later is what gets paged out. */
static int wire_everything(mach_port_t host_priv)
{
	vm_address_t addr = 0;
	int failures = 0;
	for (;;) {
		vm_size_t size;
		vm_prot_t prot, max;
		vm_inherit_t inh;
		boolean_t shared;
		mach_port_t name;
		vm_offset_t off;
		if (vm_region(T, &addr, &size, &prot, &max, &inh, &shared, &name, &off) != KERN_SUCCESS)
			break;
		if (prot & VM_PROT_READ)
			failures += vm_wire(host_priv, T, addr, size, prot & (VM_PROT_READ | VM_PROT_WRITE)) !=
				    KERN_SUCCESS;
		addr += size;
	}
	return failures;
}

int main(int argc, char **argv)
{
	mach_port_t host_priv = argc > 1 ? (mach_port_t)strtoul(argv[1], NULL, 10) : MACH_PORT_NULL;
	mach_port_t dp = new_port_with_send(), old = dp;
	cthread_t t[2];

	if (!ok(MACH_PORT_VALID(host_priv), "the privileged host port is argv[1]"))
		return tap_done();
	mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &set);
	mach_port_move_member(T, dp, set);
	for (int i = 0; i < 2; i++)
		cthread_create(&t[i], dp_thread, NULL);
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50); /* the threads start serving */
	is(wire_everything(host_priv), 0, "all our memory wired");
	if (!is_kr(vm_set_default_memory_manager(host_priv, &old), KERN_SUCCESS, "vm_set_default_memory_manager"))
		return tap_done();
	is(old, MACH_PORT_NULL, "there was none before");

	vm_address_t a = 0;
	if (!is_kr(vm_allocate(T, &a, NPAGES * PAGE, TRUE), KERN_SUCCESS, "vm_allocate %u pages", NPAGES))
		return tap_done();
	volatile unsigned *m = (volatile unsigned *)a;
	for (unsigned n = 0; n < NPAGES; n++)
		for (unsigned i = 0; i < PAGE / 4; i++)
			m[n * PAGE / 4 + i] = modified(n, i);
	ok(1, "every page written");
	cmp_ok(creates, ">=", 1, "memory_object_create for the temporary objects (%d)", creates);
	cmp_ok(initializes, ">", 0, "their pages came to us (%d)", initializes);
	is(bad, 0, "each with exactly what was written");
	unsigned wrong = 0;
	for (unsigned n = 0; n < NPAGES; n++)
		for (unsigned i = 0; i < PAGE / 4; i += 97)
			wrong += m[n * PAGE / 4 + i] != modified(n, i);
	is(wrong, 0, "reading it all back finds every write");
	cmp_ok(requests, ">", 0, "pages came back with data_request (%d)", requests);
	is(bad, 0, "nothing asked that we were not given");
	diag("other objects' pages stored: %d", stored_other);
	return tap_done();
}
