#include <kern/debug.h>
#include <kern/host.h>
#include <ipc/port.h>

struct ipc_port *host_port, *host_priv_port;
static int host_object; /* the host has no state of its own yet */

void host_bootstrap(void)
{
	host_port = ipc_kobject_port_alloc(IKOT_HOST, &host_object);
	host_priv_port = ipc_kobject_port_alloc(IKOT_HOST_PRIV, &host_object);
	if (host_port == NULL || host_priv_port == NULL)
		panic("host_bootstrap: no memory for the host ports");
}
