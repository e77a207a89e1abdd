/* Zones and kalloc. */
#include <kern/kalloc.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <kern/zalloc.h>
#include <vm/vm_page.h>

#define ZONE_TEST_OBJS 1000
#define ZONE_TEST_SIZE 48

struct ztest_obj {
	uint32_t index;
	uint8_t fill[ZONE_TEST_SIZE - 4];
};

KTEST(zone_alloc_free)
{
	static struct zone z;
	static struct ztest_obj *objs[ZONE_TEST_OBJS];
	int ok = 1, distinct = 1;

	zone_init(&z, "ktest.zone", sizeof(struct ztest_obj), 0);
	for (unsigned i = 0; i < ZONE_TEST_OBJS; i++) {
		objs[i] = zalloc(&z);
		if (objs[i] == NULL) {
			ok = 0;
			break;
		}
		objs[i]->index = i;
		memset(objs[i]->fill, i & 0xff, sizeof(objs[i]->fill));
	}
	ktest_ok(ok, "%u objects allocated", ZONE_TEST_OBJS);
	for (unsigned i = 0; ok && i < ZONE_TEST_OBJS; i++) {
		distinct &= objs[i]->index == i;
		for (unsigned j = 0; j < sizeof(objs[i]->fill); j++)
			distinct &= objs[i]->fill[j] == (i & 0xff);
	}
	ktest_ok(distinct, "objects do not overlap (each kept its own contents)");
	ktest_ok(z.count == ZONE_TEST_OBJS, "zone counts %u objects in use", (unsigned)z.count);
	ktest_ok(z.pages == (ZONE_TEST_OBJS + (PAGE_SIZE / z.elem_size) - 1) / (PAGE_SIZE / z.elem_size),
		 "zone grew by whole pages only as needed (%u pages)", (unsigned)z.pages);
	for (unsigned i = 0; ok && i < ZONE_TEST_OBJS; i++)
		zfree(&z, objs[i]);
	ktest_ok(z.count == 0, "all objects freed");
	size_t pages = z.pages;
	void *again = zalloc(&z);
	ktest_ok(again != NULL && z.pages == pages, "freed objects are reused before the zone grows");
	zfree(&z, again);
}

KTEST(zone_limit)
{
	static struct zone z;
	void *a, *b, *c;

	zone_init(&z, "ktest.limited", 64, 2);
	a = zalloc(&z);
	b = zalloc(&z);
	c = zalloc(&z);
	ktest_ok(a && b && a != b, "a limited zone gives its first objects");
	ktest_ok(c == NULL, "a zone at its limit refuses more");
	zfree(&z, a);
	c = zalloc(&z);
	ktest_ok(c != NULL, "freeing under the limit makes room again");
	zfree(&z, b);
	zfree(&z, c);
}

KTEST(kalloc_sizes)
{
	static const size_t sizes[] = {1, 7, 16, 17, 100, 512, 1000, 2048, 2049, 4096, 5000, 65536};
	void *ptrs[sizeof(sizes) / sizeof(sizes[0])];
	unsigned n = sizeof(sizes) / sizeof(sizes[0]);
	unsigned long free_before = vm_page_free_count;
	int ok = 1, aligned = 1;

	for (unsigned i = 0; i < n; i++) {
		ptrs[i] = kalloc(sizes[i]);
		ok &= ptrs[i] != NULL;
		if (ptrs[i]) {
			memset(ptrs[i], 0xA0 + i, sizes[i]);
			size_t align = sizes[i] >= PAGE_SIZE ? PAGE_SIZE : 8;
			aligned &= ((uintptr_t)ptrs[i] & (align - 1)) == 0;
		}
	}
	ktest_ok(ok, "kalloc of sizes 1 to 64 KiB succeeds");
	ktest_ok(aligned, "kalloc memory is aligned");
	int intact = 1;
	for (unsigned i = 0; ok && i < n; i++)
		for (size_t j = 0; j < sizes[i]; j++)
			intact &= ((uint8_t *)ptrs[i])[j] == (uint8_t)(0xA0 + i);
	ktest_ok(intact, "allocations do not overlap");
	for (unsigned i = 0; i < n; i++)
		if (ptrs[i])
			kfree(ptrs[i], sizes[i]);
	ktest_ok(kalloc(0) == NULL, "kalloc(0) returns NULL");
	ktest_ok(kalloc((size_t)8 << 20) == NULL, "kalloc larger than the largest block fails cleanly");
	/* Zone pages stay with their zones; page-sized allocations go back. */
	ktest_ok(vm_page_free_count + 8 >= free_before, "large allocations returned their pages");
}
