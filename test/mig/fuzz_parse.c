/*
 * libFuzzer target for Ernst MIG: the bytes are a preprocessed .defs;
 * parse them and, when they are valid, generate every output (to
 * /dev/null).  Any crash, sanitizer report or hang is a bug: bad input
 * must only ever produce error messages.
 */
#include <stdint.h>
#include <stdio.h>
#include "mig.h"

int mig_parse(FILE *in, const char *name);
void mig_free_all(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (size == 0)
		return 0;
	FILE *in = fmemopen((void *)data, size, "r");
	if (in == NULL)
		return 0;
	if (sink == NULL)
		sink = fopen("/dev/null", "w");
	if (mig_parse(in, "fuzz.defs") == 0 && sink != NULL) {
		emit_user(sink, "fuzz.h", NULL);
		if (subsys.routines != NULL)
			emit_user(sink, "fuzz.h", subsys.routines);
		emit_server(sink, NULL);
		emit_user_header(sink, NULL);
		emit_server_header(sink, "server");
		emit_list(sink);
	}
	fclose(in);
	mig_free_all();
	return 0;
}
