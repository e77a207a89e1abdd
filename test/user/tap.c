/* TAP output for in-guest user tests (see tap.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include "tap.h"

/* Checks may come from several threads. */
static cthread_mutex_t tap_lock = CTHREAD_MUTEX_INITIALIZER;
static int tap_count, tap_failed;

static int vreport(int cond, const char *fmt, va_list ap, const char *detail)
{
	cthread_mutex_lock(&tap_lock);
	int n = ++tap_count;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", n);
	vprintf(fmt, ap);
	printf("\n");
	if (!cond && detail != NULL)
		printf("#   %s\n", detail);
	fflush(stdout);
	cthread_mutex_unlock(&tap_lock);
	return cond;
}

int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(cond, fmt, ap, NULL);
	va_end(ap);
	return cond;
}

int is(long long got, long long want, const char *fmt, ...)
{
	char detail[96];
	va_list ap;
	snprintf(detail, sizeof detail, "got %lld (0x%llx), expected %lld (0x%llx)", got,
		 (unsigned long long)got, want, (unsigned long long)want);
	va_start(ap, fmt);
	int r = vreport(got == want, fmt, ap, detail);
	va_end(ap);
	return r;
}

int is_kr(uint32_t got, uint32_t want, const char *fmt, ...)
{
	char detail[64];
	va_list ap;
	snprintf(detail, sizeof detail, "got 0x%x (%d), expected 0x%x (%d)", (unsigned)got, (int)got,
		 (unsigned)want, (int)want);
	va_start(ap, fmt);
	int r = vreport(got == want, fmt, ap, detail);
	va_end(ap);
	return r;
}

int cmp_ok(long long got, const char *op, long long want, const char *fmt, ...)
{
	int cond;
	if (strcmp(op, "<") == 0)
		cond = got < want;
	else if (strcmp(op, "<=") == 0)
		cond = got <= want;
	else if (strcmp(op, ">") == 0)
		cond = got > want;
	else if (strcmp(op, ">=") == 0)
		cond = got >= want;
	else if (strcmp(op, "!=") == 0)
		cond = got != want;
	else
		cond = got == want;
	char detail[96];
	snprintf(detail, sizeof detail, "got %lld, expected %s %lld", got, op, want);
	va_list ap;
	va_start(ap, fmt);
	int r = vreport(cond, fmt, ap, detail);
	va_end(ap);
	return r;
}

void diag(const char *fmt, ...)
{
	va_list ap;
	cthread_mutex_lock(&tap_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	cthread_mutex_unlock(&tap_lock);
}

int tap_done(void)
{
	cthread_mutex_lock(&tap_lock);
	printf("1..%d\n", tap_count);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_count);
	fflush(stdout);
	cthread_mutex_unlock(&tap_lock);
	return tap_failed ? 1 : 0;
}

void tap_bail(const char *fmt, ...)
{
	va_list ap;
	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(tap_done() | 1);
}
