/*
 * The "time" device (an Ernst addition): device_get_status with
 * TIME_STATUS_UPTIME answers two words, seconds and microseconds since
 * the kernel's clock started: monotonic, microsecond resolution.
 */
#ifndef _DEVICE_TIME_STATUS_H_
#define _DEVICE_TIME_STATUS_H_

#define TIME_STATUS_UPTIME 0
#define TIME_STATUS_UPTIME_COUNT 2

#endif /* _DEVICE_TIME_STATUS_H_ */
