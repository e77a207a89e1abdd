/*
 * The set-user-ID program of perms setuid: prints the ids it runs with,
 * whether it may open "secret", drops its effective uid to the real one
 * and takes the saved one back, as perms' own lines.  Without libc
 * (gcc -nostdlib): a few KiB, where a static glibc program would not fit
 * twice in the single server's RAM file system.
 */
#define NR_exit 1
#define NR_write 4
#define NR_open 5
#define NR_close 6
#define NR_sigaction 67
#define NR_sigprocmask 126
#define NR_getuid32 199
#define NR_getgroups32 205
#define NR_setresuid32 208
#define NR_getresuid32 209
#define NR_getresgid32 211
#define NR_setfsuid32 215
#define NR_setfsgid32 216

static long sys(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

static char out[512];
static unsigned used;

static void put(const char *s)
{
	while (*s != '\0' && used < sizeof(out))
		out[used++] = *s++;
}

static void put_num(unsigned long v)
{
	char d[12];
	int n = 0;

	do
		d[n++] = (char) ('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0 && used < sizeof(out))
		out[used++] = d[--n];
}

static void flush(void)
{
	sys(NR_write, 1, (long) out, used);
	used = 0;
}

/* As perms' result(): "what: r" or "what: -1 ENAME". */
static void result(const char *what, long r)
{
	put(what);
	put(": ");
	if (r >= 0)
		put_num((unsigned long) r);
	else if (r == -13)
		put("-1 EACCES");
	else if (r == -1)
		put("-1 EPERM");
	else {
		put("-1 errno ");
		put_num((unsigned long) -r);
	}
	put("\n");
	flush();
}

static void show_ids(const char *what)
{
	unsigned ids[6], groups[8];
	long n;

	sys(NR_getresuid32, (long) &ids[0], (long) &ids[1], (long) &ids[2]);
	sys(NR_getresgid32, (long) &ids[3], (long) &ids[4], (long) &ids[5]);
	n = sys(NR_getgroups32, 8, (long) groups, 0);
	put(what);
	put(": uid");
	for (int i = 0; i < 6; i++) {
		put(i == 3 ? " gid " : " ");
		put_num(ids[i]);
	}
	put(" groups");
	for (long i = 0; i < n; i++) {
		put(" ");
		put_num(groups[i]);
	}
	/* The file-system ids (setfsuid(-1) only asks). */
	put(" fs ");
	put_num((unsigned long) sys(NR_setfsuid32, -1, 0, 0));
	put(" ");
	put_num((unsigned long) sys(NR_setfsgid32, -1, 0, 0));
	put("\n");
	flush();
}

/* What execve kept of the signal state: the mask, and SIGINT's and
 * SIGTERM's actions (perms ignores the one and handles the other). */
static void show_signals(void)
{
	unsigned long mask = 0, act[4];
	static const struct {
		int sig;
		const char *name;
	} sigs[] = {{2, "SIGINT: "}, {15, "SIGTERM: "}};

	sys(NR_sigprocmask, 0, 0, (long) &mask);
	put("signal mask: ");
	put_num(mask);
	put("\n");
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		act[0] = 2;
		sys(NR_sigaction, sigs[i].sig, 0, (long) act);
		put(sigs[i].name);
		put(act[0] == 0 ? "default\n" : act[0] == 1 ? "ignored\n" : "handled\n");
	}
	flush();
}

/* An open's result without the fd number. */
static void try_open(const char *what)
{
	long fd = sys(NR_open, (long) "secret", 0, 0);

	result(what, fd < 0 ? fd : 0);
	if (fd >= 0)
		sys(NR_close, fd, 0, 0);
}

void _start(void)
{
	show_ids("set-user-ID program");
	show_signals();
	try_open("it opens secret");
	result("seteuid to the real uid", sys(NR_setresuid32, -1, sys(NR_getuid32, 0, 0, 0), -1));
	show_ids("then");
	result("seteuid back to the saved uid", sys(NR_setresuid32, -1, 0, -1));
	try_open("it opens secret again");
	sys(NR_exit, 0, 0, 0);
	for (;;)
		;
}
