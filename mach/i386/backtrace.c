/* Backtraces by walking the frame-pointer chain (the kernel keeps
 * frame pointers), names from the kernel's own symbol table. */
#include <i386/vm_param.h>
#include <kern/debug.h>
#include <kern/printf.h>

#define BACKTRACE_MAX_FRAMES 32

/* Emitted by the build into the .ksyms section (see mach/Makefrag.am):
 * text symbols sorted by address, with offsets into a name table. */
extern const uint32_t ksyms_count;
extern const uint32_t ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	uint32_t lo = 0, hi = ksyms_count;

	if (hi == 0 || addr < ksyms_addrs[0])
		return NULL;
	while (hi - lo > 1) { /* the last symbol at or below addr */
		uint32_t mid = (lo + hi) / 2;
		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_addrs[lo];
	return &ksyms_names[ksyms_name_offsets[lo]];
}

static void backtrace_frame(int n, uintptr_t eip)
{
	uintptr_t off;
	const char *name = ksym_lookup(eip, &off);

	if (name)
		printf("  [%d] 0x%08x  %s+0x%x\n", n, (unsigned)eip, name, (unsigned)off);
	else
		printf("  [%d] 0x%08x\n", n, (unsigned)eip);
}

/* Frame-pointer prologue: "push %ebp" (1 byte), then "mov %esp,%ebp". */
#define PROLOGUE_PUSH_LEN 1

void backtrace_print(uintptr_t eip, uintptr_t ebp, uintptr_t esp)
{
	int n = 1;
	uintptr_t off;
	uint32_t ret;

	printf("backtrace:\n");
	backtrace_frame(0, eip);
	/* Stopped inside a prologue, the function has no frame yet: its
	 * return address is on the stack, and ebp is still the caller's. */
	if (esp != 0 && ksym_lookup(eip, &off) != NULL && off <= PROLOGUE_PUSH_LEN &&
	    probe_read32((uint32_t *)esp + off, &ret) == 0)
		backtrace_frame(n++, ret - 1);
	for (; n < BACKTRACE_MAX_FRAMES; n++) {
		uint32_t next, ret;

		if (ebp < KERNBASE || (ebp & 3) != 0)
			break;
		if (probe_read32((uint32_t *)ebp, &next) != 0 || probe_read32((uint32_t *)ebp + 1, &ret) != 0)
			break;
		if (ret == 0)
			break;
		/* Point into the call instruction, not past it. */
		backtrace_frame(n, ret - 1);
		if (next <= ebp)
			break;
		ebp = next;
	}
}
