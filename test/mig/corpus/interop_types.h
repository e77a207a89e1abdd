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

#endif
