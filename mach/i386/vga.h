#ifndef I386_VGA_H
#define I386_VGA_H
void vga_init(void);
void vga_putc(char c);
#endif
