/*
 * The smallest in-guest test: one line through the mach_print trap (no
 * newlib on the way), then a clean exit ends the task and the boot.
 */
#include <mach.h>

int main(void)
{
	mach_print("ok 1 - mach_print reaches the console from a user task\n");
	mach_print("1..1\n");
	return 0;
}
