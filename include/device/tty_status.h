/*
 * Terminal status of a character device (GNU Mach's flavor and layout):
 * device_get_status/device_set_status with TTY_STATUS carry a struct
 * tty_status.  Ernst's console honours TF_CRMOD only: set (the default),
 * the driver sends every newline as \r\n; clear, bytes go out as they
 * are, for a line discipline that does its own output processing.
 */
#ifndef _DEVICE_TTY_STATUS_H_
#define _DEVICE_TTY_STATUS_H_

struct tty_status {
	int tt_ispeed; /* input speed */
	int tt_ospeed; /* output speed */
	int tt_breakc; /* character to deliver when break detected on line */
	int tt_flags;  /* mode flags */
};
#define TTY_STATUS_COUNT (sizeof(struct tty_status) / sizeof(int))
#define TTY_STATUS (dev_flavor_t)(('t' << 16) + 1)

#define TF_ECHO 0x00000080  /* device wants user to echo input */
#define TF_CRMOD 0x00000100 /* device wants \r\n, not \n */

#endif /* _DEVICE_TTY_STATUS_H_ */
