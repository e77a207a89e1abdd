/* The kernel console: serial COM1 and VGA text, either or both. */
#include <kern/string.h>
#include <i386/serial.h>
#include <i386/vga.h>
#include <kern/console.h>
#include <kern/printf.h>

#define CONSOLE_BAUD 115200

static unsigned console_outputs = CONSOLE_SERIAL | CONSOLE_VGA;

void console_init(void)
{
	serial_init(CONSOLE_BAUD);
	vga_init();
}

void console_configure(const char *spec)
{
	if (spec == NULL)
		return;
	if (strcmp(spec, "serial") == 0)
		console_outputs = CONSOLE_SERIAL;
	else if (strcmp(spec, "vga") == 0)
		console_outputs = CONSOLE_VGA;
	else if (strcmp(spec, "both") == 0)
		console_outputs = CONSOLE_SERIAL | CONSOLE_VGA;
	else
		printf("console: unknown console=%s, keeping serial and vga\n", spec);
}

/* crmod: a newline goes to the serial line as \r\n, as a terminal
 * wants; the VGA screen starts a new line either way. */
static void console_emit(char c, int crmod)
{
	if (console_outputs & CONSOLE_SERIAL) {
		if (c == '\n' && crmod)
			serial_putc('\r');
		serial_putc(c);
	}
	if (console_outputs & CONSOLE_VGA)
		vga_putc(c);
}

void console_putc(char c)
{
	console_emit(c, 1);
}

void console_write(const char *s, unsigned len, int crmod)
{
	for (unsigned i = 0; i < len; i++)
		console_emit(s[i], crmod);
}
