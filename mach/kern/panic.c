/* panic(): the one way the kernel gives up. */
#include <stdarg.h>
#include <i386/cpu.h>
#include <i386/trap.h>
#include <kern/debug.h>
#include <kern/machine.h>
#include <kern/printf.h>

int debug_level;
static int panicking;

static void __attribute__((noreturn)) panic_stop(void)
{
	/* Uniprocessor today; an SMP kernel sends the other CPUs a halt IPI here. */
	printf("halted.\n");
	machine_halt(MACHINE_EXIT_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	uintptr_t ebp;

	cpu_intr_disable();
	if (panicking++) {
		printf("\npanic while panicking\n");
		panic_stop();
	}
	printf("\npanic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	__asm__ volatile("movl %%ebp, %0" : "=r"(ebp));
	backtrace_print((uintptr_t)__builtin_return_address(0), ebp, 0);
	panic_stop();
}

void panic_trap(struct i386_saved_state *ss)
{
	cpu_intr_disable();
	if (panicking++) {
		printf("\nfault while panicking\n");
		panic_stop();
	}
	printf("\npanic: unexpected %s in %s mode\n", trap_name(ss->trapno), (ss->cs & 3) ? "user" : "kernel");
	if (ss->trapno == T_PAGE_FAULT)
		printf("fault address 0x%08x (%s, %s)\n", get_cr2(), ss->err & PF_WRITE ? "write" : "read",
		       ss->err & PF_PRESENT ? "protection violation" : "not mapped");
	trap_dump_state(ss);
	/* A kernel-mode trap pushes no esp: the stack continues where uesp would be. */
	backtrace_print(ss->eip, ss->ebp, (ss->cs & 3) ? 0 : (uintptr_t)&ss->uesp);
	panic_stop();
}
