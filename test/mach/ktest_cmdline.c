/* Kernel command-line parsing. */
#include <kern/cmdline.h>
#include <kern/ktest.h>
#include <kern/printf.h>
#include <kern/string.h>

static int is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

KTEST(cmdline_parse)
{
	static struct cmdline c;

	cmdline_parse(&c, "/boot/ernst console=serial  ktest=a,b debug   x= y=1=2");
	ktest_ok(c.count == 5, "the image name is skipped, five words remain (%u)", c.count);
	ktest_ok(is(cmdline_get(&c, "console"), "serial"), "console=serial");
	ktest_ok(is(cmdline_get(&c, "ktest"), "a,b"), "a comma list is one value");
	ktest_ok(is(cmdline_get(&c, "debug"), ""), "a bare flag has an empty value");
	ktest_ok(is(cmdline_get(&c, "x"), ""), "key= has an empty value");
	ktest_ok(is(cmdline_get(&c, "y"), "1=2"), "only the first '=' splits");
	ktest_ok(cmdline_get(&c, "missing") == NULL, "an absent key is NULL");
	ktest_ok(cmdline_list_has("a,b", "b") && cmdline_list_has("a,b", "a") && !cmdline_list_has("a,b", "ab") &&
		 !cmdline_list_has("a,,b", ""),
		 "comma lists match whole items only");

	cmdline_parse(&c, "n=250 zero=0 bad=12x empty= big=99999999999 edge=1000");
	ktest_ok(cmdline_get_number(&c, "n", 7, 1000) == 250 && cmdline_get_number(&c, "missing", 7, 1000) == 7,
		 "a number, and the default for an absent key");
	ktest_ok(cmdline_get_number(&c, "zero", 7, 1000) == 7 && cmdline_get_number(&c, "bad", 7, 1000) == 7 &&
			 cmdline_get_number(&c, "empty", 7, 1000) == 7,
		 "0, trailing junk and an empty value give the default");
	ktest_ok(cmdline_get_number(&c, "big", 7, 1000) == 1000 && cmdline_get_number(&c, "edge", 7, 1000) == 1000 &&
			 cmdline_get_number(&c, "n", 7, 100) == 100,
		 "a value past the maximum is the maximum (no overflow)");
	cmdline_parse(&c, "debug=1 debug=2");
	ktest_ok(c.count == 2 && is(cmdline_get(&c, "debug"), "2"), "the first word is kept when it has '=' and the last value wins");
	cmdline_parse(&c, "");
	ktest_ok(c.count == 0 && !c.truncated, "an empty command line");
	cmdline_parse(&c, "   \t ");
	ktest_ok(c.count == 0, "a blank command line");

	static char big[CMDLINE_MAX + 100];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = 'k', big[1] = '=';
	cmdline_parse(&c, big);
	ktest_ok(c.truncated && c.count == 1 && strlen(cmdline_get(&c, "k")) == CMDLINE_MAX - 3,
		 "an over-long command line is truncated, not overrun");

	char many[CMDLINE_MAX];
	unsigned n = 0;
	for (unsigned i = 0; i < CMDLINE_MAX_WORDS + 10; i++)
		n += snprintf(many + n, sizeof(many) - n, "w%u ", i);
	cmdline_parse(&c, many);
	ktest_ok(c.truncated && c.count == CMDLINE_MAX_WORDS, "more words than fit are dropped and flagged");

	ktest_ok(cmdline_get(&kernel_cmdline, "ktest") != NULL, "the booted command line was parsed (ktest= is there)");
}
