/* Which port task_get_special_port / task_set_special_port mean. */
#ifndef _MACH_TASK_SPECIAL_PORTS_H_
#define _MACH_TASK_SPECIAL_PORTS_H_

#define TASK_KERNEL_PORT 1    /* the task itself */
#define TASK_EXCEPTION_PORT 3 /* where its threads' exceptions go */
#define TASK_BOOTSTRAP_PORT 4 /* its bootstrap (name) server */

#endif /* _MACH_TASK_SPECIAL_PORTS_H_ */
