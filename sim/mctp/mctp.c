/*
 * The MCTP layer's registration.
 */
#include "sim/mctp/mctp.h"

#include "sim/mctp/i2c.h"

void pcisim_mctp_register(void)
{
	pcisim_bus_kind_add(&pcisim_i2c_bus_kind);
	pcisim_drivers_add(pcisim_mctp_drivers);
}
