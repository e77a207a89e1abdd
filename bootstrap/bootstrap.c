/*
 * bootstrap: the first task.  The kernel maps the other boot modules
 * into us read-only and says where in our environment (docs/booting.md):
 *   BOOT_HOST_PORT=N BOOT_DEVICE_PORT=N BOOT_MODULES=COUNT
 *   BOOT_MODULE_I=ADDR,SIZE,CMDLINE   for I = 1..COUNT
 * We start each module as a task, in module order, with our name
 * service as its bootstrap port, then serve names.  Options:
 *   -x   exit (ending the system) once every started module has ended
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mach.h>
#include <servers/bootstrap_limits.h>
#include <ernst/boot_script.h>
#include "bootstrap.h"

#define DATA_WORD "$(data)"
#define CMDLINE_MAX 1024

int bootstrap_data_module(const char *cmdline, char *name, size_t size)
{
	char words[CMDLINE_MAX], *cursor = words, *w, *first = NULL;
	int data = 0;

	snprintf(words, sizeof(words), "%s", cmdline);
	while ((w = boot_script_next_word(&cursor)) != NULL) {
		if (first == NULL)
			first = w;
		else if (strcmp(w, DATA_WORD) == 0)
			data = 1;
	}
	if (!data || first == NULL)
		return 0;
	const char *base = strrchr(first, '/');
	snprintf(name, size, "%s", base != NULL ? base + 1 : first);
	return 1;
}

#define DEFAULT_PAGER_NAME "default_pager"
#define DEFAULT_PAGER_WAIT_MS 10000
#define DEFAULT_PAGER_POLL_MS 10

static mach_port_t env_port(const char *var)
{
	const char *s = getenv(var);

	return s != NULL ? (mach_port_t)strtoul(s, NULL, 0) : MACH_PORT_NULL;
}

/* Module i from the environment; 0 if it is not there or garbled. */
static int module_get(unsigned i, vm_address_t *addr, vm_size_t *size, const char **cmdline)
{
	char var[32], *end;
	const char *s;

	snprintf(var, sizeof(var), "BOOT_MODULE_%u", i);
	s = getenv(var);
	if (s == NULL)
		return 0;
	*addr = strtoul(s, &end, 0);
	if (*end != ',')
		return 0;
	*size = strtoul(end + 1, &end, 0);
	if (*end != ',')
		return 0;
	*cmdline = end + 1;
	return 1;
}

/* The default pager is the module whose program is named default_pager:
 * its number, or 0 if there is none. */
static unsigned find_default_pager(unsigned nmodules)
{
	for (unsigned i = 1; i <= nmodules; i++) {
		vm_address_t addr;
		vm_size_t size;
		const char *cmdline, *base;
		char words[CMDLINE_MAX], *cursor = words, *program;
		if (!module_get(i, &addr, &size, &cmdline))
			continue;
		snprintf(words, sizeof(words), "%s", cmdline);
		if ((program = boot_script_next_word(&cursor)) == NULL)
			continue;
		base = strrchr(program, '/');
		if (strcmp(base != NULL ? base + 1 : program, DEFAULT_PAGER_NAME) == 0)
			return i;
	}
	return 0;
}

/* Wait (polling, DEFAULT_PAGER_WAIT_MS at most) until a default pager
 * has registered with the kernel, so every server after it can be paged. */
static void wait_default_pager(mach_port_t host_port)
{
	for (unsigned waited = 0; waited < DEFAULT_PAGER_WAIT_MS; waited += DEFAULT_PAGER_POLL_MS) {
		mach_port_t pager = MACH_PORT_NULL;
		if (vm_set_default_memory_manager(host_port, &pager) == KERN_SUCCESS &&
		    MACH_PORT_VALID(pager)) {
			mach_port_deallocate(mach_task_self(), pager);
			printf("bootstrap: the default pager is ready\n");
			return;
		}
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, DEFAULT_PAGER_POLL_MS);
	}
	printf("bootstrap: the default pager did not register; going on without it\n");
}

int main(int argc, char **argv)
{
	int exit_when_done = 0;
	mach_port_t host_port = env_port("BOOT_HOST_PORT"), device_port = env_port("BOOT_DEVICE_PORT");
	const char *count = getenv("BOOT_MODULES");
	unsigned nmodules = count != NULL ? strtoul(count, NULL, 0) : 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-x") == 0)
			exit_when_done = 1;
		else
			printf("bootstrap: unknown option %s ignored\n", argv[i]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bootstrap: %u module%s to start\n", nmodules, nmodules == 1 ? "" : "s");
	mach_port_t service = names_init();

	/* The default pager first of all, then the rest in order. */
	unsigned started = 0, pager = find_default_pager(nmodules);
	for (unsigned k = pager != 0 ? 0 : 1; k <= nmodules; k++) {
		unsigned i = k == 0 ? pager : k;
		if (k == pager)
			continue; /* started first */
		vm_address_t addr;
		vm_size_t size;
		const char *cmdline, *err;
		task_t task;

		char name[BOOTSTRAP_NAME_MAX + 1];
		if (!module_get(i, &addr, &size, &cmdline)) {
			printf("bootstrap: module %u: missing, skipped\n", i);
			continue;
		}
		if (bootstrap_data_module(cmdline, name, sizeof(name))) {
			if (names_add_module(name, (const void *)addr, size) == 0)
				printf("bootstrap: module %u: data %s (%u bytes)\n", i, name, (unsigned)size);
			else
				printf("bootstrap: module %u (%s): no room for more data modules, skipped\n",
				       i, cmdline);
			continue;
		}
		err = bootstrap_start_task((const void *)addr, size, cmdline, service, host_port, device_port,
					   &task);
		if (err != NULL) {
			printf("bootstrap: module %u (%s): %s, skipped\n", i, cmdline, err);
			continue;
		}
		printf("bootstrap: started module %u: %s\n", i, cmdline);
		started++;
		if (i == pager) { /* it serves as long as the system runs: -x does not wait for it */
			wait_default_pager(host_port);
			mach_port_deallocate(mach_task_self(), task);
		} else {
			names_watch_task(task);
		}
	}
	printf("bootstrap: %u of %u modules started; serving names\n", started, nmodules);
	names_serve(exit_when_done);
}
