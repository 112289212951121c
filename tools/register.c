/*
 * One place that knows every layer: registers their tables at start-up.
 */
#include "tools/cli.h"

#include "sim/core/scenario.h"

void pcisim_register_all(void)
{
	pcisim_core_register();
}
