/*
 * IPC benchmarks, run as the first task under QEMU -icount shift=0, where
 * rdtsc counts guest instructions.  Each benchmark runs CHUNKS chunks of
 * ITERATIONS operations and prints "BENCH <name> <instructions per op>"
 * once per chunk; bench/report takes the median.  The first chunk is a
 * warm-up and is not printed.
 */
#include <mach.h>
#include <mach/mach_port.h>
#include <stdio.h>
#include <string.h>

#define CHUNKS 6
#define ITERATIONS 200

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

typedef void (*bench_fn)(void);

static const char *only;

static void run(const char *name, bench_fn fn)
{
	if (only != NULL && strstr(name, only) == NULL)
		return;
	for (int c = 0; c < CHUNKS; c++) {
		unsigned long long t0 = rdtsc();
		for (int i = 0; i < ITERATIONS; i++)
			fn();
		unsigned long long t1 = rdtsc();
		if (c > 0)
			printf("BENCH %s %llu\n", name, (t1 - t0) / ITERATIONS);
	}
}

static void bench_task_self(void)
{
	(mach_task_self)();
}

/* A 32-byte message: the header and one typed integer. */
struct msg32 {
	mach_msg_header_t hdr;
	mach_msg_type_t type;
	int value;
};

static mach_port_t self_port;

static void bench_self_rpc(void)
{
	struct msg32 m;
	m.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 0);
	m.hdr.msgh_size = sizeof(m);
	m.hdr.msgh_remote_port = self_port;
	m.hdr.msgh_local_port = MACH_PORT_NULL;
	m.hdr.msgh_id = 1;
	m.type = (mach_msg_type_t){MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0, 0, 0};
	m.value = 42;
	mach_msg(&m.hdr, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m), sizeof(m), self_port, MACH_MSG_TIMEOUT_NONE,
		 MACH_PORT_NULL);
}

static void bench_kernel_rpc(void)
{
	mach_port_type_t type;
	mach_port_type(mach_task_self(), self_port, &type);
}

static void bench_port_alloc_destroy(void)
{
	mach_port_t p;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p);
	mach_port_destroy(mach_task_self(), p);
}

struct msg_ool {
	mach_msg_header_t hdr;
	mach_msg_type_t type;
	void *data;
};

static char ool_page[4096] __attribute__((aligned(4096)));

static void bench_ool_4k(void)
{
	union {
		struct msg_ool m;
		char buf[128];
	} u;
	u.m.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 0) | MACH_MSGH_BITS_COMPLEX;
	u.m.hdr.msgh_size = sizeof(u.m);
	u.m.hdr.msgh_remote_port = self_port;
	u.m.hdr.msgh_local_port = MACH_PORT_NULL;
	u.m.hdr.msgh_id = 2;
	u.m.type = (mach_msg_type_t){MACH_MSG_TYPE_INTEGER_32, 32, sizeof(ool_page) / 4, 0, 0, 0, 0};
	u.m.data = ool_page;
	mach_msg(&u.m.hdr, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(u.m), sizeof(u), self_port, MACH_MSG_TIMEOUT_NONE,
		 MACH_PORT_NULL);
	vm_deallocate(mach_task_self(), (vm_address_t)u.m.data, sizeof(ool_page));
}

/* With an argument, run only the benchmarks whose name contains it. */
int main(int argc, char **argv)
{
	only = argc > 1 ? argv[1] : NULL;
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &self_port);
	memset(ool_page, 1, sizeof(ool_page));
	run("ipc.mach_task_self", bench_task_self);
	run("ipc.self_rpc", bench_self_rpc);
	run("ipc.kernel_rpc", bench_kernel_rpc);
	run("ipc.port_alloc_destroy", bench_port_alloc_destroy);
	run("ipc.ool_4k_round_trip", bench_ool_4k);
	return 0;
}
