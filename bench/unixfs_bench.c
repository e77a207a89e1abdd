/*
 * The file services' own costs, in instructions (-icount shift=0), seen
 * from a client task through MIG (no emulation library: the floor under
 * the unix.* figures).  bench/unixfs_server is the server task.
 *   unixfs.devnull_read_1   io_read of 1 byte from /dev/null
 *   unixfs.devnull_write_1  io_write of 1 byte to /dev/null
 *   unixfs.pipe_64k         64 KiB written into a pipe and read back
 *   unixfs.stat             fs_stat of /dev/null (two names looked up)
 *   unixfs.open_close       fs_lookup of /tmp/f and dropping the port
 *                           (the server's close runs on its no-senders)
 *   unixfs.write_read_4k    4 KiB written and read back at offset 0
 * Each is printed per chunk of ITERATIONS operations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mach.h>
#include <mach/task_special_ports.h>
#include <servers/bootstrap_names.h>
#include <servers/io.h>
#include <servers/fs.h>
#include <servers/pipe.h>
#include "bench.h"

#define CHUNKS 5
#define ITERATIONS 20
#define PIPE_BYTES 65536
#define FILE_BYTES 4096
#define LOOKUP_TRIES 1000


static mach_port_t look_up(mach_port_t bs, const char *name)
{
	mach_port_t p = MACH_PORT_NULL;
	int i;

	/* The server may not have checked in yet. */
	for (i = 0; i < LOOKUP_TRIES; i++) {
		if (bootstrap_look_up(bs, (char *) name, &p) == KERN_SUCCESS)
			return p;
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	}
	printf("unixfs_bench: no %s\n", name);
	exit(1);
}

static void report(const char *name, unsigned long long t0, unsigned long long t1)
{
	printf("BENCH %s %llu\n", name, (t1 - t0) / ITERATIONS);
}

static char buf[PIPE_BYTES];

int main(void)
{
	mach_port_t bs, root, pipes, task, null, r, w, f;
	mach_msg_type_name_t poly;
	unsigned long long t0;
	struct io_stat st;
	int c, i, amount;

	task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &bs);
	root = look_up(bs, "unixfs-root");
	pipes = look_up(bs, "unixfs-pipes");
	task = look_up(bs, "unixfs-task");
	if (fs_lookup(root, "/dev/null", IO_O_RDWR, 0, &null, &poly) != 0 ||
	    pipe_create(pipes, 0, &r, &poly, &w, &poly) != 0 ||
	    fs_lookup(root, "/tmp/bench", IO_O_RDWR | IO_O_CREAT, 0644, &f, &poly) != 0) {
		printf("unixfs_bench: set-up failed\n");
		return 1;
	}
	for (c = 0; c < CHUNKS; c++) {
		t0 = rdtsc();
		for (i = 0; i < ITERATIONS; i++) {
			char *data = buf;
			mach_msg_type_number_t n = sizeof(buf);

			io_read(null, 0, IO_OFFSET_CURRENT, 1, &data, &n);
		}
		report("unixfs.devnull_read_1", t0, rdtsc());
	}
	for (c = 0; c < CHUNKS; c++) {
		t0 = rdtsc();
		for (i = 0; i < ITERATIONS; i++)
			io_write(null, 0, IO_OFFSET_CURRENT, buf, 1, &amount);
		report("unixfs.devnull_write_1", t0, rdtsc());
	}
	for (c = 0; c < CHUNKS; c++) {
		t0 = rdtsc();
		for (i = 0; i < ITERATIONS; i++) {
			char *data = buf;
			mach_msg_type_number_t n = sizeof(buf);

			io_write(w, 0, IO_OFFSET_CURRENT, buf, PIPE_BYTES, &amount);
			io_read(r, 0, IO_OFFSET_CURRENT, PIPE_BYTES, &data, &n);
			if (data != buf)
				vm_deallocate(mach_task_self(), (vm_address_t) data, n);
		}
		report("unixfs.pipe_64k", t0, rdtsc());
	}
	for (c = 0; c < CHUNKS; c++) {
		t0 = rdtsc();
		for (i = 0; i < ITERATIONS; i++)
			fs_stat(root, "/dev/null", 0, &st);
		report("unixfs.stat", t0, rdtsc());
	}
	for (c = 0; c < CHUNKS; c++) {
		t0 = rdtsc();
		for (i = 0; i < ITERATIONS; i++) {
			mach_port_t p;

			if (fs_lookup(root, "/tmp/bench", IO_O_RDONLY, 0, &p, &poly) == 0)
				mach_port_deallocate(mach_task_self(), p);
		}
		report("unixfs.open_close", t0, rdtsc());
	}
	for (c = 0; c < CHUNKS; c++) {
		t0 = rdtsc();
		for (i = 0; i < ITERATIONS; i++) {
			char *data = buf;
			mach_msg_type_number_t n = sizeof(buf);

			io_write(f, 0, 0, buf, FILE_BYTES, &amount);
			io_read(f, 0, 0, FILE_BYTES, &data, &n);
			if (data != buf)
				vm_deallocate(mach_task_self(), (vm_address_t) data, n);
		}
		report("unixfs.write_read_4k", t0, rdtsc());
	}
	task_terminate(task);
	return 0;
}
