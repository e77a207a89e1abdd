/*
 * The VFS as the external pager of its files' memory objects (vfs.h,
 * docs/unix.md "The file service as pager"), through libmach's pager
 * kit.  A regular file that io_map maps gets one memory object (one kit
 * pager, struct vfs_pager) that lives while anyone holds a send right to
 * it: the kernel's proxies of it that io_map hands out (read and
 * execute, or every access for a description open for writing), and
 * while it is mapped, the kernel.  Its no-senders notification ends it.
 *
 * Pages are read with the vnode's read and written back with its write
 * (never past the end: a file never grows by being mapped).  Pages are
 * supplied locked against writing, so the first write to each asks
 * data_unlock: that is how the pager knows the kernel may hold modified
 * pages (dirty), and when to stamp mtime, as Linux does at the first
 * write through a mapping.  Before the VFS reads or changes a file whose
 * object may be dirty it cleans it: a lock_request returning the
 * modified pages and locking them again, waited for.
 *
 * Deadlock rules.  The pager's messages are handled by threads of their
 * own on a port set of their own, one message of an object at a time in
 * the order they came (PAGER_SERIAL), so a lock_completed is seen after
 * the data_returns before it.  Those threads take vfs_lock and
 * unixio_lock (vnode data is under them) and wait for nothing else; a
 * request thread never waits for the kernel or a pager thread while it
 * holds either (a clean waits with both let go, vfs_pager_wait).
 * And no thread of the server ever touches memory these objects back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pager.h>
#include <mach/mach4.h>
#include <mach/mig_support.h>
#include <mach/notify.h>

#include "vfs.h"

#define VFS_PAGER_THREADS 2
#define VFS_PAGER_MSG_MAX 8192
#define VFS_PAGE 4096u
/* A clean covers the whole object, [0, VFS_CLEAN_END): page aligned,
 * wrapping nothing, and the one request with that range, so its
 * lock_completed is known apart from a flush's (those end below it). */
#define VFS_CLEAN_END 0xfffff000u
#define VFS_FLUSH_END (VFS_CLEAN_END - VFS_PAGE)

struct vfs_pager {
	struct pager *pager;
	struct vnode *vn; /* referenced while the pager lives */
	mach_port_t port; /* receive right: the memory object */
	int dirty;	  /* a page was unlocked for writing since the last clean */
	int cleaning;	  /* a clean is under way */
	int users;	  /* threads in vfs_pager_clean: the pager must stay */
	int orphaned;	  /* no senders came meanwhile: the last user ends it */
	unsigned synced;  /* vfs_pager_clean_all's pass that cleaned it */
	struct vfs_pager *next; /* vfs_pagers */
	unsigned cleaned; /* cleans completed (lock_completed) */
	unsigned ended;	  /* terminations (a request sent just before one is lost) */
	cthread_cond_t changed; /* cleaned or ended moved, or cleaning ended */
};

static mach_port_t vfs_pager_set = MACH_PORT_NULL;
static struct vfs_pager *vfs_pagers; /* every live one (the lock held) */
static unsigned vfs_pager_pass;

/* The locks vnode data is under (vfs.h): vfs_lock, then unixio_lock. */
static void vfs_pager_enter(void)
{
	cthread_mutex_lock(&vfs_lock);
	cthread_mutex_lock(&unixio_lock);
}

static void vfs_pager_leave(void)
{
	cthread_mutex_unlock(&unixio_lock);
	cthread_mutex_unlock(&vfs_lock);
}

/* Wait for fp->changed, both locks (held) let go meanwhile. */
static void vfs_pager_wait(struct vfs_pager *fp)
{
	cthread_mutex_unlock(&unixio_lock);
	cthread_cond_wait(&fp->changed, &vfs_lock);
	cthread_mutex_lock(&unixio_lock);
}

static kern_return_t vfs_pager_read(void *ctx, vm_offset_t offset, void *buf, vm_prot_t *lock)
{
	struct vfs_pager *fp = ctx;
	struct vnode *vn = fp->vn;
	kern_return_t kr = KERN_SUCCESS;
	size_t got = 0;

	vfs_pager_enter();
	if (offset >= vn->size) {
		kr = KERN_MEMORY_ERROR; /* wholly past the end: SIGBUS, as Linux */
	} else {
		size_t want = vn->size - offset < VFS_PAGE ? (size_t) (vn->size - offset) : VFS_PAGE;

		if (vn->ops->read(vn, offset, buf, want, &got) != 0)
			kr = KERN_MEMORY_ERROR;
		else
			memset((char *) buf + got, 0, VFS_PAGE - got);
	}
	vfs_pager_leave();
	*lock = VM_PROT_WRITE; /* the first write asks data_unlock */
	return kr;
}

static kern_return_t vfs_pager_write(void *ctx, vm_offset_t offset, const void *buf, boolean_t dirty)
{
	struct vfs_pager *fp = ctx;
	struct vnode *vn = fp->vn;

	if (!dirty)
		return KERN_SUCCESS;
	vfs_pager_enter();
	if (offset < vn->size) {
		size_t done;

		vn->ops->write(vn, offset, buf, vn->size - offset < VFS_PAGE ? (size_t) (vn->size - offset) : VFS_PAGE,
			       &done);
	}
	vfs_pager_leave();
	return KERN_SUCCESS;
}

static kern_return_t vfs_pager_unlock(void *ctx, vm_offset_t offset, vm_size_t length, vm_prot_t access)
{
	struct vfs_pager *fp = ctx;

	(void) offset, (void) length, (void) access;
	vfs_pager_enter();
	fp->dirty = 1;
	vfs_touch(fp->vn, VFS_MTIME | VFS_CTIME);
	vfs_pager_leave();
	return KERN_SUCCESS;
}

static void vfs_pager_lock_completed(void *ctx, vm_offset_t offset, vm_size_t length)
{
	struct vfs_pager *fp = ctx;

	if (offset != 0 || length != VFS_CLEAN_END)
		return; /* a flush: nobody waits for it */
	vfs_pager_enter();
	fp->cleaned++;
	cthread_cond_broadcast(&fp->changed);
	vfs_pager_leave();
}

/*
 * The kernel ended the object (the last mapping went).  A request sent
 * to its control port after that, before this came, is lost with the
 * port: a clean waiting for one stops here (the kernel returned every
 * modified page before it ended, and they came in first).
 */
static void vfs_pager_terminated(void *ctx)
{
	struct vfs_pager *fp = ctx;

	vfs_pager_enter();
	fp->ended++;
	cthread_cond_broadcast(&fp->changed);
	vfs_pager_leave();
}

/* Ask for the no-senders notification of fp's port (to the port itself). */
static kern_return_t vfs_pager_arm(struct vfs_pager *fp)
{
	mach_port_t once, previous;
	mach_msg_type_name_t once_type;
	kern_return_t kr;

	kr = mach_port_extract_right(mach_task_self(), fp->port, MACH_MSG_TYPE_MAKE_SEND_ONCE, &once, &once_type);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = mach_port_request_notification(mach_task_self(), fp->port, MACH_NOTIFY_NO_SENDERS, 1, once, &previous);
	if (kr != KERN_SUCCESS)
		mach_port_deallocate(mach_task_self(), once);
	return kr;
}

/* The object is gone from the vnode (the lock held). */
static void vfs_pager_forget(struct vfs_pager *fp)
{
	struct vfs_pager **pp = &vfs_pagers;

	while (*pp != fp)
		pp = &(*pp)->next;
	*pp = fp->next;
	fp->vn->pager = NULL;
	vfs_rele(fp->vn);
	free(fp);
}

unsigned vfs_pager_live(void)
{
	unsigned n = 0;

	vfs_pager_enter();
	for (struct vfs_pager *fp = vfs_pagers; fp != NULL; fp = fp->next)
		n++;
	vfs_pager_leave();
	return n;
}

void vfs_pager_report(void)
{
	vfs_pager_enter();
	for (struct vfs_pager *fp = vfs_pagers; fp != NULL; fp = fp->next) {
		mach_port_status_t st = {0};

		mach_port_get_receive_status(mach_task_self(), fp->port, &st);
		printf("unix: mapped file: inode %llu of %s: %u send rights (made %u), %d cleans waiting, "
		       "dirty %d, orphaned %d, ended %u times\n",
		       (unsigned long long) fp->vn->ino, fp->vn->mount->source != NULL ? fp->vn->mount->source : fp->vn->mount->type, (unsigned) st.mps_srights,
		       (unsigned) st.mps_mscount, fp->users, fp->dirty, fp->orphaned, fp->ended);
	}
	vfs_pager_leave();
}

static boolean_t vfs_pager_no_senders(void *ctx)
{
	struct vfs_pager *fp = ctx;
	mach_port_status_t status;
	boolean_t gone = FALSE;

	vfs_pager_enter();
	/* io_map may have handed out a new right since (it runs under the lock). */
	if (mach_port_get_receive_status(mach_task_self(), fp->port, &status) == KERN_SUCCESS && status.mps_srights) {
		vfs_pager_arm(fp);
	} else if (fp->users > 0) {
		fp->orphaned = 1;
	} else {
		vfs_pager_forget(fp);
		gone = TRUE;
	}
	vfs_pager_leave();
	return gone;
}

static const struct pager_ops vfs_pager_ops = {
	.read = vfs_pager_read,
	.write = vfs_pager_write,
	.unlock = vfs_pager_unlock,
	.lock_completed = vfs_pager_lock_completed,
	.terminated = vfs_pager_terminated,
	.no_senders = vfs_pager_no_senders,
};

static cthread_mutex_t vfs_pager_start_lock = CTHREAD_MUTEX_INITIALIZER;
static cthread_cond_t vfs_pager_started_cond = CTHREAD_COND_INITIALIZER;
static int vfs_pager_started;

static void *vfs_pager_thread(void *arg)
{
	(void) arg;
	/* Its reply port (for the kernel calls it makes) now, not at the
	 * first mapping: the server's names stay as they were once that ends. */
	mig_get_reply_port();
	cthread_mutex_lock(&vfs_pager_start_lock);
	vfs_pager_started++;
	cthread_cond_broadcast(&vfs_pager_started_cond);
	cthread_mutex_unlock(&vfs_pager_start_lock);
	mach_msg_server(pager_demux, VFS_PAGER_MSG_MAX, vfs_pager_set);
	return NULL;
}

kern_return_t vfs_pager_init(void)
{
	kern_return_t kr;

	if (vfs_pager_set != MACH_PORT_NULL)
		return KERN_SUCCESS;
	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &vfs_pager_set);
	int n = 0;
	for (; kr == KERN_SUCCESS && n < VFS_PAGER_THREADS; n++) {
		cthread_t t;

		kr = cthread_create(&t, vfs_pager_thread, NULL);
		if (kr == KERN_SUCCESS)
			cthread_detach(t);
	}
	cthread_mutex_lock(&vfs_pager_start_lock);
	while (vfs_pager_started < n - (kr != KERN_SUCCESS))
		cthread_cond_wait(&vfs_pager_started_cond, &vfs_pager_start_lock);
	cthread_mutex_unlock(&vfs_pager_start_lock);
	return kr;
}

/* vn's pager, made if it has none (the lock held). */
static struct vfs_pager *vfs_pager_of(struct vnode *vn)
{
	struct vfs_pager *fp = vn->pager;

	if (fp != NULL)
		return fp;
	fp = calloc(1, sizeof(*fp));
	if (fp == NULL)
		return NULL;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &fp->port) != KERN_SUCCESS) {
		free(fp);
		return NULL;
	}
	cthread_cond_init(&fp->changed);
	fp->pager = pager_adopt(&vfs_pager_ops, fp, PAGER_SERIAL, fp->port, MACH_PORT_NULL);
	if (fp->pager == NULL || vfs_pager_arm(fp) != KERN_SUCCESS ||
	    mach_port_move_member(mach_task_self(), fp->port, vfs_pager_set) != KERN_SUCCESS) {
		if (fp->pager != NULL)
			pager_destroy(fp->pager); /* the port with it */
		else
			mach_port_destroy(mach_task_self(), fp->port);
		free(fp);
		return NULL;
	}
	fp->vn = vn;
	vfs_ref(vn);
	vn->pager = fp;
	fp->next = vfs_pagers;
	vfs_pagers = fp;
	return fp;
}

/*
 * A proxy of fp's object with at most max access (a send right in
 * *proxy).  Programs get only these, never the object's own port, which
 * would let them map the file with any access, whatever they opened it
 * for, and send the pager requests as if they were the kernel.  The
 * proxy holds a send right to the object while it lives.
 */
static kern_return_t vfs_pager_proxy(struct vfs_pager *fp, vm_prot_t max, mach_port_t *proxy)
{
	mach_port_t object = fp->port;
	vm_offset_t zero = 0;
	vm_size_t whole = ~(vm_size_t) 0;
	kern_return_t kr;

	*proxy = MACH_PORT_NULL;
	kr = mach_port_insert_right(mach_task_self(), fp->port, fp->port, MACH_MSG_TYPE_MAKE_SEND);
	if (kr != KERN_SUCCESS)
		return kr;
	/* Moves the right: the proxy's on success, destroyed otherwise. */
	return memory_object_create_proxy(mach_task_self(), max, &object, 1, &zero, 1, &zero, 1, &whole, 1, proxy);
}

int vfs_pager_map(struct io_open *o, mach_port_t *rdobj, mach_port_t *wrobj)
{
	struct vnode *vn = o->obj;
	struct vfs_pager *fp;

	/* Files whose size says nothing of their contents (/proc's) cannot be paged. */
	if (!VFS_ISREG(vn) || vn->ops->unsized)
		return LINUX_ENODEV;
	if (!unixio_readable(o))
		return LINUX_EACCES; /* Linux: every mapping needs read access */
	fp = vfs_pager_of(vn);
	if (fp == NULL)
		return LINUX_ENOMEM;
	/* Proxies of one object: every mapping of the file shares its pages.
	 * rdobj reads and executes (and makes private copies); wrobj, for a
	 * description open for writing, may write too. */
	if (vfs_pager_proxy(fp, VM_PROT_READ | VM_PROT_EXECUTE, rdobj) != KERN_SUCCESS)
		return LINUX_ENOMEM;
	if (unixio_writable(o) && vfs_pager_proxy(fp, VM_PROT_ALL, wrobj) != KERN_SUCCESS) {
		mach_port_deallocate(mach_task_self(), *rdobj);
		*rdobj = MACH_PORT_NULL;
		return LINUX_ENOMEM;
	}
	/* Its no-senders came while a clean kept it: it lives on. */
	if (fp->orphaned) {
		fp->orphaned = 0;
		vfs_pager_arm(fp);
	}
	return 0;
}

void vfs_pager_clean(struct io_open *o, struct vnode *vn, int tries)
{
	struct vfs_pager *fp = vn->pager;

	if (fp == NULL || !fp->dirty)
		return;
	if (o != NULL)
		unixio_pin(o);
	fp->users++;
	while (fp->cleaning)
		vfs_pager_wait(fp);
	fp->cleaning = 1;
	while (fp->dirty && !fp->orphaned && tries-- > 0) {
		unsigned cleaned = fp->cleaned, ended = fp->ended;

		fp->dirty = 0;
		if (pager_lock_request(fp->pager, 0, VFS_CLEAN_END, MEMORY_OBJECT_RETURN_DIRTY, FALSE, VM_PROT_WRITE,
				       FALSE) != KERN_SUCCESS)
			break; /* no object in the kernel (any more): nothing to clean */
		/* The lock let go: the pager threads write the pages back. */
		while (fp->cleaned == cleaned && fp->ended == ended)
			vfs_pager_wait(fp);
	}
	fp->cleaning = 0;
	cthread_cond_broadcast(&fp->changed);
	if (--fp->users == 0 && fp->orphaned) {
		pager_destroy(fp->pager);
		vfs_pager_forget(fp);
	}
	if (o != NULL)
		unixio_unpin(o);
}

void vfs_pager_clean_all(void)
{
	unsigned pass = ++vfs_pager_pass;

	/* Each once: the list may change while a clean lets the lock go. */
	for (;;) {
		struct vfs_pager *fp = vfs_pagers;

		while (fp != NULL && (fp->synced == pass || !fp->dirty || fp->orphaned))
			fp = fp->next;
		if (fp == NULL)
			return;
		fp->synced = pass;
		vfs_pager_clean(NULL, fp->vn, 1);
	}
}

void vfs_pager_flush(struct vnode *vn, uint64_t off, uint64_t len)
{
	struct vfs_pager *fp = vn->pager;
	vm_offset_t start = off & ~(uint64_t) (VFS_PAGE - 1);
	uint64_t end = len == 0 || off + len > VFS_FLUSH_END ? VFS_FLUSH_END : off + len;

	if (fp == NULL || off >= VFS_FLUSH_END)
		return;
	end = (end + VFS_PAGE - 1) & ~(uint64_t) (VFS_PAGE - 1);
	/* The kernel drops them at once; only the answer comes later. */
	pager_lock_request(fp->pager, start, (vm_size_t) (end - start), MEMORY_OBJECT_RETURN_NONE, TRUE, VM_PROT_NONE,
			   FALSE);
}
