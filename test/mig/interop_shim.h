/* The interoperability test's kernel stand-in (interop_shim.c). */
#ifndef INTEROP_SHIM_H
#define INTEROP_SHIM_H

#include <stddef.h>
#include <mach/message.h>

#define SHIM_REPLY_PORT 77
/* Requests to this port arrive with a protected payload instead. */
#define SHIM_PAYLOAD_PORT 6
#define SHIM_PAYLOAD(port) (0x600UL + (port))

extern boolean_t (*shim_demux)(mach_msg_header_t *, mach_msg_header_t *);
extern mach_port_seqno_t shim_seqno;
extern int shim_ool_live;
extern void (*shim_corrupt_request)(mach_msg_header_t *);
extern void (*shim_corrupt_reply)(mach_msg_header_t *);
void *shim_alloc(size_t n);
void shim_free(void *p);

#endif
