#!/usr/bin/env bash
# The user runtime builds programs a Mach loader can start: hello is a
# static i386 ELF entered at _start with text at 0x08048000 and nothing
# left undefined; newlib's hooks are libmach's; and every trap stub
# encodes GNU Mach's trap number (checked against the table below, not
# against traps.S).
top=${top_builddir:-.}
hello=$top/libmach/tests/hello
lib=$top/libmach/libmach.a
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { # ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

readelf -h "$hello" > "$tmp/h" 2>&1
readelf -lW "$hello" > "$tmp/l" 2>&1
nm "$hello" > "$tmp/syms" 2>&1

grep -q 'Class:.*ELF32' "$tmp/h" && grep -q 'Machine:.*80386' "$tmp/h"
ok $? "hello is a 32-bit i386 ELF"
grep -q 'Type:.*EXEC' "$tmp/h"
ok $? "hello is a fixed-address executable (not PIE, not shared)"
! grep -Eq 'INTERP|DYNAMIC' "$tmp/l"
ok $? "hello is static: no interpreter, no dynamic section"

entry=$(awk '/Entry point address:/ { print $4 }' "$tmp/h")
start=$(awk '$3 == "_start" { print $1 }' "$tmp/syms")
[ -n "$start" ] && [ $((entry)) = $((16#$start)) ]
ok $? "the entry point ($entry) is _start (0x$start)"

first_load=$(awk '$1 == "LOAD" { print $3; exit }' "$tmp/l")
[ $((first_load)) = $((0x08048000)) ]
ok $? "the first loadable segment starts at 0x08048000 ($first_load)"
in_text=1
while read -r _ off vaddr paddr filesz memsz flags; do
	case $flags in
	"R E"*) [ $((vaddr)) -le $((16#$start)) ] && [ $((16#$start)) -lt $((vaddr + memsz)) ] && in_text=0 ;;
	esac
done < <(grep '^ *LOAD' "$tmp/l")
[ "$in_text" = 0 ]
ok $? "_start lies in the read/execute segment"
[ "$(grep -c '^ *LOAD' "$tmp/l")" = 2 ]
ok $? "hello has exactly two loadable segments (text, data)"

nm -u "$hello" > "$tmp/undef" 2>&1
[ ! -s "$tmp/undef" ]
ok $? "hello has no undefined symbols"
[ -s "$tmp/undef" ] && sed 's/^/# undefined: /' "$tmp/undef"

# newlib's single-threaded defaults must lose to libmach's: its dummy
# locks are one byte each, libmach's are real structures.
size=$(nm -S "$hello" | awk '$4 == "__lock___malloc_recursive_mutex" { print $2 }')
[ -n "$size" ] && [ $((16#$size)) -gt 1 ]
ok $? "malloc's lock is libmach's, not newlib's no-op (size 0x$size)"
grep -q ' T __getreent$' "$tmp/syms" && grep -q ' cthread_main$' "$tmp/syms"
ok $? "__getreent is libmach's per-thread one"
grep -q ' T write$' "$tmp/syms" && grep -q ' T mach_print$' "$tmp/syms"
ok $? "stdio reaches the console through libmach's write and mach_print"

# Every symbol libmach.a needs and neither it, newlib nor libgcc defines
# must be main or a routine a server implements (the ones the generated
# server stubs call: catch_exception_raise, do_mach_notify_*...): all the
# kernel RPCs are there now, as MIG user stubs.
allowed=" main $(sed -n 's/^extern kern_return_t \([a-z_0-9]*\)($/\1/p' \
	"$top"/libmach/gen/*/*_server.h | tr '\n' ' ') "
newlib=$top/libmach/newlib-install/i686-elf/lib
libgcc=$(gcc -m32 -print-libgcc-file-name)
nm -u "$lib" 2>/dev/null | awk 'NF == 2 { print $2 }' | sort -u > "$tmp/lib_undef"
nm --defined-only "$lib" "$newlib/libc.a" "$newlib/libm.a" "$libgcc" 2>/dev/null |
	awk 'NF == 3 { print $3 }' | sort -u > "$tmp/all_def"
comm -23 "$tmp/lib_undef" "$tmp/all_def" > "$tmp/missing"
bad=0
while read -r sym; do
	case "$allowed" in *" $sym "*) ;; *) echo "# unexpected undefined symbol in libmach.a: $sym"; bad=1 ;; esac
done < "$tmp/missing"
ok $bad "libmach.a needs nothing but main and server routines ($(wc -l < "$tmp/missing") of them)"

# name number: GNU Mach's i386 trap table (kern/syscall_sw.c).
objdump -d --no-show-raw-insn "$lib" > "$tmp/dis" 2>&1
while read -r name number; do
	want=$(printf '0x%x' $(((1 << 32) - number)))
	awk -v name="$name" -v want="$want" '
		$0 ~ "<" name ">:$" { inside = 1; k = 0; next }
		inside && /^$/ { inside = 0 }
		inside && NF > 1 { k++; ins[k] = $0 }
		END {
			if (k < 3) exit 1
			if (ins[1] !~ ("mov +\\$" want ",%eax")) exit 1
			if (ins[2] !~ /lcall +\$0x7,\$0x0/) exit 1
			if (ins[3] !~ /ret/) exit 1
		}' "$tmp/dis"
	ok $? "$name is trap -$number: movl \$$want,%eax; lcall \$7,\$0; ret"
done << 'TABLE'
mach_msg_trap 25
mach_reply_port 26
mach_thread_self 27
mach_task_self 28
mach_host_self 29
mach_print 30
swtch_pri 59
swtch 60
thread_switch 61
syscall_vm_map 64
syscall_vm_allocate 65
syscall_vm_deallocate 66
syscall_task_create 68
syscall_task_terminate 69
syscall_task_suspend 70
syscall_task_set_special_port 71
syscall_mach_port_allocate 72
syscall_mach_port_deallocate 73
syscall_mach_port_insert_right 74
syscall_mach_port_allocate_name 75
TABLE

echo "1..$n"
