/*
 * The host's timeline actions (sim/host/actions.c): guest.slot_power_off,
 * guest.slot_power_on, guest.remove_device.
 */
#ifndef PCISIM_HOST_ACTIONS_H
#define PCISIM_HOST_ACTIONS_H

#include "sim/core/scenario.h"

/* Registered by the host layer's register function (register.c). */
extern const struct pcisim_action_def pcisim_host_actions[];

#endif
