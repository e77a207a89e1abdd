/* The server side's view of full.defs: objects behind ports. */
struct thing;
typedef struct thing *thing_obj_t;
typedef int server_flavor_t;
thing_obj_t thing_from_port(mach_port_t port);
thing_obj_t thing_from_payload(unsigned long payload);
mach_port_t thing_to_port(thing_obj_t thing);
void thing_release(thing_obj_t thing);
