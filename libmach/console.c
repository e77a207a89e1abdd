/*
 * Console output.  Today: the kernel's debug print trap (mach_print),
 * which takes a NUL-terminated string, so output is cut into chunks and
 * terminated here.  TODO(device): write to the console device
 * (device_write on the console port) once the device interface exists.
 */
#include "libmach_private.h"

#define CONSOLE_CHUNK 128

void libmach_console_write(const char *buf, size_t len)
{
	char chunk[CONSOLE_CHUNK];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		/* A NUL would end mach_print's string early: drop it. */
		if (buf[i] != '\0')
			chunk[n++] = buf[i];
		if (n == CONSOLE_CHUNK - 1 || (i + 1 == len && n > 0)) {
			chunk[n] = '\0';
			mach_print(chunk);
			n = 0;
		}
	}
}

void libmach_console_puts(const char *s)
{
	mach_print(s);
}
