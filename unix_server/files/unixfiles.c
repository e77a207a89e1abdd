/* The file services set up in one call (unixfiles.h). */
#include <stdio.h>
#include <mach/mach_host.h>
#include "../fs/vfs.h"
#include "../ramfs/ramfs.h"
#include "../procfs/procfs.h"
#include "../pipe/unixpipe.h"
#include "../ext2/ext2_vfs.h"
#include "../tty/devpts.h"
#include "unixfiles.h"

/* st_dev of the file systems: /, the RAM ones on /tmp and /dev, /proc. */
#define UNIXFILES_ROOT_DEV 1
#define UNIXFILES_TMP_DEV 2
#define UNIXFILES_DEV_DEV 3
#define UNIXFILES_PROC_DEV 4
#define UNIXFILES_PTS_DEV 5
#define UNIXFILES_TMP_MODE 01777
#define UNIXFILES_DEV_MODE 0755
/* Periodic write-back: how often the flusher thread syncs. */
#define UNIXFILES_SYNC_SECONDS 5
/* At shutdown, with every process ended: how long the kernel may take to
 * end mapped files' objects (it returns their modified pages first; a
 * loaded host slows that).  Only a bug reaches this bound. */
#define UNIXFILES_PAGER_WAIT_MS 60000
#define UNIXFILES_PAGER_POLL_MS 20
/* Threads of the VFS's own port set (one works at a time: vfs_lock). */
#define UNIXFILES_VFS_THREADS 2

static void *unixfiles_vfs_thread(void *arg)
{
	(void) arg;
	mach_msg_server(unixio_demux, UNIXIO_MSG_MAX, vfs_port_set);
	return NULL;
}

/*
 * With a disk, the VFS's ports get a port set and threads of their own:
 * a request waiting for vfs_lock (behind a disk transfer) then holds
 * one of those, never one of the server's threads that serve pipes,
 * the terminal and proc.
 */
static void unixfiles_vfs_threads(void)
{
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &vfs_port_set) != KERN_SUCCESS) {
		vfs_port_set = MACH_PORT_NULL;
		return;
	}
	for (int i = 0; i < UNIXFILES_VFS_THREADS; i++) {
		cthread_t t;
		if (cthread_create(&t, unixfiles_vfs_thread, NULL) == KERN_SUCCESS)
			cthread_detach(t);
	}
}

/* /tmp's limit: this part of the machine's memory, as Linux's tmpfs
 * (a RAM file's room grows by realloc, which briefly holds the old room
 * and the new: without a default pager, growing one file of nearly the
 * limit needs 3/4 of the memory). */
#define UNIXFILES_TMP_MEMORY_DIVISOR 2

/* A RAM file system on path (made in root if missing), with mode, and
 * at most limit bytes of file data (0: no limit). */
static int unixfiles_mount_at(struct vnode *root, const char *path, uint32_t mode, struct vfs_mount *m);

static int unixfiles_mount_ram(struct vnode *root, const char *path, uint64_t dev, uint32_t mode, const char *source,
			       uint64_t limit)
{
	struct vfs_mount *m = ramfs_create(dev);

	if (m == NULL)
		return LINUX_ENOMEM;
	m->source = source;
	ramfs_set_limit(m, limit);
	m->root->mode = IO_S_IFDIR | mode;
	return unixfiles_mount_at(root, path, mode, m);
}

/* Mount m (NULL: out of memory) on path, made with mode if missing. */
static int unixfiles_mount_at(struct vnode *root, const char *path, uint32_t mode, struct vfs_mount *m)
{
	struct vnode *dir = NULL;
	int rc;

	if (m == NULL)
		return LINUX_ENOMEM;
	rc = vfs_mkdir_path(root, path, mode, 0, 0);
	if (rc == 0 || rc == LINUX_EEXIST)
		rc = vfs_lookup_path(root, path, &dir);
	if (rc != 0)
		return rc;
	rc = vfs_mount(dir, m);
	vfs_rele(dir);
	return rc;
}

/* The machine's memory in bytes (0 if the kernel does not say). */
static uint64_t unixfiles_memory(void)
{
	struct host_basic_info hb;
	mach_msg_type_number_t n = HOST_BASIC_INFO_COUNT;
	mach_port_t host = mach_host_self();
	kern_return_t kr = host_info(host, HOST_BASIC_INFO, (host_info_t) &hb, &n);

	mach_port_deallocate(mach_task_self(), host);
	return kr == KERN_SUCCESS ? hb.memory_size : 0;
}

/* The root file system: ext2 on config->root_device, else (or if that
 * fails: ports->root_error says why) a RAM file system from the archive. */
static struct vfs_mount *unixfiles_root(const struct unixfiles_config *config, struct unixfiles_ports *ports,
					int *archive_rc)
{
	struct vfs_mount *m;

	if (config->root_device != NULL) {
		m = ext2_vfs_open(config->device_master, config->root_device, UNIXFILES_ROOT_DEV, 0,
				  &ports->root_error);
		if (m != NULL) {
			static char source[IO_NAME_MAX + 1];
			snprintf(source, sizeof(source), "/dev/%s", config->root_device);
			m->source = source;
			ports->root_on_disk = 1;
			return m;
		}
	}
	m = ramfs_create(UNIXFILES_ROOT_DEV);
	if (m != NULL)
		m->source = "rootfs";
	if (m != NULL && config->archive != NULL)
		*archive_rc = ramfs_load_cpio(m->root, config->archive, config->archive_size, &ports->archive_entries);
	return m;
}

/* /proc, fed by the proc service's info port. */
static int unixfiles_mount_proc(struct vnode *root, const struct unixfiles_config *config)
{
	return unixfiles_mount_at(root, "/proc", 0555,
				  procfs_create(UNIXFILES_PROC_DEV, config->proc_info, config->device_master,
						config->device_master != MACH_PORT_NULL ? unixtty_owner : NULL));
}

/* FIFOs' pipes come from the pipe service. */
static const struct vfs_fifo_ops unixfiles_fifo_ops = {
	.open = unixpipe_fifo_open,
	.changed = unixpipe_fifo_changed,
	.forget = unixpipe_fifo_forget,
};

int unixfiles_init(const struct unixfiles_config *config, struct unixfiles_ports *ports)
{
	struct vfs_mount *rootfs;
	int rc = 0, archive_rc = 0;

	if (unixio_init(config->port_set) != KERN_SUCCESS)
		return LINUX_EINVAL;
	if (config->root_device != NULL)
		unixfiles_vfs_threads();
	cthread_mutex_lock(&vfs_lock);
	cthread_mutex_lock(&unixio_lock);
	ports->archive_entries = 0;
	ports->root_error = 0;
	ports->root_on_disk = 0;
	vfs_init();
	rootfs = unixfiles_root(config, ports, &archive_rc);
	if (rootfs == NULL) {
		rc = LINUX_ENOMEM;
		goto out;
	}
	rc = vfs_mount(NULL, rootfs);
	/* /tmp and /dev: file systems of their own, in RAM whatever / is. */
	if (rc == 0)
		rc = unixfiles_mount_ram(rootfs->root, "/tmp", UNIXFILES_TMP_DEV, UNIXFILES_TMP_MODE, "tmpfs",
					 unixfiles_memory() / UNIXFILES_TMP_MEMORY_DIVISOR);
	if (rc == 0)
		rc = unixfiles_mount_ram(rootfs->root, "/dev", UNIXFILES_DEV_DEV, UNIXFILES_DEV_MODE, "devtmpfs", 0);
	if (rc == 0)
		rc = vfs_populate_dev(rootfs->root);
	if (rc != 0)
		goto out;
	if (MACH_PORT_VALID(config->proc_info) && (rc = unixfiles_mount_proc(rootfs->root, config)) != 0)
		goto out;
	ports->root = vfs_root_port(rootfs->root, &unixio_root_cred);
	if (ports->root == MACH_PORT_NULL) {
		rc = LINUX_ENOMEM;
		goto out;
	}
	if (unixpipe_init(&ports->pipes) != KERN_SUCCESS) {
		rc = LINUX_ENOMEM;
		goto out;
	}
	vfs_register_fifo(&unixfiles_fifo_ops);
	/* Terminals: pseudo-terminals always, the console with a device. */
	if (unixtty_init(config->device_master, config->tty_procs) != KERN_SUCCESS) {
		rc = LINUX_ENXIO;
		goto out;
	}
	vfs_register_device(UNIXFILES_TTY_RDEV, unixtty_open, (void *) (uintptr_t) UNIXFILES_TTY_RDEV);
	vfs_register_device(UNIXFILES_CONSOLE_RDEV, unixtty_open, (void *) (uintptr_t) UNIXFILES_CONSOLE_RDEV);
	vfs_register_device(UNIXTTY_PTMX_RDEV, unixtty_ptmx_open, NULL);
	vfs_register_major(UNIXTTY_PTS_MAJOR, unixtty_pts_open);
	/* /dev/pts: the pseudo-terminals' slaves. */
	rc = unixfiles_mount_at(rootfs->root, "/dev/pts", UNIXFILES_DEV_MODE, devpts_create(UNIXFILES_PTS_DEV));
out:
	cthread_mutex_unlock(&unixio_lock);
	cthread_mutex_unlock(&vfs_lock);
	return rc != 0 ? rc : archive_rc;
}

int unixfiles_sync(void)
{
	cthread_mutex_lock(&vfs_lock);
	cthread_mutex_lock(&unixio_lock);
	int rc = vfs_sync_all();
	cthread_mutex_unlock(&unixio_lock);
	cthread_mutex_unlock(&vfs_lock);
	return rc;
}

/* A sleep of ms milliseconds: a receive on port, where nothing is sent. */
static void unixfiles_sleep(mach_port_t port, unsigned ms)
{
	mach_msg_header_t m;

	mach_msg(&m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port, ms, MACH_PORT_NULL);
}

static void *unixfiles_flusher(void *arg)
{
	mach_port_t port;

	(void) arg;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS)
		return NULL;
	for (;;) {
		unixfiles_sleep(port, UNIXFILES_SYNC_SECONDS * 1000);
		unixfiles_sync();
	}
	return NULL;
}

void unixfiles_start_flusher(void)
{
	cthread_t t;

	if (cthread_create(&t, unixfiles_flusher, NULL) == KERN_SUCCESS)
		cthread_detach(t);
}

int unixfiles_shutdown(void)
{
	mach_port_t port;

	/* The processes are gone (the caller ended them), but the kernel
	 * ends their mapped files' objects after them: each object's
	 * modified pages come back, then its no-senders notification, which
	 * lets its vnode go, may still be on its way to a pager thread, and
	 * that thread needs the locks taken below.  Wait for them first
	 * (bounded: an object that never ends is a bug, reported, and the
	 * unmount answers EBUSY). */
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port) == KERN_SUCCESS) {
		unsigned waited = 0;
		for (; vfs_pager_live() != 0 && waited < UNIXFILES_PAGER_WAIT_MS; waited += UNIXFILES_PAGER_POLL_MS)
			unixfiles_sleep(port, UNIXFILES_PAGER_POLL_MS);
		unsigned live = vfs_pager_live();
		if (live != 0) {
			printf("unix: %u mapped files still live after %u ms\n", live, waited);
			vfs_pager_report();
		}
		mach_port_destroy(mach_task_self(), port);
	}
	/* Both locks stay held: nothing reaches the files after this. */
	cthread_mutex_lock(&vfs_lock);
	cthread_mutex_lock(&unixio_lock);
	return vfs_unmount_all();
}
