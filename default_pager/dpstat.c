/*
 * dpstat: print what the default pager reports (default_pager.defs) and
 * the kernel's paging counters.
 *
 *   dpstat HOST_PORT
 *
 * The default pager's port comes from vm_set_default_memory_manager
 * asked with MACH_PORT_NULL, which needs the privileged host port.
 */
#include <stdio.h>
#include <stdlib.h>
#include <mach/default_pager.h>
#include <mach.h>

#define T mach_task_self()

int main(int argc, char **argv)
{
	mach_port_t host_priv = argc > 1 ? (mach_port_t)strtoul(argv[1], NULL, 0) : MACH_PORT_NULL,
		    pager = MACH_PORT_NULL;
	default_pager_info_t info;
	struct vm_statistics vs;
	kern_return_t kr;

	if (argc != 2) {
		printf("usage: dpstat HOST_PORT\n");
		return 1;
	}
	if ((kr = vm_set_default_memory_manager(host_priv, &pager)) != KERN_SUCCESS ||
	    !MACH_PORT_VALID(pager)) {
		printf("dpstat: no default pager (0x%x)\n", kr);
		return 1;
	}
	if ((kr = default_pager_info(pager, &info)) != KERN_SUCCESS) {
		printf("dpstat: default_pager_info: 0x%x\n", kr);
		return 1;
	}
	printf("swap: %u KiB, %u KiB free, %u KiB used; page size %u\n",
	       (unsigned)(info.dpi_total_space / 1024), (unsigned)(info.dpi_free_space / 1024),
	       (unsigned)((info.dpi_total_space - info.dpi_free_space) / 1024), (unsigned)info.dpi_page_size);
	default_pager_object_array_t objects = NULL;
	mach_port_array_t ports = NULL;
	mach_msg_type_number_t nobjects = 0, nports = 0;
	if ((kr = default_pager_objects(pager, &objects, &nobjects, &ports, &nports)) != KERN_SUCCESS) {
		printf("dpstat: default_pager_objects: 0x%x\n", kr);
		return 1;
	}
	printf("%u objects\n", nobjects);
	for (mach_msg_type_number_t i = 0; i < nobjects; i++) {
		printf("  object 0x%x: %u KiB in swap\n", (unsigned)objects[i].dpo_object,
		       (unsigned)(objects[i].dpo_size / 1024));
		if (MACH_PORT_VALID(ports[i]))
			mach_port_deallocate(T, ports[i]);
	}
	vm_deallocate(T, (vm_address_t)objects, nobjects * sizeof(*objects));
	vm_deallocate(T, (vm_address_t)ports, nports * sizeof(*ports));
	if (vm_statistics(T, &vs) == KERN_SUCCESS)
		printf("kernel: %d pageouts, %d pageins, %d free pages of %d KiB\n", vs.pageouts, vs.pageins,
		       vs.free_count, vs.pagesize / 1024);
	return 0;
}
