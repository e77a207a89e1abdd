/* The real-time clock: seconds since 1970-01-01 UTC, or 0 if unreadable. */
#ifndef I386_RTC_H
#define I386_RTC_H
#include <stdint.h>
uint64_t rtc_read_seconds(void);
#endif
