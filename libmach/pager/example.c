/*
 * An example external pager (docs/writing-a-pager.md): a memory object
 * whose pages hold the text "page N" until written; written pages are
 * kept by the pager, so they survive being flushed from memory.  main
 * maps the object, reads it, writes it, has the kernel flush it, and
 * reads the written data back through the pager.  Output is TAP, so the
 * example also runs as a test (user/pager_example).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pager.h>

#define NPAGES 16

static char *saved[NPAGES]; /* pages written back by the kernel, or NULL */

static kern_return_t example_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	unsigned n = offset / vm_page_size;
	(void)ctx, (void)lock;
	if (n >= NPAGES)
		return KERN_INVALID_ADDRESS; /* the faulting thread gets an exception */
	if (saved[n] != NULL)
		memcpy(buf, saved[n], vm_page_size);
	else {
		memset(buf, 0, vm_page_size); /* the kit does not clear buf */
		snprintf(buf, vm_page_size, "page %u", n);
	}
	return KERN_SUCCESS;
}

static kern_return_t example_write(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty)
{
	unsigned n = offset / vm_page_size;
	(void)ctx;
	if (n >= NPAGES || !dirty)
		return KERN_SUCCESS;
	if (saved[n] == NULL && (saved[n] = malloc(vm_page_size)) == NULL)
		return KERN_RESOURCE_SHORTAGE;
	memcpy(saved[n], buf, vm_page_size);
	return KERN_SUCCESS;
}

static const struct pager_ops example_ops = {
	.read = example_read,
	.write = example_write,
};

static int tests;

static void check(int cond, const char *what)
{
	printf("%s %d - %s\n", cond ? "ok" : "not ok", ++tests, what);
}

int main(void)
{
	mach_port_t object;
	vm_address_t addr = 0;
	vm_size_t size = NPAGES * vm_page_size;

	struct pager *pager = pager_create(&example_ops, NULL, 0, &object);
	check(pager != NULL && pager_start(pager, 2) == KERN_SUCCESS, "the pager runs");
	check(vm_map(mach_task_self(), &addr, size, 0, TRUE, object, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE,
		     VM_PROT_ALL, VM_INHERIT_NONE) == KERN_SUCCESS,
	      "its memory object is mapped");

	char *mem = (char *)addr;
	check(strcmp(mem + 3 * vm_page_size, "page 3") == 0, "page 3 reads \"page 3\"");
	strcpy(mem + 3 * vm_page_size, "hello, pager");

	/* Write dirty pages back and drop them from memory. */
	check(pager_lock_request(pager, 0, size, MEMORY_OBJECT_RETURN_DIRTY, TRUE, VM_PROT_NONE, TRUE) ==
		      KERN_SUCCESS,
	      "the kernel flushes the object");
	check(saved[3] != NULL && strcmp(saved[3], "hello, pager") == 0, "the pager saved the written page");
	check(strcmp(mem + 3 * vm_page_size, "hello, pager") == 0, "and serves it again");
	check(strcmp(mem + 4 * vm_page_size, "page 4") == 0, "page 4 was never written");

	vm_deallocate(mach_task_self(), addr, size);
	printf("1..%d\n", tests);
	return 0;
}
