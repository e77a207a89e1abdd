/*
 * Signals in the process.  The proc service posts signals to our message
 * port (proc_msg.defs) and the kernel sends our exceptions there too; a
 * signal thread serves both.  A signal reaches the program in one of
 * two ways (README, "Signals"):
 * - the Linux thread is in the program (or on the library's exit path,
 *   whose registers are all in emul_regs): the signal thread suspends
 *   it and moves it into the handler itself, a Linux frame on its stack;
 * - it is in the library: the signal thread sets emul_signal_check and,
 *   if the call is one that waits, aborts the wait; the library's exit
 *   path then builds the frame on emul_regs.
 * Handlers return through sigreturn/rt_sigreturn, which restore the
 * registers and mask the frame holds.
 */
#include <string.h>
#include <cthreads.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/exc_server.h>
#include <mach/exception.h>
#include <mach/thread_status.h>
#include <mach/task_special_ports.h>
#include <servers/io.h>
#include <servers/proc.h>
#include <servers/proc_msg_server.h>
#include "emul.h"

#define SIG_UNBLOCKABLE (SIGSET_BIT(SIGKILL) | SIGSET_BIT(SIGSTOP))
#define EFLAGS_USER_CHANGEABLE 0x00044dd5 /* CF PF AF ZF SF TF DF OF AC */
#define SIGNAL_MSG_MAX 8192
#define FRAME_ALIGN 16
#define GP_ERR_INT80 0x402 /* #GP error code of vector 0x80 through the IDT */
#define INT_OPCODE 0xcd
#define INT80_VECTOR 0x80

/* The mask a wait with its own mask (sigsuspend, ppoll, pselect6)
 * replaced, for the frame of the handler that ended it. */
static int suspend_mask_valid;
static uint64_t suspend_mask;

#define INIT_PID 1
/* The signal the last fault raised (delivered even to pid 1). */
static int fault_signal;

static uint64_t deliverable(void)
{
	return emul.pending & ~emul.blocked;
}

static int lowest_signal(uint64_t set)
{
	for (int sig = 1; sig <= LINUX_NSIG; sig++)
		if (set & SIGSET_BIT(sig))
			return sig;
	return 0;
}

/*
 * The alternate signal stack (sigaltstack), Linux's rules: sp is on it
 * when within (base, base + size], never while SS_AUTODISARM holds (the
 * stack is given up as a handler starts on it); the flags a query shows
 * are SS_DISABLE without a stack, SS_ONSTACK while on it, and the
 * SS_AUTODISARM the program set.
 */
static int on_altstack(uint32_t sp)
{
	if (emul.altstack.flags & SS_AUTODISARM)
		return 0;
	return sp > emul.altstack.sp && sp - emul.altstack.sp <= emul.altstack.size;
}

static int altstack_flags(uint32_t sp)
{
	if (emul.altstack.size == 0)
		return SS_DISABLE;
	return on_altstack(sp) ? SS_ONSTACK : 0;
}

/* Set the alternate stack to ss, the program being at sp. */
static int altstack_set(const struct linux_stack *ss, uint32_t sp)
{
	int mode = ss->flags & ~(int)SS_AUTODISARM;

	if (on_altstack(sp))
		return -LINUX_EPERM;
	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return -LINUX_EINVAL;
	if (mode == SS_DISABLE) {
		emul.altstack = (struct linux_stack){0, ss->flags, 0};
		return 0;
	}
	if (ss->size < LINUX_MINSIGSTKSZ)
		return -LINUX_ENOMEM;
	emul.altstack = (struct linux_stack){ss->sp, ss->flags & (int)SS_AUTODISARM, ss->size};
	return 0;
}

/* sigaltstack(ss, oss): as Linux, the new stack is set even when oss
 * then faults. */
int sys_sigaltstack(uint32_t uss, uint32_t uoss)
{
	struct linux_stack ss, old = {emul.altstack.sp, 0, emul.altstack.size};
	int r = 0;

	old.flags = altstack_flags(emul_regs.esp) | (int)(emul.altstack.flags & SS_AUTODISARM);
	if (uss != 0) {
		if (emul_copyin(&ss, uss, sizeof(ss)) < 0)
			return -LINUX_EFAULT;
		r = altstack_set(&ss, emul_regs.esp);
	}
	if (r == 0 && uoss != 0)
		r = emul_copyout(uoss, &old, sizeof(old));
	return r;
}

enum sig_default { SIGDFL_TERM, SIGDFL_CORE, SIGDFL_IGNORE, SIGDFL_STOP };

static enum sig_default default_action(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
	case SIGCONT:
		return SIGDFL_IGNORE;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return SIGDFL_STOP;
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return SIGDFL_CORE;
	default:
		return SIGDFL_TERM;
	}
}

/* Is sig going to be thrown away (ignored) rather than acted on? */
static int signal_ignored(int sig)
{
	uint32_t h = emul.act[sig].handler;
	if (h == SIG_DFL && emul.pid == INIT_PID && sig != fault_signal)
		return 1; /* see signal_setup */
	return h == SIG_IGN || (h == SIG_DFL && default_action(sig) == SIGDFL_IGNORE);
}

static uint8_t retcode_sigreturn[8] = {0x58, 0xb8, NR_sigreturn, 0, 0, 0, 0xcd, 0x80};
static uint8_t retcode_rt_sigreturn[8] = {0xb8, NR_rt_sigreturn, 0, 0, 0, 0xcd, 0x80, 0};

static void fill_sigcontext(struct linux_sigcontext *sc, const struct emul_regs *r, uint32_t gs,
			    uint64_t mask)
{
	memset(sc, 0, sizeof(*sc));
	sc->gs = gs;
	sc->edi = r->edi, sc->esi = r->esi, sc->ebp = r->ebp, sc->esp = r->esp;
	sc->ebx = r->ebx, sc->edx = r->edx, sc->ecx = r->ecx, sc->eax = r->eax;
	sc->eip = r->eip, sc->eflags = r->eflags, sc->esp_at_signal = r->esp;
	sc->oldmask = (uint32_t)mask;
}

/*
 * Take one deliverable signal and act on it for a thread whose program
 * registers are *r (gs its %gs): a handler gets a frame and *r is
 * changed to enter it (1); an ignored signal is dropped (0); a default
 * action that ends the process does not return.
 */
static int signal_setup(struct emul_regs *r, uint32_t gs)
{
	int sig = lowest_signal(deliverable());
	if (sig == 0)
		return 0;
	__atomic_and_fetch(&emul.pending, ~SIGSET_BIT(sig), __ATOMIC_SEQ_CST);
	struct linux_sigaction *act = &emul.act[sig];
	if (act->handler == SIG_IGN)
		return 0;
	/* As Linux's init: a signal pid 1 does not handle is not acted on,
	 * unless it is its own fault. */
	if (act->handler == SIG_DFL && emul.pid == INIT_PID && sig != fault_signal)
		return 0;
	if (act->handler == SIG_DFL) {
		switch (default_action(sig)) {
		case SIGDFL_IGNORE:
			return 0;
		case SIGDFL_STOP:
			/* The service suspends our task; the reply comes when it
			 * is resumed (SIGCONT). */
			proc_stop(emul.proc, sig);
			return 0;
		case SIGDFL_CORE:
			emul_exit(sig | W_CORE);
		default:
			emul_exit(sig);
		}
	}
	uint64_t old = suspend_mask_valid ? suspend_mask : emul.blocked;
	suspend_mask_valid = 0;
	uint32_t sp = r->esp;
	/* The frame goes on the alternate stack if the handler asks and the
	 * program is not on it already (Linux's get_sigframe). */
	struct linux_stack saved = emul.altstack;
	if (saved.size == 0)
		saved.flags = SS_DISABLE;
	if ((act->flags & SA_ONSTACK) && altstack_flags(r->esp) == 0)
		sp = emul.altstack.sp + emul.altstack.size;
	if (emul.altstack.flags & SS_AUTODISARM)
		emul.altstack = (struct linux_stack){0, SS_DISABLE, 0};
	if (act->flags & SA_SIGINFO) {
		struct linux_rt_sigframe f;
		memset(&f, 0, sizeof(f));
		sp = ((sp - sizeof(f) + 4) & ~(uint32_t)(FRAME_ALIGN - 1)) - 4;
		f.sig = sig;
		f.pinfo = sp + offsetof(struct linux_rt_sigframe, info);
		f.puc = sp + offsetof(struct linux_rt_sigframe, uc);
		f.info.signo = sig;
		f.info.code = SI_USER;
		fill_sigcontext(&f.uc.mcontext, r, gs, old);
		f.uc.sigmask = old;
		f.uc.ss_sp = saved.sp, f.uc.ss_flags = (uint32_t)saved.flags, f.uc.ss_size = saved.size;
		memcpy(f.retcode, retcode_rt_sigreturn, sizeof(f.retcode));
		f.pretcode = (act->flags & SA_RESTORER) ? act->restorer
							: sp + offsetof(struct linux_rt_sigframe, retcode);
		if (emul_copyout(sp, &f, sizeof(f)) < 0)
			emul_exit(SIGSEGV | W_CORE);
		r->edx = f.pinfo;
		r->ecx = f.puc;
	} else {
		struct linux_sigframe f;
		memset(&f, 0, sizeof(f));
		sp = ((sp - sizeof(f) + 4) & ~(uint32_t)(FRAME_ALIGN - 1)) - 4;
		f.sig = sig;
		fill_sigcontext(&f.sc, r, gs, old);
		f.extramask = (uint32_t)(old >> 32);
		memcpy(f.retcode, retcode_sigreturn, sizeof(f.retcode));
		f.pretcode = (act->flags & SA_RESTORER) ? act->restorer
							: sp + offsetof(struct linux_sigframe, retcode);
		if (emul_copyout(sp, &f, sizeof(f)) < 0)
			emul_exit(SIGSEGV | W_CORE);
		r->edx = r->ecx = 0;
	}
	r->esp = sp;
	r->eip = act->handler;
	r->eax = sig;
	r->eflags &= ~0x400u; /* DF clear, as the ABI wants on function entry */
	uint64_t add = act->mask | ((act->flags & SA_NODEFER) ? 0 : SIGSET_BIT(sig));
	emul.blocked = (emul.blocked | add) & ~SIG_UNBLOCKABLE;
	if (act->flags & SA_RESETHAND)
		act->handler = SIG_DFL;
	return 1;
}

/* The exit path (entry.S): the registers are in emul_regs. */
void emul_signal_deliver(void)
{
	uint32_t gs;
	__asm__ volatile("movl %%gs, %0" : "=r"(gs));
	emul_signal_check = 0;
	/* Every deliverable signal gets its frame now, the later ones above
	 * the earlier (so they run first), as Linux does. */
	for (;;) {
		while (deliverable())
			signal_setup(&emul_regs, gs & 0xffff);
		if (!suspend_mask_valid)
			break;
		/* No handler took the wait's old mask into its frame (the
		 * signal stopped us, say): it comes back now. */
		emul.blocked = suspend_mask;
		suspend_mask_valid = 0;
	}
}

int emul_signal_drop_ignored(void)
{
	uint64_t d = deliverable();
	for (int sig = 1; sig <= LINUX_NSIG; sig++)
		if ((d & SIGSET_BIT(sig)) && signal_ignored(sig))
			__atomic_and_fetch(&emul.pending, ~SIGSET_BIT(sig), __ATOMIC_SEQ_CST);
	emul_signal_check = deliverable() != 0;
	return emul_signal_check;
}

int emul_interrupted(void)
{
	int sig = lowest_signal(deliverable());
	if (sig == 0 || signal_ignored(sig) || (emul.act[sig].flags & SA_RESTART))
		return -LINUX_ERESTART;
	return -LINUX_EINTR;
}

void emul_post_self(int sig)
{
	__atomic_or_fetch(&emul.pending, SIGSET_BIT(sig), __ATOMIC_SEQ_CST);
	emul_signal_check = 1;
}

static void regs_from_state(struct emul_regs *r, const struct i386_thread_state *st)
{
	r->eax = st->eax, r->ebx = st->ebx, r->ecx = st->ecx, r->edx = st->edx;
	r->esi = st->esi, r->edi = st->edi, r->ebp = st->ebp;
	r->esp = st->uesp, r->eip = st->eip, r->eflags = st->efl;
}

static void regs_to_state(struct i386_thread_state *st, const struct emul_regs *r)
{
	st->eax = r->eax, st->ebx = r->ebx, st->ecx = r->ecx, st->edx = r->edx;
	st->esi = r->esi, st->edi = r->edi, st->ebp = r->ebp;
	st->uesp = r->esp, st->eip = r->eip, st->efl = r->eflags;
}

static int in_library(uint32_t eip)
{
	return eip >= EMUL_BASE && eip < EMUL_BOOT_AREA;
}

volatile enum emul_wait emul_waiting;
volatile mach_port_t emul_wait_io;

int emul_wait_begin(enum emul_wait kind, mach_port_t io)
{
	emul_wait_io = io;
	emul_waiting = kind;
	/* A signal that came before we said where we wait is seen here. */
	return emul_signal_check ? -LINUX_EINTR : 0;
}

void emul_wait_end(void)
{
	emul_waiting = EMUL_WAIT_NONE;
	emul_wait_io = MACH_PORT_NULL;
}

/* Ask whatever the Linux thread waits on to answer now.  Early answers
 * that find the wait over are harmless: a stale wake-up message only
 * makes emul_sleep look at the flag again, a late io_interrupt finds
 * no call with that tag, and proc answers only a wait it holds. */
static void wake_waiter(void)
{
	struct {
		mach_msg_header_t h;
	} m;

	switch (emul_waiting) {
	case EMUL_WAIT_IO:
		if (MACH_PORT_VALID(emul_wait_io))
			io_interrupt(emul_wait_io, io_tag());
		break;
	case EMUL_WAIT_SLEEP:
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 0);
		m.h.msgh_size = sizeof(m);
		m.h.msgh_remote_port = emul.sleep_port;
		mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, MACH_PORT_NULL, 0,
			 MACH_PORT_NULL);
		break;
	default: /* EMUL_WAIT_PROC: the proc service answered already */
		break;
	}
}

int emul_sleep(uint32_t timeout_ms)
{
	struct {
		mach_msg_header_t h;
		char body[32];
	} m;
	int r = emul_wait_begin(EMUL_WAIT_SLEEP, MACH_PORT_NULL);

	while (r == 0) {
		mach_msg_option_t opt = MACH_RCV_MSG | (timeout_ms ? MACH_RCV_TIMEOUT : 0);
		mach_msg_return_t mr =
		    mach_msg(&m.h, opt, 0, sizeof(m), emul.sleep_port, timeout_ms, MACH_PORT_NULL);
		if (emul_signal_check)
			r = -LINUX_EINTR;
		else if (mr == MACH_RCV_TIMED_OUT)
			break;
	}
	emul_wait_end();
	return r;
}

/* The Linux thread must see a signal: see the top of the file. */
static void signal_kick(void)
{
	struct i386_thread_state st;
	mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;

	if (!deliverable())
		return;
	emul_signal_check = 1;
	if (thread_suspend(emul.linux_thread) != KERN_SUCCESS)
		return;
	if (thread_get_state(emul.linux_thread, i386_THREAD_STATE, (thread_state_t)&st, &n) != KERN_SUCCESS)
		goto out;
	int on_exit_path = st.eip >= (uint32_t)emul_exit_restore && st.eip < (uint32_t)emul_exit_end;
	if (in_library(st.eip) && !on_exit_path) {
		wake_waiter();
		goto out;
	}
	struct emul_regs r;
	if (on_exit_path)
		r = emul_regs;
	else
		regs_from_state(&r, &st);
	while (deliverable())
		signal_setup(&r, st.gs);
	regs_to_state(&st, &r);
	thread_set_state(emul.linux_thread, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
	emul_signal_check = 0;
out:
	thread_resume(emul.linux_thread);
}

kern_return_t S_proc_msg_sig_post(mach_port_t port, int sig, int sender_pid)
{
	(void)port;
	(void)sender_pid;
	if (sig < 1 || sig > LINUX_NSIG)
		return KERN_SUCCESS;
	__atomic_or_fetch(&emul.pending, SIGSET_BIT(sig), __ATOMIC_SEQ_CST);
	signal_kick();
	__atomic_add_fetch(&emul.posts_taken, 1, __ATOMIC_SEQ_CST);
	return KERN_SUCCESS;
}

/* Signals our queue could not take (a full one: we were stopped, or
 * flooded) wait in the service: taken with the right for the next such
 * news (proc_sig_pending; the first went with proc_set_msgport).  The
 * news counts as a post (proc.defs' posted), taken once its signals are. */
kern_return_t S_proc_msg_sig_pending(mach_port_t port)
{
	uint64_t set;

	(void)port;
	if (proc_sig_pending(emul.proc, emul.msgport, &set) == 0 && set != 0) {
		__atomic_or_fetch(&emul.pending, set, __ATOMIC_SEQ_CST);
		signal_kick();
	}
	__atomic_add_fetch(&emul.posts_taken, 1, __ATOMIC_SEQ_CST);
	return KERN_SUCCESS;
}

/* Another process changed our resource limits: the Linux thread asks
 * again before the next use (emul_rlimit).  The right this came on is
 * used up: a new one goes with the asking, whose answer gives RLIMIT_CPU
 * at once (a program that only computes makes no call that would look);
 * a change made between the news and it is in that answer, and the
 * Linux thread asks after it. */
kern_return_t S_proc_msg_rlimits(mach_port_t port)
{
	struct proc_rlimits lim;

	(void)port;
	if (emul_rlimits_notify(&lim) == 0)
		emul_itimer_rlimit_cpu(lim.lim[PROC_RLIMIT_CPU].cur, lim.lim[PROC_RLIMIT_CPU].max);
	emul.rlim_stale = 1;
	return KERN_SUCCESS;
}

/* Bounded: a post the signal thread never takes (it cannot happen with
 * proc's well-formed messages) costs one second, not a hang. */
#define SYNC_ROUNDS 1000

void emul_signal_sync(unsigned posted)
{
	for (int i = 0; i < SYNC_ROUNDS && (int)(posted - emul.posts_taken) > 0; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_DEPRESS, 1);
}

/* A fault: in emul_copy it is -EFAULT; in the program it is a signal,
 * the default action if it is blocked or ignored (it would repeat). */
kern_return_t catch_exception_raise(mach_port_t port, mach_port_t thread, mach_port_t task, int exception,
				    int code, int subcode)
{
	struct i386_thread_state st;
	mach_msg_type_number_t n = i386_THREAD_STATE_COUNT;
	int sig;

	(void)port;
	(void)subcode;
	if (task != mach_task_self()) {
		/* Only our own exceptions are ours to handle. */
		mach_port_deallocate(mach_task_self(), task);
		mach_port_deallocate(mach_task_self(), thread);
		return KERN_FAILURE;
	}
	mach_port_deallocate(mach_task_self(), task);
	thread_get_state(thread, i386_THREAD_STATE, (thread_state_t)&st, &n);
	if (st.eip >= (uint32_t)emul_copy_start && st.eip <= (uint32_t)emul_copy_end) {
		st.eip = (uint32_t)emul_copy_fault;
		thread_set_state(thread, i386_THREAD_STATE, (thread_state_t)&st, n);
		mach_port_deallocate(mach_task_self(), thread);
		return KERN_SUCCESS;
	}
	/* int $0x80 with a number beyond the emulation vector: the kernel's
	 * general protection fault; Linux answers ENOSYS. */
	uint8_t insn[INT80_LEN];
	if (exception == EXC_BAD_INSTRUCTION && code == EXC_I386_GPFLT && subcode == GP_ERR_INT80 &&
	    emul_copyin(insn, st.eip, sizeof(insn)) == 0 && insn[0] == INT_OPCODE &&
	    insn[1] == INT80_VECTOR) {
		/* Logged once per number, as those within the vector are:
		 * the last few numbers seen are remembered. */
		static uint32_t high_logged[8];
		static unsigned high_next;
		int seen = 0;
		for (unsigned i = 0; i < sizeof(high_logged) / sizeof(high_logged[0]); i++)
			seen |= high_logged[i] == st.eax + 1;
		if (!seen) {
			high_logged[high_next++ % (sizeof(high_logged) / sizeof(high_logged[0]))] = st.eax + 1;
			emul_log("system call %d not implemented: ENOSYS\n", (int)st.eax);
		}
		st.eip += INT80_LEN;
		st.eax = (uint32_t)-LINUX_ENOSYS;
		thread_set_state(thread, i386_THREAD_STATE, (thread_state_t)&st, n);
		mach_port_deallocate(mach_task_self(), thread);
		return KERN_SUCCESS;
	}
	mach_port_deallocate(mach_task_self(), thread);
	switch (exception) {
	case EXC_BAD_ACCESS:
		/* The pager could not give the page (a file mapping past the
		 * end of the file, an I/O error): SIGBUS, as Linux. */
		sig = code == KERN_MEMORY_ERROR ? SIGBUS : SIGSEGV;
		break;
	case EXC_ARITHMETIC:
		sig = SIGFPE;
		break;
	case EXC_BREAKPOINT:
		sig = SIGTRAP;
		break;
	default:
		sig = exception == EXC_BAD_INSTRUCTION && code == EXC_I386_INVOP ? SIGILL : SIGSEGV;
	}
	if (in_library(st.eip)) {
		emul_log("fault in the library at eip %#x (exception %d): ending the process\n",
			 (unsigned)st.eip, exception);
		emul_exit(sig | W_CORE);
	}
	if ((emul.blocked & SIGSET_BIT(sig)) || emul.act[sig].handler == SIG_IGN)
		emul.act[sig].handler = SIG_DFL, emul.blocked &= ~SIGSET_BIT(sig);
	fault_signal = sig;
	__atomic_or_fetch(&emul.pending, SIGSET_BIT(sig), __ATOMIC_SEQ_CST);
	/* The thread waits for our reply: its state is stable, no suspend. */
	struct emul_regs r;
	regs_from_state(&r, &st);
	while (deliverable())
		signal_setup(&r, st.gs);
	regs_to_state(&st, &r);
	thread_set_state(emul.linux_thread, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
	return KERN_SUCCESS;
}

static boolean_t signal_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return proc_msg_server(in, out) || exc_server(in, out);
}

static void *signal_thread(void *arg)
{
	(void)arg;
	mach_msg_server(signal_demux, SIGNAL_MSG_MAX, emul.msgport);
	return NULL;
}

void emul_signal_init(void)
{
	mach_port_t self = mach_task_self();
	cthread_t t;

	if (mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &emul.msgport) != KERN_SUCCESS ||
	    mach_port_insert_right(self, emul.msgport, emul.msgport, MACH_MSG_TYPE_MAKE_SEND) !=
		KERN_SUCCESS) {
		emul_log("no message port: signals will not arrive\n");
		return;
	}
	task_set_special_port(self, TASK_EXCEPTION_PORT, emul.msgport);
	if (mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &emul.sleep_port) != KERN_SUCCESS)
		emul_log("no sleep port: sleeps will fail\n");
	if (cthread_create(&t, signal_thread, NULL) != KERN_SUCCESS) {
		emul_log("no signal thread: signals will not arrive\n");
		return;
	}
	cthread_detach(t);
	emul.posts_taken = 0; /* proc counts the new port's posts from 0 too */
	proc_set_msgport(emul.proc, emul.msgport, emul.msgport);
}

/* ---- the calls ---- */

static int valid_signal(int sig)
{
	return sig >= 1 && sig <= LINUX_NSIG;
}

int sys_rt_sigaction(int sig, uint32_t uact, uint32_t uoact, uint32_t size)
{
	struct linux_sigaction act;
	int r;

	if (!valid_signal(sig) || size != sizeof(uint64_t))
		return -LINUX_EINVAL;
	if (uact != 0 && (r = emul_copyin(&act, uact, sizeof(act))) < 0)
		return r;
	if (uact != 0 && (sig == SIGKILL || sig == SIGSTOP))
		return -LINUX_EINVAL;
	if (uoact != 0 && (r = emul_copyout(uoact, &emul.act[sig], sizeof(act))) < 0)
		return r;
	if (uact != 0) {
		act.mask &= ~SIG_UNBLOCKABLE;
		emul.act[sig] = act;
		if (signal_ignored(sig))
			__atomic_and_fetch(&emul.pending, ~SIGSET_BIT(sig), __ATOMIC_SEQ_CST);
	}
	return 0;
}

int sys_sigaction(int sig, uint32_t uact, uint32_t uoact)
{
	struct linux_old_sigaction o;
	int r;

	if (!valid_signal(sig))
		return -LINUX_EINVAL;
	if (uact != 0 && (r = emul_copyin(&o, uact, sizeof(o))) < 0)
		return r;
	if (uact != 0 && (sig == SIGKILL || sig == SIGSTOP))
		return -LINUX_EINVAL;
	if (uoact != 0) {
		struct linux_old_sigaction old = {emul.act[sig].handler, (uint32_t)emul.act[sig].mask,
						  emul.act[sig].flags, emul.act[sig].restorer};
		if ((r = emul_copyout(uoact, &old, sizeof(old))) < 0)
			return r;
	}
	if (uact != 0) {
		struct linux_sigaction act = {o.handler, o.flags, o.restorer, o.mask & ~SIG_UNBLOCKABLE};
		emul.act[sig] = act;
		if (signal_ignored(sig))
			__atomic_and_fetch(&emul.pending, ~SIGSET_BIT(sig), __ATOMIC_SEQ_CST);
	}
	return 0;
}

/* The blocked set changed: a pending signal it lets through is seen on
 * the way out (or ends the wait the thread is about to begin). */
static void mask_changed(void)
{
	emul.blocked &= ~SIG_UNBLOCKABLE;
	if (deliverable())
		emul_signal_check = 1;
}

uint64_t emul_sigmask_wait_begin(uint64_t set)
{
	uint64_t old = emul.blocked;
	emul.blocked = set;
	mask_changed();
	return old;
}

void emul_sigmask_wait_end(uint64_t old, int interrupted)
{
	if (interrupted) {
		/* The handler's frame carries the old mask, which its
		 * sigreturn restores. */
		suspend_mask = old;
		suspend_mask_valid = 1;
		return;
	}
	emul.blocked = old;
	mask_changed();
}

int emul_signal_blocked_or_ignored(int sig)
{
	/* For a stop signal "ignored" is SIG_IGN, or pid 1's SIG_DFL. */
	return (emul.blocked & SIGSET_BIT(sig)) || signal_ignored(sig);
}

int emul_sigmask_from_user(uint32_t uset, uint32_t size, uint64_t *set)
{
	if (size != sizeof(uint64_t))
		return -LINUX_EINVAL;
	return emul_copyin(set, uset, sizeof(*set));
}

static int set_mask(int how, uint64_t set)
{
	switch (how) {
	case SIG_BLOCK:
		emul.blocked |= set;
		break;
	case SIG_UNBLOCK:
		emul.blocked &= ~set;
		break;
	case SIG_SETMASK:
		emul.blocked = set;
		break;
	default:
		return -LINUX_EINVAL;
	}
	mask_changed();
	return 0;
}

int sys_rt_sigprocmask(int how, uint32_t uset, uint32_t uoset, uint32_t size)
{
	uint64_t set, old = emul.blocked;
	int r;

	if (size != sizeof(uint64_t))
		return -LINUX_EINVAL;
	if (uset != 0 && (r = emul_copyin(&set, uset, sizeof(set))) < 0)
		return r;
	if (uset != 0 && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -LINUX_EINVAL;
	if (uoset != 0 && (r = emul_copyout(uoset, &old, sizeof(old))) < 0)
		return r;
	return uset != 0 ? set_mask(how, set) : 0;
}

int sys_sigprocmask(int how, uint32_t uset, uint32_t uoset)
{
	uint32_t set, old = (uint32_t)emul.blocked;
	int r;

	if (uset != 0 && (r = emul_copyin(&set, uset, sizeof(set))) < 0)
		return r;
	if (uset != 0 && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -LINUX_EINVAL;
	if (uoset != 0 && (r = emul_copyout(uoset, &old, sizeof(old))) < 0)
		return r;
	if (uset == 0)
		return 0;
	uint64_t full = how == SIG_SETMASK ? (emul.blocked & ~0xffffffffull) | set : set;
	return set_mask(how, full);
}

int sys_rt_sigpending(uint32_t uset, uint32_t size)
{
	uint64_t set = emul.pending & emul.blocked;

	if (size != sizeof(uint64_t))
		return -LINUX_EINVAL;
	return emul_copyout(uset, &set, sizeof(set));
}

static int restore_sigcontext(const struct linux_sigcontext *sc, uint64_t mask)
{
	struct emul_regs *r = &emul_regs;
	r->edi = sc->edi, r->esi = sc->esi, r->ebp = sc->ebp, r->esp = sc->esp;
	r->ebx = sc->ebx, r->edx = sc->edx, r->ecx = sc->ecx, r->eax = sc->eax;
	r->eip = sc->eip;
	r->eflags = (r->eflags & ~EFLAGS_USER_CHANGEABLE) | (sc->eflags & EFLAGS_USER_CHANGEABLE);
	emul.blocked = mask;
	mask_changed();
	return (int)sc->eax;
}

int sys_sigreturn(void)
{
	/* The trampoline popped the signal number: esp is at the sigcontext. */
	struct linux_sigframe f;
	uint32_t frame = emul_regs.esp - offsetof(struct linux_sigframe, sc);
	if (emul_copyin(&f, frame, sizeof(f)) < 0)
		emul_exit(SIGSEGV | W_CORE);
	return restore_sigcontext(&f.sc, (uint64_t)f.extramask << 32 | f.sc.oldmask);
}

int sys_rt_sigreturn(void)
{
	/* The handler's ret popped pretcode: esp is at sig. */
	struct linux_rt_sigframe f;
	uint32_t frame = emul_regs.esp - offsetof(struct linux_rt_sigframe, sig);
	if (emul_copyin(&f, frame, sizeof(f)) < 0)
		emul_exit(SIGSEGV | W_CORE);
	int eax = restore_sigcontext(&f.uc.mcontext, f.uc.sigmask);
	/* The stack the frame recorded comes back (Linux's restore_altstack:
	 * what SS_AUTODISARM gave up; a refusal changes nothing). */
	struct linux_stack ss = {f.uc.ss_sp, f.uc.ss_flags, f.uc.ss_size};
	altstack_set(&ss, emul_regs.esp);
	return eax;
}

/* Wait until the signal thread flags a signal. */
static void wait_for_signal(void)
{
	while (emul_sleep(0) == 0)
		;
}

/* ... one that is not ignored (those are dropped on the way). */
static void wait_for_handled_signal(void)
{
	do
		wait_for_signal();
	while (!emul_signal_drop_ignored());
}

int sys_rt_sigsuspend(uint32_t uset, uint32_t size)
{
	uint64_t set;
	int r = emul_sigmask_from_user(uset, size, &set);

	if (r < 0)
		return r;
	uint64_t old = emul_sigmask_wait_begin(set);
	wait_for_handled_signal();
	emul_sigmask_wait_end(old, 1);
	return -LINUX_EINTR;
}

int sys_pause(void)
{
	wait_for_handled_signal();
	return -LINUX_EINTR;
}

void emul_signal_exec_state(uint64_t *mask, uint64_t *ignored)
{
	*mask = emul.blocked;
	*ignored = 0;
	for (int sig = 1; sig <= LINUX_NSIG; sig++)
		if (emul.act[sig].handler == SIG_IGN)
			*ignored |= SIGSET_BIT(sig);
}

void emul_signal_set_exec_state(uint64_t mask, uint64_t ignored)
{
	emul.blocked = mask & ~SIG_UNBLOCKABLE;
	for (int sig = 1; sig <= LINUX_NSIG; sig++)
		if ((ignored & SIGSET_BIT(sig)) && !(SIG_UNBLOCKABLE & SIGSET_BIT(sig)))
			emul.act[sig].handler = SIG_IGN;
}

void emul_exec_signals(void)
{
	emul.altstack = (struct linux_stack){0, SS_DISABLE, 0};
	for (int sig = 1; sig <= LINUX_NSIG; sig++)
		if (emul.act[sig].handler != SIG_IGN)
			memset(&emul.act[sig], 0, sizeof(emul.act[sig]));
		else
			emul.act[sig].flags = 0, emul.act[sig].mask = 0, emul.act[sig].restorer = 0;
}
