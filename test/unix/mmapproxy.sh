#!/usr/bin/env bash
# test/unix/mmapproxy on Ernst: its own TAP (a program that skips the
# emulation library cannot map writable a file it opened read-only).
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unix_tap_clean "$tmp/boot.log" test/unix/mmapproxy mmapproxy
tap_end
