#ifndef KERN_PRINTF_H
#define KERN_PRINTF_H
#include <stdarg.h>
#include <stddef.h>

/* Formats %d %i %u %x %X %o %c %s %p %%, with flags '-', '0', a width,
 * a precision for strings, and the l / ll / z length modifiers. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
#endif
