/* i386 page tables for user address spaces (see pmap.h). */
#include <i386/cpu.h>
#include <i386/pmap.h>
#include <kern/debug.h>
#include <kern/string.h>
#include <kern/zalloc.h>
#include <vm/vm_page.h>

#define PDE_INDEX(va) ((va) >> SUPERPAGE_SHIFT)
#define PTE_INDEX(va) (((va) >> PAGE_SHIFT) & 0x3ff)
#define KERNEL_PDE_FIRST PDE_INDEX(KERNBASE)

static struct pmap kernel_pmap_store;
struct pmap *kernel_pmap = &kernel_pmap_store;
static struct zone pmap_zone;
static struct pmap *active_pmap;

void pmap_bootstrap(uint32_t *boot_pgdir)
{
	kernel_pmap->pgdir = boot_pgdir;
	kernel_pmap->pgdir_pa = kvtophys(boot_pgdir);
	kernel_pmap->ref_count = 1;
	active_pmap = kernel_pmap;
	zone_init(&pmap_zone, "pmaps", sizeof(struct pmap), 0);
}

static uint32_t *page_alloc_zeroed(phys_addr_t *pa)
{
	struct vm_page *pg = vm_page_alloc(0);

	if (pg == NULL)
		return NULL;
	*pa = vm_page_to_phys(pg);
	uint32_t *va = phystokv(*pa);
	memset(va, 0, PAGE_SIZE);
	return va;
}

struct pmap *pmap_create(void)
{
	struct pmap *p = zalloc(&pmap_zone);

	if (p == NULL)
		return NULL;
	p->pgdir = page_alloc_zeroed(&p->pgdir_pa);
	if (p->pgdir == NULL) {
		zfree(&pmap_zone, p);
		return NULL;
	}
	memcpy(&p->pgdir[KERNEL_PDE_FIRST], &kernel_pmap->pgdir[KERNEL_PDE_FIRST],
	       (1024 - KERNEL_PDE_FIRST) * sizeof(uint32_t));
	p->resident = 0;
	p->ref_count = 1;
	return p;
}

void pmap_reference(struct pmap *p)
{
	p->ref_count++;
}

void pmap_destroy(struct pmap *p)
{
	if (p == NULL || p == kernel_pmap || --p->ref_count > 0)
		return;
	if (active_pmap == p)
		pmap_activate(kernel_pmap);
	for (unsigned i = 0; i < KERNEL_PDE_FIRST; i++)
		if (p->pgdir[i] & PTE_P)
			vm_page_free(vm_page_from_phys(p->pgdir[i] & PTE_FRAME), 0);
	vm_page_free(vm_page_from_phys(p->pgdir_pa), 0);
	zfree(&pmap_zone, p);
}

/* The page-table entry for va, allocating its table if create is set. */
static uint32_t *pmap_pte(struct pmap *p, uintptr_t va, int create)
{
	uint32_t *pde = &p->pgdir[PDE_INDEX(va)];

	if (!(*pde & PTE_P)) {
		phys_addr_t pa;
		if (!create || page_alloc_zeroed(&pa) == NULL)
			return NULL;
		*pde = pa | PTE_P | PTE_W | PTE_U;
	}
	uint32_t *table = phystokv(*pde & PTE_FRAME);
	return &table[PTE_INDEX(va)];
}

static void pmap_flush(struct pmap *p, uintptr_t va)
{
	if (p == active_pmap)
		invlpg(va);
}

kern_return_t pmap_enter(struct pmap *p, uintptr_t va, phys_addr_t pa, unsigned prot)
{
	assert(va < KERNBASE && (va & PAGE_MASK) == 0);
	uint32_t *pte = pmap_pte(p, va, 1);

	if (pte == NULL)
		return KERN_RESOURCE_SHORTAGE;
	if (!(*pte & PTE_P))
		p->resident++;
	*pte = pa | PTE_P | PTE_U | ((prot & PMAP_PROT_WRITE) ? PTE_W : 0);
	pmap_flush(p, va);
	return KERN_SUCCESS;
}

void pmap_protect(struct pmap *p, uintptr_t start, uintptr_t end, unsigned prot)
{
	for (uintptr_t va = start; va < end && va < KERNBASE; va += PAGE_SIZE) {
		if (!(p->pgdir[PDE_INDEX(va)] & PTE_P)) { /* skip the empty table */
			va = (va | (SUPERPAGE_SIZE - 1)) + 1 - PAGE_SIZE;
			continue;
		}
		uint32_t *pte = pmap_pte(p, va, 0);
		if (!(*pte & PTE_P))
			continue;
		if ((prot & (PMAP_PROT_READ | PMAP_PROT_WRITE | PMAP_PROT_EXECUTE)) == 0) {
			*pte = 0;
			p->resident--;
		} else if (!(prot & PMAP_PROT_WRITE)) {
			*pte &= ~PTE_W;
		}
		pmap_flush(p, va);
	}
}

void pmap_remove(struct pmap *p, uintptr_t start, uintptr_t end)
{
	pmap_protect(p, start, end, 0);
}

phys_addr_t pmap_extract(struct pmap *p, uintptr_t va)
{
	if (va >= KERNBASE)
		return va < KERNBASE + PHYS_DIRECT_MAX ? kvtophys((void *)va) : 0;
	uint32_t *pte = pmap_pte(p, va, 0);
	return pte && (*pte & PTE_P) ? (*pte & PTE_FRAME) | (va & PAGE_MASK) : 0;
}

void pmap_activate(struct pmap *p)
{
	if (p == active_pmap)
		return;
	active_pmap = p;
	set_cr3(p->pgdir_pa);
}
