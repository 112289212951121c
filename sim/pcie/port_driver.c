/*
 * The driver hooks every PCI Express port with a slot shares, whatever QEMU model it
 * is (port_driver.h): the realize tail (interrupts and the slot), the order in which
 * a guest config write reaches the bridge, slot, AER and DPC logic (QEMU
 * rp_write_config), the reset (rp_reset_hold), the secondary bus's hot-plug handler
 * (the slot's), and save/load of the port's state for migration.
 */
#include "sim/pcie/port_driver.h"

#include <assert.h>

#include "sim/pcie/aer.h"
#include "sim/pcie/dpc.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"
#include "sim/pcie/slot.h"

void pcisim_port_realize_common(struct pcisim_port *p)
{
	/* AER's fabric hook leaves every port to pcisim_port_cfg_write() (aer.c). */
	assert(p->fn.drv->cfg_write == pcisim_port_cfg_write);
	pcisim_irq_init(&p->irq_msg, &p->fn.comp, "msi");
	pcisim_irq_init(&p->irq_intx, &p->fn.comp, "intx");
	pcisim_slot_init(&p->slot, p);
}

void pcisim_port_cfg_write(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len)
{
	struct pcisim_port *p = pcisim_to_port(fn);
	uint16_t old_ctl = 0, old_sta = 0;
	if (p->slot.implemented) {
		old_ctl = pcisim_cfg_get16(&fn->cfg, (uint16_t)(p->exp + PCI_EXP_SLTCTL));
		old_sta = pcisim_cfg_get16(&fn->cfg, (uint16_t)(p->exp + PCI_EXP_SLTSTA));
	}
	uint16_t old_bctl = pcisim_cfg_get16(&fn->cfg, PCI_BRIDGE_CONTROL);
	uint32_t old_root_cmd = pcisim_aer_root_cmd(p); /* aer.c */
	/* dpc.c: only a write to the extended space can reach the DPC capability */
	uint16_t old_dpc_sta = off + len > PCI_CFG_SPACE_SIZE ? pcisim_dpc_status(p) : 0;
	pcisim_cfg_write(&fn->cfg, off, val, len);
	/* reset.c/link.c: Secondary Bus Reset edges, Link Disable, Retrain Link (as QEMU's
	 * pci_bridge_write_config() handles SBR before the slot hooks) */
	pcisim_reset_port_cfg_written(p, old_bctl, off, val, len);
	pcisim_slot_write_config(&p->slot, old_ctl, old_sta, off, val, len);
	/* aer.c: QEMU's pcie_aer_write_config, then pcie_aer_root_write_config */
	pcisim_aer_port_cfg_written(p, old_root_cmd, off, val, len);
	/* dpc.c: Trigger Status cleared releases containment; Software Trigger */
	pcisim_dpc_port_cfg_written(p, old_dpc_sta, off, val, len);
}

void pcisim_port_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	struct pcisim_port *p = pcisim_to_port(fn);
	pcisim_fn_reset_default(fn, kind);
	/* pcie_cap_deverr_reset: error reporting enables off. */
	pcisim_cfg_clrbits(&fn->cfg, (uint16_t)(p->exp + PCI_EXP_DEVCTL), 2,
			   PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE |
				   PCI_EXP_DEVCTL_URRE);
	pcisim_slot_reset(&p->slot);
}

int pcisim_port_pre_plug(struct pcisim_pcifn *bridge, bool hotplug, struct pcisim_diag *d)
{
	return pcisim_slot_pre_plug(&pcisim_to_port(bridge)->slot, hotplug, d);
}

void pcisim_port_plug(struct pcisim_pcifn *bridge, struct pcisim_pcifn *child, bool hotplug)
{
	pcisim_slot_plug(&pcisim_to_port(bridge)->slot, child, hotplug);
}

int pcisim_port_unplug_request(struct pcisim_pcifn *bridge, struct pcisim_pcifn *child,
			       struct pcisim_diag *d)
{
	return pcisim_slot_unplug_request(&pcisim_to_port(bridge)->slot, child, d);
}

/* ---- migration: the config bytes, then the slot's derived state ---- */

static int port_save(struct pcisim_comp *c, struct pcisim_blob *out)
{
	struct pcisim_pcifn *fn = pcisim_to_fn(c);
	pcisim_fn_save_config(fn, out);
	return 0;
}

static int port_load(struct pcisim_comp *c, struct pcisim_blob_reader *in, struct pcisim_diag *d)
{
	struct pcisim_pcifn *fn = pcisim_to_fn(c);
	int rc = pcisim_fn_load_config(fn, in, d);
	if (rc)
		return rc;
	pcisim_slot_post_load(&pcisim_to_port(fn)->slot);
	return 0;
}

static void port_describe(struct pcisim_comp *c, FILE *out)
{
	struct pcisim_port *p = pcisim_to_port(pcisim_to_fn(c));
	pcisim_fn_describe(&p->fn, out);
	if (p->slot.implemented) {
		char a[128], b[64];
		fprintf(out, "  slot: %s; status %s; interrupt pending %s\n",
			pcisim_slot_ctl_names(pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_SLTCTL)), a, sizeof(a)),
			pcisim_slot_sta_names(pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_SLTSTA)), b, sizeof(b)),
			p->slot.hpev_notified ? "yes" : "no");
	}
}

const struct pcisim_comp_ops pcisim_port_ops = {
	.save = port_save,
	.load = port_load,
	.describe = port_describe,
};
