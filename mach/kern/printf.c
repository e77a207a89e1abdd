/* Kernel formatted output.  One formatter (format_emit) drives both
 * printing to the console and formatting into a buffer. */
#include <stdint.h>
#include <kern/console.h>
#include <kern/printf.h>

struct sink {
	void (*put)(struct sink *, char);
	char *buf;
	size_t size, len;
};

static void sink_put(struct sink *s, char c)
{
	s->put(s, c);
	s->len++;
}

static void emit_number(struct sink *s, unsigned long long v, unsigned base, int negative, int upper,
			int width, char pad, int left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	int len = n + negative;
	if (negative && pad == '0')
		sink_put(s, '-');
	if (!left)
		for (; len < width; len++)
			sink_put(s, pad);
	if (negative && pad != '0')
		sink_put(s, '-');
	while (n > 0)
		sink_put(s, tmp[--n]);
	if (left)
		for (; len < width; len++)
			sink_put(s, ' ');
}

static void format_emit(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			sink_put(s, *fmt);
			continue;
		}
		fmt++;
		int left = 0, width = 0, prec = -1, lng = 0;
		char pad = ' ';
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			prec = 0;
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		if (left)
			pad = ' ';

		unsigned long long u;
		long long d;
		switch (*fmt) {
		case 'd':
		case 'i':
			d = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			emit_number(s, d < 0 ? -(unsigned long long)d : (unsigned long long)d, 10, d < 0, 0,
				    width, pad, left);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long)
			    : lng  ? va_arg(ap, unsigned long)
				   : va_arg(ap, unsigned int);
			emit_number(s, u, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, 0, *fmt == 'X', width, pad,
				    left);
			break;
		case 'p':
			sink_put(s, '0');
			sink_put(s, 'x');
			emit_number(s, (uintptr_t)va_arg(ap, void *), 16, 0, 0, 8, '0', 0);
			break;
		case 'c':
			sink_put(s, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (str == NULL)
				str = "(null)";
			int len = 0;
			while (str[len] && (prec < 0 || len < prec))
				len++;
			if (!left)
				for (int i = len; i < width; i++)
					sink_put(s, ' ');
			for (int i = 0; i < len; i++)
				sink_put(s, str[i]);
			if (left)
				for (int i = len; i < width; i++)
					sink_put(s, ' ');
			break;
		}
		case '%':
			sink_put(s, '%');
			break;
		case '\0':
			return;
		default:
			sink_put(s, '%');
			sink_put(s, *fmt);
		}
	}
}

static void buf_put(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = {buf_put, buf, size, 0};

	format_emit(&s, fmt, ap);
	if (size > 0)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void console_sink_put(struct sink *s, char c)
{
	(void)s;
	console_putc(c);
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = {console_sink_put, NULL, 0, 0};

	format_emit(&s, fmt, ap);
	return (int)s.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
