/* The file services set up in one call (unixfiles.h). */
#include "../fs/vfs.h"
#include "../ramfs/ramfs.h"
#include "../procfs/procfs.h"
#include "../pipe/unixpipe.h"
#include "unixfiles.h"

/* st_dev of the file systems: the two RAM ones and /proc. */
#define UNIXFILES_ROOT_DEV 1
#define UNIXFILES_TMP_DEV 2
#define UNIXFILES_PROC_DEV 3
#define UNIXFILES_TMP_MODE 01777

/* /proc, fed by the proc service's info port. */
static int unixfiles_mount_proc(struct vnode *root, const struct unixfiles_config *config)
{
	struct vfs_mount *procfs = procfs_create(UNIXFILES_PROC_DEV, config->proc_info, config->device_master);
	struct vnode *dir = NULL;
	int rc;

	if (procfs == NULL)
		return LINUX_ENOMEM;
	rc = vfs_mkdir_path(root, "/proc", 0555, 0, 0);
	if (rc == 0 || rc == LINUX_EEXIST)
		rc = vfs_lookup_path(root, "/proc", &dir);
	if (rc != 0)
		return rc;
	rc = vfs_mount(dir, procfs);
	vfs_rele(dir);
	return rc;
}

int unixfiles_init(const struct unixfiles_config *config, struct unixfiles_ports *ports)
{
	struct vfs_mount *rootfs, *tmpfs;
	struct vnode *tmp = NULL;
	int rc = 0, archive_rc = 0;

	if (unixio_init(config->port_set) != KERN_SUCCESS)
		return LINUX_EINVAL;
	cthread_mutex_lock(&unixio_lock);
	ports->archive_entries = 0;
	vfs_init();
	rootfs = ramfs_create(UNIXFILES_ROOT_DEV);
	tmpfs = ramfs_create(UNIXFILES_TMP_DEV);
	if (rootfs == NULL || tmpfs == NULL) {
		rc = LINUX_ENOMEM;
		goto out;
	}
	rootfs->source = "rootfs";
	tmpfs->source = "tmpfs";
	vfs_mount(NULL, rootfs);
	if (config->archive != NULL)
		archive_rc = ramfs_load_cpio(rootfs->root, config->archive, config->archive_size,
					     &ports->archive_entries);
	rc = vfs_populate_dev(rootfs->root);
	if (rc != 0)
		goto out;
	/* /tmp: a file system of its own, so part 2 can put ext2 at / and keep it in RAM. */
	rc = vfs_mkdir_path(rootfs->root, "/tmp", UNIXFILES_TMP_MODE, 0, 0);
	if (rc == 0 || rc == LINUX_EEXIST)
		rc = vfs_lookup_path(rootfs->root, "/tmp", &tmp);
	if (rc != 0)
		goto out;
	tmpfs->root->mode = IO_S_IFDIR | UNIXFILES_TMP_MODE;
	rc = vfs_mount(tmp, tmpfs);
	vfs_rele(tmp);
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
	if (config->device_master != MACH_PORT_NULL) {
		if (unixtty_init(config->device_master, config->signal) != KERN_SUCCESS) {
			rc = LINUX_ENXIO;
			goto out;
		}
		vfs_register_device(UNIXFILES_TTY_RDEV, unixtty_open, (void *) (uintptr_t) UNIXFILES_TTY_RDEV);
		vfs_register_device(UNIXFILES_CONSOLE_RDEV, unixtty_open,
				    (void *) (uintptr_t) UNIXFILES_CONSOLE_RDEV);
	}
out:
	cthread_mutex_unlock(&unixio_lock);
	return rc != 0 ? rc : archive_rc;
}
