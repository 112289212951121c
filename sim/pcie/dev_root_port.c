/*
 * QEMU's PCI Express root ports: pcie-root-port (Red Hat's generic port) and ioh3420
 * (the older Intel X58 IOH model); cxl-rp (sim/cxl/root_port.c) is built on
 * pcisim__rp_realize() here. Each is a
 * type 1 function with a hot-plug slot, built capability by capability as its
 * realize function does; the slot, interrupt and reset behaviour is port_driver.c's.
 *
 * Facts, from QEMU's sources:
 *  - hw/pci-bridge/pcie_root_port.c rp_realize(): pin A; SSVID (rpc->ssvid_offset,
 *    0 = first free), interrupts, PCIe Root Port capability (rpc->exp_offset) with
 *    ARI forwarding, error reporting, slot and root registers; chassis/slot
 *    registration; AER at rpc->aer_offset with root registers; ACS at
 *    rpc->acs_offset unless disable-acs. rp_instance_post_init(): speed and width
 *    default to 2.5 GT/s x1 when the model has no x-speed/x-width.
 *  - hw/pci-bridge/gen_pcie_root_port.c: 1b36:000c, one MSI-X vector in an
 *    exclusive BAR 0, AER 0x100, ACS 0x148, x-speed 16 and x-width 32 by default,
 *    the resource-reserve capability (io-reserve 4096 forced on the 6.1 machine type
 *    when native hot-plug is hidden), I/O window disabled with io-reserve=0.
 *    Result: SSVID 0x40, MSI-X 0x48, PCIe 0x54 (Slot Status 0x6e), reserve 0x90.
 *  - hw/pci-bridge/ioh3420.c: 8086:3420 rev 2, SSVID 0x40 (8086:0000), MSI 0x60
 *    (2 vectors, 32-bit, per-vector masking), PCIe 0x90 (Slot Status 0xaa), AER
 *    0x100, no ACS, 2.5 GT/s x1; VMState "ioh-3240-express-root-port".
 * The AER message number of ioh3420 (and cxl-rp) follows the MSI vectors the guest
 * enables (rp_aer_vector_update); at realize it is 0.
 */
#include "sim/pcie/caps_qemu.h"
#include "sim/pcie/models.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

static void port_done(struct pcisim_pcifn *fn)
{
	struct pcisim_port *p = pcisim_to_port(fn);
	p->exp = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP);
	p->aer = pcisim_cfg_find_ext_cap(&fn->cfg, PCI_EXT_CAP_ID_ERR);
	p->msix = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_MSIX);
	p->msi = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_MSI);
	pcisim_port_realize_common(p);
}

/*
 * rp_reset_hold(): after the port and bridge resets QEMU disables the bridge windows
 * (pci_bridge_disable_base_limit): every base above its limit, the prefetchable
 * upper halves zero. Firmware reprograms them; until then a guest reads I/O base
 * 0xf0, memory base 0xfff0 and prefetchable base 0xfff1 (64-bit type bit kept).
 */
void pcisim__rp_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	struct pcisim_cfg *c = &fn->cfg;
	pcisim_port_reset(fn, kind);
	pcisim_cfg_setbits(c, PCI_IO_BASE, 1, 0xf0);
	pcisim_cfg_clrbits(c, PCI_IO_LIMIT, 1, 0xf0);
	pcisim_cfg_setbits(c, PCI_MEMORY_BASE, 2, 0xfff0);
	pcisim_cfg_clrbits(c, PCI_MEMORY_LIMIT, 2, 0xfff0);
	pcisim_cfg_setbits(c, PCI_PREF_MEMORY_BASE, 2, 0xfff0);
	pcisim_cfg_clrbits(c, PCI_PREF_MEMORY_LIMIT, 2, 0xfff0);
	pcisim_cfg_set(c, PCI_PREF_BASE_UPPER32, 0, 4);
	pcisim_cfg_set(c, PCI_PREF_LIMIT_UPPER32, 0, 4);
}

/* ---- pcie-root-port ---- */

static int gen_rp_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &fn->props;
	struct pcisim_qemu_port_config pc = pcisim_qemu_port_defaults(pcisim__compat(fn));
	pc.port = (uint8_t)pcisim_props_u64(pr, "port", 0);
	pc.slot = (uint16_t)pcisim_props_u64(pr, "slot", 0);
	pc.hotplug = pcisim_props_bool(pr, "hotplug", true);
	pc.power_controller = pcisim_props_bool(pr, "power_controller_present", true);
	pc.speed = pcisim__prop_speed(pr, "x-speed", pc.speed);
	pc.width = pcisim__prop_width(pr, "x-width", pc.width);
	pc.acs = pc.acs && !pcisim_props_bool(pr, "disable-acs", false);
	int rc;
	if ((rc = pcisim__res_reserve(fn, &pc.res, d)) || (rc = pcisim__slot_register(fn, d)))
		return rc;
	/* pci_init_multifunction() runs before realize: keep the header bit */
	pcisim__header(fn, PCISIM_VENDOR_ID_REDHAT, PCISIM_DEVICE_ID_REDHAT_PCIE_RP, 0,
		       PCI_CLASS_BRIDGE_PCI << 8);
	if ((rc = pcisim_caps_qemu_root_port(&fn->cfg, &pc)) < 0)
		return pcisim__build_failed(fn, rc, "its capabilities", d);
	pcisim__aer_log_max(fn, 0x100);
	/* pcisim extension: QEMU's ports have no DPC (sim/pcie/dpc.h) */
	if (pcisim_props_bool(pr, "dpc", false)) {
		struct pcisim_dpc_config dc = {.msg_nr = 0}; /* the port's one MSI-X vector */
		if ((rc = pcisim_cap_dpc_init(&fn->cfg, &dc)) < 0)
			return pcisim__build_failed(fn, rc, "its DPC capability", d);
	}
	port_done(fn);
	return 0;
}

/* ---- rp_realize() with a model's class hooks: ioh3420 here, cxl-rp in sim/cxl ---- */

static const struct pcisim__rp_model ioh3420_model = {
	.vendor = 0x8086, .device = 0x3420, .rev = 2, .exp_off = 0x90,
	.speed = PCISIM_LNK_2_5GT, .width = 1,
};

#define RP_SSVID_OFF 0x40 /* ioh3420 IOH_EP_SSVID_OFFSET; cxl-rp's first free is the same */
#define RP_MSI_OFF 0x60   /* IOH_EP_MSI_OFFSET, CXL_RP_MSI_OFFSET */
#define RP_MSI_VECTORS 2  /* IOH_EP_MSI_NR_VECTOR, CXL_RP_MSI_NR_VECTOR */
#define RP_AER_OFF 0x100

int pcisim__rp_realize(struct pcisim_pcifn *fn, const struct pcisim__rp_model *m, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &fn->props;
	struct pcisim_cfg *c = &fn->cfg;
	unsigned compat = pcisim__compat(fn);
	struct pcisim_res_reserve res = PCISIM_RES_RESERVE_UNSET;
	int rc;
	if (m->res_reserve && (rc = pcisim__res_reserve(fn, &res, d)))
		return rc;
	if ((rc = pcisim__slot_register(fn, d)))
		return rc;
	pcisim__header(fn, m->vendor, m->device, m->rev, PCI_CLASS_BRIDGE_PCI << 8);
	pcisim_cfg_set(c, PCI_INTERRUPT_PIN, 1, 1);
	pcisim__port_init_reg(fn, compat);
	/* pci_bridge_ssvid_init(d, rpc->ssvid_offset, dc->vendor_id, rpc->ssid = 0) */
	if ((rc = pcisim_cap_ssvid_init(c, m->ssvid_first_free ? 0 : RP_SSVID_OFF, m->vendor, 0)) < 0 ||
	    (!m->no_msi && (rc = pcisim_cap_msi_init(c, RP_MSI_OFF, RP_MSI_VECTORS, false, true)) < 0))
		return pcisim__build_failed(fn, rc, "its SSVID/MSI capabilities", d);
	struct pcisim_exp_config x = {
		.type = PCI_EXP_TYPE_ROOT_PORT,
		.offset = m->exp_off,
		.port = (uint8_t)pcisim_props_u64(pr, "port", 0),
		.speed = m->speed_props ? pcisim__prop_speed(pr, "x-speed", m->speed) : m->speed,
		.width = m->speed_props ? pcisim__prop_width(pr, "x-width", m->width) : m->width,
		.slot = true,
		.slot_nr = (uint16_t)pcisim_props_u64(pr, "slot", 0),
		.hotplug = pcisim_props_bool(pr, "hotplug", true),
		.power_controller = pcisim_props_bool(pr, "power_controller_present", true),
		.deverr = true,
		.arifwd = true,
		.qemu = compat,
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
	struct pcisim_aer_config a = {
		.offset = RP_AER_OFF,
		.log_max = (uint16_t)pcisim_props_u64(pr, "aer_log_max", PCISIM_ERR_LOG_MAX_DEFAULT),
		.root = true,
		.root_msg_nr = 0, /* one MSI vector allocated at realize */
		.qemu = compat,
	};
	if ((rc = pcisim_cap_aer_init(c, &a)) < 0)
		return pcisim__build_failed(fn, rc, "its AER capability", d);
	if (m->acs_off && !pcisim_props_bool(pr, "disable-acs", false) &&
	    (rc = pcisim_cap_acs_init(c, m->acs_off)) < 0)
		return pcisim__build_failed(fn, rc, "its ACS capability", d);
	if (m->extend && (rc = m->extend(fn, &res, d)))
		return rc;
	port_done(fn);
	return 0;
}

static int ioh3420_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return pcisim__rp_realize(fn, &ioh3420_model, d);
}

/* ---- properties ---- */

static const struct pcisim_prop_def gen_rp_props[] = {
	PCISIM__PROPS_PCIE_PORT,
	PCISIM__PROPS_PCIE_SLOT,
	PCISIM__PROP_PCP,
	PCISIM__PROPS_RES_RESERVE,
	{"x-speed", PCISIM_PROP_CHOICE,
	 "maximum link speed in GT/s (default 16; 2_5 for machine types up to 3.1)", 0, 0,
	 pcisim__speed_choices, true},
	{"x-width", PCISIM_PROP_CHOICE,
	 "maximum link width in lanes (default 32; 1 for machine types up to 3.1)", 0, 0,
	 pcisim__width_choices, true},
	{"disable-acs", PCISIM_PROP_BOOL,
	 "no ACS capability at 0x148 (default off; on for machine types up to 3.1)", 0, 0, NULL,
	 true},
	{"x-migrate-msix", PCISIM_PROP_BOOL, "migrate the MSI-X table (default on)", 0, 0, NULL, false},
	{"aer", PCISIM_PROP_BOOL,
	 "accepted for launch scripts that give it; QEMU's pcie-root-port always has AER at 0x100 and has no such property (default on)",
	 0, 0, NULL, false},
	{"dpc", PCISIM_PROP_BOOL,
	 "pcisim extension, not in QEMU: a Downstream Port Containment capability (ext cap 0x1d, after ACS) that contains the link on uncorrectable errors (default off, as QEMU's ports have no DPC; docs/aer.md)",
	 0, 0, NULL, true},
	{0},
};

static const struct pcisim_prop_def ioh3420_props[] = {
	PCISIM__PROPS_PCIE_PORT,
	PCISIM__PROPS_PCIE_SLOT,
	PCISIM__PROP_PCP,
	{"disable-acs", PCISIM_PROP_BOOL, "accepted; ioh3420 has no ACS capability (default off)", 0, 0,
	 NULL, false},
	{0},
};

/* rp_props, pcie_slot_props and gen_rp_props over QEMU's history (sim/qemu/compat.c) */
static const struct pcisim_prop_gate gen_rp_gates[] = {
	{"x-speed", PCISIM_QEMU_RP_LINK_PROPS, "4.0"},
	{"x-width", PCISIM_QEMU_RP_LINK_PROPS, "4.0"},
	{"disable-acs", PCISIM_QEMU_DISABLE_ACS_PROP, "4.1"},
	{"hotplug", PCISIM_QEMU_SLOT_HOTPLUG_PROP, "5.0"},
	{0},
};
static const struct pcisim_prop_gate ioh3420_gates[] = {
	{"disable-acs", PCISIM_QEMU_DISABLE_ACS_PROP, "4.1"},
	{"hotplug", PCISIM_QEMU_SLOT_HOTPLUG_PROP, "5.0"},
	{0},
};

const struct pcisim_driver pcisim__root_port_drivers[] = {
	{
		.name = "pcie-root-port",
		.help = "PCI Express Root Port (Red Hat 1b36:000c; hw/pci-bridge/gen_pcie_root_port.c)",
		.props = gen_rp_props,
		.prop_gates = gen_rp_gates,
		.hotpluggable = true,
		.realize = gen_rp_realize,
		/* vmstate_rp_dev: VMSTATE_PCI_DEVICE(parent_obj.parent_obj.parent_obj, PCIESlot) */
		.vmsd_path = "parent_obj.parent_obj.parent_obj",
		PCISIM__ROOT_PORT_HOOKS,
	},
	{
		.name = "ioh3420",
		.help = "Intel IOH device id 3420 PCIE Root Port (8086:3420; hw/pci-bridge/ioh3420.c)",
		.props = ioh3420_props,
		.prop_gates = ioh3420_gates,
		.hotpluggable = true,
		.realize = ioh3420_realize,
		/* vmstate_ioh3420 ("ioh-3240-express-root-port"): the same field path */
		.vmsd_name = "ioh-3240-express-root-port",
		.vmsd_path = "parent_obj.parent_obj.parent_obj",
		PCISIM__ROOT_PORT_HOOKS,
	},
	{0},
};
