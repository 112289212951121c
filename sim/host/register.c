/*
 * The host layer's registration, the one place in sim/host that knows every part of
 * it: the host: section's handler, the guest actions, the record kinds, the port
 * services. replay/register.c calls it once, after the layers below.
 */
#include "sim/host/acpiphp.h"
#include "sim/host/actions.h"
#include "sim/host/cxl_dc_guest.h"
#include "sim/host/cxl_host.h"
#include "sim/host/aer_recovery.h"
#include "sim/host/aer_service.h"
#include "sim/host/dpc_service.h"
#include "sim/host/eeh_core.h"
#include "sim/host/errinjct_tool.h"
#include "sim/host/host.h"
#include "sim/host/fm.h"
#include "sim/host/host_section.h"
#include "sim/host/pciehp.h"
#include "sim/host/portdrv.h"
#include "sim/host/raw_access.h"
#include "sim/host/setpci.h"
#include "sim/host/vfio_passthrough.h"

void pcisim_host_register(void)
{
	pcisim_host_section_register();
	pcisim_actions_add(pcisim_host_actions);
	pcisim_actions_add(pcisim_raw_actions);
	pcisim_actions_add(pcisim_setpci_actions);
	pcisim_action_inline("setpci", "args"); /* {at: 1ms, setpci: "-s 00:12.0 COMMAND=6"} */
	pcisim_actions_add(pcisim_errinjct_tool_actions);
	pcisim_record_kinds_add(pcisim_host_kinds);
	pcisim_acpiphp_register();
	pcisim_record_kinds_add(pcisim_aer_recovery_kinds);
	pcisim_record_kinds_add(pcisim_vfio_kinds);
	pcisim_record_kinds_add(pcisim_raw_kinds);
	pcisim_record_kinds_add(pcisim_host_eeh_kinds);
	pcisim_actions_add(pcisim_cxl_host_actions);
	pcisim_record_kinds_add(pcisim_cxl_host_kinds);
	pcisim_actions_add(pcisim_cxl_io_actions);
	pcisim_record_kinds_add(pcisim_cxl_io_kinds);
	pcisim_actions_add(pcisim_cxl_dc_guest_actions);
	pcisim_record_kinds_add(pcisim_cxl_dc_guest_kinds);
	pcisim_record_kinds_add(pcisim_cxl_events_kinds);
	pcisim_record_kinds_add(pcisim_cxl_dcd_kinds);
	pcisim_fm_register();
	/*
	 * The port services, in the order they are built and, within a boot round, probed
	 * (portdrv.h). The order is part of every trace: components are numbered as they
	 * are made and records carry the numbers, so AER's components (and the vfio
	 * guests it makes) come before pciehp's; DPC probes a port after AER, whose
	 * binding it needs.
	 */
	pcisim_port_service_add(&pcisim_aer_service);
	pcisim_port_service_add(&pcisim_dpc_service);
	pcisim_port_service_add(&pcisim_pciehp_service);
}
