/*
 * The boot archive loader: newc cpio ("070701"), as `cpio -H newc`
 * writes it.  Each entry is a 110-byte header of ASCII hex fields, the
 * name (namesize bytes with its NUL), padding to 4 bytes, the data
 * (filesize bytes: file contents or a symlink's target), padding to 4.
 * "TRAILER!!!" ends it.  Every field is checked against the archive's
 * size before it is used.
 */
#include <stdlib.h>
#include <string.h>

#include "ramfs.h"

#define CPIO_MAGIC "070701"
#define CPIO_HEADER 110
#define CPIO_FIELDS 13
#define CPIO_TRAILER "TRAILER!!!"
/* Hard-linked files remembered by (inode number in the archive). */
#define CPIO_LINKS_MAX 256

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR,
       F_NAMESIZE, F_CHECK };

struct cpio_link {
	uint32_t ino;
	struct vnode *vn; /* referenced */
};

static size_t cpio_align4(size_t n)
{
	return (n + 3) & ~(size_t) 3;
}

static int cpio_hex(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return LINUX_EINVAL;
	}
	*out = v;
	return 0;
}

/* "./a/b", "/a/b", "a/b" -> "/a/b"; "." and "" -> NULL (the root itself). */
static const char *cpio_path(const char *name, char *buf, size_t size)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	if (name[0] == '\0' || (name[0] == '.' && name[1] == '\0'))
		return NULL;
	if (strlen(name) + 2 > size)
		return NULL;
	buf[0] = '/';
	strcpy(buf + 1, name);
	return buf;
}

/* mkdir -p of path's parents. */
static int cpio_parents(struct vnode *root, const char *path)
{
	char buf[IO_PATH_MAX];
	char *slash;
	int rc;

	strcpy(buf, path);
	for (slash = strchr(buf + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		rc = vfs_mkdir_path(root, buf, 0755, 0, 0);
		*slash = '/';
		if (rc != 0 && rc != LINUX_EEXIST)
			return rc;
	}
	return 0;
}

/* A file's data, all of it. */
static int cpio_write(struct vnode *vn, const char *data, size_t size)
{
	size_t done;
	int rc = vn->ops->write(vn, 0, data, size, &done);

	return rc == 0 && done < size ? LINUX_EIO : rc;
}

static int cpio_entry(struct vnode *root, const uint32_t *f, const char *path, const char *data,
		      struct cpio_link *links, unsigned *nlinks)
{
	uint32_t type = f[F_MODE] & IO_S_IFMT, perm = f[F_MODE] & IO_S_PERM;
	struct vnode *vn = NULL;
	unsigned i;
	int rc;

	rc = cpio_parents(root, path);
	if (rc != 0)
		return rc;
	switch (type) {
	case IO_S_IFDIR:
		rc = vfs_create_path(root, path, IO_S_IFDIR | perm, 0, NULL, f[F_UID], f[F_GID], &vn);
		if (rc == LINUX_EEXIST) {
			/* Made earlier as a parent: now it gets its own attributes. */
			return 0;
		}
		break;
	case IO_S_IFREG:
		for (i = 0; f[F_NLINK] > 1 && i < *nlinks; i++)
			if (links[i].ino == f[F_INO])
				break;
		if (f[F_NLINK] > 1 && i < *nlinks) {
			/* Another name of a file seen before; newc puts the data on the last. */
			vn = links[i].vn;
			rc = vfs_link_vnode(root, vn, path);
			if (rc == 0 && f[F_FILESIZE] > 0)
				rc = cpio_write(vn, data, f[F_FILESIZE]);
			return rc;
		}
		rc = vfs_create_path(root, path, IO_S_IFREG | perm, 0, NULL, f[F_UID], f[F_GID], &vn);
		if (rc == 0 && f[F_FILESIZE] > 0)
			rc = cpio_write(vn, data, f[F_FILESIZE]);
		if (rc == 0 && f[F_NLINK] > 1 && *nlinks < CPIO_LINKS_MAX) {
			links[*nlinks].ino = f[F_INO];
			links[*nlinks].vn = vn;
			vfs_ref(vn);
			(*nlinks)++;
		}
		break;
	case IO_S_IFLNK: {
		char target[IO_PATH_MAX];

		if (f[F_FILESIZE] == 0 || f[F_FILESIZE] >= IO_PATH_MAX)
			return LINUX_EINVAL;
		memcpy(target, data, f[F_FILESIZE]);
		target[f[F_FILESIZE]] = '\0';
		rc = vfs_create_path(root, path, IO_S_IFLNK | 0777, 0, target, f[F_UID], f[F_GID], &vn);
		break;
	}
	case IO_S_IFCHR:
	case IO_S_IFBLK:
	case IO_S_IFIFO:
		rc = vfs_create_path(root, path, type | perm, VFS_MKDEV(f[F_RDEVMAJOR], f[F_RDEVMINOR]), NULL,
				     f[F_UID], f[F_GID], &vn);
		break;
	default:
		return LINUX_EINVAL;
	}
	if (rc == LINUX_EEXIST)
		return 0; /* /dev/null made already, say: keep the first */
	if (rc != 0) {
		if (vn != NULL)
			vfs_rele(vn);
		return rc;
	}
	vn->mtime.sec = f[F_MTIME];
	vn->mtime.nsec = 0;
	vfs_rele(vn);
	return 0;
}

int ramfs_load_cpio(struct vnode *root, const void *archive, size_t size, unsigned *count)
{
	const char *a = archive;
	struct cpio_link *links = calloc(CPIO_LINKS_MAX, sizeof(*links));
	unsigned nlinks = 0, i;
	size_t at = 0;
	int rc = 0;

	*count = 0;
	if (links == NULL)
		return LINUX_ENOMEM;
	for (;;) {
		uint32_t f[CPIO_FIELDS];
		const char *name, *data, *path;
		char pathbuf[IO_PATH_MAX];
		size_t data_at;
		int k;

		if (size - at < CPIO_HEADER || memcmp(a + at, CPIO_MAGIC, 6) != 0) {
			rc = LINUX_EINVAL;
			break;
		}
		for (k = 0; k < CPIO_FIELDS; k++) {
			rc = cpio_hex(a + at + 6 + 8 * k, &f[k]);
			if (rc != 0)
				break;
		}
		if (rc != 0)
			break;
		name = a + at + CPIO_HEADER;
		if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > IO_PATH_MAX || f[F_NAMESIZE] > size - at - CPIO_HEADER ||
		    name[f[F_NAMESIZE] - 1] != '\0' || strlen(name) + 1 != f[F_NAMESIZE]) {
			rc = LINUX_EINVAL;
			break;
		}
		data_at = cpio_align4(at + CPIO_HEADER + f[F_NAMESIZE]);
		if (data_at > size || f[F_FILESIZE] > size - data_at) {
			rc = LINUX_EINVAL;
			break;
		}
		data = a + data_at;
		if (strcmp(name, CPIO_TRAILER) == 0)
			break;
		path = cpio_path(name, pathbuf, sizeof(pathbuf));
		if (path != NULL) {
			rc = cpio_entry(root, f, path, data, links, &nlinks);
			if (rc != 0)
				break;
			(*count)++;
		}
		at = cpio_align4(data_at + f[F_FILESIZE]);
		if (at > size) {
			rc = LINUX_EINVAL;
			break;
		}
	}
	for (i = 0; i < nlinks; i++)
		vfs_rele(links[i].vn);
	free(links);
	return rc;
}
