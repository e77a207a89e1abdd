#ifndef IPC_IPC_H
#define IPC_IPC_H
/* Bring up the IPC system (ports, spaces, messages). */
void ipc_bootstrap(void);
#endif
