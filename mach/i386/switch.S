/*
 * void cpu_switch_context(struct thread *old, struct thread *new)
 * Save the callee-saved registers on old's kernel stack and its stack
 * pointer in old->kernel_esp (offset 0), then resume new the same way.
 * A new thread's stack is laid out by pcb_init to "return" into
 * thread_start_trampoline.
 *
 * void cpu_switch_to_user(struct thread *old, struct i386_saved_state *frame)
 * Save old the same way, then return to user mode from frame, the top
 * of the kernel stack of a thread whose Mach trap the IPC fast path
 * completed (kern/sched_ipc.h: thread_block_ipc).  No sched_after_switch: a thread that
 * exits never switches this way, so none is left to reap.
 */
	.text
	.globl cpu_switch_context
cpu_switch_context:
	movl 8(%esp), %edx
	movl (%edx), %edx	/* new->kernel_esp */
	movl $switch_resume, %ecx
	jmp switch_save

	.globl cpu_switch_to_user
cpu_switch_to_user:
	movl 8(%esp), %edx	/* frame */
	movl $mach_call_return, %ecx
switch_save:			/* %edx: the stack to go on with, %ecx: where */
	movl 4(%esp), %eax
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl %edx, %esp
	jmp *%ecx

switch_resume:
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

	.globl thread_start_trampoline
thread_start_trampoline:
	xorl %ebp, %ebp
	call thread_start
1:	hlt
	jmp 1b

/* Enter user mode with the register frame at the top of the kernel stack. */
	.globl thread_return_to_user
thread_return_to_user:
	movl 4(%esp), %esp
	jmp trap_return
