/*
 * Trap and interrupt entry.  Every vector pushes an error code (a zero
 * where the CPU pushes none) and its number, so that all of them build
 * the same struct i386_saved_state and share one path into trap().
 */
#include <i386/asm_offsets.h>
#include <i386/seg.h>
#include <i386/trap.h>
#include <i386/vm_param.h>
#include <kern/syscall.h>

#define TRAP_NOERR(n) \
	.text; 1: pushl $0; pushl $(n); jmp trap_common; \
	.section .rodata; .long 1b

#define TRAP_ERR(n) \
	.text; 1: pushl $(n); jmp trap_common; \
	.section .rodata; .long 1b

	.section .rodata
	.align 4
	.globl trap_entry_table
trap_entry_table:
	TRAP_NOERR(0); TRAP_NOERR(1); TRAP_NOERR(2); TRAP_NOERR(3)
	TRAP_NOERR(4); TRAP_NOERR(5); TRAP_NOERR(6); TRAP_NOERR(7)
	TRAP_ERR(8); TRAP_NOERR(9); TRAP_ERR(10); TRAP_ERR(11)
	TRAP_ERR(12); TRAP_ERR(13); TRAP_ERR(14); TRAP_NOERR(15)
	TRAP_NOERR(16); TRAP_ERR(17); TRAP_NOERR(18); TRAP_NOERR(19)
	TRAP_NOERR(20); TRAP_ERR(21); TRAP_NOERR(22); TRAP_NOERR(23)
	TRAP_NOERR(24); TRAP_NOERR(25); TRAP_NOERR(26); TRAP_NOERR(27)
	TRAP_NOERR(28); TRAP_ERR(29); TRAP_ERR(30); TRAP_NOERR(31)
	.irp irq, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	TRAP_NOERR(T_IRQ_BASE + \irq)
	.endr

/* Complete a struct i386_saved_state whose trap number and error code
 * are pushed, and enter the kernel's data segments. */
#define SAVE_FRAME \
	pushal; \
	pushl %ds; \
	pushl %es; \
	pushl %fs; \
	pushl %gs; \
	cld;			/* C code assumes the direction flag clear */ \
	movl $KERNEL_DS, %edx;	/* %eax stays as it came: a Mach trap's number */ \
	movw %dx, %ds; \
	movw %dx, %es; \
	xorl %edx, %edx; \
	movw %dx, %fs; \
	movw %dx, %gs

	.text
	.globl trap_common
trap_common:
	SAVE_FRAME
	pushl %esp		/* struct i386_saved_state * */
	call trap
	addl $4, %esp
	.globl trap_return
trap_return:
	popl %gs
	popl %fs
	popl %es
	popl %ds
	popal
	addl $8, %esp		/* trap number and error code */
	iret

/*
 * Fault recovery.  While cpu_recover is non-zero, a kernel page fault or
 * general protection fault resumes at that address instead of panicking
 * (see trap()).  The probes below read or write one word that may not be
 * mapped; copyin/copyout are built the same way.
 */
	.bss
	.align 4
	.globl cpu_recover
cpu_recover:
	.long 0

	.text
/* int probe_read32(const volatile uint32_t *addr, uint32_t *value): 0, or -1 on fault. */
	.globl probe_read32
probe_read32:
	movl 4(%esp), %ecx
	movl $probe_fault, cpu_recover
	movl (%ecx), %eax
	movl $0, cpu_recover
	movl 8(%esp), %ecx
	movl %eax, (%ecx)
	xorl %eax, %eax
	ret

/* int probe_write32(volatile uint32_t *addr, uint32_t value): 0, or -1 on fault. */
	.globl probe_write32
probe_write32:
	movl 4(%esp), %ecx
	movl 8(%esp), %eax
	movl $probe_fault, cpu_recover
	movl %eax, (%ecx)
	movl $0, cpu_recover
	xorl %eax, %eax
	ret

probe_fault:
	movl $0, cpu_recover
	movl $-1, %eax
	ret

/* int copy_user(void *dst, const void *src, size_t n): 0, or 1 if a
 * page fault could not be resolved (kern/copy.c checks the range). */
	.globl copy_user
copy_user:
	pushl %esi
	pushl %edi
	movl 12(%esp), %edi
	movl 16(%esp), %esi
	movl 20(%esp), %ecx
	movl $copy_fault, cpu_recover
	movl %ecx, %edx
	shrl $2, %ecx
	rep movsl
	movl %edx, %ecx
	andl $3, %ecx
	rep movsb
	movl $0, cpu_recover
	xorl %eax, %eax
	popl %edi
	popl %esi
	ret
copy_fault:
	movl $0, cpu_recover
	movl $1, %eax
	popl %edi
	popl %esi
	ret

/*
 * Mach traps: "lcall $7,$0" through the call gate in LDT slot 0.  The gate
 * pushes (eip, cs, user esp, user ss) but no flags: eip and cs move down a
 * word and the flags go between, so the frame is an ordinary struct
 * i386_saved_state (trap number T_MACH_TRAP).  The trap's argument words,
 * above the user's return address, are copied onto the kernel stack as a
 * C call frame and the function mach_trap_table names is called with
 * them; its result goes back in %eax.  Every trap crosses here, so it is
 * written out rather than left to a C dispatcher.
 */
	.text
	.globl mach_call_entry
mach_call_entry:
	pushl (%esp)		/* eip eip cs uesp ss */
	pushl 8(%esp)		/* cs eip eip cs uesp ss */
	popl 4(%esp)		/* eip cs cs uesp ss (the pop's address is after it) */
	pushfl
	popl 8(%esp)		/* eip cs efl uesp ss */
	pushl $0
	pushl $T_MACH_TRAP
	SAVE_FRAME
	negl %eax
	cmpl $MACH_TRAP_COUNT, %eax
	jae mach_call_bad_number
	movl mach_trap_table+MACH_TRAP_FN(,%eax,MACH_TRAP_ENTRY_SIZE), %edx
	movl mach_trap_table+MACH_TRAP_NARGS(,%eax,MACH_TRAP_ENTRY_SIZE), %ecx
	testl %ecx, %ecx
	jnz mach_call_args
	call *%edx
	movl %eax, SS_EAX(%esp)

/* Back to user mode, unless the thread has something to do first
 * (kern/ast.h: thread_ast_pending). */
	.globl mach_call_return
mach_call_return:
	cli
	movl active_thread, %edx
	movl TH_TERMINATING(%edx), %eax
	orl TH_SUSPEND_COUNT(%edx), %eax
	movl TH_TASK(%edx), %ecx
	orl TASK_SUSPEND_COUNT(%ecx), %eax
	orl sched_need_resched, %eax
	jnz 1f
	popl %gs		/* trap_return, written out: one jump less */
	popl %fs
	popl %es
	popl %ds
	popal
	addl $8, %esp
	iret
1:	call thread_ast
	jmp trap_return

/*
 * int $0x80: a system call of an emulated ABI (Linux).  The common case,
 * a number the task's emulation vector redirects, is done here with
 * three scratch registers and no frame: push the return address on the
 * user stack as a call would and iret to the entry (what trap_syscall
 * does, kern/emulation.h).  Every memory access takes %ss, the kernel's:
 * %ds is still the program's, whatever it loaded.  Anything else (no
 * vector, no entry, a stack we cannot write, work pending on the way out)
 * goes through the full frame: trap_syscall() decides again and makes
 * the exception the gate's absence made it before.
 */
	.text
	.globl syscall_entry
syscall_entry:
	pushl %eax
	pushl %ecx
	pushl %edx		/* edx ecx eax | eip cs efl uesp ss */
	movl %ss:active_thread, %edx
	movl %ss:TH_TASK(%edx), %ecx
	movl %ss:TASK_EML(%ecx), %ecx
	testl %ecx, %ecx
	jz syscall_slow
	subl %ss:EML_DISP_MIN(%ecx), %eax
	cmpl %ss:EML_DISP_COUNT(%ecx), %eax
	jae syscall_slow
	movl %ss:EML_DISP_VECTOR(%ecx,%eax,4), %eax
	leal -1(%eax), %ecx
	cmpl $(KERNBASE - 1), %ecx	/* 0 (not redirected) or a kernel address */
	jae syscall_slow
	movl SYSCALL_FAST_UESP(%esp), %ecx
	subl $4, %ecx
	cmpl $(KERNBASE - 4), %ecx	/* above, or wrapped below 0 */
	ja syscall_slow
	movl SYSCALL_FAST_EIP(%esp), %edx
	movl $syscall_slow, %ss:cpu_recover
	movl %edx, %ss:(%ecx)
	movl $0, %ss:cpu_recover
	movl %ecx, SYSCALL_FAST_UESP(%esp)
	movl %eax, SYSCALL_FAST_EIP(%esp)
	cli			/* as mach_call_return: nothing pending, then out */
	movl %ss:active_thread, %edx
	movl %ss:TH_TERMINATING(%edx), %eax
	orl %ss:TH_SUSPEND_COUNT(%edx), %eax
	movl %ss:TH_TASK(%edx), %ecx
	orl %ss:TASK_SUSPEND_COUNT(%ecx), %eax
	orl %ss:sched_need_resched, %eax
	jnz syscall_ast
	popl %edx
	popl %ecx
	popl %eax
	iret
/* The three scratch registers back, then the trap frame trap_syscall and
 * thread_ast expect. */
.macro SYSCALL_FRAME
	popl %edx
	popl %ecx
	popl %eax
	pushl $0
	pushl $T_SYSCALL
	SAVE_FRAME
.endm
/* Redirected already (the frame says so): only the pending work is left. */
syscall_ast:
	SYSCALL_FRAME
	call thread_ast
	jmp trap_return
/* A fault on the user stack comes here too, through cpu_recover. */
syscall_slow:
	SYSCALL_FRAME
	pushl %esp
	call trap_syscall
	addl $4, %esp
	jmp trap_return

/* %ecx words from just above the user's return address, checked to lie
 * below KERNBASE; a fault the VM system cannot resolve ends in
 * mach_call_fault through cpu_recover. */
mach_call_args:
	movl %esp, %ebx		/* the frame (callee-saved: kept across the call) */
	movl SS_UESP(%ebx), %esi
	cmpl $7, %ecx
	je mach_call_args7
	addl $4, %esi
	leal (%esi,%ecx,4), %eax
	cmpl %esi, %eax
	jb mach_call_fault
	cmpl $KERNBASE, %eax
	ja mach_call_fault
	shll $2, %ecx
	subl %ecx, %esp
	shrl $2, %ecx
	movl %esp, %edi
	movl $mach_call_fault, cpu_recover
	rep movsl
	movl $0, cpu_recover
	call *%edx
	movl %ebx, %esp
	movl %eax, SS_EAX(%esp)
	jmp mach_call_return

/* Seven words (mach_msg_trap's), pushed one by one: a few instructions
 * less than the loop, on the path every message takes. */
mach_call_args7:
	cmpl $KERNBASE - 32, %esi	/* the words at 4(%esi) .. 31(%esi) */
	ja mach_call_fault
	movl $mach_call_fault, cpu_recover
	pushl 28(%esi)
	pushl 24(%esi)
	pushl 20(%esi)
	pushl 16(%esi)
	pushl 12(%esi)
	pushl 8(%esi)
	pushl 4(%esi)
	movl $0, cpu_recover
	call *%edx
	movl %ebx, %esp
	movl %eax, SS_EAX(%esp)
	jmp mach_call_return

mach_call_fault:			/* %ebx: the frame */
	movl $0, cpu_recover
	movl %ebx, %esp
	pushl %ebx
	call mach_trap_bad_args
	movl %ebx, %esp
	jmp mach_call_return

mach_call_bad_number:
	call mach_trap_bad_number
	jmp mach_call_return
