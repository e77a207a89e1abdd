/*
 * Mach from a Linux program, past the emulation library: GNU Mach's
 * i386 message layout and traps, and RPCs built by hand, for the tests
 * that act as a program that skips the library would (limits.c,
 * mmapproxy.c).  Ernst only; each prints its own TAP with ok().
 */
#ifndef _TEST_UNIX_MACH_BY_HAND_H_
#define _TEST_UNIX_MACH_BY_HAND_H_

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* GNU Mach i386 message layout (mach/message.h). */
struct header {
	uint32_t bits, size, remote, local, seqno, id;
};
#define MOVE_SEND 17
#define COPY_SEND 19
#define MAKE_SEND_ONCE 21
#define BITS(remote, local) ((remote) | ((local) << 8))
#define BITS_COMPLEX 0x80000000u
/* Type descriptors (msgt_name, 32 bits, one, inline). */
#define TYPE_BOOLEAN 0x10012000u
#define TYPE_INT32 0x10012002u
#define TYPE_COPY_SEND 0x10012013u
#define TYPE_LONGFORM 0x20000000u
#define TYPE_INLINE 0x10000000u
#define SEND_MSG 1
#define RCV_MSG 2
#define RCV_TIMEOUT 0x100
#define MIG_BAD_ID (-303)
#define MIG_BAD_ARGUMENTS (-304)
#define SEND_INVALID_DEST 0x10000003
#define TIMEOUT_MS 5000

/* Mach traps, GNU Mach convention: arguments on the stack. */
uint32_t mtrap_msg(void *msg, uint32_t option, uint32_t send, uint32_t rcv, uint32_t name, uint32_t timeout,
		   uint32_t notify);
uint32_t mtrap_reply_port(void);
uint32_t mtrap_task_self(void);
uint32_t mtrap_thread_self(void);
__asm__(".text\n"
	"mtrap_msg: movl $-25, %eax; lcall $7, $0; ret\n"
	"mtrap_reply_port: movl $-26, %eax; lcall $7, $0; ret\n"
	"mtrap_task_self: movl $-28, %eax; lcall $7, $0; ret\n"
	"mtrap_thread_self: movl $-27, %eax; lcall $7, $0; ret\n");

static int n_tests, n_failed;
static void ok(int cond, const char *what)
{
	n_tests++;
	if (!cond)
		n_failed++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n_tests, what);
}

#define RPC_BODY_MAX 24
#define RPC_REPLY_WORDS 16
struct reply {
	struct header h;
	uint32_t ret_type;
	int32_t ret;
	uint32_t words[RPC_REPLY_WORDS];
};

/* The reply port: a process makes its own (a fork child again). */
static uint32_t reply_port;

/* An RPC by hand: body_words words after the header (a complex message
 * if complex, i.e. with port rights in it); the reply in *r. */
static uint32_t rpc_msg(uint32_t dest, uint32_t id, int complex, const uint32_t *body, unsigned body_words,
			struct reply *r)
{
	union {
		struct {
			struct header h;
			uint32_t body[RPC_BODY_MAX];
		} in;
		struct reply out;
	} m;
	memset(&m, 0, sizeof(m));
	m.in.h.bits = BITS(COPY_SEND, MAKE_SEND_ONCE) | (complex ? BITS_COMPLEX : 0);
	m.in.h.size = sizeof(m.in.h) + body_words * 4;
	m.in.h.remote = dest;
	m.in.h.local = reply_port;
	m.in.h.id = id;
	memcpy(m.in.body, body, body_words * 4);
	uint32_t mr = mtrap_msg(&m, SEND_MSG | RCV_MSG | RCV_TIMEOUT, m.in.h.size, sizeof(m.out), reply_port,
				TIMEOUT_MS, 0);
	if (mr == 0)
		*r = m.out;
	return mr;
}

static uint32_t rpc(uint32_t dest, uint32_t id, const uint32_t *body, unsigned body_words, struct reply *r)
{
	return rpc_msg(dest, id, 0, body, body_words, r);
}

#endif /* _TEST_UNIX_MACH_BY_HAND_H_ */
