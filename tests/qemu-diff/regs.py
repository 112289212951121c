"""Decode the registers the harness compares from a function's raw configuration space.

Both sides (QEMU and pcisim) are decoded by this one walker, each from its own bytes:
capabilities are found by walking each side's own capability lists, so a capability
placed at another offset shows up as a difference of the capability list itself and
does not make every later register look different.

Register layouts are the PCI Express Base Specification's (offsets as in Linux's
include/uapi/linux/pci_regs.h); nothing here comes from QEMU.
"""

CAP_PM, CAP_MSI, CAP_EXP, CAP_MSIX, CAP_SSVID = 0x01, 0x05, 0x10, 0x11, 0x0d
EXT_AER = 0x0001

# (name, offset from the capability, width in bytes, condition)
HEADER = [
    ("command", 0x04, 2, None),
    ("status", 0x06, 2, None),
    ("bus_numbers", 0x18, 3, "type1"),  # primary, secondary, subordinate
    ("secondary_status", 0x1e, 2, "type1"),
    ("bridge_control", 0x3e, 2, "type1"),
    ("interrupt_pin", 0x3d, 1, None),
]

EXP = [
    ("exp_flags", 0x02, 2, None),
    ("devcap", 0x04, 4, None),
    ("devctl", 0x08, 2, None),
    ("devsta", 0x0a, 2, None),
    ("lnkcap", 0x0c, 4, None),
    ("lnkctl", 0x10, 2, None),
    ("lnksta", 0x12, 2, None),
    ("sltcap", 0x14, 4, "slot"),
    ("sltctl", 0x18, 2, "slot"),
    ("sltsta", 0x1a, 2, "slot"),
    ("rootctl", 0x1c, 2, "root"),
    ("rootcap", 0x1e, 2, "root"),
    ("rootsta", 0x20, 4, "root"),
    ("devcap2", 0x24, 4, "v2"),
    ("devctl2", 0x28, 2, "v2"),
    ("lnkcap2", 0x2c, 4, "v2"),
    ("lnkctl2", 0x30, 2, "v2"),
    ("lnksta2", 0x32, 2, "v2"),
]

AER = [
    ("aer_uncsta", 0x04, 4, None),
    ("aer_uncmask", 0x08, 4, None),
    ("aer_uncsev", 0x0c, 4, None),
    ("aer_corsta", 0x10, 4, None),
    ("aer_cormask", 0x14, 4, None),
    ("aer_capctl", 0x18, 4, None),  # First Error Pointer in [4:0]
    ("aer_hdrlog0", 0x1c, 4, None),
    ("aer_hdrlog1", 0x20, 4, None),
    ("aer_hdrlog2", 0x24, 4, None),
    ("aer_hdrlog3", 0x28, 4, None),
    ("aer_rootcmd", 0x2c, 4, "root"),
    ("aer_rootsta", 0x30, 4, "root"),
    ("aer_errsrc", 0x34, 4, "root"),
]

MSI = [("msi_flags", 0x02, 2, None)]
MSIX = [("msix_flags", 0x02, 2, None)]

# Bit names for the registers whose bits a reader of the report wants spelled out.
BITS = {
    "sltsta": [(0x1, "ABP"), (0x2, "PFD"), (0x4, "MRLSC"), (0x8, "PDC"), (0x10, "CC"),
               (0x20, "MRLSS"), (0x40, "PDS"), (0x80, "EIS"), (0x100, "DLLSC")],
    "sltcap": [(0x1, "ABP"), (0x2, "PCP"), (0x4, "MRLSP"), (0x8, "AIP"), (0x10, "PIP"),
               (0x20, "HPS"), (0x40, "HPC"), (0x20000, "EIP"), (0x40000, "NCCS")],
    "lnksta": [(0x800, "LT"), (0x1000, "SCC"), (0x2000, "DLLLA"), (0x4000, "LBMS"),
               (0x8000, "LABS")],
    "devsta": [(0x1, "CED"), (0x2, "NFED"), (0x4, "FED"), (0x8, "URD"), (0x10, "AUXPD"),
               (0x20, "TRPND")],
    "devctl": [(0x1, "CERE"), (0x2, "NFERE"), (0x4, "FERE"), (0x8, "URRE")],
    "secondary_status": [(0x100, "MDPE"), (0x800, "STA"), (0x1000, "RTA"), (0x2000, "RMA"),
                         (0x4000, "RSE"), (0x8000, "DPE")],
    "status": [(0x10, "CAP_LIST"), (0x100, "MDPE"), (0x800, "STA"), (0x1000, "RTA"),
               (0x2000, "RMA"), (0x4000, "SSE"), (0x8000, "DPE")],
    "aer_rootsta": [(0x1, "COR_RCV"), (0x2, "MULTI_COR"), (0x4, "UNCOR_RCV"),
                    (0x8, "MULTI_UNCOR"), (0x10, "FIRST_FATAL"), (0x20, "NONFATAL_RCV"),
                    (0x40, "FATAL_RCV")],
}


def sltctl_text(v):
    ind = {0: "rsvd", 1: "on", 2: "blink", 3: "off"}
    en = [(0x1, "ABPE"), (0x2, "PFDE"), (0x4, "MRLSCE"), (0x8, "PDCE"), (0x10, "CCIE"),
          (0x20, "HPIE"), (0x800, "EIC"), (0x1000, "DLLSCE")]
    s = "PIC=%s AIC=%s PCC=%s" % (ind[(v >> 8) & 3], ind[(v >> 6) & 3],
                                  "off" if v & 0x400 else "on")
    return s + "".join(" " + n for b, n in en if v & b)


def lnksta_text(v):
    speeds = {1: "2.5GT/s", 2: "5GT/s", 3: "8GT/s", 4: "16GT/s", 5: "32GT/s", 6: "64GT/s"}
    s = "%s x%d" % (speeds.get(v & 0xf, "speed%d" % (v & 0xf)), (v >> 4) & 0x3f)
    return s + "".join(" " + n for b, n in BITS["lnksta"] if v & b)


def describe(name, v):
    """A register value with its bits named, for the report."""
    if v is None:
        return "-"
    h = "0x%x" % v
    if name == "sltctl":
        return "%s (%s)" % (h, sltctl_text(v))
    if name == "lnksta":
        return "%s (%s)" % (h, lnksta_text(v))
    if name in BITS:
        names = [n for b, n in BITS[name] if v & b]
        return "%s (%s)" % (h, "|".join(names) if names else "-")
    return h


def _get(cfg, off, n):
    if off + n > len(cfg):
        return None
    return int.from_bytes(cfg[off:off + n], "little")


def caps(cfg):
    """[(kind, id, offset)] of the standard and extended capabilities, in list order."""
    out = []
    if len(cfg) < 64 or _get(cfg, 0, 2) == 0xffff or not (_get(cfg, 6, 2) & 0x10):
        return out
    off, seen = _get(cfg, 0x34, 1) & 0xfc, set()
    while off and off not in seen and off < 256:
        seen.add(off)
        out.append(("cap", cfg[off], off))
        off = cfg[off + 1] & 0xfc
    if len(cfg) > 256:
        off, seen = 0x100, set()
        while off and off not in seen and off + 4 <= len(cfg):
            seen.add(off)
            hdr = _get(cfg, off, 4)
            if hdr in (0, 0xffffffff):
                break
            out.append(("ext", hdr & 0xffff, off))
            off = (hdr >> 20) & 0xffc
    return out


def decode(cfg):
    """{name: (offset, width, value)} of every register this function has."""
    regs = {}
    if not cfg or _get(cfg, 0, 2) == 0xffff:
        return regs
    type1 = (cfg[0x0e] & 0x7f) == 1
    cl = caps(cfg)
    find = {(k, i): o for k, i, o in reversed(cl)}  # the first of each id wins
    exp = find.get(("cap", CAP_EXP))
    flags = _get(cfg, exp + 2, 2) if exp else 0
    ptype = (flags >> 4) & 0xf
    conds = {
        None: True,
        "type1": type1,
        "slot": bool(flags & 0x100),
        "root": ptype in (4, 10),
        "v2": (flags & 0xf) >= 2,
    }

    def add(table, base):
        for name, off, width, cond in table:
            if conds[cond]:
                regs[name] = (base + off, width, _get(cfg, base + off, width))

    add(HEADER, 0)
    if exp:
        add(EXP, exp)
    aer = find.get(("ext", EXT_AER))
    if aer:
        add(AER, aer)
    msi = find.get(("cap", CAP_MSI))
    if msi:
        add(MSI, msi)
    msix = find.get(("cap", CAP_MSIX))
    if msix:
        add(MSIX, msix)
    regs["capabilities"] = (None, None, " ".join(
        "%s%02x@%x" % ("e" if k == "ext" else "", i, o) for k, i, o in cl))
    return regs


def reg_offset(cfg, name):
    """(offset, width) of register @name in this function, or None."""
    r = decode(cfg).get(name)
    return (r[0], r[1]) if r and r[0] is not None else None


def named_bytes(regs):
    """The config offsets the named registers cover."""
    cover = set()
    for off, width, _ in regs.values():
        if off is not None:
            cover.update(range(off, off + width))
    return cover


def cap_at(cfg, off):
    """Which capability (by its list) contains byte @off, for naming an unnamed byte."""
    best = None
    for k, i, o in caps(cfg):
        if o <= off and (k == "ext") == (off >= 0x100) and (best is None or o > best[2]):
            best = (k, i, o)
    if off < 0x40:
        return "header"
    if not best:
        return "no capability"
    return "%s 0x%02x@0x%x+0x%x" % ("ext cap" if best[0] == "ext" else "cap", best[1], best[2],
                                     off - best[2])
