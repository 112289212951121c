/*
 * What every model of Linux's pcie_do_recovery() shares (drivers/pci/pcie/err.c): the
 * host's recovery (aer_recovery.h, run by the AER and DPC services) and a
 * passed-through function's guest (vfio_passthrough.h). The recovery's states and
 * their one transition function, the drivers' votes and how they merge, the
 * callbacks' names, Linux's timing constants, and a list of functions. aer_recovery.h
 * describes the recovery itself (docs/aer.md).
 */
#ifndef PCISIM_HOST_AER_REC_H
#define PCISIM_HOST_AER_REC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"
#include "sim/core/time.h"
#include "sim/host/host_config.h"

struct pcisim_pcifn;

/* ---- timing (Linux drivers/pci/pci.c, pci.h; REFERENCE.md 8) ---- */

#define PCISIM_AER_SBR_HOLD (2 * PCISIM_MS)          /* pci_reset_secondary_bus(): msleep(2) */
#define PCISIM_AER_LINK_DETECT_WAIT (20 * PCISIM_MS) /* pcie_wait_for_link_delay(): 20 ms first */
#define PCISIM_AER_LINK_POLL (1 * PCISIM_MS)
#define PCISIM_AER_LINK_TIMEOUT (1000 * PCISIM_MS)   /* PCIE_LINK_RETRAIN_TIMEOUT_MS */
#define PCISIM_AER_RESET_DELAY (100 * PCISIM_MS)     /* PCIE_RESET_CONFIG_DEVICE_WAIT_MS */
#define PCISIM_AER_RESET_WAIT (1000 * PCISIM_MS)     /* PCI_RESET_WAIT: pci_dev_wait at <= 5 GT/s */
#define PCISIM_AER_READY_POLL (60000 * PCISIM_MS)    /* PCIE_RESET_READY_POLL_MS */

/** "none", "can_recover", ... ("absent" for 0). */
const char *pcisim_ers_name(enum pcisim_ers r);
/** Linux merge_result(): how a new vote combines with the status so far. */
enum pcisim_ers pcisim_ers_merge(enum pcisim_ers orig, enum pcisim_ers vote);

/*
 * DOC: Recovery states. One recovery runs at a time in a root port's service thread
 * (AER's, which DPC shares), and one in a passed-through function's guest.
 *  IDLE            no recovery running
 *  ERROR_DETECTED  error_detected() is broadcast below the bridge; channels frozen
 *                  (fatal, DPC) or normal (non-fatal)
 *  RESET_LINK      the link below the bridge is reset (aer_root_reset()'s Secondary Bus
 *                  Reset, dpc_reset_link(), a guest's virtual link reset) and Linux
 *                  waits for the devices below to answer
 *  MMIO_ENABLED    mmio_enabled() is broadcast (the merged vote was CAN_RECOVER)
 *  SLOT_RESET      slot_reset() is broadcast (the merged vote was NEED_RESET)
 *  RESUME          resume() is broadcast: the drivers carry on
 *  RECOVERED       over: "device recovery successful"; IDLE follows at once
 *  FAILED          over: "device recovery failed", the drivers stay stopped; IDLE
 *                  follows at once
 */
enum pcisim_aer_rec_state {
	PCISIM_AER_REC_IDLE,
	PCISIM_AER_REC_ERROR_DETECTED,
	PCISIM_AER_REC_RESET_LINK,
	PCISIM_AER_REC_MMIO_ENABLED,
	PCISIM_AER_REC_SLOT_RESET,
	PCISIM_AER_REC_RESUME,
	PCISIM_AER_REC_RECOVERED,
	PCISIM_AER_REC_FAILED,
};

/** "IDLE", "ERROR_DETECTED", ... */
const char *pcisim_aer_rec_state_name(enum pcisim_aer_rec_state s);

/**
 * struct pcisim_aer_rec - a recovery's state and what its records say: the component
 * they are about (@subject: the bridge in the host, the device in a guest), the
 * @domain field ("guest"; NULL in the host), the channel (@frozen) and the merged
 * vote so far (@status).
 */
struct pcisim_aer_rec {
	enum pcisim_aer_rec_state state;
	struct pcisim_comp *subject;
	const char *domain;
	bool frozen;
	enum pcisim_ers status;
};

/**
 * pcisim_aer_rec_set_state() - the one place a recovery's state changes. An
 * impossible transition asserts. Entering ERROR_DETECTED, RECOVERED and FAILED is an
 * "aer.recovery" record of @m->subject (event start, recovered, failed; the channel
 * state; the merged status; the domain in a guest); the other transitions emit
 * nothing (aer_rec.c says why).
 */
void pcisim_aer_rec_set_state(struct pcisim_sim *sim, struct pcisim_aer_rec *m,
			      enum pcisim_aer_rec_state to, const char *why);

/* Which callback a broadcast calls (and its name in records). */
enum pcisim_aer_cb { PCISIM_AER_CB_DETECTED, PCISIM_AER_CB_MMIO, PCISIM_AER_CB_SLOT_RESET, PCISIM_AER_CB_RESUME };
const char *pcisim_aer_cb_name(enum pcisim_aer_cb cb);

/** struct pcisim_fn_list - a list of functions that grows as needed. */
struct pcisim_fn_list {
	struct pcisim_pcifn **v;
	unsigned n, cap;
};

#endif
