/* The image header the single server reads (emul_boot.h). */
#include "emul.h"

extern char _emul_file_end[], _emul_end[];

__attribute__((section(".emul_header"), used)) const struct emul_image_header emul_image_header = {
    .magic = EMUL_IMAGE_MAGIC,
    .boot_entry = (uint32_t)emul_boot_entry,
    .mem_size = (uint32_t)_emul_end - EMUL_BASE,
    .file_size = (uint32_t)_emul_file_end - EMUL_BASE,
};
