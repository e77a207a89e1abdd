/*
 * The UNIX single server: every UNIX service in one task (DESIGN
 * principle 2), one port set, a pool of threads.  Started by bootstrap:
 *
 *   single [-x] [-D DEVICE] [root=PART] [-r ARCHIVE] [-a ARGS] PROGRAM [ARG...]
 *
 *   -x          end when pid 1 does, after printing its status (bootstrap
 *               -x then halts the machine): how tests and scripts/run
 *               --exec run a program
 *   -D DEVICE   the device master port's name (bootstrap's ${device-port}):
 *               the terminal on the console, files 0-2 of pid 1
 *   root=PART   / is the ext2 file system on disk partition PART ("hd0s1",
 *               through DEVICE); written back every few seconds, on
 *               sync, and unmounted clean when pid 1 ends (with -x)
 *   -r ARCHIVE  the data module (newc cpio) the RAM file system at / is
 *               filled from when there is no root=, or it cannot be
 *               mounted
 *   -a ARGS     a data module of NUL-terminated words appended to the
 *               arguments (boot command lines can hold no spaces or commas
 *               in one word)
 *   PROGRAM     pid 1: a data module of that name if bootstrap has one,
 *               else a path in the file system (/bin/init)
 *
 * The emulation library comes from the data module emul.bin.  pid 1 is a
 * task with the library at EMUL_BASE whose first thread execs PROGRAM
 * (<servers/emul_boot.h>).  Without a terminal, files 1 and 2 of pid 1
 * are a pipe whose read end a thread here copies to the console.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/task_special_ports.h>
#include <mach/thread_status.h>
#include <servers/bootstrap_names.h>
#include <servers/emul_boot.h>
#include <servers/fs.h>
#include <servers/io.h>
#include <servers/pipe.h>
#include <servers/proc_server.h>
#include <servers/proc_types.h>
#include "../files/unixfiles.h"
#include "../proc/proc.h"

#define EMUL_MODULE "emul.bin"
#define SERVER_THREADS 3
#define SERVER_MSG_MAX 8192
#define PROC_INFO_MSG_MAX 16384 /* proc_info's answer: arguments and a path */
#define PAGE 4096u
#define ROUND_PAGE(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define EFLAGS_IF 0x202
#define CONSOLE_CHUNK 2048
#define POLL_MS 50
#define DRAIN_MAX_MS 2000
#define CONSOLE_PATH "/dev/console"
#define O_RDWR_ 2
#define INIT_FILES 3
#define PROC_MSG_ID_MIN 31800 /* proc.defs' subsystem */
#define PROC_MSG_ID_END 31900

/* proc's lock; the file services have theirs (unixio_lock). */
/* The heap (libmach's, vm_allocate'd at start-up; untouched pages cost
 * nothing) holds the RAM file systems (the boot archive's root, /tmp up
 * to half the machine), the ext2 buffer cache and the pipes. */
vm_size_t libmach_heap_size = 256u << 20;

static cthread_mutex_t server_lock = CTHREAD_MUTEX_INITIALIZER;
static mach_port_t port_set;
static int exit_with_init;
static volatile int init_done, init_status;
static volatile int drain_eof; /* the console pipe has no writer left */
static mach_port_t console_read = MACH_PORT_NULL, console_write = MACH_PORT_NULL;
static vm_offset_t emul;		 /* the library image (data module emul.bin) */
static mach_msg_type_number_t emul_size;

/* proc.defs requests go straight to proc (the common case of a system
 * call that is not about files); everything else to the file services
 * first, then proc's notifications.  A session leader that ended meanwhile
 * hangs up the terminal once proc's lock is let go (the terminal's lock
 * comes before it). */
static boolean_t single_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	boolean_t handled = FALSE;
	int is_proc = in->msgh_id >= PROC_MSG_ID_MIN && in->msgh_id < PROC_MSG_ID_END;
	int ended[PROC_MAX], n;

	if (!is_proc && unixio_demux(in, out))
		return TRUE;
	cthread_mutex_lock(&server_lock);
	handled = is_proc ? proc_server(in, out) : proc_demux(in, out);
	n = proc_take_ended_leaders(ended, PROC_MAX);
	cthread_mutex_unlock(&server_lock);
	for (int i = 0; i < n; i++)
		unixtty_hangup(ended[i]);
	return handled;
}

static void *server_thread(void *arg)
{
	(void)arg;
	mach_msg_server(single_demux, UNIXIO_MSG_MAX > SERVER_MSG_MAX ? UNIXIO_MSG_MAX : SERVER_MSG_MAX, port_set);
	return NULL;
}

/* The proc service's info port, on a thread of its own: /proc asks it
 * while holding the file services' lock, so it must not wait for a
 * server thread that may be waiting for that lock. */
static boolean_t proc_info_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	cthread_mutex_lock(&server_lock);
	boolean_t handled = proc_demux(in, out);
	cthread_mutex_unlock(&server_lock);
	return handled;
}

static void *proc_info_thread(void *arg)
{
	mach_msg_server(proc_info_demux, PROC_INFO_MSG_MAX, (mach_port_t)(uintptr_t)arg);
	return NULL;
}

/* A send right to the info port for /proc, the thread serving it started. */
static mach_port_t start_proc_info(void)
{
	mach_port_t port = proc_info_port();
	cthread_t ct;

	if (!MACH_PORT_VALID(port) ||
	    mach_port_insert_right(mach_task_self(), port, port, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS ||
	    cthread_create(&ct, proc_info_thread, (void *)(uintptr_t)port) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	cthread_detach(ct);
	return port;
}

static void init_ended(int status)
{
	init_status = status;
	init_done = 1;
}

/* The terminal's ^C, ^\ and ^Z, and hang-ups: a group, from the system. */
static void tty_signal(int pgrp, int sig)
{
	cthread_mutex_lock(&server_lock);
	proc_signal_group(pgrp, sig);
	cthread_mutex_unlock(&server_lock);
}

/* Who sends the terminal a request (the proc port it came with). */
static int tty_who(mach_port_t proc, struct tty_caller *caller)
{
	cthread_mutex_lock(&server_lock);
	int rc = proc_whois(proc, &caller->pid, &caller->pgrp, &caller->sid, &caller->euid);
	cthread_mutex_unlock(&server_lock);
	return rc;
}

static int tty_pgrp_session(int pgrp)
{
	cthread_mutex_lock(&server_lock);
	int sid = proc_pgrp_session(pgrp);
	cthread_mutex_unlock(&server_lock);
	return sid;
}

static void tty_detach(int pid)
{
	cthread_mutex_lock(&server_lock);
	proc_tty_detach(pid);
	cthread_mutex_unlock(&server_lock);
}

static const struct tty_procs tty_procs = {tty_signal, tty_who, tty_pgrp_session, tty_detach};

/* The console pipe's reader: everything written to it goes to the console. */
static void *console_thread(void *arg)
{
	static char buf[CONSOLE_CHUNK];
	(void)arg;
	for (;;) {
		char *data = buf;
		mach_msg_type_number_t n = sizeof(buf);
		kern_return_t kr = io_read(console_read, 0, IO_OFFSET_CURRENT, sizeof(buf), &data, &n);
		if (kr != 0 || n == 0) {
			drain_eof = 1;
			return NULL;
		}
		fwrite(data, 1, n, stdout);
		fflush(stdout);
		if (data != buf)
			vm_deallocate(mach_task_self(), (vm_offset_t)data, n);
	}
}

static void sleep_ms(unsigned ms)
{
	mach_port_t port;
	struct {
		mach_msg_header_t h;
		char body[32];
	} m;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port);
	mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, ms, MACH_PORT_NULL);
	mach_port_destroy(mach_task_self(), port);
}

/* -x: once init has ended and its output is out, end with its status.
 * With the console pipe, "out" is the pipe at end of file (no process
 * holds it any more); processes init left behind get DRAIN_MAX_MS, then
 * end before the file systems are unmounted. */
static void wait_for_init(void)
{
	unsigned after = 0;
	while (!init_done)
		sleep_ms(POLL_MS);
	if (MACH_PORT_VALID(console_read)) {
		/* Our own rights to the pipe (for proc_get_init_ports) go now. */
		mach_port_mod_refs(mach_task_self(), console_write, MACH_PORT_RIGHT_SEND, -INIT_FILES + 1);
		while (!drain_eof && after < DRAIN_MAX_MS) {
			sleep_ms(POLL_MS);
			after += POLL_MS;
		}
	}
	int status = init_status;
	printf("unix: init exited with status %#x\n", (unsigned)status);
	/* As Linux's shutdown kills what is left before it unmounts. */
	cthread_mutex_lock(&server_lock);
	int left = proc_end_all();
	cthread_mutex_unlock(&server_lock);
	if (left > 0)
		printf("unix: ended the %d processes init left behind\n", left);
	int rc = unixfiles_shutdown();
	if (rc != 0)
		printf("unix: the file systems could not all be unmounted: error %d\n", rc);
	fflush(stdout);
	exit((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f));
}

static int get_module(mach_port_t bs, const char *name, vm_offset_t *data, mach_msg_type_number_t *size)
{
	return bootstrap_get_module(bs, (char *)name, data, size) == KERN_SUCCESS;
}

/* The arguments block of the boot area: argv words, then ARGS module words. */
static const char *build_args(struct emul_boot_args *ba, size_t room, char **argv, int argc, const char *extra,
			      size_t extra_size)
{
	size_t off = 0;
	ba->argc = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (off + n > room || ba->argc == EMUL_BOOT_ARGC_MAX)
			return "too many arguments";
		memcpy(ba->args + off, argv[i], n);
		off += n;
		ba->argc++;
	}
	for (size_t i = 0; i < extra_size;) {
		size_t n = strnlen(extra + i, extra_size - i);
		if (i + n == extra_size)
			return "the arguments module does not end with a NUL";
		if (off + n + 1 > room || ba->argc == EMUL_BOOT_ARGC_MAX)
			return "too many arguments";
		memcpy(ba->args + off, extra + i, n + 1);
		off += n + 1;
		ba->argc++;
		i += n + 1;
	}
	ba->args_size = off;
	return NULL;
}

/* A new task with the library at EMUL_BASE (nothing inherited). */
static const char *new_library_task(task_t *task)
{
	const struct emul_image_header *h = (const void *)emul;
	vm_address_t a = EMUL_BASE;

	if (emul_size < sizeof(*h) || h->magic != EMUL_IMAGE_MAGIC || h->file_size > emul_size ||
	    h->mem_size < h->file_size || h->mem_size > EMUL_BOOT_AREA - EMUL_BASE)
		return "emul.bin is not an emulation library image";
	if (task_create(mach_task_self(), FALSE, task) != KERN_SUCCESS)
		return "task_create failed";
	if (vm_allocate(*task, &a, ROUND_PAGE(h->mem_size), FALSE) != KERN_SUCCESS ||
	    vm_write(*task, EMUL_BASE, emul, ROUND_PAGE(h->file_size)) != KERN_SUCCESS) {
		task_terminate(*task);
		mach_port_deallocate(mach_task_self(), *task);
		return "cannot load the library";
	}
	return NULL;
}

/* The task's thread at the library's boot entry (eax: the boot area or
 * 0), suspended. */
static kern_return_t boot_thread(task_t task, uint32_t area, thread_t *th)
{
	const struct emul_image_header *h = (const void *)emul;
	struct i386_thread_state st;

	memset(&st, 0, sizeof(st));
	st.eip = h->boot_entry;
	st.eax = area;
	st.efl = EFLAGS_IF;
	if (thread_create(task, th) != KERN_SUCCESS)
		return KERN_FAILURE;
	return thread_set_state(*th, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
}

/* proc_exec_setid's task: the library, and a thread that will ask the
 * proc service for the rest. */
static kern_return_t exec_task(task_t *task, thread_t *th)
{
	if (new_library_task(task) != NULL)
		return KERN_FAILURE;
	if (boot_thread(*task, 0, th) != KERN_SUCCESS) {
		task_terminate(*task);
		mach_port_deallocate(mach_task_self(), *task);
		return KERN_FAILURE;
	}
	return KERN_SUCCESS;
}

/* The first process: the library and the boot area written into a new
 * task, one thread at the library's boot entry. */
static const char *start_first(vm_offset_t prog, vm_size_t prog_size, char **argv, int argc, const char *extra,
			       size_t extra_size)
{
	size_t args_room = ROUND_PAGE(sizeof(struct emul_boot_args) + EMUL_BOOT_ARGS_MAX);
	task_t task;
	thread_t th;
	mach_port_t proc_port;
	vm_address_t a, args = 0;
	const char *err;

	if (prog_size > EMUL_BOOT_AREA_END - EMUL_BOOT_AREA - args_room)
		return "the program is too large";
	if (vm_allocate(mach_task_self(), &args, args_room, TRUE) != KERN_SUCCESS)
		return "no memory";
	struct emul_boot_args *ba = (void *)args;
	if ((err = build_args(ba, args_room - sizeof(*ba), argv, argc, extra, extra_size)) != NULL)
		return err;
	ba->image_offset = args_room;
	ba->image_size = prog_size;
	if ((err = new_library_task(&task)) != NULL)
		return err;
	a = EMUL_BOOT_AREA;
	if (vm_allocate(task, &a, args_room + ROUND_PAGE(prog_size), FALSE) != KERN_SUCCESS ||
	    vm_write(task, EMUL_BOOT_AREA, args, args_room) != KERN_SUCCESS ||
	    (prog_size != 0 && vm_write(task, EMUL_BOOT_AREA + args_room, prog, ROUND_PAGE(prog_size)) != KERN_SUCCESS))
		return "cannot write the program";
	vm_deallocate(mach_task_self(), args, args_room);
	if (proc_create_first(task, &proc_port) != 0)
		return "no process slot";
	mach_port_insert_right(mach_task_self(), proc_port, proc_port, MACH_MSG_TYPE_MAKE_SEND);
	task_set_special_port(task, TASK_BOOTSTRAP_PORT, proc_port);
	mach_port_deallocate(mach_task_self(), proc_port);

	if (boot_thread(task, EMUL_BOOT_AREA, &th) != KERN_SUCCESS || thread_resume(th) != KERN_SUCCESS)
		return "cannot start the first thread";
	mach_port_deallocate(mach_task_self(), th);
	return NULL;
}

/* Files 0-2 of pid 1: the terminal, or the console pipe (1 and 2). */
static const char *init_files(mach_port_t root, mach_port_t pipes, int terminal, mach_port_t fds[INIT_FILES])
{
	mach_msg_type_name_t poly;

	if (terminal) {
		mach_port_t tty;
		if (fs_lookup(root, CONSOLE_PATH, O_RDWR_, 0, &tty, &poly) != 0)
			return "cannot open " CONSOLE_PATH;
		mach_port_mod_refs(mach_task_self(), tty, MACH_PORT_RIGHT_SEND, INIT_FILES - 1);
		fds[0] = fds[1] = fds[2] = tty;
		return NULL;
	}
	if (pipe_create(pipes, 0, &console_read, &poly, &console_write, &poly) != 0)
		return "cannot make the console pipe";
	mach_port_mod_refs(mach_task_self(), console_write, MACH_PORT_RIGHT_SEND, INIT_FILES - 2);
	fds[0] = MACH_PORT_NULL;
	fds[1] = fds[2] = console_write;
	cthread_t console;
	if (cthread_create(&console, console_thread, NULL) == KERN_SUCCESS)
		cthread_detach(console);
	return NULL;
}

int main(int argc, char **argv)
{
	mach_port_t bs, device = MACH_PORT_NULL;
	vm_offset_t prog = 0, archive = 0, extra = 0;
	mach_msg_type_number_t prog_size = 0, archive_size = 0, extra_size = 0;
	const char *err, *archive_name = NULL, *args_name = NULL, *root_device = NULL;
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; i < argc && (argv[i][0] == '-' || strncmp(argv[i], "root=", 5) == 0); i++) {
		if (strncmp(argv[i], "root=", 5) == 0)
			root_device = argv[i] + 5;
		else if (strcmp(argv[i], "-x") == 0)
			exit_with_init = 1;
		else if (strcmp(argv[i], "-D") == 0 && i + 1 < argc)
			device = (mach_port_t)strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			archive_name = argv[++i];
		else if (strcmp(argv[i], "-a") == 0 && i + 1 < argc)
			args_name = argv[++i];
		else
			break;
	}
	if (i >= argc) {
		printf("usage: single [-x] [-D DEVICE] [root=PART] [-r ARCHIVE] [-a ARGS] PROGRAM [ARG...]\n");
		return 2;
	}
	task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &bs);
	if (!get_module(bs, EMUL_MODULE, &emul, &emul_size)) {
		printf("unix: no such data module: %s\n", EMUL_MODULE);
		return 1;
	}
	if (archive_name != NULL && !get_module(bs, archive_name, &archive, &archive_size)) {
		printf("unix: no such data module: %s\n", archive_name);
		return 1;
	}
	if (args_name != NULL && !get_module(bs, args_name, &extra, &extra_size)) {
		printf("unix: no such data module: %s\n", args_name);
		return 1;
	}
	/* A program bootstrap holds, else a path. */
	const char *base = strrchr(argv[i], '/');
	if (!get_module(bs, base != NULL ? base + 1 : argv[i], &prog, &prog_size)) {
		prog_size = 0;
		if (argv[i][0] != '/') {
			printf("unix: no such data module: %s\n", argv[i]);
			return 1;
		}
	}

	struct unixfiles_config config = {MACH_PORT_NULL, (const void *)archive, archive_size, device, &tty_procs,
					  MACH_PORT_NULL, root_device};
	struct unixfiles_ports ports;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &port_set);
	config.port_set = port_set;
	proc_init(port_set);
	proc_init_ended = init_ended;
	proc_new_task = exec_task;
	config.proc_info = start_proc_info();
	int rc = unixfiles_init(&config, &ports);
	if (rc != 0)
		printf("unix: the file services say %d (the archive may be damaged); going on\n", rc);
	if (ports.root_on_disk) {
		printf("unix: / is ext2 on %s\n", root_device);
		unixfiles_start_flusher();
	} else if (root_device != NULL) {
		printf("unix: cannot mount %s (error %d): / is the boot archive\n", root_device, ports.root_error);
	}
	for (int t = 0; t < SERVER_THREADS; t++) {
		cthread_t ct;
		if (cthread_create(&ct, server_thread, NULL) == KERN_SUCCESS)
			cthread_detach(ct);
	}
	mach_port_insert_right(mach_task_self(), ports.root, ports.root, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_insert_right(mach_task_self(), ports.pipes, ports.pipes, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_t fds[INIT_FILES];
	if ((err = init_files(ports.root, ports.pipes, MACH_PORT_VALID(device), fds)) != NULL) {
		printf("unix: %s\n", err);
		return 1;
	}
	cthread_mutex_lock(&server_lock);
	proc_set_init_ports(ports.root, ports.root, fds[0], fds[1], fds[2]);
	proc_set_service(PROC_SERVICE_PIPES, ports.pipes);
	err = start_first(prog, prog_size, argv + i, argc - i, (const char *)extra, extra_size);
	cthread_mutex_unlock(&server_lock);
	if (err != NULL) {
		printf("unix: cannot start %s: %s\n", argv[i], err);
		return 1;
	}
	if (prog_size != 0)
		vm_deallocate(mach_task_self(), prog, prog_size);
	printf("unix: started %s as pid 1\n", argv[i]);
	if (exit_with_init)
		wait_for_init();
	server_thread(NULL);
	return 0;
}
