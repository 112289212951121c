/*
 * The driver hooks every port model with a slot shares (sim/pcie/port_driver.c): the
 * common realize tail, the order in which a guest config write reaches the bridge,
 * slot, AER and DPC logic (QEMU rp_write_config), the reset (rp_reset_hold), the
 * hot-plug handler of the secondary bus, and save/load of the port's state for
 * migration. The models (dev_root_port.c, dev_switch.c, sim/cxl's ports) use them
 * through PCISIM_PORT_DRIVER_HOOKS.
 */
#ifndef PCISIM_PCIE_PORT_DRIVER_H
#define PCISIM_PCIE_PORT_DRIVER_H

#include "sim/pcie/port.h"

/** Common realize tail: interrupts and the slot (after the capabilities are built). */
void pcisim_port_realize_common(struct pcisim_port *p);

/* Driver hooks shared by every port model. */
void pcisim_port_cfg_write(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len);
void pcisim_port_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);
int pcisim_port_pre_plug(struct pcisim_pcifn *bridge, bool hotplug, struct pcisim_diag *d);
void pcisim_port_plug(struct pcisim_pcifn *bridge, struct pcisim_pcifn *child, bool hotplug);
int pcisim_port_unplug_request(struct pcisim_pcifn *bridge, struct pcisim_pcifn *child,
			       struct pcisim_diag *d);
extern const struct pcisim_comp_ops pcisim_port_ops;

/*
 * The driver fields every port model with a slot shares (root and downstream ports);
 * _SIZED for a model whose struct embeds struct pcisim_port first (the CXL ports).
 */
#define PCISIM_PORT_DRIVER_HOOKS(port_kind, reset_fn) \
	PCISIM_PORT_DRIVER_HOOKS_SIZED(port_kind, reset_fn, sizeof(struct pcisim_port))
#define PCISIM_PORT_DRIVER_HOOKS_SIZED(port_kind, reset_fn, model_size)                      \
	.kind = (port_kind), .size = (model_size), .pcie = true, .bridge = true,              \
	.cfg_write = pcisim_port_cfg_write, .reset = (reset_fn),                              \
	.pre_plug = pcisim_port_pre_plug, .plug = pcisim_port_plug,                          \
	.unplug_request = pcisim_port_unplug_request, .ops = &pcisim_port_ops

#endif
