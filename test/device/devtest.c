/*
 * In-guest device test (test/device/devices.sh boots it and checks the
 * other side): the console device written and read (the harness types
 * once it sees "# type now"), the time device monotonic and advancing,
 * the ATA disk and its MBR partitions read and written against the image
 * the host prepared (sector s of the disk starts with the word s), and
 * bad requests answered with their D_* errors.
 *
 * usage: devtest DEVICE-MASTER-PORT (the boot line passes ${device-port})
 */
#include <mach.h>
#include <cthreads.h>
#include <device/device.h>
#include <device/tty_status.h>
#include <device/device_request.h>
#include <device/time_status.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../user/tap.h"

#define SECTOR 512
/* The host's image: 8192 sectors; hd0s1 = 2048..4095, hd0s2 = 4096..8191. */
#define DISK_SECTORS 8192
#define S1_START 2048
#define S1_SECTORS 2048
#define S2_START 4096

static mach_port_t master;

static uint32_t word0(const char *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return w;
}

static mach_port_t open_dev(const char *name, dev_mode_t mode)
{
	mach_port_t dev = MACH_PORT_NULL;
	kern_return_t kr = device_open(master, mode, name, &dev);
	is_kr(kr, D_SUCCESS, "device_open(%s)", name);
	return kr == D_SUCCESS ? dev : MACH_PORT_NULL;
}

/* Read n sectors at rec; the data (vm_deallocate it) or NULL. */
static char *read_recs(mach_port_t dev, recnum_t rec, unsigned n, kern_return_t *krp)
{
	io_buf_ptr_t data = NULL;
	mach_msg_type_number_t count = 0;
	*krp = device_read(dev, 0, rec, n * SECTOR, &data, &count);
	if (*krp != D_SUCCESS)
		return NULL;
	if (count != n * SECTOR) {
		*krp = D_IO_ERROR;
		syscall_vm_deallocate(mach_task_self(), (vm_address_t)data, count);
		return NULL;
	}
	return data;
}

static void test_console(void)
{
	mach_port_t cons = open_dev("console", D_READ | D_WRITE);
	static char line[IO_INBAND_MAX] = "console: device_write_inband reaches the console\n";
	int n = 0;
	is_kr(device_write_inband(cons, 0, 0, line, strlen(line), &n), D_SUCCESS, "device_write_inband(console)");
	is(n, strlen(line), "it wrote every byte");
	char big[300];
	memset(big, '=', sizeof(big));
	memcpy(big, "console: device_write (out of line) ", 36);
	big[sizeof(big) - 1] = '\n';
	is_kr(device_write(cons, 0, 0, big, sizeof(big), &n), D_SUCCESS, "device_write(console), out of line");
	is(n, sizeof(big), "it wrote every byte");

	/* TTY_STATUS: TF_CRMOD (newlines as \r\n) on until cleared. */
	struct tty_status ts;
	mach_msg_type_number_t tc = TTY_STATUS_COUNT;
	is_kr(device_get_status(cons, TTY_STATUS, (dev_status_t)&ts, &tc), D_SUCCESS, "TTY_STATUS of the console");
	ok(tc == TTY_STATUS_COUNT && (ts.tt_flags & TF_CRMOD), "TF_CRMOD is on by default");
	ts.tt_flags &= ~TF_CRMOD;
	is_kr(device_set_status(cons, TTY_STATUS, (dev_status_t)&ts, TTY_STATUS_COUNT), D_SUCCESS,
	      "TTY_STATUS without TF_CRMOD");
	static char raw[IO_INBAND_MAX] = "console: no carriage return\n";
	is_kr(device_write_inband(cons, 0, 0, raw, strlen(raw), &n), D_SUCCESS, "a line written without TF_CRMOD");
	tc = TTY_STATUS_COUNT;
	device_get_status(cons, TTY_STATUS, (dev_status_t)&ts, &tc);
	ok(!(ts.tt_flags & TF_CRMOD), "TF_CRMOD reads back off");
	ts.tt_flags |= TF_CRMOD;
	is_kr(device_set_status(cons, TTY_STATUS, (dev_status_t)&ts, TTY_STATUS_COUNT), D_SUCCESS,
	      "TF_CRMOD back on");
	is_kr(device_set_status(cons, TTY_STATUS, (dev_status_t)&ts, TTY_STATUS_COUNT - 1), D_INVALID_SIZE,
	      "a short TTY_STATUS is refused");
	is_kr(device_set_status(cons, TTY_STATUS + 1, (dev_status_t)&ts, TTY_STATUS_COUNT), D_INVALID_OPERATION,
	      "another flavor is refused");

	char buf[IO_INBAND_MAX];
	mach_msg_type_number_t count = sizeof(buf);
	is_kr(device_read_inband(cons, D_NOWAIT, 0, sizeof(buf), buf, &count), D_WOULD_BLOCK,
	      "a D_NOWAIT read with nothing typed answers D_WOULD_BLOCK");
	is_kr(device_read_inband(cons, 0, 0, IO_INBAND_MAX + 1, buf, &count), D_INVALID_SIZE,
	      "an inband read larger than IO_INBAND_MAX is refused");

	/* The asynchronous form returns at once; its answer comes as a
	 * device_read_reply_inband message once something is typed. */
	mach_port_t rp;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &rp);
	is_kr(device_read_request_inband(cons, rp, 0, 0, 4), KERN_SUCCESS,
	      "device_read_request_inband returns at once with nothing typed");
	struct {
		mach_msg_header_t h;
		mach_msg_type_t rc_type;
		int rc;
		mach_msg_type_t data_type;
		char data[128];
	} r;
	is_kr(mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(r), rp, 20, MACH_PORT_NULL), MACH_RCV_TIMED_OUT,
	      "no reply before anything is typed");

	printf("# type now\n");
	fflush(stdout);
	char got[64];
	unsigned len = 0;
	kern_return_t mr = mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(r), rp, 20000, MACH_PORT_NULL);
	is_kr(mr, MACH_MSG_SUCCESS, "the reply to the queued read arrives once the harness types");
	if (mr == MACH_MSG_SUCCESS) {
		is(r.h.msgh_id, 2905, "it is a device_read_reply_inband");
		is(r.rc, D_SUCCESS, "with D_SUCCESS");
		ok(r.data_type.msgt_number >= 1 && r.data_type.msgt_number <= 4, "and at most the 4 bytes asked for");
		len = r.data_type.msgt_number <= 4 ? r.data_type.msgt_number : 0;
		memcpy(got, r.data, len);
	}
	mach_port_destroy(mach_task_self(), rp);
	while (len < sizeof(got) - 1 && memchr(got, '\n', len) == NULL) {
		count = sizeof(buf);
		kern_return_t kr = device_read_inband(cons, 0, 0, sizeof(got) - 1 - len, buf, &count);
		if (!is_kr(kr, D_SUCCESS, "device_read_inband(console) returns typed bytes") || count == 0)
			break;
		memcpy(got + len, buf, count);
		len += count;
	}
	got[len] = '\0';
	ok(strcmp(got, "ernst typed this\n") == 0 || strcmp(got, "ernst typed this\r") == 0,
	   "the console read what the harness typed (got \"%.*s\")", (int)strcspn(got, "\r\n"), got);
	is_kr(device_close(cons), D_SUCCESS, "device_close(console)");
}

static void uptime(mach_port_t dev, long long *us)
{
	int st[TIME_STATUS_UPTIME_COUNT];
	mach_msg_type_number_t count = TIME_STATUS_UPTIME_COUNT;
	kern_return_t kr = device_get_status(dev, TIME_STATUS_UPTIME, st, &count);
	*us = kr == D_SUCCESS && count == 2 ? st[0] * 1000000LL + st[1] : -1;
}

static void test_clock(void)
{
	mach_port_t t = open_dev("time", D_READ);
	long long a, b, prev;
	uptime(t, &a);
	ok(a >= 0, "get_status(time) answers seconds and microseconds");
	prev = a;
	int monotonic = 1;
	for (int i = 0; i < 200; i++) {
		uptime(t, &b);
		if (b < prev)
			monotonic = 0;
		prev = b;
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 1);
	}
	ok(monotonic, "the time never goes back");
	cmp_ok(b, ">", a, "and it advances");
	int st[4];
	mach_msg_type_number_t count = 1;
	is_kr(device_get_status(t, TIME_STATUS_UPTIME, st, &count), D_INVALID_SIZE, "too little room: D_INVALID_SIZE");
	count = 4;
	is_kr(device_get_status(t, 77, st, &count), D_INVALID_OPERATION, "an unknown flavor: D_INVALID_OPERATION");
}

/*
 * Concurrent reads: READERS threads, READS_EACH reads each of 1..8
 * sectors at places of a fixed pseudo-random sequence, on hd0 and hd0s2
 * at once (one channel, one request at a time, each thread sleeping for
 * the drive's interrupt meanwhile); every sector checked.
 */
#define READERS 8
#define READS_EACH 24

struct disk_reader {
	mach_port_t dev;
	recnum_t first; /* the device's record 0 on the disk */
	unsigned span;	/* records read from: 0..span-1 (none written by test_disk) */
	unsigned seed;
	int done, wrong;
};

static void *disk_reader(void *arg)
{
	struct disk_reader *r = arg;

	for (int i = 0; i < READS_EACH; i++) {
		r->seed = r->seed * 1103515245u + 12345u;
		unsigned n = 1 + (r->seed >> 16) % 8;
		recnum_t rec = (r->seed >> 4) % (r->span - n);
		kern_return_t kr;
		char *p = read_recs(r->dev, rec, n, &kr);
		if (p == NULL) {
			r->wrong++;
			continue;
		}
		for (unsigned s = 0; s < n; s++)
			if (word0(p + s * SECTOR) != r->first + rec + s)
				r->wrong++;
		syscall_vm_deallocate(mach_task_self(), (vm_address_t)p, n * SECTOR);
		r->done++;
	}
	return NULL;
}

static void test_concurrent_reads(mach_port_t hd0, mach_port_t s2)
{
	struct disk_reader r[READERS];
	cthread_t th[READERS];
	int done = 0, wrong = 0, started = 0;

	for (int i = 0; i < READERS; i++) {
		r[i] = (struct disk_reader){i % 2 ? s2 : hd0, i % 2 ? S2_START : 0, i % 2 ? 4000 : 2000, i + 1, 0, 0};
		if (cthread_create(&th[i], disk_reader, &r[i]) == KERN_SUCCESS)
			started++;
		else
			th[i] = NULL;
	}
	for (int i = 0; i < READERS; i++) {
		if (th[i] == NULL)
			continue;
		cthread_join(th[i]);
		done += r[i].done;
		wrong += r[i].wrong;
	}
	is(started, READERS, "%d reader threads", READERS);
	is(done, READERS * READS_EACH, "their %d concurrent reads on hd0 and hd0s2 all completed", READERS * READS_EACH);
	is(wrong, 0, "each with the right sectors");
}

static void test_disk(void)
{
	kern_return_t kr;
	mach_port_t hd0 = open_dev("hd0", D_READ | D_WRITE);
	mach_port_t s1 = open_dev("hd0s1", D_READ | D_WRITE);
	mach_port_t s2 = open_dev("hd0s2", D_READ | D_WRITE);
	int st[DEV_GET_SIZE_COUNT];
	mach_msg_type_number_t count = DEV_GET_SIZE_COUNT;

	is_kr(device_get_status(hd0, DEV_GET_SIZE, st, &count), D_SUCCESS, "get_status(hd0, DEV_GET_SIZE)");
	is(st[DEV_GET_SIZE_DEVICE_SIZE], DISK_SECTORS * SECTOR, "hd0's size in bytes");
	is(st[DEV_GET_SIZE_RECORD_SIZE], SECTOR, "its sector size");
	count = DEV_GET_RECORDS_COUNT;
	is_kr(device_get_status(s1, DEV_GET_RECORDS, st, &count), D_SUCCESS, "get_status(hd0s1, DEV_GET_RECORDS)");
	is(st[DEV_GET_RECORDS_DEVICE_RECORDS], S1_SECTORS, "hd0s1's size in sectors");

	char *p = read_recs(hd0, 10, 1, &kr);
	is_kr(kr, D_SUCCESS, "read sector 10 of hd0");
	if (p) {
		is(word0(p), 10, "it is the host's sector 10");
		syscall_vm_deallocate(mach_task_self(), (vm_address_t)p, SECTOR);
	}
	p = read_recs(s1, 0, 1, &kr);
	if (is_kr(kr, D_SUCCESS, "read hd0s1 record 0")) {
		is(word0(p), S1_START, "a partition's records start at its first sector");
		syscall_vm_deallocate(mach_task_self(), (vm_address_t)p, SECTOR);
	}
	p = read_recs(s2, 100, 8, &kr);
	if (is_kr(kr, D_SUCCESS, "read 4 KiB from hd0s2 record 100")) {
		int good = 1;
		for (int i = 0; i < 8; i++)
			good &= word0(p + i * SECTOR) == (uint32_t)(S2_START + 100 + i);
		ok(good, "each of the 8 sectors is the right one");
		syscall_vm_deallocate(mach_task_self(), (vm_address_t)p, 8 * SECTOR);
	}
	char inband[IO_INBAND_MAX];
	count = sizeof(inband);
	is_kr(device_read_inband(hd0, 0, 0, 100, inband, &count), D_INVALID_SIZE,
	      "an inband read of part of a sector: D_INVALID_SIZE");

	test_concurrent_reads(hd0, s2);
	/* Writes: one sector in hd0s1, 24 sectors (a copy-on-write region,
	 * not a physical copy) in hd0s2; the host checks them in the image afterwards. */
	static char sec[SECTOR];
	memset(sec, 0, sizeof(sec));
	snprintf(sec, sizeof(sec), "ERNST hd0s1 record 3");
	int n = 0;
	is_kr(device_write(s1, 0, 3, sec, SECTOR, &n), D_SUCCESS, "write hd0s1 record 3");
	is(n, SECTOR, "one sector written");
	enum { NW = 24 }; /* 12 KiB: sent copy-on-write, not copied */
	char *big = calloc(NW, SECTOR);
	if (big == NULL)
		tap_bail("no memory");
	for (int i = 0; i < NW; i++)
		snprintf(big + i * SECTOR, SECTOR, "ERNST hd0s2 record %d", 10 + i);
	is_kr(device_write(s2, 0, 10, big, NW * SECTOR, &n), D_SUCCESS, "write 24 sectors at hd0s2 record 10");
	is(n, NW * SECTOR, "all 12 KiB written");
	p = read_recs(s2, 10, NW, &kr);
	if (is_kr(kr, D_SUCCESS, "read them back")) {
		ok(memcmp(p, big, NW * SECTOR) == 0, "what was read is what was written");
		syscall_vm_deallocate(mach_task_self(), (vm_address_t)p, NW * SECTOR);
	}

	/* Out of range and misaligned requests. */
	p = read_recs(s1, S1_SECTORS, 1, &kr);
	is_kr(kr, D_INVALID_RECNUM, "a read past a partition's end: D_INVALID_RECNUM");
	p = read_recs(s1, S1_SECTORS - 1, 2, &kr);
	is_kr(kr, D_INVALID_SIZE, "a read running past the end: D_INVALID_SIZE");
	p = read_recs(s1, 0xffffffffu, 1, &kr);
	is_kr(kr, D_INVALID_RECNUM, "record 2^32-1: D_INVALID_RECNUM");
	io_buf_ptr_t data;
	count = 0;
	is_kr(device_read(s1, 0, 0, 100, &data, &count), D_INVALID_SIZE, "a read of 100 bytes: D_INVALID_SIZE");
	is_kr(device_read(s1, 0, 0, -512, &data, &count), D_INVALID_SIZE, "a negative size: D_INVALID_SIZE");
	is_kr(device_read(s1, 0, 0, 64 << 20, &data, &count), D_INVALID_SIZE, "64 MiB at once: D_INVALID_SIZE");
	is_kr(device_write(s1, 0, 0, sec, 300, &n), D_INVALID_SIZE, "a write of 300 bytes: D_INVALID_SIZE");
	is_kr(device_write(s2, 0, 4095, big, 2 * SECTOR, &n), D_INVALID_SIZE,
	      "a write running past the end: D_INVALID_SIZE");
	is_kr(device_write_inband(s1, 0, S1_SECTORS + 5, sec, 0, &n), D_INVALID_RECNUM,
	      "an empty write past the end: D_INVALID_RECNUM");
	free(big);
	device_close(s2);
	device_close(s1);
	device_close(hd0);
}

static void test_bad_input(void)
{
	mach_port_t dev;
	is_kr(device_open(master, D_READ, "nosuch", &dev), D_NO_SUCH_DEVICE, "an unknown device: D_NO_SUCH_DEVICE");
	is_kr(device_open(master, D_READ, "", &dev), D_NO_SUCH_DEVICE, "an empty name: D_NO_SUCH_DEVICE");
	char longname[200];
	memset(longname, 'x', sizeof(longname));
	longname[sizeof(longname) - 1] = '\0';
	kern_return_t kr = device_open(master, D_READ, longname, &dev);
	ok(kr != D_SUCCESS, "a name longer than dev_name_t is refused (0x%x)", kr);
	is_kr(device_open(master, 0x1000, "console", &dev), D_INVALID_OPERATION, "unknown mode bits: D_INVALID_OPERATION");
	is_kr(device_open(mach_task_self(), D_READ, "console", &dev), D_INVALID_OPERATION,
	      "device_open on a task port: D_INVALID_OPERATION");
	char buf[IO_INBAND_MAX];
	mach_msg_type_number_t count = sizeof(buf);
	is_kr(device_read_inband(master, 0, 0, 8, buf, &count), D_NO_SUCH_DEVICE,
	      "device_read on the master port: D_NO_SUCH_DEVICE");
	mach_port_t cons = open_dev("console", D_READ | D_WRITE);
	mach_port_t port;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port);
	mach_port_insert_right(mach_task_self(), port, port, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_insert_right(mach_task_self(), port, port, MACH_MSG_TYPE_MAKE_SEND);
	filter_t f[2] = {0, 0};
	is_kr(device_set_filter(cons, port, 0, f, 2), D_INVALID_OPERATION,
	      "a filter on the console: D_INVALID_OPERATION");
	int st[4];
	count = 4;
	is_kr(device_get_status(cons, 12345, st, &count), D_INVALID_OPERATION,
	      "get_status of an unknown flavor: D_INVALID_OPERATION");
	is_kr(device_set_status(cons, 12345, st, 1), D_INVALID_OPERATION, "set_status: D_INVALID_OPERATION");
	is_kr(device_intr_register(cons, 1, 0, port), D_INVALID_OPERATION,
	      "device_intr_register: D_INVALID_OPERATION");
	mach_port_t pager = MACH_PORT_NULL;
	is_kr(device_map(cons, VM_PROT_READ, 0, 4096, &pager, 0), D_INVALID_OPERATION,
	      "device_map of the console: D_INVALID_OPERATION");
	mach_port_destroy(mach_task_self(), port);
	device_close(cons);
}

int main(int argc, char **argv)
{
	if (argc < 2 || (master = strtoul(argv[1], NULL, 0)) == MACH_PORT_NULL)
		tap_bail("usage: devtest DEVICE-MASTER-PORT");
	test_bad_input();
	test_clock();
	if (argc < 3 || strcmp(argv[2], "nodisk") != 0)
		test_disk();
	test_console();
	return tap_done();
}
