/* C types of default_pager.defs: what the default pager reports. */
#ifndef _MACH_DEFAULT_PAGER_TYPES_H_
#define _MACH_DEFAULT_PAGER_TYPES_H_

#include <mach/machine/vm_types.h>

typedef struct default_pager_info {
	vm_size_t dpi_total_space; /* backing store, bytes */
	vm_size_t dpi_free_space;  /* of which unused */
	vm_size_t dpi_page_size;   /* the pager's page size */
} default_pager_info_t;

typedef struct default_pager_object {
	vm_offset_t dpo_object;    /* an object the pager backs */
	vm_size_t dpo_size;        /* backing store it uses */
} default_pager_object_t;
typedef default_pager_object_t *default_pager_object_array_t;

typedef struct default_pager_page {
	vm_offset_t dpp_offset;    /* a page of the object, by offset */
} default_pager_page_t;
typedef default_pager_page_t *default_pager_page_array_t;

typedef char default_pager_filename_t[256];
typedef const char *const_default_pager_filename_t;

#endif /* _MACH_DEFAULT_PAGER_TYPES_H_ */
