/*
 * VM objects (see vm_object.h): resident pages, shadow chains, collapse.
 */
#include <i386/pmap.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/sched.h>
#include <kern/zalloc.h>
#include <mach/vm_prot.h>
#include <vm/vm_fault.h>
#include <vm/vm_object.h>
#include <vm/vm_pageout.h>

static struct zone vm_object_zone;
unsigned long vm_object_count;

/* The page hash (vm_object.h). */
struct vm_page **vm_page_buckets;
unsigned long vm_page_hash_mask;

void vm_object_init(void)
{
	unsigned long buckets = 1;

	zone_init(&vm_object_zone, "vm objects", sizeof(struct vm_object), 0);
	/* About one bucket for every two pages of RAM. */
	while (buckets < vm_page_total_count / 2 && buckets * sizeof(void *) < (PAGE_SIZE << VM_PAGE_MAX_ORDER))
		buckets <<= 1;
	vm_page_buckets = kmem_alloc(buckets * sizeof(void *));
	if (vm_page_buckets == NULL)
		panic("vm_object_init: no memory for %lu page hash buckets", buckets);
	for (unsigned long i = 0; i < buckets; i++)
		vm_page_buckets[i] = NULL;
	vm_page_hash_mask = buckets - 1;
}

struct vm_object *vm_object_allocate(vm_size_t size)
{
	struct vm_object *o = zalloc(&vm_object_zone);

	if (o == NULL)
		return NULL;
	queue_init(&o->memq);
	o->resident_page_count = 0;
	o->size = size;
	o->ref_count = 1;
	o->shadow = NULL;
	o->shadow_offset = 0;
	o->copy = NULL;
	o->copy_strategy = VM_OBJECT_COPY_SYMMETRIC;
	o->pager = NULL;
	o->pager_request = NULL;
	o->pager_name = NULL;
	o->pager_hash_next = NULL;
	o->paging_offset = 0;
	o->paging_in_progress = 0;
	o->temporary = 1;
	o->internal = 1;
	o->pager_ready = 0;
	o->can_persist = 0;
	o->cached = 0;
	o->pager_gone = 0;
	o->pager_initialized = 0;
	o->pageout_carrier = 0;
	o->pageout_inflight = 0;
	o->carrier_origin = NULL;
	o->existence = NULL;
	o->existence_pages = 0;
	vm_object_count++;
	return o;
}

/*
 * Objects whose pager allows caching (may_cache) outlive their last
 * reference here, pages and all, so that mapping the same memory object
 * again finds its pages; the oldest beyond VM_OBJECT_CACHE_MAX are
 * terminated.
 */
#define VM_OBJECT_CACHE_MAX 16
static queue_head_t vm_object_cached_list = {&vm_object_cached_list, &vm_object_cached_list};
static unsigned vm_object_cached_count;

/* A cached object (no references) taken back into use. */
void vm_object_uncache(struct vm_object *object)
{
	assert(object->ref_count == 0);
	queue_remove_entry(&object->cache_link);
	vm_object_cached_count--;
	object->cached = 0;
}

/* The object's last reference is gone: free it and its pages (a pager
 * gets what it must have back first, and memory_object_terminate). */
static void vm_object_terminate(struct vm_object *o)
{
	assert(o->paging_in_progress == 0);
	assert(o->copy == NULL); /* a copy object holds a reference on us */
	if (o->shadow != NULL && o->shadow->copy == o)
		o->shadow->copy = NULL; /* no more pushes into us */
	if (o->pager != NULL)
		vm_object_pager_terminate(o);
	while (!queue_empty(&o->memq))
		vm_page_free_in(queue_first_entry(&o->memq, struct vm_page, listq));
	assert(o->resident_page_count == 0);
	if (o->pageout_carrier)
		vm_pageout_carrier_done(o);
	if (o->pageout_inflight != 0)
		vm_pageout_origin_move(o, NULL);
	if (o->existence != NULL)
		kfree(o->existence, (o->existence_pages + 7) / 8);
	vm_object_count--;
	zfree(&vm_object_zone, o);
}

/* The reference dropped may be the last (vm_object_deallocate). */
void vm_object_deallocate_last(struct vm_object *object)
{
	while (object != NULL) {
		assert(object->ref_count > 0);
		if (--object->ref_count > 0)
			return;
		if (object->pager != NULL && object->can_persist && vm_object_pager_alive(object)) {
			object->cached = 1;
			queue_enter_tail(&vm_object_cached_list, &object->cache_link);
			if (++vm_object_cached_count <= VM_OBJECT_CACHE_MAX)
				return;
			object = queue_first_entry(&vm_object_cached_list, struct vm_object, cache_link);
			queue_remove_entry(&object->cache_link);
			vm_object_cached_count--;
			object->cached = 0;
		}
		struct vm_object *shadow = object->shadow;
		vm_object_terminate(object);
		object = shadow;
	}
}

void vm_page_remove(struct vm_page *page)
{
	assert(page->flags & VM_PAGE_TABLED);
	struct vm_page **link = vm_page_bucket(page->object, page->offset);

	while (*link != page)
		link = &(*link)->hash_next;
	*link = page->hash_next;
	page->hash_next = NULL;
	queue_remove_entry(&page->listq);
	page->object->resident_page_count--;
	page->object = NULL;
	page->flags &= ~VM_PAGE_TABLED;
}

void vm_page_rename(struct vm_page *page, struct vm_object *object, vm_offset_t offset)
{
	vm_page_remove(page);
	vm_page_insert(page, object, offset);
}

struct vm_page *vm_page_alloc_in(struct vm_object *object, vm_offset_t offset)
{
	struct vm_page *p = vm_page_grab();

	if (p != NULL) {
		vm_page_insert(p, object, offset);
		vm_page_activate(p);
	}
	return p;
}

void vm_page_free_in(struct vm_page *page)
{
	assert(!(page->flags & VM_PAGE_BUSY));
	if (page->pv_pmap != NULL)
		pmap_page_protect(page, VM_PROT_NONE);
	if (page->flags & VM_PAGE_TABLED)
		vm_page_remove(page);
	vm_page_release(page);
}

void vm_page_wait_busy(struct vm_page *page)
{
	while (page->flags & VM_PAGE_BUSY) {
		page->flags |= VM_PAGE_WANTED;
		thread_sleep(page, 0, 0);
	}
}

struct thread *vm_page_wakeup_done(struct vm_page *page)
{
	event_t waited = vm_page_done(page);

	return waited != NULL ? thread_wakeup(waited) : NULL;
}

kern_return_t vm_object_shadow(struct vm_object **object, vm_offset_t *offset, vm_size_t length)
{
	struct vm_object *s = vm_object_allocate(length);

	if (s == NULL)
		return KERN_RESOURCE_SHORTAGE;
	s->shadow = *object;
	s->shadow_offset = *offset;
	*object = s;
	*offset = 0;
	return KERN_SUCCESS;
}

void vm_object_page_remove(struct vm_object *object, vm_offset_t start, vm_offset_t end)
{
	queue_chain_t *q = object->memq.next;

	while (q != &object->memq) {
		struct vm_page *p = queue_container(q, struct vm_page, listq);
		q = q->next;
		if (p->offset >= start && p->offset < end)
			vm_page_free_in(p);
	}
}

/* Whether o holds every page of its range itself, so that its shadow can
 * never be consulted. */
static int vm_object_self_sufficient(struct vm_object *o)
{
	return o->pager == NULL && (vm_size_t)o->resident_page_count * PAGE_SIZE >= o->size;
}

void vm_object_collapse(struct vm_object *object)
{
	for (;;) {
		struct vm_object *b = object->shadow;

		if (b == NULL || object->paging_in_progress != 0)
			return;
		if (vm_object_self_sufficient(object)) {
			/* Bypass: nothing can come from b any more. */
			if (b->copy == object)
				b->copy = NULL;
			object->shadow = NULL;
			object->shadow_offset = 0;
			vm_object_deallocate(b);
			return;
		}
		/* Only a backing object that is ours alone, anonymous, and
		 * with nothing in flight can be merged into us; one the default
		 * pager holds pages of brings its pager along, if we have none
		 * (two pagers cannot become one). */
		if (b->ref_count != 1 || !b->internal || b->paging_in_progress != 0 || b->copy != NULL)
			return;
		if (b->pager != NULL && (b->existence == NULL || b->pager_gone || object->pager != NULL ||
					 object->pager_gone || object->copy != NULL))
			return;
		/* A copy object still gets pages pushed from its original:
		 * it must stay where the original finds it. */
		if (b->shadow != NULL && b->shadow->copy == b)
			return;
		queue_chain_t *q = b->memq.next;
		while (q != &b->memq) {
			struct vm_page *p = queue_container(q, struct vm_page, listq);
			q = q->next;
			if (p->flags & VM_PAGE_BUSY)
				return; /* try again another time */
		}
		while (!queue_empty(&b->memq)) {
			struct vm_page *p = queue_first_entry(&b->memq, struct vm_page, listq);
			vm_offset_t off = p->offset - object->shadow_offset;
			if (p->offset < object->shadow_offset || off >= object->size ||
			    vm_page_lookup(object, off) != NULL)
				vm_page_free_in(p); /* out of range, or hidden by our own page */
			else
				vm_page_rename(p, object, off);
		}
		if (b->pager != NULL)
			vm_object_pager_move(b, object);
		object->shadow = b->shadow;
		object->shadow_offset += b->shadow_offset;
		b->shadow = NULL;
		b->ref_count = 0;
		vm_object_count--;
		zfree(&vm_object_zone, b);
	}
}

/* The page object shows at offset through its shadow chain, resident
 * pages only (busy ones waited for); NULL if none (zero, or a pager's
 * page not brought in). */
static struct vm_page *chain_resident_page(struct vm_object *object, vm_offset_t offset)
{
	for (;;) {
		struct vm_page *p = NULL;
		vm_offset_t off = offset;
		for (struct vm_object *o = object; o != NULL; o = o->shadow) {
			p = vm_page_lookup(o, off);
			if (p != NULL && !(p->flags & VM_PAGE_UNAVAILABLE))
				break;
			p = NULL;
			off += o->shadow_offset;
		}
		if (p == NULL || !(p->flags & VM_PAGE_BUSY))
			return p != NULL && !(p->flags & VM_PAGE_NO_DATA) ? p : NULL;
		vm_page_wait_busy(p); /* a pager's page on its way (or failing) */
	}
}

struct vm_object *vm_object_copy_slowly(struct vm_object *object, vm_offset_t offset, vm_size_t size, int can_wait)
{
	struct vm_object *copy = vm_object_allocate(size);

	if (copy == NULL)
		return NULL;
	vm_object_reference(object); /* it must outlive our waits */
	for (vm_offset_t off = 0; off < size; off += PAGE_SIZE) {
		struct vm_page *src;
		if (can_wait) {
			/* Nothing sleeps between finding the page and copying it. */
			if (vm_fault_object_page(object, offset + off, &src) != KERN_SUCCESS)
				goto fail;
		} else {
			src = chain_resident_page(object, offset + off); /* pager pages: vm_map_page_in */
		}
		if (src == NULL)
			continue; /* reads as zero in both */
		struct vm_page *dst = vm_page_alloc_in(copy, off);
		if (dst == NULL)
			goto fail;
		vm_page_copy(src, dst);
	}
	vm_object_deallocate(object);
	return copy;
fail:
	vm_object_deallocate(object);
	vm_object_deallocate(copy);
	return NULL;
}

/* ---- copy strategies (see vm_object.h) ---- */

int vm_object_copy_lacks(struct vm_object *object, vm_offset_t offset)
{
	struct vm_object *c = object->copy;

	if (c == NULL || offset >= c->size || vm_page_lookup(c, offset) != NULL)
		return 0;
	/* Pushed and since paged out to the default pager. */
	return c->existence == NULL || !vm_object_pager_has(c, offset);
}

kern_return_t vm_object_copy_push(struct vm_page *page, int move)
{
	struct vm_object *o = page->object, *c = o->copy;
	vm_offset_t off = page->offset;

	if (!vm_object_copy_lacks(o, off))
		return KERN_SUCCESS;
	if (move) {
		if (page->wire_count != 0)
			return KERN_SUCCESS; /* stays in place (and unchanged) */
		/* Mappings of the page through the copy stay right (same
		 * data); those through the original must go. */
		if (page->pv_pmap != NULL)
			pmap_page_protect(page, VM_PROT_NONE);
		vm_page_rename(page, c, off);
		page->flags &= ~(VM_PAGE_PRECIOUS | VM_PAGE_UNLOCK_ASKED);
		page->flags |= VM_PAGE_DIRTY; /* the copy's only copy */
		page->page_lock = VM_PROT_NONE;
		return KERN_SUCCESS;
	}
	struct vm_page *n = vm_page_alloc_in(c, off);
	if (n == NULL)
		return KERN_RESOURCE_SHORTAGE;
	vm_page_copy(page, n);
	/* Whoever read the page through the copy must now see the copy's. */
	if (page->pv_pmap != NULL)
		pmap_page_protect(page, VM_PROT_NONE);
	return KERN_SUCCESS;
}

struct vm_object *vm_object_copy_delayed(struct vm_object *src)
{
	struct vm_object *old = src->copy;

	/* Nothing was pushed into the last copy: nothing changed since, so
	 * it is still a copy of what src holds now. */
	if (old != NULL && old->resident_page_count == 0 && old->pager == NULL) {
		if (old->size < src->size)
			old->size = src->size;
		vm_object_reference(old);
		return old;
	}
	vm_size_t size = src->size;
	if (old != NULL && old->size > size)
		size = old->size;
	struct vm_object *c = vm_object_allocate(size);
	if (c == NULL)
		return NULL;
	if (old != NULL) {
		/* The old copy gets no more pushes: what it lacks is the same
		 * in the new one, which it now reads through. */
		assert(old->shadow == src && src->ref_count > 1);
		old->shadow = c;
		vm_object_reference(c);
		src->ref_count--; /* old's reference (ours keeps src alive) */
	}
	c->shadow = src;
	c->shadow_offset = 0;
	vm_object_reference(src);
	src->copy = c;
	/* A write through any mapping of src must fault (and push) first. */
	queue_chain_t *q;
	for (q = src->memq.next; q != &src->memq; q = q->next) {
		struct vm_page *p = queue_container(q, struct vm_page, listq);
		if (p->pv_pmap != NULL)
			pmap_page_protect(p, VM_PROT_ALL & ~VM_PROT_WRITE & ~p->page_lock);
	}
	return c;
}

kern_return_t vm_object_copy_strategically(struct vm_object *src, vm_offset_t offset, vm_size_t size,
					   int can_wait, struct vm_object **dst, vm_offset_t *dst_offset,
					   int *dst_needs_copy, int *src_needs_copy)
{
	int strategy = src->copy_strategy;
	kern_return_t kr = KERN_SUCCESS;

	*src_needs_copy = 0;
	/* Until the pager is ready, nothing of it is resident: delay. */
	if (src->pager != NULL && !src->pager_ready)
		strategy = VM_OBJECT_COPY_DELAY;
	if (strategy == VM_OBJECT_COPY_TEMPORARY)
		strategy = src->ref_count == 1 ? VM_OBJECT_COPY_SYMMETRIC : VM_OBJECT_COPY_DELAY;
	switch (strategy) {
	case VM_OBJECT_COPY_SYMMETRIC:
		vm_object_reference(src);
		*dst = src;
		*dst_offset = offset;
		*dst_needs_copy = *src_needs_copy = 1;
		break;
	case VM_OBJECT_COPY_DELAY:
		*dst = vm_object_copy_delayed(src);
		*dst_offset = offset;
		*dst_needs_copy = 1;
		if (*dst == NULL)
			kr = KERN_RESOURCE_SHORTAGE;
		break;
	case VM_OBJECT_COPY_CALL:
		kr = vm_object_copy_call(src, offset, size, dst);
		*dst_offset = 0;
		*dst_needs_copy = 1;
		break;
	default: /* NONE */
		*dst = vm_object_copy_slowly(src, offset, size, can_wait);
		*dst_offset = 0;
		*dst_needs_copy = 0;
		if (*dst == NULL)
			kr = can_wait ? KERN_MEMORY_ERROR : KERN_RESOURCE_SHORTAGE;
		break;
	}
	return kr;
}
