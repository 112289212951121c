/*
 * QEMU device presets: the whole config space of a QEMU port or endpoint at realize
 * time, assembled from the capability builders (sim/pcie/caps.c) in the order and at
 * the offsets QEMU's realize functions use (hw/pci-bridge/gen_pcie_root_port.c,
 * pcie_root_port.c, xio3130_downstream.c), with the header registers those functions
 * and pci_bridge_initfn() write. The facts are in docs/config-space.md.
 */
#include "sim/pcie/caps_qemu.h"

#include "sim/core/diag.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/regs/pm.h"

struct pcisim_qemu_port_config pcisim_qemu_port_defaults(unsigned qemu)
{
	/* gen_pcie_root_port.c gen_rp_props, pcie_port.c pcie_slot_props, rp_props */
	return (struct pcisim_qemu_port_config){
		.qemu = qemu,
		.hotplug = true,
		.power_controller = true,
		.speed = qemu & PCISIM_QEMU_RP_FAST_LINK ? PCISIM_LNK_16GT : PCISIM_LNK_2_5GT,
		.width = qemu & PCISIM_QEMU_RP_FAST_LINK ? 32 : 1,
		.acs = (qemu & PCISIM_QEMU_RP_ACS) != 0,
		.res = PCISIM_RES_RESERVE_UNSET,
	};
}

static void header_ids(struct pcisim_cfg *c, uint16_t vendor, uint16_t device, uint32_t class_rev)
{
	pcisim_cfg_set(c, PCI_VENDOR_ID, vendor, 2);
	pcisim_cfg_set(c, PCI_DEVICE_ID, device, 2);
	pcisim_cfg_set(c, PCI_REVISION_ID, class_rev, 4);
}

/* pci_bridge_initfn() + pcie_port_init_reg() register effects. */
static void pcie_port_header(struct pcisim_cfg *c, unsigned qemu)
{
	pcisim_cfg_set(c, PCI_HEADER_TYPE,
		       (pcisim_cfg_get8(c, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MFD) | PCI_HEADER_TYPE_BRIDGE, 1);
	/* "For express secondary buses, secondary latency timer is RO 0" (machines >= 8.2) */
	if (qemu & PCISIM_QEMU_SEC_LAT_RO) {
		pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_SEC_LATENCY_TIMER, 1, 0);
		pcisim_cfg_set_flags(c, PCISIM_CFG_F_SEC_LAT_RO);
	}
	/* "66MHz and fast back to back don't apply to pci express port" */
	pcisim_cfg_set(c, PCI_STATUS, pcisim_cfg_get16(c, PCI_STATUS) & PCI_STATUS_CAP_LIST, 2);
	pcisim_cfg_set(c, PCI_SEC_STATUS, 0, 2);
	pcisim_cfg_mask_clr(c, PCISIM_WMASK, PCI_BRIDGE_CONTROL, 2, PCISIM_BRIDGE_CTL_PCIE_RO);
}

int pcisim_caps_qemu_root_port(struct pcisim_cfg *c, const struct pcisim_qemu_port_config *p)
{
	int rc;
	/* a PCIe config space initialised with type 1 header masks */
	if (c->size != PCISIM_CFG_PCIE_SIZE ||
	    (pcisim_cfg_get8(c, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) != PCI_HEADER_TYPE_BRIDGE)
		return PCISIM_ERR(PCISIM_EINVAL);
	/* rp_realize(): pin A, bridge, port registers */
	header_ids(c, PCISIM_VENDOR_ID_REDHAT, PCISIM_DEVICE_ID_REDHAT_PCIE_RP, PCI_CLASS_BRIDGE_PCI << 16);
	pcisim_cfg_set(c, PCI_INTERRUPT_PIN, 1, 1);
	pcie_port_header(c, p->qemu);
	if ((rc = pcisim_cap_ssvid_init(c, 0, PCISIM_VENDOR_ID_REDHAT, 0)) < 0)
		return rc;
	/* gen_rp_interrupts_init(): one MSI-X vector in an exclusive BAR 0 */
	if ((rc = pcisim_cap_msix_init_exclusive_bar(c, 1, 0)) < 0)
		return rc;
	struct pcisim_exp_config x = {
		.type = PCI_EXP_TYPE_ROOT_PORT,
		.port = p->port,
		.speed = p->speed,
		.width = p->width,
		.slot = true,
		.slot_nr = p->slot,
		.hotplug = p->hotplug,
		.power_controller = p->power_controller,
		.deverr = true,
		.arifwd = true,
		.qemu = p->qemu,
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return rc;
	struct pcisim_aer_config a = {
		.offset = 0x100,
		.log_max = PCISIM_ERR_LOG_MAX_DEFAULT,
		.root = true,
		.root_msg_nr = 0, /* gen_rp_aer_vector() */
		.qemu = p->qemu,
	};
	if ((rc = pcisim_cap_aer_init(c, &a)) < 0)
		return rc;
	if (p->acs && (rc = pcisim_cap_acs_init(c, 0x100 + PCISIM_ERR_SIZEOF)) < 0)
		return rc;
	/* gen_rp_realize(): the 6.1 compat reserves I/O, then the vendor capability;
	 * with io-reserve=0 the port forwards no I/O at all. */
	struct pcisim_res_reserve res = p->res;
	if ((p->qemu & PCISIM_QEMU_HIDE_HPC) && res.io == UINT64_MAX && p->hotplug)
		res.io = 4096;
	if ((rc = pcisim_cap_qemu_res_reserve_init(c, 0, &res)) < 0)
		return rc;
	if (res.io == 0) {
		pcisim_cfg_set_flags(c, PCISIM_CFG_F_NO_IO);
		pcisim_cfg_mask_clr(c, PCISIM_WMASK, PCI_COMMAND, 2, PCI_COMMAND_IO);
		pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_IO_BASE, 1, 0);
		pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_IO_LIMIT, 1, 0);
	}
	return 0;
}

int pcisim_caps_qemu_downstream_port(struct pcisim_cfg *c, const struct pcisim_qemu_port_config *p)
{
	int rc;
	/* a PCIe config space initialised with type 1 header masks */
	if (c->size != PCISIM_CFG_PCIE_SIZE ||
	    (pcisim_cfg_get8(c, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK) != PCI_HEADER_TYPE_BRIDGE)
		return PCISIM_ERR(PCISIM_EINVAL);
	/* xio3130_downstream_realize() */
	header_ids(c, PCISIM_VENDOR_ID_TI, PCISIM_DEVICE_ID_TI_XIO3130D, PCI_CLASS_BRIDGE_PCI << 16 | 1);
	pcie_port_header(c, p->qemu);
	if ((rc = pcisim_cap_msi_init(c, 0x70, 1, true, false)) < 0)
		return rc;
	if ((rc = pcisim_cap_ssvid_init(c, 0x80, 0, 0)) < 0)
		return rc;
	struct pcisim_exp_config x = {
		.type = PCI_EXP_TYPE_DOWNSTREAM,
		.offset = 0x90,
		.port = p->port,
		.speed = p->speed,
		.width = p->width,
		.slot = true,
		.slot_nr = p->slot,
		.hotplug = p->hotplug,
		.power_controller = p->power_controller,
		.flr = true,
		.deverr = true,
		.arifwd = true,
		.qemu = p->qemu,
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return rc;
	struct pcisim_aer_config a = {
		.offset = 0x100,
		.log_max = PCISIM_ERR_LOG_MAX_DEFAULT,
		.qemu = p->qemu,
	};
	if ((rc = pcisim_cap_aer_init(c, &a)) < 0)
		return rc;
	/* No ACS: the 2020 patch adding it to xio3130 (x-disable-acs) was not merged;
	 * @p->acs is pcie-root-port's. */
	return 0;
}

int pcisim_caps_endpoint(struct pcisim_cfg *c, const struct pcisim_endpoint_config *e)
{
	int rc;
	if (c->size != PCISIM_CFG_PCIE_SIZE)
		return PCISIM_ERR(PCISIM_EINVAL);
	header_ids(c, e->vendor, e->device, e->class_rev);
	if (e->pm) {
		struct pcisim_pm_config pm = {.pmc = PCISIM_PM_CAP_VER_1_2, .state_rw = true};
		if ((rc = pcisim_cap_pm_init(c, 0, &pm)) < 0)
			return rc;
	}
	if (e->msi_vectors && (rc = pcisim_cap_msi_init(c, 0, e->msi_vectors, true, true)) < 0)
		return rc;
	if (e->msix_vectors && (rc = pcisim_cap_msix_init_exclusive_bar(c, e->msix_vectors, e->msix_bar)) < 0)
		return rc;
	struct pcisim_exp_config x = {
		.type = e->type,
		.flr = true,
		.deverr = true,
		.qemu = e->qemu,
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return rc;
	if (e->aer) {
		struct pcisim_aer_config a = {.offset = 0x100, .qemu = e->qemu};
		if ((rc = pcisim_cap_aer_init(c, &a)) < 0)
			return rc;
	}
	return 0;
}
