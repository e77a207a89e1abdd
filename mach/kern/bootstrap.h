#ifndef KERN_BOOTSTRAP_H
#define KERN_BOOTSTRAP_H
/* Load and start boot module 0 as the first task; 0 if it could not be. */
int bootstrap_first_task(void);
/* The device master port, once devices exist (NULL until then). */
extern struct ipc_port *device_master_port;
#endif
