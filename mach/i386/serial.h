#ifndef I386_SERIAL_H
#define I386_SERIAL_H
void serial_init(unsigned baud);
void serial_putc(char c);
/* The next received byte, or -1 if none is waiting. */
int serial_getc_nowait(void);
/* Raise IRQ 4 when a byte arrives (the console device's receiver). */
void serial_enable_rx_intr(void);
#endif
