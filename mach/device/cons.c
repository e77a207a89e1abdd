/*
 * The console device ("console", also "com0"): output goes to the kernel
 * console (serial COM1 and/or VGA text, as console= says); input is COM1's
 * receiver, taken by interrupt into a ring buffer so that keystrokes
 * typed while nobody reads are kept (the oldest are dropped when it is
 * full).  Reads are raw: whatever bytes have arrived, at least one; with
 * nothing there a read sleeps (interruptibly), or with D_NOWAIT answers
 * D_WOULD_BLOCK.
 */
#include <i386/cpu.h>
#include <i386/serial.h>
#include <i386/trap.h>
#include <kern/console.h>
#include <kern/sched.h>
#include <device/device.h>
#include <device/tty_status.h>
#include <kern/string.h>

#define CONS_IRQ 4
#define CONS_RING_SIZE 1024 /* a power of two */

static struct {
	uint8_t buf[CONS_RING_SIZE];
	unsigned head, tail; /* free-running: head - tail bytes are waiting */
	unsigned long dropped;
} cons_ring;

static void cons_intr(unsigned irq)
{
	int c;

	(void)irq;
	while ((c = serial_getc_nowait()) >= 0) {
		if (cons_ring.head - cons_ring.tail == CONS_RING_SIZE) {
			cons_ring.tail++;
			cons_ring.dropped++;
		}
		cons_ring.buf[cons_ring.head++ % CONS_RING_SIZE] = (uint8_t)c;
	}
	thread_wakeup(&cons_ring);
	device_io_ready(); /* queued reads may complete now */
}

static io_return_t cons_read(struct device *dev, dev_mode_t mode, recnum_t recnum, void *buf, size_t len,
			     size_t *done)
{
	uint8_t *out = buf;
	size_t n = 0;

	(void)dev;
	(void)recnum;
	int s = cpu_intr_save();
	cpu_intr_disable();
	while (cons_ring.head == cons_ring.tail) {
		if (mode & D_NOWAIT) {
			cpu_intr_restore(s);
			return D_WOULD_BLOCK;
		}
		if (thread_sleep(&cons_ring, 1, 0) == THREAD_INTERRUPTED) {
			cpu_intr_restore(s);
			return D_WOULD_BLOCK; /* GNU Mach answers an aborted read so */
		}
		cpu_intr_disable();
	}
	while (n < len && cons_ring.head != cons_ring.tail)
		out[n++] = cons_ring.buf[cons_ring.tail++ % CONS_RING_SIZE];
	cpu_intr_restore(s);
	*done = n;
	return D_SUCCESS;
}

/* TTY_STATUS's TF_CRMOD: newlines written go out as \r\n (the default;
 * kernel messages always do).  A line discipline that does its own
 * output processing (ONLCR) clears it. */
static int cons_crmod = 1;

static io_return_t cons_write(struct device *dev, dev_mode_t mode, recnum_t recnum, const void *buf, size_t len,
			      size_t *done)
{
	(void)dev;
	(void)mode;
	(void)recnum;
	console_write(buf, len, cons_crmod);
	*done = len;
	return D_SUCCESS;
}

static io_return_t cons_get_status(struct device *dev, dev_flavor_t flavor, int *status,
				   mach_msg_type_number_t *count)
{
	(void)dev;
	if (flavor != TTY_STATUS)
		return D_INVALID_OPERATION;
	if (*count < TTY_STATUS_COUNT)
		return D_INVALID_SIZE;
	struct tty_status st = {0, 0, 0, cons_crmod ? TF_CRMOD : 0};
	memcpy(status, &st, sizeof(st));
	*count = TTY_STATUS_COUNT;
	return D_SUCCESS;
}

static io_return_t cons_set_status(struct device *dev, dev_flavor_t flavor, const int *status,
				   mach_msg_type_number_t count)
{
	(void)dev;
	if (flavor != TTY_STATUS)
		return D_INVALID_OPERATION;
	if (count < TTY_STATUS_COUNT)
		return D_INVALID_SIZE;
	struct tty_status st;
	memcpy(&st, status, sizeof(st));
	cons_crmod = (st.tt_flags & TF_CRMOD) != 0;
	return D_SUCCESS;
}

static const struct dev_ops cons_ops = {
	.read = cons_read,
	.write = cons_write,
	.get_status = cons_get_status,
	.set_status = cons_set_status,
};

static struct device cons_dev = {.name = "console", .ops = &cons_ops, .record_size = 1};
static struct device com0_dev = {.name = "com0", .ops = &cons_ops, .record_size = 1};

void cons_device_init(void)
{
	device_register(&cons_dev);
	device_register(&com0_dev);
	serial_enable_rx_intr();
	irq_register(CONS_IRQ, cons_intr);
}
