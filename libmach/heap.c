/*
 * The heap: sbrk, under newlib's malloc, hands out a region that
 * libmach_heap_init() obtains at start-up: a static arena of 8 MiB in
 * .bss, or, for a program that defines libmach_heap_size (larger), a
 * region of that size vm_allocate'd anywhere (untouched pages cost
 * nothing; the emulation library, which must stay within its own
 * region, keeps the arena).  One region, never moved: thread stacks
 * come from malloc, so they live here too (cthread_current relies on
 * that).
 */
#include <errno.h>
#include <unistd.h>
#include "libmach_private.h"

/* 8 MiB of .bss: costs nothing until touched, if the kernel fills .bss lazily. */
#define LIBMACH_ARENA_SIZE (8u << 20)
static char libmach_arena[LIBMACH_ARENA_SIZE] __attribute__((aligned(4096)));

/* 0: the arena; a program that wants a larger heap defines its own. */
__attribute__((weak)) vm_size_t libmach_heap_size = 0;

/* Empty until libmach_heap_init: nothing is on a heap stack before. */
uintptr_t libmach_heap_base, libmach_heap_limit;
static uintptr_t libmach_heap_break;

/* The one place that decides where the heap is. */
void libmach_heap_init(void)
{
	vm_address_t region = 0;

	if (libmach_heap_size > LIBMACH_ARENA_SIZE &&
	    vm_allocate(mach_task_self(), &region, libmach_heap_size, TRUE) == KERN_SUCCESS) {
		libmach_heap_base = region;
		libmach_heap_limit = region + libmach_heap_size;
	} else {
		libmach_heap_base = (uintptr_t)libmach_arena;
		libmach_heap_limit = libmach_heap_base + LIBMACH_ARENA_SIZE;
	}
	libmach_heap_break = libmach_heap_base;
}

void libmach_heap_region(vm_offset_t *base, vm_offset_t *limit)
{
	*base = libmach_heap_base;
	*limit = libmach_heap_limit;
}

/* Called with newlib's malloc lock held, so no lock of its own. */
void *sbrk(ptrdiff_t increment)
{
	uintptr_t old = libmach_heap_break;
	if (increment > 0 ? (uintptr_t)increment > libmach_heap_limit - old
			  : (uintptr_t)-increment > old - libmach_heap_base) {
		errno = ENOMEM;
		return (void *)-1;
	}
	libmach_heap_break = old + increment;
	return (void *)old;
}

void *_sbrk(ptrdiff_t increment) __attribute__((alias("sbrk")));
