/*
 * Device benchmarks, booted as the first task under -icount shift=0
 * (rdtsc counts guest instructions):
 *   boot.to_bootstrap    rdtsc at the first task's main: instructions from
 *                        power-on (firmware included) to the first task
 *   dev.console_write_1k one device_write of 1 KiB to the console
 *   dev.disk_read_4k     one device_read of 4 KiB (8 sectors) from hd0
 * Each device figure is printed per chunk of ITERATIONS operations.
 *
 * usage: dev_bench DEVICE-MASTER-PORT
 */
#include <mach.h>
#include <mach_traps.h>
#include <device/device.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define CHUNKS 5
#define ITERATIONS 20


int main(int argc, char **argv)
{
	unsigned long long start = rdtsc();
	mach_port_t master, cons, disk;

	printf("BENCH boot.to_bootstrap %llu\n", start);
	if (argc < 2 || (master = strtoul(argv[1], NULL, 0)) == MACH_PORT_NULL) {
		printf("usage: dev_bench DEVICE-MASTER-PORT\n");
		return 1;
	}
	if (device_open(master, D_WRITE, "console", &cons) != D_SUCCESS) {
		printf("dev_bench: no console device\n");
		return 1;
	}
	static char line[1024];
	memset(line, ' ', sizeof(line));
	line[sizeof(line) - 1] = '\r'; /* the line overwrites itself */
	for (int c = 0; c < CHUNKS; c++) {
		int n;
		unsigned long long t0 = rdtsc();
		for (int i = 0; i < ITERATIONS; i++)
			device_write(cons, 0, 0, line, sizeof(line), &n);
		unsigned long long t1 = rdtsc();
		printf("\nBENCH dev.console_write_1k %llu\n", (t1 - t0) / ITERATIONS);
	}
	if (device_open(master, D_READ, "hd0", &disk) != D_SUCCESS) {
		printf("dev_bench: no hd0: dev.disk_read_4k not measured\n");
		return 1;
	}
	for (int c = 0; c < CHUNKS; c++) {
		unsigned long long total = 0;
		for (int i = 0; i < ITERATIONS; i++) {
			io_buf_ptr_t data;
			mach_msg_type_number_t count;
			unsigned long long t0 = rdtsc();
			kern_return_t kr = device_read(disk, 0, i * 8, 4096, &data, &count);
			total += rdtsc() - t0;
			if (kr != D_SUCCESS) {
				printf("dev_bench: device_read: 0x%x\n", kr);
				return 1;
			}
			syscall_vm_deallocate(mach_task_self(), (vm_offset_t)data, count);
		}
		printf("BENCH dev.disk_read_4k %llu\n", total / ITERATIONS);
	}
	return 0;
}
