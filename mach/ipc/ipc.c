#include <ipc/ipc.h>
#include <ipc/kmsg.h>
#include <ipc/space.h>

void ipc_bootstrap(void)
{
	ipc_port_bootstrap();
	ipc_space_bootstrap();
	ipc_kmsg_bootstrap();
}
