/*
 * The guest backend of the block device: a Mach disk device (a partition
 * such as "hd0s1") through device.defs.  Records are 512-byte sectors;
 * reads come back out of line and are copied and deallocated; transfers
 * larger than the device takes at once are split.
 */
#include <mach.h>
#include <device/device.h>
#include <stdlib.h>
#include <string.h>

#include "ext2.h"

/* Largest transfer asked of the device at once (its limit is 128 KiB). */
#define DEV_MACH_IO_MAX (64u * 1024)

struct dev_mach {
	struct ext2_dev dev;
	mach_port_t port;
};

static int mach_read(struct ext2_dev *dev, uint64_t offset, void *buf, size_t len)
{
	struct dev_mach *d = (struct dev_mach *)dev;
	char *dst = buf;

	if (offset + len > dev->size || offset % EXT2_DEV_SECTOR != 0 || len % EXT2_DEV_SECTOR != 0)
		return -1;
	while (len > 0) {
		size_t n = len < DEV_MACH_IO_MAX ? len : DEV_MACH_IO_MAX;
		io_buf_ptr_t data;
		mach_msg_type_number_t count;
		kern_return_t kr = device_read(d->port, 0, (recnum_t)(offset / EXT2_DEV_SECTOR), (int)n, &data, &count);
		if (kr != D_SUCCESS)
			return -1;
		if (count >= n)
			memcpy(dst, data, n);
		if (count > 0)
			syscall_vm_deallocate(mach_task_self(), (vm_offset_t)data, count);
		if (count < n)
			return -1;
		dst += n;
		offset += n;
		len -= n;
	}
	return 0;
}

static int mach_write(struct ext2_dev *dev, uint64_t offset, const void *buf, size_t len)
{
	struct dev_mach *d = (struct dev_mach *)dev;
	const char *src = buf;

	if (offset + len > dev->size || offset % EXT2_DEV_SECTOR != 0 || len % EXT2_DEV_SECTOR != 0)
		return -1;
	while (len > 0) {
		size_t n = len < DEV_MACH_IO_MAX ? len : DEV_MACH_IO_MAX;
		int written;
		kern_return_t kr = device_write(d->port, 0, (recnum_t)(offset / EXT2_DEV_SECTOR), (io_buf_ptr_t)src,
						(mach_msg_type_number_t)n, &written);
		if (kr != D_SUCCESS || written != (int)n)
			return -1;
		src += n;
		offset += n;
		len -= n;
	}
	return 0;
}

int ext2_dev_mach_open(mach_port_t device_master, const char *name, int readonly, struct ext2_dev **devp)
{
	struct dev_mach *d;
	mach_port_t port;
	int status[DEV_GET_RECORDS_COUNT];
	mach_msg_type_number_t count = DEV_GET_RECORDS_COUNT;

	*devp = NULL;
	if (device_open(device_master, readonly ? D_READ : D_READ | D_WRITE, (char *)name, &port) != D_SUCCESS)
		return LINUX_EIO;
	/* In records: a byte count stops at 4 GiB. */
	if (device_get_status(port, DEV_GET_RECORDS, status, &count) != D_SUCCESS || count < DEV_GET_RECORDS_COUNT ||
	    status[DEV_GET_RECORDS_RECORD_SIZE] != EXT2_DEV_SECTOR) {
		device_close(port);
		return LINUX_EIO;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		device_close(port);
		return LINUX_ENOMEM;
	}
	d->port = port;
	d->dev.size = (uint64_t)(uint32_t)status[DEV_GET_RECORDS_DEVICE_RECORDS] * EXT2_DEV_SECTOR;
	d->dev.read = mach_read;
	d->dev.write = mach_write;
	d->dev.flush = NULL; /* the disk driver flushes after every write */
	*devp = &d->dev;
	return 0;
}

void ext2_dev_mach_close(struct ext2_dev *dev)
{
	struct dev_mach *d = (struct dev_mach *)dev;
	if (d != NULL) {
		device_close(d->port);
		mach_port_deallocate(mach_task_self(), d->port);
		free(d);
	}
}
