/*
 * Mach trap stubs, GNU Mach i386 convention: the trap number, negated, in
 * %eax, then a far call through the call gate at selector 7.  The
 * arguments stay where the C caller put them: the kernel reads them from
 * the user stack just above this stub's return address.  The result comes
 * back in %eax.  The argument count is documentation only (the kernel's
 * trap table knows it); libmach/tests/user_elf.sh checks the encoded numbers.
 */
#define MACH_TRAP(name, number, nargs) \
	.globl name;                   \
	.type name, @function;         \
	.p2align 4;                    \
name:                                  \
	movl $-(number), %eax;         \
	lcall $7, $0;                  \
	ret;                           \
	.size name, . - name

	.text
MACH_TRAP(mach_msg_trap, 25, 7)
MACH_TRAP(mach_reply_port, 26, 0)
MACH_TRAP(mach_thread_self, 27, 0)
MACH_TRAP(mach_task_self, 28, 0)
MACH_TRAP(mach_host_self, 29, 0)
MACH_TRAP(mach_print, 30, 1)

MACH_TRAP(swtch_pri, 59, 1)
MACH_TRAP(swtch, 60, 0)
MACH_TRAP(thread_switch, 61, 3)

MACH_TRAP(syscall_vm_map, 64, 11)
MACH_TRAP(syscall_vm_allocate, 65, 4)
MACH_TRAP(syscall_vm_deallocate, 66, 3)
MACH_TRAP(syscall_task_create, 68, 3)
MACH_TRAP(syscall_task_terminate, 69, 1)
MACH_TRAP(syscall_task_suspend, 70, 1)
MACH_TRAP(syscall_task_set_special_port, 71, 3)
MACH_TRAP(syscall_mach_port_allocate, 72, 3)
MACH_TRAP(syscall_mach_port_deallocate, 73, 2)
MACH_TRAP(syscall_mach_port_insert_right, 74, 4)
MACH_TRAP(syscall_mach_port_allocate_name, 75, 3)

/*
 * mach_msg (see msg.c): trap 25 made here, with the caller's arguments in
 * place; a result other than MACH_MSG_SUCCESS goes on to mach_msg_retry
 * (in %eax, its regparm argument; the others still on the stack).
 */
	.globl mach_msg
	.type mach_msg, @function
	.p2align 4
mach_msg:
	movl $-25, %eax
	lcall $7, $0
	testl %eax, %eax
	jnz mach_msg_retry
	ret
	.size mach_msg, . - mach_msg

	.section .note.GNU-stack, "", @progbits
