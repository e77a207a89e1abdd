/*
 * The page fault handler (see vm_fault.h).  The path, for a fault at va:
 *   1. the entry containing va, and a check of its protection;
 *   2. a write through a copy-on-write entry first gives the entry a
 *      shadow object of its own (unless it holds the only reference);
 *   3. the page is looked for in the entry's object, then down the
 *      shadow chain; none anywhere: a zero-filled page in the top object;
 *   4. found below the top and written: copied up into the top object
 *      (copy-on-write); found below and read: mapped read-only, so that
 *      the first write comes back here;
 *   5. entered in the pmap.
 * In step 3 an object with a pager that lacks the page gets a busy,
 * absent page; the fault then sends memory_object_data_request and
 * sleeps (without the map lock) until the data, an error or a time-out
 * arrives, and starts over from step 1.  A page the pager locked against the
 * access asks for memory_object_data_unlock the same way.
 */
#include <i386/pmap.h>
#include <mach/host_info.h>
#include <kern/clock.h>
#include <kern/cmdline.h>
#include <kern/debug.h>
#include <kern/sched.h>
#include <kern/thread.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>

struct vm_statistics vm_stat;
struct host_vm_fault_info vm_fault_info;

/* Internal result of fault_once: the fault must wait (see struct
 * fault_wait) and then start over. */
#define VM_FAULT_RETRY ((kern_return_t)-1)

/* What a fault waits for while a pager works: the page at offset in
 * object (not busy any more, or no longer locked against access), or the
 * object's memory_object_ready.  The wait holds a reference on object. */
struct fault_wait {
	struct vm_object *object;
	vm_offset_t offset;
	vm_prot_t access;  /* != 0: wait for page_lock to allow this */
	int ready;	   /* wait for pager_ready */
	int memory;	   /* no object: wait for free pages (vm_page_wait) */
	vm_prot_t request; /* != 0: first send data_request for page (absent) */
	/* The page the fault saw at offset (NULL: none known); after the
	 * wait, the page found there. */
	struct vm_page *page;
	/* vm_fault: the page comes to the entry's own object; if the map is
	 * then as the fault left it, it maps the page at once with this
	 * protection (fault_resume). */
	int resumable;
	vm_prot_t prot;
	/* fault_once changed the entry (its object, shadow or needs_copy):
	 * the map's unlock must stamp it.  A fault that only found or made
	 * a page leaves the entries as they were, and another fault of the
	 * map waiting for a pager may still resume. */
	int entry_changed;
};

/* How long a fault waits for free pages before it fails. */
#define VM_FAULT_MEMORY_WAIT_TICKS (5 * HZ)

/* Inline in vm_fault (and vm_fault_locked): one call less a fault. */
static inline __attribute__((always_inline)) kern_return_t
fault_once(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type, int wire, struct vm_page **result,
	   struct fault_wait *w);

static void fault_wait_set(struct fault_wait *w, struct vm_object *o, vm_offset_t off, vm_prot_t access, int ready)
{
	vm_object_reference(o);
	w->object = o;
	w->offset = off;
	w->access = access;
	w->ready = ready;
	w->memory = 0;
	w->request = VM_PROT_NONE;
	w->page = NULL;
	w->resumable = 0;
}

/* The page at w's offset in w's object.  A struct vm_page is never freed
 * (the page array) and is tabled in at most one object at one offset,
 * an object holding at most one page at an offset: so the page the fault
 * saw there, if it is still tabled in the object at the offset, is the
 * one the hash would find, whatever happened to the page meanwhile.
 * (w->object itself is still the same object: the wait's reference
 * holds it in fault_wait, the map's unchanged timestamp in
 * fault_resume.) */
static inline struct vm_page *fault_wait_page(struct fault_wait *w)
{
	struct vm_page *p = w->page;

	if (p != NULL && p->object == w->object && p->offset == w->offset && (p->flags & VM_PAGE_TABLED))
		return p;
	return vm_page_lookup(w->object, w->offset);
}

/* No free page: wait for the pageout daemon, then start over. */
static kern_return_t fault_wait_memory(struct fault_wait *w)
{
	w->object = NULL;
	w->memory = 1;
	w->request = VM_PROT_NONE;
	w->resumable = 0;
	return VM_FAULT_RETRY;
}

/* Whether what w waits for has happened (or can no longer happen). */
static int fault_wait_over(struct fault_wait *w, struct vm_page **page)
{
	struct vm_object *o = w->object;

	*page = NULL;
	if (w->ready)
		return o->pager_ready || o->pager == NULL;
	struct vm_page *p = fault_wait_page(w);
	*page = w->page = p;
	if (p == NULL)
		return 1;
	if (w->access != 0)
		return !(p->page_lock & w->access) || (p->flags & VM_PAGE_BUSY);
	return !(p->flags & VM_PAGE_BUSY);
}

/*
 * The threads waiting for a pager (in fault_wait), woken every tenth of
 * a second (the command line's pager_watch=MS) by one timer, armed while
 * there are any, so that each looks whether its time is up, and at once
 * when their pager's port dies (vm_fault_pager_died).  A wait costs a
 * link in a list, not a timer of its own set and cancelled (docs/vm.md).
 * The look would also hide a lost wake-up as a delay: tests boot with a
 * long pager_watch, so that one hangs instead (test/user/tests.list).
 */
struct pager_watch {
	queue_chain_t link;
	struct thread *thread;
	struct vm_object *object; /* whose pager it waits for (referenced) */
	event_t event;		  /* what it sleeps on; set before each sleep */
	uint32_t since;		  /* clock_ticks (its low word) as the wait began */
};

queue_head_t vm_fault_pager_watched = QUEUE_HEAD_INIT(vm_fault_pager_watched);
static struct timer pager_watch_timer;

/* The ticks between the watch's looks (pager_watch= in ms, default 100). */
static uint64_t pager_watch_ticks(void)
{
	static uint64_t ticks;

	if (ticks == 0)
		ticks = ((uint64_t)cmdline_get_number(&kernel_cmdline, "pager_watch", 100, 3600000) * HZ + 999) / 1000;
	return ticks;
}

/* The timer's, interrupts off: wake those asleep on what they wait for
 * (not a sleep of theirs elsewhere), with THREAD_TIMED_OUT. */
static void pager_watch_tick(void *arg)
{
	struct pager_watch *pw;

	(void)arg;
	queue_iterate(&vm_fault_pager_watched, pw, struct pager_watch, link)
		if (pw->event != NULL)
			clear_wait_event(pw->thread, pw->event, THREAD_TIMED_OUT);
	if (!queue_empty(&vm_fault_pager_watched))
		timer_set(&pager_watch_timer, pager_watch_ticks(), pager_watch_tick, NULL);
}

void vm_fault_pager_died(struct ipc_port *port)
{
	int s = cpu_intr_save();
	struct pager_watch *pw;

	queue_iterate(&vm_fault_pager_watched, pw, struct pager_watch, link)
		if (pw->event != NULL && pw->object->pager == port)
			clear_wait_event(pw->thread, pw->event, THREAD_AWAKENED);
	cpu_intr_restore(s);
}

static void pager_watch_begin(struct pager_watch *pw, struct vm_object *object)
{
	int s = cpu_intr_save();

	pw->thread = current_thread();
	pw->object = object;
	pw->event = NULL;
	pw->since = (uint32_t)clock_ticks;
	queue_enter_tail(&vm_fault_pager_watched, &pw->link);
	if (!queue_linked(&pager_watch_timer.link))
		timer_set(&pager_watch_timer, pager_watch_ticks(), pager_watch_tick, NULL);
	cpu_intr_restore(s);
}

static void pager_watch_end(struct pager_watch *pw)
{
	int s = cpu_intr_save();

	queue_remove_entry(&pw->link);
	cpu_intr_restore(s);
}

/* Whether the wait has lasted vm_pager_timeout_ms (worked out when a
 * wait goes on after a wake-up, not at every page-in; the difference of
 * the low words is right across their wrapping). */
static int pager_watch_expired(const struct pager_watch *pw)
{
	static uint32_t timeout_ticks; /* the command line's, once */

	if (timeout_ticks == 0)
		timeout_ticks = (uint32_t)((uint64_t)vm_pager_timeout_ms() * HZ / 1000 + 1);
	return (uint32_t)clock_ticks - pw->since >= timeout_ticks;
}

/*
 * Sleep until the pager has done what w waits for; KERN_SUCCESS to
 * start the fault over, KERN_MEMORY_ERROR if the pager died or did not
 * answer within vm_pager_timeout_ms (a page it never supplied is marked
 * ERROR, so every fault waiting for it fails too).  Never spins: the
 * thread sleeps on the page (or object), woken when the pager's port
 * dies and by pager_watch_tick each tenth of a second to see whether its
 * time is up.
 */
static kern_return_t fault_wait(struct fault_wait *w)
{
	if (w->memory)
		return vm_page_wait(VM_FAULT_MEMORY_WAIT_TICKS);
	struct vm_object *o = w->object;
	kern_return_t kr = KERN_SUCCESS;
	struct vm_page *p;
	struct pager_watch pw;

	pager_watch_begin(&pw, o);
	if (w->request != VM_PROT_NONE) {
		/* Asked here, the map unlocked: a pager thread waiting in
		 * receive runs at once (the first sleep happens inside, on
		 * the page). */
		int r;
		pw.event = w->page;
		kr = vm_object_pager_request(o, w->offset, w->request, w->page, &r);
		if (kr != KERN_SUCCESS) {
			w->page->flags &= ~(VM_PAGE_BUSY | VM_PAGE_ABSENT);
			vm_page_free_in(w->page);
		} else if (r == THREAD_INTERRUPTED) {
			kr = KERN_ABORTED;
		}
		if (kr != KERN_SUCCESS) {
			pager_watch_end(&pw);
			vm_object_deallocate(o);
			return kr;
		}
	}
	while (!fault_wait_over(w, &p)) {
		if (!vm_object_pager_alive(o) || pager_watch_expired(&pw)) {
			if (p != NULL && (p->flags & VM_PAGE_ABSENT))
				vm_page_pager_failed(p);
			else if (p != NULL && w->access != 0)
				p->flags &= ~VM_PAGE_UNLOCK_ASKED; /* the next fault asks again */
			kr = KERN_MEMORY_ERROR;
			break;
		}
		if (p != NULL)
			p->flags |= VM_PAGE_WANTED;
		pw.event = p != NULL ? (event_t)p : (event_t)o;
		/* Interruptible: a thread being terminated, suspended or
		 * aborted leaves the fault (KERN_ABORTED) and, if it goes on,
		 * faults again later. */
		if (thread_sleep(pw.event, 1, 0) == THREAD_INTERRUPTED) {
			kr = KERN_ABORTED;
			break;
		}
	}
	pager_watch_end(&pw);
	vm_object_deallocate(o);
	return kr;
}

/*
 * After a pager's page came to the object of the fault's own entry (w
 * resumable), with the map locked and unchanged since the fault left it
 * (so the entry, its object and offset and the protection worked out
 * are as they were): the page mapped at once, without starting over.
 * VM_FAULT_RETRY, nothing done, when the page is not there as plain data
 * the access may use (gone again, failed, locked, its object copied
 * since, inactive): then the fault starts over.  fresh: nothing has run
 * since fault_wait found w->page (the map lock was free), so it is
 * still the page there.
 */
static kern_return_t fault_resume(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type, struct fault_wait *w,
				  int fresh)
{
	struct vm_page *p = fresh ? w->page : fault_wait_page(w);

	if (p == NULL || (p->flags & (VM_PAGE_BUSY | VM_PAGE_NO_DATA)) || (p->page_lock & fault_type) ||
	    w->object->copy != NULL || p->queue == VM_PAGE_Q_INACTIVE)
		return VM_FAULT_RETRY;
	vm_stat.faults++;
	return pmap_enter(map->pmap, trunc_page(va), p, w->prot & ~p->page_lock);
}

/* The map lock is dropped while a pager works, so that other threads of
 * the task can fault, allocate and unmap meanwhile. */
kern_return_t vm_fault(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type)
{
	kern_return_t kr;
	struct fault_wait w;
	unsigned left = 0; /* the map's timestamp as the fault left it */

	w.resumable = 0;
	for (;;) {
		int slept = vm_map_lock(map);
		w.entry_changed = 0;
		kr = VM_FAULT_RETRY;
		/* (w.object is the entry's: its reference holds it.) */
		if (w.resumable && map->timestamp == left)
			kr = fault_resume(map, va, fault_type, &w, !slept);
		if (w.resumable) {
			if (kr == VM_FAULT_RETRY)
				vm_fault_info.pager_waits_restarted++;
			else
				vm_fault_info.pager_waits_resumed++;
		}
		if (kr == VM_FAULT_RETRY)
			kr = fault_once(map, va, fault_type, 0, NULL, &w);
		if (w.entry_changed)
			vm_map_unlock(map);
		else
			vm_map_unlock_unchanged(map);
		/* The unlock may stamp the map; nothing runs before this read
		 * (the kernel is not preempted; the unlock's wakeup only
		 * readies a waiter), so it is the stamp the fault left. */
		left = map->timestamp;
		if (kr != VM_FAULT_RETRY)
			return kr;
		if ((kr = fault_wait(&w)) != KERN_SUCCESS)
			return kr;
	}
}

/* Callers that hold the map lock (wiring, vm_write) keep it while a
 * pager works: the wait is bounded by the pager time-out. */
kern_return_t vm_fault_locked(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type, int wire,
			      struct vm_page **result)
{
	kern_return_t kr;
	struct fault_wait w;

	for (;;) {
		kr = fault_once(map, va, fault_type, wire, result, &w);
		if (kr != VM_FAULT_RETRY)
			return kr;
		if ((kr = fault_wait(&w)) != KERN_SUCCESS)
			return kr;
	}
}

struct vm_page *vm_map_entry_page(struct vm_map_entry *entry, vm_offset_t va)
{
	vm_offset_t off = entry->offset + (trunc_page(va) - entry->start);

	for (struct vm_object *o = entry->object; o != NULL; o = o->shadow) {
		struct vm_page *p = vm_page_lookup(o, off);
		if (p != NULL && !(p->flags & VM_PAGE_UNAVAILABLE))
			return p->flags & VM_PAGE_NO_DATA ? NULL : p;
		off += o->shadow_offset;
	}
	return NULL;
}

kern_return_t vm_map_entry_page_in(struct vm_map_entry *entry, vm_offset_t va, struct vm_page **page)
{
	*page = vm_map_entry_page(entry, va);
	if (*page != NULL || entry->object == NULL)
		return KERN_SUCCESS;
	return vm_fault_object_page(entry->object, entry->offset + (trunc_page(va) - entry->start), page);
}

/*
 * Find the page first shows at first_off, down its shadow chain, for a
 * fault needing fault_type in first (a backing object is only read: a
 * write copies up).  KERN_SUCCESS: *page is the page and *found its
 * object, or *page NULL: it reads as zero.  *marker: a page of first at
 * first_off that holds no data (the pager said unavailable), which the
 * caller must free before putting a page there.  VM_FAULT_RETRY: w says
 * what to wait for (a pager's answer, or memory); then look again.
 */
static inline __attribute__((always_inline)) kern_return_t
fault_lookup(struct vm_object *first, vm_offset_t first_off, vm_prot_t fault_type, struct fault_wait *w,
	     struct vm_object **found, struct vm_page **result, struct vm_page **marker)
{
	struct vm_object *o = first;
	vm_offset_t off = first_off;
	struct vm_page *page;

	*marker = NULL;
	for (;;) {
		vm_prot_t need = o == first ? fault_type : VM_PROT_READ;
		page = vm_page_lookup(o, off);
		if (page != NULL && (page->flags & VM_PAGE_UNAVAILABLE) && !(page->flags & VM_PAGE_BUSY)) {
			/* The pager has nothing here: read through the shadow. */
			if (o == first)
				*marker = page;
			page = NULL;
		} else if (page != NULL) {
			if (page->flags & VM_PAGE_BUSY) {
				fault_wait_set(w, o, off, 0, 0);
				w->page = page;
				return VM_FAULT_RETRY;
			}
			if (page->flags & VM_PAGE_ERROR) {
				vm_page_free_in(page); /* the next fault asks again */
				return KERN_MEMORY_ERROR;
			}
			if (page->page_lock & need) {
				if (!vm_object_pager_alive(o))
					return KERN_MEMORY_ERROR;
				if (!(page->flags & VM_PAGE_UNLOCK_ASKED)) {
					page->flags |= VM_PAGE_UNLOCK_ASKED;
					if (vm_object_pager_unlock(o, off, need) != KERN_SUCCESS)
						return KERN_MEMORY_ERROR;
				}
				fault_wait_set(w, o, off, need, 0);
				w->page = page;
				return VM_FAULT_RETRY;
			}
			break;
		} else if (o->pager_gone && vm_object_pager_has(o, off)) {
			return KERN_MEMORY_ERROR;
		} else if (o->pager != NULL && vm_object_pager_has(o, off)) {
			/* The pager's page: ask for it and wait with a busy,
			 * absent page in its place (after memory_object_ready). */
			if (!o->pager_ready) {
				if (!vm_object_pager_alive(o))
					return KERN_MEMORY_ERROR;
				fault_wait_set(w, o, off, 0, 1);
				return VM_FAULT_RETRY;
			}
			page = vm_page_grab();
			if (page == NULL)
				return fault_wait_memory(w);
			/* On no paging queue until data arrives (the pageout
			 * daemon has nothing to take from it). */
			vm_page_insert(page, o, off);
			page->flags |= VM_PAGE_BUSY | VM_PAGE_ABSENT;
			page->page_lock = VM_PROT_NONE;
			vm_stat.pageins++;
			/* The request goes from fault_wait, without the map lock. */
			fault_wait_set(w, o, off, 0, 0);
			w->request = need;
			w->page = page;
			return VM_FAULT_RETRY;
		}
		if (o->shadow == NULL)
			break;
		off += o->shadow_offset;
		o = o->shadow;
	}
	*found = o;
	*result = page;
	return KERN_SUCCESS;
}

kern_return_t vm_fault_object_page(struct vm_object *object, vm_offset_t offset, struct vm_page **page)
{
	struct fault_wait w;
	struct vm_object *found;
	struct vm_page *marker;
	kern_return_t kr;

	while ((kr = fault_lookup(object, offset, VM_PROT_READ, &w, &found, page, &marker)) == VM_FAULT_RETRY)
		if ((kr = fault_wait(&w)) != KERN_SUCCESS)
			return kr;
	return kr;
}

kern_return_t vm_object_pager_wait_ready(struct vm_object *object)
{
	struct fault_wait w;

	if (object->pager == NULL || object->pager_ready)
		return KERN_SUCCESS;
	if (!vm_object_pager_alive(object))
		return KERN_MEMORY_ERROR;
	fault_wait_set(&w, object, 0, 0, 1);
	kern_return_t kr = fault_wait(&w);
	if (kr == KERN_SUCCESS && !object->pager_ready)
		kr = KERN_MEMORY_ERROR; /* the pager went away meanwhile */
	return kr;
}

/* A fresh page at first_off in first, where a marker may sit. */
static struct vm_page *fault_page_alloc(struct vm_object *first, vm_offset_t first_off, struct vm_page *marker)
{
	if (marker != NULL)
		vm_page_free_in(marker);
	return vm_page_alloc_in(first, first_off);
}

static inline __attribute__((always_inline)) kern_return_t
fault_once(struct vm_map *map, vm_offset_t va, vm_prot_t fault_type, int wire, struct vm_page **result,
	   struct fault_wait *w)
{
	struct vm_map_entry *e;
	kern_return_t kr;

	vm_stat.faults++;
	va = trunc_page(va);
	if (!vm_map_lookup_entry(map, va, &e))
		return KERN_INVALID_ADDRESS;
	if ((fault_type & e->protection) != fault_type)
		return KERN_PROTECTION_FAILURE;

	vm_prot_t prot = e->protection;
	if (e->needs_copy) {
		if (!(fault_type & VM_PROT_WRITE)) {
			prot &= ~VM_PROT_WRITE;
		} else if (e->object->ref_count == 1 && e->object->pager == NULL) {
			e->needs_copy = 0; /* nobody else can see the object */
			w->entry_changed = 1;
		} else {
			w->entry_changed = 1;
			kr = vm_object_shadow(&e->object, &e->offset, e->end - e->start);
			if (kr != KERN_SUCCESS)
				return kr;
			e->needs_copy = 0;
		}
	}
	if (e->object == NULL) {
		w->entry_changed = 1;
		e->object = vm_object_allocate(e->end - e->start);
		if (e->object == NULL)
			return KERN_RESOURCE_SHORTAGE;
		e->offset = 0;
	}

	struct vm_object *first = e->object, *o;
	vm_offset_t first_off = e->offset + (va - e->start);
	struct vm_page *page, *marker;
	kr = fault_lookup(first, first_off, fault_type, w, &o, &page, &marker);
	if (kr == VM_FAULT_RETRY && w->request != VM_PROT_NONE && w->object == first && !wire && result == NULL) {
		w->resumable = 1;
		w->prot = prot;
	}
	if (kr != KERN_SUCCESS)
		return kr;

	if (page == NULL) {
		page = fault_page_alloc(first, first_off, marker);
		if (page == NULL)
			return fault_wait_memory(w);
		vm_page_zero(page);
		vm_stat.zero_fill_count++;
	} else if (o != first) {
		if (fault_type & VM_PROT_WRITE) {
			struct vm_page *copy = fault_page_alloc(first, first_off, marker);
			if (copy == NULL)
				return fault_wait_memory(w);
			vm_page_copy(page, copy);
			vm_stat.cow_faults++;
			if (e->wired_count != 0 && !wire) {
				/* The wiring moves to the page now visible. */
				vm_page_unwire(page);
				vm_page_wire(copy);
			}
			page = copy;
			/* The chain may now be shorter: the first write after the
			 * other side of a copy went away merges it in. */
			vm_object_collapse(first);
		} else {
			prot &= ~VM_PROT_WRITE;
		}
	} else {
		prot &= ~page->page_lock;
		/* A copy object (DELAY) that lacks the page gets it before the
		 * first write; until then the page is mapped read-only. */
		if (first->copy != NULL && vm_object_copy_lacks(first, first_off)) {
			if (!(fault_type & VM_PROT_WRITE))
				prot &= ~VM_PROT_WRITE;
			else if (vm_object_copy_push(page, 0) != KERN_SUCCESS)
				return fault_wait_memory(w);
		}
		if (page->queue == VM_PAGE_Q_INACTIVE) {
			vm_page_activate(page);
			vm_stat.reactivations++;
		}
	}
	kr = pmap_enter(map->pmap, va, page, prot);
	if (kr != KERN_SUCCESS)
		return kr;
	if (wire)
		vm_page_wire(page);
	if (result != NULL)
		*result = page;
	return KERN_SUCCESS;
}
