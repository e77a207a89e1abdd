/*
 * Pipes through pipe.defs and io.defs: data of many sizes in order and
 * intact; a reader waits for data and a writer for room; EOF when the
 * writers are gone, EPIPE when the readers are; O_NONBLOCK gives EAGAIN;
 * writes up to PIPE_BUF are atomic; io_interrupt ends a waiting call
 * with EINTR and loses nothing; a waiting call whose reply port died is
 * dropped without taking data; select wake-ups; bad requests answered
 * with errors.
 */
#include <stdlib.h>
#include <string.h>
#include <cthreads.h>
#include <servers/io.h>
#include <servers/pipe.h>
#include <servers/io_notify.h>

#include "../../unix_server/io/unixio.h"
#include "../../unix_server/pipe/unixpipe.h"
#include "../user/tap.h"
#include "../user/util.h"
#include "server.h"

#define FIONREAD 0x541B
#define TCGETS 0x5401
#define IO_SELECT_WAKEUP_ID 31600
#define BIG (3 * IO_PIPE_SIZE + 12345)

static mach_port_t pipe_svc;

static mach_msg_type_name_t poly;

static int make_pipe(int flags, mach_port_t *r, mach_port_t *w)
{
	return pipe_create(pipe_svc, flags, r, &poly, w, &poly);
}

/* Read exactly n bytes (several reads); how many came before EOF/error. */
static size_t read_all(mach_port_t r, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		char inl[2048], *data = inl;
		mach_msg_type_number_t cnt = sizeof(inl);
		size_t want = n - got > 100000 ? 100000 : n - got;

		if (io_read(r, 0, IO_OFFSET_CURRENT, want, &data, &cnt) != 0 || cnt == 0)
			break;
		memcpy(buf + got, data, cnt);
		if (data != inl)
			vm_deallocate(mach_task_self(), (vm_address_t) data, cnt);
		got += cnt;
	}
	return got;
}

static void fill(char *buf, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (char) (seed + i * 7 + (i >> 9));
}

struct writer_arg {
	mach_port_t w;
	const char *buf;
	size_t len;
	kern_return_t kr;
	int amount;
};

static void *writer(void *p)
{
	struct writer_arg *a = p;

	a->kr = io_write(a->w, 0, IO_OFFSET_CURRENT, a->buf, a->len, &a->amount);
	return NULL;
}

static void test_sizes(void)
{
	static const size_t sizes[] = { 1, 100, 2047, 2048, 2049, 4095, 4096, 4097, 10000, 65535, 65536, 65537,
					BIG };
	char *out = malloc(BIG), *in = malloc(BIG);
	unsigned i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		mach_port_t r, w;
		struct writer_arg a;
		cthread_t t;
		size_t n = sizes[i];

		if (!is(make_pipe(0, &r, &w), 0, "pipe_create for %u bytes", (unsigned) n))
			continue;
		fill(out, n, i);
		memset(in, 0, n);
		a = (struct writer_arg){ w, out, n, -1, 0 };
		cthread_create(&t, writer, &a);
		ok(read_all(r, in, n) == n && memcmp(in, out, n) == 0, "%u bytes arrive intact and in order",
		   (unsigned) n);
		cthread_join(t);
		ok(a.kr == 0 && a.amount == (int) n, "the writer's one write of %u bytes wrote all (%d, %d)",
		   (unsigned) n, a.kr, a.amount);
		mach_port_deallocate(mach_task_self(), r);
		mach_port_deallocate(mach_task_self(), w);
	}
	free(out);
	free(in);
}

struct reader_arg {
	mach_port_t r;
	int tag;
	size_t want;
	kern_return_t kr;
	char data[64];
	unsigned cnt;
};

static void *reader(void *p)
{
	struct reader_arg *a = p;
	char inl[2048], *data = inl;
	mach_msg_type_number_t cnt = sizeof(inl);

	a->kr = io_read(a->r, a->tag, IO_OFFSET_CURRENT, a->want, &data, &cnt);
	a->cnt = cnt;
	if (a->kr == 0)
		memcpy(a->data, data, cnt < sizeof(a->data) ? cnt : sizeof(a->data));
	return NULL;
}

/* Let the server threads run (a waiting call gets queued meanwhile). */
static void settle(void)
{
	int i;

	for (i = 0; i < 200; i++)
		thread_switch(MACH_PORT_NULL, SWITCH_OPTION_DEPRESS, 1);
}

static void test_eof_epipe(void)
{
	mach_port_t r, w;
	struct reader_arg a = { 0 };
	cthread_t t;
	int amount = -1;

	make_pipe(0, &r, &w);
	a.r = r;
	a.want = 10;
	cthread_create(&t, reader, &a);
	settle(); /* the reader is waiting */
	mach_port_deallocate(mach_task_self(), w);
	cthread_join(t);
	ok(a.kr == 0 && a.cnt == 0, "a waiting reader gets EOF when the last writer goes (%d, %u)", a.kr, a.cnt);
	a.kr = -1;
	reader(&a);
	ok(a.kr == 0 && a.cnt == 0, "and so does every later read");
	mach_port_deallocate(mach_task_self(), r);

	make_pipe(0, &r, &w);
	io_write(w, 0, IO_OFFSET_CURRENT, "abc", 3, &amount);
	mach_port_deallocate(mach_task_self(), w);
	a.kr = -1;
	a.want = 10;
	a.r = r;
	reader(&a);
	ok(a.kr == 0 && a.cnt == 3 && memcmp(a.data, "abc", 3) == 0, "data written before the close is read first");
	reader(&a);
	ok(a.kr == 0 && a.cnt == 0, "then EOF");
	mach_port_deallocate(mach_task_self(), r);

	make_pipe(0, &r, &w);
	mach_port_deallocate(mach_task_self(), r);
	test_names_settle(name_count() - 1);
	is(io_write(w, 0, IO_OFFSET_CURRENT, "x", 1, &amount), LINUX_EPIPE, "writing with no reader is EPIPE");
	mach_port_deallocate(mach_task_self(), w);

	/* A writer waiting for room gets EPIPE when the reader goes. */
	{
		static char big[IO_PIPE_SIZE + 10];
		struct writer_arg wa;

		make_pipe(0, &r, &w);
		wa = (struct writer_arg){ w, big, sizeof(big), -1, 0 };
		cthread_create(&t, writer, &wa);
		settle();
		mach_port_deallocate(mach_task_self(), r);
		cthread_join(t);
		ok(wa.kr == 0 && wa.amount == IO_PIPE_SIZE,
		   "a waiting writer whose reader goes returns what went in (%d, %d)", wa.kr, wa.amount);
		mach_port_deallocate(mach_task_self(), w);
	}
}

static void test_nonblock(void)
{
	static char big[IO_PIPE_SIZE + 100];
	mach_port_t r, w;
	char inl[2048], *data = inl;
	mach_msg_type_number_t cnt = sizeof(inl);
	int amount = -1, flags = 0;

	make_pipe(IO_O_NONBLOCK, &r, &w);
	is(io_read(r, 0, IO_OFFSET_CURRENT, 10, &data, &cnt), LINUX_EAGAIN, "nonblocking read of an empty pipe: EAGAIN");
	io_get_openmodes(r, &flags);
	is(flags, IO_O_RDONLY | IO_O_NONBLOCK, "the read end's modes are O_RDONLY|O_NONBLOCK");
	is(io_write(w, 0, IO_OFFSET_CURRENT, big, sizeof(big), &amount), 0, "nonblocking write of more than fits");
	is(amount, IO_PIPE_SIZE, "writes what fits: the 64 KiB capacity");
	is(io_write(w, 0, IO_OFFSET_CURRENT, "x", 1, &amount), LINUX_EAGAIN, "a full pipe: EAGAIN");
	cnt = sizeof(inl);
	data = inl;
	io_read(r, 0, IO_OFFSET_CURRENT, 100, &data, &cnt);
	is(cnt, 100, "read 100 bytes back");
	is(io_write(w, 0, IO_OFFSET_CURRENT, big, 200, &amount), LINUX_EAGAIN,
	   "200 bytes (<= PIPE_BUF) with room for 100: nothing written, EAGAIN (atomic)");
	is(io_write(w, 0, IO_OFFSET_CURRENT, big, 100, &amount), 0, "100 bytes fit");
	is(amount, 100, "all 100 written");
	/* F_SETFL: clear O_NONBLOCK on the read end; other bits ignored. */
	is(io_set_openmodes(r, IO_O_WRONLY | IO_O_APPEND), 0, "io_set_openmodes");
	io_get_openmodes(r, &flags);
	is(flags, IO_O_RDONLY | IO_O_APPEND, "only O_APPEND/O_NONBLOCK change");
	mach_port_deallocate(mach_task_self(), r);
	mach_port_deallocate(mach_task_self(), w);
}

static void test_interrupt(void)
{
	mach_port_t r, w;
	struct reader_arg a = { 0 };
	cthread_t t;
	int amount;

	make_pipe(0, &r, &w);
	a.r = r;
	a.tag = 77;
	a.want = 10;
	cthread_create(&t, reader, &a);
	settle();
	is(io_interrupt(r, 78), 0, "io_interrupt with another tag: nothing to do");
	is(io_interrupt(r, 77), 0, "io_interrupt of the waiting read's tag");
	cthread_join(t);
	is(a.kr, LINUX_EINTR, "the waiting read answers EINTR");
	io_write(w, 0, IO_OFFSET_CURRENT, "xyz", 3, &amount);
	a.kr = -1;
	reader(&a);
	ok(a.kr == 0 && a.cnt == 3 && memcmp(a.data, "xyz", 3) == 0, "the next read gets the next data");

	/* A waiting write interrupted after part went in answers that part. */
	{
		static char big[IO_PIPE_SIZE + 500];
		struct writer_arg wa = { w, big, sizeof(big), -1, 0 };
		char *buf = malloc(IO_PIPE_SIZE);

		cthread_create(&t, writer, &wa);
		settle();
		io_interrupt(w, 0);
		cthread_join(t);
		ok(wa.kr == 0 && wa.amount == IO_PIPE_SIZE, "an interrupted write answers the bytes it wrote (%d, %d)",
		   wa.kr, wa.amount);
		is(read_all(r, buf, IO_PIPE_SIZE), IO_PIPE_SIZE, "and they are in the pipe");
		free(buf);
	}
	mach_port_deallocate(mach_task_self(), r);
	mach_port_deallocate(mach_task_self(), w);
}

/* An io_read sent by hand with reply port reply (not waited for). */
static mach_msg_return_t send_read(mach_port_t io, mach_port_t reply, int amount)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_t tag_type;
		int tag;
		mach_msg_type_t off_type;
		int64_t offset;
		mach_msg_type_t amount_type;
		int amount;
	} __attribute__((packed, aligned(4))) m;

	memset(&m, 0, sizeof(m));
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_size = sizeof(m);
	m.head.msgh_remote_port = io;
	m.head.msgh_local_port = reply;
	m.head.msgh_id = 31000;
	m.tag_type = (mach_msg_type_t){ MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0, 0, 0 };
	m.off_type = (mach_msg_type_t){ MACH_MSG_TYPE_INTEGER_64, 64, 1, 1, 0, 0, 0 };
	m.offset = IO_OFFSET_CURRENT;
	m.amount_type = (mach_msg_type_t){ MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0, 0, 0 };
	m.amount = amount;
	/* The malformed variant: the amount claims to be a string. */
	if (amount == -12345)
		m.amount_type.msgt_name = MACH_MSG_TYPE_STRING_C;
	return mach_msg(&m.head, MACH_SEND_MSG, sizeof(m), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
}

static void test_dead_reply(void)
{
	mach_port_t r, w, reply = test_port();
	struct reader_arg a = { 0 };
	int amount;

	make_pipe(0, &r, &w);
	is_kr(send_read(r, reply, 10), MACH_MSG_SUCCESS, "an io_read sent by hand waits in the service");
	settle();
	mach_port_mod_refs(mach_task_self(), reply, MACH_PORT_RIGHT_RECEIVE, -1);
	io_write(w, 0, IO_OFFSET_CURRENT, "data", 4, &amount);
	a.r = r;
	a.want = 10;
	reader(&a);
	ok(a.kr == 0 && a.cnt == 4 && memcmp(a.data, "data", 4) == 0,
	   "its caller gave up (reply port destroyed): the data stays for the next reader");
	mach_port_deallocate(mach_task_self(), r);
	mach_port_deallocate(mach_task_self(), w);
}

static void test_select(void)
{
	mach_port_t r, w, notify = test_port();
	int ready = -1, tag = -1, amount;

	make_pipe(0, &r, &w);
	is(io_select(r, IO_POLLIN, notify, 5, &ready), 0, "io_select on an empty pipe");
	is(ready, 0, "nothing ready");
	is(io_select(w, IO_POLLOUT, MACH_PORT_NULL, 0, &ready), 0, "io_select on the write end");
	is(ready, IO_POLLOUT, "POLLOUT ready");
	is(test_wait_message(notify, 50, NULL), -1, "no wake-up before data");
	is(io_select(r, IO_POLLIN, notify, 6, &ready), 0, "select again, same notify port, new tag");
	io_write(w, 0, IO_OFFSET_CURRENT, "!", 1, &amount);
	is(test_wait_message(notify, 5000, &tag), IO_SELECT_WAKEUP_ID, "the write sends io_select_wakeup");
	is(tag, 6, "with the newer tag (the registration was replaced)");
	is(test_wait_message(notify, 50, NULL), -1, "and only one");
	io_select(r, IO_POLLIN, MACH_PORT_NULL, 0, &ready);
	is(ready, IO_POLLIN, "now POLLIN");
	{
		char inl[16], *data = inl;
		mach_msg_type_number_t cnt = sizeof(inl);
		uint32_t n = 0;
		char *out = inl;
		mach_msg_type_number_t outcnt = sizeof(inl);

		is(io_ioctl(r, FIONREAD, NULL, 0, out, &outcnt), 0, "FIONREAD");
		memcpy(&n, out, sizeof(n));
		is(n, 1, "one byte ready");
		io_read(r, 0, IO_OFFSET_CURRENT, 1, &data, &cnt);
	}
	is(io_select(r, IO_POLLIN, notify, 7, &ready), 0, "select on the empty pipe again");
	mach_port_deallocate(mach_task_self(), w);
	is(test_wait_message(notify, 5000, &tag), IO_SELECT_WAKEUP_ID, "closing the writer wakes the select");
	io_select(r, IO_POLLIN, MACH_PORT_NULL, 0, &ready);
	is(ready, IO_POLLHUP, "POLLHUP (POLLIN not asked... not ready)");
	mach_port_deallocate(mach_task_self(), r);

	make_pipe(0, &r, &w);
	mach_port_deallocate(mach_task_self(), r);
	test_names_settle(name_count() - 1);
	io_select(w, IO_POLLOUT, MACH_PORT_NULL, 0, &ready);
	is(ready, IO_POLLOUT | IO_POLLERR, "write end without a reader: POLLERR");
	mach_port_deallocate(mach_task_self(), w);
	mach_port_mod_refs(mach_task_self(), notify, MACH_PORT_RIGHT_RECEIVE, -1);
}

static void test_bad(void)
{
	mach_port_t r, w, nobody = test_port();
	char inl[2048], *data = inl;
	mach_msg_type_number_t cnt = sizeof(inl);
	int amount = 0;
	int64_t off;
	struct io_stat st;

	make_pipe(0, &r, &w);
	is(io_read(r, 0, IO_OFFSET_CURRENT, -1, &data, &cnt), LINUX_EINVAL, "io_read of -1 bytes: EINVAL");
	cnt = sizeof(inl);
	is(io_read(r, 0, IO_OFFSET_CURRENT, 0x7fffffff, &data, &cnt), LINUX_EINVAL, "io_read of 2 GiB: EINVAL");
	cnt = sizeof(inl);
	is(io_read(w, 0, IO_OFFSET_CURRENT, 1, &data, &cnt), LINUX_EBADF, "reading the write end: EBADF");
	is(io_write(r, 0, IO_OFFSET_CURRENT, "x", 1, &amount), LINUX_EBADF, "writing the read end: EBADF");
	cnt = sizeof(inl);
	is(io_read(r, 0, 5, 1, &data, &cnt), LINUX_ESPIPE, "a read at an offset: ESPIPE");
	is(io_seek(r, 0, 0, &off), LINUX_ESPIPE, "io_seek: ESPIPE");
	{
		char out[128], *outp = out;
		mach_msg_type_number_t outcnt = sizeof(out);

		is(io_ioctl(r, TCGETS, NULL, 0, outp, &outcnt), LINUX_ENOTTY, "TCGETS on a pipe: ENOTTY");
	}
	is(io_stat(r, &st), 0, "io_stat");
	is(st.st_mode, IO_S_IFIFO | 0600, "a FIFO");
	is(pipe_create(pipe_svc, 0x40000000, &r, &poly, &w, &poly), LINUX_EINVAL, "pipe_create with unknown flags: EINVAL");
	is(pipe_create(r, 0, &r, &poly, &w, &poly), LINUX_EBADF, "pipe_create sent to a pipe end: EBADF");
	cnt = sizeof(inl);
	is(io_read(pipe_svc, 0, IO_OFFSET_CURRENT, 1, &data, &cnt), LINUX_EBADF,
	   "io_read sent to the pipe service port: EBADF");
	/* A port that died: the transport says so, not the service. */
	mach_port_insert_right(mach_task_self(), nobody, nobody, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_mod_refs(mach_task_self(), nobody, MACH_PORT_RIGHT_RECEIVE, -1);
	cnt = sizeof(inl);
	is_kr(io_read(nobody, 0, IO_OFFSET_CURRENT, 1, &data, &cnt), MACH_SEND_INVALID_DEST,
	      "io_read on a dead port: MACH_SEND_INVALID_DEST");
	mach_port_deallocate(mach_task_self(), nobody);
	/* A forged request with a wrong type descriptor: refused, the server lives on. */
	{
		mach_port_t reply = test_port();
		struct {
			mig_reply_header_t head;
			char room[256];
		} rep;

		is_kr(send_read(r, reply, -12345), MACH_MSG_SUCCESS, "send a malformed io_read");
		is_kr(mach_msg(&rep.head.Head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(rep), reply, 5000,
			       MACH_PORT_NULL),
		      MACH_MSG_SUCCESS, "its reply comes");
		is_kr(rep.head.RetCode, MIG_BAD_ARGUMENTS, "MIG_BAD_ARGUMENTS");
		mach_port_mod_refs(mach_task_self(), reply, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	cnt = sizeof(inl);
	data = inl;
	io_write(w, 0, IO_OFFSET_CURRENT, "ok", 2, &amount);
	is(io_read(r, 0, IO_OFFSET_CURRENT, 2, &data, &cnt), 0, "the pipe still works after bad requests");
	mach_port_deallocate(mach_task_self(), r);
	mach_port_deallocate(mach_task_self(), w);
}

int main(void)
{
	long names;

	test_server_start();
	if (unixpipe_init(&pipe_svc) != KERN_SUCCESS)
		tap_bail("unixpipe_init");
	mach_port_insert_right(mach_task_self(), pipe_svc, pipe_svc, MACH_MSG_TYPE_MAKE_SEND);
	names = name_count();
	test_sizes();
	test_eof_epipe();
	test_nonblock();
	test_interrupt();
	test_dead_reply();
	test_select();
	test_bad();
	if (!is(test_names_settle(names), names, "every pipe closed: the task's names are back to %ld", names))
		diag_names();
	return tap_done();
}
