/*
 * The program's memory: the break, mmap2 of anonymous memory and of
 * files (the file service's memory objects, io_map), munmap, mprotect,
 * msync, and set_thread_area (a TLS slot of the kernel's,
 * i386_set_gdt).  All of it lies below EMUL_BASE; the library's own
 * memory is never handed out.
 */
#include <mach/mach_interface.h>
#include <mach/mach_i386.h>
#include <string.h>
#include <servers/io.h>
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
		if (emul_vm_may_grow(0, new_end - old_end, 1) < 0 ||
		    vm_allocate(mach_task_self(), &a, new_end - old_end, FALSE) != KERN_SUCCESS)
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

/* What a mapping is placed with: a call that maps size bytes exactly at a. */
typedef kern_return_t (*map_fn)(vm_address_t a, uint32_t size, void *arg);

static kern_return_t map_anonymous(vm_address_t a, uint32_t size, void *arg)
{
	(void)arg;
	return vm_allocate(mach_task_self(), &a, size, FALSE);
}

/* File mappings msync can find: their ranges and a send right (one user
 * reference of ours) to the open file they came from. */
#define MMAP_FILES_MAX 64
static struct {
	uint32_t start, end; /* end 0: a free slot */
	mach_port_t file;
} mmap_files[MMAP_FILES_MAX];

/* [start, end) is unmapped: forget the file mappings inside it (those
 * it cuts stay whole: msync of their file costs no more). */
static void mmap_files_drop(uint32_t start, uint32_t end)
{
	for (int i = 0; i < MMAP_FILES_MAX; i++)
		if (mmap_files[i].end != 0 && mmap_files[i].start >= start && mmap_files[i].end <= end) {
			mach_port_deallocate(mach_task_self(), mmap_files[i].file);
			mmap_files[i].end = 0;
		}
}

static void mmap_files_add(uint32_t start, uint32_t end, mach_port_t file)
{
	for (int i = 0; i < MMAP_FILES_MAX; i++)
		if (mmap_files[i].end == 0) {
			if (mach_port_mod_refs(mach_task_self(), file, MACH_PORT_RIGHT_SEND, 1) != KERN_SUCCESS)
				return;
			mmap_files[i].start = start;
			mmap_files[i].end = end;
			mmap_files[i].file = file;
			return;
		}
	/* Full: msync of this mapping syncs nothing (the data is the file's anyway). */
}

void emul_mmap_forget(void)
{
	mmap_files_drop(0, EMUL_BASE);
}

void emul_mmap_fork_child(void)
{
	/* Those names are our parent's: nothing to deallocate here. */
	memset(mmap_files, 0, sizeof(mmap_files));
}

/* Place a mapping of size bytes with fn: at addr (MAP_FIXED, replacing
 * what is there), else first fit from a moving cursor, wrapping once.
 * The address, or -errno. */
static int mmap_place(uint32_t addr, uint32_t size, uint32_t flags, map_fn fn, void *arg)
{
	if (flags & MAP_FIXED) {
		if ((addr & (PAGE - 1)) || addr < PAGE || addr > EMUL_STACK_TOP || size > EMUL_STACK_TOP - addr)
			return -LINUX_EINVAL;
		vm_deallocate(mach_task_self(), addr, size);
		mmap_files_drop(addr, addr + size);
		return fn(addr, size, arg) == KERN_SUCCESS ? (int)addr : -LINUX_ENOMEM;
	}
	uint32_t start = emul.mmap_next, tries = 0;
	vm_address_t a;
	for (a = start;; a += PAGE) {
		if (a + size > MMAP_END || a + size < a) {
			if (tries++)
				return -LINUX_ENOMEM;
			a = MMAP_BASE;
		}
		if (fn(a, size, arg) == KERN_SUCCESS)
			break;
	}
	emul.mmap_next = a + size;
	return (int)a;
}

struct map_object {
	mach_port_t object;
	vm_offset_t offset;
	boolean_t copy;
	vm_prot_t cur, max;
	vm_inherit_t inherit;
};

static kern_return_t map_object(vm_address_t a, uint32_t size, void *arg)
{
	struct map_object *m = arg;
	return vm_map(mach_task_self(), &a, size, 0, FALSE, m->object, m->offset, m->copy, m->cur, m->max, m->inherit);
}

int emul_map_file(mach_port_t file, uint32_t addr, uint32_t size, uint32_t prot, uint32_t flags, uint64_t offset)
{
	mach_port_t rd = MACH_PORT_NULL, wr = MACH_PORT_NULL;
	int shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	int r;

	if (offset + size > 0x100000000ull)
		return -LINUX_EOVERFLOW; /* memory objects have 32-bit offsets */
	if ((r = emul_errno(io_map(file, &rd, &wr))) < 0)
		return r;
	/* MAP_SHARED writes the file itself, MAP_PRIVATE a copy-on-write
	 * copy of it; shared without a writable file, never writable. */
	struct map_object m = {MACH_PORT_VALID(wr) && shared ? wr : rd, (vm_offset_t)offset, !shared, linux_prot(prot),
			       VM_PROT_ALL, shared ? VM_INHERIT_SHARE : VM_INHERIT_COPY};
	if (shared && !MACH_PORT_VALID(wr)) {
		m.max = VM_PROT_READ | VM_PROT_EXECUTE;
		if (prot & PROT_WRITE)
			r = -LINUX_EACCES;
	}
	if (r == 0)
		r = mmap_place(addr, size, flags, map_object, &m);
	if (r >= 0 || r < -LINUX_ERRNO_MAX)
		mmap_files_add((uint32_t)r, (uint32_t)r + size, file);
	if (MACH_PORT_VALID(rd))
		mach_port_deallocate(mach_task_self(), rd);
	if (MACH_PORT_VALID(wr))
		mach_port_deallocate(mach_task_self(), wr);
	return r;
}

int sys_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, uint32_t fd, uint32_t pgoff)
{
	uint32_t size = ROUND_PAGE(len), type = flags & MAP_TYPE;
	int a;

	if (len == 0 || size < len || size > EMUL_STACK_TOP)
		return -LINUX_EINVAL;
	if ((type != MAP_SHARED && type != MAP_PRIVATE && type != (MAP_SHARED | MAP_PRIVATE)) ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -LINUX_EINVAL;
	if (!(flags & MAP_ANONYMOUS) && ((int)fd < 0 || (int)fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL))
		return -LINUX_EBADF;
	/* RLIMIT_AS, and RLIMIT_DATA for a private writable mapping. */
	if ((a = emul_vm_may_grow((flags & MAP_FIXED) ? addr : 0, size,
				  type == MAP_PRIVATE && (prot & PROT_WRITE))) < 0)
		return a;
	if (!(flags & MAP_ANONYMOUS))
		return emul_map_file(emul.fd[fd].port, addr, size, prot, flags, (uint64_t)pgoff * PAGE);
	a = mmap_place(addr, size, flags, map_anonymous, NULL);
	if (a < 0 && a >= -LINUX_ERRNO_MAX)
		return a;
	if (linux_prot(prot) != VM_PROT_DEFAULT)
		vm_protect(mach_task_self(), a, size, FALSE, linux_prot(prot));
	if (flags & MAP_SHARED)
		vm_inherit(mach_task_self(), a, size, VM_INHERIT_SHARE);
	return a;
}

int sys_munmap(uint32_t addr, uint32_t len)
{
	if ((addr & (PAGE - 1)) || len == 0 || addr < PAGE || addr >= EMUL_STACK_TOP ||
	    ROUND_PAGE(len) > EMUL_STACK_TOP - addr)
		return -LINUX_EINVAL;
	vm_deallocate(mach_task_self(), addr, ROUND_PAGE(len));
	mmap_files_drop(addr, addr + ROUND_PAGE(len));
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
	/* Above the maximum: writing a shared mapping of a file not open for writing. */
	if (kr == KERN_PROTECTION_FAILURE)
		return -LINUX_EACCES;
	return kr == KERN_SUCCESS ? 0 : -LINUX_ENOMEM;
}

/* Whether every page of [addr, end) is mapped. */
static int range_mapped(uint32_t addr, uint32_t end)
{
	vm_address_t a = addr;

	while (a < end) {
		vm_address_t r = a;
		vm_size_t size;
		vm_prot_t prot;
		if (mach_vm_region_prot(mach_task_self(), &r, &size, &prot) != KERN_SUCCESS || r > a)
			return 0;
		a = r + size;
	}
	return 1;
}

/* The mappings share the file's pages, so there is nothing to
 * invalidate; MS_SYNC and MS_ASYNC both write back now (io_sync: the
 * file service cleans the pages, then the file system syncs). */
int sys_msync(uint32_t addr, uint32_t len, uint32_t flags)
{
	uint32_t end = addr + ROUND_PAGE(len);
	int r = 0;

	if ((addr & (PAGE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -LINUX_EINVAL;
	if (end < addr || end > EMUL_BASE || !range_mapped(addr, end))
		return -LINUX_ENOMEM;
	for (int i = 0; i < MMAP_FILES_MAX && r == 0 && (flags & (MS_SYNC | MS_ASYNC)); i++)
		if (mmap_files[i].end > addr && mmap_files[i].start < end)
			r = emul_errno(io_sync(mmap_files[i].file, 1));
	return r == -LINUX_EINVAL ? 0 : r; /* a file without sync: nothing to write */
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
