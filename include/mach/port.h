/*
 * Port names and rights.  A task names its rights with small integers
 * (mach_port_name_t); user space calls them mach_port_t too.  Inside the
 * kernel (MACH_KERNEL) mach_port_t is a pointer-sized object reference,
 * which on i386 has the same 32-bit size.
 */
#ifndef _MACH_PORT_H_
#define _MACH_PORT_H_

#include <mach/boolean.h>
#include <mach/machine/vm_types.h>

typedef unsigned int mach_port_name_t;
typedef mach_port_name_t *mach_port_name_array_t;
typedef const mach_port_name_t *const_mach_port_name_array_t;

#ifdef MACH_KERNEL
typedef vm_offset_t mach_port_t;
#else
typedef mach_port_name_t mach_port_t;
#endif
typedef mach_port_t *mach_port_array_t;
typedef const mach_port_t *const_mach_port_array_t;
typedef int *rpc_signature_info_t;

#define MACH_PORT_NULL 0
#define MACH_PORT_DEAD ((mach_port_t)~0)
#define MACH_PORT_VALID(name) \
	(((name) != MACH_PORT_NULL) && ((name) != MACH_PORT_DEAD))

/* Kinds of right a name can denote. */
typedef natural_t mach_port_right_t;
#define MACH_PORT_RIGHT_SEND ((mach_port_right_t)0)
#define MACH_PORT_RIGHT_RECEIVE ((mach_port_right_t)1)
#define MACH_PORT_RIGHT_SEND_ONCE ((mach_port_right_t)2)
#define MACH_PORT_RIGHT_PORT_SET ((mach_port_right_t)3)
#define MACH_PORT_RIGHT_DEAD_NAME ((mach_port_right_t)4)
#define MACH_PORT_RIGHT_NUMBER ((mach_port_right_t)5)

/* A bit mask of the rights a name denotes. */
typedef natural_t mach_port_type_t;
typedef mach_port_type_t *mach_port_type_array_t;
#define MACH_PORT_TYPE(right) ((mach_port_type_t)(1 << ((right) + 16)))
#define MACH_PORT_TYPE_NONE ((mach_port_type_t)0)
#define MACH_PORT_TYPE_SEND MACH_PORT_TYPE(MACH_PORT_RIGHT_SEND)
#define MACH_PORT_TYPE_RECEIVE MACH_PORT_TYPE(MACH_PORT_RIGHT_RECEIVE)
#define MACH_PORT_TYPE_SEND_ONCE MACH_PORT_TYPE(MACH_PORT_RIGHT_SEND_ONCE)
#define MACH_PORT_TYPE_PORT_SET MACH_PORT_TYPE(MACH_PORT_RIGHT_PORT_SET)
#define MACH_PORT_TYPE_DEAD_NAME MACH_PORT_TYPE(MACH_PORT_RIGHT_DEAD_NAME)
#define MACH_PORT_TYPE_SEND_RECEIVE \
	(MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE)
#define MACH_PORT_TYPE_SEND_RIGHTS \
	(MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_SEND_ONCE)
#define MACH_PORT_TYPE_PORT_RIGHTS \
	(MACH_PORT_TYPE_SEND_RIGHTS | MACH_PORT_TYPE_RECEIVE)
#define MACH_PORT_TYPE_PORT_OR_DEAD \
	(MACH_PORT_TYPE_PORT_RIGHTS | MACH_PORT_TYPE_DEAD_NAME)
#define MACH_PORT_TYPE_ALL_RIGHTS \
	(MACH_PORT_TYPE_PORT_OR_DEAD | MACH_PORT_TYPE_PORT_SET)
/* Pending requests on a name. */
#define MACH_PORT_TYPE_DNREQUEST 0x80000000U
#define MACH_PORT_TYPE_MAREQUEST 0x40000000
#define MACH_PORT_TYPE_COMPAT 0x20000000

typedef natural_t mach_port_urefs_t;
typedef integer_t mach_port_delta_t;
typedef natural_t mach_port_seqno_t;
typedef unsigned int mach_port_mscount_t;
typedef unsigned int mach_port_msgcount_t;
typedef unsigned int mach_port_rights_t;

typedef struct mach_port_status {
	mach_port_name_t mps_pset;    /* containing port set */
	mach_port_seqno_t mps_seqno;  /* sequence number */
	mach_port_mscount_t mps_mscount; /* make-send count */
	mach_port_msgcount_t mps_qlimit; /* queue limit */
	mach_port_msgcount_t mps_msgcount; /* number in the queue */
	mach_port_rights_t mps_sorights; /* how many send-once rights */
	boolean_t mps_srights;        /* do send rights exist? */
	boolean_t mps_pdrequest;      /* port-deleted requested? */
	boolean_t mps_nsrequest;      /* no-senders requested? */
} mach_port_status_t;

#define MACH_PORT_QLIMIT_DEFAULT ((mach_port_msgcount_t)5)
#define MACH_PORT_QLIMIT_MAX ((mach_port_msgcount_t)16)

#endif /* _MACH_PORT_H_ */
