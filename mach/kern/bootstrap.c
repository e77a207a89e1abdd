/*
 * Starting the first task: the first boot module is loaded as a static
 * i386 ELF into a new task, given a stack with argc, argv and envp (the
 * layout GNU Mach and Linux share), and started.  Its command line may
 * use GNU Mach's boot-script variables: ${host-port} and ${device-port}
 * become the names of the privileged host port and the device master
 * port in the task; $(task-create) and $(task-resume) are accepted.
 *
 * The other modules are handed over too (for the bootstrap server,
 * bootstrap/README): each image is mapped read-only into the first task,
 * and its environment says where, with the privileged ports' names:
 *   BOOT_HOST_PORT=N  BOOT_DEVICE_PORT=N  BOOT_MODULES=COUNT
 *   BOOT_MODULE_1=ADDR,SIZE,CMDLINE  ...  (ADDR in hex, SIZE in decimal)
 * argv stays exactly the module's command line, so GNU Mach-style first
 * tasks see what they expect.
 */
#include <mach/vm_prot.h>
#include <kern/bootinfo.h>
#include <kern/bootstrap.h>
#include <kern/debug.h>
#include <ernst/boot_script.h>
#include <ernst/elf.h>
#include <kern/host.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <ipc/space.h>
#include <vm/vm_map.h>
#include <vm/vm_fault.h>
#include <i386/pmap.h>
#include <vm/vm_user.h>
#include <device/device.h>

#define USER_STACK_SIZE (1u << 20)
#define USER_STACK_TOP (KERNBASE - PAGE_SIZE)
#define BOOT_MAX_ARGS 32
#define BOOT_ARGS_MAX 4096
#define BOOT_MAX_ENV (BOOT_MODULES_MAX + 4)

extern struct task *first_task;
struct ipc_port *device_master_port;

/* Copy len bytes of kernel data to addr in map, a page at a time through
 * the direct map (the task is not running, so no fault can race this). */
static kern_return_t copy_to_map(struct vm_map *map, vm_offset_t addr, const void *data, vm_size_t len)
{
	const char *src = data;

	while (len > 0) {
		vm_offset_t page = trunc_page(addr);
		vm_size_t off = addr - page, n = PAGE_SIZE - off;
		if (n > len)
			n = len;
		kern_return_t kr = vm_fault(map, page, VM_PROT_READ | VM_PROT_WRITE);
		if (kr != KERN_SUCCESS)
			return kr;
		phys_addr_t pa = pmap_extract(map->pmap, page);
		if (pa == 0)
			return KERN_MEMORY_FAILURE;
		memcpy((char *)phystokv(pa) + off, src, n);
		src += n;
		addr += n;
		len -= n;
	}
	return KERN_SUCCESS;
}

static const char *elf_check(const struct elf32_ehdr *eh, uint32_t size)
{
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, 4) != 0)
		return "not an ELF file";
	if (eh->e_ident[4] != ELFCLASS32 || eh->e_ident[5] != ELFDATA2LSB || eh->e_machine != EM_386)
		return "not an i386 (32-bit little-endian) ELF file";
	if (eh->e_type != ET_EXEC)
		return "not a static executable";
	if (eh->e_phentsize != sizeof(struct elf32_phdr) || eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf32_phdr) > size - eh->e_phoff)
		return "program headers outside the file";
	return NULL;
}

/* Load the ELF image into task; *entry gets its entry point. */
static const char *elf_load(struct task *task, const void *image, uint32_t size, uint32_t *entry)
{
	const struct elf32_ehdr *eh = image;
	const char *err = elf_check(eh, size);

	if (err)
		return err;
	const struct elf32_phdr *ph = (const void *)((const char *)image + eh->e_phoff);
	vm_offset_t mapped_end = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		uint64_t end = (uint64_t)ph[i].p_vaddr + ph[i].p_memsz;
		if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > size || ph[i].p_filesz > size - ph[i].p_offset ||
		    end > VM_MAX_USER_ADDRESS)
			return "a segment lies outside the file or user space";
		vm_offset_t start = trunc_page(ph[i].p_vaddr);
		if (start < mapped_end) /* shares a page with the previous segment */
			start = mapped_end;
		vm_offset_t stop = round_page((vm_offset_t)end);
		if (stop > start && vm_allocate(task->map, &start, stop - start, FALSE) != KERN_SUCCESS)
			return "segments overlap or memory is short";
		if (stop > mapped_end)
			mapped_end = stop;
		if (copy_to_map(task->map, ph[i].p_vaddr, (const char *)image + ph[i].p_offset, ph[i].p_filesz) !=
		    KERN_SUCCESS)
			return "could not copy a segment";
	}
	*entry = eh->e_entry;
	return NULL;
}

/* A send right to port in task's space; its name (MACH_PORT_NULL if none). */
static mach_port_t give_send_right(struct task *task, struct ipc_port *port)
{
	mach_port_t name;

	if (port == NULL || ipc_right_copyout(task->itk_space, ipc_port_make_send(port), MACH_MSG_TYPE_PORT_SEND,
					      &name) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return name;
}

/* Expand GNU Mach boot-script variables into names in task's space. */
static void expand_arg(struct task *task, const char *word, char *out, unsigned size)
{
	struct ipc_port *port = NULL;

	if (strcmp(word, "${host-port}") == 0)
		port = host_priv_port;
	else if (strcmp(word, "${device-port}") == 0)
		port = device_master_port;
	if (port == NULL) {
		strlcpy(out, word, size);
		return;
	}
	snprintf(out, size, "%u", give_send_right(task, port));
}

/* Map boot module i read-only into task; *addr gets where. */
static kern_return_t map_module(struct task *task, unsigned i, vm_offset_t *addr)
{
	const struct boot_module *m = &boot_modules[i];
	vm_size_t size = m->end - m->start;
	kern_return_t kr;

	*addr = 0;
	if (size == 0)
		return KERN_SUCCESS;
	kr = vm_allocate(task->map, addr, round_page(size), TRUE);
	if (kr == KERN_SUCCESS)
		kr = copy_to_map(task->map, *addr, phystokv(m->start), size);
	if (kr == KERN_SUCCESS)
		kr = vm_protect(task->map, *addr, round_page(size), FALSE, VM_PROT_READ);
	return kr;
}

/* The environment of the first task (see the top of this file), appended
 * to strings at *len; env_off gets each string's offset. */
static unsigned build_env(struct task *task, char *strings, unsigned *len, unsigned max, uint32_t *env_off)
{
	char s[BOOT_MODULE_CMDLINE_MAX + 64];
	unsigned n = 0;

	for (unsigned i = 0; i < boot_module_count + 3 && n < BOOT_MAX_ENV; i++) {
		if (i == 0)
			snprintf(s, sizeof(s), "BOOT_HOST_PORT=%u", give_send_right(task, host_priv_port));
		else if (i == 1)
			snprintf(s, sizeof(s), "BOOT_DEVICE_PORT=%u", give_send_right(task, device_master_port));
		else if (i == 2)
			snprintf(s, sizeof(s), "BOOT_MODULES=%u", boot_module_count - 1);
		else if (i - 3 == 0)
			continue; /* module 0 is the first task itself */
		else {
			unsigned mod = i - 3;
			vm_offset_t addr;
			if (map_module(task, mod, &addr) != KERN_SUCCESS) {
				printf("bootstrap: no memory to hand over module %u\n", mod);
				continue;
			}
			snprintf(s, sizeof(s), "BOOT_MODULE_%u=0x%x,%u,%s", mod, (unsigned)addr,
				 (unsigned)(boot_modules[mod].end - boot_modules[mod].start), boot_modules[mod].cmdline);
		}
		unsigned l = strlen(s) + 1;
		if (*len + l > max)
			break;
		memcpy(strings + *len, s, l);
		env_off[n++] = *len;
		*len += l;
	}
	return n;
}

/* Build argc/argv/envp at the top of the stack; returns the stack pointer. */
static kern_return_t build_stack(struct task *task, const char *cmdline, uint32_t *sp_out)
{
	static char strings[BOOT_ARGS_MAX], words[BOOT_ARGS_MAX];
	uint32_t argv_off[BOOT_MAX_ARGS];
	unsigned argc = 0, len = 0;

	strlcpy(words, cmdline, sizeof(words));
	char *cursor = words, *w;
	while (argc < BOOT_MAX_ARGS && (w = boot_script_next_word(&cursor)) != NULL) {
		char arg[64];
		expand_arg(task, w, arg, sizeof(arg));
		unsigned n = strlen(arg) + 1;
		if (len + n > sizeof(strings))
			break;
		memcpy(strings + len, arg, n);
		argv_off[argc++] = len;
		len += n;
	}
	uint32_t env_off[BOOT_MAX_ENV];
	unsigned envc = build_env(task, strings, &len, sizeof(strings), env_off);
	vm_offset_t stack = USER_STACK_TOP - USER_STACK_SIZE;
	kern_return_t kr = vm_allocate(task->map, &stack, USER_STACK_SIZE, FALSE);
	if (kr != KERN_SUCCESS)
		return kr;
	uint32_t str_base = (USER_STACK_TOP - len) & ~15u;
	uint32_t vec[BOOT_MAX_ARGS + BOOT_MAX_ENV + 3];
	unsigned nvec = 0;
	vec[nvec++] = argc;
	for (unsigned i = 0; i < argc; i++)
		vec[nvec++] = str_base + argv_off[i];
	vec[nvec++] = 0; /* end of argv */
	for (unsigned i = 0; i < envc; i++)
		vec[nvec++] = str_base + env_off[i];
	vec[nvec++] = 0; /* end of envp */
	uint32_t sp = (str_base - nvec * sizeof(uint32_t)) & ~15u;
	kr = copy_to_map(task->map, str_base, strings, len);
	if (kr == KERN_SUCCESS)
		kr = copy_to_map(task->map, sp, vec, nvec * sizeof(uint32_t));
	*sp_out = sp;
	return kr;
}

int bootstrap_first_task(void)
{
	const struct boot_module *m = &boot_modules[0];
	struct task *task;
	struct thread *th;
	uint32_t entry, sp;
	const char *err;

	device_init();

	char name[32];
	unsigned n = 0;
	const char *base = m->cmdline;
	for (const char *p = m->cmdline; *p && *p != ' '; p++)
		if (*p == '/')
			base = p + 1;
	while (base[n] && base[n] != ' ' && n < sizeof(name) - 1) {
		name[n] = base[n];
		n++;
	}
	name[n] = '\0';

	if (task_create_user(NULL, 0, name, &task) != KERN_SUCCESS)
		panic("bootstrap: cannot create the first task");
	err = elf_load(task, phystokv(m->start), m->end - m->start, &entry);
	if (err != NULL) {
		printf("bootstrap: module 0 (%s): %s\n", m->cmdline, err);
		task_terminate(task);
		return 0;
	}
	if (build_stack(task, m->cmdline, &sp) != KERN_SUCCESS || thread_create(task, &th) != KERN_SUCCESS) {
		printf("bootstrap: no memory to start %s\n", name);
		task_terminate(task);
		return 0;
	}
	th->pcb.user_state->eip = entry;
	th->pcb.user_state->uesp = sp;
	first_task = task;
	printf("starting the first task: %s\n", m->cmdline);
	thread_resume(th);
	return 1;
}
