"""The cases: the same steps played on QEMU 7.2 and in pcisim.

A case is a machine (type and -global lines), the -device lines, and steps. A step is
one of:
  {"do": "write", "dev": ID, "reg": NAME, "value": V}     a guest config write of a
        named register (regs.py; its offset is found in QEMU's capability list), or
        "off": OFFSET, "len": 1|2|4 instead of "reg"; "set"/"clear": bits applied to the
        value QEMU shows now instead of "value"
  {"do": "hmp", "cmd": "device_del nic0"}                  a monitor command, played in
        pcisim as the timeline action of the same name; "expect_error": True marks a
        command QEMU refuses where pcisim's loader would refuse the scenario (a
        pcie_aer_inject_error at a device that is not PCI Express): the pcisim step
        says expect_error: true, so that the monitor's error text is compared
  {"do": "migrate"}                                        QMP migrate to a fresh QEMU
        started from the same command line (-incoming); pcisim's migrate action
  {"do": "guest", "fn": NAME, ...}                         a guest behaviour: expands, on
        what QEMU shows at that moment, into writes (each compared on its own)
  {"do": "out", "port": P, "value": V, "width": 1|2|4}     an I/O port write (default 4 bytes)
  {"do": "in", "port": P, "width": 1|2|4}                  an I/O port read; the value is compared
  {"do": "eject", "bsel": B, "slot": S}                    what the firmware's _EJ0 does: the
        bus select B, then 1 << S to the ACPI hot-plug eject register
Every step is followed by a comparison of every function's registers; a case with
"acpi_bsels": N also compares the ACPI PCI hot-plug registers of bus selects 0..N-1
(down, eject, removable, select), GPE0 status and enable, the SCI (irq "sci") and the
DEVICE_DELETED events. The harness programs ICH9-LPC's PMBASE as firmware does.
"""

PCIEHP_EVENTS = 0x011f  # ABP|PFD|MRLSC|PDC|CC|DLLSC: what pciehp writes to clear stale events
SLTCTL_PCC = 0x0400
SLTCTL_PIC = 0x0300
PIC_ON, PIC_BLINK, PIC_OFF = 0x0100, 0x0200, 0x0300
AIC_ON, AIC_OFF = 0x0040, 0x00c0
ENABLES = 0x0001 | 0x0010 | 0x0020 | 0x1000  # ABPE|CCIE|HPIE|DLLSCE, pciehp with DLLLA reporting


def dev(driver, **props):
    d = {"driver": driver}
    for k, v in props.items():
        d[k.replace("_", "-") if k not in ("power_controller_present", "bus_nr") else k] = str(v)
    return d


def w(dev_id, reg, value=None, **kw):
    s = {"do": "write", "dev": dev_id}
    if reg:
        s["reg"] = reg
    if value is not None:
        s["value"] = value
    s.update(kw)
    return s


def hmp(cmd, expect_error=False):
    s = {"do": "hmp", "cmd": cmd}
    if expect_error:
        s["expect_error"] = True
    return s


def guest(fn, **kw):
    s = {"do": "guest", "fn": fn}
    s.update(kw)
    return s


MIGRATE = {"do": "migrate"}

# ACPI PCI hot-plug (hw/acpi/pcihp.c, include/hw/acpi/ich9.h) and the PM block SeaBIOS sets up
PCIHP = 0x0cc0
PMBASE = 0x0600
GPE0 = PMBASE + 0x20
SCI_IRQ = 9


def io_out(port, value, width=4):
    return {"do": "out", "port": port, "value": value, "width": width}


def io_in(port, width=4):
    return {"do": "in", "port": port, "width": width}


def eject(bsel, slot):
    return {"do": "eject", "bsel": bsel, "slot": slot}

# ---- topologies ----

REPORT = [  # the PDS report's command line (qemu-devel, July 2023; Red Hat BZ 2215819)
    dev("pcie-root-port", port=18, chassis=19, id="pcie-root-port18", bus="pcie.0", addr="0x12"),
    dev("nec-usb-xhci", p2=4, p3=4, id="nex-usb-xhci0", bus="pcie-root-port18", addr="0x12.0x1"),
]

BOOT = [
    dev("pcie-root-port", id="rp1", chassis=1, slot=1, addr="0x2"),
    dev("e1000e", id="nic1", bus="rp1"),
    dev("pcie-root-port", id="rp2", chassis=2, slot=2, addr="0x3"),
    dev("pcie-root-port", id="rp3", chassis=3, slot=3, addr="0x4"),
    dev("x3130-upstream", id="up3", bus="rp3"),
    dev("xio3130-downstream", id="dn4", bus="up3", chassis=4, slot=4, addr="0x0"),
    dev("e1000e", id="nic4", bus="dn4"),
    dev("xio3130-downstream", id="dn5", bus="up3", chassis=5, slot=5, addr="0x1"),
    dev("ioh3420", id="rp6", chassis=6, slot=6, addr="0x5"),
    dev("nec-usb-xhci", id="xhci6", bus="rp6"),
    dev("ioh3420", id="rp7", chassis=7, slot=7, addr="0x6"),
    dev("pcie-root-port", id="rp8", chassis=8, slot=8, addr="0x7"),
    dev("e1000", id="nic8", bus="rp8"),
    dev("pcie-root-port", id="rp9", chassis=9, slot=9, addr="0x8"),
    dev("virtio-rng-pci", id="rng9", bus="rp9"),
    dev("pcie-root-port", id="rp10", chassis=10, slot=10, addr="0x9"),
    dev("qemu-xhci", id="xhci10", bus="rp10"),
]

ONE_SLOT = [
    dev("pcie-root-port", id="rp1", chassis=1, slot=1, addr="0x2"),
    dev("e1000e", id="nic1", bus="rp1"),
]

EMPTY_SLOT = [
    dev("pcie-root-port", id="rp2", chassis=2, slot=2, addr="0x3"),
]

SWITCH_SLOT = [
    dev("pcie-root-port", id="rp3", chassis=3, slot=3, addr="0x4"),
    dev("x3130-upstream", id="up3", bus="rp3"),
    dev("xio3130-downstream", id="dn4", bus="up3", chassis=4, slot=4, addr="0x0"),
    dev("e1000e", id="nic4", bus="dn4"),
]

ACPI_OFF = "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"

ACPI_PROBE = [  # root ports, a switch, a hotplug=off port: BSEL 0..6 = rp7 rp3 up3 dn5 dn4 rp2 rp1
    dev("pcie-root-port", id="rp1", chassis=1, slot=1, addr="0x2"),
    dev("e1000e", id="nic1", bus="rp1"),
    dev("pcie-root-port", id="rp2", chassis=2, slot=2, addr="0x3"),
    dev("pcie-root-port", id="rp3", chassis=3, slot=3, addr="0x4"),
    dev("x3130-upstream", id="up3", bus="rp3"),
    dev("xio3130-downstream", id="dn4", bus="up3", chassis=4, slot=4, addr="0x0"),
    dev("e1000e", id="nic4", bus="dn4"),
    dev("xio3130-downstream", id="dn5", bus="up3", chassis=5, slot=5, addr="0x1"),
    dev("pcie-root-port", id="rp6", chassis=6, slot=6, addr="0x5", hotplug="off"),
    dev("pcie-root-port", id="rp7", chassis=7, slot=7, addr="0x6"),
]


def case(name, group, title, machine, devices, steps, globals_=(), why="", builtins=False,
         irq="msi", qemu_migration=None, known=(), cxl=None):
    """qemu_migration: the outcome the issue says QEMU 7.2 has (checked on QEMU itself).
    known: differences pcisim keeps on purpose in this case, as KNOWN entries below
    (with "dev" naming the function; "bits" None = any bits).
    cxl: a CXL machine: {"fmw": [{"targets": [...], "size": S}], "objects": [(id, size)],
    "roots": [pxb-cxl bus numbers the firmware numbers from]}."""
    return {"name": name, "group": group, "title": title, "machine": machine,
            "devices": devices, "steps": steps, "globals": list(globals_), "why": why,
            "builtins": builtins, "irq": irq, "qemu_migration": qemu_migration,
            "known": list(known), "cxl": cxl}


CASES = []

# ---- boot state ----

for m in ("pc-q35-2.12", "pc-q35-3.1", "pc-q35-4.0", "pc-q35-4.2", "pc-q35-6.0", "pc-q35-6.1", "pc-q35-7.2"):
    CASES.append(case(
        "boot-" + m[3:], "hotplug",
        "boot state: occupied and empty slots of root ports, a switch and ioh3420 (%s)" % m,
        m, BOOT, [guest("size_bars")],
        why="every register of every function after QEMU's machine reset and the firmware's "
            "bus numbering and interrupt set-up, then BAR sizing; the q35 built-in functions too",
        builtins=True))
CASES.append(case(
    "boot-7.2-acpi-off", "hotplug",
    "boot state with ACPI hot-plug on bridges off (pc-q35-7.2)", "pc-q35-7.2", BOOT,
    [guest("size_bars")], globals_=[ACPI_OFF], builtins=True))

# ---- guest power off / on ----

CASES.append(case(
    "guest-power-off-on", "hotplug",
    "guest powers an occupied slot off (power, then indicator: QEMU detaches) and on again",
    "pc-q35-6.0", ONE_SLOT,
    [guest("pciehp_probe", port="rp1"),
     w("nic1", "command", 0x0006),
     w("rp1", "sltctl", set=SLTCTL_PCC),          # power off, indicator still on
     w("rp1", "sltsta", 0x0010),                  # clear CC
     w("rp1", "sltctl", set=PIC_OFF),             # indicator off: QEMU unplugs
     w("rp1", "sltsta", 0x0018),                  # clear PDC|CC
     w("rp1", "sltctl", clear=SLTCTL_PCC | SLTCTL_PIC, set=PIC_ON),  # power on (empty slot)
     w("rp1", "sltsta", 0x0010)]))

CASES.append(case(
    "guest-power-cycle", "hotplug",
    "guest turns slot power off and on with the indicator on: the device loses power and is reset",
    "pc-q35-6.0", ONE_SLOT,
    [guest("pciehp_probe", port="rp1"),
     w("nic1", "command", 0x0006),
     w("rp1", "sltctl", set=SLTCTL_PCC),
     w("nic1", None, 0x0002, off=0x04, len=2),     # a write to an unpowered function
     w("rp1", "sltctl", clear=SLTCTL_PCC),
     w("rp1", "sltsta", 0x0010)]))

CASES.append(case(
    "guest-power-switch", "hotplug",
    "the same power off/on on a switch downstream port (xio3130-downstream, MSI)",
    "pc-q35-6.0", SWITCH_SLOT,
    [guest("pciehp_probe", port="dn4"),
     w("dn4", "sltctl", set=SLTCTL_PCC | PIC_BLINK, clear=SLTCTL_PIC),
     w("dn4", "sltsta", 0x0010),
     w("dn4", "sltctl", set=PIC_OFF),
     w("dn4", "sltsta", 0x0018)]))

CASES.append(case(
    "slot-status-rw1c", "hotplug",
    "Slot Status write rules: read-only PDS/EIS, write-1-to-clear events, the revert of a clear that names a clear bit, the interlock toggle",
    "pc-q35-6.0", ONE_SLOT,
    [w("rp1", "sltsta", 0x00e0),                  # MRLSS|PDS|EIS: read-only
     w("rp1", "sltctl", set=0),                   # any Slot Control write: CC
     hmp("device_del nic1"),                      # ABP (powered slot: attention button)
     w("rp1", "sltsta", 0x0018),                  # CC plus the clear PDC: whole clear reverted
     w("rp1", "sltsta", 0x0010),
     w("rp1", "sltsta", 0x0001),
     w("rp1", "sltctl", set=0x0800),              # EIC: toggles EIS, reads 0
     w("rp1", "sltctl", set=0x0800),
     w("rp1", "sltctl", 0x1fff),                  # every control bit at once
     w("rp1", "sltsta", 0x01ff)]))

CASES.append(case(
    "hotplug-intx", "hotplug",
    "the hot-plug interrupt as INTx (MSI-X left disabled): asserted while an enabled event is pending",
    "pc-q35-6.0", ONE_SLOT,
    [w("rp1", "sltctl", set=0x0031),              # ABPE|CCIE|HPIE: CC pending -> INTx
     w("rp1", "sltsta", 0x0010),                  # clear CC -> deasserted
     hmp("device_del nic1"),                      # ABP -> asserted
     w("rp1", "sltsta", 0x0001),
     w("rp1", "sltctl", clear=0x0020)],           # HPIE off: a CC event stays silent
    irq="intx"))

CASES.append(case(
    "link-control", "hotplug",
    "Link Control on a root port: Link Disable, Retrain Link, and Bridge Control Secondary Bus Reset",
    "pc-q35-6.0", ONE_SLOT,
    [w("nic1", "command", 0x0006),
     w("rp1", "lnkctl", set=0x0010),              # Link Disable
     w("rp1", "lnkctl", clear=0x0010),
     w("rp1", "lnkctl", set=0x0020),              # Retrain Link
     w("rp1", "bridge_control", set=0x0040),      # Secondary Bus Reset asserted
     w("rp1", "bridge_control", clear=0x0040)]))

CASES.append(case(
    "interlock", "hotplug",
    "the electromechanical interlock engaged: device_del and device_add refused; released again",
    "pc-q35-6.0", ONE_SLOT + EMPTY_SLOT,
    [w("rp1", "sltctl", set=0x0800),              # EIC: EIS on
     hmp("device_del nic1"),
     w("rp2", "sltctl", set=0x0800),
     hmp("device_add e1000e,id=nic2,bus=rp2"),
     w("rp2", "sltctl", set=0x0800),              # EIS off again
     hmp("device_add e1000e,id=nic2,bus=rp2")]))

CASES.append(case(
    "monitor-errors", "hotplug",
    "monitor commands QEMU refuses: their error lines (an unknown id or error name is an "
    "input error in a pcisim scenario, so not here; the AER injection at a device that is "
    "not PCI Express says expect_error: true)",
    "pc-q35-6.0",
    ONE_SLOT + EMPTY_SLOT + [dev("pcie-root-port", id="rp8", chassis=8, slot=8, addr="0x7"),
                             dev("e1000", id="nic8", bus="rp8")],
    [hmp("device_add e1000e,id=nic9,bus=rp1"),
     hmp("device_add e1000e,id=nic9,bus=nope"),
     hmp("device_add e1000e,id=nic1,bus=rp2"),
     hmp("pcie_aer_inject_error nic8 POISON_TLP", expect_error=True),
     hmp("pcie_aer_inject_error rp1 0x3")]))

CASES.append(case(
    "flr", "hotplug",
    "Function Level Reset of a virtio-rng-pci behind a root port: what the reset keeps",
    "pc-q35-6.0",
    [dev("pcie-root-port", id="rp1", chassis=1, slot=1, addr="0x2"),
     dev("virtio-rng-pci", id="rng1", bus="rp1")],
    [w("rng1", "command", 0x0146),
     w("rng1", "devctl", set=0x000f),
     w("rng1", "devctl", set=0x8000)]))          # Initiate FLR

CASES.append(case(
    "multifunction-hotplug", "hotplug",
    "device_add of function 1 before function 0: hidden until function 0 arrives, then one slot event",
    "pc-q35-6.0", EMPTY_SLOT,
    [guest("pciehp_probe", port="rp2"),
     hmp("device_add e1000e,id=nic21,bus=rp2,addr=0x0.0x1"),
     hmp("device_add e1000e,id=nic20,bus=rp2,addr=0x0.0x0,multifunction=on"),
     w("rp2", "sltsta", 0x0009),
     w("rp2", "sltctl", clear=SLTCTL_PCC | SLTCTL_PIC, set=PIC_ON),
     w("rp2", "sltsta", 0x0010),
     hmp("device_del nic21"),
     hmp("device_del nic20")]))

# ---- device_del / device_add ----

CASES.append(case(
    "device-del-powered", "hotplug",
    "device_del on a powered slot: attention button, a second device_del refused, the guest's power-off completes it",
    "pc-q35-6.0", ONE_SLOT,
    [guest("pciehp_probe", port="rp1"),
     hmp("device_del nic1"),
     hmp("device_del nic1"),
     w("rp1", "sltsta", 0x0001),                  # pciehp: clear ABP
     w("rp1", "sltctl", clear=SLTCTL_PIC, set=PIC_BLINK),
     hmp("device_del nic1"),                      # refused while the indicator blinks
     w("rp1", "sltsta", 0x0010),
     w("rp1", "sltctl", set=SLTCTL_PCC),          # 5 s later: power off
     w("rp1", "sltsta", 0x0010),
     w("rp1", "sltctl", set=PIC_OFF),             # 1 s later: indicator off -> unplug
     w("rp1", "sltsta", 0x0018)]))

CASES.append(case(
    "device-add-empty", "hotplug",
    "device_add into an empty, powered-off slot, then the guest powers it on",
    "pc-q35-6.0", EMPTY_SLOT,
    [guest("pciehp_probe", port="rp2"),
     hmp("device_add e1000e,id=nic2,bus=rp2"),
     w("rp2", "sltsta", 0x0009),                  # pciehp: clear ABP|PDC
     w("rp2", "sltctl", clear=SLTCTL_PCC | SLTCTL_PIC, set=PIC_BLINK),  # power on, blink
     w("rp2", "sltsta", 0x0010),
     w("rp2", "sltctl", clear=SLTCTL_PIC, set=PIC_ON),
     w("rp2", "sltsta", 0x0010),
     w("nic2", "command", 0x0006)]))

CASES.append(case(
    "device-add-del-unpowered", "hotplug",
    "device_add into a powered-off slot, then device_del before the guest powers it on: unplugged at once",
    "pc-q35-6.0", EMPTY_SLOT,
    [guest("pciehp_probe", port="rp2"),
     hmp("device_add e1000e,id=nic2,bus=rp2"),
     hmp("device_del nic2"),
     w("rp2", "sltsta", 0x0019)]))

CASES.append(case(
    "device-add-switch", "hotplug",
    "device_add and device_del below a switch downstream port",
    "pc-q35-6.0",
    SWITCH_SLOT[:3] + [dev("xio3130-downstream", id="dn5", bus="up3", chassis=5, slot=5,
                           addr="0x1")],
    [guest("pciehp_probe", port="dn5"),
     hmp("device_add e1000e,id=nic5,bus=dn5"),
     w("dn5", "sltsta", 0x0009),
     w("dn5", "sltctl", clear=SLTCTL_PCC | SLTCTL_PIC, set=PIC_ON),
     w("dn5", "sltsta", 0x0010),
     hmp("device_del nic5"),
     w("dn5", "sltsta", 0x0001),
     w("dn5", "sltctl", set=SLTCTL_PCC | PIC_OFF),
     w("dn5", "sltsta", 0x0018)]))

CASES.append(case(
    "device-del-no-hotplug", "hotplug",
    "device_del and device_add on a port with hotplug=off: QEMU refuses both",
    "pc-q35-6.0",
    [dev("pcie-root-port", id="rp1", chassis=1, slot=1, addr="0x2", hotplug="off"),
     dev("e1000e", id="nic1", bus="rp1")],
    [hmp("device_del nic1"),
     hmp("device_add e1000e,id=nic9,bus=rp1,addr=0x0.0x1")]))

CASES.append(case(
    "device-del-acpi", "hotplug",
    "device_del on pc-q35-7.2 (ACPI hot-plug on bridges): the slot registers are not touched, a second request is refused",
    "pc-q35-7.2", ONE_SLOT,
    [hmp("device_del nic1"), hmp("device_del nic1")]))
CASES.append(case(
    "device-add-acpi", "hotplug",
    "device_add into an empty slot on pc-q35-7.2 (ACPI): no slot event, the device is usable at once",
    "pc-q35-7.2", EMPTY_SLOT,
    [hmp("device_add e1000e,id=nic2,bus=rp2"), w("nic2", "command", 0x0006),
     hmp("device_del nic2")]))
CASES.append(case(
    "hotplug-off-acpi", "hotplug",
    "a hotplug=off port on pc-q35-7.2 (ACPI): the bus has no hot-plug handler at all",
    "pc-q35-7.2",
    [dev("pcie-root-port", id="rp1", chassis=1, slot=1, addr="0x2", hotplug="off"),
     dev("e1000e", id="nic1", bus="rp1"),
     dev("pcie-root-port", id="rp2", chassis=2, slot=2, addr="0x3", hotplug="off")],
    [hmp("device_del nic1"), hmp("device_add e1000e,id=nic2,bus=rp2")]))
CASES.append(case(
    "device-add-powered-slot", "hotplug",
    "device_add into an empty slot the guest has powered on: the new function comes out of reset",
    "pc-q35-6.0", EMPTY_SLOT,
    [guest("pciehp_probe", port="rp2"),
     w("rp2", "sltctl", clear=SLTCTL_PCC | SLTCTL_PIC, set=PIC_ON),
     w("rp2", "sltsta", 0x0010),
     hmp("device_add e1000e,id=nic2,bus=rp2"),
     w("rp2", "sltsta", 0x0009)]))

CASES.append(case(
    "device-del-function1", "hotplug",
    "device_del of the report's xhci at 0x12.0x1 (no function 0 below the port): unplugged at once, PDS stays",
    "pc-q35-6.0", REPORT,
    [hmp("device_del nex-usb-xhci0")]))

# ---- migration: the PDS race ----

PDS_WHY_FAIL = ("the guest (pciehp, bound because the slot is hot-plug capable and ACPI hot-plug "
                "on bridges is off) finds no device at function 0, powers the slot off and turns "
                "the indicator off; QEMU detaches the xhci and clears PDS; the destination, "
                "started from the same command line, has PDS=1, and QEMU 7.2 checks PDS "
                "(cmask) on load")

CASES.append(case(
    "pds-race-6.0", "migration",
    "PDS race, the report's command line, pc-q35-6.0: migration fails", "pc-q35-6.0", REPORT,
    [guest("pciehp_probe", port="pcie-root-port18"), MIGRATE], why=PDS_WHY_FAIL,
    qemu_migration="failed"))
CASES.append(case(
    "pds-race-6.1", "migration",
    "PDS race, pc-q35-6.1: migrates", "pc-q35-6.1", REPORT,
    [guest("pciehp_probe", port="pcie-root-port18"), MIGRATE],
    why="ACPI hot-plug on bridges is on from 6.1 and the 6.1 compat hides the native hot-plug "
        "capability (Slot Capabilities without HPC): pciehp does not bind, nobody powers the "
        "slot off, PDS stays 1 on both sides", qemu_migration="completed"))
CASES.append(case(
    "pds-race-7.2", "migration",
    "PDS race, pc-q35-7.2: migrates", "pc-q35-7.2", REPORT,
    [guest("pciehp_probe", port="pcie-root-port18"), MIGRATE],
    why="ACPI hot-plug on bridges is on; HPC stays visible (x-keep-pci-slot-hpc) but the "
        "firmware keeps hot-plug control, so pciehp does not bind and the slot stays as it is",
    qemu_migration="completed"))
CASES.append(case(
    "pds-race-7.2-acpi-off", "migration",
    "PDS race, pc-q35-7.2 with acpi-pci-hotplug-with-bridge-support=off: fails", "pc-q35-7.2",
    REPORT, [guest("pciehp_probe", port="pcie-root-port18"), MIGRATE], globals_=[ACPI_OFF],
    why=PDS_WHY_FAIL, qemu_migration="failed"))
CASES.append(case(
    "pds-race-ioh3420", "migration",
    "the PDS race on an ioh3420 root port (pc-q35-6.0): its own VMState name and Slot Status offset",
    "pc-q35-6.0",
    [dev("ioh3420", id="rp5", chassis=5, slot=5, addr="0x5"),
     dev("nec-usb-xhci", id="xhci5", bus="rp5", addr="0x0.0x1")],
    [guest("pciehp_probe", port="rp5"), MIGRATE], why=PDS_WHY_FAIL, qemu_migration="failed"))
CASES.append(case(
    "pds-race-switch", "migration",
    "the PDS race below a switch downstream port (xio3130-downstream, pc-q35-6.0)",
    "pc-q35-6.0",
    SWITCH_SLOT[:3] + [dev("nec-usb-xhci", id="xhci4", bus="dn4", addr="0x0.0x1")],
    [guest("pciehp_probe", port="dn4"), MIGRATE], why=PDS_WHY_FAIL, qemu_migration="failed"))
CASES.append(case(
    "migrate-untouched", "migration",
    "migration of an untouched machine with occupied and empty slots and a switch",
    "pc-q35-6.0", BOOT, [MIGRATE]))
CASES.append(case(
    "migrate-after-device-del", "migration",
    "device_del of the report's xhci (unplugged without the guest, PDS stays 1), then migrate",
    "pc-q35-6.0", REPORT, [hmp("device_del nex-usb-xhci0"), MIGRATE],
    why="the destination still has the xhci on its command line, which QEMU accepts (a device "
        "without a section keeps its reset state); PDS is 1 on both sides"))
CASES.append(case(
    "migrate-after-hot-add", "migration",
    "device_add into an empty slot, then migrate to a destination without the device",
    "pc-q35-6.0", EMPTY_SLOT,
    [guest("pciehp_probe", port="rp2"), hmp("device_add e1000e,id=nic2,bus=rp2"), MIGRATE],
    why="the source has a NIC the destination's command line lacks; its option ROM is a RAM "
        "block, and QEMU refuses the RAM section before it looks at any device"))

# ---- AER ----

UNCOR = ["DLP", "SDN", "POISON_TLP", "FCP", "COMP_TIME", "COMP_ABORT", "UNX_COMP", "RX_OVER",
         "MALF_TLP", "ECRC", "UNSUP", "ACSV", "INTN", "MCBTLP", "ATOP_EBLOCKED",
         "TLP_PRF_BLOCKED"]
COR = ["RCVR", "BAD_TLP", "BAD_DLLP", "REP_ROLL", "REP_TIMER", "ADV_NONFATAL", "INTERNAL",
       "HL_OVERFLOW"]

AER_TOPO = SWITCH_SLOT
AER_PATH = ["rp3", "up3", "dn4", "nic4"]

CASES.append(case(
    "aer-intx", "aer",
    "AER through the root port's INTx: Root Error Command enables, errors from the switch port, the guest's clears",
    "pc-q35-6.0", AER_TOPO,
    [guest("aer_enable", devs=AER_PATH, root="rp3"),
     hmp("pcie_aer_inject_error dn4 POISON_TLP"),
     guest("aer_clear", devs=AER_PATH, root="rp3"),
     hmp("pcie_aer_inject_error dn4 BAD_TLP"),     # ERR_COR: dropped on the way (7.2)
     hmp("pcie_aer_inject_error dn4 COMP_TIME"),
     w("rp3", "aer_rootcmd", 0x0),                  # enables off: the line drops
     w("rp3", "aer_rootcmd", 0x7),                  # on again: it rises
     guest("aer_clear", devs=AER_PATH, root="rp3")],
    irq="intx"))

AER_ENABLES = {
    "disabled": None,
    "enabled": ("devctl", "serr", "rootcmd"),
    "devctl-only": ("devctl", "rootcmd"),
    "serr-only": ("serr", "rootcmd"),
}
AER_WHY = {
    "disabled": "no enables: status bits are recorded, no message travels",
    "enabled": "Device Control CERE|NFERE|FERE|URRE, Command SERR# and Bridge Control SERR "
               "on every function of the path, Root Error Command on the root port",
    "devctl-only": "Device Control enables and Root Error Command, no SERR#: QEMU 7.2 "
                   "passes uncorrectable messages only with SERR# at every hop",
    "serr-only": "Command SERR#, Bridge Control SERR and Root Error Command, no Device "
                 "Control enables: QEMU 7.2 also wants the severity's Device Control bit "
                 "at every hop",
}

for target in ("rp3", "dn4", "nic4"):
    for enables, which in AER_ENABLES.items():
        steps = []
        if which:
            steps.append(guest("aer_enable", devs=AER_PATH, root="rp3", which=list(which)))
        for name in UNCOR + COR:
            steps.append(hmp("pcie_aer_inject_error %s %s" % (target, name)))
            steps.append(guest("aer_clear", devs=AER_PATH, root="rp3"))
        CASES.append(case(
            "aer-%s-%s" % (target, enables), "aer",
            "every AER error name injected into %s, reporting enables: %s" % (
                {"rp3": "a root port", "dn4": "a switch downstream port",
                 "nic4": "an endpoint below the switch"}[target], enables),
            "pc-q35-6.0", AER_TOPO, steps, why=AER_WHY[enables]))

# the -a (advisory non-fatal) and -c (raw correctable value) flags, and the header log
CASES.append(case(
    "aer-flags", "aer",
    "pcie_aer_inject_error -a (advisory non-fatal), -c with a raw value, a TLP header",
    "pc-q35-6.0", AER_TOPO,
    [guest("aer_enable", devs=AER_PATH, root="rp3", which=["devctl", "serr", "rootcmd"]),
     hmp("pcie_aer_inject_error -a dn4 POISON_TLP"),
     guest("aer_clear", devs=AER_PATH, root="rp3"),
     hmp("pcie_aer_inject_error -c dn4 0x40"),
     guest("aer_clear", devs=AER_PATH, root="rp3"),
     hmp("pcie_aer_inject_error dn4 MALF_TLP 0x40000001 0x0000220f 0xfe000000 0x0"),
     guest("aer_clear", devs=AER_PATH, root="rp3"),
     hmp("pcie_aer_inject_error -a nic4 UNSUP"),
     guest("aer_clear", devs=AER_PATH, root="rp3")]))

# ---- ACPI PCI hot-plug: the registers, GPE0, the SCI, the eject, DEVICE_DELETED ----

CASES.append(case(
    "acpi-regs-7.2", "acpi", "ACPI PCI hot-plug registers: BSEL numbering and access rules (pc-q35-7.2)",
    "pc-q35-7.2", ACPI_PROBE,
    [io_in(PCIHP + 0x10), io_in(PCIHP + 0x00), io_in(PCIHP + 0x10, 1), io_in(PCIHP + 0x10, 2),
     io_out(PCIHP + 0x10, 5), io_in(PCIHP + 0x10), io_out(PCIHP + 0x10, 3, 1), io_in(PCIHP + 0x10),
     io_out(PCIHP + 0x10, 3, 2), io_in(PCIHP + 0x10), io_in(PCIHP + 0x08), io_in(PCIHP + 0x14),
     io_out(PCIHP + 0x10, 0x100), io_in(PCIHP + 0x10), io_in(PCIHP + 0x0c),
     io_out(PCIHP + 0x10, 0xffffffff), io_in(PCIHP + 0x0c), io_in(PCIHP + 0x04),
     io_in(GPE0, 1), io_out(GPE0 + 8, 0xff, 1), io_in(GPE0 + 8, 2), io_out(GPE0 + 8, 0, 4)],
    why="the removable bits and select of every bus select after reset, 1-, 2- and 4-byte "
        "accesses, a select out of range, GPE0 enable bytes",
    irq="sci"))
CASES[-1]["acpi_bsels"] = 8
CASES.append(case(
    "acpi-add-del-rp-7.2", "acpi", "device_add and device_del through ACPI on root ports, GPE, SCI, the eject (pc-q35-7.2)",
    "pc-q35-7.2", ONE_SLOT + EMPTY_SLOT,
    [io_out(GPE0 + 8, 0x02, 1),
     hmp("device_add e1000e,id=nic2,bus=rp2"),
     io_out(PCIHP + 0x10, 0), io_in(PCIHP + 0x00), io_in(PCIHP + 0x00),
     io_out(GPE0, 0x02, 1),
     hmp("device_del nic1"), hmp("device_del nic1"),
     io_out(GPE0, 0x02, 1),
     eject(1, 0),
     hmp("device_del nic1"),
     hmp("device_add e1000e,id=nic1,bus=rp1"),
     io_out(PCIHP + 0x10, 1), io_in(PCIHP + 0x00)],
    why="the up bit (cleared by its read), the down bit, GPE0 status bit 1 and the SCI with "
        "the GPE enabled, the second device_del refused, _EJ0's writes, DEVICE_DELETED, the re-add",
    irq="sci"))
CASES[-1]["acpi_bsels"] = 3
CASES.append(case(
    "acpi-switch-7.2", "acpi", "device_del through ACPI below a switch downstream port (pc-q35-7.2)",
    "pc-q35-7.2", SWITCH_SLOT,
    [hmp("device_del nic4"), eject(1, 0), eject(2, 0),
     hmp("device_add e1000e,id=nic5,bus=dn4"),
     io_out(PCIHP + 0x10, 2), io_in(PCIHP + 0x00), io_in(GPE0, 4)],
    why="the switch's buses have their own bus selects; ejecting the slot of a cold-plugged "
        "bridge does nothing; the eject of the card below dn4 deletes it",
    irq="sci"))
CASES[-1]["acpi_bsels"] = 4
CASES.append(case(
    "acpi-none-6.0", "acpi", "no ACPI PCI hot-plug block on pc-q35-6.0; GPE0 still there",
    "pc-q35-6.0", ONE_SLOT,
    [io_in(PCIHP + 0x00), io_in(PCIHP + 0x10), io_out(GPE0 + 8, 0x02, 1), io_in(GPE0 + 8, 1)],
    why="machine types up to 6.0 keep native hot-plug: the ports read all ones",
    irq="sci"))
CASES[-1]["acpi_bsels"] = 1

CASES.append(case(
    "x-native-hotplug-off-7.2", "acpi", "a root port with x-native-hotplug=off (7.2's name), ACPI hot-plug off",
    "pc-q35-7.2", [dev("pcie-root-port", id="rp1", chassis=1, addr="0x2", x_native_hotplug="off"),
                   dev("pcie-root-port", id="rp2", chassis=2, addr="0x3")],
    [hmp("device_add e1000e,id=n1,bus=rp1"), hmp("device_add e1000e,id=n2,bus=rp2")],
    globals_=[ACPI_OFF],
    why="the property hides HPS and HPC, so the port refuses hot-plug; its neighbour keeps them"))

# ---- CXL (QEMU 7.2: pxb-cxl, cxl-rp, cxl-upstream, cxl-downstream, cxl-type3) ----

CXL_MACHINE = {"fmw": [{"targets": ["cxl.1"], "size": "4G"}],
               "objects": [("m0", "256M"), ("l0", "1M"), ("m1", "256M"), ("l1", "1M")],
               "roots": [12]}

CXL_TOPO = [
    dev("pxb-cxl", id="cxl.1", bus="pcie.0", bus_nr=12),
    dev("cxl-rp", id="crp0", bus="cxl.1", port=0, chassis=0, slot=2),
    dev("cxl-type3", id="t3a", bus="crp0", memdev="m0", lsa="l0"),
    dev("cxl-rp", id="crp1", bus="cxl.1", port=1, chassis=0, slot=3),
    dev("cxl-upstream", id="cus0", bus="crp1"),
    dev("cxl-downstream", id="cds0", bus="cus0", port=0, chassis=0, slot=4),
    dev("cxl-type3", id="t3b", bus="cds0", memdev="m1", lsa="l1"),
]
CXL_BRIDGES = ["crp0", "crp1", "cus0", "cds0"]  # the bridges on the way to the BARs
CXL_FNS = ["t3a", "crp0", "crp1", "cus0", "cds0", "t3b"]
CXL_ASSIGN = guest("assign_bars", bridges=CXL_BRIDGES, devs=CXL_FNS)
CM = 0x1000  # the CXL.cache/mem registers in the component block (BAR 0)
COMPONENT_OFFS = ([CM + o for o in range(0, 0x18, 4)] + [CM + o for o in range(0x80, 0xd8, 4)]
                  + [CM + o for o in range(0x110, 0x140, 4)])
DEVICE_OFFS = (list(range(0, 0x40, 4)) + [0x80, 0x84] + list(range(0x88, 0xa8, 4))
               + [0x8a8, 0x8ac])
MB_CMD, MB_CTRL, MB_STS, MB_PAYLOAD = 0x90, 0x8c, 0x98, 0xa8


def mmio_read(dev_id, bar, offs, what=None, size=4):
    s = {"do": "mmio_read", "dev": dev_id, "bar": bar, "offs": list(offs), "len": size}
    if what:
        s["what"] = what
    return s


def mmio_write(dev_id, bar, off, value, size=4):
    return {"do": "mmio_write", "dev": dev_id, "bar": bar, "off": off, "value": value, "len": size}


def mailbox(dev_id, opcode, payload=(), out_dwords=8):
    """A mailbox command as cxl_pci sends it: payload, Command (opcode and length),
    Doorbell; then Control, Status and the output payload read back."""
    steps = [mmio_write(dev_id, 2, MB_PAYLOAD + 4 * k, v) for k, v in enumerate(payload)]
    # Command takes 8-byte writes only (7.2's mailbox_reg_write drops 4-byte ones there)
    steps.append(mmio_write(dev_id, 2, MB_CMD, opcode | (4 * len(payload)) << 16, size=8))
    steps.append(mmio_write(dev_id, 2, MB_CTRL, 1))
    steps.append(mmio_read(dev_id, 2, [MB_CTRL, MB_CMD, MB_CMD + 4, MB_STS, MB_STS + 4]
                           + [MB_PAYLOAD + 4 * k for k in range(out_dwords)],
                           "mailbox 0x%04x: control, command, status, payload" % opcode))
    return steps


CASES.append(case(
    "cxl-boot", "cxl",
    "CXL boot state: pxb-cxl, two cxl-rp, a switch, two cxl-type3 (enumeration, DVSECs)",
    "pc-q35-7.2", CXL_TOPO, [guest("size_bars")], cxl=CXL_MACHINE,
    why="every config byte of every CXL function after the firmware's bus numbering (the "
        "pxb-cxl root bus 12 numbered as SeaBIOS does), then BAR sizing: the extended "
        "capability chains and every DVSEC"))
CASES.append(case(
    "cxl-registers", "cxl",
    "CXL component and device registers after BAR assignment",
    "pc-q35-7.2", CXL_TOPO,
    [CXL_ASSIGN]
    + [mmio_read(d, 0, COMPONENT_OFFS, "%s component registers" % d) for d in CXL_FNS]
    + [mmio_read(d, 2, DEVICE_OFFS, "%s device registers" % d) for d in ("t3a", "t3b")],
    cxl=CXL_MACHINE,
    why="the CXL.cache/mem capability array, RAS, link and HDM decoder registers of every "
        "port and device, the type 3 devices' capability array, status, mailbox and memory "
        "device status, read through the BARs the firmware assigned"))

CASES.append(case(
    "cxl-migrate", "cxl",
    "migrate a CXL machine after the firmware numbered and enabled it: it completes, "
    "and the destination's CXL functions are as its command line built them",
    "pc-q35-7.2", CXL_TOPO, [CXL_ASSIGN, MIGRATE], cxl=CXL_MACHINE, qemu_migration="completed",
    why="QEMU has no VMState for pxb-cxl, cxl-rp, cxl-upstream, cxl-downstream or "
        "cxl-type3: nothing of them is sent, so the destination's bus numbers, BARs and "
        "Command are at reset"))

CXL_HDM = 0x1000 + 0x110  # the HDM decoder capability in the component block
HDM_REGS = [CXL_HDM + o for o in range(0, 0x30, 4)]

CASES.append(case(
    "cxl-mailbox", "cxl",
    "the type 3 mailbox through MMIO: every command QEMU 7.2 answers, an unsupported "
    "opcode and a wrong input length, with the doorbell protocol",
    "pc-q35-7.2", CXL_TOPO,
    [CXL_ASSIGN]
    + mailbox("t3a", 0x4000, out_dwords=0x44 // 4)           # Identify Memory Device
    + mailbox("t3a", 0x0200)                                  # Get FW Info
    + mailbox("t3a", 0x0300, out_dwords=2)                    # Get Timestamp
    + mailbox("t3a", 0x0301, payload=[0x12345678, 0x9])       # Set Timestamp
    + mailbox("t3a", 0x0300, out_dwords=2)                    # ... read back
    + mailbox("t3a", 0x0400, out_dwords=7)                    # Get Supported Logs (the CEL)
    + mailbox("t3a", 0x0401, payload=[0x0da9c0b5, 0xf24c8a38, 0xea17c5a8, 0x17db0c4d,
                                      0, 0x40], out_dwords=16)  # Get Log: the CEL
    + mailbox("t3a", 0x4100, out_dwords=8)                    # Get Partition Info
    + mailbox("t3a", 0x4103, payload=[0, 0, 0x11223344, 0x55667788])  # Set LSA at 0
    + mailbox("t3a", 0x4102, payload=[0, 8], out_dwords=2)    # Get LSA: 8 bytes at 0
    + mailbox("t3a", 0x0100, payload=[0])                     # Get Event Records
    + mailbox("t3a", 0x0102, out_dwords=1)                    # Get Event Interrupt Policy
    + mailbox("t3a", 0x4200)                                  # Get Health Info: unsupported
    + mailbox("t3a", 0x4300, payload=[0, 0, 0, 0])            # Get Poison List (8.1)
    + mailbox("t3a", 0x4000, payload=[0]),                    # Identify with a payload
    cxl=CXL_MACHINE,
    why="cxl_pci's sequence: payload, Command (8-byte write), Doorbell; then Control, "
        "Command (output length), Status (return code) and the output payload, read back "
        "as the driver reads them"))

CASES.append(case(
    "cxl-hdm-commit", "cxl",
    "HDM decoder programming and commit on a type 3 device, a root port and a switch's "
    "upstream port (QEMU 7.2: one decoder each)",
    "pc-q35-7.2", CXL_TOPO,
    [CXL_ASSIGN]
    + [mmio_write(d, 0, CXL_HDM + 0x10 + off, v) for d in ("t3a", "crp0", "cus0")
       for off, v in ((0x00, 0x10000000), (0x04, 0x1), (0x08, 0x10000000), (0x0c, 0),
                      (0x14, 0x12345678))]
    + [mmio_write(d, 0, CXL_HDM + 0x20, 0x0200) for d in ("t3a", "crp0", "cus0")]   # commit
    + [mmio_read(d, 0, HDM_REGS, "%s HDM decoder 0 committed" % d) for d in ("t3a", "crp0", "cus0")]
    + [mmio_write(d, 0, CXL_HDM + 0x20, 0x0000) for d in ("t3a", "crp0")]           # uncommit
    + [mmio_read(d, 0, HDM_REGS, "%s HDM decoder 0 after clearing commit" % d)
       for d in ("t3a", "crp0")]
    + [mmio_write("t3a", 0, CXL_HDM + 0x20, 0x0304),                                  # lock on commit
       mmio_write("t3a", 0, CXL_HDM + 0x10, 0x20000000),
       mmio_read("t3a", 0, HDM_REGS, "t3a HDM decoder 0 locked, then written")],
    cxl=CXL_MACHINE,
    why="base, size, target list / DPA skip, then Commit; QEMU 7.2 makes no sanity check, "
        "its type 3 device never uncommits, and Lock On Commit is not enforced"))

CASES.append(case(
    "cxl-aer", "cxl",
    "AER injection on CXL ports (cxl-rp, cxl-downstream, cxl-upstream) and at a type 3 "
    "device (7.2: no AER capability), reported through the root port's INTx",
    "pc-q35-7.2", CXL_TOPO,
    [guest("aer_enable", devs=["crp1", "cus0", "cds0"], root="crp1"),
     hmp("pcie_aer_inject_error cds0 POISON_TLP"),
     guest("aer_clear", devs=["crp1", "cus0", "cds0"], root="crp1"),
     hmp("pcie_aer_inject_error cus0 COMP_TIME"),
     guest("aer_clear", devs=["crp1", "cus0", "cds0"], root="crp1"),
     hmp("pcie_aer_inject_error crp1 BAD_TLP"),
     guest("aer_clear", devs=["crp1", "cus0", "cds0"], root="crp1"),
     hmp("pcie_aer_inject_error crp0 INTN"),
     hmp("pcie_aer_inject_error t3b INTN")],
    cxl=CXL_MACHINE, irq="intx"))

CASES.append(case(
    "cxl-hotplug", "cxl",
    "device_del and device_add of cxl-type3 below cxl-rp and cxl-downstream, with pciehp's "
    "slot register sequence",
    "pc-q35-7.2", CXL_TOPO,
    [guest("pciehp_probe", port="crp0"),
     guest("pciehp_probe", port="cds0"),
     hmp("device_del t3a"),                                  # attention button
     w("crp0", "sltsta", 0x0001),                            # pciehp clears ABP
     w("crp0", "sltctl", set=SLTCTL_PCC),                    # power off
     w("crp0", "sltsta", 0x0010),
     w("crp0", "sltctl", clear=SLTCTL_PIC, set=PIC_OFF),     # indicator off: QEMU unplugs
     w("crp0", "sltsta", 0x0018),
     hmp("device_del t3b"),
     w("cds0", "sltsta", 0x0001),
     w("cds0", "sltctl", set=SLTCTL_PCC),
     w("cds0", "sltsta", 0x0010),
     w("cds0", "sltctl", clear=SLTCTL_PIC, set=PIC_OFF),
     w("cds0", "sltsta", 0x0018),
     w("cds0", "sltctl", clear=SLTCTL_PCC | SLTCTL_PIC, set=PIC_ON),  # power on, empty
     w("cds0", "sltsta", 0x0010),
     hmp("device_add cxl-type3,id=t3c,bus=cds0,memdev=m1,lsa=l1"),
     w("cds0", "sltsta", 0x0008)],
    globals_=[ACPI_OFF], cxl=CXL_MACHINE,
    why="ACPI hot-plug on bridges off, so that pciehp owns the slots (cxl-rp's and "
        "cxl-downstream's)"))

CASES.append(case(
    "cxl-sbr", "cxl",
    "a Secondary Bus Reset on the cxl-rp above a type 3 device whose HDM decoder is "
    "committed and whose timestamp is set: what the device keeps",
    "pc-q35-7.2", CXL_TOPO,
    [CXL_ASSIGN]
    + [mmio_write("t3a", 0, CXL_HDM + 0x10 + off, v)
       for off, v in ((0x00, 0x10000000), (0x04, 0x1), (0x08, 0x10000000), (0x0c, 0))]
    + [mmio_write("t3a", 0, CXL_HDM + 0x20, 0x0200)]
    + mailbox("t3a", 0x0301, payload=[0x12345678, 0x9])       # Set Timestamp
    + [mmio_read("t3a", 0, HDM_REGS, "t3a HDM decoder 0 committed")]
    + [w("crp0", "bridge_control", set=0x40), w("crp0", "bridge_control", clear=0x40)]
    + [CXL_ASSIGN]
    + [mmio_read("t3a", 0, HDM_REGS, "t3a HDM decoder 0 after the bus reset")]
    + mailbox("t3a", 0x0300, out_dwords=2),                   # Get Timestamp
    cxl=CXL_MACHINE,
    why="QEMU resets a bus's devices on the 0->1 edge of Secondary Bus Reset; the "
        "firmware's BAR assignment is made again to reach the registers"))

# A 2-way interleave over the two type 3 devices: the window (4 GiB at 0x110000000,
# granularity 256 B) over pxb-cxl; its decoder (CHBS) interleaves crp0 (port 0) and
# crp1 (port 1); cus0 passes everything to cds0 (port 0); each device's decoder 0
# takes the window 2-way at 256 B. Eight dwords, one per 256 B granule, go to the
# devices in turn; the backing files show where each landed.
CFMW_BASE = 0x110000000
IL_DEC = 0x1000 + 0x120   # decoder 0 in a component block
IL_STEPS = (
    [{"do": "chbs_write", "hb": "cxl.1", "hb_index": 0, "off": IL_DEC + off, "value": v}
     for off, v in ((0x00, CFMW_BASE & 0xffffffff), (0x04, CFMW_BASE >> 32), (0x08, 0x20000000),
                    (0x0c, 0), (0x14, 0x0100), (0x10, 0x0210))]
    + [mmio_write("cus0", 0, IL_DEC + off, v)
       for off, v in ((0x00, CFMW_BASE & 0xffffffff), (0x04, CFMW_BASE >> 32), (0x08, 0x20000000),
                      (0x0c, 0), (0x14, 0x0000), (0x10, 0x0200))]
    + [mmio_write(d, 0, IL_DEC + off, v) for d in ("t3a", "t3b")
       for off, v in ((0x00, CFMW_BASE & 0xffffffff), (0x04, CFMW_BASE >> 32), (0x08, 0x20000000),
                      (0x0c, 0), (0x10, 0x0210))]
    + [{"do": "hpa_write", "hpa": CFMW_BASE, "stride": 0x100,
        "values": [0xc0de0000 + k for k in range(8)], "what": "8 dwords, one per 256 B granule"},
       {"do": "backing_read", "dev": "t3a", "obj": "m0", "dpas": [0x100 * k for k in range(4)],
        "what": "t3a's backing file"},
       {"do": "backing_read", "dev": "t3b", "obj": "m1", "dpas": [0x100 * k for k in range(4)],
        "what": "t3b's backing file"}])

CASES.append(case(
    "cxl-interleave", "cxl",
    "HDM decoders of the host bridge, a switch and two type 3 devices committed for a 2-way "
    "interleave; host writes checked against what lands in the backing files",
    "pc-q35-7.2", CXL_TOPO, [CXL_ASSIGN] + IL_STEPS, cxl=CXL_MACHINE,
    why="the host bridge decoder through its CHBS at 4 GiB, the upstream port's and the "
        "devices' through BAR 0; qtest writes to the fixed memory window; the DPAs read "
        "from QEMU's memory-backend-file files and from pcisim's device memory"))

# ---- differences pcisim keeps on purpose (documented; they do not fail the tests) ----
#
# A difference is known when the register matches, the case matches, and QEMU's and
# pcisim's values differ only in the bits named.

def _acpi(case):
    if ACPI_OFF in case["globals"]:
        return False
    major, minor = (int(x) for x in case["machine"].rsplit("-", 1)[-1].split("."))
    return (major, minor) >= (6, 1)


# link_model qemu (pcisim's default) took away the last ones: DLLLA on ports ACPI
# hot-plug handles, and Link Control's Link Disable / Retrain Link with the DLLLA drop
# on Link Disable and Secondary Bus Reset (docs/links-and-resets.md 1.3, 6).
KNOWN = []

# Memory reads that differ on purpose: the read ("DEV BARn+OFF"), a piece of the step's
# label, the cases it applies to, and why.
MMIO_KNOWN = [
    {"what": "t3a BAR2+0xa8", "step": "mailbox 0x0300", "when": lambda c: c["group"] == "cxl",
     "why": "Get Timestamp after Set Timestamp adds the time passed since: QEMU's clock is "
            "stopped (-S), pcisim plays the steps 10 ms apart"},
    {"what": "t3a BAR2+0xac", "step": "mailbox 0x0300", "when": lambda c: c["group"] == "cxl",
     "why": "the timestamp's upper half (see BAR2+0xa8)"},
    {"what": "t3a BAR2+0xa8", "step": "mailbox 0x0400", "when": lambda c: c["group"] == "cxl",
     "why": "Get Supported Logs leaves reserved bytes 2-3 as they were, here the timestamp "
            "the Get Timestamp before it wrote (see the mailbox 0x0300 entry)"},
]
