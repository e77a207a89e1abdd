/*
 * ext2 as the root file system of the VFS, in the guest (test/ext2/
 * guest.sh boots it after ext2guest, on the same disk): hd0s1 mounted
 * through ext2_vfs_open, served by the test server's threads (test/
 * unixfs/server.c) and spoken to through fs.defs and io.defs as the
 * emulation library will; then unmounted (clean) for the host to check
 * with e2fsck and debugfs.  argv[1]: the device master port.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include <servers/io.h>
#include <servers/fs.h>

#include "../../unix_server/io/unixio.h"
#include "../../unix_server/fs/vfs.h"
#include "../../unix_server/ext2/ext2_vfs.h"
#include "../user/tap.h"
#include "../user/util.h"
#include "../unixfs/server.h"

#define BIG (1u << 20)
#define CHUNK (64u * 1024)
#define MANY 200

static mach_port_t root;
static mach_msg_type_name_t poly;

static mach_port_t op(const char *path, int flags, int mode, int *err)
{
	mach_port_t p = MACH_PORT_NULL;
	int rc = fs_lookup(root, path, flags, mode, &p, &poly);
	if (err != NULL)
		*err = rc;
	return rc == 0 ? p : MACH_PORT_NULL;
}

static void cl(mach_port_t p)
{
	if (p != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), p);
}

static int wr(mach_port_t p, const void *buf, size_t n, int64_t off)
{
	int amount = -1;
	int rc = io_write(p, 0, off, (char *)buf, n, &amount);
	return rc != 0 ? -rc : amount;
}

static int rd(mach_port_t p, char *buf, size_t n, int64_t off)
{
	char inl[2048], *data = inl;
	mach_msg_type_number_t cnt = sizeof(inl);
	int rc = io_read(p, 0, off, n, &data, &cnt);
	if (rc != 0)
		return -rc;
	memcpy(buf, data, cnt);
	if (data != inl)
		vm_deallocate(mach_task_self(), (vm_address_t)data, cnt);
	return cnt;
}

static char pattern(uint32_t i)
{
	return (char)('a' + (i * 13 + i / 4093) % 26);
}

static void test_files(void)
{
	struct io_stat st;
	char buf[256];
	int rc;

	mach_port_t p = op("/hello.txt", IO_O_RDONLY, 0, &rc);
	is(rc, 0, "open the host's /hello.txt");
	ok(rd(p, buf, sizeof(buf), IO_OFFSET_CURRENT) == 20 && memcmp(buf, "hello from the host\n", 20) == 0,
	   "read it through io_read");
	cl(p);
	is(fs_mkdir(root, "/vfs", 0755), 0, "mkdir /vfs");
	p = op("/vfs/a.txt", IO_O_WRONLY | IO_O_CREAT | IO_O_EXCL, 0640, &rc);
	is(rc, 0, "create /vfs/a.txt");
	is(wr(p, "hello through the VFS\n", 22, IO_OFFSET_CURRENT), 22, "write 22 bytes");
	is(io_sync(p, 0), 0, "fsync");
	cl(p);
	is(fs_stat(root, "/vfs/a.txt", 0, &st), 0, "stat it");
	ok(st.st_size == 22 && st.st_mode == (IO_S_IFREG | 0640) && st.st_nlink == 1, "size 22, mode 0640, 1 link");
	is(fs_rename(root, "/vfs/a.txt", root, "/vfs/b.txt", 0), 0, "rename to /vfs/b.txt");
	is(fs_symlink(root, "/vfs/l", "b.txt"), 0, "symlink /vfs/l -> b.txt");
	p = op("/vfs/l", IO_O_RDONLY, 0, &rc);
	ok(rc == 0 && rd(p, buf, sizeof(buf), 0) == 22 && memcmp(buf, "hello through the VFS\n", 22) == 0,
	   "open through the symlink reads the file");
	cl(p);
	is(fs_link(root, "/vfs/b.txt", root, "/vfs/c.txt", 0), 0, "hard link /vfs/c.txt");
	fs_stat(root, "/vfs/b.txt", 0, &st);
	is(st.st_nlink, 2, "2 links");
	is(fs_unlink(root, "/vfs/c.txt"), 0, "unlink /vfs/c.txt");
	is(fs_rmdir(root, "/vfs"), LINUX_ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");

	/* A large file in 64 KiB writes, read back. */
	char *big = malloc(BIG), *back = malloc(CHUNK);
	for (uint32_t i = 0; i < BIG; i++)
		big[i] = pattern(i);
	p = op("/vfs/big", IO_O_RDWR | IO_O_CREAT, 0644, &rc);
	int good = rc == 0;
	for (uint32_t off = 0; good && off < BIG; off += CHUNK)
		good = wr(p, big + off, CHUNK, IO_OFFSET_CURRENT) == (int)CHUNK;
	ok(good, "write 1 MiB in 64 KiB pieces");
	for (uint32_t off = 0; good && off < BIG; off += CHUNK)
		good = rd(p, back, CHUNK, off) == (int)CHUNK && memcmp(back, big + off, CHUNK) == 0;
	ok(good, "read it back");
	is(io_truncate(p, BIG / 2), 0, "truncate to 512 KiB");
	cl(p);
	fs_stat(root, "/vfs/big", 0, &st);
	is(st.st_size, BIG / 2, "size 512 KiB");
	free(big);
	free(back);

	is(fs_mkdir(root, "/vfs/many", 0755), 0, "mkdir /vfs/many");
	int made = 0;
	for (int i = 0; i < MANY; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/vfs/many/n%03d", i);
		p = op(path, IO_O_WRONLY | IO_O_CREAT, 0644, &rc);
		made += rc == 0 && wr(p, path, strlen(path), 0) == (int)strlen(path);
		cl(p);
	}
	is(made, MANY, "%d files created and written", MANY);
	p = op("/vfs/many", IO_O_RDONLY | IO_O_DIRECTORY, 0, &rc);
	int names = 0;
	for (;;) {
		char inl[2048], *data = inl;
		mach_msg_type_number_t cnt = sizeof(inl);
		if (fs_getdents64(p, 4096, &data, &cnt) != 0 || cnt == 0)
			break;
		uint16_t reclen = 0;
		for (mach_msg_type_number_t at = 0; at < cnt; at += reclen) {
			memcpy(&reclen, data + at + 16, 2);
			if (reclen == 0)
				break;
			names++;
		}
		if (data != inl)
			vm_deallocate(mach_task_self(), (vm_address_t)data, cnt);
		if (reclen == 0)
			break;
	}
	cl(p);
	is(names, MANY + 2, "getdents64 lists them and . and ..");
	is(fs_rename(root, "/vfs/many", root, "/moved", 0), 0, "move /vfs/many to /moved");
	is(fs_stat(root, "/moved/..", 0, &st), 0, "stat /moved/..");
	is(st.st_ino, 2, "it is the root");
	is(fs_unlink(root, "/vfs/l"), 0, "unlink the symlink");
}

#define MAPPED_SIZE (3 * 4096 + 10)
#define MAPPED_LEN (4 * 4096)

/*
 * An ext2 file mapped as the emulation library maps one (io_map, then
 * vm_map of the object, shared): its pages come from the file service's
 * pager, a store is seen by io_read and an io_write by the mapping, and
 * what was stored is in the file once unmapped (the host checks it).
 * This thread only touches the mapping, never holding unixio_lock.
 */
static void test_mapped(void)
{
	static char buf[MAPPED_SIZE];
	mach_port_t rdobj = MACH_PORT_NULL, wrobj = MACH_PORT_NULL;
	vm_address_t a = 0;
	int rc;

	memset(buf, 'x', sizeof(buf));
	mach_port_t p = op("/vfs/mapped", IO_O_RDWR | IO_O_CREAT, 0644, &rc);
	is(wr(p, buf, sizeof(buf), 0), (int)sizeof(buf), "write /vfs/mapped");
	is(io_map(p, &rdobj, &wrobj), 0, "io_map it");
	ok(MACH_PORT_VALID(rdobj) && MACH_PORT_VALID(wrobj) && rdobj != wrobj,
	   "a read object and a write object (open O_RDWR): two proxies");
	is(vm_map(mach_task_self(), &a, MAPPED_LEN, 0, TRUE, rdobj, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		  VM_INHERIT_NONE),
	   KERN_PROTECTION_FAILURE, "the read object maps shared and writable: KERN_PROTECTION_FAILURE");
	if (!ok(vm_map(mach_task_self(), &a, MAPPED_LEN, 0, TRUE, wrobj, 0, FALSE, VM_PROT_READ | VM_PROT_WRITE,
		       VM_PROT_ALL, VM_INHERIT_NONE) == KERN_SUCCESS,
		"vm_map it shared")) {
		cl(p);
		return;
	}
	char *m = (char *)a;
	ok(memcmp(m, buf, sizeof(buf)) == 0 && m[MAPPED_SIZE] == 0 && m[MAPPED_LEN - 1] == 0,
	   "its pages are the file's, zeros after the end");
	memcpy(m + 5000, "MAPPED", 6);
	char back[8];
	ok(rd(p, back, 6, 5000) == 6 && memcmp(back, "MAPPED", 6) == 0, "io_read sees a store through the mapping");
	ok(wr(p, "WRITE", 5, 9000) == 5 && memcmp(m + 9000, "WRITE", 5) == 0, "the mapping sees an io_write");
	memcpy(m + 12000, "LAST", 4);
	vm_deallocate(mach_task_self(), a, MAPPED_LEN);
	mach_port_deallocate(mach_task_self(), rdobj);
	mach_port_deallocate(mach_task_self(), wrobj);
	cl(p);
}

int main(int argc, char **argv)
{
	mach_port_t master;
	struct vfs_mount *m;
	int err;

	if (argc < 2 || (master = strtoul(argv[1], NULL, 0)) == MACH_PORT_NULL)
		tap_bail("usage: ext2vfs DEVICE-MASTER-PORT");
	test_server_start();
	cthread_mutex_lock(&unixio_lock);
	vfs_init();
	is(ext2_vfs_open(master, "hd0s2", 1, 0, &err) == NULL && err == LINUX_EINVAL, 1,
	   "the swap partition is no ext2: EINVAL");
	m = ext2_vfs_open(master, "hd0s1", 1, 0, &err);
	if (m != NULL)
		root = vfs_root_port(m->root, &unixio_root_cred);
	cthread_mutex_unlock(&unixio_lock);
	if (!is(err, 0, "ext2 mounted as the VFS's root") || root == MACH_PORT_NULL)
		return tap_done();
	mach_port_insert_right(mach_task_self(), root, root, MACH_MSG_TYPE_MAKE_SEND);
	long names = name_count();
	test_files();
	test_mapped();
	/* The mapped file's object ends once the kernel lets it go. */
	is(test_names_settle(names), names, "every file closed");
	cl(root);
	/* The root port goes when the service hears no-senders. */
	test_names_settle(names - 1);
	cthread_mutex_lock(&unixio_lock);
	err = ext2_vfs_unmount(m);
	cthread_mutex_unlock(&unixio_lock);
	is(err, 0, "unmount (everything written, clean)");
	return tap_done();
}
