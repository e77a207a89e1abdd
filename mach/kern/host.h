#ifndef KERN_HOST_H
#define KERN_HOST_H
/* The host: its name port (anyone may have it) and its privileged port. */
extern struct ipc_port *host_port, *host_priv_port;
void host_bootstrap(void);
#endif
