/*
 * The C types of the device interfaces (device.defs and friends), and
 * the device error codes.  In the kernel (MACH_KERNEL) a device is a
 * pointer to the kernel's struct device (incomplete here).
 */
#ifndef _DEVICE_DEVICE_TYPES_H_
#define _DEVICE_DEVICE_TYPES_H_

#include <mach/std_types.h>

#ifdef MACH_KERNEL
typedef struct device *device_t;
#else
typedef mach_port_t device_t;
#endif

#define DEV_NAME_MAX 128
typedef char dev_name_t[DEV_NAME_MAX];
typedef const char *const_dev_name_t;

/* Open modes */
typedef unsigned int dev_mode_t;
#define D_READ 0x1
#define D_WRITE 0x2
#define D_NODELAY 0x4  /* do not wait on open */
#define D_NOWAIT 0x8   /* do not wait for data */

/* Data: out of line, or up to IO_INBAND_MAX bytes in the message. */
typedef char *io_buf_ptr_t;
typedef const char *const_io_buf_ptr_t;
#define IO_INBAND_MAX 128
typedef char io_buf_ptr_inband_t[IO_INBAND_MAX];
typedef const char *const_io_buf_ptr_inband_t;

/* A record (block) number. */
typedef natural_t recnum_t;
typedef natural_t rpc_recnum_t;

/* device_get_status / device_set_status */
typedef unsigned int dev_flavor_t;
typedef int *dev_status_t;
#define DEV_STATUS_MAX 1024
typedef int dev_status_data_t[DEV_STATUS_MAX];
#define DEV_GET_SIZE 0
#define DEV_GET_SIZE_DEVICE_SIZE 0 /* bytes, 0 if unknown */
#define DEV_GET_SIZE_RECORD_SIZE 1 /* bytes per record */
#define DEV_GET_SIZE_COUNT 2
#define DEV_GET_RECORDS 1
#define DEV_GET_RECORDS_DEVICE_RECORDS 0
#define DEV_GET_RECORDS_RECORD_SIZE 1
#define DEV_GET_RECORDS_COUNT 2

/* Packet filters (device_set_filter). */
typedef short filter_t;
typedef filter_t *filter_array_t;

/* What device calls return. */
typedef int io_return_t;
#define D_IO_QUEUED (-1)   /* kernel internal: the reply comes later */
#define D_SUCCESS 0
#define D_IO_ERROR 2500
#define D_WOULD_BLOCK 2501
#define D_NO_SUCH_DEVICE 2502
#define D_ALREADY_OPEN 2503
#define D_DEVICE_DOWN 2504
#define D_INVALID_OPERATION 2505
#define D_INVALID_RECNUM 2506
#define D_INVALID_SIZE 2507
#define D_NO_MEMORY 2508
#define D_READ_ONLY 2509

#endif /* _DEVICE_DEVICE_TYPES_H_ */
