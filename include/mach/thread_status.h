/*
 * Machine state of a thread (thread_get_state / thread_set_state): a
 * flavor and that many natural_t words.  i386 flavors and layouts are
 * GNU Mach's: i386_THREAD_STATE is the 17 words below (eip is word 12,
 * the user stack pointer uesp word 15).
 */
#ifndef _MACH_THREAD_STATUS_H_
#define _MACH_THREAD_STATUS_H_

#include <mach/machine/vm_types.h>

typedef natural_t *thread_state_t;
#define THREAD_STATE_MAX 1024
typedef natural_t thread_state_data_t[THREAD_STATE_MAX];
#define THREAD_STATE_FLAVOR_LIST 0 /* the flavors this machine has */

#define i386_THREAD_STATE 1
#define i386_FLOAT_STATE 2
#define i386_ISA_PORT_MAP_STATE 3
#define i386_V86_ASSIST_STATE 4
#define i386_REGS_SEGS_STATE 5
#define i386_DEBUG_STATE 6

struct i386_thread_state {
	unsigned int gs;
	unsigned int fs;
	unsigned int es;
	unsigned int ds;
	unsigned int edi;
	unsigned int esi;
	unsigned int ebp;
	unsigned int esp;  /* kernel's view; ignored when set */
	unsigned int ebx;
	unsigned int edx;
	unsigned int ecx;
	unsigned int eax;
	unsigned int eip;
	unsigned int cs;
	unsigned int efl;
	unsigned int uesp; /* the user stack pointer */
	unsigned int ss;
};
#define i386_THREAD_STATE_COUNT \
	(sizeof(struct i386_thread_state) / sizeof(unsigned int))

/* The x87 environment as fnsave stores it (28 bytes)... */
struct i386_fp_save {
	unsigned short fp_control;
	unsigned short fp_unused_1;
	unsigned short fp_status;
	unsigned short fp_unused_2;
	unsigned short fp_tag;
	unsigned short fp_unused_3;
	unsigned int fp_eip;
	unsigned short fp_cs;
	unsigned short fp_opcode;
	unsigned int fp_dp;
	unsigned short fp_ds;
	unsigned short fp_unused_4;
};

/* ...followed by the eight 80-bit registers. */
struct i386_fp_regs {
	unsigned short fp_reg_word[8][5];
};

#define FP_STATE_BYTES (sizeof(struct i386_fp_save) + sizeof(struct i386_fp_regs))

/* fpkind values */
#define FP_NO 0    /* no floating point */
#define FP_SOFT 1  /* emulated */
#define FP_287 2
#define FP_387 3
#define FP_387FX 4 /* fxsave */
#define FP_387X 5  /* xsave */

struct i386_float_state {
	int fpkind;          /* FP_* (read only) */
	int initialized;
	unsigned char hw_state[FP_STATE_BYTES]; /* fp_save then fp_regs */
	int exc_status;      /* status at the last FP exception (read only) */
};
#define i386_FLOAT_STATE_COUNT \
	(sizeof(struct i386_float_state) / sizeof(unsigned int))

#define PORT_MAP_BITS 0x400
struct i386_isa_port_map_state {
	unsigned char pm[PORT_MAP_BITS >> 3];
};
#define i386_ISA_PORT_MAP_STATE_COUNT \
	(sizeof(struct i386_isa_port_map_state) / sizeof(unsigned int))

struct i386_v86_assist_state {
	unsigned int int_table; /* interrupt table address */
	int int_count;          /* its size */
};
#define i386_V86_ASSIST_STATE_COUNT \
	(sizeof(struct i386_v86_assist_state) / sizeof(unsigned int))

struct i386_debug_state {
	unsigned int dr[8];
};
#define i386_DEBUG_STATE_COUNT \
	(sizeof(struct i386_debug_state) / sizeof(unsigned int))

/* The layouts are the ABI: pin them. */
_Static_assert(sizeof(struct i386_thread_state) == 17 * 4, "i386 thread state");
_Static_assert(sizeof(struct i386_fp_save) == 28, "i386 fnsave environment");
_Static_assert(sizeof(struct i386_float_state) == 12 + 108, "i386 float state");

#endif /* _MACH_THREAD_STATUS_H_ */
