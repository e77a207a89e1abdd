/*
 * Default pager benchmarks (issue 7), booted after bootstrap has started
 * default_pager on a swap partition, QEMU -m 24 and -icount shift=0
 * (rdtsc counts guest instructions: the faulting task's, the kernel's and
 * the default pager's, disk I/O included; the time the processor is idle
 * while the disk works, which rdtsc counts too, is taken out with
 * HOST_IDLE_INFO).
 *
 *   dp.pageout_pagein        a region twice the machine's memory swept
 *                            again and again, one word written a page:
 *                            each page comes back in and another goes
 *                            out; instructions per page paged in
 *   dp.pattern_test_per_page the pattern test (3x the memory written
 *                            word by word, then all read back):
 *                            instructions per page moved (out or in)
 *
 *   dp_bench HOST_PORT
 */
#include <mach.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

#define CHUNKS 4 /* the first is a warm-up (fills swap the first time) */
#define PAGE 4096u
#define WORDS (PAGE / 4)
#define T mach_task_self()

/* rdtsc less the cycles spent idle: instructions run. */
static unsigned long long ran(void)
{
	struct host_idle_info idle = {0, 0};
	mach_msg_type_number_t n = HOST_IDLE_INFO_COUNT;
	unsigned long long t = rdtsc();

	host_info(mach_host_self(), HOST_IDLE_INFO, (host_info_t)&idle, &n);
	return t - ((unsigned long long)idle.idle_tsc_high << 32 | idle.idle_tsc_low);
}

static unsigned machine_pages(void)
{
	struct vm_statistics vs;
	vm_statistics(T, &vs);
	return (unsigned)(vs.free_count + vs.active_count + vs.inactive_count + vs.wire_count);
}

static void bench_pageout_pagein(unsigned mem)
{
	unsigned n = 2 * mem;
	vm_address_t a = 0;
	if (vm_allocate(T, &a, n * PAGE, TRUE) != KERN_SUCCESS)
		return;
	volatile unsigned *m = (volatile unsigned *)a;
	for (int c = 0; c < CHUNKS; c++) {
		struct vm_statistics s0, s1;
		vm_statistics(T, &s0);
		unsigned long long t0 = ran();
		for (unsigned p = 0; p < n; p++)
			m[p * WORDS] += p;
		unsigned long long t1 = ran();
		vm_statistics(T, &s1);
		unsigned ins = (unsigned)(s1.pageins - s0.pageins);
		if (c > 0 && ins > 0)
			printf("BENCH dp.pageout_pagein %llu\n", (t1 - t0) / ins);
		printf("# sweep %d: %u page-ins, %d page-outs\n", c, ins, s1.pageouts - s0.pageouts);
	}
	vm_deallocate(T, a, n * PAGE);
}

static void bench_pattern(unsigned mem)
{
	unsigned n = 3 * mem;
	for (int c = 0; c < 2; c++) {
		vm_address_t a = 0;
		if (vm_allocate(T, &a, n * PAGE, TRUE) != KERN_SUCCESS)
			return;
		volatile unsigned *m = (volatile unsigned *)a;
		unsigned wrong = 0;
		struct vm_statistics s0, s1;
		vm_statistics(T, &s0);
		unsigned long long t0 = ran();
		for (unsigned i = 0; i < n * WORDS; i++)
			m[i] = i * 2654435761u;
		for (unsigned i = 0; i < n * WORDS; i++)
			wrong += m[i] != i * 2654435761u;
		unsigned long long t1 = ran();
		vm_statistics(T, &s1);
		unsigned moved = (unsigned)(s1.pageins - s0.pageins + s1.pageouts - s0.pageouts);
		if (wrong == 0 && moved > 0)
			printf("BENCH dp.pattern_test_per_page %llu\n", (t1 - t0) / moved);
		printf("# pattern %d: %u pages moved, %u words wrong\n", c, moved, wrong);
		vm_deallocate(T, a, n * PAGE);
	}
}

int main(void)
{
	unsigned mem = machine_pages();
	printf("# %u pages of memory\n", mem);
	bench_pageout_pagein(mem);
	bench_pattern(mem);
	return 0;
}
