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

/* --- Between two tasks ------------------------------------------------- */

#define BIG 1024
#define SERVER_STACK (64 * 1024)

struct msg_big {
	mach_msg_header_t hdr;
	mach_msg_type_t type;
	char data[BIG];
};

/* The server task runs this on a stack of its own: receive, then reply
 * and receive the next request in one call, forever. */
static void __attribute__((noreturn, used)) server_loop(mach_port_t port)
{
	struct msg_big m;
	mach_msg_return_t mr = mach_msg(&m.hdr, MACH_RCV_MSG, 0, sizeof(m), port, 0, MACH_PORT_NULL);
	for (;;) {
		if (mr != MACH_MSG_SUCCESS) {
			mr = mach_msg(&m.hdr, MACH_RCV_MSG, 0, sizeof(m), port, 0, MACH_PORT_NULL);
			continue;
		}
		/* Answer with a message of the request's size on its reply right. */
		m.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(m.hdr.msgh_bits), 0);
		m.hdr.msgh_local_port = MACH_PORT_NULL;
		m.hdr.msgh_id += 100;
		mr = mach_msg(&m.hdr, MACH_SEND_MSG | MACH_RCV_MSG, m.hdr.msgh_size, sizeof(m), port, 0,
			      MACH_PORT_NULL);
	}
}

static mach_port_t server_send, client_reply;

/* A server task inheriting our memory, with one thread in server_loop. */
static int start_server(void)
{
	task_t child;
	thread_t th;
	mach_port_t child_port;
	mach_msg_type_name_t type;
	vm_address_t stack = 0;
	static unsigned int top[1024] __attribute__((aligned(4096)));
	struct i386_thread_state state;

	if (task_create(mach_task_self(), TRUE, &child) != KERN_SUCCESS ||
	    mach_port_allocate(child, MACH_PORT_RIGHT_RECEIVE, &child_port) != KERN_SUCCESS ||
	    mach_port_extract_right(child, child_port, MACH_MSG_TYPE_MAKE_SEND, &server_send, &type) !=
		    KERN_SUCCESS ||
	    vm_allocate(child, &stack, SERVER_STACK, TRUE) != KERN_SUCCESS)
		return 0;
	/* The top page of its stack: a return address server_loop never uses,
	 * then its argument. */
	top[1022] = 0;
	top[1023] = child_port;
	if (vm_write(child, stack + SERVER_STACK - sizeof(top), (vm_offset_t)top, sizeof(top)) != KERN_SUCCESS ||
	    thread_create(child, &th) != KERN_SUCCESS)
		return 0;
	memset(&state, 0, sizeof(state));
	state.eip = (unsigned int)server_loop;
	state.uesp = stack + SERVER_STACK - 8;
	if (thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&state, i386_THREAD_STATE_COUNT) != KERN_SUCCESS)
		return 0;
	return thread_resume(th) == KERN_SUCCESS &&
	       mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &client_reply) == KERN_SUCCESS;
}

static void cross_task_rpc(unsigned bytes)
{
	struct msg_big m;
	m.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.hdr.msgh_size = sizeof(m.hdr) + sizeof(m.type) + bytes;
	m.hdr.msgh_remote_port = server_send;
	m.hdr.msgh_local_port = client_reply;
	m.hdr.msgh_id = 3;
	m.type = (mach_msg_type_t){MACH_MSG_TYPE_INTEGER_32, 32, bytes / 4, 1, 0, 0, 0};
	mach_msg(&m.hdr, MACH_SEND_MSG | MACH_RCV_MSG, m.hdr.msgh_size, sizeof(m), client_reply, MACH_MSG_TIMEOUT_NONE,
		 MACH_PORT_NULL);
}

static void bench_cross_task(void)
{
	cross_task_rpc(4); /* header + one typed integer: 32 bytes */
}

static void bench_cross_task_1k(void)
{
	cross_task_rpc(BIG);
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
	if ((only == NULL || strstr("ipc.rpc_cross_task", only) != NULL) && !start_server())
		printf("ipc_bench: could not start the server task\n");
	run("ipc.rpc_cross_task_1k", bench_cross_task_1k);
	run("ipc.rpc_cross_task", bench_cross_task);
	return 0;
}
