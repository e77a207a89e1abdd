/*
 * void cpu_switch_context(struct thread *old, struct thread *new)
 * Save the callee-saved registers on old's kernel stack and its stack
 * pointer in old->kernel_esp (offset 0), then resume new the same way.
 * A new thread's stack is laid out by pcb_init to "return" into
 * thread_start_trampoline.
 */
	.text
	.globl cpu_switch_context
cpu_switch_context:
	movl 4(%esp), %eax
	movl 8(%esp), %edx
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl (%edx), %esp
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

/* A thread whose receive the IPC fast path completed (pcb_resume_user):
 * the stack pointer is at its user frame, the result in it. */
	.globl thread_ipc_resume
thread_ipc_resume:
	call sched_after_switch
	jmp mach_call_return

/* Enter user mode with the register frame at the top of the kernel stack. */
	.globl thread_return_to_user
thread_return_to_user:
	movl 4(%esp), %esp
	jmp trap_return
