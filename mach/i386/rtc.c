/*
 * The PC's real-time clock (MC146818 in the CMOS): the time of day at
 * boot, as GNU Mach reads it, so that host_get_time answers the date and
 * not only the uptime.  The clock keeps UTC (QEMU's default).
 */
#include <i386/cpu.h>
#include <i386/rtc.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UPDATE_IN_PROGRESS 0x80
#define RTC_B_BINARY 0x04 /* values in binary, not BCD */
#define RTC_B_24H 0x02
#define RTC_HOUR_PM 0x80
#define RTC_CENTURY_BASE 2000
#define RTC_TRIES 1000000 /* bound on waiting for an update to end */
#define SECS_PER_DAY 86400u
#define EPOCH_YEAR 1970

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned from_bcd(uint8_t v, int binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

static int leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (m 1..12, d 1..31). */
static uint64_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	static const unsigned before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	uint64_t days = 0;

	for (unsigned yy = EPOCH_YEAR; yy < y; yy++)
		days += leap(yy) ? 366 : 365;
	days += before_month[m - 1] + (m > 2 && leap(y)) + d - 1;
	return days;
}

uint64_t rtc_read_seconds(void)
{
	uint8_t sec, min, hour, day, mon, year, b;
	unsigned tries = 0;

	/* Read twice until both agree, outside an update. */
	do {
		while ((cmos_read(RTC_STATUS_A) & RTC_UPDATE_IN_PROGRESS) && tries++ < RTC_TRIES)
			;
		sec = cmos_read(RTC_SECONDS);
		min = cmos_read(RTC_MINUTES);
		hour = cmos_read(RTC_HOURS);
		day = cmos_read(RTC_DAY);
		mon = cmos_read(RTC_MONTH);
		year = cmos_read(RTC_YEAR);
	} while (sec != cmos_read(RTC_SECONDS) && tries++ < RTC_TRIES);
	b = cmos_read(RTC_STATUS_B);
	int binary = (b & RTC_B_BINARY) != 0;
	unsigned h = from_bcd(hour & ~RTC_HOUR_PM, binary);
	if (!(b & RTC_B_24H) && (hour & RTC_HOUR_PM))
		h = (h % 12) + 12;
	else if (!(b & RTC_B_24H) && h == 12)
		h = 0;
	unsigned m = from_bcd(mon, binary), d = from_bcd(day, binary);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0; /* no clock worth believing */
	uint64_t days = days_since_epoch(RTC_CENTURY_BASE + from_bcd(year, binary), m, d);
	return days * SECS_PER_DAY + h * 3600u + from_bcd(min, binary) * 60u + from_bcd(sec, binary);
}
