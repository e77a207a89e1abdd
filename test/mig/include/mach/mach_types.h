/* GNU MIG's user stubs include <mach/mach_types.h>; the test needs none of it. */
#include <mach/std_types.h>
