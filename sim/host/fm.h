/*
 * The Fabric Manager: the FM VM's Linux with its MCTP stack (mctp-i2c on the BMC's
 * I2C controller) and a libcxlmi-like application that sends FM-API and CCI
 * commands to the endpoints and waits for their answers. Configured by the fm: key
 * of a host: section; driven by the fm.* timeline actions.
 *
 * What it does, and whose behaviour that is:
 *  - at boot it assigns each configured endpoint its EID with Set Endpoint ID, as
 *    mctpd does when the FM's setup script adds the endpoints;
 *  - every command gets a message tag the kernel allocates (the lowest one no request
 *    of this FM holds; tag owner set), is split into packets at the mctp-i2c MTU
 *    (64 bytes) and written on the bus one packet per write;
 *  - it waits for the response for the timeout (libcxlmi: 1000 ms by default, at most
 *    2000 ms, CXL r3.1 §9.20.2); a response with another tag, or from another EID, is
 *    not its answer (records fm.stale_response); at the timeout the application gives
 *    up (fm.timeout) or, with retries left, sends the command again with a new tag
 *    (fm.retry);
 *  - a command answered Background Command Started is followed by Background
 *    Operation Status polls every poll interval until it is no longer running.
 */
#ifndef PCISIM_HOST_FM_H
#define PCISIM_HOST_FM_H

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/ynode.h"

#define PCISIM_FM_TIMEOUT_DEFAULT (1000 * PCISIM_MS) /* libcxlmi default_timeout_ms */
#define PCISIM_FM_TIMEOUT_MAX (2000 * PCISIM_MS)     /* libcxlmi MAX_TIMEOUT_MCTP */

/** Build the Fabric Manager of @sim from the host: section's fm: mapping @node. */
int pcisim_fm_build(struct pcisim_sim *sim, const struct pcisim_ynode *node, struct pcisim_diag *d);

/**
 * pcisim_fm_check_single_run() - for the invariants: every command the FM sent ran at most once
 * on a device (a retry crossing a late completion runs it twice), written into @what
 * when not. Returns true when it holds (also without an FM).
 */
bool pcisim_fm_check_single_run(struct pcisim_sim *sim, char *what, size_t n);
/**
 * For the invariants: every answer the FM accepted answers the command it was taken
 * for (the RFC's single buffer can hand one command's answer to another).
 */
bool pcisim_fm_check_answers_match(struct pcisim_sim *sim, char *what, size_t n);

void pcisim_fm_register(void);

#endif
