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
 * handling, not in parallel; its state (struct pcisim_dpc_port, aer_service.h) is
 * kept on the AER service's port and its state keys are on the AER service's
 * component (dpc_bound, dpc_events, dpc_recovered).
 */
#ifndef PCISIM_HOST_DPC_SERVICE_H
#define PCISIM_HOST_DPC_SERVICE_H

#include "sim/host/portdrv.h"

extern const struct pcisim_port_service pcisim_dpc_service;

#endif
