/*
 * What MIG-generated stubs call in the user runtime (libmach): the
 * per-thread reply port and memory release.  Declarations only.
 */
#ifndef _MACH_MIG_SUPPORT_H_
#define _MACH_MIG_SUPPORT_H_

#include <mach/message.h>
#include <mach/std_types.h>

#ifndef MACH_KERNEL
/* A receive right for replies; reused across calls of one thread. */
extern mach_port_t mig_get_reply_port(void);
#ifdef LIBMACH_INLINE_REPLY_PORT
/* Ernst's user programs (libmach): the cached port read inline, the
 * function called only to make the thread's first one. */
#include <cthreads.h>
static inline mach_port_t mig_get_reply_port_inline(void)
{
	mach_port_t port = *cthread_reply_port_slot(cthread_current());
	return port != MACH_PORT_NULL ? port : (mig_get_reply_port)();
}
#define mig_get_reply_port() mig_get_reply_port_inline()
#endif
/* The reply port is in doubt (a send or receive failed): drop it. */
extern void mig_dealloc_reply_port(mach_port_t port);
/* The call went well: the reply port may be reused.  libmach keeps it
 * cached whatever happens, so the stubs' calls cost nothing; the
 * function exists for code that takes its address. */
extern void mig_put_reply_port(mach_port_t port);
#define mig_put_reply_port(port) ((void)(port))
#endif

/* Release out-of-line memory a stub received and no longer needs. */
extern void mig_deallocate(vm_offset_t addr, vm_size_t size);
extern void mig_allocate(vm_offset_t *addr, vm_size_t size);
/* Copy at most len bytes of a C string; returns the length copied. */
extern int mig_strncpy(char *dst, const char *src, int len);

#endif /* _MACH_MIG_SUPPORT_H_ */
