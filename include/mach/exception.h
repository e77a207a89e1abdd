/*
 * Exception numbers (exception_raise's `exception`) and, for i386, the
 * codes that say more.
 */
#ifndef _MACH_EXCEPTION_H_
#define _MACH_EXCEPTION_H_

#define EXC_BAD_ACCESS 1      /* code: kern_return_t, subcode: address */
#define EXC_BAD_INSTRUCTION 2 /* illegal or undefined instruction */
#define EXC_ARITHMETIC 3      /* divide by zero, overflow, FP error */
#define EXC_EMULATION 4       /* emulation instruction */
#define EXC_SOFTWARE 5        /* software generated */
#define EXC_BREAKPOINT 6      /* trace, breakpoint */

/* i386 codes */
#define EXC_I386_INVOP 1      /* EXC_BAD_INSTRUCTION */
#define EXC_I386_DIV 1        /* EXC_ARITHMETIC: divide error */
#define EXC_I386_INTO 2       /*   overflow */
#define EXC_I386_NOEXT 3      /*   no FPU */
#define EXC_I386_EXTOVR 4     /*   FPU segment overrun */
#define EXC_I386_EXTERR 5     /*   FPU error */
#define EXC_I386_EMERR 6      /*   emulated FPU error */
#define EXC_I386_BOUND 7      /*   bound */
#define EXC_I386_SGL 1        /* EXC_BREAKPOINT: single step */
#define EXC_I386_BPT 2        /*   int3 */

/* i386 trap numbers, the subcode of some exceptions. */
#define EXC_I386_DIVERR 0
#define EXC_I386_SGLSTP 1
#define EXC_I386_NMIFLT 2
#define EXC_I386_BPTFLT 3
#define EXC_I386_INTOFLT 4
#define EXC_I386_BOUNDFLT 5
#define EXC_I386_INVOPFLT 6
#define EXC_I386_NOEXTFLT 7
#define EXC_I386_DBLFLT 8
#define EXC_I386_EXTOVRFLT 9
#define EXC_I386_INVTSSFLT 10
#define EXC_I386_SEGNPFLT 11
#define EXC_I386_STKFLT 12
#define EXC_I386_GPFLT 13
#define EXC_I386_PGFLT 14
#define EXC_I386_EXTERRFLT 16
#define EXC_I386_ENOEXTFLT 32
#define EXC_I386_ENDPERR 33

#endif /* _MACH_EXCEPTION_H_ */
