/*
 * Linux's EEH core on a pseries guest (eeh_core.h describes the flow and its states).
 * One recovery per PE, kept in the sim's "host-eeh" extension in order of first use;
 * every step is an event of class HOST and every platform question an RTAS call
 * (sim/eeh/rtas.h), so the PE's PAPR state and Linux's view meet only there.
 *
 * Facts: REFERENCE.md 7.4 (eeh_dev_check_failure(), eeh_handle_normal_event(),
 * eeh_max_freezes = 5 "in the last hour", EEH_PE_RST_HOLD_TIME 250 ms,
 * EEH_PE_RST_SETTLE_TIME 1800 ms) and Linux's messages of eeh.c and eeh_driver.c.
 */
#include "sim/host/eeh_core.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/eeh/eeh.h"
#include "sim/eeh/rtas.h"
#include "sim/host/aer_rec.h"
#include "sim/core/heap.h"
#include "sim/host/cfg.h"
#include "sim/pcie/regs/pci.h"

struct eeh_rec {
	struct pcisim_host *h;
	struct pcisim_eeh_pe *pe;
	enum pcisim_eeh_rec_state state;
	enum pcisim_ers status;
	uint32_t freeze_count;
	pcisim_time tstamp;
	bool tstamp_set;
	bool removed; /* permanently failed: Linux forgot the devices */
	unsigned attempt; /* eeh_pe_reset_full(): the reset attempt, from 1 */
	bool hotplug;     /* "Reset with hotplug activity": the devices are removed and re-added */
	/*
	 * Linux's saved copy of each function's first 64 bytes of config space
	 * (eeh_dev->config_space, eeh_save_bars() when the device was added), taken from
	 * the model when the recovery starts: the PE is frozen then, so a config read
	 * would give all ones, and the freeze changed no register since Linux saved it.
	 */
	struct saved_fn *saved;
	size_t nsaved;
};

struct saved_fn {
	struct pcisim_pcifn *fn;
	uint32_t dw[16];
};

/* eeh_pe_reset_full(): "Make three attempts at resetting the bus" */
#define EEH_RESET_ATTEMPTS 3

struct eeh_host {
	struct eeh_rec **r;
	size_t n;
};

static const struct pcisim_ext_key host_eeh_key = {"host-eeh"};

static void host_eeh_destroy(void *p)
{
	struct eeh_host *s = p;
	for (size_t i = 0; i < s->n; i++) {
		pcisim_free(s->r[i]->saved);
		pcisim_free(s->r[i]);
	}
	pcisim_free(s->r);
	pcisim_free(s);
}

static struct eeh_rec *rec_of(struct pcisim_host *h, struct pcisim_eeh_pe *pe)
{
	struct pcisim_sim *sim = h->comp.sim;
	struct eeh_host *s = pcisim_ext_get(sim, &host_eeh_key);
	if (!s) {
		s = pcisim_calloc(1, sizeof(*s));
		if (!s)
			abort();
		pcisim_ext_set(sim, &host_eeh_key, s, host_eeh_destroy);
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i]->pe == pe)
			return s->r[i];
	struct eeh_rec **n = pcisim_realloc(s->r, (s->n + 1) * sizeof(*n));
	struct eeh_rec *r = pcisim_calloc(1, sizeof(*r));
	if (!n || !r)
		abort();
	s->r = n;
	r->h = h;
	r->pe = pe;
	s->r[s->n++] = r;
	return r;
}

static const char *state_name(enum pcisim_eeh_rec_state s)
{
	static const char *const names[] = {"IDLE", "ERROR_DETECTED", "MMIO_ENABLED", "RESET", "SETTLE",
					    "SLOT_RESET", "RESUME", "RECOVERED", "FAILED"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static struct pcisim_sim *sim_of(struct eeh_rec *r)
{
	return r->h->comp.sim;
}

static void set_state(struct eeh_rec *r, enum pcisim_eeh_rec_state s, const char *why)
{
	enum pcisim_eeh_rec_state old = r->state;
	r->state = s;
	PCISIM_RECORD(sim_of(r), &r->pe->top->comp, "eeh.recovery", PCISIM_FX("pe", pcisim_eeh_pe_addr(r->pe)),
		      PCISIM_FS("from", state_name(old)), PCISIM_FS("to", state_name(s)), PCISIM_FS("why", why),
		      PCISIM_FS("status", pcisim_ers_name(r->status)));
}

/* PHB#x-PE#y as Linux prints it */
static unsigned phb_nr(struct eeh_rec *r)
{
	return (unsigned)pcisim_props_u64(&r->pe->phb->props, "index", 0);
}

/* ---- RTAS, as Linux's pseries EEH backend calls it ---- */

static int32_t rtas_pe(struct eeh_rec *r, const char *call, uint32_t nargs, uint32_t nret, uint32_t arg3,
		       struct pcisim_rtas_args *out)
{
	struct pcisim_rtas_args a = {.nargs = nargs, .nret = nret};
	a.args[0] = pcisim_eeh_pe_addr(r->pe);
	a.args[1] = (uint32_t)(r->pe->buid >> 32);
	a.args[2] = (uint32_t)r->pe->buid;
	a.args[3] = arg3;
	int32_t st = pcisim_rtas_call(sim_of(r), call, &a, "linux");
	if (out)
		*out = a;
	return st;
}

/* ---- the functions of the PE Linux knows, in creation order ---- */

#define EACH_FN(r, fn)                                                                          \
	for (uint32_t i_ = 0; i_ < (r)->h->fab->nfns; i_++)                                     \
		for (struct pcisim_pcifn *fn = (r)->h->fab->fns[i_]; fn; fn = NULL)             \
			if (pcisim_eeh_pe_contains((r)->pe, fn) && pcisim_host_visible((r)->h, fn))

/*
 * eeh_driver.c merges votes by priority (eeh_result_priority()), not as the AER core
 * does: NONE < CAN_RECOVER < RECOVERED < NEED_RESET < DISCONNECT < NO_AER_DRIVER.
 */
static int priority(enum pcisim_ers r)
{
	switch (r) {
	case PCISIM_ERS_NONE: return 1;
	case PCISIM_ERS_CAN_RECOVER: return 2;
	case PCISIM_ERS_RECOVERED: return 3;
	case PCISIM_ERS_NEED_RESET: return 4;
	case PCISIM_ERS_DISCONNECT: return 5;
	case PCISIM_ERS_NO_AER_DRIVER: return 6;
	default: return 0;
	}
}

static enum pcisim_ers eeh_merge(enum pcisim_ers old, enum pcisim_ers vote)
{
	return priority(vote) > priority(old) ? vote : old;
}

/* ---- the PE's config space around its reset (eeh_pe.c) ---- */

static void save_bars(struct eeh_rec *r)
{
	r->nsaved = 0;
	EACH_FN(r, fn)
	{
		struct saved_fn *v = pcisim_realloc(r->saved, (r->nsaved + 1) * sizeof(*v));
		if (!v)
			abort();
		r->saved = v;
		struct saved_fn *sf = &r->saved[r->nsaved++];
		sf->fn = fn;
		for (unsigned i = 0; i < 16; i++)
			sf->dw[i] = pcisim_cfg_get32(&fn->cfg, (uint16_t)(4 * i));
	}
}

static void wr(struct pcisim_pcifn *fn, uint16_t off, uint32_t v, unsigned len)
{
	pcisim_host_cfg_write_instant(fn, off, v, len, PCISIM_INSTANT_ERROR_HANDLING);
}

static uint8_t saved_byte(const struct saved_fn *sf, uint16_t off)
{
	return (uint8_t)(sf->dw[off / 4] >> (8 * (off % 4)));
}

/*
 * eeh_pe_restore_bars() after ibm,configure-pe: a device gets back its BARs (0x10 to
 * 0x24), its expansion ROM address, cache line size, latency timer and the dword at
 * 0x3c, and of its Command register only Parity Error Response and SERR# Enable
 * ("don't touch the other command bits": Memory Space stays off until the driver's
 * pci_restore_state()); a bridge gets back 0x10 to 0x30 (BARs, bus numbers, windows),
 * its ROM at 0x38, the same bytes and its Command with Memory Space and Bus Master on
 * (eeh_restore_device_bars(), eeh_restore_bridge_bars()).
 */
static void restore_bars(struct eeh_rec *r)
{
	for (size_t k = 0; k < r->nsaved; k++) {
		const struct saved_fn *sf = &r->saved[k];
		struct pcisim_pcifn *fn = sf->fn;
		if (fn->comp.removed)
			continue;
		bool bridge = fn->drv->bridge;
		for (unsigned i = 4; i < (bridge ? 13u : 10u); i++)
			wr(fn, (uint16_t)(4 * i), sf->dw[i], 4);
		wr(fn, bridge ? 14 * 4 : 12 * 4, sf->dw[bridge ? 14 : 12], 4);
		wr(fn, PCI_CACHE_LINE_SIZE, saved_byte(sf, PCI_CACHE_LINE_SIZE), 1);
		wr(fn, PCI_LATENCY_TIMER, saved_byte(sf, PCI_LATENCY_TIMER), 1);
		wr(fn, 15 * 4, sf->dw[15], 4);
		uint32_t cmd;
		if (bridge) {
			cmd = sf->dw[1] | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
		} else {
			cmd = pcisim_host_cfg_read_instant(fn, PCI_COMMAND, 4, PCISIM_INSTANT_ERROR_HANDLING);
			cmd = (cmd & ~(uint32_t)(PCI_COMMAND_PARITY | PCI_COMMAND_SERR)) |
			      (sf->dw[1] & (PCI_COMMAND_PARITY | PCI_COMMAND_SERR));
		}
		wr(fn, PCI_COMMAND, cmd, 4);
	}
}

/*
 * A driver's slot_reset begins with pci_restore_state() (e1000e's
 * e1000_io_slot_reset(), igb's igb_io_slot_reset()): its Command register as it left
 * it after probe (Memory Space, Bus Master) is back.
 */
static void restore_state(struct eeh_rec *r, struct pcisim_pcifn *fn)
{
	for (size_t k = 0; k < r->nsaved; k++)
		if (r->saved[k].fn == fn)
			wr(fn, PCI_COMMAND, r->saved[k].dw[1] & 0xffff, 2);
}

enum cb { CB_ERROR_DETECTED, CB_MMIO_ENABLED, CB_SLOT_RESET, CB_RESUME };
static const char *const cb_names[] = {"error_detected", "mmio_enabled", "slot_reset", "resume"};

/* Broadcast @cb to the PE's drivers: the merged vote in r->status, the time it took. */
static pcisim_time broadcast(struct eeh_rec *r, enum cb cb)
{
	pcisim_time t = 0;
	enum pcisim_ers merged = cb == CB_ERROR_DETECTED ? PCISIM_ERS_NONE : r->status;
	EACH_FN(r, fn)
	{
		const struct pcisim_host_drv *c = pcisim_host_config_driver(&r->h->cfg, fn->comp.name);
		enum pcisim_ers v = PCISIM_ERS_ABSENT;
		bool has = false;
		if (c) {
			switch (cb) {
			case CB_ERROR_DETECTED: v = c->error_detected; break;
			case CB_MMIO_ENABLED: v = c->mmio_enabled; break;
			case CB_SLOT_RESET: v = c->slot_reset; break;
			case CB_RESUME: has = c->resume; break;
			}
			has = has || v != PCISIM_ERS_ABSENT;
			t += has ? c->cb_time : 0;
		}
		if (cb == CB_ERROR_DETECTED && v == PCISIM_ERS_ABSENT)
			v = PCISIM_ERS_NONE; /* no handlers: eeh_report_error() votes NONE */
		if (cb != CB_RESUME && v != PCISIM_ERS_ABSENT)
			merged = eeh_merge(merged, v);
		if (has && cb == CB_SLOT_RESET)
			restore_state(r, fn);
		if (has)
			PCISIM_RECORD(sim_of(r), &fn->comp, "eeh.callback", PCISIM_FS("callback", cb_names[cb]),
				      PCISIM_FS("vote", cb == CB_RESUME ? "" : pcisim_ers_name(v)));
	}
	if (cb != CB_RESUME)
		r->status = merged;
	return t;
}

static void set_channels(struct eeh_rec *r, enum pcisim_io_state s)
{
	EACH_FN(r, fn)
	pcisim_host_set_io_state(r->h, fn, s);
}

/* ---- the steps: one event kind, the state says what comes next ---- */

static void step_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(step_kind, "linux.eeh_step", step_ev);

static void next_step(struct eeh_rec *r, pcisim_time after)
{
	struct pcisim_sim *sim = sim_of(r);
	struct pcisim_event *ev = pcisim_event_new(sim, &step_kind, &r->h->comp);
	ev->ptr = r;
	pcisim_post(sim, ev, sim->now + after, PCISIM_CLASS_HOST);
}

static void fail(struct eeh_rec *r, const char *why)
{
	struct pcisim_sim *sim = sim_of(r);
	pcisim_log(sim, &r->pe->top->comp, "linux",
		   "EEH: Unable to recover from failure from PHB#%x-PE#%x.\nPlease try reseating or replacing it",
		   phb_nr(r), pcisim_eeh_pe_addr(r->pe));
	struct pcisim_rtas_args a = {.nargs = 8, .nret = 1};
	a.args[0] = pcisim_eeh_pe_addr(r->pe);
	a.args[1] = (uint32_t)(r->pe->buid >> 32);
	a.args[2] = (uint32_t)r->pe->buid;
	a.args[7] = PCISIM_RTAS_SLOT_PERM_ERR_LOG;
	pcisim_rtas_call(sim, "ibm,slot-error-detail", &a, "linux");
	set_state(r, PCISIM_EEH_REC_FAILED, why);
	set_channels(r, PCISIM_IO_PERM_FAILURE);
	/* eeh_pe_state_mark(EEH_PE_REMOVED); the devices are hot-removed */
	EACH_FN(r, fn)
	pcisim_host_remove_fn(r->h, fn, "EEH: permanent failure");
	r->removed = true;
	set_state(r, PCISIM_EEH_REC_IDLE, "devices removed");
}

static void recovered(struct eeh_rec *r)
{
	struct pcisim_sim *sim = sim_of(r);
	set_channels(r, PCISIM_IO_NORMAL);
	pcisim_log(sim, &r->pe->top->comp, "linux", "EEH: Notify device driver to resume");
	set_state(r, PCISIM_EEH_REC_RESUME, "recovered");
	next_step(r, broadcast(r, CB_RESUME));
}

/*
 * Linux's EEH_STATE_* flags (arch/powerpc/include/asm/eeh.h) and pseries_eeh_get_state()
 * (arch/powerpc/platforms/pseries/eeh_pseries.c), which turns ibm,read-slot-reset-state2's
 * outputs into them: EEH not supported (rets[1] 0) -> NOT_SUPPORT; state 0 -> MMIO and
 * DMA active and enabled (since the 2025 fix "powerpc/pseries/eeh: Fix get PE state
 * translation"; before it only active); 1 -> reset active, MMIO and DMA active; 2 -> 0;
 * 4 -> MMIO enabled; 5 with an unavailable time -> UNAVAILABLE, without (permanently
 * unavailable) -> NOT_SUPPORT; any other -> NOT_SUPPORT. The "Slot inactive after
 * reset" warning prints these flags.
 */
#define EEH_STATE_UNAVAILABLE (1u << 0)
#define EEH_STATE_NOT_SUPPORT (1u << 1)
#define EEH_STATE_RESET_ACTIVE (1u << 2)
#define EEH_STATE_MMIO_ACTIVE (1u << 3)
#define EEH_STATE_DMA_ACTIVE (1u << 4)
#define EEH_STATE_MMIO_ENABLED (1u << 5)
#define EEH_STATE_DMA_ENABLED (1u << 6)

static unsigned pseries_get_state(const struct pcisim_rtas_args *a)
{
	if (!a->rets[2])
		return EEH_STATE_NOT_SUPPORT;
	switch (a->rets[1]) {
	case PCISIM_RTAS_PE_STATE_NORMAL:
		return EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE | EEH_STATE_MMIO_ENABLED | EEH_STATE_DMA_ENABLED;
	case PCISIM_RTAS_PE_STATE_RESET:
		return EEH_STATE_RESET_ACTIVE | EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE;
	case PCISIM_RTAS_PE_STATE_STOPPED_IO_DMA:
		return 0;
	case PCISIM_RTAS_PE_STATE_STOPPED_DMA:
		return EEH_STATE_MMIO_ENABLED;
	case PCISIM_RTAS_PE_STATE_UNAVAIL:
		return a->rets[3] ? EEH_STATE_UNAVAILABLE : EEH_STATE_NOT_SUPPORT;
	default:
		return EEH_STATE_NOT_SUPPORT;
	}
}

/* eeh_state_active() (asm/eeh.h): MMIO and DMA both active */
static bool eeh_state_active(unsigned flags)
{
	return (flags & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) ==
	       (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE);
}

static void reset_attempt(struct eeh_rec *r)
{
	set_state(r, PCISIM_EEH_REC_RESET, r->attempt == 1 ? "a driver needs a reset" : "slot inactive after reset");
	if (rtas_pe(r, "ibm,set-slot-reset", 4, 1, PCISIM_RTAS_SLOT_RESET_HOT, NULL) < 0)
		return fail(r, "ibm,set-slot-reset failed");
	next_step(r, PCISIM_EEH_RST_HOLD_TIME);
}

static void reset_pe(struct eeh_rec *r)
{
	pcisim_log(sim_of(r), &r->pe->top->comp, "linux", "EEH: Reset without hotplug activity");
	r->hotplug = false;
	r->attempt = 1;
	reset_attempt(r);
}

/*
 * Drivers without EEH handlers (the merged vote is none): eeh_reset_device() without
 * removal data removes the PE's devices (pci_hp_remove_devices()), resets the PE and
 * adds them again after it (pci_hp_add_devices()): the drivers probe afresh.
 */
static void reset_pe_hotplug(struct eeh_rec *r)
{
	pcisim_log(sim_of(r), &r->pe->top->comp, "linux", "EEH: Reset with hotplug activity");
	EACH_FN(r, fn)
	pcisim_host_remove_fn(r->h, fn, "EEH: reset with hotplug activity");
	r->hotplug = true;
	r->attempt = 1;
	reset_attempt(r);
}

/* pci_hp_add_devices(): the PE's functions still in the machine, in creation order. */
static void readd_devices(struct eeh_rec *r)
{
	struct pcisim_fabric *fab = r->h->fab;
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !pcisim_eeh_pe_contains(r->pe, fn) || pcisim_host_visible(r->h, fn) ||
		    (fn->bus->bridge && !pcisim_host_visible(r->h, fn->bus->bridge)))
			continue;
		pcisim_host_set_io_state(r->h, fn, PCISIM_IO_NORMAL);
		pcisim_host_add_fn(r->h, fn, "EEH: reset with hotplug activity");
	}
}

static void step_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct eeh_rec *r = ev->ptr;
	struct pcisim_rtas_args a;
	unsigned flags;
	switch (r->state) {
	case PCISIM_EEH_REC_ERROR_DETECTED:
		/* the drivers answered error_detected(io_frozen) */
		if (r->status == PCISIM_ERS_CAN_RECOVER) {
			pcisim_log(sim, &r->pe->top->comp, "linux", "EEH: Enable I/O for affected devices");
			int32_t st = rtas_pe(r, "ibm,set-eeh-option", 4, 1, PCISIM_RTAS_EEH_THAW_IO, NULL);
			if (st < 0)
				return fail(r, "thawing MMIO failed");
			set_state(r, PCISIM_EEH_REC_MMIO_ENABLED, "MMIO thawed");
			return next_step(r, broadcast(r, CB_MMIO_ENABLED));
		}
		if (r->status == PCISIM_ERS_NONE)
			return reset_pe_hotplug(r);
		if (r->status == PCISIM_ERS_NEED_RESET)
			return reset_pe(r);
		return fail(r, "a driver disconnected");
	case PCISIM_EEH_REC_MMIO_ENABLED:
		if (r->status == PCISIM_ERS_CAN_RECOVER) {
			if (rtas_pe(r, "ibm,set-eeh-option", 4, 1, PCISIM_RTAS_EEH_THAW_DMA, NULL) < 0)
				return fail(r, "thawing DMA failed");
			r->status = PCISIM_ERS_RECOVERED;
			return recovered(r);
		}
		if (r->status == PCISIM_ERS_NEED_RESET)
			return reset_pe(r);
		if (r->status == PCISIM_ERS_RECOVERED)
			return recovered(r);
		return fail(r, "a driver disconnected");
	case PCISIM_EEH_REC_RESET:
		rtas_pe(r, "ibm,set-slot-reset", 4, 1, PCISIM_RTAS_SLOT_RESET_DEACTIVATE, NULL);
		if (r->attempt > 1)
			pcisim_log(sim, &r->pe->top->comp, "linux", "EEH: PHB#%x-PE#%x: Successful reset (attempt %u)",
				   phb_nr(r), pcisim_eeh_pe_addr(r->pe), r->attempt);
		set_state(r, PCISIM_EEH_REC_SETTLE, "reset deactivated");
		return next_step(r, PCISIM_EEH_RST_SETTLE_TIME);
	case PCISIM_EEH_REC_SETTLE:
		/* eeh_wait_state(): poll until MMIO and DMA are active */
		if (rtas_pe(r, "ibm,read-slot-reset-state2", 3, 4, 0, &a) < 0)
			return fail(r, "the PE state could not be read");
		flags = pseries_get_state(&a);
		if (flags == EEH_STATE_UNAVAILABLE)
			return next_step(r, (pcisim_time)a.rets[3] * PCISIM_MS);
		if (!eeh_state_active(flags)) {
			pcisim_log(sim, &r->pe->top->comp, "linux",
				   "EEH: PHB#%x-PE#%x: Slot inactive after reset: 0x%x (attempt %u)", phb_nr(r),
				   pcisim_eeh_pe_addr(r->pe), flags, r->attempt);
			if (++r->attempt <= EEH_RESET_ATTEMPTS)
				return reset_attempt(r);
			return fail(r, "the PE did not come back after three resets");
		}
		if (rtas_pe(r, "ibm,configure-pe", 3, 1, 0, NULL) < 0)
			return fail(r, "ibm,configure-pe failed");
		restore_bars(r);
		if (r->hotplug) {
			/* the drivers probed afresh: no slot_reset; recovered */
			readd_devices(r);
			r->status = PCISIM_ERS_RECOVERED;
			return recovered(r);
		}
		set_channels(r, PCISIM_IO_NORMAL);
		pcisim_log(sim, &r->pe->top->comp, "linux", "EEH: Notify device drivers the completion of reset");
		set_state(r, PCISIM_EEH_REC_SLOT_RESET, "PE configured");
		r->status = PCISIM_ERS_NONE;
		return next_step(r, broadcast(r, CB_SLOT_RESET));
	case PCISIM_EEH_REC_SLOT_RESET:
		if (r->status == PCISIM_ERS_DISCONNECT || r->status == PCISIM_ERS_NEED_RESET)
			return fail(r, "slot_reset did not recover");
		r->status = PCISIM_ERS_RECOVERED;
		return recovered(r);
	case PCISIM_EEH_REC_RESUME:
		pcisim_log(sim, &r->pe->top->comp, "linux", "EEH: Recovery successful.");
		set_state(r, PCISIM_EEH_REC_RECOVERED, "resumed");
		set_state(r, PCISIM_EEH_REC_IDLE, "done");
		return;
	case PCISIM_EEH_REC_IDLE:
	case PCISIM_EEH_REC_RECOVERED:
	case PCISIM_EEH_REC_FAILED:
		pcisim_log(sim, &r->h->comp, "pcisim", "eeh: invalid state %s for a step", state_name(r->state));
		return;
	}
}

/* eeh_handle_normal_event(): the freeze counter first, then error_detected. */
static void start(struct eeh_rec *r)
{
	struct pcisim_sim *sim = sim_of(r);
	/*
	 * eeh_pe_update_time_stamp() counts in whole seconds (ktime_get_seconds()): the
	 * count starts again when the seconds since its stamp exceed 3600.
	 */
	if (!r->tstamp_set || sim->now / PCISIM_S - r->tstamp / PCISIM_S > PCISIM_EEH_FREEZE_WINDOW / PCISIM_S) {
		r->tstamp = sim->now; /* eeh_pe_update_time_stamp() */
		r->tstamp_set = true;
		r->freeze_count = 0;
	}
	r->freeze_count++;
	r->status = PCISIM_ERS_NONE;
	save_bars(r);
	set_state(r, PCISIM_EEH_REC_ERROR_DETECTED, "frozen PE");
	if (r->freeze_count > r->h->cfg.eeh_max_freezes) {
		pcisim_log(sim, &r->pe->top->comp, "linux",
			   "EEH: PHB#%x-PE#%x has failed %u times in the last hour and has been permanently disabled.",
			   phb_nr(r), pcisim_eeh_pe_addr(r->pe), r->freeze_count);
		return fail(r, "eeh_max_freezes exceeded");
	}
	pcisim_log(sim, &r->pe->top->comp, "linux",
		   "EEH: This PCI device has failed %u times in the last hour and will be permanently disabled after %u failures.",
		   r->freeze_count, r->h->cfg.eeh_max_freezes);
	pcisim_log(sim, &r->pe->top->comp, "linux", "EEH: Notify device drivers to shutdown");
	set_channels(r, PCISIM_IO_FROZEN);
	struct pcisim_rtas_args a = {.nargs = 8, .nret = 1};
	a.args[0] = pcisim_eeh_pe_addr(r->pe);
	a.args[1] = (uint32_t)(r->pe->buid >> 32);
	a.args[2] = (uint32_t)r->pe->buid;
	a.args[7] = PCISIM_RTAS_SLOT_TEMP_ERR_LOG;
	pcisim_rtas_call(sim, "ibm,slot-error-detail", &a, "linux");
	next_step(r, broadcast(r, CB_ERROR_DETECTED));
}

bool pcisim_host_eeh_check_failure(struct pcisim_host *h, struct pcisim_pcifn *fn)
{
	struct pcisim_eeh_pe *pe = h ? pcisim_eeh_pe_of(fn) : NULL;
	if (!pe)
		return false;
	struct eeh_rec *r = rec_of(h, pe);
	if (r->state != PCISIM_EEH_REC_IDLE || r->removed)
		return false;
	struct pcisim_rtas_args a;
	if (rtas_pe(r, "ibm,read-slot-reset-state2", 3, 4, 0, &a) < 0)
		return false;
	/*
	 * eeh_dev_check_failure() punts when the state cannot be had, EEH is not supported
	 * (or the PE is permanently unavailable), or MMIO and DMA are active (normal, or a
	 * reset in progress): the device really read all ones.
	 */
	unsigned flags = pseries_get_state(&a);
	if (flags == EEH_STATE_NOT_SUPPORT || eeh_state_active(flags))
		return false;
	pcisim_log(h->comp.sim, &fn->comp, "linux", "EEH: eeh_dev_check_failure: Frozen PHB#%x-PE#%x detected",
		   phb_nr(r), pcisim_eeh_pe_addr(pe));
	start(r);
	return true;
}

const struct pcisim_record_kind pcisim_host_eeh_kinds[] = {
	{"eeh.recovery", "Linux's EEH recovery of a PE changed state (fields: pe, from, to, why, status)"},
	{"eeh.callback", "an EEH recovery called a driver's error handler (fields: callback, vote)"},
	{0},
};
