# gdb script for bench/trace: single-step one trap, count instructions.
import bisect, collections, os, subprocess
import gdb

syms = []
out = subprocess.run(["nm", "-n", os.environ["KERNEL"]], capture_output=True, text=True).stdout
for line in out.splitlines():
    p = line.split()
    if len(p) == 3 and p[1] in "tTwW":
        syms.append((int(p[0], 16), p[2]))
addrs = [a for a, _ in syms]

def function(pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return syms[i][1] if i >= 0 else hex(pc)

def line(pc):
    sal = gdb.find_pc_line(pc)
    return "%s:%d" % (os.path.basename(sal.symtab.filename), sal.line) if sal.symtab else hex(pc)

KERNBASE = 0xC0000000
gdb.execute("set pagination off")
gdb.execute("target remote localhost:%s" % os.environ["PORT"])
bp = gdb.Breakpoint("*mach_call_entry")
gdb.execute("ignore %d %s" % (bp.number, os.environ.get("SKIP", "400")))
gdb.execute("continue")
bp.enabled = False
pcs, path = collections.Counter(), []
n = 0
while n < 100000:
    pc = int(gdb.parse_and_eval("$pc")) & 0xffffffff
    if pc < KERNBASE:
        break
    pcs[pc] += 1
    f = function(pc)
    if not path or path[-1] != f:
        path.append(f)
    n += 1
    gdb.execute("stepi", to_string=True)
key = line if os.environ.get("MODE") == "lines" else function
counts = collections.Counter()
for pc, c in pcs.items():
    counts[key(pc)] += c
for k, c in counts.most_common(60):
    print("%6d %s" % (c, k))
print("total %d" % n)
print("path " + " > ".join(path[:200]))
gdb.execute("kill")
