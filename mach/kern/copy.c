/* copyin/copyout: check the user range, then copy with fault recovery. */
#include <i386/vm_param.h>
#include <kern/copy.h>
#include <kern/string.h>
#include <kern/thread.h>


static int user_range_ok(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	return a + n >= a && a + n <= KERNBASE;
}

int copyin_slow(const void *user_src, void *kernel_dst, size_t n)
{
	if (current_thread()->kernel_only) {
		memcpy(kernel_dst, user_src, n);
		return 0;
	}
	if (!user_range_ok(user_src, n))
		return 1;
	return copy_user(kernel_dst, user_src, n);
}

int copyout_slow(const void *kernel_src, void *user_dst, size_t n)
{
	if (current_thread()->kernel_only) {
		memcpy(user_dst, kernel_src, n);
		return 0;
	}
	if (!user_range_ok(user_dst, n))
		return 1;
	return copy_user(user_dst, kernel_src, n);
}
