/*
 * The terminal's Linux i386 interface: struct termios as the kernel has
 * it (TCGETS/TCSETS carry it, 36 bytes), struct winsize, the ioctl
 * numbers and the mode bits and control-character indices the terminal
 * service acts on.  Checked against Linux's <asm/termbits.h> by
 * test/unixfs/abi_host.
 */
#ifndef _SERVERS_TTY_TYPES_H_
#define _SERVERS_TTY_TYPES_H_

#include <stdint.h>

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
#define TTY_TIOCGSID 0x5429
/* A pseudo-terminal's master: its number, and the lock on its slave. */
#define TTY_TIOCGPTN 0x80045430
#define TTY_TIOCSPTLCK 0x40045431
#define TTY_TIOCGPTLCK 0x80045439

/*
 * io_tty_ioctl's own requests (not Linux ioctls; numbers no Linux
 * request has): what the emulation library asks the terminal on behalf
 * of a system call (docs/unix.md, "Controlling terminal").
 * TTY_JC_READ, TTY_JC_WRITE: may the caller read (write) the terminal
 * now?  0, or TTY_EBACKGROUND.  (What opening a terminal does for the
 * caller comes with the open itself: fs.defs' fs_open.)
 */
#define TTY_JC_READ 0x7401
#define TTY_JC_WRITE 0x7402
/*
 * TTY_VHANGUP: vhangup(2) on the caller's controlling terminal (this
 * file is /dev/tty, opened by fs_open: bound to it): every open file of it is hung up
 * (reads see end of file, writes and ioctls EIO), its session leader
 * gets SIGHUP and SIGCONT, the session loses it.  EPERM unless root.
 */
#define TTY_VHANGUP 0x7404
/* io_tty_ioctl's flags: what only the caller knows of itself. */
#define TTY_CALLER_TTOU_OK 1  /* SIGTTOU is blocked or ignored: changes go ahead */
#define TTY_CALLER_DETACHED 2 /* it gave the terminal up (TIOCNOTTY, not leading its session) */
/* The open flag fs_open's terminals look at (Linux i386's O_NOCTTY). */
#define TTY_O_NOCTTY 0400
/*
 * io_tty_ioctl's answer when the caller's process group is in the
 * background of its controlling terminal: job control's signal is due
 * (where Linux's tty_check_change signals and restarts); the library
 * decides, by its signal state, between EIO, going ahead, and the
 * signal.  No Linux errno has this number.
 */
#define TTY_EBACKGROUND 4000

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
#define TTY_TOSTOP 0000400
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
#define TTY_SIGHUP 1
#define TTY_SIGINT 2
#define TTY_SIGQUIT 3
#define TTY_SIGCONT 18
#define TTY_SIGTSTP 20
#define TTY_SIGWINCH 28

#endif /* _SERVERS_TTY_TYPES_H_ */
