/*
 * The mig driver: GNU MIG's command line, the C preprocessor, and the
 * output files.  Outputs are first written to temporary files next to
 * their destination and renamed only when the whole input was read
 * without error, so a bad .defs never leaves a half-written output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mig.h"

#define MIG_VERSION "1.0"

const char *mig_file = "<stdin>";
int mig_line = 1;
int mig_errors;
bool mig_quiet;

static const struct target targets[] = {
	{ "i386", 24, 4 },
	{ "x86_64", 32, 8 },
};
const struct target *target = &targets[0];

void lexer_reset(FILE *in);

void mig_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: ", mig_file, mig_line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	mig_errors++;
}

void mig_warn(const char *fmt, ...)
{
	va_list ap;
	if (mig_quiet)
		return;
	fprintf(stderr, "%s:%d: warning: ", mig_file, mig_line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * mig is a one-shot compiler and never frees; every block is chained so
 * that a long-running caller (the fuzzer) can release them all at once.
 */
struct block {
	struct block *next;
	max_align_t align[];
};
static struct block *blocks;

void *xmalloc(size_t n)
{
	struct block *b = malloc(sizeof *b + (n ? n : 1));
	if (b == NULL) {
		fprintf(stderr, "mig: out of memory\n");
		exit(2);
	}
	b->next = blocks;
	blocks = b;
	return b->align;
}

void *xcalloc(size_t n, size_t m)
{
	if (m != 0 && n > ((size_t)-1 - 64) / m) {
		fprintf(stderr, "mig: out of memory\n");
		exit(2);
	}
	void *p = xmalloc(n * m);
	memset(p, 0, (n * m) != 0 ? n * m : 1);
	return p;
}

void mig_free_all(void)
{
	while (blocks != NULL) {
		struct block *b = blocks;
		blocks = b->next;
		free(b);
	}
}

char *xstrdup(const char *s)
{
	char *p = xmalloc(strlen(s) + 1);
	strcpy(p, s);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Parse one preprocessed input; returns the number of errors. */
int mig_parse(FILE *in, const char *name)
{
	memset(&subsys, 0, sizeof subsys);
	have_subsystem = false;
	mig_errors = 0;
	mig_file = name;
	mig_line = 1;
	types_init();
	lexer_reset(in);
	if (yyparse() != 0 && mig_errors == 0)
		mig_error("cannot continue");
	if (mig_errors == 0 && !have_subsystem)
		mig_error("no subsystem statement");
	/* The layout code has a fixed field table; refuse monsters. */
	for (struct routine *r = subsys.routines; r != NULL; r = r->next) {
		int n = 0;
		for (struct arg *a = r->args; a != NULL; a = a->next)
			n++;
		if (n > 100) {
			mig_line = r->line;
			mig_error("routine %s has more than 100 arguments", r->name);
		}
	}
	return mig_errors;
}

#ifndef MIG_NO_MAIN

static void usage(FILE *f)
{
	fprintf(f,
"Usage: mig [OPTION]... FILE.defs\n"
"\n"
"Ernst MIG, the Mach interface generator: reads a .defs interface\n"
"definition (after running it through the C preprocessor) and writes the\n"
"C stubs that send and serve its messages, compatible with GNU MIG.\n"
"\n"
"Output:\n"
"  -user FILE      user stubs (default SUBSYSTEMUser.c)\n"
"  -server FILE    server stubs and the demux (default SUBSYSTEMServer.c)\n"
"  -header FILE    user header (default SUBSYSTEM.h)\n"
"  -sheader FILE   server header: the demux and the routines to implement\n"
"  -iheader FILE   header declaring only the routines to implement\n"
"  -list FILE      list of routines: subsystem base name index id reply-id\n"
"  -i BASE         user stubs one routine per file, BASEroutine.c, instead\n"
"                  of -user (BASE may name a directory: dir/)\n"
"  -n              write only the files named, no defaults\n"
"  -prefix P       put P before the user stubs' names\n"
"  -subrprefix P   put P before the user stubs' definitions and declarations\n"
"  -target T       i386 (default: Ernst, GNU Mach i386) or x86_64\n"
"                  (message layout of GNU MIG for x86_64)\n"
"Messages:\n"
"  -q              no warnings          -Q  warnings (default)\n"
"  -v              verbose              -V  quiet (default)\n"
"  -s, -S, -t, -T, -r, -R, -migcom X   accepted for GNU MIG compatibility\n"
"Preprocessor:\n"
"  -cc CMD         preprocessor to run (default: $CPP, or\n"
"                  \"${CC:-gcc} -E -x c -undef -ansi\")\n"
"  -MD             write dependencies to BASE-mig.d\n"
"  -I, -D, -U, -imacros F, -isystem D, -include F and any other\n"
"                  option starting with - go to the preprocessor\n"
"  --help          this text          --version  the version\n"
"\n"
"A file name of - (or none) reads standard input.  Errors are reported\n"
"as FILE:LINE: message; then mig exits 1 and writes no output.\n"
"\n"
"Compiling the generated code: -DTypeCheck=0 leaves out the checks of\n"
"message sizes and type descriptors (as GNU MIG's output does);\n"
"-DMIG_SKIP_LAYOUT_ASSERTS leaves out the message layout assertions.\n");
}

struct output {
	const char *path;
	char *tmp;
	FILE *f;
	struct routine *routine; /* -i: this routine's user stub */
};

static bool open_output(struct output *o)
{
	struct stat st;
	if (o->path == NULL)
		return true;
	if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/null and friends: write directly. */
		o->f = fopen(o->path, "w");
		o->tmp = NULL;
	} else {
		o->tmp = xasprintf("%s.migXXXXXX", o->path);
		int fd = mkstemp(o->tmp);
		o->f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (fd >= 0 && o->f == NULL)
			close(fd);
	}
	if (o->f == NULL) {
		fprintf(stderr, "mig: %s: %s\n", o->path, strerror(errno));
		if (o->tmp != NULL)
			unlink(o->tmp);
		o->tmp = NULL;
		return false;
	}
	return true;
}

static bool close_output(struct output *o, bool keep)
{
	bool ok = true;
	if (o->f == NULL)
		return true;
	if (ferror(o->f) || fclose(o->f) != 0) {
		fprintf(stderr, "mig: %s: write error\n", o->path);
		ok = false;
	}
	o->f = NULL;
	if (o->tmp == NULL)
		return ok;
	if (keep && ok) {
		chmod(o->tmp, 0644);
		if (rename(o->tmp, o->path) != 0) {
			fprintf(stderr, "mig: %s: %s\n", o->path, strerror(errno));
			ok = false;
		}
	}
	if (!keep || !ok)
		unlink(o->tmp);
	return ok;
}

/*
 * The preprocessor names an object file as what depends on the .defs;
 * make wants the files mig wrote (GNU MIG's wrapper does the same).
 */
static bool retarget_deps(const char *depfile, const struct output *outs,
			  int nouts)
{
	FILE *f = fopen(depfile, "r");
	if (f == NULL)
		return true; /* no dependencies written: nothing to fix */
	size_t cap = 4096, len = 0;
	char *text = malloc(cap);
	size_t n;
	while (text != NULL && (n = fread(text + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			char *more = realloc(text, cap *= 2);
			if (more == NULL)
				free(text);
			text = more;
		}
	}
	fclose(f);
	char *colon = text != NULL ? memchr(text, ':', len) : NULL;
	if (colon == NULL) {
		free(text);
		return true;
	}
	f = fopen(depfile, "w");
	bool ok = f != NULL, first = true;
	for (int i = 0; ok && i < nouts; i++)
		if (outs[i].path != NULL && strcmp(outs[i].path, "/dev/null") != 0) {
			fprintf(f, "%s%s", first ? "" : " ", outs[i].path);
			first = false;
		}
	if (ok) {
		fwrite(colon, 1, len - (size_t)(colon - text), f);
		ok = fclose(f) == 0;
	}
	if (!ok)
		fprintf(stderr, "mig: %s: cannot rewrite\n", depfile);
	free(text);
	return ok;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Split $CPP-like strings at blanks into argv words. */
static int split_words(const char *s, char **argv, int max)
{
	int n = 0;
	char *copy = xstrdup(s);
	for (char *w = strtok(copy, " \t"); w != NULL && n < max; w = strtok(NULL, " \t"))
		argv[n++] = w;
	return n;
}

int main(int argc, char **argv)
{
	const char *user = NULL, *server = NULL, *header = NULL;
	const char *sheader = NULL, *iheader = NULL, *list = NULL;
	const char *cc = NULL, *file = NULL, *ibase = NULL;
	bool no_defaults = false, verbose = false, md = false;
	char **cppargs = xcalloc((size_t)argc * 2 + 8, sizeof *cppargs);
	int ncpp = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
#define NEED_ARG() do { if (!more) { fprintf(stderr, "mig: %s needs an argument\n", a); return 2; } } while (0)
		if (strcmp(a, "--help") == 0 || strcmp(a, "-help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("mig (Ernst MIG) " MIG_VERSION "\n");
			return 0;
		} else if (strcmp(a, "-user") == 0) {
			NEED_ARG(); user = argv[++i];
		} else if (strcmp(a, "-server") == 0) {
			NEED_ARG(); server = argv[++i];
		} else if (strcmp(a, "-header") == 0) {
			NEED_ARG(); header = argv[++i];
		} else if (strcmp(a, "-sheader") == 0) {
			NEED_ARG(); sheader = argv[++i];
		} else if (strcmp(a, "-iheader") == 0) {
			NEED_ARG(); iheader = argv[++i];
		} else if (strcmp(a, "-list") == 0) {
			NEED_ARG(); list = argv[++i];
		} else if (strcmp(a, "-prefix") == 0) {
			NEED_ARG(); opts.prefix = argv[++i];
		} else if (strcmp(a, "-subrprefix") == 0) {
			NEED_ARG(); opts.subrprefix = argv[++i];
		} else if (strcmp(a, "-target") == 0 || strncmp(a, "--target=", 9) == 0) {
			const char *t;
			if (a[1] == '-')
				t = a + 9;
			else {
				NEED_ARG(); t = argv[++i];
			}
			if (strcmp(t, "i386") == 0 || strcmp(t, "i686") == 0)
				target = &targets[0];
			else if (strcmp(t, "x86_64") == 0 || strcmp(t, "amd64") == 0)
				target = &targets[1];
			else {
				fprintf(stderr, "mig: unknown target %s (i386, x86_64)\n", t);
				return 2;
			}
		} else if (strcmp(a, "-cc") == 0) {
			NEED_ARG(); cc = argv[++i];
		} else if (strcmp(a, "-migcom") == 0) {
			NEED_ARG(); i++;
		} else if (strcmp(a, "-i") == 0) {
			NEED_ARG(); ibase = argv[++i];
		} else if (strcmp(a, "-q") == 0) {
			mig_quiet = true;
		} else if (strcmp(a, "-Q") == 0) {
			mig_quiet = false;
		} else if (strcmp(a, "-v") == 0) {
			verbose = true;
		} else if (strcmp(a, "-V") == 0) {
			verbose = false;
		} else if (strcmp(a, "-n") == 0) {
			no_defaults = true;
		} else if (strlen(a) == 2 && strchr("sStTrR", a[1]) && a[0] == '-') {
			/* symbol tables, traces, rpc: GNU options with no effect here */
		} else if (strcmp(a, "-MD") == 0) {
			md = true;
		} else if (strcmp(a, "-imacros") == 0 || strcmp(a, "-isystem") == 0 ||
			   strcmp(a, "-include") == 0 || strcmp(a, "-iquote") == 0 ||
			   strcmp(a, "-idirafter") == 0) {
			NEED_ARG();
			cppargs[ncpp++] = argv[i];
			cppargs[ncpp++] = argv[++i];
		} else if ((strcmp(a, "-I") == 0 || strcmp(a, "-D") == 0 ||
			    strcmp(a, "-U") == 0) && more) {
			cppargs[ncpp++] = argv[i];
			cppargs[ncpp++] = argv[++i];
		} else if (a[0] == '-' && a[1] != 0) {
			cppargs[ncpp++] = argv[i];
		} else {
			if (file != NULL) {
				fprintf(stderr, "mig: one .defs file at a time (%s, %s)\n",
					file, a);
				return 2;
			}
			file = a;
		}
#undef NEED_ARG
	}

	/* Run the preprocessor with its output on a pipe. */
	char *cmd[256];
	int nc;
	const char *cpp_env = getenv("CPP");
	const char *cc_env = getenv("CC");
	if (cc != NULL)
		nc = split_words(cc, cmd, 64);
	else if (cpp_env != NULL && *cpp_env)
		nc = split_words(cpp_env, cmd, 64);
	else {
		nc = split_words(cc_env && *cc_env ? cc_env : "gcc", cmd, 60);
		nc += split_words("-E -x c -undef -ansi", cmd + nc, 4);
	}
	for (int i = 0; i < ncpp && nc < 200; i++)
		cmd[nc++] = cppargs[i];
	const char *base = file && strcmp(file, "-") ? base_name(file) : "stdin";
	char *stem = xstrdup(base);
	char *dot = strrchr(stem, '.');
	if (dot != NULL)
		*dot = 0;
	char *depfile = NULL;
	if (md) {
		depfile = xasprintf("%s-mig.d", stem);
		cmd[nc++] = "-MD";
		cmd[nc++] = "-MF";
		cmd[nc++] = depfile;
	}
	cmd[nc++] = (char *)(file && strcmp(file, "-") ? file : "-");
	cmd[nc] = NULL;
	if (verbose) {
		for (int i = 0; i < nc; i++)
			fprintf(stderr, "%s%s", i ? " " : "", cmd[i]);
		fputc('\n', stderr);
	}

	int fds[2];
	if (pipe(fds) != 0) {
		perror("mig: pipe");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("mig: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(cmd[0], cmd);
		fprintf(stderr, "mig: cannot run %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	if (in == NULL) {
		perror("mig: fdopen");
		return 2;
	}
	const char *shown = file && strcmp(file, "-") ? file : "<stdin>";
	int errors = mig_parse(in, shown);
	/* Drain what is left so the preprocessor is not killed by SIGPIPE. */
	char buf[4096];
	while (fread(buf, 1, sizeof buf, in) > 0)
		;
	fclose(in);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "mig: preprocessor %s failed\n", cmd[0]);
		return 1;
	}
	if (errors != 0)
		return 1;

	/* -i writes BASE<routine>.c for each routine instead of one user file. */
	if (ibase != NULL)
		user = NULL;
	else if (!no_defaults && user == NULL)
		user = xasprintf("%sUser.c", subsys.name);
	if (!no_defaults) {
		if (server == NULL)
			server = xasprintf("%sServer.c", subsys.name);
		if (header == NULL)
			header = xasprintf("%s.h", subsys.name);
	}
	int nouts = 6; /* the files above, then -i's */
	struct output *outs = xcalloc((size_t)subsys.nroutines + 6, sizeof *outs);
	const char *fixed[6] = { user, server, header, sheader, iheader, list };
	for (int i = 0; i < 6; i++)
		outs[i].path = fixed[i];
	for (struct routine *r = subsys.routines; ibase != NULL && r != NULL;
	     r = r->next)
		if (!r->skip) {
			outs[nouts].path = xasprintf("%s%s.c", ibase, r->name);
			outs[nouts++].routine = r;
		}
	bool ok = true;
	for (int i = 0; i < nouts && ok; i++)
		ok = open_output(&outs[i]);
	if (ok) {
		bool real_header = header != NULL && strcmp(header, "/dev/null") != 0;
		bool real_sheader = sheader != NULL && strcmp(sheader, "/dev/null") != 0;
		const char *uheader = real_header ? base_name(header) : NULL;
		if (outs[0].f)
			emit_user(outs[0].f, uheader, NULL);
		for (int i = 6; i < nouts; i++)
			emit_user(outs[i].f, uheader, outs[i].routine);
		if (outs[1].f)
			emit_server(outs[1].f, real_sheader ? base_name(sheader) : NULL);
		if (outs[2].f)
			emit_user_header(outs[2].f, NULL);
		if (outs[3].f)
			emit_server_header(outs[3].f, "server");
		if (outs[4].f)
			emit_server_header(outs[4].f, "impl");
		if (outs[5].f)
			emit_list(outs[5].f);
	}
	for (int i = 0; i < nouts; i++)
		ok &= close_output(&outs[i], ok);
	if (ok && depfile != NULL)
		ok = retarget_deps(depfile, outs, nouts);
	return ok ? 0 : 1;
}

#endif /* MIG_NO_MAIN */
