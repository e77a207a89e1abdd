/*
 * The emulation library's ways in and out (README: "the path of a
 * system call").  The kernel enters emul_entry on int $0x80 with the
 * program's registers and its return address pushed (Mach 3's
 * emulation vector); we save the registers in emul_regs, run the call
 * on the library's own stack, and leave through emul_exit, which first
 * delivers any signal the signal thread flagged.  The signal thread
 * treats a thread it finds at or after emul_exit_restore as being in the
 * program with the registers in emul_regs (signal.c).
 */
#define EMUL_STACK_SIZE 0x10000
#define R_EAX 0
#define R_EBX 4
#define R_ECX 8
#define R_EDX 12
#define R_ESI 16
#define R_EDI 20
#define R_EBP 24
#define R_ESP 28
#define R_EIP 32
#define R_EFL 36

	.bss
	.align 16
emul_stack:
	.space EMUL_STACK_SIZE
emul_stack_top:

	.text
	.globl emul_text_start
emul_text_start:

	.globl emul_entry
emul_entry:
	movl %eax, emul_regs+R_EAX
	movl %ebx, emul_regs+R_EBX
	movl %ecx, emul_regs+R_ECX
	movl %edx, emul_regs+R_EDX
	movl %esi, emul_regs+R_ESI
	movl %edi, emul_regs+R_EDI
	movl %ebp, emul_regs+R_EBP
	pushfl
	popl emul_regs+R_EFL
	popl emul_regs+R_EIP		/* the return address the kernel pushed */
	movl %esp, emul_regs+R_ESP	/* the program's stack as it called */
	movl $emul_stack_top, %esp
	cld
	call emul_syscall
	/* fall through */

	.globl emul_resume
emul_resume:
	movl $emul_stack_top, %esp
1:	cmpl $0, emul_signal_check
	.globl emul_exit_restore
emul_exit_restore:
	jne 2f
	movl emul_regs+R_ESP, %esp
	pushl emul_regs+R_EIP
	pushl emul_regs+R_EFL
	movl emul_regs+R_EAX, %eax
	movl emul_regs+R_EBX, %ebx
	movl emul_regs+R_ECX, %ecx
	movl emul_regs+R_EDX, %edx
	movl emul_regs+R_ESI, %esi
	movl emul_regs+R_EDI, %edi
	movl emul_regs+R_EBP, %ebp
	popfl
	ret
	.globl emul_exit_end
emul_exit_end:
2:	call emul_signal_deliver
	jmp 1b

/* The first thread of the first process: %eax = the boot area. */
	.globl emul_boot_entry
emul_boot_entry:
	movl $emul_stack_top, %esp
	pushl %eax
	call emul_boot
1:	hlt
	jmp 1b

/* A fork child's thread: the Linux registers are in emul_regs already
 * (inherited memory); set up what is per task, then resume. */
	.globl emul_fork_child_entry
emul_fork_child_entry:
	movl $emul_stack_top, %esp
	call emul_fork_child
	jmp emul_resume

/* int emul_copy(void *dst, const void *src, size_t n): a fault on either
 * side resumes at emul_copy_fault (signal.c's exception handler). */
	.globl emul_copy, emul_copy_start, emul_copy_end, emul_copy_fault
emul_copy:
	pushl %esi
	pushl %edi
	movl 12(%esp), %edi
	movl 16(%esp), %esi
	movl 20(%esp), %ecx
emul_copy_start:
	rep movsb
emul_copy_end:
	popl %edi
	popl %esi
	xorl %eax, %eax
	ret
emul_copy_fault:
	popl %edi
	popl %esi
	movl $-1, %eax
	ret

/* newlib's init/fini arrays call these (crt0 has them in programs). */
	.globl _init, _fini
_init:
_fini:
	ret
