/*
 * A program that skips the emulation library cannot write a file it may
 * not write by mapping it (Ernst only, TAP; test/unix/mmapproxy.sh).
 * It opens a file O_RDONLY, finds the file's port among its send rights
 * and asks io_map itself, as the library does for mmap, then tries
 * every way to a writable shared mapping: vm_map with write access,
 * vm_protect afterwards, raising the maximum, a proxy of the object
 * with more access.  All fail (the file service hands out only a proxy
 * with read and execute access), while a read-only mapping and a
 * private copy work and the file stays as it was.  Opened O_RDWR, the
 * write object maps writable and stores reach the file; the read
 * object stays read-only.  mmap through the library agrees.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "mach_by_hand.h"

#define PAGE 4096
#define FILE_PAGES 2
#define PATH "/tmp/mmapproxy"

#define ID_MACH_PORT_NAMES 3200
#define ID_VM_PROTECT 2024
#define ID_VM_MAP 2089
#define ID_CREATE_PROXY 4010
#define ID_IO_MAP 31014
#define PORT_TYPE_SEND (1u << 16)
#define PORT_TYPE_RECEIVE (1u << 17)
#define PROT_R 1
#define PROT_W 2
#define PROT_X 4
#define PROT_ALL 7
#define KERN_PROTECTION_FAILURE 2
#define INHERIT_SHARE 0

static uint32_t task;

static uint32_t pattern(unsigned page, unsigned word)
{
	return 0x7e000000u | page << 16 | word;
}

/* io_map by hand: 0 or the service's error; *rd and *wr the objects. */
static int32_t io_map_of(uint32_t file, uint32_t *rd, uint32_t *wr)
{
	struct reply r;

	*rd = *wr = 0;
	if (rpc(file, ID_IO_MAP, NULL, 0, &r) != 0)
		return -1;
	if (r.ret == 0) {
		*rd = r.words[1];
		*wr = r.words[3];
	}
	return r.ret;
}

/*
 * The port of the one regular file we hold open besides `except`: the
 * send right that io_map answers (pipes, terminals and directories say
 * ENODEV, other services' ports MIG_BAD_ID).  0 if none.
 */
static uint32_t file_port(uint32_t except, uint32_t *rd, uint32_t *wr)
{
	struct reply r;

	if (rpc(task, ID_MACH_PORT_NAMES, NULL, 0, &r) != 0 || r.ret != 0)
		return 0;
	const uint32_t *names = (const uint32_t *)(uintptr_t)r.words[3];
	const uint32_t *types = (const uint32_t *)(uintptr_t)r.words[7];
	uint32_t n = r.words[2];
	for (uint32_t i = 0; i < n; i++) {
		if (!(types[i] & PORT_TYPE_SEND) || (types[i] & PORT_TYPE_RECEIVE) || names[i] == except)
			continue;
		if (io_map_of(names[i], rd, wr) == 0)
			return names[i];
	}
	return 0;
}

/* vm_map by hand (anywhere): its return code, the address in *a. */
static int32_t map(uint32_t object, uint32_t size, int copy, uint32_t cur, uint32_t max, uint32_t *a)
{
	uint32_t body[20] = {TYPE_INT32, 0,	  TYPE_INT32,	  size,	  TYPE_INT32, 0,	  TYPE_BOOLEAN,
			     1,		 TYPE_COPY_SEND, object,	TYPE_INT32,	  0,	  TYPE_BOOLEAN, (uint32_t)copy,
			     TYPE_INT32, cur,	  TYPE_INT32,	  max,	  TYPE_INT32, INHERIT_SHARE};
	struct reply r;

	*a = 0;
	if (rpc_msg(task, ID_VM_MAP, 1, body, 20, &r) != 0)
		return -1;
	if (r.ret == 0)
		*a = r.words[1];
	return r.ret;
}

static int32_t protect(uint32_t a, uint32_t size, int set_max, uint32_t prot)
{
	uint32_t body[8] = {TYPE_INT32, a, TYPE_INT32, size, TYPE_BOOLEAN, (uint32_t)set_max, TYPE_INT32, prot};
	struct reply r;

	return rpc(task, ID_VM_PROTECT, body, 8, &r) != 0 ? -1 : r.ret;
}

/* memory_object_create_proxy by hand, of the whole object. */
static int32_t proxy_of(uint32_t object, uint32_t max, uint32_t *proxy)
{
	uint32_t body[10] = {TYPE_INT32, max, TYPE_COPY_SEND, object, TYPE_INT32, 0, TYPE_INT32, 0, TYPE_INT32, ~0u};
	struct reply r;

	*proxy = 0;
	if (rpc_msg(task, ID_CREATE_PROXY, 1, body, 10, &r) != 0)
		return -1;
	if (r.ret == 0)
		*proxy = r.words[1];
	return r.ret;
}

static int file_is_pattern(int fd)
{
	static uint32_t buf[FILE_PAGES * PAGE / 4];

	if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return 0;
	for (unsigned w = 0; w < FILE_PAGES * PAGE / 4; w++)
		if (buf[w] != pattern(w / (PAGE / 4), w % (PAGE / 4)))
			return 0;
	return 1;
}

static int mapping_is_pattern(uint32_t a)
{
	const volatile uint32_t *p = (const volatile uint32_t *)(uintptr_t)a;

	for (unsigned w = 0; w < FILE_PAGES * PAGE / 4; w++)
		if (p[w] != pattern(w / (PAGE / 4), w % (PAGE / 4)))
			return 0;
	return 1;
}

static void read_only(int fd, uint32_t file)
{
	uint32_t rd, wr, a, b, px;

	ok(io_map_of(file, &rd, &wr) == 0 && rd != 0 && wr == 0, "io_map by hand: a read object, no write object");
	int32_t kr = map(rd, FILE_PAGES * PAGE, 0, PROT_R | PROT_W, PROT_ALL, &a);
	ok(kr == KERN_PROTECTION_FAILURE, "vm_map of it shared and writable: KERN_PROTECTION_FAILURE");
	if (kr == 0)
		*(volatile uint32_t *)(uintptr_t)a = 0x0bad; /* the hole: the file below says if it got through */
	ok(map(rd, FILE_PAGES * PAGE, 0, PROT_W, PROT_W, &a) == KERN_PROTECTION_FAILURE,
	   "shared and write-only: KERN_PROTECTION_FAILURE");
	if (map(rd, FILE_PAGES * PAGE, 0, PROT_R, PROT_ALL, &a) == 0) {
		ok(1, "shared and read-only: mapped");
		ok(mapping_is_pattern(a), "it shows the file");
		ok(protect(a, PAGE, 0, PROT_R | PROT_W) == KERN_PROTECTION_FAILURE,
		   "vm_protect to write it afterwards: KERN_PROTECTION_FAILURE");
		ok(protect(a, PAGE, 1, PROT_ALL) == KERN_PROTECTION_FAILURE,
		   "vm_protect raising its maximum: KERN_PROTECTION_FAILURE");
		errno = 0;
		ok(mprotect((void *)(uintptr_t)a, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
		   "mprotect to PROT_WRITE: EACCES");
	} else {
		ok(0, "shared and read-only: mapped");
	}
	ok(proxy_of(rd, PROT_ALL, &px) == KERN_PROTECTION_FAILURE,
	   "a proxy of it with write access: KERN_PROTECTION_FAILURE (it is no pager's own port)");
	ok(proxy_of(rd, PROT_R, &px) == 0 && px != 0 && map(px, PAGE, 0, PROT_R, PROT_R, &b) == 0,
	   "a read-only proxy of it maps");
	if (map(rd, FILE_PAGES * PAGE, 1, PROT_R | PROT_W, PROT_ALL, &b) == 0) {
		volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)b;
		ok(1, "a copy of it (MAP_PRIVATE), writable: mapped");
		p[3] = 0xbadf00d;
		p[PAGE / 4 + 7] = 0xbadf00d;
		ok(p[3] == 0xbadf00d, "the copy takes stores");
		ok(mapping_is_pattern(a), "the shared mapping does not see them");
	} else {
		ok(0, "a copy of it (MAP_PRIVATE), writable: mapped");
	}
	ok(file_is_pattern(fd), "the file is unchanged");
}

static void read_write(int ro_fd, uint32_t file)
{
	uint32_t rd, wr, a, px;

	ok(io_map_of(file, &rd, &wr) == 0 && rd != 0 && wr != 0 && rd != wr,
	   "io_map by hand of it open O_RDWR: a read object and a write object, not the same port");
	ok(map(rd, FILE_PAGES * PAGE, 0, PROT_R | PROT_W, PROT_ALL, &a) == KERN_PROTECTION_FAILURE,
	   "the read object still maps read-only only");
	if (map(wr, FILE_PAGES * PAGE, 0, PROT_R | PROT_W, PROT_ALL, &a) == 0) {
		ok(1, "the write object maps shared and writable");
		memcpy((char *)(uintptr_t)a + 100, "THROUGH", 7);
		char back[8] = "";
		ok(pread(ro_fd, back, 7, 100) == 7 && memcmp(back, "THROUGH", 7) == 0,
		   "a store through it is in the file (read sees it)");
	} else {
		ok(0, "the write object maps shared and writable");
	}
	ok(proxy_of(wr, PROT_ALL, &px) == 0, "a proxy of the write object may have every access");
}

int main(void)
{
	static uint32_t data[FILE_PAGES * PAGE / 4];

	setvbuf(stdout, NULL, _IONBF, 0);
	reply_port = mtrap_reply_port();
	task = mtrap_task_self();
	for (unsigned w = 0; w < FILE_PAGES * PAGE / 4; w++)
		data[w] = pattern(w / (PAGE / 4), w % (PAGE / 4));
	int fd = open(PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0 && write(fd, data, sizeof(data)) == (ssize_t)sizeof(data) && close(fd) == 0,
	   "a file of two pages");

	int ro = open(PATH, O_RDONLY);
	uint32_t rd, wr;
	uint32_t ro_port = file_port(0, &rd, &wr);
	ok(ro >= 0 && ro_port != 0, "opened O_RDONLY: its port, among our send rights");
	if (ro_port != 0)
		read_only(ro, ro_port);

	int rw = open(PATH, O_RDWR);
	uint32_t rw_port = file_port(ro_port, &rd, &wr);
	ok(rw >= 0 && rw_port != 0, "opened O_RDWR too: its port");
	if (rw_port != 0)
		read_write(ro, rw_port);

	/* Through the library, as Linux. */
	errno = 0;
	ok(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES,
	   "mmap of the O_RDONLY fd, shared and writable: EACCES");
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	if (m != MAP_FAILED) {
		memcpy(m + 200, "LIBRARY", 7);
		char back[8] = "";
		ok(pread(ro, back, 7, 200) == 7 && memcmp(back, "LIBRARY", 7) == 0,
		   "mmap of the O_RDWR fd, shared: a store reaches the file");
	} else {
		ok(0, "mmap of the O_RDWR fd, shared: a store reaches the file");
	}
	printf("1..%d\n", n_tests);
	return n_failed != 0;
}
