/* Limits of the bootstrap name service (bootstrap_names.defs). */
#ifndef _SERVERS_BOOTSTRAP_LIMITS_H_
#define _SERVERS_BOOTSTRAP_LIMITS_H_

#define BOOTSTRAP_NAME_MAX 63 /* characters in a name, without the NUL */
#define BOOTSTRAP_NAMES_MAX 128 /* names registered at once */
#define BOOTSTRAP_DATA_MAX 16	/* data modules ($(data)) held */

#endif
