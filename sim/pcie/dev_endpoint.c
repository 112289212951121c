/*
 * PCI(e) endpoints: a generic PCIe endpoint of pcisim's own (pcisim-endpoint), and
 * QEMU's nec-usb-xhci and qemu-xhci USB 3 controllers, e1000e and e1000 NICs and
 * virtio-rng-pci, each with QEMU's capability list at QEMU's offsets so a guest (or
 * lspci) sees the same function. Their behaviour beyond config space (USB, network,
 * virtqueues) is not modelled; all of them can be hot-plugged.
 *
 * Facts, from QEMU's sources:
 *  - hw/usb/hcd-xhci-pci.c usb_xhci_pci_realize(): class 0c0330, pin A, cache line
 *    0x10, SBRN 0x30 at 0x60; MSI 0x70 (intrs vectors, 64-bit) unless msi=off; 64-bit
 *    BAR 0 of 16 KiB (LEN_REGS); PCIe endpoint 0xa0 on a PCIe bus; MSI-X 0x90
 *    (intrs vectors, table 0x3000 and PBA 0x3800 in BAR 0) unless msix=off.
 *    qemu-xhci: 1b36:000d rev 1, msi off, msix auto, 16 interrupters, 64 slots.
 *  - hw/usb/hcd-xhci-nec.c: 1033:0194 rev 3; msi, msix (auto), intrs (16, rounded
 *    up to a power of two by usb_xhci_realize, at most 16), slots (64).
 *  - hw/net/e1000e.c e1000e_pci_realize(): 8086:10d3 rev 0, class 0200, subsystem
 *    8086:0000 (subsys_ven/subsys); BARs 0 MMIO 128 KiB, 1 flash 128 KiB, 2 I/O 32,
 *    3 MSI-X 16 KiB; MSI-X 0xa0 (5 vectors, table 0 and PBA 0x2000 in BAR 3); PCIe
 *    v1 endpoint 0xe0; MSI 0xd0 (1 vector, 64-bit); PM 0xc8 (PM 1.1, DSI; PowerState,
 *    PME_En and Data_Select writable, PME_Status RW1C); AER 0x100; Device Serial
 *    Number 0x140 derived from the MAC (e1000e_gen_dsn). No FLR.
 *  - hw/net/e1000.c: e1000 is 8086:100e (82540EM) rev 3, class 0200, conventional
 *    PCI: BAR 0 MMIO 128 KiB, BAR 1 I/O 64 bytes, no capabilities.
 *  - hw/virtio/virtio-pci.c virtio_pci_realize()/virtio_pci_device_plugged(): behind
 *    a PCIe port (a PCIe bus that is not a root bus) disable-legacy=auto means a
 *    modern-only, PCI Express device: 1af4:1040+type (virtio-rng: 1044), revision 1,
 *    PCIe endpoint at the first free offset (0x40), PM next (0x7c, version 1.2) with
 *    FLR, error reporting, Link Control and PowerState init (x-pcie-*-init, machine
 *    types >= 2.11) and No_Soft_Reset (>= 9.1), AER only with aer=on. On a root bus
 *    it stays a transitional conventional PCI device: 1af4:1005 rev 0, subsystem
 *    1af4:0004, legacy I/O BAR 0. Then the vendor capabilities (common, ISR, device,
 *    notify in 64-bit prefetchable BAR 4 of 16 KiB, and the PCI cfg window) and
 *    MSI-X in an exclusive BAR 1. hw/virtio/virtio-rng-pci.c: class 00ff, vectors 2
 *    (hw_compat_7_1 sets 0: machine types < 7.2 have no MSI-X).
 *  - hw/pci/pcie.c pcie_endpoint_cap_init(): a Root Complex Integrated Endpoint
 *    when on a root bus, else an Endpoint; v2 unless x-pcie-extcap-init=off.
 * MAC addresses default as qemu_macaddr_default_if_unset(): 52:54:00:12:34:56 for
 * the first NIC without mac=, counting up.
 */
#include <stdio.h>
#include <string.h>

#include "sim/pcie/caps_qemu.h"
#include "sim/pcie/models.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/regs/pm.h"
#include "sim/pcie/regs/virtio_pci.h"

static uint8_t ep_type(const struct pcisim_pcifn *fn)
{
	return pcisim__on_root_bus(fn) ? PCI_EXP_TYPE_RC_END : PCI_EXP_TYPE_ENDPOINT;
}

static const char *const on_off_auto[] = {"on", "off", "auto", NULL};

/* on/off/auto property: 1 on, 0 off, -1 auto */
static int prop_ooa(const struct pcisim_props *p, const char *name, int dflt)
{
	const char *v = pcisim_props_str(p, name, NULL);
	if (!v)
		return dflt;
	return !strcmp(v, "on") ? 1 : !strcmp(v, "off") ? 0 : -1;
}

/* ---- pcisim-endpoint ---- */

static int generic_ep_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &fn->props;
	uint32_t class24 = (uint32_t)pcisim_props_u64(pr, "class-code", 0xff0000);
	uint8_t rev = (uint8_t)pcisim_props_u64(pr, "revision", 0);
	unsigned msi = (unsigned)pcisim_props_u64(pr, "msi-vectors", 0);
	if (msi & (msi - 1)) {
		const struct pcisim_prop *v = pcisim_props_find(pr, "msi-vectors");
		return pcisim_diag_error(d, v->loc,
					 "pcisim-endpoint msi-vectors: %u is not a power of two (1, 2, 4, 8, 16 or 32; 0 for none)",
					 msi);
	}
	struct pcisim_endpoint_config e = {
		.qemu = pcisim__compat(fn),
		.vendor = (uint16_t)pcisim_props_u64(pr, "vendor-id", 0x1b36),
		.device = (uint16_t)pcisim_props_u64(pr, "device-id", 0x00ff),
		.class_rev = class24 << 8 | rev,
		.type = ep_type(fn),
		.pm = pcisim_props_bool(pr, "pm", true),
		.msi_vectors = msi,
		.msix_vectors = (unsigned)pcisim_props_u64(pr, "msix-vectors", 1),
		.msix_bar = 0,
		.aer = pcisim_props_bool(pr, "aer", true),
	};
	pcisim__header(fn, e.vendor, e.device, rev, class24);
	int rc = pcisim_caps_endpoint(&fn->cfg, &e);
	if (rc < 0)
		return pcisim__build_failed(fn, rc, "its capabilities", d);
	pcisim_cfg_set(&fn->cfg, PCI_INTERRUPT_PIN, 1, 1);
	return 0;
}

/* ---- xHCI ---- */

#define XHCI_MAXINTRS 16
#define XHCI_MAXSLOTS 64
#define XHCI_LEN_REGS 0x4000
#define XHCI_OFF_MSIX_TABLE 0x3000
#define XHCI_OFF_MSIX_PBA 0x3800
#define XHCI_MSI_OFF 0x70
#define XHCI_MSIX_OFF 0x90
#define XHCI_EXP_OFF 0xa0
#define XHCI_SBRN 0x60 /* Serial Bus Release Number register */

static int xhci_realize(struct pcisim_pcifn *fn, uint16_t vendor, uint16_t device, uint8_t rev,
			bool nec, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	const struct pcisim_props *pr = &fn->props;
	/* usb_xhci_realize(): at most 16 interrupters, rounded up to a power of two */
	uint64_t n = nec ? pcisim_props_u64(pr, "intrs", XHCI_MAXINTRS) : XHCI_MAXINTRS;
	if (n > XHCI_MAXINTRS)
		n = XHCI_MAXINTRS;
	if (n < 1)
		n = 1;
	while (n & (n - 1))
		n++;
	unsigned nintrs = (unsigned)n;
	int msi = nec ? prop_ooa(pr, "msi", -1) : 0;
	int msix = nec ? prop_ooa(pr, "msix", -1) : -1;
	int rc;
	pcisim__header(fn, vendor, device, rev, 0x0c0330);
	pcisim_cfg_set(c, PCI_INTERRUPT_PIN, 1, 1);
	pcisim_cfg_set(c, PCI_CACHE_LINE_SIZE, 0x10, 1);
	pcisim_cfg_set(c, XHCI_SBRN, 0x30, 1);
	if (msi && (rc = pcisim_cap_msi_init(c, XHCI_MSI_OFF, nintrs, true, false)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI capability", d);
	if ((rc = pcisim_cfg_register_bar(c, 0, XHCI_LEN_REGS, PCI_BASE_ADDRESS_MEM_TYPE_64)) < 0)
		return pcisim__build_failed(fn, rc, "its BAR", d);
	/* Every pcisim bus is PCI Express, so the endpoint capability is always there. */
	struct pcisim_exp_config x = {.type = ep_type(fn), .offset = XHCI_EXP_OFF, .qemu = pcisim__compat(fn)};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
	if (msix && (rc = pcisim_cap_msix_init(c, XHCI_MSIX_OFF, nintrs, 0, XHCI_OFF_MSIX_TABLE, 0,
					       XHCI_OFF_MSIX_PBA)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI-X capability", d);
	return 0;
}

static int nec_xhci_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	/* PCI_VENDOR_ID_NEC, PCI_DEVICE_ID_NEC_UPD720200 */
	return xhci_realize(fn, 0x1033, 0x0194, 3, true, d);
}

static int qemu_xhci_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	/* PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_XHCI */
	return xhci_realize(fn, PCISIM_VENDOR_ID_REDHAT, 0x000d, 1, false, d);
}

/* ---- NICs ---- */

/*
 * pci_add_option_rom(): the romfile (default per model; romfile="" for none) becomes
 * an expansion ROM BAR of the file's size rounded up to a power of two, unless
 * rombar=0. The iPXE ROMs QEMU 7.2 ships for the Intel NICs (efi-e1000e.rom,
 * efi-e1000.rom) give 256 KiB BARs (read from QEMU 7.2 by tests/qemu-diff).
 */
#define NIC_ROM_SIZE (256 << 10)

static int option_rom(struct pcisim_pcifn *fn, const char *dflt, struct pcisim_diag *d)
{
	const char *file = pcisim_props_str(&fn->props, "romfile", dflt);
	if (!file || !file[0] || !pcisim_props_u64(&fn->props, "rombar", 1))
		return 0;
	int rc = pcisim_cfg_register_bar(&fn->cfg, PCISIM_CFG_ROM_SLOT, NIC_ROM_SIZE, 0);
	return rc < 0 ? pcisim__build_failed(fn, rc, "its option ROM BAR", d) : 0;
}

/*
 * qemu_macaddr_default_if_unset() (net/net.c): 52:54:00:12:34:56 + the lowest index
 * no live NIC holds; a NIC that goes away frees its index (qemu_macaddr_set_free()),
 * so a card hot-plugged after an unplug gets the unplugged one's MAC (seen on QEMU
 * 7.2 by tests/qemu-diff's acpi cases: the re-added e1000e's serial number).
 */
static void nic_mac(struct pcisim_pcifn *fn, uint8_t mac[6])
{
	const char *s = pcisim_props_str(&fn->props, "mac", NULL);
	unsigned v[6];
	if (s && sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) == 6) {
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)v[i];
		return;
	}
	struct pcisim_fabric *fab = fn->fabric;
	bool used[256] = {false};
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (fab->fns[i] != fn && !fab->fns[i]->comp.removed && fab->fns[i]->mac_slot)
			used[fab->fns[i]->mac_slot - 1] = true;
	unsigned index = 0;
	while (index < 255 && used[index])
		index++;
	fn->mac_slot = (uint16_t)(index + 1);
	static const uint8_t base[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	memcpy(mac, base, 6);
	mac[5] = (uint8_t)(base[5] + index);
}

static int check_mac(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_prop *p = pcisim_props_find(&fn->props, "mac");
	unsigned v[6];
	char extra;
	if (p && sscanf(p->value, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			&extra) != 6)
		return pcisim_diag_error(d, p->loc,
					 "%s property 'mac': '%s' is not a MAC address; expected six hex bytes like 52:54:00:12:34:56",
					 fn->drv->name, p->value);
	return 0;
}

#define E1000E_PM_OFF 0xc8
#define E1000E_EXP_OFF 0xe0
#define E1000E_MSI_OFF 0xd0
#define E1000E_MSIX_OFF 0xa0
#define E1000E_AER_OFF 0x100
#define E1000E_DSN_OFF 0x140
#define E1000E_MSIX_VEC_NUM 5
#define E1000E_MSIX_BAR 3
#define E1000E_MSIX_TABLE 0x0000
#define E1000E_MSIX_PBA 0x2000

static int e1000e_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	const struct pcisim_props *pr = &fn->props;
	unsigned compat = pcisim__compat(fn);
	int rc;
	if ((rc = check_mac(fn, d)))
		return rc;
	pcisim__header(fn, 0x8086, 0x10d3, 0, 0x020000);
	pcisim_cfg_set(c, PCI_CACHE_LINE_SIZE, 0x10, 1);
	pcisim_cfg_set(c, PCI_INTERRUPT_PIN, 1, 1);
	pcisim_cfg_set(c, PCI_SUBSYSTEM_VENDOR_ID, (uint32_t)pcisim_props_u64(pr, "subsys_ven", 0x8086), 2);
	pcisim_cfg_set(c, PCI_SUBSYSTEM_ID, (uint32_t)pcisim_props_u64(pr, "subsys", 0), 2);
	if ((rc = pcisim_cfg_register_bar(c, 0, 128 << 10, 0)) < 0 ||
	    (rc = pcisim_cfg_register_bar(c, 1, 128 << 10, 0)) < 0 ||
	    (rc = pcisim_cfg_register_bar(c, 2, 32, PCI_BASE_ADDRESS_SPACE_IO)) < 0 ||
	    (rc = pcisim_cfg_register_bar(c, 3, 16 << 10, 0)) < 0)
		return pcisim__build_failed(fn, rc, "its BARs", d);
	if ((rc = pcisim_cap_msix_init(c, E1000E_MSIX_OFF, E1000E_MSIX_VEC_NUM, E1000E_MSIX_BAR,
				       E1000E_MSIX_TABLE, E1000E_MSIX_BAR, E1000E_MSIX_PBA)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI-X capability", d);
	/* pcie_endpoint_cap_v1_init() */
	struct pcisim_exp_config x = {.type = ep_type(fn), .offset = E1000E_EXP_OFF, .version = 1, .qemu = compat};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
	if ((rc = pcisim_cap_msi_init(c, E1000E_MSI_OFF, 1, true, false)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI capability", d);
	/* e1000e_add_pm_capability(): PM 1.1 with DSI; the device also opens PME_En and
	 * Data_Select, and PME_Status as RW1C, although PMC offers no PME state. */
	struct pcisim_pm_config pm = {.pmc = PCISIM_PM_CAP_VER_1_1 | PCI_PM_CAP_DSI, .state_rw = true};
	if ((rc = pcisim_cap_pm_init(c, E1000E_PM_OFF, &pm)) < 0)
		return pcisim__build_failed(fn, rc, "its PM capability", d);
	pcisim_cfg_mask_or(c, PCISIM_WMASK, E1000E_PM_OFF + PCI_PM_CTRL, 2,
			   PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_DATA_SEL_MASK);
	pcisim_cfg_mask_or(c, PCISIM_W1CMASK, E1000E_PM_OFF + PCI_PM_CTRL, 2, PCI_PM_CTRL_PME_STATUS);
	struct pcisim_aer_config a = {.offset = E1000E_AER_OFF, .qemu = compat};
	if ((rc = pcisim_cap_aer_init(c, &a)) < 0)
		return pcisim__build_failed(fn, rc, "its AER capability", d);
	uint8_t m[6];
	nic_mac(fn, m);
	/* e1000e_gen_dsn(): the MAC with ff:ff in the middle (EUI-48 to EUI-64) */
	uint64_t dsn = (uint64_t)m[5] | (uint64_t)m[4] << 8 | (uint64_t)m[3] << 16 | 0xffull << 24 |
		       0xffull << 32 | (uint64_t)m[2] << 40 | (uint64_t)m[1] << 48 | (uint64_t)m[0] << 56;
	if ((rc = pcisim__dsn(c, E1000E_DSN_OFF, dsn)) < 0)
		return pcisim__build_failed(fn, rc, "its serial number capability", d);
	return option_rom(fn, "efi-e1000e.rom", d);
}

static int e1000_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	int rc;
	if ((rc = check_mac(fn, d)))
		return rc;
	/* e1000_devices[]: "e1000" = E1000_DEV_ID_82540EM, revision 3 */
	pcisim__header(fn, 0x8086, 0x100e, 3, 0x020000);
	pcisim_cfg_set(c, PCI_CACHE_LINE_SIZE, 0x10, 1);
	pcisim_cfg_set(c, PCI_INTERRUPT_PIN, 1, 1);
	/* PNPMMIO_SIZE, IOPORT_SIZE */
	if ((rc = pcisim_cfg_register_bar(c, 0, 0x20000, 0)) < 0 ||
	    (rc = pcisim_cfg_register_bar(c, 1, 0x40, PCI_BASE_ADDRESS_SPACE_IO)) < 0)
		return pcisim__build_failed(fn, rc, "its BARs", d);
	/* its MAC is in registers pcisim does not model, but it holds a default index */
	uint8_t m[6];
	nic_mac(fn, m);
	return option_rom(fn, "efi-e1000.rom", d);
}

/* ---- virtio-rng-pci ---- */

static int virtio_cap(struct pcisim_cfg *c, uint8_t type, uint8_t len, uint8_t bar, uint32_t off,
		      uint32_t length)
{
	uint16_t pos = pcisim_cfg_add_cap(c, PCI_CAP_ID_VNDR, 0, len);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	pcisim_cfg_set(c, (uint16_t)(pos + VIRTIO_PCI_CAP_LEN), len, 1);
	pcisim_cfg_set(c, (uint16_t)(pos + VIRTIO_PCI_CAP_CFG_TYPE), type, 1);
	pcisim_cfg_set(c, (uint16_t)(pos + VIRTIO_PCI_CAP_BAR), bar, 1);
	pcisim_cfg_set(c, (uint16_t)(pos + VIRTIO_PCI_CAP_OFFSET), off, 4);
	pcisim_cfg_set(c, (uint16_t)(pos + VIRTIO_PCI_CAP_LENGTH), length, 4);
	return pos;
}

/*
 * virtio-rng-pci's class_id is PCI_CLASS_OTHERS (0xff) as a 16-bit class: base class
 * 0x00 (unclassified), subclass 0xff, so the class code reads 00ff00.
 */
#define VIRTIO_RNG_CLASS 0x00ff00

static int virtio_rng_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &fn->props;
	const struct pcisim_machine *mach = &fn->fabric->machine;
	/* virtio_pci_realize(): pcie_port = PCIe bus and not a root bus */
	bool pcie_port = !pcisim__on_root_bus(fn);
	int dl = prop_ooa(pr, "disable-legacy", -1);
	bool legacy = dl < 0 ? !pcie_port : !dl;
	bool modern = !pcisim_props_bool(pr, "disable-modern", false);
	if (!legacy && !modern)
		return pcisim_diag_error(d, fn->props.loc,
					 "virtio-rng-pci: device cannot work as neither modern nor legacy mode is enabled");
	bool express = pcie_port && !pcisim_props_bool(pr, "x-disable-pcie", false);
	int rc;
	if (!express) {
		/* "make future invocations of pci_is_express() return false and
		 * pci_config_size() return PCI_CONFIG_SPACE_SIZE" */
		pcisim_cfg_free(&fn->cfg);
		if ((rc = pcisim_cfg_init(&fn->cfg, PCISIM_CFG_PCI_SIZE, false)) < 0)
			return rc;
	}
	struct pcisim_cfg *c = &fn->cfg;
	bool post_2_10 = pcisim_machine_has(mach, PCISIM_QEMU_VIRTIO_PCIE_INIT);
	uint64_t vectors = pcisim_props_u64(pr, "vectors",
					    pcisim_machine_has(mach, PCISIM_QEMU_VIRTIO_RNG_VECTORS) ? 2 : 0);
	if (legacy) {
		pcisim__header(fn, PCISIM_VENDOR_ID_REDHAT_QUMRANET,
			       PCISIM_VIRTIO_DEV_ID_RNG_LEGACY, 0, VIRTIO_RNG_CLASS);
		pcisim_cfg_set(c, PCI_SUBSYSTEM_VENDOR_ID, PCISIM_VENDOR_ID_REDHAT_QUMRANET, 2);
		pcisim_cfg_set(c, PCI_SUBSYSTEM_ID, PCISIM_VIRTIO_ID_RNG, 2);
	} else {
		pcisim__header(fn, PCISIM_VENDOR_ID_REDHAT_QUMRANET,
			       PCISIM_VIRTIO_DEV_ID_MODERN_BASE + PCISIM_VIRTIO_ID_RNG, 1, VIRTIO_RNG_CLASS);
	}
	pcisim_cfg_set(c, PCI_INTERRUPT_PIN, 1, 1);
	if (express) {
		struct pcisim_exp_config x = {
			.type = PCI_EXP_TYPE_ENDPOINT,
			.flr = pcisim_props_bool(pr, "x-pcie-flr-init",
						pcisim_machine_has(mach, PCISIM_QEMU_VIRTIO_FLR)),
			.deverr = pcisim_props_bool(pr, "x-pcie-deverr-init", post_2_10),
			.lnkctl = pcisim_props_bool(pr, "x-pcie-lnkctl-init", post_2_10),
			.qemu = pcisim__compat(fn),
		};
		if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
			return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
		struct pcisim_pm_config pm = {
			.pmc = PCISIM_PM_CAP_VER_1_2, /* "complies with revision 1.2" */
			.state_rw = pcisim_props_bool(pr, "x-pcie-pm-init", post_2_10),
			.no_soft_reset = pcisim_props_bool(pr, "x-pcie-pm-no-soft-reset",
							   pcisim_machine_has(mach, PCISIM_QEMU_PM_NO_SOFT_RESET)),
		};
		if ((rc = pcisim_cap_pm_init(c, 0, &pm)) < 0)
			return pcisim__build_failed(fn, rc, "its PM capability", d);
		if (pcisim_props_bool(pr, "aer", false)) {
			struct pcisim_aer_config a = {.offset = 0x100, .qemu = x.qemu};
			if ((rc = pcisim_cap_aer_init(c, &a)) < 0)
				return pcisim__build_failed(fn, rc, "its AER capability", d);
		}
	}
	if (modern) {
		/* virtio_pci_modern_mem_region_map() x4, then the PCI cfg capability */
		static const uint8_t types[] = {VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_ISR_CFG,
						VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_CAP_NOTIFY_CFG};
		static const uint32_t offs[] = {PCISIM_VIRTIO_COMMON_OFF, PCISIM_VIRTIO_ISR_OFF,
						PCISIM_VIRTIO_DEVICE_OFF, PCISIM_VIRTIO_NOTIFY_OFF};
		for (unsigned i = 0; i < 4; i++) {
			bool notify = types[i] == VIRTIO_PCI_CAP_NOTIFY_CFG;
			rc = virtio_cap(c, types[i],
					notify ? PCISIM_VIRTIO_PCI_NOTIFY_CAP_SIZEOF : PCISIM_VIRTIO_PCI_CAP_SIZEOF,
					PCISIM_VIRTIO_MODERN_BAR, offs[i], PCISIM_VIRTIO_REGION_SIZE);
			if (rc < 0)
				return pcisim__build_failed(fn, rc, "its virtio capabilities", d);
			if (notify)
				pcisim_cfg_set(c, (uint16_t)(rc + VIRTIO_PCI_NOTIFY_CAP_MULT),
					       PCISIM_VIRTIO_NOTIFY_MULT, 4);
		}
		rc = virtio_cap(c, VIRTIO_PCI_CAP_PCI_CFG, PCISIM_VIRTIO_PCI_CFG_CAP_SIZEOF, 0, 0, 0);
		if (rc < 0)
			return pcisim__build_failed(fn, rc, "its virtio capabilities", d);
		/* the cfg window's bar, offset, length and data are guest-writable */
		uint16_t pos = (uint16_t)rc;
		pcisim_cfg_mask_set(c, PCISIM_WMASK, (uint16_t)(pos + VIRTIO_PCI_CAP_BAR), 1, 0xff);
		pcisim_cfg_mask_set(c, PCISIM_WMASK, (uint16_t)(pos + VIRTIO_PCI_CAP_OFFSET), 4, 0xffffffff);
		pcisim_cfg_mask_set(c, PCISIM_WMASK, (uint16_t)(pos + VIRTIO_PCI_CAP_LENGTH), 4, 0xffffffff);
		pcisim_cfg_mask_set(c, PCISIM_WMASK, (uint16_t)(pos + VIRTIO_PCI_CFG_CAP_DATA), 4, 0xffffffff);
	}
	if (vectors && (rc = pcisim_cap_msix_init_exclusive_bar(c, (unsigned)vectors, PCISIM_VIRTIO_MSIX_BAR)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI-X capability", d);
	if (modern && (rc = pcisim_cfg_register_bar(c, PCISIM_VIRTIO_MODERN_BAR, 4 * PCISIM_VIRTIO_REGION_SIZE,
						    PCI_BASE_ADDRESS_MEM_PREFETCH |
							    PCI_BASE_ADDRESS_MEM_TYPE_64)) < 0)
		return pcisim__build_failed(fn, rc, "its modern BAR", d);
	if (legacy && (rc = pcisim_cfg_register_bar(c, PCISIM_VIRTIO_LEGACY_BAR, PCISIM_VIRTIO_LEGACY_IO_SIZE,
						    PCI_BASE_ADDRESS_SPACE_IO)) < 0)
		return pcisim__build_failed(fn, rc, "its legacy I/O BAR", d);
	return 0;
}

/* ---- properties and the table ---- */

static const struct pcisim_prop_def generic_ep_props[] = {
	{"vendor-id", PCISIM_PROP_INT, "Vendor ID (default 0x1b36)", 0, 0xffff, NULL, true},
	{"device-id", PCISIM_PROP_INT, "Device ID (default 0x00ff)", 0, 0xffff, NULL, true},
	{"class-code", PCISIM_PROP_INT, "class code, base << 16 | sub << 8 | prog-if (default 0xff0000)", 0,
	 0xffffff, NULL, true},
	{"revision", PCISIM_PROP_INT, "Revision ID (default 0)", 0, 0xff, NULL, true},
	{"msi-vectors", PCISIM_PROP_INT, "MSI vectors, a power of two; 0 = no MSI (default 0)", 0, 32, NULL,
	 true},
	{"msix-vectors", PCISIM_PROP_INT, "MSI-X vectors in an exclusive BAR 0; 0 = no MSI-X (default 1)", 0,
	 2048, NULL, true},
	{"pm", PCISIM_PROP_BOOL, "Power Management capability (default on)", 0, 0, NULL, true},
	{"aer", PCISIM_PROP_BOOL, "AER capability at 0x100 (default on)", 0, 0, NULL, true},
	{0},
};

#define XHCI_CORE_PROPS                                                                    \
	{"p2", PCISIM_PROP_INT, "USB 2 ports (default 4)", 1, 15, NULL, false},              \
	{"p3", PCISIM_PROP_INT, "USB 3 ports (default 4)", 1, 15, NULL, false},              \
	{"streams", PCISIM_PROP_BOOL, "USB 3 streams (default on)", 0, 0, NULL, false}

static const struct pcisim_prop_def nec_xhci_props[] = {
	XHCI_CORE_PROPS,
	{"msi", PCISIM_PROP_CHOICE, "MSI capability at 0x70 (default auto = on)", 0, 0, on_off_auto, true},
	{"msix", PCISIM_PROP_CHOICE, "MSI-X capability at 0x90 (default auto = on)", 0, 0, on_off_auto, true},
	{"intrs", PCISIM_PROP_INT, "interrupters = MSI/MSI-X vectors, at most 16, rounded up to a power of two (default 16)",
	 0, 0, NULL, true},
	{"slots", PCISIM_PROP_INT, "device slots, at most 64 (default 64)", 0, 0, NULL, false},
	{"superspeed-ports-first", PCISIM_PROP_BOOL, "USB 3 ports numbered first (default on)", 0, 0, NULL,
	 false},
	{"force-pcie-endcap", PCISIM_PROP_BOOL, "PCIe capability even on a PCI bus (default off)", 0, 0, NULL,
	 false},
	{0},
};

static const struct pcisim_prop_def qemu_xhci_props[] = {
	XHCI_CORE_PROPS,
	{0},
};

#define NIC_PROPS                                                                              \
	{"mac", PCISIM_PROP_STR, "MAC address (default 52:54:00:12:34:56 + NIC index)", 0, 0, NULL, true}, \
	{"netdev", PCISIM_PROP_STR, "host network backend", 0, 0, NULL, false},                 \
	{"bootindex", PCISIM_PROP_INT, "boot order", 0, 0, NULL, false}

static const struct pcisim_prop_def e1000e_props[] = {
	NIC_PROPS,
	{"subsys_ven", PCISIM_PROP_INT, "Subsystem Vendor ID (default 0x8086)", 0, 0xffff, NULL, true},
	{"subsys", PCISIM_PROP_INT, "Subsystem ID (default 0)", 0, 0xffff, NULL, true},
	{"disable_vnet_hdr", PCISIM_PROP_INT, "do not use virtio headers (default 0)", 0, 1, NULL, false},
	{"init-vet", PCISIM_PROP_BOOL, "initialise VET (default on)", 0, 0, NULL, false},
	{"migrate-timadj", PCISIM_PROP_BOOL, "migrate TIMADJ (default on)", 0, 0, NULL, false},
	{0},
};

static const struct pcisim_prop_def e1000_props[] = {
	NIC_PROPS,
	{"autonegotiation", PCISIM_PROP_BOOL, "link autonegotiation (default on)", 0, 0, NULL, false},
	{"mitigation", PCISIM_PROP_BOOL, "interrupt mitigation (default on)", 0, 0, NULL, false},
	{"extra_mac_registers", PCISIM_PROP_BOOL, "extra MAC registers (default on)", 0, 0, NULL, false},
	{"migrate_tso_props", PCISIM_PROP_BOOL, "migrate TSO state (default on)", 0, 0, NULL, false},
	{"init-vet", PCISIM_PROP_BOOL, "initialise VET (default on)", 0, 0, NULL, false},
	{0},
};

/* virtio_pci_properties over QEMU's history (sim/qemu/compat.c) */
static const struct pcisim_prop_gate virtio_rng_gates[] = {
	{"x-pcie-flr-init", PCISIM_QEMU_VIRTIO_FLR_PROP, "4.2"},
	{0},
};

static const struct pcisim_prop_def virtio_rng_props[] = {
	{"disable-legacy", PCISIM_PROP_CHOICE,
	 "no legacy (transitional) interface (default auto: on behind a PCIe port, off on a root bus)", 0, 0,
	 on_off_auto, true},
	{"disable-modern", PCISIM_PROP_BOOL, "no modern (virtio 1.0) interface (default off)", 0, 0, NULL, true},
	{"vectors", PCISIM_PROP_INT, "MSI-X vectors; 0 = no MSI-X (default 2; 0 on machine types < 7.2)", 0,
	 2048, NULL, true},
	{"aer", PCISIM_PROP_BOOL, "AER capability at 0x100 (default off)", 0, 0, NULL, true},
	{"x-disable-pcie", PCISIM_PROP_BOOL, "conventional PCI even behind a PCIe port (default off)", 0, 0,
	 NULL, true},
	{"x-pcie-flr-init", PCISIM_PROP_BOOL, "FLR capable (default on; off on machine types < 4.2)", 0, 0,
	 NULL, true},
	{"x-pcie-deverr-init", PCISIM_PROP_BOOL, "error reporting enables writable (default on)", 0, 0, NULL,
	 true},
	{"x-pcie-lnkctl-init", PCISIM_PROP_BOOL, "Link Control writable (default on)", 0, 0, NULL, true},
	{"x-pcie-pm-init", PCISIM_PROP_BOOL, "PM PowerState writable (default on)", 0, 0, NULL, true},
	{"x-pcie-pm-no-soft-reset", PCISIM_PROP_BOOL,
	 "PMCSR No_Soft_Reset (default on; off on machine types < 9.1)", 0, 0, NULL, true},
	{"ats", PCISIM_PROP_BOOL, "ATS capability (default off)", 0, 0, NULL, false},
	{"ioeventfd", PCISIM_PROP_BOOL, "ioeventfd notifications (default on)", 0, 0, NULL, false},
	{"page-per-vq", PCISIM_PROP_BOOL, "a notify page per virtqueue (default off)", 0, 0, NULL, false},
	{"modern-pio-notify", PCISIM_PROP_BOOL, "notify through I/O (default off)", 0, 0, NULL, false},
	{"iommu_platform", PCISIM_PROP_BOOL, "VIRTIO_F_ACCESS_PLATFORM (default off)", 0, 0, NULL, false},
	{"rng", PCISIM_PROP_STR, "entropy backend object id", 0, 0, NULL, false},
	{"max-bytes", PCISIM_PROP_INT, "rate limit: bytes per period", 0, 0, NULL, false},
	{"period", PCISIM_PROP_INT, "rate limit period in ms (default 65536)", 0, 0, NULL, false},
	{0},
};

const struct pcisim_driver pcisim__endpoint_drivers[] = {
	{
		.name = "pcisim-endpoint",
		.help = "generic PCI Express endpoint of pcisim's own (PM, MSI, MSI-X, PCIe with FLR, AER)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = generic_ep_props,
		.pcie = true,
		.hotpluggable = true,
		.realize = generic_ep_realize,
		.vmsd_path = "parent_obj",
	},
	{
		.name = "nec-usb-xhci",
		.help = "NEC uPD720200 USB 3.0 xHCI controller (1033:0194; hw/usb/hcd-xhci-nec.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = nec_xhci_props,
		.pcie = true,
		.hotpluggable = true,
		.realize = nec_xhci_realize,
		.vmsd_name = "xhci",
		.vmsd_path = "parent_obj", /* vmstate_xhci_pci ("xhci") */
	},
	{
		.name = "qemu-xhci",
		.help = "QEMU's own xHCI controller (1b36:000d; hw/usb/hcd-xhci-pci.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = qemu_xhci_props,
		.pcie = true,
		.hotpluggable = true,
		.realize = qemu_xhci_realize,
		.vmsd_path = "parent_obj",
	},
	{
		.name = "e1000e",
		.help = "Intel 82574L GbE Controller (8086:10d3; hw/net/e1000e.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = e1000e_props,
		.pcie = true,
		.hotpluggable = true,
		.realize = e1000e_realize,
		.vmsd_path = "parent_obj",
	},
	{
		.name = "e1000",
		.help = "Intel 82540EM Gigabit Ethernet, conventional PCI (8086:100e; hw/net/e1000.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = e1000_props,
		.pcie = false,
		.hotpluggable = true,
		.realize = e1000_realize,
		.vmsd_path = "parent_obj",
	},
	{
		.name = "virtio-rng-pci",
		.help = "virtio entropy source (1af4:1044 modern, 1af4:1005 transitional; hw/virtio/virtio-rng-pci.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = virtio_rng_props,
		.prop_gates = virtio_rng_gates,
		.pcie = true,
		.hotpluggable = true,
		.realize = virtio_rng_realize,
		/*
		 * Config space goes through virtio_pci_save_config/load_config, which apply
		 * the same check; the failure chain names the virtio device's VMState.
		 */
		.vmsd_name = "virtio-rng",
		.vmsd_path = "virtio",
	},
	{0},
};
