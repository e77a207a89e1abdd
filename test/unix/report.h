/*
 * Printing what a Linux test program sees, the same way on the host and
 * on Ernst (errno by name, so the two outputs compare).
 */
#ifndef _TEST_UNIX_REPORT_H_
#define _TEST_UNIX_REPORT_H_

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* "what: r", or "what: -1 ENAME" when r < 0. */
static inline void result(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

#endif /* _TEST_UNIX_REPORT_H_ */
