/*
 * MIG types: what a datum looks like in a message (type name, bits per
 * element, count, inline or out of line) and in C (ctype, translations).
 *
 * Arrays and structs are flattened the way the message format sees them:
 * `array[4] of struct[3] of int` is 12 elements of 32 bits; the element
 * type is kept for the C declarations.
 */
#include <stdlib.h>
#include <string.h>
#include "mig.h"

/* Largest inline part of an `array[]` (indefinite) datum, in bytes. */
#define INDEF_INLINE_BYTES 2048
/* Largest count a short type descriptor can hold. */
#define SHORT_NUMBER_MAX 4095

struct symtype {
	const char *name;
	int value;
	int size; /* default size in bits, 0: must be given */
};

/* The message type names the language knows, with their natural sizes. */
static const struct symtype symtypes[] = {
	{ "MACH_MSG_TYPE_UNSTRUCTURED", 0, 0 },
	{ "MACH_MSG_TYPE_BIT", 0, 1 },
	{ "MACH_MSG_TYPE_BOOLEAN", 0, 32 },
	{ "MACH_MSG_TYPE_INTEGER_16", 1, 16 },
	{ "MACH_MSG_TYPE_INTEGER_32", 2, 32 },
	{ "MACH_MSG_TYPE_CHAR", 8, 8 },
	{ "MACH_MSG_TYPE_BYTE", 9, 8 },
	{ "MACH_MSG_TYPE_INTEGER_8", 9, 8 },
	{ "MACH_MSG_TYPE_REAL", 10, 0 },
	{ "MACH_MSG_TYPE_INTEGER_64", 11, 64 },
	{ "MACH_MSG_TYPE_STRING", 12, 8 },
	{ "MACH_MSG_TYPE_STRING_C", 12, 8 },
	{ "MACH_MSG_TYPE_PORT_NAME", 15, 32 },
	{ "MACH_MSG_TYPE_MOVE_RECEIVE", 16, 32 },
	{ "MACH_MSG_TYPE_MOVE_SEND", 17, 32 },
	{ "MACH_MSG_TYPE_MOVE_SEND_ONCE", 18, 32 },
	{ "MACH_MSG_TYPE_COPY_SEND", 19, 32 },
	{ "MACH_MSG_TYPE_MAKE_SEND", 20, 32 },
	{ "MACH_MSG_TYPE_MAKE_SEND_ONCE", 21, 32 },
	{ "MACH_MSG_TYPE_PORT_RECEIVE", 16, 32 },
	{ "MACH_MSG_TYPE_PORT_SEND", 17, 32 },
	{ "MACH_MSG_TYPE_PORT_SEND_ONCE", 18, 32 },
	{ "MACH_MSG_TYPE_PROTECTED_PAYLOAD", 23, 32 },
	{ "MACH_MSG_TYPE_POLYMORPHIC", MSGT_POLY, 0 },
};

int msgt_lookup(const char *name, int *size)
{
	for (size_t i = 0; i < sizeof symtypes / sizeof symtypes[0]; i++)
		if (strcmp(symtypes[i].name, name) == 0) {
			*size = symtypes[i].size;
			return symtypes[i].value;
		}
	*size = 0;
	return MSGT_NONE;
}

/* The C name of a type value, as generated code spells it. */
const char *msgt_name_str(int name)
{
	switch (name) {
	case 0: return "MACH_MSG_TYPE_UNSTRUCTURED";
	case 1: return "MACH_MSG_TYPE_INTEGER_16";
	case 2: return "MACH_MSG_TYPE_INTEGER_32";
	case 8: return "MACH_MSG_TYPE_CHAR";
	case 9: return "MACH_MSG_TYPE_BYTE";
	case 10: return "MACH_MSG_TYPE_REAL";
	case 11: return "MACH_MSG_TYPE_INTEGER_64";
	case 12: return "MACH_MSG_TYPE_STRING_C";
	case 15: return "MACH_MSG_TYPE_PORT_NAME";
	case 16: return "MACH_MSG_TYPE_MOVE_RECEIVE";
	case 17: return "MACH_MSG_TYPE_MOVE_SEND";
	case 18: return "MACH_MSG_TYPE_MOVE_SEND_ONCE";
	case 19: return "MACH_MSG_TYPE_COPY_SEND";
	case 20: return "MACH_MSG_TYPE_MAKE_SEND";
	case 21: return "MACH_MSG_TYPE_MAKE_SEND_ONCE";
	case 23: return "MACH_MSG_TYPE_PROTECTED_PAYLOAD";
	case MSGT_POLY: return "MACH_MSG_TYPE_POLYMORPHIC";
	default: return xasprintf("%d", name);
	}
}

/* What the receiver of a right sent with disposition `name` holds. */
int msgt_received(int name)
{
	switch (name) {
	case 16: return 16;          /* MOVE_RECEIVE -> PORT_RECEIVE */
	case 17: case 19: case 20:   /* MOVE, COPY, MAKE_SEND -> PORT_SEND */
		return 17;
	case 18: case 21:            /* MOVE, MAKE_SEND_ONCE -> PORT_SEND_ONCE */
		return 18;
	default: return name;
	}
}

/* ---- the symbol table: a list is plenty for interface files ---- */

struct entry {
	struct entry *next;
	const char *name;
	struct type *type;
};
static struct entry *table;

struct type *type_lookup(const char *name)
{
	for (struct entry *e = table; e != NULL; e = e->next)
		if (strcmp(e->name, name) == 0)
			return e->type;
	return NULL;
}

void type_define(const char *name, struct type *t)
{
	struct entry *e = xmalloc(sizeof *e);
	e->name = name;
	e->type = t;
	e->next = table;
	table = e;
}

static struct type *type_new(void)
{
	struct type *t = xcalloc(1, sizeof *t);
	t->kind = TK_SIMPLE;
	t->number = 1;
	t->inl = true;
	return t;
}

struct type *type_prim(int in_name, int out_name, int size_bits, bool have_size)
{
	struct type *t = type_new();
	t->in_name = in_name;
	t->out_name = out_name;
	t->size = have_size ? size_bits : 0;
	return t;
}

/* C's own types, usable without a declaration, as in GNU MIG. */
static void builtin(const char *name, int msgt, int size)
{
	struct type *t = type_prim(msgt, msgt, size, true);
	type_finish(t, name);
	type_define(name, t);
}

void types_init(void)
{
	table = NULL;
	builtin("char", 8, 8);
	builtin("short", 1, 16);
	builtin("int", 2, 32);
	builtin("float", 10, 32);
	builtin("double", 10, 64);
}

struct type *type_copy(const struct type *t)
{
	struct type *c = xmalloc(sizeof *c);
	*c = *t;
	return c;
}

/* Bytes of one element as the C array declares it. */
int type_elem_bytes(const struct type *t)
{
	if (t->kind == TK_SIMPLE)
		return t->size / 8;
	if (t->elem != NULL)
		return t->elem->size * t->elem->number / 8;
	return t->size / 8;
}

/* Message elements per C array element. */
int type_elem_count(const struct type *t)
{
	if (t->elem != NULL)
		return t->elem->number;
	return 1;
}

/* Bytes reserved in a message struct for the inline data of t. */
int type_inline_max_bytes(const struct type *t)
{
	long bits = (long)t->size * t->number;
	return (int)((bits + 7) / 8);
}

/* C type of an unnamed element, from its size. */
static const char *ctype_for_size(int bits)
{
	switch (bits) {
	case 16: return "short";
	case 32: return "int";
	case 64: return "int64_t";
	default: return "char";
	}
}

const char *type_elem_ctype(const struct type *t)
{
	if (t->elem != NULL) {
		if (t->elem->ctype != NULL)
			return t->elem->ctype;
		if (t->elem->kind == TK_SIMPLE)
			return ctype_for_size(t->elem->size);
		return "char";
	}
	if (t->is_string)
		return "char";
	return t->ctype;
}

const char *type_user_ctype(const struct type *t)
{
	return t->utype != NULL ? t->utype : t->ctype;
}

const char *type_server_ctype(const struct type *t)
{
	/* Either translation names the type the server works with. */
	if (t->intran_type != NULL)
		return t->intran_type;
	if (t->payload_type != NULL)
		return t->payload_type;
	return t->stype != NULL ? t->stype : t->ctype;
}

static bool is_port_name(int n)
{
	return n >= 16 && n <= 21;
}

/* Carries port rights: the message must be marked complex. */
bool type_is_port(const struct type *t)
{
	return is_port_name(t->in_name) || is_port_name(t->out_name);
}

/* The server stub turns the datum into another C value before the call. */
bool type_translated_in(const struct type *t)
{
	return t->kind == TK_SIMPLE && t->inl &&
	       (t->intran_fn != NULL || t->payload_fn != NULL);
}

bool type_maybe_port(const struct type *t)
{
	return t->in_name == MSGT_POLY || t->out_name == MSGT_POLY;
}

static bool check_elem(struct type *elem, const char *what)
{
	if (elem == NULL)
		return false;
	if (elem->kind == TK_VAR || elem->kind == TK_INDEF) {
		mig_error("%s of a variable-sized type", what);
		return false;
	}
	if (!elem->inl) {
		mig_error("%s of an out-of-line type", what);
		return false;
	}
	if (elem->size <= 0) {
		mig_error("%s of an incomplete type: name the element type", what);
		return false;
	}
	return true;
}

struct type *type_array(int kind, int number, struct type *elem)
{
	struct type *t = type_new();
	t->kind = kind;
	if (!check_elem(elem, "array"))
		elem = type_prim(2, 2, 32, true);
	if (kind != TK_INDEF && number <= 0) {
		mig_error("array size %d is not positive", number);
		number = 1;
	}
	if (elem->number > 0 && number > (1 << 24) / elem->number) {
		mig_error("array of %d elements is too large", number);
		number = 1;
	}
	t->elem = elem;
	t->in_name = elem->in_name;
	t->out_name = elem->out_name;
	t->size = elem->size;
	if (kind == TK_INDEF) {
		int eb = elem->size * elem->number / 8;
		int max = eb > 0 ? INDEF_INLINE_BYTES / eb : 0;
		t->number = (max > 0 ? max : 1) * elem->number;
	} else
		t->number = number * elem->number;
	return t;
}

struct type *type_struct(int number, struct type *elem)
{
	struct type *t = type_array(TK_FIXED, number, elem);
	t->is_struct = true;
	return t;
}

struct type *type_cstring(bool var, int number)
{
	struct type *t = type_new();
	if (number <= 0 || number > (1 << 24)) {
		mig_error("c_string size %d is out of range", number);
		number = 1;
	}
	t->kind = var ? TK_VAR : TK_FIXED;
	t->in_name = t->out_name = 12;
	t->size = 8;
	t->number = number;
	t->is_string = true;
	t->ctype = NULL;
	return t;
}

struct type *type_pointer(struct type *t)
{
	if (!t->inl)
		mig_error("out-of-line type of an out-of-line type");
	if (t->kind == TK_VAR) {
		mig_error("IPC type is too complicated: ^ of a bounded "
			  "variable array");
		t->kind = TK_INDEF;
	}
	t = type_copy(t);
	t->inl = false;
	if (t->kind == TK_INDEF)
		t->kind = TK_VAR; /* any count, the data elsewhere */
	return t;
}

/*
 * A type gets its name: check it is complete and derive what follows
 * from its shape (descriptor form, C type).
 */
void type_finish(struct type *t, const char *name)
{
	t->name = name;
	if (!t->ctype_given)
		t->ctype = name;
	if (t->in_name == MSGT_NONE || t->out_name == MSGT_NONE)
		return; /* already reported */
	if (t->in_name != MSGT_POLY && (t->in_name < 0 || t->in_name > 255))
		mig_error("type %s: message type %d out of range", name, t->in_name);
	if (t->out_name != MSGT_POLY && (t->out_name < 0 || t->out_name > 255))
		mig_error("type %s: message type %d out of range", name, t->out_name);
	if (t->size <= 0) {
		if (t->in_name == MSGT_POLY)
			t->size = 32;
		else
			mig_error("type %s has no size", name);
	}
	if (t->size > 65535 || (t->size > 8 && t->size % 8 != 0) ||
	    (t->size < 8 && t->size != 1 && t->size > 0)) {
		mig_error("type %s: element size %d bits is not supported",
			  name, t->size);
		t->size = 32;
	}
	if (t->size == 1 && (t->kind == TK_SIMPLE || t->number % 8 != 0)) {
		mig_error("type %s: bit types must come in multiples of 8", name);
		t->size = 8;
	}
	/* One wide element (a string or a blob of more than 64 bits) is an
	   array to C: copy it as bytes. */
	if (t->kind == TK_SIMPLE && t->inl &&
	    (t->size > 64 || (t->in_name == 12 && t->size > 8))) {
		t->kind = TK_FIXED;
		t->is_string = t->in_name == 12;
	}
	if ((t->flags & FLAG_DEALLOC) && (t->flags & FLAG_NOTDEALLOC))
		mig_error("type %s: both dealloc and notdealloc", name);

	bool lng = t->kind == TK_INDEF || t->number > SHORT_NUMBER_MAX ||
		   (!t->inl && t->kind != TK_FIXED);
	if (t->flags & FLAG_ISLONG)
		lng = true;
	if (t->flags & FLAG_ISNOTLONG) {
		if (lng && (t->kind == TK_INDEF || t->number > SHORT_NUMBER_MAX))
			mig_warn("type %s: isnotlong ignored", name);
		else
			lng = false;
	}
	t->longform = lng;
	if (t->size > 255 && !t->longform)
		t->longform = true;
}

/* Bits one field of a C-like struct takes: count copies of type name. */
int struct_field_bits(const char *name, int count)
{
	struct type *t = type_lookup(name);
	if (t == NULL) {
		mig_error("unknown type %s in struct", name);
		return 0;
	}
	if (t->kind == TK_VAR || t->kind == TK_INDEF || !t->inl) {
		mig_error("struct field of variable or out-of-line type %s", name);
		return 0;
	}
	if (count <= 0 || count > (1 << 16)) {
		mig_error("struct field array size %d out of range", count);
		return 0;
	}
	long bits = (long)t->size * t->number * count;
	if (bits > (1L << 24)) {
		mig_error("struct is too large");
		return 0;
	}
	return (int)bits;
}

/* struct { ... }: words of 32 bits when it divides so, else bytes. */
struct type *type_cstruct(int bits)
{
	if (bits <= 0 || bits > (1 << 24)) {
		mig_error("empty or oversized struct");
		bits = 32;
	}
	int unit = bits % 32 == 0 ? 32 : 8;
	struct type *elem = type_prim(unit == 32 ? 2 : 9, unit == 32 ? 2 : 9,
				      unit, true);
	elem->ctype = unit == 32 ? "int" : "char";
	return type_struct((bits + unit - 1) / unit, elem);
}
