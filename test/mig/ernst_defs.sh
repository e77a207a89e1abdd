#!/bin/bash
# Ernst's own kernel interfaces (include/mach/*.defs, include/device/*.defs)
# against GNU Mach's (Debian's gnumach-dev) and GNU MIG:
#  - the same routine list and message ids as GNU MIG gives for GNU
#    Mach's file, in each configuration the files have (plain, SEQNOS,
#    KERNEL_USER, KERNEL_SERVER);
#  - user and server stubs compile for i386 with -Wall -Wextra -Werror,
#    in user space and in the kernel (mig -DKERNEL_SERVER and
#    -DKERNEL_USER, C -DMACH_KERNEL, freestanding, against a stand-in
#    <kern/ipc_kobject.h> declaring the kernel's conversions);
#  - the i386 wire layout of sample requests (ernst_layout.c).
# Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
GNUMIG=$(command -v x86_64-gnu-mig)
gnu_inc=/usr/include/x86_64-linux-gnu
inc=$top_srcdir/include
names="mach/mach mach/mach_port mach/mach_host mach/exc mach/notify
	mach/memory_object mach/memory_object_default mach/default_pager
	mach/mach4 mach/gnumach device/device device/device_reply
	device/device_request"
n=0
for d in $names; do n=$((n + 3)); done
echo "1..$((n + 1))"
if [ -z "$GNUMIG" ] || [ ! -e "$gnu_inc/mach/mach.defs" ]; then
	for i in $(seq 1 $((n + 1))); do
		echo "not ok $i - gnumach-dev and mig-x86-64-gnu must be installed"
	done
	exit 1
fi

cflags="-m32 -std=gnu11 -Wall -Wextra -Werror"
# The kernel: no C library, only what the compiler itself provides.
kflags="$cflags -ffreestanding -nostdinc -isystem $($CC -m32 -print-file-name=include) -DMACH_KERNEL"
for d in $names; do
	b=$(basename "$d")
	o=$t/$b
	mkdir -p "$o"
	{
		for cfg in -DPLAIN -DSEQNOS=1 -DKERNEL_USER=1 -DKERNEL_SERVER=1; do
			"$MIG" $cfg -I"$inc" -n -list "$o/ernst$cfg.ids" "$inc/$d.defs" &&
			"$GNUMIG" $cfg -n -list "$o/gnu$cfg.ids" "$gnu_inc/$d.defs" &&
			diff -u "$o/gnu$cfg.ids" "$o/ernst$cfg.ids" || exit 1
		done
	} > "$o/ids.log" 2>&1
	ok $? "$d.defs: GNU Mach's routines and message ids (plain, SEQNOS, KERNEL_USER, KERNEL_SERVER)" "$o/ids.log"

	(cd "$o" && "$MIG" -I"$inc" -n -user u.c -server s.c -header "$b.h" \
		-sheader "${b}_server.h" "$inc/$d.defs" &&
	 $CC $cflags -I"$inc" -I. -c u.c -o u.o &&
	 $CC $cflags -I"$inc" -I. -c s.c -o s.o) > "$o/user.log" 2>&1
	ok $? "$d.defs: user and server stubs compile for i386 in user space" "$o/user.log"

	(cd "$o" && mkdir -p k && cd k &&
	 "$MIG" -DKERNEL_SERVER -I"$inc" -n -server ks.c -sheader "${b}_server.h" "$inc/$d.defs" &&
	 "$MIG" -DKERNEL_USER -I"$inc" -n -user ku.c -header "$b.h" "$inc/$d.defs" &&
	 $CC $kflags -I"$inc" -I"$src/kernel" -I. -c ks.c -o ks.o &&
	 # User stubs matter in the kernel only where it is the client.
	 if grep -q _from_kernel ku.c; then
		$CC $kflags -I"$inc" -I"$src/kernel" -I. -c ku.c -o ku.o
	 fi) > "$o/kernel.log" 2>&1
	ok $? "$d.defs: KERNEL_SERVER server stubs (and KernelUser stubs) compile freestanding" "$o/kernel.log"
done

# Sample requests on the wire, from the user stubs, built for i386.
o=$t/layout
mkdir -p "$o"
{
	for d in mach/mach mach/mach_port mach/exc mach/memory_object device/device; do
		b=$(basename "$d")
		(cd "$o" && "$MIG" -I"$inc" -n -user "${b}User.c" -header "$b.h" "$inc/$d.defs") || exit 1
	done
	for u in "$o"/*User.c; do
		$CC $cflags -I"$inc" -I"$o" -c "$u" -o "${u%.c}.o" || exit 1
	done
	$CC $cflags -I"$inc" -I"$o" -c "$src/ernst_layout.c" -o "$o/layout.o" &&
	$CC -m32 -o "$o/layout" "$o"/*.o
} > "$o/build.log" 2>&1
if [ $? != 0 ]; then
	ok 1 "build the i386 layout test" "$o/build.log"
else
	"$o/layout" > "$o/run.log" 2>&1
	ok $? "i386 request layouts of sample routines match GNU Mach i386's" "$o/run.log"
fi
done_testing
