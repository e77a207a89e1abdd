/* Start-up of every task, called by crt0 before main. */
#include <stdlib.h>
#include "libmach_private.h"

extern char **environ;
extern void __libc_init_array(void);
extern void __libc_fini_array(void);

mach_port_t mach_task_self_;
vm_size_t vm_page_size = LIBMACH_PAGE_SIZE;

void libmach_init(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	environ = envp;
	/* One reference to our own task port for the whole run. */
	mach_task_self_ = (mach_task_self)();
	libmach_heap_init();
	libmach_threads_init();
	/* Destructors run at exit(), after the atexit handlers registered later. */
	atexit(__libc_fini_array);
	__libc_init_array();
}
