/*
 * The CXL layer's registration.
 */
#include "sim/cxl/cxl.h"
#include "sim/cxl/fmapi.h"

void pcisim_cxl_register(void)
{
	pcisim_drivers_add(pcisim_cxl_root_port_drivers);
	pcisim_drivers_add(pcisim_cxl_switch_drivers);
	pcisim_drivers_add(pcisim_cxl_type3_drivers);
	pcisim_cxl_regs_register();
	pcisim_cxl_type3_ops_init();
	pcisim_cxl_fmapi_register();
}
