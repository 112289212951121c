/*
 * PCI Express ports with a slot: root ports (pcie-root-port, ioh3420, cxl-rp) and
 * switch downstream ports (xio3130-downstream, cxl-downstream). One struct for all of
 * them, so the slot, the port's interrupt and (later) AER root logic are written once;
 * the models differ only in IDs, capability layout and defaults.
 */
#ifndef PCISIM_PCIE_PORT_H
#define PCISIM_PCIE_PORT_H

#include "sim/core/irq.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/slot.h"

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
};

static inline struct pcisim_port *pcisim_to_port(struct pcisim_pcifn *fn)
{
	return (struct pcisim_port *)fn;
}

/** Is @fn one of the port models (root or downstream port)? */
bool pcisim_is_port(const struct pcisim_pcifn *fn);

/** Common realize tail: interrupts and the slot (after the capabilities are built). */
void pcisim_port_realize_common(struct pcisim_port *p);

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

/* Driver hooks shared by every port model. */
void pcisim_port_cfg_write(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len);
void pcisim_port_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);
int pcisim_port_pre_plug(struct pcisim_pcifn *bridge, bool hotplug, struct pcisim_diag *d);
void pcisim_port_plug(struct pcisim_pcifn *bridge, struct pcisim_pcifn *child, bool hotplug);
int pcisim_port_unplug_request(struct pcisim_pcifn *bridge, struct pcisim_pcifn *child,
			       struct pcisim_diag *d);
extern const struct pcisim_comp_ops pcisim_port_ops;

/* The driver fields every port model with a slot shares (root and downstream ports). */
#define PCISIM_PORT_DRIVER_HOOKS(port_kind, reset_fn)                                        \
	.kind = (port_kind), .size = sizeof(struct pcisim_port), .pcie = true, .bridge = true, \
	.cfg_write = pcisim_port_cfg_write, .reset = (reset_fn),                              \
	.pre_plug = pcisim_port_pre_plug, .plug = pcisim_port_plug,                          \
	.unplug_request = pcisim_port_unplug_request, .ops = &pcisim_port_ops

#endif
