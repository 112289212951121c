/*
 * The registry of QEMU device models (every dev_*.c table), and what the models
 * share: the compatibility flags of the emulated QEMU version and machine type, the
 * header fields QEMU's PCI core writes for every function (hw/pci/pci.c
 * do_pci_register_device), the PCIe port register quirks (hw/pci/pcie_port.c
 * pcie_port_init_reg), and the DSN and DOE capabilities (hw/pci/pcie.c
 * pcie_dev_ser_num_init, hw/pci/pcie_doe.c pcie_doe_init). The properties the models
 * share are in model_props.c, QEMU's (chassis, slot) registry in chassis.c.
 */
#include "sim/pcie/models.h"

#include "sim/pcie/regs/doe.h"
#include "sim/pcie/regs/dsn.h"
#include "sim/pcie/regs/pci.h"

void pcisim_pcie_models_register(void)
{
	pcisim_drivers_add(pcisim__root_port_drivers);
	pcisim_drivers_add(pcisim__switch_drivers);
	pcisim_drivers_add(pcisim__endpoint_drivers);
	pcisim_drivers_add(pcisim__vfio_drivers);
}

/* ---- compat flags ---- */

bool pcisim__hide_native_hotplug(const struct pcisim_pcifn *fn)
{
	if (fn->hotplugged)
		return false;
	/* The machine's default (sim/qemu/compat.c); an explicit property wins. */
	bool hide = pcisim_machine_has(&fn->fabric->machine, PCISIM_QEMU_HIDE_HPC);
	/* x-native-hotplug (6.1.1 to 7.2; "pci: acpi hotplug: rename x-native-hotplug to
	 * x-do-not-expose-native-hotplug-cap", 8.0) says the same, inverted */
	if (pcisim_props_find(&fn->props, "x-native-hotplug"))
		hide = !pcisim_props_bool(&fn->props, "x-native-hotplug", true);
	return pcisim_props_bool(&fn->props, "x-do-not-expose-native-hotplug-cap", hide);
}

unsigned pcisim__compat(const struct pcisim_pcifn *fn)
{
	unsigned f = fn->fabric->machine.compat & ~(unsigned)PCISIM_QEMU_HIDE_HPC;
	if (pcisim__hide_native_hotplug(fn))
		f |= PCISIM_QEMU_HIDE_HPC;
	return f;
}

/* ---- header ---- */

void pcisim__header(struct pcisim_pcifn *fn, uint16_t vendor, uint16_t device, uint8_t rev,
		    uint32_t class24)
{
	struct pcisim_cfg *c = &fn->cfg;
	pcisim_cfg_set(c, PCI_VENDOR_ID, vendor, 2);
	pcisim_cfg_set(c, PCI_DEVICE_ID, device, 2);
	pcisim_cfg_set(c, PCI_REVISION_ID, rev, 1);
	pcisim_cfg_set(c, PCI_CLASS_PROG, class24, 3);
	/* pci_init_multifunction(): "multifunction=on" sets the header type bit */
	if (pcisim_props_bool(&fn->props, "multifunction", false))
		pcisim_cfg_setbits(c, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_MFD);
	if ((pcisim_cfg_get8(c, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) == PCI_HEADER_TYPE_NORMAL) {
		/* pci_set_default_subsystem_id(): PCI_SUBVENDOR_ID_REDHAT_QUMRANET:PCI_SUBDEVICE_ID_QEMU */
		pcisim_cfg_set(c, PCI_SUBSYSTEM_VENDOR_ID, 0x1af4, 2);
		pcisim_cfg_set(c, PCI_SUBSYSTEM_ID, 0x1100, 2);
	}
}

void pcisim__port_init_reg(struct pcisim_pcifn *fn, unsigned compat)
{
	struct pcisim_cfg *c = &fn->cfg;
	/* "Unlike pci bridge, 66MHz and fast back to back don't apply to pci express port." */
	pcisim_cfg_set(c, PCI_STATUS, pcisim_cfg_get16(c, PCI_STATUS) & PCI_STATUS_CAP_LIST, 2);
	pcisim_cfg_set(c, PCI_SEC_STATUS, 0, 2);
	/* "Does not apply to PCI Express and must be hardwired to 0." */
	pcisim_cfg_mask_clr(c, PCISIM_WMASK, PCI_BRIDGE_CONTROL, 2, PCISIM_BRIDGE_CTL_PCIE_RO);
	/* pci_bridge_initfn(): Secondary Latency Timer RO 0 on PCIe (x-pci-express-writeable-slt-bug) */
	if (compat & PCISIM_QEMU_SEC_LAT_RO) {
		pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_SEC_LATENCY_TIMER, 1, 0);
		pcisim_cfg_set_flags(c, PCISIM_CFG_F_SEC_LAT_RO);
	}
}

bool pcisim__on_root_bus(const struct pcisim_pcifn *fn)
{
	return fn->bus && fn->bus->is_root;
}

int pcisim__build_failed(struct pcisim_pcifn *fn, int rc, const char *what, struct pcisim_diag *d)
{
	return pcisim_diag_error(d, fn->props.loc,
				 "%s '%s': cannot build %s (error %d; a capability did not fit or overlapped)",
				 fn->drv->name, fn->comp.name, what, rc);
}

/* ---- DSN, DOE ---- */

/*
 * QEMU's pcie_add_capability() does not check for overlap, and some devices rely on
 * that: e1000e puts its serial number at 0x140 inside AER (0x100 + 0x48), cxl-type3
 * its DOE at 0x190 inside the Flex Bus DVSEC when sn is set. Where the bytes are
 * free this is pcisim_cfg_add_ext_cap(); otherwise the capability is laid over the
 * older one the way QEMU does it: linked after the last header, its bytes read-only
 * and checked, the older capability's ownership of them left as it was.
 */
static uint16_t ext_cap_qemu(struct pcisim_cfg *c, uint16_t id, uint8_t ver, uint16_t off, uint16_t size)
{
	uint16_t pos = pcisim_cfg_add_ext_cap(c, id, ver, off, size);
	if (pos || !off || off < PCI_CFG_SPACE_SIZE || (off & 3) || off + size > c->size)
		return pos;
	uint16_t last = PCI_CFG_SPACE_SIZE;
	for (unsigned n = 0; n < 1024; n++) {
		uint16_t next = PCI_EXT_CAP_NEXT(pcisim_cfg_get32(c, last));
		if (!next)
			break;
		last = next;
	}
	uint32_t h = pcisim_cfg_get32(c, last);
	if (!h)
		return 0;
	pcisim_cfg_set(c, last, PCISIM_FIELD_SET(PCI_EXT_CAP_NEXT_MASK, h, off), 4);
	pcisim_cfg_set(c, off, PCISIM_EXT_CAP(id, ver, 0), 4);
	pcisim_cfg_mask_fill(c, PCISIM_WMASK, off, size, 0);
	pcisim_cfg_mask_fill(c, PCISIM_W1CMASK, off, size, 0);
	pcisim_cfg_mask_fill(c, PCISIM_CMASK, off, size, 0xff);
	pcisim_cfg_mask_fill(c, PCISIM_STICKY, off, size, 0);
	return off;
}

int pcisim__dsn(struct pcisim_cfg *c, uint16_t off, uint64_t serial)
{
	uint16_t pos = ext_cap_qemu(c, PCI_EXT_CAP_ID_DSN, PCISIM_DSN_VER, off, PCISIM_DSN_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_DSN_LOWER), (uint32_t)serial, 4);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_DSN_UPPER), (uint32_t)(serial >> 32), 4);
	return pos;
}

int pcisim__doe(struct pcisim_cfg *c, uint16_t off, bool intr, uint16_t vec)
{
	uint16_t pos = ext_cap_qemu(c, PCI_EXT_CAP_ID_DOE, PCISIM_DOE_VER, off, PCISIM_DOE_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	/*
	 * QEMU keeps the DOE registers out of config space and answers reads from its
	 * DOECap (pcie_doe_read_config); the Capabilities register is constant, so it
	 * is kept in the bytes here. The mailbox itself is not modelled: Control and
	 * Status read 0 (not busy, no object ready).
	 */
	if (intr)
		pcisim_cfg_set(c, (uint16_t)(pos + PCI_DOE_CAP),
			       PCI_DOE_CAP_INT_SUP | PCISIM_FIELD_PREP(PCI_DOE_CAP_INT_MSG_NUM, vec), 4);
	return pos;
}
