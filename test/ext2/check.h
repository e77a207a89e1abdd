/*
 * What the ordinary Linux test programs of the root disk share (torture.c,
 * vfscalls.c): check() prints a TAP-like "ok"/"not ok" line and counts
 * failures (the exit status); write_all() writes all of a buffer.
 */
#ifndef TEST_EXT2_CHECK_H
#define TEST_EXT2_CHECK_H

#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

static int failures;

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

/* write_all FD BUF N: the whole of BUF, or -1. */
static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

#endif
