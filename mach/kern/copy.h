/* Moving data between user space and the kernel (i386/copy.S).  Both
 * return 0, or 1 if the user range is bad or a page there cannot be
 * faulted in.  Kernel threads (no user space) pass kernel addresses. */
#ifndef KERN_COPY_H
#define KERN_COPY_H
#include <stddef.h>
#include <stdint.h>
#include <i386/vm_param.h>
#include <kern/thread.h>

int copy_user(void *dst, const void *src, size_t n); /* i386/locore.S */
int copyin_slow(const void *user_src, void *kernel_dst, size_t n);
int copyout_slow(const void *kernel_src, void *user_dst, size_t n);

/* A user thread's range wholly below KERNBASE: the common case, inline. */
static inline int copy_user_ok(const void *user, size_t n)
{
	uintptr_t a = (uintptr_t)user;
	return !active_thread->kernel_only && a + n >= a && a + n <= KERNBASE;
}

/* Copy words between a user thread's memory and the kernel as
 * copy_user would (a fault the VM system cannot resolve ends the copy:
 * 0), but inline: the call, its frame and the byte tail cost more than a
 * short message's words.  The user range is the caller's to check
 * (copy_user_ok). */
static inline __attribute__((always_inline)) int copy_user_words(void *dst, const void *src, size_t words)
{
	extern uintptr_t cpu_recover;

	__asm__ goto("movl $%l[fault], %[recover]\n\t"
		     "rep movsl\n\t"
		     "movl $0, %[recover]"
		     : "+D"(dst), "+S"(src), "+c"(words), [recover] "=m"(cpu_recover)
		     :
		     : "memory"
		     : fault);
	return 1;
fault:
	return 0;
}

static inline int copyin(const void *user_src, void *kernel_dst, size_t n)
{
	if (copy_user_ok(user_src, n))
		return copy_user(kernel_dst, user_src, n);
	return copyin_slow(user_src, kernel_dst, n);
}

static inline int copyout(const void *kernel_src, void *user_dst, size_t n)
{
	if (copy_user_ok(user_dst, n))
		return copy_user(user_dst, kernel_src, n);
	return copyout_slow(kernel_src, user_dst, n);
}
#endif
