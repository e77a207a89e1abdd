/* Constants of proc.defs. */
#ifndef _SERVERS_PROC_TYPES_H_
#define _SERVERS_PROC_TYPES_H_

/* proc_get_service: which service. */
#define PROC_SERVICE_PIPES 0 /* pipe.defs */
#define PROC_SERVICE_COUNT 1

#endif
