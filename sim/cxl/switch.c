/*
 * The emulated CXL switch: upstream port (cxl-upstream), downstream ports
 * (cxl-downstream) and the switch's mailbox CCI function (cxl-switch-mailbox-cci),
 * built as QEMU's realize functions do, on the switch port helpers of
 * sim/pcie/dev_switch.c.
 *
 * Facts, from QEMU's sources:
 *  - hw/pci-bridge/cxl_upstream.c: 19e5:a128 rev 0; MSI 0x70 (2 vectors, 64-bit,
 *    masking), PCIe upstream 0x90 (FLR, error reporting), AER 0x100, Device Serial
 *    Number 0x148 when sn is set, DVSECs from 0x154 (port extensions with PM init
 *    complete, Flex Bus, Register Locator), component registers in 64-bit BAR 0, a
 *    DOE mailbox (CDAT, interrupt vector 1) after the DVSECs; x-speed 32, x-width 16.
 *  - hw/pci-bridge/cxl_downstream.c: 19e5:a129 rev 0; MSI 0x70 (1 vector, 64-bit,
 *    masking), PCIe downstream 0x90 (FLR, error reporting, slot, ARI forwarding), AER
 *    0x100, DVSECs from 0x148 (extensions, Flex Bus, GPF, Register Locator),
 *    component registers in BAR 0; x-speed 64, x-width 16; no
 *    power_controller_present property, so no power controller; no VMState.
 *  - QEMU 7.2 (checked against it by tests/qemu-diff): no serial number slot (the
 *    upstream port's DVSECs from 0x148), the CXL 2.0 Flex Bus DVSEC (0x14 bytes), no
 *    link speed filled in (upstream x1 at 2.5 GT/s, downstream speed and width 0).
 *  - hw/cxl/switch-mailbox-cci.c: 19e5:a123 rev 0, class 0c0b00; PCIe endpoint 0x80,
 *    the CXL device registers (mailbox) in 64-bit BAR 0, Register Locator 0x100;
 *    target= must be a cxl-upstream ("Target not set" without it). From QEMU 8.2
 *    (PCISIM_QEMU_CXL_SWITCH_CCI); the register block and its doorbell are device.c's.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cxl/cxl.h"
#include "sim/cxl/cxl_dvsec.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dvsec.h"
#include "sim/pcie/models.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/dsn.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define SW_MSI_OFF 0x70   /* XIO3130_MSI_OFFSET, CXL_*_PORT_MSI_OFFSET */
#define SW_EXP_OFF 0x90   /* XIO3130_EXP_OFFSET, CXL_*_PORT_(PCIE_CAP|EXP)_OFFSET */
#define SW_AER_OFF 0x100
#define CXL_USP_SN_OFF (SW_AER_OFF + PCISIM_ERR_SIZEOF)        /* CXL_UPSTREAM_PORT_SN_OFFSET */
#define CXL_USP_DVSEC_OFF (CXL_USP_SN_OFF + PCISIM_DSN_SIZEOF)  /* CXL_UPSTREAM_PORT_DVSEC_OFFSET */
#define CXL_DSP_DVSEC_OFF (SW_AER_OFF + PCISIM_ERR_SIZEOF)      /* CXL_DOWNSTREAM_PORT_DVSEC_OFFSET */
#define CXL_SWCCI_EXP_OFF 0x80
#define CXL_SWCCI_DVSEC_OFF 0x100

static int cxl_up_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	const struct pcisim_props *pr = &fn->props;
	unsigned compat = pcisim__compat(fn);
	int rc;
	bool r3 = (compat & PCISIM_QEMU_CXL_CFG_R3) != 0;
	pcisim__header(fn, 0x19e5, 0xa128, 0, PCI_CLASS_BRIDGE_PCI << 8);
	pcisim__port_init_reg(fn, compat);
	if ((rc = pcisim_cap_msi_init(c, SW_MSI_OFF, 2, true, true)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI capability", d);
	struct pcisim_exp_config x = {
		.type = PCI_EXP_TYPE_UPSTREAM,
		.offset = SW_EXP_OFF,
		.port = (uint8_t)pcisim_props_u64(pr, "port", 0),
		/* cxl_usp_reset: pcie_cap_fill_link_ep_usp(d, width, speed); 7.2: none */
		.speed = r3 ? pcisim__prop_speed(pr, "x-speed", PCISIM_LNK_32GT) : 0,
		.width = r3 ? pcisim__prop_width(pr, "x-width", 16) : 1,
		.flr = true,
		.deverr = true,
		.qemu = compat,
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
	if ((rc = pcisim__switch_aer(fn, compat, d)))
		return rc;
	uint64_t sn = pcisim_props_u64(pr, "sn", PCISIM__SN_UNSET);
	if (sn != PCISIM__SN_UNSET && (rc = pcisim__dsn(c, CXL_USP_SN_OFF, sn)) < 0)
		return pcisim__build_failed(fn, rc, "its serial number capability", d);
	/* build_dvsecs(): extensions ("Port Power Management Init Complete"), Flex Bus
	 * ("Cache, IO, Mem, non-MLD", all enabled), Register Locator */
	uint16_t off = r3 ? CXL_USP_DVSEC_OFF : SW_AER_OFF + PCISIM_ERR_SIZEOF; /* 7.2: no SN slot */
	uint16_t fb_len = r3 ? PCISIM_CXL_FLEXBUS_DVSEC_LEN : PCISIM_CXL2_FLEXBUS_DVSEC_LEN;
	int pos = pcisim_cxl_dvsec(c, off, PCISIM_CXL_DVSEC_PORT_EXT, PCISIM_CXL_PORT_EXT_DVSEC_REV,
				    PCISIM_CXL_PORT_EXT_DVSEC_LEN, PCISIM_CXL_COMP_UPSTREAM_PORT);
	if (pos < 0)
		return pcisim__build_failed(fn, pos, "its CXL DVSECs", d);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_PORT_EXT_STATUS), PCI_CXL_PORT_EXT_STATUS_PM_INIT, 2);
	off = (uint16_t)(off + PCISIM_CXL_PORT_EXT_DVSEC_LEN);
	pos = pcisim_cxl_dvsec(c, off, PCISIM_CXL_DVSEC_FLEXBUS_PORT,
				r3 ? PCISIM_CXL_FLEXBUS_DVSEC_REV : PCISIM_CXL2_FLEXBUS_DVSEC_REV, fb_len,
				PCISIM_CXL_COMP_UPSTREAM_PORT);
	if (pos < 0)
		return pcisim__build_failed(fn, pos, "its CXL DVSECs", d);
	uint16_t cim = PCI_CXL_FLEXBUS_CACHE | PCI_CXL_FLEXBUS_IO | PCI_CXL_FLEXBUS_MEM |
		       PCI_CXL_FLEXBUS_68B_FLIT;
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_CAP), cim, 2);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_CTRL), cim, 2);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_STATUS), cim & ~PCI_CXL_FLEXBUS_CACHE, 2);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_RCVD_MOD_TS), 0xef, 4);
	off = (uint16_t)(off + fb_len);
	static const uint8_t rbi[] = {PCISIM_CXL_RBI_COMPONENT}, bir[] = {PCISIM_CXL_COMPONENT_BAR};
	if ((pos = pcisim_cxl_reg_locator(c, off, PCISIM_CXL_COMP_UPSTREAM_PORT, 1, rbi, bir)) < 0 ||
	    (pos = pcisim_cxl_component_bar(c)) < 0)
		return pcisim__build_failed(fn, pos, "its CXL DVSECs", d);
	off = (uint16_t)(off + PCISIM_CXL_REG_LOC_DVSEC_LEN);
	/* pcie_doe_init(d, &usp->doe_cdat, cxl_cstate->dvsec_offset, ..., true, 1) */
	if ((pos = pcisim__doe(c, off, true, 1)) < 0)
		return pcisim__build_failed(fn, pos, "its DOE mailbox", d);
	return 0;
}

/* ---- downstream ports ---- */

static int cxl_down_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	const struct pcisim_props *pr = &fn->props;
	unsigned compat = pcisim__compat(fn);
	int rc;
	if ((rc = pcisim__slot_register(fn, d)))
		return rc;
	bool r3 = (compat & PCISIM_QEMU_CXL_CFG_R3) != 0;
	pcisim__header(fn, 0x19e5, 0xa129, 0, PCI_CLASS_BRIDGE_PCI << 8);
	pcisim__port_init_reg(fn, compat);
	if ((rc = pcisim_cap_msi_init(c, SW_MSI_OFF, 1, true, true)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI capability", d);
	struct pcisim_exp_config x = {
		.type = PCI_EXP_TYPE_DOWNSTREAM,
		.offset = SW_EXP_OFF,
		.port = (uint8_t)pcisim_props_u64(pr, "port", 0),
		/* 7.2 fills in speed and width 0 (QEMU's PCIESlot without the properties) */
		.speed = r3 ? pcisim__prop_speed(pr, "x-speed", PCISIM_LNK_64GT) : 0,
		.width = r3 ? pcisim__prop_width(pr, "x-width", 16) : 0,
		.slot = true,
		.slot_nr = (uint16_t)pcisim_props_u64(pr, "slot", 0),
		.hotplug = pcisim_props_bool(pr, "hotplug", true),
		.power_controller = false, /* QEMU_PCIE_SLTCAP_PCP is not a cxl-downstream property */
		.flr = true,
		.deverr = true,
		.arifwd = true,
		.qemu = compat,
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
	if ((rc = pcisim__switch_aer(fn, compat, d)))
		return rc;
	if ((rc = pcisim_cxl_port_dvsecs(c, CXL_DSP_DVSEC_OFF, PCISIM_CXL_COMP_DOWNSTREAM_PORT, r3)) < 0 ||
	    (rc = pcisim_cxl_component_bar(c)) < 0)
		return pcisim__build_failed(fn, rc, "its CXL DVSECs", d);
	pcisim__dsp_done(fn);
	return 0;
}

/* ---- the switch's mailbox CCI ---- */

static int swcci_link(struct pcisim_pcifn *fn, struct pcisim_diag *d);

static int swcci_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	if (!pcisim_props_find(&fn->props, "target"))
		return pcisim_diag_error(d, fn->props.loc,
					 "cxl-switch-mailbox-cci: Target not set; give target=ID of the switch's cxl-upstream port");
	int rc;
	/* "Serial bus, CXL Switch CCI" */
	pcisim__header(fn, 0x19e5, 0xa123, 0, 0x0c0b00);
	struct pcisim_exp_config x = {
		.type = pcisim__on_root_bus(fn) ? PCI_EXP_TYPE_RC_END : PCI_EXP_TYPE_ENDPOINT,
		.offset = CXL_SWCCI_EXP_OFF,
		.qemu = pcisim__compat(fn),
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
	if ((rc = pcisim_cfg_register_bar(c, 0, PCISIM_CXL_DEVICE_REGS_SIZE, PCI_BASE_ADDRESS_MEM_TYPE_64)) < 0)
		return pcisim__build_failed(fn, rc, "its mailbox BAR", d);
	static const uint8_t rbi[] = {PCISIM_CXL_RBI_DEVICE}, bir[] = {0};
	if ((rc = pcisim_cxl_reg_locator(c, CXL_SWCCI_DVSEC_OFF, PCISIM_CXL_COMP_SWITCH_CCI, 1, rbi, bir)) < 0)
		return pcisim__build_failed(fn, rc, "its Register Locator", d);
	/* device_add: the link pass is over, and QEMU needs the target to exist already */
	return fn->hotplugged ? swcci_link(fn, d) : 0;
}

/* target= names the switch's upstream port (DEFINE_PROP_LINK to TYPE_CXL_USP). */
static int swcci_link(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_prop *t = pcisim_props_find(&fn->props, "target");
	struct pcisim_fabric *fab = fn->fabric;
	struct pcisim_pcifn *tf = pcisim_fabric_find_fn(fab, t->value);
	if (tf && !strcmp(tf->drv->name, "cxl-upstream"))
		return 0;
	char ids[512];
	size_t u = 0;
	ids[0] = 0;
	for (uint32_t i = 0; i < fab->nfns && u < sizeof(ids) - 64; i++)
		if (!fab->fns[i]->comp.removed && !strcmp(fab->fns[i]->drv->name, "cxl-upstream"))
			u += (size_t)snprintf(ids + u, sizeof(ids) - u, "%s%s", u ? ", " : "",
					      fab->fns[i]->comp.name);
	if (tf)
		return pcisim_diag_error(d, t->loc,
					 "cxl-switch-mailbox-cci target '%s' is a %s, not a cxl-upstream port; valid targets: %s",
					 t->value, tf->drv->name, u ? ids : "none (no cxl-upstream exists)");
	return pcisim_diag_error(d, t->loc,
				 "cxl-switch-mailbox-cci target '%s' names no device; valid targets: %s",
				 t->value, u ? ids : "none (no cxl-upstream exists)");
}

/* ---- properties and the table ---- */

static const struct pcisim_prop_def cxl_up_props[] = {
	PCISIM__PROPS_PCIE_PORT,
	{"sn", PCISIM_PROP_INT, "serial number: a Device Serial Number capability at 0x148 (default none)",
	 0, 0, NULL, true},
	{"cdat", PCISIM_PROP_STR, "CDAT table file served through DOE (default: built in)", 0, 0, NULL,
	 false},
	{"x-speed", PCISIM_PROP_CHOICE, "link speed in GT/s (default 32)", 0, 0, pcisim__speed_choices,
	 true},
	{"x-width", PCISIM_PROP_CHOICE, "link width in lanes (default 16)", 0, 0, pcisim__width_choices,
	 true},
	{0},
};

static const struct pcisim_prop_def cxl_down_props[] = {
	PCISIM__PROPS_PCIE_PORT,
	PCISIM__PROPS_PCIE_SLOT,
	{"x-speed", PCISIM_PROP_CHOICE, "maximum link speed in GT/s (default 64)", 0, 0,
	 pcisim__speed_choices, true},
	{"x-width", PCISIM_PROP_CHOICE, "maximum link width in lanes (default 16)", 0, 0,
	 pcisim__width_choices, true},
	{0},
};

static const struct pcisim_prop_def swcci_props[] = {
	{"target", PCISIM_PROP_STR, "id of the switch's cxl-upstream port (required)", 0, 0, NULL, true},
	{0},
};

const struct pcisim_driver pcisim_cxl_switch_drivers[] = {
	{
		.name = "cxl-upstream",
		.needs = PCISIM_QEMU_CXL_DEVICES, /* the 7.1 CXL series */
		.since = "7.1",
		.help = "CXL Switch Upstream Port (19e5:a128; hw/pci-bridge/cxl_upstream.c)",
		.kind = PCISIM_FN_UPSTREAM_PORT,
		.size = sizeof(struct pcisim_cxl_port),
		.props = cxl_up_props,
		.pcie = true,
		.bridge = true,
		.hotpluggable = true,
		.realize = cxl_up_realize,
		.reset = pcisim__usp_reset,
		.vmsd_path = NULL, /* no VMStateDescription in QEMU */
	},
	{
		.name = "cxl-downstream",
		.needs = PCISIM_QEMU_CXL_DEVICES, /* the 7.1 CXL series */
		.since = "7.1",
		.help = "CXL Switch Downstream Port (19e5:a129; hw/pci-bridge/cxl_downstream.c)",
				.props = cxl_down_props,
		.realize = cxl_down_realize,
		.vmsd_path = NULL, /* no VMStateDescription in QEMU */
		PCISIM__DOWNSTREAM_PORT_HOOKS_SIZED(sizeof(struct pcisim_cxl_slot_port)),
	},
	{
		.name = "cxl-switch-mailbox-cci",
		.needs = PCISIM_QEMU_CXL_SWITCH_CCI,
		.since = "8.2",
		.help = "CXL Switch Mailbox CCI (19e5:a123; hw/cxl/switch-mailbox-cci.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.size = sizeof(struct pcisim_cxl_swcci),
		.props = swcci_props,
		.pcie = true,
		.hotpluggable = true,
		.realize = swcci_realize,
		.link = swcci_link,
	},
	{0},
};
