/*
 * What the kernel gives an emulated ABI (issue 8): int $0x80 redirected
 * to the task's emulation vector with the caller's registers and the
 * return address pushed, or the old exception where nothing claims the
 * number; per-thread TLS slots through i386_set_gdt / i386_get_gdt,
 * loaded on every switch; SSE registers kept per thread.
 */
#include <stddef.h>
#include <string.h>
#include <cthreads.h>
#include <mach/exc_server.h>
#include <mach/exception.h>
#include <mach/mach_i386.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()
#define SYSCALL_NR 20	   /* the number the test claims */
#define UNCLAIMED_NR 21	   /* inside the vector, entry 0 */
#define GP_ERR_INT80 0x402 /* #GP error code of vector 0x80 through the IDT */
#define TLS_SEL_FIRST 0x33 /* GDT entry 6, RPL 3 */
#define TLS_SLOTS 3
#define DESC_ACCESS_USER_DATA 0xf2 /* present, DPL 3, data, writable */
#define DESC_ACCESS_KERNEL_DATA 0x92
#define DESC_ACCESS_USER_XCODE 0xf8 /* execute-only code */
#define DESC_FLAGS_4K_32 0xc

/* What the emulation entry saw (emul_entry below fills it). */
struct seen {
	unsigned eax, ebx, ecx, edx, esi, edi, ebp, ret, esp;
};
struct seen seen;

/* The emulation entry: records the registers, returns ~eax with ret. */
void emul_entry(void);
__asm__(".text\n"
	"emul_entry:\n\t"
	"movl %eax, seen+0\n\t"
	"movl %ebx, seen+4\n\t"
	"movl %ecx, seen+8\n\t"
	"movl %edx, seen+12\n\t"
	"movl %esi, seen+16\n\t"
	"movl %edi, seen+20\n\t"
	"movl %ebp, seen+24\n\t"
	"movl (%esp), %eax\n\t"
	"movl %eax, seen+28\n\t"
	"movl %esp, seen+32\n\t"
	"movl seen+0, %eax\n\t"
	"notl %eax\n\t"
	"ret\n");

static unsigned int80(unsigned nr, unsigned b, unsigned c, unsigned d, unsigned s, unsigned di, unsigned *esp,
		      unsigned *ret)
{
	unsigned r, sp, at;

	__asm__ volatile("movl %%esp, %1\n\t"
			 "movl $1f, %2\n\t"
			 "int $0x80\n"
			 "1:"
			 : "=a"(r), "=&m"(sp), "=&m"(at)
			 : "a"(nr), "b"(b), "c"(c), "d"(d), "S"(s), "D"(di)
			 : "memory", "cc");
	*esp = sp;
	*ret = at;
	return r;
}

/* ---- exceptions: where int $0x80 goes without an entry ---- */

static int last_exception, last_code, last_subcode;
static unsigned last_insn; /* the two bytes at the faulting eip */
#define INT80_INSN 0x80cd  /* cd 80, as a little-endian word */
/* The landing pad's stack: the one the thread trapped on may be bad. */
static char landing_stack[4096] __attribute__((aligned(16)));

kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task, int exception,
				    int code, int subcode)
{
	(void)port;
	last_exception = exception, last_code = code, last_subcode = subcode;
	struct i386_thread_state st;
	mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;
	thread_get_state(thread, i386_THREAD_STATE, (thread_state_t)&st, &n);
	last_insn = *(const unsigned short *)st.eip;
	st.uesp = (unsigned)landing_stack + sizeof(landing_stack) - 16;
	send_to_landing(thread, &st);
	mach_port_deallocate(T, thread);
	mach_port_deallocate(T, task);
	return KERN_SUCCESS;
}

static void *trap_caller(void *arg)
{
	unsigned sp, at;
	int80((unsigned)(long)arg, 0, 0, 0, 0, 0, &sp, &at);
	return NULL;
}

static void *bad_stack_caller(void *arg)
{
	(void)arg;
	__asm__ volatile("movl $16, %%esp\n\t"
			 "movl %0, %%eax\n\t"
			 "int $0x80" ::"i"(SYSCALL_NR)
			 : "eax", "memory");
	return NULL;
}

static void expect_exception(mach_port_t exc, cthread_fn_t fn, void *arg, int want_exc, int want_code,
			     int want_subcode, const char *what)
{
	cthread_t t;
	landed = 0;
	last_exception = -1;
	if (!is_kr(cthread_create(&t, fn, arg), KERN_SUCCESS, "%s: thread started", what))
		return;
	is_kr(mach_msg_server_once(exc_server, 8192, exc, MACH_RCV_TIMEOUT, 5000), MACH_MSG_SUCCESS,
	      "%s: an exception message arrives", what);
	is(last_exception, want_exc, "%s: exception", what);
	is(last_code, want_code, "%s: code", what);
	is(last_subcode, want_subcode, "%s: subcode", what);
	if (want_exc == EXC_BAD_INSTRUCTION)
		is(last_insn, INT80_INSN, "%s: eip at the int $0x80, as the fault leaves it", what);
	ok(wait_landed(), "%s: the thread resumed where the handler said", what);
	thread_terminate(cthread_kernel_port(t));
}

static void test_redirection(mach_port_t exc)
{
	unsigned sp, at, r;

	expect_exception(exc, trap_caller, (void *)SYSCALL_NR, EXC_BAD_INSTRUCTION, 13, GP_ERR_INT80,
			 "int $0x80 without an emulation vector");

	vm_offset_t vector[UNCLAIMED_NR + 1];
	memset(vector, 0, sizeof(vector));
	vector[SYSCALL_NR] = (vm_offset_t)emul_entry;
	is_kr(task_set_emulation_vector(T, 0, vector, UNCLAIMED_NR + 1), KERN_SUCCESS,
	      "set an emulation vector");

	memset(&seen, 0, sizeof(seen));
	r = int80(SYSCALL_NR, 11, 22, 33, 44, 55, &sp, &at);
	is(r, ~(unsigned)SYSCALL_NR, "the entry's eax comes back to the caller");
	is(seen.eax, SYSCALL_NR, "the entry sees eax");
	ok(seen.ebx == 11 && seen.ecx == 22 && seen.edx == 33 && seen.esi == 44 && seen.edi == 55,
	   "the entry sees ebx ecx edx esi edi as the caller set them");
	is(seen.ret, at, "the return address after int $0x80 is on the stack");
	is(seen.esp, sp - 4, "the stack is the caller's, one word down");

	/* A second call: the table stays, nothing else changed. */
	r = int80(SYSCALL_NR, 1, 2, 3, 4, 5, &sp, &at);
	ok(r == ~(unsigned)SYSCALL_NR && seen.ebx == 1 && seen.edi == 5, "a second call goes the same way");

	expect_exception(exc, trap_caller, (void *)UNCLAIMED_NR, EXC_BAD_INSTRUCTION, 13, GP_ERR_INT80,
			 "a number whose entry is 0");
	expect_exception(exc, trap_caller, (void *)-1, EXC_BAD_INSTRUCTION, 13, GP_ERR_INT80,
			 "a number below the vector");
	expect_exception(exc, trap_caller, (void *)100000, EXC_BAD_INSTRUCTION, 13, GP_ERR_INT80,
			 "a number above the vector");
	expect_exception(exc, bad_stack_caller, NULL, EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, 12,
			 "a claimed number with an unmapped stack");

	/* Children inherit the vector (task_create copies it). */
	task_t child;
	vm_offset_t *got = NULL;
	mach_msg_type_number_t count = 0;
	int start = -1;
	if (is_kr(task_create(T, FALSE, &child), KERN_SUCCESS, "task_create")) {
		is_kr(task_get_emulation_vector(child, &start, &got, &count), KERN_SUCCESS,
		      "the child's vector can be read");
		ok(start == 0 && count == UNCLAIMED_NR + 1 && got != NULL &&
		       got[SYSCALL_NR] == (vm_offset_t)emul_entry,
		   "the child inherited the vector");
		if (got != NULL)
			vm_deallocate(T, (vm_offset_t)got, count * sizeof(*got));
		task_terminate(child);
	}
}

/* ---- TLS slots ---- */

static descriptor_t make_desc(unsigned base, unsigned limit, unsigned access, unsigned flags)
{
	descriptor_t d;
	d.low_word = (limit & 0xffff) | (base << 16);
	d.high_word =
	    ((base >> 16) & 0xff) | (access << 8) | (limit & 0xf0000) | (flags << 20) | (base & 0xff000000);
	return d;
}

static unsigned read_gs0(void)
{
	unsigned v;
	__asm__ volatile("movl %%gs:0, %0" : "=r"(v));
	return v;
}

static unsigned get_gs(void)
{
	unsigned v;
	__asm__ volatile("movl %%gs, %0" : "=r"(v));
	return v & 0xffff;
}

static void set_gs(unsigned sel)
{
	__asm__ volatile("movl %0, %%gs" ::"r"(sel));
}

static unsigned tls_word[2] = {0x1111, 0x2222};
static volatile int tls_mismatch, tls_rounds_done;

/* Each thread loads its own slot and checks %gs:0 across many switches. */
static void *tls_thread(void *arg)
{
	int i = (int)(long)arg;
	int sel = -1;
	descriptor_t d = make_desc((unsigned)&tls_word[i], 0xfffff, DESC_ACCESS_USER_DATA, DESC_FLAGS_4K_32);
	if (i386_set_gdt(mach_thread_self(), &sel, d) != KERN_SUCCESS)
		return (void *)1;
	set_gs(sel);
	for (int n = 0; n < 200; n++) {
		if (read_gs0() != tls_word[i] || get_gs() != (unsigned)sel)
			tls_mismatch++;
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_NONE, 0);
	}
	set_gs(0);
	tls_rounds_done++;
	return (void *)(long)sel;
}

static volatile int parked_ready;
static void *tls_parked(void *arg)
{
	(void)arg;
	int sel = -1;
	descriptor_t d = make_desc((unsigned)&tls_word[0], 0xfffff, DESC_ACCESS_USER_DATA, DESC_FLAGS_4K_32);
	if (i386_set_gdt(mach_thread_self(), &sel, d) != KERN_SUCCESS)
		return NULL;
	set_gs(sel);
	parked_ready = 1;
	for (;;)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	return NULL;
}

static void test_tls(void)
{
	thread_t self = mach_thread_self();
	int sel = -1;
	descriptor_t d = make_desc((unsigned)&tls_word[0], 0xfffff, DESC_ACCESS_USER_DATA, DESC_FLAGS_4K_32),
		     got;

	is_kr(i386_set_gdt(self, &sel, d), KERN_SUCCESS, "i386_set_gdt with selector -1");
	is(sel, TLS_SEL_FIRST, "the first free slot is GDT entry 6 (selector 0x33), where Linux has it");
	is_kr(i386_get_gdt(self, sel, &got), KERN_SUCCESS, "i386_get_gdt of it");
	ok(got.low_word == d.low_word && got.high_word == d.high_word, "i386_get_gdt returns the descriptor");
	set_gs(sel);
	is(read_gs0(), tls_word[0], "%%gs:0 reads through the slot's base");
	thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
	is(get_gs(), sel, "%%gs survives a kernel entry");
	is(read_gs0(), tls_word[0], "and still reads the same word");

	/* All slots taken: no space. */
	int s2 = -1, s3 = -1, s4 = -1;
	is_kr(i386_set_gdt(self, &s2, d), KERN_SUCCESS, "a second slot");
	is_kr(i386_set_gdt(self, &s3, d), KERN_SUCCESS, "a third slot");
	is_kr(i386_set_gdt(self, &s4, d), KERN_NO_SPACE, "a fourth: KERN_NO_SPACE");
	ok(s2 == TLS_SEL_FIRST + 8 && s3 == TLS_SEL_FIRST + 16, "slots 7 and 8");

	/* Bad input, nothing changed. */
	int bad = TLS_SEL_FIRST;
	descriptor_t kd = make_desc(0, 0xfffff, DESC_ACCESS_KERNEL_DATA, DESC_FLAGS_4K_32);
	is_kr(i386_set_gdt(self, &bad, kd), KERN_INVALID_ARGUMENT,
	      "a kernel-privilege descriptor is refused");
	descriptor_t xd = make_desc(0, 0xfffff, DESC_ACCESS_USER_XCODE, DESC_FLAGS_4K_32);
	is_kr(i386_set_gdt(self, &bad, xd), KERN_INVALID_ARGUMENT, "an execute-only code segment is refused");
	descriptor_t sd = {0, 0x8900}; /* a present TSS */
	is_kr(i386_set_gdt(self, &bad, sd), KERN_INVALID_ARGUMENT, "a system descriptor is refused");
	int sels[] = {0x23, 0x30, 0x37, 0x4b, 0x1b, 12345678, -2};
	for (unsigned i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		int s = sels[i];
		is_kr(i386_set_gdt(self, &s, d), KERN_INVALID_ARGUMENT, "selector 0x%x is refused", sels[i]);
		is_kr(i386_get_gdt(self, sels[i], &got), KERN_INVALID_ARGUMENT,
		      "i386_get_gdt of 0x%x refused", sels[i]);
	}
	is_kr(i386_set_gdt(T, &bad, d), KERN_INVALID_ARGUMENT, "a task port is not a thread");
	is(read_gs0(), tls_word[0], "after all that, the slot is as it was");

	/* Free the slots (not present), gs first. */
	set_gs(0);
	descriptor_t none = {0, 0};
	ok(i386_set_gdt(self, &sel, none) == KERN_SUCCESS && i386_set_gdt(self, &s2, none) == KERN_SUCCESS &&
	       i386_set_gdt(self, &s3, none) == KERN_SUCCESS,
	   "slots freed with not-present descriptors");
	int again = -1;
	is_kr(i386_set_gdt(self, &again, d), KERN_SUCCESS, "a freed slot is taken again");
	is(again, TLS_SEL_FIRST, "the first one");
	i386_set_gdt(self, &again, none);

	/* Per thread: two threads, each its own base, through many switches. */
	cthread_t a, b;
	tls_mismatch = tls_rounds_done = 0;
	if (cthread_create(&a, tls_thread, (void *)0) == KERN_SUCCESS &&
	    cthread_create(&b, tls_thread, (void *)1) == KERN_SUCCESS) {
		long sa = (long)cthread_join(a), sb = (long)cthread_join(b);
		is(sa, TLS_SEL_FIRST, "thread A got slot 6");
		is(sb, TLS_SEL_FIRST, "thread B got slot 6 too: slots are per thread");
		is(tls_rounds_done, 2, "both ran their rounds");
		is(tls_mismatch, 0, "each always read its own base through the same selector");
	} else {
		ok(0, "threads for the TLS test");
	}

	/* Thread state: a TLS selector in gs is accepted only for a present slot. */
	cthread_t p;
	parked_ready = 0;
	if (is_kr(cthread_create(&p, tls_parked, NULL), KERN_SUCCESS,
		  "a thread parks with %%gs on its slot")) {
		while (!parked_ready)
			thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 10);
		thread_t pt = cthread_kernel_port(p);
		struct i386_thread_state st;
		mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;
		thread_suspend(pt);
		thread_abort(pt);
		thread_get_state(pt, i386_THREAD_STATE, (thread_state_t)&st, &n);
		is(st.gs, TLS_SEL_FIRST, "thread_get_state shows gs 0x33");
		is_kr(thread_set_state(pt, i386_THREAD_STATE, (thread_state_t)&st, n), KERN_SUCCESS,
		      "thread_set_state with gs on a present slot");
		st.fs = TLS_SEL_FIRST + 8;
		is_kr(thread_set_state(pt, i386_THREAD_STATE, (thread_state_t)&st, n), KERN_INVALID_ARGUMENT,
		      "fs on an empty slot is refused");
		int ps = TLS_SEL_FIRST;
		is_kr(i386_set_gdt(pt, &ps, none), KERN_SUCCESS, "free the parked thread's slot");
		n = i386_THREAD_STATE_COUNT;
		thread_get_state(pt, i386_THREAD_STATE, (thread_state_t)&st, &n);
		is(st.gs, 0, "its saved gs that named the slot is now null");
		thread_resume(pt);
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 20);
		ok(1, "the kernel returned to it without faulting");
		thread_terminate(pt);
	}
}

/* ---- SSE ---- */

static volatile int sse_bad;
static void *sse_thread(void *arg)
{
	unsigned v = (unsigned)(long)arg;
	unsigned in[4] = {v, v + 1, v + 2, v + 3}, out[4];
	__asm__ volatile("movdqu %0, %%xmm3" ::"m"(in));
	for (int n = 0; n < 100; n++) {
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_NONE, 0);
		__asm__ volatile("movdqu %%xmm3, %0" : "=m"(out));
		if (memcmp(in, out, sizeof(in)) != 0)
			sse_bad++;
	}
	return NULL;
}

static void test_sse(void)
{
	unsigned a[4] = {1, 2, 3, 4}, b[4] = {10, 20, 30, 40}, c[4];
	__asm__ volatile("movdqu %1, %%xmm0\n\t"
			 "movdqu %2, %%xmm1\n\t"
			 "paddd %%xmm1, %%xmm0\n\t"
			 "movdqu %%xmm0, %0"
			 : "=m"(c)
			 : "m"(a), "m"(b)); /* no xmm clobbers: the compiler uses none (-march=i686) */
	ok(c[0] == 11 && c[1] == 22 && c[2] == 33 && c[3] == 44, "SSE2 instructions run (CR4.OSFXSR)");
	cthread_t x, y;
	sse_bad = 0;
	if (cthread_create(&x, sse_thread, (void *)100) == KERN_SUCCESS &&
	    cthread_create(&y, sse_thread, (void *)200) == KERN_SUCCESS) {
		cthread_join(x);
		cthread_join(y);
		is(sse_bad, 0, "each thread's %%xmm3 survives switches to the other");
	} else {
		ok(0, "threads for the SSE test");
	}
}

int main(void)
{
	mach_port_t exc = new_port_with_send();
	is_kr(task_set_special_port(T, TASK_EXCEPTION_PORT, exc), KERN_SUCCESS,
	      "set the task's exception port");
	test_redirection(exc);
	test_tls();
	test_sse();
	return tap_done();
}
