/*
 * The PCIe port services (Linux's pcieport driver and its pcie_port_service_driver
 * table, drivers/pci/pcie/portdrv.c): each service (pciehp, AER, DPC; later EEH, CXL)
 * is a const table of operations that registers itself with
 * pcisim_port_service_add() from the host layer's register function
 * (sim/host/register.c). The host (host.c) builds, boots, interrupts and tears them
 * down only by walking the registered services: a new service is a new registration
 * there, never a new call in host.c.
 *
 * Life of a service:
 *  build     once, when the host is built from the host: section (the section is
 *            read and checked before): returns the service's state, or NULL when
 *            the service is not loaded (its key is off); only loaded services get the
 *            other calls. Components made here exist before boot, so a scenario can
 *            name them. Services are built in registration order.
 *  init_fn   at Linux's boot, after pcieport has bound every port: once per function
 *            Linux enumerated (what the PCI core does for the service at enumeration,
 *            as pci_aer_init()).
 *  probe     at boot, once per port Linux enumerated: the service binds to the port
 *            when it applies to it. The round (below) says when.
 *  irq       the port's interrupt, taken by the CPU: the services share the port's
 *            vector (QEMU's ports give every service message number 0), so each
 *            looks at its own status and returns at once when it is not its event.
 *  remove    Linux forgets the port (its device was removed): the service unbinds.
 *  free      the host is destroyed.
 *
 * Order. Boot runs in two rounds. PCISIM_PORTSVC_WITH_PCIEPORT services probe a port
 * as pcieport binds it, right after its vector is enabled and connected (pciehp).
 * Then every service's init_fn runs over every function, and then the
 * PCISIM_PORTSVC_AFTER_INIT services probe each port (AER, which needs its
 * pci_aer_init() done on every function; DPC, which needs AER bound on the port).
 * Within a round and a port, services probe in registration order. An interrupt is
 * offered to the services bound to the port in the order they bound: the first
 * round's in registration order, then the second round's (request_irq() order on a
 * shared vector). The registration order is part of every trace (register.c says
 * why).
 */
#ifndef PCISIM_HOST_PORTDRV_H
#define PCISIM_HOST_PORTDRV_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/core/diag.h"
#include "sim/core/trace.h"
#include "sim/pcie/port.h"

struct pcisim_host;

enum pcisim_portsvc_round {
	PCISIM_PORTSVC_WITH_PCIEPORT,
	PCISIM_PORTSVC_AFTER_INIT,
};

/**
 * struct pcisim_port_service - one port service's operations. @data is what @build
 * returned. Every operation but @name and @build may be NULL.
 */
struct pcisim_port_service {
	const char *name; /* Linux's name for it: "pciehp", "aer", "dpc" */
	enum pcisim_portsvc_round round;
	const struct pcisim_record_kind *kinds; /* the records it emits ({0}-terminated), or NULL */
	/* Return 0 with *@data set (NULL: not loaded), or an error located in @d. */
	int (*build)(struct pcisim_host *h, void **data, struct pcisim_diag *d);
	void (*init_fn)(struct pcisim_host *h, void *data, struct pcisim_pcifn *fn);
	void (*probe)(struct pcisim_host *h, void *data, struct pcisim_port *port);
	void (*irq)(struct pcisim_host *h, void *data, struct pcisim_port *port);
	void (*remove)(struct pcisim_host *h, void *data, struct pcisim_port *port);
	void (*free)(struct pcisim_host *h, void *data);
};

/**
 * pcisim_port_service_add() - register @svc (and its record kinds) after the services
 * registered before it; a second registration of the same service is ignored.
 */
void pcisim_port_service_add(const struct pcisim_port_service *svc);
/** How many services are registered. */
size_t pcisim_port_services_count(void);
/** The @i-th registered service (@i below pcisim_port_services_count()). */
const struct pcisim_port_service *pcisim_port_service_at(size_t i);

#endif
