/*
 * The host (mach_host.defs): what the machine is, its time of day, its
 * kernel's version and command line, and leaving it.  Calls that take
 * host_priv_t get NULL from the stub unless the privileged port was used;
 * they answer KERN_INVALID_HOST then, as GNU Mach does.
 */
#include <i386/cpu.h>
#include <i386/rtc.h>
#include <mach/host_info.h>
#include <mach/mig_errors.h>
#include <kern/clock.h>
#include <kern/cmdline.h>
#include <kern/debug.h>
#include <kern/host.h>
#include <kern/ipc_kobject.h>
#include <kern/machine.h>
#include <kern/printf.h>
#include <kern/processor.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/version.h>
#include <ipc/port.h>
#include <vm/vm_fault.h>
#include <vm/vm_page.h>
#include <vm/vm_pageout.h>
#include <mach_host_server.h>

struct ipc_port *host_port, *host_priv_port;
/* The time of day is the clock's uptime plus this (host_set_time moves it). */
static int64_t host_time_offset_us;

void host_bootstrap(void)
{
	host_port = ipc_kobject_port_alloc(IKOT_HOST, &realhost);
	host_priv_port = ipc_kobject_port_alloc(IKOT_HOST_PRIV, &realhost);
	if (host_port == NULL || host_priv_port == NULL)
		panic("host_bootstrap: no memory for the host ports");
	processor_bootstrap();
	/* The time of day starts as the real-time clock says. */
	host_time_offset_us = (int64_t)rtc_read_seconds() * 1000000 - (int64_t)clock_uptime_us();
}

uint64_t host_time_us(void)
{
	return clock_uptime_us() + host_time_offset_us;
}

static time_value_t us_to_time_value(int64_t us)
{
	time_value_t t;

	t.seconds = (integer_t)(us / TIME_MICROS_MAX);
	t.microseconds = (integer_t)(us % TIME_MICROS_MAX);
	return t;
}

static int64_t time_value_to_us(time_value_t t)
{
	return (int64_t)t.seconds * TIME_MICROS_MAX + t.microseconds;
}

static int time_value_valid(time_value_t t)
{
	return t.microseconds >= 0 && t.microseconds < TIME_MICROS_MAX;
}

kern_return_t S_host_get_time(host_t host, time_value_t *current_time)
{
	if (host == NULL)
		return KERN_INVALID_HOST;
	*current_time = us_to_time_value((int64_t)host_time_us());
	return KERN_SUCCESS;
}

kern_return_t S_host_set_time(host_t host_priv, time_value_t new_time)
{
	if (host_priv == NULL)
		return KERN_INVALID_HOST;
	if (!time_value_valid(new_time) || new_time.seconds < 0)
		return KERN_INVALID_ARGUMENT;
	host_time_offset_us = time_value_to_us(new_time) - (int64_t)clock_uptime_us();
	return KERN_SUCCESS;
}

/* The adjustment is applied at once, so none is ever left pending: the
 * old adjustment reported is always zero. */
kern_return_t S_host_adjust_time(host_t host_priv, time_value_t new_adjustment, time_value_t *old_adjustment)
{
	if (host_priv == NULL)
		return KERN_INVALID_HOST;
	if (new_adjustment.microseconds <= -TIME_MICROS_MAX || new_adjustment.microseconds >= TIME_MICROS_MAX)
		return KERN_INVALID_ARGUMENT;
	host_time_offset_us += time_value_to_us(new_adjustment);
	*old_adjustment = us_to_time_value(0);
	return KERN_SUCCESS;
}

static void host_basic_info(host_basic_info_t info)
{
	info->max_cpus = 1;
	info->avail_cpus = 1;
	info->memory_size = (rpc_vm_size_t)(vm_page_total_count * PAGE_SIZE);
	info->cpu_type = CPU_TYPE_I386;
	info->cpu_subtype = CPU_SUBTYPE_AT386;
}

kern_return_t S_host_info(host_t host, int flavor, host_info_t info, mach_msg_type_number_t *count)
{
	if (host == NULL)
		return KERN_INVALID_ARGUMENT;
	switch (flavor) {
	case HOST_BASIC_INFO:
		if (*count < HOST_BASIC_INFO_COUNT)
			return KERN_FAILURE;
		host_basic_info((host_basic_info_t)info);
		*count = HOST_BASIC_INFO_COUNT;
		return KERN_SUCCESS;
	case HOST_PROCESSOR_SLOTS: /* the slots with a running processor */
		if (*count < 1)
			return KERN_INVALID_ARGUMENT;
		info[0] = master_processor.slot_num;
		*count = 1;
		return KERN_SUCCESS;
	case HOST_SCHED_INFO: {
		if (*count < HOST_SCHED_INFO_COUNT)
			return KERN_FAILURE;
		host_sched_info_t sched = (host_sched_info_t)info;
		sched->min_timeout = 1000 / HZ;
		sched->min_quantum = SCHED_QUANTUM_TICKS * 1000 / HZ;
		*count = HOST_SCHED_INFO_COUNT;
		return KERN_SUCCESS;
	}
	case HOST_LOAD_INFO: {
		if (*count < HOST_LOAD_INFO_COUNT)
			return KERN_FAILURE;
		host_load_info_t load = (host_load_info_t)info;
		for (int i = 0; i < 3; i++) {
			load->avenrun[i] = sched_avenrun[i];
			load->mach_factor[i] = sched_mach_factor[i];
		}
		*count = HOST_LOAD_INFO_COUNT;
		return KERN_SUCCESS;
	}
	case HOST_IDLE_INFO: {
		if (*count < HOST_IDLE_INFO_COUNT)
			return KERN_FAILURE;
		host_idle_info_t idle = (host_idle_info_t)info;
		int s = cpu_intr_save();
		uint64_t t = sched_idle_tsc;
		cpu_intr_restore(s);
		idle->idle_tsc_low = (uint32_t)t;
		idle->idle_tsc_high = (uint32_t)(t >> 32);
		*count = HOST_IDLE_INFO_COUNT;
		return KERN_SUCCESS;
	}
	case HOST_VM_FAULT_INFO:
		if (*count < HOST_VM_FAULT_INFO_COUNT)
			return KERN_FAILURE;
		*(host_vm_fault_info_t)info = vm_fault_info;
		*count = HOST_VM_FAULT_INFO_COUNT;
		return KERN_SUCCESS;
	case HOST_VM_PAGEOUT_INFO:
		if (*count < HOST_VM_PAGEOUT_INFO_COUNT)
			return KERN_FAILURE;
		*(host_vm_pageout_info_t)info = vm_pageout_info;
		*count = HOST_VM_PAGEOUT_INFO_COUNT;
		return KERN_SUCCESS;
	default:
		return KERN_INVALID_ARGUMENT;
	}
}

kern_return_t S_host_kernel_version(host_t host, kernel_version_t kernel_version)
{
	if (host == NULL)
		return KERN_INVALID_ARGUMENT;
	strlcpy(kernel_version, version_string, KERNEL_VERSION_MAX);
	return KERN_SUCCESS;
}

/* Append s to buf (size bytes), keeping it terminated. */
static void append(char *buf, size_t size, const char *s)
{
	size_t n = strnlen(buf, size);

	if (n < size)
		strlcpy(buf + n, s, size - n);
}

/* The kernel command line, put back together from its parsed words (the
 * image name the loader put first is not kept). */
kern_return_t S_host_get_boot_info(host_t host_priv, kernel_boot_info_t boot_info)
{
	if (host_priv == NULL)
		return KERN_INVALID_HOST;
	boot_info[0] = '\0';
	for (unsigned i = 0; i < kernel_cmdline.count; i++) {
		if (i > 0)
			append(boot_info, KERNEL_BOOT_INFO_MAX, " ");
		append(boot_info, KERNEL_BOOT_INFO_MAX, kernel_cmdline.key[i]);
		if (kernel_cmdline.value[i][0] != '\0') {
			append(boot_info, KERNEL_BOOT_INFO_MAX, "=");
			append(boot_info, KERNEL_BOOT_INFO_MAX, kernel_cmdline.value[i]);
		}
	}
	return KERN_SUCCESS;
}

/* Rebooting and halting both power the machine off: under QEMU that is
 * how a test program ends the run.  There is no kernel debugger yet, so
 * RB_DEBUGGER only says so. */
kern_return_t S_host_reboot(host_t host_priv, int options)
{
	if (host_priv == NULL)
		return KERN_INVALID_HOST;
	if (options & RB_DEBUGGER) {
		printf("host_reboot: no kernel debugger in this kernel\n");
		return KERN_SUCCESS;
	}
	printf("host_reboot(0x%x): %s\n", options, (options & RB_HALT) ? "halting" : "powering off");
	machine_halt(MACHINE_EXIT_SUCCESS);
}
