/* Which port thread_get_special_port / thread_set_special_port mean. */
#ifndef _MACH_THREAD_SPECIAL_PORTS_H_
#define _MACH_THREAD_SPECIAL_PORTS_H_

#define THREAD_KERNEL_PORT 1    /* the thread itself */
#define THREAD_EXCEPTION_PORT 3 /* its own exception port, before the task's */

#endif /* _MACH_THREAD_SPECIAL_PORTS_H_ */
