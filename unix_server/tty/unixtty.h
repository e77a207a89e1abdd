/*
 * The terminal service: a Linux line discipline on the console device
 * (device.defs "console"), whose open files go through the open-file
 * layer (unix_server/io/unixio.h).  /dev/console (5,1) and /dev/tty
 * (5,0) open it; the VFS reaches it through unixtty_open, which the
 * server registers with vfs_register_device.
 */
#ifndef _UNIX_SERVER_UNIXTTY_H_
#define _UNIX_SERVER_UNIXTTY_H_

#include <stdint.h>
#include "../io/unixio.h"

/* Linux i386's struct termios (the kernel's, for TCGETS/TCSETS). */
#define TTY_NCCS 19
struct tty_termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[TTY_NCCS];
} __attribute__((packed, aligned(4)));

struct tty_winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};

/* ioctl requests (Linux i386). */
#define TTY_TCGETS 0x5401
#define TTY_TCSETS 0x5402
#define TTY_TCSETSW 0x5403
#define TTY_TCSETSF 0x5404
#define TTY_TCXONC 0x540A
#define TTY_TCFLSH 0x540B
#define TTY_TIOCSCTTY 0x540E
#define TTY_TIOCGPGRP 0x540F
#define TTY_TIOCSPGRP 0x5410
#define TTY_TIOCGWINSZ 0x5413
#define TTY_TIOCSWINSZ 0x5414
#define TTY_FIONREAD 0x541B
#define TTY_TIOCNOTTY 0x5422

/* c_iflag, c_oflag, c_lflag bits and c_cc indices used here (Linux's). */
#define TTY_ISTRIP 0000040
#define TTY_INLCR 0000100
#define TTY_IGNCR 0000200
#define TTY_ICRNL 0000400
#define TTY_IXON 0002000
#define TTY_OPOST 0000001
#define TTY_ONLCR 0000004
#define TTY_ISIG 0000001
#define TTY_ICANON 0000002
#define TTY_ECHO 0000010
#define TTY_ECHOE 0000020
#define TTY_ECHOK 0000040
#define TTY_ECHONL 0000100
#define TTY_NOFLSH 0000200
#define TTY_ECHOCTL 0001000
#define TTY_ECHOKE 0004000
#define TTY_IEXTEN 0100000
#define TTY_VINTR 0
#define TTY_VQUIT 1
#define TTY_VERASE 2
#define TTY_VKILL 3
#define TTY_VEOF 4
#define TTY_VTIME 5
#define TTY_VMIN 6
#define TTY_VSUSP 10
#define TTY_VEOL 11
#define TTY_VWERASE 14

/* Linux signal numbers the terminal sends. */
#define TTY_SIGINT 2
#define TTY_SIGQUIT 3
#define TTY_SIGTSTP 20

/*
 * How the terminal signals a process group (^C, ^\, ^Z): the server
 * passes the proc service's kill here; called with unixio_lock held, so
 * it must not wait for the file services.
 */
typedef void (*tty_signal_fn)(int pgrp, int sig);

/*
 * Open the console device through device_master and start the thread
 * that reads it.  The foreground process group starts as 1 (init's).
 */
kern_return_t unixtty_init(mach_port_t device_master, tty_signal_fn signal);
/* A vfs_devopen_t: a new open file of the terminal (arg: its rdev, for fstat). */
int unixtty_open(void *arg, int flags, const struct io_cred *cred, mach_port_t *port, mach_msg_type_name_t *poly);
/* Set the foreground process group (what the proc service does for a new session). */
void unixtty_set_foreground(int pgrp);

#endif /* _UNIX_SERVER_UNIXTTY_H_ */
