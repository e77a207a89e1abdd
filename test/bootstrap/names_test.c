/*
 * One of the three modules of the bootstrap boot test (boot.sh), by its
 * first argument:
 *   echo     checks in "test.echo", checks bad names are refused, and
 *            answers each number sent to it with its double
 *   client   looks up "test.echo", exchanges numbers with it, checks in
 *            "test.client" and ends (so that name must go away)
 *   checker  checks in "test.checker", waits for the other two to report
 *            how many points they printed, checks "test.client" is gone
 *            and the host port it was given, then prints the plan
 * TAP points are unnumbered ("ok - ...") since three tasks print them
 * interleaved; the checker's plan counts them all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mach.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/task_special_ports.h>
#include <servers/bootstrap_names.h>

#define MSG_ECHO 1000
#define MSG_DONE 1001
#define MSG_ECHO_REPLY (MSG_ECHO + 100)
#define WAIT_MS 20000

struct num_msg {
	mach_msg_header_t head;
	mach_msg_type_t type;
	int value;
};

static const char *role;
static int points, failed;

static int ok(int cond, const char *what)
{
	printf("%sok - [%s] %s\n", cond ? "" : "not ", role, what);
	fflush(stdout);
	points++;
	failed += !cond;
	return cond;
}

static int is_kr(kern_return_t got, kern_return_t want, const char *what)
{
	if (got != want)
		printf("# [%s] got 0x%x, expected 0x%x\n", role, (unsigned)got, (unsigned)want);
	return ok(got == want, what);
}

static mach_port_t new_port(void)
{
	mach_port_t p;

	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p);
	mach_port_insert_right(mach_task_self(), p, p, MACH_MSG_TYPE_MAKE_SEND);
	return p;
}

static void sleep_ms(unsigned ms)
{
	static mach_port_t p;
	struct num_msg m;

	if (p == MACH_PORT_NULL)
		mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p);
	mach_msg(&m.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), p, ms, MACH_PORT_NULL);
}

/* look_up, retried while the name is not there yet (its module may
 * not have checked in). */
static kern_return_t look_up_wait(mach_port_t bs, const char *name, mach_port_t *port)
{
	kern_return_t kr = KERN_INVALID_NAME;

	for (unsigned t = 0; t < WAIT_MS && kr == KERN_INVALID_NAME; t += 10) {
		kr = bootstrap_look_up(bs, name, port);
		if (kr == KERN_INVALID_NAME)
			sleep_ms(10);
	}
	return kr;
}

/* to is a send right we keep (or, for a reply, a send-once right we use up). */
static kern_return_t send_num(mach_port_t to, mach_port_t reply, int id, int value)
{
	struct num_msg m = {
		.head = {.msgh_bits = MACH_MSGH_BITS(id > MSG_DONE ? MACH_MSG_TYPE_MOVE_SEND_ONCE : MACH_MSG_TYPE_COPY_SEND,
						     reply ? MACH_MSG_TYPE_MAKE_SEND_ONCE : 0),
			 .msgh_size = sizeof(m),
			 .msgh_remote_port = to,
			 .msgh_local_port = reply,
			 .msgh_id = id},
		.type = {.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1},
		.value = value,
	};
	return mach_msg(&m.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, MACH_PORT_NULL, WAIT_MS,
			MACH_PORT_NULL);
}

static kern_return_t receive_num(mach_port_t on, struct num_msg *m)
{
	return mach_msg(&m->head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*m), on, WAIT_MS, MACH_PORT_NULL);
}

/* Tell the checker how many points we printed (counting this one). */
static void report_done(mach_port_t bs)
{
	mach_port_t checker;

	if (!is_kr(look_up_wait(bs, "test.checker", &checker), KERN_SUCCESS, "look up test.checker"))
		return;
	points++; /* the point below, printed after the count is sent */
	kern_return_t kr = send_num(checker, MACH_PORT_NULL, MSG_DONE, points);
	points--;
	is_kr(kr, KERN_SUCCESS, "report to the checker");
}

static void run_echo(mach_port_t bs, int argc)
{
	mach_port_t port = new_port(), p;
	char long_name[80];

	ok(argc == 2, "no privileged port unless the command line asks");
	is_kr(bootstrap_check_in(bs, "test.echo", port), KERN_SUCCESS, "check in test.echo");
	is_kr(bootstrap_check_in(bs, "test.echo", port), KERN_NAME_EXISTS, "a duplicate name: KERN_NAME_EXISTS");
	memset(long_name, 'x', 64);
	long_name[64] = '\0';
	is_kr(bootstrap_check_in(bs, long_name, port), KERN_INVALID_ARGUMENT,
	      "a 64-character name: KERN_INVALID_ARGUMENT");
	long_name[63] = '\0';
	is_kr(bootstrap_check_in(bs, long_name, port), KERN_SUCCESS, "a 63-character name is fine");
	is_kr(bootstrap_check_in(bs, "", port), KERN_INVALID_ARGUMENT, "an empty name: KERN_INVALID_ARGUMENT");
	is_kr(bootstrap_check_in(bs, "test.null", MACH_PORT_NULL), KERN_INVALID_ARGUMENT,
	      "a null port: KERN_INVALID_ARGUMENT");
	is_kr(bootstrap_look_up(bs, "no.such.name", &p), KERN_INVALID_NAME, "an unknown name: KERN_INVALID_NAME");
	is_kr(bootstrap_look_up(bs, long_name, &p), KERN_SUCCESS, "look up the 63-character name");
	ok(p == port, "it is our own port");
	mach_port_deallocate(mach_task_self(), p);

	/* Answer until the client sends 0. */
	struct num_msg m;
	int served = 0;
	for (;;) {
		if (!is_kr(receive_num(port, &m), MACH_MSG_SUCCESS, "a request arrives"))
			break;
		if (m.head.msgh_id != MSG_ECHO || m.value == 0)
			break;
		send_num(m.head.msgh_remote_port, MACH_PORT_NULL, MSG_ECHO_REPLY, 2 * m.value);
		served++;
	}
	ok(served == 3, "served three requests");
	report_done(bs);
}

static void run_client(mach_port_t bs)
{
	mach_port_t echo, reply = new_port();
	struct num_msg m;

	if (is_kr(look_up_wait(bs, "test.echo", &echo), KERN_SUCCESS, "look up test.echo")) {
		for (int v = 1; v <= 3; v++) {
			send_num(echo, reply, MSG_ECHO, 10 * v);
			kern_return_t kr = receive_num(reply, &m);
			ok(kr == MACH_MSG_SUCCESS && m.value == 20 * v, "the echo module doubles a number");
		}
		is_kr(send_num(echo, MACH_PORT_NULL, MSG_ECHO, 0), KERN_SUCCESS, "tell the echo module to stop");
	}
	is_kr(bootstrap_check_in(bs, "test.client", new_port()), KERN_SUCCESS, "check in test.client");
	report_done(bs);
}

static void run_checker(mach_port_t bs, int argc, char **argv)
{
	mach_port_t port = new_port(), p;
	struct num_msg m;
	int others = 0;
	mach_port_type_t type = 0;

	is_kr(bootstrap_check_in(bs, "test.checker", port), KERN_SUCCESS, "check in test.checker");
	ok(argc == 3 && mach_port_type(mach_task_self(), strtoul(argv[2], NULL, 0), &type) == KERN_SUCCESS &&
		   (type & MACH_PORT_TYPE_SEND),
	   "${host-port} on the command line became a send right");
	for (int i = 0; i < 2; i++)
		if (is_kr(receive_num(port, &m), MACH_MSG_SUCCESS, "a module reports") && m.head.msgh_id == MSG_DONE)
			others += m.value;
	kern_return_t kr = KERN_SUCCESS;
	for (unsigned t = 0; t < WAIT_MS && kr == KERN_SUCCESS; t += 10) {
		kr = bootstrap_look_up(bs, "test.client", &p);
		if (kr == KERN_SUCCESS) {
			mach_port_deallocate(mach_task_self(), p);
			sleep_ms(10);
		}
	}
	is_kr(kr, KERN_INVALID_NAME, "test.client is gone once its holder ended");
	printf("1..%d\n", points + others);
}

int main(int argc, char **argv)
{
	mach_port_t bs = MACH_PORT_NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	role = argc > 1 ? argv[1] : "?";
	if (!is_kr(task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &bs), KERN_SUCCESS,
		   "our bootstrap port") ||
	    !ok(MACH_PORT_VALID(bs), "it is a port"))
		return 1;
	if (strcmp(role, "echo") == 0)
		run_echo(bs, argc);
	else if (strcmp(role, "client") == 0)
		run_client(bs);
	else if (strcmp(role, "checker") == 0)
		run_checker(bs, argc, argv);
	else
		ok(0, "a known role");
	return failed != 0;
}
