/*
 * QEMU's PCI Express expander bridges, pxb-pcie and pxb-cxl: a function on pcie.0
 * that brings an extra host bridge whose secondary bus is a root bus with its own
 * number (bus_nr), so ports and devices behind it enumerate from that number (the
 * fabric numbers root buses from bus_nr). pxb-cxl is the CXL host bridge that the
 * machine's cxl-fmw windows target.
 *
 * Facts, from QEMU's hw/pci-bridge/pci_expander_bridge.c:
 *  - pxb-pcie: Red Hat 1b36:000b (PCI_DEVICE_ID_REDHAT_PXB_PCIE), class 0600 (host
 *    bridge), Status 66MHz|Fast Back-to-Back, no capabilities, a conventional PCI
 *    function (INTERFACE_CONVENTIONAL_PCI_DEVICE: 256-byte config space); must sit
 *    on a root bus ("PXB devices can be attached only to root bus") and a PCIe bus;
 *    bus_nr must differ from every other expander's ("Bus %d is already in use.";
 *    "0 is not a legal PXB bus number"); not hot-pluggable.
 *  - pxb-cxl: the same device with no IDs at all ("These types of bridges don't
 *    actually show up in the hierarchy so vendor, device, class, etc. ids are
 *    intentionally left out": vendor 0000 reads as empty to Linux); needs the machine's
 *    cxl=on ("Machine does not have cxl=on"); hdm_for_passthrough property.
 *  - properties bus_nr (uint8), numa_node (uint16), bypass_iommu (bool).
 * The pxb-cxl host bridge's CHBS component registers (ACPI CEDT) are not config
 * space and are sim/cxl's.
 */
#include "sim/cxl/cxl_state.h"
#include "sim/pcie/models.h"
#include "sim/qemu/machine.h"
#include "sim/pcie/regs/pci.h"

#define PCISIM_DEVICE_ID_REDHAT_PXB_PCIE 0x000b /* QEMU include/hw/pci/pci_ids.h */

static int pxb_common(struct pcisim_pcifn *fn, bool cxl, struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = fn->fabric;
	const struct pcisim_prop *nr = pcisim_props_find(&fn->props, "bus_nr");
	if (!fn->bus || !fn->bus->is_root) {
		const struct pcisim_prop *bp = pcisim_props_find(&fn->props, "bus");
		return pcisim_diag_error(d, bp ? bp->loc : fn->props.loc,
					 "%s: PXB devices can be attached only to root bus (put it on pcie.0)",
					 fn->drv->name);
	}
	if (!nr || !pcisim_props_u64(&fn->props, "bus_nr", 0))
		return pcisim_diag_error(d, nr ? nr->loc : fn->props.loc,
					 "%s needs bus_nr: the number of its root bus, 1..255 and not used by another expander bridge (0 is not a legal PXB bus number)",
					 fn->drv->name);
	unsigned bus_nr = (unsigned)pcisim_props_u64(&fn->props, "bus_nr", 0);
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *o = fab->fns[i];
		if (o == fn || o->comp.removed || o->drv->kind != PCISIM_FN_HOST_BRIDGE || !o->bus)
			continue;
		if (pcisim_props_u64(&o->props, "bus_nr", 0) == bus_nr)
			return pcisim_diag_error(d, nr->loc,
						 "Bus %u is already in use (by %s '%s'); give each expander bridge its own bus_nr",
						 bus_nr, o->drv->name, o->comp.name);
	}
	if (cxl && !fab->machine.cxl)
		return pcisim_diag_error(d, fn->props.loc,
					 "pxb-cxl: Machine does not have cxl=on (set machine: {cxl: on}, or -machine q35,cxl=on)");
	/* pxb_dev_realize_common(): Status 66MHz | fast back-to-back, class host bridge
	 * (pxb-cxl too: no IDs, but the class; checked against QEMU 7.2) */
	if (cxl)
		pcisim__header(fn, 0, 0, 0, 0x060000);
	else
		pcisim__header(fn, PCISIM_VENDOR_ID_REDHAT, PCISIM_DEVICE_ID_REDHAT_PXB_PCIE, 0, 0x060000);
	pcisim_cfg_setbits(&fn->cfg, PCI_STATUS, 2, PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK);
	return 0;
}

static int pxb_pcie_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return pxb_common(fn, false, d);
}

static int pxb_cxl_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return pxb_common(fn, true, d);
}

static const struct pcisim_prop_def pxb_pcie_props[] = {
	{"bus_nr", PCISIM_PROP_INT, "number of the expander's root bus (required; 1..255)", 0, 255, NULL,
	 true},
	{"numa_node", PCISIM_PROP_INT, "NUMA node of the root bus (default unassigned)", 0, 65535, NULL,
	 false},
	{"bypass_iommu", PCISIM_PROP_BOOL, "devices below bypass the IOMMU (default off)", 0, 0, NULL, false},
	{0},
};

static const struct pcisim_prop_def pxb_cxl_props[] = {
	{"bus_nr", PCISIM_PROP_INT, "number of the CXL host bridge's root bus (required; 1..255)", 0, 255,
	 NULL, true},
	{"numa_node", PCISIM_PROP_INT, "NUMA node of the root bus (default unassigned)", 0, 65535, NULL,
	 false},
	{"bypass_iommu", PCISIM_PROP_BOOL, "devices below bypass the IOMMU (default off)", 0, 0, NULL, false},
	{"hdm_for_passthrough", PCISIM_PROP_BOOL,
	 "HDM decoders even with a single root port (default off)", 0, 0, NULL, true},
	{0},
};

static const struct pcisim_prop_gate pxb_cxl_gates[] = {
	{"hdm_for_passthrough", PCISIM_QEMU_CXL_HB_PASSTHROUGH, "8.0"},
	{0},
};

const struct pcisim_driver pcisim_pxb_drivers[] = {
	{
		.name = "pxb-pcie",
		.help = "PCI Express Expander Bridge (1b36:000b; hw/pci-bridge/pci_expander_bridge.c)",
		.kind = PCISIM_FN_HOST_BRIDGE,
		.props = pxb_pcie_props,
		.realize = pxb_pcie_realize,
	},
	{
		.name = "pxb-cxl",
		.needs = PCISIM_QEMU_CXL_DEVICES, /* the 7.1 CXL series */
		.since = "7.1",
		.help = "CXL Host Bridge (hw/pci-bridge/pci_expander_bridge.c)",
		.kind = PCISIM_FN_HOST_BRIDGE,
		.size = sizeof(struct pcisim_cxl_port), /* its CHBS component registers */
		.props = pxb_cxl_props,
		.prop_gates = pxb_cxl_gates,
		.realize = pxb_cxl_realize,
	},
	{0},
};
