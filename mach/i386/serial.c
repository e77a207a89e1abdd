/* COM1 on the 16550 UART: the console every test reads. */
#include <i386/cpu.h>
#include <i386/serial.h>

#define COM1 0x3F8
#define UART_DATA 0
#define UART_IER 1
#define UART_DIVLO 0
#define UART_DIVHI 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define UART_CLOCK 115200

void serial_init(unsigned baud)
{
	unsigned div = UART_CLOCK / baud;

	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DIVLO, div & 0xff);
	outb(COM1 + UART_DIVHI, div >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0x07); /* enable and clear FIFOs */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

void serial_putc(char c)
{
	while ((inb(COM1 + UART_LSR) & LSR_THR_EMPTY) == 0)
		;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_enable_rx_intr(void)
{
	outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (routes the IRQ on a PC) */
	outb(COM1 + UART_IER, 0x01); /* interrupt when data arrives */
}

int serial_getc_nowait(void)
{
	if ((inb(COM1 + UART_LSR) & LSR_DATA_READY) == 0)
		return -1;
	return inb(COM1 + UART_DATA);
}
