/*
 * The registry of PCIe port services (portdrv.h has the life of a service and the
 * order rules): the services in the order they registered. The host walks it.
 */
#include "sim/host/portdrv.h"

#include "sim/core/grow.h"

static const struct pcisim_port_service **services;
static size_t nservices, capservices;

void pcisim_port_service_add(const struct pcisim_port_service *svc)
{
	for (size_t i = 0; i < nservices; i++)
		if (services[i] == svc)
			return;
	services = pcisim_grow(services, &capservices, nservices + 1, sizeof(*services));
	services[nservices++] = svc;
	if (svc->kinds)
		pcisim_record_kinds_add(svc->kinds);
}

size_t pcisim_port_services_count(void)
{
	return nservices;
}

const struct pcisim_port_service *pcisim_port_service_at(size_t i)
{
	return services[i];
}
