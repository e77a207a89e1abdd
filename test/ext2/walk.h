/*
 * Path walking for the ext2 tests (host and guest): an absolute path
 * resolved from root one component at a time, no symlinks followed (the
 * VFS does real path resolution; the tests only need names they made).
 */
#ifndef _TEST_EXT2_WALK_H_
#define _TEST_EXT2_WALK_H_

#include <string.h>

#include "unix_server/ext2/ext2.h"

static inline int ext2test_walk(struct ext2_node *root, const char *path, struct ext2_node **np)
{
	struct ext2_node *cur = root, *next;

	ext2_iref(cur);
	while (*path != '\0') {
		while (*path == '/')
			path++;
		const char *end = strchr(path, '/');
		if (end == NULL)
			end = path + strlen(path);
		if (end == path)
			break;
		int err = ext2_lookup(cur, path, (size_t)(end - path), &next);
		ext2_iput(cur);
		if (err != 0)
			return err;
		cur = next;
		path = end;
	}
	*np = cur;
	return 0;
}

#endif /* _TEST_EXT2_WALK_H_ */
