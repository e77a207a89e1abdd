# gdb script for bench/trace: single-step one trap, count instructions.
# MODE=functions or lines: one Mach trap, kernel only.  FAULT=1: one user
# page fault (trap()'s T_PAGE_FAULT), user and kernel, every thread,
# until the faulting instruction runs again; PROGRAM names the user
# program whose symbols name its instructions.
import bisect, collections, os, subprocess
import gdb

def symbols(path):
    syms = []
    out = subprocess.run(["nm", "-n", path], capture_output=True, text=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "tTwW":
            syms.append((int(p[0], 16), p[2]))
    return syms, [a for a, _ in syms]

ksyms, kaddrs = symbols(os.environ["KERNEL"])
fault = os.environ.get("FAULT") == "1"
usyms, uaddrs = symbols(os.environ["PROGRAM"]) if fault else ([], [])
KERNBASE = 0xC0000000

def function(pc):
    syms, addrs = (ksyms, kaddrs) if pc >= KERNBASE else (usyms, uaddrs)
    i = bisect.bisect_right(addrs, pc) - 1
    name = syms[i][1] if i >= 0 else hex(pc)
    return name if pc >= KERNBASE else "user:" + name

def line(pc):
    sal = gdb.find_pc_line(pc)
    return "%s:%d" % (os.path.basename(sal.symtab.filename), sal.line) if sal.symtab else hex(pc)

gdb.execute("set pagination off")
gdb.execute("target remote localhost:%s" % os.environ["PORT"])
if fault:
    # A page fault from user mode at a user address (the trap's frame).
    bp = gdb.Breakpoint("user_page_fault")
    bp.condition = "addr < 0xC0000000 && (ss->cs & 3) != 0"
else:
    bp = gdb.Breakpoint("*mach_call_entry")
gdb.execute("ignore %d %s" % (bp.number, os.environ.get("SKIP", "400")))
gdb.execute("continue")
bp.enabled = False
resume = int(gdb.parse_and_eval("ss->eip")) & 0xffffffff if fault else None
pcs, path = collections.Counter(), []
n = 0
while n < 200000:
    pc = int(gdb.parse_and_eval("$pc")) & 0xffffffff
    if (pc == resume) if fault else pc < KERNBASE:
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
    counts[key(pc) if pc >= KERNBASE or key is function else "user:" + key(pc)] += c
for k, c in counts.most_common(80):
    print("%6d %s" % (c, k))
print("total %d" % n)
print("path " + " > ".join(path[:400]))
gdb.execute("kill")
