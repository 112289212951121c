/*
 * The sPAPR PCI host bridge (QEMU hw/ppc/spapr_pci.c, "spapr-pci-host-bridge"): the
 * host bridge of a pseries root bus, with its index and BUID (SPAPR_PCI_BASE_BUID +
 * index). QEMU's pseries machine creates PHB 0 with the root bus "pci.0"; more come
 * from -device spapr-pci-host-bridge,index=N (their root bus is named after the id).
 *
 * Firmware (SLOF) assigns the BARs of the functions on the root bus from the PHB's
 * 32-bit MMIO window before the guest boots; pcisim__eeh_phb_assign_bars() does it as
 * each function is plugged and after each machine reset (fabric hooks), in creation
 * order, each BAR aligned to its size, from the window's PCI address 0x80000000
 * (SPAPR_PCI_MEM_WIN_BUS_OFFSET). ibm,errinjct checks its addresses against them.
 */
#include "sim/eeh/eeh_int.h"

#include "sim/pcie/regs/pci.h"

/* SPAPR_PCI_MEM_WIN_BUS_OFFSET (QEMU include/hw/pci-host/spapr.h) */
#define SPAPR_PCI_MEM_WIN_BUS_OFFSET 0x80000000u

struct spapr_phb {
	struct pcisim_pcifn fn;
	uint64_t next_mmio; /* the next free PCI address of the 32-bit window */
};

static int phb_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct spapr_phb *p = (struct spapr_phb *)fn;
	p->next_mmio = SPAPR_PCI_MEM_WIN_BUS_OFFSET;
	return 0;
}

void pcisim__eeh_phb_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	/* firmware runs again after a machine reset: the window is assigned afresh */
	if (pcisim_eeh_is_phb(fn))
		((struct spapr_phb *)fn)->next_mmio = SPAPR_PCI_MEM_WIN_BUS_OFFSET;
	else
		pcisim__eeh_phb_assign_bars(fn);
}

void pcisim__eeh_phb_assign_bars(struct pcisim_pcifn *child)
{
	struct pcisim_pcifn *phb = pcisim_eeh_phb_of(child);
	if (!phb || child->bus->bridge)
		return;
	struct spapr_phb *p = (struct spapr_phb *)phb;
	struct pcisim_cfg *c = &child->cfg;
	unsigned nbars = child->drv->bridge ? 2 : 6;
	for (unsigned b = 0; b < nbars; b++) {
		uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * b);
		uint32_t v = pcisim_cfg_get32(c, off);
		uint32_t w = pcisim_cfg_mask_get(c, PCISIM_WMASK, off, 4);
		if (!w || (v & PCI_BASE_ADDRESS_SPACE_IO))
			continue;
		uint64_t size = (uint64_t)(uint32_t)~w + 1; /* the wmask leaves the type bits out */
		bool is64 = v & PCI_BASE_ADDRESS_MEM_TYPE_64;
		uint64_t base = (p->next_mmio + size - 1) & ~(size - 1);
		if (base + size > 0x100000000ull)
			continue; /* the 32-bit window is full: SLOF leaves it unassigned */
		pcisim_cfg_set(c, off, (uint32_t)base | (v & 0xfu), 4);
		p->next_mmio = base + size;
		if (is64)
			b++; /* the upper dword stays 0 */
	}
}

static const struct pcisim_prop_def phb_props[] = {
	{"index", PCISIM_PROP_INT, "the PHB's index: BUID = 0x800000020000000 + index (default 0)", 0, 255,
	 NULL, true},
	{0},
};

const struct pcisim_driver pcisim_eeh_phb_drivers[] = {
	{
		.name = PCISIM_SPAPR_PHB_DRIVER,
		.help = "sPAPR PCI host bridge: a pseries root bus with EEH (hw/ppc/spapr_pci.c)",
		.kind = PCISIM_FN_HOST_BRIDGE,
		.size = sizeof(struct spapr_phb),
		.props = phb_props,
		.realize = phb_realize,
	},
	{0},
};
