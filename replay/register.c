/*
 * One place that knows every layer: registers their tables at start-up, lowest layer
 * first (sections, actions, expectation kinds, record kinds, device models, fabric
 * hooks, host services). The tool, the tests and the benchmarks all start here.
 */
#include "replay/register.h"

#include "replay/runner.h"
#include "sim/core/scenario.h"
#include "sim/cxl/cxl.h"
#include "sim/eeh/eeh.h"
#include "sim/host/host.h"
#include "sim/host/io.h"
#include "sim/mctp/mctp.h"
#include "sim/pcie/fabric.h"
#include "sim/qemu/machine.h"

void pcisim_register_all(void)
{
	pcisim_core_register();
	pcisim_pcie_register();
	pcisim_cxl_register();
	pcisim_eeh_register();
	pcisim_mctp_register();
	pcisim_qemu_register();
	pcisim_host_register();
	pcisim_host_io_register(); /* sim/host/io.c */
	pcisim_replay_register();
}
