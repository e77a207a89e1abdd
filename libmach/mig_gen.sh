#!/bin/sh
# Generate libmach's MIG stubs of the kernel interfaces (make runs this;
# see Makefrag.am).  usage: mig_gen.sh MIG INCLUDE_DIR OUT_DIR
#
# Headers are named as GNU's C library installs them, so that code
# written for GNU Mach includes the same names: <mach/mach_interface.h>
# for mach.defs, <mach/mach_port.h>, <mach/mach_host.h>, <mach/exc.h>...
# Server sides get <..._server.h>.  Each .c file sits beside its header
# (the stubs include it as "name.h").
set -e
mig=$1 inc=$2 out=$3

# user DEFS HEADER: user stubs of include/DEFS.defs, declared in OUT/HEADER
user() {
	dir=$out/$(dirname "$2")
	mkdir -p "$dir"
	"$mig" -n -I"$inc" -user "$dir/$(basename "$1")User.c" -header "$out/$2" "$inc/$1.defs"
}
# server DEFS: server stubs and demux of include/DEFS.defs, OUT/DEFS_server.h
server() {
	dir=$out/$(dirname "$1")
	mkdir -p "$dir"
	"$mig" -n -I"$inc" -server "$out/$1Server.c" -sheader "$out/$1_server.h" "$inc/$1.defs"
}

user mach/mach mach/mach_interface.h
user mach/mach_port mach/mach_port.h
user mach/mach_host mach/mach_host.h
user mach/mach4 mach/mach4.h
user mach/gnumach mach/gnumach.h
user mach/exc mach/exc.h
user mach/memory_object_default mach/memory_object_default.h
user mach/default_pager mach/default_pager.h
user mach/machine/mach_i386 mach/mach_i386.h
user device/device device/device.h
user device/device_request device/device_request.h

# The calls a task serves rather than makes: exception handlers
# (catch_exception_raise), notification receivers (do_mach_notify_*),
# pagers (memory_object_*), device clients of device_request.defs
# (ds_device_*_reply).  No user stubs of these: a server's routines have
# the names the user stubs would have.
server mach/exc
server mach/notify
server mach/memory_object
server device/device_reply
