/*
 * Identity: the get/set*id calls, groups, and giving the process's root
 * and cwd ports its identity after a change.  The proc service keeps the
 * ids and judges every change (proc_ids); the file services judge
 * io_reauth by the identity of the port it arrives on.  Nothing here is
 * believed by either: a program that skips the library gains nothing.
 */
#include <string.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <servers/io.h>
#include <servers/proc.h>
#include <servers/proc_types.h>
#include "emul.h"

#define OVERFLOW_ID 65534 /* what the 16-bit calls answer for a larger id */
#define ID16_KEEP 0xffff

/* The 16-bit calls' -1 is 0xffff. */
static int id16(uint32_t id)
{
	return (id & 0xffff) == ID16_KEEP ? -1 : (int)(id & 0xffff);
}

static uint32_t low16(int id)
{
	return (uint32_t)id > 0xffff ? OVERFLOW_ID : (uint32_t)id;
}

int emul_reauth_port(mach_port_t authority, mach_port_t *port, const io_ids_t *ids, int *groups, unsigned ngroups)
{
	mach_port_t newport;
	mach_msg_type_name_t type;
	int r;

	if (!MACH_PORT_VALID(*port))
		return 0;
	r = emul_errno(io_reauth(MACH_PORT_VALID(authority) ? authority : *port, *port, *ids, groups, ngroups,
				 &newport, &type));
	if (r < 0)
		return r;
	mach_port_deallocate(mach_task_self(), *port);
	*port = newport;
	return 0;
}

int emul_port_as_caller(mach_port_t port, mach_port_t *out)
{
	int groups[PROC_NGROUPS_MAX];
	mach_msg_type_number_t n = PROC_NGROUPS_MAX;
	mach_msg_type_name_t type;
	io_ids_t ids;
	int r = emul_ids_op(PROC_IDS_GET, 0, 0, 0, &ids);

	if (r == 0)
		r = emul_errno(proc_getgroups(emul.proc, groups, &n));
	if (r < 0)
		return r;
	r = emul_errno(io_reauth(emul.root, port, ids, groups, n, out, &type));
	if (r == -LINUX_EBADF) { /* not a file of the root's service */
		*out = port;
		return 0;
	}
	return r;
}

/* After a change: the root and cwd ports get the proc service's ids,
 * and the descriptors' ports, which keep the old ones, stop being
 * current (emul_fd_current). */
static void reauth(const io_ids_t *ids)
{
	int groups[PROC_NGROUPS_MAX];
	mach_msg_type_number_t n = PROC_NGROUPS_MAX;

	if (++emul.ids == EMUL_IDS_UNKNOWN)
		emul.ids = 0;

	if (proc_getgroups(emul.proc, groups, &n) != 0)
		return;
	if (emul_reauth_port(MACH_PORT_NULL, &emul.root, ids, groups, n) < 0 ||
	    emul_reauth_port(MACH_PORT_NULL, &emul.cwd, ids, groups, n) < 0)
		emul_log("the file service kept an identity of ours\n");
}

/* proc_ids(op, a, b, c) into *ids; a change is passed on to the ports. */
int emul_ids_op(int op, int a, int b, int c, io_ids_t *ids)
{
	int v[8];
	int r = emul_errno(proc_ids(emul.proc, op, a, b, c, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]));

	if (r < 0)
		return r;
	ids->ruid = v[0], ids->euid = v[1], ids->suid = v[2];
	ids->rgid = v[3], ids->egid = v[4], ids->sgid = v[5];
	ids->fsuid = v[6], ids->fsgid = v[7];
	if (op != PROC_IDS_GET && op != PROC_IDS_EXEC)
		reauth(ids);
	return 0;
}

/*
 * setfsuid/setfsgid (fs_uid: which; id: -1 only asks): the old id,
 * whatever happened (Linux's answer; the proc service judges the
 * change, which it may refuse silently).  Nothing is asked to change
 * when id is the present one.
 */
static int set_fs_id(int fs_uid, int id)
{
	io_ids_t ids;
	int r = emul_ids_op(PROC_IDS_GET, 0, 0, 0, &ids);

	if (r < 0)
		return r;
	uint32_t old = fs_uid ? ids.fsuid : ids.fsgid;
	if (id != -1 && (uint32_t)id != old)
		emul_ids_op(fs_uid ? PROC_IDS_SETFSUID : PROC_IDS_SETFSGID, id, 0, 0, &ids);
	return (int)old;
}

void emul_ids_follow(void)
{
	io_ids_t ids;

	if (emul_ids_op(PROC_IDS_GET, 0, 0, 0, &ids) == 0)
		reauth(&ids);
}

/* getresuid/getresgid: three ids to the program, 16 or 32 bits each. */
static int put_three(uint32_t ua, uint32_t ub, uint32_t uc, const uint32_t v[3], int bits16)
{
	uint32_t addr[3] = {ua, ub, uc};
	for (int i = 0; i < 3; i++) {
		int r;
		if (bits16) {
			uint16_t x = (uint16_t)low16((int)v[i]);
			r = emul_copyout(addr[i], &x, sizeof(x));
		} else {
			r = emul_copyout(addr[i], &v[i], sizeof(v[i]));
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int sys_getgroups(int size, uint32_t ulist, int bits16)
{
	int groups[PROC_NGROUPS_MAX];
	mach_msg_type_number_t n = PROC_NGROUPS_MAX;
	int r = emul_errno(proc_getgroups(emul.proc, groups, &n));

	if (r < 0)
		return r;
	if (size < 0)
		return -LINUX_EINVAL;
	if (size == 0)
		return (int)n;
	if ((unsigned)size < n)
		return -LINUX_EINVAL;
	for (unsigned i = 0; i < n; i++) {
		uint16_t g16 = (uint16_t)low16(groups[i]);
		r = bits16 ? emul_copyout(ulist + 2 * i, &g16, 2) : emul_copyout(ulist + 4 * i, &groups[i], 4);
		if (r < 0)
			return r;
	}
	return (int)n;
}

static int sys_setgroups(int size, uint32_t ulist, int bits16)
{
	int groups[PROC_NGROUPS_MAX];
	io_ids_t ids;

	if (size < 0 || size > PROC_NGROUPS_MAX)
		return -LINUX_EINVAL;
	for (int i = 0; i < size; i++) {
		uint16_t g16;
		int r = bits16 ? emul_copyin(&g16, ulist + 2 * i, 2) : emul_copyin(&groups[i], ulist + 4 * i, 4);
		if (r < 0)
			return r;
		if (bits16)
			groups[i] = g16;
	}
	int r = emul_errno(proc_setgroups(emul.proc, groups, size));
	if (r < 0)
		return r;
	r = emul_ids_op(PROC_IDS_GET, 0, 0, 0, &ids);
	if (r == 0)
		reauth(&ids);
	return r;
}

int sys_cred(int nr, uint32_t a, uint32_t b, uint32_t c)
{
	io_ids_t ids;
	int r, bits16 = 0;

	switch (nr) {
	case NR_getuid:
	case NR_geteuid:
	case NR_getgid:
	case NR_getegid:
		bits16 = 1;
		/* fall through */
	case NR_getuid32:
	case NR_geteuid32:
	case NR_getgid32:
	case NR_getegid32:
		if ((r = emul_ids_op(PROC_IDS_GET, 0, 0, 0, &ids)) < 0)
			return r;
		r = (int)(nr == NR_getuid || nr == NR_getuid32     ? ids.ruid
			  : nr == NR_geteuid || nr == NR_geteuid32 ? ids.euid
			  : nr == NR_getgid || nr == NR_getgid32   ? ids.rgid
								   : ids.egid);
		return bits16 ? (int)low16(r) : r;
	case NR_getresuid:
	case NR_getresgid:
		bits16 = 1;
		/* fall through */
	case NR_getresuid32:
	case NR_getresgid32:
		if ((r = emul_ids_op(PROC_IDS_GET, 0, 0, 0, &ids)) < 0)
			return r;
		if (nr == NR_getresuid || nr == NR_getresuid32)
			return put_three(a, b, c, (uint32_t[3]){ids.ruid, ids.euid, ids.suid}, bits16);
		return put_three(a, b, c, (uint32_t[3]){ids.rgid, ids.egid, ids.sgid}, bits16);
	case NR_setuid:
		return emul_ids_op(PROC_IDS_SETUID, id16(a), 0, 0, &ids);
	case NR_setuid32:
		return emul_ids_op(PROC_IDS_SETUID, (int)a, 0, 0, &ids);
	case NR_setgid:
		return emul_ids_op(PROC_IDS_SETGID, id16(a), 0, 0, &ids);
	case NR_setgid32:
		return emul_ids_op(PROC_IDS_SETGID, (int)a, 0, 0, &ids);
	case NR_setreuid:
		return emul_ids_op(PROC_IDS_SETREUID, id16(a), id16(b), 0, &ids);
	case NR_setreuid32:
		return emul_ids_op(PROC_IDS_SETREUID, (int)a, (int)b, 0, &ids);
	case NR_setregid:
		return emul_ids_op(PROC_IDS_SETREGID, id16(a), id16(b), 0, &ids);
	case NR_setregid32:
		return emul_ids_op(PROC_IDS_SETREGID, (int)a, (int)b, 0, &ids);
	case NR_setresuid:
		return emul_ids_op(PROC_IDS_SETRESUID, id16(a), id16(b), id16(c), &ids);
	case NR_setresuid32:
		return emul_ids_op(PROC_IDS_SETRESUID, (int)a, (int)b, (int)c, &ids);
	case NR_setresgid:
		return emul_ids_op(PROC_IDS_SETRESGID, id16(a), id16(b), id16(c), &ids);
	case NR_setresgid32:
		return emul_ids_op(PROC_IDS_SETRESGID, (int)a, (int)b, (int)c, &ids);
	case NR_setfsuid:
	case NR_setfsgid:
		r = set_fs_id(nr == NR_setfsuid, id16(a));
		return r < 0 ? r : (int)low16(r);
	case NR_setfsuid32:
	case NR_setfsgid32:
		return set_fs_id(nr == NR_setfsuid32, (int)a);
	case NR_getgroups:
		return sys_getgroups((int)a, b, 1);
	case NR_getgroups32:
		return sys_getgroups((int)a, b, 0);
	case NR_setgroups:
		return sys_setgroups((int)a, b, 1);
	case NR_setgroups32:
		return sys_setgroups((int)a, b, 0);
	default:
		return -LINUX_ENOSYS;
	}
}
