/*
 * Interoperability of Ernst MIG with GNU MIG, in one program: Ernst's
 * user stubs (eu_) talk to GNU MIG's server stubs (gs_), and GNU MIG's
 * user stubs (gu_) to Ernst's server stubs (es_), through the mach_msg
 * stand-in of interop_shim.c.  Prints TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "interop_types.h"
#include <mach/mig_errors.h>
#include "interop_shim.h"
#include "interop_tap.h"

boolean_t gs_interop_server(mach_msg_header_t *, mach_msg_header_t *);
boolean_t es_interop_server(mach_msg_header_t *, mach_msg_header_t *);
/* The same stubs built with TypeCheck 0 (interop_nocheck.c). */
boolean_t gs0_interop_server(mach_msg_header_t *, mach_msg_header_t *);
boolean_t es0_interop_server(mach_msg_header_t *, mach_msg_header_t *);
extern int gs_last_x, es_last_x;
extern char gs_last_s[], es_last_s[];

static int count, failed;
static int server_is_gnu;

void tap(int ok, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", ok ? "" : "not ", ++count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failed++;
}

int other_last_x(void) { return server_is_gnu ? gs_last_x : es_last_x; }
const char *other_last_s(void) { return server_is_gnu ? gs_last_s : es_last_s; }

static void bad_id(boolean_t (*demux)(mach_msg_header_t *, mach_msg_header_t *),
		   const char *label)
{
	union { mach_msg_header_t h; char b[256]; } in, out;
	memset(&in, 0, sizeof in);
	in.h.msgh_size = sizeof in.h;
	in.h.msgh_id = 3100 + 10; /* the skipped slot */
	boolean_t handled = demux(&in.h, &out.h);
	mig_reply_header_t *r = (mig_reply_header_t *)&out;
	int ok = !handled && r->RetCode == MIG_BAD_ID && r->Head.msgh_id == 3210;
	in.h.msgh_id = -2147483647 - 1;
	ok = ok && !demux(&in.h, &out.h);
	tap(ok, "%s: demux answers MIG_BAD_ID for unknown ids", label);
}

int main(void)
{
	printf("1..%d\n", 2 * (25 + 6) + 2 + 2 * 6); /* 6: check_replies */
	setvbuf(stdout, NULL, _IONBF, 0);

	shim_demux = gs_interop_server;
	server_is_gnu = 1;
	run_eu("ernst user -> gnu server");

	shim_demux = es_interop_server;
	server_is_gnu = 0;
	run_gu("gnu user -> ernst server");

	shim_demux = gs0_interop_server;
	server_is_gnu = 1;
	run_eu0("ernst user -> gnu server");

	shim_demux = es0_interop_server;
	server_is_gnu = 0;
	run_gu0("gnu user -> ernst server");

	bad_id(gs_interop_server, "gnu server");
	bad_id(es_interop_server, "ernst server");
	return failed != 0;
}
