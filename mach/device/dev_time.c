/* The "time" device: the kernel clock's microseconds since boot. */
#include <device/time_status.h>
#include <kern/clock.h>
#include <device/device.h>

static io_return_t time_get_status(struct device *dev, dev_flavor_t flavor, int *status,
				   mach_msg_type_number_t *count)
{
	(void)dev;
	if (flavor != TIME_STATUS_UPTIME)
		return D_INVALID_OPERATION;
	if (*count < TIME_STATUS_UPTIME_COUNT)
		return D_INVALID_SIZE;
	uint64_t us = clock_uptime_us();
	status[0] = (int)(us / 1000000);
	status[1] = (int)(us % 1000000);
	*count = TIME_STATUS_UPTIME_COUNT;
	return D_SUCCESS;
}

static const struct dev_ops time_ops = {
	.get_status = time_get_status,
};

static struct device time_dev = {.name = "time", .ops = &time_ops, .record_size = 1};

void time_device_init(void)
{
	device_register(&time_dev);
}
