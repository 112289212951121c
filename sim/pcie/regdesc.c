/*
 * Register descriptor tables: the configuration header and every capability
 * pcisim builds, register by register, with each bit's attribute as QEMU
 * implements it and the spec table it comes from. Where QEMU departs from the
 * spec, the entry follows QEMU (pcisim models QEMU) and its comment says what the
 * spec says. Spec citations are PCIe Base r5.0 section/table numbers; the QEMU
 * functions named are in hw/pci/pci.c, pcie.c, pcie_aer.c, msi.c, msix.c,
 * pci_bridge.c and pcie_port.c. See regdesc.h for the meaning of the fields.
 */
#include "sim/pcie/regdesc.h"

#include <string.h>

#include "sim/core/diag.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/dpc.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/regs/pm.h"

#define HDR(n, c, o, w) .name = (n), .space = PCISIM_RD_HDR, .cond = PCISIM_RD_C_##c, .off = (o), .width = (w)
#define CAP(n, id, c, o, w) \
	.name = (n), .space = PCISIM_RD_CAP, .cap_id = (id), .cond = PCISIM_RD_C_##c, .off = (o), .width = (w)
#define EXT(n, id, c, o, w) \
	.name = (n), .space = PCISIM_RD_EXT, .cap_id = (id), .cond = PCISIM_RD_C_##c, .off = (o), .width = (w)
#define VAR(k, b) {PCISIM_RD_V_##k, (b)}
#define ALL32 0xffffffffu

static const struct pcisim_regdesc table[] = {
	/* ---------------- configuration header, PCIe r5.0 §7.5.1 ---------------- */
	/* §7.5.1.1.1 Vendor ID (HwInit); QEMU pci_init_cmask checks it */
	{HDR("vendor_id", ALWAYS, PCI_VENDOR_ID, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .spec = "PCIe r5.0 §7.5.1.1.1; QEMU pci_init_cmask"},
	/* §7.5.1.1.2 Device ID (HwInit) */
	{HDR("device_id", ALWAYS, PCI_DEVICE_ID, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .spec = "PCIe r5.0 §7.5.1.1.2; QEMU pci_init_cmask"},
	/* §7.5.1.1.3 Table 7-4 Command: QEMU pci_init_wmask makes IO, MEM, MASTER,
	 * SERR, INTX_DISABLE writable; Parity Error Response (RW in the spec) stays RO;
	 * not in cmask */
	{HDR("command", ALWAYS, PCI_COMMAND, 2), .rw = PCISIM_COMMAND_WMASK, .ro = 0x02f8,
	 .rsvdp = 0xf800, .uncheck = 0xffff, .var = {VAR(IO, PCI_COMMAND_IO)},
	 .spec = "PCIe r5.0 Table 7-4; QEMU pci_init_wmask, gen_rp_realize"},
	/* §7.5.1.1.4 Table 7-5 Status: error bits RW1C (pci_init_w1cmask); only
	 * Capabilities List is checked (pci_init_cmask); 66 MHz / fast back-to-back are
	 * set by conventional bridges (pci_bridge_initfn), cleared for PCIe ports */
	{HDR("status", ALWAYS, PCI_STATUS, 2), .rw1c = PCISIM_STATUS_W1CMASK, .ro = 0x06f9,
	 .rsvdp = 0x0006, .hwinit = PCI_STATUS_CAP_LIST | PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK,
	 .uncheck = 0xffff & ~PCI_STATUS_CAP_LIST,
	 .spec = "PCIe r5.0 Table 7-5; QEMU pci_init_w1cmask, pci_init_cmask"},
	/* §7.5.1.1.5-6 Revision ID, Class Code (HwInit, checked) */
	{HDR("revision_id", ALWAYS, PCI_REVISION_ID, 1), .ro = 0xff, .hwinit = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.1.5; QEMU pci_init_cmask"},
	{HDR("class_prog", ALWAYS, PCI_CLASS_PROG, 1), .ro = 0xff, .hwinit = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.1.6; QEMU pci_init_cmask"},
	{HDR("class", ALWAYS, PCI_CLASS_DEVICE, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .spec = "PCIe r5.0 §7.5.1.1.6; QEMU pci_init_cmask"},
	/* §7.5.1.1.7 Cache Line Size (RW, no effect on PCIe) */
	{HDR("cache_line_size", ALWAYS, PCI_CACHE_LINE_SIZE, 1), .rw = 0xff, .uncheck = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.1.7; QEMU pci_init_wmask"},
	/* §7.5.1.1.8 Latency Timer: RO 0 on PCIe */
	{HDR("latency_timer", ALWAYS, PCI_LATENCY_TIMER, 1), .ro = 0xff, .uncheck = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.1.8"},
	/* §7.5.1.1.9 Header Type (RO, checked) */
	{HDR("header_type", ALWAYS, PCI_HEADER_TYPE, 1), .ro = 0xff, .hwinit = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.1.9; QEMU pci_init_cmask"},
	/* §7.5.1.1.10 BIST: QEMU implements none */
	{HDR("bist", ALWAYS, PCI_BIST, 1), .ro = 0xff, .uncheck = 0xff, .spec = "PCIe r5.0 §7.5.1.1.10"},
	/* §7.5.1.2.1 Base Address Registers: attributes from the BAR's size
	 * (QEMU pci_register_bar: wmask ~(size-1), cmask all ones; unregistered: RO 0) */
	{HDR("bar0", ALWAYS, PCI_BASE_ADDRESS_0, 4), .var = {VAR(BAR, ALL32)},
	 .spec = "PCIe r5.0 §7.5.1.2.1; QEMU pci_register_bar"},
	{HDR("bar1", ALWAYS, PCI_BASE_ADDRESS_1, 4), .var = {VAR(BAR, ALL32)},
	 .spec = "PCIe r5.0 §7.5.1.2.1; QEMU pci_register_bar"},
	{HDR("bar2", TYPE0, PCI_BASE_ADDRESS_2, 4), .var = {VAR(BAR, ALL32)},
	 .spec = "PCIe r5.0 §7.5.1.2.1; QEMU pci_register_bar"},
	{HDR("bar3", TYPE0, PCI_BASE_ADDRESS_3, 4), .var = {VAR(BAR, ALL32)},
	 .spec = "PCIe r5.0 §7.5.1.2.1; QEMU pci_register_bar"},
	{HDR("bar4", TYPE0, PCI_BASE_ADDRESS_4, 4), .var = {VAR(BAR, ALL32)},
	 .spec = "PCIe r5.0 §7.5.1.2.1; QEMU pci_register_bar"},
	{HDR("bar5", TYPE0, PCI_BASE_ADDRESS_5, 4), .var = {VAR(BAR, ALL32)},
	 .spec = "PCIe r5.0 §7.5.1.2.1; QEMU pci_register_bar"},
	/* §7.5.1.2.2 Cardbus CIS Pointer: RO 0 */
	{HDR("cardbus_cis", TYPE0, PCI_CARDBUS_CIS, 4), .ro = ALL32, .uncheck = ALL32,
	 .spec = "PCIe r5.0 §7.5.1.2.2"},
	/* §7.5.1.2.3 Subsystem Vendor ID / Subsystem ID (HwInit; QEMU does not check) */
	{HDR("subsystem_vendor_id", TYPE0, PCI_SUBSYSTEM_VENDOR_ID, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .uncheck = 0xffff, .spec = "PCIe r5.0 §7.5.1.2.3"},
	{HDR("subsystem_id", TYPE0, PCI_SUBSYSTEM_ID, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .uncheck = 0xffff, .spec = "PCIe r5.0 §7.5.1.2.3"},
	/* §7.5.1.2.4 Expansion ROM Base Address */
	{HDR("rom_address", TYPE0, PCI_ROM_ADDRESS, 4), .var = {VAR(BAR, ALL32)},
	 .spec = "PCIe r5.0 §7.5.1.2.4; QEMU pci_register_bar (PCI_ROM_SLOT)"},
	/* §7.5.1.1.11 Capabilities Pointer (RO, checked) */
	{HDR("cap_ptr", ALWAYS, PCI_CAPABILITY_LIST, 1), .ro = 0xff, .hwinit = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.1.11; QEMU pci_init_cmask, pci_add_capability"},
	/* §7.5.1.1.12-13 Interrupt Line (RW) / Pin (RO; QEMU does not check it) */
	{HDR("interrupt_line", ALWAYS, PCI_INTERRUPT_LINE, 1), .rw = 0xff, .uncheck = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.1.12; QEMU pci_init_wmask"},
	{HDR("interrupt_pin", ALWAYS, PCI_INTERRUPT_PIN, 1), .ro = 0xff, .hwinit = 0xff, .uncheck = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.1.13"},
	/* §7.5.1.2.5-6 Min_Gnt / Max_Lat: RO 0 */
	{HDR("min_gnt", TYPE0, PCI_MIN_GNT, 1), .ro = 0xff, .uncheck = 0xff, .spec = "PCIe r5.0 §7.5.1.2.5"},
	{HDR("max_lat", TYPE0, PCI_MAX_LAT, 1), .ro = 0xff, .uncheck = 0xff, .spec = "PCIe r5.0 §7.5.1.2.6"},
	/* Type 1, §7.5.1.3.2-4 bus numbers (RW; QEMU pci_init_mask_bridge) */
	{HDR("primary_bus", TYPE1, PCI_PRIMARY_BUS, 1), .rw = 0xff, .uncheck = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.3.2; QEMU pci_init_mask_bridge"},
	{HDR("secondary_bus", TYPE1, PCI_SECONDARY_BUS, 1), .rw = 0xff, .uncheck = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.3.3; QEMU pci_init_mask_bridge"},
	{HDR("subordinate_bus", TYPE1, PCI_SUBORDINATE_BUS, 1), .rw = 0xff, .uncheck = 0xff,
	 .spec = "PCIe r5.0 §7.5.1.3.4; QEMU pci_init_mask_bridge"},
	/* §7.5.1.3.5 Secondary Latency Timer: RO 0 on PCIe; QEMU RW for machines <= 8.1
	 * (x-pci-express-writeable-slt-bug) */
	{HDR("sec_latency_timer", TYPE1, PCI_SEC_LATENCY_TIMER, 1), .rw = 0xff, .uncheck = 0xff,
	 .var = {VAR(SEC_LAT, 0xff)}, .spec = "PCIe r5.0 §7.5.1.3.5; QEMU pci_bridge_initfn"},
	/* §7.5.1.3.6 I/O Base/Limit: address bits RW, addressing capability RO (16-bit),
	 * which QEMU checks */
	{HDR("io_base", TYPE1, PCI_IO_BASE, 1), .rw = 0xf0, .ro = 0x0f, .hwinit = 0x0f, .uncheck = 0xf0,
	 .var = {VAR(IO, 0xf0)}, .spec = "PCIe r5.0 §7.5.1.3.6; QEMU pci_init_mask_bridge, gen_rp_realize"},
	{HDR("io_limit", TYPE1, PCI_IO_LIMIT, 1), .rw = 0xf0, .ro = 0x0f, .hwinit = 0x0f, .uncheck = 0xf0,
	 .var = {VAR(IO, 0xf0)}, .spec = "PCIe r5.0 §7.5.1.3.6; QEMU pci_init_mask_bridge, gen_rp_realize"},
	/* §7.5.1.3.7 Secondary Status: error bits RW1C in the spec, but QEMU sets no
	 * w1cmask here (pcie_aer_init ORs bit 14 into Status at 0x06 instead): RO */
	{HDR("sec_status", TYPE1, PCI_SEC_STATUS, 2), .ro = 0xffe0, .rsvdp = 0x001f,
	 .hwinit = PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK, .uncheck = 0xffff,
	 .spec = "PCIe r5.0 §7.5.1.3.7; QEMU pci_bridge_initfn, pcie_port_init_reg"},
	/* §7.5.1.3.8 Memory Base/Limit */
	{HDR("memory_base", TYPE1, PCI_MEMORY_BASE, 2), .rw = 0xfff0, .rsvdp = 0x000f, .uncheck = 0xffff,
	 .spec = "PCIe r5.0 §7.5.1.3.8; QEMU pci_init_mask_bridge"},
	{HDR("memory_limit", TYPE1, PCI_MEMORY_LIMIT, 2), .rw = 0xfff0, .rsvdp = 0x000f, .uncheck = 0xffff,
	 .spec = "PCIe r5.0 §7.5.1.3.8; QEMU pci_init_mask_bridge"},
	/* §7.5.1.3.9 Prefetchable Base/Limit: 64-bit capability RO and checked */
	{HDR("pref_memory_base", TYPE1, PCI_PREF_MEMORY_BASE, 2), .rw = 0xfff0, .ro = 0x000f,
	 .hwinit = 0x000f, .uncheck = 0xfff0, .spec = "PCIe r5.0 §7.5.1.3.9; QEMU pci_init_mask_bridge"},
	{HDR("pref_memory_limit", TYPE1, PCI_PREF_MEMORY_LIMIT, 2), .rw = 0xfff0, .ro = 0x000f,
	 .hwinit = 0x000f, .uncheck = 0xfff0, .spec = "PCIe r5.0 §7.5.1.3.9; QEMU pci_init_mask_bridge"},
	/* §7.5.1.3.10 Prefetchable Base/Limit Upper 32 Bits (RW) */
	{HDR("pref_base_upper32", TYPE1, PCI_PREF_BASE_UPPER32, 4), .rw = ALL32, .uncheck = ALL32,
	 .spec = "PCIe r5.0 §7.5.1.3.10; QEMU pci_init_mask_bridge"},
	{HDR("pref_limit_upper32", TYPE1, PCI_PREF_LIMIT_UPPER32, 4), .rw = ALL32, .uncheck = ALL32,
	 .spec = "PCIe r5.0 §7.5.1.3.10; QEMU pci_init_mask_bridge"},
	/* §7.5.1.3.11 I/O Base/Limit Upper 16 Bits: RO 0 with 16-bit I/O decoding */
	{HDR("io_base_upper16", TYPE1, PCI_IO_BASE_UPPER16, 2), .ro = 0xffff, .uncheck = 0xffff,
	 .spec = "PCIe r5.0 §7.5.1.3.11"},
	{HDR("io_limit_upper16", TYPE1, PCI_IO_LIMIT_UPPER16, 2), .ro = 0xffff, .uncheck = 0xffff,
	 .spec = "PCIe r5.0 §7.5.1.3.11"},
	/* §7.5.1.3.12 Expansion ROM Base Address (type 1) */
	{HDR("rom_address1", TYPE1, PCI_ROM_ADDRESS1, 4), .var = {VAR(BAR, ALL32)},
	 .spec = "PCIe r5.0 §7.5.1.3.12; QEMU pci_register_bar (PCI_ROM_SLOT)"},
	/* §7.5.1.3.13 Table 7-15 Bridge Control: QEMU pci_init_mask_bridge bits; for
	 * PCIe ports pcie_port_init_reg clears the wmask of the bits PCIe hardwires to 0,
	 * but Discard Timer Status keeps its w1cmask (QEMU quirk: RW1C, never set) */
	{HDR("bridge_control", TYPE1, PCI_BRIDGE_CONTROL, 2), .rw = PCISIM_BRIDGE_CTL_WMASK,
	 .rw1c = PCI_BRIDGE_CTL_DISCARD_STATUS, .rsvdp = 0xf000, .uncheck = 0xffff,
	 .var = {VAR(NOT_PCIE_PORT, PCISIM_BRIDGE_CTL_PCIE_RO & ~PCI_BRIDGE_CTL_DISCARD_STATUS)},
	 .spec = "PCIe r5.0 Table 7-15; QEMU pci_init_mask_bridge, pcie_port_init_reg"},

	/* ---------------- PCI Express Capability, PCIe r5.0 §7.5.3 ---------------- */
	/* Table 7-18 PCI Express Capabilities: all RO/HwInit (pcie_cap_v1_fill,
	 * pcie_cap_slot_init sets Slot Implemented, pcie_cap_flags_set_vector) */
	{CAP("exp_flags", PCI_CAP_ID_EXP, ALWAYS, PCI_EXP_FLAGS, 2), .ro = 0x3fff, .hwinit = 0x3fff,
	 .rsvdp = 0xc000, .spec = "PCIe r5.0 Table 7-18; QEMU pcie_cap_v1_fill"},
	/* Table 7-19 Device Capabilities (RO): RBER (v1_fill, deverr), FLR, Extended
	 * Tag (QEMU >= 9.2) */
	{CAP("dev_cap", PCI_CAP_ID_EXP, ALWAYS, PCI_EXP_DEVCAP, 4), .ro = 0x1ffcffff, .hwinit = 0x1ffcffff,
	 .rsvdp = 0xe0030000, .spec = "PCIe r5.0 Table 7-19; QEMU pcie_cap_v1_fill, pcie_cap_flr_init"},
	/* Table 7-20 Device Control: error reporting enables RW (pcie_cap_deverr_init),
	 * Initiate FLR RW and read as 0 (pcie_cap_flr_init + flr write hook); the other
	 * fields are RW in the spec but RO 0 in QEMU; Aux Power PM Enable is RWS */
	{CAP("dev_ctl", PCI_CAP_ID_EXP, ALWAYS, PCI_EXP_DEVCTL, 2),
	 .rw = PCISIM_EXP_DEVCTL_ERR_EN | PCI_EXP_DEVCTL_BCR_FLR, .rz = PCI_EXP_DEVCTL_BCR_FLR, .ro = 0x7ff0,
	 .sticky = PCI_EXP_DEVCTL_AUX_PME,
	 .var = {VAR(DEVERR, PCISIM_EXP_DEVCTL_ERR_EN), VAR(FLR, PCI_EXP_DEVCTL_BCR_FLR)},
	 .spec = "PCIe r5.0 Table 7-20; QEMU pcie_cap_deverr_init, pcie_cap_flr_init"},
	/* Table 7-21 Device Status: error detected bits RW1C (pcie_cap_deverr_init);
	 * Emergency Power Reduction Detected RW1C in the spec, RO 0 in QEMU */
	{CAP("dev_status", PCI_CAP_ID_EXP, ALWAYS, PCI_EXP_DEVSTA, 2), .rw1c = PCISIM_EXP_DEVSTA_ERR,
	 .ro = 0x0070, .rsvdp = 0xff80, .var = {VAR(DEVERR, PCISIM_EXP_DEVSTA_ERR)},
	 .spec = "PCIe r5.0 Table 7-21; QEMU pcie_cap_deverr_init"},
	/* Table 7-22 Link Capabilities (RO): width/speed/LBNC/DLLLARC from
	 * pcie_cap_fill_slot_lnk, Port Number, L0s support */
	{CAP("lnk_cap", PCI_CAP_ID_EXP, ALWAYS, PCI_EXP_LNKCAP, 4), .ro = 0xff7fffff, .hwinit = 0xff7fffff,
	 .rsvdp = 0x00800000, .spec = "PCIe r5.0 Table 7-22; QEMU pcie_cap_v1_fill, pcie_cap_fill_slot_lnk"},
	/* Table 7-23 Link Control: RW in the spec; QEMU leaves it RO except CCC|ES
	 * with pcie_cap_lnkctl_init (so Link Disable/Retrain Link writes do nothing) */
	{CAP("lnk_ctl", PCI_CAP_ID_EXP, ALWAYS, PCI_EXP_LNKCTL, 2), .rw = PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES,
	 .ro = 0x0f3b, .rsvdp = 0xf004, .var = {VAR(LNKCTL, PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES)},
	 .spec = "PCIe r5.0 Table 7-23; QEMU pcie_cap_lnkctl_init"},
	/* Table 7-24 Link Status: RO (LBMS/LABS RW1C in the spec, RO in QEMU); never
	 * compared on migration (pcie_cap_v1_fill clears its cmask) */
	{CAP("lnk_status", PCI_CAP_ID_EXP, ALWAYS, PCI_EXP_LNKSTA, 2), .ro = 0xfbff, .rsvdp = 0x0400,
	 .hwinit = PCI_EXP_LNKSTA_CLS | PCI_EXP_LNKSTA_NLW | PCI_EXP_LNKSTA_DLLLA, .uncheck = 0xffff,
	 .spec = "PCIe r5.0 Table 7-24; QEMU pcie_cap_v1_fill"},
	/* Table 7-25 Slot Capabilities (HwInit): pcie_cap_slot_init */
	{CAP("slot_cap", PCI_CAP_ID_EXP, EXP_SLOT, PCI_EXP_SLTCAP, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "PCIe r5.0 Table 7-25; QEMU pcie_cap_slot_init"},
	/* Table 7-26 Slot Control: QEMU makes PIC|AIC|HPIE|CCIE|PDCE|ABPE|EIC writable,
	 * PCC with a power controller; EIC reads 0 (write hook); PFDE, MRLSCE, DLLSCE
	 * (RW in the spec) stay RO 0. Initially both indicators off. */
	{CAP("slot_ctl", PCI_CAP_ID_EXP, EXP_SLOT, PCI_EXP_SLTCTL, 2),
	 .reset = PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF, .rw = 0x0ff9,
	 .rz = PCI_EXP_SLTCTL_EIC, .ro = 0x7006, .rsvdp = 0x8000, .var = {VAR(PCP, PCI_EXP_SLTCTL_PCC)},
	 .spec = "PCIe r5.0 Table 7-26; QEMU pcie_cap_slot_init"},
	/* Table 7-27 Slot Status: ABP|PDC|CC RW1C (PCI_EXP_HP_EV_SUPPORTED = 0x19);
	 * PFD, MRLSC, DLLSC are RW1C in the spec but never set by QEMU: RO. PDS is RO;
	 * QEMU >= 8.1 leaves it out of cmask (commit 625b370c45f4), 7.2 checks it. */
	{CAP("slot_status", PCI_CAP_ID_EXP, EXP_SLOT, PCI_EXP_SLTSTA, 2), .rw1c = PCISIM_EXP_HP_EV_SUPPORTED,
	 .ro = 0x01e6, .rsvdp = 0xfe00, .var = {VAR(PDS, PCI_EXP_SLTSTA_PDS)},
	 .spec = "PCIe r5.0 Table 7-27; QEMU pcie_cap_slot_init"},
	/* Table 7-28 Root Control: SECEE|SENFEE|SEFEE RW (pcie_cap_root_init); PME
	 * Interrupt Enable and CRS SV Enable RO 0 ("PME isn't emulated") */
	{CAP("root_ctl", PCI_CAP_ID_EXP, EXP_ROOT, PCI_EXP_RTCTL, 2),
	 .rw = PCI_EXP_RTCTL_SECEE | PCI_EXP_RTCTL_SENFEE | PCI_EXP_RTCTL_SEFEE, .ro = 0x0018, .rsvdp = 0xffe0,
	 .spec = "PCIe r5.0 Table 7-28; QEMU pcie_cap_root_init"},
	/* Table 7-29 Root Capabilities (RO) */
	{CAP("root_cap", PCI_CAP_ID_EXP, EXP_ROOT, PCI_EXP_RTCAP, 2), .ro = 0x0001, .rsvdp = 0xfffe,
	 .spec = "PCIe r5.0 Table 7-29"},
	/* Table 7-30 Root Status: PME Status RW1C in the spec, RO 0 in QEMU */
	{CAP("root_status", PCI_CAP_ID_EXP, EXP_ROOT, PCI_EXP_RTSTA, 4), .ro = 0x0003ffff,
	 .rsvdp = 0xfffc0000, .spec = "PCIe r5.0 Table 7-30"},
	/* Table 7-31 Device Capabilities 2 (RO): EFF|EETLPP (pcie_cap_init), ARI
	 * Forwarding (pcie_cap_arifwd_init) */
	{CAP("dev_cap2", PCI_CAP_ID_EXP, EXP_V2, PCI_EXP_DEVCAP2, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "PCIe r5.0 Table 7-31; QEMU pcie_cap_init, pcie_cap_arifwd_init"},
	/* Table 7-32 Device Control 2: End-End TLP Prefix Blocking RW (pcie_cap_init),
	 * ARI Forwarding Enable RW with ARI; the rest RO 0 in QEMU */
	{CAP("dev_ctl2", PCI_CAP_ID_EXP, EXP_V2, PCI_EXP_DEVCTL2, 2),
	 .rw = PCI_EXP_DEVCTL2_EETLPPB | PCI_EXP_DEVCTL2_ARI, .ro = 0x7fdf,
	 .var = {VAR(ARI, PCI_EXP_DEVCTL2_ARI)}, .spec = "PCIe r5.0 Table 7-32; QEMU pcie_cap_init, pcie_cap_arifwd_init"},
	/* §7.5.3.17 Device Status 2: reserved */
	{CAP("dev_status2", PCI_CAP_ID_EXP, EXP_V2, PCI_EXP_DEVSTA2, 2), .rsvdp = 0xffff,
	 .spec = "PCIe r5.0 §7.5.3.17"},
	/* Table 7-34 Link Capabilities 2 (RO): speed vector from 8 GT/s (fill_lnk) */
	{CAP("lnk_cap2", PCI_CAP_ID_EXP, EXP_V2, PCI_EXP_LNKCAP2, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "PCIe r5.0 Table 7-34; QEMU pcie_cap_fill_lnk"},
	/* Table 7-35 Link Control 2: Target Link Speed etc. are RWS in the spec; QEMU
	 * keeps the register RO with TLS = the maximum speed */
	{CAP("lnk_ctl2", PCI_CAP_ID_EXP, EXP_V2, PCI_EXP_LNKCTL2, 2), .ro = 0xffff, .hwinit = PCI_EXP_LNKCTL2_TLS,
	 .sticky = PCISIM_EXP_LNKCTL2_STICKY, .spec = "PCIe r5.0 Table 7-35; QEMU pcie_cap_fill_lnk"},
	/* Table 7-36 Link Status 2 (RO) */
	{CAP("lnk_status2", PCI_CAP_ID_EXP, EXP_V2, PCI_EXP_LNKSTA2, 2), .ro = 0xffff,
	 .spec = "PCIe r5.0 Table 7-36"},
	/* §7.5.3.21-23 Slot Capabilities/Control/Status 2 */
	{CAP("slot_cap2", PCI_CAP_ID_EXP, EXP_SLOT_V2, PCI_EXP_SLTCAP2, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "PCIe r5.0 §7.5.3.21"},
	{CAP("slot_ctl2", PCI_CAP_ID_EXP, EXP_SLOT_V2, PCI_EXP_SLTCTL2, 2), .rsvdp = 0xffff,
	 .spec = "PCIe r5.0 §7.5.3.22"},
	{CAP("slot_status2", PCI_CAP_ID_EXP, EXP_SLOT_V2, PCI_EXP_SLTSTA2, 2), .rsvdp = 0xffff,
	 .spec = "PCIe r5.0 §7.5.3.23"},

	/* ---------------- Bridge Subsystem Vendor ID (PCI-to-PCI Bridge r1.2 §3.3) ---------------- */
	{CAP("ssvid_vendor_id", PCI_CAP_ID_SSVID, ALWAYS, PCI_SSVID_VENDOR_ID, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .spec = "PCI-to-PCI Bridge r1.2 §3.3; QEMU pci_bridge_ssvid_init"},
	{CAP("ssvid_device_id", PCI_CAP_ID_SSVID, ALWAYS, PCI_SSVID_DEVICE_ID, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .spec = "PCI-to-PCI Bridge r1.2 §3.3; QEMU pci_bridge_ssvid_init"},

	/* ---------------- Power Management (PM r1.2 §3.2; PCIe r5.0 §7.5.2) ---------------- */
	{CAP("pm_cap", PCI_CAP_ID_PM, ALWAYS, PCI_PM_PMC, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .spec = "PCIe r5.0 Table 7-9; QEMU pci_pm_init callers"},
	/* PMCSR (PCIe r5.0 Table 7-10): PowerState RW when the device allows it,
	 * PME_En RW(S)/PME_Status RW1C(S) with PME support, Data Select RO in QEMU */
	{CAP("pm_ctrl", PCI_CAP_ID_PM, ALWAYS, PCI_PM_CTRL, 2),
	 .rw = PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_ENABLE, .rw1c = PCI_PM_CTRL_PME_STATUS,
	 .ro = 0x7e08, .hwinit = PCI_PM_CTRL_NO_SOFT_RESET, .rsvdp = 0x00f4,
	 .sticky = PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS,
	 .var = {VAR(PM_STATE, PCI_PM_CTRL_STATE_MASK), VAR(PME, PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS),
		 VAR(PME_D3COLD, PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS)},
	 .spec = "PCIe r5.0 Table 7-10; PM r1.2 §3.2.4"},
	{CAP("pm_bse", PCI_CAP_ID_PM, ALWAYS, PCI_PM_PPB_EXTENSIONS, 1), .ro = 0xff,
	 .spec = "PM r1.2 §3.2.5"},
	{CAP("pm_data", PCI_CAP_ID_PM, ALWAYS, PCI_PM_DATA_REGISTER, 1), .ro = 0xff,
	 .spec = "PM r1.2 §3.2.6"},

	/* ---------------- MSI (PCIe r5.0 §7.7.1; QEMU msi_init) ---------------- */
	/* Table 7-53 Message Control: Multiple Message Enable and MSI Enable RW */
	{CAP("msi_ctl", PCI_CAP_ID_MSI, ALWAYS, PCI_MSI_FLAGS, 2), .rw = PCISIM_MSI_FLAGS_WMASK, .ro = 0x078e,
	 .hwinit = 0x038e, .rsvdp = 0xf800, .spec = "PCIe r5.0 Table 7-53; QEMU msi_init"},
	{CAP("msi_addr_lo", PCI_CAP_ID_MSI, ALWAYS, PCI_MSI_ADDRESS_LO, 4), .rw = PCISIM_MSI_ADDRESS_LO_MASK,
	 .rsvdp = 0x3, .spec = "PCIe r5.0 §7.7.1.3; QEMU msi_init"},
	{CAP("msi_addr_hi", PCI_CAP_ID_MSI, MSI64, PCI_MSI_ADDRESS_HI, 4), .rw = ALL32,
	 .spec = "PCIe r5.0 §7.7.1.4; QEMU msi_init"},
	{CAP("msi_data", PCI_CAP_ID_MSI, ALWAYS, PCI_MSI_DATA_32, 2), .flags = PCISIM_RD_F_MSI64_SHIFT, .rw = 0xffff,
	 .spec = "PCIe r5.0 §7.7.1.5; QEMU msi_init"},
	/* §7.7.1.7 Mask Bits: one RW bit per implemented vector, the rest reserved */
	{CAP("msi_mask", PCI_CAP_ID_MSI, MSI_MASK, PCI_MSI_MASK_32, 4), .flags = PCISIM_RD_F_MSI64_SHIFT,
	 .rw = ALL32, .var = {VAR(MSI_VECS, ALL32)}, .spec = "PCIe r5.0 §7.7.1.7; QEMU msi_init"},
	{CAP("msi_pending", PCI_CAP_ID_MSI, MSI_MASK, PCI_MSI_PENDING_32, 4), .flags = PCISIM_RD_F_MSI64_SHIFT,
	 .ro = ALL32, .spec = "PCIe r5.0 §7.7.1.8; QEMU msi_init"},

	/* ---------------- MSI-X (PCIe r5.0 §7.7.2; QEMU msix_init) ---------------- */
	/* Table 7-60 Message Control: MSI-X Enable and Function Mask RW */
	{CAP("msix_ctl", PCI_CAP_ID_MSIX, ALWAYS, PCI_MSIX_FLAGS, 2), .rw = PCISIM_MSIX_FLAGS_WMASK,
	 .ro = PCI_MSIX_FLAGS_QSIZE, .hwinit = PCI_MSIX_FLAGS_QSIZE, .rsvdp = 0x3800,
	 .spec = "PCIe r5.0 Table 7-60; QEMU msix_init"},
	{CAP("msix_table", PCI_CAP_ID_MSIX, ALWAYS, PCI_MSIX_TABLE, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "PCIe r5.0 Table 7-61; QEMU msix_init"},
	{CAP("msix_pba", PCI_CAP_ID_MSIX, ALWAYS, PCI_MSIX_PBA, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "PCIe r5.0 Table 7-62; QEMU msix_init"},

	/* ---------------- QEMU resource reserve (vendor cap 0x09) ---------------- */
	{CAP("qemu_res_len", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_LEN, 1), .ro = 0xff, .hwinit = 0xff,
	 .spec = "QEMU pci_bridge_qemu_reserve_cap_init"},
	{CAP("qemu_res_type", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_TYPE, 1), .ro = 0xff, .hwinit = 0xff,
	 .spec = "QEMU pci_bridge_qemu_reserve_cap_init"},
	{CAP("qemu_res_bus", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_RES_BUS, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "QEMU pci_bridge_qemu_reserve_cap_init"},
	{CAP("qemu_res_io", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_RES_IO, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "QEMU pci_bridge_qemu_reserve_cap_init (low dword)"},
	{CAP("qemu_res_io_hi", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_RES_IO + 4, 4), .ro = ALL32,
	 .hwinit = ALL32, .spec = "QEMU pci_bridge_qemu_reserve_cap_init (high dword)"},
	{CAP("qemu_res_mem", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_RES_MEM, 4), .ro = ALL32, .hwinit = ALL32,
	 .spec = "QEMU pci_bridge_qemu_reserve_cap_init"},
	{CAP("qemu_res_pref32", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_RES_PREF32, 4), .ro = ALL32,
	 .hwinit = ALL32, .spec = "QEMU pci_bridge_qemu_reserve_cap_init"},
	{CAP("qemu_res_pref64", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_RES_PREF64, 4), .ro = ALL32,
	 .hwinit = ALL32, .spec = "QEMU pci_bridge_qemu_reserve_cap_init (low dword)"},
	{CAP("qemu_res_pref64_hi", PCI_CAP_ID_VNDR, ALWAYS, PCISIM_REDHAT_CAP_RES_PREF64 + 4, 4), .ro = ALL32,
	 .hwinit = ALL32, .spec = "QEMU pci_bridge_qemu_reserve_cap_init (high dword)"},

	/* ---------------- AER, PCIe r5.0 §7.8.4 (QEMU pcie_aer_init) ---------------- */
	/* Table 7-93 Uncorrectable Error Status: RW1CS for QEMU's supported set;
	 * Undefined and Poisoned TLP Egress Blocked RO 0 */
	{EXT("aer_uncor_status", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_UNCOR_STATUS, 4),
	 .rw1c = PCISIM_ERR_UNC_SUPPORTED, .ro = PCI_ERR_UNC_UND | PCI_ERR_UNC_POISON_BLK, .rsvdp = 0xf8000fce,
	 .sticky = PCISIM_ERR_UNC_SUPPORTED, .spec = "PCIe r5.0 Table 7-93; QEMU pcie_aer_init"},
	/* Table 7-94 Uncorrectable Error Mask: RWS, default INTN|TLPPRE (QEMU >= 8.0
	 * x-pcie-err-unc-mask; older machine types RO 0) */
	{EXT("aer_uncor_mask", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_UNCOR_MASK, 4),
	 .reset = PCISIM_ERR_UNC_MASK_DEFAULT, .rw = PCISIM_ERR_UNC_SUPPORTED,
	 .ro = PCI_ERR_UNC_UND | PCI_ERR_UNC_POISON_BLK, .rsvdp = 0xf8000fce, .sticky = PCISIM_ERR_UNC_SUPPORTED,
	 .var = {VAR(UNC_MASK, PCISIM_ERR_UNC_SUPPORTED)}, .spec = "PCIe r5.0 Table 7-94; QEMU pcie_aer_init"},
	/* Table 7-95 Uncorrectable Error Severity: RWS, default 0x00462030 */
	{EXT("aer_uncor_severity", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_UNCOR_SEVER, 4),
	 .reset = PCISIM_ERR_UNC_SEVERITY_DEFAULT, .rw = PCISIM_ERR_UNC_SUPPORTED,
	 .ro = PCI_ERR_UNC_UND | PCI_ERR_UNC_POISON_BLK, .rsvdp = 0xf8000fce, .sticky = PCISIM_ERR_UNC_SUPPORTED,
	 .spec = "PCIe r5.0 Table 7-95; QEMU pcie_aer_init"},
	/* Table 7-96 Correctable Error Status: RW1CS */
	{EXT("aer_cor_status", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_COR_STATUS, 4), .rw1c = PCISIM_ERR_COR_SUPPORTED,
	 .rsvdp = 0xffff0e3e, .sticky = PCISIM_ERR_COR_SUPPORTED, .spec = "PCIe r5.0 Table 7-96; QEMU pcie_aer_init"},
	/* Table 7-97 Correctable Error Mask: RWS, QEMU default 0xe000 */
	{EXT("aer_cor_mask", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_COR_MASK, 4), .reset = PCISIM_ERR_COR_MASK_DEFAULT,
	 .rw = PCISIM_ERR_COR_SUPPORTED, .rsvdp = 0xffff0e3e, .sticky = PCISIM_ERR_COR_SUPPORTED,
	 .spec = "PCIe r5.0 Table 7-97; QEMU pcie_aer_init"},
	/* Table 7-98 Advanced Error Capabilities and Control: ECRC capable RO, enables
	 * RWS; Multiple Header Recording with aer_log_max > 0; First Error Pointer and
	 * TLP Prefix Log Present ROS */
	{EXT("aer_cap_ctl", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_CAP, 4),
	 .reset = PCI_ERR_CAP_ECRC_GENC | PCI_ERR_CAP_ECRC_CHKC, .ro = 0x1abf, .hwinit = PCI_ERR_CAP_MHRC,
	 .rw = PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE | PCI_ERR_CAP_MHRE, .rsvdp = 0xffffe000,
	 .sticky = PCI_ERR_CAP_FEP_MASK | PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE | PCI_ERR_CAP_MHRE |
		   PCI_ERR_CAP_TLP,
	 .var = {VAR(MHRC, PCI_ERR_CAP_MHRE)}, .spec = "PCIe r5.0 Table 7-98; QEMU pcie_aer_init"},
	/* §7.8.4.8 Header Log: ROS */
	{EXT("aer_header_log0", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_HEADER_LOG, 4), .ro = ALL32, .sticky = ALL32,
	 .spec = "PCIe r5.0 §7.8.4.8; QEMU pcie_aer_update_log"},
	{EXT("aer_header_log1", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_HEADER_LOG + 4, 4), .ro = ALL32,
	 .sticky = ALL32, .spec = "PCIe r5.0 §7.8.4.8; QEMU pcie_aer_update_log"},
	{EXT("aer_header_log2", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_HEADER_LOG + 8, 4), .ro = ALL32,
	 .sticky = ALL32, .spec = "PCIe r5.0 §7.8.4.8; QEMU pcie_aer_update_log"},
	{EXT("aer_header_log3", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_HEADER_LOG + 12, 4), .ro = ALL32,
	 .sticky = ALL32, .spec = "PCIe r5.0 §7.8.4.8; QEMU pcie_aer_update_log"},
	/* Table 7-100 Root Error Command: RW (pcie_aer_root_init) */
	{EXT("root_err_cmd", PCI_EXT_CAP_ID_ERR, EXP_ROOT, PCI_ERR_ROOT_COMMAND, 4),
	 .rw = PCISIM_ERR_ROOT_CMD_EN_MASK, .rsvdp = 0xfffffff8, .spec = "PCIe r5.0 Table 7-100; QEMU pcie_aer_root_init"},
	/* Table 7-101 Root Error Status: bits 0-6 RW1CS; the message number is RO and
	 * left out of cmask (pcie_aer_root_init) */
	{EXT("root_err_status", PCI_EXT_CAP_ID_ERR, EXP_ROOT, PCI_ERR_ROOT_STATUS, 4),
	 .rw1c = PCISIM_ERR_ROOT_STATUS_REPORT_MASK, .ro = PCI_ERR_ROOT_AER_IRQ, .hwinit = PCI_ERR_ROOT_AER_IRQ,
	 .rsvdp = 0x07ffff80, .sticky = PCISIM_ERR_ROOT_STATUS_REPORT_MASK, .uncheck = PCI_ERR_ROOT_AER_IRQ,
	 .spec = "PCIe r5.0 Table 7-101; QEMU pcie_aer_root_init"},
	/* Table 7-102 Error Source Identification: ROS */
	{EXT("err_src_id", PCI_EXT_CAP_ID_ERR, EXP_ROOT, PCI_ERR_ROOT_ERR_SRC, 4), .ro = ALL32, .sticky = ALL32,
	 .spec = "PCIe r5.0 Table 7-102; QEMU pcie_aer_msg_root_port"},
	/* §7.8.4.12 TLP Prefix Log: ROS */
	{EXT("aer_prefix_log0", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_PREFIX_LOG, 4), .ro = ALL32, .sticky = ALL32,
	 .spec = "PCIe r5.0 §7.8.4.12; QEMU pcie_aer_update_log"},
	{EXT("aer_prefix_log1", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_PREFIX_LOG + 4, 4), .ro = ALL32,
	 .sticky = ALL32, .spec = "PCIe r5.0 §7.8.4.12; QEMU pcie_aer_update_log"},
	{EXT("aer_prefix_log2", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_PREFIX_LOG + 8, 4), .ro = ALL32,
	 .sticky = ALL32, .spec = "PCIe r5.0 §7.8.4.12; QEMU pcie_aer_update_log"},
	{EXT("aer_prefix_log3", PCI_EXT_CAP_ID_ERR, ALWAYS, PCI_ERR_PREFIX_LOG + 12, 4), .ro = ALL32,
	 .sticky = ALL32, .spec = "PCIe r5.0 §7.8.4.12; QEMU pcie_aer_update_log"},

	/* ---------------- ACS, PCIe r5.0 §7.7.8 (QEMU pcie_acs_init) ---------------- */
	/* Table 7-109 ACS Capability (RO) */
	{EXT("acs_cap", PCI_EXT_CAP_ID_ACS, ALWAYS, PCI_ACS_CAP, 2), .ro = 0xffff, .hwinit = 0xffff,
	 .spec = "PCIe r5.0 Table 7-109; QEMU pcie_acs_init"},
	/* Table 7-110 ACS Control: RW for the capabilities implemented */
	{EXT("acs_ctrl", PCI_EXT_CAP_ID_ACS, ALWAYS, PCI_ACS_CTRL, 2), .rw = 0x007f, .rsvdp = 0xff80,
	 .var = {VAR(ACS, 0x007f)}, .spec = "PCIe r5.0 Table 7-110; QEMU pcie_acs_init"},

	/* ---------------- DPC, PCIe r5.0 §7.9.15 (no QEMU model) ---------------- */
	{EXT("dpc_cap", PCI_EXT_CAP_ID_DPC, ALWAYS, PCI_EXP_DPC_CAP, 2), .ro = 0x3fff, .hwinit = 0x3fff,
	 .rsvdp = 0xc000, .spec = "PCIe r5.0 §7.9.15.2"},
	/* §7.9.15.3 DPC Control: RW; optional features' enables RO 0 when absent;
	 * Software Trigger reads 0 */
	{EXT("dpc_ctl", PCI_EXT_CAP_ID_DPC, ALWAYS, PCI_EXP_DPC_CTL, 2), .rw = 0x00ff,
	 .rz = PCI_EXP_DPC_CTL_SW_TRIGGER, .rsvdp = 0xff00,
	 .var = {VAR(DPC, PCI_EXP_DPC_CTL_POISONED_TLP | PCI_EXP_DPC_CTL_SW_TRIGGER | PCI_EXP_DPC_CTL_DL_ACTIVE)},
	 .spec = "PCIe r5.0 §7.9.15.3"},
	/* §7.9.15.4 DPC Status: Trigger Status RW1CS, Interrupt Status RW1C, reasons
	 * and RP PIO First Error Pointer ROS, RP Busy RO */
	{EXT("dpc_status", PCI_EXT_CAP_ID_DPC, ALWAYS, PCI_EXP_DPC_STATUS, 2),
	 .rw1c = PCI_EXP_DPC_STATUS_TRIGGER | PCI_EXP_DPC_STATUS_INTERRUPT, .ro = 0x1f76, .rsvdp = 0xe080,
	 .sticky = 0x1f67, .spec = "PCIe r5.0 §7.9.15.4"},
	/* §7.9.15.5 DPC Error Source ID: ROS */
	{EXT("dpc_source_id", PCI_EXT_CAP_ID_DPC, ALWAYS, PCI_EXP_DPC_SOURCE_ID, 2), .ro = 0xffff, .sticky = 0xffff,
	 .spec = "PCIe r5.0 §7.9.15.5"},
	/* §7.9.15.6-10 RP PIO registers */
	{EXT("dpc_rp_pio_status", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_STATUS, 4),
	 .rw1c = PCISIM_DPC_RP_PIO_SUPPORTED, .rsvdp = ~PCISIM_DPC_RP_PIO_SUPPORTED,
	 .sticky = PCISIM_DPC_RP_PIO_SUPPORTED, .spec = "PCIe r5.0 §7.9.15.6"},
	{EXT("dpc_rp_pio_mask", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_MASK, 4),
	 .reset = PCISIM_DPC_RP_PIO_SUPPORTED, .rw = PCISIM_DPC_RP_PIO_SUPPORTED,
	 .rsvdp = ~PCISIM_DPC_RP_PIO_SUPPORTED, .sticky = PCISIM_DPC_RP_PIO_SUPPORTED, .spec = "PCIe r5.0 §7.9.15.7"},
	{EXT("dpc_rp_pio_severity", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_SEVERITY, 4),
	 .rw = PCISIM_DPC_RP_PIO_SUPPORTED, .rsvdp = ~PCISIM_DPC_RP_PIO_SUPPORTED,
	 .sticky = PCISIM_DPC_RP_PIO_SUPPORTED, .spec = "PCIe r5.0 §7.9.15.8"},
	{EXT("dpc_rp_pio_syserror", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_SYSERROR, 4),
	 .rw = PCISIM_DPC_RP_PIO_SUPPORTED, .rsvdp = ~PCISIM_DPC_RP_PIO_SUPPORTED,
	 .sticky = PCISIM_DPC_RP_PIO_SUPPORTED, .spec = "PCIe r5.0 §7.9.15.9"},
	{EXT("dpc_rp_pio_exception", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_EXCEPTION, 4),
	 .rw = PCISIM_DPC_RP_PIO_SUPPORTED, .rsvdp = ~PCISIM_DPC_RP_PIO_SUPPORTED,
	 .sticky = PCISIM_DPC_RP_PIO_SUPPORTED, .spec = "PCIe r5.0 §7.9.15.10"},
	{EXT("dpc_rp_pio_header_log0", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_HEADER_LOG, 4),
	 .ro = ALL32, .sticky = ALL32, .spec = "PCIe r5.0 §7.9.15.11"},
	{EXT("dpc_rp_pio_header_log1", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_HEADER_LOG + 4, 4),
	 .ro = ALL32, .sticky = ALL32, .spec = "PCIe r5.0 §7.9.15.11"},
	{EXT("dpc_rp_pio_header_log2", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_HEADER_LOG + 8, 4),
	 .ro = ALL32, .sticky = ALL32, .spec = "PCIe r5.0 §7.9.15.11"},
	{EXT("dpc_rp_pio_header_log3", PCI_EXT_CAP_ID_DPC, DPC_RP_EXT, PCI_EXP_DPC_RP_PIO_HEADER_LOG + 12, 4),
	 .ro = ALL32, .sticky = ALL32, .spec = "PCIe r5.0 §7.9.15.11"},
};

#define NDESC (sizeof(table) / sizeof(table[0]))

const struct pcisim_regdesc *pcisim_regdesc_table(size_t *n)
{
	if (n)
		*n = NDESC;
	return table;
}

const struct pcisim_regdesc *pcisim_regdesc_lookup(const char *name)
{
	for (size_t i = 0; i < NDESC; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

const char *const *pcisim_regdesc_names(void)
{
	/* Filled once from the table; the order is the table's (deterministic). */
	static const char *names[NDESC + 1];
	if (!names[0])
		for (size_t i = 0; i < NDESC; i++)
			names[i] = table[i].name;
	return names;
}

/* ---- resolving a register in a function ---- */

static uint16_t exp_base(const struct pcisim_cfg *c)
{
	return pcisim_cfg_find_cap(c, PCI_CAP_ID_EXP);
}

static uint16_t get16(const struct pcisim_cfg *c, uint16_t base, uint16_t reg)
{
	return pcisim_cfg_get16(c, (uint16_t)(base + reg));
}

static uint32_t get32(const struct pcisim_cfg *c, uint16_t base, uint16_t reg)
{
	return pcisim_cfg_get32(c, (uint16_t)(base + reg));
}

static int exp_type(const struct pcisim_cfg *c)
{
	uint16_t e = exp_base(c);
	return e ? (int)PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, get16(c, e, PCI_EXP_FLAGS)) : -1;
}

static bool cond_holds(const struct pcisim_cfg *c, const struct pcisim_regdesc *d, uint16_t base)
{
	uint8_t ht = pcisim_cfg_get8(c, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	uint16_t e = exp_base(c);
	uint16_t flags = e ? get16(c, e, PCI_EXP_FLAGS) : 0;
	bool v2 = e && PCISIM_FIELD_GET(PCI_EXP_FLAGS_VERS, flags) >= PCI_EXP_FLAGS_VER2;
	bool slot = e && (flags & PCI_EXP_FLAGS_SLOT);
	int type = exp_type(c);
	switch (d->cond) {
	case PCISIM_RD_C_ALWAYS:
		return true;
	case PCISIM_RD_C_TYPE0:
		return ht == PCI_HEADER_TYPE_NORMAL;
	case PCISIM_RD_C_TYPE1:
		return ht == PCI_HEADER_TYPE_BRIDGE;
	case PCISIM_RD_C_EXP_V2:
		return v2;
	case PCISIM_RD_C_EXP_SLOT:
		return slot;
	case PCISIM_RD_C_EXP_SLOT_V2:
		return slot && v2;
	case PCISIM_RD_C_EXP_ROOT:
		return type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_RC_EC;
	case PCISIM_RD_C_MSI64:
		return get16(c, base, PCI_MSI_FLAGS) & PCI_MSI_FLAGS_64BIT;
	case PCISIM_RD_C_MSI_MASK:
		return get16(c, base, PCI_MSI_FLAGS) & PCI_MSI_FLAGS_MASKBIT;
	case PCISIM_RD_C_DPC_RP_EXT:
		return get16(c, base, PCI_EXP_DPC_CAP) & PCI_EXP_DPC_CAP_RP_EXT;
	}
	return false;
}

static uint16_t desc_base(const struct pcisim_cfg *c, const struct pcisim_regdesc *d)
{
	switch (d->space) {
	case PCISIM_RD_CAP:
		return pcisim_cfg_find_cap(c, (uint8_t)d->cap_id);
	case PCISIM_RD_EXT:
		return pcisim_cfg_find_ext_cap(c, d->cap_id);
	default:
		return 0;
	}
}

static int resolve(const struct pcisim_cfg *c, const struct pcisim_regdesc *d, uint16_t *abs_off)
{
	uint16_t base = desc_base(c, d);
	if (d->space != PCISIM_RD_HDR && !base)
		return PCISIM_ERR(PCISIM_ENOENT);
	if (!cond_holds(c, d, base))
		return PCISIM_ERR(PCISIM_ENOENT);
	unsigned off = (unsigned)base + d->off;
	if ((d->flags & PCISIM_RD_F_MSI64_SHIFT) && (get16(c, base, PCI_MSI_FLAGS) & PCI_MSI_FLAGS_64BIT))
		off += 4;
	if (off + d->width > c->size)
		return PCISIM_ERR(PCISIM_ENOENT);
	if (abs_off)
		*abs_off = (uint16_t)off;
	return 0;
}

int pcisim_regdesc_find(const struct pcisim_cfg *c, const char *name, uint16_t *abs_off,
			const struct pcisim_regdesc **desc)
{
	const struct pcisim_regdesc *d = pcisim_regdesc_lookup(name);
	if (!d)
		return PCISIM_ERR(PCISIM_EINVAL);
	if (desc)
		*desc = d;
	return resolve(c, d, abs_off);
}

int pcisim_regdesc_read(const struct pcisim_cfg *c, const char *name, uint32_t *val)
{
	uint16_t off = 0;
	const struct pcisim_regdesc *d = NULL;
	int rc = pcisim_regdesc_find(c, name, &off, &d);
	if (rc)
		return rc;
	*val = pcisim_cfg_get(c, off, d->width);
	return 0;
}

/* ---- varying bits ---- */

enum var_effect { EFF_RW, EFF_UNCHECK, EFF_STICKY };

static enum var_effect var_effect(uint8_t kind)
{
	switch (kind) {
	case PCISIM_RD_V_PDS:
		return EFF_UNCHECK;
	case PCISIM_RD_V_PME_D3COLD:
		return EFF_STICKY;
	default:
		return EFF_RW;
	}
}

static uint32_t on_if(bool b)
{
	return b ? 0xffffffffu : 0;
}

/* The bits for which a var kind's condition holds in @c. */
static uint32_t var_on(const struct pcisim_cfg *c, uint8_t kind)
{
	uint16_t flags = c->m->flags;
	uint16_t e = exp_base(c);
	uint16_t pos;
	switch (kind) {
	case PCISIM_RD_V_FLR:
		return on_if(e && (get32(c, e, PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR));
	case PCISIM_RD_V_DEVERR:
		return on_if(flags & PCISIM_CFG_F_DEVERR);
	case PCISIM_RD_V_ARI:
		return on_if(e && (get32(c, e, PCI_EXP_DEVCAP2) & PCI_EXP_DEVCAP2_ARI));
	case PCISIM_RD_V_PCP:
		return on_if(e && (get32(c, e, PCI_EXP_SLTCAP) & PCI_EXP_SLTCAP_PCP));
	case PCISIM_RD_V_LNKCTL:
		return on_if(flags & PCISIM_CFG_F_LNKCTL_RW);
	case PCISIM_RD_V_PDS:
		return on_if(flags & PCISIM_CFG_F_PDS_UNCHECKED);
	case PCISIM_RD_V_UNC_MASK:
		return on_if(flags & PCISIM_CFG_F_AER_UNC_MASK);
	case PCISIM_RD_V_MHRC:
		pos = pcisim_cfg_find_ext_cap(c, PCI_EXT_CAP_ID_ERR);
		return on_if(pos && (get32(c, pos, PCI_ERR_CAP) & PCI_ERR_CAP_MHRC));
	case PCISIM_RD_V_MSI_VECS: {
		pos = pcisim_cfg_find_cap(c, PCI_CAP_ID_MSI);
		unsigned log2 = pos ? PCISIM_FIELD_GET(PCI_MSI_FLAGS_QMASK, get16(c, pos, PCI_MSI_FLAGS)) : 0;
		return log2 >= 5 ? 0xffffffffu : (1u << (1u << log2)) - 1;
	}
	case PCISIM_RD_V_PM_STATE:
		return on_if(flags & PCISIM_CFG_F_PM_STATE_RW);
	case PCISIM_RD_V_PME:
		pos = pcisim_cfg_find_cap(c, PCI_CAP_ID_PM);
		return on_if(pos && (get16(c, pos, PCI_PM_PMC) & PCI_PM_CAP_PME_MASK));
	case PCISIM_RD_V_PME_D3COLD:
		pos = pcisim_cfg_find_cap(c, PCI_CAP_ID_PM);
		return on_if(pos && (get16(c, pos, PCI_PM_PMC) & PCI_PM_CAP_PME_D3cold));
	case PCISIM_RD_V_ACS:
		pos = pcisim_cfg_find_ext_cap(c, PCI_EXT_CAP_ID_ACS);
		return pos ? get16(c, pos, PCI_ACS_CAP) : 0;
	case PCISIM_RD_V_DPC: {
		pos = pcisim_cfg_find_ext_cap(c, PCI_EXT_CAP_ID_DPC);
		uint16_t cap = pos ? get16(c, pos, PCI_EXP_DPC_CAP) : 0;
		return (cap & PCI_EXP_DPC_CAP_POISONED_TLP ? PCI_EXP_DPC_CTL_POISONED_TLP : 0) |
		       (cap & PCI_EXP_DPC_CAP_SW_TRIGGER ? PCI_EXP_DPC_CTL_SW_TRIGGER : 0) |
		       (cap & PCI_EXP_DPC_CAP_DL_ACTIVE ? PCI_EXP_DPC_CTL_DL_ACTIVE : 0);
	}
	case PCISIM_RD_V_NOT_PCIE_PORT:
		return on_if(!e);
	case PCISIM_RD_V_SEC_LAT:
		return on_if(!(flags & PCISIM_CFG_F_SEC_LAT_RO));
	case PCISIM_RD_V_IO:
		return on_if(!(flags & PCISIM_CFG_F_NO_IO));
	default:
		return 0xffffffffu;
	}
}

void pcisim_regdesc_eval(const struct pcisim_cfg *c, const struct pcisim_regdesc *d, struct pcisim_regattr *a)
{
	uint32_t wmask = d->width == 4 ? 0xffffffffu : (1u << (8 * d->width)) - 1;
	*a = (struct pcisim_regattr){
		.reset = d->reset, .ro = d->ro, .rw = d->rw, .rw1c = d->rw1c, .rsvdp = d->rsvdp,
		.sticky = d->sticky, .hwinit = d->hwinit, .rz = d->rz, .uncheck = d->uncheck,
	};
	for (unsigned i = 0; i < 3; i++) {
		const struct pcisim_regvar *v = &d->var[i];
		if (v->kind == PCISIM_RD_V_NONE)
			continue;
		if (v->kind == PCISIM_RD_V_BAR) {
			/* A BAR's attributes are its size: what pcisim_cfg_register_bar() set. */
			uint16_t off = 0;
			if (resolve(c, d, &off))
				return;
			uint32_t w = pcisim_cfg_mask_get(c, PCISIM_WMASK, off, d->width);
			uint32_t cm = pcisim_cfg_mask_get(c, PCISIM_CMASK, off, d->width);
			*a = (struct pcisim_regattr){
				.rw = w, .ro = ~w & wmask, .hwinit = ~w & wmask, .uncheck = ~cm & wmask,
			};
			continue;
		}
		uint32_t on = var_on(c, v->kind);
		switch (var_effect(v->kind)) {
		case EFF_RW: {
			uint32_t off_bits = v->bits & ~on;
			a->rw &= ~off_bits;
			a->rw1c &= ~off_bits;
			a->sticky &= ~off_bits;
			a->rz &= ~off_bits;
			a->reset &= ~off_bits;
			a->ro |= off_bits & (d->rw | d->rw1c);
			a->rsvdp |= off_bits & ~(d->rw | d->rw1c | d->ro);
			break;
		}
		case EFF_UNCHECK:
			a->uncheck |= v->bits & on;
			break;
		case EFF_STICKY:
			a->sticky &= ~(v->bits & ~on);
			break;
		}
	}
	a->reset &= wmask;
	a->ro &= wmask;
}
