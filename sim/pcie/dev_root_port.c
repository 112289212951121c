/*
 * QEMU's PCI Express root ports: pcie-root-port (Red Hat's generic port), ioh3420
 * (the older Intel X58 IOH model) and cxl-rp (CXL 2.0 root port). Each is a
 * type 1 function with a hot-plug slot, built capability by capability as its
 * realize function does; the slot, interrupt and reset behaviour is port.c's.
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
 *  - hw/pci-bridge/cxl_root_port.c: 8086:7075 rev 0, SSVID first free (0x40), MSI
 *    0x60 as ioh3420, PCIe first free (0x74), AER 0x100, ACS 0x148, DVSECs from 0x150
 *    (extensions, GPF, Flex Bus, Register Locator), the component registers in a
 *    64-bit BAR 0, x-speed 64, x-width 32, I/O window disabled unless io-reserve is
 *    set to a non-zero size; not hot-pluggable itself; no VMState.
 * The AER message number of ioh3420/cxl-rp follows the MSI vectors the guest
 * enables (rp_aer_vector_update); at realize it is 0.
 */
#include "sim/pcie/models_int.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

/* The slot and port properties every root port has, and the checks on them. */
static int slot_register(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return pcisim__chassis_add_slot(fn, (unsigned)pcisim_props_u64(&fn->props, "chassis", 0),
					(unsigned)pcisim_props_u64(&fn->props, "slot", 0), d);
}

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
static void rp_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
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
	pc.speed = pcisim__prop_speed(pr, "x-speed", PCISIM_LNK_16GT);
	pc.width = pcisim__prop_width(pr, "x-width", 32);
	pc.acs = !pcisim_props_bool(pr, "disable-acs", false);
	int rc;
	if ((rc = pcisim__res_reserve(fn, &pc.res, d)) || (rc = slot_register(fn, d)))
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

/* ---- ioh3420 and cxl-rp: rp_realize() with their class hooks ---- */

struct rp_model {
	uint16_t vendor, device;
	uint8_t rev;
	uint8_t exp_off;      /* rpc->exp_offset, 0 = first free */
	uint16_t acs_off;     /* rpc->acs_offset, 0 = none */
	uint8_t speed, width; /* defaults (no x-speed property: rp_instance_post_init) */
	bool cxl;
};

static const struct rp_model ioh3420_model = {
	.vendor = 0x8086, .device = 0x3420, .rev = 2, .exp_off = 0x90,
	.speed = PCISIM_LNK_2_5GT, .width = 1,
};
static const struct rp_model cxl_rp_model = {
	.vendor = 0x8086, .device = 0x7075, .rev = 0, .exp_off = 0,
	.acs_off = 0x100 + PCISIM_ERR_SIZEOF, .speed = PCISIM_LNK_64GT, .width = 32, .cxl = true,
};

#define RP_SSVID_OFF 0x40 /* ioh3420 IOH_EP_SSVID_OFFSET; cxl-rp's first free is the same */
#define RP_MSI_OFF 0x60   /* IOH_EP_MSI_OFFSET, CXL_RP_MSI_OFFSET */
#define RP_MSI_VECTORS 2  /* IOH_EP_MSI_NR_VECTOR, CXL_RP_MSI_NR_VECTOR */
#define RP_AER_OFF 0x100
#define CXL_RP_DVSEC_OFF (0x100 + PCISIM_ERR_SIZEOF + PCISIM_ACS_SIZEOF) /* CXL_ROOT_PORT_DVSEC_OFFSET */

static int model_rp_realize(struct pcisim_pcifn *fn, const struct rp_model *m, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &fn->props;
	struct pcisim_cfg *c = &fn->cfg;
	unsigned compat = pcisim__compat(fn);
	struct pcisim_res_reserve res = PCISIM_RES_RESERVE_UNSET;
	int rc;
	if (m->cxl && (rc = pcisim__res_reserve(fn, &res, d)))
		return rc;
	if ((rc = slot_register(fn, d)))
		return rc;
	pcisim__header(fn, m->vendor, m->device, m->rev, PCI_CLASS_BRIDGE_PCI << 8);
	pcisim_cfg_set(c, PCI_INTERRUPT_PIN, 1, 1);
	pcisim__port_init_reg(fn, compat);
	/* pci_bridge_ssvid_init(d, rpc->ssvid_offset, dc->vendor_id, rpc->ssid = 0) */
	if ((rc = pcisim_cap_ssvid_init(c, m->cxl ? 0 : RP_SSVID_OFF, m->vendor, 0)) < 0 ||
	    (rc = pcisim_cap_msi_init(c, RP_MSI_OFF, RP_MSI_VECTORS, false, true)) < 0)
		return pcisim__build_failed(fn, rc, "its SSVID/MSI capabilities", d);
	struct pcisim_exp_config x = {
		.type = PCI_EXP_TYPE_ROOT_PORT,
		.offset = m->exp_off,
		.port = (uint8_t)pcisim_props_u64(pr, "port", 0),
		.speed = m->cxl ? pcisim__prop_speed(pr, "x-speed", m->speed) : m->speed,
		.width = m->cxl ? pcisim__prop_width(pr, "x-width", m->width) : m->width,
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
	if (m->cxl) {
		/* cxl_rp_realize(): reserve capability, I/O window, DVSECs, component BAR */
		if ((rc = pcisim_cap_qemu_res_reserve_init(c, 0, &res)) < 0)
			return pcisim__build_failed(fn, rc, "its resource-reserve capability", d);
		if (!res.io || res.io == UINT64_MAX) {
			pcisim_cfg_mask_clr(c, PCISIM_WMASK, PCI_COMMAND, 2, PCI_COMMAND_IO);
			pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_IO_BASE, 1, 0);
			pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_IO_LIMIT, 1, 0);
		}
		if ((rc = pcisim__cxl_port_dvsecs(c, CXL_RP_DVSEC_OFF, PCISIM__CXL_ROOT_PORT)) < 0 ||
		    (rc = pcisim__cxl_component_bar(c)) < 0)
			return pcisim__build_failed(fn, rc, "its CXL DVSECs", d);
	}
	port_done(fn);
	return 0;
}

static int ioh3420_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return model_rp_realize(fn, &ioh3420_model, d);
}

static int cxl_rp_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return model_rp_realize(fn, &cxl_rp_model, d);
}

/* ---- properties ---- */

static const struct pcisim_prop_def gen_rp_props[] = {
	PCISIM__PROPS_PCIE_PORT,
	PCISIM__PROPS_PCIE_SLOT,
	PCISIM__PROP_PCP,
	PCISIM__PROPS_RES_RESERVE,
	{"x-speed", PCISIM_PROP_CHOICE, "maximum link speed in GT/s (default 16)", 0, 0,
	 pcisim__speed_choices, true},
	{"x-width", PCISIM_PROP_CHOICE, "maximum link width in lanes (default 32)", 0, 0,
	 pcisim__width_choices, true},
	{"disable-acs", PCISIM_PROP_BOOL, "no ACS capability at 0x148 (default off)", 0, 0, NULL, true},
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

/* The hooks every root port shares (port.c); root ports reset through rp_reset. */
#define ROOT_PORT_HOOKS PCISIM_PORT_DRIVER_HOOKS(PCISIM_FN_ROOT_PORT, rp_reset)

const struct pcisim_driver pcisim__root_port_drivers[] = {
	{
		.name = "pcie-root-port",
		.help = "PCI Express Root Port (Red Hat 1b36:000c; hw/pci-bridge/gen_pcie_root_port.c)",
		.props = gen_rp_props,
		.hotpluggable = true,
		.realize = gen_rp_realize,
		/* vmstate_rp_dev: VMSTATE_PCI_DEVICE(parent_obj.parent_obj.parent_obj, PCIESlot) */
		.vmsd_path = "parent_obj.parent_obj.parent_obj",
		ROOT_PORT_HOOKS,
	},
	{
		.name = "ioh3420",
		.help = "Intel IOH device id 3420 PCIE Root Port (8086:3420; hw/pci-bridge/ioh3420.c)",
		.props = ioh3420_props,
		.hotpluggable = true,
		.realize = ioh3420_realize,
		/* vmstate_ioh3420 ("ioh-3240-express-root-port"): the same field path */
		.vmsd_name = "ioh-3240-express-root-port",
		.vmsd_path = "parent_obj.parent_obj.parent_obj",
		ROOT_PORT_HOOKS,
	},
	{
		.name = "cxl-rp",
		.help = "CXL Root Port (8086:7075; hw/pci-bridge/cxl_root_port.c)",
		.props = cxl_rp_props,
		.hotpluggable = false, /* dc->hotpluggable = false */
		.realize = cxl_rp_realize,
		.vmsd_path = NULL, /* no VMStateDescription in QEMU */
		ROOT_PORT_HOOKS,
	},
	{0},
};
