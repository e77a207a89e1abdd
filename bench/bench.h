/*
 * What benchmark programs share.  Under QEMU -icount shift=0 the guest's
 * rdtsc returns the number of instructions executed (bench/README).
 */
#ifndef _BENCH_BENCH_H_
#define _BENCH_BENCH_H_

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long) hi << 32) | lo;
}

#endif /* _BENCH_BENCH_H_ */
