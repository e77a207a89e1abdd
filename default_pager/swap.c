/*
 * Swap areas and the block bitmap.  A swap area is a device (a disk or
 * a partition: "hd0s2") or a list of record extents on one
 * ("hd0:2048+4096,10240+512"), cut into page-sized slots.  All slots of
 * all areas are numbered in one space of DP_SLOTS_MAX, whose bitmap says
 * which are taken and whose table says whose page each holds; both are
 * static, so giving a page a slot never allocates memory, never touches a
 * file system and never waits for anything but the disk.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <device/device.h>
#include "default_pager.h"

struct dp_area dp_areas[DP_AREAS_MAX];
static uint32_t dp_slot_limit; /* slots [0, limit) belong to some area, past or present */

/* Bit s: slot s is taken. */
static uint32_t dp_slot_bitmap[DP_SLOTS_MAX / 32];
/* Whose page a taken slot holds, and the (object, page) hash chains. */
static uint16_t dp_slot_object[DP_SLOTS_MAX];
static uint32_t dp_slot_page[DP_SLOTS_MAX];
static uint32_t dp_slot_next[DP_SLOTS_MAX];
static uint32_t dp_slot_hash[DP_SLOT_HASH_SIZE];

static_assert(DP_OBJECTS_MAX <= UINT16_MAX, "object numbers fit dp_slot_object");
static_assert((DP_SLOT_HASH_SIZE & (DP_SLOT_HASH_SIZE - 1)) == 0, "hash size is a power of two");

static uint32_t *bucket(uint32_t object, uint32_t page)
{
	return &dp_slot_hash[(page * 2654435761u ^ object * 40503u) & (DP_SLOT_HASH_SIZE - 1)];
}

static int slot_taken(uint32_t s)
{
	return dp_slot_bitmap[s / 32] >> (s % 32) & 1;
}

static struct dp_area *area_of(uint32_t slot)
{
	for (unsigned a = 0; a < DP_AREAS_MAX; a++)
		if (dp_areas[a].in_use && slot - dp_areas[a].first_slot < dp_areas[a].slots)
			return &dp_areas[a];
	return NULL;
}

void dp_swap_totals(uint32_t *total, uint32_t *free)
{
	*total = *free = 0;
	for (unsigned a = 0; a < DP_AREAS_MAX; a++)
		if (dp_areas[a].in_use) {
			*total += dp_areas[a].slots;
			*free += dp_areas[a].slots - dp_areas[a].slots_used;
		}
}

/* ---- adding and removing areas ---- */

/* "START+COUNT" extents separated by commas; whole pages only. */
static kern_return_t parse_extents(const char *s, struct dp_area *area, uint64_t device_records)
{
	uint32_t per_page = vm_page_size / area->record_size;

	area->nextents = 0;
	area->slots = 0;
	while (*s != '\0') {
		char *end;
		unsigned long long start = strtoull(s, &end, 0), count;
		if (end == s || *end != '+')
			return KERN_INVALID_ARGUMENT;
		s = end + 1;
		count = strtoull(s, &end, 0);
		if (end == s || (*end != ',' && *end != '\0') || area->nextents == DP_EXTENTS_MAX)
			return KERN_INVALID_ARGUMENT;
		s = *end == ',' ? end + 1 : end;
		if (count < per_page || start + count < start ||
		    (device_records != 0 && start + count > device_records))
			return KERN_INVALID_ARGUMENT;
		for (unsigned i = 0; i < area->nextents; i++) { /* no two extents share a record */
			struct dp_extent *e = &area->extents[i];
			if (start < e->start + (uint64_t)e->slots * per_page && e->start < start + count)
				return KERN_INVALID_ARGUMENT;
		}
		area->extents[area->nextents].start = (recnum_t)start;
		area->extents[area->nextents].slots = (uint32_t)(count / per_page);
		area->slots += area->extents[area->nextents].slots;
		area->nextents++;
	}
	return area->nextents > 0 ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
}

kern_return_t dp_area_add(mach_port_t device_master, const char *spec)
{
	struct dp_area new_area = {0}, *slot = NULL;
	const char *colon = strchr(spec, ':');
	size_t namelen = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	kern_return_t kr;

	if (namelen == 0 || namelen >= DP_DEVICE_NAME_MAX)
		return KERN_INVALID_ARGUMENT;
	memcpy(new_area.name, spec, namelen);
	for (unsigned a = 0; a < DP_AREAS_MAX; a++) {
		if (dp_areas[a].in_use && strcmp(dp_areas[a].name, new_area.name) == 0)
			return KERN_NAME_EXISTS;
		if (!dp_areas[a].in_use && slot == NULL)
			slot = &dp_areas[a];
	}
	if (slot == NULL)
		return KERN_RESOURCE_SHORTAGE;
	kr = device_open(device_master, D_READ | D_WRITE, new_area.name, &new_area.device);
	if (kr != KERN_SUCCESS) {
		dp_log("default_pager: cannot open %s (%d)\n", new_area.name, kr);
		return kr;
	}
	int status[DEV_GET_SIZE_COUNT];
	mach_msg_type_number_t count = DEV_GET_SIZE_COUNT;
	kr = device_get_status(new_area.device, DEV_GET_SIZE, status, &count);
	new_area.record_size = status[DEV_GET_SIZE_RECORD_SIZE];
	if (kr != KERN_SUCCESS || count < DEV_GET_SIZE_COUNT || new_area.record_size == 0 ||
	    new_area.record_size > vm_page_size || vm_page_size % new_area.record_size != 0) {
		dp_log("default_pager: %s: no usable record size\n", new_area.name);
		kr = KERN_INVALID_ARGUMENT;
		goto fail;
	}
	uint64_t records = (uint32_t)status[DEV_GET_SIZE_DEVICE_SIZE] / new_area.record_size;
	if (colon != NULL) {
		kr = parse_extents(colon + 1, &new_area, records);
	} else {
		new_area.nextents = 1;
		new_area.extents[0].start = 0;
		new_area.extents[0].slots = (uint32_t)(records * new_area.record_size / vm_page_size);
		new_area.slots = new_area.extents[0].slots;
		kr = new_area.slots > 0 ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
	}
	if (kr != KERN_SUCCESS) {
		dp_log("default_pager: %s: bad extents or empty device\n", spec);
		goto fail;
	}
	if (new_area.slots > DP_SLOTS_MAX - dp_slot_limit) {
		dp_log("default_pager: %s: more than the %u slots the pager has room for\n", spec,
		       DP_SLOTS_MAX - dp_slot_limit);
		kr = KERN_RESOURCE_SHORTAGE;
		goto fail;
	}
	new_area.first_slot = dp_slot_limit;
	dp_slot_limit += new_area.slots;
	new_area.in_use = 1;
	*slot = new_area;
	return KERN_SUCCESS;
fail:
	device_close(new_area.device);
	mach_port_deallocate(mach_task_self(), new_area.device);
	return kr;
}

kern_return_t dp_area_remove(const char *name)
{
	for (unsigned a = 0; a < DP_AREAS_MAX; a++) {
		struct dp_area *area = &dp_areas[a];
		if (!area->in_use || strcmp(area->name, name) != 0)
			continue;
		if (area->slots_used != 0)
			return KERN_FAILURE; /* pages live there */
		if (area->first_slot + area->slots == dp_slot_limit)
			dp_slot_limit = area->first_slot; /* the last numbers can be used again */
		device_close(area->device);
		mach_port_deallocate(mach_task_self(), area->device);
		memset(area, 0, sizeof(*area));
		return KERN_SUCCESS;
	}
	return KERN_INVALID_ARGUMENT;
}

/* ---- slots ---- */

uint32_t dp_slot_find(uint32_t object, uint32_t page)
{
	uint32_t s = *bucket(object, page);

	while (s != DP_NIL && (dp_slot_object[s] != object || dp_slot_page[s] != page))
		s = dp_slot_next[s];
	return s;
}

/* A free slot of the area, from its rotor on, a bitmap word at a time. */
static uint32_t area_alloc(struct dp_area *area)
{
	for (uint32_t n = 0; n < area->slots;) {
		uint32_t rel = (area->rotor + n) % area->slots, s = area->first_slot + rel;
		uint32_t word = dp_slot_bitmap[s / 32];
		if (word == UINT32_MAX && s % 32 == 0 && rel + 32 <= area->slots) {
			n += 32; /* a full word */
			continue;
		}
		if (!(word >> (s % 32) & 1)) {
			dp_slot_bitmap[s / 32] |= 1u << (s % 32);
			area->slots_used++;
			area->rotor = rel + 1;
			return s;
		}
		n++;
	}
	return DP_NIL;
}

/* Whether free slots are down to the reserve: the last 1/DP_RESERVE_PART
 * of the swap space (at least DP_RESERVE_MIN slots). */
static int swap_short(void)
{
	uint32_t total, free;

	dp_swap_totals(&total, &free);
	uint32_t reserve = total / DP_RESERVE_PART;
	return free <= (reserve > DP_RESERVE_MIN ? reserve : DP_RESERVE_MIN);
}

/* The object with the most slots. */
static uint32_t largest_user(void)
{
	uint32_t best = 0;

	for (uint32_t i = 1; i < DP_OBJECTS_MAX; i++)
		if (dp_objects[i].slots > dp_objects[best].slots)
			best = i;
	return best;
}

uint32_t dp_slot_get(uint32_t object, uint32_t page)
{
	uint32_t s = dp_slot_find(object, page);

	if (s != DP_NIL)
		return s;
	if (swap_short() && object == largest_user())
		return DP_NIL; /* the reserve is for everyone else */
	/* The area with the most room: spreads pages over several disks. */
	struct dp_area *best = NULL;
	for (unsigned a = 0; a < DP_AREAS_MAX; a++) {
		struct dp_area *area = &dp_areas[a];
		if (area->in_use && area->slots_used < area->slots &&
		    (best == NULL || area->slots - area->slots_used > best->slots - best->slots_used))
			best = area;
	}
	if (best == NULL || (s = area_alloc(best)) == DP_NIL)
		return DP_NIL;
	dp_slot_object[s] = (uint16_t)object;
	dp_slot_page[s] = page;
	dp_slot_next[s] = *bucket(object, page);
	*bucket(object, page) = s;
	dp_objects[object].slots++;
	return s;
}

static void slot_free(uint32_t s)
{
	uint32_t *link = bucket(dp_slot_object[s], dp_slot_page[s]);

	while (*link != s)
		link = &dp_slot_next[*link];
	*link = dp_slot_next[s];
	dp_slot_bitmap[s / 32] &= ~(1u << (s % 32));
	dp_objects[dp_slot_object[s]].slots--;
	struct dp_area *area = area_of(s);
	if (area != NULL)
		area->slots_used--;
}

void dp_slot_release(uint32_t object, uint32_t page)
{
	uint32_t s = dp_slot_find(object, page);
	if (s != DP_NIL)
		slot_free(s);
}

/* Every taken slot of the object (a scan of the bitmap, skipping empty
 * words: an object's end costs a pass over 4 KiB at most). */
static void for_object_slots(uint32_t object, void (*fn)(uint32_t slot, void *arg), void *arg)
{
	for (uint32_t w = 0; w < (dp_slot_limit + 31) / 32; w++) {
		uint32_t word = dp_slot_bitmap[w];
		while (word != 0) {
			uint32_t bit = (uint32_t)__builtin_ctz(word), s = w * 32 + bit;
			word &= word - 1;
			if (dp_slot_object[s] == object)
				fn(s, arg);
		}
	}
}

static void free_one(uint32_t s, void *arg)
{
	(void)arg;
	slot_free(s);
}

void dp_slots_free_object(uint32_t object)
{
	if (dp_objects[object].slots != 0)
		for_object_slots(object, free_one, NULL);
}

struct page_call {
	void (*fn)(uint32_t page, void *arg);
	void *arg;
};

static void call_page(uint32_t s, void *arg)
{
	struct page_call *c = arg;
	c->fn(dp_slot_page[s], c->arg);
}

void dp_slots_of_object(uint32_t object, void (*fn)(uint32_t page, void *arg), void *arg)
{
	struct page_call c = {fn, arg};
	if (dp_objects[object].slots != 0)
		for_object_slots(object, call_page, &c);
}

/* The device and first record of a slot. */
static struct dp_area *slot_where(uint32_t s, recnum_t *record)
{
	struct dp_area *area = area_of(s);

	if (area == NULL || !slot_taken(s))
		return NULL;
	uint32_t rel = s - area->first_slot, per_page = vm_page_size / area->record_size;
	for (unsigned i = 0; i < area->nextents; i++) {
		if (rel < area->extents[i].slots) {
			*record = area->extents[i].start + rel * per_page;
			return area;
		}
		rel -= area->extents[i].slots;
	}
	return NULL;
}

kern_return_t dp_slot_read(uint32_t slot, vm_offset_t *data)
{
	recnum_t record;
	struct dp_area *area = slot_where(slot, &record);
	io_buf_ptr_t buf;
	mach_msg_type_number_t count = 0;

	if (area == NULL)
		return D_INVALID_RECNUM;
	kern_return_t kr = device_read(area->device, 0, record, vm_page_size, &buf, &count);
	if (kr != D_SUCCESS)
		return kr;
	if (count != vm_page_size) {
		vm_deallocate(mach_task_self(), (vm_address_t)buf, count);
		return D_IO_ERROR;
	}
	*data = (vm_offset_t)buf;
	return D_SUCCESS;
}

kern_return_t dp_slot_write(uint32_t slot, vm_offset_t data)
{
	recnum_t record;
	struct dp_area *area = slot_where(slot, &record);
	int written = 0;

	if (area == NULL)
		return D_INVALID_RECNUM;
	kern_return_t kr = device_write(area->device, 0, record, (io_buf_ptr_t)data, vm_page_size, &written);
	if (kr == D_SUCCESS && (vm_size_t)written != vm_page_size)
		kr = D_IO_ERROR;
	return kr;
}

void dp_slots_init(void)
{
	memset(dp_slot_hash, 0xff, sizeof(dp_slot_hash)); /* every chain DP_NIL */
}
