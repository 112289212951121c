/*
 * The i2c_mctp_cxl endpoint as a model (sim/mctp/i2c_mctp_cxl.c): what other parts
 * of pcisim read of it. An endpoint receives SMBus block writes at its address,
 * reassembles MCTP messages (packet.h), answers control messages itself (control.h),
 * serves CXL messages for its target (cci.h) or forwards them to another VM
 * (forward.h), and sends the response as bus master, one packet per write, at the
 * baseline MTU. While it has a response to send it NACKs writes to it, as QEMU's
 * endpoint refuses a START outside its IDLE state.
 */
#ifndef PCISIM_MCTP_ENDPOINT_H
#define PCISIM_MCTP_ENDPOINT_H

#include "sim/mctp/forward.h"
#include "sim/mctp/i2c.h"
#include "sim/mctp/packet.h"

struct pcisim_mctp_ep;

/** The endpoint component named @name in @sim, or NULL. */
struct pcisim_mctp_ep *pcisim_mctp_ep_find(struct pcisim_sim *sim, const char *name);
/** The endpoint behind @c (a component of type i2c_mctp_cxl), or NULL. */
struct pcisim_mctp_ep *pcisim_mctp_ep_of(struct pcisim_comp *c);
/** The device it serves: its target=, in its own machine. */
struct pcisim_pcifn *pcisim_mctp_ep_target(struct pcisim_mctp_ep *ep);
/** Forwarding: the device that runs its requests, in the VM at qmp= (NULL: none now). */
struct pcisim_pcifn *pcisim_mctp_ep_fwd_target(struct pcisim_mctp_ep *ep);
/** Its forwarder when it has mctp-msg-forward=on, else NULL. */
struct pcisim_fwd *pcisim_mctp_ep_fwd(struct pcisim_mctp_ep *ep);

/**
 * A CXL request the endpoint's target ran: the request's cookie (the identity the
 * Fabric Manager gave it, sim/mctp/i2c.h), which device ran it and when. Kept for
 * the invariants (no FM request runs twice); never hashed.
 */
struct pcisim_mctp_exec {
	uint64_t cookie;
	uint32_t comp_id;
	pcisim_time t;
	uint16_t opcode;
};
/** Every execution of the run so far, in order (@n gets the count). */
const struct pcisim_mctp_exec *pcisim_mctp_execs(struct pcisim_sim *sim, size_t *n);

/**
 * pcisim_mctp_qmp_target_add() - a VM whose QMP listens at @addr ("HOST:PORT", host
 * "localhost" and "127.0.0.1" alike) is simulated in @vm, view of @sim (the machines:
 * section publishes each machine's -qmp). A forwarding endpoint's qmp= finds its target
 * VM here; with no entry at all, the target is the endpoint's own machine.
 */
void pcisim_mctp_qmp_target_add(struct pcisim_sim *sim, const char *addr, struct pcisim_sim *vm);

/**
 * pcisim_mctp_vm_stop() - the VM @vm (a machine of machines:) stops for @downtime, as
 * a migration's switch-over stops it (@why): every forwarding endpoint whose qmp= is
 * @vm sees its QMP handler gone for that long, as mctp.target_migrate models it.
 * Returns how many endpoints forward to @vm.
 */
unsigned pcisim_mctp_vm_stop(struct pcisim_sim *vm, pcisim_time downtime, const char *why);

#endif
