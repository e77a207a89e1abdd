/* boolean_t with TRUE and FALSE. */
#ifndef _MACH_BOOLEAN_H_
#define _MACH_BOOLEAN_H_

#include <mach/machine/boolean.h>

#ifndef NOBOOL
#ifndef TRUE
#define TRUE ((boolean_t)1)
#endif
#ifndef FALSE
#define FALSE ((boolean_t)0)
#endif
#endif /* NOBOOL */

#endif /* _MACH_BOOLEAN_H_ */
