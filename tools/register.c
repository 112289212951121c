/*
 * One place that knows every layer: registers their tables at start-up.
 */
#include "tools/cli.h"

#include "sim/core/scenario.h"
#include "sim/host/aer.h"
#include "sim/host/host.h"
#include "sim/host/io.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/fabric.h"
#include "replay/runner.h"

void pcisim_register_all(void)
{
	pcisim_core_register();
	pcisim_pcie_register();
	pcisim_aer_register(); /* sim/pcie/aer.c, aer_inject.c */
	pcisim_host_register();
	pcisim_host_aer_register(); /* sim/host/aer.c */
	pcisim_host_io_register(); /* sim/host/io.c */
	pcisim_replay_register();
}
