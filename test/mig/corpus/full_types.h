/* C types of full.defs, shared by both sides. */
#ifndef FULL_TYPES_H
#define FULL_TYPES_H
#include <mach/std_types.h>
typedef natural_t state_t[32];
typedef struct { int a, b; } pair_t;
typedef pair_t pairs_t[8];
typedef int *quad_t;
typedef char *data_t;
typedef unsigned char *page_t;
typedef int long_t;
typedef unsigned char bits_t[8];
typedef short word16_t[3];
typedef char path_t[1024];
typedef int flavor_t;
typedef mach_port_t payload_port_t;
#endif
