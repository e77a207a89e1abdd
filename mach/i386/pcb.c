/* Thread machine state: kernel stack layout, user registers, the FPU. */
#include <i386/cpu.h>
#include <i386/pcb.h>
#include <i386/pcb_load.h>
#include <i386/pmap.h>
#include <i386/seg.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <mach/thread_status.h>

#define CR4_OSFXSR 0x200
#define CR4_OSXMMEXCPT 0x400
#define MXCSR_DEFAULT 0x1f80
#define EFLAGS_RESERVED 0x2

extern void thread_start_trampoline(void);
struct thread *pcb_fpu_owner; /* these two: i386/pcb_load.h */
struct fxsave_image;
static void fp_default_image(struct fxsave_image *fx);
int pcb_gdt_tls_loaded;

struct switch_frame {
	uint32_t edi, esi, ebx, ebp, eip;
};

void pcb_init(struct thread *th)
{
	char *top = (char *)th->kernel_stack + KERNEL_STACK_SIZE;
	struct i386_saved_state *us = (struct i386_saved_state *)top - 1;
	struct switch_frame *sf = (struct switch_frame *)us - 1;

	memset(us, 0, sizeof(*us));
	us->cs = USER_CS;
	us->ss = us->ds = us->es = USER_DS;
	us->fs = us->gs = USER_DS;
	us->efl = EFLAGS_IF | EFLAGS_RESERVED;
	th->pcb.user_state = us;
	th->pcb.fpu_valid = 0;
	memset(th->pcb.tls, 0, sizeof(th->pcb.tls));
	th->pcb.tls_used = 0;
	memset(sf, 0, sizeof(*sf));
	sf->eip = (uint32_t)thread_start_trampoline;
	th->kernel_esp = (uintptr_t)sf;
}



void fpu_init(void)
{
	uint32_t cr0 = (get_cr0() | CR0_MP | CR0_NE | CR0_TS) & ~CR0_EM;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	set_cr4(get_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

/* Device-not-available: give the FPU to the current thread. */
void fpu_trap(void)
{
	struct thread *th = current_thread();

	__asm__ volatile("clts");
	if (pcb_fpu_owner == th)
		return;
	if (pcb_fpu_owner != NULL) {
		__asm__ volatile("fxsave %0" : "=m"(pcb_fpu_owner->pcb.fpu_save));
		pcb_fpu_owner->pcb.fpu_valid = 1;
	}
	/* A first use starts from the clean image, not fninit: fninit leaves
	 * the x87 and SSE registers as the last owner had them. */
	if (!th->pcb.fpu_valid)
		fp_default_image((struct fxsave_image *)th->pcb.fpu_save);
	__asm__ volatile("fxrstor %0" : : "m"(th->pcb.fpu_save));
	pcb_fpu_owner = th;
}

void fpu_thread_gone(struct thread *th)
{
	if (pcb_fpu_owner == th)
		pcb_fpu_owner = NULL;
}

/*
 * Pages zeroed and copied 16 bytes an instruction through the SSE
 * registers, as Linux's i386 once did with MMX (mmx_32.c): a zero fill
 * is 256 stores instead of rep stosl's 1,024 iterations, a copy 512
 * moves instead of 1,024 (under -icount every iteration of a rep counts),
 * and the zero-fill, copy-on-write and pager page-in faults are mostly
 * that.  The registers belong to whichever thread last used the FPU
 * (lazy switching, above): those used here are saved on the stack and
 * put back, and CR0.TS as it was, so that thread finds its state as it
 * left it.  Only moves and xorps: no SIMD exception can arise.  Nothing
 * else uses the FPU meanwhile: interrupt handlers never do, and the
 * kernel is not preempted.
 */
#define PAGE_ZERO_CHUNK 256 /* bytes a loop turn: 16 stores */
#define PAGE_COPY_CHUNK 128 /* 8 loads, 8 stores: xmm0-7 */

void fpu_page_zero(void *page)
{
	uint32_t cr0 = get_cr0();
	char save[16];
	unsigned off = 0;

	__asm__ volatile("clts\n\t"
			 "movups %%xmm0, %[save]\n\t"
			 "xorps %%xmm0, %%xmm0\n"
			 "1:\n\t"
			 ".irp o, 0,16,32,48,64,80,96,112,128,144,160,176,192,208,224,240\n\t"
			 "movaps %%xmm0, \\o(%[page],%[off])\n\t"
			 ".endr\n\t"
			 "add %[chunk], %[off]\n\t"
			 "cmp %[size], %[off]\n\t"
			 "jne 1b\n\t"
			 "movups %[save], %%xmm0"
			 : [save] "=m"(save), [off] "+r"(off)
			 : [page] "r"(page), [chunk] "i"(PAGE_ZERO_CHUNK), [size] "i"(PAGE_SIZE)
			 : "memory");
	if (cr0 & CR0_TS)
		__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

void fpu_page_copy(void *dst, const void *src)
{
	uint32_t cr0 = get_cr0();
	char save[8 * 16];
	unsigned off = 0;

	__asm__ volatile("clts\n\t"
			 ".irp r, 0,1,2,3,4,5,6,7\n\t"
			 "movups %%xmm\\r, 16*\\r+%[save]\n\t"
			 ".endr\n"
			 "1:\n\t"
			 ".irp r, 0,1,2,3,4,5,6,7\n\t"
			 "movaps 16*\\r(%[src],%[off]), %%xmm\\r\n\t"
			 ".endr\n\t"
			 ".irp r, 0,1,2,3,4,5,6,7\n\t"
			 "movaps %%xmm\\r, 16*\\r(%[dst],%[off])\n\t"
			 ".endr\n\t"
			 "add %[chunk], %[off]\n\t"
			 "cmp %[size], %[off]\n\t"
			 "jne 1b\n\t"
			 ".irp r, 0,1,2,3,4,5,6,7\n\t"
			 "movups 16*\\r+%[save], %%xmm\\r\n\t"
			 ".endr"
			 : [save] "=m"(save), [off] "+r"(off)
			 : [dst] "r"(dst), [src] "r"(src), [chunk] "i"(PAGE_COPY_CHUNK), [size] "i"(PAGE_SIZE)
			 : "memory");
	if (cr0 & CR0_TS)
		__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

/* ---- TLS slots: i386_set_gdt / i386_get_gdt ---- */

#define DESC_ACCESS(hi) (((hi) >> 8) & 0xff)
#define DESC_PRESENT 0x80
#define DESC_DPL_MASK 0x60
#define DESC_DPL_USER 0x60
#define DESC_NONSYSTEM 0x10
#define DESC_CODE 0x08
#define DESC_CODE_READABLE 0x02
#define DESC_DATA_WRITABLE 0x02
#define DESC_LONG_MODE (1u << 21) /* in the high word */

/* The slot a user selector names, or -1. */
static int tls_slot(int selector)
{
	unsigned sel = (unsigned)selector, index = SEL_INDEX(sel);

	if (selector < 0 || (sel & (SEL_LDT | SEL_RPL_MASK)) != SEL_RPL_USER || sel > 0xffff)
		return -1;
	if (index < GDT_TLS_MIN || index > GDT_TLS_MAX)
		return -1;
	return (int)(index - GDT_TLS_MIN);
}

/* A descriptor that may sit in a slot: user data, or readable user code. */
static int tls_desc_ok(const uint32_t desc[2])
{
	unsigned access = DESC_ACCESS(desc[1]);

	if ((access & (DESC_NONSYSTEM | DESC_DPL_MASK)) != (DESC_NONSYSTEM | DESC_DPL_USER))
		return 0;
	if ((access & DESC_CODE) && !(access & DESC_CODE_READABLE))
		return 0;
	return (desc[1] & DESC_LONG_MODE) == 0;
}

static int tls_names_slot(uint32_t reg, unsigned slot)
{
	return (reg & SEL_LDT) == 0 && SEL_INDEX(reg & 0xffff) == GDT_TLS_MIN + slot;
}

/* A saved segment register naming the slot gets `instead`. */
static void tls_forget_selector(uint32_t *reg, unsigned slot, uint32_t instead)
{
	if (tls_names_slot(*reg, slot))
		*reg = instead;
}

kern_return_t pcb_set_tls(struct thread *th, int *selector, const uint32_t desc[2])
{
	unsigned access = DESC_ACCESS(desc[1]);
	int present = (access & DESC_PRESENT) != 0, slot;

	if (th == NULL)
		return KERN_INVALID_ARGUMENT;
	if (present && !tls_desc_ok(desc))
		return KERN_INVALID_ARGUMENT;
	if (*selector == -1) {
		for (slot = 0; slot < GDT_TLS_COUNT; slot++)
			if (!(th->pcb.tls[slot].access & DESC_PRESENT))
				break;
		if (slot == GDT_TLS_COUNT)
			return KERN_NO_SPACE;
	} else if ((slot = tls_slot(*selector)) < 0) {
		return KERN_INVALID_ARGUMENT;
	}
	/* The slot the saved %cs names stays as it is (the kernel's iret
	 * checks eip against its limit, and cs must stay code). */
	if (tls_names_slot(th->pcb.user_state->cs, slot) &&
	    memcmp(&th->pcb.tls[slot], desc, sizeof(th->pcb.tls[slot])) != 0)
		return KERN_INVALID_ARGUMENT;

	int s = cpu_intr_save();
	struct seg_desc *d = &th->pcb.tls[slot];
	/* A saved register naming the slot must still load on iret (a fault
	 * there is the kernel's): else it gets the null or flat selector. */
	struct i386_saved_state *us = th->pcb.user_state;
	if (present) {
		memcpy(d, desc, sizeof(*d));
	} else {
		memset(d, 0, sizeof(*d));
		tls_forget_selector(&us->ds, slot, 0);
		tls_forget_selector(&us->es, slot, 0);
		tls_forget_selector(&us->fs, slot, 0);
		tls_forget_selector(&us->gs, slot, 0);
	}
	if (!present || (access & DESC_CODE) || !(access & DESC_DATA_WRITABLE)) /* %ss: writable data only */
		tls_forget_selector(&us->ss, slot, USER_DS);
	th->pcb.tls_used = 0;
	for (int i = 0; i < GDT_TLS_COUNT; i++)
		th->pcb.tls_used |= (th->pcb.tls[i].access & DESC_PRESENT) != 0;
	if (th == current_thread()) {
		memcpy(&gdt[GDT_TLS_MIN], th->pcb.tls, sizeof(th->pcb.tls));
		pcb_gdt_tls_loaded = th->pcb.tls_used;
	}
	cpu_intr_restore(s);
	*selector = SEL(GDT_TLS_MIN + slot, SEL_RPL_USER);
	return KERN_SUCCESS;
}

kern_return_t pcb_get_tls(struct thread *th, int selector, uint32_t desc[2])
{
	int slot = tls_slot(selector);

	if (th == NULL || slot < 0)
		return KERN_INVALID_ARGUMENT;
	memcpy(desc, &th->pcb.tls[slot], sizeof(th->pcb.tls[slot]));
	return KERN_SUCCESS;
}

/* ---- thread_get_state / thread_set_state ---- */

/* The flags a thread may set for itself; IF is always on (EFL_USER_SET),
 * and IOPL, NT, RF, VM, VIF and VIP always off (GNU's EFL_USER_CLEAR). */
#define EFL_USER_MASK 0x00240fd5 /* CF PF AF ZF SF TF DF OF AC ID */
#define SEL_MASK 0xffff
#define SEL_IS_NULL(s) (((s) & ~3u) == 0)

/* If the CPU holds th's FPU registers, put them in its pcb (th is not
 * the running thread: the FPU is not ours to use, so clear TS around it). */
static void fpu_flush(struct thread *th)
{
	int s = cpu_intr_save();

	if (pcb_fpu_owner == th) {
		__asm__ volatile("clts");
		__asm__ volatile("fxsave %0" : "=m"(th->pcb.fpu_save));
		th->pcb.fpu_valid = 1;
		pcb_fpu_owner = NULL;
		__asm__ volatile("mov %0, %%cr0" : : "r"(get_cr0() | CR0_TS));
	}
	cpu_intr_restore(s);
}

/* The fxsave image (Intel SDM vol. 1, 10.5.1). */
struct fxsave_image {
	uint16_t fcw, fsw;
	uint8_t ftw, reserved0; /* abridged tag: bit i set = register i in use */
	uint16_t fop;
	uint32_t fip;
	uint16_t fcs, reserved1;
	uint32_t fdp;
	uint16_t fds, reserved2;
	uint32_t mxcsr, mxcsr_mask;
	struct {
		uint16_t word[5];
		uint16_t pad[3];
	} st[8];
	uint8_t xmm_and_rest[FPU_SAVE_SIZE - 160];
};
_Static_assert(sizeof(struct fxsave_image) == FPU_SAVE_SIZE, "fxsave image");

#define FP_TAG_VALID 0
#define FP_TAG_ZERO 1
#define FP_TAG_SPECIAL 2
#define FP_TAG_EMPTY 3

/* The full (fnsave) tag of a register in use, from its 80-bit value. */
static unsigned fp_tag_of(const uint16_t w[5])
{
	unsigned exponent = w[4] & 0x7fff;
	int integer_bit = (w[3] & 0x8000) != 0;
	int mantissa_zero = w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0;

	if (exponent == 0x7fff)
		return FP_TAG_SPECIAL;
	if (exponent == 0)
		return mantissa_zero ? FP_TAG_ZERO : FP_TAG_SPECIAL;
	return integer_bit ? FP_TAG_VALID : FP_TAG_SPECIAL;
}

/* fxsave image -> GNU Mach's i386_float_state (fnsave layout). */
static void fp_state_from_fxsave(const struct fxsave_image *fx, struct i386_float_state *fs)
{
	struct i386_fp_save *env = (struct i386_fp_save *)fs->hw_state;
	struct i386_fp_regs *regs = (struct i386_fp_regs *)(fs->hw_state + sizeof(*env));
	unsigned top = (fx->fsw >> 11) & 7, tag = 0;

	memset(env, 0, sizeof(*env));
	env->fp_control = fx->fcw;
	env->fp_status = fx->fsw;
	env->fp_eip = fx->fip;
	env->fp_cs = fx->fcs;
	env->fp_opcode = fx->fop & 0x7ff;
	env->fp_dp = fx->fdp;
	env->fp_ds = fx->fds;
	/* Registers are stored from ST(0); tags are kept by physical number. */
	for (unsigned i = 0; i < 8; i++) {
		memcpy(regs->fp_reg_word[i], fx->st[i].word, sizeof(regs->fp_reg_word[i]));
		unsigned phys = (top + i) & 7;
		unsigned t = (fx->ftw & (1u << phys)) ? fp_tag_of(fx->st[i].word) : FP_TAG_EMPTY;
		tag |= t << (2 * phys);
	}
	env->fp_tag = tag;
}

static void fp_state_to_fxsave(const struct i386_float_state *fs, struct fxsave_image *fx)
{
	const struct i386_fp_save *env = (const struct i386_fp_save *)fs->hw_state;
	const struct i386_fp_regs *regs = (const struct i386_fp_regs *)(fs->hw_state + sizeof(*env));

	fx->fcw = env->fp_control;
	fx->fsw = env->fp_status;
	fx->ftw = 0;
	for (unsigned phys = 0; phys < 8; phys++)
		if (((env->fp_tag >> (2 * phys)) & 3) != FP_TAG_EMPTY)
			fx->ftw |= 1u << phys;
	fx->fop = env->fp_opcode & 0x7ff;
	fx->fip = env->fp_eip;
	fx->fcs = env->fp_cs;
	fx->fdp = env->fp_dp;
	fx->fds = env->fp_ds;
	for (unsigned i = 0; i < 8; i++)
		memcpy(fx->st[i].word, regs->fp_reg_word[i], sizeof(fx->st[i].word));
}

/* A thread's first FPU state (fninit's, with every register zero): a
 * thread that never used the FPU reads this. */
static void fp_default_image(struct fxsave_image *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->fcw = 0x037f;
	fx->mxcsr = MXCSR_DEFAULT;
}

static kern_return_t get_float_state(struct thread *th, struct i386_float_state *fs, unsigned *count)
{
	struct fxsave_image fx;

	if (*count < i386_FLOAT_STATE_COUNT)
		return KERN_INVALID_ARGUMENT;
	fpu_flush(th);
	memset(fs, 0, sizeof(*fs));
	if (th->pcb.fpu_valid)
		memcpy(&fx, th->pcb.fpu_save, sizeof(fx));
	else
		fp_default_image(&fx);
	fs->fpkind = FP_387FX;
	fs->initialized = th->pcb.fpu_valid;
	fp_state_from_fxsave(&fx, fs);
	*count = i386_FLOAT_STATE_COUNT;
	return KERN_SUCCESS;
}

/* initialized == 0 discards the state: the thread starts afresh at its
 * next FPU instruction, SSE registers and MXCSR included. */
static kern_return_t set_float_state(struct thread *th, const struct i386_float_state *fs, unsigned count)
{
	struct fxsave_image fx;

	if (count < i386_FLOAT_STATE_COUNT)
		return KERN_INVALID_ARGUMENT;
	fpu_flush(th);
	if (!fs->initialized) {
		th->pcb.fpu_valid = 0;
		return KERN_SUCCESS;
	}
	if (th->pcb.fpu_valid)
		memcpy(&fx, th->pcb.fpu_save, sizeof(fx));
	else
		fp_default_image(&fx);
	fp_state_to_fxsave(fs, &fx);
	memcpy(th->pcb.fpu_save, &fx, sizeof(fx));
	th->pcb.fpu_valid = 1;
	return KERN_SUCCESS;
}

static void get_thread_state(const struct i386_saved_state *ss, struct i386_thread_state *ts)
{
	ts->gs = ss->gs & SEL_MASK;
	ts->fs = ss->fs & SEL_MASK;
	ts->es = ss->es & SEL_MASK;
	ts->ds = ss->ds & SEL_MASK;
	ts->edi = ss->edi;
	ts->esi = ss->esi;
	ts->ebp = ss->ebp;
	ts->esp = ss->uesp; /* not the kernel's stack pointer */
	ts->ebx = ss->ebx;
	ts->edx = ss->edx;
	ts->ecx = ss->ecx;
	ts->eax = ss->eax;
	ts->eip = ss->eip;
	ts->cs = ss->cs & SEL_MASK;
	ts->efl = ss->efl;
	ts->uesp = ss->uesp;
	ts->ss = ss->ss & SEL_MASK;
}

/* A data segment register of a user thread: null, the user data
 * segment, or one of the thread's present TLS slots; anything else
 * could fault on the way out of the kernel. */
static int data_sel_ok(const struct thread *th, unsigned sel)
{
	int slot;

	sel &= SEL_MASK;
	if (SEL_IS_NULL(sel) || sel == USER_DS)
		return 1;
	slot = tls_slot((int)sel);
	return slot >= 0 && (th->pcb.tls[slot].access & DESC_PRESENT);
}

/*
 * i386_THREAD_STATE: as on GNU Mach, cs, ss, ds and es are the flat user
 * segments whatever the state says (a state built from zeros works), but
 * a selector that names anything else is refused; fs and gs are kept
 * (null, the user data segment, or a present TLS slot of the thread).  i386_REGS_SEGS_STATE takes the
 * segments as given: cs and ss must then be exactly the user ones.
 */
static kern_return_t check_thread_state(const struct thread *th, const struct i386_thread_state *ts,
					int regs_segs)
{
	unsigned cs = ts->cs & SEL_MASK, ss = ts->ss & SEL_MASK;

	if (regs_segs ? cs != USER_CS : !(SEL_IS_NULL(cs) || cs == USER_CS))
		return KERN_INVALID_ARGUMENT;
	if (regs_segs ? ss != USER_DS : !(SEL_IS_NULL(ss) || ss == USER_DS))
		return KERN_INVALID_ARGUMENT;
	if (!data_sel_ok(th, ts->ds) || !data_sel_ok(th, ts->es) || !data_sel_ok(th, ts->fs) ||
	    !data_sel_ok(th, ts->gs))
		return KERN_INVALID_ARGUMENT;
	/* The user code segment ends at KERNBASE: an eip past it faults in
	 * the kernel's iret (hardware checks; QEMU's TCG does not). */
	if (ts->eip >= KERNBASE)
		return KERN_INVALID_ARGUMENT;
	return KERN_SUCCESS;
}

static void set_thread_state(struct i386_saved_state *ss, const struct i386_thread_state *ts, int regs_segs)
{
	ss->edi = ts->edi;
	ss->esi = ts->esi;
	ss->ebp = ts->ebp;
	ss->ebx = ts->ebx;
	ss->edx = ts->edx;
	ss->ecx = ts->ecx;
	ss->eax = ts->eax;
	ss->eip = ts->eip;
	ss->uesp = ts->uesp;
	ss->efl = (ts->efl & EFL_USER_MASK) | EFLAGS_IF | EFLAGS_RESERVED;
	ss->cs = USER_CS;
	ss->ss = USER_DS;
	ss->ds = regs_segs ? ts->ds & SEL_MASK : USER_DS;
	ss->es = regs_segs ? ts->es & SEL_MASK : USER_DS;
	ss->fs = ts->fs & SEL_MASK;
	ss->gs = ts->gs & SEL_MASK;
}

#define i386_FLAVOR_LIST_COUNT 4

kern_return_t thread_getstatus(struct thread *th, int flavor, natural_t *state, unsigned *count)
{
	switch (flavor) {
	case THREAD_STATE_FLAVOR_LIST:
		if (*count < i386_FLAVOR_LIST_COUNT)
			return KERN_INVALID_ARGUMENT;
		state[0] = i386_THREAD_STATE;
		state[1] = i386_FLOAT_STATE;
		state[2] = i386_ISA_PORT_MAP_STATE;
		state[3] = i386_V86_ASSIST_STATE;
		*count = i386_FLAVOR_LIST_COUNT;
		return KERN_SUCCESS;
	case i386_THREAD_STATE:
	case i386_REGS_SEGS_STATE:
		if (*count < i386_THREAD_STATE_COUNT)
			return KERN_INVALID_ARGUMENT;
		get_thread_state(th->pcb.user_state, (struct i386_thread_state *)state);
		*count = i386_THREAD_STATE_COUNT;
		return KERN_SUCCESS;
	case i386_FLOAT_STATE:
		return get_float_state(th, (struct i386_float_state *)state, count);
	case i386_ISA_PORT_MAP_STATE:
		/* No thread has I/O port access: every bit says "no". */
		if (*count < i386_ISA_PORT_MAP_STATE_COUNT)
			return KERN_INVALID_ARGUMENT;
		memset(state, 0xff, sizeof(struct i386_isa_port_map_state));
		*count = i386_ISA_PORT_MAP_STATE_COUNT;
		return KERN_SUCCESS;
	case i386_V86_ASSIST_STATE:
		/* There is no virtual 8086 mode: no interrupt table. */
		if (*count < i386_V86_ASSIST_STATE_COUNT)
			return KERN_INVALID_ARGUMENT;
		memset(state, 0, sizeof(struct i386_v86_assist_state));
		*count = i386_V86_ASSIST_STATE_COUNT;
		return KERN_SUCCESS;
	default: /* i386_DEBUG_STATE: no hardware breakpoints yet */
		return KERN_INVALID_ARGUMENT;
	}
}

kern_return_t thread_setstatus(struct thread *th, int flavor, const natural_t *state, unsigned count)
{
	kern_return_t kr;

	switch (flavor) {
	case i386_THREAD_STATE:
	case i386_REGS_SEGS_STATE: {
		const struct i386_thread_state *ts = (const struct i386_thread_state *)state;
		int regs_segs = flavor == i386_REGS_SEGS_STATE;
		if (count < i386_THREAD_STATE_COUNT)
			return KERN_INVALID_ARGUMENT;
		kr = check_thread_state(th, ts, regs_segs);
		if (kr == KERN_SUCCESS)
			set_thread_state(th->pcb.user_state, ts, regs_segs);
		return kr;
	}
	case i386_FLOAT_STATE:
		return set_float_state(th, (const struct i386_float_state *)state, count);
	default: /* I/O permissions go through i386_io_perm_modify; no v86 mode */
		return KERN_INVALID_ARGUMENT;
	}
}
