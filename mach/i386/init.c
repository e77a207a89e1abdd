/* i386 start-up, from boot.S: bring up the console, descriptor tables,
 * memory and interrupts, then hand over to the machine-independent part. */
#include <i386/cpu.h>
#include <i386/multiboot_parse.h>
#include <i386/pcb.h>
#include <i386/pic.h>
#include <i386/pit.h>
#include <i386/pmap.h>
#include <i386/seg.h>
#include <kern/bootinfo.h>
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/debug.h>
#include <kern/printf.h>
#include <kern/version.h>
#include <vm/vm_page.h>

#define PHYS_RANGES_MAX 32
#define PDE_GLOBAL 0x100

extern uint32_t boot_pgdir[1024];

/* Drop the identity mapping of low memory that only boot.S needed, so a
 * null pointer faults, and make the direct map global in the TLB. */
static void boot_paging_finish(void)
{
	boot_pgdir[0] = boot_pgdir[1] = 0;
	for (unsigned i = KERNBASE >> SUPERPAGE_SHIFT; i < 1024; i++)
		if (boot_pgdir[i] != 0)
			boot_pgdir[i] |= PDE_GLOBAL;
	set_cr3(get_cr3());
	set_cr4(get_cr4() | CR4_PGE);
}

static void print_memory(const struct phys_range *r, unsigned n)
{
	unsigned long total = 0;

	for (unsigned i = 0; i < n; i++) {
		printf("  memory 0x%08x-0x%08x (%u KiB)\n", r[i].start, r[i].end, (r[i].end - r[i].start) >> 10);
		total += r[i].end - r[i].start;
	}
	printf("  %lu MiB usable\n", total >> 20);
}

static void print_modules(void)
{
	printf("  %u boot module%s\n", boot_module_count, boot_module_count == 1 ? "" : "s");
	for (unsigned i = 0; i < boot_module_count; i++)
		printf("  module %u: 0x%08x-0x%08x %s\n", i, boot_modules[i].start, boot_modules[i].end,
		       boot_modules[i].cmdline);
}

void i386_init(uint32_t magic, uint32_t mbi_pa)
{
	static struct phys_range ranges[PHYS_RANGES_MAX];
	unsigned nranges;

	console_init();
	nranges = multiboot_read(magic, mbi_pa, ranges, PHYS_RANGES_MAX);
	console_configure(cmdline_get(&kernel_cmdline, "console"));
	printf("%s\n", version_string);
	if (kernel_cmdline.truncated)
		printf("  kernel command line too long: the rest is ignored\n");

	gdt_init();
	idt_init();
	boot_paging_finish();
	print_memory(ranges, nranges);
	print_modules();
	vm_page_bootstrap(ranges, nranges);

	pic_init();
	pit_init();
	fpu_init();
	kernel_bootstrap();
}
