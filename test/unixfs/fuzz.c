/*
 * Forged messages: thousands of requests with the ids of io.defs, fs.defs
 * and pipe.defs routines (and others) but random bodies, sizes and type
 * descriptors, sent to open files, directories, the pipe service and
 * ports that are none of them.  Every one that asks for a reply gets
 * one (an error), nothing is created or leaked, and the services answer
 * real requests correctly afterwards.
 */
#include <stdlib.h>
#include <string.h>
#include <servers/io.h>
#include <servers/fs.h>
#include <servers/pipe.h>

#include "../../unix_server/files/unixfiles.h"
#include "../user/tap.h"
#include "../user/util.h"
#include "server.h"

#define ROUNDS 3000
#define BODY_MAX 512
#define REPLY_WAIT_MS 5000
/* Routine counts of the interfaces (ids base .. base + count - 1). */
#define IO_BASE 31000
#define IO_ROUTINES 16
#define FS_BASE 31200
#define FS_ROUTINES 12
#define PIPE_BASE 31400

static unsigned long rng_state = 12345;

static unsigned rng(void)
{
	rng_state = rng_state * 1103515245 + 12345;
	return (unsigned) (rng_state >> 16);
}

static mach_msg_id_t random_id(void)
{
	switch (rng() % 5) {
	case 0:
	case 1:
		return IO_BASE + rng() % IO_ROUTINES;
	case 2:
		return FS_BASE + rng() % FS_ROUTINES;
	case 3:
		return PIPE_BASE;
	default:
		return rng() % 100000 - 100; /* anything, MACH_NOTIFY_* included */
	}
}

/* A body of typed-looking data: descriptors with random names, sizes, counts. */
static size_t random_body(char *body, size_t max)
{
	size_t len = (rng() % (max / 4)) * 4, at = 0;

	while (at + 4 <= len) {
		if (rng() % 3 == 0) {
			mach_msg_type_t t = { 0 };

			t.msgt_name = rng() % 3 == 0 ? MACH_MSG_TYPE_INTEGER_32
				      : rng() % 2    ? MACH_MSG_TYPE_STRING_C
						     : rng() % 32;
			t.msgt_size = rng() % 2 ? 32 : rng() % 65;
			t.msgt_number = rng() % 3 == 0 ? 1 : rng() % 5000;
			t.msgt_inline = 1; /* out-of-line would need real memory */
			t.msgt_longform = rng() % 8 == 0;
			memcpy(body + at, &t, 4);
		} else {
			uint32_t v = rng() % 4 == 0 ? 0xffffffff : rng();

			memcpy(body + at, &v, 4);
		}
		at += 4;
	}
	return len;
}

int main(void)
{
	struct unixfiles_config config = { MACH_PORT_NULL, NULL, 0, MACH_PORT_NULL, NULL, MACH_PORT_NULL, NULL };
	struct unixfiles_ports ports;
	mach_port_t targets[6], reply = test_port(), r, w, f, other = test_port();
	mach_msg_type_name_t poly;
	long names;
	int i, replies = 0, asked = 0, sent = 0, amount, rc;

	test_server_start();
	config.port_set = test_server_port_set();
	if (unixfiles_init(&config, &ports) != 0)
		tap_bail("unixfiles_init");
	mach_port_insert_right(mach_task_self(), ports.root, ports.root, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_insert_right(mach_task_self(), ports.pipes, ports.pipes, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_insert_right(mach_task_self(), other, other, MACH_MSG_TYPE_MAKE_SEND);
	pipe_create(ports.pipes, 0, &r, &poly, &w, &poly);
	fs_lookup(ports.root, "/tmp/f", IO_O_RDWR | IO_O_CREAT, 0644, &f, &poly);
	io_write(f, 0, IO_OFFSET_CURRENT, "kept", 4, &amount);
	targets[0] = ports.root;
	targets[1] = ports.pipes;
	targets[2] = r;
	targets[3] = w;
	targets[4] = f;
	targets[5] = ports.root;
	names = name_count();

	for (i = 0; i < ROUNDS; i++) {
		struct {
			mach_msg_header_t head;
			char body[BODY_MAX];
		} m;
		struct {
			mach_msg_header_t head;
			char body[BODY_MAX + 8192];
		} rep;
		int want_reply = rng() % 4 != 0;
		mach_msg_return_t mr;

		memset(&m, 0, sizeof(m));
		m.head.msgh_size = sizeof(m.head) + random_body(m.body, sizeof(m.body));
		m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, want_reply ? MACH_MSG_TYPE_MAKE_SEND_ONCE : 0);
		m.head.msgh_remote_port = targets[rng() % 6];
		m.head.msgh_local_port = want_reply ? reply : MACH_PORT_NULL;
		m.head.msgh_id = random_id();
		mr = mach_msg(&m.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, m.head.msgh_size, 0, MACH_PORT_NULL, 1000,
			      MACH_PORT_NULL);
		if (mr != MACH_MSG_SUCCESS)
			continue;
		sent++;
		if (!want_reply)
			continue;
		asked++;
		/* A request that waits (an io_read of the empty pipe with a
		 * plausible body) answers only later: interrupting is not
		 * possible without its tag, so a timeout is allowed there. */
		mr = mach_msg(&rep.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT | MACH_RCV_LARGE, 0, sizeof(rep), reply,
			      m.head.msgh_id == IO_BASE || m.head.msgh_id == IO_BASE + 1 ? 200 : REPLY_WAIT_MS,
			      MACH_PORT_NULL);
		if (mr == MACH_MSG_SUCCESS) {
			replies++;
			mach_msg_destroy(&rep.head);
		}
	}
	diag("%d sent, %d asked for a reply, %d replies", sent, asked, replies);
	cmp_ok(sent, ">", ROUNDS / 2, "most forged messages were taken by the kernel");
	cmp_ok(replies, ">=", asked * 9 / 10, "nearly every one that asked for a reply got one (%d of %d)", replies,
	       asked);

	/* A forged no-senders notification (the port is where the real one
	 * comes) closes nothing: the file and the pipe stay open. */
	{
		mach_no_senders_notification_t n;

		memset(&n, 0, sizeof(n));
		n.not_header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
		n.not_header.msgh_size = sizeof(n);
		n.not_header.msgh_id = MACH_NOTIFY_NO_SENDERS;
		n.not_type.msgt_name = MACH_MSG_TYPE_INTEGER_32;
		n.not_type.msgt_size = 32;
		n.not_type.msgt_number = 1;
		n.not_type.msgt_inline = 1;
		n.not_count = 1;
		n.not_header.msgh_remote_port = f;
		is_kr(mach_msg(&n.not_header, MACH_SEND_MSG, sizeof(n), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		      MACH_MSG_SUCCESS, "forge a no-senders notification to an open file");
		n.not_header.msgh_remote_port = r;
		mach_msg(&n.not_header, MACH_SEND_MSG, sizeof(n), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
	}
	/* Forged calls still waiting answer into a port that is now gone:
	 * the services drop them without taking data. */
	mach_port_mod_refs(mach_task_self(), reply, MACH_PORT_RIGHT_RECEIVE, -1);
	/* The services still work. */
	{
		char buf[16], *data = buf;
		mach_msg_type_number_t cnt = sizeof(buf);
		struct io_stat st;

		is(io_write(w, 0, IO_OFFSET_CURRENT, "alive", 5, &amount), 0, "the pipe takes a write");
		rc = io_read(r, 0, IO_OFFSET_CURRENT, sizeof(buf), &data, &cnt);
		ok(rc == 0 && cnt >= 5 && memcmp(data + cnt - 5, "alive", 5) == 0, "and gives it back");
		cnt = sizeof(buf);
		data = buf;
		is(io_read(f, 0, 0, sizeof(buf), &data, &cnt), 0, "the file reads");
		ok(cnt >= 4 && memcmp(data, "kept", 4) == 0, "its data is intact");
		is(fs_stat(ports.root, "/tmp/f", 0, &st), 0, "a lookup works");
		is(fs_mkdir(ports.root, "/tmp/after", 0755), 0, "and a mkdir");
	}
	cmp_ok(test_names_settle(names) - names, "<=", 2, "no port names piled up (%ld before)", names);
	return tap_done();
}
