/*
 * The host: section as data (host_config.h): looking up a device's drivers: entry.
 */
#include "sim/host/host_config.h"

#include <string.h>

const struct pcisim_host_drv *pcisim_host_config_driver(const struct pcisim_host_config *c,
							 const char *id)
{
	for (size_t i = 0; i < c->ndrivers; i++)
		if (!strcmp(c->drivers[i].id, id))
			return &c->drivers[i];
	return NULL;
}
