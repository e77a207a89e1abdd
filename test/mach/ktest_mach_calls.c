/*
 * mach.defs and mach_host.defs served by the kernel: raw messages from a
 * kernel thread in a user task (its buffers are kernel memory, its port
 * names and out-of-line data are the task's), one test per group of
 * routines, each with the error codes for bad ports, arguments, flavors
 * and counts, and the resource balance after create/terminate cycles.
 */
#include <mach/mach_types.h>
#include <mach/mig_errors.h>
#include <i386/cpu.h>
#include <kern/clock.h>
#include <kern/emulation.h>
#include <kern/kalloc.h>
#include <kern/host.h>
#include <kern/ktest.h>
#include <kern/processor.h>
#include <kern/sched.h>
#include <mach/host_info.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <i386/seg.h>
#include <ipc/kmsg.h>
#include <ipc/mach_port.h>
#include <vm/vm_pageout.h>
#include "ktest_vm_util.h"

#define MACH_ID(n) (2000 + (n))
#define HOST_ID(n) (2600 + (n))

/* A message being built or a reply being read. */
struct rpc_msg {
	mach_msg_header_t hdr;
	char body[8192];
};
static struct rpc_msg rpc_buf; /* kernel stacks are too small for it */
static char *rpc_pos;

static mach_port_t rpc_reply_port;

static void msg_start(mach_port_t dest, mach_msg_id_t id)
{
	memset(&rpc_buf.hdr, 0, sizeof(rpc_buf.hdr));
	rpc_buf.hdr.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	rpc_buf.hdr.msgh_remote_port = dest;
	rpc_buf.hdr.msgh_local_port = rpc_reply_port;
	rpc_buf.hdr.msgh_id = id;
	rpc_pos = rpc_buf.body;
}

static void put_typed(mach_msg_type_name_t name, unsigned number, const void *data)
{
	mach_msg_type_t t = {name, 32, number, 1, 0, 0, 0};
	memcpy(rpc_pos, &t, sizeof(t));
	memcpy(rpc_pos + sizeof(t), data, number * 4);
	rpc_pos += sizeof(t) + number * 4;
	if (MACH_MSG_TYPE_PORT_ANY(name))
		rpc_buf.hdr.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
}

static void put_int(uint32_t v)
{
	put_typed(MACH_MSG_TYPE_INTEGER_32, 1, &v);
}

static void put_bool(uint32_t v)
{
	put_typed(MACH_MSG_TYPE_BOOLEAN, 1, &v);
}

static void put_port(mach_port_t name, mach_msg_type_name_t disp)
{
	put_typed(disp, 1, &name);
}

/* An out-of-line item (long form): bytes (size 8) or port names (32). */
static void put_ool(mach_msg_type_name_t name, unsigned size, unsigned number, vm_offset_t addr)
{
	mach_msg_type_long_t t;
	memset(&t, 0, sizeof(t));
	t.msgtl_header.msgt_inline = 0;
	t.msgtl_header.msgt_longform = 1;
	t.msgtl_name = name;
	t.msgtl_size = size;
	t.msgtl_number = number;
	memcpy(rpc_pos, &t, sizeof(t));
	memcpy(rpc_pos + sizeof(t), &addr, 4);
	rpc_pos += sizeof(t) + 4;
	rpc_buf.hdr.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
}

/* Send the request, wait for the reply; the kernel's RetCode, or the
 * mach_msg error if there was no reply. */
static kern_return_t rpc(void)
{
	mach_msg_size_t size = (mach_msg_size_t)(rpc_pos - (char *)&rpc_buf);
	rpc_buf.hdr.msgh_size = size;
	mach_msg_id_t id = rpc_buf.hdr.msgh_id;
	mach_msg_return_t mr = mach_msg_trap(&rpc_buf.hdr, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, size,
					     sizeof(rpc_buf), rpc_reply_port, 1000, MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	if (rpc_buf.hdr.msgh_id != id + 100)
		return -1;
	return *(kern_return_t *)(rpc_buf.body + 4);
}

/* Item k of the reply after the return code: its data (inline) or the
 * word holding its address (out of line); *number its element count. */
static uint32_t *reply_item(unsigned k, unsigned *number)
{
	char *p = rpc_buf.body + 8, *end = (char *)&rpc_buf + rpc_buf.hdr.msgh_size;

	if (number)
		*number = 0;
	for (;;) {
		if (p >= end)
			return NULL;
		mach_msg_type_t *t = (mach_msg_type_t *)p;
		mach_msg_type_long_t *l = (mach_msg_type_long_t *)p;
		unsigned n = t->msgt_longform ? l->msgtl_number : t->msgt_number;
		unsigned size = t->msgt_longform ? l->msgtl_size : t->msgt_size;
		p += t->msgt_longform ? sizeof(*l) : sizeof(*t);
		if (k-- == 0) {
			if (number)
				*number = n;
			return (uint32_t *)p;
		}
		p += t->msgt_inline ? ((n * size + 7) / 8 + 3) & ~3u : 4;
	}
}

static uint32_t reply_word(unsigned k)
{
	uint32_t *w = reply_item(k, NULL);
	return w ? *w : 0xdeadbeef;
}

/* Word i of reply item k (an array: info, state, time). */
static uint32_t arr(unsigned k, unsigned i)
{
	unsigned n = 0;
	uint32_t *w = reply_item(k, &n);
	return w && i < n ? w[i] : 0xdeadbeef;
}

static struct ipc_space *my_space(void)
{
	return current_thread()->task->itk_space;
}

/* A send right for a kernel port, named in our space. */
static mach_port_t name_for(struct ipc_port *port)
{
	mach_port_t name;
	if (ipc_right_copyout(my_space(), ipc_port_make_send(port), MACH_MSG_TYPE_PORT_SEND, &name) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return name;
}

static int is_send_right(mach_port_t name)
{
	mach_port_type_t type;
	return mach_port_type(my_space(), name, &type) == KERN_SUCCESS && (type & MACH_PORT_TYPE_SEND);
}

static struct ipc_port *port_of(mach_port_t name)
{
	struct ipc_entry *e = ipc_entry_lookup(my_space(), name);
	return e ? e->object : NULL;
}

/* Run fn(arg) in a new kernel thread of a new user task; wait for it. */
static void run_in_task(const char *name, void (*fn)(void *), void *arg)
{
	struct task *t;

	if (task_create_user(NULL, 0, name, &t) != KERN_SUCCESS) {
		ktest_ok(0, "create a task");
		return;
	}
	struct thread *th = kernel_thread(t, "calltest", fn, arg, BASEPRI_KERNEL + 1);
	thread_reference(th);
	while (!(th->state & TH_TERMINATED))
		thread_sleep(th, 0, 0);
	thread_deallocate(th);
	task_terminate(t);
	task_deallocate(t);
}

static mach_port_t self_task_port(void)
{
	mach_port_allocate(my_space(), MACH_PORT_RIGHT_RECEIVE, &rpc_reply_port);
	return name_for(current_thread()->task->itk_self);
}

static kern_return_t call_task_create(mach_port_t task, int inherit, mach_port_t *child)
{
	msg_start(task, MACH_ID(7));
	put_bool(inherit);
	kern_return_t kr = rpc();
	*child = kr == KERN_SUCCESS ? reply_word(0) : MACH_PORT_NULL;
	return kr;
}

static kern_return_t call_simple(mach_port_t port, mach_msg_id_t id)
{
	msg_start(port, id);
	return rpc();
}

static kern_return_t call_info(mach_port_t port, mach_msg_id_t id, int flavor, unsigned count, unsigned *got)
{
	msg_start(port, id);
	put_int(flavor);
	put_int(count);
	kern_return_t kr = rpc();
	if (kr == KERN_SUCCESS)
		reply_item(0, got);
	return kr;
}

/* --- tasks -------------------------------------------------------------- */

static void task_body(void *arg)
{
	(void)arg;
	mach_port_t me = self_task_port(), child, thread = MACH_PORT_NULL;
	unsigned n = 0;
	kern_return_t kr;

	kr = call_task_create(me, 0, &child);
	ktest_ok(kr == KERN_SUCCESS && is_send_right(child), "task_create gives a send right to the child (%d)", kr);
	struct ipc_port *cp = port_of(child);
	struct task *ct = cp ? cp->kobject : NULL;
	ktest_ok(ct != NULL && ct->ref_count == 1 && ct->self_ref && ct->map != NULL && ct->map->nentries == 0,
		 "the child: its own empty map, one reference (its own, until terminated)");

	ktest_ok(call_info(child, MACH_ID(12), TASK_BASIC_INFO, TASK_BASIC_INFO_COUNT, &n) == KERN_SUCCESS &&
			 n == TASK_BASIC_INFO_COUNT && arr(0, 0) == 0 && arr(0, 1) == BASEPRI_USER,
		 "task_info TASK_BASIC_INFO: %u words, not suspended, user priority", n);
	ktest_ok(call_info(child, MACH_ID(12), TASK_BASIC_INFO, TASK_BASIC_INFO_COUNT - 2, &n) == KERN_SUCCESS &&
			 n == TASK_BASIC_INFO_COUNT - 2,
		 "TASK_BASIC_INFO without creation_time (two words less) is accepted");
	ktest_ok(call_info(child, MACH_ID(12), TASK_BASIC_INFO, TASK_BASIC_INFO_COUNT - 3, &n) == KERN_INVALID_ARGUMENT,
		 "a count too small: KERN_INVALID_ARGUMENT");
	ktest_ok(call_info(child, MACH_ID(12), TASK_EVENTS_INFO, 100, &n) == KERN_SUCCESS && n == TASK_EVENTS_INFO_COUNT,
		 "TASK_EVENTS_INFO: %u words", n);
	ktest_ok(call_info(child, MACH_ID(12), TASK_THREAD_TIMES_INFO, 100, &n) == KERN_SUCCESS &&
			 n == TASK_THREAD_TIMES_INFO_COUNT,
		 "TASK_THREAD_TIMES_INFO: %u words", n);
	ktest_ok(call_info(child, MACH_ID(12), 99, 100, &n) == KERN_INVALID_ARGUMENT, "an unknown flavor: KERN_INVALID_ARGUMENT");

	/* threads */
	msg_start(child, MACH_ID(11));
	ktest_ok(rpc() == KERN_SUCCESS && (reply_item(0, &n), n == 0), "task_threads of a new task: none");
	msg_start(child, MACH_ID(61));
	ktest_ok(rpc() == KERN_SUCCESS && is_send_right(thread = reply_word(0)), "thread_create in the child");
	msg_start(child, MACH_ID(11));
	ktest_ok(rpc() == KERN_SUCCESS && (reply_item(0, &n), n == 1), "task_threads: one now");

	/* suspend and resume */
	ktest_ok(call_simple(child, MACH_ID(57)) == KERN_FAILURE, "task_resume of a task not suspended: KERN_FAILURE");
	ktest_ok(call_simple(child, MACH_ID(56)) == KERN_SUCCESS && ct->suspend_count == 1, "task_suspend counts");
	ktest_ok(call_info(child, MACH_ID(12), TASK_BASIC_INFO, TASK_BASIC_INFO_COUNT, &n) == KERN_SUCCESS &&
			 arr(0, 0) == 1,
		 "task_info shows the suspend count");
	ktest_ok(call_simple(child, MACH_ID(57)) == KERN_SUCCESS && ct->suspend_count == 0, "task_resume");

	/* special ports */
	mach_port_t bs;
	mach_port_allocate(my_space(), MACH_PORT_RIGHT_RECEIVE, &bs);
	msg_start(child, MACH_ID(59));
	put_int(TASK_BOOTSTRAP_PORT);
	put_port(bs, MACH_MSG_TYPE_MAKE_SEND);
	ktest_ok(rpc() == KERN_SUCCESS && ct->itk_bootstrap == port_of(bs), "task_set_special_port bootstrap");
	msg_start(child, MACH_ID(58));
	put_int(TASK_BOOTSTRAP_PORT);
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == bs, "task_get_special_port gives it back (our name)");
	msg_start(child, MACH_ID(58));
	put_int(TASK_KERNEL_PORT);
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == child, "TASK_KERNEL_PORT is the task's own port");
	msg_start(child, MACH_ID(58));
	put_int(2);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "an unknown special port: KERN_INVALID_ARGUMENT");
	msg_start(child, MACH_ID(59));
	put_int(TASK_EXCEPTION_PORT);
	put_port(bs, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	ktest_ok(rpc() == MIG_BAD_ARGUMENTS && ct->itk_exception == NULL,
		 "a send-once right as a special port: MIG_BAD_ARGUMENTS, nothing set");

	/* registered ports */
	mach_port_t regs[2] = {bs, MACH_PORT_NULL};
	msg_start(child, MACH_ID(33));
	put_ool(MACH_MSG_TYPE_COPY_SEND, 32, 2, (vm_offset_t)regs);
	kr = rpc();
	ktest_ok(kr == KERN_SUCCESS && ct->itk_registered[0] == port_of(bs), "mach_ports_register two ports (0x%x)", kr);
	msg_start(child, MACH_ID(34));
	kr = rpc();
	uint32_t *slot = reply_item(0, &n);
	uint32_t got[4] = {0};
	vm_offset_t addr = slot ? *slot : 0;
	int read_ok = 1;
	for (unsigned i = 0; i < 4 && kr == KERN_SUCCESS; i++)
		read_ok &= vmt_read(current_thread()->task->map, addr + 4 * i, &got[i]) == 0;
	ktest_ok(kr == KERN_SUCCESS && n == TASK_PORT_REGISTER_MAX && read_ok && got[0] == bs && got[1] == 0,
		 "mach_ports_lookup: four slots, out of line, the first ours");
	vm_deallocate(current_thread()->task->map, addr, PAGE_SIZE);
	mach_port_t five[5] = {0};
	msg_start(child, MACH_ID(33));
	put_ool(MACH_MSG_TYPE_COPY_SEND, 32, 5, (vm_offset_t)five);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "registering five: KERN_INVALID_ARGUMENT");

	/* emulation vector */
	msg_start(child, MACH_ID(70));
	put_int(0x1000);
	put_int(5);
	ktest_ok(rpc() == KERN_SUCCESS && ct->eml != NULL && ct->eml->disp_min == 5 && ct->eml->disp_vector[0] == 0x1000,
		 "task_set_emulation stores the entry");
	msg_start(child, MACH_ID(9));
	kr = rpc();
	ktest_ok(kr == KERN_SUCCESS && reply_word(0) == 5 && (reply_item(1, &n), n == 1),
		 "task_get_emulation_vector: start 5, one entry");
	msg_start(child, MACH_ID(71));
	put_int(0);
	put_int(0);
	put_int(0);
	ktest_ok(rpc() == KERN_FAILURE, "task_ras_control: KERN_FAILURE");

	/* terminate */
	struct ipc_port *thread_port = port_of(thread);
	ktest_ok(call_simple(child, MACH_ID(8)) == KERN_SUCCESS && !ct->active && !cp->active && !thread_port->active,
		 "task_terminate: the task, its port and its thread's port are dead");
	ktest_ok(call_simple(child, MACH_ID(8)) == MACH_SEND_INVALID_DEST, "a dead task port: MACH_SEND_INVALID_DEST");
	mach_port_destroy(my_space(), child);
	mach_port_destroy(my_space(), thread);
	ktest_ok(port_of(bs)->srights == 1, "the child's rights to our port are gone with it (ours remains)");
	mach_port_destroy(my_space(), bs);

	/* bad target */
	mach_port_t host = name_for(host_port);
	ktest_ok(call_task_create(host, 0, &child) == KERN_INVALID_TASK, "task_create on the host port: KERN_INVALID_TASK");
	ktest_ok(call_simple(host, MACH_ID(56)) == KERN_INVALID_ARGUMENT, "task_suspend on the host port: KERN_INVALID_ARGUMENT");
	msg_start(me, MACH_ID(7));
	put_int(0); /* a boolean_t sent as INTEGER_32 */
	ktest_ok(rpc() == MIG_BAD_ARGUMENTS, "a mistyped argument: MIG_BAD_ARGUMENTS");
	mach_port_destroy(my_space(), host);
	mach_port_destroy(my_space(), me);
	mach_port_destroy(my_space(), rpc_reply_port);
}

KTEST(mach_calls_task)
{
	run_in_task("calls-task", task_body, NULL);
}

/* Create and terminate tasks with threads and memory; nothing may leak. */
static void balance_body(void *arg)
{
	(void)arg;
	mach_port_t me = self_task_port(), child, thread = MACH_PORT_NULL;
	struct ipc_port *self = current_thread()->task->itk_self;
	unsigned names0 = 0, tasks0 = 0, srights0 = 0;
	unsigned long free0 = 0;
	int ok = 1;

	for (int round = 0; round < 21; round++) {
		if (round == 1) { /* after the zones have grown once */
			names0 = my_space()->used;
			tasks0 = default_pset.task_count;
			free0 = vm_page_free_count;
			srights0 = self->srights;
		}
		ok &= call_task_create(me, round & 1, &child) == KERN_SUCCESS;
		msg_start(child, MACH_ID(21));
		put_int(0);
		put_int(4 * PAGE_SIZE);
		put_bool(1);
		ok &= rpc() == KERN_SUCCESS;
		msg_start(child, MACH_ID(61));
		ok &= rpc() == KERN_SUCCESS;
		thread = reply_word(0);
		ok &= call_simple(thread, MACH_ID(63)) == KERN_SUCCESS; /* it runs, and stops at once */
		ok &= call_simple(thread, MACH_ID(62)) == KERN_SUCCESS;
		ok &= call_simple(child, MACH_ID(8)) == KERN_SUCCESS;
		mach_port_destroy(my_space(), child);
		mach_port_destroy(my_space(), thread);
		thread_sleep(NULL, 0, 2); /* let the thread end and be reaped */
	}
	ktest_ok(ok, "20 rounds of task_create, vm_allocate, thread_create, thread_resume, task_terminate");
	/* The last round's task and thread end and are reaped in their own
	 * time: waited for, not a fixed 2 ticks. */
	for (int i = 0; i < 5 * HZ && (default_pset.task_count != tasks0 || vm_page_free_count != free0); i++)
		thread_sleep(NULL, 0, 1);
	ktest_ok(my_space()->used == names0, "no port names leaked (%u, %u)", my_space()->used, names0);
	ktest_ok(default_pset.task_count == tasks0, "the set counts as many tasks as before (%u)", default_pset.task_count);
	ktest_ok(vm_page_free_count == free0, "no pages leaked (%lu free, %lu before)", vm_page_free_count, free0);
	ktest_ok(self->srights == srights0, "our task port's send rights balance (%u)", self->srights);
	mach_port_destroy(my_space(), me);
	mach_port_destroy(my_space(), rpc_reply_port);
}

KTEST(mach_calls_balance)
{
	run_in_task("calls-balance", balance_body, NULL);
}

/* --- threads ------------------------------------------------------------ */

struct receiver {
	mach_port_t port;
	mach_msg_return_t result;
	int done;
};

static void receiver_body(void *arg)
{
	struct receiver *r = arg;
	struct rpc_msg *m = kalloc(sizeof(*m));
	r->result = mach_msg_trap(&m->hdr, MACH_RCV_MSG, 0, sizeof(*m), r->port, 0, MACH_PORT_NULL);
	kfree(m, sizeof(*m));
	r->done = 1;
}

static kern_return_t get_state(mach_port_t thread, int flavor, void *state, unsigned *count)
{
	msg_start(thread, MACH_ID(17));
	put_int(flavor);
	put_int(*count);
	kern_return_t kr = rpc();
	uint32_t *w = reply_item(0, count);
	if (kr == KERN_SUCCESS && w)
		memcpy(state, w, *count * 4);
	return kr;
}

static kern_return_t set_state(mach_port_t thread, int flavor, const void *state, unsigned count)
{
	msg_start(thread, MACH_ID(18));
	put_int(flavor);
	put_typed(MACH_MSG_TYPE_INTEGER_32, count, state);
	return rpc();
}

static void thread_body(void *arg)
{
	(void)arg;
	mach_port_t me = self_task_port(), thread = MACH_PORT_NULL;
	kern_return_t kr;
	struct i386_thread_state ts;
	struct i386_float_state fs;
	unsigned n = 0;

	msg_start(me, MACH_ID(61));
	ktest_ok(rpc() == KERN_SUCCESS && is_send_right(thread = reply_word(0)), "thread_create");
	struct thread *th = port_of(thread)->kobject;
	ktest_ok(call_info(thread, MACH_ID(19), THREAD_BASIC_INFO, THREAD_BASIC_INFO_COUNT, &n) == KERN_SUCCESS &&
			 n == THREAD_BASIC_INFO_COUNT && arr(0, 9) == 1 && arr(0, 7) == TH_STATE_STOPPED,
		 "thread_info THREAD_BASIC_INFO: suspended once, stopped");
	ktest_ok(call_info(thread, MACH_ID(19), THREAD_SCHED_INFO, THREAD_SCHED_INFO_COUNT, &n) == KERN_SUCCESS &&
			 arr(0, 0) == POLICY_TIMESHARE && arr(0, 2) == BASEPRI_USER,
		 "THREAD_SCHED_INFO: timesharing at the user priority");
	ktest_ok(call_info(thread, MACH_ID(19), 7, 100, &n) == KERN_INVALID_ARGUMENT, "an unknown flavor: KERN_INVALID_ARGUMENT");

	n = i386_THREAD_STATE_COUNT;
	ktest_ok(get_state(thread, i386_THREAD_STATE, &ts, &n) == KERN_SUCCESS && n == 17 && ts.cs == USER_CS &&
			 ts.ss == USER_DS && (ts.efl & EFLAGS_IF),
		 "thread_get_state i386_THREAD_STATE: 17 words, user segments, interrupts on");
	n = 16;
	ktest_ok(get_state(thread, i386_THREAD_STATE, &ts, &n) == KERN_INVALID_ARGUMENT, "16 words: KERN_INVALID_ARGUMENT");
	n = 17;
	get_state(thread, i386_THREAD_STATE, &ts, &n);
	ts.eip = 0x1234;
	ts.uesp = 0x5678;
	ts.efl = 0x3000 | 0x20000 | 0x1; /* IOPL 3, VM, CF; IF off */
	ktest_ok(set_state(thread, i386_THREAD_STATE, &ts, 17) == KERN_SUCCESS && th->pcb.user_state->eip == 0x1234 &&
			 th->pcb.user_state->uesp == 0x5678 && th->pcb.user_state->efl == (EFLAGS_IF | 0x2 | 0x1),
		 "thread_set_state: eip and stack set; IOPL and VM cleared, IF set (0x%x)", th->pcb.user_state->efl);
	struct i386_thread_state bad = ts;
	bad.cs = KERNEL_CS;
	ktest_ok(set_state(thread, i386_THREAD_STATE, &bad, 17) == KERN_INVALID_ARGUMENT &&
			 th->pcb.user_state->cs == USER_CS,
		 "a kernel code segment: KERN_INVALID_ARGUMENT, nothing changed");
	bad = ts;
	bad.ss = KERNEL_DS;
	ktest_ok(set_state(thread, i386_THREAD_STATE, &bad, 17) == KERN_INVALID_ARGUMENT, "a kernel stack segment: refused");
	bad = ts;
	bad.gs = 0x7; /* the call gate */
	ktest_ok(set_state(thread, i386_THREAD_STATE, &bad, 17) == KERN_INVALID_ARGUMENT, "the call gate in gs: refused");
	memset(&bad, 0, sizeof(bad));
	bad.eip = 0x4321;
	ktest_ok(set_state(thread, i386_THREAD_STATE, &bad, 17) == KERN_SUCCESS && th->pcb.user_state->cs == USER_CS &&
			 th->pcb.user_state->ds == USER_DS && th->pcb.user_state->eip == 0x4321,
		 "a state of zeros gets the user segments (as GNU Mach)");
	ktest_ok(set_state(thread, 6, &bad, 17) == KERN_INVALID_ARGUMENT, "an unknown flavor: KERN_INVALID_ARGUMENT");
	n = 4;
	uint32_t flavors[4];
	ktest_ok(get_state(thread, THREAD_STATE_FLAVOR_LIST, flavors, &n) == KERN_SUCCESS && n == 4 &&
			 flavors[0] == i386_THREAD_STATE && flavors[1] == i386_FLOAT_STATE,
		 "the flavor list");

	n = i386_FLOAT_STATE_COUNT;
	struct i386_fp_save *env = (struct i386_fp_save *)fs.hw_state;
	ktest_ok(get_state(thread, i386_FLOAT_STATE, &fs, &n) == KERN_SUCCESS && n == i386_FLOAT_STATE_COUNT &&
			 fs.fpkind == FP_387FX && fs.initialized == 0 && env->fp_control == 0x037f && env->fp_tag == 0xffff,
		 "i386_FLOAT_STATE of a thread that never used the FPU: the fninit state");
	fs.initialized = 1;
	env->fp_control = 0x027f;
	env->fp_status = 7 << 11; /* top 7: ST(0) is physical register 7 */
	env->fp_tag = 0x3fff;	  /* register 7 valid, the rest empty */
	uint16_t one[5] = {0, 0, 0, 0x8000, 0x3fff};
	memcpy(fs.hw_state + sizeof(*env), one, sizeof(one));
	ktest_ok(set_state(thread, i386_FLOAT_STATE, &fs, i386_FLOAT_STATE_COUNT) == KERN_SUCCESS && th->pcb.fpu_valid &&
			 th->pcb.fpu_save[4] == 0x80,
		 "set it: the fxsave image has register 7 in use");
	memset(&fs, 0, sizeof(fs));
	n = i386_FLOAT_STATE_COUNT;
	ktest_ok(get_state(thread, i386_FLOAT_STATE, &fs, &n) == KERN_SUCCESS && fs.initialized == 1 &&
			 env->fp_control == 0x027f && env->fp_tag == 0x3fff && memcmp(fs.hw_state + sizeof(*env), one, 10) == 0,
		 "and reads back the same in GNU Mach's layout (tag 0x%x)", env->fp_tag);

	ktest_ok(call_simple(thread, MACH_ID(63)) == KERN_SUCCESS && th->suspend_count == 0, "thread_resume");
	ktest_ok(call_simple(thread, MACH_ID(63)) == KERN_FAILURE, "thread_resume of a thread not suspended: KERN_FAILURE");
	ktest_ok(call_simple(thread, MACH_ID(62)) == KERN_SUCCESS && th->suspend_count == 1, "thread_suspend");

	/* special ports, scheduling */
	msg_start(thread, MACH_ID(67));
	put_int(THREAD_KERNEL_PORT);
	kr = rpc();
	ktest_ok(kr == KERN_SUCCESS && reply_word(0) == thread, "thread_get_special_port THREAD_KERNEL_PORT (%d, 0x%x)", kr,
		 reply_word(0));
	msg_start(thread, MACH_ID(68));
	put_int(THREAD_EXCEPTION_PORT);
	put_port(rpc_reply_port, MACH_MSG_TYPE_MAKE_SEND);
	ktest_ok(rpc() == KERN_SUCCESS && th->ith_exception == port_of(rpc_reply_port), "thread_set_special_port exception");
	msg_start(thread, HOST_ID(20));
	put_int(BASEPRI_USER + 2);
	put_bool(0);
	ktest_ok(rpc() == KERN_SUCCESS && th->base_priority == BASEPRI_USER + 2, "thread_priority lowers it");
	msg_start(thread, HOST_ID(20));
	put_int(BASEPRI_USER - 1);
	put_bool(0);
	ktest_ok(rpc() == KERN_FAILURE, "above its maximum: KERN_FAILURE");
	msg_start(thread, HOST_ID(20));
	put_int(NRQS);
	put_bool(0);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "no such priority: KERN_INVALID_ARGUMENT");
	msg_start(thread, HOST_ID(24));
	put_int(POLICY_FIXEDPRI);
	put_int(50);
	ktest_ok(rpc() == KERN_FAILURE, "thread_policy FIXEDPRI while the set does not allow it: KERN_FAILURE");
	ktest_ok(call_simple(thread, HOST_ID(31)) == KERN_SUCCESS, "thread_depress_abort");
	ktest_ok(call_simple(thread, HOST_ID(14)) == KERN_FAILURE, "thread_assign_default: KERN_FAILURE (one set)");

	/* abort a blocked receive (a kernel thread given a thread port) */
	struct receiver r = {0, 0, 0};
	mach_port_allocate(my_space(), MACH_PORT_RIGHT_RECEIVE, &r.port);
	struct thread *rt = kernel_thread(current_thread()->task, "receiver", receiver_body, &r, BASEPRI_KERNEL + 1);
	rt->ith_self = ipc_kobject_port_alloc(IKOT_THREAD, rt);
	mach_port_t rname = name_for(rt->ith_self);
	ktest_ok(ktest_wait_blocked(rt) && !r.done && call_simple(rname, MACH_ID(64)) == KERN_SUCCESS,
		 "thread_abort of a thread blocked receiving");
	for (int i = 0; i < 5 * HZ && !r.done; i++)
		thread_sleep(NULL, 0, 1);
	ktest_ok(r.done && r.result == MACH_RCV_INTERRUPTED, "its mach_msg returns MACH_RCV_INTERRUPTED (0x%x)", r.result);
	mach_port_destroy(my_space(), rname);
	mach_port_destroy(my_space(), r.port);

	ktest_ok(call_simple(thread, MACH_ID(16)) == KERN_SUCCESS && !port_of(thread)->active,
		 "thread_terminate: its port dies at once");
	mach_port_destroy(my_space(), thread);
	ktest_ok(call_simple(me, MACH_ID(63)) == KERN_INVALID_ARGUMENT, "thread_resume on a task port: KERN_INVALID_ARGUMENT");
	mach_port_destroy(my_space(), me);
	mach_port_destroy(my_space(), rpc_reply_port);
}

KTEST(mach_calls_thread)
{
	run_in_task("calls-thread", thread_body, NULL);
}

/* --- virtual memory -------------------------------------------------------- */

static void vm_body(void *arg)
{
	(void)arg;
	mach_port_t me = self_task_port();
	struct vm_map *map = current_thread()->task->map;
	vm_offset_t a, b;
	unsigned n = 0;
	kern_return_t kr;

	msg_start(me, MACH_ID(21));
	put_int(0);
	put_int(4 * PAGE_SIZE);
	put_bool(1);
	ktest_ok(rpc() == KERN_SUCCESS && (a = reply_word(0)) != 0, "vm_allocate anywhere");
	vmt_fill(map, a, 4 * PAGE_SIZE, 0x100);
	msg_start(me, MACH_ID(24));
	put_int(a + PAGE_SIZE);
	put_int(PAGE_SIZE);
	put_bool(0);
	put_int(VM_PROT_READ);
	ktest_ok(rpc() == KERN_SUCCESS, "vm_protect one page read-only");
	msg_start(me, MACH_ID(29));
	put_int(a + PAGE_SIZE);
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == a + PAGE_SIZE && reply_word(1) == PAGE_SIZE &&
			 reply_word(2) == VM_PROT_READ && reply_word(6) == 0,
		 "vm_region shows the split, and a null object name");
	msg_start(me, MACH_ID(26));
	put_int(a + 8);
	put_int(100);
	kr = rpc();
	uint32_t *slot = reply_item(0, &n);
	vm_offset_t r = slot ? *slot : 0;
	ktest_ok(kr == KERN_SUCCESS && n == 100 && (r & PAGE_MASK) == 8 && vmt_check(map, r, 100, 0x108) == 0,
		 "vm_read: 100 bytes out of line at the same page offset");
	vm_deallocate(map, r, 100);
	msg_start(me, MACH_ID(21));
	put_int(0);
	put_int(2 * PAGE_SIZE);
	put_bool(1);
	rpc();
	b = reply_word(0);
	msg_start(me, MACH_ID(27));
	put_int(b);
	put_ool(MACH_MSG_TYPE_BYTE, 8, PAGE_SIZE, a);
	ktest_ok(rpc() == KERN_SUCCESS && vmt_check(map, b, PAGE_SIZE, 0x100) == 0, "vm_write a page");
	msg_start(me, MACH_ID(27));
	put_int(a + PAGE_SIZE);
	put_ool(MACH_MSG_TYPE_BYTE, 8, PAGE_SIZE, b);
	ktest_ok(rpc() == KERN_PROTECTION_FAILURE, "vm_write over the read-only page: KERN_PROTECTION_FAILURE");
	msg_start(me, MACH_ID(28));
	put_int(a + 2 * PAGE_SIZE);
	put_int(PAGE_SIZE);
	put_int(b + PAGE_SIZE);
	ktest_ok(rpc() == KERN_SUCCESS && vmt_check(map, b + PAGE_SIZE, PAGE_SIZE, 0x100 + 2 * PAGE_SIZE) == 0, "vm_copy");
	msg_start(me, MACH_ID(25));
	put_int(a);
	put_int(PAGE_SIZE);
	put_int(7);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "vm_inherit with a bad value: KERN_INVALID_ARGUMENT");
	msg_start(me, MACH_ID(30));
	ktest_ok(rpc() == KERN_SUCCESS && (reply_item(0, &n), n == 13) && arr(0, 0) == PAGE_SIZE,
		 "vm_statistics: 13 words, the page size first");
	msg_start(me, MACH_ID(99));
	put_int(a);
	put_int(PAGE_SIZE);
	put_int(MATTR_CACHE);
	put_int(MATTR_VAL_GET);
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == MATTR_VAL_ON, "vm_machine_attribute MATTR_CACHE: cached");
	msg_start(me, MACH_ID(99));
	put_int(a);
	put_int(PAGE_SIZE);
	put_int(99);
	put_int(MATTR_VAL_GET);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "an unknown attribute: KERN_INVALID_ARGUMENT");

	/* vm_map */
	msg_start(me, MACH_ID(89));
	put_int(0);
	put_int(3 * PAGE_SIZE);
	put_int(0xffff);
	put_bool(1);
	put_port(MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND);
	put_int(0);
	put_bool(0);
	put_int(VM_PROT_READ);
	put_int(VM_PROT_READ | VM_PROT_WRITE);
	put_int(VM_INHERIT_SHARE);
	kr = rpc();
	vm_offset_t m = reply_word(0);
	vm_prot_t prot = 0;
	vm_size_t size = 0;
	vm_offset_t start = 0;
	ktest_ok(kr == KERN_SUCCESS && (m & 0xffff) == 0 && vmt_region_at(map, m, &start, &size, &prot) == 0 &&
			 start == m && size == 3 * PAGE_SIZE && prot == VM_PROT_READ,
		 "vm_map of anonymous memory: aligned to the mask, protections as asked");
	msg_start(me, MACH_ID(89));
	put_int(0);
	put_int(PAGE_SIZE);
	put_int(0);
	put_bool(1);
	put_port(me, MACH_MSG_TYPE_COPY_SEND);
	put_int(0);
	put_bool(0);
	put_int(VM_PROT_READ);
	put_int(VM_PROT_READ);
	put_int(VM_INHERIT_SHARE);
	struct ipc_port *mep = port_of(me);
	unsigned sr = mep->srights;
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT && mep->srights == sr,
		 "vm_map of a memory object: KERN_INVALID_ARGUMENT until pagers, the right released");

	/* vm_wire through the host ports */
	mach_port_t host = name_for(host_port), priv = name_for(host_priv_port);
	msg_start(priv, HOST_ID(36));
	put_port(me, MACH_MSG_TYPE_COPY_SEND);
	put_int(a);
	put_int(PAGE_SIZE);
	put_int(VM_PROT_READ);
	ktest_ok(rpc() == KERN_SUCCESS && map->wired_size == PAGE_SIZE, "vm_wire with host_priv");
	msg_start(host, HOST_ID(36));
	put_port(me, MACH_MSG_TYPE_COPY_SEND);
	put_int(a);
	put_int(64 * PAGE_SIZE);
	put_int(VM_PROT_READ);
	ktest_ok(rpc() == KERN_NO_ACCESS, "more than 64 KiB with the host name port: KERN_NO_ACCESS");
	msg_start(priv, HOST_ID(36));
	put_port(host, MACH_MSG_TYPE_COPY_SEND);
	put_int(a);
	put_int(PAGE_SIZE);
	put_int(VM_PROT_READ);
	ktest_ok(rpc() == KERN_INVALID_TASK, "a host port for the task: KERN_INVALID_TASK");
	msg_start(me, HOST_ID(36));
	put_port(me, MACH_MSG_TYPE_COPY_SEND);
	put_int(a);
	put_int(PAGE_SIZE);
	put_int(VM_PROT_NONE);
	ktest_ok(rpc() == KERN_INVALID_HOST, "sent to a task port: KERN_INVALID_HOST");

	/* the pager's calls: no control ports exist yet */
	msg_start(me, MACH_ID(40));
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "memory_object_get_attributes on a task port: KERN_INVALID_ARGUMENT");
	mach_port_t dm;
	mach_port_allocate(my_space(), MACH_PORT_RIGHT_RECEIVE, &dm);
	msg_start(host, MACH_ID(41));
	put_port(dm, MACH_MSG_TYPE_MAKE_SEND);
	ktest_ok(rpc() == KERN_INVALID_HOST, "vm_set_default_memory_manager needs host_priv");
	msg_start(priv, MACH_ID(41));
	put_port(MACH_PORT_NULL, MACH_MSG_TYPE_MAKE_SEND);
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == MACH_PORT_NULL, "no default memory manager yet");

	ktest_ok(call_simple(host, MACH_ID(30)) == KERN_INVALID_ARGUMENT, "vm_statistics on the host port: KERN_INVALID_ARGUMENT");
	mach_port_destroy(my_space(), dm);
	mach_port_destroy(my_space(), host);
	mach_port_destroy(my_space(), priv);
	mach_port_destroy(my_space(), me);
	mach_port_destroy(my_space(), rpc_reply_port);
}

KTEST(mach_calls_vm)
{
	run_in_task("calls-vm", vm_body, NULL);
}

/* --- host, processors, processor sets -------------------------------------- */

static void host_body(void *arg)
{
	(void)arg;
	mach_port_t me = self_task_port();
	mach_port_t host = name_for(host_port), priv = name_for(host_priv_port), pset_name, pset = MACH_PORT_NULL, proc;
	unsigned n = 0;
	kern_return_t kr;

	ktest_ok(call_info(host, HOST_ID(38), HOST_BASIC_INFO, HOST_BASIC_INFO_COUNT, &n) == KERN_SUCCESS &&
			 n == HOST_BASIC_INFO_COUNT && arr(0, 0) == 1 && arr(0, 2) == vm_page_total_count * PAGE_SIZE &&
			 arr(0, 3) == CPU_TYPE_I386,
		 "host_info HOST_BASIC_INFO: one i386, its memory");
	ktest_ok(call_info(host, HOST_ID(38), HOST_BASIC_INFO, 2, &n) == KERN_FAILURE, "a count too small: KERN_FAILURE");
	ktest_ok(call_info(host, HOST_ID(38), HOST_PROCESSOR_SLOTS, 8, &n) == KERN_SUCCESS && n == 1 && arr(0, 0) == 0,
		 "HOST_PROCESSOR_SLOTS: slot 0");
	ktest_ok(call_info(host, HOST_ID(38), HOST_SCHED_INFO, 8, &n) == KERN_SUCCESS && n == 2 && arr(0, 0) == 1000 / HZ,
		 "HOST_SCHED_INFO");
	/* A sample taken while this thread runs counts at least it: every
	 * average moves toward 1 or above, the Mach factor toward 1/2 or below. */
	int s = cpu_intr_save();
	int32_t before[3], factor_before[3];
	for (int i = 0; i < 3; i++) {
		before[i] = sched_avenrun[i];
		factor_before[i] = sched_mach_factor[i];
	}
	sched_sample_load();
	int moved = 1;
	for (int i = 0; i < 3; i++) {
		int32_t w = (i == 0 ? 920 : i == 1 ? 983 : 994);
		moved &= sched_avenrun[i] >= (before[i] * w + LOAD_SCALE * (LOAD_SCALE - w)) / LOAD_SCALE &&
			 sched_mach_factor[i] <= (factor_before[i] * w + LOAD_SCALE / 2 * (LOAD_SCALE - w)) / LOAD_SCALE + 1;
	}
	cpu_intr_restore(s);
	ktest_ok(moved, "a load sample counts the running thread (avenrun %d -> %d)", before[0], sched_avenrun[0]);
	kr = call_info(host, HOST_ID(38), HOST_LOAD_INFO, 8, &n);
	int32_t load[6];
	for (unsigned i = 0; i < 6; i++)
		load[i] = (int32_t)arr(0, i);
	ktest_ok(kr == KERN_SUCCESS && n == HOST_LOAD_INFO_COUNT && n == 6 && load[0] == sched_avenrun[0] &&
			 load[2] == sched_avenrun[2] && load[3] == sched_mach_factor[0] && load[3] >= 0 &&
			 load[3] <= LOAD_SCALE,
		 "HOST_LOAD_INFO: avenrun[3] then mach_factor[3] (%d %d %d, %d)", load[0], load[1], load[2], load[3]);
	ktest_ok(call_info(host, HOST_ID(38), HOST_LOAD_INFO, HOST_LOAD_INFO_COUNT - 1, &n) == KERN_FAILURE,
		 "HOST_LOAD_INFO with a count too small: KERN_FAILURE");
	ktest_ok(call_info(host, HOST_ID(38), HOST_IDLE_INFO, 8, &n) == KERN_SUCCESS && n == 2 &&
			 ((uint64_t)arr(0, 1) << 32 | arr(0, 0)) == sched_idle_tsc,
		 "HOST_IDLE_INFO: the idle thread's halted cycles");
	ktest_ok(call_info(host, HOST_ID(38), HOST_IDLE_INFO, 1, &n) == KERN_FAILURE, "with room for one word: KERN_FAILURE");
	ktest_ok(call_info(host, HOST_ID(38), HOST_VM_FAULT_INFO, 8, &n) == KERN_SUCCESS && n == 2 &&
			 arr(0, 0) == vm_fault_info.pager_waits_resumed && arr(0, 1) == vm_fault_info.pager_waits_restarted,
		 "HOST_VM_FAULT_INFO: faults resumed and restarted after a pager's page came");
	ktest_ok(call_info(host, HOST_ID(38), HOST_VM_FAULT_INFO, 1, &n) == KERN_FAILURE,
		 "HOST_VM_FAULT_INFO with room for one word: KERN_FAILURE");
	ktest_ok(call_info(host, HOST_ID(38), HOST_VM_PAGEOUT_INFO, 8, &n) == KERN_SUCCESS && n == 6 &&
			 arr(0, 0) == vm_pageout_info.scans && arr(0, 1) == vm_pageout_info.deactivated &&
			 arr(0, 2) == vm_pageout_info.examined && arr(0, 3) == vm_pageout_info.reclaimed &&
			 arr(0, 4) == vm_pageout_info.returned && arr(0, 5) == vm_pageout_info.behind,
		 "HOST_VM_PAGEOUT_INFO: the pageout daemon's scans, pages deactivated, examined, reclaimed, "
		 "returned and passed over");
	ktest_ok(call_info(host, HOST_ID(38), HOST_VM_PAGEOUT_INFO, HOST_VM_PAGEOUT_INFO_COUNT - 1, &n) == KERN_FAILURE,
		 "HOST_VM_PAGEOUT_INFO with a count too small: KERN_FAILURE");
	ktest_ok(call_info(host, HOST_ID(38), 9, 8, &n) == KERN_INVALID_ARGUMENT, "an unknown flavor: KERN_INVALID_ARGUMENT");
	ktest_ok(call_info(me, HOST_ID(38), HOST_BASIC_INFO, 8, &n) == KERN_INVALID_ARGUMENT, "sent to a task port: KERN_INVALID_ARGUMENT");

	msg_start(host, HOST_ID(19));
	kr = rpc();
	char *version = (char *)reply_item(0, &n);
	ktest_ok(kr == KERN_SUCCESS && version && strncmp(version, "Ernst", 5) == 0, "host_kernel_version: the banner");
	msg_start(priv, HOST_ID(42));
	kr = rpc();
	char *boot = (char *)reply_item(0, &n);
	ktest_ok(kr == KERN_SUCCESS && boot && strncmp(boot, "ktest=", 6) == 0, "host_get_boot_info: the command line (%.40s)",
		 boot ? boot : "");
	ktest_ok(call_simple(host, HOST_ID(42)) == KERN_INVALID_HOST, "host_get_boot_info with the name port: KERN_INVALID_HOST");

	msg_start(host, HOST_ID(34));
	ktest_ok(rpc() == KERN_SUCCESS && arr(0, 1) < 1000000, "host_get_time");
	time_value_t t = {1700000000, 5};
	msg_start(host, HOST_ID(32));
	put_typed(MACH_MSG_TYPE_INTEGER_32, 2, &t);
	ktest_ok(rpc() == KERN_INVALID_HOST, "host_set_time with the name port: KERN_INVALID_HOST");
	msg_start(priv, HOST_ID(32));
	put_typed(MACH_MSG_TYPE_INTEGER_32, 2, &t);
	ktest_ok(rpc() == KERN_SUCCESS, "host_set_time");
	msg_start(host, HOST_ID(34));
	ktest_ok(rpc() == KERN_SUCCESS && arr(0, 0) >= 1700000000 && arr(0, 0) < 1700000010,
		 "the time follows (%u)", arr(0, 0));
	t.microseconds = 2000000;
	msg_start(priv, HOST_ID(32));
	put_typed(MACH_MSG_TYPE_INTEGER_32, 2, &t);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "microseconds out of range: KERN_INVALID_ARGUMENT");
	msg_start(host, HOST_ID(35));
	put_int(RB_HALT);
	ktest_ok(rpc() == KERN_INVALID_HOST, "host_reboot with the name port: KERN_INVALID_HOST (and we are still here)");

	/* processor sets */
	msg_start(host, HOST_ID(29));
	kr = rpc();
	uint32_t *slot = reply_item(0, &n);
	uint32_t first = 0;
	ktest_ok(kr == KERN_SUCCESS && n == 1 && slot && vmt_read(current_thread()->task->map, *slot, &first) == 0 &&
			 port_of(first) == default_pset.pset_name_self,
		 "host_processor_sets: the default set's name port");
	pset_name = first;
	msg_start(host, HOST_ID(6));
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == pset_name, "processor_set_default: the same name");
	msg_start(priv, HOST_ID(30));
	put_port(pset_name, MACH_MSG_TYPE_COPY_SEND);
	ktest_ok(rpc() == KERN_SUCCESS && port_of(pset = reply_word(0)) == default_pset.pset_self,
		 "host_processor_set_priv: the control port");
	msg_start(host, HOST_ID(30));
	put_port(pset_name, MACH_MSG_TYPE_COPY_SEND);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "with the name port of the host: KERN_INVALID_ARGUMENT");
	ktest_ok(call_info(pset_name, HOST_ID(40), PROCESSOR_SET_BASIC_INFO, 5, &n) == KERN_SUCCESS &&
			 (reply_item(1, &n), n == 5) &&
			 arr(1, 0) == 1 && arr(1, 1) == default_pset.task_count,
		 "processor_set_info basic: one processor, every task (%u %u of %u)", arr(1, 0), arr(1, 1),
		 default_pset.task_count);
	ktest_ok(call_info(pset_name, HOST_ID(40), PROCESSOR_SET_SCHED_INFO, 1, &n) == KERN_FAILURE,
		 "a count too small: KERN_FAILURE");
	msg_start(pset_name, HOST_ID(27));
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "processor_set_tasks with the name port: KERN_INVALID_ARGUMENT");
	msg_start(pset, HOST_ID(27));
	kr = rpc();
	slot = reply_item(0, &n);
	int found = 0;
	for (unsigned i = 0; kr == KERN_SUCCESS && slot && i < n; i++) {
		uint32_t name;
		if (vmt_read(current_thread()->task->map, *slot + 4 * i, &name) == 0 && name == me)
			found = 1;
	}
	ktest_ok(kr == KERN_SUCCESS && found, "processor_set_tasks lists our task (%u tasks)", n);
	msg_start(host, HOST_ID(8));
	ktest_ok(rpc() == KERN_FAILURE, "processor_set_create: KERN_FAILURE (one set)");
	msg_start(pset, HOST_ID(25));
	put_int(99);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "processor_set_policy_enable of no policy: KERN_INVALID_ARGUMENT");
	msg_start(pset, HOST_ID(26));
	put_int(POLICY_TIMESHARE);
	put_bool(0);
	ktest_ok(rpc() == KERN_INVALID_ARGUMENT, "timesharing cannot be disabled");

	/* the processor */
	msg_start(priv, HOST_ID(0));
	kr = rpc();
	slot = reply_item(0, &n);
	proc = 0;
	ktest_ok(kr == KERN_SUCCESS && n == 1 && slot && vmt_read(current_thread()->task->map, *slot, &proc) == 0 &&
			 port_of(proc) == master_processor.processor_self,
		 "host_processors: one");
	msg_start(proc, HOST_ID(39));
	put_int(PROCESSOR_BASIC_INFO);
	put_int(5);
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == host && arr(1, 2) == 1 && arr(1, 4) == 1,
		 "processor_info: the host port, running, the master");
	ktest_ok(call_simple(proc, HOST_ID(3)) == KERN_FAILURE && call_simple(proc, HOST_ID(4)) == KERN_FAILURE,
		 "processor_start and processor_exit: KERN_FAILURE");
	msg_start(proc, HOST_ID(12));
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == pset_name, "processor_get_assignment: the default set");
	msg_start(me, HOST_ID(18));
	ktest_ok(rpc() == KERN_SUCCESS && reply_word(0) == pset_name, "task_get_assignment: the default set");
	msg_start(me, HOST_ID(22));
	put_int(BASEPRI_USER + 1);
	put_bool(0);
	ktest_ok(rpc() == KERN_SUCCESS && current_thread()->task->priority == BASEPRI_USER + 1, "task_priority");

	unsigned names = my_space()->used;
	mach_port_destroy(my_space(), proc);
	mach_port_destroy(my_space(), pset);
	mach_port_destroy(my_space(), pset_name);
	ktest_ok(my_space()->used == names - 3 && default_pset.pset_self->srights == 0 &&
			 default_pset.pset_name_self->srights == 0 && master_processor.processor_self->srights == 0,
		 "every right we were given was one name and is gone (%u %u, %u %u %u)", my_space()->used, names,
		 default_pset.pset_self->srights, default_pset.pset_name_self->srights, master_processor.processor_self->srights);
	mach_port_destroy(my_space(), host);
	mach_port_destroy(my_space(), priv);
	mach_port_destroy(my_space(), me);
	mach_port_destroy(my_space(), rpc_reply_port);
}

KTEST(mach_calls_host)
{
	run_in_task("calls-host", host_body, NULL);
}
