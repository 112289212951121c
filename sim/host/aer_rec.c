/*
 * The recovery's states and their one transition function, the drivers' votes, the
 * callbacks' names (aer_rec.h): what the host's recovery (aer_recovery.c) and a
 * passed-through function's guest (vfio_passthrough.c) share.
 */
#include "sim/host/aer_rec.h"

#include <assert.h>

#include "sim/core/trace.h"

/* ---- votes ---- */

static const char *const ers_names[] = {
	[PCISIM_ERS_ABSENT] = "absent",
	[PCISIM_ERS_NONE] = "none",
	[PCISIM_ERS_CAN_RECOVER] = "can_recover",
	[PCISIM_ERS_NEED_RESET] = "need_reset",
	[PCISIM_ERS_DISCONNECT] = "disconnect",
	[PCISIM_ERS_RECOVERED] = "recovered",
	[PCISIM_ERS_NO_AER_DRIVER] = "no_aer_driver",
};

const char *pcisim_ers_name(enum pcisim_ers r)
{
	return r <= PCISIM_ERS_NO_AER_DRIVER ? ers_names[r] : "?";
}

enum pcisim_ers pcisim_ers_merge(enum pcisim_ers orig, enum pcisim_ers vote)
{
	/* drivers/pci/pcie/err.c merge_result() */
	if (vote == PCISIM_ERS_NO_AER_DRIVER)
		return PCISIM_ERS_NO_AER_DRIVER;
	if (vote == PCISIM_ERS_NONE)
		return orig;
	switch (orig) {
	case PCISIM_ERS_CAN_RECOVER:
	case PCISIM_ERS_RECOVERED:
		return vote;
	case PCISIM_ERS_DISCONNECT:
		return vote == PCISIM_ERS_NEED_RESET ? PCISIM_ERS_NEED_RESET : orig;
	default:
		return orig;
	}
}

/* ---- the state machine ---- */

static const char *const state_names[] = {
	[PCISIM_AER_REC_IDLE] = "IDLE",
	[PCISIM_AER_REC_ERROR_DETECTED] = "ERROR_DETECTED",
	[PCISIM_AER_REC_RESET_LINK] = "RESET_LINK",
	[PCISIM_AER_REC_MMIO_ENABLED] = "MMIO_ENABLED",
	[PCISIM_AER_REC_SLOT_RESET] = "SLOT_RESET",
	[PCISIM_AER_REC_RESUME] = "RESUME",
	[PCISIM_AER_REC_RECOVERED] = "RECOVERED",
	[PCISIM_AER_REC_FAILED] = "FAILED",
};

const char *pcisim_aer_rec_state_name(enum pcisim_aer_rec_state s)
{
	return s <= PCISIM_AER_REC_FAILED ? state_names[s] : "?";
}

#define BIT(s) (1u << (s))

/* The states each state may go to (pcie_do_recovery()'s steps, aer_recovery.h). */
static unsigned next_states(enum pcisim_aer_rec_state s)
{
	const unsigned over = BIT(PCISIM_AER_REC_FAILED);
	switch (s) {
	case PCISIM_AER_REC_IDLE:
		return BIT(PCISIM_AER_REC_ERROR_DETECTED);
	case PCISIM_AER_REC_ERROR_DETECTED:
		/* a frozen channel is reset first; then the merged vote decides */
		return BIT(PCISIM_AER_REC_RESET_LINK) | BIT(PCISIM_AER_REC_MMIO_ENABLED) |
		       BIT(PCISIM_AER_REC_SLOT_RESET) | BIT(PCISIM_AER_REC_RESUME) | over;
	case PCISIM_AER_REC_RESET_LINK:
		return BIT(PCISIM_AER_REC_MMIO_ENABLED) | BIT(PCISIM_AER_REC_SLOT_RESET) |
		       BIT(PCISIM_AER_REC_RESUME) | over;
	case PCISIM_AER_REC_MMIO_ENABLED:
		/* aer_reset_on_need_reset resets after mmio_enabled */
		return BIT(PCISIM_AER_REC_RESET_LINK) | BIT(PCISIM_AER_REC_SLOT_RESET) |
		       BIT(PCISIM_AER_REC_RESUME) | over;
	case PCISIM_AER_REC_SLOT_RESET:
		return BIT(PCISIM_AER_REC_RESUME) | over;
	case PCISIM_AER_REC_RESUME:
		return BIT(PCISIM_AER_REC_RECOVERED);
	case PCISIM_AER_REC_RECOVERED:
	case PCISIM_AER_REC_FAILED:
		return BIT(PCISIM_AER_REC_IDLE);
	}
	assert(!"invalid recovery state");
	return 0;
}

/*
 * Records: only the three transitions that were always traced, with the fields they
 * always had. Every record is folded into the trace hash (sim/core/trace.h), and
 * trace.h has no unhashed records: a record per transition would change the hash of
 * every shipped scenario that recovers (tests/scenario-hashes.txt). The other
 * transitions can be seen through the `recovery` state key of the service's
 * component; when traces can carry unhashed records, this is the place to emit
 * "from -> to, why" for every transition.
 */
void pcisim_aer_rec_set_state(struct pcisim_sim *sim, struct pcisim_aer_rec *m,
			      enum pcisim_aer_rec_state to, const char *why)
{
	(void)why; /* kept for the hook above (and for a debugger) */
	bool legal = next_states(m->state) & BIT(to);
	assert(legal);
	(void)legal;
	m->state = to;
	const char *event = to == PCISIM_AER_REC_ERROR_DETECTED ? "start"
			    : to == PCISIM_AER_REC_RECOVERED	 ? "recovered"
			    : to == PCISIM_AER_REC_FAILED	 ? "failed"
								 : NULL;
	if (!event)
		return;
	struct pcisim_field f[] = {
		PCISIM_FS("event", event),
		PCISIM_FS("state", m->frozen ? "frozen" : "normal"),
		PCISIM_FS("status", pcisim_ers_name(m->status)),
		PCISIM_FS("domain", m->domain),
	};
	pcisim_record(sim, m->subject, "aer.recovery", f, m->domain ? 4 : 3);
}

static const char *const cb_names[] = {"error_detected", "mmio_enabled", "slot_reset", "resume"};

const char *pcisim_aer_cb_name(enum pcisim_aer_cb cb)
{
	return cb_names[cb];
}
