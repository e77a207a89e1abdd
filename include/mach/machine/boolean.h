/* boolean_t: a full natural word, as in GNU Mach. */
#ifndef _MACH_MACHINE_BOOLEAN_H_
#define _MACH_MACHINE_BOOLEAN_H_

#ifndef __ASSEMBLER__
typedef int boolean_t;
#endif

#endif /* _MACH_MACHINE_BOOLEAN_H_ */
