/*
 * Grammar of the MIG .defs language (GNU MIG's dialect).  Statements
 * build the subsystem, its types and routines; semantic checks live in
 * type.c and routine.c so that this file reads as the language itself.
 * Errors resynchronise at the next `;`.
 */
%{
#include <stdlib.h>
#include <string.h>
#include "mig.h"

static void yyerror(const char *msg);
static void trans(struct type *t, int what, const char *a, const char *b,
		  const char *c);
enum { TR_CTYPE, TR_UTYPE, TR_STYPE, TR_INTRAN, TR_OUTTRAN, TR_DESTRUCTOR,
       TR_PAYLOAD };
%}

%define parse.error verbose

%union {
	int num;
	char *str;
	struct type *type;
	struct arg *arg;
	enum arg_kind kind;
	enum import_kind imp;
	struct { int name; int size; bool have_size; } ipc;
}

%token sROUTINE sSIMPLEROUTINE sSUBSYSTEM sKERNELUSER sKERNELSERVER sSKIP
%token sTYPE sARRAY sSTRUCT sOF sCSTRING sPOLYMORPHIC
%token sIN sOUT sINOUT sREQUESTPORT sREPLYPORT sSREPLYPORT sUREPLYPORT
%token sWAITTIME sNOWAITTIME sMSGOPTION sMSGSEQNO
%token sCTYPE sCUSERTYPE sCSERVERTYPE sINTRAN sOUTTRAN sDESTRUCTOR
%token sINTRANPAYLOAD
%token sDEALLOC sNOTDEALLOC sSERVERCOPY sCOUNTINOUT sISLONG sISNOTLONG
%token sUSERPREFIX sSERVERPREFIX sSERVERDEMUX sRCSID
%token <imp> sIMPORT
%token <str> sIDENT sSYMTYPE sSTRING sFILENAME
%token <num> sNUMBER

%type <num> IntExp IPCFlags IPCFlag StructFields
%type <ipc> PrimIPCType
%type <type> TypeSpec TransTypeSpec BasicTypeSpec IPCType ArgType
%type <arg> Arguments ArgumentList Argument
%type <kind> Direction
%type <str> StringArg

%left '|'
%left '+' '-'
%left '*' '/'

%%

Statements
	: %empty
	| Statements Statement
	;

Statement
	: Subsystem ';'
	| WaitTime ';'
	| MsgOption ';'
	| UserPrefix ';'
	| ServerPrefix ';'
	| ServerDemux ';'
	| TypeDecl ';'
	| RoutineDecl ';'
	| sSKIP ';'			{ routine_skip(); }
	| Import ';'
	| RCSDecl ';'
	| ';'
	| error ';'			{ yyerrok; }
	;

Subsystem
	: sSUBSYSTEM SubsystemMods sIDENT IntExp
		{
			if (have_subsystem)
				mig_error("a second subsystem statement");
			have_subsystem = true;
			subsys.name = $3;
			subsys.base = $4;
		}
	;

SubsystemMods
	: %empty
	| SubsystemMods sKERNELUSER	{ subsys.kernel_user = true; }
	| SubsystemMods sKERNELSERVER	{ subsys.kernel_server = true; }
	;

StringArg
	: sSTRING
		{
			size_t n = strlen($1);
			$1[n - 1] = 0;
			$$ = xstrdup($1 + 1);

		}
	| sIDENT			{ $$ = $1; }
	| sNUMBER			{ $$ = xasprintf("%d", $1); }
	;

WaitTime
	: sWAITTIME StringArg		{ subsys.waittime = $2; }
	| sNOWAITTIME			{ subsys.waittime = NULL; }
	;

MsgOption
	: sMSGOPTION StringArg		{ subsys.msgoption = $2; }
	;

UserPrefix
	: sUSERPREFIX sIDENT		{ subsys.user_prefix = $2; }
	;

ServerPrefix
	: sSERVERPREFIX sIDENT		{ subsys.server_prefix = $2; }
	;

ServerDemux
	: sSERVERDEMUX sIDENT		{ subsys.server_demux = $2; }
	;

Import
	: sIMPORT sFILENAME		{ import_add($1, $2); }
	;

RCSDecl
	: sRCSID sSTRING		{ subsys.rcsid = $2; }
	;

TypeDecl
	: sTYPE sIDENT '=' TransTypeSpec
		{
			/* A later definition replaces an earlier one. */
			type_finish($4, $2);
			type_define($2, $4);
		}
	;

TransTypeSpec
	: TypeSpec			{ $$ = $1; }
	| TransTypeSpec sCTYPE ':' sIDENT
		{ trans($1, TR_CTYPE, $4, NULL, NULL); $$ = $1; }
	| TransTypeSpec sCUSERTYPE ':' sIDENT
		{ trans($1, TR_UTYPE, $4, NULL, NULL); $$ = $1; }
	| TransTypeSpec sCSERVERTYPE ':' sIDENT
		{ trans($1, TR_STYPE, $4, NULL, NULL); $$ = $1; }
	| TransTypeSpec sINTRAN ':' sIDENT sIDENT '(' sIDENT ')'
		{ trans($1, TR_INTRAN, $4, $5, $7); $$ = $1; }
	| TransTypeSpec sOUTTRAN ':' sIDENT sIDENT '(' sIDENT ')'
		{ trans($1, TR_OUTTRAN, $4, $5, $7); $$ = $1; }
	| TransTypeSpec sDESTRUCTOR ':' sIDENT '(' sIDENT ')'
		{ trans($1, TR_DESTRUCTOR, $4, $6, NULL); $$ = $1; }
	| TransTypeSpec sINTRANPAYLOAD ':' sIDENT sIDENT
		{ trans($1, TR_PAYLOAD, $4, $5, NULL); $$ = $1; }
	;

TypeSpec
	: BasicTypeSpec			{ $$ = $1; }
	| sIDENT
		{
			struct type *t = type_lookup($1);
			if (t == NULL) {
				mig_error("unknown type %s", $1);
				t = type_prim(MSGT_NONE, MSGT_NONE, 32, true);
			}
			$$ = type_copy(t);
			$$->ctype_given = false;
		}
	| sARRAY '[' ']' sOF TypeSpec	{ $$ = type_array(TK_INDEF, 0, $5); }
	| sARRAY '[' '*' ']' sOF TypeSpec { $$ = type_array(TK_INDEF, 0, $6); }
	| sARRAY '[' '*' ':' IntExp ']' sOF TypeSpec
					{ $$ = type_array(TK_VAR, $5, $8); }
	| sARRAY '[' IntExp ']' sOF TypeSpec
					{ $$ = type_array(TK_FIXED, $3, $6); }
	| sSTRUCT '[' IntExp ']' sOF TypeSpec
					{ $$ = type_struct($3, $6); }
	| sCSTRING '[' IntExp ']'	{ $$ = type_cstring(false, $3); }
	| sCSTRING '[' '*' ':' IntExp ']' { $$ = type_cstring(true, $5); }
	| '^' TypeSpec			{ $$ = type_pointer($2); }
	| sSTRUCT '{' StructFields '}'	{ $$ = type_cstruct($3); }
	;

/* C-like struct bodies: the total size in bits of the fields. */
StructFields
	: %empty			{ $$ = 0; }
	| StructFields sIDENT sIDENT ';'
		{ $$ = $1 + struct_field_bits($2, 1); }
	| StructFields sIDENT sIDENT '[' IntExp ']' ';'
		{ $$ = $1 + struct_field_bits($2, $5); }
	;

BasicTypeSpec
	: IPCType			{ $$ = $1; }
	| '(' IPCType ',' IntExp IPCFlags ')'
		{
			$$ = $2;
			$$->size = $4;
			$$->flags |= $5;
		}
	;

IPCType
	: PrimIPCType
		{
			$$ = type_prim($1.name, msgt_received($1.name),
				       $1.size, $1.have_size);
		}
	| PrimIPCType '|' PrimIPCType
		{
			if ($1.have_size && $3.have_size && $1.size != $3.size)
				mig_error("sizes in IPC type %s | %s differ",
					  msgt_name_str($1.name),
					  msgt_name_str($3.name));
			$$ = type_prim($1.name, $3.name, $1.size,
				       $1.have_size);
		}
	;

PrimIPCType
	: sNUMBER			{ $$.name = $1; $$.size = 0; $$.have_size = false; }
	| sSYMTYPE
		{
			$$.name = msgt_lookup($1, &$$.size);
			$$.have_size = $$.size > 0;

		}
	| sPOLYMORPHIC			{ $$.name = MSGT_POLY; $$.size = 0; $$.have_size = false; }
	;

IPCFlags
	: %empty			{ $$ = 0; }
	| IPCFlags ',' IPCFlag
		{
			if ($1 & $3)
				mig_warn("flag given twice");
			$$ = $1 | $3;
		}
	;

IPCFlag
	: sSERVERCOPY			{ $$ = FLAG_SERVERCOPY; }
	| sDEALLOC			{ $$ = FLAG_DEALLOC; }
	| sNOTDEALLOC			{ $$ = FLAG_NOTDEALLOC; }
	| sDEALLOC '[' ']'		{ $$ = FLAG_DEALLOC_MAYBE; }
	| sCOUNTINOUT			{ $$ = FLAG_COUNTINOUT; }
	| sISLONG			{ $$ = FLAG_ISLONG; }
	| sISNOTLONG			{ $$ = FLAG_ISNOTLONG; }
	;

IntExp
	: IntExp '+' IntExp		{ $$ = (int)((unsigned)$1 + (unsigned)$3); }
	| IntExp '-' IntExp		{ $$ = (int)((unsigned)$1 - (unsigned)$3); }
	| IntExp '*' IntExp		{ $$ = (int)((unsigned)$1 * (unsigned)$3); }
	| IntExp '/' IntExp
		{
			if ($3 == 0) {
				mig_error("division by zero");
				$$ = 0;
			} else if ($1 == -2147483647 - 1 && $3 == -1)
				$$ = $1;
			else
				$$ = $1 / $3;
		}
	| IntExp '|' IntExp		{ $$ = $1 | $3; }
	| sNUMBER			{ $$ = $1; }
	| '(' IntExp ')'		{ $$ = $2; }
	;

RoutineDecl
	: sROUTINE sIDENT Arguments	{ routine_add($2, false, $3); }
	| sSIMPLEROUTINE sIDENT Arguments { routine_add($2, true, $3); }
	;

Arguments
	: '(' ')'			{ $$ = NULL; }
	| '(' ArgumentList ')'		{ $$ = $2; }
	;

ArgumentList
	: Argument			{ $$ = $1; }
	| Argument ';' ArgumentList	{ $$ = $1; if ($1) $1->next = $3; else $$ = $3; }
	| Argument ';'			{ $$ = $1; }
	;

Argument
	: Direction sIDENT ArgType IPCFlags
		{ $$ = arg_new($1, $2, $3, $4); }
	;

Direction
	: %empty			{ $$ = AK_NONE; }
	| sIN				{ $$ = AK_IN; }
	| sOUT				{ $$ = AK_OUT; }
	| sINOUT			{ $$ = AK_INOUT; }
	| sREQUESTPORT			{ $$ = AK_REQUESTPORT; }
	| sREPLYPORT			{ $$ = AK_REPLYPORT; }
	| sSREPLYPORT			{ $$ = AK_SREPLYPORT; }
	| sUREPLYPORT			{ $$ = AK_UREPLYPORT; }
	| sWAITTIME			{ $$ = AK_WAITTIME; }
	| sMSGOPTION			{ $$ = AK_MSGOPTION; }
	| sMSGSEQNO			{ $$ = AK_MSGSEQNO; }
	;

ArgType
	: ':' sIDENT
		{
			struct type *t = type_lookup($2);
			if (t == NULL) {
				mig_error("unknown type %s", $2);
				$$ = NULL;
			} else
				$$ = t;
		}
	| ':' sIDENT '=' TransTypeSpec
		{
			/* A type spelled out for one argument names a C type but,
			 * as in GNU MIG, does not redefine that name for later
			 * declarations. */
			type_finish($4, $2);
			$$ = $4;
		}
	;

%%

static void yyerror(const char *msg)
{
	mig_error("%s", msg);
}

static void trans(struct type *t, int what, const char *a, const char *b,
		  const char *c)
{
	switch (what) {
	case TR_CTYPE: t->ctype = a; t->ctype_given = true; break;
	case TR_UTYPE: t->utype = a; break;
	case TR_STYPE: t->stype = a; break;
	case TR_INTRAN:
		t->intran_type = a; t->intran_fn = b; t->intran_arg = c;
		break;
	case TR_OUTTRAN:
		t->outtran_type = a; t->outtran_fn = b; t->outtran_arg = c;
		break;
	case TR_DESTRUCTOR:
		t->destructor_fn = a; t->destructor_arg = b;
		break;
	case TR_PAYLOAD:
		t->payload_type = a; t->payload_fn = b;
		break;
	}
}
