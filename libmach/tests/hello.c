/*
 * The smallest user program: prints through newlib's printf (which
 * reaches the console through libmach's write and mach_print) and exits.
 * Built to prove the user link works; it runs once the kernel starts
 * tasks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *copy = malloc(64);
	if (copy == NULL)
		return 1;
	strcpy(copy, "hello from an Ernst task");
	printf("%s (argc %d, argv[0] %s)\n", copy, argc, argc > 0 ? argv[0] : "none");
	free(copy);
	return 0;
}
