#include <kern/cmdline.h>
#include <kern/string.h>

struct cmdline kernel_cmdline;

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n';
}

void cmdline_parse(struct cmdline *c, const char *s)
{
	size_t len = strlcpy(c->buf, s, sizeof(c->buf));
	char *p = c->buf;
	int first = 1;

	c->count = 0;
	c->truncated = len >= sizeof(c->buf);
	for (;;) {
		while (is_space(*p))
			*p++ = '\0';
		if (*p == '\0')
			break;
		char *word = p, *eq = NULL;
		for (; *p && !is_space(*p); p++)
			if (*p == '=' && eq == NULL)
				eq = p;
		if (first && eq == NULL) { /* the image name */
			first = 0;
			continue;
		}
		first = 0;
		if (c->count == CMDLINE_MAX_WORDS) {
			c->truncated = 1;
			break;
		}
		if (eq) {
			*eq = '\0';
			c->value[c->count] = eq + 1;
		} else {
			c->value[c->count] = p; /* points at the terminator: "" */
		}
		c->key[c->count++] = word;
	}
}

const char *cmdline_get(const struct cmdline *c, const char *key)
{
	for (unsigned i = c->count; i-- > 0;)
		if (strcmp(c->key[i], key) == 0)
			return c->value[i];
	return NULL;
}

unsigned cmdline_get_number(const struct cmdline *c, const char *key, unsigned dflt, unsigned max)
{
	const char *s = cmdline_get(c, key);
	unsigned v = 0;

	if (s == NULL || *s == '\0')
		return dflt;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v > max / 10 ? max : v * 10 + (unsigned)(*s - '0');
	if (*s != '\0' || v == 0)
		return dflt;
	return v > max ? max : v;
}

int cmdline_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (n == 0)
		return 0;
	while (list && *list) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);
		if (len == n && strncmp(list, word, n) == 0)
			return 1;
		list = end ? end + 1 : NULL;
	}
	return 0;
}
