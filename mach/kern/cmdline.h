/* The kernel command line: words separated by spaces, each "key=value"
 * or a bare "flag".  A first word without '=' is the loader's name for
 * the kernel image and is skipped. */
#ifndef KERN_CMDLINE_H
#define KERN_CMDLINE_H
#include <stddef.h>

#define CMDLINE_MAX 1024
#define CMDLINE_MAX_WORDS 64

struct cmdline {
	char buf[CMDLINE_MAX];
	unsigned count;
	const char *key[CMDLINE_MAX_WORDS];
	const char *value[CMDLINE_MAX_WORDS]; /* "" for a bare flag */
	int truncated;			       /* too long or too many words */
};

void cmdline_parse(struct cmdline *c, const char *s);
/* The value of key (the last one given wins), or NULL if absent. */
const char *cmdline_get(const struct cmdline *c, const char *key);
/* key's value as a decimal number: dflt if absent, empty, 0 or not all
 * digits; max if larger. */
unsigned cmdline_get_number(const struct cmdline *c, const char *key, unsigned dflt, unsigned max);
/* Whether word is one of the comma-separated items of list. */
int cmdline_list_has(const char *list, const char *word);

/* The booted kernel's command line. */
extern struct cmdline kernel_cmdline;
#endif
