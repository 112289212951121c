/*
 * Linux's DPC service (drivers/pci/pcie/dpc.c) as a model, `host: {aer: on, dpc: on}`:
 * dpc_probe (Trigger Enable on ERR_FATAL, DPC Interrupt Enable), dpc_irq (Interrupt
 * Status written back, the thread woken on Trigger Status), dpc_handler (what Linux
 * prints, then pcie_do_recovery(port, frozen, dpc_reset_link)). The hardware is
 * sim/pcie/dpc.h; docs/aer.md describes both.
 *
 * The service binds to root ports with the DPC capability where the AER service is
 * bound (Linux's DPC service needs native AER). pcisim runs its handler in the AER
 * service's thread of the same port (aer_service.h), after the error that thread is
 * handling, not in parallel; its state keys are on the AER service's component
 * (dpc_bound, dpc_events, dpc_recovered).
 */
#ifndef PCISIM_HOST_DPC_SERVICE_H
#define PCISIM_HOST_DPC_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/host/portdrv.h"

struct pcisim_aer_port;

/** struct pcisim_dpc_port - the DPC service on one root port. */
struct pcisim_dpc_port {
	uint16_t cap;         /* DPC capability offset, 0: none (or the service is off) */
	bool bound;
	bool pending;         /* dpc_irq woke the thread */
	bool recovering;      /* PCI_DPC_RECOVERING */
	bool recovered;       /* PCI_DPC_RECOVERED */
	uint64_t events, recoveries_ok;
};

extern const struct pcisim_port_service pcisim_dpc_service;

/** dpc_handler() of @s's port (a protothread on s->pt_one, run by the AER thread). */
int pcisim_dpc_handler(struct pcisim_aer_port *s);
/** The DPC state keys of the AER service's component (-PCISIM_ENOENT: not one). */
int pcisim_dpc_query(const struct pcisim_dpc_port *d, const char *key, struct pcisim_value *v);

#endif
