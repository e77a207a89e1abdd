/*
 * In-kernel self tests, run when the command line says ktest=NAME[,NAME]
 * (or ktest=all).  Each test reports TAP points on the console; after the
 * last one the kernel prints the plan and leaves QEMU with a status that
 * says whether every point passed.  Tests declared KTEST_EXPLICIT (those
 * that panic on purpose) run only when named.
 */
#ifndef KERN_KTEST_H
#define KERN_KTEST_H

struct ktest {
	const char *name;
	void (*run)(void);
	int in_all;
};

#define KTEST_DEFINE(tname, all)                                                          \
	static void ktest_##tname(void);                                                 \
	static const struct ktest ktest_desc_##tname                                     \
		__attribute__((section(".ktests"), used, aligned(4))) = {#tname, ktest_##tname, all}; \
	static void ktest_##tname(void)

#define KTEST(tname) KTEST_DEFINE(tname, 1)
#define KTEST_EXPLICIT(tname) KTEST_DEFINE(tname, 0)

/* One TAP point: "ok N - test: description" or "not ok N - ...". */
int ktest_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sleep a tick at a time until th waits for an event (it is not running:
 * we are), at most 5 s of ticks; whether it does.  A sleep of a fixed
 * few ticks can end before th got there when QEMU is starved. */
struct thread;
int ktest_wait_blocked(struct thread *th);

/* Run the tests spec names, print the plan, and halt with the verdict. */
void ktest_run(const char *spec) __attribute__((noreturn));
#endif
