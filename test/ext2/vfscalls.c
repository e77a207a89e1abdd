/*
 * VFS properties of the booted system, an ordinary static Linux program
 * (in the root disk's /bin; root.sh runs it on Ernst and on the host,
 * whose outputs must be the same):
 *   vfscalls durable-prepare DIR
 *             makes DIR and the empty files fsync, fdatasync and sync in
 *             it, then sync(): their names are on the disk
 *   vfscalls durable DIR
 *             writes each of them (an odd size past the indirect block,
 *             a pattern of its own) and makes it durable the way its
 *             name says, and a new file fsync-new fsync'd with DIR
 *             itself; root.sh then cuts the power and reads them back
 *             from the disk with debugfs
 *   vfscalls rename DIR ROUNDS
 *             a child renames new versions of DIR/target over it (each
 *             of another size, every record its version), at least
 *             ROUNDS and until the parent has looked ROUNDS times: the
 *             parent stats, opens and reads it, and finds the name
 *             never missing, a read never partial or mixed, versions
 *             never going back
 *   vfscalls umask DIR
 *             umask's return values, the modes of files and directories
 *             made under a umask, the umask a fork child and an
 *             execve'd program inherit
 *   vfscalls exectext DIR
 *             writes DIR/bigtext, a program whose text is 8 MiB of which
 *             it runs one page, and compares MemFree (/proc/meminfo)
 *             before it runs and while it waits: a program mapped from
 *             its file takes a few pages, one read or copied whole its
 *             8 MiB (on Ernst only: the host's MemFree moves on its own)
 * Lines start "ok"/"not ok" for checks; the exit status counts failures.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PATH_LEN 512
#define DURABLE_SIZE (300 * 1024 + 123)
#define RECORD 10		 /* "v%08u\n" */
#define VERSION_RECORDS 1000	 /* a version's least size, in records */
#define VERSION_SIZES 7		 /* sizes cycle through this many */
#define VERSION_STEP_RECORDS 450 /* and grow by this much each */
#define VERSION_MAX_BYTES ((VERSION_RECORDS + VERSION_SIZES * VERSION_STEP_RECORDS) * RECORD)
#define REPORTED_FAILURES 5

static void path_in(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_LEN, "%s/%s", dir, name);
}

/* --- durable --- */

static const char *const durable_names[] = {"fsync", "fdatasync", "sync"};

/* Each file's bytes: a generator seeded by its name. */
static void durable_fill(char *buf, size_t n, const char *name)
{
	uint32_t x = 2166136261u;
	for (const char *p = name; *p; p++)
		x = (x ^ (unsigned char)*p) * 16777619u;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(x >> 16);
	}
}

static int durable_prepare(const char *dir)
{
	char path[PATH_LEN];
	mkdir(dir, 0755);
	for (size_t i = 0; i < sizeof(durable_names) / sizeof(durable_names[0]); i++) {
		path_in(path, dir, durable_names[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		check(fd >= 0 && close(fd) == 0, "durable: an empty file made");
	}
	sync();
	return failures;
}

/* write_durably DIR NAME HOW: NAME's pattern written, then HOW: 'f'
 * fsync, 'd' fdatasync, 's' sync, 'n' created now, fsync'd with DIR. */
static void write_durably(const char *dir, const char *name, char how, char *buf)
{
	char path[PATH_LEN], what[PATH_LEN + 64];
	path_in(path, dir, name);
	durable_fill(buf, DURABLE_SIZE, name);
	int fd = open(path, O_WRONLY | O_CREAT | (how == 'n' ? O_EXCL : 0), 0644);
	int ok = fd >= 0 && write_all(fd, buf, DURABLE_SIZE) == 0;
	switch (how) {
	case 'f':
	case 'n':
		ok = ok && fsync(fd) == 0;
		break;
	case 'd':
		ok = ok && fdatasync(fd) == 0;
		break;
	default:
		sync();
	}
	if (fd >= 0)
		ok = close(fd) == 0 && ok;
	if (how == 'n') {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);
		ok = ok && dfd >= 0 && fsync(dfd) == 0;
		if (dfd >= 0)
			close(dfd);
	}
	snprintf(what, sizeof(what), "durable: %s written (%d bytes) and made durable", name, DURABLE_SIZE);
	check(ok, what);
}

static int durable(const char *dir)
{
	char *buf = malloc(DURABLE_SIZE);
	if (buf == NULL)
		return 1;
	write_durably(dir, "fsync", 'f', buf);
	write_durably(dir, "fdatasync", 'd', buf);
	write_durably(dir, "sync", 's', buf);
	write_durably(dir, "fsync-new", 'n', buf);
	free(buf);
	return failures;
}

/* --- rename --- */

static size_t version_size(unsigned v)
{
	return (size_t)(VERSION_RECORDS + (v % VERSION_SIZES) * VERSION_STEP_RECORDS) * RECORD;
}

static void version_fill(char *buf, unsigned v)
{
	char rec[RECORD + 1];
	snprintf(rec, sizeof(rec), "v%08u\n", v);
	for (size_t off = 0; off < version_size(v); off += RECORD)
		memcpy(buf + off, rec, RECORD);
}

/* make_version TMP TARGET V BUF: version V made under TMP and renamed
 * over TARGET; 0, or -1 (reported). */
static int make_version(const char *tmp, const char *target, unsigned v, char *buf)
{
	version_fill(buf, v);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, buf, version_size(v)) != 0 || close(fd) != 0 ||
	    rename(tmp, target) != 0) {
		printf("not ok - rename: version %u not made (errno %d)\n", v, errno);
		return -1;
	}
	return 0;
}

/* The renaming child: versions 2, 3, ... until it has made at least
 * ROUNDS and the parent, having looked ROUNDS times, says stop (a byte
 * on STOP); the last version's number goes back on LAST. */
static int rename_writer(const char *tmp, const char *target, unsigned rounds, int stop, int last, char *buf)
{
	char c;
	unsigned v = 2;
	fcntl(stop, F_SETFL, O_NONBLOCK);
	for (;; v++) {
		if (make_version(tmp, target, v, buf) != 0)
			return 1;
		sched_yield(); /* one CPU: let the reader look at this one */
		if (v >= rounds && read(stop, &c, 1) == 1)
			break;
	}
	return write_all(last, (const char *)&v, sizeof(v)) != 0;
}

/* One look at target: stat, open, fstat, read it all; the version it
 * holds, or 0 (the failure reported) when it is not one whole version. */
static unsigned rename_look(const char *target, char *buf, int *reported)
{
	struct stat st, fst;
	char what[128] = "";
	unsigned v = 0;
	size_t got = 0;

	if (stat(target, &st) != 0) {
		snprintf(what, sizeof(what), "stat failed (errno %d)", errno);
		goto out;
	}
	int fd = open(target, O_RDONLY);
	if (fd < 0) {
		snprintf(what, sizeof(what), "open failed (errno %d)", errno);
		goto out;
	}
	if (fstat(fd, &fst) != 0)
		snprintf(what, sizeof(what), "fstat failed (errno %d)", errno);
	for (ssize_t n; got < VERSION_MAX_BYTES + 1; got += (size_t)n) {
		n = read(fd, buf + got, VERSION_MAX_BYTES + 1 - got);
		if (n < 0 && what[0] == '\0')
			snprintf(what, sizeof(what), "read failed (errno %d)", errno);
		if (n <= 0)
			break;
	}
	close(fd);
	if (what[0] != '\0')
		goto out;
	if (got < RECORD || sscanf(buf, "v%8u", &v) != 1 || v == 0) {
		snprintf(what, sizeof(what), "%zu bytes, no version in them", got);
		v = 0;
		goto out;
	}
	if (got != version_size(v) || (off_t)got != fst.st_size) {
		snprintf(what, sizeof(what), "version %u: %zu bytes read, fstat %lld, %zu written", v, got,
			 (long long)fst.st_size, version_size(v));
		v = 0;
		goto out;
	}
	for (size_t off = RECORD; off < got; off += RECORD)
		if (memcmp(buf + off, buf, RECORD) != 0) {
			snprintf(what, sizeof(what), "version %u: another's record at %zu", v, off);
			v = 0;
			goto out;
		}
out:
	if (what[0] != '\0' && (*reported)++ < REPORTED_FAILURES)
		printf("# rename: %s\n", what);
	return what[0] != '\0' ? 0 : v;
}

static int rename_atomic(const char *dir, unsigned rounds)
{
	char tmp[PATH_LEN], target[PATH_LEN];
	char *buf = malloc(VERSION_MAX_BYTES + 1);
	unsigned looks = 0, bad = 0, seen = 0, back = 0, changes = 0, last = 0;
	int reported = 0, status = -1, stop[2], lastp[2];

	if (buf == NULL)
		return 1;
	path_in(tmp, dir, "target.new");
	path_in(target, dir, "target");
	/* Version 0 is not a version: the first one is there before the
	 * child starts. */
	if (make_version(tmp, target, 1, buf) != 0 || pipe(stop) != 0 || pipe(lastp) != 0)
		return 1;
	pid_t child = fork();
	if (child == 0)
		_exit(rename_writer(tmp, target, rounds, stop[0], lastp[1], buf));
	check(child > 0, "rename: the renaming child started");
	while (child > 0) {
		unsigned v = rename_look(target, buf, &reported);
		if (v == 0)
			bad++;
		else if (v < seen)
			back++;
		else {
			changes += v > seen;
			seen = v;
		}
		if (++looks == rounds)
			write(stop[1], "x", 1);
		if (looks >= rounds && waitpid(child, &status, WNOHANG) == child)
			break;
	}
	check(child > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		  read(lastp[0], &last, sizeof(last)) == sizeof(last),
	      "rename: every version made and renamed over the target");
	printf("%s - rename: the target always found whole (%s)\n", bad == 0 ? "ok" : "not ok",
	       bad == 0 ? "every look" : "some looks failed");
	failures += bad != 0;
	check(back == 0, "rename: versions seen never go back");
	/* The renames and the looks overlapped: more than one version was
	 * seen change.  (How many depends on the scheduler: not counted.) */
	check(changes >= 2, "rename: the looks saw it renamed over");
	unsigned v = rename_look(target, buf, &reported);
	check(v == last, "rename: the last version stays");
	unlink(target);
	free(buf);
	return failures;
}

/* --- umask --- */

static void show_mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		printf("stat %s: errno %d\n", strrchr(path, '/') + 1, errno);
	else
		printf("%s: mode %04o\n", strrchr(path, '/') + 1, (unsigned)(st.st_mode & 07777));
}

static int umask_inherit(const char *dir)
{
	char file[PATH_LEN], sub[PATH_LEN];
	int status;

	mkdir(dir, 0755);
	umask(022);
	printf("umask(077) answers %04o\n", (unsigned)umask(077));
	path_in(file, dir, "file0666");
	path_in(sub, dir, "dir0777");
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd >= 0)
		close(fd);
	mkdir(sub, 0777);
	show_mode(file);
	show_mode(sub);
	unlink(file);
	rmdir(sub);
	printf("umask(027) answers %04o\n", (unsigned)umask(027));
	path_in(file, dir, "file0777");
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0777);
	if (fd >= 0)
		close(fd);
	show_mode(file);
	unlink(file);
	pid_t p = fork();
	if (p == 0) {
		printf("fork child: umask(0) answers %04o\n", (unsigned)umask(0));
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, &status, 0);
	fflush(stdout);
	p = fork();
	if (p == 0) {
		char *const argv[] = {"vfscalls", "umask-show", NULL};
		execve("/proc/self/exe", argv, (char *[]){NULL});
		printf("execve: errno %d\n", errno);
		_exit(1);
	}
	waitpid(p, &status, 0);
	printf("execve'd child exits %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	printf("umask(022) answers %04o\n", (unsigned)umask(022));
	return 0;
}

/* --- exectext --- */

#define TEXT_BYTES (8u << 20)
#define TEXT_ADDR 0x08048000u
#define TEXT_CODE (sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr))
#define TEXT_FILL_PAGE 4096

/* The program (as --32): write(1, "r", 1); read(0, %esp, 1); exit(0).
 * The address of the "r" is patched in. */
static uint8_t text_code[] = {
    0xb8, 0x04, 0x00, 0x00, 0x00, /* mov $4, %eax (write) */
    0xbb, 0x01, 0x00, 0x00, 0x00, /* mov $1, %ebx */
    0xb9, 0x00, 0x00, 0x00, 0x00, /* mov $"r", %ecx */
    0xba, 0x01, 0x00, 0x00, 0x00, /* mov $1, %edx */
    0xcd, 0x80,			  /* int $0x80 */
    0xb8, 0x03, 0x00, 0x00, 0x00, /* mov $3, %eax (read) */
    0x31, 0xdb,			  /* xor %ebx, %ebx */
    0x89, 0xe1,			  /* mov %esp, %ecx */
    0xba, 0x01, 0x00, 0x00, 0x00, /* mov $1, %edx */
    0xcd, 0x80,			  /* int $0x80 */
    0xb8, 0x01, 0x00, 0x00, 0x00, /* mov $1, %eax (exit) */
    0x31, 0xdb,			  /* xor %ebx, %ebx */
    0xcd, 0x80,			  /* int $0x80 */
    'r',
};
#define TEXT_MSG_PATCH 11

static int write_big_text(const char *path)
{
	static char page[TEXT_FILL_PAGE];
	Elf32_Ehdr eh = {
	    .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT},
	    .e_type = ET_EXEC,
	    .e_machine = EM_386,
	    .e_version = EV_CURRENT,
	    .e_entry = TEXT_ADDR + TEXT_CODE,
	    .e_phoff = sizeof(Elf32_Ehdr),
	    .e_ehsize = sizeof(Elf32_Ehdr),
	    .e_phentsize = sizeof(Elf32_Phdr),
	    .e_phnum = 1,
	};
	Elf32_Phdr ph = {
	    .p_type = PT_LOAD,
	    .p_offset = 0,
	    .p_vaddr = TEXT_ADDR,
	    .p_paddr = TEXT_ADDR,
	    .p_filesz = TEXT_BYTES,
	    .p_memsz = TEXT_BYTES,
	    .p_flags = PF_R | PF_X,
	    .p_align = TEXT_FILL_PAGE,
	};
	uint32_t msg = TEXT_ADDR + TEXT_CODE + sizeof(text_code) - 1;

	memcpy(text_code + TEXT_MSG_PATCH, &msg, sizeof(msg));
	/* The rest is int3, every byte on the disk (no hole). */
	memset(page, 0xcc, sizeof(page));
	memcpy(page, &eh, sizeof(eh));
	memcpy(page + sizeof(eh), &ph, sizeof(ph));
	memcpy(page + TEXT_CODE, text_code, sizeof(text_code));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0)
		return -1;
	for (uint32_t off = 0; off < TEXT_BYTES; off += sizeof(page)) {
		if (write_all(fd, page, sizeof(page)) != 0) {
			close(fd);
			return -1;
		}
		if (off == 0)
			memset(page, 0xcc, TEXT_CODE + sizeof(text_code));
	}
	return close(fd);
}

/* MemFree in KiB, or -1. */
static long mem_free_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static int exec_text(const char *dir)
{
	char path[PATH_LEN], c = 0;
	int up[2], down[2], status = -1;

	mkdir(dir, 0755);
	path_in(path, dir, "bigtext");
	check(write_big_text(path) == 0, "exectext: an 8 MiB program written");
	sync();
	if (pipe(up) != 0 || pipe(down) != 0)
		return 1;
	long before = mem_free_kib();
	pid_t p = fork();
	if (p == 0) {
		dup2(down[0], 0);
		dup2(up[1], 1);
		execve(path, (char *[]){path, NULL}, (char *[]){NULL});
		_exit(127);
	}
	close(up[1]);
	close(down[0]);
	int ran = read(up[0], &c, 1) == 1 && c == 'r';
	long during = mem_free_kib();
	write(down[1], "x", 1);
	waitpid(p, &status, 0);
	check(ran && WIFEXITED(status) && WEXITSTATUS(status) == 0, "exectext: the program ran and exited 0");
	printf("# exectext: MemFree %ld KiB before, %ld KiB while the program ran\n", before, during);
	check(before > 0 && during > 0 && before - during < (long)(TEXT_BYTES / 1024 / 8),
	      "exectext: its 8 MiB text takes less than 1 MiB of memory (mapped from the file)");
	unlink(path);
	return failures;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "durable-prepare") == 0)
		return durable_prepare(argv[2]);
	if (argc == 3 && strcmp(argv[1], "durable") == 0)
		return durable(argv[2]);
	if (argc == 4 && strcmp(argv[1], "rename") == 0)
		return rename_atomic(argv[2], (unsigned)strtoul(argv[3], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "umask") == 0)
		return umask_inherit(argv[2]);
	if (argc == 3 && strcmp(argv[1], "exectext") == 0)
		return exec_text(argv[2]);
	if (argc == 2 && strcmp(argv[1], "umask-show") == 0) {
		printf("execve'd: umask(0) answers %04o\n", (unsigned)umask(0));
		return 0;
	}
	fprintf(
	    stderr,
	    "usage: vfscalls durable-prepare|durable|umask|exectext DIR | rename DIR ROUNDS | umask-show\n");
	return 2;
}
