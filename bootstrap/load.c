/*
 * Starting a module as a task: a fresh task (nothing inherited), its
 * ELF segments written in with vm_write, a stack like the kernel gives
 * the first task (argc, argv, an empty envp; SysV layout), one thread.
 * GNU Mach's vm_write takes whole pages at page boundaries, so every
 * piece is built as page images in our own memory first.
 */
#include <stdio.h>
#include <string.h>
#include <mach.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/thread_status.h>
#include <mach/task_special_ports.h>
#include "bootstrap.h"
#include <ernst/boot_script.h>
#include <ernst/elf.h>

#define PAGE 4096u
#define ROUND_PAGE(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define TRUNC_PAGE(x) ((x) & ~(PAGE - 1))
#define USER_TOP 0xc0000000u /* KERNBASE: user space ends here */
#define STACK_TOP (USER_TOP - PAGE) /* as the kernel's first task */
#define STACK_SIZE (1u << 20)
#define IMAGE_MAX (256u << 20) /* a sanity bound on one segment */
#define MAX_ARGS 32

static const char *elf_check(const struct elf32_ehdr *eh, vm_size_t size)
{
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, 4) != 0)
		return "not an ELF file";
	if (eh->e_ident[4] != ELFCLASS32 || eh->e_ident[5] != ELFDATA2LSB || eh->e_machine != EM_386)
		return "wrong architecture: not an i386 (32-bit little-endian) ELF file";
	if (eh->e_type != ET_EXEC)
		return "not a static executable";
	if (eh->e_phentsize != sizeof(struct elf32_phdr) || eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf32_phdr) > size - eh->e_phoff)
		return "program headers outside the file";
	return NULL;
}

/* Build pages [lo, hi) of the task from segments ph[first..last] (bss
 * and gaps zero) in our memory, allocate them in the task, write those
 * with file data in one vm_write, and make them read-only if no segment
 * is writable. */
static const char *load_group(task_t task, const void *image, const struct elf32_phdr *ph, unsigned first,
			      unsigned last, vm_address_t lo, vm_address_t hi)
{
	vm_address_t buf = 0, addr = lo;
	vm_size_t span = hi - lo;
	const char *err = NULL;
	int writable = 0;

	if (vm_allocate(mach_task_self(), &buf, span, TRUE) != KERN_SUCCESS)
		return "no memory to build the image";
	vm_address_t data_hi = lo; /* past the last page holding file data */
	for (unsigned i = first; i <= last; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		memcpy((char *)buf + (ph[i].p_vaddr - lo), (const char *)image + ph[i].p_offset, ph[i].p_filesz);
		writable |= (ph[i].p_flags & PF_W) != 0;
		if (ph[i].p_filesz > 0 && ROUND_PAGE(ph[i].p_vaddr + ph[i].p_filesz) > data_hi)
			data_hi = ROUND_PAGE(ph[i].p_vaddr + ph[i].p_filesz);
	}
	if (vm_allocate(task, &addr, span, FALSE) != KERN_SUCCESS)
		err = "segments overlap or memory is short";
	/* Only the pages with data: the rest of the bss stays untouched
	 * zero-fill memory, which costs nothing until used. */
	else if (data_hi > lo && vm_write(task, addr, buf, data_hi - lo) != KERN_SUCCESS)
		err = "cannot write the segments into the new task";
	else if (!writable)
		vm_protect(task, addr, span, FALSE, VM_PROT_READ | VM_PROT_EXECUTE);
	vm_deallocate(mach_task_self(), buf, span);
	return err;
}

/* The PT_LOAD segments, in address order; segments sharing a page are
 * loaded together (load_group). */
static const char *elf_load(task_t task, const void *image, vm_size_t size, vm_address_t *entry)
{
	const struct elf32_ehdr *eh = image;
	const char *err = elf_check(eh, size);
	vm_address_t lo = 0, hi = 0, prev_end = 0;
	unsigned first = 0, loaded = 0;

	if (err != NULL)
		return err;
	const struct elf32_phdr *ph = (const void *)((const char *)image + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		uint64_t end = (uint64_t)ph[i].p_vaddr + ph[i].p_memsz;
		if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > size || ph[i].p_filesz > size - ph[i].p_offset ||
		    end > STACK_TOP - STACK_SIZE || ph[i].p_vaddr < PAGE)
			return "a segment lies outside the file or user space";
		if (ph[i].p_vaddr < prev_end)
			return "segments overlap or are out of order";
		if (ROUND_PAGE(end) - TRUNC_PAGE(ph[i].p_vaddr) > IMAGE_MAX)
			return "a segment is too large";
		prev_end = end;
		if (loaded > 0 && TRUNC_PAGE(ph[i].p_vaddr) < hi) {
			hi = ROUND_PAGE(end); /* shares a page with the group */
		} else {
			if (loaded > 0 && (err = load_group(task, image, ph, first, i - 1, lo, hi)) != NULL)
				return err;
			first = i;
			lo = TRUNC_PAGE(ph[i].p_vaddr);
			hi = ROUND_PAGE(end);
		}
		loaded++;
	}
	if (loaded == 0)
		return "no loadable segment";
	err = load_group(task, image, ph, first, eh->e_phnum - 1, lo, hi);
	*entry = eh->e_entry;
	return err;
}

/* A send right to port named *next in task (names counted up from 1 in
 * the fresh space); the name as text in out. */
static void give_right(task_t task, mach_port_t port, mach_port_t *next, char *out, size_t size)
{
	mach_port_t name = (*next)++;

	if (!MACH_PORT_VALID(port) ||
	    mach_port_insert_right(task, name, port, MACH_MSG_TYPE_COPY_SEND) != KERN_SUCCESS)
		name = MACH_PORT_NULL;
	snprintf(out, size, "%u", (unsigned)name);
}

/* argv from cmdline, the SysV start-up stack in the task's top page. */
static const char *build_stack(task_t task, const char *cmdline, mach_port_t host_port, mach_port_t device_port,
			       vm_address_t *sp_out)
{
	static char words[PAGE];
	char strings[PAGE / 2];
	uint32_t argv_off[MAX_ARGS];
	unsigned argc = 0, len = 0;
	mach_port_t next_name = 1;

	snprintf(words, sizeof(words), "%s", cmdline);
	char *cursor = words, *w;
	while (argc < MAX_ARGS && (w = boot_script_next_word(&cursor)) != NULL) {
		char arg[256];
		if (strcmp(w, "${host-port}") == 0)
			give_right(task, host_port, &next_name, arg, sizeof(arg));
		else if (strcmp(w, "${device-port}") == 0)
			give_right(task, device_port, &next_name, arg, sizeof(arg));
		else if (strlen(w) < sizeof(arg))
			strcpy(arg, w);
		else
			return "a command-line word is too long";
		unsigned n = strlen(arg) + 1;
		if (len + n > sizeof(strings))
			return "command line too long";
		memcpy(strings + len, arg, n);
		argv_off[argc++] = len;
		len += n;
	}

	vm_address_t stack = STACK_TOP - STACK_SIZE, page = 0;
	if (vm_allocate(task, &stack, STACK_SIZE, FALSE) != KERN_SUCCESS)
		return "cannot allocate a stack in the new task";
	if (vm_allocate(mach_task_self(), &page, PAGE, TRUE) != KERN_SUCCESS)
		return "no memory to build the stack";
	/* The page is the task's [STACK_TOP - PAGE, STACK_TOP). */
	vm_address_t base = STACK_TOP - PAGE;
	uint32_t str = (STACK_TOP - len) & ~15u;
	memcpy((char *)page + (str - base), strings, len);
	uint32_t vec[MAX_ARGS + 3];
	unsigned nvec = 0;
	vec[nvec++] = argc;
	for (unsigned i = 0; i < argc; i++)
		vec[nvec++] = str + argv_off[i];
	vec[nvec++] = 0; /* end of argv */
	vec[nvec++] = 0; /* empty environment */
	uint32_t sp = (str - nvec * sizeof(uint32_t)) & ~15u;
	memcpy((char *)page + (sp - base), vec, nvec * sizeof(uint32_t));
	kern_return_t kr = vm_write(task, base, page, PAGE);
	vm_deallocate(mach_task_self(), page, PAGE);
	*sp_out = sp;
	return kr == KERN_SUCCESS ? NULL : "cannot write the stack";
}

const char *bootstrap_start_task(const void *image, vm_size_t size, const char *cmdline,
				 mach_port_t bootstrap_port, mach_port_t host_port, mach_port_t device_port,
				 task_t *task_out)
{
	task_t task;
	thread_t thread;
	vm_address_t entry = 0, sp = 0;
	const char *err;

	/* Check the image before making anything. */
	err = elf_check(image, size);
	if (err != NULL)
		return err;
	if (task_create(mach_task_self(), FALSE, &task) != KERN_SUCCESS)
		return "task_create failed";
	err = elf_load(task, image, size, &entry);
	if (err == NULL)
		err = build_stack(task, cmdline, host_port, device_port, &sp);
	if (err == NULL && task_set_special_port(task, TASK_BOOTSTRAP_PORT, bootstrap_port) != KERN_SUCCESS)
		err = "cannot set the bootstrap port";
	if (err == NULL && thread_create(task, &thread) != KERN_SUCCESS)
		err = "thread_create failed";
	if (err == NULL) {
		struct i386_thread_state st;
		memset(&st, 0, sizeof(st));
		st.eip = entry;
		st.uesp = sp;
		if (thread_set_state(thread, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT) !=
			    KERN_SUCCESS ||
		    thread_resume(thread) != KERN_SUCCESS)
			err = "cannot start the thread";
		mach_port_deallocate(mach_task_self(), thread);
	}
	if (err != NULL) {
		task_terminate(task);
		mach_port_deallocate(mach_task_self(), task);
		return err;
	}
	*task_out = task;
	return NULL;
}
