/*
 * Printing what a Linux test program sees, the same way on the host and
 * on Ernst (errno by name, so the two outputs compare).
 */
#ifndef _TEST_UNIX_REPORT_H_
#define _TEST_UNIX_REPORT_H_

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* "what: r", or "what: -1 ENAME" when r < 0. */
static inline void result(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

/* The scratch directory's path (scratch_enter fills it in). */
static inline char *scratch_dir(void)
{
	static char dir[64];
	return dir;
}

/* A fresh directory /tmp/NAMEXXXXXX made the working directory, where
 * the program's files go: a fixed name in /tmp would be shared by two
 * runs on one host at once, or left by another user's.  -1 (said on
 * standard error) if it cannot be made. */
static inline int scratch_enter(const char *name)
{
	char *dir = scratch_dir();

	snprintf(dir, 64, "/tmp/%sXXXXXX", name);
	if (mkdtemp(dir) == NULL || chdir(dir) < 0) {
		perror("scratch directory");
		return -1;
	}
	return 0;
}

/* Where a program that keeps absolute paths works: the directory its
 * argument names (made if need be: the disk runs give one), else a
 * fresh /tmp/NAMEXXXXXX; its path in dir.  -1 if it cannot be made. */
static inline int work_dir(char *dir, size_t size, const char *arg, const char *name)
{
	if (arg != NULL) {
		snprintf(dir, size, "%s", arg);
		mkdir(dir, 0755);
		return 0;
	}
	snprintf(dir, size, "/tmp/%sXXXXXX", name);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Back to /, and the scratch directory (emptied by the caller) removed. */
static inline int scratch_leave(void)
{
	if (chdir("/") < 0)
		return -1;
	return rmdir(scratch_dir());
}

#endif /* _TEST_UNIX_REPORT_H_ */
