#include <stdarg.h>
#include <kern/clock.h>
#include <kern/cmdline.h>
#include <kern/ktest.h>
#include <kern/machine.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/thread.h>

extern const struct ktest _ktests_start[], _ktests_end[];

static unsigned ktest_points, ktest_failures;
static const char *ktest_current;

int ktest_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	ktest_points++;
	if (!cond)
		ktest_failures++;
	printf("%sok %u - %s: ", cond ? "" : "not ", ktest_points, ktest_current);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

int ktest_wait_blocked(struct thread *th)
{
	for (int i = 0; i < 5 * HZ && !(th->state & TH_WAIT); i++)
		thread_sleep(NULL, 0, 1);
	return (th->state & TH_WAIT) != 0;
}

static int ktest_known(const char *name)
{
	for (const struct ktest *t = _ktests_start; t < _ktests_end; t++)
		if ((strcmp(t->name, name) == 0))
			return 1;
	return 0;
}

void ktest_run(const char *spec)
{
	int all = cmdline_list_has(spec, "all");

	printf("ktest: running %s\n", spec);
	for (const struct ktest *t = _ktests_start; t < _ktests_end; t++) {
		if ((all && t->in_all) || cmdline_list_has(spec, t->name)) {
			ktest_current = t->name;
			printf("# %s\n", t->name);
			t->run();
		}
	}
	/* A name that matches no test is a failure, not a silent pass. */
	for (const char *p = spec; p && *p;) {
		char word[64];
		unsigned n = 0;
		while (*p && *p != ',' && n < sizeof(word) - 1)
			word[n++] = *p++;
		word[n] = '\0';
		while (*p && *p != ',')
			p++;
		if (*p == ',')
			p++;
		if ((strcmp(word, "all") == 0) || ktest_known(word))
			continue;
		ktest_current = "ktest";
		ktest_ok(0, "no test named '%s'", word);
	}
	printf("1..%u\n", ktest_points);
	printf("ktest: %u passed, %u failed\n", ktest_points - ktest_failures, ktest_failures);
	machine_halt(ktest_failures || ktest_points == 0 ? MACHINE_EXIT_FAILURE : MACHINE_EXIT_SUCCESS);
}
