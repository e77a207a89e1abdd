/*
 * Message layout, and the code that writes and reads one message.
 *
 * A message is the header, then for each datum a type descriptor and the
 * data, everything aligned to 4 bytes (the C structs are declared under
 * `#pragma pack(4)`, which makes the same layout on i386 and x86_64).
 * Variable-sized inline data (array[*:N], c_string[*:N], array[])
 * occupies its maximum in the C struct but only its real size on the
 * wire, so the data after it is reached through a cursor: the struct
 * pointer moved back by the unused room ("delta").  Every struct size we
 * compute is checked against the compiler with _Static_assert.
 *
 * Writers and readers are shared by the user side (writes requests,
 * reads replies) and the server side (reads requests, writes replies);
 * the caller says where values come from or go to.
 *
 * A reader's checks of sizes and descriptors sit under `#if TypeCheck`,
 * as in GNU MIG, so that code defining TypeCheck to 0 drops them; the
 * checks of counts against array bounds and the NUL put at the end of
 * received strings stay, since the stub's own copies depend on them.
 */
#include <string.h>
#include "mig.h"
#include "message.h"

static int round4(int n)
{
	return (n + 3) & ~3;
}

/* Bytes of one C element of t's data. */
static int elem_bytes(const struct type *t)
{
	int eb = type_elem_bytes(t);
	return eb > 0 ? eb : 1;
}

/* The fields of the request or the reply of r, in wire order. */
int msg_fields(struct routine *r, bool reply, struct field *out)
{
	int n = 0, off = target->header_size + (reply ? 8 : 0);
	int seg = 0;
	for (struct arg *a = r->args; a != NULL; a = a->next) {
		bool countfield = !reply && a->countinout;
		if (!(reply ? a->in_rep : (a->in_req || countfield)))
			continue;
		struct field *f = &out[n++];
		memset(f, 0, sizeof *f);
		f->arg = a;
		f->count_only = countfield && !a->in_req;
		f->seg = seg;
		f->offset = off;
		if (f->count_only) {
			f->desc_bytes = 4;
			f->data_bytes = 4;
		} else {
			const struct type *t = a->type;
			f->desc_bytes = t->longform ? 12 : 4;
			if (!t->inl)
				f->data_bytes = target->pointer_size;
			else if (t->kind == TK_INDEF) {
				int b = round4(type_inline_max_bytes(t));
				f->data_bytes = b > target->pointer_size ?
						b : round4(target->pointer_size);
			} else
				f->data_bytes = round4(type_inline_max_bytes(t));
			f->variable = t->inl && (t->kind == TK_VAR || t->kind == TK_INDEF);
		}
		off += f->desc_bytes + f->data_bytes;
		if (f->variable)
			seg++;
	}
	return n;
}

int msg_struct_size(struct routine *r, bool reply)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, reply, fs);
	int size = target->header_size + (reply ? 8 : 0);
	for (int i = 0; i < n; i++)
		size += fs[i].desc_bytes + fs[i].data_bytes;
	return size;
}

/* Size with every variable datum empty: the least a valid message has. */
static int msg_min_size(struct field *fs, int n, int base)
{
	int size = base;
	for (int i = 0; i < n; i++)
		size += fs[i].desc_bytes + (fs[i].variable ? 0 : fs[i].data_bytes);
	return size;
}

bool msg_has_variable(struct field *fs, int n)
{
	for (int i = 0; i < n; i++)
		if (fs[i].variable)
			return true;
	return false;
}

/* Always carries rights or out-of-line memory. */
bool msg_static_complex(struct field *fs, int n)
{
	for (int i = 0; i < n; i++) {
		const struct type *t = fs[i].arg->type;
		if (fs[i].count_only)
			continue;
		if (type_is_port(t) || !t->inl)
			return true;
	}
	return false;
}

/* May or may not carry them, depending on run-time values. */
bool msg_dynamic_complex(struct field *fs, int n)
{
	for (int i = 0; i < n; i++) {
		const struct type *t = fs[i].arg->type;
		if (fs[i].count_only)
			continue;
		if (type_maybe_port(t) || t->kind == TK_INDEF)
			return true;
	}
	return false;
}

/* ---- C declarations ---- */

static void decl_desc(FILE *f, const struct type *t, const char *name)
{
	fprintf(f, "\t\t%s %sType;\n",
		t->longform ? "mach_msg_type_long_t" : "mach_msg_type_t", name);
}

static void decl_pad(FILE *f, const char *name, int have, int room)
{
	if (room > have)
		fprintf(f, "\t\tchar %sPad[%d];\n", name, room - have);
}

void emit_msg_struct(FILE *f, struct routine *r, bool reply, const char *tname)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, reply, fs);

	fprintf(f, "\ttypedef struct {\n\t\tmach_msg_header_t Head;\n");
	if (reply)
		fprintf(f, "\t\tmach_msg_type_t RetCodeType;\n"
			   "\t\tkern_return_t RetCode;\n");
	for (int i = 0; i < n; i++) {
		struct field *fl = &fs[i];
		const struct arg *a = fl->arg;
		const struct type *t = a->type;
		if (fl->count_only) {
			fprintf(f, "\t\tmach_msg_type_t %sCntType;\n"
				   "\t\tmach_msg_type_number_t %sCnt;\n",
				a->name, a->name);
			continue;
		}
		decl_desc(f, t, a->name);
		int have;
		if (!t->inl) {
			fprintf(f, "\t\t%s %s;\n", t->ctype, a->name);
			continue;
		} else if (t->kind == TK_INDEF) {
			int max = type_inline_max_bytes(t) / elem_bytes(t);
			fprintf(f, "\t\tunion {\n\t\t\t%s %s[%d];\n"
				   "\t\t\t%s *%sP;\n\t\t};\n",
				type_elem_ctype(t), a->name, max,
				type_elem_ctype(t), a->name);
			have = type_inline_max_bytes(t);
			if (have < target->pointer_size)
				have = target->pointer_size;
		} else if (t->kind == TK_VAR) {
			int max = type_inline_max_bytes(t) / elem_bytes(t);
			fprintf(f, "\t\t%s %s[%d];\n", type_elem_ctype(t),
				a->name, max);
			have = type_inline_max_bytes(t);
		} else {
			fprintf(f, "\t\t%s %s;\n", t->ctype, a->name);
			have = type_inline_max_bytes(t);
		}
		decl_pad(f, a->name, have, fl->data_bytes);
	}
	fprintf(f, "\t} %s;\n", tname);
}

static void desc_init(FILE *f, const struct type *t, int name, int number,
		      bool deallocate)
{
	if (t->longform)
		fprintf(f, "{\n\t\t.msgtl_header = { .msgt_inline = %d, "
			   ".msgt_longform = 1, .msgt_deallocate = %d },\n"
			   "\t\t.msgtl_name = (unsigned short) %s,\n"
			   "\t\t.msgtl_size = %d,\n\t\t.msgtl_number = %d,\n\t}",
			t->inl, deallocate, msgt_name_str(name), t->size, number);
	else
		fprintf(f, "{\n\t\t.msgt_name = (unsigned char) %s,\n"
			   "\t\t.msgt_size = %d,\n\t\t.msgt_number = %d,\n"
			   "\t\t.msgt_inline = %d,\n\t\t.msgt_longform = 0,\n"
			   "\t\t.msgt_deallocate = %d,\n\t\t.msgt_unused = 0,\n\t}",
			msgt_name_str(name), t->size, number, t->inl, deallocate);
}

static int initial_number(const struct type *t)
{
	if (!t->inl && t->kind != TK_FIXED)
		return 0;
	return t->number;
}

/* The constant descriptor a writer starts each datum from. */
static void emit_template(FILE *f, const struct field *fl)
{
	const struct arg *a = fl->arg;
	if (fl->count_only) {
		fprintf(f, "\tstatic const mach_msg_type_t %sCntTemplate = ", a->name);
		desc_init(f, type_lookup("int"), 2, 1, false);
		fprintf(f, ";\n");
		return;
	}
	const struct type *t = a->type;
	fprintf(f, "\tstatic const %s %sTemplate = ",
		t->longform ? "mach_msg_type_long_t" : "mach_msg_type_t", a->name);
	int name = t->in_name == MSGT_POLY ? 0 : t->in_name;
	desc_init(f, t, name, initial_number(t), a->dealloc == DEALLOC_YES);
	fprintf(f, ";\n");
}

void emit_templates(FILE *f, struct routine *r, bool reply)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, reply, fs);
	for (int i = 0; i < n; i++)
		emit_template(f, &fs[i]);
}

/* `P->xType.msgt_field` for either descriptor form. */
static const char *dfield(const struct type *t, const char *field)
{
	if (!t->longform)
		return xasprintf("msgt_%s", field);
	if (strcmp(field, "name") == 0 || strcmp(field, "size") == 0 ||
	    strcmp(field, "number") == 0)
		return xasprintf("msgtl_%s", field);
	return xasprintf("msgtl_header.msgt_%s", field);
}

/* The name of the cursor through which field i is reached. */
static const char *cursor(const char *base, int seg)
{
	return seg == 0 ? base : xasprintf("%s%d", base, seg);
}

void emit_cursor_decls(FILE *f, struct routine *r, bool reply,
		       const char *tname, const char *base)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, reply, fs);
	int segs = 0;
	for (int i = 0; i < n; i++)
		if (fs[i].variable)
			segs++;
	for (int s = 1; s <= segs; s++)
		fprintf(f, "\t%s *%s%d __attribute__((unused));\n", tname, base, s);
}

/* ---- writing ---- */

void emit_write(FILE *f, struct routine *r, bool reply, const char *tname,
		const char *base, struct write_src (*src)(const struct arg *),
		const char *too_large, bool server)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, reply, fs);
	bool dynamic = msg_dynamic_complex(fs, n);
	int fixed = msg_struct_size(r, reply);

	if (msg_has_variable(fs, n))
		fprintf(f, "\tmig_delta = 0;\n");
	if (dynamic)
		fprintf(f, "\tmsgh_simple = TRUE;\n");
	for (int i = 0; i < n; i++) {
		struct field *fl = &fs[i];
		const struct arg *a = fl->arg;
		const struct type *t = a->type;
		const char *P = cursor(base, fl->seg);
		struct write_src s = src(a);
		const char *nm = a->name;

		fprintf(f, "\n");
		if (fl->count_only) {
			fprintf(f, "\t%s->%sCntType = %sCntTemplate;\n", P, nm, nm);
			fprintf(f, "\t%s->%sCnt = %s;\n", P, nm, s.cnt);
			continue;
		}
		fprintf(f, "\t%s->%sType = %sTemplate;\n", P, nm, nm);
		if (t->in_name == MSGT_POLY) {
			fprintf(f, "\t%s->%sType.%s = %s;\n", P, nm,
				dfield(t, "name"), s.poly);
			fprintf(f, "\tif (MACH_MSG_TYPE_PORT_ANY(%s))\n"
				   "\t\tmsgh_simple = FALSE;\n", s.poly);
		}
		if (a->dealloc == DEALLOC_MAYBE && s.dealloc != NULL)
			fprintf(f, "\t%s->%sType.%s = %s;\n", P, nm,
				dfield(t, "deallocate"), s.dealloc);

		int eb = elem_bytes(t), ec = type_elem_count(t);
		int maxel = t->number / ec;
		if (!t->inl) {
			fprintf(f, "\t%s->%s = %s;\n", P, nm, s.val);
			if (t->kind != TK_FIXED)
				fprintf(f, "\t%s->%sType.%s = %s * %d;\n", P, nm,
					dfield(t, "number"), s.cnt, ec);
			continue;
		}
		switch (t->kind) {
		case TK_SIMPLE:
			fprintf(f, "\t%s->%s = %s;\n", P, nm, s.val);
			break;
		case TK_FIXED:
			if (t->is_string && !s.in_place)
				fprintf(f, "\t(void) _mig_strcopy(%s->%s, %s, %d, %d);\n",
					P, nm, s.data, type_inline_max_bytes(t),
					type_inline_max_bytes(t));
			else if (t->is_string || !t->is_struct) {
				if (!s.in_place)
					fprintf(f, "\t__builtin_memcpy(%s->%s, %s, %d);\n",
						P, nm, s.data, type_inline_max_bytes(t));
				else if (fl->seg > 0)
					fprintf(f, "\t__builtin_memmove(%s->%s, %s, %d);\n",
						P, nm, s.data, type_inline_max_bytes(t));
				if (t->is_string)
					fprintf(f, "\t%s->%s[%d] = 0;\n", P, nm,
						type_inline_max_bytes(t) - 1);
			} else if (!s.in_place)
				fprintf(f, "\t%s->%s = %s;\n", P, nm, s.val);
			else if (fl->seg > 0)
				fprintf(f, "\t__builtin_memmove(&%s->%s, %s, %d);\n",
					P, nm, s.data, type_inline_max_bytes(t));
			break;
		case TK_VAR:
			if (t->is_string) {
				if (s.in_place) {
					fprintf(f, "\tmig_n = _mig_strbound(%s, %d);\n",
						s.data, t->number);
					if (fl->seg > 0)
						fprintf(f, "\t__builtin_memmove(%s->%s, %s, mig_n);\n",
							P, nm, s.data);
					fprintf(f, "\t%s->%s[mig_n - 1] = 0;\n", P, nm);
				} else
					fprintf(f, "\tmig_n = _mig_strcopy(%s->%s, %s, %d, 0);\n",
						P, nm, s.data, t->number);
				fprintf(f, "\t%s->%sType.%s = mig_n;\n", P, nm,
					dfield(t, "number"));
				fprintf(f, "\t__builtin_memset((char *) %s->%s + mig_n, 0, "
					   "((mig_n + 3) & ~3u) - mig_n);\n", P, nm);
				fprintf(f, "\tmig_n = (mig_n + 3) & ~3u;\n");
			} else {
				fprintf(f, "\tif (%s > %d) {\n\t\t%s\n\t}\n", s.cnt,
					maxel, too_large);
				if (!s.in_place)
					fprintf(f, "\t__builtin_memcpy(%s->%s, %s, %d * %s);\n",
						P, nm, s.data, eb, s.cnt);
				else if (fl->seg > 0)
					fprintf(f, "\t__builtin_memmove(%s->%s, %s, %d * %s);\n",
						P, nm, s.data, eb, s.cnt);
				fprintf(f, "\t%s->%sType.%s = %s * %d;\n", P, nm,
					dfield(t, "number"), s.cnt, ec);
				fprintf(f, "\tmig_n = (%d * %s + 3) & ~3u;\n", eb, s.cnt);
			}
			break;
		case TK_INDEF: {
			int maxb = type_inline_max_bytes(t);
			fprintf(f, "\tif (%s%d * (unsigned long) %s > %d) {\n",
				server ? xasprintf("%s != %s || ", s.data, s.inbuf) : "",
				eb, s.cnt, maxb);
			fprintf(f, "\t\t%s->%sType.msgtl_header.msgt_inline = 0;\n"
				   "\t\t%s->%sP = (%s *) %s;\n"
				   "\t\tmsgh_simple = FALSE;\n"
				   "\t\tmig_n = %d;\n\t} else {\n",
				P, nm, P, nm, type_elem_ctype(t), s.data,
				target->pointer_size);
			if (a->dealloc != DEALLOC_NO)
				fprintf(f, "\t\t%s->%sType.msgtl_header.msgt_deallocate = 0;\n",
					P, nm);
			fprintf(f, "\t\tif (%s)\n\t\t\t__builtin_memmove(%s->%s, %s, %d * %s);\n",
				s.cnt, P, nm, s.data, eb, s.cnt);
			fprintf(f, "\t\tmig_n = (%d * %s + 3) & ~3u;\n\t}\n", eb, s.cnt);
			fprintf(f, "\t%s->%sType.msgtl_number = %s * %d;\n", P, nm,
				s.cnt, ec);
			break;
		}
		}
		if (fl->variable) {
			fprintf(f, "\tmig_delta += (int) mig_n - %d;\n", fl->data_bytes);
			fprintf(f, "\t%s%d = (%s *) ((char *) %s + mig_delta);\n",
				base, fl->seg + 1, tname, base);
		}
	}
	fprintf(f, "\n");
	if (msg_has_variable(fs, n))
		fprintf(f, "\tmsgh_size = %d + mig_delta;\n", fixed);
	else
		fprintf(f, "\tmsgh_size = %d;\n", fixed);
}

/* ---- reading ---- */

static void check_desc(FILE *f, const struct field *fl, const char *P,
		       const char *err, bool server)
{
	const struct arg *a = fl->arg;
	const char *nm = a->name;
	if (fl->count_only) {
		fprintf(f, "#if TypeCheck\n"
			   "\tif (_mig_word(&%s->%sCntType) != _mig_word(&%sCntTemplate))\n"
			   "\t\t%s\n#endif\n", P, nm, nm, err);
		return;
	}
	const struct type *t = a->type;
	int expect = t->out_name;
	bool whole = t->inl && t->kind == TK_FIXED && !t->longform;
	whole |= t->inl && t->kind == TK_SIMPLE && !t->longform && expect != MSGT_POLY;
	(void)server;
	if (whole) {
		fprintf(f, "#if TypeCheck\n"
			   "\tif (_mig_word(&%s->%sType) != _mig_word(&%sCheck))\n"
			   "\t\t%s\n#endif\n", P, nm, nm, err);
		return;
	}
	fprintf(f, "#if TypeCheck\n\tif (");
	if (t->kind != TK_INDEF)
		fprintf(f, "%s->%sType.%s != %d ||\n\t    ", P, nm,
			dfield(t, "inline"), t->inl);
	fprintf(f, "%s->%sType.%s != %d ||\n\t    ", P, nm,
		t->longform ? "msgtl_header.msgt_longform" : "msgt_longform",
		t->longform);
	if (expect == MSGT_POLY)
		fprintf(f, "(MACH_MSG_TYPE_PORT_ANY(%s->%sType.%s) && msgh_simple) ||\n\t    ",
			P, nm, dfield(t, "name"));
	else
		fprintf(f, "%s->%sType.%s != %s ||\n\t    ", P, nm,
			dfield(t, "name"), msgt_name_str(expect));
	if (t->kind == TK_FIXED || t->kind == TK_SIMPLE)
		fprintf(f, "%s->%sType.%s != %d ||\n\t    ", P, nm,
			dfield(t, "number"), t->number);
	if (t->kind == TK_INDEF)
		fprintf(f, "(!%s->%sType.msgtl_header.msgt_inline && msgh_simple) ||\n\t    ",
			P, nm);
	fprintf(f, "%s->%sType.%s != %d)\n\t\t%s\n#endif\n", P, nm,
		dfield(t, "size"), t->size, err);
}

void emit_check_templates(FILE *f, struct routine *r, bool reply)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, reply, fs);
	for (int i = 0; i < n; i++) {
		const struct field *fl = &fs[i];
		const struct type *t = fl->arg->type;
		if (fl->count_only) {
			fprintf(f, "\tstatic const mach_msg_type_t %sCntTemplate\n"
				   "\t\t__attribute__((unused)) = ", fl->arg->name);
			desc_init(f, type_lookup("int"), 2, 1, false);
			fprintf(f, ";\n");
			continue;
		}
		bool whole = t->inl && !t->longform &&
			     (t->kind == TK_FIXED ||
			      (t->kind == TK_SIMPLE && t->out_name != MSGT_POLY));
		if (!whole)
			continue;
		fprintf(f, "\tstatic const mach_msg_type_t %sCheck\n"
			   "\t\t__attribute__((unused)) = ", fl->arg->name);
		desc_init(f, t, t->out_name, t->number, false);
		fprintf(f, ";\n");
	}
}

void emit_read(FILE *f, struct routine *r, bool reply, const char *tname,
	       const char *base, const char *err, bool server)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, reply, fs);
	int hdr = target->header_size + (reply ? 8 : 0);
	int min = msg_min_size(fs, n, hdr);
	bool var = msg_has_variable(fs, n);
	bool stat = msg_static_complex(fs, n);
	bool dyn = msg_dynamic_complex(fs, n);

	fprintf(f, "\tmsgh_size = %s->Head.msgh_size;\n", base);
	if (dyn)
		fprintf(f, "\tmsgh_simple = !(%s->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX);\n",
			base);
	fprintf(f, "#if TypeCheck\n\tif (msgh_size %s %d", var ? "<" : "!=", min);
	if (stat)
		fprintf(f, " ||\n\t    !(%s->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX)", base);
	else if (!dyn)
		fprintf(f, " ||\n\t    (%s->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX)", base);
	fprintf(f, ")\n\t\t%s\n#endif\n", err);
	if (var)
		fprintf(f, "\tmig_delta = 0;\n\tmig_vsize = 0;\n");

	for (int i = 0; i < n; i++) {
		struct field *fl = &fs[i];
		const struct arg *a = fl->arg;
		const struct type *t = a->type;
		const char *P = cursor(base, fl->seg);
		const char *nm = a->name;
		fprintf(f, "\n");
		check_desc(f, fl, P, err, server);
		if (fl->count_only || !fl->variable) {
			if (t->is_string && t->inl && !fl->count_only)
				fprintf(f, "\t%s->%s[%d] = 0;\n", P, nm,
					type_inline_max_bytes(t) - 1);
			continue;
		}
		int eb = elem_bytes(t), ec = type_elem_count(t);
		int maxel = t->number / ec;
		const char *num = xasprintf("%s->%sType.%s", P, nm, dfield(t, "number"));
		if (t->kind == TK_VAR) {
			fprintf(f, "\tif (%s > %d || %s %% %d != 0%s)\n\t\t%s\n",
				num, t->number, num, ec,
				t->is_string ? xasprintf(" || %s == 0", num) : "", err);
			fprintf(f, "\tmig_n = (%d * (%s / %d) + 3) & ~3u;\n", eb, num, ec);
			if (t->is_string)
				fprintf(f, "\tmig_vsize += mig_n;\n"
					   "#if TypeCheck\n"
					   "\tif (msgh_size < %d + mig_vsize)\n\t\t%s\n"
					   "#endif\n"
					   "\t%s->%s[%s - 1] = 0;\n",
					min, err, P, nm, num);
		} else {
			fprintf(f, "\tif (%s %% %d != 0)\n\t\t%s\n", num, ec, err);
			fprintf(f, "\tif (%s->%sType.msgtl_header.msgt_inline) {\n"
				   "\t\tif (%s > %d)\n\t\t\t%s\n"
				   "\t\tmig_n = (%d * (%s / %d) + 3) & ~3u;\n"
				   "\t} else\n\t\tmig_n = %d;\n",
				P, nm, num, maxel * ec, err, eb, num, ec,
				target->pointer_size);
		}
		if (!t->is_string)
			fprintf(f, "\tmig_vsize += mig_n;\n"
				   "#if TypeCheck\n"
				   "\tif (msgh_size < %d + mig_vsize)\n\t\t%s\n"
				   "#endif\n", min, err);
		fprintf(f, "\tmig_delta += (int) mig_n - %d;\n", fl->data_bytes);
		fprintf(f, "\t%s%d = (%s *) ((char *) %s + mig_delta);\n",
			base, fl->seg + 1, tname, base);
	}
	if (var)
		fprintf(f, "\n#if TypeCheck\n\tif (msgh_size != %d + mig_vsize)\n"
			   "\t\t%s\n#endif\n", min, err);
	(void)tname;
}

const char *msg_cursor(const char *base, struct routine *r, bool reply,
		       const struct arg *a)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, reply, fs);
	for (int i = 0; i < n; i++)
		if (fs[i].arg == a && !fs[i].count_only)
			return cursor(base, fs[i].seg);
	return base;
}

const char *msg_count_cursor(const char *base, struct routine *r, const struct arg *a)
{
	struct field fs[MAX_FIELDS];
	int n = msg_fields(r, false, fs);
	for (int i = 0; i < n; i++)
		if (fs[i].arg == a)
			return cursor(base, fs[i].seg);
	return base;
}
