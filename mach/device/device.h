/*
 * Kernel devices behind device.defs.
 *
 * A device is a named, statically registered object with a table of
 * operations; drivers register theirs at boot (device_register) and
 * they live as long as the kernel, so no reference counting is needed.
 * Each device has one kernel port (IKOT_DEVICE); device_open hands out
 * send rights to it, and ds_routines.c checks every request (sizes,
 * record numbers, modes) before a driver sees it.
 *
 * Records: a block device (record_size > 1) is read and written in whole
 * records; recnum is the first record.  A character device has
 * record_size 1 and ignores recnum.
 */
#ifndef DEVICE_DEVICE_H
#define DEVICE_DEVICE_H
#include <stddef.h>
#include <stdint.h>
#include <device/device_types.h>
#include <mach/message.h>

struct device;
struct ipc_port;

struct dev_ops {
	/* Optional: refuse an open (e.g. D_WRITE on a read-only device). */
	io_return_t (*open)(struct device *dev, dev_mode_t mode);
	/* Read/write len bytes at record recnum (validated already); *done
	 * gets the bytes moved.  A read may block unless mode has D_NOWAIT. */
	io_return_t (*read)(struct device *dev, dev_mode_t mode, recnum_t recnum, void *buf, size_t len,
			    size_t *done);
	io_return_t (*write)(struct device *dev, dev_mode_t mode, recnum_t recnum, const void *buf, size_t len,
			     size_t *done);
	/* Flavors other than DEV_GET_SIZE / DEV_GET_RECORDS (answered from
	 * the device's geometry); *count is the room in words on entry. */
	io_return_t (*get_status)(struct device *dev, dev_flavor_t flavor, int *status,
				  mach_msg_type_number_t *count);
	io_return_t (*set_status)(struct device *dev, dev_flavor_t flavor, const int *status,
				  mach_msg_type_number_t count);
	/* Takes the send right on success (the filter is validated already). */
	io_return_t (*set_filter)(struct device *dev, struct ipc_port *port, int priority, const filter_t *filter,
				  unsigned count);
};

struct device {
	char name[32];
	const struct dev_ops *ops;
	void *softc;	       /* the driver's */
	uint32_t record_size;  /* bytes per record: 1 for a character device */
	uint64_t records;      /* size in records; 0 if not a block device */
	unsigned open_count;
	struct ipc_port *port; /* IKOT_DEVICE */
	struct device *next;
};

/* The largest transfer one device_read/device_write may ask for. */
#define DEVICE_IO_MAX (128u * 1024)

/* Register a device (the structure must live forever); its name must be
 * unique.  Returns KERN_SUCCESS or KERN_RESOURCE_SHORTAGE. */
int device_register(struct device *dev);
struct device *device_lookup(const char *name);

/* Start the drivers and make the device master port. */
void device_init(void);

/* The drivers' start functions (device_init calls them). */
void cons_device_init(void);
/* A driver has data a queued read may want (safe from interrupts). */
void device_io_ready(void);
void ata_device_init(void);
void time_device_init(void);
void net_device_init(void);

#endif
