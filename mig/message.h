/* Message layout and the code that writes and reads messages. */
#ifndef MIG_MESSAGE_H
#define MIG_MESSAGE_H

#include "mig.h"

#define MAX_FIELDS 128

/* One datum of a message: a type descriptor and its data. */
struct field {
	const struct arg *arg;
	bool count_only;   /* the count of a countinout out array */
	bool variable;     /* inline data of run-time size */
	int seg;           /* cursor index: variable fields before it */
	int offset;        /* offset in the C struct */
	int desc_bytes;    /* 4 (short) or 12 (long form) */
	int data_bytes;    /* room in the C struct, multiple of 4 */
};

/* Where a writer takes a datum from. */
struct write_src {
	const char *val;     /* scalar, struct or address value */
	const char *data;    /* pointer to array / string data */
	const char *inbuf;   /* server: the inline buffer handed out */
	const char *cnt;     /* element count */
	const char *poly;    /* run-time type name */
	const char *dealloc; /* run-time deallocate flag */
	bool in_place;       /* data is already in this message, unshifted */
};

int msg_fields(struct routine *r, bool reply, struct field *out);
int msg_struct_size(struct routine *r, bool reply);
bool msg_has_variable(struct field *fs, int n);
bool msg_static_complex(struct field *fs, int n);
bool msg_dynamic_complex(struct field *fs, int n);
void emit_msg_struct(FILE *f, struct routine *r, bool reply, const char *tname);
void emit_templates(FILE *f, struct routine *r, bool reply);
void emit_check_templates(FILE *f, struct routine *r, bool reply);
void emit_cursor_decls(FILE *f, struct routine *r, bool reply,
		       const char *tname, const char *base);
void emit_write(FILE *f, struct routine *r, bool reply, const char *tname,
		const char *base, struct write_src (*src)(const struct arg *),
		const char *too_large, bool server);
void emit_read(FILE *f, struct routine *r, bool reply, const char *tname,
	       const char *base, const char *err, bool server);
const char *msg_cursor(const char *base, struct routine *r, bool reply,
		       const struct arg *a);
const char *msg_count_cursor(const char *base, struct routine *r,
			     const struct arg *a);

#endif
