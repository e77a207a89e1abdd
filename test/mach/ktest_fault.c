/* Kernel faults: recovered where the code asked for it, a clear panic
 * (registers and backtrace) where it did not. */
#include <i386/vm_param.h>
#include <kern/debug.h>
#include <kern/ktest.h>

/* Above the direct map and below the top: nothing is mapped here. */
#define UNMAPPED_KERNEL_ADDR 0xF8001234u
#define UNMAPPED_LOW_ADDR 0x00000010u

KTEST(fault_recovery)
{
	static volatile uint32_t word = 0x12345678;
	uint32_t v = 0;

	ktest_ok(probe_read32(&word, &v) == 0 && v == 0x12345678, "a probe of mapped memory reads it");
	ktest_ok(probe_write32(&word, 0xcafe) == 0 && word == 0xcafe, "a probe write to mapped memory writes it");
	ktest_ok(probe_read32((uint32_t *)UNMAPPED_KERNEL_ADDR, &v) == -1, "a read of unmapped kernel space is caught");
	ktest_ok(cpu_recover_fault_addr == UNMAPPED_KERNEL_ADDR, "the fault address is reported (0x%x)",
		 (unsigned)cpu_recover_fault_addr);
	ktest_ok(probe_read32((uint32_t *)UNMAPPED_LOW_ADDR, &v) == -1, "a null-page read is caught");
	ktest_ok(probe_write32((uint32_t *)UNMAPPED_KERNEL_ADDR, 1) == -1, "a write to unmapped kernel space is caught");
	ktest_ok(probe_read32(&word, &v) == 0, "probes work again after a fault");
}

/* Deliberate failures, named explicitly by the harness's own tests. */
static void __attribute__((noinline, noclone)) fault_deref(volatile uint32_t *p)
{
	(void)*p;
}

KTEST_EXPLICIT(panic_fault)
{
	fault_deref((volatile uint32_t *)UNMAPPED_KERNEL_ADDR);
	ktest_ok(0, "the fault should not have returned");
}

KTEST_EXPLICIT(panic_assert)
{
	int one = 1;
	assert(one == 2);
	ktest_ok(0, "the assertion should not have returned");
}
