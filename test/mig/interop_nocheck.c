/*
 * Stubs built with TypeCheck defined to 0 (interop.sh builds a second
 * set of both generators' stubs so): the checks of sizes and type
 * descriptors are gone on both sides, exactly as in GNU MIG, and data
 * still arrives where it belongs.  Compiled once per generator (UP is
 * the user stubs' -prefix, UHEADER their header, CLIENT this entry);
 * the server behind is the other generator's, also without checks.
 */
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
	mach_msg_type_t *t = (mach_msg_type_t *)(m + 1);
	t->msgt_name = MACH_MSG_TYPE_INTEGER_16;
}

static void bad_reply_type(mach_msg_header_t *m)
{
	mach_msg_type_t *t = (mach_msg_type_t *)((char *)(m + 1) + 8);
	t->msgt_size = 16;
}

static void bad_reply_id(mach_msg_header_t *m)
{
	m->msgh_id += 1;
}

void CLIENT(const char *label)
{
	kern_return_t kr;
	int b = 0;
	natural_t c = 1;

	shim_corrupt_request = bad_request_type;
	kr = CALL(i_simple)(SERVER, 1, &b, &c, FALSE, 0);
	shim_corrupt_request = NULL;
	tap(kr == KERN_SUCCESS && b == 2 && c == 2,
	    "%s: TypeCheck 0: the server takes a mistyped request (kr %d)", label, kr);

	shim_corrupt_reply = bad_reply_type;
	kr = CALL(i_simple)(SERVER, 1, &b, &c, FALSE, 0);
	shim_corrupt_reply = NULL;
	tap(kr == KERN_SUCCESS && b == 2,
	    "%s: TypeCheck 0: the user stub takes a mistyped reply (kr %d)", label, kr);

	shim_corrupt_reply = bad_reply_id;
	kr = CALL(i_simple)(SERVER, 1, &b, &c, FALSE, 0);
	shim_corrupt_reply = NULL;
	tap(kr == MIG_REPLY_MISMATCH,
	    "%s: TypeCheck 0: a reply with the wrong id is still refused (kr %d)",
	    label, kr);

	char a[12] = { 'a', 'b', 'c' }, d[12];
	int bb[16] = { 10, 20 }, f[16], e = 0, g = 0;
	mach_msg_type_number_t dCnt = 12, fCnt = 16;
	kr = CALL(i_two)(SERVER, a, 3, bb, 2, 100, d, &dCnt, &e, f, &fCnt, &g);
	tap(kr == KERN_SUCCESS && dCnt == 3 && d[0] == 'b' && d[2] == 'd' &&
	    e == 103 && fCnt == 2 && f[0] == 20 && f[1] == 40 && g == 2,
	    "%s: TypeCheck 0: data after variable-sized arrays (kr %d)", label, kr);

	char t[64] = "", w[128] = "";
	int m = 0;
	kr = CALL(i_strings)(SERVER, "hello", "abcdefg", 3, t, w, &m);
	tap(kr == KERN_SUCCESS && strcmp(t, "T:hello") == 0 &&
	    strcmp(w, "gfedcba") == 0 && m == 15,
	    "%s: TypeCheck 0: strings (kr %d)", label, kr);

	kr = CALL(i_fail)(SERVER, 1234);
	tap(kr == 1234, "%s: TypeCheck 0: server error code returned (kr %d)", label, kr);
}
