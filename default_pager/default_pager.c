/*
 * The default pager: the task that backs the kernel's temporary memory
 * with swap space on disk.  Bootstrap starts it before every other
 * server (see bootstrap/README):
 *
 *   default_pager HOST_PORT DEVICE_PORT SWAP...
 *
 * HOST_PORT and DEVICE_PORT name the privileged host port and the device
 * master port (bootstrap's ${host-port} ${device-port}); each SWAP is a
 * device ("hd0s2") or extents of one ("hd0:2048+4096,10240+512").
 *
 * Start-up order matters (README, "Never waiting for memory"): open the
 * swap devices, make every table and port, grow the heap by what the
 * server loop will take, then wire all of it with the thread's kernel
 * privilege, and only then register with the kernel.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <mach/memory_object_server.h>
#include "memory_object_default_server.h"
#include "default_pager_server.h"
#include "default_pager.h"

#define T mach_task_self()

/* The largest request: default_pager.defs' paging_file (a 256-byte
 * name); replies of the lists are about 4 KiB inline. */
#define DP_MSG_MAX 8192
/* Heap above the break wired too: what the server loop and the console
 * take from it after start-up. */
#define DP_HEAP_SLACK (64 * 1024)
/* Stack wired below where main is now: the loop's depth and more. */
#define DP_STACK_WIRED (64 * 1024)

mach_port_t dp_host_priv, dp_device_master, dp_port, dp_port_set;

void dp_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static boolean_t dp_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return memory_object_server(in, out) || memory_object_default_server(in, out) ||
	       default_pager_server(in, out);
}

/* Wire [start, end) of a region: what the pager uses must never be paged
 * out, or it would wait for itself. */
static kern_return_t wire(vm_offset_t start, vm_offset_t end, vm_prot_t prot, vm_size_t *wired)
{
	if (end <= start)
		return KERN_SUCCESS;
	*wired += end - start;
	return vm_wire(dp_host_priv, T, start, end - start, prot);
}

/* Every mapped region, except the heap above its break and the stack
 * far below us (both untouched, and large). */
static kern_return_t wire_everything(vm_size_t *wired)
{
	vm_offset_t heap_base, heap_limit, heap_break = mach_round_page(sbrk(0)) + DP_HEAP_SLACK;
	vm_offset_t stack_low = mach_trunc_page((vm_offset_t)__builtin_frame_address(0) - DP_STACK_WIRED);
	vm_address_t addr = 0;
	kern_return_t kr = KERN_SUCCESS;

	libmach_heap_region(&heap_base, &heap_limit);
	if (heap_break > heap_limit)
		heap_break = heap_limit;
	*wired = 0;
	for (;;) {
		vm_size_t size;
		vm_prot_t prot;
		if (mach_vm_region_prot(T, &addr, &size, &prot) != KERN_SUCCESS)
			break;
		vm_offset_t start = addr, end = addr + size;
		prot &= VM_PROT_READ | VM_PROT_WRITE;
		addr = end;
		if (!(prot & VM_PROT_READ))
			continue;
		if (start < stack_low && stack_low < end)
			start = stack_low;		      /* the stack region: its top part */
		if (start < heap_limit && heap_break < end) { /* around the unused heap */
			if (kr == KERN_SUCCESS)
				kr = wire(start, heap_break > start ? heap_break : start, prot, wired);
			start = heap_limit > start ? heap_limit : start;
		}
		if (kr == KERN_SUCCESS)
			kr = wire(start, end, prot, wired);
	}
	return kr;
}

int main(int argc, char **argv)
{
	kern_return_t kr;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4) {
		printf("usage: default_pager HOST_PORT DEVICE_PORT SWAP...\n");
		return 1;
	}
	dp_host_priv = (mach_port_t)strtoul(argv[1], NULL, 0);
	dp_device_master = (mach_port_t)strtoul(argv[2], NULL, 0);
	dp_slots_init();
	dp_objects_init();
	for (int i = 3; i < argc; i++)
		if ((kr = dp_area_add(dp_device_master, argv[i])) != KERN_SUCCESS)
			printf("default_pager: swap area %s not used (0x%x)\n", argv[i], kr);
	uint32_t total, free_slots;
	dp_swap_totals(&total, &free_slots);
	if (total == 0) {
		printf("default_pager: no swap space: not starting\n");
		return 1;
	}
	if (mach_port_allocate(T, MACH_PORT_RIGHT_RECEIVE, &dp_port) != KERN_SUCCESS ||
	    mach_port_insert_right(T, dp_port, dp_port, MACH_MSG_TYPE_MAKE_SEND) != KERN_SUCCESS ||
	    mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &dp_port_set) != KERN_SUCCESS ||
	    mach_port_move_member(T, dp_port, dp_port_set) != KERN_SUCCESS) {
		printf("default_pager: cannot make its ports\n");
		return 1;
	}
	/* Our thread may take the kernel's reserved pages (a page-in's data,
	 * a page-out's message) when everyone else must wait for us. */
	if ((kr = thread_wire(dp_host_priv, mach_thread_self(), TRUE)) != KERN_SUCCESS) {
		printf("default_pager: thread_wire: 0x%x (is argv[1] the privileged host port?)\n", kr);
		return 1;
	}
	printf("default_pager: %u KiB of swap in", (unsigned)(total * (vm_page_size / 1024)));
	for (unsigned a = 0; a < DP_AREAS_MAX; a++)
		if (dp_areas[a].in_use)
			printf(" %s", dp_areas[a].name);
	printf("\n");
	vm_size_t wired;
	if ((kr = wire_everything(&wired)) != KERN_SUCCESS) {
		printf("default_pager: cannot wire its memory (0x%x)\n", kr);
		return 1;
	}
	mach_port_t old = dp_port;
	if ((kr = vm_set_default_memory_manager(dp_host_priv, &old)) != KERN_SUCCESS) {
		printf("default_pager: vm_set_default_memory_manager: 0x%x\n", kr);
		return 1;
	}
	if (MACH_PORT_VALID(old)) {
		printf("default_pager: replacing an earlier default pager\n");
		mach_port_deallocate(T, old);
	}
	printf("default_pager: %u KiB wired; serving\n", (unsigned)(wired / 1024));
	mach_msg_return_t mr = mach_msg_server(dp_demux, DP_MSG_MAX, dp_port_set);
	printf("default_pager: the server loop stopped (0x%x)\n", mr);
	return 1;
}
