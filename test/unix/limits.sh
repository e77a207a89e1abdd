#!/usr/bin/env bash
# test/unix/limits on Ernst: its own TAP (bad messages to the services,
# the process limit), read from what it wrote.
. "$srcdir/test/unix/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unix_tap_clean "$tmp/boot.log" test/unix/limits limits

# A first program bootstrap does not hold: the server says so and ends.
st=$(boot "$tmp/missing.log" --append console=serial \
	--initrd "bootstrap/bootstrap -x,unix_server/single/single -x nosuchprogram,unix_server/emul/emul.bin \$(data)" \
	mach/ernst)
ok "$st" "a missing first program: the boot still ends cleanly"
has "$tmp/missing.log" "unix: no such data module"
ok $? "the single server reports the missing module"
tap_end
