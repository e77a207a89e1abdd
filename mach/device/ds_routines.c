/*
 * device.defs served by the kernel: the device master port, device
 * ports, and the checks every request goes through before a driver sees
 * it (open modes, record numbers, sizes, filters).
 *
 * Requests are served by the thread that sent them (ipc/kobject.c).  A
 * read that would have to wait (a console with nothing typed) is queued
 * instead, unless the mode says D_NOWAIT: the routine answers
 * MIG_NO_REPLY, keeps the reply right, and the device I/O thread answers
 * through device_reply.defs when the driver has data.  So both the RPC
 * (device_read) and the asynchronous form (device_read_request, the same
 * message id) leave the sender free: the RPC's caller waits in its own
 * receive, interruptibly, like any other.
 */
#include <mach/mig_errors.h>
#include <kern/debug.h>
#include <kern/ipc_kobject.h>
#include <kern/kalloc.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <ipc/port.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <device/device.h>
#include <device/net_filter.h>
#include <device_server.h>
#include <device_reply_user.h>
#include <kern/sched.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/zalloc.h>

extern struct ipc_port *device_master_port;
static struct device *device_list;

int device_register(struct device *dev)
{
	if (device_lookup(dev->name) != NULL)
		panic("device_register: %s registered twice", dev->name);
	dev->port = ipc_kobject_port_alloc(IKOT_DEVICE, dev);
	if (dev->port == NULL)
		return KERN_RESOURCE_SHORTAGE;
	dev->open_count = 0;
	dev->next = device_list;
	device_list = dev;
	return KERN_SUCCESS;
}

struct device *device_lookup(const char *name)
{
	for (struct device *d = device_list; d != NULL; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static io_return_t dev_read(struct device *dev, dev_mode_t mode, recnum_t recnum, int len, void *buf, size_t *done);

/* A read waiting for its device (FIFO), answered by the I/O thread. */
struct ds_pending_read {
	struct ds_pending_read *next;
	struct device *dev;
	struct ipc_port *reply; /* the send-once right the answer goes on */
	mach_msg_type_name_t reply_type;
	dev_mode_t mode;
	recnum_t recnum;
	int bytes_wanted;
	int inband;
};

static struct ds_pending_read *pending_head, **pending_tail = &pending_head;
static struct zone pending_zone;

void device_io_ready(void)
{
	thread_wakeup(&pending_head);
}

static int queue_read(struct device *dev, mach_port_t reply, mach_msg_type_name_t reply_type, dev_mode_t mode,
		      recnum_t recnum, int bytes_wanted, int inband)
{
	struct ds_pending_read *p = zalloc(&pending_zone);

	if (p == NULL)
		return 0;
	p->next = NULL;
	p->dev = dev;
	p->reply = (struct ipc_port *)(uintptr_t)reply;
	p->reply_type = reply_type;
	p->mode = mode;
	p->recnum = recnum;
	p->bytes_wanted = bytes_wanted;
	p->inband = inband;
	*pending_tail = p;
	pending_tail = &p->next;
	return 1;
}

/* Try one queued read; 0 if its device still has nothing. */
static int answer_read(struct ds_pending_read *p)
{
	char inband[IO_INBAND_MAX];
	size_t done = 0;
	void *buf = p->inband ? inband : (p->bytes_wanted ? kalloc(p->bytes_wanted) : NULL);
	io_return_t rc;

	if (!p->inband && p->bytes_wanted && buf == NULL)
		rc = D_NO_MEMORY;
	else
		rc = dev_read(p->dev, p->mode | D_NOWAIT, p->recnum, p->bytes_wanted, buf, &done);
	if (rc == D_WOULD_BLOCK) {
		if (!p->inband && buf != NULL)
			kfree(buf, p->bytes_wanted);
		return 0;
	}
	mach_port_t reply = (mach_port_t)(uintptr_t)p->reply;
	if (p->inband) {
		ds_device_read_reply_inband(reply, p->reply_type, rc, inband, rc == D_SUCCESS ? done : 0);
	} else {
		vm_map_copy_t copy = VM_MAP_COPY_NULL;
		if (rc == D_SUCCESS && done > 0 && vm_map_copyin_kernel_buffer(buf, done, &copy) != KERN_SUCCESS)
			rc = D_NO_MEMORY;
		if (buf != NULL)
			kfree(buf, p->bytes_wanted);
		ds_device_read_reply(reply, p->reply_type, rc, (io_buf_ptr_t)copy, rc == D_SUCCESS ? done : 0);
	}
	return 1;
}

/* The device I/O thread: answers queued reads as their data comes. */
static void device_io_thread(void *arg)
{
	(void)arg;
	for (;;) {
		/* Asserted first: data that comes while we look is not missed. */
		assert_wait(&pending_head, 0);
		for (struct ds_pending_read **pp = &pending_head; *pp != NULL;) {
			struct ds_pending_read *p = *pp;
			if (!answer_read(p)) {
				pp = &p->next;
				continue;
			}
			*pp = p->next;
			if (pending_tail == &p->next)
				pending_tail = pp;
			zfree(&pending_zone, p);
		}
		thread_block();
	}
}

void device_init(void)
{
	zone_init(&pending_zone, "device.pending_reads", sizeof(struct ds_pending_read), 0);
	if (kernel_thread(kernel_task, "device_io", device_io_thread, NULL, BASEPRI_KERNEL) == NULL)
		panic("device_init: no device I/O thread");
	device_master_port = ipc_kobject_port_alloc(IKOT_MASTER_DEVICE, NULL);
	if (device_master_port == NULL)
		panic("device_init: no device master port");
	cons_device_init();
	time_device_init();
	ata_device_init();
	net_device_init();
}

/* The conversions of include/README's contract.  Devices live forever:
 * a reference is nothing to count. */
device_t dev_port_lookup(mach_port_t name)
{
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)name;

	if (!IP_VALID(port) || !port->active || port->kotype != IKOT_DEVICE)
		return NULL;
	return port->kobject;
}

mach_port_t convert_device_to_port(device_t dev)
{
	return dev ? (mach_port_t)(uintptr_t)ipc_port_make_send(dev->port) : MACH_PORT_NULL;
}

void device_deallocate(device_t dev)
{
	(void)dev;
}

static int is_master(mach_port_t name)
{
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)name;
	return IP_VALID(port) && port->active && port->kotype == IKOT_MASTER_DEVICE;
}

kern_return_t ds_device_open(mach_port_t master_port, mach_port_t reply_port, mach_msg_type_name_t reply_portPoly,
			     dev_mode_t mode, const char *name, device_t *device)
{
	(void)reply_port;
	(void)reply_portPoly;
	if (!is_master(master_port))
		return D_INVALID_OPERATION;
	if (mode & ~(D_READ | D_WRITE | D_NODELAY | D_NOWAIT))
		return D_INVALID_OPERATION;
	if (strnlen(name, DEV_NAME_MAX) == DEV_NAME_MAX)
		return D_NO_SUCH_DEVICE;
	struct device *dev = device_lookup(name);
	if (dev == NULL)
		return D_NO_SUCH_DEVICE;
	if (dev->ops->open != NULL) {
		io_return_t rc = dev->ops->open(dev, mode);
		if (rc != D_SUCCESS)
			return rc;
	}
	dev->open_count++;
	*device = dev;
	return D_SUCCESS;
}

kern_return_t ds_device_close(device_t dev)
{
	if (dev == NULL)
		return D_NO_SUCH_DEVICE;
	if (dev->open_count > 0)
		dev->open_count--;
	return D_SUCCESS;
}

/* Check a transfer of len bytes at recnum; *nrec gets the records. */
static io_return_t check_io(struct device *dev, recnum_t recnum, int64_t len)
{
	if (len < 0 || len > DEVICE_IO_MAX)
		return D_INVALID_SIZE;
	if (dev->record_size <= 1)
		return D_SUCCESS;
	if (len % dev->record_size != 0)
		return D_INVALID_SIZE;
	if (recnum >= dev->records && !(recnum == dev->records && len == 0))
		return D_INVALID_RECNUM;
	if ((uint64_t)recnum + (uint64_t)len / dev->record_size > dev->records)
		return D_INVALID_SIZE;
	return D_SUCCESS;
}

static io_return_t dev_read(struct device *dev, dev_mode_t mode, recnum_t recnum, int len, void *buf, size_t *done)
{
	io_return_t rc;

	*done = 0;
	if (dev == NULL)
		return D_NO_SUCH_DEVICE;
	if (dev->ops->read == NULL)
		return D_INVALID_OPERATION;
	if ((rc = check_io(dev, recnum, len)) != D_SUCCESS || len == 0)
		return rc;
	return dev->ops->read(dev, mode, recnum, buf, len, done);
}

static io_return_t dev_write(struct device *dev, dev_mode_t mode, recnum_t recnum, const void *buf, size_t len,
			     size_t *done)
{
	io_return_t rc;

	*done = 0;
	if (dev == NULL)
		return D_NO_SUCH_DEVICE;
	if (dev->ops->write == NULL)
		return D_INVALID_OPERATION;
	if ((rc = check_io(dev, recnum, len)) != D_SUCCESS || len == 0)
		return rc;
	return dev->ops->write(dev, mode, recnum, buf, len, done);
}

kern_return_t ds_device_read_inband(device_t device, mach_port_t reply_port, mach_msg_type_name_t reply_portPoly,
				    dev_mode_t mode, recnum_t recnum, int bytes_wanted, io_buf_ptr_inband_t data,
				    mach_msg_type_number_t *dataCnt)
{
	size_t done;

	if (bytes_wanted > IO_INBAND_MAX)
		return D_INVALID_SIZE;
	io_return_t rc = dev_read(device, mode | D_NOWAIT, recnum, bytes_wanted, data, &done);
	if (rc == D_WOULD_BLOCK && !(mode & D_NOWAIT) && IP_VALID((struct ipc_port *)(uintptr_t)reply_port) &&
	    queue_read(device, reply_port, reply_portPoly, mode, recnum, bytes_wanted, 1))
		return MIG_NO_REPLY;
	*dataCnt = rc == D_SUCCESS ? done : 0;
	return rc;
}

kern_return_t ds_device_read(device_t device, mach_port_t reply_port, mach_msg_type_name_t reply_portPoly,
			     dev_mode_t mode, recnum_t recnum, int bytes_wanted, io_buf_ptr_t *data,
			     mach_msg_type_number_t *dataCnt)
{
	size_t done = 0;
	vm_map_copy_t copy = VM_MAP_COPY_NULL;

	*data = NULL;
	*dataCnt = 0;
	if (bytes_wanted < 0 || bytes_wanted > (int)DEVICE_IO_MAX)
		return device ? D_INVALID_SIZE : D_NO_SUCH_DEVICE;
	void *buf = bytes_wanted ? kalloc(bytes_wanted) : NULL;
	if (bytes_wanted && buf == NULL)
		return D_NO_MEMORY;
	io_return_t rc = dev_read(device, mode | D_NOWAIT, recnum, bytes_wanted, buf, &done);
	if (rc == D_WOULD_BLOCK && !(mode & D_NOWAIT) && IP_VALID((struct ipc_port *)(uintptr_t)reply_port) &&
	    queue_read(device, reply_port, reply_portPoly, mode, recnum, bytes_wanted, 0)) {
		if (buf != NULL)
			kfree(buf, bytes_wanted);
		return MIG_NO_REPLY;
	}
	if (rc == D_SUCCESS && done > 0 && vm_map_copyin_kernel_buffer(buf, done, &copy) != KERN_SUCCESS)
		rc = D_NO_MEMORY;
	if (buf != NULL)
		kfree(buf, bytes_wanted);
	if (rc != D_SUCCESS)
		return rc;
	*data = (io_buf_ptr_t)copy;
	*dataCnt = done;
	return D_SUCCESS;
}

kern_return_t ds_device_write_inband(device_t device, mach_port_t reply_port, mach_msg_type_name_t reply_portPoly,
				     dev_mode_t mode, recnum_t recnum, const io_buf_ptr_inband_t data,
				     mach_msg_type_number_t dataCnt, int *bytes_written)
{
	size_t done;

	(void)reply_port;
	(void)reply_portPoly;
	io_return_t rc = dev_write(device, mode, recnum, data, dataCnt, &done);
	*bytes_written = done;
	return rc;
}

/*
 * Copy the bytes of an out-of-line region in transit into buf.  Pages
 * are found in the copy's objects (down their shadow chains); a page no
 * object holds reads as zero, unless a pager would have supplied it
 * (not supported here: D_INVALID_OPERATION).
 */
static io_return_t copy_read(vm_map_copy_t copy, void *buf, size_t len)
{
	if (copy->type == VM_MAP_COPY_KERNEL_BUFFER) {
		memcpy(buf, copy->buffer, len); /* the buffer holds the data from its start */
		return D_SUCCESS;
	}
	char *out = buf;
	vm_offset_t a = copy->offset, end = copy->offset + len;
	struct vm_map_entry *e = copy->header.next;
	while (a < end) {
		while (e != &copy->header && a >= e->end)
			e = e->next;
		if (e == &copy->header || a < e->start)
			return D_INVALID_SIZE;
		vm_offset_t page = trunc_page(a), off = a - page;
		size_t n = PAGE_SIZE - off;
		if (n > end - a)
			n = end - a;
		struct vm_page *p = NULL;
		vm_offset_t o_off = e->offset + (page - e->start);
		for (struct vm_object *o = e->object; o != NULL; o = o->shadow) {
			p = vm_page_lookup(o, o_off);
			if (p != NULL || o->pager != NULL)
				break;
			o_off += o->shadow_offset;
		}
		if (p != NULL && (p->flags & (VM_PAGE_ABSENT | VM_PAGE_BUSY | VM_PAGE_ERROR)))
			return D_IO_ERROR;
		if (p != NULL)
			memcpy(out, (char *)vm_page_kva(p) + off, n);
		else
			memset(out, 0, n);
		out += n;
		a += n;
	}
	return D_SUCCESS;
}

kern_return_t ds_device_write(device_t device, mach_port_t reply_port, mach_msg_type_name_t reply_portPoly,
			      dev_mode_t mode, recnum_t recnum, io_buf_ptr_t data, mach_msg_type_number_t dataCnt,
			      int *bytes_written)
{
	vm_map_copy_t copy = (vm_map_copy_t)data;
	size_t done = 0;

	(void)reply_port;
	(void)reply_portPoly;
	*bytes_written = 0;
	if (device == NULL)
		return D_NO_SUCH_DEVICE;
	if (copy == VM_MAP_COPY_NULL)
		return dataCnt == 0 ? D_SUCCESS : D_INVALID_SIZE;
	if (copy->size != dataCnt || dataCnt > DEVICE_IO_MAX)
		return D_INVALID_SIZE;
	void *buf = kalloc(dataCnt);
	if (buf == NULL)
		return D_NO_MEMORY;
	io_return_t rc = copy_read(copy, buf, dataCnt);
	if (rc == D_SUCCESS)
		rc = dev_write(device, mode, recnum, buf, dataCnt, &done);
	kfree(buf, dataCnt);
	if (rc != D_SUCCESS)
		return rc; /* the request, with its data, is destroyed */
	vm_map_copy_discard(copy);
	*bytes_written = done;
	return D_SUCCESS;
}

kern_return_t ds_device_map(device_t device, vm_prot_t prot, vm_offset_t offset, vm_size_t size, ipc_port_t *pager,
			    int unmap)
{
	(void)prot;
	(void)offset;
	(void)size;
	(void)unmap;
	*pager = IP_NULL;
	return device ? D_INVALID_OPERATION : D_NO_SUCH_DEVICE;
}

kern_return_t ds_device_set_status(device_t device, dev_flavor_t flavor, const dev_status_t status,
				   mach_msg_type_number_t statusCnt)
{
	struct device *dev = device;

	if (dev == NULL)
		return D_NO_SUCH_DEVICE;
	if (dev->ops->set_status == NULL)
		return D_INVALID_OPERATION;
	return dev->ops->set_status(dev, flavor, status, statusCnt);
}

kern_return_t ds_device_get_status(device_t device, dev_flavor_t flavor, dev_status_t status,
				   mach_msg_type_number_t *statusCnt)
{
	struct device *dev = device;
	mach_msg_type_number_t room = *statusCnt;

	if (dev == NULL)
		return D_NO_SUCH_DEVICE;
	if (room > DEV_STATUS_MAX)
		room = DEV_STATUS_MAX;
	if (dev->records != 0 && (flavor == DEV_GET_SIZE || flavor == DEV_GET_RECORDS)) {
		if (room < 2)
			return D_INVALID_SIZE;
		uint64_t bytes = dev->records * dev->record_size;
		if (flavor == DEV_GET_SIZE)
			status[DEV_GET_SIZE_DEVICE_SIZE] = bytes > 0xffffffffu ? (int)0xffffffffu : (int)bytes;
		else
			status[DEV_GET_RECORDS_DEVICE_RECORDS] = dev->records > 0xffffffffu ? (int)0xffffffffu :
											 (int)dev->records;
		status[1] = dev->record_size;
		*statusCnt = 2;
		return D_SUCCESS;
	}
	if (dev->ops->get_status == NULL)
		return D_INVALID_OPERATION;
	*statusCnt = room;
	io_return_t rc = dev->ops->get_status(dev, flavor, status, statusCnt);
	if (rc != D_SUCCESS)
		*statusCnt = 0;
	return rc;
}

kern_return_t ds_device_set_filter(device_t device, mach_port_t receive_port, int priority,
				   const filter_array_t filter, mach_msg_type_number_t filterCnt)
{
	struct device *dev = device;
	struct ipc_port *port = (struct ipc_port *)(uintptr_t)receive_port;

	if (dev == NULL)
		return D_NO_SUCH_DEVICE;
	if (dev->ops->set_filter == NULL)
		return D_INVALID_OPERATION;
	if (!IP_VALID(port))
		return D_INVALID_OPERATION;
	if (net_filter_validate(filter, filterCnt) != 0)
		return D_INVALID_OPERATION;
	return dev->ops->set_filter(dev, port, priority, filter, filterCnt);
}

kern_return_t ds_device_intr_register(device_t device, int id, int flags, mach_port_t receive_port)
{
	(void)id;
	(void)flags;
	(void)receive_port;
	return device ? D_INVALID_OPERATION : D_NO_SUCH_DEVICE;
}

kern_return_t ds_device_intr_ack(device_t device, mach_port_t receive_port)
{
	(void)receive_port;
	return device ? D_INVALID_OPERATION : D_NO_SUCH_DEVICE;
}
