/*
 * The mach_msg trap's fast path, by hand (ipc/msg.c, "the fast path",
 * and docs/ipc.md).
 *
 * mach_msg_return_t ipc_fast_mach_msg(mach_msg_header_t *msg, mach_msg_option_t option,
 *         mach_msg_size_t send_size, mach_msg_size_t rcv_size, mach_port_t rcv_name,
 *         mach_msg_timeout_t timeout, mach_port_t notify)
 *
 * The trap table's mach_msg (kern/syscall.c), called from user mode with
 * its arguments copied onto the kernel stack.  A SEND|RCV of a simple
 * message the fast path may take has its header read and checked here
 * into a struct ipc_fast on the stack (what fast_check did in C:
 * sizes, the header read with copy_user's fault recovery, the
 * dispositions, the destination's and the reply port's entries).  Then
 * the common case of an RPC between tasks is done here too; every other
 * case the fast path takes (a kernel object, our own port, a port set,
 * other dispositions, a time-out...) goes to ipc_fast_rpc in C with
 * that struct, and what neither takes to mach_msg_trap, the general
 * path, with the arguments as they came.
 *
 * The common case has two shapes, which make an RPC's round trip:
 *   the request: COPY_SEND to the server's port, MAKE_SEND_ONCE of the
 *   port the client then receives on;
 *   the reply: MOVE_SEND_ONCE on that send-once right, no reply port,
 *   the server then receiving on a port or on a port set (as every
 *   UNIX service does);
 * either to a thread waiting on the destination or on its set.
 * It checks what the C path checks for these (fast_reply_wait,
 * fast_waiting_receiver), all of it before it changes anything, with the
 * ports and both threads in registers; when a check fails ipc_fast_rpc
 * decides the whole case again, nothing changed.  Otherwise it delivers
 * straight into the receiver's buffer (ipc_fast_deliver), waits for the
 * reply on a port or set (receive_wait_enter: ipc_wait_ref names it,
 * ipc_wait_set says which) and
 * switches to the receiver's user frame (thread_block_ipc); a direct
 * reply then resumes the caller in user mode, and nothing here returns.
 * A caller woken the ordinary way (time-out, abort, a message through the
 * general path) finishes the receive in C (ipc_fast_woken).
 */
#include <i386/asm_offsets.h>
#include <i386/vm_param.h>

#define IPC_FAST_DECLINED -1

/* The arguments, above the struct ipc_fast, four saved registers and the
 * return address. */
#define ARGS (F_STRUCT_SIZE + 20)
#define ARG_MSG ARGS
#define ARG_OPTION (ARGS + 4)
#define ARG_SEND_SIZE (ARGS + 8)
#define ARG_RCV_SIZE (ARGS + 12)
#define ARG_RCV_NAME (ARGS + 16)
/* A field of the receiver, from its ipc_wait_link (which %edi holds). */
#define R(field) (field - TH_IPC_WAIT_LINK)
/* The struct ipc_fast at the bottom of the stack. */
#define F(field) field(%esp)

/* ipc_entry_lookup: the entry for the name in %eax, in the space at
 * %ebp, into %edi, if it holds one of the rights `types`; else to fail.
 * The masked index is inside the table, the entry's name must be the
 * name (its generation too); entry 0 is never in use (its bits are 0). */
.macro LOOKUP types, fail
	movl IS_MASK(%ebp), %edi
	andl %eax, %edi
	shll $IE_SIZE_SHIFT, %edi
	addl IS_TABLE(%ebp), %edi
	cmpl %eax, IE_NAME(%edi)
	jne \fail
	testl \types, IE_BITS(%edi)
	jz \fail
.endm

	.section .rodata
	.align 4
/* What the destination's entry must hold for each disposition the fast
 * path takes, from MOVE_SEND_ONCE (fast_dest_needs). */
mach_msg_fast_dest_needs:
	.long PORT_TYPE_SEND_ONCE	/* MOVE_SEND_ONCE */
	.long PORT_TYPE_SEND		/* COPY_SEND */
	.long PORT_TYPE_RECEIVE		/* MAKE_SEND */
	.long PORT_TYPE_RECEIVE		/* MAKE_SEND_ONCE */

	.text
	.globl ipc_fast_mach_msg
ipc_fast_mach_msg:
	/* SEND|RCV, no option the fast path does not know: else straight to
	 * the general path, nothing pushed. */
	movl 8(%esp), %eax		/* option */
	xorl $MSG_SEND_RCV, %eax
	testl $~MSG_FAST_OPTIONS | MSG_SEND_RCV, %eax
	jnz mach_msg_trap
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	subl $F_STRUCT_SIZE, %esp
	/* A whole number of words, a header to a page, below the kernel. */
	movl ARG_SEND_SIZE(%esp), %ecx
	leal -MSGH_HEADER_SIZE(%ecx), %eax
	cmpl $PAGE_SIZE - MSGH_HEADER_SIZE, %eax
	ja mach_msg_fast_general
	testl $3, %ecx
	jnz mach_msg_fast_general
	movl ARG_MSG(%esp), %esi
	movl $KERNBASE, %eax
	subl %ecx, %eax
	cmpl %eax, %esi
	ja mach_msg_fast_general
	/* The header first: the one read that may fault (and wait for a
	 * pager).  It leaves the message's first page present; a second page
	 * it reaches into must be present too (else the general path faults
	 * it in), so that no read after the checks can fault. */
	movl %esp, %edi
	movl $MSGH_HEADER_SIZE / 4, %ecx
	movl $mach_msg_fast_header_fault, cpu_recover
	rep movsl
	movl $0, cpu_recover
	/* Simple (a complex message, such as a pager's data_supply, goes
	 * straight on), no bits undefined. */
	testl $~MSGH_BITS_PORTS_MASK, F(F_BITS)
	jnz mach_msg_fast_general
	movl ARG_MSG(%esp), %esi
	movl ARG_SEND_SIZE(%esp), %ecx
	movl %esi, F(F_UMSG)
	movl %ecx, F(F_SIZE)		/* what the receiver is told, whatever the header says */
	andl $PAGE_MASK, %esi
	addl %ecx, %esi
	cmpl $PAGE_SIZE, %esi
	ja mach_msg_fast_second_page
mach_msg_fast_checked:	/* A disposition the fast path takes, on a name that holds that
	 * right to a live port without a protected payload. */
	movzbl F(F_BITS), %eax
	movl %eax, F(F_DEST_DISP)
	subl $MSG_TYPE_MOVE_SEND_ONCE, %eax
	cmpl $3, %eax
	ja mach_msg_fast_general
	movl mach_msg_fast_dest_needs(,%eax,4), %edx
	movl active_thread, %ebp
	movl TH_TASK(%ebp), %ebp
	movl TASK_ITK_SPACE(%ebp), %ebp	/* our space, throughout */
	movl %ebp, F(F_SPACE)
	movl F(F_REMOTE), %eax
	LOOKUP %edx, mach_msg_fast_general
	movl %edi, F(F_DEST_ENTRY)
	movl IE_OBJECT(%edi), %ecx	/* the destination port, throughout */
	movl %ecx, F(F_DEST)
	cmpl $0, IP_ACTIVE(%ecx)
	je mach_msg_fast_general
	cmpl $0, IP_HAS_PAYLOAD(%ecx)
	jne mach_msg_fast_general
	/* No reply port, or MAKE_SEND_ONCE of a receive right. */
	movzbl F(F_BITS + 1), %eax
	xorl %esi, %esi
	cmpl $MSG_TYPE_MAKE_SEND_ONCE, %eax
	je 2f
	orl F(F_LOCAL), %eax
	jnz mach_msg_fast_general
	jmp 3f
2:	movl F(F_LOCAL), %eax
	LOOKUP $PORT_TYPE_RECEIVE, mach_msg_fast_general
	movl IE_OBJECT(%edi), %esi
3:	movl %esi, F(F_REPLY)		/* the reply port, or NULL */

	/* Checked as fast_check did.  To a kernel object, or to the port we
	 * receive on: C (ipc_fast_kernel, ipc_fast_self). */
	movl IP_RECEIVER(%ecx), %eax
	cmpl ipc_space_kernel, %eax
	je mach_msg_fast_kobject
	cmpl %eax, %ebp
	jne 1f
	movl IP_RECEIVER_NAME(%ecx), %eax
	cmpl ARG_RCV_NAME(%esp), %eax
	je mach_msg_fast_self
1:	/* To a thread of this task or of another. */
	testl $MSG_RCV_TIMEOUT, ARG_OPTION(%esp)
	jnz mach_msg_fast_to_c			/* C arms the time-out */
	cmpl $MSG_TYPE_COPY_SEND, F(F_DEST_DISP)
	jne 3f
	/* The request: the reply port is where we wait, room is needed. */
	testl %esi, %esi
	jz mach_msg_fast_to_c
	movl F(F_LOCAL), %eax
	cmpl ARG_RCV_NAME(%esp), %eax
	jne mach_msg_fast_to_c
	cmpl $0, IP_QLIMIT(%ecx)
	je mach_msg_fast_to_c
	jmp 2f
3:	/* The reply: a send-once right (whose name goes) without a dead-name
	 * request; we wait on the port rcv_name names. */
	cmpl $MSG_TYPE_MOVE_SEND_ONCE, F(F_DEST_DISP)
	jne mach_msg_fast_to_c
	testl %esi, %esi
	jnz mach_msg_fast_to_c
	movl F(F_DEST_ENTRY), %eax
	cmpl $0, IE_DNNOTIFY(%eax)
	jne mach_msg_fast_to_c
	movl ARG_RCV_NAME(%esp), %eax
	LOOKUP $PORT_TYPE_RECEIVE | PORT_TYPE_PORT_SET, mach_msg_fast_to_c
	movl IE_OBJECT(%edi), %esi
	testl $PORT_TYPE_PORT_SET, IE_BITS(%edi)
	jnz mach_msg_fast_reply_on_set
2:	/* %esi: the port we wait on; we block there at once (fast_reply_wait):
	 * nothing queued, outside any set (whose receivers a message to it
	 * would wake instead).  %ebx: whether we wait on a set, throughout. */
	xorl %ebx, %ebx
	movl active_thread, %ebp
	movl IP_MSGCOUNT(%esi), %eax
	orl IP_PSET(%esi), %eax
	orl TH_TERMINATING(%ebp), %eax
	jnz mach_msg_fast_to_c
mach_msg_fast_wait_checked:
	cli
	/* The destination idle, a thread waiting to receive on it (or on
	 * its set: ipc_receiver_waiting). */
	movl IP_MSGCOUNT(%ecx), %eax
	orl IP_BLOCKED_SENDERS(%ecx), %eax
	jnz mach_msg_fast_to_c_sti
	movl IP_PSET(%ecx), %edx
	testl %edx, %edx
	jnz mach_msg_fast_in_set
	leal IP_RECEIVERS(%ecx), %edx
mach_msg_fast_receivers:
	movl (%edx), %edi		/* the first receiver's ipc_wait_link, throughout */
	cmpl %edx, %edi
	je mach_msg_fast_to_c_sti
	/* Still blocked in a receive from user space, not stopping, in the
	 * port's space, with a free name for the reply right and room in its
	 * buffer (fast_waiting_receiver). */
	cmpl $0, R(TH_IPC_RCV_MSG)(%edi)
	je mach_msg_fast_to_c_sti
	testl $TH_WAIT_BIT, R(TH_STATE)(%edi)
	jz mach_msg_fast_to_c_sti
	movl R(TH_TASK)(%edi), %ebp
	movl TASK_SUSPEND_COUNT(%ebp), %eax
	orl R(TH_TERMINATING)(%edi), %eax
	orl R(TH_SUSPEND_COUNT)(%edi), %eax
	jnz mach_msg_fast_to_c_sti
	movl TASK_ITK_SPACE(%ebp), %eax
	cmpl IP_RECEIVER(%ecx), %eax
	jne mach_msg_fast_to_c_sti
	cmpl $0, IS_FREE_HEAD(%eax)
	je mach_msg_fast_to_c_sti
	movl F_SIZE(%esp), %eax
	cmpl R(TH_IPC_RCV_SIZE)(%edi), %eax
	ja mach_msg_fast_to_c_sti
	/* Its buffer in one page, mapped user-writable (pmap_user_kva). */
	movl R(TH_IPC_RCV_MSG)(%edi), %edx
	cmpl $KERNBASE, %edx
	jae mach_msg_fast_to_c_sti
	leal -1(%edx,%eax), %eax	/* its last byte: in the same page? */
	xorl %edx, %eax
	cmpl $PAGE_SIZE, %eax
	jae mach_msg_fast_to_c_sti
	movl TASK_PMAP(%ebp), %eax
	movl PMAP_PGDIR(%eax), %eax
	movl %edx, %ebp
	shrl $SUPERPAGE_SHIFT, %ebp
	movl (%eax,%ebp,4), %eax	/* the page directory entry */
	testl $1, %eax
	jz mach_msg_fast_to_c_sti
	andl $PTE_FRAME_MASK, %eax
	movl %edx, %ebp
	shrl $(PAGE_SHIFT - 2), %ebp
	andl $(PAGE_SIZE - 4), %ebp
	leal KERNBASE(%eax,%ebp), %ebp	/* the page table entry, direct-mapped */
	movl (%ebp), %eax
	notl %eax
	testl $PTE_PUW, %eax
	jnz mach_msg_fast_to_c_sti
	notl %eax
	cmpl $PHYS_DIRECT_MAX, %eax	/* its frame in the direct map */
	jae mach_msg_fast_to_c_sti

	/* Checked: from here on, deliver.  Accessed and dirty, as the MMU
	 * would mark them; %edx: the buffer's kernel address. */
	orl $PTE_AD, %eax
	movl %eax, (%ebp)
	andl $PTE_FRAME_MASK, %eax
	andl $PAGE_MASK, %edx
	leal KERNBASE(%eax,%edx), %edx
	/* The header the receiver gets (fast_direct_header). */
	movl F_SIZE(%esp), %eax
	movl %eax, MSGH_SIZE(%edx)
	movl IP_RECEIVER_NAME(%ecx), %eax
	movl %eax, MSGH_LOCAL(%edx)
	movl IP_SEQNO(%ecx), %eax
	movl %eax, MSGH_SEQNO(%edx)
	incl IP_SEQNO(%ecx)
	movl F_ID(%esp), %eax
	movl %eax, MSGH_ID(%edx)
	movl F_REPLY(%esp), %eax
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
	shll $IE_SIZE_SHIFT, %ecx
	addl IS_TABLE(%ebp), %ecx
	movl %eax, IE_OBJECT(%ecx)
	movl IE_NAME(%ecx), %eax
	movl %eax, MSGH_REMOTE(%edx)
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
	movl F_SPACE(%esp), %ebp
	movl F_DEST_ENTRY(%esp), %ecx
	movl $0, IE_OBJECT(%ecx)
	movl $0, IE_BITS(%ecx)
	movl IS_FREE_HEAD(%ebp), %eax
	movl %eax, IE_NEXT_FREE(%ecx)
	movl F_REMOTE(%esp), %eax	/* its next name, a new generation */
	addl $NAME_GEN_ONE, %eax
	andl $NAME_MASK, %eax
	movl %eax, IE_NAME(%ecx)
	andl $NAME_INDEX_MASK, %eax
	movl %eax, IS_FREE_HEAD(%ebp)
	decl IS_USED(%ebp)
4:	/* The body, straight from the sender's buffer (present: fast_check). */
	movl F_SIZE(%esp), %ecx
	subl $MSGH_HEADER_SIZE, %ecx
	shrl $2, %ecx
	movl %esi, %ebp			/* the port or set we wait on */
	movl %edi, %eax
	leal MSGH_HEADER_SIZE(%edx), %edi
	movl F_UMSG(%esp), %esi
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
	/* We wait on the receivers queue of %ebp, a port or a set
	 * (receive_wait_enter), with a reference: a set's reference count
	 * is where a port's is. */
	movl active_thread, %esi
	incl IP_REF_COUNT(%ebp)
	movl %ebp, TH_IPC_WAIT_REF(%esi) /* &port->ref_count or &pset->ref_count */
	movl %ebx, TH_IPC_WAIT_SET(%esi)
	movl F_UMSG(%esp), %ecx
	movl %ecx, TH_IPC_RCV_MSG(%esi)
	movl ARG_RCV_SIZE(%esp), %ecx
	movl %ecx, TH_IPC_RCV_SIZE(%esi)
	leal IP_RECEIVERS(%ebp), %ecx	/* queue_enter_tail */
	testl %ebx, %ebx
	jz 1f
	leal PS_RECEIVERS(%ebp), %ecx
1:
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
	jne mach_msg_fast_timer_cancel
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
	jnz mach_msg_fast_assumption_failed
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
	jnz mach_msg_fast_tls_load
7:	movl %cr0, %ecx
	orl $CR0_TS_BIT, %ecx
	cmpl pcb_fpu_owner, %eax
	jne 8f
	andl $~CR0_TS_BIT, %ecx
8:	movl %ecx, %cr0
	/* Our kernel stack resumes at mach_msg_fast_woken (switch_resume pops four
	 * registers, then returns); the receiver goes back to user mode from
	 * its frame. */
	pushl $mach_msg_fast_woken
	subl $16, %esp
	movl %esp, TH_KERNEL_ESP(%esi)
	movl %edx, %esp
	jmp mach_call_return

/* Woken the ordinary way, interrupts off: as after any switch, then the
 * receive finishes in C, with our wait result. */
mach_msg_fast_woken:
	call sched_after_switch
	movl active_thread, %eax
	leal ARGS(%esp), %ecx
	pushl %ecx
	pushl TH_WAIT_RESULT(%eax)
	call ipc_fast_woken
	addl $8, %esp
	jmp mach_msg_fast_out

/* Any other case the fast path takes: ipc_fast_rpc, with what we read. */
mach_msg_fast_to_c_sti:
	sti
mach_msg_fast_to_c:
	leal ARGS(%esp), %ecx
	movl %esp, %eax
	pushl %ecx
	pushl %eax
	call ipc_fast_rpc
	addl $8, %esp
	cmpl $IPC_FAST_DECLINED, %eax
	jne mach_msg_fast_out
mach_msg_fast_kobject:
	movl %esp, %eax
	leal ARGS(%esp), %edx
	call ipc_fast_kobject_rpc
	jmp 1f
mach_msg_fast_self:
	movl %esp, %eax
	leal ARGS(%esp), %edx
	call ipc_fast_self_rpc
1:	cmpl $IPC_FAST_DECLINED, %eax
	jne mach_msg_fast_out
/* Neither: the general path, with the arguments where they came. */
mach_msg_fast_general:
	addl $F_STRUCT_SIZE, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	jmp mach_msg_trap
mach_msg_fast_out:
	addl $F_STRUCT_SIZE, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* The message reaches into a second page: present? (fast_second_page) */
mach_msg_fast_second_page:
	movl %esp, %eax
	pushl %eax
	call ipc_fast_second_page
	addl $4, %esp
	testl %eax, %eax
	jz mach_msg_fast_general
	jmp mach_msg_fast_checked

/* The header read faulted, and the VM system could not resolve it: the
 * general path reports it. */
mach_msg_fast_header_fault:
	jmp mach_msg_fast_general

/* The destination is in a set: its receivers wait there.  A message
 * queued on another member woke a receiver that has yet to take it; the
 * receiver handed this one might take it first: C declines then, and so
 * do we. */
mach_msg_fast_in_set:
	cmpl $0, PS_MSGCOUNT(%edx)
	jne mach_msg_fast_to_c_sti
	addl $PS_RECEIVERS, %edx
	jmp mach_msg_fast_receivers

/* The reply, the server then receiving on a set (%esi): nothing queued
 * on any member (fast_reply_wait); a set's entry names a live set. */
mach_msg_fast_reply_on_set:
	movl $1, %ebx
	movl active_thread, %ebp
	movl PS_MSGCOUNT(%esi), %eax
	orl TH_TERMINATING(%ebp), %eax
	jnz mach_msg_fast_to_c
	jmp mach_msg_fast_wait_checked

mach_msg_fast_timer_cancel:				/* queue_remove_entry(&r->wait_timer.link) */
	movl R(TH_WAIT_TIMER)(%eax), %ecx
	movl R(TH_WAIT_TIMER + 4)(%eax), %ebx
	movl %ecx, (%ebx)
	movl %ebx, 4(%ecx)
	movl $0, R(TH_WAIT_TIMER)(%eax)
	movl $0, R(TH_WAIT_TIMER + 4)(%eax)
	jmp 5b

/* pcb_tls_copy: the receiver's (%eax) TLS descriptors into the GDT's
 * slots, word by word; %ecx is free. */
mach_msg_fast_tls_load:
	.irp off, 0, 4, 8, 12, 16, 20
	movl TH_TLS + \off(%eax), %ecx
	movl %ecx, gdt + GDT_TLS_OFFSET + \off
	.endr
	movl TH_TLS_USED(%eax), %ecx
	movl %ecx, pcb_gdt_tls_loaded
	jmp 7b

mach_msg_fast_assumption_failed:
	pushl %eax
	pushl %esi
	call ipc_fast_assumption_failed	/* panics */
