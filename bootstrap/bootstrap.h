/* The bootstrap server's parts (see README). */
#ifndef _BOOTSTRAP_BOOTSTRAP_H_
#define _BOOTSTRAP_BOOTSTRAP_H_

#include <mach.h>

/* Start the static i386 ELF image (size bytes at image) as a new task
 * with argv from cmdline (GNU Mach's ${host-port} and ${device-port}
 * become names of those rights in the task) and bootstrap_port as its
 * TASK_BOOTSTRAP_PORT.  Returns NULL and the task in *task, or why not. */
const char *bootstrap_start_task(const void *image, vm_size_t size, const char *cmdline,
				 mach_port_t bootstrap_port, mach_port_t host_port, mach_port_t device_port,
				 task_t *task);

/* The name service: names_init makes its ports (the service port and a
 * port set to receive on); names_watch_task counts a started module and
 * names_serve, when exit_when_done, exits once all of them have ended. */
mach_port_t names_init(void);
void names_watch_task(task_t task);
void names_serve(int exit_when_done) __attribute__((noreturn));
/* Hold a data module (size bytes at image, mapped for good) under name
 * for bootstrap_get_module; 0, or -1 if the table is full or the name bad. */
int names_add_module(const char *name, const void *image, vm_size_t size);
/* Is this module data ($(data) among its command-line words)?  Then its
 * name (the last component of its first word) goes into name. */
int bootstrap_data_module(const char *cmdline, char *name, size_t size);

#endif
