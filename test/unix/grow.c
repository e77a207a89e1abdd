/*
 * A file in /tmp grown in small appends to 8 MiB (1000 bytes at a time,
 * each record saying where it is), then read back, mapped, shrunk to an
 * odd size and grown again (the new part reads as zeros), and written
 * far past its end (a hole that reads as zeros): what the RAM file
 * system's chunked storage must get right.  Prints what it sees;
 * test/unix compares the output on Ernst with the host's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

#define RECORD 1000
#define RECORDS 8389 /* a little over 8 MiB */
#define PATH "grow.test" /* in a scratch directory */

/* Record i: its number, then a byte pattern of it, RECORD bytes. */
static void make_record(char *buf, unsigned i)
{
	int n = snprintf(buf, RECORD, "record %u;", i);

	for (int k = n; k < RECORD; k++)
		buf[k] = (char) ('a' + (i + (unsigned) k) % 26);
}

/* Whether buf (len bytes at file offset off) is what the records say. */
static int records_hold(const char *buf, size_t len, size_t off)
{
	static char rec[RECORD];
	unsigned cur = ~0u;

	for (size_t k = 0; k < len; k++) {
		unsigned i = (unsigned) ((off + k) / RECORD);
		if (i != cur) {
			make_record(rec, i);
			cur = i;
		}
		if (buf[k] != rec[(off + k) % RECORD])
			return 0;
	}
	return 1;
}

static int all_zero(const char *buf, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (buf[k] != 0)
			return 0;
	return 1;
}

/* Read [off, off + len) of fd, 64 KiB at a time; check reports it. */
static int read_check(int fd, off_t off, size_t len, int zeros)
{
	static char buf[65536];

	while (len > 0) {
		size_t k = len < sizeof(buf) ? len : sizeof(buf);
		if (pread(fd, buf, k, off) != (ssize_t) k)
			return 0;
		if (zeros ? !all_zero(buf, k) : !records_hold(buf, k, (size_t) off))
			return 0;
		off += (off_t) k;
		len -= k;
	}
	return 1;
}

int main(void)
{
	static char rec[RECORD];
	struct stat st;
	size_t size = (size_t) RECORDS * RECORD;
	int fd, good = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (scratch_enter("grow") < 0)
		return 1;
	fd = open(PATH, O_RDWR | O_CREAT | O_APPEND, 0644);
	result("open O_APPEND", fd < 0 ? -1 : 0);
	if (fd < 0)
		return 1;
	for (unsigned i = 0; i < RECORDS && good; i++) {
		make_record(rec, i);
		good = write(fd, rec, RECORD) == RECORD;
	}
	printf("%d appends of %d bytes: %s\n", RECORDS, RECORD, good ? "all written" : "a write failed");
	/* The rest writes at offsets: not O_APPEND (where Linux's pwrite appends). */
	close(fd);
	fd = open(PATH, O_RDWR);
	result("open O_RDWR", fd < 0 ? -1 : 0);
	fstat(fd, &st);
	printf("size %lld\n", (long long) st.st_size);
	printf("read back: %s\n", read_check(fd, 0, size, 0) ? "every record" : "WRONG");

	char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	result("mmap MAP_SHARED", m == MAP_FAILED ? -1 : 0);
	if (m != MAP_FAILED) {
		printf("mapped: %s\n", records_hold(m, size, 0) ? "every record" : "WRONG");
		memcpy(m + 4096 * 100 + 10, "MAPPED", 6);
		msync(m, size, MS_SYNC);
		munmap(m, size);
		char back[6];
		pread(fd, back, 6, 4096 * 100 + 10);
		printf("a write through the mapping reads back: %.6s\n", back);
		make_record(rec, (4096 * 100 + 10) / RECORD);
		/* Put the record back as it was. */
		pwrite(fd, rec + (4096 * 100 + 10) % RECORD, 6, 4096 * 100 + 10);
	}

	/* Shrink to an odd size, grow again: the new part is zeros. */
	size_t cut = 3 * 4096 + 123;
	result("ftruncate to 12411", ftruncate(fd, (off_t) cut));
	result("ftruncate to 1 MiB", ftruncate(fd, 1 << 20));
	fstat(fd, &st);
	printf("size %lld\n", (long long) st.st_size);
	printf("the kept part: %s\n", read_check(fd, 0, cut, 0) ? "as written" : "WRONG");
	printf("the grown part: %s\n", read_check(fd, (off_t) cut, (1 << 20) - cut, 1) ? "zeros" : "WRONG");

	/* A write far past the end: a hole before it. */
	make_record(rec, 5);
	result("pwrite at 6 MiB + 7", pwrite(fd, rec, RECORD, (6 << 20) + 7) == RECORD ? 0 : -1);
	fstat(fd, &st);
	printf("size %lld\n", (long long) st.st_size);
	printf("the hole: %s\n", read_check(fd, 1 << 20, (5 << 20) + 7, 1) ? "zeros" : "WRONG");
	char back[RECORD];
	printf("past it: %s\n",
	       pread(fd, back, RECORD, (6 << 20) + 7) == RECORD && memcmp(back, rec, RECORD) == 0 ? "the record"
												: "WRONG");
	close(fd);
	result("unlink", unlink(PATH));
	return scratch_leave() < 0;
}
