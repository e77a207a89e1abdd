/*
 * Machine-word types of the Mach interface.  Ernst targets i386, where
 * every one of these is 32 bits wide, exactly as in GNU Mach i386.  The
 * same header also serves host-side tests on x86_64 (MIG output compiled
 * on the build machine), where the pointer-sized types widen to 64 bits
 * as they do in GNU Mach x86_64; natural_t and integer_t stay 32 bits.
 *
 * Freestanding: only <stdint.h> is used.
 */
#ifndef _MACH_MACHINE_VM_TYPES_H_
#define _MACH_MACHINE_VM_TYPES_H_

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The natural word of the message format: type descriptors, counts. */
typedef unsigned int natural_t;
typedef int integer_t;

/* Word-sized quantities that follow the pointer width. */
typedef unsigned long long_natural_t;
typedef long long_integer_t;

/* Addresses and sizes in a task's address space. */
typedef uintptr_t vm_offset_t;
typedef vm_offset_t *vm_offset_array_t;
typedef uintptr_t vm_size_t;
typedef vm_size_t *vm_size_array_t;

/* Physical addresses as they travel in RPCs (always 64 bits). */
typedef unsigned long long rpc_phys_addr_t;

/* The wire forms of the word-sized types: identical for a native task. */
typedef vm_offset_t rpc_vm_address_t;
typedef vm_offset_t rpc_vm_offset_t;
typedef vm_size_t rpc_vm_size_t;
typedef long_natural_t rpc_long_natural_t;
typedef long_integer_t rpc_long_integer_t;

typedef int8_t signed8_t;
typedef int16_t signed16_t;
typedef int32_t signed32_t;
typedef int64_t signed64_t;
typedef uint8_t unsigned8_t;
typedef uint16_t unsigned16_t;
typedef uint32_t unsigned32_t;
typedef uint64_t unsigned64_t;
typedef float float32_t;
typedef double float64_t;
#endif /* __ASSEMBLER__ */

/* The message type that carries an integer_t. */
#define MACH_MSG_TYPE_INTEGER_T MACH_MSG_TYPE_INTEGER_32

#endif /* _MACH_MACHINE_VM_TYPES_H_ */
