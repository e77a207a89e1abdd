/* i386 address-space layout. */
#ifndef I386_VM_PARAM_H
#define I386_VM_PARAM_H

#ifdef __ASSEMBLER__
#define _U(x) x
#else
#define _U(x) x##u
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE (_U(1) << PAGE_SHIFT)
#define PAGE_MASK (PAGE_SIZE - 1)

/* The kernel owns every address from KERNBASE up in every address space. */
#define KERNBASE _U(0xC0000000)
/* Physical memory below this is mapped one-to-one at KERNBASE. */
#define PHYS_DIRECT_MAX _U(0x30000000)
/* Kernel virtual space for mappings that are not the direct map. */
#define KERNEL_VIRT_START (KERNBASE + PHYS_DIRECT_MAX)

/* Boot-time mappings use 4 MiB pages. */
#define SUPERPAGE_SHIFT 22
#define SUPERPAGE_SIZE (_U(1) << SUPERPAGE_SHIFT)

#ifndef __ASSEMBLER__
#include <stdint.h>
typedef uint32_t phys_addr_t;

#define round_page(x) (((x) + PAGE_MASK) & ~(uintptr_t)PAGE_MASK)
#define trunc_page(x) ((x) & ~(uintptr_t)PAGE_MASK)

/* Direct-map translation: valid only below PHYS_DIRECT_MAX. */
static inline void *phystokv(phys_addr_t pa) { return (void *)(uintptr_t)(pa + KERNBASE); }
static inline phys_addr_t kvtophys(const void *va) { return (phys_addr_t)((uintptr_t)va - KERNBASE); }
#endif

#endif
