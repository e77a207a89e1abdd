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

	unsigned started = 0;
	for (unsigned i = 1; i <= nmodules; i++) {
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
		names_watch_task(task);
		started++;
	}
	printf("bootstrap: %u of %u modules started; serving names\n", started, nmodules);
	names_serve(exit_when_done);
}
