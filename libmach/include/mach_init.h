/*
 * Ports every task knows about itself, cached once at start-up by
 * libmach's initialisation (crt0 calls it before main).
 *
 * Each mach_task_self() trap adds a user reference to the task's name for
 * its own port, so code should use the cached name: mach_task_self() below
 * is a macro reading it.  (mach_task_self)() still calls the trap.
 */
#ifndef _MACH_INIT_H_
#define _MACH_INIT_H_

#include <mach/port.h>
#include <mach_traps.h>

extern mach_port_t mach_task_self_;
#define mach_task_self() (mach_task_self_)

/* The page size; fixed at 4 KiB on i386. */
#define LIBMACH_PAGE_SIZE 4096u
extern vm_size_t vm_page_size;
#define mach_round_page(x) (((vm_offset_t)(x) + LIBMACH_PAGE_SIZE - 1) & ~(vm_offset_t)(LIBMACH_PAGE_SIZE - 1))
#define mach_trunc_page(x) ((vm_offset_t)(x) & ~(vm_offset_t)(LIBMACH_PAGE_SIZE - 1))

/* Where the heap may grow: [*base, *limit) (sbrk(0) says how far it
 * has); a task that wires its memory leaves the unused rest alone. */
extern void libmach_heap_region(vm_offset_t *base, vm_offset_t *limit);

/* The heap is an arena of 8 MiB in .bss, unless the program defines
 *   vm_size_t libmach_heap_size = SIZE;
 * (larger): then it is a region of SIZE bytes that start-up
 * vm_allocates anywhere (the single server's RAM file systems live in
 * it).  Untouched pages cost nothing either way. */
extern vm_size_t libmach_heap_size;

/*
 * Called by crt0 before main (and by nothing else): caches the self
 * ports, sets up the main thread and newlib, runs constructors.
 */
extern void libmach_init(int argc, char **argv, char **envp);

/*
 * In a task that started as a copy of this one (a UNIX fork: memory
 * inherited, ports not): forget the calling thread's cached MIG reply
 * port, whose name means nothing there, without releasing it; the next
 * RPC makes a new one.  Refresh mach_task_self_ first.
 */
extern void mig_forget_reply_port(void);

#endif /* _MACH_INIT_H_ */
