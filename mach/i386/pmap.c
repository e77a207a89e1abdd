/* i386 page tables for user address spaces (see pmap.h). */
#include <i386/cpu.h>
#include <i386/pmap.h>
#include <kern/debug.h>
#include <kern/string.h>
#include <kern/zalloc.h>
#include <vm/vm_page.h>

#define KERNEL_PDE_FIRST PDE_INDEX(KERNBASE)

/* A mapping of a page beyond the first, which lives in the vm_page. */
struct pv_entry {
	struct pv_entry *next;
	struct pmap *pmap;
	uintptr_t va;
};

static struct pmap kernel_pmap_store;
struct pmap *kernel_pmap = &kernel_pmap_store;
static struct zone pmap_zone, pv_zone;
struct pmap *active_pmap;
static uint32_t *mmio_table; /* the page table of the MMIO window */
static uintptr_t mmio_next = KERNEL_VIRT_START;

static uint32_t *page_alloc_zeroed(phys_addr_t *pa);

void pmap_bootstrap(uint32_t *boot_pgdir)
{
	kernel_pmap->pgdir = boot_pgdir;
	kernel_pmap->pgdir_pa = kvtophys(boot_pgdir);
	kernel_pmap->ref_count = 1;
	active_pmap = kernel_pmap;
	zone_init(&pmap_zone, "pmaps", sizeof(struct pmap), 0);
	zone_init(&pv_zone, "pv entries", sizeof(struct pv_entry), 0);
	/* The MMIO window's page table exists before any pmap copies the
	 * kernel's page directory, so mappings made later show in all. */
	phys_addr_t pa;
	mmio_table = page_alloc_zeroed(&pa);
	if (mmio_table == NULL)
		panic("pmap_bootstrap: no page for the MMIO window");
	boot_pgdir[PDE_INDEX(KERNEL_VIRT_START)] = pa | PTE_P | PTE_W;
}

void *pmap_map_mmio(phys_addr_t pa, uint32_t size)
{
	phys_addr_t first = trunc_page(pa);
	uint32_t len = round_page(pa + size) - first;

	if (size == 0 || pa + size < pa || len > KERNEL_VIRT_START + PMAP_MMIO_WINDOW - mmio_next)
		return NULL;
	uintptr_t va = mmio_next;
	for (uint32_t off = 0; off < len; off += PAGE_SIZE) {
		mmio_table[PTE_INDEX(va + off)] = (first + off) | PTE_P | PTE_W | PTE_PCD | PTE_PWT;
		invlpg(va + off);
	}
	mmio_next += len;
	return (void *)(va + (pa - first));
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

/* Record that p maps page at va; 0, or -1 if no memory for the record. */
static int pv_add(struct vm_page *page, struct pmap *p, uintptr_t va)
{
	if (page->pv_pmap == NULL) {
		page->pv_pmap = p;
		page->pv_va = va;
		return 0;
	}
	struct pv_entry *pv = zalloc(&pv_zone);
	if (pv == NULL)
		return -1;
	pv->pmap = p;
	pv->va = va;
	pv->next = page->pv_more;
	page->pv_more = pv;
	return 0;
}

static void pv_remove(struct vm_page *page, struct pmap *p, uintptr_t va)
{
	if (page->pv_pmap == p && page->pv_va == va) {
		struct pv_entry *pv = page->pv_more;
		if (pv == NULL) {
			page->pv_pmap = NULL;
			return;
		}
		page->pv_pmap = pv->pmap;
		page->pv_va = pv->va;
		page->pv_more = pv->next;
		zfree(&pv_zone, pv);
		return;
	}
	for (struct pv_entry **link = &page->pv_more; *link; link = &(*link)->next) {
		struct pv_entry *pv = *link;
		if (pv->pmap == p && pv->va == va) {
			*link = pv->next;
			zfree(&pv_zone, pv);
			return;
		}
	}
	panic("pv_remove: no mapping of %08x at %08x", (unsigned)vm_page_to_phys(page), (unsigned)va);
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
	/* Whatever the VM left mapped goes now, so that no page keeps a
	 * record of this pmap. */
	if (p->resident != 0)
		pmap_remove(p, 0, KERNBASE);
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

/* Clear one present PTE and forget the mapping. */
static void pmap_pte_clear(struct pmap *p, uint32_t *pte, uintptr_t va)
{
	struct vm_page *page = vm_page_from_phys(*pte & PTE_FRAME);

	if (page != NULL) {
		if (*pte & PTE_D)
			page->flags |= VM_PAGE_DIRTY;
		pv_remove(page, p, va);
	}
	*pte = 0;
	p->resident--;
	pmap_flush(p, va);
}

kern_return_t pmap_enter_table(struct pmap *p, uintptr_t va, struct vm_page *page, unsigned prot)
{
	uint32_t *pte = pmap_pte(p, va, 1);

	if (pte == NULL)
		return KERN_RESOURCE_SHORTAGE;
	return pmap_enter_pte(p, pte, va, page, prot);
}

kern_return_t pmap_enter_pte(struct pmap *p, uint32_t *pte, uintptr_t va, struct vm_page *page, unsigned prot)
{
	phys_addr_t pa = vm_page_to_phys(page);
	uint32_t bits = pmap_pte_user(pa, prot);
	if ((*pte & PTE_P) && (*pte & PTE_FRAME) == pa) {
		/* Same page, new rights: keep the dirty bit the MMU set. */
		*pte = bits | (*pte & PTE_D);
		pmap_flush(p, va);
		return KERN_SUCCESS;
	}
	if (pv_add(page, p, va) != 0)
		return KERN_RESOURCE_SHORTAGE;
	if (*pte & PTE_P)
		pmap_pte_clear(p, pte, va); /* flushes the old translation */
	/* A not-present entry is never cached by the TLB: nothing to flush
	 * for the new one. */
	*pte = bits;
	p->resident++;
	return KERN_SUCCESS;
}

void pmap_protect(struct pmap *p, uintptr_t start, uintptr_t end, unsigned prot)
{
	int remove = (prot & (PMAP_PROT_READ | PMAP_PROT_WRITE | PMAP_PROT_EXECUTE)) == 0;

	if (prot & PMAP_PROT_WRITE)
		return; /* nothing to take away: i386 has no execute bit */
	for (uintptr_t va = start; va < end && va < KERNBASE && p->resident != 0; va += PAGE_SIZE) {
		if (!(p->pgdir[PDE_INDEX(va)] & PTE_P)) { /* skip the empty table */
			va = (va | (SUPERPAGE_SIZE - 1)) + 1 - PAGE_SIZE;
			continue;
		}
		uint32_t *pte = pmap_pte(p, va, 0);
		if (!(*pte & PTE_P))
			continue;
		if (remove) {
			pmap_pte_clear(p, pte, va);
		} else if (*pte & PTE_W) {
			*pte &= ~PTE_W;
			pmap_flush(p, va);
		}
	}
}

void pmap_remove(struct pmap *p, uintptr_t start, uintptr_t end)
{
	pmap_protect(p, start, end, 0);
}

void pmap_page_protect(struct vm_page *page, unsigned prot)
{
	if (prot & PMAP_PROT_WRITE)
		return;
	int remove = (prot & (PMAP_PROT_READ | PMAP_PROT_EXECUTE)) == 0;
	struct pv_entry *pv = page->pv_more;

	/* Removal edits the list, so take the inline record each time. */
	if (remove) {
		while (page->pv_pmap != NULL) {
			struct pmap *p = page->pv_pmap;
			uintptr_t va = page->pv_va;
			pmap_pte_clear(p, pmap_pte(p, va, 0), va);
		}
		return;
	}
	if (page->pv_pmap != NULL) {
		uint32_t *pte = pmap_pte(page->pv_pmap, page->pv_va, 0);
		*pte &= ~PTE_W;
		pmap_flush(page->pv_pmap, page->pv_va);
	}
	for (; pv != NULL; pv = pv->next) {
		uint32_t *pte = pmap_pte(pv->pmap, pv->va, 0);
		*pte &= ~PTE_W;
		pmap_flush(pv->pmap, pv->va);
	}
}

int pmap_page_test_and_clear_modified(struct vm_page *page)
{
	int dirty = (page->flags & VM_PAGE_DIRTY) != 0;

	page->flags &= ~VM_PAGE_DIRTY;
	if (page->pv_pmap == NULL)
		return dirty;
	uint32_t *pte = pmap_pte(page->pv_pmap, page->pv_va, 0);
	dirty |= (*pte & PTE_D) != 0;
	*pte &= ~PTE_D;
	pmap_flush(page->pv_pmap, page->pv_va);
	for (struct pv_entry *pv = page->pv_more; pv != NULL; pv = pv->next) {
		pte = pmap_pte(pv->pmap, pv->va, 0);
		dirty |= (*pte & PTE_D) != 0;
		*pte &= ~PTE_D;
		pmap_flush(pv->pmap, pv->va);
	}
	return dirty;
}

phys_addr_t pmap_extract(struct pmap *p, uintptr_t va)
{
	if (va >= KERNBASE)
		return va < KERNBASE + PHYS_DIRECT_MAX ? kvtophys((void *)va) : 0;
	uint32_t *pte = pmap_pte(p, va, 0);
	return pte && (*pte & PTE_P) ? (*pte & PTE_FRAME) | (va & PAGE_MASK) : 0;
}

