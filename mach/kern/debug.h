#ifndef KERN_DEBUG_H
#define KERN_DEBUG_H
#include <stdint.h>

struct i386_saved_state;

/* Print the message, the registers where there are any, and a backtrace;
 * stop every CPU; then leave QEMU (or halt on real hardware). */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void panic_trap(struct i386_saved_state *ss) __attribute__((noreturn));

/* Kernel assertions: a failure panics with the file and line. */
#define assert(cond)                                                                  \
	do {                                                                          \
		if (!(cond))                                                          \
			panic("assertion \"%s\" failed at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

/* Print "  [n] address  symbol+offset" for eip and each frame from ebp
 * up; esp (or 0 if unknown) lets a trap inside a prologue be traced. */
void backtrace_print(uintptr_t eip, uintptr_t ebp, uintptr_t esp);
/* The name of the function containing addr, and the offset into it. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

/* A word at an address that may not be mapped: 0, or -1 if it faulted. */
int probe_read32(const volatile uint32_t *addr, uint32_t *value);
int probe_write32(volatile uint32_t *addr, uint32_t value);
extern uintptr_t cpu_recover_fault_addr;

/* Debug level from debug= on the command line. */
extern int debug_level;
#endif
