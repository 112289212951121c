/*
 * cxl-rp, QEMU's CXL 2.0 root port: rp_realize() (sim/pcie/dev_root_port.c) with the
 * class hooks of hw/pci-bridge/cxl_root_port.c.
 *
 * Facts, from QEMU's sources:
 *  - hw/pci-bridge/cxl_root_port.c: 8086:7075 rev 0, SSVID first free (0x40), MSI
 *    0x60 as ioh3420, PCIe first free (0x74), AER 0x100, ACS 0x148, DVSECs from 0x150
 *    (extensions, GPF, Flex Bus, Register Locator), the component registers in a
 *    64-bit BAR 0, x-speed 64, x-width 32, I/O window disabled unless io-reserve is
 *    set to a non-zero size; not hot-pluggable itself; no VMState.
 *  - QEMU 7.2 (checked against it by tests/qemu-diff): no MSI (PCI Express first free
 *    at 0x48), x1 at 2.5 GT/s, the CXL 2.0 Flex Bus DVSEC (0x14 bytes), and no
 *    pcie_aer_root_write_config in its config write.
 */
#include "sim/cxl/cxl.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dvsec.h"
#include "sim/pcie/models.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define CXL_RP_DVSEC_OFF (0x100 + PCISIM_ERR_SIZEOF + PCISIM_ACS_SIZEOF) /* CXL_ROOT_PORT_DVSEC_OFFSET */

/* cxl_rp_realize(): reserve capability, I/O window, DVSECs, component BAR */
static int cxl_rp_extend(struct pcisim_pcifn *fn, const struct pcisim_res_reserve *res,
			 struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	int rc;
	if ((rc = pcisim_cap_qemu_res_reserve_init(c, 0, res)) < 0)
		return pcisim__build_failed(fn, rc, "its resource-reserve capability", d);
	if (!res->io || res->io == UINT64_MAX) {
		pcisim_cfg_mask_clr(c, PCISIM_WMASK, PCI_COMMAND, 2, PCI_COMMAND_IO);
		pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_IO_BASE, 1, 0);
		pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_IO_LIMIT, 1, 0);
	}
	bool r3 = (pcisim__compat(fn) & PCISIM_QEMU_CXL_CFG_R3) != 0;
	/* 7.2's cxl_rp_write_config has no pcie_aer_root_write_config (checked against
	 * QEMU 7.2: an INTx raised stays up across Root Error Command writes) */
	pcisim_to_port(fn)->no_aer_root_write = !r3;
	if ((rc = pcisim_cxl_port_dvsecs(c, CXL_RP_DVSEC_OFF, PCISIM_CXL_COMP_ROOT_PORT, r3)) < 0 ||
	    (rc = pcisim_cxl_component_bar(c)) < 0)
		return pcisim__build_failed(fn, rc, "its CXL DVSECs", d);
	return 0;
}

static const struct pcisim__rp_model cxl_rp_model = {
	.vendor = 0x8086, .device = 0x7075, .rev = 0, .exp_off = 0,
	.acs_off = 0x100 + PCISIM_ERR_SIZEOF, .speed = PCISIM_LNK_64GT, .width = 32,
	.speed_props = true, .res_reserve = true, .ssvid_first_free = true,
	.extend = cxl_rp_extend,
};

/* QEMU 7.2's cxl-rp: no MSI, so PCI Express first free at 0x48; x1 at 2.5 GT/s and no
 * x-speed/x-width (checked against QEMU 7.2 by tests/qemu-diff) */
static const struct pcisim__rp_model cxl_rp_model_7_2 = {
	.vendor = 0x8086, .device = 0x7075, .rev = 0, .exp_off = 0,
	.acs_off = 0x100 + PCISIM_ERR_SIZEOF, .speed = PCISIM_LNK_2_5GT, .width = 1,
	.speed_props = false, .res_reserve = true, .ssvid_first_free = true, .no_msi = true,
	.extend = cxl_rp_extend,
};

static int cxl_rp_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	bool r3 = (pcisim__compat(fn) & PCISIM_QEMU_CXL_CFG_R3) != 0;
	return pcisim__rp_realize(fn, r3 ? &cxl_rp_model : &cxl_rp_model_7_2, d);
}

static const struct pcisim_prop_def cxl_rp_props[] = {
	PCISIM__PROPS_PCIE_PORT,
	PCISIM__PROPS_PCIE_SLOT,
	PCISIM__PROP_PCP,
	PCISIM__PROPS_RES_RESERVE,
	{"x-speed", PCISIM_PROP_CHOICE, "maximum link speed in GT/s (default 64)", 0, 0,
	 pcisim__speed_choices, true},
	{"x-width", PCISIM_PROP_CHOICE, "maximum link width in lanes (default 32)", 0, 0,
	 pcisim__width_choices, true},
	{"disable-acs", PCISIM_PROP_BOOL, "no ACS capability at 0x148 (default off)", 0, 0, NULL, true},
	{0},
};

const struct pcisim_driver pcisim_cxl_root_port_drivers[] = {
	{
		.name = "cxl-rp",
		.needs = PCISIM_QEMU_CXL_DEVICES, /* the 7.1 CXL series */
		.since = "7.1",
		.help = "CXL Root Port (8086:7075; hw/pci-bridge/cxl_root_port.c)",
		.props = cxl_rp_props,
		.hotpluggable = false, /* dc->hotpluggable = false */
		.realize = cxl_rp_realize,
		.vmsd_path = NULL, /* no VMStateDescription in QEMU */
		PCISIM__ROOT_PORT_HOOKS_SIZED(sizeof(struct pcisim_cxl_slot_port)),
	},
	{0},
};
