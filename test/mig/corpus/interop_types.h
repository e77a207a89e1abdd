/* C types of interop.defs. */
#ifndef INTEROP_TYPES_H
#define INTEROP_TYPES_H

#include <mach/std_types.h>

typedef int int_array_t[16];
typedef char big_array_t[5000];
typedef int *ind_array_t;
typedef const int *const_ind_array_t;
typedef char name_t[64];
typedef const char *const_name_t;
typedef char vname_t[128];
typedef const char *const_vname_t;
typedef int fixed_t[4];
typedef struct { int x, y, z; } st_t;
typedef short short_t;
typedef char char_t;
typedef char bytes_t[12];

/* What the servers make of obj_t ports (defined in interop_shim.c). */
struct interop_obj {
	int via_payload;     /* from a protected payload, not a port */
	unsigned long value; /* the payload or the port name */
};
typedef struct interop_obj *interop_obj_t;
interop_obj_t interop_obj_from_port(mach_port_t port);
interop_obj_t interop_obj_from_payload(unsigned long payload);
void interop_obj_release(interop_obj_t obj);
mach_port_t interop_payload_to_port(unsigned long payload);
extern int interop_obj_live; /* objects made and not yet released */

#endif
