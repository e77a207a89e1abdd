/*
 * A thread's machine state stays its own, and no state a thread can give
 * itself makes the kernel fault on its way back to user mode:
 *  - a thread's first FPU/SSE instruction finds a clean unit (default
 *    control words, zero x87 and SSE registers), never the registers
 *    the previous owner of the FPU left there;
 *  - the kernel zeroes and copies pages through the SSE registers
 *    (zero-fill and copy-on-write faults): their owner, running or not,
 *    finds them as it left them;
 *  - a TLS slot (i386_set_gdt) that the thread's saved %ss names may be
 *    freed or retyped: %ss goes back to the flat user segment; one that
 *    its saved %cs names may not be changed: either way the kernel's
 *    iret does not fault;
 *  - an eip outside the user code segment (at or above KERNBASE) is
 *    refused by thread_set_state, and an emulation vector entry there
 *    makes int $0x80 a general protection exception, as a jump there
 *    would: the kernel's iret would fault on it.
 */
#include <stddef.h>
#include <string.h>
#include <mach.h>
#include <cthreads.h>
#include <mach/exc_server.h>
#include <mach/exception.h>
#include <mach/mach_i386.h>
#include "tap.h"

/* ---- FPU ---- */

#define FX_SIZE 512
#define FX_FCW 0
#define FX_MXCSR 24
#define FX_REGS 32 /* st0-7, then xmm0-7 */
#define FX_XMM 160
#define FX_REGS_END 288
#define FX_ST_BYTES 10
#define FCW_DEFAULT 0x037f
#define MXCSR_DEFAULT 0x1f80

static uint8_t fx_seen[FX_SIZE] __attribute__((aligned(16)));

/* Its first FPU instruction: what the unit holds for a new thread. */
static void *fpu_first_use(void *arg)
{
	(void)arg;
	__asm__ volatile("fxsave %0" : "=m"(fx_seen));
	return NULL;
}

static void test_fresh_fpu(void)
{
	static const uint32_t pattern[4]
	    __attribute__((aligned(16))) = {0xdeadbeef, 0x5eca7e, 0xfeedface, 0xc0ffee};
	double x = 3.25;

	/* Fill every register, and own the FPU while the new thread starts. */
	__asm__ volatile(
	    "movdqa %0, %%xmm0\n\tmovdqa %0, %%xmm1\n\tmovdqa %0, %%xmm2\n\tmovdqa %0, %%xmm3\n\t"
	    "movdqa %0, %%xmm4\n\tmovdqa %0, %%xmm5\n\tmovdqa %0, %%xmm6\n\tmovdqa %0, %%xmm7\n\t"
	    "fldl %1\n\tfldl %1\n\tfldl %1\n\tfldl %1\n\tfldl %1\n\tfldl %1\n\tfldl %1\n\tfldl %1"
	    :
	    : "m"(pattern), "m"(x));
	memset(fx_seen, 0xff, sizeof(fx_seen));
	cthread_t t;
	if (!ok(cthread_create(&t, fpu_first_use, NULL) == KERN_SUCCESS,
		"a thread that has not used the FPU"))
		return;
	cthread_join(t);
	__asm__ volatile("fninit"); /* our own stack of eight, dropped */

	uint16_t fcw;
	uint32_t mxcsr;
	memcpy(&fcw, fx_seen + FX_FCW, sizeof(fcw));
	memcpy(&mxcsr, fx_seen + FX_MXCSR, sizeof(mxcsr));
	is(fcw, FCW_DEFAULT, "its x87 control word is the default");
	is(mxcsr, MXCSR_DEFAULT, "its MXCSR is the default");
	int left = 0;
	for (int i = FX_REGS; i < FX_REGS_END; i++) /* (an x87 register is 10 bytes of its 16) */
		left += fx_seen[i] != 0 && (i >= FX_XMM || (i - FX_REGS) % 16 < FX_ST_BYTES);
	if (!is(left, 0, "its x87 and SSE registers are zero, not another thread's"))
		for (int i = FX_REGS; i < FX_REGS_END; i += 16)
			diag("%3d: %08x %08x %08x %08x", i, *(uint32_t *)(fx_seen + i),
			     *(uint32_t *)(fx_seen + i + 4), *(uint32_t *)(fx_seen + i + 8),
			     *(uint32_t *)(fx_seen + i + 12));
}

/* ---- SSE registers across the kernel's page zero and copy ---- */

static const uint32_t sse_pattern[4] __attribute__((aligned(16))) = {0x01234567, 0x89abcdef, 0x0badf00d, 0x600dcafe};

static void sse_load(void)
{
	__asm__ volatile("movdqa %0, %%xmm0\n\tmovdqa %0, %%xmm1\n\tmovdqa %0, %%xmm2\n\tmovdqa %0, %%xmm3\n\t"
			 "movdqa %0, %%xmm4\n\tmovdqa %0, %%xmm5\n\tmovdqa %0, %%xmm6\n\tmovdqa %0, %%xmm7"
			 :
			 : "m"(sse_pattern));
}

/* How many of xmm0-7 no longer hold sse_pattern. */
static int sse_changed(void)
{
	static uint8_t fx[FX_SIZE] __attribute__((aligned(16)));
	int changed = 0;

	__asm__ volatile("fxsave %0" : "=m"(fx));
	for (int r = 0; r < 8; r++)
		changed += memcmp(fx + FX_XMM + 16 * r, sse_pattern, 16) != 0;
	return changed;
}

#define PAGE 4096
#define SSE_PAGES 8

/* Zero-fill faults, then copy-on-write faults (a child shares the pages). */
static void page_work(void)
{
	vm_address_t a = 0;
	task_t child;

	vm_allocate(mach_task_self(), &a, SSE_PAGES * PAGE, TRUE);
	for (int i = 0; i < SSE_PAGES; i++)
		((volatile char *)a)[i * PAGE] = 1;
	if (task_create(mach_task_self(), TRUE, &child) == KERN_SUCCESS) {
		for (int i = 0; i < SSE_PAGES; i++)
			((volatile char *)a)[i * PAGE] = 2;
		task_terminate(child);
		mach_port_deallocate(mach_task_self(), child);
	}
	vm_deallocate(mach_task_self(), a, SSE_PAGES * PAGE);
}

static volatile int sse_loaded, sse_done, sse_other_changed = -1;

static void *sse_owner(void *arg)
{
	(void)arg;
	sse_load();
	sse_loaded = 1;
	while (!sse_done)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 1);
	sse_other_changed = sse_changed();
	return NULL;
}

static void test_sse_kept(void)
{
	sse_load();
	page_work();
	is(sse_changed(), 0, "page faults zeroing and copying pages leave our SSE registers alone");
	__asm__ volatile("fninit");

	/* Another thread owns the FPU (its registers loaded, not saved)
	 * while we fault. */
	cthread_t t;
	if (!ok(cthread_create(&t, sse_owner, NULL) == KERN_SUCCESS, "a thread that loads its SSE registers"))
		return;
	while (!sse_loaded)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 1);
	page_work();
	sse_done = 1;
	cthread_join(t);
	is(sse_other_changed, 0, "nor those of a thread that owns the FPU while another faults");
}

/* ---- TLS slots named by %ss and %cs ---- */

#define TLS_SEL_ANY (-1)
#define USER_CS 0x1b
#define USER_DS 0x23
#define DESC_ACCESS_USER_DATA 0xf2   /* present, DPL 3, data, writable */
#define DESC_ACCESS_USER_RODATA 0xf0 /* present, DPL 3, data, read-only */
#define DESC_ACCESS_USER_CODE 0xfa   /* present, DPL 3, code, readable */
#define DESC_FLAGS_4K_32 0xc

static descriptor_t flat_desc(unsigned access)
{
	descriptor_t d;
	d.low_word = 0xffff;
	d.high_word = (access << 8) | 0xf0000 | (DESC_FLAGS_4K_32 << 20);
	return d;
}

/* The slot the call below changes, what it becomes, and what came of it. */
static int slot_sel;
static descriptor_t slot_new;
static kern_return_t slot_kr;
unsigned short saved_seg, seg_after;

void change_slot(void);
void change_slot(void)
{
	int sel = slot_sel;
	slot_kr = i386_set_gdt(mach_thread_self(), &sel, slot_new);
}

/* change_slot called with %ss = sel; returns %ss as it came back. */
static unsigned with_ss(unsigned sel)
{
	__asm__ volatile("movw %%ss, saved_seg\n\t"
			 "movw %w0, %%ss\n\t"
			 "call change_slot\n\t"
			 "movw %%ss, seg_after\n\t"
			 "movw saved_seg, %%ss"
			 :
			 : "r"(sel)
			 : "eax", "ecx", "edx", "memory", "cc");
	return seg_after;
}

/* change_slot called from code running with %cs = sel (the same flat
 * 32-bit space); returns %cs as it came back. */
static unsigned with_cs(unsigned sel)
{
	__asm__ volatile("pushl %0\n\t"
			 "pushl $1f\n\t"
			 "lret\n"
			 "1:\n\t"
			 "call change_slot\n\t"
			 "movw %%cs, seg_after\n\t"
			 "pushl $%c1\n\t"
			 "pushl $2f\n\t"
			 "lret\n"
			 "2:"
			 :
			 : "r"(sel), "i"(USER_CS)
			 : "eax", "ecx", "edx", "memory", "cc");
	return seg_after;
}

/* Free, retype, then rewrite unchanged the slot reg names, from code
 * running with it: want_kr, and reg afterwards the flat selector (a
 * change made) or still the slot (a change refused). */
static void test_slot_under(const char *reg, unsigned (*with)(unsigned), unsigned access,
			    kern_return_t want_kr, unsigned flat)
{
	int sel = TLS_SEL_ANY;
	descriptor_t none = {0, 0};

	if (!is_kr(i386_set_gdt(mach_thread_self(), &sel, flat_desc(access)), KERN_SUCCESS,
		   "a flat slot for %s", reg))
		return;
	slot_sel = sel;
	slot_new = none;
	unsigned after = with(sel), want_after = want_kr == KERN_SUCCESS ? flat : (unsigned)sel;
	is_kr(slot_kr, want_kr, "freeing the slot %s names", reg);
	is(after, want_after, "then %s is 0x%x", reg, want_after);

	sel = slot_sel;
	if (!is_kr(i386_set_gdt(mach_thread_self(), &sel, flat_desc(access)), KERN_SUCCESS, "the slot again"))
		return;
	/* Retyped: a code segment cannot be a stack, nor data code. */
	slot_new =
	    flat_desc(access == DESC_ACCESS_USER_CODE ? DESC_ACCESS_USER_DATA : DESC_ACCESS_USER_RODATA);
	after = with(sel);
	is_kr(slot_kr, want_kr, "retyping the slot %s names", reg);
	is(after, want_after, "then %s is 0x%x", reg, want_after);
	/* A slot that still fits stays in use. */
	slot_new = flat_desc(access);
	if (!is_kr(i386_set_gdt(mach_thread_self(), &sel, slot_new), KERN_SUCCESS, "the slot once more"))
		return;
	after = with(sel);
	is_kr(slot_kr, KERN_SUCCESS, "rewriting the slot %s names with a fitting descriptor", reg);
	is(after, sel, "%s keeps naming it", reg);
	i386_set_gdt(mach_thread_self(), &sel, none);
}

/* ---- eip beyond the user code segment ---- */

#define KERNEL_ADDRESS 0xc0001000
#define SYSCALL_NR 7
#define T_GENERAL_PROTECTION 13

static void test_thread_state_eip(void)
{
	thread_t th;
	struct i386_thread_state st;
	mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;

	if (!is_kr(thread_create(mach_task_self(), &th), KERN_SUCCESS, "thread_create"))
		return;
	thread_get_state(th, i386_THREAD_STATE, (thread_state_t)&st, &n);
	st.eip = KERNEL_ADDRESS;
	is_kr(thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, n), KERN_INVALID_ARGUMENT,
	      "thread_set_state refuses an eip in the kernel's space");
	st.eip = KERNEL_ADDRESS - 0x2000;
	is_kr(thread_set_state(th, i386_THREAD_STATE, (thread_state_t)&st, n), KERN_SUCCESS,
	      "and takes one below it");
	thread_terminate(th);
}

static int last_exception, last_code, last_subcode;

kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task, int exception,
				    int code, int subcode)
{
	(void)port;
	last_exception = exception, last_code = code, last_subcode = subcode;
	thread_terminate(thread);
	mach_port_deallocate(mach_task_self(), thread);
	mach_port_deallocate(mach_task_self(), task);
	return KERN_SUCCESS;
}

static void *int80_caller(void *arg)
{
	(void)arg;
	__asm__ volatile("int $0x80" ::"a"(SYSCALL_NR) : "memory", "cc");
	return NULL;
}

static void test_emulation_entry_eip(void)
{
	mach_port_t exc;
	vm_offset_t entry = KERNEL_ADDRESS;
	cthread_t t;

	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &exc);
	mach_port_insert_right(mach_task_self(), exc, exc, MACH_MSG_TYPE_MAKE_SEND);
	if (!is_kr(task_set_special_port(mach_task_self(), TASK_EXCEPTION_PORT, exc), KERN_SUCCESS,
		   "an exception port") ||
	    !is_kr(task_set_emulation(mach_task_self(), entry, SYSCALL_NR), KERN_SUCCESS,
		   "an emulation entry in the kernel's space") ||
	    !is_kr(cthread_create(&t, int80_caller, NULL), KERN_SUCCESS, "a thread calls it"))
		return;
	last_exception = -1;
	is_kr(mach_msg_server_once(exc_server, 8192, exc, MACH_RCV_TIMEOUT, 5000), MACH_MSG_SUCCESS,
	      "an exception message arrives");
	is(last_exception, EXC_BAD_INSTRUCTION, "EXC_BAD_INSTRUCTION");
	is(last_code, T_GENERAL_PROTECTION, "a general protection fault");
	is(last_subcode, 0, "error code 0, as a jump past the segment's limit");
}

int main(void)
{
	test_fresh_fpu();
	test_sse_kept();
	test_slot_under("%ss", with_ss, DESC_ACCESS_USER_DATA, KERN_SUCCESS, USER_DS);
	test_slot_under("%cs", with_cs, DESC_ACCESS_USER_CODE, KERN_INVALID_ARGUMENT, USER_CS);
	test_thread_state_eip();
	test_emulation_entry_eip();
	return tap_done();
}
