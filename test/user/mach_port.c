/*
 * Every call of mach_port.defs, as GNU Mach answers it: rights and
 * their user-reference counts after each operation, and the error codes
 * for invalid names, rights and values.  The name count is back where it
 * started at the end.
 */
#include <string.h>
#include "tap.h"
#include "util.h"

#define T mach_task_self()

static void test_allocate_and_refs(void)
{
	mach_port_t p;
	is_kr(mach_port_allocate(T, MACH_PORT_RIGHT_RECEIVE, &p), KERN_SUCCESS, "allocate a receive right");
	is(ptype(p), MACH_PORT_TYPE_RECEIVE, "its name denotes a receive right only");
	is(urefs(p, MACH_PORT_RIGHT_RECEIVE), 1, "receive right: 1 reference");
	is(urefs(p, MACH_PORT_RIGHT_SEND), 0, "no send references yet");

	is_kr(mach_port_insert_right(T, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS,
	      "insert_right MAKE_SEND under the receive right's name");
	is(ptype(p), MACH_PORT_TYPE_SEND_RECEIVE, "the name now has send and receive");
	is(urefs(p, MACH_PORT_RIGHT_SEND), 1, "send: 1 reference");
	is_kr(mach_port_insert_right(T, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS, "insert it again");
	is(urefs(p, MACH_PORT_RIGHT_SEND), 2, "send: 2 references");
	is_kr(mach_port_mod_refs(T, p, MACH_PORT_RIGHT_SEND, 3), KERN_SUCCESS, "mod_refs SEND +3");
	is(urefs(p, MACH_PORT_RIGHT_SEND), 5, "send: 5 references");
	is_kr(mach_port_mod_refs(T, p, MACH_PORT_RIGHT_SEND, -6), KERN_INVALID_VALUE,
	      "mod_refs below zero: KERN_INVALID_VALUE");
	is(urefs(p, MACH_PORT_RIGHT_SEND), 5, "and nothing changed");
	is_kr(mach_port_deallocate(T, p), KERN_SUCCESS, "deallocate drops one send reference");
	is(urefs(p, MACH_PORT_RIGHT_SEND), 4, "send: 4 references");
	is_kr(mach_port_mod_refs(T, p, MACH_PORT_RIGHT_SEND, -4), KERN_SUCCESS, "mod_refs SEND -4");
	is(ptype(p), MACH_PORT_TYPE_RECEIVE, "the send right is gone, the receive right stays");
	is_kr(mach_port_deallocate(T, p), KERN_INVALID_RIGHT, "deallocate of a receive right: KERN_INVALID_RIGHT");
	is_kr(mach_port_mod_refs(T, p, MACH_PORT_RIGHT_RECEIVE, 1), KERN_INVALID_VALUE,
	      "mod_refs RECEIVE +1: KERN_INVALID_VALUE");
	is_kr(mach_port_mod_refs(T, p, MACH_PORT_RIGHT_SEND_ONCE, -1), KERN_INVALID_RIGHT,
	      "mod_refs of a right the name lacks: KERN_INVALID_RIGHT");
	is_kr(mach_port_get_refs(T, p, MACH_PORT_RIGHT_NUMBER, &(mach_port_urefs_t){ 0 }), KERN_INVALID_VALUE,
	      "get_refs of right 5: KERN_INVALID_VALUE");
	is_kr(mach_port_mod_refs(T, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS,
	      "mod_refs RECEIVE -1 destroys the receive right");
	is(ptype(p), 0, "and the name is free");

	is_kr(mach_port_allocate(T, MACH_PORT_RIGHT_SEND, &p), KERN_INVALID_VALUE,
	      "allocate a send right: KERN_INVALID_VALUE");
	is_kr(mach_port_allocate(T, MACH_PORT_RIGHT_DEAD_NAME, &p), KERN_SUCCESS, "allocate a dead name");
	is(ptype(p), MACH_PORT_TYPE_DEAD_NAME, "it is a dead name");
	is(urefs(p, MACH_PORT_RIGHT_DEAD_NAME), 1, "dead name: 1 reference");
	is_kr(mach_port_mod_refs(T, p, MACH_PORT_RIGHT_DEAD_NAME, 2), KERN_SUCCESS, "mod_refs DEAD_NAME +2");
	is(urefs(p, MACH_PORT_RIGHT_DEAD_NAME), 3, "dead name: 3 references");
	is_kr(mach_port_deallocate(T, p), KERN_SUCCESS, "deallocate a dead-name reference");
	is(urefs(p, MACH_PORT_RIGHT_DEAD_NAME), 2, "dead name: 2 references");
	is_kr(mach_port_destroy(T, p), KERN_SUCCESS, "destroy the dead name");
	is(ptype(p), 0, "its name is free");
}

static void test_invalid_names(void)
{
	mach_port_type_t type;
	mach_port_t bogus = 0x7fff0123;
	is_kr(mach_port_type(T, bogus, &type), KERN_INVALID_NAME, "type of an unused name: KERN_INVALID_NAME");
	is_kr(mach_port_type(T, MACH_PORT_NULL, &type), KERN_INVALID_NAME, "type of MACH_PORT_NULL: KERN_INVALID_NAME");
	is_kr(mach_port_destroy(T, bogus), KERN_INVALID_NAME, "destroy an unused name: KERN_INVALID_NAME");
	is_kr(mach_port_deallocate(T, bogus), KERN_INVALID_NAME, "deallocate an unused name: KERN_INVALID_NAME");
	is_kr(mach_port_mod_refs(T, bogus, MACH_PORT_RIGHT_SEND, 1), KERN_INVALID_NAME,
	      "mod_refs of an unused name: KERN_INVALID_NAME");
	is_kr(mach_port_get_refs(T, bogus, MACH_PORT_RIGHT_SEND, &(mach_port_urefs_t){ 0 }), KERN_INVALID_NAME,
	      "get_refs of an unused name: KERN_INVALID_NAME");
	is_kr(mach_port_rename(T, bogus, 0x7fff0456), KERN_INVALID_NAME, "rename an unused name: KERN_INVALID_NAME");
	is_kr(mach_port_set_qlimit(T, bogus, 3), KERN_INVALID_NAME, "set_qlimit on an unused name: KERN_INVALID_NAME");
	mach_port_t host = mach_host_self();
	is_kr(mach_port_type(host, bogus, &type), KERN_INVALID_TASK,
	      "mach_port_type on the host port as task: KERN_INVALID_TASK");
	mach_port_deallocate(T, host);
	is_kr(mach_port_type(MACH_PORT_NULL, bogus, &type), MACH_SEND_INVALID_DEST,
	      "mach_port_type with task MACH_PORT_NULL: MACH_SEND_INVALID_DEST");
}

/* A name freed and allocated again at once is a different name (the
 * entry's generation changes, docs/ipc.md): the old name reaches nothing,
 * so a right dropped by it late cannot hit the entry's new right. */
static void test_name_generations(void)
{
	mach_port_type_t type;
	mach_port_t p = new_port();

	mach_port_destroy(T, p);
	mach_port_t q = new_port();
	ok(q != p, "a name freed and allocated again at once differs (%#x, was %#x)", q, p);
	is_kr(mach_port_type(T, p, &type), KERN_INVALID_NAME, "the old name is unused");
	is_kr(mach_port_destroy(T, p), KERN_INVALID_NAME, "destroying by it: KERN_INVALID_NAME");
	is(ptype(q), MACH_PORT_TYPE_RECEIVE, "the new right is untouched");
	is_kr(mach_port_allocate_name(T, MACH_PORT_RIGHT_RECEIVE, p), KERN_NAME_EXISTS,
	      "allocate_name of the old name while its entry is in use: KERN_NAME_EXISTS");
	mach_port_destroy(T, q);
	is_kr(mach_port_allocate_name(T, MACH_PORT_RIGHT_RECEIVE, p), KERN_SUCCESS,
	      "allocate_name of the old name once the entry is free");
	is(ptype(p), MACH_PORT_TYPE_RECEIVE, "it names the right");
	is_kr(mach_port_type(T, q, &type), KERN_INVALID_NAME, "the name before it does not");
	mach_port_destroy(T, p);
	is_kr(mach_port_allocate_name(T, MACH_PORT_RIGHT_RECEIVE, 0x01000000), KERN_INVALID_VALUE,
	      "allocate_name of a name of entry 0 (never in use): KERN_INVALID_VALUE");
	is_kr(mach_port_allocate_name(T, MACH_PORT_RIGHT_RECEIVE, 0x80000005), KERN_INVALID_VALUE,
	      "allocate_name of a name with bit 31 set: KERN_INVALID_VALUE");
	/* Generations wrap around without ever setting bit 31. */
	int bad = 0, distinct = 0;
	mach_port_t first = MACH_PORT_NULL;
	for (int i = 0; i < 300; i++) {
		mach_port_t n = new_port();
		bad |= n == MACH_PORT_NULL || (n & 0x80000000u) != 0;
		if (i == 0)
			first = n;
		else
			distinct += n != first;
		mach_port_destroy(T, n);
	}
	ok(!bad, "300 names in a row, each valid with bit 31 clear");
	ok(distinct > 0, "and not all the same");
}

static void test_names_and_rename(void)
{
	long start = name_count();
	cmp_ok(start, ">=", 1, "mach_port_names counts the names (%ld)", start);
	mach_port_t p = new_port_with_send();
	ok(p != MACH_PORT_NULL, "a port with a send right");
	is(name_count(), start + 1, "one more name");

	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t nn, nt;
	int found = 0;
	if (is_kr(mach_port_names(T, &names, &nn, &types, &nt), KERN_SUCCESS, "mach_port_names")) {
		is(nn, nt, "as many types as names");
		for (unsigned i = 0; i < nn; i++)
			if (names[i] == p)
				found = types[i] == MACH_PORT_TYPE_SEND_RECEIVE;
		ok(found, "the new name is listed with send and receive");
		vm_deallocate(T, (vm_address_t)names, nn * sizeof *names);
		vm_deallocate(T, (vm_address_t)types, nt * sizeof *types);
	}

	mach_port_t q = 0x5000;
	while (ptype(q) != 0)
		q += 0x100;
	is_kr(mach_port_rename(T, p, q), KERN_SUCCESS, "rename to a free name");
	is(ptype(p), 0, "the old name is free");
	is(ptype(q), MACH_PORT_TYPE_SEND_RECEIVE, "the new name has both rights");
	is(urefs(q, MACH_PORT_RIGHT_SEND), 1, "and the send reference");
	is_kr(mach_port_rename(T, q, MACH_PORT_NULL), KERN_INVALID_VALUE, "rename to MACH_PORT_NULL: KERN_INVALID_VALUE");
	mach_port_t r = new_port();
	is_kr(mach_port_rename(T, q, r), KERN_NAME_EXISTS, "rename onto a name in use: KERN_NAME_EXISTS");

	is_kr(mach_port_allocate_name(T, MACH_PORT_RIGHT_RECEIVE, q + 1), KERN_SUCCESS, "allocate_name a chosen name");
	is(ptype(q + 1), MACH_PORT_TYPE_RECEIVE, "it holds a receive right");
	is_kr(mach_port_allocate_name(T, MACH_PORT_RIGHT_RECEIVE, q), KERN_NAME_EXISTS,
	      "allocate_name of a name in use: KERN_NAME_EXISTS");
	is_kr(mach_port_allocate_name(T, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_NULL), KERN_INVALID_VALUE,
	      "allocate_name MACH_PORT_NULL: KERN_INVALID_VALUE");

	is_kr(mach_port_insert_right(T, r, q, MACH_MSG_TYPE_MAKE_SEND), KERN_NAME_EXISTS,
	      "insert a right under a name holding another port: KERN_NAME_EXISTS");
	is_kr(mach_port_insert_right(T, q + 2, q, MACH_MSG_TYPE_MAKE_SEND), KERN_RIGHT_EXISTS,
	      "insert a send right under a second name: KERN_RIGHT_EXISTS");
	is(ptype(q + 2), 0, "the second name stays free");
	is_kr(mach_port_insert_right(T, MACH_PORT_NULL, q, MACH_MSG_TYPE_MAKE_SEND), KERN_INVALID_VALUE,
	      "insert under MACH_PORT_NULL: KERN_INVALID_VALUE");

	mach_port_t poly;
	mach_msg_type_name_t poly_type;
	is_kr(mach_port_extract_right(T, q, MACH_MSG_TYPE_MAKE_SEND, &poly, &poly_type), KERN_SUCCESS,
	      "extract_right MAKE_SEND");
	is(poly, q, "the send right comes back under the same name");
	is(poly_type, MACH_MSG_TYPE_PORT_SEND, "as a send right");
	is(urefs(q, MACH_PORT_RIGHT_SEND), 2, "send: 2 references");
	is_kr(mach_port_extract_right(T, q, MACH_MSG_TYPE_MAKE_SEND_ONCE, &poly, &poly_type), KERN_SUCCESS,
	      "extract_right MAKE_SEND_ONCE");
	ok(poly != q && ptype(poly) == MACH_PORT_TYPE_SEND_ONCE, "a send-once right under a new name");
	is(poly_type, MACH_MSG_TYPE_PORT_SEND_ONCE, "typed send-once");
	mach_port_t once = poly;
	is_kr(mach_port_extract_right(T, q + 1, MACH_MSG_TYPE_MOVE_SEND, &poly, &poly_type), KERN_INVALID_RIGHT,
	      "extract_right MOVE_SEND of a receive-only name: KERN_INVALID_RIGHT");

	is_kr(mach_port_destroy(T, q), KERN_SUCCESS, "destroy the port");
	is(ptype(q), 0, "its name is free");
	is(ptype(once), MACH_PORT_TYPE_DEAD_NAME, "the send-once right to it became a dead name");
	is(urefs(once, MACH_PORT_RIGHT_DEAD_NAME), 1, "with 1 reference");
	is_kr(mach_port_deallocate(T, once), KERN_SUCCESS, "deallocate the dead name");
	mach_port_destroy(T, q + 1);
	mach_port_destroy(T, r);
	is(name_count(), start, "name count back to the start (%ld)", start);
}

static void test_sets_and_status(void)
{
	mach_port_t set, p = new_port(), q = new_port();
	mach_port_status_t st;
	is_kr(mach_port_allocate(T, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS, "allocate a port set");
	is(ptype(set), MACH_PORT_TYPE_PORT_SET, "its name denotes a port set");
	is(urefs(set, MACH_PORT_RIGHT_PORT_SET), 1, "port set: 1 reference");
	is_kr(mach_port_move_member(T, p, set), KERN_SUCCESS, "move_member into the set");
	if (is_kr(mach_port_get_receive_status(T, p, &st), KERN_SUCCESS, "get_receive_status"))
		is(st.mps_pset, set, "the status names the set");
	mach_port_name_array_t members;
	mach_msg_type_number_t n = 0;
	if (is_kr(mach_port_get_set_status(T, set, &members, &n), KERN_SUCCESS, "get_set_status")) {
		ok(n == 1 && members[0] == p, "one member, the port (%u)", n);
		if (n > 0)
			vm_deallocate(T, (vm_address_t)members, n * sizeof *members);
	}
	is_kr(mach_port_get_set_status(T, p, &members, &n), KERN_INVALID_RIGHT,
	      "get_set_status of a port: KERN_INVALID_RIGHT");
	is_kr(mach_port_move_member(T, set, p), KERN_INVALID_RIGHT, "move a set into a port: KERN_INVALID_RIGHT");
	is_kr(mach_port_move_member(T, p, q), KERN_INVALID_RIGHT, "move into a port, not a set: KERN_INVALID_RIGHT");
	is_kr(mach_port_move_member(T, p, MACH_PORT_NULL), KERN_SUCCESS, "move_member out of the set");
	if (is_kr(mach_port_get_set_status(T, set, &members, &n), KERN_SUCCESS, "get_set_status again")) {
		is(n, 0, "the set is empty");
		if (n > 0)
			vm_deallocate(T, (vm_address_t)members, n * sizeof *members);
	}

	if (is_kr(mach_port_get_receive_status(T, q, &st), KERN_SUCCESS, "status of a fresh port")) {
		is(st.mps_pset, MACH_PORT_NULL, "in no set");
		is(st.mps_seqno, 0, "seqno 0");
		is(st.mps_mscount, 0, "make-send count 0");
		is(st.mps_qlimit, MACH_PORT_QLIMIT_DEFAULT, "queue limit 5");
		is(st.mps_msgcount, 0, "no messages");
		is(st.mps_sorights, 0, "no send-once rights");
		is(st.mps_srights, 0, "no send rights");
	}
	is_kr(mach_port_set_qlimit(T, q, 7), KERN_SUCCESS, "set_qlimit 7");
	is_kr(mach_port_set_qlimit(T, q, MACH_PORT_QLIMIT_MAX + 1), KERN_INVALID_VALUE,
	      "set_qlimit above the maximum: KERN_INVALID_VALUE");
	is_kr(mach_port_set_mscount(T, q, 3), KERN_SUCCESS, "set_mscount 3");
	is_kr(mach_port_set_seqno(T, q, 10), KERN_SUCCESS, "set_seqno 10");
	is_kr(mach_port_insert_right(T, q, q, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS, "make a send right");
	if (is_kr(mach_port_get_receive_status(T, q, &st), KERN_SUCCESS, "status after the changes")) {
		is(st.mps_qlimit, 7, "queue limit 7");
		is(st.mps_mscount, 4, "make-send count 4");
		is(st.mps_seqno, 10, "seqno 10");
		is(st.mps_srights, 1, "send rights exist");
	}
	is_kr(send_int(q, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1234, 5, 0, 0), MACH_MSG_SUCCESS, "send one");
	struct rcv_buf buf;
	if (is_kr(receive(q, &buf, 1000), MACH_MSG_SUCCESS, "receive it"))
		is(buf.head.msgh_seqno, 10, "it carries seqno 10");
	is_kr(mach_port_set_qlimit(T, set, 3), KERN_INVALID_RIGHT, "set_qlimit on a port set: KERN_INVALID_RIGHT");

	mach_port_t prev = 1, so;
	mach_msg_type_name_t so_type;
	is_kr(mach_port_extract_right(T, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &so_type), KERN_SUCCESS,
	      "a send-once right for the notification");
	is_kr(mach_port_request_notification(T, q, MACH_NOTIFY_NO_SENDERS, 0, so, &prev),
	      KERN_SUCCESS, "request a no-senders notification");
	is(prev, MACH_PORT_NULL, "no previous request");
	if (is_kr(mach_port_get_receive_status(T, q, &st), KERN_SUCCESS, "status"))
		is(st.mps_nsrequest, 1, "shows the no-senders request");
	is_kr(mach_port_extract_right(T, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &so_type), KERN_SUCCESS,
	      "another send-once right");
	is_kr(mach_port_request_notification(T, q, MACH_NOTIFY_FIRST + 3, 0, so, &prev),
	      KERN_INVALID_VALUE, "request an unknown notification: KERN_INVALID_VALUE");
	is_kr(mach_port_set_protected_payload(T, q, 0xfeed), KERN_SUCCESS, "set_protected_payload");
	is_kr(mach_port_clear_protected_payload(T, q), KERN_SUCCESS, "clear_protected_payload");

	is_kr(mach_port_destroy(T, set), KERN_SUCCESS, "destroy the set");
	is_kr(mach_port_destroy(T, q), KERN_SUCCESS, "destroy a port");
	is_kr(mach_port_destroy(T, p), KERN_SUCCESS, "destroy the other");
}

int main(void)
{
	long start = name_count();
	test_allocate_and_refs();
	test_invalid_names();
	test_names_and_rename();
	test_name_generations();
	test_sets_and_status();
	if (!is(name_count(), start, "at the end, as many names as at the start (%ld)", start))
		diag_names();
	return tap_done();
}
