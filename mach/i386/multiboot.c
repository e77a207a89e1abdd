/*
 * Read the multiboot information: copy the command line and the module
 * list into the kernel, and turn the memory map into the list of usable
 * physical ranges, less the first megabyte, the kernel and the modules.
 */
#include <i386/multiboot.h>
#include <i386/multiboot_parse.h>
#include <kern/bootinfo.h>
#include <kern/cmdline.h>
#include <kern/debug.h>
#include <kern/printf.h>
#include <kern/string.h>

#define LOW_MEMORY_END 0x100000 /* BIOS, VGA and option ROMs live below */

struct boot_module boot_modules[BOOT_MODULES_MAX];
unsigned boot_module_count;

static const char *mb_string(uint32_t pa)
{
	return pa != 0 && pa < PHYS_DIRECT_MAX ? phystokv(pa) : "";
}

/* Remove [start, end) from the sorted, disjoint list of ranges. */
static unsigned ranges_remove(struct phys_range *r, unsigned n, unsigned max, phys_addr_t start,
			      phys_addr_t end)
{
	for (unsigned i = 0; i < n; i++) {
		if (end <= r[i].start || start >= r[i].end)
			continue;
		if (start > r[i].start && end < r[i].end) { /* split in two */
			if (n == max)
				panic("multiboot: too many memory ranges");
			memmove(&r[i + 2], &r[i + 1], (n - i - 1) * sizeof(*r));
			r[i + 1].start = end;
			r[i + 1].end = r[i].end;
			r[i].end = start;
			return n + 1;
		}
		if (start <= r[i].start)
			r[i].start = end < r[i].end ? end : r[i].end;
		if (end >= r[i].end)
			r[i].end = start > r[i].start ? start : r[i].start;
	}
	/* Drop ranges that became empty. */
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++)
		if (r[i].end > r[i].start)
			r[k++] = r[i];
	return k;
}

/* Insert [start, end) keeping the list sorted; the loader's map may be
 * unsorted, and its entries never overlap usefully, so overlaps merge. */
static unsigned ranges_add(struct phys_range *r, unsigned n, unsigned max, phys_addr_t start, phys_addr_t end)
{
	unsigned i;

	if (end <= start)
		return n;
	n = ranges_remove(r, n, max, start, end);
	if (n == max)
		return n;
	for (i = 0; i < n && r[i].start < start; i++)
		;
	memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
	r[i].start = start;
	r[i].end = end;
	return n + 1;
}

unsigned multiboot_read(uint32_t magic, uint32_t mbi_pa, struct phys_range *ranges, unsigned max)
{
	const struct multiboot_info *mbi;
	unsigned n = 0;

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not started by a multiboot loader (magic 0x%x)", magic);
	mbi = phystokv(mbi_pa);
	cmdline_parse(&kernel_cmdline, (mbi->flags & MULTIBOOT_INFO_CMDLINE) ? mb_string(mbi->cmdline) : "");

	if (mbi->flags & MULTIBOOT_INFO_MODS) {
		const struct multiboot_module *mods = phystokv(mbi->mods_addr);
		for (unsigned i = 0; i < mbi->mods_count; i++) {
			if (boot_module_count == BOOT_MODULES_MAX) {
				printf("multiboot: more than %u modules; ignoring the rest\n", BOOT_MODULES_MAX);
				break;
			}
			struct boot_module *m = &boot_modules[boot_module_count++];
			m->start = mods[i].mod_start;
			m->end = mods[i].mod_end;
			strlcpy(m->cmdline, mb_string(mods[i].string), sizeof(m->cmdline));
		}
	}

	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		uint32_t off = 0;
		while (off + sizeof(uint32_t) <= mbi->mmap_length) {
			const struct multiboot_mmap_entry *e = phystokv(mbi->mmap_addr + off);
			uint64_t start = e->addr, end = e->addr + e->len;
			if (e->type == MULTIBOOT_MEMORY_AVAILABLE && start < PHYS_DIRECT_MAX) {
				if (end > PHYS_DIRECT_MAX)
					end = PHYS_DIRECT_MAX;
				n = ranges_add(ranges, n, max, round_page((phys_addr_t)start),
					       trunc_page((phys_addr_t)end));
			}
			off += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		n = ranges_add(ranges, n, max, LOW_MEMORY_END,
			       trunc_page(LOW_MEMORY_END + (phys_addr_t)mbi->mem_upper * 1024));
	} else {
		panic("multiboot: the loader gave no memory information");
	}

	n = ranges_remove(ranges, n, max, 0, LOW_MEMORY_END);
	n = ranges_remove(ranges, n, max, (phys_addr_t)(uintptr_t)_kernel_start_phys, round_page(kvtophys(_kernel_end)));
	for (unsigned i = 0; i < boot_module_count; i++)
		n = ranges_remove(ranges, n, max, trunc_page(boot_modules[i].start),
				  round_page(boot_modules[i].end));
	return n;
}
