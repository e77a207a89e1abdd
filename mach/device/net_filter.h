/* Packet filters (device_set_filter): GNU Mach's NETF stack language. */
#ifndef DEVICE_NET_FILTER_H
#define DEVICE_NET_FILTER_H
#include <device/device_types.h>

/* 0 if the program is well formed, -1 otherwise. */
int net_filter_validate(const filter_t *filter, unsigned count);
#endif
