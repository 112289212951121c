/*
 * The host: the operating system running on the simulated machine (Linux), as the
 * models of its drivers see it. It boots at a time set in the scenario, enumerates
 * the fabric, binds pcieport and the registered PCIe port services
 * (sim/host/portdrv.h: pciehp, AER, DPC) to the ports, receives the ports' interrupts
 * through their wires and hands them to the services bound to the port.
 *
 * It keeps Linux's view of the devices apart from the fabric: which functions Linux
 * has enumerated (and not removed), and each function's channel state
 * (pci_dev->error_state: normal, frozen while recovery runs, perm_failure after a
 * failed one).
 *
 * Hardware never calls into this folder: the host connects its handlers to the
 * hardware's interrupt wires and makes its config accesses through sim/host/cfg.h.
 */
#ifndef PCISIM_HOST_HOST_H
#define PCISIM_HOST_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/host/host_config.h"
#include "sim/host/portdrv.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/port.h"

struct pcisim_vfio;

struct pcisim_host {
	struct pcisim_comp comp; /* "linux" */
	struct pcisim_fabric *fab;
	struct pcisim_host_config cfg; /* the host: section */
	bool booted;
	bool *visible;           /* per component id: Linux has enumerated this function */
	size_t nvisible;
	uint8_t *io_state;       /* per component id: enum pcisim_io_state, 0 = never set (normal) */
	size_t nio_state;
	void **svc;              /* per port service, in registration order: its state (NULL: not loaded) */
	size_t nsvc;             /* the services registered when the host was started */
	struct pcisim_vfio *vfio; /* vfio_passthrough.c: passed-through functions and their guests
				   * (made by the AER service's build, freed by its free) */
};

/* pci_channel_state_t (include/linux/pci.h) */
enum pcisim_io_state {
	PCISIM_IO_NORMAL = 1,
	PCISIM_IO_FROZEN = 2,
	PCISIM_IO_PERM_FAILURE = 3,
};

struct pcisim_host *pcisim_host_of(struct pcisim_sim *sim);

/**
 * pcisim_host_create() - the host of @sim from its host: section (@cfg, taken over:
 * the drivers array belongs to the host afterwards): its component "linux".
 * Error (located at @loc): the name is taken by a device id.
 */
struct pcisim_host *pcisim_host_create(struct pcisim_sim *sim, struct pcisim_host_config *cfg,
				       struct pcisim_loc loc, struct pcisim_diag *d);
/** pcisim_host_start() - build the port services and schedule Linux's boot. */
int pcisim_host_start(struct pcisim_host *h, struct pcisim_diag *d);

/** The state @svc's build returned for @h (NULL: not loaded, or no host). */
void *pcisim_port_service_data(const struct pcisim_host *h, const struct pcisim_port_service *svc);

/** Enumerate below @bus as Linux does (devfn 0 first; others only if multi-function). */
void pcisim_host_scan_bus(struct pcisim_host *h, struct pcisim_pcibus *bus, const char *why);
/** Remove Linux's view of everything below @bus (drivers and port services unbound). */
void pcisim_host_remove_bus(struct pcisim_host *h, struct pcisim_pcibus *bus, bool surprise);
/** pcisim_host_add_fn() - Linux scans @fn itself (and below it, if a bridge): pci_hp_add_devices(). */
void pcisim_host_add_fn(struct pcisim_host *h, struct pcisim_pcifn *fn, const char *why);
/**
 * pcisim_host_remove_fn() - Linux forgets @fn (its driver, or pcieport's services,
 * unbound; the "linux.device" record says @why) after everything below it (a safe
 * removal of each).
 */
void pcisim_host_remove_fn(struct pcisim_host *h, struct pcisim_pcifn *fn, const char *why);
bool pcisim_host_bus_empty(struct pcisim_host *h, struct pcisim_pcibus *bus);

/** Has Linux enumerated @fn (and not removed it)? (Linux's view: a surprise-removed
 * function stays visible until a driver notices.) */
bool pcisim_host_visible(struct pcisim_host *h, const struct pcisim_pcifn *fn);
/** The Linux driver bound to @fn's model ("e1000e", "pcieport"), NULL for none. */
const char *pcisim_host_linux_driver(const struct pcisim_pcifn *fn);

/** The channel state Linux has for @fn (NORMAL when nothing ever changed it). */
enum pcisim_io_state pcisim_host_io_state(struct pcisim_host *h, const struct pcisim_pcifn *fn);
/**
 * pcisim_host_set_io_state() - pci_dev_set_io_state(): perm_failure is absorbing
 * (false, nothing changes, when @s is another state). A change is an "aer.io_state"
 * record of @fn.
 */
bool pcisim_host_set_io_state(struct pcisim_host *h, struct pcisim_pcifn *fn, enum pcisim_io_state s);
const char *pcisim_io_state_name(enum pcisim_io_state s);

/* The host's record kinds (register.c registers them). */
extern const struct pcisim_record_kind pcisim_host_kinds[];

/**
 * pcisim_host_register() - the host layer's registration (sim/host/register.c): the
 * host: section, the guest actions, the record kinds, the port services.
 */
void pcisim_host_register(void);

#endif
