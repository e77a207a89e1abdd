/*
 * Codes MIG stubs return besides the server's own, and the reply header
 * every routine's reply starts with.
 */
#ifndef _MACH_MIG_ERRORS_H_
#define _MACH_MIG_ERRORS_H_

#include <mach/kern_return.h>
#include <mach/message.h>

#define MIG_TYPE_ERROR -300      /* client: reply failed the type check */
#define MIG_REPLY_MISMATCH -301  /* client: reply has the wrong id */
#define MIG_REMOTE_ERROR -302    /* server detected an error */
#define MIG_BAD_ID -303          /* server: no routine has this id */
#define MIG_BAD_ARGUMENTS -304   /* server: request failed the type check */
#define MIG_NO_REPLY -305        /* server: send no reply */
#define MIG_EXCEPTION -306       /* server raised an exception */
#define MIG_ARRAY_TOO_LARGE -307 /* an array does not fit its buffer */
#define MIG_SERVER_DIED -308     /* the reply port's send-once right died */
#define MIG_DESTROY_REQUEST -309 /* destroy the request, send no reply */

typedef struct {
	mach_msg_header_t Head;
	mach_msg_type_t RetCodeType;
	kern_return_t RetCode;
} mig_reply_header_t;

typedef struct mig_symtab {
	char *ms_routine_name;
	int ms_routine_number;
	void (*ms_routine)(void);
} mig_symtab_t;

/* One entry of a server's routine table (<subsystem>_server_routines).
 * In the i386 kernel, which calls them on every kernel RPC, the server
 * stubs (mig_internal) take the request and reply in registers; the
 * table's type says so, so a stub built otherwise does not compile. */
#if defined(MACH_KERNEL) && defined(__i386__)
#define MIG_ROUTINE_ABI __attribute__((regparm(2)))
#ifndef mig_internal
#define mig_internal static MIG_ROUTINE_ABI
#endif
#else
#define MIG_ROUTINE_ABI
#endif
typedef void (MIG_ROUTINE_ABI *mig_routine_t)(mach_msg_header_t *, mach_msg_header_t *);

#endif /* _MACH_MIG_ERRORS_H_ */
