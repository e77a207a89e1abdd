/*
 * How a UNIX process's address space is laid out, and how the single
 * server starts the first process (unix_server/emul/, unix_server/single/).
 *
 *   [0x1000, EMUL_STACK_TOP)     the Linux program: its image, brk, mmap
 *                                areas, and its stack just below
 *                                EMUL_STACK_TOP; execve empties it all
 *   [EMUL_BASE, EMUL_BOOT_AREA)  the emulation library (text, data, bss
 *                                with its heap), kept across execve
 *   [EMUL_BOOT_AREA, KERNBASE)   the first process only: the image of its
 *                                program and its command line, read by
 *                                the library and then freed
 *
 * The library image (emul.bin) is flat: loaded at EMUL_BASE, it begins
 * with struct emul_image_header.  The first thread starts at boot_entry
 * with %eax = EMUL_BOOT_AREA.
 */
#ifndef _SERVERS_EMUL_BOOT_H_
#define _SERVERS_EMUL_BOOT_H_
#include <stdint.h>

#define EMUL_BASE 0xb0000000u
#define EMUL_STACK_TOP EMUL_BASE
#define EMUL_BOOT_AREA 0xbc000000u
#define EMUL_BOOT_AREA_END 0xc0000000u
#define EMUL_IMAGE_MAGIC 0x4c554d45u /* "EMUL" */

struct emul_image_header {
	uint32_t magic;
	uint32_t boot_entry; /* address */
	uint32_t mem_size;   /* bytes from EMUL_BASE: image, data, bss */
	uint32_t file_size;  /* bytes of the image file */
};

/* At EMUL_BOOT_AREA: this header, then argc NUL-terminated arguments
 * (args_size bytes in all), and, if image_size is not 0, the program's
 * ELF image at EMUL_BOOT_AREA + image_offset; else argv[0] is a path in
 * the root file system. */
struct emul_boot_args {
	uint32_t image_offset, image_size;
	uint32_t argc, args_size;
	char args[];
};
#define EMUL_BOOT_ARGS_MAX (64 * 1024) /* bytes of arguments */
#define EMUL_BOOT_ARGC_MAX 256

#endif
