"""The EEH RTAS calls on a real qemu-system-ppc64 pseries machine and in pcisim.

QEMU runs with TCG and its CPUs stopped (-S) under qtest (-qtest stdio): qtest's `rtas`
command makes an RTAS call exactly as a guest's enter-RTAS hypercall would
(hw/ppc/spapr_rtas.c spapr_qtest_callback()), with the arguments and results in guest
memory (big-endian words, written and read with qtest's writel/readl). pcisim plays the
same calls as `rtas.*` timeline steps on `machine: {type: pseries, eeh: qemu}` with the
same devices, and the statuses (and the outputs QEMU writes) are compared call by call.

Exit status: 0 equal, 1 a difference (printed), 77 skipped (no qemu-system-ppc64).
usage: pseries_rtas.py --pcisim PCISIM [--workdir DIR]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

BUID = 0x800000020000000
BH, BL = BUID >> 32, BUID & 0xffffffff
ARGS, RETS = 0x10000, 0x20000

# (name, config addr, the call's 4th argument or None, nargs, nret, the pcisim step)
CALLS = [
    ("ibm,get-config-addr-info2", 0x0, 0, 4, 2,
     "{do: rtas.get-config-addr-info2, config_addr: 0x0, function: 0}"),
    ("ibm,get-config-addr-info2", 0x0, 1, 4, 2,
     "{do: rtas.get-config-addr-info2, config_addr: 0x0, function: 1}"),
    ("ibm,set-eeh-option", 0x0, 1, 4, 1, "{do: rtas.set-eeh-option, config_addr: 0x0, option: 1}"),
    ("ibm,set-eeh-option", 0x0, 2, 4, 1, "{do: rtas.set-eeh-option, config_addr: 0x0, option: 2}"),
    ("ibm,set-eeh-option", 0x0, None, 3, 1,
     "{do: rtas.set-eeh-option, config_addr: 0x0, option: 1, nargs: 3}"),
    ("ibm,read-slot-reset-state2", 0x1, None, 3, 4, "{do: rtas.read-slot-reset-state2, config_addr: 0x1}"),
    ("ibm,set-slot-reset", 0x1, 1, 4, 1, "{do: rtas.set-slot-reset, config_addr: 0x1, function: 1}"),
    ("ibm,configure-pe", 0x1, None, 3, 1, "{do: rtas.configure-pe, config_addr: 0x1}"),
    ("ibm,slot-error-detail", 0x0, 1, 8, 1, "{do: rtas.slot-error-detail, config_addr: 0x0, function: 1}"),
]
DEVICES = ["e1000e,id=nic0"]


class Qtest:
    def __init__(self, workdir):
        self.err = open(os.path.join(workdir, "qemu-ppc64.stderr"), "w")
        self.p = subprocess.Popen(
            ["qemu-system-ppc64", "-M", "pseries", "-accel", "tcg", "-S", "-display", "none",
             "-nodefaults", "-m", "256", "-qtest", "stdio", "-qtest-log", "/dev/null"] +
            sum((["-device", d] for d in DEVICES), []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True, bufsize=1)

    def cmd(self, c):
        self.p.stdin.write(c + "\n")
        self.p.stdin.flush()
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("qemu-system-ppc64 ended (see its stderr in the workdir)")
            if line.startswith(("OK", "FAIL", "ERR")):
                return line.split()

    def rtas(self, name, args, nret):
        for i, a in enumerate(args):
            self.cmd("writel 0x%x 0x%x" % (ARGS + 4 * i, a))
        for i in range(nret):  # results QEMU leaves alone read as this marker
            self.cmd("writel 0x%x 0xdeadbeef" % (RETS + 4 * i))
        r = self.cmd("rtas %s %d 0x%x %d 0x%x" % (name, len(args), ARGS, nret, RETS))
        if r[0] != "OK" or r[1] != "0":
            return None
        rets = [int(self.cmd("readl 0x%x" % (RETS + 4 * i))[1], 16) for i in range(nret)]
        return [x - (1 << 32) if x & 0x80000000 and x != 0xdeadbeef else x for x in rets]

    def close(self):
        self.p.kill()
        self.p.wait()
        self.err.close()


def qemu_answers(workdir):
    q = Qtest(workdir)
    try:
        out = []
        for name, addr, a3, nargs, nret, _ in CALLS:
            args = [addr, BH, BL] + ([a3] if a3 is not None else [])
            if name == "ibm,slot-error-detail":
                args = [addr, BH, BL, 0, 0, 0, 0, a3]
            out.append(q.rtas(name, args[:nargs], nret))
        return out
    finally:
        q.close()


def pcisim_answers(pcisim, workdir):
    path = os.path.join(workdir, "pseries-rtas.yaml")
    with open(path, "w") as f:
        f.write("version: 1\nname: pseries-rtas\nmachine: {type: pseries, qemu: \"7.2\", eeh: qemu}\n")
        f.write("topology:\n" + "".join("  - {driver: %s, id: %s}\n" % (d.split(",")[0], d.split("id=")[1])
                                       for d in DEVICES))
        f.write("timeline:\n")
        for i, c in enumerate(CALLS):
            f.write("  - {at: %dms, %s\n" % (i + 1, c[5][1:]))
    r = subprocess.run([pcisim, "simulate", path, "--timeline"], capture_output=True, text=True)
    statuses = [int(m.group(1)) for m in re.finditer(r"rtas\.call .*?status=(-?\d+)", r.stdout)]
    if len(statuses) != len(CALLS):
        raise SystemExit("pcisim: %d calls answered, %d expected:\n%s%s" %
                         (len(statuses), len(CALLS), r.stdout, r.stderr))
    return statuses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcisim", required=True)
    ap.add_argument("--workdir", default="qemu-diff-pseries")
    o = ap.parse_args()
    if not shutil.which("qemu-system-ppc64"):
        print("pseries_rtas: SKIPPED: qemu-system-ppc64 not on PATH (Debian: qemu-system-ppc)")
        return 77
    os.makedirs(o.workdir, exist_ok=True)
    q = qemu_answers(o.workdir)
    p = pcisim_answers(o.pcisim, o.workdir)
    bad = 0
    for c, qa, pa in zip(CALLS, q, p):
        qs = qa[0] if qa is not None else "no such call"
        same = qs == pa
        bad += not same
        print("%-4s %-28s nargs %d: QEMU %s, pcisim %s" % ("ok" if same else "DIFF", c[0], c[3], qs, pa))
    print("pseries_rtas: %d calls, %d differences" % (len(CALLS), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
