# Turn `nm -n` output into the kernel's symbol table (.ksyms section):
# text symbols in address order, for backtraces and the debugger.
BEGIN { n = 0 }
NF == 3 && $2 ~ /^[tTwW]$/ && $3 !~ /^\./ {
	addr[n] = $1
	name[n] = $3
	n++
}
END {
	print "\t.section .ksyms, \"a\""
	print "\t.align 4"
	print "\t.globl ksyms_count, ksyms_addrs, ksyms_name_offsets, ksyms_names"
	print "ksyms_count:\n\t.long " n + 0
	print "ksyms_addrs:"
	for (i = 0; i < n; i++)
		print "\t.long 0x" addr[i]
	print "ksyms_name_offsets:"
	off = 0
	for (i = 0; i < n; i++) {
		print "\t.long " off
		off += length(name[i]) + 1
	}
	print "ksyms_names:"
	for (i = 0; i < n; i++)
		print "\t.asciz \"" name[i] "\""
}
