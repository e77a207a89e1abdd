/* kern_return_t: the result of every kernel operation and RPC. */
#ifndef _MACH_MACHINE_KERN_RETURN_H_
#define _MACH_MACHINE_KERN_RETURN_H_

#ifndef __ASSEMBLER__
typedef int kern_return_t;
#endif

#endif /* _MACH_MACHINE_KERN_RETURN_H_ */
