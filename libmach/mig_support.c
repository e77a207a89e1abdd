/* Memory and string helpers the MIG-generated stubs call. */
#include <mach.h>

void mig_allocate(vm_offset_t *addr, vm_size_t size)
{
	if (vm_allocate(mach_task_self(), addr, size, TRUE) != KERN_SUCCESS)
		*addr = 0;
}

void mig_deallocate(vm_offset_t addr, vm_size_t size)
{
	(void)vm_deallocate(mach_task_self(), addr, size);
}

/*
 * Copy a C string into a buffer of len bytes, always NUL-terminated when
 * len > 0.  Returns the bytes written including the NUL: the element
 * count of the string in a message.
 */
int mig_strncpy(char *dst, const char *src, int len)
{
	int i;
	if (len <= 0)
		return 0;
	for (i = 0; i < len - 1 && src[i] != '\0'; i++)
		dst[i] = src[i];
	dst[i] = '\0';
	return i + 1;
}
