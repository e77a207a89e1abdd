#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

/* Where kernel output goes: chosen by console= on the command line. */
#define CONSOLE_SERIAL 0x1
#define CONSOLE_VGA 0x2

void console_init(void);
/* Apply console=serial|vga|both once the command line is parsed. */
void console_configure(const char *spec);
void console_putc(char c);
/* crmod: newlines go out as \r\n (the console device's TF_CRMOD). */
void console_write(const char *s, unsigned len, int crmod);
#endif
