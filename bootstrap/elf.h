/* The ELF32 structures bootstrap's loader reads (i386, static). */
#ifndef _BOOTSTRAP_ELF_H_
#define _BOOTSTRAP_ELF_H_

#include <stdint.h>

#define ELF_MAG "\177ELF"
#define ELF_CLASS32 1
#define ELF_DATA2LSB 1
#define ELF_ET_EXEC 2
#define ELF_EM_386 3
#define ELF_PT_LOAD 1
#define ELF_PF_W 2

struct elf32_ehdr {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf32_phdr {
	uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};

#endif
