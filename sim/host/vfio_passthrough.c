/*
 * Passthrough (vfio_passthrough.h): vfio-pci's error forwarding in the host and the
 * guest's recovery of the passed-through function, a protothread per guest.
 *
 * The guest: QEMU injects the error into the guest's virtual root port; the guest's
 * AER service runs pcie_do_recovery(frozen) with the guest driver's callbacks. Its
 * config and MMIO accesses reach the physical function through vfio (all ones while
 * the function is in reset or its link is down). Its link reset is a Secondary Bus
 * Reset of the virtual root port, which QEMU translates into a reset of the physical
 * device: a bus reset of the physical port (a second link reset, "Problem C"), or an
 * FLR with the remedy. The guest's own waits are those of Linux on the virtual port
 * (QEMU's pcie-root-port: 16 GT/s with DLLLA reporting, the link instantly up): 2 ms
 * of SBR, 20 ms, 100 ms, then pci_dev_wait on the device through vfio.
 *
 * With a `-device vfio-pci,host=...` of the passed-through function in the machine (its
 * view, sim/pcie/vfio.h), the guest reads its device through that view (QEMU's
 * emulated bits over the host function's) and names it by the view's address; the
 * guest's root port is then the port above the view, if any.
 */
#include "sim/host/vfio_passthrough.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/host/cfg.h"
#include "sim/host/pt.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/reset.h"
#include "sim/core/heap.h"
#include "sim/pcie/vfio.h"

struct guest_rec {
	struct pcisim_comp comp; /* "guest:<id>" */
	struct pcisim_host *h;
	struct pcisim_pcifn *fn;
	struct pcisim_pcifn *view; /* the vfio-pci function the guest sees, or NULL */
	struct pcisim_host_drv cfg;
	struct pcisim_pt pt;
	bool pending;  /* signalled, not started */
	bool deferred; /* serialize: signal after the host's recovery */
	bool deferred_frozen;
	bool vm_stopped; /* QEMU stopped the VM (vm_stop, nonfatal_only): nothing runs in it */
	/*
	 * The slides' Problem B: a multi-function device has the same topology in the
	 * guest, so one recovery (the leader's, its first passed-through function's)
	 * covers every function: one link reset resets them all.
	 */
	struct guest_rec *leader;   /* NULL: this function's own recovery leads */
	struct guest_rec **members; /* the leader's: the device's functions, itself first */
	unsigned nmembers;
	unsigned wi;                /* the member a callback loop is at */
	struct pcisim_aer_rec m; /* the guest's pcie_do_recovery() */
	pcisim_time wake_at, deadline, step;
	char port[32], bdf[32]; /* names for the log lines (a protothread keeps no locals) */
	uint64_t recovered, failed;
	const char *last;
};

struct pcisim_vfio {
	struct guest_rec **guests; /* in the order of the drivers: entries */
	size_t n;
};

static int guest_thread(struct guest_rec *g);

static void guest_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	guest_thread((struct guest_rec *)ev->target);
}
PCISIM_EVKIND(guest_kind, "aer.guest_run", guest_ev);

static void guest_poke(struct guest_rec *g, pcisim_time d)
{
	pcisim_schedule(g->comp.sim, d, PCISIM_CLASS_HOST, &guest_kind, &g->comp, 0, 0);
}

#define G_NOW(g) ((g)->comp.sim->now)
#define G_SLEEP(pt, g, d)                                                                  \
	do {                                                                               \
		(g)->wake_at = G_NOW(g) + (d);                                             \
		guest_poke((g), (d));                                                      \
		PT_WAIT_UNTIL((pt), G_NOW(g) >= (g)->wake_at);                             \
	} while (0)

static void guest_log(struct guest_rec *g, const char *fmt, ...) PCISIM_PRINTF(2, 3);
static void guest_log(struct guest_rec *g, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pcisim_log(g->comp.sim, &g->comp, "guest", "%s", msg);
}

static struct guest_rec *guest_of(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	for (size_t i = 0; h->vfio && i < h->vfio->n; i++)
		if (h->vfio->guests[i]->fn == fn)
			return h->vfio->guests[i];
	return NULL;
}

/* The recovery that covers @fn: its device's leader. */
static struct guest_rec *recovery_of(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	struct guest_rec *g = guest_of(h, fn);
	return g && g->leader ? g->leader : g;
}

#define MEMBER(g) ((g)->members[(g)->wi])

static void guest_start(struct guest_rec *g, bool frozen, const char *why)
{
	g->m.frozen = frozen;
	PCISIM_RECORD(g->comp.sim, &g->fn->comp, "aer.vfio", PCISIM_FS("event", "guest signalled"),
		      PCISIM_FS("why", why));
	g->pending = true;
	g->wake_at = G_NOW(g) + g->h->cfg.vfio_notify;
	guest_poke(g, g->h->cfg.vfio_notify);
}

/*
 * hw/vfio/pci.c vfio_err_notifier_handler() without AER forwarding (QEMU upstream):
 * error_report() and vm_stop(RUN_STATE_INTERNAL_ERROR). The host's recovery goes on;
 * nothing in the guest runs again until someone resumes the VM (not modelled).
 */
static void vm_stop(struct guest_rec *g, const char *why)
{
	char bdf[16];
	if (g->vm_stopped)
		return;
	g->vm_stopped = true;
	pcisim_log(g->comp.sim, &g->fn->comp, "qemu",
		   "vfio_err_notifier_handler(%s) Unrecoverable error detected. Please collect any data possible and then kill the guest",
		   pcisim_fn_bdf_str(g->fn, bdf, sizeof(bdf)));
	PCISIM_RECORD(g->comp.sim, &g->fn->comp, "aer.vfio", PCISIM_FS("event", "vm stopped"),
		      PCISIM_FS("why", why));
}

bool pcisim_vfio_vm_stopped(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	struct guest_rec *g = h ? recovery_of(h, fn) : NULL;
	return g && g->vm_stopped;
}

void pcisim_vfio_error_detected(struct pcisim_host *h, struct pcisim_pcifn *dev, bool frozen)
{
	struct guest_rec *g = recovery_of(h, dev);
	if (!g || g->vm_stopped)
		return;
	/* the host signals every function of the device; one recovery covers them all */
	if (g->nmembers > 1 && (g->pending || g->deferred))
		return;
	switch (h->cfg.vfio_remedy) {
	case PCISIM_VFIO_VM_STOP:
		return vm_stop(g, "QEMU upstream: an error stops the VM");
	case PCISIM_VFIO_NONFATAL_ONLY:
		if (frozen)
			return vm_stop(g, "nonfatal_only: a fatal error stops the VM");
		return guest_start(g, false, "nonfatal_only: a non-fatal error goes to the guest");
	default:
		break;
	}
	if (h->cfg.vfio_remedy == PCISIM_VFIO_SERIALIZE) {
		g->deferred = true;
		g->deferred_frozen = true;
		PCISIM_RECORD(g->comp.sim, &dev->comp, "aer.vfio", PCISIM_FS("event", "signal deferred"),
			      PCISIM_FS("why", "serialize: after the host's recovery"));
		return;
	}
	/* QEMU injects every forwarded error as fatal */
	guest_start(g, true, "vfio-pci error_detected");
}

void pcisim_vfio_host_recovery_done(struct pcisim_host *h, const struct pcisim_fn_list *devs)
{
	for (unsigned i = 0; i < devs->n; i++) {
		struct guest_rec *g = recovery_of(h, devs->v[i]);
		if (g && g->deferred) {
			g->deferred = false;
			guest_start(g, g->deferred_frozen, "serialize: the host's recovery is over");
		}
	}
}

/* The guest's view of its device, through vfio (and QEMU's emulation, with a view). */
static uint32_t guest_rd(struct guest_rec *g, uint16_t off, unsigned len)
{
	if (g->view)
		return pcisim_fn_cfg_read(g->view, off, len);
	return pcisim_host_cfg_read_instant(g->fn, off, len, PCISIM_INSTANT_VFIO);
}

/* The guest's name of its device: the view's address, or 0000:01:00.F below its port. */
static const char *guest_bdf(const struct guest_rec *g, char *buf, size_t n)
{
	if (g->view)
		return pcisim_fn_bdf_str(g->view, buf, n);
	snprintf(buf, n, "0000:01:00.%u", g->fn->devfn & 7u);
	return buf;
}

/* The guest's root port: the port above the view, or its virtual 00:1c.0. */
static const char *guest_port(const struct guest_rec *g, char *buf, size_t n)
{
	const struct pcisim_pcifn *v = g->view;
	if (v && v->bus && v->bus->bridge)
		return pcisim_fn_bdf_str(v->bus->bridge, buf, n);
	snprintf(buf, n, "0000:00:1c.0");
	return buf;
}

/* The host's Secondary Bus Reset of @b on behalf of vfio (a hot reset). */
static void sbr_set(struct pcisim_port *b, bool on)
{
	uint16_t bctl = (uint16_t)pcisim_host_cfg_read_instant(&b->fn, PCI_BRIDGE_CONTROL, 2, PCISIM_INSTANT_VFIO);
	bctl = on ? (uint16_t)(bctl | PCI_BRIDGE_CTL_BUS_RESET) : (uint16_t)(bctl & ~PCI_BRIDGE_CTL_BUS_RESET);
	pcisim_host_cfg_write_instant(&b->fn, PCI_BRIDGE_CONTROL, bctl, 2, PCISIM_INSTANT_VFIO);
}

/* A guest driver callback's vote: it reads its device through vfio. */
static enum pcisim_ers guest_vote(struct guest_rec *g, struct guest_rec *mem, enum pcisim_aer_cb cb,
				  enum pcisim_ers v)
{
	if (v && guest_rd(mem, PCI_VENDOR_ID, 2) == 0xffff) {
		char bdf[32];
		guest_log(g, "pci %s: AER: %s: device reads all ones", guest_bdf(mem, bdf, sizeof(bdf)),
			  pcisim_aer_cb_name(cb));
		v = PCISIM_ERS_DISCONNECT;
	}
	if (v) {
		enum pcisim_ers m = pcisim_ers_merge(g->m.status, v);
		PCISIM_RECORD(g->comp.sim, &mem->fn->comp, "aer.callback", PCISIM_FS("callback", pcisim_aer_cb_name(cb)),
			      PCISIM_FS("vote", pcisim_ers_name(v)), PCISIM_FS("status", pcisim_ers_name(m)),
			      PCISIM_FS("domain", "guest"));
		g->m.status = m;
	}
	return v;
}

static void guest_finish(struct guest_rec *g, bool ok)
{
	for (unsigned i = 0; i < g->nmembers; i++) {
		struct guest_rec *mem = g->members[i];
		pcisim_host_set_io_state(g->h, mem->fn, ok ? PCISIM_IO_NORMAL : PCISIM_IO_PERM_FAILURE);
		if (ok)
			mem->recovered++;
		else
			mem->failed++;
		mem->last = ok ? "recovered" : "failed";
	}
	char port[32];
	guest_log(g, "pcieport %s: AER: device recovery %s", guest_port(g, port, sizeof(port)),
		  ok ? "successful" : "failed");
	pcisim_aer_rec_set_state(g->comp.sim, &g->m, ok ? PCISIM_AER_REC_RECOVERED : PCISIM_AER_REC_FAILED,
				 ok ? "device recovery successful" : "device recovery failed");
	pcisim_aer_rec_set_state(g->comp.sim, &g->m, PCISIM_AER_REC_IDLE, "recovery over");
}

/* The physical port whose bus reset is the guest's link reset (none: the device is on a root bus). */
static struct pcisim_port *physical_port(struct guest_rec *g)
{
	return g->fn->bus && g->fn->bus->bridge && pcisim_is_port(g->fn->bus->bridge)
		       ? pcisim_to_port(g->fn->bus->bridge)
		       : NULL;
}

/* Is the guest's link reset an FLR of the function (the 2016 workable version's half)? */
static bool flr_translation(const struct guest_rec *g)
{
	return g->h->cfg.vfio_remedy == PCISIM_VFIO_SKIP_HOST_RESET ||
	       g->h->cfg.vfio_remedy == PCISIM_VFIO_FLR_TRANSLATION;
}

static int guest_thread(struct guest_rec *g)
{
	struct pcisim_pt *pt = &g->pt;
	struct pcisim_sim *sim = g->comp.sim;
	PT_BEGIN(pt);
	for (;;) {
		PT_WAIT_UNTIL(pt, g->pending && G_NOW(g) >= g->wake_at);
		g->pending = false;
		if (g->vm_stopped)
			continue; /* nothing runs in a stopped VM */
		g->m.status = PCISIM_ERS_CAN_RECOVER;
		if (!g->m.frozen) {
			/* pcie_do_recovery(normal): no link reset, the channel stays normal */
			guest_log(g, "pcieport %s: AER: Uncorrectable (Non-Fatal) error received: %s",
				  guest_port(g, g->port, sizeof(g->port)), guest_bdf(g, g->bdf, sizeof(g->bdf)));
			pcisim_aer_rec_set_state(sim, &g->m, PCISIM_AER_REC_ERROR_DETECTED, "QEMU injected the error");
			for (g->wi = 0; g->wi < g->nmembers; g->wi++) {
				if (MEMBER(g)->cfg.guest.error_detected)
					G_SLEEP(pt, g, MEMBER(g)->cfg.guest.cb_time);
				if (!guest_vote(g, MEMBER(g), PCISIM_AER_CB_DETECTED, MEMBER(g)->cfg.guest.error_detected) &&
				    !MEMBER(g)->cfg.guest.error_detected)
					g->m.status = PCISIM_ERS_NO_AER_DRIVER;
			}
			goto after_reset;
		}
		guest_log(g, "pcieport %s: AER: Uncorrectable (Fatal) error received: %s",
			  guest_port(g, g->port, sizeof(g->port)), guest_bdf(g, g->bdf, sizeof(g->bdf)));
		pcisim_aer_rec_set_state(sim, &g->m, PCISIM_AER_REC_ERROR_DETECTED, "QEMU injected the error");
		for (unsigned i = 0; i < g->nmembers; i++)
			pcisim_host_set_io_state(g->h, g->members[i]->fn, PCISIM_IO_FROZEN);
		for (g->wi = 0; g->wi < g->nmembers; g->wi++) {
			if (MEMBER(g)->cfg.guest.error_detected)
				G_SLEEP(pt, g, MEMBER(g)->cfg.guest.cb_time);
			if (!guest_vote(g, MEMBER(g), PCISIM_AER_CB_DETECTED, MEMBER(g)->cfg.guest.error_detected) &&
			    !MEMBER(g)->cfg.guest.error_detected)
				g->m.status = PCISIM_ERS_NO_AER_DRIVER;
		}
		/* the guest's link reset: SBR of its virtual root port, translated by QEMU */
		pcisim_aer_rec_set_state(sim, &g->m, PCISIM_AER_REC_RESET_LINK, "frozen channel");
		if (flr_translation(g)) {
			PCISIM_RECORD(sim, &g->fn->comp, "aer.vfio", PCISIM_FS("event", "guest link reset as FLR"),
				      PCISIM_FS("why", "remedy: a virtual link reset resets only the device"));
			for (unsigned i = 0; i < g->nmembers; i++) /* QEMU resets each vfio device */
				pcisim_reset_flr(g->members[i]->fn, "vfio: the guest's link reset");
		} else if (physical_port(g)) {
			PCISIM_RECORD(sim, &g->fn->comp, "aer.vfio", PCISIM_FS("event", "guest link reset as host bus reset"),
				      PCISIM_FS("why", "vfio-pci translates the guest's link reset"));
			sbr_set(physical_port(g), true);
		}
		G_SLEEP(pt, g, PCISIM_AER_SBR_HOLD);
		if (!flr_translation(g) && physical_port(g))
			sbr_set(physical_port(g), false);
		/* Linux's waits on the virtual port, then pci_dev_wait through vfio */
		G_SLEEP(pt, g, PCISIM_AER_LINK_DETECT_WAIT + PCISIM_AER_RESET_DELAY);
		g->deadline = G_NOW(g) + PCISIM_AER_READY_POLL - PCISIM_AER_RESET_DELAY;
		g->step = 1 * PCISIM_MS;
		while (guest_rd(g, PCI_COMMAND, 2) == 0xffff && G_NOW(g) < g->deadline) {
			G_SLEEP(pt, g, g->step);
			g->step *= 2;
		}
		guest_log(g, "pcieport %s: AER: Root Port link has been reset (0)", guest_port(g, g->port, sizeof(g->port)));
	after_reset:
		if (g->m.status == PCISIM_ERS_CAN_RECOVER) {
			g->m.status = PCISIM_ERS_RECOVERED;
			pcisim_aer_rec_set_state(sim, &g->m, PCISIM_AER_REC_MMIO_ENABLED, "can recover");
			for (g->wi = 0; g->wi < g->nmembers; g->wi++)
				if (MEMBER(g)->cfg.guest.mmio_enabled) {
					G_SLEEP(pt, g, MEMBER(g)->cfg.guest.cb_time);
					guest_vote(g, MEMBER(g), PCISIM_AER_CB_MMIO, MEMBER(g)->cfg.guest.mmio_enabled);
				}
		}
		if (g->m.status == PCISIM_ERS_NEED_RESET) {
			g->m.status = PCISIM_ERS_RECOVERED;
			pcisim_aer_rec_set_state(sim, &g->m, PCISIM_AER_REC_SLOT_RESET, "need reset");
			for (g->wi = 0; g->wi < g->nmembers; g->wi++)
				if (MEMBER(g)->cfg.guest.slot_reset) {
					G_SLEEP(pt, g, MEMBER(g)->cfg.guest.cb_time);
					guest_vote(g, MEMBER(g), PCISIM_AER_CB_SLOT_RESET, MEMBER(g)->cfg.guest.slot_reset);
				}
		}
		if (g->m.status != PCISIM_ERS_RECOVERED) {
			guest_finish(g, false);
			continue;
		}
		pcisim_aer_rec_set_state(sim, &g->m, PCISIM_AER_REC_RESUME, "recovered");
		for (g->wi = 0; g->wi < g->nmembers; g->wi++)
			if (MEMBER(g)->cfg.guest.resume)
				G_SLEEP(pt, g, MEMBER(g)->cfg.guest.cb_time);
		guest_finish(g, true);
	}
	PT_END(pt);
}

/* ---- the component ---- */

static int guest_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct guest_rec *g = (struct guest_rec *)c;
	if (!strcmp(key, "recovered")) {
		v->u = g->recovered;
		return 0;
	}
	if (!strcmp(key, "failed")) {
		v->u = g->failed;
		return 0;
	}
	const char *s;
	const struct guest_rec *l = g->leader ? g->leader : g;
	if (!strcmp(key, "state"))
		s = l->vm_stopped ? "vm_stopped" : l->m.state != PCISIM_AER_REC_IDLE ? "recovering" : "idle";
	else if (!strcmp(key, "recovery"))
		s = pcisim_aer_rec_state_name(l->m.state);
	else if (!strcmp(key, "last"))
		s = g->last ? g->last : "-";
	else
		return -PCISIM_ENOENT;
	v->is_str = true;
	v->s = s;
	return 0;
}

static void guest_destroy(struct pcisim_comp *c)
{
	pcisim_free(((struct guest_rec *)c)->members);
	pcisim_free(c);
}

static const char *const guest_keys[] = {"state", "recovery", "last", "recovered", "failed", NULL};
static const struct pcisim_comp_ops guest_ops = {
	.type = "guest-aer",
	.query = guest_query,
	.query_keys = guest_keys,
	.destroy = guest_destroy,
};

void pcisim_vfio_build(struct pcisim_host *h)
{
	for (size_t i = 0; i < h->cfg.ndrivers; i++) {
		const struct pcisim_host_drv *drv = &h->cfg.drivers[i];
		if (!drv->vfio)
			continue;
		struct guest_rec *g = pcisim_calloc(1, sizeof(*g));
		if (!g)
			abort();
		char name[160];
		snprintf(name, sizeof(name), "guest:%s", drv->id);
		if (pcisim_comp_add(h->comp.sim, &g->comp, &h->comp, name, &guest_ops)) {
			pcisim_free(g);
			continue;
		}
		g->h = h;
		g->fn = pcisim_fabric_find_fn(h->fab, drv->id);
		for (uint32_t k = 0; k < h->fab->nfns; k++)
			if (!h->fab->fns[k]->comp.removed && pcisim_vfio_host_fn(h->fab->fns[k]) == g->fn)
				g->view = h->fab->fns[k];
		g->cfg = *drv;
		g->m.subject = &g->fn->comp;
		g->m.domain = "guest";
		g->m.frozen = true; /* QEMU injects the error as fatal */
		if (!h->vfio && !(h->vfio = pcisim_calloc(1, sizeof(*h->vfio))))
			abort();
		struct guest_rec **v = pcisim_realloc(h->vfio->guests, (h->vfio->n + 1) * sizeof(*v));
		if (!v)
			abort();
		h->vfio->guests = v;
		h->vfio->guests[h->vfio->n++] = g;
		guest_poke(g, 0); /* the thread starts, and waits for a signal */
	}
	/* one recovery per device: the first passed-through function leads its siblings */
	for (size_t i = 0; h->vfio && i < h->vfio->n; i++) {
		struct guest_rec *g = h->vfio->guests[i], *l = NULL;
		for (size_t j = 0; j < i && !l; j++) {
			struct guest_rec *o = h->vfio->guests[j];
			if (!o->leader && o->fn->bus == g->fn->bus && (o->fn->devfn >> 3) == (g->fn->devfn >> 3))
				l = o;
		}
		if (l)
			g->leader = l;
		else
			l = g;
		struct guest_rec **v = pcisim_realloc(l->members, (l->nmembers + 1) * sizeof(*v));
		if (!v)
			abort();
		l->members = v;
		l->members[l->nmembers++] = g;
	}
}

/* The view of @host among the machine's vfio-pci functions, or NULL. */
static struct pcisim_pcifn *view_of(struct pcisim_fabric *fab, const struct pcisim_pcifn *host)
{
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (!fab->fns[i]->comp.removed && pcisim_vfio_host_fn(fab->fns[i]) == host)
			return fab->fns[i];
	return NULL;
}

int pcisim_vfio_check_views(struct pcisim_sim *sim, const struct pcisim_host_config *cfg, struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	char hb[32], vb[32], sb[32];
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *v = fab->fns[i], *hf = pcisim_vfio_host_fn(v);
		if (v->comp.removed || !hf)
			continue;
		const struct pcisim_host_drv *c = pcisim_host_config_driver(cfg, hf->comp.name);
		if (!c || !c->vfio)
			return pcisim_diag_error(d, v->props.loc,
						 "vfio-pci '%s': its host device %s is '%s', which the host does not pass through; expected 'drivers: {%s: {vfio: on}}' in the host: section (vfio-pci must own it in the host)",
						 v->comp.name, pcisim_fn_bdf_str(hf, hb, sizeof(hb)), hf->comp.name, hf->comp.name);
		/*
		 * The slides' Problem B: "topology of multi-function device should look the
		 * same between host and guest" ("link reset request from one function would
		 * reset all functions"): the views of one host device's functions are one
		 * device in the guest, each at its host function number.
		 */
		if ((v->devfn & 7) != (hf->devfn & 7))
			goto problem_b;
		for (uint16_t k = 0; hf->bus && k < hf->bus->nfns; k++) {
			struct pcisim_pcifn *sib = hf->bus->fns[k], *sv;
			if (sib == hf || sib->comp.removed || (sib->devfn >> 3) != (hf->devfn >> 3))
				continue;
			if (!(sv = view_of(fab, sib)))
				return pcisim_diag_error(d, v->props.loc,
							 "vfio-pci '%s': %s is function %u of a multi-function host device whose function %u (%s) the guest does not see; expected a -device vfio-pci,host=%s beside it (the slides' Problem B: every function assigned, topology identical between host and guest)",
							 v->comp.name, pcisim_fn_bdf_str(hf, hb, sizeof(hb)), hf->devfn & 7u,
							 sib->devfn & 7u, sib->comp.name, pcisim_fn_bdf_str(sib, sb, sizeof(sb)));
			if (sv->bus != v->bus || (sv->devfn >> 3) != (v->devfn >> 3)) {
				v = sv;
				hf = sib;
				goto problem_b;
			}
		}
		continue;
	problem_b:
		return pcisim_diag_error(d, v->props.loc,
					 "vfio-pci '%s': the guest sees host function %s at %s; expected function %u of the same guest device as its siblings (the slides' Problem B: topology of a multi-function device identical between host and guest, since a link reset from one function resets them all)",
					 v->comp.name, pcisim_fn_bdf_str(hf, hb, sizeof(hb)), pcisim_fn_bdf_str(v, vb, sizeof(vb)),
					 hf->devfn & 7u);
	}
	return 0;
}

void pcisim_vfio_free(struct pcisim_host *h)
{
	if (!h->vfio)
		return;
	pcisim_free(h->vfio->guests); /* the guests are components: the sim frees them */
	pcisim_free(h->vfio);
	h->vfio = NULL;
}

const struct pcisim_record_kind pcisim_vfio_kinds[] = {
	{"aer.vfio", "vfio-pci forwarded an error to the guest, or translated its link reset (fields: event, why)"},
	{0},
};
