/*
 * execve in the same task: the program's memory (everything below
 * EMUL_BASE) is replaced by a static i386 ELF's segments and a Linux
 * initial stack; the library, the fd table (minus FD_CLOEXEC), the
 * directories and the proc port stay.  The segments are mapped from the
 * file's memory object (io_map) copy-on-write, as Linux maps them, so a
 * program's pages come from the file service's pager as they are
 * touched; only the headers are read first.  A file that cannot be
 * mapped (no io_map, segments not page-aligned in the file) is read
 * whole into our heap and copied, as is pid 1's image from the boot
 * area.  The arguments are copied first, since the old memory goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mach/mach_interface.h>
#include <mach/mach_i386.h>
#include <servers/fs.h>
#include <servers/io.h>
#include <servers/io_types.h>
#include <servers/proc.h>
#include <servers/proc_types.h>
#include <ernst/elf.h>
#include <servers/proc.h>
#include <servers/proc_types.h>
#include "emul.h"

#define ARG_MAX_BYTES (128u * 1024) /* argv + envp strings */
#define ARGS_MAX 4096		    /* pointers in argv or envp */
#define STACK_SIZE (8u << 20)
#define STACK_INITIAL (128u * 1024) /* allocated at exec; the rest on demand */
#define EXEC_FILE_MAX (64u << 20) /* read whole: the heap holds it */
#define EXEC_HEAD 4096		  /* read of a mapped program: its headers */
#define PF_X_ 1
#define PF_W_ 2
#define PF_R_ 4
#define AT_RANDOM_BYTES 16
#define HWCAP_I686 0x0383fbff /* fpu..cmov, mmx, fxsr, sse, sse2: what QEMU's CPU has */
#define AUXV_PAIRS 18
#define O_RDONLY_ 0
#define X_OK_ 1

static int elf_ok(const struct elf32_ehdr *eh, size_t size)
{
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, 4) != 0)
		return 0;
	if (eh->e_ident[4] != ELFCLASS32 || eh->e_ident[5] != ELFDATA2LSB || eh->e_machine != EM_386 ||
	    eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(struct elf32_phdr))
		return 0;
	return eh->e_phoff <= size && (uint64_t)eh->e_phnum * sizeof(struct elf32_phdr) <= size - eh->e_phoff;
}

/* Check every segment before the old memory goes: an exec that fails
 * must leave the caller as it was.  size: the file's. */
static int elf_segments_ok(const struct elf32_ehdr *eh, const struct elf32_phdr *ph, uint64_t size)
{
	int loads = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		uint64_t end = (uint64_t)ph[i].p_vaddr + ph[i].p_memsz;
		if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > size ||
		    ph[i].p_filesz > size - ph[i].p_offset || ph[i].p_vaddr < PAGE ||
		    end > EMUL_STACK_TOP - STACK_SIZE)
			return 0;
		loads++;
	}
	return loads > 0;
}

/* Whether the program's segments can be mapped from its file: each at
 * the same place in its page in the file as in memory. */
static int elf_mappable(const void *image, size_t size)
{
	const struct elf32_ehdr *eh = image;
	if (!elf_ok(eh, size))
		return 0;
	const struct elf32_phdr *ph = (const void *)((const char *)image + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_memsz != 0 && (ph[i].p_offset & (PAGE - 1)) != (ph[i].p_vaddr & (PAGE - 1)))
			return 0;
	return 1;
}

static vm_prot_t elf_prot(uint32_t flags)
{
	return (flags & PF_R_ ? VM_PROT_READ : 0) | (flags & PF_W_ ? VM_PROT_READ | VM_PROT_WRITE : 0) |
	       (flags & PF_X_ ? VM_PROT_READ | VM_PROT_EXECUTE : 0);
}

/* Zero pages for [lo, hi) where nothing is mapped yet (segments may share a page). */
static void allocate_missing(uint32_t lo, uint32_t hi)
{
	for (uint32_t p = lo; p < hi; p += PAGE) {
		vm_address_t a = p;
		vm_allocate(mach_task_self(), &a, PAGE, FALSE);
	}
}

/*
 * A segment mapped from the file's memory object, copy-on-write (Linux's
 * MAP_PRIVATE; what an earlier segment put in a page they share goes, as
 * with its MAP_FIXED): the file's part, the rest of its last page zeroed
 * when the segment goes on (bss), then zero pages.  0 or -errno.
 */
static int map_segment(mach_port_t object, const struct elf32_phdr *ph)
{
	uint32_t lo = TRUNC_PAGE(ph->p_vaddr), file_end = ph->p_vaddr + ph->p_filesz;
	uint32_t map_end = ROUND_PAGE(file_end), mem_end = ROUND_PAGE(ph->p_vaddr + ph->p_memsz);
	vm_prot_t prot = elf_prot(ph->p_flags);
	int zero_tail = ph->p_memsz > ph->p_filesz && file_end < map_end;

	if (ph->p_filesz != 0) {
		vm_address_t a = lo;
		vm_deallocate(mach_task_self(), lo, map_end - lo);
		if (vm_map(mach_task_self(), &a, map_end - lo, 0, FALSE, object, ph->p_offset - (ph->p_vaddr - lo), TRUE,
			   prot | (zero_tail ? VM_PROT_WRITE : 0), VM_PROT_ALL, VM_INHERIT_COPY) != KERN_SUCCESS)
			return -LINUX_ENOMEM;
		if (zero_tail) {
			memset((void *)file_end, 0, map_end - file_end);
			if (!(prot & VM_PROT_WRITE))
				vm_protect(mach_task_self(), lo, map_end - lo, FALSE, prot);
		}
	} else {
		map_end = lo;
	}
	allocate_missing(map_end, mem_end);
	if (mem_end > map_end && prot != VM_PROT_DEFAULT)
		vm_protect(mach_task_self(), map_end, mem_end - map_end, FALSE, prot);
	return 0;
}

static void load_segment(const char *image, const struct elf32_phdr *ph)
{
	allocate_missing(TRUNC_PAGE(ph->p_vaddr), ROUND_PAGE(ph->p_vaddr + ph->p_memsz));
	memcpy((void *)ph->p_vaddr, image + ph->p_offset, ph->p_filesz);
}

/* A cheap, varying seed for AT_RANDOM: the instruction counter and our
 * addresses.  Not for cryptography. */
static void random_bytes(uint8_t *out, size_t n)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	uint32_t x = lo ^ (hi << 16) ^ (uint32_t)emul.pid * 2654435761u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[i] = (uint8_t)x;
	}
}

static uint32_t push_bytes(uint32_t *sp, const void *data, size_t n)
{
	*sp -= n;
	memcpy((void *)*sp, data, n);
	return *sp;
}

/* The proc service learns what we run (/proc/PID/exe, cmdline, comm):
 * exe, by the name execve had (filename). */
static void exec_tell_proc(const char *filename, const char *exe_path, char *const *argv, unsigned argc)
{
	static char exe[IO_PATH_MAX + 1], args[PROC_ARGS_MAX];
	const char *comm = strrchr(filename, '/');
	size_t len = 0;

	emul_abs_path(exe_path, exe, sizeof(exe));
	snprintf(emul.exe_path, sizeof(emul.exe_path), "%s", exe);
	for (unsigned i = 0; i < argc && len < sizeof(args); i++) {
		size_t n = strlen(argv[i]) + 1;
		if (n > sizeof(args) - len)
			n = sizeof(args) - len; /* cut, as the service keeps no more */
		memcpy(args + len, argv[i], n);
		len += n;
	}
	if (len != 0)
		args[len - 1] = '\0';
	int ids_changed = 0;
	proc_exec(emul.proc, exe, comm != NULL ? (char *)comm + 1 : (char *)filename, args, len, &ids_changed);
	/* Saved and file-system ids now the effective ones (Linux's execve):
	 * the ports follow. */
	if (ids_changed)
		emul_ids_follow();
}

int emul_exec_image(const void *image, size_t size, mach_port_t object, uint64_t file_size, char *const *argv,
		    char *const *envp, const char *path, const char *exe)
{
	const struct elf32_ehdr *eh = image;
	unsigned argc = 0, envc = 0;
	size_t bytes = 0;

	if (!elf_ok(eh, size))
		return -LINUX_ENOEXEC;
	const struct elf32_phdr *ph = (const void *)((const char *)image + eh->e_phoff);
	if (!elf_segments_ok(eh, ph, MACH_PORT_VALID(object) ? file_size : size))
		return -LINUX_ENOEXEC;
	while (argv[argc] != NULL)
		bytes += strlen(argv[argc++]) + 1;
	while (envp[envc] != NULL)
		bytes += strlen(envp[envc++]) + 1;
	if (bytes + strlen(path) > ARG_MAX_BYTES || argc > ARGS_MAX || envc > ARGS_MAX)
		return -LINUX_E2BIG;

	/* The point of no return: the old program goes. */
	vm_deallocate(mach_task_self(), PAGE, EMUL_STACK_TOP - PAGE);
	emul_mmap_forget();
	uint32_t brk = 0, phdr = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_memsz != 0) {
			if (!MACH_PORT_VALID(object))
				load_segment(image, &ph[i]);
			else if (map_segment(object, &ph[i]) < 0) {
				emul_log("exec: cannot map %s: killed\n", path);
				emul_exit(SIGKILL); /* Linux: no memory left to go back to */
			}
			if (ph[i].p_vaddr + ph[i].p_memsz > brk)
				brk = ph[i].p_vaddr + ph[i].p_memsz;
			if (eh->e_phoff >= ph[i].p_offset && eh->e_phoff - ph[i].p_offset < ph[i].p_filesz)
				phdr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
		}
	}
	emul_mem_reset(brk);
	vm_address_t stack = EMUL_STACK_TOP - STACK_SIZE;
	vm_allocate(mach_task_self(), &stack, STACK_SIZE, FALSE);

	/* The initial stack (top down): strings, 16 random bytes, the
	 * platform name, then aligned: argc, argv, envp, auxv. */
	uint32_t sp = EMUL_STACK_TOP, *argp = malloc((argc + envc + 2) * sizeof(uint32_t));
	uint32_t execfn = push_bytes(&sp, path, strlen(path) + 1);
	for (unsigned i = envc; i-- > 0;)
		argp[argc + 1 + i] = push_bytes(&sp, envp[i], strlen(envp[i]) + 1);
	for (unsigned i = argc; i-- > 0;)
		argp[i] = push_bytes(&sp, argv[i], strlen(argv[i]) + 1);
	argp[argc] = 0;
	argp[argc + 1 + envc] = 0;
	uint8_t rnd[AT_RANDOM_BYTES];
	random_bytes(rnd, sizeof(rnd));
	uint32_t at_random = push_bytes(&sp, rnd, sizeof(rnd));
	uint32_t platform = push_bytes(&sp, "i686", 5);
	uint32_t auxv[AUXV_PAIRS * 2], *ax = auxv;
#define AUX(t, v) (*ax++ = (t), *ax++ = (v))
	if (phdr != 0) {
		AUX(AT_PHDR, phdr);
		AUX(AT_PHENT, sizeof(struct elf32_phdr));
		AUX(AT_PHNUM, eh->e_phnum);
	}
	AUX(AT_PAGESZ, PAGE);
	AUX(AT_ENTRY, eh->e_entry);
	int uid = 0, euid = 0, gid = 0, egid = 0;
	proc_getcreds(emul.proc, &uid, &euid, &gid, &egid);
	AUX(AT_UID, uid);
	AUX(AT_EUID, euid);
	AUX(AT_GID, gid);
	AUX(AT_EGID, egid);
	AUX(AT_CLKTCK, LINUX_USER_HZ);
	AUX(AT_HWCAP, HWCAP_I686);
	AUX(AT_SECURE, uid != euid || gid != egid);
	AUX(AT_RANDOM, at_random);
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX
	size_t words = 1 + argc + 1 + envc + 1 + (size_t)(ax - auxv);
	sp = (sp - words * 4) & ~15u;
	uint32_t *w = (uint32_t *)sp;
	*w++ = argc;
	memcpy(w, argp, (argc + 1 + envc + 1) * 4);
	w += argc + 1 + envc + 1;
	memcpy(w, auxv, (size_t)(ax - auxv) * 4);
	free(argp);

	/* TLS slots and signal handlers do not survive; descriptors marked
	 * close-on-exec close. */
	descriptor_t none = {0, 0};
	for (int sel = 6 * 8 + 3; sel <= 8 * 8 + 3; sel += 8) {
		int s = sel;
		i386_set_gdt(emul.linux_thread, &s, none);
	}
	emul_fd_exec();
	emul_exec_signals();
	exec_tell_proc(path, exe, argv, argc);
	memset(&emul_regs, 0, sizeof(emul_regs));
	emul_regs.eip = eh->e_entry;
	emul_regs.esp = sp;
	emul_regs.eflags = EFLAGS_USER_DEFAULT;
	emul_vfork_release();
	return 0;
}

/* Read the first max bytes of a file (an open io port) into our heap:
 * *size of them, of *file_size; its stat in *stp if not NULL. */
static int read_file(mach_port_t file, size_t max, char **out, size_t *size, uint64_t *file_size, io_stat_t *stp)
{
	io_stat_t st;
	int r = emul_errno(io_stat(file, &st));
	if (stp != NULL)
		*stp = st;
	if (r < 0)
		return r;
	if (st.st_size < 0)
		return -LINUX_ENOMEM;
	*file_size = (uint64_t)st.st_size;
	if (*file_size > max && max == EXEC_FILE_MAX)
		return -LINUX_ENOMEM;
	uint32_t fsize = *file_size > max ? (uint32_t)max : (uint32_t)st.st_size;
	char *buf = malloc(fsize ? fsize : 1);
	if (buf == NULL)
		return -LINUX_ENOMEM;
	size_t done = 0;
	while (done < fsize) {
		char *data = buf + done;
		mach_msg_type_number_t n = fsize - done;
		uint32_t want = fsize - done > IO_READ_MAX ? IO_READ_MAX : fsize - done;
		r = emul_errno(io_read(file, 0, (int64_t)done, (int)want, &data, &n));
		if (r < 0 || n == 0)
			break;
		if (n > want)
			n = want;
		if (data != buf + done) {
			memcpy(buf + done, data, n);
			vm_deallocate(mach_task_self(), (vm_offset_t)data, n);
		}
		done += n;
	}
	if (r < 0 || done < fsize) {
		free(buf);
		return r < 0 ? r : -LINUX_EIO;
	}
	*out = buf;
	*size = fsize;
	return 0;
}

static void free_vector(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

/* argv or envp from the program's memory into ours. */
static int copy_vector(uint32_t uvec, char ***out)
{
	char **v = calloc(ARGS_MAX + 1, sizeof(char *));
	size_t total = 0;
	if (v == NULL)
		return -LINUX_ENOMEM;
	for (unsigned i = 0; uvec != 0; i++) {
		uint32_t p;
		if (i == ARGS_MAX) {
			free_vector(v);
			return -LINUX_E2BIG;
		}
		if (emul_copyin(&p, uvec + i * 4, 4) < 0) {
			free_vector(v);
			return -LINUX_EFAULT;
		}
		if (p == 0)
			break;
		char *s = malloc(ARG_MAX_BYTES - total + 1);
		int n = s ? emul_copyin_str(s, p, ARG_MAX_BYTES - total + 1) : -LINUX_ENOMEM;
		if (n < 0) {
			free(s);
			free_vector(v);
			return n == -LINUX_ENAMETOOLONG ? -LINUX_E2BIG : n;
		}
		v[i] = realloc(s, n + 1);
		total += n + 1;
	}
	*out = v;
	return 0;
}

#define SHEBANG_MAX 256 /* the #! line, as Linux's BINPRM_BUF_SIZE */
#define PROC_SELF_EXE "/proc/self/exe"

/* "#!interp [arg]" at the start of image: argv for the interpreter
 * (interp, arg, path, argv[1..]) in *out, or 0 if image is no script. */
static int shebang(const char *image, size_t size, const char *path, char *const *argv, char ***out,
		   char **interp_out)
{
	static char line[SHEBANG_MAX + 1];
	size_t n = 0;

	if (size < 2 || image[0] != '#' || image[1] != '!')
		return 0;
	while (2 + n < size && n < SHEBANG_MAX && image[2 + n] != '\n')
		line[n] = image[2 + n], n++;
	line[n] = '\0';
	char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	char *interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	char *arg = NULL;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		arg = *p ? p : NULL;
		/* Linux passes the rest of the line as one argument, trailing blanks cut. */
		if (arg != NULL)
			for (char *e = arg + strlen(arg); e > arg && (e[-1] == ' ' || e[-1] == '\t');)
				*--e = '\0';
	}
	if (*interp == '\0')
		return -LINUX_ENOEXEC;
	unsigned argc = 0;
	while (argv[argc] != NULL)
		argc++;
	char **v = calloc(argc + 4, sizeof(char *));
	if (v == NULL)
		return -LINUX_ENOMEM;
	unsigned k = 0;
	v[k++] = strdup(interp);
	if (arg != NULL)
		v[k++] = strdup(arg);
	v[k++] = strdup(path);
	for (unsigned i = 1; i < argc; i++)
		v[k++] = strdup(argv[i]);
	v[k] = NULL;
	*out = v;
	*interp_out = v[0];
	return 1;
}

static void free_vector(char **v);

/* ---- set-user-ID and set-group-ID programs ---- */

/* Whether running a file of stat st gives ids we do not have. */
static int gains_ids(const io_stat_t *st)
{
	int uid, euid, gid, egid;

	if (proc_getcreds(emul.proc, &uid, &euid, &gid, &egid) != 0)
		return 0;
	return ((st->st_mode & IO_S_ISUID) && st->st_uid != (uint32_t)euid) ||
	       ((st->st_mode & IO_S_ISGID) && st->st_gid != (uint32_t)egid);
}

/* Words of v one after the other into buf (room n) from *at; -E2BIG. */
static int pack_words(char *const *v, char *buf, size_t n, size_t *at, int *count)
{
	for (*count = 0; v[*count] != NULL; (*count)++) {
		size_t len = strlen(v[*count]) + 1;
		if (*at + len > n)
			return -LINUX_E2BIG;
		memcpy(buf + *at, v[*count], len);
		*at += len;
	}
	return 0;
}

/* proc_exec_setid: our task ends there and a new one runs the program;
 * an answer means it could not. */
static int exec_setid(mach_port_t file, char *const *argv, char *const *envp)
{
	static char args[PROC_EXEC_ARGS_MAX];
	mach_port_t ports[PROC_EXEC_FDS_MAX + 2];
	int fds[PROC_EXEC_FDS_MAX], argc, envc, nfds = 0, r;
	size_t at = 0;

	if ((r = pack_words(argv, args, sizeof(args), &at, &argc)) < 0 ||
	    (r = pack_words(envp, args, sizeof(args), &at, &envc)) < 0)
		return r;
	if (argc == 0)
		return -LINUX_EINVAL;
	ports[0] = emul.root;
	ports[1] = emul.cwd;
	for (int fd = 0; fd < EMUL_FD_MAX; fd++) {
		if (!MACH_PORT_VALID(emul.fd[fd].port) || (emul.fd[fd].flags & FD_CLOEXEC))
			continue;
		if (nfds == PROC_EXEC_FDS_MAX)
			return -LINUX_EMFILE;
		ports[2 + nfds] = emul.fd[fd].port;
		fds[nfds++] = fd;
	}
	int umask = sys_umask(0);
	sys_umask((uint32_t)umask);
	uint64_t mask, ignored;
	emul_signal_exec_state(&mask, &ignored);
	int sigs[PROC_EXEC_SIGS] = {(int)(uint32_t)mask, (int)(uint32_t)(mask >> 32), (int)(uint32_t)ignored,
				    (int)(uint32_t)(ignored >> 32)};
	r = proc_exec_setid(emul.proc, file, argc, envc, args, at, ports, nfds + 2, fds, nfds, umask, sigs);
	return r == 0 ? -LINUX_EAGAIN : emul_errno(r);
}

/* Words of a packed block into a new vector (NULL-terminated). */
static char **unpack_words(const char **at, int count)
{
	char **v = calloc(count + 1, sizeof(char *));
	for (int i = 0; v != NULL && i < count; i++) {
		v[i] = strdup(*at);
		*at += strlen(*at) + 1;
	}
	return v;
}

void emul_exec_setid_boot(void)
{
	static char args[PROC_EXEC_ARGS_MAX];
	mach_port_t file, gfile = MACH_PORT_NULL, authority, ports[PROC_EXEC_FDS_MAX + 2];
	mach_msg_type_number_t nargs = sizeof(args), nports = PROC_EXEC_FDS_MAX + 2, nfds = PROC_EXEC_FDS_MAX;
	int fds[PROC_EXEC_FDS_MAX], argc, envc, umask, groups[PROC_NGROUPS_MAX], sigs[PROC_EXEC_SIGS];
	mach_msg_type_number_t ngroups = PROC_NGROUPS_MAX;
	mach_msg_type_name_t type;
	io_ids_t ids;
	io_stat_t st;
	char *image = NULL;
	size_t size;

	if (proc_exec_state(emul.proc, &file, &argc, &envc, args, &nargs, ports, &nports, fds, &nfds, &umask,
			    &authority, sigs) != 0 ||
	    nports != nfds + 2) {
		emul_log("set-user-ID exec: no state from the proc service\n");
		emul_exit(W_EXITCODE(127));
	}
	/* Every port came from the program that asked: only those the file
	 * service knows as its own get through io_reauth (EBADF for others). */
	if (emul_ids_op(PROC_IDS_GET, 0, 0, 0, &ids) != 0 || proc_getgroups(emul.proc, groups, &ngroups) != 0 ||
	    io_reauth(authority, file, ids, groups, ngroups, &gfile, &type) != 0 || io_stat(gfile, &st) != 0) {
		emul_log("set-user-ID exec: the program is no file of the file service\n");
		emul_exit(W_EXITCODE(127));
	}
	mach_port_deallocate(mach_task_self(), file);
	int euid = (st.st_mode & IO_S_ISUID) ? (int)st.st_uid : -1, egid = (st.st_mode & IO_S_ISGID) ? (int)st.st_gid : -1;
	if (emul_ids_op(PROC_IDS_EXEC, euid, egid, 0, &ids) != 0 ||
	    emul_reauth_port(authority, &ports[0], &ids, groups, ngroups) < 0 ||
	    emul_reauth_port(authority, &ports[1], &ids, groups, ngroups) < 0) {
		emul_log("set-user-ID exec: cannot take the new identity\n");
		emul_exit(W_EXITCODE(127));
	}
	/* Nothing of root's stays for the program. */
	mach_port_deallocate(mach_task_self(), authority);
	emul.root = ports[0];
	emul.cwd = ports[1];
	for (unsigned i = 0; i < nfds; i++)
		emul_fd_inherited(emul_fd_place(ports[i + 2], fds[i]));
	sys_umask((uint32_t)umask);
	/* Pending signals wait (this thread is in the library) until the
	 * program starts, under the mask it keeps. */
	emul_signal_set_exec_state((uint32_t)sigs[0] | (uint64_t)(uint32_t)sigs[1] << 32,
				   (uint32_t)sigs[2] | (uint64_t)(uint32_t)sigs[3] << 32);
	uint64_t file_size;
	int r = read_file(gfile, EXEC_FILE_MAX, &image, &size, &file_size, NULL);
	mach_port_deallocate(mach_task_self(), gfile);
	const char *at = args;
	char **argv = unpack_words(&at, argc), **envp = unpack_words(&at, envc);
	if (r == 0 && argv != NULL && envp != NULL)
		r = emul_exec_image(image, size, MACH_PORT_NULL, size, argv, envp, argv[0], argv[0]);
	free(image);
	free_vector(argv);
	free_vector(envp);
	if (r < 0) {
		emul_log("set-user-ID exec: cannot start the program: error %d\n", -r);
		emul_exit(W_EXITCODE(127));
	}
}

/*
 * The program in file (an open io port): its first
 * bytes in *image (all of it when it cannot be mapped), and in *object
 * the memory object to map it from, or null.
 */
static int load_file(mach_port_t file, char **image, size_t *size, uint64_t *file_size, mach_port_t *object,
		     io_stat_t *stp)
{
	mach_port_t rd = MACH_PORT_NULL, wr = MACH_PORT_NULL;
	int r = read_file(file, EXEC_HEAD, image, size, file_size, stp);

	*object = MACH_PORT_NULL;
	if (r == 0 && *size < *file_size && !(*size >= 2 && (*image)[0] == '#' && (*image)[1] == '!')) {
		if (elf_mappable(*image, *size) && io_map(file, &rd, &wr) == 0) {
			*object = rd;
		} else {
			free(*image);
			*image = NULL;
			r = read_file(file, EXEC_FILE_MAX, image, size, file_size, NULL);
		}
	}
	if (MACH_PORT_VALID(wr))
		mach_port_deallocate(mach_task_self(), wr);
	return r;
}

int emul_exec_path(const char *path, char *const *argv, char *const *envp)
{
	const char *filename = path;
	char *image = NULL, **script_argv = NULL, *interp;
	size_t size;
	uint64_t file_size;
	mach_port_t file = MACH_PORT_NULL, object = MACH_PORT_NULL;
	mach_msg_type_name_t file_type;
	int r;

	static char self_path[IO_PATH_MAX + 1];
	/* /proc/self/exe is the program we run (busybox runs its applets so):
	 * its own path, not a link into /proc that ends with us. */
	if (strcmp(path, PROC_SELF_EXE) == 0 && emul.exe_path[0] != '\0')
		path = emul.exe_path;
	snprintf(self_path, sizeof(self_path), "%s", path);
	if ((r = emul_proc_self(self_path, sizeof(self_path))) < 0)
		return r;
	path = self_path;
	mach_port_t dir = path[0] == '/' ? emul.root : emul.cwd;
	if (!MACH_PORT_VALID(dir))
		return -LINUX_ENOENT;
	/* Whether we may execute it: with the effective ids, as execve asks. */
	if ((r = emul_errno(fs_access(dir, (char *)path, X_OK_, IO_AT_EACCESS))) < 0)
		return r;
	/* Read as a program: execute permission is enough (mode 0711). */
	if ((r = emul_errno(fs_lookup(dir, (char *)path, O_RDONLY_ | IO_O_EXEC, 0, &file, &file_type))) < 0)
		return r;
	io_stat_t st;
	r = load_file(file, &image, &size, &file_size, &object, &st);
	if (r == -LINUX_EACCES || (r == 0 && size >= 4 && memcmp(image, "\177ELF", 4) == 0 && gains_ids(&st))) {
		/* Set-user-ID or set-group-ID, or execute-only (the port reads
		 * nothing: IO_O_EXEC_ONLY): the proc service runs it in a new
		 * task, whose library reads it through its authority; no user's
		 * task ever holds its bytes.  Back here only if it could not. */
		free(image);
		if (MACH_PORT_VALID(object))
			mach_port_deallocate(mach_task_self(), object);
		r = exec_setid(file, argv, envp);
		mach_port_deallocate(mach_task_self(), file);
		return r;
	}
	mach_port_deallocate(mach_task_self(), file);
	if (r < 0)
		return r;
	r = shebang(image, size, path, argv, &script_argv, &interp);
	if (r > 0) {
		free(image);
		image = NULL;
		if ((r = emul_errno(fs_lookup(interp[0] == '/' ? emul.root : emul.cwd, interp,
					      O_RDONLY_ | IO_O_EXEC, 0, &file, &file_type))) < 0)
			goto out;
		r = load_file(file, &image, &size, &file_size, &object, NULL);
		mach_port_deallocate(mach_task_self(), file);
		if (r < 0)
			goto out;
		if (image != NULL && size >= 2 && image[0] == '#' && image[1] == '!') {
			r = -LINUX_ELOOP; /* one level, as it is enough for sh scripts */
			goto out;
		}
		path = interp;
		argv = script_argv;
	}
	if (r < 0)
		goto out;
	r = emul_exec_image(image, size, object, file_size, argv, envp, filename, path);
out:
	/* The mappings hold the kernel's own reference to the object. */
	if (MACH_PORT_VALID(object))
		mach_port_deallocate(mach_task_self(), object);
	free(image);
	free_vector(script_argv);
	return r;
}

int sys_execve(uint32_t upath, uint32_t uargv, uint32_t uenvp)
{
	static char path[IO_PATH_MAX];
	char **argv = NULL, **envp = NULL;
	int r = emul_copyin_str(path, upath, sizeof(path));

	if (r < 0)
		return r;
	if (r == 0)
		return -LINUX_ENOENT;
	if ((r = copy_vector(uargv, &argv)) < 0 || (r = copy_vector(uenvp, &envp)) < 0)
		goto out;
	r = emul_exec_path(path, argv, envp);
out:
	free_vector(argv);
	free_vector(envp);
	return r;
}
