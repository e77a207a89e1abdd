/*
 * VM benchmarks (issue 5), run as the first task under QEMU -icount
 * shift=0, where rdtsc counts guest instructions.  Each benchmark runs
 * CHUNKS chunks and prints "BENCH <name> <instructions per op>" once per
 * chunk after the first (a warm-up); bench/report takes the median.
 * Set-up that is not the operation (allocating the region to fault in,
 * making the copy-on-write child, mapping the pager's object) stays
 * outside the measured part of a chunk.
 */
#include <mach.h>
#include <pager.h>
#include <stdio.h>
#include <string.h>

#define CHUNKS 6
#define PAGE 4096
#define FAULT_PAGES 128 /* faults per chunk */
#define OPS 100		/* operations per chunk for the whole-call benchmarks */
#define T mach_task_self()

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static const char *only;

static int wanted(const char *name)
{
	return only == NULL || strstr(name, only) != NULL;
}

static void report(const char *name, int chunk, unsigned long long t0, unsigned long long t1, unsigned ops)
{
	if (chunk > 0)
		printf("BENCH %s %llu\n", name, (t1 - t0) / ops);
}

/* Write one word in each of n pages from base. */
static void touch(vm_address_t base, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		((volatile unsigned *)base)[i * PAGE / 4] = i;
}

/* A write to a page never touched: a zero-filled page. */
static void bench_zero_fill(void)
{
	for (int c = 0; c < CHUNKS; c++) {
		vm_address_t a = 0;
		vm_allocate(T, &a, FAULT_PAGES * PAGE, TRUE);
		unsigned long long t0 = rdtsc();
		touch(a, FAULT_PAGES);
		unsigned long long t1 = rdtsc();
		vm_deallocate(T, a, FAULT_PAGES * PAGE);
		report("vm.zero_fill_fault", c, t0, t1, FAULT_PAGES);
	}
}

/* A write to a page shared copy-on-write with a child task (made by
 * task_create inheriting our memory): the page is copied. */
static void bench_cow(void)
{
	for (int c = 0; c < CHUNKS; c++) {
		vm_address_t a = 0;
		task_t child;
		vm_allocate(T, &a, FAULT_PAGES * PAGE, TRUE);
		touch(a, FAULT_PAGES);
		task_create(T, TRUE, &child);
		unsigned long long t0 = rdtsc();
		touch(a, FAULT_PAGES);
		unsigned long long t1 = rdtsc();
		task_terminate(child);
		mach_port_deallocate(T, child);
		vm_deallocate(T, a, FAULT_PAGES * PAGE);
		report("vm.cow_fault", c, t0, t1, FAULT_PAGES);
	}
}

/* A read of a page an external pager supplies (one of our own threads,
 * through the pager kit): fault, data_request, the pager's data_supply,
 * back to the faulting instruction. */
static kern_return_t bench_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	(void)ctx, (void)offset, (void)buf, (void)lock;
	return KERN_SUCCESS;
}

static const struct pager_ops bench_ops = {.read = bench_read};

static void bench_pagein(void)
{
	mach_port_t mo;
	struct pager *pg = pager_create(&bench_ops, NULL, 0, &mo);
	if (pg == NULL || pager_start(pg, 1) != KERN_SUCCESS) {
		printf("vm_bench: no pager\n");
		return;
	}
	for (int c = 0; c < CHUNKS; c++) {
		vm_address_t a = 0;
		/* Fresh offsets each chunk: every page is a page-in. */
		vm_map(T, &a, FAULT_PAGES * PAGE, 0, TRUE, mo, c * FAULT_PAGES * PAGE, FALSE, VM_PROT_READ,
		       VM_PROT_ALL, VM_INHERIT_NONE);
		pager_wait_init(pg, 10000);
		unsigned long long t0 = rdtsc();
		for (unsigned i = 0; i < FAULT_PAGES; i++)
			(void)((volatile unsigned *)a)[i * PAGE / 4];
		unsigned long long t1 = rdtsc();
		vm_deallocate(T, a, FAULT_PAGES * PAGE);
		report("vm.pager_pagein", c, t0, t1, FAULT_PAGES);
	}
}

/* vm_allocate + touch + vm_deallocate through the MIG stubs. */
static void bench_alloc_touch_dealloc(const char *name, vm_size_t size)
{
	for (int c = 0; c < CHUNKS; c++) {
		unsigned long long t0 = rdtsc();
		for (int i = 0; i < OPS; i++) {
			vm_address_t a = 0;
			vm_allocate(T, &a, size, TRUE);
			touch(a, size / PAGE);
			vm_deallocate(T, a, size);
		}
		unsigned long long t1 = rdtsc();
		report(name, c, t0, t1, OPS);
	}
}

/* 64 KiB out of line to our own port and back (copy-on-write both ways),
 * and the received copy deallocated. */
struct msg_ool_long {
	mach_msg_header_t hdr;
	mach_msg_type_long_t type;
	void *data;
};

static char ool_data[65536] __attribute__((aligned(4096)));

static void bench_ool_64k(void)
{
	mach_port_t port;
	mach_port_allocate(T, MACH_PORT_RIGHT_RECEIVE, &port);
	memset(ool_data, 1, sizeof ool_data);
	for (int c = 0; c < CHUNKS; c++) {
		unsigned long long t0 = rdtsc();
		for (int i = 0; i < OPS; i++) {
			union {
				struct msg_ool_long m;
				char buf[128];
			} u;
			u.m.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 0) | MACH_MSGH_BITS_COMPLEX;
			u.m.hdr.msgh_size = sizeof(u.m);
			u.m.hdr.msgh_remote_port = port;
			u.m.hdr.msgh_local_port = MACH_PORT_NULL;
			u.m.hdr.msgh_id = 3;
			u.m.type = (mach_msg_type_long_t){
				.msgtl_header = {0, 0, 0, 0, 1, 0, 0},
				.msgtl_name = MACH_MSG_TYPE_BYTE,
				.msgtl_size = 8,
				.msgtl_number = sizeof ool_data,
			};
			u.m.data = ool_data;
			mach_msg(&u.m.hdr, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(u.m), sizeof(u), port,
				 MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
			vm_deallocate(T, (vm_address_t)u.m.data, sizeof ool_data);
		}
		unsigned long long t1 = rdtsc();
		report("vm.ool_64k_round_trip", c, t0, t1, OPS);
	}
	mach_port_destroy(T, port);
}

/* With an argument, run only the benchmarks whose name contains it. */
int main(int argc, char **argv)
{
	only = argc > 1 ? argv[1] : NULL;
	if (wanted("vm.zero_fill_fault"))
		bench_zero_fill();
	if (wanted("vm.cow_fault"))
		bench_cow();
	if (wanted("vm.pager_pagein"))
		bench_pagein();
	if (wanted("vm.alloc_touch_dealloc"))
		bench_alloc_touch_dealloc("vm.alloc_touch_dealloc", PAGE);
	if (wanted("vm.alloc_touch_dealloc_1m"))
		bench_alloc_touch_dealloc("vm.alloc_touch_dealloc_1m", 1024 * 1024);
	if (wanted("vm.ool_64k_round_trip"))
		bench_ool_64k();
	return 0;
}
