/*
 * Linux's AER service (drivers/pci/pcie/aer.c) as a model, `host: {aer: on}`, written
 * from REFERENCE.md 4.6 and Linux's sources (docs/aer.md).
 *
 * Boot: firmware has set Command SERR# Enable on every function (SeaBIOS
 * pci_bios_init_device), Linux sets Bridge Control SERR# Enable on every bridge
 * (pci_configure_serr), clears the AER status of every function with AER and turns on
 * its Device Control reporting enables CERE|NFERE|FERE|URRE (pci_aer_init): the
 * service's init_fn. Its probe binds to every root port with AER
 * (aer_enable_rootport: Device Status and error status cleared, Root Control system
 * error enables off, Root Error Command enables on).
 *
 * The interrupt (aer_irq): Root Error Status is read; nothing to do unless ERR_COR or
 * ERR_FATAL/NONFATAL Received (or their Multiple bits) is set; Error Source
 * Identification is read; Root Error Status is written back to clear it; the pair
 * goes into a 128-entry FIFO for the thread. The thread (aer_isr): correctable first,
 * then uncorrectable; the source devices are found by requester ID or, for multiple
 * errors, by their unmasked status bits (up to 5); correctable errors are cleared in
 * the device; non-fatal errors run pcie_do_recovery(dev, normal), fatal ones
 * pcie_do_recovery(dev, frozen) with aer_root_reset() (aer_recovery.h): Root Error
 * Command off, the secondary bus reset and Linux's waits, Root Error Status cleared,
 * the command on again.
 *
 * A component "aer:<root port>" per service answers the state keys state, recovery
 * (the recovery's state, aer_recovery.h), bound, queued, last, cor, nonfatal, fatal, recoveries, recovered, failed,
 * fifo_overflows (and DPC's: dpc_service.h).
 */
#ifndef PCISIM_HOST_AER_SERVICE_H
#define PCISIM_HOST_AER_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/host/aer_recovery.h"
#include "sim/host/cfg.h"
#include "sim/host/portdrv.h"
#include "sim/host/pt.h"

#define PCISIM_AER_FIFO 128     /* AER_ERROR_SOURCES_MAX: a full FIFO drops (fifo_overflows) */
#define PCISIM_AER_MAX_MULTI 5  /* AER_MAX_MULTI_ERR_DEVICES: sources found for one message */

struct pcisim_aer_port;

/**
 * struct pcisim_dpc_port - the DPC service on one root port (dpc_service.h). It is
 * kept on the AER service's port: DPC's handler runs in the AER service's thread
 * (when @pending), and its state keys are the AER component's.
 */
struct pcisim_dpc_port {
	uint16_t cap;         /* DPC capability offset, 0: none (or the service is off) */
	bool bound;
	bool pending;         /* dpc_irq woke the thread */
	bool recovering;      /* PCI_DPC_RECOVERING */
	bool recovered;       /* PCI_DPC_RECOVERED */
	uint64_t events, recoveries_ok;
	/* dpc_handler(), a protothread on s->pt_one: set by the DPC service when it binds */
	int (*handler)(struct pcisim_aer_port *s);
};

struct pcisim_aer_esrc {
	uint32_t status, id; /* Root Error Status, Error Source Identification */
};

/** struct pcisim_aer_port - the AER service on one root port, and its thread. */
struct pcisim_aer_port {
	struct pcisim_comp comp; /* "aer:<root port>" */
	struct pcisim_host *h;
	struct pcisim_port *port;
	bool bound;
	struct pcisim_aer_esrc fifo[PCISIM_AER_FIFO];
	unsigned head, n;
	uint64_t fifo_overflows;
	/* the thread (aer_isr) and aer_isr_one_error() */
	struct pcisim_pt pt_thread, pt_one;
	bool running;
	struct pcisim_aer_esrc cur;
	/* aer_err_info */
	int sev;                 /* PCISIM_AER_* class of the part being handled */
	uint16_t id;
	bool multi;
	struct pcisim_pcifn *edev[PCISIM_AER_MAX_MULTI];
	unsigned nedev, ei;
	struct pcisim_fn_list cand; /* find_source_device()'s walk */
	/* pcie_do_recovery(), which the DPC service's handler uses too */
	struct pcisim_aer_recovery rec;
	/* aer_root_reset(): pciehp's link and presence events masked around it */
	uint16_t saved_sltctl;
	bool hp_masked;
	uint64_t cor, nonfatal, fatal;
	struct pcisim_dpc_port dpc; /* dpc_service.c */
};

extern const struct pcisim_port_service pcisim_aer_service;

/** The AER service of root port @port, NULL when there is none. */
struct pcisim_aer_port *pcisim_aer_port_of(struct pcisim_host *h, const struct pcisim_pcifn *port);
/** Run @s's thread (it looks at its FIFO and at DPC's pending event). */
void pcisim_aer_port_wake(struct pcisim_aer_port *s);
/**
 * pcisim_aer_setup_fn() - what firmware and Linux set on @fn at boot for error
 * reporting (SERR#, Bridge Control SERR#, pci_aer_init()); the service's init_fn, and
 * what DPC puts back after its link-down reset. Instant accesses, for @why.
 */
void pcisim_aer_setup_fn(struct pcisim_host *h, struct pcisim_pcifn *fn, enum pcisim_host_instant why);
/**
 * pcisim_aer_print_error() - aer_get_device_error_info() + aer_print_error() of @dev
 * for the severity @s handles; returns the unmasked status.
 */
uint32_t pcisim_aer_print_error(struct pcisim_aer_port *s, struct pcisim_pcifn *dev);
/** Is a recovery running for the subtree that holds @fn? */
bool pcisim_host_aer_recovering(struct pcisim_host *h, const struct pcisim_pcifn *fn);

#endif
