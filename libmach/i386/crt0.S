/*
 * _start: where every user task begins.  The kernel (or the task that
 * made this one) leaves the SysV/GNU Mach start-up stack: at %esp argc,
 * then argv[0..argc-1] and a NULL, then envp[...] and a NULL, with the
 * strings above.  We hand them to libmach_init and main, and main's
 * return value to exit().
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp			/* the outermost frame, for backtraces */
	cld
	movl (%esp), %ebx		/* argc */
	leal 4(%esp), %esi		/* argv */
	leal 8(%esp,%ebx,4), %edi	/* envp: after argv's NULL */
	andl $-16, %esp			/* the i386 SysV ABI keeps %esp 16-aligned at calls */
	subl $4, %esp
	pushl %edi
	pushl %esi
	pushl %ebx
	call libmach_init
	addl $12, %esp			/* a callee may change its argument slots: push again */
	pushl %edi
	pushl %esi
	pushl %ebx
	call main
	movl %eax, (%esp)		/* exit(status), the stack still aligned */
	call exit
	ud2				/* exit does not return */
	.size _start, . - _start

/*
 * newlib's __libc_init_array calls _init (and __libc_fini_array _fini)
 * around the .init_array/.fini_array constructors; the crti/crtn code a
 * hosted toolchain would put here is not needed for C.
 */
	.globl _init, _fini
	.type _init, @function
	.type _fini, @function
_init:
_fini:
	ret

/*
 * newlib has weak-by-position defaults of these (a dummy __getreent and
 * no-op locks in libc.a); naming them here makes the linker take
 * libmach's versions before it ever looks at libc.
 */
	.globl __getreent
	.globl __retarget_lock_acquire_recursive

	.section .note.GNU-stack, "", @progbits
