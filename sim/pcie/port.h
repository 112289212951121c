/*
 * PCI Express ports with a slot: root ports (pcie-root-port, ioh3420, cxl-rp) and
 * switch downstream ports (xio3130-downstream, cxl-downstream). One struct for all of
 * them, so the slot, the port's interrupt and (later) AER root logic are written once;
 * the models differ only in IDs, capability layout and defaults.
 *
 * This header is the port as data, with the helpers every feature that acts on a
 * port needs (pcisim_to_port(), pcisim_is_port(), the port's interrupt). The driver
 * hooks every port model shares, which call into the slot, resets, AER and DPC, are
 * port_driver.h's.
 */
#ifndef PCISIM_PCIE_PORT_H
#define PCISIM_PCIE_PORT_H

#include "sim/core/irq.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link_state.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/slot_state.h"

struct pcisim_port {
	struct pcisim_pcifn fn;
	uint16_t exp;      /* PCI Express capability offset */
	uint16_t aer;      /* AER extended capability offset (0: none) */
	uint16_t msix;     /* MSI-X capability offset (0: none) */
	uint16_t msi;      /* MSI capability offset (0: none) */
	struct pcisim_slot slot;
	struct pcisim_irq irq_msg; /* MSI/MSI-X messages of the port (hotplug, AER, PME) */
	struct pcisim_irq irq_intx;
	struct pcisim_link link;   /* link.c: the link to the component below (LTSSM, speed, width) */
	/* its config writes skip pcie_aer_root_write_config (QEMU 7.2's cxl-rp): Root Error
	 * Command writes leave the INTx level alone */
	bool no_aer_root_write;
};

static inline struct pcisim_port *pcisim_to_port(struct pcisim_pcifn *fn)
{
	return (struct pcisim_port *)fn;
}

static inline const struct pcisim_port *pcisim_to_port_const(const struct pcisim_pcifn *fn)
{
	return (const struct pcisim_port *)fn;
}

/** Is @fn one of the port models (root or downstream port)? */
bool pcisim_is_port(const struct pcisim_pcifn *fn);

/**
 * pcisim_port_intx_status() - QEMU's pci_irq_handler(): Status Interrupt Status shows
 * the function's INTx level (whether or not Command INTx Disable masks the pin).
 * Callers run it after every change of @p->irq_intx.
 */
static inline void pcisim_port_intx_status(struct pcisim_port *p)
{
	if (p->irq_intx.level)
		pcisim_cfg_setbits(&p->fn.cfg, PCI_STATUS, 2, PCI_STATUS_INTERRUPT);
	else
		pcisim_cfg_clrbits(&p->fn.cfg, PCI_STATUS, 2, PCI_STATUS_INTERRUPT);
}

/** Signal the port's interrupt as QEMU does: MSI-X if enabled, else MSI, else INTx level. */
void pcisim_port_notify(struct pcisim_port *p, bool level);

#endif
