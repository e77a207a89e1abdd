/* Types of mach_i386.defs, as GNU Mach names them. */
#ifndef _MACH_MACHINE_MACH_I386_TYPES_H_
#define _MACH_MACHINE_MACH_I386_TYPES_H_

/* A segment descriptor as the CPU reads it from a descriptor table. */
struct descriptor {
	unsigned int low_word;
	unsigned int high_word;
};
typedef struct descriptor descriptor_t;
typedef struct descriptor *descriptor_list_t;

#endif
