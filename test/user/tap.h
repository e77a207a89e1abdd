/*
 * TAP for in-guest user tests: each check prints "ok N - what" or
 * "not ok N - what" (with what was got and expected), the plan comes at
 * the end (tap_done), so a test need not count its checks in advance.
 * Output goes through printf to the console, flushed line by line.
 */
#ifndef _TEST_USER_TAP_H_
#define _TEST_USER_TAP_H_

#include <stdint.h>

/* One check; returns cond so a test can stop when a step it needs failed. */
int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* got == want, both shown (in decimal and hex) if not. */
int is(long long got, long long want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A kern_return_t / mach_msg_return_t: got == want, shown in hex. */
int is_kr(uint32_t got, uint32_t want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* got OP want for OP one of < <= > >= ==  !=. */
int cmp_ok(long long got, const char *op, long long want, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A comment line ("# ..."), for context in the log. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan "1..N" and return the exit status: 0 if all passed. */
int tap_done(void);
/* Stop now: "Bail out! why", the plan, and the task ends. */
void tap_bail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif /* _TEST_USER_TAP_H_ */
