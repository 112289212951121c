/*
 * setpci in the timeline (sim/host/setpci.c): {at: 1ms, setpci: "-s 00:12.0
 * CAP_EXP+1a.w=1f"}, or {do: setpci, args: "..."}, with setpci's command line as
 * pciutils 3.9's setpci(8) gives it. Every operation becomes one raw configuration
 * access of the guest CPU (raw_access.h), so reads and writes are routed and
 * recorded as guest.cfg_read / guest.cfg_write with via: setpci.
 */
#ifndef PCISIM_HOST_SETPCI_H
#define PCISIM_HOST_SETPCI_H

#include "sim/core/scenario.h"

extern const struct pcisim_action_def pcisim_setpci_actions[];

#endif
