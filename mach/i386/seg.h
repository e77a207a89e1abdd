/* Segment selectors and descriptor layout.  TLS slots sit at GDT entries
 * 6..8, where Linux keeps them, so set_thread_area behaves the same. */
#ifndef I386_SEG_H
#define I386_SEG_H

#define GDT_KERNEL_CS 1
#define GDT_KERNEL_DS 2
#define GDT_USER_CS 3
#define GDT_USER_DS 4
#define GDT_TSS 5
#define GDT_TLS_MIN 6
#define GDT_TLS_MAX 8
#define GDT_TLS_COUNT (GDT_TLS_MAX - GDT_TLS_MIN + 1)
#define GDT_LDT 9
#define GDT_DFLT_TSS 10
#define GDT_ENTRIES 11

#define SEL_RPL_USER 3
#define SEL_RPL_MASK 3
#define SEL_LDT 4 /* table indicator: the LDT, not the GDT */
#define SEL(index, rpl) (((index) << 3) | (rpl))
#define SEL_INDEX(sel) ((sel) >> 3)
#define KERNEL_CS SEL(GDT_KERNEL_CS, 0)
#define KERNEL_DS SEL(GDT_KERNEL_DS, 0)
#define USER_CS SEL(GDT_USER_CS, SEL_RPL_USER)
#define USER_DS SEL(GDT_USER_DS, SEL_RPL_USER)
#define KERNEL_TSS SEL(GDT_TSS, 0)
#define DFLT_TSS SEL(GDT_DFLT_TSS, 0)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct seg_desc {
	uint16_t limit_lo, base_lo;
	uint8_t base_mid, access, limit_hi_flags, base_hi;
} __attribute__((packed));

struct gate_desc {
	uint16_t offset_lo, selector;
	uint8_t zero, access;
	uint16_t offset_hi;
} __attribute__((packed));

struct pseudo_desc {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

struct i386_tss {
	uint32_t back_link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trace_trap, io_bit_map_offset;
} __attribute__((packed));

extern struct seg_desc gdt[GDT_ENTRIES];
extern struct i386_tss ktss;

void gdt_init(void);
void idt_init(void);
void seg_set_desc(struct seg_desc *d, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);
#endif

#endif
