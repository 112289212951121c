/*
 * QEMU's PCI Express switch ports: the TI XIO3130 pair (x3130-upstream,
 * xio3130-downstream), and what the CXL switch ports (sim/cxl/switch.c) share with
 * them. Downstream ports
 * are struct pcisim_port (a hot-plug slot, port.h); upstream ports and the CCI are
 * plain functions. Capabilities are built in the order and at the offsets of each
 * realize function.
 *
 * Facts, from QEMU's sources:
 *  - hw/pci-bridge/xio3130_upstream.c: 104c:8232 rev 2; MSI 0x70 (1 vector, 64-bit),
 *    SSVID 0x80 (0000:0000), PCIe upstream port 0x90 with FLR and error reporting,
 *    AER 0x100; VMState VMSTATE_PCI_DEVICE(parent_obj.parent_obj, PCIEPort).
 *  - hw/pci-bridge/xio3130_downstream.c: 104c:8233 rev 1; MSI 0x70, SSVID 0x80, PCIe
 *    downstream port 0x90 with FLR, error reporting, slot and ARI forwarding, AER
 *    0x100; no ACS and no x-speed/x-width (LNKCAP speed and width stay 0 as QEMU
 *    leaves them); power_controller_present; VMState path
 *    parent_obj.parent_obj.parent_obj.
 */
#include <string.h>

#include "sim/pcie/caps_qemu.h"
#include "sim/pcie/models.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/dsn.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define SW_MSI_OFF 0x70   /* XIO3130_MSI_OFFSET, CXL_*_PORT_MSI_OFFSET */
#define SW_SSVID_OFF 0x80 /* XIO3130_SSVID_OFFSET */
#define SW_EXP_OFF 0x90   /* XIO3130_EXP_OFFSET, CXL_*_PORT_(PCIE_CAP|EXP)_OFFSET */
#define SW_AER_OFF 0x100

int pcisim__switch_aer(struct pcisim_pcifn *fn, unsigned compat, struct pcisim_diag *d)
{
	struct pcisim_aer_config a = {
		.offset = SW_AER_OFF,
		.log_max = (uint16_t)pcisim_props_u64(&fn->props, "aer_log_max", PCISIM_ERR_LOG_MAX_DEFAULT),
		.qemu = compat,
	};
	int rc = pcisim_cap_aer_init(&fn->cfg, &a);
	return rc < 0 ? pcisim__build_failed(fn, rc, "its AER capability", d) : 0;
}

/* xio3130_upstream_reset / cxl_usp_reset: bridge reset, error reporting enables off. */
void pcisim__usp_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	pcisim_fn_reset_default(fn, kind);
	uint16_t exp = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP);
	if (exp)
		pcisim_cfg_clrbits(&fn->cfg, (uint16_t)(exp + PCI_EXP_DEVCTL), 2, PCISIM_EXP_DEVCTL_ERR_EN);
}

/* ---- upstream ports ---- */

static int x3130_up_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	unsigned compat = pcisim__compat(fn);
	int rc;
	pcisim__header(fn, PCISIM_VENDOR_ID_TI, PCISIM_DEVICE_ID_TI_XIO3130U, 2, PCI_CLASS_BRIDGE_PCI << 8);
	pcisim__port_init_reg(fn, compat);
	if ((rc = pcisim_cap_msi_init(c, SW_MSI_OFF, 1, true, false)) < 0 ||
	    (rc = pcisim_cap_ssvid_init(c, SW_SSVID_OFF, 0, 0)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI/SSVID capabilities", d);
	struct pcisim_exp_config x = {
		.type = PCI_EXP_TYPE_UPSTREAM,
		.offset = SW_EXP_OFF,
		.port = (uint8_t)pcisim_props_u64(&fn->props, "port", 0),
		.flr = true,
		.deverr = true,
		.qemu = compat,
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
	return pcisim__switch_aer(fn, compat, d);
}

/* ---- downstream ports ---- */

int pcisim__slot_register(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return pcisim__chassis_add_slot(fn, (unsigned)pcisim_props_u64(&fn->props, "chassis", 0),
					(unsigned)pcisim_props_u64(&fn->props, "slot", 0), d);
}

void pcisim__dsp_done(struct pcisim_pcifn *fn)
{
	struct pcisim_port *p = pcisim_to_port(fn);
	p->exp = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP);
	p->aer = pcisim_cfg_find_ext_cap(&fn->cfg, PCI_EXT_CAP_ID_ERR);
	p->msix = 0;
	p->msi = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_MSI);
	pcisim_port_realize_common(p);
}

static int xio_down_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &fn->props;
	struct pcisim_qemu_port_config pc = pcisim_qemu_port_defaults(pcisim__compat(fn));
	pc.port = (uint8_t)pcisim_props_u64(pr, "port", 0);
	pc.slot = (uint16_t)pcisim_props_u64(pr, "slot", 0);
	pc.hotplug = pcisim_props_bool(pr, "hotplug", true);
	pc.power_controller = pcisim_props_bool(pr, "power_controller_present", true);
	/*
	 * no x-speed/x-width: PCIESlot speed and width stay 0, and so do LNKCAP's fields;
	 * before 4.0's link speed series every port kept pcie_cap_v1_fill()'s 2.5 GT/s x1
	 */
	bool slot_link = (pcisim__compat(fn) & PCISIM_QEMU_RP_LINK_PROPS) != 0;
	pc.speed = slot_link ? PCISIM_LNK_SPEED_NONE : PCISIM_LNK_2_5GT;
	pc.width = slot_link ? 0 : 1;
	pc.acs = false; /* xio3130_downstream_realize() adds no ACS */
	int rc;
	if ((rc = pcisim__slot_register(fn, d)))
		return rc;
	pcisim__header(fn, PCISIM_VENDOR_ID_TI, PCISIM_DEVICE_ID_TI_XIO3130D, 1, PCI_CLASS_BRIDGE_PCI << 8);
	if ((rc = pcisim_caps_qemu_downstream_port(&fn->cfg, &pc)) < 0)
		return pcisim__build_failed(fn, rc, "its capabilities", d);
	pcisim__aer_log_max(fn, SW_AER_OFF);
	pcisim__dsp_done(fn);
	return 0;
}

/* ---- properties and the table ---- */

static const struct pcisim_prop_def x3130_up_props[] = {
	PCISIM__PROPS_PCIE_PORT,
	{0},
};

static const struct pcisim_prop_def xio_down_props[] = {
	PCISIM__PROPS_PCIE_PORT,
	PCISIM__PROPS_PCIE_SLOT,
	PCISIM__PROP_PCP,
	{0},
};

/* pcie_slot_props over QEMU's history (sim/qemu/compat.c) */
static const struct pcisim_prop_gate xio_down_gates[] = {
	{"hotplug", PCISIM_QEMU_SLOT_HOTPLUG_PROP, "5.0"},
	{0},
};

const struct pcisim_driver pcisim__switch_drivers[] = {
	{
		.name = "x3130-upstream",
		.help = "TI X3130 Upstream Port of PCI Express Switch (104c:8232; hw/pci-bridge/xio3130_upstream.c)",
		.kind = PCISIM_FN_UPSTREAM_PORT,
		.props = x3130_up_props,
		.pcie = true,
		.bridge = true,
		.hotpluggable = true,
		.realize = x3130_up_realize,
		.reset = pcisim__usp_reset,
		/* vmstate_xio3130_upstream: VMSTATE_PCI_DEVICE(parent_obj.parent_obj, PCIEPort) */
		.vmsd_name = "xio3130-express-upstream-port",
		.vmsd_path = "parent_obj.parent_obj",
	},
	{
		.name = "xio3130-downstream",
		.help = "TI X3130 Downstream Port of PCI Express Switch (104c:8233; hw/pci-bridge/xio3130_downstream.c)",
		.props = xio_down_props,
		.prop_gates = xio_down_gates,
		.realize = xio_down_realize,
		.vmsd_name = "xio3130-express-downstream-port",
		.vmsd_path = "parent_obj.parent_obj.parent_obj",
		PCISIM__DOWNSTREAM_PORT_HOOKS,
	},
	{0},
};
