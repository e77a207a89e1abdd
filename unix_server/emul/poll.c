/*
 * poll and select over files of any services (docs/unix.md, "select and
 * poll across services"): the clients' io_poll (libunix_user.a) on the
 * files' ports, with our sleep port as the notify port and the signal
 * flag as what makes a message there an interruption.
 */
#include <limits.h>
#include <string.h>
#include <servers/io.h>
#include <servers/io_types.h>
#include "../client/io_poll.h"
#include "emul.h"

#define POLL_MAX 1024 /* files in one call (Linux allows RLIMIT_NOFILE) */
#define FD_SETSIZE_ 1024
#define NSEC_PER_MSEC 1000000
#define USEC_PER_MSEC 1000
#define MSEC_PER_SEC 1000

struct linux_pollfd {
	int32_t fd;
	int16_t events, revents;
};

/* One Linux thread: one call at a time uses these. */
static struct linux_pollfd pfd[POLL_MAX];
static mach_port_t poll_ports[POLL_MAX];
static int poll_events[POLL_MAX], poll_revents[POLL_MAX];
static unsigned poll_index[POLL_MAX]; /* poll_ports[i] is pfd[poll_index[i]] */
static unsigned generation;

/* pfd[0..n) -> revents; timeout_ms < 0: for ever.  Count of ready ones. */
static int do_poll(unsigned n, int64_t timeout_ms)
{
	int64_t deadline = timeout_ms > 0 ? emul_now_ms() + timeout_ms : -1;
	unsigned m = 0;
	int r;

	for (unsigned i = 0; i < n; i++) {
		int fd = pfd[i].fd;

		pfd[i].revents = 0;
		if (fd < 0)
			continue;
		/* Not open: a null port, which io_poll answers POLLNVAL. */
		poll_ports[m] = fd < EMUL_FD_MAX ? emul.fd[fd].port : MACH_PORT_NULL;
		poll_events[m] = pfd[i].events;
		poll_index[m++] = i;
	}
	for (;;) {
		int64_t left = timeout_ms;

		if (deadline >= 0) {
			left = deadline - emul_now_ms();
			if (left < 0)
				left = 0;
		}
		/* Timeout 0 never waits, so no signal can end it: Linux answers what is ready. */
		r = left == 0 ? 0 : emul_wait_begin(EMUL_WAIT_SLEEP, MACH_PORT_NULL);
		if (r == 0)
			r = io_poll(poll_ports, poll_events, poll_revents, (int)m, left > INT_MAX ? INT_MAX : (int)left,
				    emul.sleep_port, emul.host, &generation, left == 0 ? NULL : &emul_signal_check);
		if (left != 0)
			emul_wait_end();
		/* A signal that would be ignored (SIGCHLD...) does not end the wait. */
		if (r != -LINUX_EINTR || emul_signal_drop_ignored())
			break;
	}
	if (r < 0)
		return r;
	r = 0;
	for (unsigned i = 0; i < m; i++) {
		struct linux_pollfd *p = &pfd[poll_index[i]];

		p->revents = (int16_t)(poll_revents[i] & (p->events | IO_POLLERR | IO_POLLHUP | IO_POLLNVAL));
		r += p->revents != 0;
	}
	return r;
}

int sys_poll(uint32_t ufds, uint32_t nfds, int timeout_ms)
{
	int r;

	if (nfds > POLL_MAX)
		return -LINUX_EINVAL;
	if (nfds > 0 && (r = emul_copyin(pfd, ufds, nfds * sizeof(pfd[0]))) < 0)
		return r;
	r = do_poll(nfds, timeout_ms < 0 ? -1 : timeout_ms);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < nfds; i++) {
		int e = emul_copyout(ufds + i * sizeof(pfd[0]) + offsetof(struct linux_pollfd, revents),
				     &pfd[i].revents, sizeof(pfd[i].revents));
		if (e < 0)
			return e;
	}
	return r;
}

/* A user timespec (frac_per_ms NSEC_PER_MSEC, frac_max the nanoseconds of
 * a second) or timeval (USEC_PER_MSEC; select takes any count of
 * microseconds, as Linux) at uaddr as milliseconds rounded up, -1 (no
 * time-out) for a null address; a negative errno for a bad address or
 * value. */
static int timeout_from_user(uint32_t uaddr, int32_t frac_per_ms, int32_t frac_max, int64_t *ms)
{
	int32_t t[2];
	int r;

	*ms = -1;
	if (uaddr == 0)
		return 0;
	if ((r = emul_copyin(t, uaddr, sizeof(t))) < 0)
		return r;
	if (t[0] < 0 || t[1] < 0 || t[1] > frac_max)
		return -LINUX_EINVAL;
	*ms = (int64_t)t[0] * MSEC_PER_SEC + (t[1] + frac_per_ms - 1) / frac_per_ms;
	return 0;
}

/* ppoll's and pselect6's signal mask (umask 0: none): set for the wait. */
static int mask_begin(uint32_t umask, uint32_t size, uint64_t *old)
{
	uint64_t set;
	int r;

	if (umask == 0)
		return 0;
	if ((r = emul_sigmask_from_user(umask, size, &set)) < 0)
		return r;
	*old = emul_sigmask_wait_begin(set);
	return 0;
}

static int mask_end(uint32_t umask, uint64_t old, int r)
{
	if (umask != 0)
		emul_sigmask_wait_end(old, r == -LINUX_EINTR);
	return r;
}

int sys_ppoll(uint32_t ufds, uint32_t nfds, uint32_t uts, uint32_t umask, uint32_t masksize)
{
	int64_t ms;
	uint64_t old = 0;
	int r = timeout_from_user(uts, NSEC_PER_MSEC, NSEC_PER_MSEC * MSEC_PER_SEC - 1, &ms);

	if (r < 0 || (r = mask_begin(umask, masksize, &old)) < 0)
		return r;
	return mask_end(umask, old, sys_poll(ufds, nfds, ms > INT32_MAX ? INT32_MAX : (int)ms));
}

#define SET_WORDS(n) (((n) + 31) / 32)

int sys_select(int nfds, uint32_t ur, uint32_t uw, uint32_t ue, int64_t timeout_ms)
{
	uint32_t sets[3][FD_SETSIZE_ / 32], out[3][FD_SETSIZE_ / 32];
	uint32_t uset[3] = {ur, uw, ue};
	static const int16_t ev[3] = {IO_POLLIN, IO_POLLOUT, IO_POLLPRI};
	unsigned n = 0;
	int r;

	if (nfds < 0 || nfds > FD_SETSIZE_)
		return -LINUX_EINVAL;
	memset(sets, 0, sizeof(sets));
	for (int s = 0; s < 3; s++)
		if (uset[s] != 0 && (r = emul_copyin(sets[s], uset[s], SET_WORDS(nfds) * 4)) < 0)
			return r;
	for (int fd = 0; fd < nfds; fd++) {
		int16_t events = 0;
		for (int s = 0; s < 3; s++)
			if (sets[s][fd / 32] & (1u << (fd % 32)))
				events |= ev[s];
		if (events == 0)
			continue;
		if (fd >= EMUL_FD_MAX || emul.fd[fd].port == MACH_PORT_NULL)
			return -LINUX_EBADF;
		pfd[n].fd = fd;
		pfd[n].events = events;
		n++;
	}
	r = do_poll(n, timeout_ms);
	if (r < 0)
		return r;
	memset(out, 0, sizeof(out));
	int count = 0;
	for (unsigned i = 0; i < n; i++) {
		int fd = pfd[i].fd;
		for (int s = 0; s < 3; s++) {
			int hit = (pfd[i].revents & ev[s]) || (s < 2 && (pfd[i].revents & (IO_POLLERR | IO_POLLHUP)) &&
								(pfd[i].events & ev[s]));
			if (hit) {
				out[s][fd / 32] |= 1u << (fd % 32);
				count++;
			}
		}
	}
	for (int s = 0; s < 3; s++)
		if (uset[s] != 0 && (r = emul_copyout(uset[s], out[s], SET_WORDS(nfds) * 4)) < 0)
			return r;
	return count;
}

int sys_newselect(int nfds, uint32_t ur, uint32_t uw, uint32_t ue, uint32_t utv)
{
	int64_t ms;
	int r = timeout_from_user(utv, USEC_PER_MSEC, INT32_MAX, &ms);

	if (r < 0)
		return r;
	return sys_select(nfds, ur, uw, ue, ms);
}

/* pselect6's sixth argument: the address of { sigset address, its size }. */
int sys_pselect6(int nfds, uint32_t ur, uint32_t uw, uint32_t ue, uint32_t uts, uint32_t usig)
{
	int64_t ms;
	uint32_t sig[2] = {0, 0};
	uint64_t old = 0;
	int r = timeout_from_user(uts, NSEC_PER_MSEC, NSEC_PER_MSEC * MSEC_PER_SEC - 1, &ms);

	if (r < 0 || (usig != 0 && (r = emul_copyin(sig, usig, sizeof(sig))) < 0) ||
	    (r = mask_begin(sig[0], sig[1], &old)) < 0)
		return r;
	return mask_end(sig[0], old, sys_select(nfds, ur, uw, ue, ms));
}
