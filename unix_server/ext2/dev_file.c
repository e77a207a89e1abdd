/*
 * The host backend of the block device: a file (a disk image), or the
 * part of it a partition covers.  Used by the host tests; pread/pwrite,
 * fsync for flush.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ext2.h"

struct dev_file {
	struct ext2_dev dev;
	int fd;
	uint64_t offset;
};

static int file_read(struct ext2_dev *dev, uint64_t offset, void *buf, size_t len)
{
	struct dev_file *f = (struct dev_file *)dev;
	if (offset + len > dev->size || len % EXT2_DEV_SECTOR != 0)
		return -1;
	return pread(f->fd, buf, len, (off_t)(f->offset + offset)) == (ssize_t)len ? 0 : -1;
}

static int file_write(struct ext2_dev *dev, uint64_t offset, const void *buf, size_t len)
{
	struct dev_file *f = (struct dev_file *)dev;
	if (offset + len > dev->size || len % EXT2_DEV_SECTOR != 0)
		return -1;
	return pwrite(f->fd, buf, len, (off_t)(f->offset + offset)) == (ssize_t)len ? 0 : -1;
}

static int file_flush(struct ext2_dev *dev)
{
	return fdatasync(((struct dev_file *)dev)->fd) == 0 ? 0 : -1;
}

int ext2_dev_file_open(const char *path, uint64_t offset, uint64_t size, struct ext2_dev **devp)
{
	struct stat st;
	struct dev_file *f = calloc(1, sizeof(*f));

	*devp = NULL;
	if (f == NULL)
		return LINUX_ENOMEM;
	f->fd = open(path, O_RDWR);
	if (f->fd < 0 || fstat(f->fd, &st) != 0 || (uint64_t)st.st_size < offset) {
		if (f->fd >= 0)
			close(f->fd);
		free(f);
		return LINUX_EIO;
	}
	if (size == 0 || offset + size > (uint64_t)st.st_size)
		size = (uint64_t)st.st_size - offset;
	f->offset = offset;
	f->dev.size = size & ~(uint64_t)(EXT2_DEV_SECTOR - 1);
	f->dev.read = file_read;
	f->dev.write = file_write;
	f->dev.flush = file_flush;
	*devp = &f->dev;
	return 0;
}

void ext2_dev_file_close(struct ext2_dev *dev)
{
	struct dev_file *f = (struct dev_file *)dev;
	if (f != NULL) {
		close(f->fd);
		free(f);
	}
}
