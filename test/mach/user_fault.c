/* A user program that faults with no exception handler: the kernel must
 * end the task (and say why), never panic.  What it does is chosen by
 * argv[1]: "read" (an unmapped address), "trap" (a trap number outside
 * GNU Mach's table), "ud2" (an invalid instruction). */
#include <mach.h>
#include <stdio.h>
#include <string.h>

#define UNMAPPED_ADDRESS 0x40001234

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "read";

	printf("user_fault: %s\n", what);
	if (strcmp(what, "read") == 0)
		printf("read %d\n", *(volatile int *)UNMAPPED_ADDRESS);
	else if (strcmp(what, "trap") == 0)
		__asm__ volatile("movl $-200, %%eax; lcall $7, $0" ::: "eax", "memory");
	else if (strcmp(what, "ud2") == 0)
		__asm__ volatile("ud2");
	printf("user_fault: still running: the fault was not caught\n");
	return 0;
}
