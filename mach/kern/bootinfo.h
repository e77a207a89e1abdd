/* What the boot loader handed over, copied out of its memory early. */
#ifndef KERN_BOOTINFO_H
#define KERN_BOOTINFO_H
#include <stdint.h>
#include <i386/vm_param.h>

#define BOOT_MODULES_MAX 32
#define BOOT_MODULE_CMDLINE_MAX 256

struct boot_module {
	phys_addr_t start, end; /* the image, still where the loader put it */
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

extern struct boot_module boot_modules[BOOT_MODULES_MAX];
extern unsigned boot_module_count;
extern uint64_t boot_tsc; /* time stamp counter at kernel entry */

/* Kernel image bounds, from the linker script: the image starts at the
 * physical address _kernel_start_phys and ends at virtual _kernel_end. */
extern char _kernel_start_phys[], _kernel_end[];

void kernel_bootstrap(void) __attribute__((noreturn));
#endif
