/*
 * The host's configuration accesses (cfg.h): the routed variant (one
 * pcisim_cfg_request() per attempt; the root complex re-issues RRS that software
 * cannot see, pt.h) and the instant variant (route.c's rule at one moment). Linux's
 * pci_dev_wait(), built on the routed one, is in pt.c.
 *
 * On a pseries machine both meet the PHB first: a function whose PE is frozen, in reset
 * or unavailable has its configuration space isolated (PAPR; Linux's eeh code expects
 * all ones from it: eeh_dev_check_failure() is called on an all-ones config read). The
 * PHB answers such a read with all ones and drops such a write without passing them
 * on; sim/eeh's pcisim_eeh_access() says which, and counts them at the PE.
 */
#include "sim/host/cfg.h"

#include <assert.h>
#include <string.h>

#include "sim/eeh/eeh.h"
#include "sim/pcie/fabric.h"

static uint32_t all_ones(unsigned len)
{
	return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

/* The function at @bus/@devfn on a machine with a sPAPR PHB (NULL elsewhere: no PE). */
static struct pcisim_pcifn *phb_fn_at(struct pcisim_sim *sim, uint8_t bus, uint8_t devfn)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	if (!fab->root_host || !pcisim_eeh_is_phb(fab->root_host))
		return NULL;
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!fn->comp.removed && fn->bus && fn->bus->number == bus && fn->devfn == devfn)
			return fn;
	}
	return NULL;
}

/* Does the PHB isolate this access to @fn (its PE not letting configuration through)? */
static bool eeh_isolated(struct pcisim_pcifn *fn, bool write, uint16_t off)
{
	return fn && pcisim_eeh_phb_of(fn) &&
	       !pcisim_eeh_access(fn, write ? PCISIM_EEH_STORE_CFG : PCISIM_EEH_LOAD_CFG,
				  (uint64_t)pcisim_eeh_config_addr(fn) | off);
}

/* ---- routed ---- */

static void host_cfg_issue(struct pcisim_host_cfg *a);

/* The PHB answered an isolated access itself: all ones, or the write dropped. */
static void eeh_isolated_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_host_cfg *a = ev->ptr;
	a->status = PCISIM_CPL_SC;
	a->val = a->write ? 0 : all_ones(a->len);
	a->busy = false;
	a->completed = sim->now;
	if (a->wake)
		a->wake(a->ctx);
}
PCISIM_EVKIND(eeh_isolated_kind, "host.cfg_eeh_isolated", eeh_isolated_event);

static void reissue_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_host_cfg *a = ev->ptr;
	a->reissue = (pcisim_timer){0, 0};
	a->reissues++;
	host_cfg_issue(a);
}
PCISIM_EVKIND(reissue_kind, "host.cfg_reissue", reissue_event);

/* An RRS completion the CPU sees: a Vendor ID read under CRS Software Visibility (0001h). */
static bool rrs_visible(const struct pcisim_cfg_cpl *cpl)
{
	return !cpl->write && cpl->off == 0 && cpl->len >= 2 && (cpl->val & 0xffff) == 0x0001;
}

static void host_cfg_done(struct pcisim_sim *sim, const struct pcisim_cfg_cpl *cpl, void *ctx)
{
	struct pcisim_host_cfg *a = ctx;
	a->status = cpl->status;
	a->val = cpl->val;
	if (cpl->status == PCISIM_CPL_RRS && !rrs_visible(cpl) &&
	    sim->now - a->issued < PCISIM_HOST_RRS_GIVE_UP) {
		/* The root complex re-issues it as a new request (PCIe r5.0 §2.3.2). */
		struct pcisim_event *ev = pcisim_event_new(sim, &reissue_kind, a->requester);
		ev->ptr = a;
		ev->a[0] = (uint64_t)a->bus << 24 | (uint64_t)a->devfn << 16 | a->off;
		ev->a[1] = a->reissues;
		a->reissue = pcisim_post(sim, ev, pcisim_time_add(sim->now, PCISIM_HOST_RRS_REISSUE),
					 PCISIM_CLASS_MSG);
		return;
	}
	a->busy = false;
	a->completed = sim->now;
	if (a->wake)
		a->wake(a->ctx);
}

static void host_cfg_issue(struct pcisim_host_cfg *a)
{
	if (eeh_isolated(phb_fn_at(a->sim, a->bus, a->devfn), a->write, a->off)) {
		struct pcisim_event *ev = pcisim_event_new(a->sim, &eeh_isolated_kind, a->requester);
		ev->ptr = a;
		ev->a[0] = (uint64_t)a->bus << 24 | (uint64_t)a->devfn << 16 | a->off;
		pcisim_post(a->sim, ev, a->sim->now, PCISIM_CLASS_MSG);
		return;
	}
	int64_t tag = pcisim_cfg_request(a->sim, a->requester, a->bus, a->devfn, a->off, a->len,
					 a->write, a->wval, host_cfg_done, a);
	assert(tag > 0);
	if (tag <= 0) { /* a malformed access: completes at once, as a UR would */
		a->status = PCISIM_CPL_UR;
		a->val = a->write ? 0 : all_ones(a->len);
		a->busy = false;
		a->completed = a->sim->now;
	}
}

void pcisim_host_cfg_init(struct pcisim_host_cfg *a, struct pcisim_sim *sim,
			  struct pcisim_comp *requester, void (*wake)(void *ctx), void *ctx)
{
	memset(a, 0, sizeof(*a));
	a->sim = sim;
	a->requester = requester;
	a->wake = wake;
	a->ctx = ctx;
}

void pcisim_host_cfg_start(struct pcisim_host_cfg *a, uint8_t bus, uint8_t devfn, uint16_t off,
			   unsigned len, bool write, uint32_t val)
{
	assert(!a->busy);
	a->busy = true;
	a->write = write;
	a->bus = bus;
	a->devfn = devfn;
	a->off = off;
	a->len = (uint8_t)len;
	a->wval = val;
	a->reissues = 0;
	a->issued = a->sim->now;
	host_cfg_issue(a);
}

static void host_sleep_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_host_cfg *a = ev->ptr;
	a->sleep = (pcisim_timer){0, 0};
	if (a->wake)
		a->wake(a->ctx);
}
PCISIM_EVKIND(host_sleep_kind, "host.msleep", host_sleep_event);

void pcisim_host_cfg_sleep(struct pcisim_host_cfg *a, pcisim_time d)
{
	struct pcisim_event *ev = pcisim_event_new(a->sim, &host_sleep_kind, a->requester);
	ev->ptr = a;
	ev->a[0] = d;
	a->wake_at = pcisim_time_add(a->sim->now, d);
	pcisim_cancel(a->sim, &a->sleep);
	a->sleep = pcisim_post(a->sim, ev, a->wake_at, PCISIM_CLASS_HOST);
}

/* ---- instant ---- */

/*
 * The function is addressed as the CPU addresses it, by its bus number and devfn,
 * so the routing decisions are exactly those of a routed request to it.
 */
static struct pcisim_cfg_cpl access_now(struct pcisim_pcifn *fn, uint16_t off, unsigned len,
					bool write, uint32_t val, enum pcisim_host_instant why)
{
	assert(why <= PCISIM_INSTANT_CACHED);
	if (!fn || !fn->bus)
		return (struct pcisim_cfg_cpl){.status = PCISIM_CPL_UR, .val = write ? 0 : all_ones(len)};
	if (eeh_isolated(fn, write, off)) /* all ones; a write is not done */
		return (struct pcisim_cfg_cpl){.status = write ? PCISIM_CPL_UR : PCISIM_CPL_SC,
					       .val = write ? 0 : all_ones(len)};
	return pcisim_cfg_access_now(fn->comp.sim, fn->bus->number, fn->devfn, off, len, write, val);
}

uint32_t pcisim_host_cfg_read_instant(struct pcisim_pcifn *fn, uint16_t off, unsigned len,
				      enum pcisim_host_instant why)
{
	struct pcisim_cfg_cpl c = access_now(fn, off, len, false, 0, why);
	return c.status == PCISIM_CPL_SC ? c.val : all_ones(len);
}

bool pcisim_host_cfg_write_instant(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len,
				   enum pcisim_host_instant why)
{
	return access_now(fn, off, len, true, val, why).status == PCISIM_CPL_SC;
}
