/*
 * The i386 wire layout of a sample of Ernst's kernel RPCs, checked
 * against GNU Mach i386's.  GNU MIG only targets x86_64 here, so the
 * expected figures are derived from GNU Mach i386's message format
 * (gnumach-abi.md): a 24-byte header, then per datum a 4-byte type
 * descriptor and its data padded to 4 bytes; a port is one 4-byte word;
 * out-of-line data is a long-form descriptor (12 bytes) and a 4-byte
 * address.  A stand-in mach_msg records what each user stub sends: the
 * size, the id, the header bits and the descriptor words.
 *
 * Built for i386 (-m32) with Ernst's user stubs.  Prints TAP.
 */
#include <stdio.h>
#include <string.h>
#include "mach.h"
#include "mach_port.h"
#include "exc.h"
#include "memory_object.h"
#include "device.h"

static unsigned char sent[8192];
static mach_msg_size_t sent_size;

mach_msg_return_t mach_msg(mach_msg_header_t *msg, mach_msg_option_t option,
			   mach_msg_size_t send_size, mach_msg_size_t rcv_size,
			   mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
			   mach_port_name_t notify)
{
	(void)option, (void)rcv_size, (void)rcv_name, (void)timeout, (void)notify;
	sent_size = send_size;
	memcpy(sent, msg, send_size < sizeof sent ? send_size : sizeof sent);
	return MACH_SEND_INVALID_DEST; /* no reply: the stub returns this */
}

mach_port_t mig_get_reply_port(void) { return 99; }
void mig_dealloc_reply_port(mach_port_t port) { (void)port; }
void (mig_put_reply_port)(mach_port_t port) { (void)port; }
void mig_allocate(vm_offset_t *addr, vm_size_t size) { (void)size; *addr = 0; }
void mig_deallocate(vm_offset_t addr, vm_size_t size) { (void)addr, (void)size; }

static int count, failed;

static unsigned word(unsigned offset)
{
	unsigned w;
	memcpy(&w, sent + offset, 4);
	return w;
}

/* A short descriptor: name, bits per element, count, inline. */
static unsigned desc(unsigned name, unsigned size, unsigned number)
{
	return name | size << 8 | number << 16 | 1u << 28;
}

#define INT32 desc(MACH_MSG_TYPE_INTEGER_32, 32, 1)
#define BOOL desc(MACH_MSG_TYPE_BOOLEAN, 32, 1)

/* Check size and id, then the descriptors at 24, 32, ... */
static void check(const char *what, unsigned size, int id, int complex,
		  const unsigned *descs, int ndescs)
{
	mach_msg_header_t h;
	memcpy(&h, sent, sizeof h);
	int ok = sent_size == size && h.msgh_size == size && h.msgh_id == id &&
		 !!(h.msgh_bits & MACH_MSGH_BITS_COMPLEX) == complex;
	for (int i = 0; ok && i < ndescs; i++)
		ok = word(24 + 8 * (unsigned)i) == descs[i];
	printf("%sok %d - %s: %u bytes, id %d", ok ? "" : "not ", ++count, what,
	       sent_size, h.msgh_id);
	if (!ok) {
		printf(" (expected %u bytes, id %d); words:", size, id);
		for (unsigned o = 24; o < sent_size && o < 24 + 8 * 8; o += 4)
			printf(" %08x", word(o));
		failed++;
	}
	printf("\n");
}

int main(void)
{
	printf("1..8\n");
	sizeof(mach_msg_header_t) == 24 ? (void)0 : (void)failed++;

	/* vm_allocate(task; inout address; size; anywhere): 24 + 3 * 8. */
	vm_address_t addr = 0x1000;
	vm_allocate(1, &addr, 4096, TRUE);
	check("vm_allocate request", 48, 2021, 0,
	      (unsigned[]){ INT32, INT32, BOOL }, 3);

	/* vm_map: 10 data after the request port, one of them a port. */
	addr = 0;
	vm_map(1, &addr, 4096, 0, TRUE, 7, 0, FALSE, VM_PROT_READ, VM_PROT_ALL,
	       VM_INHERIT_COPY);
	check("vm_map request", 24 + 10 * 8, 2089, 1,
	      (unsigned[]){ INT32, INT32, INT32, BOOL,
			    desc(MACH_MSG_TYPE_COPY_SEND, 32, 1), INT32, BOOL,
			    INT32, INT32, INT32 }, 10);

	/* mach_port_allocate(task; right; out name): 24 + 8. */
	mach_port_t name;
	mach_port_allocate(1, MACH_PORT_RIGHT_RECEIVE, &name);
	check("mach_port_allocate request", 32, 3204, 0, (unsigned[]){ INT32 }, 1);

	/* mach_port_insert_right(task; name; poly): a right of the caller's
	   choosing: 24 + 8 + 8, complex. */
	mach_port_insert_right(1, 5, 5, MACH_MSG_TYPE_MAKE_SEND);
	check("mach_port_insert_right request", 40, 3215, 1,
	      (unsigned[]){ desc(MACH_MSG_TYPE_PORT_NAME, 32, 1),
			    desc(MACH_MSG_TYPE_MAKE_SEND, 32, 1) }, 2);

	/* task_create(task; inherit_memory; out child): 24 + 8. */
	task_t child;
	task_create(1, FALSE, &child);
	check("task_create request", 32, 2007, 0, (unsigned[]){ BOOL }, 1);

	/* exception_raise(port; thread; task; exception; code; subcode):
	   two rights and three integers, 24 + 5 * 8. */
	exception_raise(1, 2, 3, 1, 1, 0x1234);
	check("exception_raise request", 64, 2400, 1,
	      (unsigned[]){ desc(MACH_MSG_TYPE_COPY_SEND, 32, 1),
			    desc(MACH_MSG_TYPE_COPY_SEND, 32, 1), INT32, INT32,
			    INT32 }, 5);

	/* memory_object_data_request(object; control (make send); offset;
	   length; desired_access): 24 + 4 * 8, one way. */
	memory_object_data_request(1, 2, 0, 4096, VM_PROT_READ);
	check("memory_object_data_request request", 56, 2203, 1,
	      (unsigned[]){ desc(MACH_MSG_TYPE_MAKE_SEND, 32, 1), INT32, INT32,
			    INT32 }, 4);

	/* device_read(device; mode; recnum; bytes_wanted; out data): 24 + 3 * 8. */
	io_buf_ptr_t data;
	mach_msg_type_number_t dataCnt;
	device_read(1, D_READ, 0, 512, &data, &dataCnt);
	check("device_read request", 48, 2804, 0,
	      (unsigned[]){ INT32, INT32, INT32 }, 3);

	return failed != 0;
}
