/* Global descriptor table, task state segment and interrupt table. */
#include <i386/seg.h>
#include <i386/trap.h>
#include <i386/vm_param.h>
#include <kern/string.h>

#define ACC_PRESENT 0x80
#define ACC_DPL_USER 0x60
#define ACC_CODE_SEG 0x1A /* code, readable, non-system */
#define ACC_DATA_SEG 0x12 /* data, writable, non-system */
#define ACC_TSS 0x09	  /* available 32-bit TSS */
#define ACC_INTR_GATE 0x0E
#define FLAGS_32BIT_4K 0xC
#define IDT_ENTRIES 256

struct seg_desc gdt[GDT_ENTRIES];
struct i386_tss ktss;
static struct gate_desc idt[IDT_ENTRIES];
/* One LDT shared by every task: slot 0 is GNU Mach's trap call gate
 * (selector 7 = LDT index 0, RPL 3). */
static struct gate_desc ldt[1];
extern void mach_call_entry(void);
extern void syscall_entry(void);
#define ACC_LDT 0x02
#define ACC_CALL_GATE 0x0C

/* Entry points in locore.S, one per vector. */
extern const uint32_t trap_entry_table[T_IRQ_BASE + T_IRQ_COUNT];

void seg_set_desc(struct seg_desc *d, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	d->limit_lo = limit & 0xffff;
	d->base_lo = base & 0xffff;
	d->base_mid = (base >> 16) & 0xff;
	d->access = access;
	d->limit_hi_flags = ((limit >> 16) & 0xf) | (flags << 4);
	d->base_hi = base >> 24;
}

static void idt_set_gate(unsigned vec, uint32_t handler, unsigned dpl)
{
	struct gate_desc *g = &idt[vec];

	g->offset_lo = handler & 0xffff;
	g->offset_hi = handler >> 16;
	g->selector = KERNEL_CS;
	g->zero = 0;
	g->access = ACC_PRESENT | (dpl << 5) | ACC_INTR_GATE;
}

void gdt_init(void)
{
	struct pseudo_desc pd;

	memset(gdt, 0, sizeof(gdt));
	seg_set_desc(&gdt[GDT_KERNEL_CS], 0, 0xfffff, ACC_PRESENT | ACC_CODE_SEG, FLAGS_32BIT_4K);
	seg_set_desc(&gdt[GDT_KERNEL_DS], 0, 0xfffff, ACC_PRESENT | ACC_DATA_SEG, FLAGS_32BIT_4K);
	/* User segments end at KERNBASE, so no user selector reaches the kernel. */
	seg_set_desc(&gdt[GDT_USER_CS], 0, (KERNBASE >> PAGE_SHIFT) - 1,
		     ACC_PRESENT | ACC_DPL_USER | ACC_CODE_SEG, FLAGS_32BIT_4K);
	seg_set_desc(&gdt[GDT_USER_DS], 0, (KERNBASE >> PAGE_SHIFT) - 1,
		     ACC_PRESENT | ACC_DPL_USER | ACC_DATA_SEG, FLAGS_32BIT_4K);

	memset(&ktss, 0, sizeof(ktss));
	ktss.ss0 = KERNEL_DS;
	ktss.io_bit_map_offset = sizeof(ktss); /* no I/O bitmap: user I/O faults */
	seg_set_desc(&gdt[GDT_TSS], (uint32_t)&ktss, sizeof(ktss) - 1, ACC_PRESENT | ACC_TSS, 0);

	ldt[0].offset_lo = (uint32_t)mach_call_entry & 0xffff;
	ldt[0].offset_hi = (uint32_t)mach_call_entry >> 16;
	ldt[0].selector = KERNEL_CS;
	ldt[0].zero = 0; /* no parameters copied: the kernel reads the user stack */
	ldt[0].access = ACC_PRESENT | ACC_DPL_USER | ACC_CALL_GATE;
	seg_set_desc(&gdt[GDT_LDT], (uint32_t)ldt, sizeof(ldt) - 1, ACC_PRESENT | ACC_LDT, 0);

	pd.limit = sizeof(gdt) - 1;
	pd.base = (uint32_t)gdt;
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "movw %w3, %%fs\n\t"
			 "movw %w3, %%gs\n\t"
			 "ltr %w4\n\t"
			 "lldt %w5"
			 :
			 : "m"(pd), "i"(KERNEL_CS), "r"(KERNEL_DS), "r"(0), "r"(KERNEL_TSS), "r"(SEL(GDT_LDT, 0))
			 : "memory");
}

void idt_init(void)
{
	struct pseudo_desc pd;

	memset(idt, 0, sizeof(idt));
	for (unsigned v = 0; v < T_IRQ_BASE + T_IRQ_COUNT; v++)
		idt_set_gate(v, trap_entry_table[v], v == T_INT3 ? 3 : 0);
	idt_set_gate(T_SYSCALL, (uint32_t)syscall_entry, 3);
	pd.limit = sizeof(idt) - 1;
	pd.base = (uint32_t)idt;
	__asm__ volatile("lidt %0" : : "m"(pd));
}
