/* Copy objects (out-of-line data): physical below the threshold, virtual
 * (copy-on-write) above it, unaligned data arriving at the same offset in
 * its page, src_destroy; vm_read, vm_write and vm_copy between maps, with
 * their errors; nothing leaked. */
#include <kern/ktest.h>
#include <kern/string.h>
#include "ktest_vm_util.h"

#define P PAGE_SIZE
#define BASE 0x30000000u

KTEST(vm_copy_small_and_large)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count, objects0 = vm_object_count;
	struct vm_map *src = vmt_map(), *dst = vmt_map();
	vm_offset_t a = BASE, out;
	vm_map_copy_t copy;
	uint32_t v;

	vm_allocate(src, &a, 8 * P, FALSE);
	vmt_fill(src, a, 8 * P, 0x4000);

	/* Small and unaligned: a kernel buffer. */
	ktest_ok(vm_map_copyin(src, a + 0x124, 100, FALSE, &copy) == KERN_SUCCESS &&
			 copy->type == VM_MAP_COPY_KERNEL_BUFFER,
		 "100 bytes: copied physically");
	vmt_write(src, a + 0x124, 0);
	ktest_ok(vm_map_copyout(dst, &out, copy) == KERN_SUCCESS && (out & PAGE_MASK) == 0x124,
		 "arrives at the same offset in its page (0x%x)", (unsigned)out);
	ktest_ok(vmt_check(dst, out, 100, 0x4000 + 0x124) == 0, "the data as it was when copied in");
	ktest_ok(vmt_read(dst, trunc_page(out), &v) == 0 && v == 0 && vmt_read(dst, out + 100, &v) == 0 && v == 0,
		 "the rest of the page is zero");
	vmt_write(src, a + 0x124, 0x4000 + 0x124);

	/* Large and unaligned: entries, copy-on-write. */
	vm_size_t len = 5 * P + 0x10;
	ktest_ok(vm_map_copyin(src, a + 0x7f0, len, FALSE, &copy) == KERN_SUCCESS &&
			 copy->type == VM_MAP_COPY_ENTRY_LIST,
		 "5 pages and a bit: copied virtually");
	ktest_ok(vmt_write_faults(src, a + P), "the source became copy-on-write");
	ktest_ok(vmt_write(src, a + 2 * P, 0x77) == 0, "the source writes after the copy");
	ktest_ok(vm_map_copyout(dst, &out, copy) == KERN_SUCCESS && (out & PAGE_MASK) == 0x7f0,
		 "arrives at the same offset (0x%x)", (unsigned)out);
	ktest_ok(vmt_check(dst, out, len, 0x4000 + 0x7f0) == 0, "the receiver sees the data as copied");
	ktest_ok(vmt_write(dst, out + P, 0x99) == 0 && vmt_read(src, a + 0x7f0 + P, &v) == 0 && v == 0x4000 + 0x7f0 + P,
		 "the receiver's write does not reach the source");
	vm_offset_t s;
	vm_size_t sz;
	vm_prot_t prot;
	ktest_ok(vmt_region_at(dst, out, &s, &sz, &prot) == 0 && s == trunc_page(out) && sz == 6 * P &&
			 prot == VM_PROT_DEFAULT,
		 "the receiver has a read/write region of whole pages");

	/* src_destroy: the data moves. */
	vm_offset_t b = BASE + 0x100000;
	vm_allocate(src, &b, 4 * P, FALSE);
	vmt_fill(src, b, 4 * P, 0x8000);
	ktest_ok(vm_map_copyin(src, b, 4 * P, TRUE, &copy) == KERN_SUCCESS, "copy in with src_destroy");
	ktest_ok(vmt_read(src, b, &v) == KERN_INVALID_ADDRESS, "the source range is gone");
	ktest_ok(vm_map_copyout(dst, &out, copy) == KERN_SUCCESS && vmt_check(dst, out, 4 * P, 0x8000) == 0,
		 "the data arrives");
	integer_t cow = vm_stat.cow_faults;
	ktest_ok(vmt_write(dst, out, 5) == 0 && vm_stat.cow_faults == cow, "moved memory is written without a copy");

	/* Errors. */
	ktest_ok(vm_map_copyin(src, BASE + 0x200000, P, FALSE, &copy) == KERN_INVALID_ADDRESS,
		 "unmapped source: KERN_INVALID_ADDRESS");
	ktest_ok(vm_map_copyin(src, a + 7 * P, 2 * P, FALSE, &copy) == KERN_INVALID_ADDRESS,
		 "source running past its mapping: KERN_INVALID_ADDRESS");
	ktest_ok(vm_map_copyin(src, 0xfffff000u, 2 * P, FALSE, &copy) == KERN_INVALID_ADDRESS,
		 "wrapping source: KERN_INVALID_ADDRESS");
	ktest_ok(vm_map_copyin(src, KERNBASE, P, FALSE, &copy) == KERN_INVALID_ADDRESS,
		 "kernel addresses: KERN_INVALID_ADDRESS");
	vm_protect(src, a + 7 * P, P, FALSE, VM_PROT_NONE);
	ktest_ok(vm_map_copyin(src, a + 6 * P, 2 * P, FALSE, &copy) == KERN_PROTECTION_FAILURE,
		 "unreadable source: KERN_PROTECTION_FAILURE");
	ktest_ok(vm_map_copyin(src, a, 0, FALSE, &copy) == KERN_SUCCESS && copy == VM_MAP_COPY_NULL,
		 "length 0: no copy");
	ktest_ok(vm_map_copyout(dst, &out, VM_MAP_COPY_NULL) == KERN_SUCCESS && out == 0, "copying out nothing: address 0");

	/* Kernel data out of line. */
	static const char msg[] = "out of line from the kernel";
	ktest_ok(vm_map_copyin_kernel_buffer(msg, sizeof(msg), &copy) == KERN_SUCCESS &&
			 vm_map_copyout(dst, &out, copy) == KERN_SUCCESS,
		 "kernel data copied out");
	int same = 1;
	for (unsigned i = 0; i < sizeof(msg); i += 4) {
		uint32_t w;
		memcpy(&w, msg + i, 4);
		same &= vmt_read(dst, out + i, &v) == 0 && (i + 4 <= sizeof(msg) ? v == w : 1);
	}
	ktest_ok(same, "and reads back in the receiver");

	/* A discarded copy frees what it held. */
	vm_protect(src, a, 8 * P, FALSE, VM_PROT_DEFAULT);
	ktest_ok(vm_map_copyin(src, a, 8 * P, FALSE, &copy) == KERN_SUCCESS, "copy in 8 pages");
	vm_map_copy_discard(copy);
	ktest_ok(vmt_write(src, a, 1) == 0, "discarded: the source writes on");

	vm_map_deallocate(src);
	vm_map_deallocate(dst);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
	ktest_ok(vm_object_count == objects0, "no object leaked (%lu -> %lu)", objects0, vm_object_count);
}

KTEST(vm_copy_read_write)
{
	vmt_warm(100);
	unsigned long free0 = vm_page_free_count, objects0 = vm_object_count;
	struct vm_map *m1 = vmt_map(), *m2 = vmt_map();
	vm_offset_t a = BASE, b = BASE + 0x100000;
	vm_map_copy_t data;
	uint32_t v;

	vm_allocate(m1, &a, 4 * P, FALSE);
	vmt_fill(m1, a, 4 * P, 0x1111);
	vm_allocate(m2, &b, 4 * P, FALSE);
	vmt_fill(m2, b, 4 * P, 0x2222);

	ktest_ok(vm_read(m1, a, P, &data) == KERN_SUCCESS, "vm_read one page");
	ktest_ok(vm_write(m2, b + P, data) == KERN_SUCCESS, "vm_write it into the other map");
	ktest_ok(vmt_check(m2, b + P, P, 0x1111) == 0 && vmt_check(m2, b, P, 0x2222) == 0 &&
			 vmt_check(m2, b + 2 * P, P, 0x2222 + 2 * P) == 0,
		 "exactly that page changed");
	ktest_ok(vm_read(m1, a, 4 * P, &data) == KERN_SUCCESS && vm_write(m2, b, data) == KERN_SUCCESS,
		 "vm_read and vm_write four pages (virtual copy)");
	ktest_ok(vmt_check(m2, b, 4 * P, 0x1111) == 0, "all four arrived");
	ktest_ok(vmt_write(m1, a, 9) == 0 && vmt_read(m2, b, &v) == 0 && v == 0x1111, "the copies are separate");

	ktest_ok(vm_read(m1, a, 100, &data) == KERN_SUCCESS, "vm_read 100 bytes");
	ktest_ok(vm_write(m2, b, data) == KERN_INVALID_ARGUMENT, "vm_write of a partial page: KERN_INVALID_ARGUMENT");
	vm_map_copy_discard(data);
	vm_read(m1, a, P, &data);
	ktest_ok(vm_write(m2, b + 0x10, data) == KERN_INVALID_ARGUMENT, "vm_write to an unaligned address: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_write(m2, b + 8 * P, data) == KERN_INVALID_ADDRESS, "vm_write to unmapped memory: KERN_INVALID_ADDRESS");
	ktest_ok(vm_write(m2, b + 4 * P - P, data) == KERN_SUCCESS, "vm_write to the last page");
	vm_read(m1, a, 2 * P, &data);
	ktest_ok(vm_write(m2, b + 3 * P, data) == KERN_INVALID_ADDRESS,
		 "vm_write running past the mapping: KERN_INVALID_ADDRESS");
	vm_protect(m2, b + 2 * P, P, FALSE, VM_PROT_READ);
	ktest_ok(vm_write(m2, b + P, data) == KERN_PROTECTION_FAILURE, "vm_write over a read-only page: KERN_PROTECTION_FAILURE");
	ktest_ok(vmt_check(m2, b + P, P, 0x1111 + P) == 0, "... and nothing was written");
	vm_map_copy_discard(data);
	ktest_ok(vm_read(NULL, a, P, &data) == KERN_INVALID_ARGUMENT && vm_write(NULL, a, NULL) == KERN_INVALID_ARGUMENT &&
			 vm_copy(NULL, a, P, b) == KERN_INVALID_ARGUMENT,
		 "no map: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_read(m1, a + 4 * P, P, &data) == KERN_INVALID_ADDRESS, "vm_read of unmapped memory: KERN_INVALID_ADDRESS");

	/* vm_copy within a map, overlapping ranges included. */
	vm_offset_t c = BASE + 0x200000;
	vm_allocate(m1, &c, 8 * P, FALSE);
	vmt_fill(m1, c, 4 * P, 0x3333);
	ktest_ok(vm_copy(m1, c, 4 * P, c + 4 * P) == KERN_SUCCESS && vmt_check(m1, c + 4 * P, 4 * P, 0x3333) == 0,
		 "vm_copy four pages within a map");
	ktest_ok(vm_copy(m1, c, 4 * P, c + 2 * P) == KERN_SUCCESS && vmt_check(m1, c + 2 * P, 4 * P, 0x3333) == 0 &&
			 vmt_check(m1, c, 2 * P, 0x3333) == 0,
		 "vm_copy onto an overlapping range copies the old contents");
	ktest_ok(vm_copy(m1, c, P, c + 0x10) == KERN_INVALID_ARGUMENT, "vm_copy to an unaligned address: KERN_INVALID_ARGUMENT");
	ktest_ok(vm_copy(m1, c + 8 * P, P, c) == KERN_INVALID_ADDRESS, "vm_copy from unmapped memory: KERN_INVALID_ADDRESS");

	vm_map_deallocate(m1);
	vm_map_deallocate(m2);
	ktest_ok(vm_page_free_count == free0, "no page leaked (%lu -> %lu)", free0, vm_page_free_count);
	ktest_ok(vm_object_count == objects0, "no object leaked (%lu -> %lu)", objects0, vm_object_count);
}
