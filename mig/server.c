/*
 * Server stubs: for each routine a function _X<name> that checks the
 * request, calls the server's implementation and packs the reply; and
 * the demux, <subsystem>_server, which fills in the reply header and
 * dispatches on the message id.
 *
 * Out data is produced in place: the implementation writes into the
 * reply buffer at each datum's unshifted (maximum-layout) position, and
 * packing then slides data down over the room that variable-sized data
 * before it did not use.  Moving only ever goes to lower addresses and
 * in order, so nothing is overwritten before it is moved.
 */
#include <string.h>
#include "mig.h"
#include "message.h"

static const char *bad_args = "{ OutP->RetCode = MIG_BAD_ARGUMENTS; return; }";

static struct write_src server_src(const struct arg *a)
{
	struct write_src s = { 0 };
	const struct type *t = a->type;
	const char *nm = a->name;

	s.val = nm;
	if (t->kind == TK_SIMPLE && t->outtran_fn != NULL)
		s.val = xasprintf("%s(%s)", t->outtran_fn, nm);
	else if (t->kind == TK_SIMPLE && t->ctype != NULL &&
		 strcmp(type_server_ctype(t), t->ctype) != 0)
		/* Translated in, but not out (a kernel's port object going
		   back as the port it is): the message holds the C type. */
		s.val = xasprintf("(%s) %s", t->ctype, nm);
	s.cnt = xasprintf("%sCnt", nm);
	s.poly = xasprintf("%sPoly", nm);
	s.dealloc = xasprintf("%sDealloc", nm);
	if (t->inl && t->kind != TK_SIMPLE) {
		s.in_place = true;
		s.data = xasprintf(t->is_struct ? "&OutP->%s" : "OutP->%s", nm);
		if (t->kind == TK_INDEF) {
			s.data = xasprintf("%sP", nm);
			s.inbuf = xasprintf("OutP->%s", nm);
		}
	}
	return s;
}

static void emit_locals(FILE *f, struct routine *r)
{
	for (struct arg *a = r->args; a != NULL; a = a->next) {
		const struct type *t = a->type;
		const char *nm = a->name;
		bool out = a->kind == AK_OUT || a->kind == AK_INOUT;
		if ((a->kind == AK_IN || a->kind == AK_REQUESTPORT) &&
		    type_translated_in(t))
			fprintf(f, "\t%s %s;\n", type_server_ctype(t), nm);
		if (!out)
			continue;
		if (t->kind == TK_SIMPLE || !t->inl) {
			const char *ct = type_server_ctype(t);
			if (a->kind == AK_OUT && t->outtran_arg != NULL)
				ct = t->outtran_arg;
			fprintf(f, "\t%s %s;\n", ct, nm);
		}
		if (a->has_count)
			fprintf(f, "\tmach_msg_type_number_t %sCnt;\n", nm);
		if (t->kind == TK_INDEF && t->inl)
			fprintf(f, "\t%s *%sP;\n", type_elem_ctype(t), nm);
		if (a->has_poly && (t->in_name == MSGT_POLY || a->kind == AK_INOUT))
			fprintf(f, "\tmach_msg_type_name_t %sPoly;\n", nm);
		if (a->dealloc == DEALLOC_MAYBE)
			fprintf(f, "\tboolean_t %sDealloc = FALSE;\n", nm);
	}
}

/* Values of out and inout data before the call.  (Inout data is never
   variable-sized inline: routine.c refuses that, as GNU MIG does.) */
static void emit_out_init(FILE *f, struct routine *r)
{
	for (struct arg *a = r->args; a != NULL; a = a->next) {
		const struct type *t = a->type;
		const char *nm = a->name;
		int ec = type_elem_count(t);
		if (a->kind == AK_OUT) {
			if (t->kind == TK_VAR && t->inl && !t->is_string) {
				int max = t->number / ec;
				if (a->countinout)
					fprintf(f, "\t%sCnt = %s->%sCnt < %d ? %s->%sCnt : %d;\n",
						nm, msg_count_cursor("InP", r, a), nm, max,
						msg_count_cursor("InP", r, a), nm, max);
				else
					fprintf(f, "\t%sCnt = %d;\n", nm, max);
			} else if (t->kind == TK_INDEF && t->inl) {
				fprintf(f, "\t%sP = OutP->%s;\n\t%sCnt = %d;\n", nm, nm,
					nm, t->number / ec);
			} else if (!t->inl && a->has_count)
				fprintf(f, "\t%sCnt = 0;\n", nm);
			continue;
		}
		if (a->kind != AK_INOUT)
			continue;
		const char *P = msg_cursor("InP", r, false, a);
		const char *num = xasprintf("%s->%sType.%s", P, nm,
			t->longform ? "msgtl_number" : "msgt_number");
		if (a->has_poly)
			fprintf(f, "\t%sPoly = %s->%sType.%s;\n", nm, P, nm,
				t->longform ? "msgtl_name" : "msgt_name");
		if (t->kind == TK_SIMPLE || !t->inl) {
			fprintf(f, "\t%s = %s->%s;\n", nm, P, nm);
			if (a->has_count)
				fprintf(f, "\t%sCnt = %s / %d;\n", nm, num, ec);
		} else if (t->kind == TK_FIXED)
			fprintf(f, "\t__builtin_memcpy(%sOutP->%s, %s%s->%s, %d);\n",
				t->is_struct ? "&" : "", nm, t->is_struct ? "&" : "",
				P, nm, type_inline_max_bytes(t));
	}
}

/* The implementation's arguments, in parameter order. */
static void emit_call_args(FILE *f, struct routine *r)
{
	bool first = true;
#define ARG(...) do { fprintf(f, first ? "" : ", "); fprintf(f, __VA_ARGS__); first = false; } while (0)
	for (struct arg *a = r->args; a != NULL; a = a->next) {
		if (!a->server_param)
			continue;
		const struct type *t = a->type;
		const char *nm = a->name;
		const char *P = a->in_req ? msg_cursor("InP", r, false, a) : "InP";
		const char *num = xasprintf("%s->%sType.%s", P, nm,
			t->longform ? "msgtl_number" : "msgt_number");
		int ec = type_elem_count(t);
		switch (a->kind) {
		case AK_REQUESTPORT:
			if (type_translated_in(t))
				ARG("%s", nm);
			else
				ARG("InP->Head.msgh_local_port");
			continue;
		case AK_REPLYPORT:
		case AK_SREPLYPORT:
			ARG("InP->Head.msgh_remote_port");
			if (a->has_poly && a->kind == AK_SREPLYPORT &&
			    t->out_name == MSGT_POLY)
				ARG("MACH_MSGH_BITS_REMOTE(InP->Head.msgh_bits)");
			continue;
		case AK_MSGSEQNO:
			ARG("InP->Head.msgh_seqno");
			continue;
		case AK_IN:
			if (t->kind == TK_SIMPLE || !t->inl) {
				if (type_translated_in(t))
					ARG("%s", nm);
				else
					ARG("%s->%s", P, nm);
			} else if (t->kind == TK_INDEF)
				ARG("(%s->%sType.msgtl_header.msgt_inline ? %s->%s : %s->%sP)",
				    P, nm, P, nm, P, nm);
			else
				ARG("%s->%s", P, nm);
			if (a->has_count)
				ARG("%s / %d", num, ec);
			if (a->has_poly && t->out_name == MSGT_POLY)
				ARG("%s->%sType.%s", P, nm,
				    t->longform ? "msgtl_name" : "msgt_name");
			if (a->servercopy)
				ARG("!%s->%sType.%s", P, nm,
				    t->longform ? "msgtl_header.msgt_deallocate" :
						  "msgt_deallocate");
			continue;
		default:
			break;
		}
		/* out, inout */
		if (t->kind == TK_SIMPLE || !t->inl)
			ARG("&%s", nm);
		else if (t->kind == TK_INDEF)
			ARG("&%sP", nm);
		else if (t->is_struct)
			ARG("&OutP->%s", nm);
		else
			ARG("OutP->%s", nm);
		if (a->has_count)
			ARG("&%sCnt", nm);
		if (a->has_poly && (t->in_name == MSGT_POLY || a->kind == AK_INOUT))
			ARG("&%sPoly", nm);
		if (a->dealloc == DEALLOC_MAYBE)
			ARG("&%sDealloc", nm);
	}
	(void)first;
#undef ARG
}

static void emit_stub(FILE *f, struct routine *r)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, true, fs);
	bool stat = msg_static_complex(fs, n), dyn = msg_dynamic_complex(fs, n);

	fprintf(f, "/* %s %s */\nmig_external kern_return_t %s",
		r->simple ? "SimpleRoutine" : "Routine", r->name,
		server_routine_name(r));
	emit_server_params(f, r);
	fprintf(f, ";\n\nmig_internal void %s(mach_msg_header_t *InHeadP,\n"
		   "\t\tmach_msg_header_t *OutHeadP)\n{\n#pragma pack(push, 4)\n",
		server_name(r));
	emit_msg_struct(f, r, false, "Request");
	emit_msg_struct(f, r, true, "Reply");
	fprintf(f, "#pragma pack(pop)\n");
	fprintf(f, "#ifndef MIG_SKIP_LAYOUT_ASSERTS\n"
		   "\t_Static_assert(sizeof(Request) == %d, \"Request layout\");\n"
		   "\t_Static_assert(sizeof(Reply) == %d, \"Reply layout\");\n#endif\n",
		msg_struct_size(r, false), msg_struct_size(r, true));
	fprintf(f, "\tRequest *InP = (Request *) InHeadP;\n"
		   "\tReply *OutP = (Reply *) OutHeadP;\n");
	emit_cursor_decls(f, r, false, "Request", "InP");
	emit_cursor_decls(f, r, true, "Reply", "OutP");
	fprintf(f, "\tunsigned int msgh_size __attribute__((unused));\n"
		   "\tunsigned int mig_n __attribute__((unused));\n"
		   "\tunsigned int mig_vsize __attribute__((unused));\n"
		   "\tint mig_delta __attribute__((unused));\n"
		   "\tboolean_t msgh_simple __attribute__((unused));\n");
	emit_check_templates(f, r, false);
	emit_templates(f, r, true);
	emit_locals(f, r);
	fprintf(f, "\n");

	emit_read(f, r, false, "Request", "InP", bad_args, true);

	/*
	 * Translations of in data.  The kernel gives a protected payload
	 * only in place of the destination port, so intranpayload matters
	 * for the request port alone; a port in the body goes through the
	 * intran function, or is taken as it is (as GNU MIG does).
	 */
	for (struct arg *a = r->args; a != NULL; a = a->next) {
		const struct type *t = a->type;
		if (!type_translated_in(t))
			continue;
		if (a->kind == AK_REQUESTPORT && t->payload_fn != NULL) {
			fprintf(f, "\tif (MACH_MSGH_BITS_LOCAL(InP->Head.msgh_bits) ==\n"
				   "\t    MACH_MSG_TYPE_PROTECTED_PAYLOAD)\n"
				   "\t\t%s = %s(InP->Head.msgh_protected_payload);\n"
				   "\telse\n\t\t%s = %s(InP->Head.msgh_local_port);\n",
				a->name, t->payload_fn, a->name,
				t->intran_fn != NULL ? t->intran_fn : "");
		} else if (a->kind == AK_REQUESTPORT && t->intran_fn != NULL)
			fprintf(f, "\t%s = %s(InP->Head.msgh_local_port);\n",
				a->name, t->intran_fn);
		else if (a->kind == AK_IN)
			fprintf(f, "\t%s = %s(%s->%s);\n", a->name,
				t->intran_fn != NULL ? t->intran_fn : "",
				msg_cursor("InP", r, false, a), a->name);
	}
	emit_out_init(f, r);

	fprintf(f, "\n\tOutP->RetCode = %s(", server_routine_name(r));
	emit_call_args(f, r);
	fprintf(f, ");\n");

	/* Release translated objects, the last taken first (as GNU MIG). */
	struct arg *args[MAX_FIELDS];
	int nargs = 0;
	for (struct arg *a = r->args; a != NULL && nargs < MAX_FIELDS; a = a->next)
		args[nargs++] = a;
	while (nargs-- > 0) {
		const struct arg *a = args[nargs];
		const struct type *t = a->type;
		if (t->destructor_fn != NULL && type_translated_in(t) &&
		    (a->kind == AK_IN || a->kind == AK_REQUESTPORT))
			fprintf(f, "\t%s(%s);\n", t->destructor_fn, a->name);
	}
	if (r->simple) {
		fprintf(f, "}\n\n");
		return;
	}
	fprintf(f, "\tif (OutP->RetCode != KERN_SUCCESS)\n\t\treturn;\n");
	/* Out-of-line memory of an array[] argument was ours to release. */
	for (struct arg *a = r->args; a != NULL; a = a->next) {
		const struct type *t = a->type;
		if (a->kind != AK_IN || t->kind != TK_INDEF || !t->inl)
			continue;
		const char *P = msg_cursor("InP", r, false, a);
		fprintf(f, "\tif (!%s->%sType.msgtl_header.msgt_inline)\n"
			   "\t\tmig_deallocate((vm_offset_t) %s->%sP, %d * (%s->%sType.msgtl_number / %d));\n",
			P, a->name, P, a->name, type_elem_bytes(t), P, a->name,
			type_elem_count(t));
	}

	emit_write(f, r, true, "Reply", "OutP", server_src,
		   "{ OutP->RetCode = MIG_ARRAY_TOO_LARGE; return; }", true);
	fprintf(f, "\tOutP->Head.msgh_size = msgh_size;\n");
	if (stat)
		fprintf(f, "\tOutP->Head.msgh_bits |= MACH_MSGH_BITS_COMPLEX;\n");
	else if (dyn)
		fprintf(f, "\tif (!msgh_simple)\n"
			   "\t\tOutP->Head.msgh_bits |= MACH_MSGH_BITS_COMPLEX;\n");
	fprintf(f, "}\n\n");
}

void emit_server(FILE *f, const char *sheader_name)
{
	const char *demux = demux_name();
	fprintf(f, "/* Server stubs of subsystem %s, generated by Ernst MIG. */\n\n",
		subsys.name);
	if (sheader_name != NULL)
		fprintf(f, "#include \"%s\"\n", sheader_name);
	emit_prologue(f, true);
	emit_imports(f, IMP_SERVER);
	if (subsys.rcsid != NULL)
		fprintf(f, "static const char mig_rcsid_%s[] __attribute__((unused)) = %s;\n\n",
			subsys.name, subsys.rcsid);
	for (struct routine *r = subsys.routines; r != NULL; r = r->next)
		if (!r->skip)
			emit_stub(f, r);

	fprintf(f, "mig_routine_t %s_routines[] = {\n", demux);
	for (struct routine *r = subsys.routines; r != NULL; r = r->next)
		fprintf(f, "\t%s,\n", r->skip ? "0" : server_name(r));
	if (subsys.routines == NULL)
		fprintf(f, "\t0,\n");
	fprintf(f, "};\n\n");

	/* Not in GNU MIG's output, and nothing it sends changes: what a
	 * dispatcher that runs the routines itself needs to size the reply
	 * buffer it hands them (the kernel's, on its stack). */
	fprintf(f, "const mach_msg_size_t %s_reply_sizes[] = {\n", demux);
	for (struct routine *r = subsys.routines; r != NULL; r = r->next)
		fprintf(f, "\t%d,\n", r->skip ? 0 : msg_struct_size(r, true));
	if (subsys.routines == NULL)
		fprintf(f, "\t0,\n");
	fprintf(f, "};\n\n");

	fprintf(f, "mig_external mig_routine_t %s_routine(mach_msg_header_t *InHeadP)\n{\n"
		   "\tunsigned int index = (unsigned int) InHeadP->msgh_id - %du;\n\n"
		   "\tif (index >= %d)\n\t\treturn 0;\n"
		   "\treturn %s_routines[index];\n}\n\n",
		demux, subsys.base, subsys.nroutines, demux);

	fprintf(f, "mig_external boolean_t %s(mach_msg_header_t *InHeadP,\n"
		   "\t\tmach_msg_header_t *OutHeadP)\n{\n"
		   "\tmig_reply_header_t *OutP = (mig_reply_header_t *) OutHeadP;\n"
		   "\tstatic const mach_msg_type_t RetCodeType = {\n"
		   "\t\t.msgt_name = (unsigned char) MACH_MSG_TYPE_INTEGER_32,\n"
		   "\t\t.msgt_size = 32,\n\t\t.msgt_number = 1,\n"
		   "\t\t.msgt_inline = 1,\n\t};\n"
		   "\tmig_routine_t routine;\n\n"
		   "\tOutP->Head.msgh_bits =\n"
		   "\t\tMACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(InHeadP->msgh_bits), 0);\n"
		   "\tOutP->Head.msgh_size = sizeof *OutP;\n"
		   "\tOutP->Head.msgh_remote_port = InHeadP->msgh_remote_port;\n"
		   "\tOutP->Head.msgh_local_port = MACH_PORT_NULL;\n"
		   "\tOutP->Head.msgh_seqno = 0;\n"
		   "\tOutP->Head.msgh_id = (mach_msg_id_t) ((unsigned int) InHeadP->msgh_id + 100);\n"
		   "\tOutP->RetCodeType = RetCodeType;\n\n"
		   "\troutine = %s_routine(InHeadP);\n"
		   "\tif (routine == 0) {\n"
		   "\t\tOutP->RetCode = MIG_BAD_ID;\n\t\treturn FALSE;\n\t}\n"
		   "\troutine(InHeadP, OutHeadP);\n\treturn TRUE;\n}\n",
		demux, demux);
}
