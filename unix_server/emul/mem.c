/*
 * The program's memory: the break, anonymous mmap2/munmap/mprotect, and
 * set_thread_area (a TLS slot of the kernel's, i386_set_gdt).  All of
 * it lies below EMUL_BASE; the library's own memory is never handed out.
 */
#include <mach/mach_interface.h>
#include <mach/mach_i386.h>
#include "emul.h"

#define MMAP_BASE 0x40000000u	 /* where anonymous mappings are first tried */
#define STACK_RESERVE (8u << 20) /* below EMUL_STACK_TOP: the stack's */
#define MMAP_END (EMUL_STACK_TOP - STACK_RESERVE)
#define TLS_LIMIT_MAX 0xfffffu

void emul_mem_reset(uint32_t brk_start)
{
	emul.brk_start = emul.brk_cur = ROUND_PAGE(brk_start);
	emul.mmap_next = MMAP_BASE;
}

int sys_brk(uint32_t addr)
{
	uint32_t old_end = ROUND_PAGE(emul.brk_cur), new_end = ROUND_PAGE(addr);

	if (addr < emul.brk_start || addr >= MMAP_BASE)
		return (int)emul.brk_cur;
	if (new_end > old_end) {
		vm_address_t a = old_end;
		if (vm_allocate(mach_task_self(), &a, new_end - old_end, FALSE) != KERN_SUCCESS)
			return (int)emul.brk_cur; /* Linux: the old break says "no" */
	} else if (new_end < old_end) {
		vm_deallocate(mach_task_self(), new_end, old_end - new_end);
	}
	emul.brk_cur = addr;
	return (int)addr;
}

static vm_prot_t linux_prot(uint32_t prot)
{
	vm_prot_t p = VM_PROT_NONE;
	if (prot & PROT_READ)
		p |= VM_PROT_READ;
	if (prot & PROT_WRITE)
		p |= VM_PROT_READ | VM_PROT_WRITE;
	if (prot & PROT_EXEC)
		p |= VM_PROT_READ | VM_PROT_EXECUTE;
	return p;
}

int sys_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, uint32_t fd, uint32_t pgoff)
{
	(void)fd;
	(void)pgoff;
	uint32_t size = ROUND_PAGE(len);
	vm_address_t a;

	if (len == 0 || size < len || size > EMUL_STACK_TOP)
		return -LINUX_EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if ((int)fd < 0 || (int)fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
			return -LINUX_EBADF;
		return -LINUX_ENODEV; /* files come with part 2 (io_map) */
	}
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -LINUX_EINVAL;
	if (flags & MAP_FIXED) {
		if ((addr & (PAGE - 1)) || addr < PAGE || addr > EMUL_STACK_TOP ||
		    size > EMUL_STACK_TOP - addr)
			return -LINUX_EINVAL;
		vm_deallocate(mach_task_self(), addr, size);
		a = addr;
		if (vm_allocate(mach_task_self(), &a, size, FALSE) != KERN_SUCCESS)
			return -LINUX_ENOMEM;
	} else {
		/* First fit from a moving cursor, wrapping once. */
		uint32_t start = emul.mmap_next, tries = 0;
		for (a = start;; a += PAGE) {
			if (a + size > MMAP_END || a + size < a) {
				if (tries++)
					return -LINUX_ENOMEM;
				a = MMAP_BASE;
			}
			vm_address_t try = a;
			if (vm_allocate(mach_task_self(), &try, size, FALSE) == KERN_SUCCESS)
				break;
		}
		emul.mmap_next = a + size;
	}
	if (linux_prot(prot) != VM_PROT_DEFAULT)
		vm_protect(mach_task_self(), a, size, FALSE, linux_prot(prot));
	if (flags & MAP_SHARED)
		vm_inherit(mach_task_self(), a, size, VM_INHERIT_SHARE);
	return (int)a;
}

int sys_munmap(uint32_t addr, uint32_t len)
{
	if ((addr & (PAGE - 1)) || len == 0 || addr < PAGE || addr >= EMUL_STACK_TOP ||
	    ROUND_PAGE(len) > EMUL_STACK_TOP - addr)
		return -LINUX_EINVAL;
	vm_deallocate(mach_task_self(), addr, ROUND_PAGE(len));
	return 0;
}

int sys_mprotect(uint32_t addr, uint32_t len, uint32_t prot)
{
	if ((addr & (PAGE - 1)) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -LINUX_EINVAL;
	if (addr < PAGE || addr >= EMUL_STACK_TOP || ROUND_PAGE(len) > EMUL_STACK_TOP - addr)
		return -LINUX_ENOMEM;
	if (len == 0)
		return 0;
	kern_return_t kr = vm_protect(mach_task_self(), addr, ROUND_PAGE(len), FALSE, linux_prot(prot));
	return kr == KERN_SUCCESS ? 0 : -LINUX_ENOMEM;
}

/* Linux's user_desc -> an i386 descriptor (access: present, DPL 3, data
 * or code; flags: 32-bit, page granularity). */
int sys_set_thread_area(uint32_t uinfo)
{
	struct linux_user_desc ud;
	descriptor_t d;
	int r = emul_copyin(&ud, uinfo, sizeof(ud)), sel;

	if (r < 0)
		return r;
	if (ud.limit > TLS_LIMIT_MAX)
		return -LINUX_EINVAL;
	unsigned contents = (ud.flags >> UD_CONTENTS_SHIFT) & 3;
	unsigned type =
	    contents << 2 | (ud.flags & UD_READ_EXEC_ONLY ? 0 : 2); /* data: writable; code: readable */
	if (contents >= 2)
		type = 0x8 | 0x2; /* code, readable */
	unsigned present = !(ud.flags & UD_SEG_NOT_PRESENT) &&
			   (ud.base_addr != 0 || ud.limit != 0 || !(ud.flags & UD_READ_EXEC_ONLY));
	unsigned access = (present ? 0x80 : 0) | 0x60 | 0x10 | type;
	unsigned gran = (ud.flags & UD_SEG_32BIT ? 0x4 : 0) | (ud.flags & UD_LIMIT_IN_PAGES ? 0x8 : 0) |
			(ud.flags & UD_USEABLE ? 0x1 : 0);
	d.low_word = (ud.limit & 0xffff) | (ud.base_addr << 16);
	d.high_word = ((ud.base_addr >> 16) & 0xff) | (access << 8) | (ud.limit & 0xf0000) | (gran << 20) |
		      (ud.base_addr & 0xff000000);
	sel = ud.entry_number == -1 ? -1 : ud.entry_number * 8 + 3;
	kern_return_t kr = i386_set_gdt(emul.linux_thread, &sel, d);
	if (kr == KERN_NO_SPACE)
		return -LINUX_ESRCH;
	if (kr != KERN_SUCCESS)
		return -LINUX_EINVAL;
	ud.entry_number = sel >> 3;
	return emul_copyout(uinfo, &ud, sizeof(ud));
}
