# gdb script for bench/trace: single-step one trap, count instructions.
# MODE=functions or lines: one Mach trap, kernel only.  FAULT=1: one user
# page fault (trap()'s T_PAGE_FAULT), user and kernel, every thread,
# until the faulting instruction runs again; PROGRAM names the user
# program whose symbols name its instructions.  SYSCALL=N: one Linux
# system call number N (int $0x80 in a UNIX process), user and kernel,
# every task, until the caller is back after its int $0x80; PROGRAM is
# the calling program, SERVER the server task's program and EMUL the
# emulation library (their instructions told apart by address space).
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
syscall = os.environ.get("SYSCALL", "")
usyms, uaddrs = symbols(os.environ["PROGRAM"]) if fault or syscall else ([], [])
ssyms, saddrs = symbols(os.environ["SERVER"]) if syscall else ([], [])
esyms, eaddrs = symbols(os.environ["EMUL"]) if syscall else ([], [])
KERNBASE = 0xC0000000
EMUL_BASE = 0xB0000000
client_pmap = None

def lookup(syms, addrs, pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return syms[i][1] if i >= 0 else hex(pc)

def function(pc, pmap=None):
    if pc >= KERNBASE:
        return lookup(ksyms, kaddrs, pc)
    if not syscall:
        return "user:" + lookup(usyms, uaddrs, pc)
    if pmap != client_pmap:
        return "server:" + lookup(ssyms, saddrs, pc)
    if pc >= EMUL_BASE:
        return "emul:" + lookup(esyms, eaddrs, pc)
    return "user:" + lookup(usyms, uaddrs, pc)

def line(pc):
    sal = gdb.find_pc_line(pc)
    return "%s:%d" % (os.path.basename(sal.symtab.filename), sal.line) if sal.symtab else hex(pc)

def reg(name):
    return int(gdb.parse_and_eval(name)) & 0xffffffff

gdb.execute("set pagination off")
gdb.execute("target remote localhost:%s" % os.environ["PORT"])
if fault:
    # A page fault from user mode at a user address (the trap's frame).
    bp = gdb.Breakpoint("user_page_fault")
    bp.condition = "addr < 0xC0000000 && (ss->cs & 3) != 0"
elif syscall:
    bp = gdb.Breakpoint("*syscall_entry")
    bp.condition = "$eax == %d" % int(syscall)
else:
    bp = gdb.Breakpoint("*mach_call_entry")
gdb.execute("ignore %d %s" % (bp.number, os.environ.get("SKIP", "400")))
gdb.execute("continue")
bp.enabled = False
resume = resume_esp = None
if fault:
    resume = reg("ss->eip")
elif syscall:
    # The hardware frame: eip, cs, eflags, esp, ss.
    resume = reg("*(unsigned *)$esp")
    resume_esp = reg("*(unsigned *)($esp + 12)")
    client_pmap = reg("(unsigned)active_pmap")
pcs, path = collections.Counter(), []
n = 0
while n < 200000:
    pc = reg("$pc")
    pmap = reg("(unsigned)active_pmap") if syscall and pc < KERNBASE else None
    if fault and pc == resume:
        break
    if syscall and pc == resume and reg("$esp") == resume_esp and pmap == client_pmap:
        break
    if not fault and not syscall and pc < KERNBASE:
        break
    f = function(pc, pmap)
    pcs[(pc, f)] += 1
    if not path or path[-1] != f:
        path.append(f)
    n += 1
    gdb.execute("stepi", to_string=True)
key = os.environ.get("MODE")
counts = collections.Counter()
for (pc, f), c in pcs.items():
    counts[f if key != "lines" or pc < KERNBASE else line(pc)] += c
for k, c in counts.most_common(80):
    print("%6d %s" % (c, k))
print("total %d" % n)
print("path " + " > ".join(path[:400]))
gdb.execute("kill")
