/*
 * Pieces every output file shares: the prologue with its helpers, the
 * parameter lists of user stubs and server routines, and the names of
 * generated functions.
 */
#include <string.h>
#include "mig.h"

struct options opts;

/* -prefix goes before every public name, as in GNU MIG. */
static const char *prefix(void)
{
	return opts.prefix ? opts.prefix : "";
}

const char *user_name(struct routine *r)
{
	return xasprintf("%s%s%s", prefix(),
			 subsys.user_prefix ? subsys.user_prefix : "", r->name);
}

const char *user_def_name(struct routine *r)
{
	return user_name(r);
}

/* A runtime function the user stubs call; -subrprefix renames them. */
const char *subr(const char *name)
{
	return xasprintf("%s%s", opts.subrprefix ? opts.subrprefix : "", name);
}

/* The function a server implements. */
const char *server_routine_name(struct routine *r)
{
	return xasprintf("%s%s%s", prefix(),
			 subsys.server_prefix ? subsys.server_prefix : "", r->name);
}

/* The stub in the server file that unpacks and calls it. */
const char *server_name(struct routine *r)
{
	return xasprintf("_X%s", r->name);
}

const char *demux_name(void)
{
	if (subsys.server_demux != NULL)
		return xasprintf("%s%s", prefix(), subsys.server_demux);
	return xasprintf("%s%s_server", prefix(), subsys.name);
}

void emit_prologue(FILE *f, bool server)
{
	fprintf(f,
		"#include <stdint.h>\n"
		"#include <mach/boolean.h>\n"
		"#include <mach/kern_return.h>\n"
		"#include <mach/message.h>\n"
		"%s"
		"#include <mach/mig_errors.h>\n"
		"#include <mach/mig_support.h>\n\n",
		server ? "" : "#include <mach/notify.h>\n");
	fprintf(f,
		"#ifndef mig_internal\n#define mig_internal static\n#endif\n"
		"#ifndef mig_external\n#define mig_external\n#endif\n"
		"#ifndef TypeCheck\n#define TypeCheck 1\n#endif\n\n");
	fprintf(f,
		"/* A type descriptor as one word, for comparing it whole. */\n"
		"static inline __attribute__((unused)) uint32_t\n"
		"_mig_word(const void *desc)\n{\n"
		"\tuint32_t w;\n\t__builtin_memcpy(&w, desc, sizeof w);\n"
		"\treturn w;\n}\n\n"
		"/* Copy a C string into at most max bytes, always terminated;\n"
		"   zero the rest up to fill.  Returns the bytes used with the NUL. */\n"
		"static inline __attribute__((unused)) unsigned int\n"
		"_mig_strcopy(char *dst, const char *src, unsigned int max,\n"
		"\t     unsigned int fill)\n{\n"
		"\tunsigned int i = 0;\n"
		"\twhile (i + 1 < max && src[i] != 0) {\n"
		"\t\tdst[i] = src[i];\n\t\ti++;\n\t}\n"
		"\tdst[i] = 0;\n"
		"\tfor (unsigned int j = i + 1; j < fill; j++)\n"
		"\t\tdst[j] = 0;\n"
		"\treturn i + 1;\n}\n\n"
		"/* Bytes of the string in a buffer of max bytes, with its NUL. */\n"
		"static inline __attribute__((unused)) unsigned int\n"
		"_mig_strbound(const char *s, unsigned int max)\n{\n"
		"\tunsigned int i = 0;\n"
		"\twhile (i + 1 < max && s[i] != 0)\n\t\ti++;\n"
		"\treturn i + 1;\n}\n\n");
}

void emit_imports(FILE *f, enum import_kind side)
{
	for (struct import *i = subsys.imports; i != NULL; i = i->next)
		if (i->kind == IMP_BOTH || i->kind == side)
			fprintf(f, "#include %s\n", i->file);
	fprintf(f, "\n");
}

/* ---- parameter lists ---- */

static void item(FILE *f, bool *first, const char *decl)
{
	fprintf(f, "%s\n\t%s", *first ? "" : ",", decl);
	*first = false;
}

/*
 * The C parameters one argument becomes.  in: values (arrays as const
 * element pointers); out and inout: pointers.  Variable arrays add a
 * count, polymorphic ones a type name, dealloc[] a flag.
 */
static void arg_params(FILE *f, bool *first, const struct arg *a, bool server)
{
	const struct type *t = a->type;
	const char *ct = server ? type_server_ctype(t) : type_user_ctype(t);
	const char *et = type_elem_ctype(t);
	const char *nm = a->name;
	bool out = a->kind == AK_OUT || a->kind == AK_INOUT;
	bool data = a->in_req || a->in_rep;
	if (server && a->kind == AK_OUT && t->outtran_arg != NULL)
		ct = t->outtran_arg;

	if (!data || t->kind == TK_SIMPLE || !t->inl ||
	    (t->kind == TK_FIXED && t->is_struct))
		item(f, first, xasprintf("%s %s%s", ct, out ? "*" : "", nm));
	else if (t->kind == TK_INDEF)
		item(f, first, xasprintf("%s%s %s%s", out ? "" : "const ", et,
					 out ? "**" : "*", nm));
	else if (t->is_string && !out) /* any C string will do */
		item(f, first, xasprintf("const char *%s", nm));
	else /* arrays: the array type, decaying to a pointer */
		item(f, first, xasprintf("%s%s %s", out ? "" : "const ", ct, nm));

	if (a->has_count)
		item(f, first, xasprintf("mach_msg_type_number_t %s%sCnt",
					 out ? "*" : "", nm));
	bool port_arg = a->kind == AK_REQUESTPORT || a->kind == AK_REPLYPORT ||
			a->kind == AK_UREPLYPORT || a->kind == AK_SREPLYPORT;
	/* The side that sends a polymorphic datum names its type; the side
	   that receives one learns it. */
	bool sends = server ? a->kind == AK_OUT : a->kind == AK_IN;
	bool poly_here = a->kind == AK_INOUT ? a->has_poly :
			 sends ? t->in_name == MSGT_POLY : t->out_name == MSGT_POLY;
	if (a->has_poly && ((data && poly_here) ||
			    (port_arg && !server && t->in_name == MSGT_POLY) ||
			    (server && a->kind == AK_SREPLYPORT &&
			     t->out_name == MSGT_POLY)))
		item(f, first, xasprintf("mach_msg_type_name_t %s%sPoly",
					 out ? "*" : "", nm));
	if (a->dealloc == DEALLOC_MAYBE && (!server || out))
		item(f, first, xasprintf("boolean_t %s%sDealloc",
					 server && out ? "*" : "", nm));
	if (server && a->servercopy)
		item(f, first, xasprintf("boolean_t %sSCopy", nm));
}

void emit_user_params(FILE *f, struct routine *r, bool decl_only)
{
	bool first = true;
	(void)decl_only;
	fprintf(f, "(");
	for (struct arg *a = r->args; a != NULL; a = a->next)
		if (a->user_param)
			arg_params(f, &first, a, false);
	fprintf(f, first ? "void)" : "\n)");
}

void emit_server_params(FILE *f, struct routine *r)
{
	bool first = true;
	fprintf(f, "(");
	for (struct arg *a = r->args; a != NULL; a = a->next)
		if (a->server_param)
			arg_params(f, &first, a, true);
	fprintf(f, first ? "void)" : "\n)");
}
