/*
 * A program larger than the machine's memory runs: this writes an ELF
 * program of BIGEXEC_MB MiB under /tmp (a data segment whose pages each
 * start with their index, and a few instructions), runs it in a child
 * and prints how it ended.  The program reads every page, writes each
 * once (copy-on-write: the file keeps its bytes) and reads them all
 * again; it exits 42 if every page held its index and every write
 * stuck.  On Ernst at -m 12 (test/unix/bigexec.sh) its pages come from
 * the file service's pager and, once written, the default pager.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "report.h"

#define BIGEXEC_MB 3
#define PG 4096u
#define TEXT_ADDR 0x08048000u
#define DATA_ADDR 0x10000000u
#define PROGRAM "./bigexec.elf" /* in a scratch directory */
#define CHUNK_PAGES 16

/*
 * The program (as --32): sum the first word of every page, add one to
 * each; sum them again; exit 42 if the sums are pages*(pages-1)/2 and
 * that plus pages, else 1.  PAGES and SUM are patched in.
 */
static uint8_t code[] = {
	0xbe, 0x00, 0x00, 0x00, 0x10,	    /* mov $DATA_ADDR, %esi */
	0xb9, 0, 0, 0, 0,		    /* mov $PAGES, %ecx */
	0x31, 0xc0,			    /* xor %eax, %eax */
	0x03, 0x06,			    /* 1: add (%esi), %eax */
	0xff, 0x06,			    /* incl (%esi) */
	0x81, 0xc6, 0x00, 0x10, 0x00, 0x00, /* add $4096, %esi */
	0x49,				    /* dec %ecx */
	0x75, 0xf3,			    /* jnz 1b */
	0xbe, 0x00, 0x00, 0x00, 0x10,	    /* mov $DATA_ADDR, %esi */
	0xb9, 0, 0, 0, 0,		    /* mov $PAGES, %ecx */
	0x31, 0xd2,			    /* xor %edx, %edx */
	0x03, 0x16,			    /* 2: add (%esi), %edx */
	0x81, 0xc6, 0x00, 0x10, 0x00, 0x00, /* add $4096, %esi */
	0x49,				    /* dec %ecx */
	0x75, 0xf5,			    /* jnz 2b */
	0x29, 0xc2,			    /* sub %eax, %edx */
	0xbb, 0x01, 0x00, 0x00, 0x00,	    /* mov $1, %ebx */
	0x81, 0xfa, 0, 0, 0, 0,		    /* cmp $PAGES, %edx */
	0x75, 0x0c,			    /* jne 3f */
	0x3d, 0, 0, 0, 0,		    /* cmp $SUM, %eax */
	0x75, 0x05,			    /* jne 3f */
	0xbb, 0x2a, 0x00, 0x00, 0x00,	    /* mov $42, %ebx */
	0xb8, 0x01, 0x00, 0x00, 0x00,	    /* 3: mov $1, %eax (exit) */
	0xcd, 0x80,			    /* int $0x80 */
};
#define CODE_PAGES1 6
#define CODE_PAGES2 0x1f
#define CODE_PAGES3 0x39
#define CODE_SUM 0x40

static void put32(uint8_t *at, uint32_t v)
{
	memcpy(at, &v, 4);
}

static int write_all(int fd, const void *buf, size_t n)
{
	return write(fd, buf, n) == (ssize_t) n ? 0 : -1;
}

static int make_program(uint32_t pages)
{
	static uint8_t head[PG];
	static uint32_t chunk[CHUNK_PAGES * PG / 4];
	Elf32_Ehdr *eh = (Elf32_Ehdr *) head;
	Elf32_Phdr *ph = (Elf32_Phdr *) (head + sizeof(*eh));
	int fd = open(PROGRAM, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	if (fd < 0)
		return -1;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TEXT_ADDR + sizeof(*eh) + 2 * sizeof(*ph);
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0] = (Elf32_Phdr) {PT_LOAD, 0, TEXT_ADDR, TEXT_ADDR, PG, PG, PF_R | PF_X, PG};
	ph[1] = (Elf32_Phdr) {PT_LOAD, PG, DATA_ADDR, DATA_ADDR, pages * PG, pages * PG, PF_R | PF_W, PG};
	put32(code + CODE_PAGES1, pages);
	put32(code + CODE_PAGES2, pages);
	put32(code + CODE_PAGES3, pages);
	put32(code + CODE_SUM, pages * (pages - 1) / 2);
	memcpy(head + sizeof(*eh) + 2 * sizeof(*ph), code, sizeof(code));
	/* The whole size first: the file system allocates it once. */
	if (ftruncate(fd, (off_t) (pages + 1) * PG) < 0 || write_all(fd, head, PG) < 0)
		goto fail;
	for (uint32_t p = 0; p < pages; p += CHUNK_PAGES) {
		for (uint32_t i = 0; i < CHUNK_PAGES; i++)
			chunk[i * PG / 4] = p + i;
		if (write_all(fd, chunk, sizeof(chunk)) < 0)
			goto fail;
	}
	return close(fd);
fail:
	close(fd);
	return -1;
}

int main(int argc, char **argv)
{
	uint32_t mb = argc > 1 ? (uint32_t) atoi(argv[1]) : BIGEXEC_MB;
	struct stat st;
	int status;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (scratch_enter("bigexec") < 0)
		return 1;
	if (make_program(mb * (1024 * 1024 / PG)) < 0 || stat(PROGRAM, &st) < 0) {
		printf("cannot write %s: %s\n", PROGRAM, strerror(errno));
		return 1;
	}
	printf("wrote a program of %lld bytes\n", (long long) st.st_size);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = {PROGRAM, NULL}, *env[] = {NULL};
		execve(PROGRAM, args, env);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("waitpid: %s\n", strerror(errno));
		return 1;
	}
	if (WIFEXITED(status))
		printf("it exited with %d\n", WEXITSTATUS(status));
	else
		printf("it was killed by signal %d\n", WTERMSIG(status));
	unlink(PROGRAM);
	return scratch_leave() < 0;
}
