#!/usr/bin/env bash
# make iso's image boots through GRUB to the same banner, and GRUB's
# menu offers each configuration.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f ernst.iso ]; ok $? "ernst.iso was built"
st=$(boot "$tmp/log" --cdrom ernst.iso)
ok $((st != 0)) "the ISO boots and halts cleanly (status $st: $(qemu_status_text $st))"
grep -q '^Ernst [0-9.]* (build' <(tr -d '\r' < "$tmp/log"); ok $? "the banner appears"
has "$tmp/log" "kernel initialised"; ok $? "initialisation completes"
xorriso -osirrox on -indev ernst.iso -extract /boot/grub/grub.cfg "$tmp/grub.cfg" > /dev/null 2>&1
grep -q 'menuentry "Ernst kernel self tests"' "$tmp/grub.cfg"; ok $? "the menu has an entry per configuration"
tap_end
