/*
 * Boot-module command lines, GNU Mach style: words separated by spaces;
 * ${host-port} and ${device-port} stand for port names the loader gives
 * the task; $(task-create) and $(task-resume) are directives with no
 * argument of their own.  Used by both loaders (the kernel's, for the
 * first task, and bootstrap's); freestanding.
 */
#ifndef _ERNST_BOOT_SCRIPT_H_
#define _ERNST_BOOT_SCRIPT_H_

static inline int boot_script_word_is(const char *w, const char *s)
{
	while (*w && *w == *s)
		w++, s++;
	return *w == *s;
}

/* The next argument word of the command line at *cursor, NUL-terminated
 * in place (the line is modified), skipping the directives; NULL at the
 * end. */
static inline char *boot_script_next_word(char **cursor)
{
	char *p = *cursor;

	for (;;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0') {
			*cursor = p;
			return 0;
		}
		char *w = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
		if (!boot_script_word_is(w, "$(task-create)") && !boot_script_word_is(w, "$(task-resume)")) {
			*cursor = p;
			return w;
		}
	}
}
#endif
