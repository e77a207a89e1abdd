/*
 * The IPC fast path's common case, by hand: a message that goes straight
 * into the buffer of a thread of another task blocked in mach_msg
 * receive, and the switch to that thread (ipc/msg.c, "the fast path", and
 * docs/ipc.md).  Two shapes make an RPC's round trip:
 *
 *   the request: COPY_SEND to the server's port, MAKE_SEND_ONCE of the
 *   port the client then receives on;
 *   the reply: MOVE_SEND_ONCE on that send-once right, no reply port,
 *   the server then receiving on a port (not a set).
 *
 * mach_msg_return_t ipc_fast_cross(struct ipc_fast *f, mach_msg_option_t option,
 *                                  mach_msg_size_t rcv_size, mach_port_t rcv_name)
 *
 * Called by ipc_fast_rpc once fast_check has read the header and looked
 * the destination (and the reply port) up, on a destination that is
 * neither a kernel object nor the port the caller receives on; interrupts
 * on.  It checks what ipc_fast_rpc's C path checks for these two shapes
 * (fast_reply_wait, fast_waiting_receiver), all of it before it changes
 * anything, with the header, the ports and both threads in registers.
 * When any check fails it returns IPC_FAST_DECLINED (~0) with nothing
 * changed and interrupts on, and the C path decides the whole case again.
 * Otherwise it delivers (ipc_fast_deliver), waits for the reply on a port
 * (receive_wait_enter: ipc_wait_ref names it)
 * and switches to the receiver's user frame (thread_block_ipc); a direct
 * reply then resumes the caller in user mode, and nothing here returns.
 * A caller woken the ordinary way (time-out, abort, a message through the
 * general path) returns from here with its wait result and interrupts
 * off, and the C path finishes the receive.
 */
#include <i386/asm_offsets.h>
#include <i386/vm_param.h>

#define IPC_FAST_DECLINED -1
/* Arguments, above the four saved registers and the return address. */
#define ARG_F 20
#define ARG_OPTION 24
#define ARG_RCV_SIZE 28
#define ARG_RCV_NAME 32
/* A field of the receiver, from its ipc_wait_link (which %edi holds). */
#define R(field) (field - TH_IPC_WAIT_LINK)

	.text
	.globl ipc_fast_cross
ipc_fast_cross:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl ARG_F(%esp), %ebx		/* f, throughout */
	testl $MSG_RCV_TIMEOUT, ARG_OPTION(%esp)
	jnz decline			/* the C path arms the time-out */
	movl F_DEST(%ebx), %ecx		/* the destination port, throughout */
	movl F_REPLY(%ebx), %esi
	cmpl $MSG_TYPE_COPY_SEND, F_DEST_DISP(%ebx)
	jne 1f
	/* The request: the reply port is where we wait, room is needed. */
	testl %esi, %esi
	jz decline
	movl F_LOCAL(%ebx), %eax
	cmpl ARG_RCV_NAME(%esp), %eax
	jne decline
	cmpl $0, IP_QLIMIT(%ecx)
	je decline
	jmp 2f
1:	/* The reply: a send-once right (whose name goes) without a dead-name
	 * request; we wait on the port rcv_name names. */
	cmpl $MSG_TYPE_MOVE_SEND_ONCE, F_DEST_DISP(%ebx)
	jne decline
	testl %esi, %esi
	jnz decline
	movl F_DEST_ENTRY(%ebx), %eax
	cmpl $0, IE_DNNOTIFY(%eax)
	jne decline
	movl ARG_RCV_NAME(%esp), %eax	/* ipc_entry_lookup: entry 0 is never in use */
	movl F_SPACE(%ebx), %edx
	cmpl IS_SIZE(%edx), %eax
	jae decline
	leal (%eax,%eax,4), %eax
	shll $2, %eax			/* IE_SIZE */
	addl IS_TABLE(%edx), %eax
	testl $PORT_TYPE_RECEIVE, IE_BITS(%eax)
	jz decline			/* a port set: the C path */
	movl IE_OBJECT(%eax), %esi
2:	/* %esi: the port we wait on; we block there at once (fast_reply_wait). */
	movl active_thread, %ebp
	movl IP_MSGCOUNT(%esi), %eax
	orl IP_PSET(%esi), %eax
	orl TH_TERMINATING(%ebp), %eax
	jnz decline
	cli
	/* The destination idle, in no set, a thread waiting to receive on it. */
	movl IP_MSGCOUNT(%ecx), %eax
	orl IP_BLOCKED_SENDERS(%ecx), %eax
	orl IP_PSET(%ecx), %eax
	jnz decline_sti
	leal IP_RECEIVERS(%ecx), %edx
	movl (%edx), %edi		/* the first receiver's ipc_wait_link, throughout */
	cmpl %edx, %edi
	je decline_sti
	/* Still blocked in a receive from user space, not stopping, in the
	 * port's space, with a free name for the reply right and room in its
	 * buffer (fast_waiting_receiver). */
	cmpl $0, R(TH_IPC_RCV_MSG)(%edi)
	je decline_sti
	testl $TH_WAIT_BIT, R(TH_STATE)(%edi)
	jz decline_sti
	movl R(TH_TASK)(%edi), %ebp
	movl TASK_SUSPEND_COUNT(%ebp), %eax
	orl R(TH_TERMINATING)(%edi), %eax
	orl R(TH_SUSPEND_COUNT)(%edi), %eax
	jnz decline_sti
	movl TASK_ITK_SPACE(%ebp), %eax
	cmpl IP_RECEIVER(%ecx), %eax
	jne decline_sti
	cmpl $0, IS_FREE_HEAD(%eax)
	je decline_sti
	movl F_SIZE(%ebx), %eax
	cmpl R(TH_IPC_RCV_SIZE)(%edi), %eax
	ja decline_sti
	/* Its buffer in one page, mapped user-writable (pmap_user_kva). */
	movl R(TH_IPC_RCV_MSG)(%edi), %edx
	cmpl $KERNBASE, %edx
	jae decline_sti
	leal -1(%edx,%eax), %eax	/* its last byte: in the same page? */
	xorl %edx, %eax
	cmpl $PAGE_SIZE, %eax
	jae decline_sti
	movl TASK_PMAP(%ebp), %eax
	movl PMAP_PGDIR(%eax), %eax
	movl %edx, %ebp
	shrl $SUPERPAGE_SHIFT, %ebp
	movl (%eax,%ebp,4), %eax	/* the page directory entry */
	testl $1, %eax
	jz decline_sti
	andl $PTE_FRAME_MASK, %eax
	movl %edx, %ebp
	shrl $(PAGE_SHIFT - 2), %ebp
	andl $(PAGE_SIZE - 4), %ebp
	leal KERNBASE(%eax,%ebp), %ebp	/* the page table entry, direct-mapped */
	movl (%ebp), %eax
	notl %eax
	testl $PTE_PUW, %eax
	jnz decline_sti
	notl %eax
	cmpl $PHYS_DIRECT_MAX, %eax	/* its frame in the direct map */
	jae decline_sti

	/* Checked: from here on, deliver.  Accessed and dirty, as the MMU
	 * would mark them; %edx: the buffer's kernel address. */
	orl $PTE_AD, %eax
	movl %eax, (%ebp)
	andl $PTE_FRAME_MASK, %eax
	andl $PAGE_MASK, %edx
	leal KERNBASE(%eax,%edx), %edx
	/* The header the receiver gets (fast_direct_header). */
	movl F_SIZE(%ebx), %eax
	movl %eax, MSGH_SIZE(%edx)
	movl IP_RECEIVER_NAME(%ecx), %eax
	movl %eax, MSGH_LOCAL(%edx)
	movl IP_SEQNO(%ecx), %eax
	movl %eax, MSGH_SEQNO(%edx)
	incl IP_SEQNO(%ecx)
	movl F_ID(%ebx), %eax
	movl %eax, MSGH_ID(%edx)
	movl F_REPLY(%ebx), %eax
	testl %eax, %eax
	jz 3f
	/* The request's COPY_SEND leaves no trace; the reply port's
	 * send-once right gets a name in the receiver's space
	 * (fast_direct_reply, ipc_entry_alloc). */
	incl IP_SORIGHTS(%eax)
	incl IP_REF_COUNT(%eax)
	movl $MSGH_BITS_TO_SERVER, MSGH_BITS(%edx)
	movl R(TH_TASK)(%edi), %ebp
	movl TASK_ITK_SPACE(%ebp), %ebp
	movl IS_FREE_HEAD(%ebp), %ecx
	movl %ecx, MSGH_REMOTE(%edx)
	leal (%ecx,%ecx,4), %ecx
	shll $2, %ecx			/* IE_SIZE */
	addl IS_TABLE(%ebp), %ecx
	movl %eax, IE_OBJECT(%ecx)
	movl $PORT_TYPE_SEND_ONCE_1, IE_BITS(%ecx)
	movl IE_NEXT_FREE(%ecx), %eax
	movl %eax, IS_FREE_HEAD(%ebp)
	movl $0, IE_NEXT_FREE(%ecx)
	incl IS_USED(%ebp)
	jmp 4f
3:	/* The reply's send-once right is used up and its name goes
	 * (fast_direct_dest, ipc_entry_free); the receive right keeps a
	 * reference. */
	movl $MSGH_BITS_TO_CLIENT, MSGH_BITS(%edx)
	movl $0, MSGH_REMOTE(%edx)
	decl IP_SORIGHTS(%ecx)
	decl IP_REF_COUNT(%ecx)
	movl F_SPACE(%ebx), %ebp
	movl F_DEST_ENTRY(%ebx), %ecx
	movl $0, IE_OBJECT(%ecx)
	movl $0, IE_BITS(%ecx)
	movl IS_FREE_HEAD(%ebp), %eax
	movl %eax, IE_NEXT_FREE(%ecx)
	movl F_REMOTE(%ebx), %eax
	movl %eax, IS_FREE_HEAD(%ebp)
	decl IS_USED(%ebp)
4:	/* The body, straight from the sender's buffer (present: fast_check). */
	movl F_SIZE(%ebx), %ecx
	subl $MSGH_HEADER_SIZE, %ecx
	shrl $2, %ecx
	movl %esi, %ebp			/* the port we wait on */
	movl %edi, %eax
	leal MSGH_HEADER_SIZE(%edx), %edi
	movl F_UMSG(%ebx), %esi
	addl $MSGH_HEADER_SIZE, %esi
	rep movsl
	/* The receiver's mach_msg is complete: off the receivers queue, its
	 * result in its user frame, the reference it waited with released
	 * (never the last: the receive right's entry holds one). */
	movl (%eax), %ecx
	movl 4(%eax), %edx
	movl %ecx, (%edx)
	movl %edx, 4(%ecx)
	movl $0, (%eax)
	movl $0, 4(%eax)
	movl $0, R(TH_IPC_RCV_MSG)(%eax)
	movl R(TH_IPC_WAIT_REF)(%eax), %ecx
	decl (%ecx)
	movl R(TH_USER_STATE)(%eax), %edx /* its user frame, throughout */
	movl $0, SS_EAX(%edx)		/* MACH_MSG_SUCCESS */
	/* We wait on %ebp's receivers queue (receive_wait_enter), with a
	 * reference. */
	movl active_thread, %esi
	incl IP_REF_COUNT(%ebp)
	movl %ebp, TH_IPC_WAIT_REF(%esi) /* &port->ref_count */
	movl F_UMSG(%ebx), %ecx
	movl %ecx, TH_IPC_RCV_MSG(%esi)
	movl ARG_RCV_SIZE(%esp), %ecx
	movl %ecx, TH_IPC_RCV_SIZE(%esi)
	leal IP_RECEIVERS(%ebp), %ecx	/* queue_enter_tail */
	leal TH_IPC_WAIT_LINK(%esi), %edi
	movl 4(%ecx), %ebx
	movl %ebx, 4(%edi)
	movl %ecx, (%edi)
	movl %edi, (%ebx)
	movl %edi, 4(%ecx)
	/* The switch (thread_block_ipc): the receiver's wait ends (it waited
	 * on no event: only its time-out may be linked), ours begins, it
	 * takes the rest of our time slice. */
	cmpl $0, R(TH_WAIT_TIMER)(%eax)
	jne timer_cancel
5:	andl $~TH_WAIT_BITS, R(TH_STATE)(%eax)
	orl $TH_WAIT_BITS, TH_STATE(%esi)
	movl TH_QUANTUM(%esi), %ecx
	movl %ecx, R(TH_QUANTUM)(%eax)
	subl $TH_IPC_WAIT_LINK, %eax	/* the receiver */
	/* What the switch assumes (kern/sched_ipc.h), checked at once: no
	 * copy in progress, no thread left to reap, the receiver waiting on
	 * no event, ourselves a user thread. */
	movl cpu_recover, %ecx
	orl sched_dead_thread, %ecx
	orl TH_WAIT_EVENT(%eax), %ecx
	orl TH_KERNEL_ONLY(%esi), %ecx
	jnz assumption_failed
	movl $0, TH_RECOVER(%esi)
	movl %eax, active_thread
	/* pcb_load_stacked: its kernel stack for traps, its address space,
	 * its TLS slots, the FPU trap. */
	movl TH_KERNEL_STACK(%eax), %ecx
	addl $KSTACK_SIZE, %ecx
	movl %ecx, ktss + TSS_ESP0
	movl TH_TASK(%eax), %ecx
	movl TASK_PMAP(%ecx), %ecx
	cmpl active_pmap, %ecx
	je 6f
	movl %ecx, active_pmap
	movl PMAP_PGDIR_PA(%ecx), %ecx
	movl %ecx, %cr3
6:	movl TH_TLS_USED(%eax), %ecx
	orl pcb_gdt_tls_loaded, %ecx
	jnz tls_load
7:	movl %cr0, %ecx
	orl $CR0_TS_BIT, %ecx
	cmpl pcb_fpu_owner, %eax
	jne 8f
	andl $~CR0_TS_BIT, %ecx
8:	movl %ecx, %cr0
	/* Our kernel stack resumes at woken (switch_resume pops four
	 * registers, then returns); the receiver goes back to user mode from
	 * its frame. */
	pushl $woken
	subl $16, %esp
	movl %esp, TH_KERNEL_ESP(%esi)
	movl %edx, %esp
	jmp mach_call_return

/* Woken the ordinary way, interrupts off: as after any switch, then our
 * wait result. */
woken:
	call sched_after_switch
	movl active_thread, %eax
	movl TH_WAIT_RESULT(%eax), %eax
	jmp out

decline_sti:
	sti
decline:
	movl $IPC_FAST_DECLINED, %eax
out:
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

timer_cancel:				/* queue_remove_entry(&r->wait_timer.link) */
	movl R(TH_WAIT_TIMER)(%eax), %ecx
	movl R(TH_WAIT_TIMER + 4)(%eax), %ebx
	movl %ecx, (%ebx)
	movl %ebx, 4(%ecx)
	movl $0, R(TH_WAIT_TIMER)(%eax)
	movl $0, R(TH_WAIT_TIMER + 4)(%eax)
	jmp 5b

tls_load:				/* %eax and %edx live; pcb_load_tls keeps %esi */
	pushl %edx
	pushl %eax
	call pcb_load_tls
	popl %eax
	popl %edx
	jmp 7b

assumption_failed:
	pushl %eax
	pushl %esi
	call ipc_fast_assumption_failed	/* panics */
