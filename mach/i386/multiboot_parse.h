#ifndef I386_MULTIBOOT_PARSE_H
#define I386_MULTIBOOT_PARSE_H
#include <stdint.h>
#include <vm/vm_page.h>

/* Copy out the command line and modules; fill ranges with usable memory.
 * Returns the number of ranges. */
unsigned multiboot_read(uint32_t magic, uint32_t mbi_pa, struct phys_range *ranges, unsigned max);
#endif
