/* Exceptions and interrupts: every vector arrives here from locore.S. */
#include <i386/cpu.h>
#include <i386/pic.h>
#include <i386/seg.h>
#include <i386/trap.h>
#include <i386/pcb.h>
#include <kern/debug.h>
#include <kern/sched.h>
#include <kern/thread.h>
#include <kern/ast.h>
#include <kern/task.h>
#include <kern/syscall.h>
#include <kern/exception.h>
#include <kern/emulation.h>
#include <kern/copy.h>
#include <mach/exception.h>
#include <i386/vm_param.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <kern/printf.h>

extern uintptr_t cpu_recover;
/* Address of the last fault that cpu_recover absorbed, for whoever asked. */
uintptr_t cpu_recover_fault_addr;

static irq_handler_t irq_handlers[T_IRQ_COUNT];
int irq_from_user;
unsigned long irq_spurious_count;

static const char *const trap_names[] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bounds check",
    "invalid opcode",
    "no FPU",
    "double fault",
    "FPU overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection",
    "page fault",
    "reserved",
    "floating point error",
    "alignment check",
    "machine check",
    "SSE error",
};

const char *trap_name(unsigned trapno)
{
	if (trapno < sizeof(trap_names) / sizeof(trap_names[0]))
		return trap_names[trapno];
	if (trapno >= T_IRQ_BASE && trapno < T_IRQ_BASE + T_IRQ_COUNT)
		return "interrupt";
	return "unknown trap";
}

void irq_register(unsigned irq, irq_handler_t handler)
{
	irq_handlers[irq] = handler;
	pic_unmask(irq);
}

static void trap_interrupt(unsigned irq)
{
	if ((irq == 7 || irq == 15) && pic_spurious(irq)) {
		irq_spurious_count++;
		if (irq == 15)
			pic_eoi(2); /* the master still saw the cascade */
		return;
	}
	if (irq_handlers[irq] != NULL)
		irq_handlers[irq](irq);
	pic_eoi(irq);
}

void trap_dump_state(const struct i386_saved_state *ss)
{
	int user = (ss->cs & 3) != 0;

	printf("trap %u (%s), error code 0x%x, from %s mode\n", ss->trapno, trap_name(ss->trapno), ss->err,
	       user ? "user" : "kernel");
	printf("eax %08x ebx %08x ecx %08x edx %08x\n", ss->eax, ss->ebx, ss->ecx, ss->edx);
	printf("esi %08x edi %08x ebp %08x esp %08x\n", ss->esi, ss->edi, ss->ebp,
	       user ? ss->uesp : (uint32_t)&ss->uesp);
	printf("eip %08x cs %04x efl %08x ds %04x es %04x fs %04x gs %04x\n", ss->eip, ss->cs & 0xffff,
	       ss->efl, ss->ds & 0xffff, ss->es & 0xffff, ss->fs & 0xffff, ss->gs & 0xffff);
	printf("cr0 %08x cr2 %08x cr3 %08x cr4 %08x\n", get_cr0(), get_cr2(), get_cr3(), get_cr4());
}

/* A trap in user mode that the kernel does not resolve itself becomes an
 * exception message (kern/exception.c), with GNU Mach's i386 codes. */
static void user_exception(struct i386_saved_state *ss, kern_return_t fault_result, uintptr_t fault_addr)
{
	int exc, code = 0, subcode = 0;

	switch (ss->trapno) {
	case T_PAGE_FAULT:
		exc = EXC_BAD_ACCESS;
		code = fault_result;
		subcode = fault_addr;
		break;
	case T_DIVIDE_ERROR:
		exc = EXC_ARITHMETIC;
		code = EXC_I386_DIV;
		break;
	case T_OVERFLOW:
		exc = EXC_ARITHMETIC;
		code = EXC_I386_INTO;
		break;
	case T_BOUNDS:
		exc = EXC_ARITHMETIC;
		code = EXC_I386_BOUND;
		break;
	case T_FLOATING_POINT_ERROR:
	case T_SSE_ERROR:
		exc = EXC_ARITHMETIC;
		code = EXC_I386_EXTERR;
		break;
	case T_INT3:
		exc = EXC_BREAKPOINT;
		code = EXC_I386_BPT;
		break;
	case T_DEBUG:
		exc = EXC_BREAKPOINT;
		code = EXC_I386_SGL;
		break;
	case T_INVALID_OPCODE:
		exc = EXC_BAD_INSTRUCTION;
		code = EXC_I386_INVOP;
		break;
	default: /* protection faults, segment faults */
		exc = EXC_BAD_INSTRUCTION;
		code = ss->trapno;
		subcode = ss->err;
	}
	exception(exc, code, subcode);
}

/* A fault on a user address, from user mode or from copyin/copyout:
 * resolved by the VM system if it can be.  Returns 1 if it was.  addr is
 * cr2 as the trap found it (a fault that waits for a pager lets other
 * threads fault meanwhile, and cr2 with them). */
static int user_page_fault(struct i386_saved_state *ss, uintptr_t addr, kern_return_t *result)
{
	struct thread *th = current_thread();

	if (addr >= KERNBASE || th == NULL || th->kernel_only || th->task->map == NULL)
		return 0;
	vm_prot_t type = (ss->err & PF_WRITE) ? VM_PROT_READ | VM_PROT_WRITE : VM_PROT_READ;
	cpu_intr_enable(); /* the fault may wait for memory or a pager */
	kern_return_t kr = vm_fault(th->task->map, trunc_page(addr), type);
	cpu_intr_disable();
	*result = kr;
	/* Interrupted while waiting for a pager: back to user mode, where the
	 * thread stops or dies (copyin/copyout fail instead). */
	return kr == KERN_SUCCESS || (kr == KERN_ABORTED && (ss->cs & 3) != 0);
}

/* On the way back to user mode: preemption, suspension, termination. */
static void trap_return_to_user(void)
{
	if (thread_ast_pending(current_thread()))
		thread_ast();
}

void trap(struct i386_saved_state *ss)
{
	int user = (ss->cs & 3) != 0;

	if (ss->trapno >= T_IRQ_BASE && ss->trapno < T_IRQ_BASE + T_IRQ_COUNT) {
		irq_from_user = user;
		trap_interrupt(ss->trapno - T_IRQ_BASE);
		if (user)
			trap_return_to_user();
		return;
	}
	kern_return_t fault_result = KERN_INVALID_ADDRESS;
	uintptr_t fault_addr = ss->trapno == T_PAGE_FAULT ? get_cr2() : 0;
	if (ss->trapno == T_PAGE_FAULT && user_page_fault(ss, fault_addr, &fault_result)) {
		if (user)
			trap_return_to_user();
		return;
	}
	if (ss->trapno == T_NO_FPU) {
		fpu_trap();
		return;
	}
	if (!user && cpu_recover != 0 && (ss->trapno == T_PAGE_FAULT || ss->trapno == T_GENERAL_PROTECTION)) {
		cpu_recover_fault_addr = fault_addr;
		ss->eip = cpu_recover;
		cpu_recover = 0;
		return;
	}
	if (user) {
		user_exception(ss, fault_result, fault_addr);
		trap_return_to_user();
		return;
	}
	panic_trap(ss);
}

/* The error code of a #GP through an IDT entry: the vector, flagged IDT. */
#define GP_ERR_IDT 0x2
#define GP_ERR_VECTOR(v) (((v) << 3) | GP_ERR_IDT)
#define INT_INSN_LEN 2 /* int $n: two bytes */

/*
 * int $0x80, as Mach 3 redirected system calls: if the task's emulation
 * vector has an entry for the number in %eax, push the return address on
 * the user stack as a call would and resume at the entry, every other
 * register as the caller left it.  The emulation library returns with
 * ret.  No entry: the general protection fault an absent gate gave, as
 * for any task that is not emulated.
 */
void trap_syscall(struct i386_saved_state *ss)
{
	struct thread *th = current_thread();
	vm_offset_t entry = eml_lookup(th->task, (int)ss->eax);
	uint32_t ret = ss->eip;

	if (entry == 0 || entry >= KERNBASE) {
		/* As the fault leaves it: eip at the int instruction.  An entry
		 * past the user code segment (KERNBASE) faults as a call there
		 * would; the kernel's iret to it would fault instead (a panic on
		 * hardware; QEMU's TCG does not check segment limits). */
		ss->eip -= INT_INSN_LEN;
		exception(EXC_BAD_INSTRUCTION, T_GENERAL_PROTECTION, entry == 0 ? GP_ERR_VECTOR(T_SYSCALL) : 0);
	} else if (copyout(&ret, (void *)(ss->uesp - sizeof(ret)), sizeof(ret)) != 0) {
		exception(EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, ss->uesp - sizeof(ret));
	} else {
		ss->uesp -= sizeof(ret);
		ss->eip = entry;
	}
	trap_return_to_user();
}
