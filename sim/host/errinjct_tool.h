/*
 * The powerpc-utils errinjct tool in a pseries guest, as one timeline action
 * (`guest.errinjct`): the RTAS error-injection session's calls in the tool's order.
 */
#ifndef PCISIM_HOST_ERRINJCT_TOOL_H
#define PCISIM_HOST_ERRINJCT_TOOL_H

#include "sim/core/scenario.h"

extern const struct pcisim_action_def pcisim_errinjct_tool_actions[];

#endif
