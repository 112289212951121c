/*
 * The state of a port's hot-plug slot, as data: what struct pcisim_port embeds
 * (sim/pcie/port.h). slot.h describes the slot model and its operations.
 */
#ifndef PCISIM_PCIE_SLOT_STATE_H
#define PCISIM_PCIE_SLOT_STATE_H

#include <stdbool.h>

struct pcisim_port;

struct pcisim_slot {
	struct pcisim_port *port;
	bool implemented;
	bool hpev_notified;           /* QEMU dev->exp.hpev_notified */
};

#endif
