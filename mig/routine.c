/*
 * Routines and their arguments: resolve what each argument is (which
 * message it travels in, which stub parameters it becomes) and check the
 * combination.  Message numbers are the subsystem base plus the
 * routine's position; `skip` takes a position without a routine.
 */
#include <string.h>
#include "mig.h"

struct subsystem subsys;
bool have_subsystem;

struct arg *arg_new(enum arg_kind kind, const char *name, struct type *t, int flags)
{
	struct arg *a = xcalloc(1, sizeof *a);
	a->kind = kind;
	a->name = name;
	a->type = t;
	a->flags = flags;
	a->line = mig_line;
	return a;
}

void import_add(enum import_kind kind, const char *file)
{
	struct import *i = xcalloc(1, sizeof *i), **p;
	i->kind = kind;
	i->file = file;
	for (p = &subsys.imports; *p != NULL; p = &(*p)->next)
		;
	*p = i;
}

static void append(struct routine *r)
{
	if (subsys.rtail == NULL)
		subsys.rtail = &subsys.routines;
	*subsys.rtail = r;
	subsys.rtail = &r->next;
	r->number = subsys.nroutines++;
}

void routine_skip(void)
{
	if (!have_subsystem)
		mig_error("skip before the subsystem statement");
	struct routine *r = xcalloc(1, sizeof *r);
	r->skip = true;
	r->line = mig_line;
	append(r);
}

static bool is_variable(const struct type *t)
{
	return t->kind == TK_VAR || t->kind == TK_INDEF;
}

/* Settle one argument; returns false if it is unusable. */
static bool resolve_arg(struct routine *r, struct arg *a, bool first)
{
	struct type *t = a->type;
	if (t == NULL)
		return false;
	if (a->kind == AK_NONE)
		a->kind = (first && r->reqport == NULL) ? AK_REQUESTPORT : AK_IN;

	int f = a->flags | t->flags;
	switch (a->kind) {
	case AK_REQUESTPORT:
		if (r->reqport != NULL)
			mig_error("%s: two request ports", r->name);
		r->reqport = a;
		break;
	case AK_REPLYPORT:
	case AK_UREPLYPORT:
	case AK_SREPLYPORT:
		if (r->repport != NULL && a->kind != AK_SREPLYPORT &&
		    r->repport->kind != AK_SREPLYPORT)
			mig_error("%s: two reply ports", r->name);
		if (a->kind != AK_SREPLYPORT || r->repport == NULL)
			r->repport = a;
		break;
	case AK_WAITTIME:
		if (r->waittime != NULL)
			mig_error("%s: two waittime arguments", r->name);
		r->waittime = a;
		break;
	case AK_MSGOPTION:
		if (r->msgoption != NULL)
			mig_error("%s: two msgoption arguments", r->name);
		r->msgoption = a;
		break;
	case AK_MSGSEQNO:
		if (r->seqno != NULL)
			mig_error("%s: two msgseqno arguments", r->name);
		r->seqno = a;
		break;
	default:
		break;
	}

	bool port_arg = a->kind == AK_REQUESTPORT || a->kind == AK_REPLYPORT ||
			a->kind == AK_SREPLYPORT || a->kind == AK_UREPLYPORT;
	if (port_arg && (t->kind != TK_SIMPLE || !t->inl ||
			 (!type_is_port(t) && !type_maybe_port(t) &&
			  t->in_name != 15))) {
		mig_error("%s: argument %s must be a port", r->name, a->name);
		return false;
	}
	if ((a->kind == AK_WAITTIME || a->kind == AK_MSGOPTION ||
	     a->kind == AK_MSGSEQNO) && t->kind != TK_SIMPLE) {
		mig_error("%s: argument %s must be a simple type", r->name, a->name);
		return false;
	}

	/* GNU MIG has no way to say how much room an inout inline array
	   has on the way back, and refuses it; so do we. */
	if (a->kind == AK_INOUT && t->inl && is_variable(t)) {
		mig_error("%s: %s: inline variable-sized arguments can't be inout",
			  r->name, a->name);
		return false;
	}

	a->in_req = a->kind == AK_IN || a->kind == AK_INOUT;
	a->in_rep = a->kind == AK_OUT || a->kind == AK_INOUT;
	a->user_param = a->kind != AK_SREPLYPORT && a->kind != AK_MSGSEQNO;
	a->server_param = a->kind != AK_UREPLYPORT && a->kind != AK_WAITTIME &&
			  a->kind != AK_MSGOPTION;
	a->has_count = (a->in_req || a->in_rep) &&
		       (is_variable(t) && !t->is_string);
	a->has_poly = type_maybe_port(t);

	if (f & FLAG_DEALLOC_MAYBE)
		a->dealloc = DEALLOC_MAYBE;
	else if ((f & FLAG_DEALLOC) && !(a->flags & FLAG_NOTDEALLOC))
		a->dealloc = DEALLOC_YES;
	else
		a->dealloc = DEALLOC_NO;
	/* A port right may carry the flag too (GNU Mach's KernelUser
	   interfaces set it on rights the kernel gives away). */
	if (a->dealloc != DEALLOC_NO && t->inl && t->kind != TK_INDEF &&
	    !type_is_port(t)) {
		mig_error("%s: argument %s: dealloc needs out-of-line data",
			  r->name, a->name);
		a->dealloc = DEALLOC_NO;
	}
	a->servercopy = (f & FLAG_SERVERCOPY) != 0;
	if (a->servercopy && (t->inl || !a->in_req)) {
		mig_warn("%s: argument %s: servercopy ignored", r->name, a->name);
		a->servercopy = false;
	}
	a->countinout = (f & FLAG_COUNTINOUT) != 0;
	if (a->countinout && !(a->kind == AK_OUT && a->has_count)) {
		mig_error("%s: argument %s: countinout needs a variable out array",
			  r->name, a->name);
		a->countinout = false;
	}
	if (r->simple && a->in_rep) {
		mig_error("%s: a simpleroutine has no out arguments (%s)",
			  r->name, a->name);
		return false;
	}
	return true;
}

void routine_add(const char *name, bool simple, struct arg *args)
{
	if (!have_subsystem)
		mig_error("routine %s before the subsystem statement", name);
	struct routine *r = xcalloc(1, sizeof *r);
	r->name = name;
	r->simple = simple;
	r->args = args;
	r->line = mig_line;

	bool ok = true;
	bool first = true;
	for (struct arg *a = args; a != NULL; a = a->next) {
		for (struct arg *b = args; b != a; b = b->next)
			if (strcmp(a->name, b->name) == 0)
				mig_error("%s: argument %s given twice", name, a->name);
		if (!resolve_arg(r, a, first))
			ok = false;
		first = false;
	}
	if (ok && r->reqport == NULL)
		mig_error("routine %s has no request port", name);
	for (struct routine *o = subsys.routines; o != NULL; o = o->next)
		if (!o->skip && strcmp(o->name, name) == 0)
			mig_error("routine %s is defined twice", name);
	append(r);
}
