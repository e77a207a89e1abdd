/* Time as the kernel reports it: seconds and microseconds (i386: two words). */
#ifndef _MACH_TIME_VALUE_H_
#define _MACH_TIME_VALUE_H_

#include <mach/machine/vm_types.h>

struct time_value {
	integer_t seconds;
	integer_t microseconds; /* below TIME_MICROS_MAX */
};
typedef struct time_value time_value_t;
typedef struct time_value rpc_time_value_t;

#define TIME_MICROS_MAX 1000000

#endif /* _MACH_TIME_VALUE_H_ */
