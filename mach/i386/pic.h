#ifndef I386_PIC_H
#define I386_PIC_H
/* The two cascaded 8259s, remapped to vectors T_IRQ_BASE..T_IRQ_BASE+15. */
void pic_init(void);
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
void pic_eoi(unsigned irq);
/* Whether irq (7 or 15) is spurious: the PIC shows no request in service. */
int pic_spurious(unsigned irq);
#endif
