#!/usr/bin/env bash
# The bootstrap server (bootstrap/): booted as module 0 with three
# modules (test/bootstrap/names_test echo, client, checker) that find
# each other through its name service and exchange messages, printing
# unnumbered TAP; a file that is not ELF and a 64-bit ELF among them are
# reported and skipped.  bootstrap -x ends the boot when all have ended.
. "$srcdir/test/harness/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'this is not an ELF file\n' > "$tmp/junk"
head -c 4096 /bin/true > "$tmp/elf64"
log=$tmp/boot.log
t=test/bootstrap/names_test
st=$(boot "$log" --append console=serial \
	--initrd "bootstrap/bootstrap -x,$t echo,$t client,$tmp/junk,$tmp/elf64 \$(task-create),$t checker \${host-port}" \
	mach/ernst)
ok "$st" "the boot ends cleanly when every module has ended (status $st: $(qemu_status_text "$st"))"
has "$log" "bootstrap: 5 modules to start"; ok $? "bootstrap finds the kernel's module list"
has "$log" "bootstrap: started module 1: $t echo"; ok $? "the boot log names each module started"
has "$log" "bootstrap: module 3 (.*junk): not an ELF file, skipped"; ok $? "a file that is not ELF is reported and skipped"
has "$log" "bootstrap: module 4 (.*elf64.*): wrong architecture"; ok $? "a 64-bit ELF is reported as the wrong architecture"
has "$log" "bootstrap: started module 5: $t checker"; ok $? "and the modules after them start"
has "$log" "bootstrap: test.client removed (its port died)"; ok $? "a name goes when its port dies"
has "$log" "bootstrap: all modules have ended"; ok $? "bootstrap sees every module end"
# The modules' own TAP, one stream (the checker prints the plan).
while read -r verdict what; do
	what=${what#- }
	[ "$verdict" = PASS ]
	ok $? "module: $what"
done < <(tap_summarize "$log" 0)
! has "$log" "panic"; ok $? "no panic"
tap_end
