/* Machine-independent kernel start-up, after i386_init. */
#include <i386/cpu.h>
#include <kern/bootinfo.h>
#include <kern/clock.h>
#include <kern/cmdline.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/ktest.h>
#include <kern/machine.h>
#include <kern/printf.h>
#include <kern/task.h>
#include <ipc/ipc.h>
#include <kern/bootstrap.h>
#include <kern/host.h>
#include <kern/thread.h>
#include <i386/pmap.h>
#include <vm/vm_page.h>

extern uint32_t boot_pgdir[];

static void parse_debug_level(void)
{
	const char *s = cmdline_get(&kernel_cmdline, "debug");

	if (s == NULL)
		return;
	debug_level = *s ? 0 : 1; /* bare "debug" means level 1 */
	for (; *s >= '0' && *s <= '9'; s++)
		debug_level = debug_level * 10 + (*s - '0');
	if (*s != '\0')
		printf("  debug=: not a number, using %d\n", debug_level);
}

void kernel_bootstrap(void)
{
	parse_debug_level();
	kalloc_init();
	pmap_bootstrap(boot_pgdir);
	task_bootstrap();
	thread_bootstrap();
	ipc_bootstrap();
	host_bootstrap();
	printf("  %lu pages free of %lu, HZ %d\n", vm_page_free_count, vm_page_total_count, HZ);
	cpu_intr_enable();

	uint64_t init_done = rdtsc();
	printf("kernel initialised\n");
	if (cmdline_get(&kernel_cmdline, "bench") != NULL)
		printf("BENCH boot.kernel_init %llu\n", init_done - boot_tsc);

	const char *ktest = cmdline_get(&kernel_cmdline, "ktest");
	if (ktest != NULL)
		ktest_run(ktest);

	if (boot_module_count == 0) {
		printf("no boot modules: nothing to run, halting\n");
		machine_halt(MACHINE_EXIT_SUCCESS);
	}
	if (!bootstrap_first_task())
		machine_halt(MACHINE_EXIT_FAILURE);
	/* This thread has nothing more to do; the first task runs on. */
	for (;;)
		thread_sleep(&boot_module_count, 0, 0);
}
