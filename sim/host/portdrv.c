/*
 * The table of PCIe port services and the calls that walk it (portdrv.h has the life
 * of a service and the order rules).
 */
#include "sim/host/portdrv.h"

#include <stdlib.h>

#include "sim/host/aer_service.h"
#include "sim/host/dpc_service.h"
#include "sim/host/pciehp.h"

/*
 * The services, in the order they are built and, within a boot round, probed. The
 * order is part of every trace: components are numbered as they are made and
 * records carry the numbers, so AER's components (and the vfio guests it makes)
 * come before pciehp's; DPC probes a port after AER, whose binding it needs.
 */
static const struct pcisim_port_service *const services[] = {
	&pcisim_aer_service,
	&pcisim_dpc_service,
	&pcisim_pciehp_service,
};
#define NSERVICES (sizeof(services) / sizeof(services[0]))

void *pcisim_port_service_data(const struct pcisim_host *h, const struct pcisim_port_service *svc)
{
	if (!h || !h->svc)
		return NULL;
	for (size_t i = 0; i < NSERVICES; i++)
		if (services[i] == svc)
			return h->svc[i];
	return NULL;
}

int pcisim_port_services_build(struct pcisim_host *h, struct pcisim_diag *d)
{
	if (!h->svc && !(h->svc = calloc(NSERVICES, sizeof(*h->svc))))
		abort();
	for (size_t i = 0; i < NSERVICES; i++) {
		int rc = services[i]->build(h, &h->svc[i], d);
		if (rc)
			return rc;
	}
	return 0;
}

void pcisim_port_services_probe(struct pcisim_host *h, struct pcisim_port *port,
				enum pcisim_portsvc_round round)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (h->svc[i] && services[i]->round == round && services[i]->probe)
			services[i]->probe(h, h->svc[i], port);
}

void pcisim_port_services_init_fn(struct pcisim_host *h, struct pcisim_pcifn *fn)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (h->svc[i] && services[i]->init_fn)
			services[i]->init_fn(h, h->svc[i], fn);
}

void pcisim_port_services_irq(struct pcisim_host *h, struct pcisim_port *port)
{
	/* The order they requested the shared vector in: boot's first round, then its second. */
	static const enum pcisim_portsvc_round rounds[] = {PCISIM_PORTSVC_WITH_PCIEPORT,
							   PCISIM_PORTSVC_AFTER_INIT};
	for (size_t r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++)
		for (size_t i = 0; i < NSERVICES; i++)
			if (h->svc[i] && services[i]->round == rounds[r] && services[i]->irq)
				services[i]->irq(h, h->svc[i], port);
}

void pcisim_port_services_remove(struct pcisim_host *h, struct pcisim_port *port)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (h->svc[i] && services[i]->remove)
			services[i]->remove(h, h->svc[i], port);
}

void pcisim_port_services_free(struct pcisim_host *h)
{
	for (size_t i = NSERVICES; h->svc && i-- > 0;)
		if (h->svc[i] && services[i]->free)
			services[i]->free(h, h->svc[i]);
	free(h->svc);
	h->svc = NULL;
}

void pcisim_port_services_register(void)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (services[i]->kinds)
			pcisim_record_kinds_add(services[i]->kinds);
}
