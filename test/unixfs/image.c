/*
 * The UNIX boot archive (unix_server/rootfs.cpio, boot module 1) loads
 * whole into a RAM file system: as many entries as the host's cpio
 * lists (argv[1]), /etc/passwd with root first, /tmp sticky and world
 * writable, /root private, /dev with its device nodes added, and, when
 * the image has busybox (argv[2] its size, 0 if none), /bin/busybox of
 * that size with /bin/sh a symlink to it; set up as a server does, by
 * unixfiles_init (/tmp a RAM file system of its own, the terminal on
 * /dev/console).  Run by test/unixfs/image.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <servers/io.h>
#include <servers/fs.h>

#include "../../unix_server/io/unixio.h"
#include "../../unix_server/fs/vfs.h"
#include "../../unix_server/ramfs/ramfs.h"
#include "../../unix_server/files/unixfiles.h"
#include "../user/tap.h"
#include "server.h"

int main(int argc, char **argv)
{
	const char *mod = getenv("BOOT_MODULE_1");
	unsigned long addr, size, want, busybox;
	unsigned count = 0;
	mach_port_t root, f;
	mach_msg_type_name_t poly;
	struct io_stat st;
	char buf[64], *data = buf, target[IO_PATH_MAX + 1];
	mach_msg_type_number_t cnt = sizeof(buf);
	int rc;

	if (argc < 3 || mod == NULL || sscanf(mod, "%lx,%lu", &addr, &size) != 2)
		tap_bail("usage: image ENTRIES BUSYBOX-SIZE, with the archive as module 1");
	want = strtoul(argv[1], NULL, 0);
	busybox = strtoul(argv[2], NULL, 0);
	test_server_start();
	{
		const char *dev = getenv("BOOT_DEVICE_PORT");
		struct unixfiles_config config = { test_server_port_set(), (const void *) addr, size,
						   dev != NULL ? strtoul(dev, NULL, 0) : MACH_PORT_NULL, NULL, MACH_PORT_NULL, NULL };
		struct unixfiles_ports ports;

		rc = unixfiles_init(&config, &ports);
		count = ports.archive_entries;
		root = ports.root;
	}
	mach_port_insert_right(mach_task_self(), root, root, MACH_MSG_TYPE_MAKE_SEND);
	is(rc, 0, "unixfiles_init with the image");
	/* The host lists "." too, which is the root itself. */
	is(count, want - 1, "every entry the host's cpio lists");
	{
		struct io_stat rs;

		fs_stat(root, "/", 0, &rs);
		is(fs_stat(root, "/tmp", 0, &st), 0, "stat /tmp");
		ok(st.st_dev != rs.st_dev, "/tmp is a file system of its own");
		is(st.st_mode, IO_S_IFDIR | 01777, "sticky and writable by all");
	}
	is(fs_lookup(root, "/dev/console", IO_O_WRONLY, 0, &f, &poly), 0, "/dev/console opens (the terminal)");
	mach_port_deallocate(mach_task_self(), f);
	is(fs_lookup(root, "/etc/passwd", IO_O_RDONLY, 0, &f, &poly), 0, "open /etc/passwd");
	is(io_read(f, 0, IO_OFFSET_CURRENT, 5, &data, &cnt), 0, "read it");
	ok(cnt == 5 && memcmp(data, "root:", 5) == 0, "root comes first");
	mach_port_deallocate(mach_task_self(), f);
	is(fs_stat(root, "/root", 0, &st), 0, "stat /root");
	ok(st.st_mode == (IO_S_IFDIR | 0700) && st.st_uid == 0, "root's, private");
	is(fs_stat(root, "/dev/null", 0, &st), 0, "/dev/null is there");
	if (busybox != 0) {
		is(fs_stat(root, "/bin/busybox", 0, &st), 0, "stat /bin/busybox");
		ok(st.st_size == (int64_t) busybox && (st.st_mode & 0111), "its size, executable");
		is(fs_readlink(root, "/bin/sh", target), 0, "readlink /bin/sh");
		is(strcmp(target, "/bin/busybox"), 0, "an applet link to /bin/busybox");
	}
	return tap_done();
}
