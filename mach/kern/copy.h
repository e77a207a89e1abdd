/* Moving data between user space and the kernel (i386/copy.S).  Both
 * return 0, or 1 if the user range is bad or a page there cannot be
 * faulted in.  Kernel threads (no user space) pass kernel addresses. */
#ifndef KERN_COPY_H
#define KERN_COPY_H
#include <stddef.h>

int copyin(const void *user_src, void *kernel_dst, size_t n);
int copyout(const void *kernel_src, void *user_dst, size_t n);
#endif
