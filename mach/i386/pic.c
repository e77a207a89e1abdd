/* 8259A programmable interrupt controllers (master and slave). */
#include <i386/cpu.h>
#include <i386/pic.h>
#include <i386/trap.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define OCW2_EOI 0x20
#define OCW3_READ_ISR 0x0B
#define PIC_CASCADE_IRQ 2

static uint16_t pic_mask_bits = 0xffff & ~(1u << PIC_CASCADE_IRQ);

static void pic_write_mask(void)
{
	outb(PIC1_DATA, pic_mask_bits & 0xff);
	outb(PIC2_DATA, pic_mask_bits >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, T_IRQ_BASE);
	outb(PIC2_DATA, T_IRQ_BASE + 8);
	outb(PIC1_DATA, 1u << PIC_CASCADE_IRQ); /* slave on IRQ 2 */
	outb(PIC2_DATA, PIC_CASCADE_IRQ);	/* slave identity */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	pic_write_mask();
}

void pic_unmask(unsigned irq)
{
	pic_mask_bits &= ~(1u << irq);
	pic_write_mask();
}

void pic_mask(unsigned irq)
{
	pic_mask_bits |= 1u << irq;
	pic_write_mask();
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

int pic_spurious(unsigned irq)
{
	uint16_t port = irq >= 8 ? PIC2_CMD : PIC1_CMD;

	outb(port, OCW3_READ_ISR);
	return (inb(port) & (1u << (irq & 7))) == 0;
}
