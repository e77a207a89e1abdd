/* IPC spaces: name tables and the reverse (port -> name) lookup. */
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/string.h>
#include <kern/zalloc.h>
#include <ipc/space.h>

#define SPACE_INITIAL_SIZE 64
#define SPACE_MAX_SIZE (1u << 18) /* indexes are below this */
_Static_assert(SPACE_MAX_SIZE - 1 <= IPC_NAME_INDEX_MASK, "indexes fit in names");

static struct zone space_zone;
static struct ipc_space ipc_space_kernel_store;
struct ipc_space *ipc_space_kernel = &ipc_space_kernel_store;

void ipc_space_bootstrap(void)
{
	zone_init(&space_zone, "ipc.spaces", sizeof(struct ipc_space), 0);
	ipc_space_kernel->active = 1;
	ipc_space_kernel->ref_count = 1;
}

/* Grow the table to new_size entries, threading the new ones onto the
 * free list so that the lowest names come out first. */
static int space_grow(struct ipc_space *space, unsigned new_size)
{
	struct ipc_entry *table;

	if (new_size > SPACE_MAX_SIZE)
		return 0;
	table = kalloc(new_size * sizeof(*table));
	if (table == NULL)
		return 0;
	if (space->table) {
		memcpy(table, space->table, space->size * sizeof(*table));
		kfree(space->table, space->size * sizeof(*table));
	}
	memset(&table[space->size], 0, (new_size - space->size) * sizeof(*table));
	for (unsigned i = new_size; i-- > (space->size ? space->size : 1);) {
		table[i].name = i; /* generation 0 */
		table[i].next_free = space->free_head;
		space->free_head = i;
	}
	space->table = table;
	space->size = new_size;
	space->mask = new_size - 1;
	return 1;
}

struct ipc_space *ipc_space_create(void)
{
	struct ipc_space *space = zalloc(&space_zone);

	if (space == NULL)
		return NULL;
	memset(space, 0, sizeof(*space));
	if (!space_grow(space, SPACE_INITIAL_SIZE)) {
		zfree(&space_zone, space);
		return NULL;
	}
	space->active = 1;
	space->ref_count = 1;
	return space;
}

void ipc_space_free(struct ipc_space *space)
{
	assert(!space->active && space != ipc_space_kernel);
	kfree(space->table, space->size * sizeof(struct ipc_entry));
	zfree(&space_zone, space);
}

void ipc_space_destroy(struct ipc_space *space)
{
	if (!space->active)
		return;
	/* Port sets first, so that destroying ports does not touch them. */
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 1; i < space->size; i++) {
			struct ipc_entry *e = &space->table[i];
			int is_pset = IE_TYPE(e) & MACH_PORT_TYPE_PORT_SET;
			if (IE_TYPE(e) != 0 && (pass == 0) == (is_pset != 0))
				ipc_right_destroy(space, e->name);
		}
	space->active = 0;
}

int ipc_space_grow_double(struct ipc_space *space)
{
	return space_grow(space, space->size * 2);
}

kern_return_t ipc_entry_alloc_name(struct ipc_space *space, mach_port_t name, struct ipc_entry **out)
{
	unsigned index = IPC_NAME_INDEX(name);

	/* Entry 0 is never in use; bit 31 is never a name's. */
	if (!MACH_PORT_VALID(name) || index == 0 || (name & ~IPC_NAME_MASK) != 0)
		return KERN_INVALID_VALUE;
	if (index >= SPACE_MAX_SIZE)
		return KERN_NO_SPACE;
	unsigned size = space->size;
	while (size <= index)
		size *= 2;
	if (size != space->size && !space_grow(space, size))
		return KERN_RESOURCE_SHORTAGE;
	struct ipc_entry *e = &space->table[index];
	if (IE_TYPE(e) != 0) /* under this name or another generation's */
		return KERN_NAME_EXISTS;
	/* Unlink it from the free list. */
	unsigned *link = &space->free_head;
	while (*link != index)
		link = &space->table[*link].next_free;
	*link = e->next_free;
	e->next_free = 0;
	e->name = name;
	space->used++;
	*out = e;
	return KERN_SUCCESS;
}

static unsigned *reverse_bucket(struct ipc_space *space, struct ipc_port *port)
{
	uintptr_t h = (uintptr_t)port >> 4;
	return &space->rev_heads[(h ^ (h >> 7)) % IPC_REVERSE_BUCKETS];
}

mach_port_t ipc_reverse_lookup_slow(struct ipc_space *space, struct ipc_port *port)
{
	for (unsigned i = *reverse_bucket(space, port); i != 0; i = space->table[i].rev_next)
		if (space->table[i].object == port) {
			space->rev_hint_port = port;
			space->rev_hint_index = i;
			return space->table[i].name;
		}
	return MACH_PORT_NULL;
}

void ipc_reverse_insert(struct ipc_space *space, struct ipc_port *port, mach_port_t name)
{
	unsigned *head = reverse_bucket(space, port), i = IPC_NAME_INDEX(name);

	space->table[i].rev_next = *head;
	*head = i;
}

void ipc_reverse_remove(struct ipc_space *space, struct ipc_port *port)
{
	for (unsigned *p = reverse_bucket(space, port); *p != 0; p = &space->table[*p].rev_next) {
		if (space->table[*p].object == port) {
			unsigned i = *p;
			*p = space->table[i].rev_next;
			space->table[i].rev_next = 0;
			return;
		}
	}
}
