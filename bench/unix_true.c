/* The smallest static Linux program: exit(0), for unix.fork_exec_wait. */
void _start(void) __attribute__((noreturn));
void _start(void)
{
	__asm__ volatile("movl $1, %eax\n\txorl %ebx, %ebx\n\tint $0x80");
	__builtin_unreachable();
}
