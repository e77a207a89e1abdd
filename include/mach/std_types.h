/* The C types behind std_types.defs. */
#ifndef _MACH_STD_TYPES_H_
#define _MACH_STD_TYPES_H_

#include <stdint.h>
#include <mach/kern_return.h>
#include <mach/port.h>
#include <mach/machine/vm_types.h>

typedef vm_offset_t pointer_t;
typedef vm_offset_t vm_address_t;

#endif /* _MACH_STD_TYPES_H_ */
