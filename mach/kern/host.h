#ifndef KERN_HOST_H
#define KERN_HOST_H
/* The host: its name port (anyone may have it) and its privileged port;
 * the time of day; the mach_host calls about the machine (kern/host.c). */
#include <stdint.h>

/* host_reboot options (GNU Mach's sys/reboot.h). */
#define RB_ASKNAME 0x01
#define RB_SINGLE 0x02
#define RB_KDB 0x04
#define RB_HALT 0x08
#define RB_DEBUGGER 0x1000 /* enter the kernel debugger instead */

extern struct ipc_port *host_port, *host_priv_port;
void host_bootstrap(void);
/* Microseconds since 1970 as far as the host knows (host_set_time). */
uint64_t host_time_us(void);
#endif
