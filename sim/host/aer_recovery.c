/*
 * pcie_do_recovery() as a model (aer_recovery.h has the rules): the recovery through
 * its states (aer_rec.c has the transition function), the drivers' votes and their
 * broadcast over the functions below the bridge, and
 * pci_bridge_wait_for_secondary_bus() after a link reset, as protothreads in
 * simulated time. Config accesses are instant (cfg.h, PCISIM_INSTANT_ERROR_HANDLING).
 */
#include "sim/host/aer_recovery.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/host/cfg.h"
#include "sim/host/cxl_host.h"
#include "sim/host/vfio_passthrough.h"
#include "sim/pcie/caps.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/core/heap.h"

/* ---- Linux's view of a function ---- */

void pcisim_aer_dev_log(struct pcisim_pcifn *fn, struct pcisim_comp *c, const char *fmt, ...)
{
	char msg[512], bdf[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *d = pcisim_host_linux_driver(fn);
	pcisim_log(fn->comp.sim, c ? c : &fn->comp, "linux", "%s %s: %s", d ? d : "pci",
		   pcisim_fn_bdf_str(fn, bdf, sizeof(bdf)), msg);
}

static uint32_t rd(struct pcisim_pcifn *fn, uint16_t off, unsigned len)
{
	return pcisim_host_cfg_read_instant(fn, off, len, PCISIM_INSTANT_ERROR_HANDLING);
}

static void wr(struct pcisim_pcifn *fn, uint16_t off, uint32_t v, unsigned len)
{
	pcisim_host_cfg_write_instant(fn, off, v, len, PCISIM_INSTANT_ERROR_HANDLING);
}

void pcisim_aer_list_below(struct pcisim_host *h, struct pcisim_pcibus *b, struct pcisim_fn_list *l)
{
	for (uint16_t i = 0; b && i < b->nfns; i++) {
		struct pcisim_pcifn *f = b->fns[i];
		if (f->comp.removed || !pcisim_host_visible(h, f))
			continue;
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			struct pcisim_pcifn **v = pcisim_realloc(l->v, l->cap * sizeof(*v));
			if (!v)
				abort();
			l->v = v;
		}
		l->v[l->n++] = f;
		if (f->secondary)
			pcisim_aer_list_below(h, f->secondary, l);
	}
}

/* ---- drivers ---- */

static bool is_pcieport(const struct pcisim_pcifn *fn)
{
	const char *d = pcisim_host_linux_driver(fn);
	return d && !strcmp(d, "pcieport");
}

static struct pcisim_host_drv default_driver(const struct pcisim_pcifn *fn)
{
	struct pcisim_host_drv c = {.reads_device = true};
	const char *d = pcisim_host_linux_driver(fn);
	if (is_pcieport(fn)) {
		/* drivers/pci/pcie/portdrv.c pcie_portdrv_err_handler */
		c.error_detected = PCISIM_ERS_CAN_RECOVER; /* NEED_RESET when frozen (vote()) */
		c.mmio_enabled = PCISIM_ERS_RECOVERED;
		c.slot_reset = PCISIM_ERS_RECOVERED;
		c.resume = true;
		c.reads_device = false;
	} else if (d && !strcmp(d, "e1000e")) {
		/* drivers/net/ethernet/intel/e1000e/netdev.c e1000_err_handler */
		c.error_detected = PCISIM_ERS_NEED_RESET;
		c.slot_reset = PCISIM_ERS_RECOVERED;
		c.resume = true;
	}
	return c;
}

struct pcisim_host_drv pcisim_aer_driver(const struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	const struct pcisim_host_drv *c = pcisim_host_config_driver(&h->cfg, fn->comp.name);
	return c ? *c : default_driver(fn);
}

/* ---- the broadcast (pci_walk_bridge(bridge, report_*)) ---- */

/* The vote of @dev's driver for callback @cb (after its callback time). */
static enum pcisim_ers vote(struct pcisim_aer_recovery *r, struct pcisim_pcifn *dev, enum pcisim_aer_cb cb)
{
	struct pcisim_host *h = r->h;
	struct pcisim_host_drv c = pcisim_aer_driver(h, dev);
	bool has_driver = pcisim_host_linux_driver(dev) != NULL || c.id != NULL;
	enum pcisim_ers v = PCISIM_ERS_ABSENT;
	/* cxl_pci's handlers (cxl_ras.c), for a memdev the CXL drivers probed and no drivers: entry */
	if (h->cfg.cxl && !c.id && !c.vfio && cb != PCISIM_AER_CB_DETECTED) {
		enum pcisim_ers cv = pcisim_cxl_host_aer_cb(h, dev, cb, r->m.frozen, r->comp);
		if (cv && cb == PCISIM_AER_CB_RESUME)
			pcisim_host_set_io_state(h, dev, PCISIM_IO_NORMAL);
		if (cv)
			return cv;
	}
	switch (cb) {
	case PCISIM_AER_CB_DETECTED: {
		if (c.vfio) {
			/* vfio_pci_core_aer_err_detected(): signal the user (QEMU), vote
			 * CAN_RECOVER; the guest's own driver recovers the device */
			pcisim_vfio_error_detected(h, dev, r->m.frozen);
			return PCISIM_ERS_CAN_RECOVER;
		}
		/* report_error_detected() */
		bool io_ok = pcisim_host_set_io_state(h, dev, r->m.frozen ? PCISIM_IO_FROZEN : PCISIM_IO_NORMAL);
		if (io_ok && has_driver && h->cfg.cxl && !c.id) {
			enum pcisim_ers cv = pcisim_cxl_host_aer_cb(h, dev, cb, r->m.frozen, r->comp);
			if (cv)
				return cv;
		}
		if (!io_ok || !has_driver || !c.error_detected) {
			if (dev->drv->bridge) {
				v = PCISIM_ERS_NONE;
			} else {
				v = PCISIM_ERS_NO_AER_DRIVER;
				pcisim_aer_dev_log(dev, r->comp, "AER: Can't recover (no error_detected callback)");
			}
			return v;
		}
		v = c.error_detected;
		if (is_pcieport(dev) && r->m.frozen && v == PCISIM_ERS_CAN_RECOVER && !c.id)
			v = PCISIM_ERS_NEED_RESET;
		break;
	}
	case PCISIM_AER_CB_MMIO:
		v = c.vfio ? PCISIM_ERS_ABSENT : c.mmio_enabled;
		break;
	case PCISIM_AER_CB_SLOT_RESET:
		v = c.vfio ? PCISIM_ERS_ABSENT : c.slot_reset;
		break;
	case PCISIM_AER_CB_RESUME:
		if (c.vfio)
			return PCISIM_ERS_ABSENT;
		pcisim_host_set_io_state(h, dev, PCISIM_IO_NORMAL);
		return c.resume ? PCISIM_ERS_RECOVERED : PCISIM_ERS_ABSENT;
	}
	/* a driver that reads its device and gets all ones finds it gone (in
	 * error_detected only when the channel is not frozen: drivers keep off then) */
	if (v && c.reads_device && (cb != PCISIM_AER_CB_DETECTED || !r->m.frozen) &&
	    rd(dev, PCI_VENDOR_ID, 2) == 0xffff) {
		pcisim_aer_dev_log(dev, r->comp, "AER: %s: device reads all ones", pcisim_aer_cb_name(cb));
		v = PCISIM_ERS_DISCONNECT;
	}
	return v;
}

static pcisim_time cb_time(struct pcisim_aer_recovery *r, struct pcisim_pcifn *dev, enum pcisim_aer_cb cb)
{
	struct pcisim_host_drv c = pcisim_aer_driver(r->h, dev);
	if (c.vfio)
		return 0;
	bool has = cb == PCISIM_AER_CB_DETECTED ? c.error_detected != 0
		   : cb == PCISIM_AER_CB_MMIO	   ? c.mmio_enabled != 0
		   : cb == PCISIM_AER_CB_SLOT_RESET ? c.slot_reset != 0
						    : c.resume;
	return has ? c.cb_time : 0;
}

/* Broadcast r->cb to every device below, each after its callback time. */
static int walk(struct pcisim_aer_recovery *r)
{
	struct pcisim_pt *pt = &r->pt_walk;
	PT_BEGIN(pt);
	for (r->wi = 0; r->wi < r->devs.n; r->wi++) {
		if (r->devs.v[r->wi]->comp.removed)
			continue;
		r->step = cb_time(r, r->devs.v[r->wi], r->cb);
		if (r->step)
			PCISIM_AER_SLEEP(pt, r, r->step);
		{
			struct pcisim_pcifn *dev = r->devs.v[r->wi];
			enum pcisim_ers v = vote(r, dev, r->cb);
			if (r->cb == PCISIM_AER_CB_RESUME) {
				if (v)
					PCISIM_RECORD(r->comp->sim, &dev->comp, "aer.callback",
						      PCISIM_FS("callback", "resume"), PCISIM_FS("vote", "-"),
						      PCISIM_FS("status", pcisim_ers_name(r->m.status)));
				continue;
			}
			if (!v)
				continue;
			enum pcisim_ers m = pcisim_ers_merge(r->m.status, v);
			PCISIM_RECORD(r->comp->sim, &dev->comp, "aer.callback",
				      PCISIM_FS("callback", pcisim_aer_cb_name(r->cb)), PCISIM_FS("vote", pcisim_ers_name(v)),
				      PCISIM_FS("status", pcisim_ers_name(m)));
			r->m.status = m;
		}
	}
	PT_END(pt);
}

/* Enter state @st, broadcasting callback @which. */
#define BROADCAST(pt, r, st, which, why)                                                   \
	do {                                                                               \
		pcisim_aer_rec_set_state((r)->comp->sim, &(r)->m, (st), (why));            \
		(r)->cb = (which);                                                         \
		PT_CALL((pt), &(r)->pt_walk, walk(r));                                     \
	} while (0)

/* ---- after a link reset: pci_bridge_wait_for_secondary_bus() ---- */

static struct pcisim_port *bridge_port(struct pcisim_aer_recovery *r)
{
	return pcisim_to_port(r->bridge);
}

/* Faster than 5 GT/s (pcie_get_speed_cap()): Link Capabilities' maximum. */
static bool port_fast(struct pcisim_port *p)
{
	uint32_t lnkcap = pcisim_host_cfg_read_instant(&p->fn, (uint16_t)(p->exp + PCI_EXP_LNKCAP), 4,
						       PCISIM_INSTANT_ERROR_HANDLING);
	return (lnkcap & PCI_EXP_LNKCAP_SLS) > PCI_EXP_LNKCAP_SLS_5_0GB;
}

/* the first function below answers (pci_dev_wait reads PCI_COMMAND) */
static bool child_ready(struct pcisim_port *p)
{
	struct pcisim_pcibus *b = p->fn.secondary;
	if (!b || !b->nfns)
		return true; /* nothing to wait for */
	return rd(b->fns[0], PCI_COMMAND, 2) != 0xffff;
}

int pcisim_aer_wait_secondary_bus(struct pcisim_aer_recovery *r)
{
	struct pcisim_pt *pt = &r->pt_wait;
	PT_BEGIN(pt);
	r->reset_rc = 0;
	r->reset_start = r->comp->sim->now;
	if (!port_fast(bridge_port(r))) {
		PCISIM_AER_SLEEP(pt, r, PCISIM_AER_RESET_DELAY);
		r->deadline = r->comp->sim->now + PCISIM_AER_RESET_WAIT - PCISIM_AER_RESET_DELAY;
	} else {
		if (!pcisim_aer_port_dllla_reporting(bridge_port(r))) {
			PCISIM_AER_SLEEP(pt, r, PCISIM_AER_LINK_TIMEOUT + PCISIM_AER_RESET_DELAY);
		} else {
			PCISIM_AER_SLEEP(pt, r, PCISIM_AER_LINK_DETECT_WAIT);
			r->deadline = r->comp->sim->now + PCISIM_AER_LINK_TIMEOUT;
			while (!pcisim_aer_port_link_active(bridge_port(r))) {
				if (r->comp->sim->now >= r->deadline) {
					pcisim_aer_dev_log(r->bridge, r->comp,
							   "Data Link Layer Link Active not set in 1000 msec");
					r->reset_rc = -1;
					goto done;
				}
				PCISIM_AER_SLEEP(pt, r, PCISIM_AER_LINK_POLL);
			}
			PCISIM_AER_SLEEP(pt, r, PCISIM_AER_RESET_DELAY);
		}
		r->deadline = r->comp->sim->now + PCISIM_AER_READY_POLL - PCISIM_AER_RESET_DELAY;
	}
	/* pci_dev_wait(): 1, 2, 4, ... ms between reads of Command */
	r->step = 1 * PCISIM_MS;
	while (!child_ready(bridge_port(r))) {
		if (r->comp->sim->now >= r->deadline) {
			pcisim_aer_dev_log(r->bridge->secondary->fns[0], r->comp,
					   "not ready %llums after %s; giving up",
					   (unsigned long long)((r->comp->sim->now - r->reset_start) / PCISIM_MS),
					   r->reset_type);
			r->reset_rc = -1;
			goto done;
		}
		PCISIM_AER_SLEEP(pt, r, r->step);
		r->step *= 2;
	}
done:;
	PT_END(pt);
}

bool pcisim_aer_port_dllla_reporting(struct pcisim_port *p)
{
	/* Linux's dev->link_active_reporting: Link Capabilities, cached at enumeration (cfg.h) */
	return pcisim_cfg_get32(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_LNKCAP)) & PCI_EXP_LNKCAP_DLLLARC;
}

bool pcisim_aer_port_link_active(struct pcisim_port *p)
{
	return pcisim_host_cfg_read_instant(&p->fn, (uint16_t)(p->exp + PCI_EXP_LNKSTA), 2,
					    PCISIM_INSTANT_ERROR_HANDLING) &
	       PCI_EXP_LNKSTA_DLLLA;
}

/* ---- pcie_do_recovery() ---- */

static void finish(struct pcisim_aer_recovery *r, bool ok)
{
	if (ok) {
		/* pcie_clear_device_status() and pci_aer_clear_nonfatal_status() of the
		 * function that reported the error (Linux 6.x; 5.x cleared the bridge's) */
		struct pcisim_pcifn *b = r->rdev;
		uint16_t exp = pcisim_cfg_find_cap(&b->cfg, PCI_CAP_ID_EXP);
		uint16_t aer = pcisim_cfg_find_ext_cap(&b->cfg, PCI_EXT_CAP_ID_ERR);
		if (exp)
			wr(b, (uint16_t)(exp + PCI_EXP_DEVSTA), rd(b, (uint16_t)(exp + PCI_EXP_DEVSTA), 2), 2);
		if (aer) {
			uint32_t st = rd(b, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), 4);
			uint32_t sev = rd(b, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER), 4);
			if (st != 0xffffffffu && (st & ~sev))
				wr(b, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), st & ~sev, 4);
		}
		pcisim_aer_dev_log(r->bridge, r->comp, "AER: device recovery successful");
		r->recovered++;
		r->last = "recovered";
	} else {
		pcisim_aer_dev_log(r->bridge, r->comp, "AER: device recovery failed");
		/* the drivers stay stopped: pcisim counts their functions as disconnected */
		for (unsigned i = 0; i < r->devs.n; i++)
			if (!r->devs.v[i]->drv->bridge)
				pcisim_host_set_io_state(r->h, r->devs.v[i], PCISIM_IO_PERM_FAILURE);
		r->failed++;
		r->last = "failed";
	}
	pcisim_aer_rec_set_state(r->comp->sim, &r->m, ok ? PCISIM_AER_REC_RECOVERED : PCISIM_AER_REC_FAILED,
				 ok ? "device recovery successful" : "device recovery failed");
	pcisim_vfio_host_recovery_done(r->h, &r->devs);
	r->bridge = NULL;
	r->devs.n = 0;
	pcisim_aer_rec_set_state(r->comp->sim, &r->m, PCISIM_AER_REC_IDLE, "recovery over");
}

/* Is every function below the bridge passed through (vfio-pci's)? */
static bool all_vfio(struct pcisim_aer_recovery *r)
{
	unsigned n = 0;
	for (unsigned i = 0; i < r->devs.n; i++) {
		if (r->devs.v[i]->drv->bridge)
			continue;
		if (!pcisim_aer_driver(r->h, r->devs.v[i]).vfio)
			return false;
		n++;
	}
	return n > 0;
}

int pcisim_aer_do_recovery(struct pcisim_aer_recovery *r)
{
	struct pcisim_pt *pt = &r->pt_rec;
	struct pcisim_sim *sim = r->comp->sim;
	PT_BEGIN(pt);
	{
		struct pcisim_pcifn *dev = r->rdev;
		int type = pcisim_cap_exp_type(&dev->cfg);
		r->bridge = (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM)
				    ? dev
				    : (dev->bus ? dev->bus->bridge : NULL);
		if (!r->bridge || !pcisim_is_port(r->bridge)) {
			pcisim_aer_dev_log(dev, r->comp, "AER: no downstream port above: recovery not possible");
			r->bridge = NULL;
			PT_EXIT(pt);
		}
		r->devs.n = 0;
		pcisim_aer_list_below(r->h, r->bridge->secondary, &r->devs);
		r->m.status = PCISIM_ERS_CAN_RECOVER;
		r->m.subject = &r->bridge->comp;
		r->recoveries++;
	}
	BROADCAST(pt, r, PCISIM_AER_REC_ERROR_DETECTED, PCISIM_AER_CB_DETECTED,
		  r->m.frozen ? "frozen channel" : "normal channel");
	if (r->m.frozen && r->h->cfg.vfio_remedy == PCISIM_VFIO_SKIP_HOST_RESET && all_vfio(r)) {
		/* the slides' workable version: the host leaves the link reset to the guest */
		pcisim_aer_dev_log(r->bridge, r->comp, "AER: link reset skipped: the guest resets its device (vfio)");
		r->m.frozen = false;
	}
	if (r->m.frozen && !r->h->cfg.reset_on_need_reset) {
		pcisim_aer_rec_set_state(sim, &r->m, PCISIM_AER_REC_RESET_LINK, "frozen channel");
		PT_CALL(pt, &r->pt_reset, r->reset_link(r));
		if (r->reset_rc) {
			pcisim_aer_dev_log(r->bridge, r->comp, "AER: subordinate device reset failed");
			finish(r, false);
			PT_EXIT(pt);
		}
	}
	if (r->m.status == PCISIM_ERS_CAN_RECOVER) {
		r->m.status = PCISIM_ERS_RECOVERED;
		BROADCAST(pt, r, PCISIM_AER_REC_MMIO_ENABLED, PCISIM_AER_CB_MMIO, "can recover");
	}
	if (r->h->cfg.reset_on_need_reset && (r->m.status == PCISIM_ERS_NEED_RESET || r->m.frozen)) {
		pcisim_aer_rec_set_state(sim, &r->m, PCISIM_AER_REC_RESET_LINK,
					 r->m.frozen ? "frozen channel" : "a driver needs a reset");
		PT_CALL(pt, &r->pt_reset, r->reset_link(r));
		if (r->reset_rc) {
			pcisim_aer_dev_log(r->bridge, r->comp, "AER: subordinate device reset failed");
			finish(r, false);
			PT_EXIT(pt);
		}
	}
	if (r->m.status == PCISIM_ERS_NEED_RESET) {
		r->m.status = PCISIM_ERS_RECOVERED;
		BROADCAST(pt, r, PCISIM_AER_REC_SLOT_RESET, PCISIM_AER_CB_SLOT_RESET, "need reset");
	}
	if (r->m.status != PCISIM_ERS_RECOVERED) {
		finish(r, false);
		PT_EXIT(pt);
	}
	BROADCAST(pt, r, PCISIM_AER_REC_RESUME, PCISIM_AER_CB_RESUME, "recovered");
	finish(r, true);
	PT_END(pt);
}

bool pcisim_aer_recovery_holds(const struct pcisim_aer_recovery *r, const struct pcisim_pcifn *fn)
{
	if (!r->bridge)
		return false;
	for (unsigned j = 0; j < r->devs.n; j++)
		if (r->devs.v[j] == fn)
			return true;
	return false;
}

void pcisim_aer_recovery_fini(struct pcisim_aer_recovery *r)
{
	pcisim_free(r->devs.v);
	pcisim_free(r->saved);
	r->devs = (struct pcisim_fn_list){0};
	r->saved = NULL;
	r->nsaved = 0;
}

const struct pcisim_record_kind pcisim_aer_recovery_kinds[] = {
	{"aer.callback", "a driver's error recovery callback returned (fields: callback, vote, status = merged result)"},
	{"aer.recovery", "pcie_do_recovery() started or ended (fields: event: start/recovered/failed, state, status)"},
	{"aer.reset", "the AER service reset a link for recovery (fields: event, why)"},
	{0},
};
