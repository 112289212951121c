#!/usr/bin/env python3
"""qdiff: differential tests of pcisim against the real qemu-system-x86_64 (QEMU 7.2).

For each case (cases.py) the harness starts QEMU with no guest (-accel tcg -S
-nodefaults, the case's machine and -device lines), acts as firmware (MMCONFIG, bus
numbers, the ports' MSI/MSI-X) and as guest (config writes, pciehp's sequences, AER
clears), and runs the case's monitor commands; after every step it reads every
function's whole configuration space, the ports' interrupt messages and the monitor's
answers. Then it plays exactly the same configuration accesses and monitor commands in
pcisim (qdiff-pcisim, in-process) and compares, step by step, every register regs.py
names, every other config byte, the interrupts, the monitor's output, and for
migrations the outcome and QEMU's error lines verbatim.

  qdiff.py --pcisim BUILD/tests/qdiff-pcisim [--group G] [--case NAME] [--doc docs/fidelity.md]
            [--simulate BUILD/pcisim]

With --simulate, each case is also written as a scenario of raw register accesses
(WORKDIR/CASE.raw.yaml: the harness's config writes as guest.cfg_write, QEMU's monitor
commands as actions, and after every step a guest.cfg_read of every compared register
with QEMU's value as expect:) and run through `pcisim simulate`; a read that sees
another value is a difference like any other (RAW_KNOWN lists the expected ones).

Exit status: 0 every case agrees (or is pending), 1 a difference, 2 a harness error,
77 skipped (qemu-system-x86_64 is not installed, or every selected case is pending).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as C  # noqa: E402
import regs as R  # noqa: E402
from qemu import QEMU, Qemu, QemuError  # noqa: E402

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
RAM_MSI = 0x00200000   # RAM where the ports' MSI/MSI-X messages land (one dword per port)
BAR_BASE = 0xc0000000  # where the firmware puts the ports' MSI-X BARs (q35's PCI hole)
STEP_MS = 10           # pcisim plays step i at i * 10 ms (QEMU has no time: its CPUs are stopped)

# The q35 functions every machine has, by pcisim id and address.
BUILTINS = {"q35.mch": (0, 0x00), "q35.lpc": (0, 0xf8), "q35.sata": (0, 0xfa),
            "q35.smbus": (0, 0xfb)}


def machine_version(machine):
    v = machine.rsplit("-", 1)[-1]
    major, minor = v.split(".")
    return int(major), int(minor)


def acpi_bridge_hotplug(case):
    if C.ACPI_OFF in case["globals"]:
        return False
    return machine_version(case["machine"]) >= (6, 1)


CXL_BAR_BASE = 0xd0000000  # where the firmware puts the CXL functions' BARs (below the MSI-X ones)
CXL_HOST_BASE = 0x100000000  # q35's CXL host register region (-m 128: nothing above 4 GiB)


def qemu_machine(case):
    """The -machine argument: the machine type and, for CXL, cxl=on and the fixed windows."""
    m = case["machine"]
    cxl = case.get("cxl")
    if cxl:
        m += ",cxl=on"
        for n, w in enumerate(cxl["fmw"]):
            for t, target in enumerate(w["targets"]):
                m += ",cxl-fmw.%d.targets.%d=%s" % (n, t, target)
            m += ",cxl-fmw.%d.size=%s" % (n, w["size"])
    return m


def qemu_objects(case, workdir):
    """The -object lines of a CXL case: file-backed memory in the work directory."""
    out = []
    for oid, size in (case.get("cxl") or {}).get("objects", []):
        out.append("memory-backend-file,id=%s,mem-path=%s,size=%s,share=on"
                   % (oid, os.path.join(workdir, "%s-%s.raw" % (case["name"], oid)), size))
    return out


def device_arg(d):
    return ",".join([d["driver"]] + ["%s=%s" % (k, v) for k, v in d.items() if k != "driver"])


class Pending(Exception):
    pass


# ---------------------------------------------------------------- the QEMU side


class QemuRun:
    """Plays a case on QEMU and records every access, so pcisim can replay it."""

    def __init__(self, case, workdir):
        self.case = case
        self.workdir = workdir
        self.script = []     # ("at", ms) | ("cfgw", bus, devfn, off, len, val) | ("dump", label)
        self.dumps = []
        self.addr = {}       # id -> (bus, devfn)
        self.msi = {}        # port id -> RAM address of its message
        self.intx = case.get("irq") == "intx"
        self.sci = case.get("irq") == "sci"  # watch the SCI (IOAPIC input 9), not the ports
        self.acpi = case.get("acpi_bsels")   # dumps show ACPI hot-plug registers of these bsels
        self.reads = []      # I/O port reads since the last dump
        self.nevents = 0     # QMP events already reported
        self.bars = {}       # (id, BAR) -> the address the firmware gave it
        self.mmio = []       # memory reads since the last dump: [addr, len, value, label]
        self.mon_steps = []  # the timeline steps for pcisim, in order
        self.q = None

    # -- access helpers, recorded --

    def write(self, bus, devfn, off, size, val, record=True):
        self.q.cfg_write(bus, devfn, off, size, val)
        if record:
            self.script.append(("cfgw", bus, devfn, off, size, val))

    def cfg(self, dev_id):
        bus, devfn = self.addr[dev_id]
        return self.q.cfg_dump(bus, devfn)

    def reg(self, dev_id, name):
        cfg = self.cfg(dev_id)
        r = R.decode(cfg).get(name)
        if not r:
            raise QemuError("%s has no register %s" % (dev_id, name))
        return r

    def write_reg(self, dev_id, name, value=None, set_=0, clear=0, off=None, width=None):
        if name is None:  # a raw offset: works on a function that answers all ones too
            bus, devfn = self.addr[dev_id]
            cur = self.q.cfg_read(bus, devfn, off, width)
        else:
            off, width, cur = self.reg(dev_id, name)
        if value is None:
            value = (cur & ~clear) | set_
        bus, devfn = self.addr[dev_id]
        self.write(bus, devfn, off, min(width, 4), value)
        return value

    # -- firmware --

    def refresh_addresses(self):
        def walk(devs):
            for d in devs:
                if d.get("qdev_id"):
                    self.addr[d["qdev_id"]] = (d["bus"], d["slot"] << 3 | d["function"])
                br = d.get("pci_bridge")
                if br:
                    walk(br.get("devices", []))
        for b in self.q.qmp("query-pci")["return"]:
            walk(b["devices"])

    def number_buses(self):
        """Depth-first, as SeaBIOS and Linux do: primary, secondary, subordinate 0xff,
        scan below, then the real subordinate."""
        nxt = [0]

        def scan(bus):
            for devfn in range(256):
                v = self.q.cfg_read(bus, devfn, 0, 4)
                if v == 0xffffffff:
                    continue
                if (self.q.cfg_read(bus, devfn, 0x0e, 1) & 0x7f) != 1:
                    continue
                nxt[0] += 1
                sec = nxt[0]
                self.write(bus, devfn, 0x18, 4, (0xff << 16) | (sec << 8) | bus)
                scan(sec)
                self.write(bus, devfn, 0x18, 4, (nxt[0] << 16) | (sec << 8) | bus)
        scan(0)
        for root in (self.case.get("cxl") or {}).get("roots", []):  # pxb-cxl's bus_nr
            nxt[0] = max(nxt[0], root)
            scan(root)

    def setup_interrupts(self):
        """MSI-X or MSI of every port pointed at a RAM word; bus mastering on every bridge."""
        ports = []
        for dev_id, (bus, devfn) in sorted(self.addr.items(), key=lambda kv: kv[1]):
            cfg = self.q.cfg_dump(bus, devfn)
            if R._get(cfg, 0, 2) == 0xffff or (cfg[0x0e] & 0x7f) != 1:
                continue
            cmd = R._get(cfg, 4, 2)
            self.write(bus, devfn, 0x04, 2, cmd | 0x0006)  # memory space, bus master
            regs = R.decode(cfg)
            ptype = (regs["exp_flags"][2] >> 4) & 0xf if "exp_flags" in regs else 0
            if ptype in (4, 6):
                ports.append((dev_id, bus, devfn, cfg))
        if self.intx or self.sci:
            self.q.qt("irq_intercept_in /machine/q35/ioapic")
            return
        for k, (dev_id, bus, devfn, cfg) in enumerate(ports):
            found = {i: o for kind, i, o in R.caps(cfg) if kind == "cap"}
            land = RAM_MSI + 16 * k
            data = 0x4100 + k
            if R.CAP_MSIX in found:
                cap = found[R.CAP_MSIX]
                tbl = R._get(cfg, cap + 4, 4)
                bir, toff = tbl & 7, tbl & ~7
                bar = BAR_BASE + k * 0x100000
                boff = 0x10 + 4 * bir
                self.write(bus, devfn, boff, 4, bar)
                if (R._get(cfg, boff, 4) & 6) == 4:
                    self.write(bus, devfn, boff + 4, 4, 0)
                self.write(bus, devfn, cap + 2, 2, 0x8000)  # MSI-X enable
                entry = bar + toff
                self.q.writel(entry, land)
                self.q.writel(entry + 4, 0)
                self.q.writel(entry + 8, data)
                self.q.writel(entry + 12, 0)  # unmasked
                self.msi[dev_id] = land
            elif R.CAP_MSI in found:
                cap = found[R.CAP_MSI]
                flags = R._get(cfg, cap + 2, 2)
                self.write(bus, devfn, cap + 4, 4, land)
                if flags & 0x80:
                    self.write(bus, devfn, cap + 8, 4, 0)
                    self.write(bus, devfn, cap + 12, 2, data)
                else:
                    self.write(bus, devfn, cap + 8, 2, data)
                self.write(bus, devfn, cap + 2, 2, (flags & ~0x70) | 1)  # one vector, enabled
                self.msi[dev_id] = land

    # -- observing --

    def ids(self):
        out = [d["id"] for d in self.case["devices"]]
        out += [i for i in self.addr if i not in out and i not in BUILTINS]
        if self.case.get("builtins"):
            out += list(BUILTINS)
        return out

    def dump(self, label, q=None, monitor=None, migration=None):
        q = q or self.q
        fns = {}
        for dev_id in self.ids():
            if dev_id not in self.addr:
                continue
            bus, devfn = self.addr[dev_id]
            fns[dev_id] = {"bus": bus, "devfn": devfn, "cfg": q.cfg_dump(bus, devfn).hex()}
        irq = {}
        for port, land in self.msi.items():
            irq[port] = q.readl(land) != 0
            q.writel(land, 0)
        intx = None
        if self.intx:
            level = {}
            for line in q.irq_lines:
                what, n = line.split()[1:3]
                level[int(n)] = what == "raise"
            intx = any(level.values())
        d = {"label": label, "fns": fns, "irq": irq, "intx": intx,
             "monitor": monitor, "migration": migration}
        if self.mmio:
            d["mmio"], self.mmio = self.mmio, []
        if self.acpi is not None:
            d["acpi"] = self.acpi_dump(q)
            d["reads"], self.reads = self.reads, []
            q.qmp("query-status")  # collects the events QEMU sent meanwhile
            d["deleted"] = [e["data"].get("device") for e in q.events[self.nevents:]
                            if e["event"] == "DEVICE_DELETED"]
            self.nevents = len(q.events)
        self.dumps.append(d)
        self.script.append(("settle",))
        self.script.append(("dump", label))

    def acpi_dump(self, q):
        """The ACPI PCI hot-plug registers and GPE0, read as qdiff_pcisim.c reads them:
        never the up register (a read clears it); the select value put back."""
        o = {}
        sel = q.inl(C.PCIHP + 0x10)
        for b in range(self.acpi):
            q.outl(C.PCIHP + 0x10, b)
            o["bsel%d" % b] = [q.inl(C.PCIHP + off) for off in (0x04, 0x08, 0x0c, 0x10)]
        q.outl(C.PCIHP + 0x10, sel)
        o["gpe_sts"] = q.inl(C.GPE0)
        o["gpe_en"] = q.inl(C.GPE0 + 8)
        level = False
        for line in q.irq_lines:
            what, n = line.split()[1:3]
            if int(n) == C.SCI_IRQ:
                level = what == "raise"
        o["sci"] = level
        return o

    def io_out(self, port, width, value):
        self.q.qt("out%s 0x%x 0x%x" % ({1: "b", 2: "w", 4: "l"}[width], port, value))
        self.script.append(("out", port, width, value))

    def io_in(self, port, width):
        v = int(self.q.qt("in%s 0x%x" % ({1: "b", 2: "w", 4: "l"}[width], port)), 16)
        self.reads.append(v)
        self.script.append(("in", port, width))
        return v

    # -- steps --

    def run_step(self, i, step):
        do = step["do"]
        self.script.append(("at", STEP_MS * i))
        if do == "write":
            reg = step.get("reg") or "config[0x%x]" % step["off"]
            label = "%s %s" % (step["dev"], reg)
            v = self.write_reg(step["dev"], step.get("reg"), step.get("value"), step.get("set", 0),
                               step.get("clear", 0), step.get("off"), step.get("len"))
            label += "=0x%x" % v
            if step.get("reg") == "sltctl":
                label += " (%s)" % R.sltctl_text(v)
            self.dump("%d:write %s" % (i, label))
        elif do == "hmp":
            out = self.q.hmp(step["cmd"]).strip()
            self.refresh_addresses()
            self.mon_steps.append((i, step))
            self.dump("%d:%s" % (i, step["cmd"]), monitor=out)
        elif do == "mmio_read":
            for off in step["offs"]:
                addr = self.bars[(step["dev"], step["bar"])] + off
                v = self.q.mem_read(addr, step.get("len", 4))
                self.mmio.append([addr, step.get("len", 4), v,
                                  "%s BAR%d+0x%x" % (step["dev"], step["bar"], off)])
                self.script.append(("mmior", addr, step.get("len", 4)))
            self.dump("%d:%s" % (i, step.get("what", "read %s BAR%d" % (step["dev"], step["bar"]))))
        elif do == "mmio_write":
            addr = self.bars[(step["dev"], step["bar"])] + step["off"]
            self.q.mem_write(addr, step.get("len", 4), step["value"])
            self.script.append(("mmiow", addr, step.get("len", 4), step["value"]))
            self.dump("%d:write %s BAR%d+0x%x=0x%x" % (i, step["dev"], step["bar"], step["off"],
                                                        step["value"]))
        elif do == "chbs_write":
            # the pxb-cxl's component registers: QEMU maps host bridge n's 64 KiB at
            # CXL_HOST_BASE + n * 64 KiB
            self.q.writel(CXL_HOST_BASE + 0x10000 * step["hb_index"] + step["off"], step["value"])
            self.script.append(("chbsw", step["hb"], step["off"], step["value"]))
            self.dump("%d:write %s CHBS+0x%x=0x%x" % (i, step["hb"], step["off"], step["value"]))
        elif do == "hpa_write":
            for k, v in enumerate(step["values"]):
                self.q.writel(step["hpa"] + step.get("stride", 4) * k, v)
                self.script.append(("memw", step["hpa"] + step.get("stride", 4) * k, v))
            self.dump("%d:%s" % (i, step.get("what", "HPA writes")))
        elif do == "backing_read":
            # the backend file (share=on: QEMU's writes are in it at once)
            path = os.path.join(self.workdir, "%s-%s.raw" % (self.case["name"], step["obj"]))
            with open(path, "rb") as f:
                for dpa in step["dpas"]:
                    f.seek(dpa)
                    v = int.from_bytes(f.read(4), "little")
                    self.mmio.append([dpa, 4, v, "%s DPA+0x%x" % (step["dev"], dpa)])
                    self.script.append(("dpar", step["dev"], dpa))
            self.dump("%d:%s" % (i, step.get("what", "%s backing file" % step["dev"])))
        elif do == "migrate":
            self.mon_steps.append((i, step))
            self.migrate(i)
        elif do == "out":
            self.io_out(step["port"], step.get("width", 4), step["value"])
            self.dump("%d:out%d 0x%x=0x%x" % (i, step.get("width", 4), step["port"], step["value"]))
        elif do == "in":
            v = self.io_in(step["port"], step.get("width", 4))
            self.dump("%d:in%d 0x%x (QEMU 0x%x)" % (i, step.get("width", 4), step["port"], v))
        elif do == "eject":
            # _EJ0 -> PCEJ(BSEL, _SUN): the bus select, then the slot's bit to B0EJ
            self.io_out(C.PCIHP + 0x10, 4, step["bsel"])
            self.io_out(C.PCIHP + 0x08, 4, 1 << step["slot"])
            # QEMU emits DEVICE_DELETED once the device is finalized, after an RCU grace
            # period: wait for it (up to 5 s, for a loaded machine; none comes when
            # nothing was ejected)
            n = len([e for e in self.q.events if e["event"] == "DEVICE_DELETED"])
            for _ in range(100):
                self.q.qmp("query-status")
                if len([e for e in self.q.events if e["event"] == "DEVICE_DELETED"]) > n:
                    break
                time.sleep(0.05)
            self.dump("%d:_EJ0 bsel %d slot %d" % (i, step["bsel"], step["slot"]))
        elif do == "guest":
            for phase_label, writes in getattr(self, "guest_" + step["fn"])(step):
                for dev_id, name, value in writes:
                    if isinstance(name, tuple):  # ("raw", offset, width)
                        self.write_reg(dev_id, None, value, off=name[1], width=name[2])
                    else:
                        self.write_reg(dev_id, name, value)
                self.dump("%d:guest %s" % (i, phase_label))
        else:
            raise QemuError("unknown step %r" % step)

    def migrate(self, i):
        path = os.path.join(self.workdir, self.case["name"] + ".migstream")
        r = self.q.qmp("migrate", uri="exec:cat > " + path)
        if "error" in r:
            raise QemuError("migrate: %s" % r["error"]["desc"])
        deadline = time.monotonic() + 30
        while True:
            st = self.q.qmp("query-migrate")["return"].get("status")
            if st in ("completed", "failed", "cancelled"):
                break
            if time.monotonic() > deadline:
                raise QemuError("source migration did not finish (%s)" % st)
            time.sleep(0.02)
        if st != "completed":
            raise QemuError("the source could not save its state: %s" % st)
        devices = [device_arg(d) for d in self.case["devices"]]
        dst = Qemu(self.workdir, self.case["name"] + "-dst", qemu_machine(self.case), devices,
                   self.case["globals"], incoming="exec:cat " + path,
                   extra_args=[a for o in qemu_objects(self.case, self.workdir) for a in ("-object", o)])
        result = None
        deadline = time.monotonic() + 30
        while result is None:
            st = None
            if dst.alive():
                try:
                    st = dst.qmp("query-migrate")["return"].get("status")
                except (QemuError, OSError, ValueError):
                    st = None
            if st == "completed":
                result = "completed"
            elif st == "failed" or dst.wait_exit(0.05) is not None:
                result = "failed"
                dst.wait_exit(10)
            elif time.monotonic() > deadline:
                raise QemuError("destination did not finish loading")
        stderr = dst.stderr()
        # lines the source printed as well are start-up noise ("nic ... has no peer")
        noise = set(self.q.stderr().splitlines())
        lines = [ln for ln in stderr.splitlines() if ln.strip() and ln not in noise]
        mig = {"result": result, "lines": lines}
        if result == "completed":
            self.dump("%d:migrate (the destination's registers)" % i, q=dst, migration=mig)
        else:
            self.dump("%d:migrate" % i, migration=mig)
        dst.quit()
        os.unlink(path)

    # -- guest behaviours --

    def guest_pciehp_probe(self, step):
        """Linux pciehp at boot (pciehp_probe, pcie_init, pcie_enable_notification,
        pciehp_check_presence, board_added): only where it binds."""
        port = step["port"]
        sltcap = self.reg(port, "sltcap")[2]
        if not sltcap & 0x40:
            yield "pciehp does not bind (no HPC in Slot Capabilities)", []
            return
        if acpi_bridge_hotplug(self.case):
            yield "pciehp does not bind (ACPI hot-plug on bridges keeps control)", []
            return
        # Clear stale events; enable DLLSCE|ABPE|HPIE|CCIE (masking PDCE, PFDE, MRLSCE).
        yield "clear stale events", [(port, "sltsta", C.PCIEHP_EVENTS)]
        ctl = self.reg(port, "sltctl")[2]
        ctl = (ctl & ~0x103f) | C.ENABLES
        yield "enable notification", [(port, "sltctl", ctl)]
        yield "clear CC", [(port, "sltsta", 0x0010)]
        sta = self.reg(port, "sltsta")[2]
        ctl = self.reg(port, "sltctl")[2]
        if not (sta & 0x40) or not (ctl & C.SLTCTL_PCC):
            return
        # Present but powered off: board_added() powers on, blinks, looks for devfn 0.
        ctl &= ~C.SLTCTL_PCC
        yield "power on", [(port, "sltctl", ctl)]
        yield "clear CC", [(port, "sltsta", 0x0010)]
        ctl = (ctl & ~C.SLTCTL_PIC) | C.PIC_BLINK
        yield "power indicator blink", [(port, "sltctl", ctl)]
        yield "clear CC", [(port, "sltsta", 0x0010)]
        sec = self.reg(port, "bus_numbers")[2] >> 8 & 0xff
        if self.q.cfg_read(sec, 0, 0, 4) != 0xffffffff:
            ctl = (ctl & ~C.SLTCTL_PIC) | C.PIC_ON
            yield "device found: power indicator on", [(port, "sltctl", ctl)]
            yield "clear CC", [(port, "sltsta", 0x0010)]
            return
        # "No device found": power off, 1 s, indicators (power off, attention on).
        ctl |= C.SLTCTL_PCC
        yield "no device found: power off", [(port, "sltctl", ctl)]
        yield "clear CC", [(port, "sltsta", 0x0010)]
        ctl = (ctl & ~(C.SLTCTL_PIC | 0x00c0)) | C.PIC_OFF | C.AIC_ON
        yield "power indicator off, attention on", [(port, "sltctl", ctl)]
        sta = self.reg(port, "sltsta")[2]
        yield "clear events", [(port, "sltsta", sta & 0x011f)]

    def guest_size_bars(self, step):
        """Firmware sizing every BAR and expansion ROM: all ones written, read back
        (compared), then the old values written back."""
        saved = []
        for dev_id in self.ids():
            if dev_id not in self.addr:
                continue
            cfg = self.cfg(dev_id)
            if R._get(cfg, 0, 2) == 0xffff:
                continue
            type1 = (cfg[0x0e] & 0x7f) == 1
            offs = [0x10, 0x14] + ([] if type1 else [0x18, 0x1c, 0x20, 0x24])
            offs.append(0x38 if type1 else 0x30)
            for off in offs:
                saved.append((dev_id, off, R._get(cfg, off, 4)))
        yield "BARs written with all ones", [(d, ("raw", off, 4), 0xffffffff) for d, off, _ in saved]
        yield "BARs restored", [(d, ("raw", off, 4), v) for d, off, v in saved]

    def guest_assign_bars(self, step):
        """Firmware giving memory BARs addresses: the bridges' memory windows over
        CXL_BAR_BASE (QEMU routes through them), then for each function every BAR
        sized (all ones, read back), given the next aligned address, and Memory Space
        Enable set."""
        yield "bridge memory windows", [(b, ("raw", 0x20, 4), 0xdff0d000) for b in step["bridges"]]
        nxt = CXL_BAR_BASE
        for d in step["devs"]:
            nbars = 2 if (self.cfg(d)[0x0e] & 0x7f) == 1 else 6  # a bridge has BARs 0 and 1
            yield "%s BARs written with all ones" % d, [(d, ("raw", 0x10 + 4 * n, 4), 0xffffffff)
                                                       for n in range(nbars)]
            cfg = self.cfg(d)
            writes = []
            n = 0
            while n < nbars:
                v = R._get(cfg, 0x10 + 4 * n, 4)
                wide = (v & 7) == 4
                if v & 1 or not v & ~0xf:
                    writes.append((d, ("raw", 0x10 + 4 * n, 4), 0))
                    n += 1
                    continue
                size = (~(v & ~0xf) & 0xffffffff) + 1
                nxt = (nxt + size - 1) // size * size
                self.bars[(d, n)] = nxt
                writes.append((d, ("raw", 0x10 + 4 * n, 4), nxt))
                if wide:
                    writes.append((d, ("raw", 0x14 + 4 * n, 4), 0))
                    n += 1
                nxt += size
                n += 1
            yield "%s BARs assigned" % d, writes
            yield "%s memory space on" % d, [(d, "command", self.reg(d, "command")[2] | 0x0002)]

    def guest_aer_enable(self, step):
        """Error reporting enables on the path: Device Control (devctl), Command SERR#
        and Bridge Control SERR (serr), Root Error Command (rootcmd)."""
        which = step.get("which", ["devctl", "serr", "rootcmd"])
        writes = []
        for d in step["devs"]:
            if "serr" in which:
                writes.append((d, "command", self.reg(d, "command")[2] | 0x0100))
                if "bridge_control" in R.decode(self.cfg(d)):
                    writes.append((d, "bridge_control", self.reg(d, "bridge_control")[2] | 0x0002))
            if "devctl" in which:
                writes.append((d, "devctl", self.reg(d, "devctl")[2] | 0x000f))
        if "rootcmd" in which:
            writes.append((step["root"], "aer_rootcmd", 0x7))
        yield "AER enables " + "+".join(which), writes

    def guest_aer_clear(self, step):
        writes = []
        for d in step["devs"]:
            regs = R.decode(self.cfg(d))
            for name in ("aer_uncsta", "aer_corsta", "devsta", "status", "secondary_status",
                         "aer_rootsta"):
                if name in regs and regs[name][2]:
                    writes.append((d, name, regs[name][2]))
        yield "clear error status", writes

    # -- the whole case --

    def run(self):
        c = self.case
        devices = [device_arg(d) for d in c["devices"]]
        extra = []
        for o in qemu_objects(c, self.workdir):
            extra += ["-object", o]
        self.q = Qemu(self.workdir, c["name"], qemu_machine(c), devices, c["globals"],
                      extra_args=extra)
        try:
            self.qemu_version = self.q.version
            self.q.enable_mmcfg()
            if self.acpi is not None:
                # as SeaBIOS: ICH9-LPC PMBASE 0x600, ACPI_CNTL ACPI_EN (pcisim's PM block is
                # always there: nothing to replay)
                lpc = 0x1f << 3
                self.q.cf8_write(0, lpc, 0x40, C.PMBASE | 1)
                self.q.cf8_write(0, lpc, 0x44, self.q.cf8_read(0, lpc, 0x44) | 0x80)
                self.script.append(("acpi", self.acpi))
            # the same two writes to the MCH for pcisim (which has no MMCONFIG window)
            self.script += [("cfgw", 0, 0, 0x64, 4, 0), ("cfgw", 0, 0, 0x60, 4, 0xb0000001)]
            self.number_buses()
            self.refresh_addresses()
            for k, (bus, devfn) in BUILTINS.items():
                if c.get("builtins"):
                    self.addr[k] = (bus, devfn)
            self.setup_interrupts()
            self.dump("0:boot (after firmware)")
            for i, step in enumerate(c["steps"], 1):
                self.run_step(i, step)
        finally:
            self.q.quit()


# ---------------------------------------------------------------- the pcisim side


def yaml_str(v):
    return json.dumps(str(v))


def hmp_to_action(cmd, expect_error=False):
    """A monitor command as pcisim's timeline action (a YAML flow mapping)."""
    words = cmd.split()
    if expect_error and words[0] != "pcie_aer_inject_error":
        raise ValueError("expect_error is pcie_aer_inject_error's: %r" % cmd)
    if words[0] == "device_del":
        return "{do: device_del, id: %s}" % yaml_str(words[1])
    if words[0] == "device_add":
        parts = words[1].split(",")
        kv = ["driver: %s" % yaml_str(parts[0])]
        for p in parts[1:]:
            k, v = p.split("=", 1)
            kv.append("%s: %s" % (k, yaml_str(v)))
        return "{do: device_add, %s}" % ", ".join(kv)
    if words[0] == "pcie_aer_inject_error":
        return "{do: pcie_aer_inject_error, args: %s%s}" % (
            yaml_str(" ".join(words[1:])), ", expect_error: true" if expect_error else "")
    raise ValueError("no pcisim action for %r" % cmd)


def pcisim_scenario(case, run, raw=False):
    lines = ["version: 1", "name: qdiff-%s%s" % (case["name"], "-raw" if raw else ""), "seed: 1"]
    m = ["type: %s" % case["machine"], 'qemu: "7.2"', "vga: none"]
    if C.ACPI_OFF in case["globals"]:
        m.append("acpi-pci-hotplug-with-bridge-support: off")
    cxl = case.get("cxl")
    if cxl:
        m.append("cxl: on")
        m.append("cxl-fmw: [%s]" % ", ".join(
            "{targets: [%s], size: %s}" % (", ".join(w["targets"]), w["size"]) for w in cxl["fmw"]))
    lines.append("machine: {%s}" % ", ".join(m))
    lines.append("topology:")
    if cxl:
        lines.append("  - qemu_args: %s" % yaml_str(" ".join(
            "-object " + o for o in qemu_objects(case, "/nonexistent"))))
    for d in case["devices"]:
        lines.append("  - {%s}" % ", ".join("%s: %s" % (k, yaml_str(v)) for k, v in d.items()))
    if raw:
        return "\n".join(lines + raw_timeline(case, run) + raw_expect(run)) + "\n"
    if run.mon_steps:
        lines.append("timeline:")
        for i, step in run.mon_steps:
            act = monitor_action(step)
            lines.append("  - {at: %dms, %s" % (STEP_MS * i, act[1:]))
    return "\n".join(lines) + "\n"


def monitor_action(step):
    return ("{do: migrate}" if step["do"] == "migrate"
            else hmp_to_action(step["cmd"], step.get("expect_error", False)))


def known_mask(case, dev_id, name, width):
    """The bits of register @name of @dev_id that are compared: all but the known
    differences (cases.KNOWN and the case's own), or 0 when the whole register is one."""
    mask = (1 << (8 * width)) - 1
    for k in C.KNOWN:
        if k["reg"] == name and k["when"](case):
            mask &= ~k["bits"]
    for k in case.get("known", ()):
        if k["dev"] == dev_id and k["reg"] == name:
            mask = 0 if k["bits"] is None else mask & ~k["bits"]
    return mask


def raw_timeline(case, run):
    """The case as raw register accesses: every configuration write the harness made,
    as guest.cfg_write at the time qdiff-pcisim plays it, QEMU's monitor commands as
    their actions, and after each step a guest.cfg_read of every register the harness
    compares, expecting the value QEMU showed there (known differences masked out)."""
    out = ["timeline:"]
    mon = {STEP_MS * i: step for i, step in run.mon_steps}
    dumps = iter(run.dumps)
    now_us = 0
    for s in run.script:
        if s[0] == "at":
            now_us = 1000 * s[1]
            if s[1] in mon:
                out.append("  - {at: %dus, %s" % (now_us, monitor_action(mon[s[1]])[1:]))
        elif s[0] == "cfgw":
            bus, devfn, off, size, val = s[1:]
            out.append('  - {at: %dus, do: guest.cfg_write, bdf: "%02x:%02x.%x", offset: 0x%x, '
                       'width: %d, value: 0x%x}' % (now_us, bus, devfn >> 3, devfn & 7, off, size, val))
        elif s[0] == "out":  # an I/O port write (ACPI's registers), as the harness made it
            port, width, val = s[1:]
            out.append('  - {at: %dus, do: guest.io_write, port: 0x%x, width: %d, value: 0x%x}'
                       % (now_us, port, width, val))
        elif s[0] == "in":  # a port read has effects too (PCIHP's up register clears)
            port, width = s[1:]
            out.append('  - {at: %dus, do: guest.io_read, port: 0x%x, width: %d}' % (now_us, port, width))
        elif s[0] == "mmiow":
            addr, width, val = s[1:]
            out.append('  - {at: %dus, do: guest.mmio_write, addr: 0x%x, width: %d, value: 0x%x}'
                       % (now_us, addr, width, val))
        elif s[0] == "settle":
            now_us += 100
        elif s[0] == "dump":
            qd = next(dumps)
            for addr, width, val, what in qd.get("mmio", []):
                if " DPA+" in what:  # a backing file's content: no guest access reads it
                    continue
                if known_mmio(case, qd["label"], what):  # read, not expected (MMIO_KNOWN)
                    out.append('  - {at: %dus, do: guest.mmio_read, addr: 0x%x, width: %d}  # %s %s'
                               % (now_us, addr, width, qd["label"], what))
                    continue
                out.append('  - {at: %dus, do: guest.mmio_read, addr: 0x%x, width: %d, expect: 0x%x}'
                           '  # %s %s' % (now_us, addr, width, val, qd["label"], what))
            for dev_id, qf in qd["fns"].items():
                cfg = bytes.fromhex(qf["cfg"])
                bdf = "%02x:%02x.%x" % (qf["bus"], qf["devfn"] >> 3, qf["devfn"] & 7)
                regs = R.decode(cfg) or {"vendor_id": (0, 2, R._get(cfg, 0, 2))}
                for name, (off, width, val) in regs.items():
                    if not isinstance(val, int):
                        continue
                    if width == 3:  # a dword read, the fourth byte not compared
                        width, mask = 4, known_mask(case, dev_id, name, 3)
                    else:
                        mask = known_mask(case, dev_id, name, width)
                    if not mask:
                        continue
                    out.append('  - {at: %dus, do: guest.cfg_read, bdf: "%s", offset: 0x%x, width: %d, '
                               'expect: {value: 0x%x, mask: 0x%x}}  # %s %s %s'
                               % (now_us, bdf, off, width, val & mask, mask, qd["label"], dev_id, name))
    return out


def raw_expect(run):
    """QEMU's migration outcome, which the raw scenario expects: simulate fails a run
    whose migration failed unless an expectation accounts for it."""
    results = [d["migration"]["result"] for d in run.dumps if d["migration"]]
    return ["expect:", "  - migration: %s" % results[-1]] if results else []


# Reads of the raw scenarios that differ from QEMU on purpose: the routed access is the
# host's, and a function in reset (100 ms after a Secondary Bus Reset or a link coming
# back, PCIe r5.0 §6.6.1) completes it with RRS, which the root complex re-issues for
# up to 1 s and then completes to the CPU with all ones. QEMU's CPU reads the function
# at once (QEMU models no reset recovery time), and so does qdiff-pcisim.
RAW_KNOWN = [("(RRS)", "the function was in reset: RRS, then all ones after 1 s of re-issues "
                       "(QEMU answers at once)")]


def raw_known(line):
    for text, why in RAW_KNOWN:
        if line.endswith(text):
            return why
    return None


def run_raw_scenario(case, run, pcisim, workdir):
    """Play the case as a scenario of raw accesses (raw_timeline) through `pcisim
    simulate`: [] when every read saw QEMU's value, else the FAIL lines."""
    path = os.path.join(workdir, case["name"] + ".raw.yaml")
    with open(path, "w") as f:
        f.write(pcisim_scenario(case, run, raw=True))
    p = subprocess.run([pcisim, "simulate", path, "--quiet"], capture_output=True, text=True,
                       timeout=300)
    if p.returncode not in (0, 1):
        raise QemuError("pcisim simulate %s: exit %d\n%s" % (path, p.returncode, p.stderr))
    return [ln for ln in p.stdout.splitlines() if ln.startswith("FAIL ")]


def pcisim_steps(run):
    out = []
    for s in run.script:
        if s[0] == "cfgw":
            out.append("cfgw %d 0x%x 0x%x %d 0x%x" % s[1:])
        elif s[0] == "at":
            out.append("at %d" % s[1])
        elif s[0] == "settle":
            out.append("settle")
        elif s[0] == "acpi":
            out.append("acpi %d" % s[1])
        elif s[0] == "out":
            out.append("out 0x%x %d 0x%x" % s[1:])
        elif s[0] == "in":
            out.append("in 0x%x %d" % s[1:])
        elif s[0] == "mmior":
            out.append("mmior 0x%x %d" % s[1:])
        elif s[0] == "mmiow":
            out.append("mmiow 0x%x %d 0x%x" % s[1:])
        elif s[0] == "chbsw":
            out.append("chbsw %s 0x%x 0x%x" % s[1:])
        elif s[0] == "memw":
            out.append("memw 0x%x 0x%x" % s[1:])
        elif s[0] == "dpar":
            out.append("dpar %s 0x%x" % s[1:])
        else:
            out.append("dump %s" % s[1].replace(" ", "_"))
    return "\n".join(out) + "\n"


def run_pcisim(case, run, helper, workdir):
    scen = os.path.join(workdir, case["name"] + ".yaml")
    steps = os.path.join(workdir, case["name"] + ".steps")
    with open(scen, "w") as f:
        f.write(pcisim_scenario(case, run))
    with open(steps, "w") as f:
        f.write(pcisim_steps(run))
    p = subprocess.run([helper, scen, steps], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        if "pcie_aer_inject_error" in p.stderr and case["group"] == "aer":
            raise Pending("pcisim has no pcie_aer_inject_error action (AER model not on main)")
        raise QemuError("qdiff-pcisim failed on %s:\n%s" % (scen, p.stderr))
    return [json.loads(ln) for ln in p.stdout.splitlines() if ln.startswith("{")]


# ---------------------------------------------------------------- comparing


class Diff:
    def __init__(self, step, what, qemu, pcisim, known=None):
        self.step, self.what, self.qemu, self.pcisim, self.known = step, what, qemu, pcisim, known

    def text(self):
        return "%s: %s: QEMU %s, pcisim %s" % (self.step, self.what, self.qemu, self.pcisim)


def compare(case, run, sim_dumps):
    diffs = []
    stats = {"steps": 0, "registers": 0, "bytes": 0, "names": set()}
    if len(sim_dumps) != len(run.dumps):
        diffs.append(Diff("-", "number of steps", len(run.dumps), len(sim_dumps)))
        return diffs, stats
    prev_msg = {}
    for qd, sd in zip(run.dumps, sim_dumps):
        label = qd["label"]
        stats["steps"] += 1
        for dev_id, qf in qd["fns"].items():
            qcfg = bytes.fromhex(qf["cfg"])
            sf = sd["fns"].get(dev_id)
            if sf is None:
                diffs.append(Diff(label, "%s exists" % dev_id, "yes", "no"))
                continue
            scfg = bytes.fromhex(sf["cfg"])
            qpresent = R._get(qcfg, 0, 2) != 0xffff
            spresent = R._get(scfg, 0, 2) != 0xffff
            if qpresent != spresent:
                diffs.append(Diff(label, "%s answers config reads" % dev_id,
                                  "yes" if qpresent else "no (all ones)",
                                  "yes" if spresent else "no (all ones)"))
                continue
            if not qpresent:
                continue
            if (qf["bus"], qf["devfn"]) != (sf["bus"], sf["devfn"]):
                diffs.append(Diff(label, "%s address" % dev_id,
                                  "%02x:%02x.%x" % (qf["bus"], qf["devfn"] >> 3, qf["devfn"] & 7),
                                  "%02x:%02x.%x" % (sf["bus"], sf["devfn"] >> 3, sf["devfn"] & 7)))
            qr, sr = R.decode(qcfg), R.decode(scfg)
            for name in sorted(set(qr) | set(sr)):
                stats["registers"] += 1
                stats["names"].add(name)
                qv = qr.get(name, (None, None, None))[2]
                sv = sr.get(name, (None, None, None))[2]
                if qv != sv:
                    if name == "capabilities":
                        diffs.append(Diff(label, "%s capability list" % dev_id, qv or "-", sv or "-"))
                    else:
                        diffs.append(Diff(label, "%s %s" % (dev_id, name), R.describe(name, qv),
                                          R.describe(name, sv),
                                          known_reason(case, dev_id, name, qv, sv)))
            named = R.named_bytes(qr) | R.named_bytes(sr)
            other = [o for o in range(min(len(qcfg), len(scfg))) if o not in named]
            stats["bytes"] += len(other)
            bad = [o for o in other if qcfg[o] != scfg[o]]
            for start, end in runs(bad):
                diffs.append(Diff(label, "%s config[0x%x..0x%x] (%s)" % (
                    dev_id, start, end, R.cap_at(qcfg, start)),
                    qcfg[start:end + 1].hex(), scfg[start:end + 1].hex()))
        for port, delivered in qd["irq"].items():
            cnt = sd["irq"].get(port, {}).get("msg", 0)
            sim_delivered = cnt > prev_msg.get(port, 0)
            prev_msg[port] = cnt
            stats["registers"] += 1
            if delivered != sim_delivered:
                diffs.append(Diff(label, "%s interrupt message" % port,
                                  "sent" if delivered else "none",
                                  "sent" if sim_delivered else "none"))
        for port, e in sd["irq"].items():
            if port not in qd["irq"]:
                prev_msg[port] = e.get("msg", 0)
        if qd["intx"] is not None:
            sim_level = any(e.get("intx") for e in sd["irq"].values())
            stats["registers"] += 1
            if qd["intx"] != sim_level:
                diffs.append(Diff(label, "INTx", "asserted" if qd["intx"] else "deasserted",
                                  "asserted" if sim_level else "deasserted"))
        if "acpi" in qd:
            sa = sd.get("acpi", {})
            for k, qv in qd["acpi"].items():
                stats["registers"] += 1
                stats["names"].add("acpi " + k)
                if sa.get(k) != qv:
                    diffs.append(Diff(label, "ACPI %s" % k, qv, sa.get(k)))
            for what in ("reads", "deleted"):
                stats["registers"] += 1
                if qd[what] != sd.get(what):
                    diffs.append(Diff(label, "ACPI %s" % what, qd[what], sd.get(what)))
        if "mmio" in qd:
            smmio = sd.get("mmio") or []
            for k, (addr, size, qv, what) in enumerate(qd["mmio"]):
                stats["registers"] += 1
                stats["names"].add("mmio " + what.split(" ", 1)[1].split("+")[0])
                sv = smmio[k][2] & ((1 << (8 * size)) - 1) if k < len(smmio) else None
                if qv != sv:
                    diffs.append(Diff(label, what, "0x%x" % qv, "-" if sv is None else "0x%x" % sv,
                                      known_mmio(case, label, what)))
        if qd["monitor"] is not None:
            # everything the monitor printed, as pcisim logs it (source "qemu")
            q_lines = [ln.strip() for ln in qd["monitor"].splitlines() if ln.strip()]
            sim_lines = [t for src, t in sd["log"] if src == "qemu"]
            stats["registers"] += 1
            if q_lines != sim_lines:
                diffs.append(Diff(label, "monitor output", q_lines or "none", sim_lines or "none"))
        if qd["migration"] is not None:
            qm = qd["migration"]
            sm = sd.get("migration") or {}
            if qm["result"] != sm.get("result"):
                diffs.append(Diff(label, "migration outcome", qm["result"], sm.get("result")))
            sim_lines = [t for src, t in sd["log"] if src == "qemu" and not t.startswith("Error: ")]
            if qm["lines"] != sim_lines:
                diffs.append(Diff(label, "migration error lines", qm["lines"], sim_lines))
    return diffs, stats


class RawDiff(Diff):
    """A read of the raw access scenario that did not see QEMU's value."""

    def __init__(self, line):
        Diff.__init__(self, "raw accesses", line, "-", "-", raw_known(line))

    def text(self):
        return "raw accesses: " + self.what


def known_mmio(case, label, what):
    """Why a memory read differs from QEMU's on purpose (cases.MMIO_KNOWN: the read and
    a piece of the step's label), or None."""
    for k in C.MMIO_KNOWN:
        if what == k["what"] and k["step"] in label and k["when"](case):
            return k["why"]
    return None


def known_reason(case, dev_id, name, qv, sv):
    """Why a register difference is one pcisim keeps on purpose (cases.KNOWN and the
    case's own known entries), or None."""
    if qv is None or sv is None:
        return None
    for k in C.KNOWN:
        if k["reg"] == name and not ((qv ^ sv) & ~k["bits"]) and k["when"](case):
            return k["why"]
    for k in case.get("known", ()):
        if k["dev"] == dev_id and k["reg"] == name and (
                k["bits"] is None or not ((qv ^ sv) & ~k["bits"])):
            return k["why"]
    return None


def runs(offsets):
    out = []
    for o in offsets:
        if out and o == out[-1][1] + 1:
            out[-1][1] = o
        else:
            out.append([o, o])
    return [tuple(r) for r in out]


# ---------------------------------------------------------------- main


def run_case(case, helper, workdir, simulate=None):
    t0 = time.monotonic()
    res = {"case": case, "diffs": [], "status": "agree", "stats": None, "error": None,
           "migration": None, "raw": None}
    try:
        run = QemuRun(case, workdir)
        run.run()
        sim = run_pcisim(case, run, helper, workdir)
        diffs, stats = compare(case, run, sim)
        if simulate:
            res["raw"] = run_raw_scenario(case, run, simulate, workdir)
            diffs += [RawDiff(ln) for ln in res["raw"]]
        res["diffs"], res["stats"] = diffs, stats
        res["qemu_version"] = run.qemu_version
        for d in run.dumps:
            if d["migration"]:
                res["migration"] = d["migration"]
        want = case.get("qemu_migration")
        if want and (res["migration"] or {}).get("result") != want:
            # the premise about QEMU itself does not hold: say so loudly
            res["diffs"].append(Diff("-", "QEMU's own migration outcome (expected %s)" % want,
                                     (res["migration"] or {}).get("result"), "-"))
        if any(not d.known for d in diffs):
            res["status"] = "differ"
        elif diffs:
            res["status"] = "agree (known differences)"
    except Pending as e:
        res["status"], res["error"] = "pending", str(e)
    except (QemuError, OSError, subprocess.SubprocessError) as e:
        res["status"], res["error"] = "error", str(e)
    res["seconds"] = time.monotonic() - t0
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcisim", required=True, help="the qdiff-pcisim helper")
    ap.add_argument("--group", action="append", help="hotplug, migration, aer or acpi (default all)")
    ap.add_argument("--case", action="append", help="run only these cases")
    ap.add_argument("--workdir", default=None,
                    help="where QEMU's sockets, logs and the pcisim scenarios go (default: a new temporary directory)")
    ap.add_argument("--doc", help="write docs/fidelity.md from the results")
    ap.add_argument("--max-diffs", type=int, default=40, help="differences printed per case")
    ap.add_argument("--simulate", metavar="PCISIM",
                    help="also play each case as a scenario of raw register accesses "
                         "(guest.cfg_write, guest.cfg_read with QEMU's values as expect:) "
                         "through PCISIM simulate, written to WORKDIR/CASE.raw.yaml")
    a = ap.parse_args()

    if not shutil.which(QEMU):
        print("qemu-diff: SKIPPED: %s not found on PATH (install Debian's qemu-system-x86; "
              "run `ctest -LE qemu-diff` to leave these tests out)" % QEMU)
        return SKIP
    selected = [c for c in C.CASES
                if (not a.group or c["group"] in a.group) and (not a.case or c["name"] in a.case)]
    if not selected:
        print("qemu-diff: no case selected")
        return 2
    workdir = a.workdir or tempfile.mkdtemp(prefix="qemu-diff-")
    os.makedirs(workdir, exist_ok=True)
    results = []
    for case in selected:
        res = run_case(case, a.pcisim, workdir, a.simulate)
        results.append(res)
        st = res["stats"]
        extra = ""
        if st:
            extra = " (%d steps, %d register comparisons, %d other bytes)" % (
                st["steps"], st["registers"], st["bytes"])
        print("%-28s %-8s %5.2fs%s" % (case["name"], res["status"], res["seconds"], extra))
        if res["error"]:
            print("    " + res["error"].replace("\n", "\n    "))
        shown = [d for d in res["diffs"] if not d.known][:a.max_diffs]
        for d in shown:
            print("    " + d.text())
        rest = len([d for d in res["diffs"] if not d.known]) - len(shown)
        if rest > 0:
            print("    ... and %d more" % rest)
        if res["raw"] is not None:
            known = [ln for ln in res["raw"] if raw_known(ln)]
            print("    as raw accesses (%s.raw.yaml through pcisim simulate): %s" % (
                case["name"], "every read saw QEMU's value" if not res["raw"]
                else "%d reads differ, %d of them known" % (len(res["raw"]), len(known))))
            for text, why in RAW_KNOWN:
                n = len([ln for ln in known if ln.endswith(text)])
                if n:
                    print("      known (%d): %s" % (n, why))
    if a.doc:
        import report
        report.write(a.doc, results)
    statuses = [r["status"] for r in results]
    if not a.workdir:
        if any(s in ("differ", "error") for s in statuses):
            print("qemu-diff: QEMU's logs and the pcisim scenarios are in %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if any(s in ("differ", "error") for s in statuses):
        return 1
    if all(s == "pending" for s in statuses):
        print("qemu-diff: SKIPPED: every selected case is pending: %s" % results[0]["error"])
        return SKIP
    return 0


if __name__ == "__main__":
    sys.exit(main())
