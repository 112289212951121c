/*
 * What every feature acting on a PCI Express port with a slot needs, whatever QEMU
 * model the port is: which functions are ports, and the port's interrupt (MSI-X, else
 * MSI, else INTx). The models' shared driver hooks are port_driver.c's.
 */
#include "sim/pcie/port.h"

#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"

bool pcisim_is_port(const struct pcisim_pcifn *fn)
{
	return fn->drv->kind == PCISIM_FN_ROOT_PORT || fn->drv->kind == PCISIM_FN_DOWNSTREAM_PORT;
}

void pcisim_port_notify(struct pcisim_port *p, bool level)
{
	struct pcisim_sim *sim = p->fn.comp.sim;
	struct pcisim_cfg *c = &p->fn.cfg;
	if (p->msix) {
		uint16_t f = pcisim_cfg_get16(c, (uint16_t)(p->msix + PCI_MSIX_FLAGS));
		if (f & PCI_MSIX_FLAGS_ENABLE) {
			/* A masked function holds the message pending (PBA); not modelled further. */
			if (!(f & PCI_MSIX_FLAGS_MASKALL))
				pcisim_irq_raise(sim, &p->irq_msg);
			return;
		}
	}
	if (p->msi) {
		uint16_t f = pcisim_cfg_get16(c, (uint16_t)(p->msi + PCI_MSI_FLAGS));
		if (f & PCI_MSI_FLAGS_ENABLE) {
			pcisim_irq_raise(sim, &p->irq_msg);
			return;
		}
	}
	if (pcisim_cfg_get8(c, PCI_INTERRUPT_PIN))
		pcisim_irq_set(sim, &p->irq_intx, level);
}
