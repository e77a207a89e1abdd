/*
 * MAP_SHARED writes that must outlive the machine: "mmapdisk write DIR"
 * makes DIR/synced (written through a mapping, then msync MS_SYNC) and
 * DIR/unmapped (written through a mapping, then munmap and close only),
 * and "mmapdisk check DIR" reads both back with read().  test/unix/
 * mmapdisk.sh runs the two in two boots of the same disk.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096
#define SIZE (3 * PG + 123)

static char byte_at(const char *name, int i)
{
	return (char) (name[0] + i % 7 + (i / PG) * 3);
}

static int write_file(const char *dir, const char *name, int use_msync)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, SIZE) < 0)
		return -1;
	char *m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	for (int i = 0; i < SIZE; i++)
		m[i] = byte_at(name, i);
	if (use_msync && msync(m, SIZE, MS_SYNC) < 0)
		return -1;
	munmap(m, SIZE);
	return close(fd);
}

static int check_file(const char *dir, const char *name)
{
	static char buf[SIZE + 1];
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDONLY), got = 0, n;
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += n;
	close(fd);
	if (got != SIZE)
		return -2;
	int bad = 0;
	for (int i = 0; i < SIZE; i++)
		bad += buf[i] != byte_at(name, i);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	if (strcmp(argv[1], "write") == 0) {
		printf("synced: %d\n", write_file(argv[2], "synced", 1));
		printf("unmapped: %d\n", write_file(argv[2], "unmapped", 0));
		return 0;
	}
	printf("synced: %d bytes wrong\n", check_file(argv[2], "synced"));
	printf("unmapped: %d bytes wrong\n", check_file(argv[2], "unmapped"));
	return 0;
}
