/*
 * The UNIX single server: every UNIX service in one task (DESIGN
 * principle 2), one port set, a pool of threads.  Started by bootstrap:
 *
 *   single [-x] PROGRAM [ARGS...]
 *
 * It fetches the emulation library (data module emul.bin) and PROGRAM
 * (a data module of that name) from bootstrap, and starts PROGRAM as the
 * first UNIX process, pid 1: a task with the library at EMUL_BASE whose
 * first thread execs PROGRAM from the boot area (<servers/emul_boot.h>).
 * With -x the server ends when pid 1 does, after printing its status
 * (bootstrap -x then halts the machine): the way tests run a program.
 *
 * Until the terminal service exists, files 1 and 2 of the first process
 * are the write end of a pipe (the pipe service's) whose read end a
 * thread here copies to the console.
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
#include <servers/io.h>
#include <servers/pipe.h>
#include "../io/unixio.h"
#include "../pipe/unixpipe.h"
#include "../proc/proc.h"

#define EMUL_MODULE "emul.bin"
#define SERVER_THREADS 3
#define SERVER_MSG_MAX 8192
#define PAGE 4096u
#define ROUND_PAGE(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define EFLAGS_IF 0x202

#define CONSOLE_CHUNK 2048
#define POLL_MS 50
#define DRAIN_MAX_MS 2000

/* proc's lock; the file services have theirs (unixio_lock). */
static cthread_mutex_t server_lock = CTHREAD_MUTEX_INITIALIZER;
static mach_port_t port_set;
static int exit_with_init;
static volatile int init_done, init_status;
static volatile int drain_eof; /* the console pipe has no writer left */
static mach_port_t console_read, console_write;

static boolean_t single_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	if (unixio_demux(in, out))
		return TRUE;
	cthread_mutex_lock(&server_lock);
	boolean_t handled = proc_demux(in, out);
	cthread_mutex_unlock(&server_lock);
	return handled;
}

static void *server_thread(void *arg)
{
	(void)arg;
	mach_msg_server(single_demux, UNIXIO_MSG_MAX > SERVER_MSG_MAX ? UNIXIO_MSG_MAX : SERVER_MSG_MAX,
			port_set);
	return NULL;
}

static void init_ended(int status)
{
	init_status = status;
	init_done = 1;
}

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

/* -x: once init has ended and its output is out (the console pipe is
 * at end of file: no process holds it any more), end with its status;
 * processes init left behind get DRAIN_MAX_MS to let go of it. */
static void wait_for_init(void)
{
	unsigned after = 0;
	while (!init_done)
		sleep_ms(POLL_MS);
	/* Our own rights to the pipe (for proc_get_init_ports) go now. */
	mach_port_deallocate(mach_task_self(), console_write);
	mach_port_deallocate(mach_task_self(), console_write);
	while (!drain_eof && after < DRAIN_MAX_MS) {
		sleep_ms(POLL_MS);
		after += POLL_MS;
	}
	int status = init_status;
	printf("unix: init exited with status %#x\n", (unsigned)status);
	fflush(stdout);
	exit((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f));
}

static const char *get_module(mach_port_t bs, const char *name, vm_offset_t *data,
			      mach_msg_type_number_t *size)
{
	kern_return_t kr = bootstrap_get_module(bs, (char *)name, data, size);
	return kr == KERN_SUCCESS ? NULL : "no such data module";
}

/* The first process: the library and the boot area written into a new
 * task, one thread at the library's boot entry. */
static const char *start_first(vm_offset_t emul, vm_size_t emul_size, vm_offset_t prog, vm_size_t prog_size,
			       const char *cmdline)
{
	const struct emul_image_header *h = (const void *)emul;
	task_t task;
	thread_t th;
	mach_port_t proc_port;
	vm_address_t a;

	if (emul_size < sizeof(*h) || h->magic != EMUL_IMAGE_MAGIC || h->file_size > emul_size ||
	    h->mem_size < h->file_size || h->mem_size > EMUL_BOOT_AREA - EMUL_BASE)
		return "emul.bin is not an emulation library image";
	if (strlen(cmdline) >= EMUL_BOOT_CMDLINE_MAX ||
	    prog_size > EMUL_BOOT_AREA_END - EMUL_BOOT_AREA - PAGE)
		return "the program or its command line is too large";
	if (task_create(mach_task_self(), FALSE, &task) != KERN_SUCCESS)
		return "task_create failed";
	a = EMUL_BASE;
	if (vm_allocate(task, &a, ROUND_PAGE(h->mem_size), FALSE) != KERN_SUCCESS ||
	    vm_write(task, EMUL_BASE, emul, ROUND_PAGE(h->file_size)) != KERN_SUCCESS)
		return "cannot load the library";
	vm_address_t args = 0;
	if (vm_allocate(mach_task_self(), &args, PAGE, TRUE) != KERN_SUCCESS)
		return "no memory";
	struct emul_boot_args *ba = (void *)args;
	ba->image_offset = PAGE;
	ba->image_size = prog_size;
	strcpy(ba->cmdline, cmdline);
	a = EMUL_BOOT_AREA;
	if (vm_allocate(task, &a, PAGE + ROUND_PAGE(prog_size), FALSE) != KERN_SUCCESS ||
	    vm_write(task, EMUL_BOOT_AREA, args, PAGE) != KERN_SUCCESS ||
	    vm_write(task, EMUL_BOOT_AREA + PAGE, prog, ROUND_PAGE(prog_size)) != KERN_SUCCESS)
		return "cannot write the program";
	vm_deallocate(mach_task_self(), args, PAGE);
	if (proc_create_first(task, &proc_port) != 0)
		return "no process slot";
	mach_port_insert_right(mach_task_self(), proc_port, proc_port, MACH_MSG_TYPE_MAKE_SEND);
	task_set_special_port(task, TASK_BOOTSTRAP_PORT, proc_port);
	mach_port_deallocate(mach_task_self(), proc_port);

	struct i386_thread_state st;
	memset(&st, 0, sizeof(st));
	st.eip = h->boot_entry;
	st.eax = EMUL_BOOT_AREA;
	st.efl = EFLAGS_IF;
	if (thread_create(task, &th) != KERN_SUCCESS ||
	    thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT) !=
		KERN_SUCCESS ||
	    thread_resume(th) != KERN_SUCCESS)
		return "cannot start the first thread";
	mach_port_deallocate(mach_task_self(), th);
	return NULL;
}

int main(int argc, char **argv)
{
	mach_port_t bs;
	vm_offset_t emul, prog;
	mach_msg_type_number_t emul_size, prog_size;
	char cmdline[EMUL_BOOT_CMDLINE_MAX];
	const char *err;
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (i < argc && strcmp(argv[i], "-x") == 0)
		exit_with_init = 1, i++;
	if (i >= argc) {
		printf("usage: single [-x] PROGRAM [ARGS...]\n");
		return 2;
	}
	cmdline[0] = '\0';
	for (int j = i; j < argc; j++) {
		if (strlen(cmdline) + strlen(argv[j]) + 2 > sizeof(cmdline)) {
			printf("unix: command line too long\n");
			return 2;
		}
		if (j > i)
			strcat(cmdline, " ");
		strcat(cmdline, argv[j]);
	}
	task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &bs);
	if ((err = get_module(bs, EMUL_MODULE, &emul, &emul_size)) != NULL ||
	    (err = get_module(bs, argv[i], &prog, &prog_size)) != NULL) {
		printf("unix: %s\n", err);
		return 1;
	}
	mach_port_t pipe_service;
	mach_msg_type_name_t poly;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &port_set);
	if (unixio_init(port_set) != KERN_SUCCESS || unixpipe_init(&pipe_service) != KERN_SUCCESS) {
		printf("unix: cannot set up the file services\n");
		return 1;
	}
	proc_init(port_set);
	proc_init_ended = init_ended;
	for (int t = 0; t < SERVER_THREADS; t++) {
		cthread_t ct;
		if (cthread_create(&ct, server_thread, NULL) == KERN_SUCCESS)
			cthread_detach(ct);
	}
	mach_port_insert_right(mach_task_self(), pipe_service, pipe_service, MACH_MSG_TYPE_MAKE_SEND);
	if (pipe_create(pipe_service, 0, &console_read, &poly, &console_write, &poly) != 0) {
		printf("unix: cannot make the console pipe\n");
		return 1;
	}
	mach_port_mod_refs(mach_task_self(), console_write, MACH_PORT_RIGHT_SEND, 1);
	proc_set_init_ports(MACH_PORT_NULL, MACH_PORT_NULL, MACH_PORT_NULL, console_write, console_write);
	cthread_t console;
	if (cthread_create(&console, console_thread, NULL) == KERN_SUCCESS)
		cthread_detach(console);
	cthread_mutex_lock(&server_lock);
	err = start_first(emul, emul_size, prog, prog_size, cmdline);
	cthread_mutex_unlock(&server_lock);
	if (err != NULL) {
		printf("unix: cannot start %s: %s\n", argv[i], err);
		return 1;
	}
	vm_deallocate(mach_task_self(), prog, prog_size);
	printf("unix: started %s as pid 1\n", cmdline);
	if (exit_with_init)
		wait_for_init();
	server_thread(NULL);
	return 0;
}
