/*
 * User stubs: one C function per routine that packs its arguments into
 * a request, sends it with mach_msg, waits for the reply (routines) and
 * unpacks it, checking every type descriptor on the way.
 */
#include <string.h>
#include "mig.h"
#include "message.h"

static struct write_src user_src(const struct arg *a)
{
	struct write_src s = { 0 };
	bool in = a->kind == AK_IN;
	const char *nm = a->name;
	const struct type *t = a->type;
	bool array = t->inl && t->kind != TK_SIMPLE && !t->is_struct;

	s.val = in ? nm : xasprintf("(*%s)", nm);
	s.data = (in || array) ? nm : xasprintf("(*%s)", nm);
	if (t->kind == TK_INDEF && t->inl && !in)
		s.data = xasprintf("(*%s)", nm);
	s.cnt = in ? xasprintf("%sCnt", nm) : xasprintf("(*%sCnt)", nm);
	s.poly = in ? xasprintf("%sPoly", nm) : xasprintf("(*%sPoly)", nm);
	s.dealloc = xasprintf("%sDealloc", nm);
	return s;
}

static const char *port_name_expr(const struct arg *a)
{
	if (a->type->in_name == MSGT_POLY)
		return xasprintf("%sPoly", a->name);
	return msgt_name_str(a->type->in_name);
}

/* Copy the reply's out data to the caller. */
static void emit_unpack_out(FILE *f, struct routine *r)
{
	for (struct arg *a = r->args; a != NULL; a = a->next) {
		if (!a->in_rep)
			continue;
		const struct type *t = a->type;
		const char *P = msg_cursor("OutP", r, true, a);
		const char *nm = a->name;
		int eb = type_elem_bytes(t), ec = type_elem_count(t);
		const char *num = xasprintf("%s->%sType.%s", P, nm,
			t->longform ? "msgtl_number" : "msgt_number");
		fprintf(f, "\n");
		if (a->has_poly && (t->out_name == MSGT_POLY || a->kind == AK_INOUT))
			fprintf(f, "\t*%sPoly = %s->%sType.%s;\n", nm, P, nm,
				t->longform ? "msgtl_name" : "msgt_name");
		if (!t->inl) {
			fprintf(f, "\t*%s = %s->%s;\n", nm, P, nm);
			if (a->has_count)
				fprintf(f, "\t*%sCnt = %s / %d;\n", nm, num, ec);
			continue;
		}
		switch (t->kind) {
		case TK_SIMPLE:
			fprintf(f, "\t*%s = %s->%s;\n", nm, P, nm);
			break;
		case TK_FIXED:
			if (t->is_struct || t->utype)
				fprintf(f, "\t*%s = %s->%s;\n", nm, P, nm);
			else if (t->is_string)
				fprintf(f, "\t(void) _mig_strcopy(%s, %s->%s, %d, 0);\n",
					nm, P, nm, type_inline_max_bytes(t));
			else
				fprintf(f, "\t__builtin_memcpy(%s, %s->%s, %d);\n",
					nm, P, nm, type_inline_max_bytes(t));
			break;
		case TK_VAR:
			if (t->is_string) {
				fprintf(f, "\t__builtin_memcpy(%s, %s->%s, %s);\n",
					nm, P, nm, num);
				break;
			}
			fprintf(f, "\tif (%s / %d > *%sCnt) {\n"
				   "\t\t__builtin_memcpy(%s, %s->%s, %d * *%sCnt);\n"
				   "\t\t*%sCnt = %s / %d;\n"
				   "\t\treturn MIG_ARRAY_TOO_LARGE;\n\t}\n",
				num, ec, nm, nm, P, nm, eb, nm, nm, num, ec);
			fprintf(f, "\t__builtin_memcpy(%s, %s->%s, %d * (%s / %d));\n"
				   "\t*%sCnt = %s / %d;\n",
				nm, P, nm, eb, num, ec, nm, num, ec);
			break;
		case TK_INDEF:
			fprintf(f, "\tif (%s->%sType.msgtl_header.msgt_inline) {\n"
				   "\t\tif (%s / %d > *%sCnt) {\n"
				   "\t\t\tvm_offset_t mig_addr;\n"
				   "\t\t\t%s(&mig_addr, %d * (%s / %d));\n"
				   "\t\t\t*%s = (%s *) mig_addr;\n\t\t}\n"
				   "\t\tif (%s)\n"
				   "\t\t\t__builtin_memcpy(*%s, %s->%s, %d * (%s / %d));\n"
				   "\t} else\n\t\t*%s = %s->%sP;\n"
				   "\t*%sCnt = %s / %d;\n",
				P, nm, num, ec, nm, subr("mig_allocate"), eb, num, ec, nm,
				type_elem_ctype(t), num, nm, P, nm, eb, num, ec,
				nm, P, nm, nm, num, ec);
			break;
		}
	}
}

/* An error reply is just the reply header, with a code that is not
 * KERN_SUCCESS: the stub returns that code. */
static void emit_error_reply_test(FILE *f)
{
	fprintf(f, "\tif (OutP->Head.msgh_size == sizeof(mig_reply_header_t) &&\n"
		   "\t    !(OutP->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX) &&\n"
		   "\t    (!TypeCheck ||\n"
		   "\t     _mig_word(&OutP->RetCodeType) == _mig_word(&RetCodeCheck)) &&\n"
		   "\t    OutP->RetCode != KERN_SUCCESS)\n"
		   "\t\treturn OutP->RetCode;\n");
}

static void emit_stub(FILE *f, struct routine *r)
{
	bool kuser = subsys.kernel_user;
	struct arg *rp = r->repport;
	if (rp != NULL && rp->kind == AK_SREPLYPORT)
		rp = NULL;
	bool own_reply = !r->simple && rp == NULL && !kuser;
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, false, fs);
	bool stat = msg_static_complex(fs, n), dyn = msg_dynamic_complex(fs, n);

	fprintf(f, "/* %s %s */\nmig_external %s %s\n",
		r->simple ? "SimpleRoutine" : "Routine", r->name,
		r->simple ? "mach_msg_return_t" : "kern_return_t", user_def_name(r));
	emit_user_params(f, r, false);
	fprintf(f, "\n{\n#pragma pack(push, 4)\n");
	emit_msg_struct(f, r, false, "Request");
	if (!r->simple)
		emit_msg_struct(f, r, true, "Reply");
	fprintf(f, "#pragma pack(pop)\n");
	fprintf(f, "#ifndef MIG_SKIP_LAYOUT_ASSERTS\n"
		   "\t_Static_assert(sizeof(Request) == %d, \"Request layout\");\n",
		msg_struct_size(r, false));
	if (!r->simple)
		fprintf(f, "\t_Static_assert(sizeof(Reply) == %d, \"Reply layout\");\n",
			msg_struct_size(r, true));
	fprintf(f, "#endif\n");
	if (!r->simple) {
		fprintf(f, "\tunion {\n\t\tRequest In;\n\t\tReply Out;\n\t} Mess;\n"
			   "\tRequest *InP = &Mess.In;\n\tReply *OutP = &Mess.Out;\n");
		emit_cursor_decls(f, r, true, "Reply", "OutP");
	} else
		fprintf(f, "\tRequest Mess;\n\tRequest *InP = &Mess;\n");
	emit_cursor_decls(f, r, false, "Request", "InP");
	fprintf(f, "\tmach_msg_return_t msg_result;\n"
		   "\tmach_port_t mig_reply_port __attribute__((unused));\n"
		   "\tunsigned int msgh_size __attribute__((unused));\n"
		   "\tunsigned int mig_n __attribute__((unused));\n"
		   "\tunsigned int mig_vsize __attribute__((unused));\n"
		   "\tint mig_delta __attribute__((unused));\n"
		   "\tboolean_t msgh_simple __attribute__((unused));\n");
	emit_templates(f, r, false);
	if (!r->simple) {
		fprintf(f, "\tstatic const mach_msg_type_t RetCodeCheck = {\n"
			   "\t\t.msgt_name = (unsigned char) MACH_MSG_TYPE_INTEGER_32,\n"
			   "\t\t.msgt_size = 32,\n\t\t.msgt_number = 1,\n"
			   "\t\t.msgt_inline = 1,\n\t};\n");
		emit_check_templates(f, r, true);
	}

	emit_write(f, r, false, "Request", "InP", user_src,
		   "return MIG_ARRAY_TOO_LARGE;", false);

	const char *remote = port_name_expr(r->reqport);
	const char *local = "0";
	const char *local_port = "MACH_PORT_NULL";
	if (rp != NULL) {
		local = port_name_expr(rp);
		local_port = rp->name;
	} else if (!r->simple) {
		local = "MACH_MSG_TYPE_MAKE_SEND_ONCE";
		local_port = kuser ? "MACH_PORT_NULL" :
			     xasprintf("%s()", subr("mig_get_reply_port"));
	}
	fprintf(f, "\tInP->Head.msgh_bits = MACH_MSGH_BITS(%s, %s)", remote, local);
	if (stat)
		fprintf(f, " |\n\t\tMACH_MSGH_BITS_COMPLEX");
	else if (dyn)
		fprintf(f, " |\n\t\t(msgh_simple ? 0 : MACH_MSGH_BITS_COMPLEX)");
	fprintf(f, ";\n\tInP->Head.msgh_size = msgh_size;\n"
		   "\tInP->Head.msgh_remote_port = %s;\n"
		   "\tmig_reply_port = %s;\n"
		   "\tInP->Head.msgh_local_port = mig_reply_port;\n"
		   "\tInP->Head.msgh_seqno = 0;\n"
		   "\tInP->Head.msgh_id = %d;\n\n",
		r->reqport->name, local_port, subsys.base + r->number);

	const char *timeout = "MACH_MSG_TIMEOUT_NONE";
	const char *options = "MACH_MSG_OPTION_NONE";
	if (r->waittime != NULL)
		timeout = r->waittime->name;
	else if (subsys.waittime != NULL)
		timeout = subsys.waittime;
	if (r->waittime != NULL || subsys.waittime != NULL)
		options = xasprintf("%s | %s", options,
				    r->simple ? "MACH_SEND_TIMEOUT" : "MACH_RCV_TIMEOUT");
	if (subsys.msgoption != NULL)
		options = xasprintf("%s | (%s)", options, subsys.msgoption);
	if (r->msgoption != NULL)
		options = xasprintf("%s | %s", options, r->msgoption->name);

	if (r->simple) {
		if (kuser)
			fprintf(f, "\tmsg_result = mach_msg_send_from_kernel(&InP->Head, msgh_size);\n");
		else
			fprintf(f, "\tmsg_result = %s(&InP->Head, MACH_SEND_MSG | %s,\n"
				   "\t\t\t      msgh_size, 0, MACH_PORT_NULL, %s, MACH_PORT_NULL);\n",
				subr("mach_msg"), options, timeout);
		fprintf(f, "\treturn msg_result;\n}\n\n");
		return;
	}
	if (kuser)
		fprintf(f, "\tmsg_result = mach_msg_rpc_from_kernel(&InP->Head, msgh_size, sizeof(Reply));\n");
	else
		fprintf(f, "\tmsg_result = %s(&InP->Head, MACH_SEND_MSG | MACH_RCV_MSG | %s,\n"
			   "\t\t\t      msgh_size, sizeof(Reply), mig_reply_port, %s,\n"
			   "\t\t\t      MACH_PORT_NULL);\n", subr("mach_msg"), options, timeout);
	fprintf(f, "\tif (msg_result != MACH_MSG_SUCCESS) {\n");
	if (own_reply)
		fprintf(f, "\t\t%s(mig_reply_port);\n", subr("mig_dealloc_reply_port"));
	fprintf(f, "\t\treturn msg_result;\n\t}\n");
	fprintf(f, "\tif (OutP->Head.msgh_id != %d) {\n"
		   "\t\tif (OutP->Head.msgh_id == MACH_NOTIFY_SEND_ONCE) {\n",
		subsys.base + r->number + 100);
	if (own_reply)
		fprintf(f, "\t\t\t%s(mig_reply_port);\n", subr("mig_put_reply_port"));
	fprintf(f, "\t\t\treturn MIG_SERVER_DIED;\n\t\t}\n");
	if (own_reply)
		fprintf(f, "\t\t%s(mig_reply_port);\n", subr("mig_dealloc_reply_port"));
	fprintf(f, "\t\treturn MIG_REPLY_MISMATCH;\n\t}\n");
	if (own_reply)
		fprintf(f, "\t%s(mig_reply_port);\n", subr("mig_put_reply_port"));

	/*
	 * The reply as the routine makes it is checked first, so that a
	 * successful call pays for no other test; a reply that fails a
	 * check may be an error reply, which is just the reply header
	 * (mig_bad_reply).  Without TypeCheck nothing bounds the reading
	 * of a body, so an error reply is told apart first.
	 */
	fprintf(f, "\n#if !TypeCheck\n");
	emit_error_reply_test(f);
	fprintf(f, "#endif\n");
	emit_read(f, r, true, "Reply", "OutP", "goto mig_bad_reply;", false);
	fprintf(f, "\n#if TypeCheck\n"
		   "\tif (_mig_word(&OutP->RetCodeType) != _mig_word(&RetCodeCheck))\n"
		   "\t\treturn MIG_TYPE_ERROR;\n#endif\n"
		   "\tif (OutP->RetCode != KERN_SUCCESS)\n"
		   "\t\treturn OutP->RetCode;\n");
	emit_unpack_out(f, r);
	fprintf(f, "\n\treturn KERN_SUCCESS;\n\n"
		   "mig_bad_reply: __attribute__((unused));\n");
	emit_error_reply_test(f);
	fprintf(f, "\treturn MIG_TYPE_ERROR;\n}\n\n");
}

/* The user stubs; only one routine's if `only` is given (-i). */
void emit_user(FILE *f, const char *header_name, struct routine *only)
{
	fprintf(f, "/* User stubs of subsystem %s, generated by Ernst MIG. */\n\n",
		subsys.name);
	if (header_name != NULL)
		fprintf(f, "#include \"%s\"\n", header_name);
	emit_prologue(f, false);
	if (subsys.kernel_user)
		fprintf(f, "extern mach_msg_return_t mach_msg_send_from_kernel("
			   "mach_msg_header_t *, mach_msg_size_t);\n"
			   "extern mach_msg_return_t mach_msg_rpc_from_kernel("
			   "mach_msg_header_t *, mach_msg_size_t, mach_msg_size_t);\n\n");
	emit_imports(f, IMP_USER);
	if (subsys.rcsid != NULL)
		fprintf(f, "static const char mig_rcsid_%s[] __attribute__((unused)) = %s;\n\n",
			subsys.name, subsys.rcsid);
	for (struct routine *r = subsys.routines; r != NULL; r = r->next)
		if (!r->skip && (only == NULL || r == only))
			emit_stub(f, r);
}
