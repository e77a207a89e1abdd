/*
 * Structure offsets the assembly entry code uses.  C checks each one
 * (_Static_assert in kern/thread.c), so a layout change fails the build
 * instead of the trap path.
 */
#ifndef I386_ASM_OFFSETS_H
#define I386_ASM_OFFSETS_H

/* struct i386_saved_state */
#define SS_EAX 44
#define SS_UESP 68

/* struct thread (its first fields) */
#define TH_KERNEL_ESP 0
#define TH_TASK 4
#define TH_TERMINATING 8
#define TH_SUSPEND_COUNT 12

/* struct task */
#define TASK_SUSPEND_COUNT 12
#define TASK_EML 68

/* struct task_emulation (kern/emulation.h) */
#define EML_DISP_MIN 0
#define EML_DISP_COUNT 4
#define EML_DISP_VECTOR 8

/* syscall_entry's fast path: eip and uesp of the hardware frame above the
 * three registers it pushes. */
#define SYSCALL_FAST_EIP 12
#define SYSCALL_FAST_UESP 24

/* struct mach_trap (kern/syscall.c): argument words, then the function. */
#define MACH_TRAP_ENTRY_SIZE 8
#define MACH_TRAP_NARGS 0
#define MACH_TRAP_FN 4
/* The mach_msg trap's fast path (i386/ipc_fast.S), checked in ipc/msg.c. */
#define SS_SIZE 76
#define TH_USER_STATE 16 /* pcb.user_state */
#define TH_TLS 544	 /* pcb.tls: GDT_TLS_COUNT descriptors, 6 words */
#define TH_TLS_USED 568	 /* pcb.tls_used */
#define TH_STATE 576
#define TH_QUANTUM 584
#define TH_WAIT_RESULT 588
#define TH_WAIT_EVENT 592
#define TH_WAIT_TIMER 612 /* wait_timer.link */
#define TH_RECOVER 636
#define TH_KERNEL_ONLY 640
#define TH_KERNEL_STACK 644
#define TH_IPC_WAIT_LINK 656
#define TH_IPC_RCV_MSG 728
#define TH_IPC_RCV_SIZE 732
#define TH_IPC_WAIT_REF 736
#define TH_IPC_WAIT_SET 740
#define TH_WAIT_BITS 3 /* TH_WAIT | TH_INTERRUPTIBLE */
#define TH_WAIT_BIT 1  /* TH_WAIT */
#define KSTACK_SIZE 8192 /* KERNEL_STACK_SIZE */
#define TASK_PMAP 24
#define TASK_ITK_SPACE 32
#define PMAP_PGDIR 0
#define PMAP_PGDIR_PA 4
#define TSS_ESP0 4
#define GDT_TLS_OFFSET 48 /* &gdt[GDT_TLS_MIN] - gdt */
/* struct ipc_space, struct ipc_entry */
#define IS_TABLE 0
#define IS_SIZE 4
#define IS_FREE_HEAD 8
#define IS_USED 12
#define IS_MASK 16
#define IE_OBJECT 0
#define IE_BITS 4
#define IE_NEXT_FREE 8
#define IE_DNNOTIFY 12
#define IE_NAME 20
#define IE_SIZE 32
#define IE_SIZE_SHIFT 5
#define NAME_GEN_ONE 0x01000000		/* IPC_NAME_GEN_ONE */
#define NAME_MASK 0x7fffffff		/* IPC_NAME_MASK */
#define NAME_INDEX_MASK 0x00ffffff	/* IPC_NAME_INDEX_MASK */
/* struct ipc_port */
#define IP_REF_COUNT 0
#define IP_ACTIVE 4
#define IP_RECEIVER 8
#define IP_RECEIVER_NAME 12
#define IP_MSGCOUNT 32
#define IP_QLIMIT 36
#define IP_SEQNO 40
#define IP_RECEIVERS 44
#define IP_BLOCKED_SENDERS 52
#define IP_SORIGHTS 60
#define IP_HAS_PAYLOAD 84
#define IP_PSET 92
/* struct ipc_pset (its reference count where a port's is: IP_REF_COUNT) */
#define PS_RECEIVERS 24
#define PS_MSGCOUNT 32
/* struct ipc_fast (ipc/msg.c): the sender's header, then what was found */
#define F_STRUCT_SIZE 48
#define F_BITS 0
#define F_SIZE 4
#define F_REMOTE 8
#define F_LOCAL 12
#define F_ID 20
#define F_SPACE 24
#define F_DEST 28
#define F_REPLY 32
#define F_DEST_ENTRY 36
#define F_DEST_DISP 40
#define F_UMSG 44
/* mach_msg_header_t */
#define MSGH_BITS 0
#define MSGH_SIZE 4
#define MSGH_REMOTE 8
#define MSGH_LOCAL 12
#define MSGH_SEQNO 16
#define MSGH_ID 20
#define MSGH_HEADER_SIZE 24
/* Message constants (mach/message.h, mach/port.h), and the page table's */
#define MSG_SEND_RCV 3			/* MACH_SEND_MSG | MACH_RCV_MSG */
#define MSG_FAST_OPTIONS 0xd53		/* IPC_FAST_OPTIONS (ipc/msg.c) */
#define MSG_RCV_TIMEOUT 0x100		/* MACH_RCV_TIMEOUT */
#define MSGH_BITS_PORTS_MASK 0xffff	/* MACH_MSGH_BITS_PORTS_MASK */
#define MSG_TYPE_MAKE_SEND_ONCE 21
#define MSG_TYPE_MOVE_SEND_ONCE 18
#define MSG_TYPE_COPY_SEND 19
#define MSGH_BITS_TO_SERVER 0x1112	/* MACH_MSGH_BITS(PORT_SEND_ONCE, PORT_SEND) */
#define MSGH_BITS_TO_CLIENT 0x1200	/* MACH_MSGH_BITS(0, PORT_SEND_ONCE) */
#define PORT_TYPE_SEND 0x10000		/* MACH_PORT_TYPE_SEND */
#define PORT_TYPE_RECEIVE 0x20000	/* MACH_PORT_TYPE_RECEIVE */
#define PORT_TYPE_SEND_ONCE 0x40000	/* MACH_PORT_TYPE_SEND_ONCE */
#define PORT_TYPE_PORT_SET 0x80000	/* MACH_PORT_TYPE_PORT_SET */
#define PORT_TYPE_SEND_ONCE_1 0x40001	/* MACH_PORT_TYPE_SEND_ONCE, one user reference */
#define PTE_PUW 7			/* PTE_P | PTE_U | PTE_W */
#define PTE_AD 0x60			/* PTE_A | PTE_D */
#define PTE_FRAME_MASK 0xfffff000
#define CR0_TS_BIT 8
#endif
