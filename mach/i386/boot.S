/*
 * Kernel entry from a Multiboot v1 loader (GRUB, or QEMU -kernel).
 * We arrive with paging off, %eax = magic, %ebx = physical address of the
 * multiboot information.  Turn on paging with a directory of 4 MiB pages
 * that maps the low 8 MiB twice (identity, for the next few instructions,
 * and at KERNBASE) and all of the direct-map window at KERNBASE, then call
 * i386_init in C on the boot stack.
 */
#include <i386/vm_param.h>
#include <i386/multiboot.h>

#define PDE_BOOT 0x83	/* present, writable, 4 MiB page */
#define CR0_PG 0x80000000
#define CR0_WP 0x00010000
#define CR4_PSE 0x00000010

	.section .multiboot, "a"
	.align 4
	.long MULTIBOOT_HEADER_MAGIC
	.long MULTIBOOT_HEADER_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

	.section .text.boot, "ax"
	.globl _start
_start:
	movl %eax, %esi
	movl %ebx, %edi
	/* First instruction count, for the boot.kernel_init benchmark. */
	rdtsc
	movl %eax, boot_tsc - KERNBASE
	movl %edx, boot_tsc + 4 - KERNBASE

	movl %cr4, %eax
	orl $CR4_PSE, %eax
	movl %eax, %cr4
	movl $(boot_pgdir - KERNBASE), %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	movl $i386_entry_high, %eax
	jmp *%eax

	.text
i386_entry_high:
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp
	pushl %edi		/* multiboot info (physical) */
	pushl %esi		/* multiboot magic */
	call i386_init
2:	cli
	hlt
	jmp 2b

	.section .data.pgdir, "aw"
	.align PAGE_SIZE
	.globl boot_pgdir
boot_pgdir:
	.long 0x000000 | PDE_BOOT
	.long 0x400000 | PDE_BOOT
	.fill (KERNBASE >> SUPERPAGE_SHIFT) - 2, 4, 0
	.set pa, 0
	.rept PHYS_DIRECT_MAX >> SUPERPAGE_SHIFT
	.long pa | PDE_BOOT
	.set pa, pa + SUPERPAGE_SIZE
	.endr
	.fill 1024 - ((KERNBASE + PHYS_DIRECT_MAX) >> SUPERPAGE_SHIFT), 4, 0

	.data
	.align 8
	.globl boot_tsc
boot_tsc:
	.quad 0

	.bss
	.align PAGE_SIZE
	.globl boot_stack
boot_stack:
	.space 4 * PAGE_SIZE
boot_stack_top:
