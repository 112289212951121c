/*
 * PCI Express links: an approximate LTSSM per downstream-facing port, the negotiated
 * speed and width, the port's Link Status (LT, Current Link Speed, Negotiated Link
 * Width, DLLLA through the slot code), and the per-hop latency of a TLP. The model
 * and its constants are described in link.h and docs/links-and-resets.md.
 *
 * A link belongs to the port at its upper end (struct pcisim_port.link); the partner
 * is whatever functions sit on the port's secondary bus (all functions of a
 * multi-function device share the link). Resets of the functions below are
 * reset.c's, DLLLA and its slot event slot.c's; this file only moves the LTSSM and
 * tells its listeners (link.h) when the Data Link Layer goes up or down, when the
 * component below leaves reset (Detect) and when its link is up (L0).
 */
#include "sim/pcie/link.h"

#include <assert.h>
#include <string.h>

#include "sim/core/grow.h"
#include "sim/core/trace.h"
#include "sim/pcie/caps.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/field.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

static const char *const ltssm_names[] = {
	[PCISIM_LTSSM_DETECT] = "Detect",     [PCISIM_LTSSM_POLLING] = "Polling",
	[PCISIM_LTSSM_CONFIG] = "Configuration", [PCISIM_LTSSM_L0] = "L0",
	[PCISIM_LTSSM_RECOVERY] = "Recovery", [PCISIM_LTSSM_HOTRESET] = "HotReset",
	[PCISIM_LTSSM_DISABLED] = "Disabled",
};

const char *pcisim_ltssm_name(enum pcisim_ltssm s)
{
	return (unsigned)s < sizeof(ltssm_names) / sizeof(ltssm_names[0]) ? ltssm_names[s] : "?";
}

/* ---- speed, width, latency ---- */

unsigned pcisim_link_speed_mts(unsigned speed)
{
	/* LNKCAP/LNKSTA speed codes, PCIe r5.0 §7.5.3.6 (index into the LNKCAP2 vector). */
	static const unsigned mts[] = {0, 2500, 5000, 8000, 16000, 32000, 64000};
	return speed < sizeof(mts) / sizeof(mts[0]) ? mts[speed] : 0;
}

static const char *speed_name(unsigned speed)
{
	static const char *const names[] = {"-", "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s"};
	return speed < sizeof(names) / sizeof(names[0]) ? names[speed] : "?";
}

pcisim_time pcisim_link_serialize_ps(unsigned speed, unsigned width, unsigned bytes)
{
	unsigned mts = pcisim_link_speed_mts(speed ? speed : PCISIM_LNK_2_5GT);
	if (!mts)
		mts = pcisim_link_speed_mts(PCISIM_LNK_2_5GT);
	if (!width)
		width = 1;
	/* Payload bits per transferred bit: 8b/10b to 5 GT/s (PCIe r5.0 §4.2.1), 128b/130b
	 * at 8-32 GT/s (§4.2.2); 64 GT/s flit mode is counted without overhead. */
	uint64_t num = 8, den = 10;
	if (mts >= 64000)
		num = den = 1;
	else if (mts >= 8000)
		num = 128, den = 130;
	uint64_t symbols = (bytes + width - 1) / width; /* byte times per lane */
	uint64_t top = symbols * 8 * den * 1000000;     /* bits on a lane * 10^12 ps / 10^6 (MT/s) */
	uint64_t bot = num * mts;
	return (top + bot - 1) / bot;
}

pcisim_time pcisim_link_tlp_latency(const struct pcisim_link *l, unsigned bytes)
{
	return pcisim_link_serialize_ps(l->speed, l->width, bytes + PCISIM_LINK_FRAMING_BYTES) +
	       l->hop_fixed;
}

/* defined below */
static struct pcisim_comp *lcomp(struct pcisim_link *l);

pcisim_time pcisim_link_hop_latency(struct pcisim_sim *sim, struct pcisim_link *l, unsigned bytes)
{
	struct pcisim_link_lat *c = &l->lat[(bytes >> 2) & 1];
	if (c->bytes != bytes || c->speed != l->speed || c->width != l->width || c->fixed != l->hop_fixed ||
	    !c->bytes)
		*c = (struct pcisim_link_lat){(uint16_t)bytes, l->speed, l->width, l->hop_fixed,
					      pcisim_link_tlp_latency(l, bytes)};
	pcisim_time nom = c->latency;
	if (!sim->hooks || !sim->hooks->jitter)
		return nom;
	return pcisim_jitter(sim, lcomp(l), "link.hop", nom, nom,
			     nom + nom / 100 * PCISIM_LINK_HOP_JITTER_PCT +
				     nom % 100 * PCISIM_LINK_HOP_JITTER_PCT / 100);
}

/* ---- registers ---- */

static struct pcisim_sim *lsim(const struct pcisim_link *l)
{
	return l->port->fn.comp.sim;
}

static struct pcisim_comp *lcomp(struct pcisim_link *l)
{
	return &l->port->fn.comp;
}

static void lnksta_update(struct pcisim_link *l, uint16_t clear, uint16_t set)
{
	if (!l->port->exp)
		return;
	pcisim_cap_exp_lnk_sta_clr(&l->port->fn.cfg, l->port->exp, clear);
	pcisim_cap_exp_lnk_sta_set(&l->port->fn.cfg, l->port->exp, set);
}

/* Show @speed and @width in Current Link Speed / Negotiated Link Width. */
static void lnksta_set_speed(struct pcisim_link *l, unsigned speed, unsigned width)
{
	lnksta_update(l, PCI_EXP_LNKSTA_CLS | PCI_EXP_LNKSTA_NLW,
		      (uint16_t)(PCISIM_FIELD_PREP(PCI_EXP_LNKSTA_CLS, speed) |
				 PCISIM_FIELD_PREP(PCI_EXP_LNKSTA_NLW, width)));
}

/* The first function below the port (function 0 of the device, normally). */
static struct pcisim_pcifn *partner_fn(const struct pcisim_link *l)
{
	struct pcisim_pcibus *b = l->port->fn.secondary;
	for (uint16_t i = 0; b && i < b->nfns; i++)
		if (!b->fns[i]->comp.removed)
			return b->fns[i];
	return NULL;
}

/*
 * The function whose Link Capabilities the port's Link Status shows: function 0 of
 * device 0, the only one QEMU's pcie_sync_bridge_lnk() looks at (bus->devices[0]).
 * A card whose functions sit elsewhere (the PDS report's xhci at 0x12.0x1) trains
 * the link at its own speed (TLP latency), but the register shows the port's maximum,
 * as in QEMU.
 */
static struct pcisim_pcifn *status_fn(const struct pcisim_link *l)
{
	struct pcisim_pcibus *b = l->port->fn.secondary;
	for (uint16_t i = 0; b && i < b->nfns; i++)
		if (!b->fns[i]->comp.removed && b->fns[i]->devfn == 0)
			return b->fns[i];
	return NULL;
}

/* Speed and width both ends support: min of the LNKCAPs, the speed also capped by the
 * port's Target Link Speed (PCIe r5.0 §4.2.6.3, §7.5.3.19). A missing field counts as
 * 2.5 GT/s x1, as QEMU's pcie_sync_bridge_lnk() does. */
static void negotiate_with(struct pcisim_link *l, struct pcisim_pcifn *dev, unsigned *speed_out,
			   unsigned *width_out)
{
	struct pcisim_cfg *c = &l->port->fn.cfg;
	unsigned speed = l->max_speed, width = l->max_width;
	if (l->port->exp) {
		uint16_t flags = pcisim_cfg_get16(c, (uint16_t)(l->port->exp + PCI_EXP_FLAGS));
		if (PCISIM_FIELD_GET(PCI_EXP_FLAGS_VERS, flags) >= 2) {
			unsigned tls = PCISIM_FIELD_GET(PCI_EXP_LNKCTL2_TLS,
						       pcisim_cfg_get16(c, (uint16_t)(l->port->exp + PCI_EXP_LNKCTL2)));
			if (tls && tls < speed)
				speed = tls;
		}
	}
	uint16_t dexp = dev && dev->cfg.bytes ? pcisim_cfg_find_cap(&dev->cfg, PCI_CAP_ID_EXP) : 0;
	if (dexp) {
		uint32_t cap = pcisim_cfg_get32(&dev->cfg, (uint16_t)(dexp + PCI_EXP_LNKCAP));
		unsigned ds = PCISIM_FIELD_GET(PCI_EXP_LNKCAP_SLS, cap);
		unsigned dw = PCISIM_FIELD_GET(PCI_EXP_LNKCAP_MLW, cap);
		ds = ds ? ds : PCISIM_LNK_2_5GT;
		dw = dw ? dw : 1;
		speed = ds < speed ? ds : speed;
		width = dw < width ? dw : width;
	}
	*speed_out = speed;
	*width_out = width;
}

static void negotiate(struct pcisim_link *l)
{
	unsigned speed, width;
	negotiate_with(l, partner_fn(l), &speed, &width);
	l->speed = (uint8_t)speed;
	l->width = (uint8_t)width;
}

/* Current Link Speed and Negotiated Link Width as QEMU shows them (status_fn()). */
static void lnksta_show_speed(struct pcisim_link *l)
{
	unsigned speed, width;
	negotiate_with(l, status_fn(l), &speed, &width);
	lnksta_set_speed(l, speed, width);
}

struct pcisim_pcifn *pcisim_link_partner(const struct pcisim_link *l)
{
	return partner_fn(l);
}

/* ---- listeners ---- */

static const struct pcisim_link_listener **listeners;
static size_t nlisteners, caplisteners;

void pcisim_link_listener_add(const struct pcisim_link_listener *ls)
{
	for (size_t i = 0; i < nlisteners; i++)
		if (listeners[i] == ls)
			return;
	listeners = pcisim_grow(listeners, &caplisteners, nlisteners + 1, sizeof(*listeners));
	listeners[nlisteners++] = ls;
}

static void tell_dl_changed(struct pcisim_link *l, bool up, bool partner_leaving)
{
	for (size_t i = 0; i < nlisteners; i++)
		if (listeners[i]->dl_changed)
			listeners[i]->dl_changed(l, up, partner_leaving);
}

static void tell_released(struct pcisim_link *l)
{
	for (size_t i = 0; i < nlisteners; i++)
		if (listeners[i]->released)
			listeners[i]->released(l);
}

static void tell_ready(struct pcisim_link *l, pcisim_time now)
{
	for (size_t i = 0; i < nlisteners; i++)
		if (listeners[i]->ready)
			listeners[i]->ready(l, now);
}

/* ---- the state machine ---- */

static void ltssm_event(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(ltssm_kind, "link.train", ltssm_event);

static void dl_up(struct pcisim_link *l)
{
	struct pcisim_sim *sim = lsim(l);
	l->dl_up = true;
	l->up_at = sim->now;
	negotiate(l);
	lnksta_show_speed(l);
	PCISIM_RECORD(sim, lcomp(l), "link.status", PCISIM_FS("speed", speed_name(l->speed)),
		      PCISIM_FU("width", l->width));
	tell_dl_changed(l, true, false);
	/* A link trained under a (link_model qemu) hot reset hold: the release readies it. */
	if (l->port->fn.secondary && !l->hold)
		tell_ready(l, sim->now);
}

/*
 * The Data Link Layer goes down. @partner_leaving: the link goes down because the
 * function below leaves an instant (QEMU) link; QEMU's DLLLA then changes only where
 * its slot says (link_fn_removed()).
 */
static void dl_down(struct pcisim_link *l, bool partner_leaving)
{
	l->dl_up = false;
	tell_dl_changed(l, false, partner_leaving);
}

/* A transition to @new (@partner_leaving: see dl_down()). */
static void change_state(struct pcisim_link *l, enum pcisim_ltssm new, const char *why,
			 bool partner_leaving)
{
	enum pcisim_ltssm old = l->state;
	if (old == new)
		return;
	struct pcisim_sim *sim = lsim(l);
	l->state = new;
	l->transitions++;
	PCISIM_RECORD(sim, lcomp(l), "link.ltssm", PCISIM_FS("from", pcisim_ltssm_name(old)),
		      PCISIM_FS("to", pcisim_ltssm_name(new)), PCISIM_FS("why", why));
	/* Link Training: Configuration and Recovery (PCIe r5.0 §7.5.3.8). */
	bool lt = new == PCISIM_LTSSM_CONFIG || new == PCISIM_LTSSM_RECOVERY;
	lnksta_update(l, lt ? 0 : PCI_EXP_LNKSTA_LT, lt ? PCI_EXP_LNKSTA_LT : 0);
	if (new == PCISIM_LTSSM_HOTRESET)
		l->hot_reset_at = sim->now;
	bool up = new == PCISIM_LTSSM_L0 || new == PCISIM_LTSSM_RECOVERY;
	if (up && !l->dl_up)
		dl_up(l);
	else if (!up && l->dl_up)
		dl_down(l, partner_leaving);
	/* Out of Hot Reset / Disabled (or restarted): the component below is out of reset. */
	if (new == PCISIM_LTSSM_DETECT && l->port->fn.secondary)
		tell_released(l);
}

static void set_state(struct pcisim_link *l, enum pcisim_ltssm new, const char *why)
{
	change_state(l, new, why, false);
}

/*
 * Holds that take the link down. Under link_model qemu a hot reset (the port's
 * Secondary Bus Reset, or one propagated from above) resets the functions below but
 * leaves the link in L0 with DLLLA set, as QEMU does; the hold is only recorded.
 */
#define SOFT_HOLDS ((uint8_t)(PCISIM_LINK_HOLD_SBR | PCISIM_LINK_HOLD_PARENT))
static uint8_t hard_hold(const struct pcisim_link *l)
{
	return l->spec ? l->hold : (uint8_t)(l->hold & ~SOFT_HOLDS);
}

/* The state a held link sits in. */
static enum pcisim_ltssm held_state(const struct pcisim_link *l)
{
	return (l->hold & PCISIM_LINK_HOLD_DISABLE) ? PCISIM_LTSSM_DISABLED : PCISIM_LTSSM_HOTRESET;
}

/*
 * The next transition from the current state, its delay and reason; false when the
 * link waits for an input (L0, no partner, held).
 */
static bool next_step(const struct pcisim_link *l, pcisim_time now, enum pcisim_ltssm *next,
		      pcisim_time *delay, const char **why)
{
	pcisim_time t = l->training;
	pcisim_time t_detect = t / 4, t_polling = t / 2, t_config = t - t_detect - t_polling;
	switch (l->state) {
	case PCISIM_LTSSM_DETECT:
		if (hard_hold(l) || !l->partner)
			return false;
		*next = PCISIM_LTSSM_POLLING, *delay = t_detect, *why = "receiver detected";
		return true;
	case PCISIM_LTSSM_POLLING:
		*next = PCISIM_LTSSM_CONFIG, *delay = t_polling, *why = "bit and symbol lock, TS1/TS2 exchanged";
		return true;
	case PCISIM_LTSSM_CONFIG:
		*next = PCISIM_LTSSM_L0, *delay = t_config, *why = "link and lane numbers agreed";
		return true;
	case PCISIM_LTSSM_RECOVERY:
		*next = PCISIM_LTSSM_L0, *delay = t_config, *why = "retrained";
		return true;
	case PCISIM_LTSSM_HOTRESET:
	case PCISIM_LTSSM_DISABLED:
		if (hard_hold(l)) {
			if (held_state(l) == l->state)
				return false;
			/* Link Disable cleared while a hot reset still holds it. */
			*next = held_state(l), *delay = 0, *why = "link enabled, hot reset held";
			return true;
		}
		*next = PCISIM_LTSSM_DETECT;
		*delay = 0;
		*why = l->state == PCISIM_LTSSM_DISABLED ? "link enabled" : "hot reset done";
		if (l->state == PCISIM_LTSSM_HOTRESET && t) {
			pcisim_time end = pcisim_time_add(l->hot_reset_at, PCISIM_LINK_HOT_RESET_TIME);
			*delay = end > now ? end - now : 0;
		}
		return true;
	case PCISIM_LTSSM_L0:
		return false;
	}
	pcisim_log(l->port->fn.comp.sim, &l->port->fn.comp, "pcisim", "link: invalid LTSSM state %#x",
		   (unsigned)l->state);
	assert(!"invalid LTSSM state");
	return false;
}

/* Arm the next transition: at once on instant links (looping until the link waits),
 * else as an event. */
static void advance(struct pcisim_link *l)
{
	struct pcisim_sim *sim = lsim(l);
	pcisim_cancel(sim, &l->timer);
	enum pcisim_ltssm next;
	pcisim_time delay;
	const char *why;
	for (unsigned guard = 0; next_step(l, sim->now, &next, &delay, &why); guard++) {
		if (delay || l->training) {
			l->timer = pcisim_schedule(sim, delay, PCISIM_CLASS_HW, &ltssm_kind, lcomp(l),
						   next, l->transitions);
			return;
		}
		/* A handful of steps reaches a waiting state; more is a model bug. */
		if (guard > 16) {
			pcisim_log(sim, lcomp(l), "pcisim", "link: LTSSM does not settle in %s",
				   pcisim_ltssm_name(l->state));
			return;
		}
		set_state(l, next, why);
	}
}

static void ltssm_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_port *p = (struct pcisim_port *)ev->target;
	if (p->fn.comp.removed)
		return;
	struct pcisim_link *l = &p->link;
	l->timer = (pcisim_timer){0, 0};
	enum pcisim_ltssm next;
	pcisim_time delay;
	const char *why;
	/* The transition armed for this state (a changed state cancels its timer). */
	if (ev->a[1] != l->transitions || !next_step(l, sim->now, &next, &delay, &why) ||
	    next != (enum pcisim_ltssm)ev->a[0])
		return;
	set_state(l, next, why);
	advance(l);
}

/* ---- inputs ---- */

void pcisim_link_retrain(struct pcisim_link *l, const char *why)
{
	if (!l || l->state != PCISIM_LTSSM_L0)
		return;
	set_state(l, PCISIM_LTSSM_RECOVERY, why);
	advance(l);
}

void pcisim_link_hold(struct pcisim_link *l, uint8_t bits, const char *why)
{
	if (!l || !l->port)
		return;
	l->hold |= bits;
	if (!l->spec && !(bits & ~SOFT_HOLDS))
		return; /* link_model qemu: the link stays as it is */
	pcisim_cancel(lsim(l), &l->timer);
	enum pcisim_ltssm target = held_state(l);
	if (l->state != target && !(target == PCISIM_LTSSM_HOTRESET && l->state == PCISIM_LTSSM_DISABLED))
		set_state(l, target, why);
	advance(l);
}

void pcisim_link_release(struct pcisim_link *l, uint8_t bits, const char *why)
{
	if (!l || !l->port || !(l->hold & bits))
		return;
	(void)why;
	l->hold &= (uint8_t)~bits;
	/* link_model qemu: a hot reset ends with the link still up; the component below
	 * is out of reset now (what Detect and L0 would do). */
	if (!l->spec && (bits & SOFT_HOLDS) && !(l->hold & SOFT_HOLDS) && l->dl_up &&
	    l->port->fn.secondary) {
		tell_released(l);
		tell_ready(l, lsim(l)->now);
	}
	advance(l);
}

/* pcisim_link_restart(); @partner_leaving: see dl_down(). */
static void restart(struct pcisim_link *l, const char *why, bool partner_leaving)
{
	if (!l || !l->port)
		return;
	pcisim_cancel(lsim(l), &l->timer);
	if (l->state != PCISIM_LTSSM_DETECT)
		change_state(l, PCISIM_LTSSM_DETECT, why, partner_leaving);
	else if (l->port->fn.secondary)
		tell_released(l);
	advance(l);
}

void pcisim_link_restart(struct pcisim_link *l, const char *why)
{
	restart(l, why, false);
}

/* ---- lookup ---- */

struct pcisim_link *pcisim_link_of(struct pcisim_pcifn *port)
{
	if (!port || !pcisim_is_port(port))
		return NULL;
	struct pcisim_link *l = &pcisim_to_port(port)->link;
	return l->port ? l : NULL;
}

struct pcisim_link *pcisim_link_above(struct pcisim_pcifn *fn)
{
	return fn && fn->bus ? pcisim_link_of(fn->bus->bridge) : NULL;
}

/* ---- fabric hooks ---- */

static int training_from_prop(const struct pcisim_prop *p, pcisim_time *out, struct pcisim_diag *d)
{
	if (!strcmp(p->value, "qemu")) {
		*out = 0;
		return 0;
	}
	const char *why = NULL;
	if (pcisim_time_parse(p->value, out, &why))
		return pcisim_diag_error(d, p->loc,
					 "'link_training': '%s' is not a duration (%s); expected a time such as 20ms or 0, or qemu (instant)",
					 p->value, why ? why : "bad value");
	return 0;
}

int pcisim_link_parse_training(const struct pcisim_ynode *n, pcisim_time *out, struct pcisim_diag *d)
{
	if (n->kind == PCISIM_Y_SCALAR && n->str && !strcmp(n->str, "qemu")) {
		*out = 0;
		return 0;
	}
	return pcisim_yget_time(n, "'link_training' (a duration such as 20ms, or qemu)", out, d);
}

static int link_fn_realized(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_prop *prop = pcisim_props_find(&fn->props, "link_training");
	if (!pcisim_is_port(fn)) {
		if (prop)
			return pcisim_diag_error(d, prop->loc,
						 "'link_training' applies to root and downstream ports (the link below them); '%s' is a %s",
						 fn->comp.name, fn->drv->name);
		return 0;
	}
	struct pcisim_port *p = pcisim_to_port(fn);
	struct pcisim_link *l = &p->link;
	memset(l, 0, sizeof(*l));
	l->port = p;
	l->state = PCISIM_LTSSM_DETECT;
	l->hop_fixed = PCISIM_LINK_HOP_FIXED;
	l->training = fn->fabric ? fn->fabric->machine.link_training : 0;
	l->spec = fn->fabric && fn->fabric->machine.link_spec;
	/* link_model spec: Link Disable and Retrain Link are RW (PCIe r5.0 §7.5.3.7); QEMU
	 * leaves them read-only (pcie_cap_lnkctl_init(): CCC and ES only). */
	if (l->spec && p->exp)
		pcisim_cfg_mask_or(&fn->cfg, PCISIM_WMASK, (uint16_t)(p->exp + PCI_EXP_LNKCTL), 2,
				   PCI_EXP_LNKCTL_LD | PCI_EXP_LNKCTL_RL);
	if (prop) {
		int rc = training_from_prop(prop, &l->training, d);
		if (rc)
			return rc;
	}
	uint32_t cap = p->exp ? pcisim_cfg_get32(&fn->cfg, (uint16_t)(p->exp + PCI_EXP_LNKCAP)) : 0;
	unsigned s = PCISIM_FIELD_GET(PCI_EXP_LNKCAP_SLS, cap), w = PCISIM_FIELD_GET(PCI_EXP_LNKCAP_MLW, cap);
	l->max_speed = (uint8_t)(s ? s : PCISIM_LNK_2_5GT);
	l->max_width = (uint8_t)(w ? w : 1);
	/* No partner yet: the port shows its own maximum, as QEMU's pcie_sync_bridge_lnk(). */
	negotiate(l);
	lnksta_show_speed(l);
	return 0;
}

static void link_fn_plugged(struct pcisim_pcifn *fn)
{
	struct pcisim_link *l = pcisim_link_above(fn);
	/* As QEMU's hot-plug, a card shows up with its function 0 (functions > 0 may be
	 * added first); a cold-plugged function is there from power-on. */
	if (!l || l->partner || (fn->hotplugged && (fn->devfn & 7)))
		return;
	l->partner = true;
	advance(l);
	/* QEMU's slot sets DLLLA at plug; a link still training has no active DLL yet. */
	if (!l->dl_up && l->port->exp &&
	    (pcisim_cap_exp_lnk_sta(&l->port->fn.cfg, l->port->exp) & PCI_EXP_LNKSTA_DLLLA)) {
		lnksta_update(l, PCI_EXP_LNKSTA_DLLLA, 0);
		PCISIM_RECORD(lsim(l), lcomp(l), "link.dllla", PCISIM_FB("active", false));
	}
}

static void link_fn_removed(struct pcisim_pcifn *fn)
{
	struct pcisim_link *own = pcisim_link_of(fn);
	if (own)
		pcisim_cancel(lsim(own), &own->timer);
	struct pcisim_link *l = pcisim_link_above(fn);
	if (!l || l->port->fn.comp.removed || partner_fn(l))
		return;
	l->partner = false;
	/*
	 * On an instant (QEMU) link DLLLA is the slot's business, as in QEMU: cleared by
	 * an unplug through the slot (slot.c do_unplug), kept when a function goes
	 * without it (device_del of a function other than 0 with no function 0, an
	 * ACPI eject). A link with a training time drops it.
	 */
	restart(l, "partner removed", l->training == 0);
	/* No card: the port shows its own maximum again (pcie_sync_bridge_lnk()). */
	lnksta_show_speed(l);
}

/* ---- record kinds ---- */

static const struct pcisim_record_kind link_kinds[] = {
	{"link.ltssm", "an LTSSM transition of the link below a port (fields: from, to, why)"},
	{"link.status", "a link came up: negotiated speed and width (fields: speed, width)"},
	{"pci.reset", "a function was reset (fields: kind = cold, warm or flr; why)"},
	{"cfg.request", "a routed configuration request left the root complex (fields: tag, bdf, off, len, op, val)"},
	{"cfg.completion",
	 "its completion reached the root complex (fields: tag, bdf, off, op, status, val, latency, links)"},
	{0},
};

/* A port gets its link when realized; the link above a function trains when it is
 * plugged and stops when it leaves (the one above may lose its partner). */
static const struct pcisim_fabric_hooks link_hooks = {
	.name = "link",
	.realized = link_fn_realized,
	.plugged = link_fn_plugged,
	.removed = link_fn_removed,
};

void pcisim_link_register(void)
{
	pcisim_record_kinds_add(link_kinds);
	pcisim_fabric_hooks_add(&link_hooks);
}
