/*
 * Ernst MIG: shared declarations.
 *
 * The pipeline is: lexer.l + parser.y read the preprocessed .defs and
 * build types (type.c) and routines (routine.c); routine.c also lays out
 * every request and reply message; user.c, server.c and header.c print C
 * from those layouts; main.c is the driver (options, cpp, output files).
 */
#ifndef MIG_MIG_H
#define MIG_MIG_H

#include <stdbool.h>
#include <stdio.h>

/* ---- diagnostics (main.c) ---- */
extern const char *mig_file;   /* current input file, from cpp markers */
extern int mig_line;           /* current input line */
extern int mig_errors;         /* errors so far; outputs are written only if 0 */
extern bool mig_quiet;         /* -q: no warnings */
void mig_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mig_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- target ---- */
struct target {
	const char *name;
	int header_size;  /* sizeof(mach_msg_header_t) */
	int pointer_size; /* size of an out-of-line address in a message */
};
extern const struct target *target;

/* ---- types (type.c) ---- */
#define MSGT_POLY (-1)       /* polymorphic: chosen at run time */
#define MSGT_NONE (-2)       /* not yet known */

enum dealloc { DEALLOC_NO, DEALLOC_YES, DEALLOC_MAYBE };

/* Flags written after a type or an argument: (T, size, dealloc) or
   `x: T, dealloc`. */
enum {
	FLAG_DEALLOC = 1 << 0,
	FLAG_NOTDEALLOC = 1 << 1,
	FLAG_DEALLOC_MAYBE = 1 << 2, /* dealloc[] */
	FLAG_SERVERCOPY = 1 << 3,
	FLAG_COUNTINOUT = 1 << 4,
	FLAG_ISLONG = 1 << 5,
	FLAG_ISNOTLONG = 1 << 6,
};

enum type_kind {
	TK_SIMPLE,     /* one element: integers, ports, polymorphic */
	TK_FIXED,      /* array[N] of T, struct[N] of T, c_string[N] */
	TK_VAR,        /* array[*:N] of T, c_string[*:N]: inline, bounded */
	TK_INDEF,      /* array[] of T: inline up to 2048 bytes, else OOL */
};

struct type {
	const char *name;      /* declared name, or NULL */
	enum type_kind kind;
	int in_name;           /* msgt_name the sender writes */
	int out_name;          /* msgt_name the receiver sees */
	int size;              /* bits per element */
	int number;            /* elements (fixed) or maximum (var) */
	bool inl;              /* false: out of line (^) */
	bool is_struct;        /* struct[N]: passed by value */
	bool is_string;        /* c_string */
	bool longform;         /* use mach_msg_type_long_t */
	int flags;             /* FLAG_* given with the type */
	struct type *elem;     /* element type of arrays */
	const char *ctype;     /* C type in both stubs */
	bool ctype_given;      /* ctype: was written, not the type's name */
	const char *utype;     /* cusertype */
	const char *stype;     /* cservertype */
	const char *intran_type, *intran_fn, *intran_arg;
	const char *outtran_type, *outtran_fn, *outtran_arg;
	const char *destructor_fn, *destructor_arg;
	const char *payload_type, *payload_fn;
	bool native;           /* port and needs no further translation */
};

struct type *type_lookup(const char *name);
void type_define(const char *name, struct type *t);
void types_init(void);
struct type *type_prim(int in_name, int out_name, int size_bits, bool have_size);
struct type *type_symbolic(const char *name);
struct type *type_copy(const struct type *t);
struct type *type_array(int kind, int number, struct type *elem);
struct type *type_struct(int number, struct type *elem);
struct type *type_cstring(bool var, int number);
struct type *type_pointer(struct type *t);
struct type *type_cstruct(int bits);
int struct_field_bits(const char *name, int count);
void type_finish(struct type *t, const char *name);
bool type_is_port(const struct type *t);
bool type_maybe_port(const struct type *t);
bool type_translated_in(const struct type *t);
int type_elem_bytes(const struct type *t);
int type_elem_count(const struct type *t);
int type_inline_max_bytes(const struct type *t);
const char *type_elem_ctype(const struct type *t);
const char *type_user_ctype(const struct type *t);
const char *type_server_ctype(const struct type *t);
const char *msgt_name_str(int name);
int msgt_lookup(const char *name, int *size);
int msgt_received(int name);

/* ---- routines (routine.c) ---- */
enum arg_kind {
	AK_REQUESTPORT, AK_REPLYPORT, AK_SREPLYPORT, AK_UREPLYPORT,
	AK_WAITTIME, AK_MSGOPTION, AK_MSGSEQNO,
	AK_IN, AK_OUT, AK_INOUT,
	AK_NONE, /* not given: in, or the request port if first */
};

struct arg {
	struct arg *next;
	const char *name;
	enum arg_kind kind;
	struct type *type;
	int flags;
	int line;
	/* derived */
	bool in_req, in_rep;   /* datum travels in the request / reply */
	bool user_param;       /* appears in the user stub's parameters */
	bool server_param;     /* appears in the server routine's parameters */
	bool has_count;        /* variable: a count parameter follows */
	bool has_poly;         /* polymorphic: a type-name parameter follows */
	bool countinout;       /* count also sent in the request */
	enum dealloc dealloc;
	bool servercopy;
};

struct routine {
	struct routine *next;
	const char *name;
	bool simple;
	int number;            /* index within the subsystem */
	int line;
	struct arg *args;
	struct arg *reqport, *repport, *waittime, *msgoption, *seqno;
	bool skip;             /* a `skip` placeholder */
};

struct subsystem {
	const char *name;
	int base;
	bool kernel_user, kernel_server;
	const char *user_prefix, *server_prefix;
	const char *server_demux;
	const char *waittime;  /* default timeout expression, or NULL */
	const char *msgoption; /* default extra options, or NULL */
	const char *rcsid;
	struct import *imports;
	struct routine *routines, **rtail;
	int nroutines;
};

enum import_kind { IMP_BOTH, IMP_USER, IMP_SERVER };
struct import {
	struct import *next;
	enum import_kind kind;
	const char *file;      /* with its <> or "" */
};

extern struct subsystem subsys;
extern bool have_subsystem;
void routine_add(const char *name, bool simple, struct arg *args);
void routine_skip(void);
struct arg *arg_new(enum arg_kind kind, const char *name, struct type *t, int flags);
void import_add(enum import_kind kind, const char *file);

/* ---- output (user.c, server.c, header.c, emit.c) ---- */
struct options {
	const char *prefix;     /* -prefix: before user stub names */
	const char *subrprefix; /* -subrprefix: before user stub bodies */
};
extern struct options opts;

void emit_user(FILE *f, const char *header_name, struct routine *only);
void emit_server(FILE *f, const char *sheader_name);
void emit_user_header(FILE *f, const char *guard_base);
void emit_server_header(FILE *f, const char *guard_base);
void emit_list(FILE *f);

/* helpers shared by the emitters (emit.c) */
void emit_prologue(FILE *f, bool server);
void emit_imports(FILE *f, enum import_kind side);
void emit_user_params(FILE *f, struct routine *r, bool decl_only);
void emit_server_params(FILE *f, struct routine *r);
const char *user_name(struct routine *r);
const char *server_name(struct routine *r);
const char *server_routine_name(struct routine *r);
const char *user_def_name(struct routine *r);
const char *demux_name(void);
const char *subr(const char *name);

/* parser entry */
int yyparse(void);
int yylex(void);
extern FILE *yyin;

#endif
