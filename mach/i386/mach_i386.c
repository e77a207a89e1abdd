/* The kernel side of mach_i386.defs: the thread's TLS slots (pcb.c). */
#include <i386/pcb.h>
#include <kern/thread.h>
#include <mach_i386_server.h>

kern_return_t S_i386_set_gdt(thread_t target_thread, int *selector, descriptor_t desc)
{
	uint32_t raw[2] = {desc.low_word, desc.high_word};

	return pcb_set_tls(target_thread, selector, raw);
}

kern_return_t S_i386_get_gdt(thread_t target_thread, int selector, descriptor_t *desc)
{
	uint32_t raw[2];
	kern_return_t kr = pcb_get_tls(target_thread, selector, raw);

	if (kr == KERN_SUCCESS) {
		desc->low_word = raw[0];
		desc->high_word = raw[1];
	}
	return kr;
}
