/*
 * Physical maps: the i386 page tables of an address space.  Every pmap
 * shares the kernel's page-directory entries (KERNBASE and up); below
 * KERNBASE each has its own page tables, allocated as pages are entered.
 * The machine-independent VM (vm/) decides what is mapped; the pmap only
 * records it for the MMU and may be rebuilt from the VM at any time.
 */
#ifndef I386_PMAP_H
#define I386_PMAP_H
#include <stddef.h>
#include <stdint.h>
#include <mach/kern_return.h>
#include <i386/cpu.h>
#include <i386/vm_param.h>
#include <kern/debug.h>
#include <vm/vm_page.h>

#define PTE_P 0x001
#define PTE_W 0x002
#define PTE_U 0x004
#define PTE_PWT 0x008
#define PTE_PCD 0x010
#define PTE_A 0x020
#define PTE_D 0x040
#define PTE_PS 0x080
#define PTE_G 0x100
#define PTE_FRAME 0xfffff000u

/* A user address's entry in the page directory, and in its page table. */
#define PDE_INDEX(va) ((va) >> SUPERPAGE_SHIFT)
#define PTE_INDEX(va) (((va) >> PAGE_SHIFT) & 0x3ff)

/* Protections as VM passes them (VM_PROT_* values). */
#define PMAP_PROT_READ 0x1
#define PMAP_PROT_WRITE 0x2
#define PMAP_PROT_EXECUTE 0x4

struct vm_page;

struct pmap {
	uint32_t *pgdir;     /* direct-mapped page directory */
	phys_addr_t pgdir_pa;
	unsigned long resident; /* user pages mapped */
	int ref_count;
};

extern struct pmap *kernel_pmap;

void pmap_bootstrap(uint32_t *boot_pgdir);
struct pmap *pmap_create(void);
void pmap_reference(struct pmap *p);
void pmap_destroy(struct pmap *p);
/* A user page's page-table entry: pa with prot. */
static inline uint32_t pmap_pte_user(phys_addr_t pa, unsigned prot)
{
	return pa | PTE_P | PTE_U | ((prot & PMAP_PROT_WRITE) ? PTE_W : 0);
}

/* Map page at va (user space, page-aligned) with prot; replaces any
 * mapping.  Inline, the case of every fault that makes or finds a page
 * mapped nowhere: its page table there, nothing mapped at va (no TLB
 * entry to flush: a not-present one is never cached), the page's first
 * mapping (recorded in the page itself).  The rest out of line:
 * pmap_enter_pte with va's entry found (another mapping there, or of the
 * page), pmap_enter_table when va has no page table yet: called only
 * from here (pmap_enter's assertion on va covers them; page is one of
 * vm_page_array's, never a device frame). */
kern_return_t pmap_enter_pte(struct pmap *p, uint32_t *pte, uintptr_t va, struct vm_page *page, unsigned prot);
kern_return_t pmap_enter_table(struct pmap *p, uintptr_t va, struct vm_page *page, unsigned prot);
static inline kern_return_t pmap_enter(struct pmap *p, uintptr_t va, struct vm_page *page, unsigned prot)
{
	uint32_t pde = p->pgdir[PDE_INDEX(va)];

	assert(va < KERNBASE && (va & PAGE_MASK) == 0);
	if (!(pde & PTE_P))
		return pmap_enter_table(p, va, page, prot);
	uint32_t *pte = (uint32_t *)phystokv(pde & PTE_FRAME) + PTE_INDEX(va);
	if ((*pte & PTE_P) || page->pv_pmap != NULL)
		return pmap_enter_pte(p, pte, va, page, prot);
	page->pv_pmap = p;
	page->pv_va = va;
	*pte = pmap_pte_user(vm_page_to_phys(page), prot);
	p->resident++;
	return KERN_SUCCESS;
}
/* Unmap [start, end). */
void pmap_remove(struct pmap *p, uintptr_t start, uintptr_t end);
/* Reduce the rights of the mappings in [start, end) to prot (none: remove). */
void pmap_protect(struct pmap *p, uintptr_t start, uintptr_t end, unsigned prot);
/* Reduce the rights of every mapping of page, in every pmap, to prot
 * (none: remove them all); uses the page's list of mappings. */
void pmap_page_protect(struct vm_page *page, unsigned prot);
/* Whether any mapping of page has been written to (and forget it). */
int pmap_page_test_and_clear_modified(struct vm_page *page);
/* The physical address va maps to, or 0 if none. */
phys_addr_t pmap_extract(struct pmap *p, uintptr_t va);
/* Map the device registers at [pa, pa + size) uncached into the kernel's
 * MMIO window (KERNEL_VIRT_START, PMAP_MMIO_WINDOW bytes, whose page
 * table every pmap shares); the kernel address of pa, or NULL if the
 * window is full.  Mappings are permanent. */
#define PMAP_MMIO_WINDOW SUPERPAGE_SIZE
void *pmap_map_mmio(phys_addr_t pa, uint32_t size);
/* Load p into the MMU.  Inline: every thread switch asks it. */
extern struct pmap *active_pmap;
static inline void pmap_activate(struct pmap *p)
{
	if (p == active_pmap)
		return;
	active_pmap = p;
	set_cr3(p->pgdir_pa);
}

/*
 * The kernel address (direct map) of the user byte va in p, if its page
 * is mapped with user access, and writable if write is set; NULL
 * otherwise.  Marks the mapping accessed (and dirty for a write), as the
 * MMU would.  Never faults and never waits: IPC uses it to copy a
 * message between address spaces, or to know that a copy cannot fault.
 */
static inline void *pmap_user_kva(struct pmap *p, uintptr_t va, int write)
{
	uint32_t need = PTE_P | PTE_U | (write ? PTE_W : 0);

	if (va >= KERNBASE)
		return NULL;
	uint32_t pde = p->pgdir[va >> SUPERPAGE_SHIFT];
	if (!(pde & PTE_P))
		return NULL;
	uint32_t *pte = (uint32_t *)phystokv(pde & PTE_FRAME) + ((va >> PAGE_SHIFT) & (PAGE_SIZE / 4 - 1));
	uint32_t bits = *pte;
	if ((bits & need) != need || (bits & PTE_FRAME) >= PHYS_DIRECT_MAX)
		return NULL;
	*pte = bits | PTE_A | (write ? PTE_D : 0);
	return (char *)phystokv(bits & PTE_FRAME) + (va & PAGE_MASK);
}
#endif
