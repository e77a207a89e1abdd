/*
 * The client side of the interoperability test: calls every routine of
 * interop.defs through one generator's user stubs (UP is their -prefix,
 * UHEADER their header) and checks what comes back.  Compiled once per
 * generator; the server behind is the other generator's (see
 * interop_main.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interop_types.h"
#include "interop_shim.h"
#include <mach/mig_errors.h>
#include UHEADER
#include "interop_tap.h"

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define CALL(name) CAT(UP, name)
#define SERVER 5

static void bad_request_type(mach_msg_header_t *m)
{
	/* The first datum's type descriptor sits right after the header. */
	mach_msg_type_t *t = (mach_msg_type_t *)(m + 1);
	t->msgt_name = MACH_MSG_TYPE_INTEGER_16;
}

static void bad_reply_type(mach_msg_header_t *m)
{
	/* RetCodeType, RetCode, then the first out datum. */
	mach_msg_type_t *t = (mach_msg_type_t *)((char *)(m + 1) + 8);
	t->msgt_size = 16;
}

static void bad_reply_id(mach_msg_header_t *m)
{
	m->msgh_id += 1;
}

/* The reply cut down to the error reply's shape (header, RetCodeType,
 * RetCode) with this code. */
static void cut_reply(mach_msg_header_t *m, kern_return_t code)
{
	mig_reply_header_t *r = (mig_reply_header_t *)m;
	m->msgh_size = sizeof(*r);
	r->RetCode = code;
}

static void error_reply(mach_msg_header_t *m)
{
	cut_reply(m, KERN_INVALID_ARGUMENT);
}

static void error_reply_bad_type(mach_msg_header_t *m)
{
	cut_reply(m, KERN_INVALID_ARGUMENT);
	((mig_reply_header_t *)m)->RetCodeType.msgt_size = 16;
}

static void short_success_reply(mach_msg_header_t *m)
{
	cut_reply(m, KERN_SUCCESS);
}

static void complex_reply(mach_msg_header_t *m)
{
	m->msgh_bits |= MACH_MSGH_BITS_COMPLEX;
}

static void short_reply(mach_msg_header_t *m)
{
	m->msgh_size -= 8; /* the last datum, its descriptor and word */
}

/* A reply whose code is an error but which is otherwise whole: the code. */
static void failed_whole_reply(mach_msg_header_t *m)
{
	((mig_reply_header_t *)m)->RetCode = KERN_INVALID_ARGUMENT;
}

/* What a user stub makes of malformed or failing replies, the same from
 * both generators: an error reply gives its code, anything else out of
 * shape MIG_TYPE_ERROR. */
static void check_replies(const char *label)
{
	static const struct {
		void (*corrupt)(mach_msg_header_t *);
		kern_return_t expect;
		const char *what;
	} cases[] = {
		{error_reply, KERN_INVALID_ARGUMENT, "an error reply gives its code"},
		{error_reply_bad_type, MIG_TYPE_ERROR, "an error reply with a mistyped code"},
		{short_success_reply, MIG_TYPE_ERROR, "a reply cut short with KERN_SUCCESS"},
		{complex_reply, MIG_TYPE_ERROR, "a simple reply marked complex"},
		{short_reply, MIG_TYPE_ERROR, "a reply missing its last datum"},
		{failed_whole_reply, KERN_INVALID_ARGUMENT, "a whole reply with an error code gives it"},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int b = 0;
		natural_t c = 1;
		shim_corrupt_reply = cases[i].corrupt;
		kern_return_t kr = CALL(i_simple)(SERVER, 1, &b, &c, FALSE, 0);
		shim_corrupt_reply = NULL;
		tap(kr == cases[i].expect, "%s: user stub: %s (kr %d, expected %d)", label, cases[i].what, kr,
		    cases[i].expect);
	}
}

void CLIENT(const char *label)
{
	kern_return_t kr;

	{
		int b = 0;
		natural_t c = 41;
		kr = CALL(i_simple)(SERVER, 21, &b, &c, TRUE, ((int64_t)3 << 32) | 7);
		tap(kr == KERN_SUCCESS && b == 46 && c == 42,
		    "%s: i_simple scalars in, out and inout (kr %d b %d c %u)",
		    label, kr, b, c);
	}
	{
		int a[16] = { 1, 2, 3, 4, 5 }, b[4] = { 7, 8, 9, 10 };
		int c[16] = { 0 }, d[4] = { 0 };
		mach_msg_type_number_t cCnt = 16;
		st_t s = { 1, 2, 3 }, t = { 0, 0, 0 };
		kr = CALL(i_arrays)(SERVER, a, 5, b, c, &cCnt, d, s, &t);
		tap(kr == KERN_SUCCESS && cCnt == 5 && c[0] == 5 && c[4] == 1 &&
		    d[0] == 70 && d[3] == 100 && t.x == 3 && t.y == 2 && t.z == 1,
		    "%s: i_arrays bounded, fixed and struct arrays (kr %d)", label, kr);
	}
	{
		char a[12] = { 'a', 'b', 'c' }, d[12];
		int b[16] = { 10, 20 }, f[16], e = 0, g = 0;
		mach_msg_type_number_t dCnt = 12, fCnt = 16;
		kr = CALL(i_two)(SERVER, a, 3, b, 2, 100, d, &dCnt, &e, f, &fCnt, &g);
		tap(kr == KERN_SUCCESS && dCnt == 3 && d[0] == 'b' && d[2] == 'd' &&
		    e == 103 && fCnt == 2 && f[0] == 20 && f[1] == 40 && g == 2,
		    "%s: i_two data after variable-sized arrays (kr %d)", label, kr);
		int big[17] = { 0 };
		kr = CALL(i_two)(SERVER, a, 3, big, 17, 100, d, &dCnt, &e, f, &fCnt, &g);
		tap(kr == MIG_ARRAY_TOO_LARGE,
		    "%s: i_two refuses an array above its bound (kr %d)", label, kr);
	}
	{
		char t[64] = "", w[128] = "";
		int m = 0;
		kr = CALL(i_strings)(SERVER, "hello", "abcdefg", 3, t, w, &m);
		tap(kr == KERN_SUCCESS && strcmp(t, "T:hello") == 0 &&
		    strcmp(w, "gfedcba") == 0 && m == 15,
		    "%s: i_strings fixed and variable c_string (kr %d '%s' '%s' %d)",
		    label, kr, t, w, m);
	}
	{
		unsigned n = 10000;
		unsigned char *d = shim_alloc(n);
		for (unsigned i = 0; i < n; i++)
			d[i] = (unsigned char)i;
		vm_offset_t e = 0;
		mach_msg_type_number_t eCnt = 0;
		kr = CALL(i_ool)(SERVER, (vm_offset_t)d, n, &e, &eCnt);
		int ok = kr == KERN_SUCCESS && eCnt == n && e != 0;
		for (unsigned i = 0; ok && i < n; i++)
			ok = ((unsigned char *)e)[i] == (unsigned char)(i + 1);
		tap(ok, "%s: i_ool out-of-line data both ways (kr %d)", label, kr);
		shim_free(d);
		shim_free((void *)e);
	}
	for (unsigned n = 10; n <= 1000; n += 990) {
		int *a = malloc(n * sizeof *a), buf[20], *b = buf;
		mach_msg_type_number_t bCnt = 20;
		for (unsigned i = 0; i < n; i++)
			a[i] = (int)i * 7;
		kr = CALL(i_indef)(SERVER, a, n, &b, &bCnt);
		int ok = kr == KERN_SUCCESS && bCnt == n;
		for (unsigned i = 0; ok && i < n; i++)
			ok = b[i] == (int)i * 7 + 1;
		tap(ok, "%s: i_indef array[] of %u elements (%s) (kr %d)", label, n,
		    n * 4 > 2048 ? "out of line" : "inline", kr);
		if (b != buf)
			shim_free(b);
		free(a);
	}
	{
		mach_port_t pa[3] = { 101, 102, 103 }, q = 0;
		mach_port_name_t m = 0, nbuf[8], *na = nbuf;
		mach_msg_type_number_t naCnt = 8;
		kr = CALL(i_ports)(SERVER, 30, 40, pa, 3, &q, &m, &na, &naCnt);
		tap(kr == KERN_SUCCESS && q == 31 && m == 41 && naCnt == 3 &&
		    na[0] == 103 && na[2] == 101,
		    "%s: i_ports rights, names and arrays of them (kr %d)", label, kr);
		if (na != nbuf)
			shim_free(na);
	}
	{
		mach_port_t q = 0;
		mach_msg_type_name_t qPoly = 0;
		kr = CALL(i_poly)(SERVER, 33, MACH_MSG_TYPE_COPY_SEND, &q, &qPoly);
		tap(kr == KERN_SUCCESS && q == 34 && qPoly == MACH_MSG_TYPE_PORT_SEND,
		    "%s: i_poly polymorphic right (kr %d q %u poly %u)", label, kr, q, qPoly);
		kr = CALL(i_poly)(SERVER, 50, MACH_MSG_TYPE_INTEGER_32, &q, &qPoly);
		tap(kr == KERN_SUCCESS && q == 51 && qPoly == MACH_MSG_TYPE_INTEGER_32,
		    "%s: i_poly polymorphic non-port (kr %d)", label, kr);
	}
	{
		kr = CALL(i_send)(SERVER, 77, "one way");
		tap(kr == MACH_MSG_SUCCESS && other_last_x() == 77 &&
		    strcmp(other_last_s(), "one way") == 0,
		    "%s: i_send simpleroutine (kr %d)", label, kr);
	}
	{
		int r = 0;
		mach_port_seqno_t expect = shim_seqno;
		kr = CALL(i_seqno)(SERVER, &r);
		tap(kr == KERN_SUCCESS && r == (int)expect,
		    "%s: i_seqno server sees the sequence number (kr %d)", label, kr);
	}
	{
		int a[16] = { 0 };
		mach_msg_type_number_t aCnt = 5;
		kr = CALL(i_countinout)(SERVER, a, &aCnt);
		tap(kr == KERN_SUCCESS && aCnt == 5 && a[4] == 16 && a[5] == 0,
		    "%s: i_countinout caller's count reaches the server (kr %d)", label, kr);
	}
	{
		kr = CALL(i_fail)(SERVER, 1234);
		tap(kr == 1234, "%s: i_fail server error code returned (kr %d)", label, kr);
	}
	{
		unsigned n = 4500;
		char *a = malloc(5000), *b = malloc(5000);
		mach_msg_type_number_t bCnt = 5000;
		for (unsigned i = 0; i < n; i++)
			a[i] = (char)i;
		kr = CALL(i_big)(SERVER, a, n, b, &bCnt);
		int ok = kr == KERN_SUCCESS && bCnt == n;
		for (unsigned i = 0; ok && i < n; i++)
			ok = b[i] == (char)(a[i] ^ 0x55);
		tap(ok, "%s: i_big long-form descriptor, 4500 bytes inline (kr %d)", label, kr);
		free(a);
		free(b);
	}
	{
		short b = 0;
		char d = 0;
		kr = CALL(i_small)(SERVER, 1000, 'x', &b, &d);
		tap(kr == KERN_SUCCESS && b == 3000 && d == 'y',
		    "%s: i_small 16- and 8-bit scalars (kr %d)", label, kr);
	}
	{
		int r = 0, live = interop_obj_live;
		kr = CALL(i_payload)(SHIM_PAYLOAD_PORT, 9, 7, &r);
		unsigned expect = 1u << 30 | SHIM_PAYLOAD(SHIM_PAYLOAD_PORT) << 16 | 9;
		tap(kr == KERN_SUCCESS && (unsigned)r == expect && interop_obj_live == live,
		    "%s: i_payload request port by intranpayload, body port by intran, "
		    "both released (kr %d r %#x)", label, kr, (unsigned)r);
		kr = CALL(i_payload)(SERVER, 9, 7, &r);
		tap(kr == KERN_SUCCESS && r == (SERVER << 16 | 9) && interop_obj_live == live,
		    "%s: i_payload request port without a payload goes through intran "
		    "(kr %d r %#x)", label, kr, (unsigned)r);
		kr = CALL(i_payport)(SHIM_PAYLOAD_PORT, 9, &r);
		tap(kr == KERN_SUCCESS &&
		    r == (int)(SHIM_PAYLOAD(SHIM_PAYLOAD_PORT) + 1000) * 100 + 9,
		    "%s: i_payport intranpayload without intran (kr %d r %d)", label, kr, r);
		kr = CALL(i_payport)(SERVER, 9, &r);
		tap(kr == KERN_SUCCESS && r == SERVER * 100 + 9,
		    "%s: i_payport plain port without a payload (kr %d r %d)", label, kr, r);
	}
	{
		fixed_t f = { 1, 2, 3, 4 };
		st_t s = { 1, 1, 1 };
		name_t n = "in";
		unsigned char *d = shim_alloc(3);
		d[0] = 10, d[1] = 20, d[2] = 30;
		vm_offset_t dv = (vm_offset_t)d;
		mach_msg_type_number_t dCnt = 3;
		mach_port_t p = 40;
		kr = CALL(i_inout)(SERVER, f, &s, n, &dv, &dCnt, &p);
		unsigned char *e = (unsigned char *)dv;
		tap(kr == KERN_SUCCESS && f[0] == 2 && f[3] == 5 && s.x == 2 &&
		    s.y == 3 && s.z == 4 && strcmp(n, "in+out") == 0 && dCnt == 4 &&
		    e[0] == 11 && e[2] == 31 && e[3] == 0xee && p == 41,
		    "%s: i_inout fixed array, struct, string, out-of-line data and "
		    "port both ways (kr %d)", label, kr);
		shim_free(d);
		if (kr == KERN_SUCCESS)
			shim_free(e);
	}
	{
		int b = 0;
		natural_t c = 1;
		shim_corrupt_request = bad_request_type;
		kr = CALL(i_simple)(SERVER, 1, &b, &c, FALSE, 0);
		shim_corrupt_request = NULL;
		tap(kr == MIG_BAD_ARGUMENTS,
		    "%s: server rejects a mistyped request (kr %d)", label, kr);
		shim_corrupt_reply = bad_reply_type;
		kr = CALL(i_simple)(SERVER, 1, &b, &c, FALSE, 0);
		shim_corrupt_reply = NULL;
		tap(kr == MIG_TYPE_ERROR,
		    "%s: user stub rejects a mistyped reply (kr %d)", label, kr);
		shim_corrupt_reply = bad_reply_id;
		kr = CALL(i_simple)(SERVER, 1, &b, &c, FALSE, 0);
		shim_corrupt_reply = NULL;
		tap(kr == MIG_REPLY_MISMATCH,
		    "%s: user stub rejects a reply with the wrong id (kr %d)", label, kr);
	}
	check_replies(label);
}
